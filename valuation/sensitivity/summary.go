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
	s := totals(output, blocks, threshold)
	n := s.Valid
	if bins == 0 {
		bins = 10
	}
	var width float64
	s.Histogram, width = histogram(s.Min, s.Max, bins)
	workers := o.workers(src.blocks)
	p := &countPass{src: src, mean: s.Mean, least: s.Min, width: width, bins: bins}
	p.counts = make([][]int, workers)
	for w := range p.counts {
		p.counts[w] = pad.Slice[int](bins)
	}
	// Up to 65,536 values the percentiles sort them all: each block's are kept. Past
	// that, each value is counted in the bucket of its order key, and a last pass gathers
	// the values of the few buckets that hold the wanted ranks.
	p.sorting = n <= chunkSize
	p.bk = bucketsBetween(s.Min, s.Max)
	if p.sorting {
		p.kept = make([][]float64, src.blocks)
	} else {
		p.per = p.bk.counters(workers)
	}
	p.ss = make([]float64, src.blocks)
	ps := []float64{0.05, 0.5, 0.95}
	if !p.sorting && len(pilot) > 0 {
		p.win = newWindows(pilot, ps, n, workers, o.gatherLimit())
	}
	if err := o.run(ctx, src.blocks, blockSize, src.blocks*blockSize, p.block); err != nil {
		return Summary{}, err
	}
	s.SD = p.sd(n)
	p.count(s.Histogram)
	q, err := o.percentiles(ctx, p, n, ps)
	if err != nil {
		return Summary{}, err
	}
	s.P5, s.P50, s.P95 = q[0], q[1], q[2]
	return s, nil
}

// totals returns the summary of output's values that their blocks' stats give: the
// count, mean, least and greatest values and the share above threshold.
func totals(output string, blocks []blockStats, threshold float64) Summary {
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
	return s
}

// histogram returns bins empty bins of equal width from lo to hi, the last ending at hi,
// and their width.
func histogram(lo, hi float64, bins int) ([]Bin, float64) {
	width := (hi - lo) / float64(bins)
	h := make([]Bin, bins)
	for i := range h {
		h[i] = Bin{Lo: lo + float64(i)*width, Hi: lo + float64(i+1)*width}
	}
	h[bins-1].Hi = hi
	return h, width
}

// countPass is summary's pass over the values: each block's squared deviations from the
// mean and each worker's histogram counts; and each block's values, kept to be sorted, or
// else each worker's counts of the values' buckets (and, with windows, the values around
// the pilot's percentiles).
type countPass struct {
	src         source
	mean, least float64 // the values' mean and least value
	width       float64 // a histogram bin's
	bins        int
	sorting     bool
	bk          buckets
	counts      [][]int     // histogram counts, by worker
	per         [][]int     // bucket counts, by worker; nil when sorting
	kept        [][]float64 // values, by block, when sorting
	ss          []float64   // squared deviations, by block
	win         *windows
}

// block counts block b's values on worker w.
func (p *countPass) block(w, b int) {
	mean, least, width, bins, bk, win := p.mean, p.least, p.width, p.bins, p.bk, p.win
	sq, count := 0.0, p.counts[w]
	var ranked []int
	if !p.sorting {
		ranked = p.per[w]
	}
	var vs []float64
	p.src.each(w, b, func(v float64) {
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
	p.ss[b] = sq
	if p.sorting {
		p.kept[b] = vs
	}
}

// sd returns the sample standard deviation of the pass's n values.
func (p *countPass) sd(n int) float64 {
	sq := 0.0
	for _, x := range p.ss {
		sq += x
	}
	return math.Sqrt(sq / float64(n-1))
}

// count adds the workers' counts into the histogram h.
func (p *countPass) count(h []Bin) {
	for _, c := range p.counts {
		for i, k := range c {
			h[i].Count += k
		}
	}
}

// percentiles returns the type-7 quantiles at ps of the n values p went over: sorted when
// it kept them, read in its windows when they hold them, else selected from its buckets
// in a last pass.
func (o Options) percentiles(ctx context.Context, p *countPass, n int, ps []float64) ([]float64, error) {
	if p.sorting {
		return sortedQuantiles(slices.Concat(p.kept...), ps), nil
	}
	if p.win != nil {
		if q := p.win.quantiles(n, ps); q != nil {
			return q, nil
		}
	}
	return o.selectRanks(ctx, p.src, n, p.bk, p.per, ps)
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
