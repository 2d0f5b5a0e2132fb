package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/examples/internal/shipped"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/run"
)

// sotp runs one command line in process and returns its standard output.
func sotp(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := command(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("sotp %s: exit %d: %s%s", strings.Join(args, " "), code, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// TestShippedFormats: every model file the repository ships is written in every output
// format (text, Markdown, CSV, JSON) and every run file in both of its (text, JSON); the
// JSON decodes and encodes back to the same bytes, and the CSV lists each figure the
// JSON holds at the same value. Before issue 22 the holding-company example
// (valuation/modelfile/testdata/bridge.json) could not be written as JSON.
func TestShippedFormats(t *testing.T) {
	models, runs := shipped.Files(t, filepath.Join("..", ".."))
	for _, path := range models {
		var r valuation.Result
		out := sotp(t, "value", "-format", "json", path)
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%s: JSON does not decode: %v", path, err)
		}
		var again bytes.Buffer
		if err := writeJSON(&again, r); err != nil || again.String() != out {
			t.Errorf("%s: JSON does not encode back to its bytes (%v)", path, err)
		}
		text := sotp(t, "value", path)
		if !strings.Contains(text, r.Summary()) {
			t.Errorf("%s: text lacks the summary %q", path, r.Summary())
		}
		if md := sotp(t, "value", "-format", "markdown", path); !strings.Contains(md, "|") || !strings.Contains(md, r.Summary()) {
			t.Errorf("%s: Markdown without a table or the summary", path)
		}
		rows, err := csv.NewReader(strings.NewReader(sotp(t, "value", "-format", "csv", path))).ReadAll()
		if err != nil || len(rows) < 2 {
			t.Fatalf("%s: CSV: %d rows, %v", path, len(rows), err)
		}
		for _, row := range rows[1:] {
			want, err := r.Figure(row[0])
			got, perr := decimal.NewFromString(row[1])
			if err != nil || perr != nil || !got.Equal(want) {
				t.Errorf("%s: CSV %s = %s, JSON %s (%v %v)", path, row[0], row[1], want, err, perr)
			}
		}
	}
	for _, path := range runs {
		var r run.Report
		out := sotp(t, "run", "-format", "json", path)
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%s: JSON does not decode: %v", path, err)
		}
		var again bytes.Buffer
		if err := writeJSON(&again, r); err != nil || again.String() != out {
			t.Errorf("%s: JSON does not encode back to its bytes (%v)", path, err)
		}
		if text := sotp(t, "run", path); !strings.HasPrefix(text, r.Result.Summary()) {
			t.Errorf("%s: text does not begin with the summary %q", path, r.Result.Summary())
		}
	}
}
