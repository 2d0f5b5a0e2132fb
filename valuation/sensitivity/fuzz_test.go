package sensitivity_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/sensitivity"
)

// FuzzOptions: no grid axis, Monte Carlo or Sobol option, or distribution parameter a
// caller can build from data panics a run, and every run gives an error or finite
// figures. The engine's MaxPoints keeps each run small.
func FuzzOptions(f *testing.F) {
	f.Add("571.68", "-0.2", 3, 1000, 10, uint64(1), 571.68, 30.0, 0.5, 2.0, 64, 20, 0.95, false, 0.0, 0.0)
	f.Add("1e30", "-1", 0, 2, 1<<40, uint64(7), math.Inf(1), math.NaN(), -1.0, 0.0, -1, -5, math.NaN(), true, math.NaN(), 1.0)
	f.Add("-5", "1e-30", 1, 1<<30, 0, uint64(0), 6.0, 1000.0, 2.0, 0.5, 1<<20, 1<<20, 1.0, true, 900.0, 500.0)
	e, err := sensitivity.New(kuaishou2021.Model(), sensitivity.Options{MaxPoints: 20_000, Workers: 2})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, mau, premium string, steps, draws, bins int, seed uint64, mu, sigma, lo, hi float64,
		samples, bootstrap int, confidence float64, lhs bool, min, max float64) {
		ctx := context.Background()
		finite := func(vs ...float64) {
			for _, v := range vs {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("a figure is %v without an error", v)
				}
			}
		}
		var axes []sensitivity.Axis
		for _, a := range []struct{ name, v string }{{"forecast/2021/mau", mau}, {"part/ecommerce/premium", premium}} {
			x, err := decimal.NewFromString(a.v)
			if err != nil || x.Exponent() < -40 || x.Exponent() > 40 {
				return
			}
			axes = append(axes, sensitivity.Span(a.name, x, x.Mul(decimal.NewFromInt(2)), steps%50))
		}
		if g, err := e.Grid(ctx, []string{"target", "upside"}, axes...); err == nil {
			if steps%50 < 2 {
				t.Fatalf("a grid over spans of %d steps: no error", steps%50)
			}
			_ = g.Text("target") + g.Markdown("upside") + g.Text("none")
		} else if steps%50 < 2 && !errors.Is(err, fault.ErrOption) {
			t.Fatalf("a grid over spans of %d steps: %v, want fault.ErrOption", steps%50, err)
		}
		dists := []sensitivity.Distribution{distuv.Normal{Mu: mu, Sigma: sigma}, distuv.Uniform{Min: lo, Max: hi},
			distuv.LogNormal{Mu: mu, Sigma: sigma}, distuv.Triangle{}, distuv.Beta{Alpha: lo, Beta: hi}}
		in := []sensitivity.Variable{
			{Name: "forecast/2021/mau", Dist: dists[int(seed%5)], Min: min, Max: max},
			{Name: "forecast/2021/dau", Dist: dists[int(seed/5%5)]},
		}
		sampling := sensitivity.Plain
		if lhs {
			sampling = sensitivity.LatinHypercube
		}
		if seed%7 == 3 {
			sampling = sensitivity.QuasiRandom
		}
		mc := sensitivity.MonteCarlo{Output: "target", Inputs: in, Draws: draws, Seed: seed, Bins: bins, Sampling: sampling}
		if s, err := e.MonteCarlo(ctx, mc); err == nil {
			finite(s.Mean, s.SD, s.Min, s.Max, s.P5, s.P50, s.P95, s.PAbove)
			_ = s.Text()
		}
		sob := sensitivity.Sobol{Outputs: []string{"target"}, Inputs: in, Samples: samples, Bootstrap: bootstrap, Confidence: confidence, Seed: seed,
			Sampling: sampling, Second: seed%2 == 0}
		if sampling == sensitivity.QuasiRandom {
			sob.Bootstrap, sob.Replicates = 0, bootstrap
		}
		if idx, err := e.Sobol(ctx, sob); err == nil {
			for _, x := range idx {
				finite(x.Variance)
				for _, in := range x.Inputs {
					finite(in.First, in.Total)
				}
				for _, p := range x.Pairs {
					finite(p.Second)
				}
				_ = x.Text()
			}
		}
		mo := sensitivity.Morris{Outputs: []string{"target"}, Inputs: in, Trajectories: samples, Levels: steps, Bootstrap: bootstrap, Confidence: confidence, Seed: seed}
		if sc, err := e.Morris(ctx, mo); err == nil {
			for _, x := range sc {
				for _, in := range x.Inputs {
					finite(in.Mu, in.MuStar, in.Sigma)
				}
				_ = x.Text()
			}
		}
	})
}
