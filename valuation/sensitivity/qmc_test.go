package sensitivity

import (
	"context"
	"math"
	"testing"

	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/sotpkit/sotp/valuation/internal/testkit"
)

// kuaishou4 is the four-input Kuaishou case of issue 14: 2021E MAU, the e-commerce
// premium, the advertising average and USD/HKD, each uniform on a range about its base
// (USD/HKD on the peg's band).
func kuaishou4() []Variable {
	return []Variable{
		{Name: "forecast/2021/mau", Dist: distuv.Uniform{Min: 500, Max: 650}},
		{Name: "part/ecommerce/premium", Dist: distuv.Uniform{Min: -0.4, Max: 0}},
		{Name: "part/advertising/average", Dist: distuv.Uniform{Min: 150, Max: 220}},
		{Name: "fx/USD/HKD", Dist: distuv.Uniform{Min: 7.75, Max: 7.85}},
	}
}

// kuaishou4Indices derives the four inputs' analytic Sobol indices of the target. The
// P/MAU target is a product of independent factors, T = k · MAU · FX · g with g = c +
// average + d · premium (every part prices the MAU; only e-commerce's carries the premium,
// at its average times penetration, d): the test reads k, c and d off the decimal engine
// and checks the form at a point away from the base. Then with m_i = E[X_i²]:
// V = m_MAU m_FX E[g²] − μ_MAU² μ_FX² μ_g², V_MAU = σ_MAU² μ_FX² μ_g², V_FX likewise,
// V_avg = μ_MAU² μ_FX² σ_avg², V_prem = μ_MAU² μ_FX² d² σ_prem², and totals
// V_T,MAU = σ_MAU² m_FX E[g²], V_T,FX likewise, V_T,avg = m_MAU m_FX σ_avg²,
// V_T,prem = m_MAU m_FX d² σ_prem².
func kuaishou4Indices(t *testing.T, e *Engine) (first, total []float64) {
	t.Helper()
	eval := func(mau, prem, avg, fx float64) float64 {
		v, err := e.Eval(Point{
			testkit.Set(t, "forecast/2021/mau", decimal.NewFromFloat(mau)), testkit.Set(t, "part/ecommerce/premium", decimal.NewFromFloat(prem)),
			testkit.Set(t, "part/advertising/average", decimal.NewFromFloat(avg)), testkit.Set(t, "fx/USD/HKD", decimal.NewFromFloat(fx))}, "target")
		if err != nil {
			t.Fatal(err)
		}
		return f64(v[0])
	}
	// At MAU 500 and FX 7.8, K = 3,900 k: T(0, 1) = K (c + 1), T(0, 2) − T(0, 1) = K and
	// T(0, 1) − T(−0.5, 1) = K d / 2, for (premium, average).
	t1 := eval(500, 0, 1, 7.8)
	k := eval(500, 0, 2, 7.8) - t1
	c, d := t1/k-1, 2*(t1-eval(500, -0.5, 1, 7.8))/k
	k /= 500 * 7.8
	if got, want := eval(611, -0.31, 170.5, 7.8), k*611*7.8*(c+170.5-0.31*d); math.Abs(got-want) > 1e-9*want {
		t.Fatalf("the target is not k · MAU · FX · (c + average + d · premium): %v, want %v", got, want)
	}
	in := kuaishou4()
	mu, va := make([]float64, 4), make([]float64, 4)
	for i, x := range in {
		u := x.Dist.(distuv.Uniform)
		mu[i], va[i] = (u.Min+u.Max)/2, (u.Max-u.Min)*(u.Max-u.Min)/12
	}
	m := func(i int) float64 { return va[i] + mu[i]*mu[i] }
	mg := c + mu[2] + d*mu[1]
	vg := va[2] + d*d*va[1]
	eg2 := vg + mg*mg
	v := m(0)*m(3)*eg2 - mu[0]*mu[0]*mu[3]*mu[3]*mg*mg
	p2 := mu[0] * mu[0] * mu[3] * mu[3]
	first = []float64{va[0] * mu[3] * mu[3] * mg * mg / v, p2 * d * d * va[1] / v, p2 * va[2] / v, mu[0] * mu[0] * va[3] * mg * mg / v}
	total = []float64{va[0] * m(3) * eg2 / v, m(0) * m(3) * d * d * va[1] / v, m(0) * m(3) * va[2] / v, m(0) * va[3] * eg2 / v}
	return first, total
}

// TestSobolQuasiRandomKuaishou is issue 14's acceptance case: on the four-input Kuaishou
// target at N = 2^14 with quasi-random sampling, every first-order and total index is
// within 0.001 of its analytic value; and over 100 seeds, the replicate intervals (95%)
// cover the analytic values between 90% and 99% of the time.
func TestSobolQuasiRandomKuaishou(t *testing.T) {
	e := newEngine(t, Options{})
	first, total := kuaishou4Indices(t, e)
	s := Sobol{Outputs: []string{"target"}, Inputs: kuaishou4(), Samples: 1 << 14, Seed: 1, Sampling: QuasiRandom}
	x, err := e.Sobol(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	for i, in := range x[0].Inputs {
		if math.Abs(in.First-first[i]) > 0.001 || math.Abs(in.Total-total[i]) > 0.001 {
			t.Errorf("%s: S1 %.5f, analytic %.5f; ST %.5f, analytic %.5f", in.Name, in.First, first[i], in.Total, total[i])
		}
	}
	if testing.Short() {
		t.Skip("coverage over 100 seeds: not in -short")
	}
	covered, n := 0, 0
	for seed := range uint64(100) {
		s.Seed = seed + 100
		x, err := e.Sobol(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		for i, in := range x[0].Inputs {
			for _, c := range [][3]float64{{first[i], in.FirstLo, in.FirstHi}, {total[i], in.TotalLo, in.TotalHi}} {
				n++
				if c[1] <= c[0] && c[0] <= c[2] {
					covered++
				}
			}
		}
	}
	if r := float64(covered) / float64(n); r < 0.90 || r > 0.99 {
		t.Errorf("95%% intervals covered the analytic indices %d times in %d (%.3f), want 0.90 to 0.99", covered, n, r)
	} else {
		t.Logf("95%% intervals covered the analytic indices %d times in %d (%.3f)", covered, n, r)
	}
}
