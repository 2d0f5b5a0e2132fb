package sensitivity

import (
	"context"
	"errors"
	"maps"
	"math"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/earnings"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/testkit"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/modelfile"
)

func newEngine(t testing.TB, o Options) *Engine {
	t.Helper()
	e, err := New(kuaishou2021.Model(), o)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestFloatMatchesDecimal holds the float64 program to the decimal engine on 1,000
// random points of eight assumptions, for five outputs, to 1e-12 relative.
func TestFloatMatchesDecimal(t *testing.T) {
	e := newEngine(t, Options{LinkDAU: true})
	names := []string{"forecast/2021/mau", "forecast/2021/live_streaming/paying_ratio", "forecast/2021/advertising/revenue_per_dau",
		"forecast/2021/ecommerce/penetration", "forecast/2021/ecommerce/take_rate", "part/ecommerce/average",
		"part/advertising/premium", "fx/USD/HKD", "shares"}
	lo := []float64{400, 0.05, 50, 0.2, 0.005, 200, -0.5, 7.5, 3000}
	hi := []float64{650, 0.2, 250, 0.7, 0.05, 700, 0.5, 7.9, 5000}
	outputs := []string{"target", "upside", "part/ecommerce/value", "forecast/2021/revenue", "forecast/2021/ecommerce/gmv", "forecast/2021/dau"}
	floatAgrees(t, e, names, lo, hi, outputs, 1000, 1)
}

func TestFloatRefuses(t *testing.T) {
	e := newEngine(t, Options{})
	// A part valued by a Method of the caller's has no float form (nor an exact kernel).
	m := kuaishou2021.Model()
	m.Parts[0].Method = callerMethod{m.Parts[0].Method.(valuation.Multiple)}
	caller, err := New(m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	mc := MonteCarlo{Output: "target", Draws: 10, Inputs: []Variable{{Name: "forecast/2021/mau", Dist: distuv.Uniform{Min: 500, Max: 600}}}}
	if _, err := caller.MonteCarlo(context.Background(), mc); !errors.Is(err, fault.ErrFloat) || !strings.Contains(err.Error(), "caller's method") {
		t.Errorf("a caller's Method: %v, want fault.ErrFloat naming it", err)
	}
	// The CNY/HKD rate prices no part (only the P&L's multiples): drawn, it leaves the
	// target at its base.
	mc = MonteCarlo{Output: "target", Draws: 10, Inputs: []Variable{{Name: "fx/CNY/HKD", Dist: distuv.Uniform{Min: 1, Max: 2}}}}
	s, err := e.MonteCarlo(context.Background(), mc)
	if base := f64(e.Result().Target); err != nil || s.Min != base || s.Max != base {
		t.Errorf("target over CNY/HKD: [%v, %v] %v, want %v throughout", s.Min, s.Max, err, base)
	}
}

// callerMethod is a Method of the caller's: the kernel has no form of it.
type callerMethod struct{ valuation.Multiple }

// TestFloatPnL: the P&L has a float64 form, the kernel's: net profit, EPS, P/E (at the
// price, converted at CNY/HKD) and revenue growth agree with the decimal engine over MAU,
// the take rate, CNY/HKD, the price and 2022's share count.
func TestFloatPnL(t *testing.T) {
	e := newEngine(t, Options{})
	floatAgrees(t, e, []string{"forecast/2021/mau", "forecast/2021/ecommerce/take_rate", "fx/CNY/HKD", "price", "pnl/2022/shares"},
		[]float64{450, 0.005, 1.1, 200, 3800}, []float64{650, 0.05, 1.3, 400, 4500},
		[]string{"pnl/2021/net_profit", "pnl/2021/eps", "pnl/2022/eps", "pnl/2022/pe", "pnl/2021/revenue/growth"}, 300, 61)
}

func TestDistributionErrors(t *testing.T) {
	e := newEngine(t, Options{})
	for name, in := range map[string]Variable{
		"no mass in [0,1]": {Name: "forecast/2021/ecommerce/take_rate", Dist: distuv.Normal{Mu: -10, Sigma: 0.001}},
		"bad beta":         {Name: "forecast/2021/ecommerce/take_rate", Dist: distuv.Beta{Alpha: -1, Beta: 2}},
		"no distribution":  {Name: "shares"},
		"empty bounds":     {Name: "shares", Dist: distuv.Uniform{Min: 4000, Max: 4300}, Min: 5000, Max: 6000},
	} {
		_, err := e.MonteCarlo(context.Background(), MonteCarlo{Output: "target", Draws: 10, Inputs: []Variable{in}})
		if !errors.Is(err, fault.ErrDistribution) {
			t.Errorf("%s: %v, want fault.ErrDistribution", name, err)
		}
	}
	corr := mat.NewSymDense(2, []float64{1, 2, 2, 1}) // not positive definite
	_, err := e.MonteCarlo(context.Background(), MonteCarlo{Output: "target", Draws: 10, Correlation: corr, Inputs: []Variable{
		{Name: "shares", Dist: distuv.Uniform{Min: 4000, Max: 4300}}, {Name: "forecast/2021/mau", Dist: distuv.Uniform{Min: 500, Max: 600}}}})
	if !errors.Is(err, fault.ErrDistribution) {
		t.Errorf("correlation 2: %v, want fault.ErrDistribution", err)
	}
}

func mcInputs() []Variable {
	return []Variable{
		{Name: "forecast/2021/mau", Dist: distuv.Normal{Mu: 571.68, Sigma: 30}},
		{Name: "forecast/2021/dau", Dist: distuv.Normal{Mu: 344, Sigma: 20}},
		{Name: "part/ecommerce/premium", Dist: distuv.Triangle{}}, // set below
		{Name: "forecast/2021/ecommerce/take_rate", Dist: distuv.Normal{Mu: 0.01, Sigma: 0.02}},
	}
}

func TestMonteCarloSameForAnyWorkers(t *testing.T) {
	in := mcInputs()
	in[2].Dist = distuv.NewTriangle(-0.4, 0, -0.2, nil)
	corr := mat.NewSymDense(4, []float64{1, 0.9, 0, 0, 0.9, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1})
	for _, lhs := range []Sampling{Plain, LatinHypercube, QuasiRandom} {
		var runs []Summary
		for _, w := range []int{1, 2, 3} {
			mc := MonteCarlo{Output: "forecast/2021/revenue", Inputs: in, Correlation: corr, Draws: 5000, Seed: 7, Sampling: lhs}
			s, err := newEngine(t, Options{Workers: w}).MonteCarlo(context.Background(), mc)
			if err != nil {
				t.Fatal(err)
			}
			runs = append(runs, s)
		}
		if diff := cmp.Diff(runs[0], runs[1]); diff != "" {
			t.Errorf("%v: 1 worker vs 2 (-1 +2):\n%s", lhs, diff)
		}
		if diff := cmp.Diff(runs[0], runs[2]); diff != "" {
			t.Errorf("%v: 1 worker vs 3 (-1 +3):\n%s", lhs, diff)
		}
	}
}

// TestMonteCarloTarget checks a run against what the P/MAU target's linearity in MAU
// gives in closed form: MAU ~ N(571.68, 30²) makes the target normal with mean 404.559
// and sd 404.559 × 30 / 571.68 = 21.23.
func TestMonteCarloTarget(t *testing.T) {
	e := newEngine(t, Options{})
	base := f64(e.Result().Target)
	for _, lhs := range []Sampling{Plain, LatinHypercube, QuasiRandom} {
		mc := MonteCarlo{Output: "target", Draws: 100_000, Seed: 3, Sampling: lhs, Bins: 8,
			Inputs: []Variable{{Name: "forecast/2021/mau", Dist: distuv.Normal{Mu: 571.68, Sigma: 30}}}}
		s, err := e.MonteCarlo(context.Background(), mc)
		if err != nil {
			t.Fatal(err)
		}
		sd := base * 30 / 571.68
		se := sd / math.Sqrt(float64(mc.Draws))
		// Four standard errors each: the mean's is sd/√n, the sd's about sd/√(2n), the
		// median's 1.2533 sd/√n, and P5's and P95's √(0.05 × 0.95 / n) / φ(1.6449) sd,
		// φ(1.6449) = 0.10314 being the normal density there.
		pse := math.Sqrt(0.05*0.95/float64(mc.Draws)) / 0.10314 * sd
		checks := []struct {
			name      string
			got, want float64
			tol       float64
		}{
			{"mean", s.Mean, base, 4 * se},
			{"sd", s.SD, sd, 4 * sd / math.Sqrt(2*float64(mc.Draws))},
			{"P50", s.P50, base, 4 * 1.2533 * se},
			{"P5", s.P5, base - 1.6449*sd, 4 * pse},
			{"P95", s.P95, base + 1.6449*sd, 4 * pse},
		}
		for _, c := range checks {
			if math.Abs(c.got-c.want) > c.tol {
				t.Errorf("%v: %s %.4f, want %.4f ± %.4f", lhs, c.name, c.got, c.want, c.tol)
			}
		}
		// P(target > 319) = P(MAU > 319 / 404.559 × 571.68 = 450.78) = Φ((571.68 - 450.78) / 30).
		want := distuv.UnitNormal.CDF((571.68 - 319/base*571.68) / 30)
		if math.Abs(s.PAbove-want) > 4*math.Sqrt(want*(1-want)/float64(mc.Draws))+1e-5 || s.Threshold != 319 {
			t.Errorf("P(> %v) = %.5f, want %.5f", s.Threshold, s.PAbove, want)
		}
		n := 0
		for _, b := range s.Histogram {
			n += b.Count
		}
		if n != mc.Draws || len(s.Histogram) != 8 || s.Histogram[0].Lo != s.Min || s.Histogram[7].Hi != s.Max {
			t.Errorf("histogram %+v", s.Histogram)
		}
	}
}

// TestTruncatedFarInATail: an input truncated to bounds far in its distribution's upper
// tail (2021E MAU from N(500, 10²) within [580, 600], 8 sigma out; e-commerce's premium
// from N(-1.8, 0.1²) kept above -1, its kind's bound, 8 sigma out) has a CDF at the bound
// within a few ulps of 1. A probability within the bounds rounded to 1, whose quantile is
// +Inf, or fell where the quantile comes out below the bound: of 2,000 MAU draws 162 were
// refused (output not finite) and others drawn at 579.92; of 2,000 premiums 324 were
// refused (162 not finite, 162 at or below -1).
// Every draw is now within its bounds (the run's output is the input itself: its least
// and greatest draws) and valued.
func TestTruncatedFarInATail(t *testing.T) {
	e := newEngine(t, Options{Workers: 1})
	for _, c := range []struct {
		name     string
		dist     distuv.Normal
		min, max float64
		lo, hi   float64 // where every draw must be
	}{
		{"forecast/2021/mau", distuv.Normal{Mu: 500, Sigma: 10}, 580, 600, 580, 600},
		{"part/ecommerce/premium", distuv.Normal{Mu: -1.8, Sigma: 0.1}, 0, 0, math.Nextafter(-1, 0), math.Inf(1)},
	} {
		s, err := e.MonteCarlo(context.Background(), MonteCarlo{Output: c.name, Draws: 2000, Seed: 1,
			Inputs: []Variable{{Name: c.name, Dist: c.dist, Min: c.min, Max: c.max}}})
		if err != nil {
			t.Fatal(err)
		}
		if !(s.Min >= c.lo && s.Max <= c.hi) || s.Valid != s.Draws || len(s.Invalid) > 0 {
			t.Errorf("%s: draws in [%v, %v], want within [%v, %v]; %d of %d valid, %v", c.name, s.Min, s.Max, c.lo, c.hi, s.Valid, s.Draws, s.Invalid)
		}
	}
}

// TestTruncationAndCorrelation draws a take rate from N(0.01, 0.02²) truncated to [0, 1]
// (half its mass lies below 0.5%, a third below zero) and MAU, DAU correlated at 0.9.
func TestTruncationAndCorrelation(t *testing.T) {
	e := newEngine(t, Options{})
	in := []Variable{{Name: "forecast/2021/ecommerce/take_rate", Dist: distuv.Normal{Mu: 0.01, Sigma: 0.02}}}
	s, err := e.MonteCarlo(context.Background(), MonteCarlo{Output: "forecast/2021/ecommerce/take_rate", Inputs: in, Draws: 20000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if s.Min < 0 || s.Max > 1 {
		t.Errorf("take rates in [%v, %v], want within [0, 1]", s.Min, s.Max)
	}
	corr := mat.NewSymDense(2, []float64{1, 0.9, 0.9, 1})
	users := []Variable{{Name: "forecast/2021/mau", Dist: distuv.Normal{Mu: 571.68, Sigma: 30}}, {Name: "forecast/2021/dau", Dist: distuv.Normal{Mu: 344, Sigma: 20}}}
	var draws [2][]float64
	for i, out := range []string{"forecast/2021/mau", "forecast/2021/dau"} {
		s, err := e.MonteCarlo(context.Background(), MonteCarlo{Output: out, Inputs: users, Correlation: corr, Draws: 50000, Seed: 5})
		if err != nil {
			t.Fatal(err)
		}
		draws[i] = s.Samples
	}
	// Normal margins under a Gaussian copula keep the correlation: 0.9, within 0.01 at
	// 50,000 draws (standard error (1 - 0.81) / sqrt(n) ≈ 0.001).
	if r := stat.Correlation(draws[0], draws[1], nil); math.Abs(r-0.9) > 0.01 {
		t.Errorf("correlation of MAU and DAU draws %.4f, want 0.9", r)
	}
}

func TestSobolKuaishou(t *testing.T) {
	e := newEngine(t, Options{})
	in := []Variable{
		{Name: "forecast/2021/mau", Dist: distuv.Normal{Mu: 571.68, Sigma: 30}},
		{Name: "forecast/2021/dau", Dist: distuv.Normal{Mu: 344, Sigma: 20}},
		{Name: "part/ecommerce/premium", Dist: distuv.Uniform{Min: -0.4, Max: 0}},
	}
	one, err := newEngine(t, Options{Workers: 1}).Sobol(context.Background(), Sobol{Outputs: []string{"target", "forecast/2021/revenue"}, Inputs: in, Samples: 4096, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	two, err := e.Sobol(context.Background(), Sobol{Outputs: []string{"target", "forecast/2021/revenue"}, Inputs: in, Samples: 4096, Seed: 2, Bootstrap: 0})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(one, two); diff != "" {
		t.Errorf("1 worker vs 2 (-1 +2):\n%s", diff)
	}
	// DAU prices nothing under P/MAU, and revenue does not read the premium: their total
	// indices are zero exactly, since f(A) = f(A_B^i) row by row. Jansen's first-order
	// estimate is V less a sample of V, so it is zero only within its interval.
	for _, c := range []struct {
		name string
		in   Index
	}{{"DAU on the target", one[0].Inputs[1]}, {"premium on revenue", one[1].Inputs[2]}} {
		if c.in.Total != 0 || c.in.FirstLo > 0 || c.in.FirstHi < 0 {
			t.Errorf("%s: ST %v, S1 %v [%v, %v]; want ST 0 and S1 0 within", c.name, c.in.Total, c.in.First, c.in.FirstLo, c.in.FirstHi)
		}
	}
}

// TestQuantiles holds the bucketed selection to type-7 quantiles of the sorted values, on
// samples with ties, negatives, a single value and spreads from 1e-300 to 1e300.
func TestQuantiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	type7 := func(sorted []float64, p float64) float64 {
		h := p * float64(len(sorted)-1)
		k := int(h)
		if k+1 >= len(sorted) {
			return sorted[k]
		}
		return sorted[k] + (h-float64(k))*(sorted[k+1]-sorted[k])
	}
	cases := map[string][]float64{"one": {3}, "two": {2, -1}}
	for _, n := range []int{3, 10, 1000, 100_000} {
		ties, wide, normal := make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range n {
			ties[i] = float64(rng.IntN(5))
			wide[i] = math.Pow(10, rng.Float64()*600-300) * float64(1-2*rng.IntN(2))
			normal[i] = rng.NormFloat64()*21 + 404
		}
		cases["ties"+ftoa(float64(n))], cases["wide"+ftoa(float64(n))], cases["normal"+ftoa(float64(n))] = ties, wide, normal
	}
	ps := []float64{0, 0.05, 0.5, 0.95, 1}
	for name, xs := range cases {
		orig := append([]float64(nil), xs...)
		got, err := Options{Workers: 3}.quantiles(context.Background(), xs, ps...)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(orig, xs); diff != "" {
			t.Fatalf("%s: quantiles modified its input", name)
		}
		sorted := append([]float64(nil), xs...)
		slices.Sort(sorted)
		for i, p := range ps {
			if want := type7(sorted, p); got[i] != want {
				t.Errorf("%s: P%v = %v, want %v", name, 100*p, got[i], want)
			}
		}
	}
}

// TestFloatBridge holds the float64 program of a model with a bridge and a horizon to the
// decimal engine on 500 random points of the bridge's inputs, the FX rates its items are
// converted at, and the Kuaishou MAU.
func TestFloatBridge(t *testing.T) {
	m := kuaishou2021.Model()
	m.Bridge = valuation.Bridge{Items: []valuation.Item{
		{Kind: valuation.Cash, Name: "cash", Currency: "CNY", Amount: decimal.NewFromInt(40000)},
		{Kind: valuation.Debt, Name: "debt", Currency: "HKD", Amount: decimal.NewFromInt(9000)},
		{Kind: valuation.ListedStake, Name: "stake", Currency: "USD", Shares: decimal.NewFromInt(50), Price: decimal.NewFromInt(40), Discount: decimal.New(2, -1)},
		{Kind: valuation.UnlistedStake, Name: "venture", Currency: "HKD", Amount: decimal.NewFromInt(3000), Discount: decimal.New(3, -1)},
		{Kind: valuation.Minority, Name: "minorities", Currency: "HKD", Amount: decimal.NewFromInt(1200)},
	}, HoldcoDiscount: decimal.New(1, -1)}
	m.Horizon = valuation.Horizon{Rate: decimal.New(1, -1), Years: decimal.New(5, -1)}
	e, err := New(m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"forecast/2021/mau", "bridge/cash/amount", "bridge/stake/price", "bridge/stake/discount", "bridge/venture/amount", "bridge/holdco/discount",
		"fx/USD/HKD", "fx/CNY/HKD"}
	lo := []float64{450, 0, 10, 0, 0, 0, 7, 1}
	hi := []float64{700, 90000, 80, 0.5, 9000, 0.3, 9, 1.4}
	floatAgrees(t, e, names, lo, hi, []string{"target", "equity"}, 500, 3)
}

// TestFloatDilution holds the float64 program of a model that dilutes to the decimal
// engine, at each basis (the value, the target under a horizon, the price), on 400
// random points each: the Kuaishou model (target near HK$405) with options struck at 300
// and 380, restricted units (strike 0) and a convertible converting at 420, all in
// HKD, so that as MAU moves from 400 to 700 tranches pass in and out of the money; the
// first option's strike and count, a convertible's count, the basic shares and the
// price are drawn too. The outputs are the target, the upside and the equity (which the
// convertible's conversion moves). Before, a model that diluted had no float form.
func TestFloatDilution(t *testing.T) {
	for _, basis := range []valuation.DilutionBasis{valuation.AtValue, valuation.AtTarget, valuation.AtPrice} {
		t.Run(basis.String(), func(t *testing.T) {
			m := testkit.Diluted(basis)
			e, err := New(m, Options{})
			if err != nil {
				t.Fatal(err)
			}
			names := []string{"forecast/2021/mau", "dilution/options_a/strike", "dilution/options_a/count", "dilution/cb/count", "shares", "price"}
			lo := []float64{400, 200, 0, 0, 3800, 250}
			hi := []float64{700, 500, 300, 120, 4500, 450}
			floatAgrees(t, e, names, lo, hi, []string{"target", "upside", "equity"}, 400, 7)
		})
	}
}

// TestFloatHorizon: the horizon's cost of equity and period drawn (before, the float64
// program refused them), with MAU, on the Kuaishou model with a 10% horizon of half a
// year, and on it diluted at the target: the target, the upside and the value before the
// discount agree with Engine.Eval on 300 points, whole and fractional periods alike.
// A cost of equity of 1 and a period above 30 years are refused by both.
func TestFloatHorizon(t *testing.T) {
	for _, m := range []valuation.Model{kuaishou2021.Model(), testkit.Diluted(valuation.AtTarget)} {
		m.Horizon = valuation.Horizon{Rate: decimal.New(1, -1), Years: decimal.New(5, -1)}
		e, err := New(m, Options{})
		if err != nil {
			t.Fatal(err)
		}
		names := []string{"forecast/2021/mau", "horizon/rate", "horizon/years"}
		floatAgrees(t, e, names, []float64{420, 0, 0}, []float64{680, 0.3, 3}, []string{"target", "upside", "undiscounted"}, 300, 9)
		eval, _ := floatEval(t, e, names, []string{"target"})
		y := make([]float64, 1)
		for _, x := range [][]float64{{500, 1, 1}, {500, 0.1, 31}} {
			if eval(0, x, y) < 0 {
				t.Errorf("%v passes the checks; the decimal engine refuses it", x)
			}
		}
		if eval(0, []float64{500, 0.1, 30}, y) >= 0 {
			t.Error("30 years refused")
		}
	}
}

// TestMonteCarloFlat: a run past bufferedDraws that keeps no samples replays its seeded
// draws for the passes that need the mean, the range or ranks, and gives the same
// summary, bit for bit, as one that keeps them (and 1, 2 or 7 workers give one summary),
// with exact percentiles: the type-7 percentiles of the kept samples sorted (the tests
// lower bufferedDraws to 10,000 to replay smaller runs). Its memory does not grow with
// the draws: 400,000 draws, 3.2 MB of samples kept, take under 2 MiB without them.
func TestMonteCarloFlat(t *testing.T) {
	const n = 100_000 // past 65,536: the percentiles' buckets and gathering pass
	mc := MonteCarlo{Output: "target", Inputs: benchInputs(), Draws: n, Seed: 3, Bins: 12}
	kept := mc
	kept.KeepSamples = true
	want, err := newEngine(t, Options{Workers: 2}).MonteCarlo(context.Background(), kept)
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Samples) != want.Valid || want.Valid < n*9/10 {
		t.Fatalf("%d samples kept of %d valid draws", len(want.Samples), want.Valid)
	}
	q := sortedQuantiles(want.Samples, []float64{0.05, 0.5, 0.95})
	if want.P5 != q[0] || want.P50 != q[1] || want.P95 != q[2] {
		t.Errorf("percentiles %v %v %v, sorted %v", want.P5, want.P50, want.P95, q)
	}
	want.Samples = nil
	for _, w := range []int{1, 2, 7} {
		got, err := newEngine(t, Options{Workers: w, buffered: 10_000}).MonteCarlo(context.Background(), mc)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%d workers, no samples kept (-kept +replayed):\n%s", w, diff)
		}
	}
	big := MonteCarlo{Output: "target", Inputs: benchInputs(), Draws: 400_000, Seed: 3}
	e := newEngine(t, Options{Workers: 1, buffered: 10_000})
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := e.MonteCarlo(context.Background(), big); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 2<<20 {
		t.Errorf("400,000 draws allocated %d bytes, want under 2 MiB", alloc)
	}
}

// TestMonteCarloPointMass: an output that is one value at every draw (2021E DAU, MAU
// drawn without LinkDAU) puts every draw in one bucket of the percentiles' search, which
// is narrowed pass by pass rather than gathered whole: replayed, 200,000 draws take under
// 2 MiB (10.7 MB when all were gathered), and the summary is the one a run that keeps its
// samples gives, its percentiles 344.
func TestMonteCarloPointMass(t *testing.T) {
	mc := MonteCarlo{Output: "forecast/2021/dau", Inputs: []Variable{{Name: "forecast/2021/mau", Dist: distuv.Normal{Mu: 571.68, Sigma: 30}}}, Draws: 200_000, Seed: 5}
	e := newEngine(t, Options{Workers: 2, buffered: 10_000})
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	got, err := e.MonteCarlo(context.Background(), mc)
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 2<<20 {
		t.Errorf("200,000 draws of one value allocated %d bytes, want under 2 MiB", alloc)
	}
	kept := mc
	kept.KeepSamples = true
	want, err := newEngine(t, Options{Workers: 2}).MonteCarlo(context.Background(), kept)
	if err != nil {
		t.Fatal(err)
	}
	want.Samples = nil
	if diff := cmp.Diff(want, got); diff != "" || got.P5 != 344 || got.P95 != 344 {
		t.Errorf("replayed against kept (-kept +replayed):\n%s", diff)
	}
}

// TestSobolNoBootstrap: NoBootstrap gives point estimates without intervals, the same
// estimates as with them, and counts no resamples against MaxPoints.
func TestSobolNoBootstrap(t *testing.T) {
	in := []Variable{
		{Name: "forecast/2021/mau", Dist: distuv.Normal{Mu: 571.68, Sigma: 30}},
		{Name: "part/ecommerce/premium", Dist: distuv.Uniform{Min: -0.4, Max: 0}},
	}
	s := Sobol{Outputs: []string{"target"}, Inputs: in, Samples: 1024, Seed: 5}
	with, err := newEngine(t, Options{}).Sobol(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	s.Bootstrap = NoBootstrap
	// 1,024 × (2 inputs + 2) points: too few for the 200 default resamples, enough without.
	without, err := newEngine(t, Options{MaxPoints: 1024 * 4}).Sobol(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range without[0].Inputs {
		w := with[0].Inputs[i]
		if x.First != w.First || x.Total != w.Total || !math.IsNaN(x.FirstLo) || !math.IsNaN(x.TotalHi) {
			t.Errorf("%s: %+v without resamples, %+v with", x.Name, x, w)
		}
	}
	s.Bootstrap = -2
	if _, err := newEngine(t, Options{}).Sobol(context.Background(), s); !errors.Is(err, fault.ErrOption) {
		t.Errorf("bootstrap -2: %v, want ErrOption", err)
	}
}

// TestSummaryPercentiles: a summary's P5, P50 and P95, whose buckets are counted in the
// histogram's pass from the least and greatest values, are the type-7 quantiles of the
// sorted samples, on more samples than are sorted whole, with both zeros at either end
// (-0 orders below 0 though neither is less: a least value found by comparison may be
// the wrong zero for the buckets' range).
func TestSummaryPercentiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	n := 3*chunkSize + 17
	negZero := math.Copysign(0, -1)
	cases := map[string][]float64{}
	normal, zerosLow, zerosHigh := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n {
		normal[i] = rng.NormFloat64()*21 + 404
		zerosLow[i] = []float64{0, negZero, 1, 2}[rng.IntN(4)]
		zerosHigh[i] = []float64{negZero, 0, -1, -2}[rng.IntN(4)]
	}
	zerosLow[0], zerosHigh[0] = 0, negZero // the first zero seen is the one kept
	cases["normal"], cases["zeros low"], cases["zeros high"] = normal, zerosLow, zerosHigh
	for name, xs := range cases {
		for _, w := range []int{1, 3} {
			s, err := Options{Workers: w}.summarize(context.Background(), "x", xs, 0, 10)
			if err != nil {
				t.Fatal(err)
			}
			sorted := slices.Clone(xs)
			slices.Sort(sorted)
			want := sortedQuantiles(sorted, []float64{0.05, 0.5, 0.95})
			if got := []float64{s.P5, s.P50, s.P95}; !slices.Equal(got, want) {
				t.Errorf("%s, %d workers: P5, P50, P95 = %v, want %v", name, w, got, want)
			}
		}
	}
}

// TestSummaryCancelled: a summary's passes, and quantiles' above 65,536 values, stop
// with the context's error when it is done (a Monte Carlo run cancelled after its draws
// does not go on to summarise 10^7 samples).
func TestSummaryCancelled(t *testing.T) {
	xs := make([]float64, 4*chunkSize)
	for i := range xs {
		xs[i] = float64(i % 1000)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	o := Options{Workers: 2}
	if _, err := o.summarize(ctx, "x", xs, 0, 10); !errors.Is(err, context.Canceled) {
		t.Errorf("summarize: %v, want context.Canceled", err)
	}
	if _, err := o.quantiles(ctx, xs, 0.5); !errors.Is(err, context.Canceled) {
		t.Errorf("quantiles: %v, want context.Canceled", err)
	}
}

// TestNotNumber: NaN and both infinities are not numbers; every finite float64 is,
// the largest and the smallest included.
func TestNotNumber(t *testing.T) {
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if !notNumber(v) {
			t.Errorf("notNumber(%v) = false", v)
		}
	}
	for _, v := range []float64{0, math.Copysign(0, -1), math.SmallestNonzeroFloat64, math.MaxFloat64, -math.MaxFloat64, 404.6} {
		if notNumber(v) {
			t.Errorf("notNumber(%v) = true", v)
		}
	}
}

// TestFloatCrossedFX: with USD/HKD not given but crossed through CNY (USD/CNY and
// CNY/HKD given), the float64 program of the Kuaishou target moves with both legs as the
// decimal engine does, on 300 random points; the parts, priced in USD, are converted at
// the crossed rate, which each part's result names.
func TestFloatCrossedFX(t *testing.T) {
	e := crossedEngine(t)
	crossed := 0
	for _, pv := range e.result.Parts {
		if pv.FX.Via == comps.CNY {
			crossed++
			if want := decimal.RequireFromString("7.71136"); !pv.FX.Rate.Equal(want) { // 6.4 × 1.2049
				t.Errorf("%s: USD/HKD %s, want %s", pv.Segment, pv.FX.Rate, want)
			}
		}
	}
	if crossed == 0 {
		t.Fatal("no part converted at the crossed rate")
	}
	names := []string{"forecast/2021/mau", "fx/USD/CNY", "fx/CNY/HKD"}
	lo, hi := []float64{450, 6, 1.05}, []float64{700, 7.3, 1.25}
	floatAgrees(t, e, names, lo, hi, []string{"target", "part/ecommerce/value"}, 300, 5)
}

// crossedEngine is the report's model with USD/HKD not given: USD/CNY 6.4 and CNY/HKD
// 1.2049, crossed through CNY.
func crossedEngine(t *testing.T) *Engine {
	t.Helper()
	m := kuaishou2021.Model()
	fx, err := comps.NewFX(comps.Rate{From: comps.USD, To: comps.CNY, Rate: decimal.RequireFromString("6.4")},
		comps.Rate{From: comps.CNY, To: comps.HKD, Rate: decimal.RequireFromString("1.2049")})
	if err != nil {
		t.Fatal(err)
	}
	m.FX = fx
	e, err := New(m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// floatAgrees holds the float64 programs of outputs, with names drawn, to the decimal
// engine at n random points of the box [lo, hi], to 1e-12 relative. The upside is held
// to 1e-12 of 1 + upside: it is target / price − 1, which the decimal engine rounds to
// 16 places, so near zero it has the ratio's absolute precision, not 12 digits of its
// own (0.0002141318333839 at one point of TestFloatDilution).
func floatAgrees(t *testing.T, e *Engine, names []string, lo, hi []float64, outputs []string, n int, seed uint64) {
	t.Helper()
	eval, reasons := floatEval(t, e, names, outputs)
	rng := rand.New(rand.NewPCG(seed, seed+1))
	x, y := make([]float64, len(names)), make([]float64, len(outputs))
	for range n {
		p := make(Point, len(names))
		for j := range names {
			x[j] = lo[j] + rng.Float64()*(hi[j]-lo[j])
			p[j] = testkit.Set(t, names[j], decimal.NewFromFloat(x[j]))
		}
		want, err := e.Eval(p, outputs...)
		if err != nil {
			t.Fatal(err)
		}
		if k := eval(0, x, y); k >= 0 {
			t.Fatalf("at %s: float refuses it (%s), decimal values it", p, reasons[k])
		}
		for i, o := range outputs {
			scale := math.Abs(f64(want[i]))
			if o == "upside" {
				scale = 1 + scale // target / price − 1: the ratio's precision, not the difference's
			}
			if got, w := y[i], f64(want[i]); math.Abs(got-w) > 1e-12*scale {
				t.Fatalf("%s at %s: float %v, decimal %v", o, p, got, w)
			}
		}
	}
}

// floatEval compiles outputs over names drawn into the engine's float64 evaluator
// (Engine.floatModel) and its reasons.
func floatEval(t *testing.T, e *Engine, names []string, outputs []string) (func(w int, x, y []float64) int, []string) {
	t.Helper()
	vars := make([]Variable, len(names))
	for i, n := range names {
		vars[i].Name = n
	}
	eval, reasons, err := e.floatModel(outputs, vars)
	if err != nil {
		t.Fatal(err)
	}
	return eval, reasons
}

// TestFloatPrev: the float64 program follows a line that grows from the year before
// (valuation/modelfile/testdata/growth.json: prev(revenue, base_revenue) × (1 +
// revenue_growth)): 2024's and 2025's growth and 2026's margin drawn, the target and 2026
// revenue agree with Engine.Eval on 300 points.
func TestFloatPrev(t *testing.T) {
	m, err := modelfile.LoadModel(filepath.Join("..", "modelfile", "testdata", "growth.json"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"forecast/2024/cloud/revenue_growth", "forecast/2025/cloud/revenue_growth", "forecast/2026/cloud/ebitda_margin"}
	floatAgrees(t, e, names, []float64{-0.3, -0.3, 0.05}, []float64{0.5, 0.5, 0.4}, []string{"target", "forecast/2026/cloud/revenue"}, 300, 11)
}

// TestFloatRefusesAsDecimal: draws the decimal engine refuses are refused by the float64
// checks too: a stake's or the holding-company discount of exactly 1 (a discount is
// below 1), and a price of 0 when the dilution is taken at the price. Before, the float
// path valued them.
func TestFloatRefusesAsDecimal(t *testing.T) {
	m := testkit.Diluted(valuation.AtPrice)
	m.Bridge = valuation.Bridge{Items: []valuation.Item{{Kind: valuation.UnlistedStake, Name: "venture", Currency: "HKD", Amount: decimal.NewFromInt(3000), Discount: decimal.New(3, -1)}},
		HoldcoDiscount: decimal.New(1, -1)}
	e, err := New(m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"bridge/venture/discount", "bridge/holdco/discount", "price"}
	eval, _ := floatEval(t, e, names, []string{"target"})
	y := make([]float64, 1)
	for _, x := range [][]float64{{1, 0.1, 300}, {0.3, 1, 300}, {0.3, 0.1, 0}} {
		p := Point{testkit.Set(t, names[0], decimal.NewFromFloat(x[0])), testkit.Set(t, names[1], decimal.NewFromFloat(x[1])), testkit.Set(t, names[2], decimal.NewFromFloat(x[2]))}
		if _, err := e.Eval(p, "target"); err == nil {
			t.Errorf("%v: the decimal engine values it", x)
		}
		if eval(0, x, y) < 0 {
			t.Errorf("%v: the float checks pass it", x)
		}
	}
	if eval(0, []float64{0.99, 0.5, 1}, y) >= 0 {
		t.Error("a valid draw refused")
	}
}

// TestFloatPrevCompiledOnce: a line that reads last year's value twice (revenue =
// prev(revenue) × 0.5 + prev(revenue) × 0.5, over 40 years) is compiled with each year's
// lines once (the float64 compiler before the kernel's compiled the year before for
// every prev() of it, and the sum of the two halves doubled its terms: 2^40 of them),
// and a growth drawn in every year, 2^40 monomials expanded, is a chain of 40 products
// (the kernel compiles a polynomial past its bound into registers), which agrees with
// the decimal engine.
func TestFloatPrevCompiledOnce(t *testing.T) {
	d := decimal.RequireFromString
	half := segments.Const(d("0.5"))
	last := segments.Formula{Op: segments.OpPrev, Ref: segments.Revenue, Args: []segments.Formula{segments.Ref("base")}}
	spec := segments.Spec{Kind: "twice", Inputs: []segments.Input{{Metric: "base", Label: "Base", Unit: segments.Millions, Range: segments.NonNegative}},
		Lines: []segments.LineSpec{{Metric: segments.Revenue, Label: "Revenue", Unit: segments.Millions,
			Formula: segments.Add(segments.Mul(last, half), segments.Mul(last, half))}}}
	m := kuaishou2021.Model()
	m.Plan.Years, m.Plan.Users = nil, map[int]segments.Users{}
	drivers := map[int]segments.Driver{}
	for y := 2001; y <= 2040; y++ {
		m.Plan.Years = append(m.Plan.Years, y)
		m.Plan.Users[y] = segments.Users{MAU: d("100"), DAU: d("50")}
		drivers[y] = segments.Generic{Model: spec, In: []decimal.Decimal{d("10")}}
	}
	m.Plan.FirstEstimate, m.Year = 2001, 2040
	m.Plan.Segments = []segments.Segment{{Name: "s", Title: "S", Drivers: drivers}}
	m.Parts = []valuation.Part{{Segment: "s", Method: valuation.Fixed{Amount: d("100")}}}
	m.Earnings, m.Actuals = earnings.PnL{}, nil
	e, err := New(m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	eval, _ := floatEval(t, e, []string{"forecast/2001/s/base"}, []string{"forecast/2040/s/revenue"})
	y := make([]float64, 1)
	if k := eval(0, []float64{8}, y); k >= 0 || y[0] != 8 {
		t.Errorf("2040 revenue at a 2001 base of 8: %v (%d), want 8", y[0], k)
	}
	// A growth drawn in every year: 2040 revenue is the base times forty factors 1 + g.
	grow := spec
	grow.Inputs = append(slices.Clone(spec.Inputs), segments.Input{Metric: "g", Label: "Growth", Unit: segments.Fraction, Range: segments.SignedRate})
	grow.Lines = []segments.LineSpec{{Metric: segments.Revenue, Label: "Revenue", Unit: segments.Millions,
		Formula: segments.Mul(last, segments.Add(segments.Const(d("1")), segments.Ref("g")))}}
	for y := range drivers {
		drivers[y] = segments.Generic{Model: grow, In: []decimal.Decimal{d("10"), d("0.1")}}
	}
	if e, err = New(m, Options{}); err != nil {
		t.Fatal(err)
	}
	var names []string
	for y := 2001; y <= 2040; y++ {
		names = append(names, "forecast/"+strconv.Itoa(y)+"/s/g")
	}
	lo, hi := make([]float64, len(names)), make([]float64, len(names))
	for i := range names {
		lo[i], hi[i] = -0.1, 0.2
	}
	floatAgrees(t, e, names, lo, hi, []string{"forecast/2040/s/revenue"}, 50, 12)
}

// TestFloatExpression: an Expression part (advertising at 3 × revenue − 0.5 × dau in
// CNY, converted at CNY/HKD) has a float64 form: the target and the part's value agree
// with the decimal engine over MAU, revenue per DAU and CNY/HKD drawn.
func TestFloatExpression(t *testing.T) {
	m := kuaishou2021.Model()
	var f segments.Formula
	if err := f.UnmarshalText([]byte("3 * revenue - 0.5 * dau")); err != nil {
		t.Fatal(err)
	}
	m.Parts[1].Method = valuation.Expression{Formula: f}
	e, err := New(m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"forecast/2021/mau", "forecast/2021/advertising/revenue_per_dau", "fx/CNY/HKD"}
	floatAgrees(t, e, names, []float64{450, 50, 1.1}, []float64{650, 250, 1.3}, []string{"target", "part/advertising/value"}, 300, 21)
}

// TestFloatDerived: what a draw moves under a min, a max or a division by a sum is a
// variable the float64 program works out at each draw, and the program agrees with the
// decimal engine to 1e-12: the capped margin of modelfile/testdata/capped.json (min)
// across its cap, and an Expression part of the report's model that takes a max and
// divides by the users (the max switching at 833m users), MAU and DAU both drawn.
func TestFloatDerived(t *testing.T) {
	m, err := modelfile.LoadModel(filepath.Join("..", "modelfile", "testdata", "capped.json"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	floatAgrees(t, e, []string{"forecast/2026/delivery/ebitda_margin", "forecast/2026/delivery/take_rate", "forecast/2026/mau"},
		[]float64{0.1, 0.1, 250}, []float64{0.25, 0.2, 350}, []string{"target", "forecast/2026/delivery/ebitda"}, 500, 31)

	k := kuaishou2021.Model()
	var f segments.Formula
	if err := f.UnmarshalText([]byte("max(1.2 * revenue, revenue * 1000 / (mau + dau))")); err != nil {
		t.Fatal(err)
	}
	k.Parts[1].Method = valuation.Expression{Formula: f}
	if e, err = New(k, Options{}); err != nil {
		t.Fatal(err)
	}
	floatAgrees(t, e, []string{"forecast/2021/mau", "forecast/2021/dau", "forecast/2021/advertising/revenue_per_dau"},
		[]float64{450, 250, 50}, []float64{650, 330, 250}, []string{"target", "part/advertising/value"}, 500, 32)
}

// TestFloatExpressionReview: what a review found of formula parts in the float64
// program. A formula reading the segment's own users ("users", e-commerce's shopping
// MAU) reads them, not zero; one reading a line the forecast leaves out at zero, which a
// draw moves, refuses the draw that makes it zero, as the decimal engine does, and
// values the others; a min over a division by zero refuses the draw (the divisor is
// checked), not the min of the rest.
func TestFloatExpressionReview(t *testing.T) {
	k := kuaishou2021.Model()
	var f segments.Formula
	if err := f.UnmarshalText([]byte("users * 100 + revenue")); err != nil {
		t.Fatal(err)
	}
	k.Parts[2].Method = valuation.Expression{Formula: f}
	e, err := New(k, Options{})
	if err != nil {
		t.Fatal(err)
	}
	floatAgrees(t, e, []string{"forecast/2021/mau", "forecast/2021/ecommerce/penetration"}, []float64{450, 0.2}, []float64{650, 0.7},
		[]string{"target", "part/ecommerce/value"}, 200, 41)

	if err := f.UnmarshalText([]byte("revenue + 2 * other_revenue")); err != nil {
		t.Fatal(err)
	}
	k.Parts[2].Method = valuation.Expression{Formula: f}
	ecommerce := &k.Plan.Segments[2]
	dr, ok := segments.With(ecommerce.Drivers[2021], "other_revenue", decimal.NewFromInt(100))
	if !ok || ecommerce.Name != "ecommerce" {
		t.Fatal("no e-commerce other_revenue")
	}
	ecommerce.Drivers = maps.Clone(ecommerce.Drivers)
	ecommerce.Drivers[2021] = dr
	if e, err = New(k, Options{}); err != nil {
		t.Fatal(err)
	}
	eval, reasons := floatEval(t, e, []string{"forecast/2021/ecommerce/other_revenue"}, []string{"target"})
	y := make([]float64, 1)
	if k := eval(0, []float64{0}, y); k < 0 || !strings.Contains(reasons[k], "leaves out at zero") {
		t.Errorf("a line left out at zero, drawn at zero: %d, want refused", k)
	}
	floatAgrees(t, e, []string{"forecast/2021/ecommerce/other_revenue"}, []float64{1}, []float64{500}, []string{"target"}, 50, 42)

	if err := f.UnmarshalText([]byte("min(1.2 * revenue, revenue / (mau - dau - 100))")); err != nil {
		t.Fatal(err)
	}
	k.Parts[1].Method = valuation.Expression{Formula: f}
	k.Parts[2].Method = kuaishou2021.Model().Parts[2].Method
	if e, err = New(k, Options{}); err != nil {
		t.Fatal(err)
	}
	eval, reasons = floatEval(t, e, []string{"forecast/2021/mau", "forecast/2021/dau"}, []string{"part/advertising/value"})
	if k := eval(0, []float64{400, 300}, y); k < 0 || !strings.Contains(reasons[k], "divides by zero") {
		t.Errorf("min over a division by zero: %v (%d), want refused", y[0], k)
	}
	if _, err := e.Eval(Point{testkit.Set(t, "forecast/2021/mau", decimal.NewFromInt(400)), testkit.Set(t, "forecast/2021/dau", decimal.NewFromInt(300))}, "target"); err == nil {
		t.Error("the decimal engine values the division by zero")
	}
}

// TestFloatReviewTwo: what a second review found. A crossed FX rate a draw moves past
// comps.RateBounds makes the draw invalid, as the decimal engine refuses it (a cash item
// in CNY, converted through USD); a min over a division by a drawn variable at zero
// refuses the draw, not the min of the rest; a formula of the segment's own users, a line
// left out at zero, refuses the draw that makes it zero.
func TestFloatReviewTwo(t *testing.T) {
	d := decimal.RequireFromString
	m := kuaishou2021.Model()
	fx, err := comps.NewFX(comps.Rate{From: comps.USD, To: comps.HKD, Rate: d("7.7")}, comps.Rate{From: comps.CNY, To: comps.USD, Rate: d("0.1565")})
	if err != nil {
		t.Fatal(err)
	}
	m.FX = fx
	m.Bridge = valuation.Bridge{Items: []valuation.Item{{Kind: valuation.Cash, Name: "cash", Currency: "CNY", Amount: d("40000")}}}
	e, err := New(m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := e.MonteCarlo(context.Background(), MonteCarlo{Output: "target", Draws: 1000, Seed: 3,
		Inputs: []Variable{{Name: "fx/CNY/USD", Dist: distuv.Uniform{Min: 1e8, Max: 9e8}}}})
	// 7.7 × the rate passes 1e9 above 1.3e8: 96% of the draws
	if err != nil || len(s.Invalid) != 1 || s.Invalid[0].Count < 900 || !strings.Contains(s.Invalid[0].Reason, "fx/CNY/HKD crossed through USD above") {
		t.Errorf("a crossed rate past its bounds: invalid %+v, %v", s.Invalid, err)
	}

	var f segments.Formula
	if err := f.UnmarshalText([]byte("min(1000 / mau, 5) * revenue")); err != nil {
		t.Fatal(err)
	}
	k := kuaishou2021.Model()
	k.Parts[1].Method = valuation.Expression{Formula: f}
	if e, err = New(k, Options{}); err != nil {
		t.Fatal(err)
	}
	eval, _ := floatEval(t, e, []string{"forecast/2021/mau"}, []string{"part/advertising/value"})
	y := make([]float64, 1)
	if k := eval(0, []float64{0}, y); k < 0 {
		t.Errorf("min(1000 / mau, 5) at MAU 0: %v, want refused", y[0])
	}
	// "users" are the segment's own, here a line left out at zero that a draw moves:
	// e-commerce's shopping MAU made such a line, read by a formula part.
	var users segments.Formula
	if err := users.UnmarshalText([]byte("10 * users")); err != nil {
		t.Fatal(err)
	}
	g := kuaishou2021.Model()
	spec := g.Plan.Segments[2].Drivers[2021].Spec()
	for i, l := range spec.Lines {
		if l.Metric == spec.UserBase {
			spec.Lines = slices.Clone(spec.Lines)
			spec.Lines[i].OmitZero = true
		}
	}
	drivers := maps.Clone(g.Plan.Segments[2].Drivers)
	drivers[2021] = segments.Generic{Model: spec, In: g.Plan.Segments[2].Drivers[2021].Values()}
	g.Plan.Segments[2].Drivers = drivers
	g.Parts[2].Method = valuation.Expression{Formula: users}
	if e, err = New(g, Options{}); err != nil {
		t.Fatal(err)
	}
	eval, reasons := floatEval(t, e, []string{"forecast/2021/ecommerce/penetration"}, []string{"target"})
	if k := eval(0, []float64{0}, y); k < 0 || !strings.Contains(reasons[k], "leaves out at zero") {
		t.Errorf("users left out at zero, drawn at zero: %d, want refused", k)
	}
	floatAgrees(t, e, []string{"forecast/2021/ecommerce/penetration"}, []float64{0.1}, []float64{0.7}, []string{"target"}, 50, 43)
}

// TestFloatComparablesFX: an FX rate that converts comparables can be drawn: the float64
// program works a mean or market-value-weighted set out at each draw, as comps does, and
// agrees with the decimal engine to 1e-12 (valuation/workbook/testdata/currencies.json:
// HK$ and US$ peers in a US$ set weighted by market value, CNY revenue in an EV/S mean;
// examples/models/holdco-tech.json: a rate the table gives the other way round). A median
// set is worked out by comps at each draw (the kernel's head), and agrees too.
func TestFloatComparablesFX(t *testing.T) {
	cur, err := modelfile.LoadModel(filepath.Join("..", "workbook", "testdata", "currencies.json"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(cur, Options{})
	if err != nil {
		t.Fatal(err)
	}
	floatAgrees(t, e, []string{"fx/USD/HKD", "fx/CNY/HKD", "forecast/2025/mau"}, []float64{7, 0.9, 500}, []float64{8.5, 1.3, 700},
		[]string{"target", "part/live/value", "part/ads/value"}, 400, 51)
	tech, err := modelfile.LoadModel(filepath.Join("..", "..", "examples", "models", "holdco-tech.json"))
	if err != nil {
		t.Fatal(err)
	}
	if e, err = New(tech, Options{}); err != nil {
		t.Fatal(err)
	}
	floatAgrees(t, e, []string{"fx/USD/HKD"}, []float64{7}, []float64{8.5}, []string{"target", "part/social_ads/value"}, 300, 52)

	mm := cur.Parts[0].Method.(valuation.Multiple)
	mm.Comps = mm.Comps.Clone()
	mm.Comps.Aggregate = comps.Median{}
	cur.Parts[0].Method = mm
	if e, err = New(cur, Options{}); err != nil {
		t.Fatal(err)
	}
	floatAgrees(t, e, []string{"fx/USD/HKD", "forecast/2025/mau"}, []float64{7, 500}, []float64{8.5, 700}, []string{"target", "part/live/value"}, 100, 53)
}
