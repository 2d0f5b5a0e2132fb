package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// bookDir is a folder of a coverage book: the shipped example models and run files (run
// files name their models beside them), the report's model, a file with an unknown
// field and a file that is not JSON, which batch passes over.
func bookDir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	models, err := filepath.Glob(filepath.Join("..", "models", "*.json"))
	if err != nil || len(models) == 0 {
		t.Fatalf("%v, %v", models, err)
	}
	for _, f := range append(models, filepath.Join("..", "..", "valuation", "kuaishou2021", "kuaishou2021.json")) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, body := range map[string]string{"a-bad.json": `{"format": "sotp/model/v1", "x": 1}`, "notes.txt": "not a model"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestBatch: sotp batch values every JSON file of a folder in name order, a line each:
// the report's model at its HK$404.6 target (Table 14: 404.56 to 16 places as sotp value
// gives it) and 26.8% upside with a Buy, each shipped model as sotp value values it, and
// the bad file with its error's code and JSON path, the others valued all the same; the
// command exits 1. The shards 0/3, 1/3 and 2/3 split the lines among them, in order; CSV
// holds the same rows under a header (an empty folder, the header alone), -progress
// counts the files on standard error; a shard out of range is a usage error.
func TestBatch(t *testing.T) {
	dir := bookDir(t)
	var stdout, stderr bytes.Buffer
	if code := command(context.Background(), []string{"batch", dir}, &stdout, &stderr); code != 1 {
		t.Fatalf("exit %d, want 1 (a bad file): %s", code, stderr.String())
	}
	var lines []valued
	var names []string
	for _, l := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		var v valued
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		lines, names = append(lines, v), append(names, filepath.Base(v.File))
	}
	if !slices.IsSorted(names) || len(names) != 8 || names[0] != "a-bad.json" || slices.Contains(names, "notes.txt") {
		t.Fatalf("files %v, want the eight JSON files in name order", names)
	}
	if e := lines[0].Error; e == nil || e.Code != "unknown_field" || e.Path != "$.x" || lines[0].Target != "" {
		t.Errorf("bad file: %+v", lines[0])
	}
	for _, v := range lines[1:] {
		if v.Error != nil {
			t.Errorf("%s: %+v", v.File, v.Error)
			continue
		}
		var r struct{ Target string }
		if !strings.HasSuffix(v.File, "-run.json") {
			if err := json.Unmarshal([]byte(sotp(t, "value", "-format", "json", v.File)), &r); err != nil {
				t.Fatal(err)
			}
			if r.Target != v.Target {
				t.Errorf("%s: target %s, sotp value gives %s", v.File, v.Target, r.Target)
			}
		}
		if filepath.Base(v.File) == "kuaishou2021.json" && (v.Target != "404.5589808011541236" || v.Currency != "HKD" || v.Rating != "Buy" || !strings.HasPrefix(v.Upside, "0.268")) {
			t.Errorf("the report's model: %+v, want 404.5589808011541236 HKD, Buy at 26.8%% (Table 14)", v)
		}
	}
	var sharded []string
	for i := range 3 {
		stdout.Reset()
		command(context.Background(), []string{"batch", "-shard", strconv.Itoa(i) + "/3", dir}, &stdout, &stderr)
		for _, l := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
			var v valued
			if err := json.Unmarshal([]byte(l), &v); err != nil {
				t.Fatal(err)
			}
			if k := slices.Index(names, filepath.Base(v.File)); k%3 != i {
				t.Errorf("shard %d/3 has %s, the %dth file", i, v.File, k)
			}
			sharded = append(sharded, filepath.Base(v.File))
		}
	}
	slices.Sort(sharded)
	if !slices.Equal(sharded, names) {
		t.Errorf("the shards hold %v, want %v once each", sharded, names)
	}
	stdout.Reset()
	stderr.Reset()
	command(context.Background(), []string{"batch", "-format", "csv", "-progress", dir}, &stdout, &stderr)
	if !strings.Contains(stderr.String(), "\rsotp batch: 8/8\n") {
		t.Errorf("progress %q, want it to end on 8/8", stderr.String())
	}
	rows, err := csv.NewReader(&stdout).ReadAll()
	if err != nil || len(rows) != 9 || rows[0][2] != "target" || rows[1][6] != "unknown_field" || rows[1][7] != "$.x" {
		t.Errorf("CSV %v, %v", rows, err)
	}
	stdout.Reset()
	if code := command(context.Background(), []string{"batch", "-format", "csv", t.TempDir()}, &stdout, &stderr); code != 0 || !strings.HasPrefix(stdout.String(), "file,currency,target") {
		t.Errorf("an empty folder: exit %d, %q; want 0 and the CSV header", code, stdout.String())
	}
	for _, bad := range []string{"3/3", "-1/2", "x", "1/0"} {
		if code := command(context.Background(), []string{"batch", "-shard", bad, dir}, &stdout, &stderr); code != 2 {
			t.Errorf("-shard %s: exit %d, want 2", bad, code)
		}
	}
}

// generatedBook writes n copies of the local-services example model, each at its own
// price, into a folder.
func generatedBook(b testing.TB, n int) string {
	b.Helper()
	src, err := os.ReadFile(filepath.Join("..", "models", "localco.json"))
	if err != nil {
		b.Fatal(err)
	}
	if !bytes.Contains(src, []byte(`"price": "58"`)) {
		b.Fatal(`localco.json has no "price": "58"`)
	}
	dir := b.TempDir()
	for i := range n {
		doc := bytes.Replace(src, []byte(`"price": "58"`), []byte(`"price": "`+strconv.Itoa(40+i%40)+`"`), 1)
		if err := os.WriteFile(filepath.Join(dir, "m"+strconv.Itoa(10000+i)+".json"), doc, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

// BenchmarkBatch values a book of 100 and of 1,000 generated model files, writing NDJSON
// to nowhere; peak-heap-B is the most heap in use, sampled every millisecond.
func BenchmarkBatch(b *testing.B) {
	for _, n := range []int{100, 1000} {
		dir := generatedBook(b, n)
		b.Run("files="+strconv.Itoa(n), func(b *testing.B) {
			var peak atomic.Uint64
			stop := make(chan struct{})
			var wg sync.WaitGroup
			wg.Go(func() {
				var ms runtime.MemStats
				for {
					select {
					case <-stop:
						return
					case <-time.After(time.Millisecond):
						runtime.ReadMemStats(&ms)
						if ms.HeapInuse > peak.Load() {
							peak.Store(ms.HeapInuse)
						}
					}
				}
			})
			for b.Loop() {
				var stderr bytes.Buffer
				if code := command(context.Background(), []string{"batch", dir}, io.Discard, &stderr); code != 0 {
					b.Fatalf("exit %d: %s", code, stderr.String())
				}
			}
			close(stop)
			wg.Wait()
			b.ReportMetric(float64(peak.Load()), "peak-heap-B")
		})
	}
}

// TestBatchMemory: a batch holds a few results ahead of the one it writes, not one a
// file: over 200,000 files (missing ones, each an error line), the heap at the first
// line is within 8 MiB of the heap before (a channel a file made it 40 MB).
func TestBatchMemory(t *testing.T) {
	dir := t.TempDir()
	files := make([]string, 200_000)
	for i := range files {
		files[i] = filepath.Join(dir, strconv.Itoa(i)+".json")
	}
	var before, at runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	err := valueAll(context.Background(), files, "", func(k int, v valued) error {
		if k == 0 {
			runtime.ReadMemStats(&at)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if grown := int64(at.HeapAlloc) - int64(before.HeapAlloc); grown > 8<<20 {
		t.Errorf("the heap grew by %d bytes before the first line, want under 8 MiB", grown)
	}
}

// TestBatchAsOf: a book whose model names a market is valued as of the market's last
// quote (2021-03-16: HK$450.8, valuation/kuaishou2021's TestAsOf works it by hand), or
// as of -as-of (2021-03-09: HK$445.0), each line saying its date: the nightly run takes
// the day's snapshot, and a backfill any day's.
func TestBatchAsOf(t *testing.T) {
	dir := t.TempDir()
	model, err := os.ReadFile(filepath.Join("..", "..", "valuation", "kuaishou2021", "kuaishou2021.json"))
	if err != nil {
		t.Fatal(err)
	}
	market, err := os.ReadFile(filepath.Join("..", "..", "valuation", "kuaishou2021", "testdata", "market.csv"))
	if err != nil {
		t.Fatal(err)
	}
	model = bytes.Replace(model, []byte(`"format": "sotp/model/v1",`), []byte(`"format": "sotp/model/v1", "market": {"file": "market.csv"},`), 1)
	if err := os.WriteFile(filepath.Join(dir, "kuaishou.json"), model, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "market.csv"), market, 0o644); err != nil {
		t.Fatal(err)
	}
	dated := t.TempDir()
	if err := os.WriteFile(filepath.Join(dated, "kuaishou.json"), bytes.Replace(model, []byte(`"format": "sotp/model/v1",`), []byte(`"format": "sotp/model/v1", "as_of": "2021-03-01",`), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dated, "market.csv"), market, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args         []string
		target, date string
	}{
		{[]string{"batch", dir}, "450.8", "2021-03-16"},
		{[]string{"batch", "-as-of", "2021-03-09", dir}, "445.0", "2021-03-09"},
		// A file dated where it cannot be valued is read at the date asked for, as sotp
		// value reads it (a review found batch read it at its own first).
		{[]string{"batch", "-as-of", "2021-03-09", dated}, "445.0", "2021-03-09"},
	} {
		var v valued
		if err := json.Unmarshal([]byte(sotp(t, c.args...)), &v); err != nil {
			t.Fatal(err)
		}
		if got := decimal.RequireFromString(v.Target).StringFixed(1); got != c.target || v.AsOf != c.date {
			t.Errorf("%v: %s as of %q, want %s as of %s", c.args, got, v.AsOf, c.target, c.date)
		}
		// Its warnings too: on 03-16 CNY/HKD is of 03-02 (a review found a batch line gave
		// none).
		if stale := slices.ContainsFunc(v.Warnings, func(w string) bool { return strings.HasPrefix(w, "stale_quote: FX CNY/HKD") }); stale != (c.date == "2021-03-16") {
			t.Errorf("%v: warnings %q", c.args, v.Warnings)
		}
	}
}
