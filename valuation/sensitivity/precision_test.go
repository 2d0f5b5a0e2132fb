package sensitivity

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestQuantileInterval works Conover's large-sample interval by hand: of the draws 1 to
// 100, the median's 95% interval has ranks ⌈50 − 1.96 × 5⌉ = ⌈40.2⌉ = 41 and
// ⌈50 + 9.8⌉ = 60, so it runs from 41 to 60 around 50.5 (type 7); the first
// percentile's lower rank, ⌈1 − 1.96 × √0.99⌉ = ⌈−0.95⌉ = 0, falls outside the draws,
// so its interval, up to rank ⌈2.95⌉ = 3, is clamped to the least draw and not known.
func TestQuantileInterval(t *testing.T) {
	xs := make([]float64, 100)
	for i := range xs {
		xs[i] = float64(i + 1)
	}
	z := 1.959963984540054
	if v, lo, hi, known := quantileInterval(runs{a: xs}, 0.5, z); v != 50.5 || lo != 41 || hi != 60 || !known {
		t.Errorf("median: %g in [%g, %g], known %v; want 50.5 in [41, 60], known", v, lo, hi, known)
	}
	if v, lo, hi, known := quantileInterval(runs{b: xs}, 0.01, z); math.Abs(v-1.99) > 1e-12 || lo != 1 || hi != 3 || known {
		t.Errorf("P1: %g in [%g, %g], known %v; want 1.99 in [1, 3], not known", v, lo, hi, known)
	}
}

// TestQuantileIntervalCoverage: over 2,000 seeded samples of 1,000 uniforms, the 95%
// intervals of P5, P50 and P95, read across two sorted runs of 300 and 700, hold the
// true quantile in 93% to 97% of the samples (the
// binomial count's standard error at 2,000 samples is 0.5%).
func TestQuantileIntervalCoverage(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	xs := make([]float64, 1000)
	for _, p := range []float64{0.05, 0.5, 0.95} {
		held := 0
		for range 2000 {
			for i := range xs {
				xs[i] = rng.Float64()
			}
			slices.Sort(xs[:300])
			slices.Sort(xs[300:])
			if _, lo, hi, _ := quantileInterval(runs{a: xs[:300], b: xs[300:]}, p, 1.959963984540054); lo <= p && p <= hi {
				held++
			}
		}
		if c := float64(held) / 2000; c < 0.93 || c > 0.97 {
			t.Errorf("P%g: coverage %.3f, want 0.93 to 0.97", 100*p, c)
		}
	}
}

// TestMergeSorted merges rounds of draws into one sorted buffer in place, equal to
// sorting them all.
func TestMergeSorted(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var all []float64
	buf := make([]float64, 0, 1000)
	for _, k := range []int{0, 1, 7, 300, 2, 690} {
		add := make([]float64, k)
		for i := range add {
			add[i] = math.Round(rng.NormFloat64() * 10) // ties too
		}
		all = append(all, add...)
		slices.Sort(add)
		buf = mergeSorted(buf, add)
	}
	slices.Sort(all)
	if !slices.Equal(buf, all) {
		t.Errorf("merged %v\nwant %v", buf, all)
	}
}

// TestRunsAt reads every rank of two sorted runs, ties among them and either run empty,
// as sorting the two together would.
func TestRunsAt(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range [][2]int{{0, 5}, {5, 0}, {1, 1}, {3, 17}, {64, 7}, {200, 200}} {
		a, b := make([]float64, n[0]), make([]float64, n[1])
		for _, xs := range [][]float64{a, b} {
			for i := range xs {
				xs[i] = math.Round(rng.NormFloat64() * 5)
			}
			slices.Sort(xs)
		}
		all := slices.Sorted(slices.Values(slices.Concat(a, b)))
		r := runs{a, b}
		for k := range all {
			if got := r.at(k); got != all[k] {
				t.Fatalf("runs of %d and %d: rank %d is %g, want %g", n[0], n[1], k, got, all[k])
			}
		}
	}
}

// TestSummaryWindows: past 65,536 values, a pilot sample of the first 65,536 lets the
// summary read its percentiles from the windows it gathers in the pass that counts, one
// pass over the values where it made two; a pilot drawn from elsewhere (shifted by 10
// SD) misses and the summary makes its last pass. The summary is the same in all three.
func TestSummaryWindows(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	xs := make([]float64, 300_000)
	for i := range xs {
		xs[i] = 400 + 30*rng.NormFloat64()
	}
	o := Options{Workers: 2}
	passes := 0
	src := sliceSource(xs)
	each := src.each
	src.each = func(w, b int, visit func(float64)) {
		if b == 0 {
			passes++ // block 0 is visited once a pass, by one worker
		}
		each(w, b, visit)
	}
	blocks, err := o.stats(context.Background(), sliceSource(xs), 0)
	if err != nil {
		t.Fatal(err)
	}
	pilot := slices.Sorted(slices.Values(xs[:65536]))
	far := make([]float64, len(pilot))
	for i, v := range pilot {
		far[i] = v + 300
	}
	var first Summary
	for i, c := range []struct {
		name   string
		pilot  []float64
		passes int
	}{{"no pilot", nil, 2}, {"a pilot", pilot, 1}, {"a pilot from elsewhere", far, 2}} {
		passes = 0
		s, err := o.summary(context.Background(), "x", src, blocks, 0, 10, c.pilot)
		if err != nil {
			t.Fatal(err)
		}
		if passes != c.passes {
			t.Errorf("%s: %d passes over the values, want %d", c.name, passes, c.passes)
		}
		if i == 0 {
			first = s
		} else if diff := cmp.Diff(first, s); diff != "" {
			t.Errorf("%s: the summary differs (-no pilot +%s):\n%s", c.name, c.name, diff)
		}
	}
}

// TestWindowsNotWorthIt: no windows are set up for a point mass (every draw would be
// gathered) nor when the values the pilot expects in them pass the gather limit (a
// hundred million draws at the default limit of 2^20 values).
func TestWindowsNotWorthIt(t *testing.T) {
	ps := []float64{0.05, 0.5, 0.95}
	mass := make([]float64, 65536)
	for i := range mass {
		mass[i] = 344
	}
	if newWindows(mass, ps, 3_000_000, 2, 1<<20) != nil {
		t.Error("windows around a point mass")
	}
	spread := make([]float64, 65536)
	for i := range spread {
		spread[i] = float64(i)
	}
	if newWindows(spread, ps, 100_000_000, 1, 1<<20) != nil {
		t.Error("windows over 10^8 draws, 4.4% of them expected in the windows, past 2^20")
	}
	if newWindows(spread, ps, 10_000_000, 1, 1<<20) == nil {
		t.Error("no windows over 10^7 draws, whose 440,000 expected fit")
	}
}
