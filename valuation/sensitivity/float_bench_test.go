package sensitivity

import (
	"context"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/stat/distuv"
)

// benchInputs are the three inputs of the Monte Carlo benchmarks: 2021E MAU, the
// e-commerce discount and shopping penetration. (A Beta penetration, drawn through
// gonum's inverse regularized incomplete beta, costs about 1.3 µs a draw on its own.)
func benchInputs() []Variable {
	return []Variable{
		{Name: "forecast/2021/mau", Dist: distuv.Normal{Mu: 571.68, Sigma: 30}},
		{Name: "part/ecommerce/premium", Dist: distuv.Uniform{Min: -0.4, Max: 0}},
		{Name: "forecast/2021/ecommerce/penetration", Dist: distuv.NewTriangle(0.35, 0.55, 0.45, nil)},
	}
}

const benchDraws = 1_000_000

// BenchmarkMonteCarloHandLoop is the baseline: the same draws, made by the same sampler
// from the same seeded streams, with the target's formula written out by hand:
// 7.7 × MAU × (31.01 + 185.97 + penetration × avg × (1 + premium)) / 4159.
func BenchmarkMonteCarloHandLoop(b *testing.B) {
	e := newEngine(b, Options{Workers: 1})
	bounds, err := e.bounds(benchInputs())
	if err != nil {
		b.Fatal(err)
	}
	s, err := newSampler(context.Background(), benchInputs(), bounds, nil, benchDraws, 1, Plain, 1, 1)
	if err != nil {
		b.Fatal(err)
	}
	avg := f64(e.result.Parts[2].Multiple.Average)
	samples := make([]float64, benchDraws)
	x, u, z := make([]float64, 3), make([]float64, 3), make([]float64, 3)
	var rng rand.PCG
	b.ReportAllocs()
	for b.Loop() {
		for blk := 0; blk*blockSize < benchDraws; blk++ {
			rng.Seed(1, uint64(blk))
			for i := blk * blockSize; i < min((blk+1)*blockSize, benchDraws); i++ {
				s.draw(&rng, i, 0, x, u, z)
				samples[i] = 7.7 * x[0] * (31.01 + 185.97 + x[2]*avg*(1+x[1])) / 4159
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchDraws, "ns/draw")
}

// BenchmarkMonteCarlo is Engine.MonteCarlo on the same draws, summary included, on one
// worker and on GOMAXPROCS.
func BenchmarkMonteCarlo(b *testing.B) {
	for _, w := range []struct {
		name    string
		workers int
	}{{"workers=1", 1}, {"workers=max", 0}} {
		b.Run(w.name, func(b *testing.B) {
			e := newEngine(b, Options{Workers: w.workers})
			mc := MonteCarlo{Output: "target", Inputs: benchInputs(), Draws: benchDraws, Seed: 1}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.MonteCarlo(context.Background(), mc); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchDraws, "ns/draw")
		})
	}
}

// BenchmarkSobol runs 2^14 base samples of three inputs (2^14 × 5 evaluations of the
// target) with 200 bootstrap resamples, and with quasi-random sampling and its 16
// replicates, on one worker and on two.
func BenchmarkSobol(b *testing.B) {
	for _, c := range []struct {
		name string
		how  Sampling
	}{{"bootstrap", Plain}, {"quasi", QuasiRandom}} {
		for _, w := range []int{1, 2} {
			b.Run(c.name+"/workers="+strconv.Itoa(w), func(b *testing.B) {
				e := newEngine(b, Options{Workers: w})
				s := Sobol{Outputs: []string{"target"}, Inputs: benchInputs(), Samples: 1 << 14, Seed: 1, Sampling: c.how}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := e.Sobol(context.Background(), s); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkMorris screens every assumption of the Kuaishou model with a non-zero base (53,
// each uniform on ±20%) along 20 trajectories: 1,080 evaluations of the target.
func BenchmarkMorris(b *testing.B) {
	e := newEngine(b, Options{})
	var names []string
	for _, a := range e.Assumptions() {
		if !a.Base.IsZero() {
			names = append(names, a.Key.String())
		}
	}
	sw, err := e.Swings(decimal.RequireFromString("0.2"), names...)
	if err != nil {
		b.Fatal(err)
	}
	m := Morris{Outputs: []string{"target"}, Inputs: Uniforms(sw), Trajectories: 20, Seed: 1}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Morris(context.Background(), m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFloatTarget is one evaluation of the target's compiled float64 program at a
// draw of the three inputs, the cost every Monte Carlo, Sobol and Morris point pays.
func BenchmarkFloatTarget(b *testing.B) {
	e := newEngine(b, Options{})
	eval, _, err := e.floatModel([]string{"target"}, benchInputs())
	if err != nil {
		b.Fatal(err)
	}
	x, y := []float64{571.68, -0.2, 0.45}, make([]float64, 1)
	for b.Loop() {
		if eval(0, x, y) >= 0 {
			b.Fatal("invalid")
		}
	}
}

// BenchmarkSummarize is a Monte Carlo summary alone (statistics, histogram and
// percentiles) of 10^6 normal values, on one worker and on two: the part of a run after
// the draws.
func BenchmarkSummarize(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	xs := make([]float64, benchDraws)
	for i := range xs {
		xs[i] = 404 + 21*rng.NormFloat64()
	}
	for _, w := range []int{1, 2} {
		b.Run("workers="+strconv.Itoa(w), func(b *testing.B) {
			o := Options{Workers: w}
			for b.Loop() {
				if _, err := o.summarize(context.Background(), "target", xs, 319, 10); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkMonteCarloDraws is Engine.MonteCarlo of the target at 10^5, 10^6 and 10^7
// draws on one worker, with exact percentiles and no samples kept: its time should grow
// linearly with the draws and its memory (B/op) hardly at all.
func BenchmarkMonteCarloDraws(b *testing.B) {
	for _, n := range []int{1e5, 1e6, 1e7} {
		b.Run("draws="+strconv.Itoa(n), func(b *testing.B) {
			e := newEngine(b, Options{Workers: 1, MaxPoints: n})
			mc := MonteCarlo{Output: "target", Inputs: benchInputs(), Draws: n, Seed: 1}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.MonteCarlo(context.Background(), mc); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/draw")
		})
	}
}
