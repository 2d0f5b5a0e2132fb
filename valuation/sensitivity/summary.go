package sensitivity

// This file works out a Monte Carlo summary in memory that does not grow with the
// draws: the run keeps a few statistics a block of draws (blockStats), and the passes
// that need the mean (the standard deviation), the least and greatest values (the
// histogram) or ranks (the percentiles) replay the seeded draws block by block
// (source). Sums are added block by block in block order, so the summary is the same for
// any number of workers, and whether the draws were kept or replayed.

import (
	"context"
	"math"
	"slices"

	"github.com/sotpkit/sotp/valuation/internal/pad"
)

// blockStats are a block's valid draws in brief: their count, sum, least and greatest
// values, the count above the threshold, and their mean and sum of squared deviations
// from it (Welford), which blocks merge into the run's (Chan, Golub and LeVeque 1979).
type blockStats struct {
	n        int
	sum      float64
	lo, hi   float64
	above    int
	mean, m2 float64
}

func newBlockStats() blockStats { return blockStats{lo: math.Inf(1), hi: math.Inf(-1)} }

// add counts v, finite, into the block.
func (b *blockStats) add(v, threshold float64) {
	b.n++
	b.sum += v
	if v < b.lo {
		b.lo = v
	}
	if v > b.hi {
		b.hi = v
	}
	if v > threshold {
		b.above++
	}
	d := v - b.mean
	b.mean += d / float64(b.n)
	b.m2 += d * (v - b.mean)
}

// welford is a running count, mean and sum of squared deviations.
type welford struct{ n, mean, m2 float64 }

// merge adds a block's draws to w, as Chan, Golub and LeVeque's pairwise update.
func (w *welford) merge(b blockStats) {
	if b.n == 0 {
		return
	}
	n := w.n + float64(b.n)
	d := b.mean - w.mean
	w.mean += d * float64(b.n) / n
	w.m2 += b.m2 + d*d*w.n*float64(b.n)/n
	w.n = n
}

// source is a run's valid values, block by block: each calls visit with block b's values
// in draw order, on worker w (of Options.workers(blocks)).
type source struct {
	blocks int
	each   func(w, b int, visit func(v float64))
}

// sliceSource is the values of xs in blocks of blockSize, NaN left out.
func sliceSource(xs []float64) source {
	return source{blocks: (len(xs) + blockSize - 1) / blockSize, each: func(_, b int, visit func(float64)) {
		for _, v := range xs[b*blockSize : min((b+1)*blockSize, len(xs))] {
			if !math.IsNaN(v) {
				visit(v)
			}
		}
	}}
}

// stats works out each block's blockStats from src.
func (o Options) stats(ctx context.Context, src source, threshold float64) ([]blockStats, error) {
	out := make([]blockStats, src.blocks)
	o.Progress = nil
	err := o.run(ctx, src.blocks, blockSize, src.blocks*blockSize, func(w, b int) {
		st := newBlockStats()
		src.each(w, b, func(v float64) { st.add(v, threshold) })
		out[b] = st
	})
	return out, err
}

// summary works out the summary of src's values from their blocks' stats: the count,
// mean, least and greatest values and the share above threshold from the stats; the
// standard deviation, the histogram and the percentiles' buckets in one more pass over
// src; and, past 65,536 values, the few values of the buckets that hold the percentiles'
// ranks in a last pass. src must hold two values or more.
//
// pilot, if given, is a sample of src's values in order (the first blocks' of a run
// that replays its draws): the pass that counts also gathers the values in a window
// around each percentile's place in the pilot, six standard deviations of a binomial
// rank wide each way, and counts those below it; a percentile whose ranks fall in its
// window is read there, and when all do, the last pass is not made. The windows only
// save the pass: a value is taken at its rank either way, so the summary is the same.
func (o Options) summary(ctx context.Context, output string, src source, blocks []blockStats, threshold float64, bins int, pilot []float64) (Summary, error) {
	o.Progress = nil
	s := Summary{Output: output, Threshold: threshold, Min: math.Inf(1), Max: math.Inf(-1)}
	sum, above := 0.0, 0
	for _, b := range blocks {
		s.Valid += b.n
		sum, above = sum+b.sum, above+b.above
		if b.lo < s.Min {
			s.Min = b.lo
		}
		if b.hi > s.Max {
			s.Max = b.hi
		}
	}
	n := s.Valid
	s.Draws = n
	s.Mean = sum / float64(n)
	s.PAbove = float64(above) / float64(n)
	if bins == 0 {
		bins = 10
	}
	width := (s.Max - s.Min) / float64(bins)
	s.Histogram = make([]Bin, bins)
	for i := range s.Histogram {
		s.Histogram[i] = Bin{Lo: s.Min + float64(i)*width, Hi: s.Min + float64(i+1)*width}
	}
	s.Histogram[bins-1].Hi = s.Max
	workers := o.workers(src.blocks)
	counts := make([][]int, workers)
	for w := range counts {
		counts[w] = pad.Slice[int](bins)
	}
	// Up to 65,536 values the percentiles sort them all: each block's are kept. Past
	// that, each value is counted in the bucket of its order key, and a last pass gathers
	// the values of the few buckets that hold the wanted ranks.
	sorting := n <= chunkSize
	bk := bucketsBetween(s.Min, s.Max)
	var per [][]int
	var kept [][]float64
	if sorting {
		kept = make([][]float64, src.blocks)
	} else {
		per = bk.counters(workers)
	}
	ss := make([]float64, src.blocks)
	mean, least := s.Mean, s.Min
	ps := []float64{0.05, 0.5, 0.95}
	var win *windows
	if !sorting && len(pilot) > 0 {
		win = newWindows(pilot, ps, n, workers, o.gatherLimit())
	}
	err := o.run(ctx, src.blocks, blockSize, src.blocks*blockSize, func(w, b int) {
		sq, count := 0.0, counts[w]
		var ranked []int
		if !sorting {
			ranked = per[w]
		}
		var vs []float64
		src.each(w, b, func(v float64) {
			sq += (v - mean) * (v - mean)
			i := bins - 1
			if f := (v - least) / width; width > 0 && f < float64(bins-1) {
				i = max(int(f), 0) // f is never NaN here: v and the bounds are finite
			}
			count[i]++
			if ranked != nil {
				ranked[bk.of(v)]++
				if win != nil {
					win.see(w, v)
				}
			} else {
				vs = append(vs, v)
			}
		})
		ss[b] = sq
		if sorting {
			kept[b] = vs
		}
	})
	if err != nil {
		return Summary{}, err
	}
	sq := 0.0
	for _, x := range ss {
		sq += x
	}
	s.SD = math.Sqrt(sq / float64(n-1))
	for _, c := range counts {
		for i, k := range c {
			s.Histogram[i].Count += k
		}
	}
	var q []float64
	switch {
	case sorting:
		q = sortedQuantiles(slices.Concat(kept...), ps)
	default:
		if win != nil {
			q = win.quantiles(n, ps)
		}
		if q == nil {
			if q, err = o.selectRanks(ctx, src, n, bk, per, ps); err != nil {
				return Summary{}, err
			}
		}
	}
	s.P5, s.P50, s.P95 = q[0], q[1], q[2]
	return s, nil
}

// summarize is the summary of samples, all valid, kept in memory.
func (o Options) summarize(ctx context.Context, output string, samples []float64, threshold float64, bins int) (Summary, error) {
	src := sliceSource(samples)
	blocks, err := o.stats(ctx, src, threshold)
	if err != nil {
		return Summary{}, err
	}
	s, err := o.summary(ctx, output, src, blocks, threshold, bins, nil)
	s.Samples = samples
	return s, err
}

// windows gather, in the pass that counts, the values around each percentile's place in
// a pilot sample, and count those below, worker by worker (summary).
type windows struct {
	lo, hi []float64 // each percentile's window, [lo, hi]
	ws     []windowWorker
	limit  int // the most values one worker gathers in all
}

// windowWorker is one worker's counts and values, apart from the next worker's.
type windowWorker struct {
	_     [64]byte
	below []int       // by percentile
	found [][]float64 // by percentile
	held  int         // values gathered
	over  bool        // past the limit: the windows are given up
	_     [64]byte
}

// newWindows places a window around each of ps in the sorted pilot: from the pilot's
// value six binomial standard deviations of rank below the percentile's place to the one
// six above (open-ended past the pilot's ends); each worker's room for its share of the
// n values is made at once, as the pilot expects it, so that gathering does not grow it.
//
// It returns nil, for the buckets to find the ranks, when the windows are not worth
// gathering: when the values the pilot expects in them, with a tenth to spare, pass the
// limit (past about 24 million draws at the default one), or when a window is one value
// (a point mass: every draw would be gathered).
func newWindows(pilot, ps []float64, n, workers, limit int) *windows {
	m := float64(len(pilot))
	x := &windows{ws: make([]windowWorker, workers), limit: max(limit/workers, 1)}
	room := make([]int, len(ps))
	total := 0
	for j, p := range ps {
		c, d := p*(m-1), 6*math.Sqrt(m*p*(1-p))+2
		lo, hi := math.Inf(-1), math.Inf(1)
		a, b := int(math.Floor(c-d)), int(math.Ceil(c+d))
		if a > 0 {
			lo = pilot[a]
		}
		if b < len(pilot)-1 {
			hi = pilot[b]
		}
		if lo == hi {
			return nil
		}
		x.lo, x.hi = append(x.lo, lo), append(x.hi, hi)
		share := float64(min(b, len(pilot)-1)-max(a, 0)+1) / m
		room[j] = int(1.1*share*float64(n)/float64(workers)) + blockSize
		total += room[j]
	}
	if total > x.limit {
		return nil
	}
	for w := range x.ws {
		x.ws[w].below, x.ws[w].found = make([]int, len(ps)), make([][]float64, len(ps))
		for j := range ps {
			x.ws[w].found[j] = make([]float64, 0, room[j])
		}
	}
	return x
}

// see counts or gathers v on worker w.
func (x *windows) see(w int, v float64) {
	ww := &x.ws[w]
	for j, lo := range x.lo {
		switch {
		case v < lo:
			ww.below[j]++
		case v <= x.hi[j] && !ww.over:
			ww.found[j] = append(ww.found[j], v)
			if ww.held++; ww.held > x.limit { // given up: its values are let go
				ww.over, ww.found = true, nil
			}
		}
	}
}

// quantiles are the percentiles ps of the n values, interpolated as Summary's, when each
// one's two ranks fell within its window; nil when a window missed or was given up.
func (x *windows) quantiles(n int, ps []float64) []float64 {
	out := make([]float64, len(ps))
	for j, p := range ps {
		below := 0
		vs := x.ws[0].found[j] // one worker's in place; several workers' joined
		for w, ww := range x.ws {
			if ww.over {
				return nil
			}
			below += ww.below[j]
			if w > 0 {
				vs = append(vs, ww.found[j]...)
			}
		}
		h := p * float64(n-1)
		k, k1 := int(h), min(int(h)+1, n-1)
		if k < below || k1-below >= len(vs) {
			return nil
		}
		slices.Sort(vs)
		lo, hi := vs[k-below], vs[k1-below]
		out[j] = lo + (h-math.Floor(h))*(hi-lo)
	}
	return out
}
