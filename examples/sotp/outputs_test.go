package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/sotpkit/sotp/examples/internal/shipped"
	"github.com/sotpkit/sotp/valuation/modelfile"
)

var updateCharts = flag.Bool("update-charts", false, "rewrite walkthrough/charts from sotp chart")

// TestChartsOfShippedFiles: sotp chart and sotp xlsx work on every model and run file the
// repository ships: each chart a file supports is drawn (a run's tornados, grid,
// histograms, convergence of runs to a precision and indices besides the waterfall) as an SVG document, and each workbook
// opens with a sheet for every analysis the run holds that a workbook takes.
func TestChartsOfShippedFiles(t *testing.T) {
	models, runs := shipped.Files(t, filepath.Join("..", ".."))
	for _, path := range append(models, runs...) {
		dir := t.TempDir()
		written := strings.Fields(sotp(t, "chart", "-out", dir, path))
		if len(written) == 0 || written[0] != filepath.Join(dir, "waterfall.svg") {
			t.Errorf("%s: charts %v, want the waterfall first", path, written)
		}
		if b, _ := os.ReadFile(path); bytes.Contains(b, []byte(`"mean_`)) != slices.Contains(written, filepath.Join(dir, "convergence-target.svg")) {
			t.Errorf("%s: charts %v: a convergence chart wanted for a run to a precision, and only then", path, written)
		}
		for _, f := range written {
			b, err := os.ReadFile(f)
			if err != nil || !bytes.Contains(b, []byte("<svg")) || !bytes.HasSuffix(bytes.TrimSpace(b), []byte("</svg>")) {
				t.Errorf("%s: %s is not an SVG document (%v)", path, f, err)
			}
		}
		book := filepath.Join(dir, "book.xlsx")
		sotp(t, "xlsx", "-o", book, path)
		x, err := excelize.OpenFile(book)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		sheets := x.GetSheetList()
		x.Close()
		if !slices.Contains(sheets, "SOTP") || slices.Contains(runs, path) && len(sheets) < 5 {
			t.Errorf("%s: sheets %v", path, sheets)
		}
	}
}

// TestWalkthroughCharts: the charts of the walkthrough's run, which the README shows, are
// the bytes sotp chart draws (go test -update-charts rewrites them).
func TestWalkthroughCharts(t *testing.T) {
	dir := t.TempDir()
	written := strings.Fields(sotp(t, "chart", "-out", dir, filepath.Join("walkthrough", "run.json")))
	var names []string
	for _, f := range written {
		name := filepath.Base(f)
		names = append(names, name)
		got, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join("walkthrough", "charts", name)
		if *updateCharts {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s differs from what sotp chart draws (go test -update-charts rewrites it): %v", golden, err)
		}
	}
	if want := []string{"waterfall.svg", "tornado-target.svg", "heatmap-target.svg"}; !slices.Equal(names, want) {
		t.Errorf("charts %v, want %v", names, want)
	}
}

// TestInline: sotp inline writes the walkthrough's model, which names its comparables
// file, with the comparables inlined: the file reads with no file system and values as
// the original does.
func TestInline(t *testing.T) {
	path := filepath.Join("walkthrough", "model.json")
	out := sotp(t, "inline", path)
	m, err := modelfile.Read(strings.NewReader(out), nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	want := sotp(t, "value", path)
	inlined := filepath.Join(t.TempDir(), "inline.json")
	if err := os.WriteFile(inlined, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := sotp(t, "value", inlined); got != want || r.Target.IsZero() {
		t.Errorf("inlined model values as\n%s\nwant\n%s", got, want)
	}
}

// TestChartOneSide: -width or -height alone draws, the other side at its default, as
// the flags say ("0: 576", "0: 360"); chart.Frame took its default only when both were
// 0, and refused 600 × 0.
func TestChartOneSide(t *testing.T) {
	for _, args := range [][]string{{"-width", "600"}, {"-height", "400"}} {
		var stdout, stderr bytes.Buffer
		argv := append(append([]string{"chart", "-out", t.TempDir()}, args...), filepath.Join("walkthrough", "model.json"))
		if code := command(context.Background(), argv, &stdout, &stderr); code != 0 {
			t.Errorf("sotp %s: exit %d: %s", strings.Join(argv, " "), code, stderr.String())
		}
	}
}
