package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestDatesOf: a history's dates, both ends included; a month later is the same day of
// the month, or the month's last day where it has no such day.
func TestDatesOf(t *testing.T) {
	for _, c := range []struct {
		from, to, every string
		want            []string
	}{
		{"2021-03-02", "2021-03-16", "1w", []string{"2021-03-02", "2021-03-09", "2021-03-16"}},
		{"2021-03-02", "2021-03-05", "2d", []string{"2021-03-02", "2021-03-04"}},
		{"2021-01-31", "2021-06-30", "1m", []string{"2021-01-31", "2021-02-28", "2021-03-31", "2021-04-30", "2021-05-31", "2021-06-30"}},
		{"2020-01-31", "2020-03-31", "1m", []string{"2020-01-31", "2020-02-29", "2020-03-31"}},
	} {
		got, err := datesOf(c.from, c.to, c.every)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("%s to %s every %s: %v %v, want %v", c.from, c.to, c.every, got, err, c.want)
		}
	}
	for _, bad := range [][3]string{{"2021-03-02", "2021-03-01", "1d"}, {"2021-03-02", "2021-03-03", "0d"}, {"2021-03-02", "2021-03-03", "1y"},
		{"2021-03-02", "2021-03-03", "d"}, {"0001-01-01", "9999-12-31", "1d"}} {
		if _, err := datesOf(bad[0], bad[1], bad[2]); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}

// TestValueAsOfOverride: -as-of values a model file whose own "as_of" cannot be valued
// (2021-03-01, before the report's figures of 03-02 and its market's one quote of 03-09):
// as of 2021-03-09 the report's model at USD/HKD 7.8 is 404.559 × 7.8 / 7.7 = 409.8
// (a review found the file's own date refused first).
func TestValueAsOfOverride(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "valuation", "kuaishou2021", "kuaishou2021.json"))
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.Replace(b, []byte(`"format": "sotp/model/v1",`), []byte(`"format": "sotp/model/v1", "as_of": "2021-03-01",
		"market": {"quotes": [{"date": "2021-03-09", "from": "USD", "to": "HKD", "rate": "7.8"}]},`), 1)
	path := filepath.Join(t.TempDir(), "dated.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := command(context.Background(), []string{"value", path}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "no quote on or before 2021-03-01") {
		t.Errorf("at its own date: exit %d, %s", code, stderr.String())
	}
	for _, args := range [][]string{{"value", "-as-of", "2021-03-09", path}, {"history", "-from", "2021-03-09", "-to", "2021-03-09", path}} {
		if out := sotp(t, args...); !strings.Contains(out, "409.8") {
			t.Errorf("%v: %s, want HK$409.8", args, out)
		}
	}
}

// TestDateFlags: a date flag that is no date is a usage error (exit 2), not an error of
// the model file (a review found "$.as_of: invalid value" blamed on a file without one).
func TestDateFlags(t *testing.T) {
	kuaishou := filepath.Join("..", "..", "valuation", "kuaishou2021", "kuaishou2021.json")
	for _, args := range [][]string{{"value", "-as-of", "2021-02-30", kuaishou}, {"batch", "-as-of", "2026-13-01", t.TempDir()}} {
		var stdout, stderr bytes.Buffer
		if code := command(context.Background(), args, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "want a date YYYY-MM-DD") {
			t.Errorf("%v: exit %d, %s", args, code, stderr.String())
		}
	}
}

// TestRunWarnings: sotp run prints its model's warnings as sotp value notes them: a run
// as of 2021-03-16 names CNY/HKD, 14 days old (a review found them unprinted).
func TestRunWarnings(t *testing.T) {
	dir := t.TempDir()
	for name, from := range map[string]string{"kuaishou.json": filepath.Join("..", "..", "valuation", "kuaishou2021", "kuaishou2021.json"),
		"market.csv": filepath.Join("..", "..", "valuation", "kuaishou2021", "testdata", "market.csv")} {
		b, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := filepath.Join(dir, "run.json")
	if err := os.WriteFile(run, []byte(`{"format": "sotp/run/v1", "model_file": "kuaishou.json", "market": {"file": "market.csv"}, "as_of": "2021-03-16",
		"scenarios": {"outputs": ["target"], "sets": [{"name": "bear", "set": {"forecast/2021/mau": "500"}}]}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := command(context.Background(), []string{"run", run}, &stdout, &stderr); code != 0 || !strings.Contains(stderr.String(), "sotp: warning: FX CNY/HKD is of 2021-03-02") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}
