package sensitivity

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/internal/testkit"
	"github.com/sotpkit/sotp/valuation/key"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/modelfile"
)

// This file holds what the third review of the float64 form (the kernel's program run
// in float64) found, each case failing before its fix: a point whose outputs read no part
// or no bridge item was not checked for what Model.Value checks in them (a crossed rate
// past its bounds, an expression's zero divisor); the diluted count was 0/0 at zero
// equity; a horizon of no years had its rate checked, which Model.Value does not read;
// the head panicked on a rate not a number and hid the rate's own reason; a check of x +
// c kept the sum alive.

// compare evaluates one point by Engine.Eval (decimal) and by the float64 form, which
// must both value it, and to 1e-12, or both refuse it.
func compare(t *testing.T, e *Engine, names []string, x []float64, outputs []string) {
	t.Helper()
	p := make(Point, len(names))
	for j := range names {
		p[j] = testkit.Set(t, names[j], decimal.NewFromFloat(x[j]))
	}
	want, derr := e.Eval(p, outputs...)
	eval, reasons := floatEval(t, e, names, outputs)
	y := make([]float64, len(outputs))
	k := eval(0, x, y)
	reason := ""
	if k >= 0 {
		reason = reasons[k]
	}
	if (derr == nil) != (k < 0) {
		t.Errorf("at %v: decimal err=%v, float refused=%q: they disagree", x, derr, reason)
		return
	}
	for i := range want {
		if w := f64(want[i]); math.Abs(y[i]-w) > 1e-12*math.Abs(w) {
			t.Errorf("at %v: %s float %v, decimal %v", x, outputs[i], y[i], w)
		}
	}
}

// Horizon years moved to 0: Model.Value does not check the rate (Horizon.IsZero), the
// kernel's checks do.
func TestFloatReview3HorizonZeroYears(t *testing.T) {
	m := kuaishou2021.Model()
	m.Horizon = valuation.Horizon{Rate: decimal.New(1, -1), Years: decimal.New(5, -1)}
	e, err := New(m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"horizon/rate", "horizon/years"}
	for _, x := range [][]float64{{1, 0}, {1.5, 0}, {-0.1, 0}} {
		compare(t, e, names, x, []string{"target"})
	}
}

// Diluted read after a stage (the horizon moves), at equity zero: the float stage divides
// 0/0.
func TestFloatReview3DilutedAtZeroEquity(t *testing.T) {
	m := kuaishou2021.Model()
	m.Horizon = valuation.Horizon{Rate: decimal.New(1, -1), Years: decimal.New(5, -1)}
	m.Bridge = valuation.Bridge{Items: []valuation.Item{{Kind: valuation.Debt, Name: "debt", Currency: m.Currency, Amount: decimal.NewFromInt(1000)}}}
	e, err := New(m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"horizon/rate", "bridge/debt/amount"}
	// the float program's own sum, so that its equity is exactly zero
	eval, _ := floatEval(t, e, names, []string{"sum"})
	y := make([]float64, 1)
	if k := eval(0, []float64{0.1, 0}, y); k >= 0 {
		t.Fatal("refused")
	}
	compare(t, e, names, []float64{0.1, y[0]}, []string{"diluted"})
}

// A rate crossed through a third currency out of comps.RateBounds while each leg is in
// them, with an output that reads no part (forecast revenue): the decimal path values
// every part and refuses it; the kernel compiles no part's rate, so no check.
func TestFloatReview3CrossedUnread(t *testing.T) {
	e := crossedEngine(t)
	names := []string{"fx/USD/CNY", "fx/CNY/HKD"}
	compare(t, e, names, []float64{1e5, 1e5}, []string{"forecast/2021/revenue"})
	compare(t, e, names, []float64{1e5, 1e5}, []string{"target"})
	// the exact kernel (Grid's Evaluator) against Query.Eval
	q, err := e.prep.Query([]key.Key{mustKey(t, "fx/USD/CNY"), mustKey(t, "fx/CNY/HKD")}, []key.Key{mustKey(t, "forecast/2021/revenue")})
	if err != nil {
		t.Fatal(err)
	}
	vals := []decimal.Decimal{decimal.NewFromInt(100000), decimal.NewFromInt(100000)}
	out := make([]decimal.Decimal, 1)
	errDecimal := q.Eval(vals, out)
	ev := q.Evaluator()
	errKernel := ev.Eval(vals, out)
	if (errDecimal == nil) != (errKernel == nil) {
		t.Errorf("decimal path %v, exact kernel %v", errDecimal, errKernel)
	}
}

func mustKey(t *testing.T, s string) key.Key {
	t.Helper()
	k, err := key.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func medianEngine(t *testing.T) *Engine {
	cur, err := modelfile.LoadModel(filepath.Join("..", "workbook", "testdata", "currencies.json"))
	if err != nil {
		t.Fatal(err)
	}
	mm := cur.Parts[0].Method.(valuation.Multiple)
	mm.Comps = mm.Comps.Clone()
	mm.Comps.Aggregate = comps.Median{}
	cur.Parts[0].Method = mm
	e, err := New(cur, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// The head converts the point's FX rates with decimal.NewFromFloat, which panics on NaN
// and infinities; without a head a NaN is refused by the program's checks.
func TestFloatReview3HeadNaN(t *testing.T) {
	e := medianEngine(t)
	eval, reasons := floatEval(t, e, []string{"fx/USD/HKD", "forecast/2025/mau"}, []string{"target"})
	y := make([]float64, 1)
	for _, v := range []float64{math.NaN(), math.Inf(1)} {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("fx/USD/HKD = %v: panic %v", v, r)
				}
			}()
			if k := eval(0, []float64{v, 600}, y); k < 0 {
				t.Errorf("fx/USD/HKD = %v: valued %v", v, y[0])
			} else if !strings.HasPrefix(reasons[k], "fx/USD/HKD") {
				t.Errorf("fx/USD/HKD = %v: refused for %q, not the rate's own reason", v, reasons[k])
			}
		}()
	}
}

// An FX rate out of comps.RateBounds: the head refuses it before the program's check
// named for it runs, so the reason is the generic "comparables refused ...".
func TestFloatReview3HeadReason(t *testing.T) {
	e := medianEngine(t)
	eval, reasons := floatEval(t, e, []string{"fx/USD/HKD", "forecast/2025/mau"}, []string{"target"})
	y := make([]float64, 1)
	k := eval(0, []float64{-1, 600}, y)
	if k < 0 || reasons[k] != "fx/USD/HKD below 0.000000001" {
		t.Errorf("fx/USD/HKD = -1: refused for %q (%d)", reasons[max(k, 0)], k)
	}
}

// An Expression part that divides by zero at the point, with an output that reads no
// part: the decimal path values every part and refuses it; the kernel compiles no
// expression, so no check.
func TestFloatReview3ExpressionUnread(t *testing.T) {
	k := kuaishou2021.Model()
	var f segments.Formula
	if err := f.UnmarshalText([]byte("revenue * 1000 / (dau - 300)")); err != nil {
		t.Fatal(err)
	}
	k.Parts[1].Method = valuation.Expression{Formula: f}
	e, err := New(k, Options{})
	if err != nil {
		t.Fatal(err)
	}
	compare(t, e, []string{"forecast/2021/dau"}, []float64{300}, []string{"forecast/2021/mau"})
	compare(t, e, []string{"forecast/2021/dau"}, []float64{300}, []string{"part/ecommerce/value"})
	compare(t, e, []string{"forecast/2021/dau"}, []float64{300}, []string{"target"})
}

// A Monte Carlo run whose output reads no part, over legs of a crossed rate past its
// bounds at every draw: every draw is invalid, as Engine.Eval refuses each (the run fails).
func TestFloatReview3CrossedMonteCarlo(t *testing.T) {
	e := crossedEngine(t)
	mc := MonteCarlo{Output: "forecast/2021/revenue", Draws: 50, Inputs: []Variable{
		{Name: "fx/USD/CNY", Dist: distuv.Uniform{Min: 1e5, Max: 1e5 + 1}}, {Name: "fx/CNY/HKD", Dist: distuv.Uniform{Min: 1e5, Max: 1e5 + 1}}}}
	s, err := e.MonteCarlo(context.Background(), mc)
	if err == nil {
		t.Errorf("every draw's crossed USD/HKD is 1e10, which Engine.Eval refuses: the run values them (invalid %v, mean %v)", s.Invalid, s.Mean)
	}
}

// TestReviewRaceHead runs the head (a median set at a drawn rate) on eight workers, for
// the race detector.
func TestFloatReview3RaceHead(t *testing.T) {
	e := medianEngine(t)
	e.opts.Workers = 8
	for _, smp := range []Sampling{Plain, QuasiRandom} {
		mc := MonteCarlo{Output: "target", Draws: 20000, Sampling: smp, Inputs: []Variable{{Name: "fx/USD/HKD", Dist: distuv.Uniform{Min: 7, Max: 8.5}}, {Name: "forecast/2025/mau", Dist: distuv.Uniform{Min: 500, Max: 700}}}}
		if _, err := e.MonteCarlo(context.Background(), mc); err != nil {
			t.Fatal(err)
		}
	}
	s := Sobol{Outputs: []string{"target"}, Samples: 2000, Inputs: []Variable{{Name: "fx/USD/HKD", Dist: distuv.Uniform{Min: 7, Max: 8.5}}, {Name: "forecast/2025/mau", Dist: distuv.Uniform{Min: 500, Max: 700}}}}
	if _, err := e.Sobol(context.Background(), s); err != nil {
		t.Fatal(err)
	}
}
