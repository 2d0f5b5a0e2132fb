package sensitivity_test

// Regression tests of issue 22, item 1: counts are taken before any work, in
// overflow-safe steps, and an axis is spelled out only once its grid is admitted.

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/testkit"
	"github.com/sotpkit/sotp/valuation/sensitivity"
)

// TestSpanAxis: a grid over Span axes is the grid over their values listed, cell for
// cell, and spells them out as listed; the caller's axes are left as given; an axis of
// both values and steps, or of neither, is an option error.
func TestSpanAxis(t *testing.T) {
	e := engine(t, sensitivity.Options{})
	ctx := context.Background()
	mau := []decimal.Decimal{d("450"), d("500"), d("550"), d("600"), d("650"), d("700")}
	want, err := e.Grid(ctx, []string{"target"}, sensitivity.Axis{Name: "forecast/2021/mau", Values: mau})
	if err != nil {
		t.Fatal(err)
	}
	axes := []sensitivity.Axis{sensitivity.Span("forecast/2021/mau", d("450"), d("700"), 6)}
	got, err := e.Grid(ctx, []string{"target"}, axes...)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.Text("target"), got.Text("target")); diff != "" {
		t.Errorf("span grid (-listed +span):\n%s", diff)
	}
	if len(got.Axes) != 1 || !slices.EqualFunc(got.Axes[0].Values, mau, decimal.Decimal.Equal) {
		t.Errorf("span spelled out as %v, want %v", got.Axes, mau)
	}
	if axes[0].Values != nil || axes[0].Steps != 6 {
		t.Errorf("the caller's axis was changed: %+v", axes[0])
	}
	for _, bad := range []sensitivity.Axis{
		{Name: "shares", Values: mau, Steps: 3},
		{Name: "shares"},
		{Name: "shares", Steps: 1},
	} {
		if _, err := e.Grid(ctx, []string{"target"}, bad); !errors.Is(err, fault.ErrOption) {
			t.Errorf("axis %+v: %v, want fault.ErrOption", bad, err)
		}
	}
}

// TestCostsOverflowSafe: counts whose products pass 2^31 - 1, or would wrap around an
// int, are fault.ErrTooManyPoints from Cost and GridPoints, never a small or negative
// count; counts within range are the documented formulas.
func TestCostsOverflowSafe(t *testing.T) {
	in := []sensitivity.Variable{{Name: "a", Dist: distuv.Uniform{Min: 0, Max: 1}}, {Name: "b", Dist: distuv.Uniform{Min: 0, Max: 1}}}
	huge := math.MaxInt
	span := func(n int) sensitivity.Axis { return sensitivity.Span("x", d("1"), d("2"), n) }
	cost := map[string]func() (int, error){
		"grid of 3 x 4":       func() (int, error) { return sensitivity.GridPoints(span(3), span(4)) },
		"grid of huge x 2":    func() (int, error) { return sensitivity.GridPoints(span(huge), span(2)) },
		"grid of 2^16 x 2^16": func() (int, error) { return sensitivity.GridPoints(span(1<<16), span(1<<16)) },
		"monte carlo, latin hypercube": func() (int, error) {
			return sensitivity.MonteCarlo{Inputs: in, Draws: 10, Sampling: sensitivity.LatinHypercube}.Cost()
		},
		"monte carlo, huge draws, latin hypercube": func() (int, error) {
			return sensitivity.MonteCarlo{Inputs: in, Draws: huge / 2, Sampling: sensitivity.LatinHypercube}.Cost()
		},
		"sobol": func() (int, error) {
			return sensitivity.Sobol{Outputs: []string{"y"}, Inputs: in, Samples: 8, Bootstrap: 3}.Cost()
		},
		"sobol, second order, latin hypercube": func() (int, error) {
			return sensitivity.Sobol{Outputs: []string{"y"}, Inputs: in, Samples: 8, Bootstrap: sensitivity.NoBootstrap, Second: true, Sampling: sensitivity.LatinHypercube}.Cost()
		},
		"sobol, huge bootstrap": func() (int, error) {
			return sensitivity.Sobol{Outputs: []string{"y"}, Inputs: in, Samples: 2, Bootstrap: huge}.Cost()
		},
		"morris": func() (int, error) {
			return sensitivity.Morris{Outputs: []string{"y"}, Inputs: in, Trajectories: 5, Bootstrap: 7}.Cost()
		},
		"morris, huge bootstrap": func() (int, error) {
			return sensitivity.Morris{Outputs: []string{"y"}, Inputs: in, Bootstrap: huge}.Cost()
		},
		"seek":                  func() (int, error) { return sensitivity.Goal{}.Cost() },
		"seek, huge iterations": func() (int, error) { return sensitivity.Goal{MaxIterations: huge}.Cost() },
	}
	want := map[string]int{
		"grid of 3 x 4":                        12,
		"monte carlo, latin hypercube":         10 * (1 + 2), // a stratum of each input a draw
		"sobol":                                8 * (2 + 2 + 3),
		"sobol, second order, latin hypercube": 8*(2+2*2) + 8*2*2, // N (2F + 2), 2N strata an input
		"morris":                               5 * (2 + 1 + 7),   // r (k + 1), r a resample
		"seek":                                 200 + 2,
	}
	for name, f := range cost {
		n, err := f()
		if w, ok := want[name]; ok {
			if err != nil || n != w {
				t.Errorf("%s: %d, %v; want %d", name, n, err, w)
			}
			continue
		}
		if !errors.Is(err, fault.ErrTooManyPoints) {
			t.Errorf("%s: %d, %v; want fault.ErrTooManyPoints", name, n, err)
		}
	}
}

// countdown is a context whose Err is nil for its first n calls and context.Canceled
// after: a cancellation that arrives at a known point of a run. Its Done channel is nil,
// so only the checks that call Err see it.
type countdown struct {
	context.Context
	n atomic.Int32
}

func (c *countdown) Err() error {
	if c.n.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// TestSpanCancelled: an axis of a million steps stops being spelled out when the run's
// context is done: admitting the grid reads Err once, spelling out the axis reads it
// every 4,096 values, and the third read is a cancellation. Without the reads in the
// axis's loop the grid would run its million points and succeed.
func TestSpanCancelled(t *testing.T) {
	e := engine(t, sensitivity.Options{Workers: 1})
	ctx := &countdown{Context: context.Background()}
	ctx.n.Store(2)
	_, err := e.Grid(ctx, []string{"target"}, sensitivity.Span("forecast/2021/mau", d("450"), d("700"), 1_000_000))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("%v, want context.Canceled", err)
	}
}

// TestUnknownNamesSuggest: an assumption or output that is not the model's names the
// nearest that are (issue 24: "did you mean forecast/2021/ecommerce/take_rate?").
func TestUnknownNamesSuggest(t *testing.T) {
	e := engine(t, sensitivity.Options{})
	_, err := e.Base("forecast/2021/ecommerce/takerate")
	if !errors.Is(err, fault.ErrUnknownAssumption) || !strings.Contains(err.Error(), "(did you mean forecast/2021/ecommerce/take_rate or") {
		t.Errorf("assumption: %v", err)
	}
	_, err = e.Eval(nil, "targte")
	if !errors.Is(err, fault.ErrUnknownFigure) || !strings.Contains(err.Error(), "did you mean target?") {
		t.Errorf("output: %v", err)
	}
	// The error of a name that is a key is located by the key, as a value: its JSON path.
	_, err = e.Base("forecast/2021/ecommerce/takerate")
	if j := fault.ToJSON(err); j.Path != "forecast/2021/ecommerce/takerate" {
		t.Errorf("the unknown assumption's path: %+v", j)
	}
	_, err = e.Eval(sensitivity.Point{testkit.Set(t, "shares", d("1")), testkit.Set(t, "shares", d("2"))}, "target")
	if j := fault.ToJSON(err); !errors.Is(err, fault.ErrDuplicateAssumption) || j.Path != "shares" {
		t.Errorf("the duplicated assumption's path: %+v", j)
	}
}

// TestParseAxis: an axis from text is the one Span or a list of values gives; what is not
// an axis is fault.ErrOption, refused before any value is read when the list is too long.
func TestParseAxis(t *testing.T) {
	got, err := sensitivity.ParseAxis("shares=4000:4400:3")
	if err != nil || got.Name != "shares" || !got.From.Equal(d("4000")) || !got.To.Equal(d("4400")) || got.Steps != 3 || got.Values != nil {
		t.Errorf("span: %+v, %v", got, err)
	}
	got, err = sensitivity.ParseAxis("fx/USD/HKD=7.75,7.8,5e0")
	if err != nil || len(got.Values) != 3 || !got.Values[2].Equal(d("5")) || got.Steps != 0 {
		t.Errorf("list: %+v, %v", got, err)
	}
	for _, bad := range []string{"", "shares", "=1:2:3", "shares=", "shares=1:2", "shares=1:2:x", "shares=1,,2", "shares=0x10",
		"shares=1e999", "shares=" + strings.Repeat("1,", sensitivity.MaxAxisValues) + "1"} {
		if _, err := sensitivity.ParseAxis(bad); !errors.Is(err, fault.ErrOption) {
			t.Errorf("%.40q: %v, want fault.ErrOption", bad, err)
		}
	}
}

// TestNoEffect: an assumption that does not move an output is reported, not drawn as a
// flat line or a zero bar. DAU, which no part of the report's prices, does not move the
// target; it moves group revenue (advertising is DAU × revenue per DAU). An axis valid at
// one value only shows nothing either way and is not reported.
func TestNoEffect(t *testing.T) {
	e := engine(t, sensitivity.Options{})
	ctx := context.Background()
	dau, err := sensitivity.ParseAxis("forecast/2021/dau=300,344,380")
	if err != nil {
		t.Fatal(err)
	}
	g, err := e.Grid(ctx, []string{"target", "forecast/2021/revenue"}, dau)
	if err != nil {
		t.Fatal(err)
	}
	if g.Moves(0, "target") || !g.Moves(0, "forecast/2021/revenue") || len(g.Warnings) != 1 ||
		g.Warnings[0].Code != valuation.WarnNoEffect || g.Warnings[0].Message != "forecast/2021/dau does not move target: the same at each of its values" {
		t.Errorf("grid over DAU: moves target %v, revenue %v; warnings %+v", g.Moves(0, "target"), g.Moves(0, "forecast/2021/revenue"), g.Warnings)
	}
	if text := g.Text("target"); !strings.Contains(text, "no effect on target: forecast/2021/dau") {
		t.Errorf("the grid's table does not say so:\n%s", text)
	}
	// DAU above MAU (571.68) at 600 and 700: one valid value, nothing to compare.
	one, err := sensitivity.ParseAxis("forecast/2021/dau=344,600,700")
	if err != nil {
		t.Fatal(err)
	}
	if g, err := e.Grid(ctx, []string{"target"}, one); err != nil || len(g.Warnings) != 0 || !g.Moves(0, "target") {
		t.Errorf("an axis valid at one value: %+v, %v", g.Warnings, err)
	}
	swings, err := e.Swings(d("0.1"), "forecast/2021/mau", "forecast/2021/ecommerce/take_rate")
	if err != nil {
		t.Fatal(err)
	}
	tor, err := e.Tornado(ctx, "target", swings...)
	if err != nil {
		t.Fatal(err)
	}
	if len(tor.Warnings) != 1 || !strings.HasPrefix(tor.Warnings[0].Message, "forecast/2021/ecommerce/take_rate does not move target") ||
		tor.Bars[1].Moves(tor.Base) || !tor.Bars[0].Moves(tor.Base) {
		t.Errorf("tornado warnings %+v", tor.Warnings)
	}
}

// onWorkers runs mc on 1, 2 and 7 workers and returns the summary, the same on each.
func onWorkers(t *testing.T, mc sensitivity.MonteCarlo) sensitivity.Summary {
	t.Helper()
	var first sensitivity.Summary
	for _, workers := range []int{1, 2, 7} {
		s, err := engine(t, sensitivity.Options{Workers: workers}).MonteCarlo(context.Background(), mc)
		if err != nil {
			t.Fatal(err)
		}
		if workers == 1 {
			first = s
		} else if diff := cmp.Diff(first, s); diff != "" {
			t.Errorf("%d workers differ from one (-1 +%d):\n%s", workers, workers, diff)
		}
	}
	return first
}

// TestMonteCarloToPrecision: on the report's model, a run asking the mean target to ±0.5
// HK$ at 95% stops after the first round of 4,096 draws at whose end its half-width is
// within 0.5 (one round fewer, drawn as a plain run, is not), and gives the same summary
// on 1, 2 and 7 workers; a precision out of reach draws the most it may and says so.
func TestMonteCarloToPrecision(t *testing.T) {
	mc := sensitivity.MonteCarlo{Output: "target", Draws: 1 << 20, Seed: 7, MeanHalfWidth: 0.5,
		Inputs: []sensitivity.Variable{
			{Name: "forecast/2021/mau", Dist: distuv.Normal{Mu: 571.68, Sigma: 30}},
			{Name: "part/ecommerce/premium", Dist: distuv.Uniform{Min: -0.3, Max: -0.1}}}}
	first := onWorkers(t, mc)
	t.Logf("stopped at %d draws: mean %.3f ± %.3f", first.Draws, first.Mean, first.HalfWidth)
	if first.Unmet || first.HalfWidth > 0.5 || first.Draws%4096 != 0 || first.Draws >= mc.Draws {
		t.Fatalf("stopped at %d draws, half-width %g, unmet %v", first.Draws, first.HalfWidth, first.Unmet)
	}
	fewer := mc
	fewer.MeanHalfWidth, fewer.Draws = 0, first.Draws-4096
	s, err := engine(t, sensitivity.Options{}).MonteCarlo(context.Background(), fewer)
	if err != nil {
		t.Fatal(err)
	}
	if hw := 1.959963984540054 * s.SD / math.Sqrt(float64(s.Valid)); hw <= 0.5 {
		t.Errorf("one round fewer (%d draws) was within the precision already: %g", fewer.Draws, hw)
	}
	far := mc
	far.Draws, far.MeanHalfWidth = 8192, 0.001
	far.Percentiles = []sensitivity.Precision{{P: 0.5, Relative: 0.5}, {P: 0.95, HalfWidth: 0.01}}
	s, err = engine(t, sensitivity.Options{}).MonteCarlo(context.Background(), far)
	if err != nil || !s.Unmet || s.Draws != 8192 {
		t.Errorf("out of reach: %d draws, unmet %v, %v", s.Draws, s.Unmet, err)
	}
	if note := s.Text(); !strings.Contains(note, "not reached in 8192 draws: mean (±") || strings.Contains(note, "P50 (") || !strings.Contains(note, "P95 (±") {
		t.Errorf("the note names the mean and P95, not P50, which was met:\n%s", note)
	}
	for _, bad := range []sensitivity.MonteCarlo{
		{MeanHalfWidth: -1}, {MeanHalfWidth: 1, MeanRelative: 0.1}, {MeanRelative: 0.1, Confidence: 1},
		{MeanHalfWidth: 1, Sampling: sensitivity.LatinHypercube},
	} {
		bad.Output, bad.Draws, bad.Inputs = "target", 100, mc.Inputs
		if _, err := engine(t, sensitivity.Options{}).MonteCarlo(context.Background(), bad); !errors.Is(err, fault.ErrOption) {
			t.Errorf("%+v: %v, want fault.ErrOption", bad, err)
		}
	}
}

// TestMonteCarloPercentilesToPrecision: on the report's model, a run asking P5 and P95 of
// the target to ±1 HK$ at 95% stops after the first round of 4,096 draws at whose end
// both intervals are that narrow (the same run one round shorter, tracking them only,
// has one wider), identically on 1, 2 and 7 workers; the percentiles it reckons are the
// summary's own, and its convergence holds every round's mean, P5 and P95.
func TestMonteCarloPercentilesToPrecision(t *testing.T) {
	mc := sensitivity.MonteCarlo{Output: "target", Draws: 1 << 20, Seed: 7,
		Percentiles: []sensitivity.Precision{{P: 0.05, HalfWidth: 1}, {P: 0.95, HalfWidth: 1}},
		Inputs: []sensitivity.Variable{
			{Name: "forecast/2021/mau", Dist: distuv.Normal{Mu: 571.68, Sigma: 30}},
			{Name: "part/ecommerce/premium", Dist: distuv.Uniform{Min: -0.3, Max: -0.1}}}}
	first := onWorkers(t, mc)
	s := first
	t.Logf("stopped at %d draws: %+v", s.Draws, s.Precision)
	rounds := s.Draws / 4096
	if s.Unmet || s.Draws%4096 != 0 || s.Draws >= mc.Draws || len(s.Precision) != 3 || len(s.Convergence) != 3*rounds {
		t.Fatalf("%d draws, unmet %v, %d statistics, %d looks", s.Draws, s.Unmet, len(s.Precision), len(s.Convergence))
	}
	if m, p5, p95 := s.Precision[0], s.Precision[1], s.Precision[2]; m.P != 0 || m.Value != s.Mean || p5.Value != s.P5 || p95.Value != s.P95 ||
		p5.Hi-p5.Lo > 2 || p95.Hi-p95.Lo > 2 || !p5.Met || !p95.Met || !(p5.Lo <= s.P5 && s.P5 <= p5.Hi) {
		t.Errorf("last look %+v, summary mean %g P5 %g P95 %g", s.Precision, s.Mean, s.P5, s.P95)
	}
	if !slices.Equal(s.Convergence[len(s.Convergence)-3:], s.Precision) || s.Convergence[0].Draws != 4096 {
		t.Errorf("convergence ends %+v, starts at %d draws", s.Convergence[len(s.Convergence)-3:], s.Convergence[0].Draws)
	}
	fewer := mc
	fewer.Draws = s.Draws - 4096
	fewer.Percentiles = []sensitivity.Precision{{P: 0.05}, {P: 0.95}}
	short, err := engine(t, sensitivity.Options{}).MonteCarlo(context.Background(), fewer)
	if err != nil {
		t.Fatal(err)
	}
	if p5, p95 := short.Precision[1], short.Precision[2]; short.Unmet || p5.Hi-p5.Lo <= 2 && p95.Hi-p95.Lo <= 2 {
		t.Errorf("one round fewer (%d draws) was within ±1 already: %+v", fewer.Draws, short.Precision)
	}
	for _, bad := range [][]sensitivity.Precision{
		{{P: 0}}, {{P: 1}}, {{P: math.NaN()}}, {{P: 0.5, HalfWidth: -1}}, {{P: 0.5, HalfWidth: 1, Relative: 0.1}},
		make([]sensitivity.Precision, 17),
	} {
		for i := range bad {
			if bad[i].P == 0 && len(bad) > 1 {
				bad[i].P = 0.5
			}
		}
		b := mc
		b.Percentiles = bad
		if _, err := engine(t, sensitivity.Options{}).MonteCarlo(context.Background(), b); !errors.Is(err, fault.ErrOption) {
			t.Errorf("%+v: %v, want fault.ErrOption", bad, err)
		}
	}
	big := fewer
	big.Draws = 1<<21 + 1
	if _, err := engine(t, sensitivity.Options{}).MonteCarlo(context.Background(), big); !errors.Is(err, fault.ErrOption) || !strings.Contains(err.Error(), "sorted") {
		t.Errorf("2^21 + 1 draws tracking percentiles: %v, want fault.ErrOption", err)
	}
}

// TestMonteCarloPrecisionEdges: a confidence within 2^-53 of 1 gives finite intervals
// (its normal quantile taken from the lower tail: 0.5 + c/2 rounds to 1, whose quantile
// is infinite); a run that never reaches 100 valid draws says it reckoned no interval.
func TestMonteCarloPrecisionEdges(t *testing.T) {
	in := []sensitivity.Variable{{Name: "forecast/2021/mau", Dist: distuv.Normal{Mu: 571.68, Sigma: 30}}}
	mc := sensitivity.MonteCarlo{Output: "target", Draws: 8192, Seed: 7, Inputs: in, Confidence: 0.9999999999999999,
		Percentiles: []sensitivity.Precision{{P: 0.5}}}
	s, err := engine(t, sensitivity.Options{}).MonteCarlo(context.Background(), mc)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range s.Convergence {
		if math.IsInf(p.Lo, 0) || math.IsInf(p.Hi, 0) || math.IsNaN(p.Lo) || !(p.Lo < p.Value && p.Value < p.Hi) {
			t.Fatalf("confidence 1 - 2^-53: %+v, want a finite interval around the value", p)
		}
	}
	few := sensitivity.MonteCarlo{Output: "target", Draws: 50, Seed: 7, Inputs: in, MeanHalfWidth: 1}
	s, err = engine(t, sensitivity.Options{}).MonteCarlo(context.Background(), few)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Unmet || !strings.Contains(s.Text(), "50 draws: fewer than 100 valid draws, so no interval was reckoned") {
		t.Errorf("50 draws: unmet %v\n%s", s.Unmet, s.Text())
	}
}

// TestMonteCarloPrecisionProgress: a run that stops early reports its progress up to its
// most draws, never past them, and ends on them (the CLI's bar ends its line there); a
// run that fails on an invalid draw counts the draws it made, not its most.
func TestMonteCarloPrecisionProgress(t *testing.T) {
	var last, total, over int
	o := sensitivity.Options{Progress: func(done, all int) {
		if done > all {
			over++
		}
		last, total = done, all
	}}
	mc := sensitivity.MonteCarlo{Output: "target", Draws: 90000, Seed: 7, MeanHalfWidth: 1,
		Inputs: []sensitivity.Variable{{Name: "forecast/2021/mau", Dist: distuv.Normal{Mu: 571.68, Sigma: 30}}}}
	s, err := engine(t, o).MonteCarlo(context.Background(), mc)
	if err != nil || s.Draws >= 90000 {
		t.Fatalf("%d draws, %v", s.Draws, err)
	}
	if over > 0 || last != 90000 || total != 90000 {
		t.Errorf("progress: last %d of %d, %d reports past the total", last, total, over)
	}
	bad := mc
	bad.FailOnInvalid, bad.Inputs = true, []sensitivity.Variable{{Name: "forecast/2021/dau", Dist: distuv.Uniform{Min: 300, Max: 700}}}
	_, err = engine(t, sensitivity.Options{}).MonteCarlo(context.Background(), bad)
	if !errors.Is(err, fault.ErrInvalidDraw) || !strings.Contains(err.Error(), "of 4096 draws") {
		t.Errorf("a failed run: %v, want the 4,096 draws it made", err)
	}
}
