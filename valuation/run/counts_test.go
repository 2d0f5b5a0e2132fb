package run_test

// Regression tests of issue 22, item 1: every count a run file asks for is checked
// before any work, however few its bytes.

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/heap"
	"github.com/sotpkit/sotp/valuation/run"
)

// extremeRuns are run files of at most 1 KiB, each asking for far more work than its
// limits allow through one count, and the sentinel of its refusal. Before issue 22 the
// first made `sotp run` reach 1.24 GB and take 3.7 s: each axis was spelled out in
// decimals before the grid's points were counted.
func extremeRuns() []struct{ name, run string } {
	const head = `{"format": "sotp/run/v1", "model_file": "model.json", "limits": {"max_points": 1000}, `
	in := func(name string) string {
		return `{"name": "` + name + `", "dist": "uniform", "params": {"min": "80", "max": "120"}}`
	}
	inputs := in("a") + ", " + in("b") + ", " + in("c") + ", " + in("d") + ", " + in("e") + ", " + in("f")
	axis := `{"name": "forecast/2025/mau", "from": "1", "to": "2", "steps": 9999999}`
	return []struct{ name, run string }{
		{"grid: one axis of 9,999,999 steps", head + `"grid": {"outputs": ["target"], "axes": [` + axis + `]}}`},
		{"grid: four axes of 9,999,999 steps", head + `"grid": {"outputs": ["target"], "axes": [` + strings.Repeat(axis+", ", 3) + axis + `]}}`},
		{"grid: ten axes, steps the largest int", head + `"grid": {"outputs": ["target"], "axes": [` +
			strings.Repeat(`{"name": "x", "from": "1", "to": "2", "steps": 9223372036854775807}, `, 9) +
			`{"name": "x", "from": "1", "to": "2", "steps": 9223372036854775807}]}}`},
		{"tornado: more ends than points", head[:len(head)-len(`"limits": {"max_points": 1000}, `)] + `"limits": {"max_points": 3}, "tornado": {"output": "target", "swings": [` +
			`{"name": "shares", "pct": "0.1"}, {"name": "forecast/2025/mau", "pct": "0.1"}]}}`},
		{"scenarios: more sets than points", `{"format": "sotp/run/v1", "model_file": "model.json", "limits": {"max_points": 1}, "scenarios": {"outputs": ["target"], "sets": [` +
			`{"name": "a", "set": {"shares": "1"}}, {"name": "b", "set": {"shares": "2"}}]}}`},
		{"seek: its iterations", `{"format": "sotp/run/v1", "model_file": "model.json", "limits": {"max_points": 100}, "seek": ` +
			`{"assumption": "forecast/2025/mau", "output": "target", "target": "50", "low": "60", "high": "1000"}}`},
		{"monte_carlo: draws the largest int", head + `"monte_carlo": {"output": "target", "inputs": [` + in("shares") + `], "draws": 9223372036854775807}}`},
		{"monte_carlo: latin hypercube strata overflow", head + `"monte_carlo": {"output": "target", "inputs": [` + inputs +
			`], "draws": 1537228672809129301, "sampling": "latin_hypercube"}}`},
		{"sobol: samples", head + `"sobol": {"outputs": ["target"], "inputs": [` + in("shares") + `], "samples": 9223372036854775807}}`},
		{"sobol: bootstrap", head + `"sobol": {"outputs": ["target"], "inputs": [` + in("shares") + `], "samples": 2, "bootstrap": 9223372036854775807}}`},
		{"sobol: second order and latin hypercube", head + `"sobol": {"outputs": ["target"], "inputs": [` + inputs +
			`], "samples": 100000000, "second": true, "sampling": "latin_hypercube"}}`},
		{"morris: trajectories", head + `"morris": {"outputs": ["target"], "inputs": [` + in("shares") + `], "trajectories": 9223372036854775807}}`},
		{"morris: bootstrap", head + `"morris": {"outputs": ["target"], "inputs": [` + in("shares") + `], "bootstrap": 9223372036854775807}}`},
		{"weighted: more cases than points", `{"format": "sotp/run/v1", "model_file": "model.json", "limits": {"max_points": 1}, "weighted": [` +
			`{"name": "a", "weight": "0.5"}, {"name": "b", "weight": "0.5"}]}`},
		{"analyses together past the limit", `{"format": "sotp/run/v1", "model_file": "model.json", "limits": {"max_points": 250}, ` +
			`"grid": {"outputs": ["target"], "axes": [{"name": "shares", "from": "1", "to": "2", "steps": 100}]}, ` +
			`"seek": {"assumption": "forecast/2025/mau", "output": "target", "target": "50", "low": "60", "high": "1000"}}`},
	}
}

// TestExtremeCountsRefused: each extreme run file is refused with
// fault.ErrTooManyPoints at the path of its analysis, holding under 64 MiB of heap at its
// peak: nothing is spelled out point by point before the points are counted.
func TestExtremeCountsRefused(t *testing.T) {
	fsys := os.DirFS("../modelfile/testdata")
	for _, c := range extremeRuns() {
		t.Run(c.name, func(t *testing.T) {
			if len(c.run) > 1024 {
				t.Fatalf("%d bytes: the case must fit in 1 KiB", len(c.run))
			}
			var err error
			peak := heap.Peak(func() {
				_, err = run.Read(context.Background(), strings.NewReader(c.run), fsys)
			})
			var fe *fault.Error
			if !errors.Is(err, fault.ErrTooManyPoints) || !errors.As(err, &fe) || !strings.HasPrefix(fe.Path, "$.") {
				t.Errorf("%v, want fault.ErrTooManyPoints at the analysis's path", err)
			}
			if peak > 64<<20 {
				t.Errorf("peak heap %d MiB, want under 64 MiB", peak>>20)
			}
		})
	}
}

// TestRunLimitsChecked: a run file's own limits are counts too: a negative maximum or more
// workers than sensitivity.MaxWorkers (each a goroutine) is refused when it is decoded.
func TestRunLimitsChecked(t *testing.T) {
	for _, limits := range []string{`{"workers": 100000000}`, `{"workers": -1}`, `{"max_points": -5}`} {
		doc := `{"format": "sotp/run/v1", "model_file": "model.json", "limits": ` + limits +
			`, "scenarios": {"outputs": ["target"], "sets": [{"name": "a", "set": {}}]}}`
		_, err := run.Decode(strings.NewReader(doc))
		var fe *fault.Error
		if !errors.Is(err, fault.ErrInvalid) || !errors.As(err, &fe) || fe.Path != "$.limits" {
			t.Errorf("%s: %v, want fault.ErrInvalid at $.limits", limits, err)
		}
	}
}

// BenchmarkRefuseExtremeRun is the cost of refusing the first extreme run file (one grid
// axis of 9,999,999 steps): decoding it and counting its points, no model built.
func BenchmarkRefuseExtremeRun(b *testing.B) {
	doc := extremeRuns()[0].run
	fsys := os.DirFS("../modelfile/testdata")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := run.Read(context.Background(), strings.NewReader(doc), fsys); !errors.Is(err, fault.ErrTooManyPoints) {
			b.Fatal(err)
		}
	}
}
