package sensitivity_test

// Regression tests of issue 11 (hardening): each names the item it guards.

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/testkit"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/sensitivity"
)

// Item 7: the swing of a negative assumption (the e-commerce discount, -20%) has its
// lesser end as Low.
func TestSwingOfNegativeBase(t *testing.T) {
	e := engine(t, sensitivity.Options{})
	sw, err := e.Swings(d("1"), "part/ecommerce/premium")
	if err != nil {
		t.Fatal(err)
	}
	if got := sw[0]; !got.Low.Equal(d("-0.4")) || !got.High.Equal(d("0")) {
		t.Errorf("swing of -0.2 by 100%% = [%s, %s], want [-0.4, 0]", got.Low, got.High)
	}
}

// Item 10: Grid.Cell refuses indices of the wrong number or out of range, where it
// returned another cell or panicked; Grid.Text of an output the grid lacks, and of the
// zero Grid, does not panic.
func TestGridCellAndTextBounds(t *testing.T) {
	e := engine(t, sensitivity.Options{})
	mau, err := e.Around("forecast/2021/mau", d("0.1"), 3)
	if err != nil {
		t.Fatal(err)
	}
	prem, err := e.Around("part/ecommerce/premium", d("0.1"), 3)
	if err != nil {
		t.Fatal(err)
	}
	g, err := e.Grid(context.Background(), []string{"target"}, mau, prem)
	if err != nil {
		t.Fatal(err)
	}
	for _, idx := range [][]int{{0, 5}, {0, 99}, {-1, 0}, {0}, {0, 0, 0}} {
		if _, err := g.Cell(idx...); !errors.Is(err, fault.ErrOption) {
			t.Errorf("Cell(%v) = %v, want ErrOption", idx, err)
		}
	}
	if c, err := g.Cell(2, 2); err != nil || c.Err != nil {
		t.Errorf("Cell(2, 2) = %v, %v", c, err)
	}
	if _, err := (sensitivity.Grid{}).Cell(); !errors.Is(err, fault.ErrOption) {
		t.Errorf("Grid{}.Cell() = %v, want ErrOption", err)
	}
	for _, s := range []string{g.Text("sum"), g.Markdown("sum"), sensitivity.Grid{}.Text("target"), sensitivity.Grid{}.Markdown("target")} {
		if s == "" {
			t.Error("empty rendering")
		}
	}
}

// Item 16: an engine does not alias the caller's model: changing the model's maps after
// New changes neither Eval nor Result.
func TestEngineOwnsItsModel(t *testing.T) {
	m := kuaishou2021.Model()
	e, err := sensitivity.New(m, sensitivity.Options{})
	if err != nil {
		t.Fatal(err)
	}
	before, err := e.Eval(nil, "target")
	if err != nil {
		t.Fatal(err)
	}
	u := m.Plan.Users[2021]
	u.MAU = u.MAU.Mul(d("2"))
	m.Plan.Users[2021] = u
	for _, s := range m.Plan.Segments {
		delete(s.Drivers, 2021)
	}
	after, err := e.Eval(nil, "target")
	if err != nil {
		t.Fatal(err)
	}
	if !after[0].Equal(before[0]) || !e.Result().Target.Equal(before[0]) {
		t.Errorf("target moved with the caller's model: %s, then %s (Result %s)", before[0], after[0], e.Result().Target)
	}
}

// Item 10 (options): a bad option names the option.
func TestOptionErrorsNameTheOption(t *testing.T) {
	for _, c := range []struct {
		o    sensitivity.Options
		name string
	}{{sensitivity.Options{MaxPoints: -3}, "options.MaxPoints"}, {sensitivity.Options{Workers: -1}, "options.Workers"}} {
		_, err := sensitivity.New(kuaishou2021.Model(), c.o)
		var ae *fault.Error
		if !errors.As(err, &ae) || ae.Field != c.name || !errors.Is(err, fault.ErrOption) {
			t.Errorf("New(%+v) = %v, want an ErrOption naming %s", c.o, err, c.name)
		}
	}
}

// negative is a hostile custom distribution: its quantile function ignores its CDF and
// returns negative values, so truncation to the assumption's range cannot hold it.
type negative struct{}

func (negative) CDF(x float64) float64      { return math.Min(math.Max(x/1000, 0), 1) }
func (negative) Quantile(p float64) float64 { return -1000 * p }

// Item 2: Monte Carlo never values a draw the decimal engine refuses: DAU drawn above
// MAU is counted by reason and left out; with FailOnInvalid the run fails; a negative MAU
// from a custom distribution is not valued; Sobol likewise.
func TestMonteCarloRefusesInvalidDraws(t *testing.T) {
	e := engine(t, sensitivity.Options{})
	ctx := context.Background()
	mc := sensitivity.MonteCarlo{Output: "forecast/2021/revenue", Draws: 10000, Seed: 3,
		Inputs: []sensitivity.Variable{{Name: "forecast/2021/dau", Dist: distuv.Uniform{Min: 500, Max: 900}}}}
	s, err := e.MonteCarlo(ctx, mc)
	if err != nil {
		t.Fatal(err)
	}
	// P(DAU > 571.68) = (900 - 571.68) / 400 = 82%: about 8,208 of 10,000 draws.
	if len(s.Invalid) != 1 || s.Invalid[0].Reason != "forecast/2021/dau above forecast/2021/mau" || s.Valid+s.Invalid[0].Count != 10000 ||
		s.Invalid[0].Count < 8000 || s.Invalid[0].Count > 8400 {
		t.Fatalf("invalid draws %+v, valid %d", s.Invalid, s.Valid)
	}
	// Every valid draw has DAU in [500, 571.68]: revenue lies between its values there.
	lo, err := e.Eval(sensitivity.Point{testkit.Set(t, "forecast/2021/dau", d("500"))}, "forecast/2021/revenue")
	if err != nil {
		t.Fatal(err)
	}
	hi, err := e.Eval(sensitivity.Point{testkit.Set(t, "forecast/2021/dau", d("571.68"))}, "forecast/2021/revenue")
	if err != nil {
		t.Fatal(err)
	}
	if l, h := lo[0].InexactFloat64(), hi[0].InexactFloat64(); s.Min < l*(1-1e-12) || s.Max > h*(1+1e-12) {
		t.Errorf("valid draws span [%v, %v], want within [%v, %v]", s.Min, s.Max, l, h)
	}
	if s.Samples != nil {
		t.Error("samples kept without KeepSamples")
	}
	mc.FailOnInvalid = true
	if _, err := e.MonteCarlo(ctx, mc); !errors.Is(err, fault.ErrInvalidDraw) || !strings.Contains(err.Error(), "dau above") {
		t.Errorf("FailOnInvalid: %v, want ErrInvalidDraw naming the reason", err)
	}
	neg := sensitivity.MonteCarlo{Output: "target", Draws: 1000, Inputs: []sensitivity.Variable{{Name: "forecast/2021/mau", Dist: negative{}}}}
	if _, err := e.MonteCarlo(ctx, neg); !errors.Is(err, fault.ErrInvalidDraw) || !strings.Contains(err.Error(), "forecast/2021/mau not above 0") {
		t.Errorf("negative MAU: %v, want ErrInvalidDraw", err)
	}
	sob := sensitivity.Sobol{Outputs: []string{"forecast/2021/revenue"}, Samples: 2048, Bootstrap: 20,
		Inputs: []sensitivity.Variable{{Name: "forecast/2021/dau", Dist: distuv.Uniform{Min: 500, Max: 900}},
			{Name: "forecast/2021/advertising/revenue_per_dau", Dist: distuv.Uniform{Min: 120, Max: 150}}}}
	idx, err := e.Sobol(ctx, sob)
	if err != nil {
		t.Fatal(err)
	}
	if x := idx[0]; len(x.Invalid) != 1 || x.Rows+x.Invalid[0].Count != 2048 || x.Rows > 2048/2 {
		t.Errorf("Sobol rows %d, invalid %+v", x.Rows, x.Invalid)
	}
	sob.FailOnInvalid = true
	if _, err := e.Sobol(ctx, sob); !errors.Is(err, fault.ErrInvalidDraw) {
		t.Errorf("Sobol FailOnInvalid: %v, want ErrInvalidDraw", err)
	}
}

// Item 10: no option or distribution a caller can build from data panics the runs.
func TestRunOptionsDoNotPanic(t *testing.T) {
	e := engine(t, sensitivity.Options{})
	ctx := context.Background()
	mau := func(dist sensitivity.Distribution) []sensitivity.Variable {
		return []sensitivity.Variable{{Name: "forecast/2021/mau", Dist: dist}}
	}
	for name, mc := range map[string]sensitivity.MonteCarlo{
		"outputs that overflow": {Output: "target", Draws: 1000, Inputs: mau(distuv.LogNormal{Mu: 6, Sigma: 1000})},
		"2^62 bins":             {Output: "target", Draws: 100, Bins: 1 << 62, Inputs: mau(distuv.Normal{Mu: 571, Sigma: 1})},
		"2^40 bins":             {Output: "target", Draws: 100, Bins: 1 << 40, Inputs: mau(distuv.Normal{Mu: 571, Sigma: 1})},
		"NaN threshold":         {Output: "target", Draws: 100, Threshold: math.NaN(), Inputs: mau(distuv.Normal{Mu: 571, Sigma: 1})},
		"NaN bounds":            {Output: "target", Draws: 100, Inputs: []sensitivity.Variable{{Name: "forecast/2021/mau", Dist: distuv.Normal{Mu: 571, Sigma: 1}, Min: math.NaN(), Max: 600}}},
	} {
		s, err := e.MonteCarlo(ctx, mc)
		if err == nil && (math.IsNaN(s.Mean) || math.IsInf(s.Mean, 0)) {
			t.Errorf("%s: mean %v without an error", name, s.Mean)
		}
		if err == nil && name != "outputs that overflow" {
			t.Errorf("%s: no error", name)
		}
	}
	in := mau(distuv.Normal{Mu: 571, Sigma: 10})
	for name, s := range map[string]sensitivity.Sobol{
		"NaN confidence":  {Outputs: []string{"target"}, Inputs: in, Samples: 64, Confidence: math.NaN()},
		"confidence 1":    {Outputs: []string{"target"}, Inputs: in, Samples: 64, Confidence: 1},
		"negative sample": {Outputs: []string{"target"}, Inputs: in, Samples: -1},
	} {
		_, err := e.Sobol(ctx, s)
		var ae *fault.Error
		if !errors.Is(err, fault.ErrOption) || !errors.As(err, &ae) || ae.Field == "samples" && name != "negative sample" {
			t.Errorf("%s: %v, want ErrOption naming the option", name, err)
		}
	}
	if _, err := e.Seek(ctx, sensitivity.Goal{Assumption: "forecast/2021/mau", Output: "target", Target: d("319"),
		Low: d("400"), High: d("700"), MaxIterations: -1}); err == nil || !strings.Contains(err.Error(), "max_iterations -1") {
		t.Errorf("MaxIterations -1: %v, want an error naming max_iterations", err)
	}
}

// Item 10: a nil context is an error, never a panic.
func TestNilContext(t *testing.T) {
	e := engine(t, sensitivity.Options{})
	axis, err := e.Around("forecast/2021/mau", d("0.1"), 3)
	if err != nil {
		t.Fatal(err)
	}
	var ctx context.Context // nil
	in := []sensitivity.Variable{{Name: "forecast/2021/mau", Dist: distuv.Normal{Mu: 571, Sigma: 10}}}
	runs := map[string]func() error{
		"Grid":      func() error { _, err := e.Grid(ctx, []string{"target"}, axis); return err },
		"Tornado":   func() error { _, err := e.Tornado(ctx, "target"); return err },
		"Scenarios": func() error { _, err := e.Scenarios(ctx, []string{"target"}); return err },
		"Seek": func() error {
			_, err := e.Seek(ctx, sensitivity.Goal{Assumption: "shares", Output: "target"})
			return err
		},
		"Attribute": func() error { _, err := e.Attribute(ctx, valuation.Scenario{}, valuation.Scenario{}); return err },
		"MonteCarlo": func() error {
			_, err := e.MonteCarlo(ctx, sensitivity.MonteCarlo{Output: "target", Draws: 10, Inputs: in})
			return err
		},
		"Sobol": func() error {
			_, err := e.Sobol(ctx, sensitivity.Sobol{Outputs: []string{"target"}, Inputs: in})
			return err
		},
		"Morris": func() error {
			_, err := e.Morris(ctx, sensitivity.Morris{Outputs: []string{"target"}, Inputs: in})
			return err
		},
	}
	for name, run := range runs {
		if err := run(); !errors.Is(err, fault.ErrOption) {
			t.Errorf("%s(nil context): %v, want ErrOption", name, err)
		}
	}
}

// Item 13: every run counts all its work against MaxPoints, before any (bootstrap
// resamples, Latin-hypercube strata), and honours its context in the bootstrap.
func TestRunsCountAllTheirWork(t *testing.T) {
	e := engine(t, sensitivity.Options{})
	in := []sensitivity.Variable{{Name: "forecast/2021/mau", Dist: distuv.Normal{Mu: 571, Sigma: 10}}}
	done, cancel := context.WithCancel(context.Background())
	cancel()
	five := []sensitivity.Variable{}
	for _, n := range []string{"forecast/2021/mau", "forecast/2021/dau", "shares", "fx/USD/HKD", "part/ecommerce/premium"} {
		five = append(five, sensitivity.Variable{Name: n, Dist: distuv.Uniform{Min: 0.5, Max: 1}})
	}
	// 10^7 draws: within MaxPoints; with Latin-hypercube strata of 5 inputs, 6 × 10^7.
	lhs := sensitivity.MonteCarlo{Output: "target", Draws: 10_000_000, Sampling: sensitivity.LatinHypercube, Inputs: five}
	if _, err := e.MonteCarlo(context.Background(), lhs); !errors.Is(err, fault.ErrTooManyPoints) {
		t.Errorf("LHS strata: %v, want ErrTooManyPoints", err)
	}
	big := engine(t, sensitivity.Options{MaxPoints: 1 << 40})
	if _, err := big.MonteCarlo(done, lhs); !errors.Is(err, context.Canceled) {
		t.Errorf("LHS with a cancelled context: %v, want context.Canceled", err)
	}
	sob := sensitivity.Sobol{Outputs: []string{"target"}, Inputs: in, Samples: 4096, Bootstrap: 200_000}
	if _, err := e.Sobol(context.Background(), sob); !errors.Is(err, fault.ErrTooManyPoints) {
		t.Errorf("200,000 resamples of 4,096 rows: %v, want ErrTooManyPoints", err)
	}
	ctx, stop := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer stop()
	if _, err := big.Sobol(ctx, sob); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("bootstrap past its deadline: %v, want context.DeadlineExceeded", err)
	}
}

// Hostile values: a run refuses an override, axis value, swing end or goal beyond
// MaxValueDigits or MaxValueExponent instead of computing with a 100-million-digit number;
// a span of more steps than a run may have is refused before it is spelled out, and Around
// refuses more than DefaultMaxPoints steps.
func TestHostileValues(t *testing.T) {
	e := engine(t, sensitivity.Options{})
	ctx := context.Background()
	huge := decimal.New(1, 100_000_000)
	if _, err := e.Eval(sensitivity.Point{testkit.Set(t, "forecast/2021/mau", huge)}, "target"); !errors.Is(err, fault.ErrOption) {
		t.Errorf("Eval at 1e100000000: %v, want ErrOption", err)
	}
	if _, err := e.Grid(ctx, []string{"target"}, sensitivity.Axis{Name: "shares", Values: []decimal.Decimal{huge}}); !errors.Is(err, fault.ErrOption) {
		t.Errorf("Grid at 1e100000000: %v, want ErrOption", err)
	}
	if _, err := e.Tornado(ctx, "target", sensitivity.Swing{Name: "shares", Low: d("1"), High: huge}); !errors.Is(err, fault.ErrOption) {
		t.Errorf("Tornado to 1e100000000: %v, want ErrOption", err)
	}
	if _, err := e.Seek(ctx, sensitivity.Goal{Assumption: "shares", Output: "target", Target: d("319"), Low: d("1"), High: huge}); !errors.Is(err, fault.ErrOption) {
		t.Errorf("Seek to 1e100000000: %v, want ErrOption", err)
	}
	span := sensitivity.Span("forecast/2021/mau", d("0"), d("1"), 1<<40)
	if _, err := sensitivity.GridPoints(span); !errors.Is(err, fault.ErrTooManyPoints) {
		t.Errorf("GridPoints of a span of 2^40: %v, want ErrTooManyPoints", err)
	}
	if _, err := e.Grid(ctx, []string{"target"}, span); !errors.Is(err, fault.ErrTooManyPoints) {
		t.Errorf("Grid over a span of 2^40: %v, want ErrTooManyPoints", err)
	}
	if _, err := e.Around("forecast/2021/mau", d("0.1"), 1<<40); !errors.Is(err, fault.ErrOption) {
		t.Errorf("Around in 2^40 steps: %v, want ErrOption", err)
	}
}

// Item 10: a Grid built or decoded by hand, its cells not one per combination of its
// axes, renders a note and indexes to nothing rather than panicking.
func TestInconsistentGrid(t *testing.T) {
	for name, g := range map[string]sensitivity.Grid{
		"zero":         {},
		"empty axis":   {Axes: []sensitivity.Axis{{Name: "shares"}}, Bases: []decimal.Decimal{d("1")}, Cells: []sensitivity.Cell{{}}},
		"cells short":  {Axes: []sensitivity.Axis{{Name: "shares", Values: []decimal.Decimal{d("1"), d("2")}}}, Bases: []decimal.Decimal{d("1")}, Outputs: []string{"target"}, Base: []decimal.Decimal{d("1")}, Cells: []sensitivity.Cell{{}}},
		"values short": {Axes: []sensitivity.Axis{{Name: "shares", Values: []decimal.Decimal{d("1")}}}, Bases: []decimal.Decimal{d("1")}, Outputs: []string{"target"}, Base: []decimal.Decimal{d("1")}, Cells: []sensitivity.Cell{{}}},
	} {
		_ = g.Text("target") + g.Markdown("target")
		var b strings.Builder
		_ = g.CSV(&b)
		if g.Index(0) != nil && name != "values short" || g.Point(5) != nil || g.Index(-1) != nil {
			t.Errorf("%s: Index or Point of a cell the grid lacks", name)
		}
	}
}

// No exported rendering panics on a zero value.
func TestZeroValuesRender(t *testing.T) {
	_ = sensitivity.Summary{}.Text() + sensitivity.Summary{}.Markdown()
	_ = sensitivity.Indices{}.Text() + sensitivity.Indices{}.Markdown()
	_ = sensitivity.Tornado{}.Text() + sensitivity.Tornado{}.Markdown()
	_ = sensitivity.Comparison{}.Text() + sensitivity.Comparison{}.Markdown()
	_ = sensitivity.Attribution{}.Text() + sensitivity.Attribution{}.Markdown()
	_ = sensitivity.Point(nil).String()
}
