package sensitivity

import (
	"context"
	"errors"
	"maps"
	"math"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/key"
)

// Bounds on what a run may ask for, each refused with a *fault.Error before any work,
// and NoBootstrap.
const (
	// NoBootstrap asks a Sobol or Morris run for point estimates without intervals.
	NoBootstrap = -1
	// DefaultMaxPoints is the most points (model evaluations, or draws) one run may ask
	// for when Options.MaxPoints is zero.
	DefaultMaxPoints = 10_000_000
	// MaxWorkers is the most goroutines Options.Workers may ask a run for.
	MaxWorkers = 1024
	// MaxBins is the most histogram bins a Monte Carlo summary may ask for.
	MaxBins = 10_000
	// MaxPercentiles is the most percentiles a Monte Carlo run may track.
	MaxPercentiles = 16
	// MaxAxisValues is the most values ParseAxis reads in a list (a span is counted by
	// GridPoints, as any axis is).
	MaxAxisValues = 100_000
	// MaxValueDigits and MaxValueExponent bound the values a run is given (overrides,
	// axis values, swing ends, goal-seek brackets and targets): at most MaxValueDigits
	// significant digits, the leading one within 1e±MaxValueExponent, so that a hostile
	// 1e100000000 is refused rather than multiplied into a number too big to compute with.
	MaxValueDigits   = 100
	MaxValueExponent = 100
)

// Options configures an Engine; the zero Options is the default.
//
// For a service: every run takes a context (nil is an error) and stops within one point
// (or block of up to 256 grid cells or 1,024 draws, bootstrap resample, or chunk of
// 65,536 samples being summarised) per worker of its cancellation; a run larger than MaxPoints, counting
// Latin-hypercube strata and bootstrap resamples, is refused before any work (each
// request's Cost, and GridPoints, count without drawing or spelling out an axis);
// Progress reports progress. A Monte Carlo summary keeps its draws only when asked
// (MonteCarlo.KeepSamples).
type Options struct {
	// LinkDAU holds each year's DAU/MAU ratio when its MAU moves and its DAU is not set
	// too: DAU moves with MAU. Without it MAU moves alone.
	LinkDAU bool
	// MaxPoints is the most points one run may ask for; a larger request is refused with
	// fault.ErrTooManyPoints before any work. Zero means DefaultMaxPoints.
	MaxPoints int
	// Workers is the number of goroutines a run uses, at most MaxWorkers; zero means
	// runtime.GOMAXPROCS(0). Results do not depend on it.
	Workers int
	// Progress, if set, is called with the points done and the total, from one goroutine
	// at a time, about every 1% of a run and at its end.
	Progress func(done, total int)
	// Captions has each result name the figures and assumptions its text tables print
	// by title and unit (valuation.Result.Caption: 2021E MAU (m) for forecast/2021/mau),
	// through its Labels; without it they are named by key. JSON is unchanged.
	Captions bool

	buffered int // the tests' bufferedDraws, to replay small runs; zero: bufferedDraws
}

// Engine moves the assumptions of one model and reads its outputs. It is a client of
// valuation.Prepared: the model is prepared once when the engine is built, each run
// parses its names once (key.Parse) and compiles a valuation.Query, and each
// worker evaluates points with its own valuation.Evaluator, so that a point costs what
// its moves reach, through the exact kernel where the query has one. An Engine is
// immutable and safe for concurrent use.
type Engine struct {
	base     valuation.Model // the prepared model's copy, read by the float64 compiler
	prep     *valuation.Prepared
	result   valuation.Result
	opts     Options
	captions map[string]string // each assumption's caption by key, with Options.Captions
}

// New values m in full and returns an engine for it; m must value without error. The
// engine works on its own deep copy of m (valuation.Model.Clone): changing m's maps
// afterwards does not change the engine.
func New(m valuation.Model, o Options) (*Engine, error) {
	switch {
	case o.MaxPoints < 0:
		return nil, &fault.Error{Pkg: "sensitivity", Field: "options.MaxPoints", Value: strconv.Itoa(o.MaxPoints), Err: fault.ErrOption}
	case o.Workers < 0 || o.Workers > MaxWorkers:
		return nil, &fault.Error{Pkg: "sensitivity", Field: "options.Workers", Value: strconv.Itoa(o.Workers), Err: fault.ErrOption}
	}
	p, err := m.Prepare(valuation.PrepareOptions{LinkDAU: o.LinkDAU})
	if err != nil {
		return nil, err
	}
	e := &Engine{base: p.Model(), prep: p, result: p.Result(), opts: o}
	if o.Captions {
		e.captions = map[string]string{}
		for _, a := range p.Assumptions() {
			e.captions[a.Key.String()] = e.result.Caption(a.Key)
		}
	}
	return e, nil
}

// labelled gives each of rs its captions (label sets them) when err is nil: the analyses
// that return one result an output (Sobol, Morris, Shapley).
func labelled[R any](rs []R, err error, label func(*R)) ([]R, error) {
	if err == nil {
		for i := range rs {
			label(&rs[i])
		}
	}
	return rs, err
}

// labels are the captions a result's tables print, with Options.Captions: each
// assumption's and each of outputs', by key; nil without.
func (e *Engine) labels(outputs ...string) map[string]string {
	if e.captions == nil {
		return nil
	}
	out := maps.Clone(e.captions) // a result's own: changing it changes no other
	for _, o := range outputs {
		if k, err := key.Parse(o); err == nil {
			out[o] = e.result.Caption(k)
		}
	}
	return out
}

// Result returns the base model valued.
func (e *Engine) Result() valuation.Result { return e.result }

// Prepared returns the prepared model the engine evaluates.
func (e *Engine) Prepared() *valuation.Prepared { return e.prep }

// Eval values the model at p and returns the outputs, each a key.Key such as
// "target", "part/ecommerce/value", "forecast/2021/revenue" or "pnl/2021/net_profit".
// An invalid point returns a *PointError.
func (e *Engine) Eval(p Point, outputs ...string) ([]decimal.Decimal, error) {
	q, err := e.query(outputs)
	if err != nil {
		return nil, err
	}
	refs, vals, err := e.point(p)
	if err != nil {
		return nil, err
	}
	out := make([]decimal.Decimal, len(outputs))
	if err := e.eval(q, refs, vals, out); err != nil {
		return nil, &PointError{Point: p, Err: err}
	}
	return out, nil
}

// query is a run's outputs, parsed once.
type query struct {
	names []string
	keys  []key.Key
}

// query parses the outputs and checks that each is a figure of the base result.
func (e *Engine) query(outputs []string) (query, error) {
	if len(outputs) == 0 {
		return query{}, &fault.Error{Pkg: "sensitivity", Field: "outputs", Err: fault.ErrNoOutput}
	}
	q := query{names: outputs, keys: make([]key.Key, len(outputs))}
	for i, o := range outputs {
		k, err := key.Parse(o)
		if err == nil {
			_, err = e.result.Lookup(k)
		}
		if errors.Is(err, fault.ErrUnknownFigure) {
			_, err = e.result.Figure(o) // the same error, with the nearest keys suggested
		}
		if err != nil {
			return query{}, &fault.Error{Pkg: "sensitivity", Field: o, Key: k, Err: err}
		}
		q.keys[i] = k
	}
	return q, nil
}

// point resolves the keys of p.
func (e *Engine) point(p Point) ([]ref, []decimal.Decimal, error) {
	refs := make([]ref, len(p))
	vals := make([]decimal.Decimal, len(p))
	for i, o := range p {
		name := o.Key.String()
		r, err := e.resolveKey(name, o.Key)
		if err != nil {
			return nil, nil, err
		}
		for _, prev := range refs[:i] {
			if prev.Key == r.Key {
				return nil, nil, &fault.Error{Pkg: "sensitivity", Field: name, Key: o.Key, Err: fault.ErrDuplicateAssumption}
			}
		}
		if err := checkValue(name, o.Value); err != nil {
			return nil, nil, err
		}
		refs[i], vals[i] = r, o.Value
	}
	return refs, vals, nil
}

// compile compiles the outputs of q at points that move refs.
func (e *Engine) compile(q query, refs []ref) (*valuation.Query, error) {
	moves := make([]key.Key, len(refs))
	for i, r := range refs {
		moves[i] = r.Key
	}
	return e.prep.Query(moves, q.keys)
}

// eval values the model with refs set to vals and writes the outputs of q to out. It
// compiles a query for the one point; runs of many points compile once.
func (e *Engine) eval(q query, refs []ref, vals []decimal.Decimal, out []decimal.Decimal) error {
	vq, err := e.compile(q, refs)
	if err != nil {
		return err
	}
	return vq.Eval(vals, out)
}

// run calls work(w, i) for each unit i in [0, n) on the engine's workers, w being the
// worker's number in [0, workers(n)). Each unit is unit points of total, for progress.
// It stops early, returning the context's error, when ctx is done; callers admit the
// points first.
func (o Options) run(ctx context.Context, n, unit, total int, work func(w, i int)) error {
	var (
		next, done atomic.Int64
		mu         sync.Mutex
		reported   int
		wg         sync.WaitGroup
	)
	step := max(n/100, 1)
	report := func(d int) {
		if o.Progress == nil || (d%step != 0 && d != n) {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if p := min(d*unit, total); p > reported {
			reported = p
			o.Progress(p, total)
		}
	}
	stop := ctx.Done() // read once: Err takes the context's lock at every call
	worker := func(w int) {
		for {
			select {
			case <-stop:
				return
			default:
			}
			i := int(next.Add(1) - 1)
			if i >= n {
				return
			}
			work(w, i)
			report(int(done.Add(1)))
		}
	}
	// The calling goroutine is worker 0: it starts at once, while the others' cores wake.
	for w := 1; w < o.workers(n); w++ {
		wg.Go(func() { worker(w) })
	}
	worker(0)
	wg.Wait()
	return ctx.Err()
}

// maxCount is the most points any run may ask for, whatever its MaxPoints: counts are
// taken in overflow-safe steps that stop here, so that no product of a request's counts
// can wrap around.
const maxCount = math.MaxInt32

// tooMany is the error of a count past maxCount.
func tooMany() error {
	return &fault.Error{Pkg: "sensitivity", Field: "points", Value: "over " + strconv.Itoa(maxCount), Err: fault.ErrTooManyPoints}
}

// count multiplies and adds counts of points, non-negative each: a × b + c, or tooMany
// when that, or a step on the way, would pass maxCount.
func count(a, b, c int) (int, error) {
	if a < 0 || b < 0 || c < 0 || (b > 0 && a > maxCount/b) || a*b > maxCount-c {
		return 0, tooMany()
	}
	return a*b + c, nil
}

// admit refuses a run of n points above the engine's maximum, a nil context and one
// already done.
func (o Options) admit(ctx context.Context, n int) error {
	if ctx == nil {
		return &fault.Error{Pkg: "sensitivity", Field: "context", Value: "nil", Err: fault.ErrOption}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	limit := o.MaxPoints
	if limit == 0 {
		limit = DefaultMaxPoints
	}
	if n > limit || n < 0 {
		return &fault.Error{Pkg: "sensitivity", Field: "points", Value: strconv.Itoa(n) + " > " + strconv.Itoa(limit), Err: fault.ErrTooManyPoints}
	}
	return nil
}

func (o Options) workers(n int) int {
	w := o.Workers
	if w == 0 {
		w = runtime.GOMAXPROCS(0)
	}
	return max(min(w, n), 1)
}
