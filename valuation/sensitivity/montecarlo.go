package sensitivity

import (
	"context"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/jsonx"
	"github.com/sotpkit/sotp/valuation/internal/pad"
	"github.com/sotpkit/sotp/valuation/internal/table"
)

// MonteCarlo describes a Monte Carlo run of one output over random inputs.
//
// Monte Carlo, Morris, Sobol and Shapley runs are float64: each evaluates the model's
// valuation.Query of its outputs over the drawn inputs by Evaluator.Float, the exact
// kernel's own program run in float64 (the one boundary where money passes through a
// float), which a test holds to the decimal engine within 1e-12 relative on 1,000 random
// points. Draws go through each distribution's quantile function from uniforms made as
// Sampling says: a PCG stream per block of 1,024 draws seeded with (Seed, block), Latin
// hypercube strata, or a scrambled Sobol' sequence (QuasiRandom: Joe and Kuo's direction
// numbers) whose points depend on their index only; results are identical for any number
// of workers. Truncation to an assumption's range and a Gaussian-copula correlation act
// on those uniforms. The float path applies the kernel's checks, the decimal path's rules:
// a draw the exact engine would refuse (DAU above MAU, a rate outside [0, 1], a figure
// priced at zero or below, a division by zero, an output not finite) is never valued; it
// is counted by the reason of the first check it fails in
// Summary.Invalid and Indices.Invalid, or fails the run with ErrInvalidDraw when
// FailOnInvalid is set.
type MonteCarlo struct {
	Output string
	Inputs []Variable
	// Correlation, if set, is the inputs' correlation matrix, in the order of Inputs,
	// applied through a Gaussian copula: each input keeps its own distribution.
	Correlation *mat.SymDense
	Draws       int
	Seed        uint64
	// Sampling is how the draws are made: Plain (the default), LatinHypercube (its strata
	// count against MaxPoints: Draws × (1 + inputs) points in all) or QuasiRandom (one
	// scramble of a Sobol' sequence; best with Draws a power of two).
	Sampling Sampling
	// Threshold is the value whose exceedance the summary reports; zero means the model's
	// price when the output is the target, and zero otherwise.
	Threshold float64
	// Bins is the number of equal-width histogram bins between the least and the greatest
	// draw, at most MaxBins; zero means 10.
	Bins int
	// FailOnInvalid makes a draw that the decimal engine would refuse (DAU above MAU, a
	// rate outside [0, 1], a figure priced at 0, an output not finite) fail the run with
	// fault.ErrInvalidDraw. Otherwise such draws are counted by reason in Summary.Invalid and
	// left out of every statistic.
	FailOnInvalid bool
	// KeepSamples keeps each valid draw's output in Summary.Samples (8 bytes a draw);
	// without it the summary holds statistics only, and the run holds at most 2^21
	// outputs (16 MiB) for it: past that, the summary's passes replay the seeded draws,
	// so memory does not grow with the draws. The summary is the same either way.
	KeepSamples bool
	// MeanHalfWidth (in the output's units) or MeanRelative (a fraction of the mean),
	// one of the two, asks for the mean to that precision at Confidence (zero: 0.95): the
	// run draws in rounds of 4,096 draws and stops after the first round at
	// whose end the confidence interval's half-width, z × SD / √valid draws (the normal
	// approximation of the mean's sampling error), is within it; Draws is then the most
	// it may draw, and what is counted against MaxPoints. The rounds are cut by draw
	// number, so the draws made, and the summary, are the same for any number of
	// workers. Plain and QuasiRandom sampling only: a Latin hypercube's strata depend
	// on the number of draws.
	MeanHalfWidth, MeanRelative, Confidence float64
	// Percentiles are percentiles of the output to track, at most MaxPercentiles: the run
	// draws in rounds as for the mean's precision and, after each, reckons each one's
	// interval at Confidence (see Precision); one with a HalfWidth or Relative is a
	// precision the run must reach before it stops, as the mean's. Tracking holds the
	// valid outputs sorted, 8 bytes a draw besides the ones the run holds anyway: a run
	// that tracks percentiles may ask for at most 2^21 draws. A run that looks at its
	// draws records 1 + len(Percentiles) statistics every 4,096 draws
	// (Summary.Convergence).
	Percentiles []Precision
}

// precisionRound is the draws a Monte Carlo run to a precision makes between two looks
// at its mean: four blocks of draws, a power of two for quasi-random sampling; a run
// stops on no fewer than minPrecise valid draws, where the normal approximation of the
// mean's error holds.
const (
	precisionRound = 4 * blockSize
	minPrecise     = 100
)

// bufferedDraws is the most draws whose outputs a run holds for its summary's passes
// (16 MiB of them) when it keeps no samples: past it, the passes that need the mean, the
// range or ranks replay the seeded draws block by block instead (summary.go), so that
// memory stays under the same bound at any number of draws, for one more evaluation a
// draw (two when the pilot's windows miss a percentile). The summary is the same either
// way, bit for bit.
const bufferedDraws = 1 << 21

// pilotBlocks are the most blocks of draws (65,536 draws, 512 KiB) whose outputs a run
// that replays keeps as a pilot sample: the summary gathers the values around the
// pilot's percentiles in the pass that counts, which saves it a last pass (summary).
const pilotBlocks = 64

// Summary is the distribution of a Monte Carlo run's output over its valid draws.
type Summary struct {
	Output    string  `json:"output"`
	Draws     int     `json:"draws"` // draws made
	Valid     int     `json:"valid"` // draws valued: Draws less the invalid ones
	Mean      float64 `json:"mean"`
	SD        float64 `json:"sd"` // the sample standard deviation
	Min       float64 `json:"min"`
	P5        float64 `json:"p5"` // percentiles interpolate between draws (type 7)
	P50       float64 `json:"p50"`
	P95       float64 `json:"p95"`
	Max       float64 `json:"max"`
	Threshold float64 `json:"threshold"`
	PAbove    float64 `json:"p_above"` // the share of valid draws above Threshold
	Histogram []Bin   `json:"histogram"`
	// Invalid counts the draws left out by the first reason each failed, in the fixed
	// order in which the reasons are checked.
	Invalid []Invalid `json:"invalid"`
	// Samples is each valid draw's output in draw order, with MonteCarlo.KeepSamples.
	Samples []float64 `json:"samples"`
	// HalfWidth, for a run to a precision of the mean, is the half-width of the mean's
	// confidence interval at the run's confidence after its last draw; Unmet says the run
	// drew its most (MonteCarlo.Draws) without reaching every precision asked for.
	HalfWidth float64 `json:"half_width,omitempty"`
	Unmet     bool    `json:"unmet,omitempty"`
	// Precision, for a run that looked at its draws in rounds (a precision asked, or
	// percentiles tracked), is the mean and each tracked percentile, in the order asked,
	// with its interval after the last round; Convergence is the same after every round
	// from the first with 100 valid draws, in draw order: the running statistics.
	Precision   []Precision `json:"precision,omitempty"`
	Convergence []Precision `json:"convergence,omitempty"`
	// Labels, when the engine was asked for Options.Captions, are the captions its text
	// tables print in place of keys; not written as JSON.
	Labels map[string]string `json:"-"`
}

// Invalid is a count of draws left out of a run for one reason.
type Invalid struct {
	Reason string `json:"reason"` // e.g. "forecast/2021/dau above forecast/2021/mau", "output not finite"
	Count  int    `json:"count"`
}

// Bin is one histogram bin, [Lo, Hi) but for the last, which holds Hi too.
type Bin struct {
	Lo    float64 `json:"lo"`
	Hi    float64 `json:"hi"`
	Count int     `json:"count"`
}

// paddedWorker keeps one worker's random state and scratch apart from the next worker's,
// so that workers do not share cache lines.
type paddedWorker struct {
	_       [64]byte
	rng     rand.PCG
	x, u, z []float64
	invalid []int                // draws refused, by reason
	ev      *valuation.Evaluator // the run's query, on this worker
	y       []float64            // its output
	_       [64]byte
}

// notFinite is the reason of a draw whose output is NaN or infinite.
const notFinite = "output not finite"

// Cost returns the points mc counts against Options.MaxPoints: its draws, and with
// LatinHypercube sampling a stratum of each input for each draw; or the *fault.Error of
// fewer than two draws or a count past 2^31 - 1. It draws nothing.
func (mc MonteCarlo) Cost() (int, error) {
	if mc.Draws < 2 {
		return 0, &fault.Error{Pkg: "sensitivity", Field: "draws", Value: strconv.Itoa(mc.Draws) + ", want 2 or more", Err: fault.ErrOption}
	}
	strata := 0
	if mc.Sampling == LatinHypercube {
		strata = len(mc.Inputs)
	}
	return count(mc.Draws, 1+strata, 0)
}

// MonteCarlo draws the inputs mc.Draws times and evaluates the output at each draw in
// float64. Draws come in blocks of 1,024, each from a PCG stream seeded with (Seed, block
// number), so the samples are identical for any number of workers. A draw the decimal
// engine would refuse is never valued: it is counted in Summary.Invalid (or fails the run,
// with FailOnInvalid); a run with fewer than two valid draws fails with fault.ErrInvalidDraw.
func (e *Engine) MonteCarlo(ctx context.Context, mc MonteCarlo) (Summary, error) {
	r, err := e.monteCarlo(ctx, mc)
	if err == nil {
		r.Labels = e.labels(r.Output)
	}
	return r, err
}

// monteCarlo is MonteCarlo without the captions of Options.Captions.
func (e *Engine) monteCarlo(ctx context.Context, mc MonteCarlo) (Summary, error) {
	r, err := e.newMCRun(ctx, mc)
	if err != nil {
		return Summary{}, err
	}
	if err := r.draw(ctx); err != nil {
		return Summary{}, err
	}
	return r.summarize(ctx)
}

// mcRun is a Monte Carlo run under way: its request, sampler, compiled output and
// checks, each block's statistics, the outputs when it holds them, and each worker's
// state; after draw, the draws made and the mean's precision.
type mcRun struct {
	e       *Engine
	mc      MonteCarlo
	s       *sampler
	vq      *valuation.Query // the output over the inputs, run in float64 (valuation.Evaluator.Float)
	reasons []string         // why a draw may be refused, by Evaluator.Float's index
	th, z   float64          // the threshold of Summary.PAbove; the confidence's normal quantile
	looks   bool             // the run draws in rounds and looks at its statistics after each
	stops   bool             // at the first look where every precision asked for is met
	samples []float64        // read back by the summary's passes, else replayed (nil)
	pilot   [][]float64      // when replayed: the valid outputs of the first pilotBlocks blocks, by block
	stats   []blockStats
	workers []paddedWorker
	drawn   int
	looker  *looker
}

// newMCRun checks mc, counts it against the engine's limit and compiles it.
func (e *Engine) newMCRun(ctx context.Context, mc MonteCarlo) (*mcRun, error) {
	points, err := mc.Cost()
	if err != nil {
		return nil, err
	}
	if err := mc.checkSummary(); err != nil {
		return nil, err
	}
	r := &mcRun{e: e, mc: mc, th: mc.Threshold}
	if r.z, r.looks, r.stops, err = mc.precision(); err != nil {
		return nil, err
	}
	if err := e.opts.admit(ctx, points); err != nil {
		return nil, err
	}
	if _, err := e.query([]string{mc.Output}); err != nil {
		return nil, err
	}
	if err := r.compile(ctx); err != nil {
		return nil, err
	}
	if r.th == 0 && mc.Output == "target" {
		r.th = f64(e.base.Price)
	}
	r.hold()
	return r, nil
}

// checkSummary checks the options of the run's summary: its bins and its threshold.
func (mc MonteCarlo) checkSummary() error {
	switch {
	case mc.Bins < 0 || mc.Bins > MaxBins:
		return &fault.Error{Pkg: "sensitivity", Field: "bins", Value: strconv.Itoa(mc.Bins) + ", want 0 to " + strconv.Itoa(MaxBins), Err: fault.ErrOption}
	case notNumber(mc.Threshold):
		return &fault.Error{Pkg: "sensitivity", Field: "threshold", Value: ftoa(mc.Threshold), Err: fault.ErrOption}
	}
	return nil
}

// compile prepares the run's sampler of its inputs, and compiles its output and the
// checks a draw must meet into programs and a guard.
func (r *mcRun) compile(ctx context.Context) error {
	mc := r.mc
	bounds, err := r.e.bounds(mc.Inputs)
	if err != nil {
		return err
	}
	if r.s, err = newSampler(ctx, mc.Inputs, bounds, mc.Correlation, mc.Draws, mc.Seed, mc.Sampling, 1, 1); err != nil {
		return err
	}
	if r.vq, err = r.e.floatQuery([]string{mc.Output}, mc.Inputs); err != nil {
		return err
	}
	r.reasons, err = r.vq.Float()
	return err
}

// hold makes the room the run holds its draws in: the outputs, or the pilot's when the
// summary replays them, each block's statistics, and each worker's state.
func (r *mcRun) hold() {
	mc, opts := r.mc, r.e.opts
	buffered := bufferedDraws
	if opts.buffered > 0 {
		buffered = opts.buffered
	}
	if mc.KeepSamples || mc.Draws <= buffered || len(mc.Percentiles) > 0 {
		r.samples = make([]float64, mc.Draws)
	} else {
		r.pilot = make([][]float64, max(1, min(pilotBlocks, buffered/(32*blockSize)))) // a 32nd of the buffer at most
	}
	blocks := (mc.Draws + blockSize - 1) / blockSize
	r.stats = make([]blockStats, blocks)
	r.workers = make([]paddedWorker, opts.workers(blocks))
	for i := range r.workers {
		d := len(mc.Inputs)
		r.workers[i].x, r.workers[i].u, r.workers[i].z = pad.Slice[float64](d), pad.Slice[float64](d), pad.Slice[float64](d)
		r.workers[i].invalid = pad.Slice[int](len(r.reasons))
		r.workers[i].ev, r.workers[i].y = r.vq.Evaluator(), pad.Slice[float64](1)
	}
}

// block draws block b's points up to end (the run's last draw) on worker w, and calls
// visit with each one's output, NaN for one that cannot be valued, in draw order; count
// counts those by reason.
func (r *mcRun) block(w, b, end int, count bool, visit func(i int, v float64)) {
	st := &r.workers[w]
	rng, x, u, z := &st.rng, st.x, st.u, st.z
	rng.Seed(r.mc.Seed, uint64(b))
	for i, end := b*blockSize, min((b+1)*blockSize, end); i < end; i++ {
		r.s.draw(rng, i, 0, x, u, z)
		if k := st.ev.Float(x, st.y); k >= 0 {
			if count {
				st.invalid[k]++
			}
			visit(i, math.NaN())
		} else {
			visit(i, st.y[0])
		}
	}
}

// draw makes the draws in rounds: one of them all, or of precisionRound draws when the
// run looks at its statistics, the looker merging the rounds' blocks in order.
func (r *mcRun) draw(ctx context.Context) error {
	mc := r.mc
	round := mc.Draws
	if r.looks {
		round = precisionRound
		r.looker = newLooker(mc, r.z)
	}
	for r.drawn < mc.Draws {
		first, end := r.drawn, min(r.drawn+round, mc.Draws)
		o := r.e.opts
		if progress := o.Progress; progress != nil {
			o.Progress = func(done, total int) { progress(min(first+done, mc.Draws), mc.Draws) }
		}
		b0 := first / blockSize
		err := o.run(ctx, (end-1)/blockSize+1-b0, blockSize, mc.Draws, func(w, bi int) {
			r.keep(w, b0+bi, end)
		})
		if err != nil {
			return err
		}
		r.drawn = end
		if !r.looks || r.look(first, end) {
			break
		}
	}
	if r.stops && r.e.opts.Progress != nil && r.drawn < mc.Draws {
		r.e.opts.Progress(mc.Draws, mc.Draws) // stopped early: the run is done
	}
	return nil
}

// keep draws block b up to end on worker w, and keeps what the run holds of it: its
// outputs (or the pilot's) and its statistics.
func (r *mcRun) keep(w, b, end int) {
	st := newBlockStats()
	r.block(w, b, end, true, func(i int, v float64) {
		switch {
		case r.samples != nil:
			r.samples[i] = v // NaN marks an invalid draw
		case b < len(r.pilot) && !math.IsNaN(v):
			if r.pilot[b] == nil {
				r.pilot[b] = make([]float64, 0, blockSize)
			}
			r.pilot[b] = append(r.pilot[b], v)
		}
		if !math.IsNaN(v) {
			st.add(v, r.th)
		}
	})
	r.stats[b] = st
}

// look has the looker reckon the statistics after the round of draws from first to end,
// and reports whether the run is done: it fails (FailOnInvalid, and a draw was invalid),
// or it stops at a precision and every one asked for is met.
func (r *mcRun) look(first, end int) bool {
	mc := r.mc
	if mc.FailOnInvalid && slices.ContainsFunc(r.workers, func(w paddedWorker) bool { return slices.ContainsFunc(w.invalid, func(c int) bool { return c > 0 }) }) {
		return true // the run fails: no more rounds
	}
	var outputs []float64 // held whenever percentiles are tracked
	if len(mc.Percentiles) > 0 {
		outputs = r.samples[first:end]
	}
	r.looker.look(r.stats[first/blockSize:(end-1)/blockSize+1], outputs, end)
	return r.stops && r.looker.met && r.looker.last != nil
}

// summarize works out the summary of the draws made, from the outputs held or replayed.
func (r *mcRun) summarize(ctx context.Context) (Summary, error) {
	mc, drawn := r.mc, r.drawn
	stats := r.stats[:(drawn-1)/blockSize+1]
	valid := 0
	for _, st := range stats {
		valid += st.n
	}
	invalid := countInvalid(r.reasons, r.workers)
	if len(invalid) > 0 && (mc.FailOnInvalid || valid < 2) {
		return Summary{}, &fault.Error{Pkg: "sensitivity", Field: mc.Output, Value: describeInvalid(invalid, drawn), Err: fault.ErrInvalidDraw}
	}
	out, err := r.e.opts.summary(ctx, mc.Output, r.outputs(), stats, r.th, mc.Bins, r.sortedPilot())
	if err != nil {
		return Summary{}, err
	}
	if math.IsInf(out.Mean, 0) || math.IsInf(out.SD, 0) || math.IsNaN(out.SD) || math.IsInf(out.Max-out.Min, 0) {
		return Summary{}, &fault.Error{Pkg: "sensitivity", Field: mc.Output, Value: "outputs beyond the range of float64 statistics", Err: fault.ErrInvalidDraw}
	}
	out.Draws, out.Invalid = drawn, invalid
	if r.looks {
		r.reckoned(&out)
	}
	if mc.KeepSamples {
		out.Samples = slices.DeleteFunc(r.samples[:drawn], math.IsNaN)
	}
	return out, nil
}

// outputs returns the valid outputs of the draws made, block by block: read back when
// the run holds them, else drawn again.
func (r *mcRun) outputs() source {
	drawn := r.drawn
	if r.samples != nil { // read back, not drawn again
		return sliceSource(r.samples[:drawn])
	}
	return source{blocks: (drawn-1)/blockSize + 1, each: func(w, b int, visit func(float64)) {
		r.block(w, b, drawn, false, func(_ int, v float64) {
			if !math.IsNaN(v) {
				visit(v)
			}
		})
	}}
}

// sortedPilot returns the pilot's outputs sorted; nil when the run holds its outputs.
func (r *mcRun) sortedPilot() []float64 {
	if r.samples != nil {
		return nil
	}
	pilot := slices.Concat(r.pilot...)
	slices.Sort(pilot)
	return pilot
}

// reckoned sets out's precision, convergence, whether a precision was unmet and the
// mean's half-width, as the stopping rule reckoned them.
func (r *mcRun) reckoned(out *Summary) {
	l := r.looker
	out.Precision, out.Convergence = l.last, l.seen
	out.Unmet = r.stops && (!l.met || l.last == nil)
	if len(l.last) > 0 && l.last[0].asked() {
		out.HalfWidth = (l.last[0].Hi - l.last[0].Lo) / 2
	}
}

// countInvalid adds up the workers' counts of invalid draws by reason.
func countInvalid(reasons []string, workers []paddedWorker) []Invalid {
	var out []Invalid
	for k := range reasons {
		n := 0
		for _, w := range workers {
			n += w.invalid[k]
		}
		if n > 0 {
			out = append(out, Invalid{Reason: reasons[k], Count: n})
		}
	}
	return out
}

// describeInvalid says how many of n draws were invalid, and why.
func describeInvalid(invalid []Invalid, n int) string {
	total, parts := 0, make([]string, len(invalid))
	for i, in := range invalid {
		total += in.Count
		parts[i] = strconv.Itoa(in.Count) + " " + in.Reason
	}
	return strconv.Itoa(total) + " of " + strconv.Itoa(n) + " draws invalid (" + strings.Join(parts, "; ") + ")"
}

// chunkSize is the number of samples a summary pass takes at a time.
const chunkSize = 1 << 16

func chunksOf(n int) int { return (n + chunkSize - 1) / chunkSize }

// chunks calls f(w, c, from, to) for each chunk c of [0, n) on o's workers, w being the
// worker's number, and returns ctx's error if it is done before the last. It reports no
// progress: the passes follow a run that did.
func (o Options) chunks(ctx context.Context, n int, f func(w, c, from, to int)) error {
	o.Progress = nil
	return o.run(ctx, chunksOf(n), chunkSize, n, func(w, c int) {
		f(w, c, c*chunkSize, min((c+1)*chunkSize, n))
	})
}

// quantiles returns the type-7 quantiles of xs at probabilities ps, leaving xs as it is.
// Up to 65,536 values it sorts a copy; above, it finds the order statistics it needs
// without sorting: a pass counts the values into 65,536 buckets of their order-preserving
// bit patterns, and only the few buckets that hold the wanted ranks are gathered and
// sorted. Its cost is then a few passes over xs.
func (o Options) quantiles(ctx context.Context, xs []float64, ps ...float64) ([]float64, error) {
	n := len(xs)
	if n <= chunkSize { // fewer values than buckets: sorting a copy is cheaper
		return sortedQuantiles(xs, ps), nil
	}
	workers := o.workers(chunksOf(n))
	type span struct {
		_      [64]byte
		lo, hi uint64
		_      [64]byte
	}
	spans := make([]span, workers)
	for w := range spans {
		spans[w].lo = math.MaxUint64
	}
	err := o.chunks(ctx, n, func(w, _, from, to int) {
		lo, hi := spans[w].lo, spans[w].hi
		for _, v := range xs[from:to] {
			k := orderKey(v)
			lo, hi = min(lo, k), max(hi, k)
		}
		spans[w].lo, spans[w].hi = lo, hi
	})
	if err != nil {
		return nil, err
	}
	kmin, kmax := uint64(math.MaxUint64), uint64(0)
	for _, sp := range spans {
		kmin, kmax = min(kmin, sp.lo), max(kmax, sp.hi)
	}
	b := newBuckets(kmin, kmax)
	per := b.counters(workers)
	err = o.chunks(ctx, n, func(w, _, from, to int) {
		c := per[w]
		for _, v := range xs[from:to] {
			c[b.of(v)]++
		}
	})
	if err != nil {
		return nil, err
	}
	return o.selectRanks(ctx, sliceSource(xs), n, b, per, ps)
}

// sortedQuantiles is quantiles by sorting a copy of xs.
func sortedQuantiles(xs, ps []float64) []float64 {
	n := len(xs)
	sorted := slices.Clone(xs)
	slices.Sort(sorted)
	out := make([]float64, len(ps))
	for i, p := range ps {
		h := p * float64(n-1)
		k := int(h)
		lo, hi := sorted[k], sorted[min(k+1, n-1)]
		out[i] = lo + (h-math.Floor(h))*(hi-lo)
	}
	return out
}

// buckets divides the order keys from kmin up into n buckets of 2^shift keys each, at
// most 65,537 of them.
type buckets struct {
	kmin  uint64
	shift int
	n     int
}

func newBuckets(kmin, kmax uint64) buckets {
	shift := max(bits.Len64(kmax-kmin)-16, 0)
	return buckets{kmin: kmin, shift: shift, n: int((kmax-kmin)>>shift + 1)}
}

// bucketsBetween returns the buckets of values from lo to hi, finite: their keys, with a
// bound at zero widened to both zeros (-0 orders below 0, yet neither is less than the
// other, so a minimum found by comparison may be either).
func bucketsBetween(lo, hi float64) buckets {
	klo, khi := orderKey(lo), orderKey(hi)
	if lo == 0 {
		klo = orderKey(math.Copysign(0, -1))
	}
	if hi == 0 {
		khi = orderKey(0)
	}
	return newBuckets(klo, khi)
}

// of returns v's bucket.
func (b buckets) of(v float64) int { return int((orderKey(v) - b.kmin) >> b.shift) }

// counters returns a padded count a bucket for each worker.
func (b buckets) counters(workers int) [][]int {
	per := make([][]int, workers)
	for w := range per {
		per[w] = pad.Slice[int](b.n)
	}
	return per
}

// selectRanks returns the type-7 quantiles at ps of src's n values from per, the workers'
// counts of them in the buckets b: it gathers and sorts the values of the buckets that
// hold the wanted ranks, in one pass over src.
func (o Options) selectRanks(ctx context.Context, src source, n int, b buckets, per [][]int, ps []float64) ([]float64, error) {
	counts := addCounts(per)
	ranks := wantedRanks(n, ps)
	bucketOf := rankBuckets(ranks, counts)
	// A bucket too full to gather (an output with a point mass puts every draw in one) is
	// narrowed instead, a pass at a time, until what holds the rank can be gathered.
	limit := o.gatherLimit()
	first := func(i int) int {
		f := 0
		for _, c := range counts[:i] {
			f += c
		}
		return f
	}
	narrowed := map[int]float64{}
	for _, r := range ranks {
		if i := bucketOf[r]; counts[i] > limit {
			if _, done := narrowed[r]; done {
				continue
			}
			lo := b.kmin + uint64(i)<<b.shift
			v, err := o.rankIn(ctx, src, lo, lo+(uint64(1)<<b.shift-1), first(i), r, limit)
			if err != nil {
				return nil, err
			}
			narrowed[r] = v
		}
	}
	want := make([]uint64, (b.n+63)/64) // a bit a bucket: a map lookup a value doubled the cost
	for _, i := range bucketOf {
		if counts[i] <= limit {
			want[i>>6] |= 1 << (i & 63)
		}
	}
	gathered, err := o.gather(ctx, src, b, want)
	if err != nil {
		return nil, err
	}
	start := make(map[int]int, len(gathered))
	for i, vs := range gathered {
		slices.Sort(vs) // the bucket's values in order, whichever worker found them
		start[i] = first(i)
	}
	at := func(r int) float64 {
		if v, ok := narrowed[r]; ok {
			return v
		}
		i := bucketOf[r]
		return gathered[i][r-start[i]]
	}
	out := make([]float64, len(ps))
	for i, p := range ps {
		h := p * float64(n-1)
		lo, hi := at(ranks[2*i]), at(ranks[2*i+1])
		out[i] = lo + (h-math.Floor(h))*(hi-lo)
	}
	return out, nil
}

// addCounts adds the workers' counts per up into the first's, and returns it.
func addCounts(per [][]int) []int {
	counts := per[0]
	for _, c := range per[1:] {
		for i, k := range c {
			counts[i] += k
		}
	}
	return counts
}

// wantedRanks returns the ranks the type-7 quantiles at ps of n values are read from:
// floor(h) and the one above, for h = p × (n - 1), for each p in turn.
func wantedRanks(n int, ps []float64) []int {
	ranks := make([]int, 0, 2*len(ps))
	for _, p := range ps {
		k := int(p * float64(n-1))
		ranks = append(ranks, k, min(k+1, n-1))
	}
	return ranks
}

// rankBuckets returns the bucket that holds each of the ranks, counts being the values
// in each bucket.
func rankBuckets(ranks, counts []int) map[int]int {
	bucketOf := make(map[int]int, len(ranks))
	for _, r := range ranks {
		seen := 0
		for i, c := range counts {
			if r < seen+c {
				bucketOf[r] = i
				break
			}
			seen += c
		}
	}
	return bucketOf
}

// gather returns src's values in the buckets b whose bits are set in want, by bucket, in
// one pass over src.
func (o Options) gather(ctx context.Context, src source, b buckets, want []uint64) (map[int][]float64, error) {
	found := make([]map[int][]float64, o.workers(src.blocks))
	for w := range found {
		found[w] = map[int][]float64{}
	}
	o.Progress = nil
	err := o.run(ctx, src.blocks, blockSize, src.blocks*blockSize, func(w, blk int) {
		src.each(w, blk, func(v float64) {
			if i := b.of(v); want[i>>6]&(1<<(i&63)) != 0 {
				found[w][i] = append(found[w][i], v)
			}
		})
	})
	if err != nil {
		return nil, err
	}
	gathered := map[int][]float64{}
	for _, f := range found {
		for i, vs := range f {
			gathered[i] = append(gathered[i], vs...)
		}
	}
	return gathered, nil
}

// gatherLimit is the most values selectRanks gathers from one bucket: half the outputs a
// run holds (bufferedDraws, or the tests' own).
func (o Options) gatherLimit() int {
	if o.buffered > 0 {
		return max(o.buffered/2, 1)
	}
	return bufferedDraws / 2
}

// rankIn returns the value of rank r among src's values, of those whose order keys lie in
// [lo, hi], which hold the ranks from first on: each pass counts them into 65,536 narrower
// buckets and keeps the one holding r, until it holds at most limit values, gathered and
// sorted, or one key, whose value it is.
func (o Options) rankIn(ctx context.Context, src source, lo, hi uint64, first, r, limit int) (float64, error) {
	o.Progress = nil
	for {
		if lo == hi {
			return fromOrderKey(lo), nil
		}
		b := newBuckets(lo, hi)
		per := b.counters(o.workers(src.blocks))
		err := o.run(ctx, src.blocks, blockSize, src.blocks*blockSize, func(w, blk int) {
			c := per[w]
			src.each(w, blk, func(v float64) {
				if k := orderKey(v); k >= lo && k <= hi {
					c[int((k-lo)>>b.shift)]++
				}
			})
		})
		if err != nil {
			return 0, err
		}
		counts := addCounts(per)
		i := 0
		for ; i < len(counts)-1 && r >= first+counts[i]; i++ {
			first += counts[i]
		}
		lo, hi = lo+uint64(i)<<b.shift, min(hi, lo+uint64(i)<<b.shift+(uint64(1)<<b.shift-1))
		if counts[i] > limit {
			continue
		}
		found := make([][]float64, len(per))
		err = o.run(ctx, src.blocks, blockSize, src.blocks*blockSize, func(w, blk int) {
			src.each(w, blk, func(v float64) {
				if k := orderKey(v); k >= lo && k <= hi {
					found[w] = append(found[w], v)
				}
			})
		})
		if err != nil {
			return 0, err
		}
		vs := slices.Concat(found...)
		slices.Sort(vs)
		return vs[r-first], nil
	}
}

// fromOrderKey is the float64 of an order key (orderKey's inverse).
func fromOrderKey(k uint64) float64 {
	if k>>63 == 1 {
		return math.Float64frombits(k &^ (1 << 63))
	}
	return math.Float64frombits(^k)
}

// orderKey maps a float64 to a uint64 in the same order (NaN aside).
func orderKey(v float64) uint64 {
	b := math.Float64bits(v)
	if b>>63 == 1 {
		return ^b
	}
	return b | 1<<63
}

// Text renders the summary and its histogram as plain-text tables.
func (s Summary) Text() string {
	st, hist := s.tables()
	if len(s.Precision) > 0 {
		return st.Text() + "\n" + s.precisionTable().Text() + "\n" + hist.Text()
	}
	return st.Text() + "\n" + hist.Text()
}

// Markdown renders the summary and its histogram as Markdown tables.
func (s Summary) Markdown() string {
	st, hist := s.tables()
	if len(s.Precision) > 0 {
		return st.Markdown() + "\n" + s.precisionTable().Markdown() + "\n" + hist.Markdown()
	}
	return st.Markdown() + "\n" + hist.Markdown()
}

func (s Summary) tables() (table.Table, table.Table) {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
	st := table.Table{Labels: s.Labels,
		Title:  "Monte Carlo: " + s.Output + ", " + strconv.Itoa(s.Draws) + " draws",
		Header: []string{"mean", "sd", "P5", "P50", "P95", "min", "max", "P(> " + f(s.Threshold) + ")"},
		Rows: [][]string{{f(s.Mean), f(s.SD), f(s.P5), f(s.P50), f(s.P95), f(s.Min), f(s.Max),
			strconv.FormatFloat(100*s.PAbove, 'f', 1, 64) + "%"}},
	}
	for _, in := range s.Invalid {
		st.Notes = append(st.Notes, strconv.Itoa(in.Count)+" draws left out: "+in.Reason)
	}
	switch {
	case s.Unmet:
		var unmet []string
		for _, p := range s.Precision {
			if p.asked() && !p.Met {
				unmet = append(unmet, p.name()+" (±"+strconv.FormatFloat((p.Hi-p.Lo)/2, 'g', 3, 64)+" against ±"+strconv.FormatFloat(p.target(), 'g', 3, 64)+")")
			}
		}
		if len(unmet) == 0 {
			unmet = append(unmet, "fewer than 100 valid draws, so no interval was reckoned")
		}
		st.Notes = append(st.Notes, "the precision asked for was not reached in "+strconv.Itoa(s.Draws)+" draws: "+strings.Join(unmet, ", "))
	case slices.ContainsFunc(s.Precision, Precision.asked):
		st.Notes = append(st.Notes, "stopped when every precision asked for was reached")
	}
	hist := table.Table{Labels: s.Labels, Title: "Histogram of " + s.Output, Header: []string{"from", "to", "draws", "share", ""}}
	peak := 0
	for _, b := range s.Histogram {
		peak = max(peak, b.Count)
	}
	for _, b := range s.Histogram {
		n := 0
		if peak > 0 {
			n = 40 * b.Count / peak
		}
		bar := strings.Repeat("#", n) + strings.Repeat(" ", 40-n) // left-aligned in a right-aligned column
		hist.Rows = append(hist.Rows, []string{f(b.Lo), f(b.Hi), strconv.Itoa(b.Count),
			strconv.FormatFloat(100*float64(b.Count)/float64(max(s.Valid, 1)), 'f', 1, 64) + "%", bar})
	}
	return st, hist
}

// MarshalJSON writes the summary in sotp's JSON contract: snake_case keys, decimals as exact
// strings, NaN as null, invalid cells as their errors.
func (s Summary) MarshalJSON() ([]byte, error) { return jsonx.Marshal(s) }

// notNumber reports whether v is NaN or infinite: a draw, output or statistic that no
// estimate can use.
func notNumber(v float64) bool { return !(math.Abs(v) <= math.MaxFloat64) } // one comparison, false for NaN

func f64(d decimal.Decimal) float64 { v, _ := d.Float64(); return v }
