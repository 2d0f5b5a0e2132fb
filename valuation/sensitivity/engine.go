package sensitivity

import (
	"context"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/earnings"
)

// DefaultMaxPoints is the most points (model evaluations, or draws) one run may ask for
// when Options.MaxPoints is zero.
const DefaultMaxPoints = 10_000_000

// Options configures an Engine; the zero Options is the default.
type Options struct {
	// LinkDAU holds each year's DAU/MAU ratio when its MAU moves and its DAU is not set
	// too: DAU moves with MAU. Without it MAU moves alone.
	LinkDAU bool
	// MaxPoints is the most points one run may ask for; a larger request is refused with
	// ErrTooManyPoints before any work. Zero means DefaultMaxPoints.
	MaxPoints int
	// Workers is the number of goroutines a run uses; zero means runtime.GOMAXPROCS(0).
	// Results do not depend on it.
	Workers int
	// Progress, if set, is called with the points done and the total, from one goroutine
	// at a time, about every 1% of a run and at its end.
	Progress func(done, total int)
}

// Engine moves the assumptions of one model and reads its outputs. It values the base
// model once when built and works out each comparable set's multiple once, so a point
// that leaves the comparables and FX rates alone costs one forecast year and a few
// multiplications. An Engine is immutable and safe for concurrent use.
type Engine struct {
	base   valuation.Model
	result valuation.Result
	opts   Options
	// parts are the model's parts, each Multiple at its base multiple worked out once;
	// shared by every point that leaves the comparables alone, never written to.
	parts []valuation.Part
}

// New values m in full and returns an engine for it; m must value without error. The
// engine works on its own deep copy of m (valuation.Model.Clone): changing m's maps
// afterwards does not change the engine.
func New(m valuation.Model, o Options) (*Engine, error) {
	switch {
	case o.MaxPoints < 0:
		return nil, &AssumptionError{Name: "options.MaxPoints", Value: strconv.Itoa(o.MaxPoints), Err: ErrOption}
	case o.Workers < 0:
		return nil, &AssumptionError{Name: "options.Workers", Value: strconv.Itoa(o.Workers), Err: ErrOption}
	}
	m = m.Clone()
	r, err := m.Value()
	if err != nil {
		return nil, err
	}
	e := &Engine{base: m, result: r, opts: o, parts: slices.Clone(m.Parts)}
	for i, p := range m.Parts {
		if mm, ok := p.Method.(valuation.Multiple); ok {
			e.parts[i].Method = mm.At(r.Parts[i].Multiple)
		}
	}
	return e, nil
}

// Result returns the base model valued.
func (e *Engine) Result() valuation.Result { return e.result }

// Eval values the model at p and returns the outputs, each a valuation.Result.Figure key
// such as "target", "part/ecommerce/value", "forecast/2021/revenue" or
// "pnl/2021/net_profit". An invalid point returns a *PointError.
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

// query is a set of outputs and the part of the model they need.
type query struct {
	outputs []string
	years   []int // plan years the outputs read
	pnl     bool  // some output reads the P&L
	price   bool  // some output reads the price: upside, the P&L's multiples
}

// query checks that each output is a figure of the base result and finds the years it
// reads: the valuation year, the year of a forecast or P&L figure, and the year before it
// for a growth rate. Years no output reads are not forecast at a point.
func (e *Engine) query(outputs []string) (query, error) {
	if len(outputs) == 0 {
		return query{}, &AssumptionError{Name: "outputs", Err: ErrNoOutput}
	}
	q := query{outputs: outputs, years: []int{e.base.Year}}
	for _, o := range outputs {
		if _, err := e.result.Figure(o); err != nil {
			return query{}, &AssumptionError{Name: o, Err: err}
		}
		p := strings.Split(o, "/")
		q.price = q.price || p[0] == "price" || p[0] == "upside" || p[0] == "pnl"
		if p[0] != "forecast" && p[0] != "pnl" {
			continue
		}
		q.pnl = q.pnl || p[0] == "pnl"
		y, _ := strconv.Atoi(p[1]) // a valid figure: a year of the plan
		q.years = append(q.years, y)
		if p[len(p)-1] == "growth" {
			if i := slices.Index(e.base.Plan.Years, y); i > 0 {
				q.years = append(q.years, e.base.Plan.Years[i-1])
			}
		}
	}
	return q, nil
}

// point resolves the names of p.
func (e *Engine) point(p Point) ([]ref, []decimal.Decimal, error) {
	refs := make([]ref, len(p))
	vals := make([]decimal.Decimal, len(p))
	for i, o := range p {
		r, err := e.resolve(o.Name)
		if err != nil {
			return nil, nil, err
		}
		for _, prev := range refs[:i] {
			if prev.name == r.name {
				return nil, nil, &AssumptionError{Name: o.Name, Err: ErrDuplicate}
			}
		}
		if err := checkValue(o.Name, o.Value); err != nil {
			return nil, nil, err
		}
		refs[i], vals[i] = r, o.Value
	}
	return refs, vals, nil
}

// eval values the model with refs set to vals and writes the outputs of q to out.
func (e *Engine) eval(q query, refs []ref, vals []decimal.Decimal, out []decimal.Decimal) error {
	m, err := e.apply(q, refs, vals)
	if err != nil {
		return err
	}
	r, err := m.Value()
	if err != nil {
		return err
	}
	for i, o := range q.outputs {
		if out[i], err = r.Figure(o); err != nil {
			return err
		}
	}
	return nil
}

// apply returns the base model with refs set to vals, cut down to the years q and the
// point read. Maps and slices of the base are copied before they are changed, never
// written to.
func (e *Engine) apply(q query, refs []ref, vals []decimal.Decimal) (valuation.Model, error) {
	m := e.base
	if !q.pnl {
		m.Earnings = earnings.Plan{}
	}
	if !q.price {
		m.Price = decimal.Decimal{} // no upside or rating to work out
	}
	years := q.years
	for _, r := range refs {
		if r.year != 0 && !slices.Contains(years, r.year) {
			years = append(slices.Clip(years), r.year)
		}
	}
	m.Plan.Years = make([]int, 0, len(years))
	for _, y := range e.base.Plan.Years {
		if slices.Contains(years, y) {
			m.Plan.Years = append(m.Plan.Years, y)
		}
	}
	var (
		users     map[int]segments.Users
		mauMoved  []int
		dauMoved  []int
		copiedSeg []bool
		fxRates   []comps.Rate
		adjusted  []partOverride // the parts whose average or premium the point sets
	)
	for i, r := range refs {
		v := vals[i]
		switch r.at {
		case atShares:
			m.Shares = v
		case atPrice:
			m.Price = v
		case atFX:
			if fxRates == nil {
				fxRates = m.FX.Rates()
			}
			for j := range fxRates {
				if fxRates[j].From == r.from && fxRates[j].To == r.to {
					fxRates[j].Rate = v
				}
			}
		case atAverage:
			adjusted = overridePart(adjusted, r.segment, func(o *partOverride) { o.average = decimal.NewNullDecimal(v) })
		case atPremium:
			adjusted = overridePart(adjusted, r.segment, func(o *partOverride) { o.premium = decimal.NewNullDecimal(v) })
		case atUsers:
			if users == nil {
				users = make(map[int]segments.Users, len(m.Plan.Years))
				for _, y := range m.Plan.Years {
					users[y] = e.base.Plan.Users[y]
				}
				m.Plan.Users = users
			}
			u := users[r.year]
			if r.metric == mauInput {
				u.MAU, mauMoved = v, append(mauMoved, r.year)
			} else {
				u.DAU, dauMoved = v, append(dauMoved, r.year)
			}
			users[r.year] = u
		case atDriver:
			if copiedSeg == nil {
				m.Plan.Segments = slices.Clone(m.Plan.Segments)
				copiedSeg = make([]bool, len(m.Plan.Segments))
			}
			s := &m.Plan.Segments[r.segment]
			if !copiedSeg[r.segment] {
				drivers := make(map[int]segments.Driver, len(m.Plan.Years))
				for _, y := range m.Plan.Years {
					drivers[y] = s.Drivers[y]
				}
				s.Drivers, copiedSeg[r.segment] = drivers, true
			}
			moved, _ := segments.With(s.Drivers[r.year], r.metric, v) // resolve checked it
			s.Drivers[r.year] = moved
		case atPnLShares:
			shares := make(map[int]decimal.Decimal, len(m.Earnings.Shares))
			for y, s := range m.Earnings.Shares {
				shares[y] = s
			}
			shares[r.year] = v
			m.Earnings.Shares = shares
		}
	}
	if e.opts.LinkDAU {
		for _, y := range mauMoved {
			base := e.base.Plan.Users[y]
			if slices.Contains(dauMoved, y) || base.MAU.Sign() <= 0 {
				continue
			}
			u := users[y]
			u.DAU = base.DAU.Mul(u.MAU).DivRound(base.MAU, divPlaces)
			users[y] = u
		}
	}
	if fxRates != nil {
		fx, err := comps.NewFX(fxRates...)
		if err != nil {
			return valuation.Model{}, err
		}
		m.FX = fx
	}
	m.Parts = e.parts
	if fxRates == nil && len(adjusted) == 0 {
		return m, nil
	}
	m.Parts = slices.Clone(e.parts)
	for i, p := range e.base.Parts {
		mm, ok := p.Method.(valuation.Multiple)
		j := slices.IndexFunc(adjusted, func(o partOverride) bool { return o.part == i })
		if !ok || (fxRates == nil && j < 0) {
			continue
		}
		mult := e.result.Parts[i].Multiple
		var err error
		if fxRates != nil {
			if mult, err = mm.Comps.Multiple(m.FX); err != nil {
				return valuation.Model{}, err
			}
		}
		if j >= 0 {
			if mult, err = adjusted[j].apply(mult); err != nil {
				return valuation.Model{}, err
			}
		}
		m.Parts[i].Method = mm.At(mult)
	}
	return m, nil
}

// partOverride is a point's average and premium for one part.
type partOverride struct {
	part             int
	average, premium decimal.NullDecimal
}

// overridePart sets a field of part's override, adding the override if it is new.
func overridePart(list []partOverride, part int, set func(*partOverride)) []partOverride {
	j := slices.IndexFunc(list, func(o partOverride) bool { return o.part == part })
	if j < 0 {
		list, j = append(list, partOverride{part: part}), len(list)
	}
	set(&list[j])
	return list
}

// apply adjusts a worked-out multiple to the override.
func (o partOverride) apply(mult comps.Multiple) (comps.Multiple, error) {
	var err error
	if o.average.Valid {
		if mult, err = mult.WithAverage(o.average.Decimal); err != nil {
			return comps.Multiple{}, err
		}
	}
	if o.premium.Valid {
		mult, err = mult.WithPremium(o.premium.Decimal)
	}
	return mult, err
}

// divPlaces is the number of decimal places every division in this package keeps.
const divPlaces = 16

// run calls work(w, i) for each unit i in [0, n) on the engine's workers, w being the
// worker's number in [0, workers(n)). Each unit is unit points of total, for progress.
// It stops early, returning the context's error, when ctx is done; callers admit the
// points first.
func (e *Engine) run(ctx context.Context, n, unit, total int, work func(w, i int)) error {
	var (
		next, done atomic.Int64
		mu         sync.Mutex
		reported   int
		wg         sync.WaitGroup
	)
	step := max(n/100, 1)
	report := func(d int) {
		if e.opts.Progress == nil || (d%step != 0 && d != n) {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if p := min(d*unit, total); p > reported {
			reported = p
			e.opts.Progress(p, total)
		}
	}
	stop := ctx.Done() // read once: Err takes the context's lock at every call
	for w := range e.workers(n) {
		wg.Go(func() {
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
		})
	}
	wg.Wait()
	return ctx.Err()
}

// admit refuses a run of n points above the engine's maximum, a nil context and one
// already done.
func (e *Engine) admit(ctx context.Context, n int) error {
	if ctx == nil {
		return &AssumptionError{Name: "context", Value: "nil", Err: ErrOption}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	limit := e.opts.MaxPoints
	if limit == 0 {
		limit = DefaultMaxPoints
	}
	if n > limit || n < 0 {
		return &AssumptionError{Name: "points", Value: strconv.Itoa(n) + " > " + strconv.Itoa(limit), Err: ErrTooManyPoints}
	}
	return nil
}

func (e *Engine) workers(n int) int {
	w := e.opts.Workers
	if w == 0 {
		w = runtime.GOMAXPROCS(0)
	}
	return max(min(w, n), 1)
}
