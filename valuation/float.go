package valuation

// This file is the float64 boundary of sotp: Monte Carlo, Sobol, Morris and Shapley runs
// evaluate millions of points, and they evaluate them here, by the exact kernel's own
// program run in float64 (exact.Floats), with its own checks: one description of the
// model, the one Query compiles, not a second copy of it. Nowhere else does a money
// figure pass through a float. What follows equity, piecewise in equity (the dilution)
// and a power (the horizon's discount), is a float64 stage after the program
// (floatStage), the counterpart of the kernel's tail; comparables aggregated by other than
// a mean at a moved FX rate are worked out by comps at each point, as the kernel's head
// works them out.

import (
	"math"
	"slices"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/nodes"
	"github.com/sotpkit/sotp/valuation/key"
)

// maxFloatTranches bounds the tranches of dilution a query's float64 form sorts on the
// stack at each evaluation; a model with more has none (fault.ErrFloat).
const maxFloatTranches = 32

// floatForm is a query's float64 form: its reasons and its stage after equity.
type floatForm struct {
	err     error
	reasons []string    // the program's, then the head's, then notFinite, wrongLength and noForm
	stage   *floatStage // nil when the kernel has no tail
}

// Reasons a float64 evaluation refuses a point for, beyond the program's checks.
const (
	anyCheck    = "a figure out of its range"
	headRefused = "comparables refused at the point's FX rates"
	notFinite   = "output not finite"
	wrongLength = "point of the wrong length"
	noForm      = "no float64 form"
)

// Float compiles the query's float64 form, the exact kernel's program run in float64 (see
// Evaluator.Float), and returns the reasons a point may be refused for, by the index
// Evaluator.Float returns, with an error (fault.ErrFloat) naming what the kernel does not
// compile when the query has no such form. It is compiled once.
func (q *Query) Float() ([]string, error) {
	f := q.floatForm()
	return f.reasons, f.err
}

func (q *Query) floatForm() *floatForm {
	q.fonce.Do(func() {
		q.kernel()
		f := &q.float
		f.reasons = []string{anyCheck}
		if q.prog != nil {
			f.reasons = append(slices.Clone(q.prog.Reasons()), headRefused)
			f.reasons[0] = anyCheck
		}
		f.reasons = append(f.reasons, notFinite, wrongLength, noForm)
		switch {
		case q.prog == nil:
			f.err = q.refusal.err(nodes.Float)
		case q.tail != nil:
			f.stage, f.err = newFloatStage(q)
		}
	})
	return &q.float
}

// Evaluator.Float's reasons past the program's.
func (f *floatForm) head() int        { return len(f.reasons) - 4 }
func (f *floatForm) notFinite() int   { return len(f.reasons) - 3 }
func (f *floatForm) wrongLength() int { return len(f.reasons) - 2 }
func (f *floatForm) noForm() int      { return len(f.reasons) - 1 }

// Float evaluates the query at x, one value per move, in float64, writing one figure per
// output to out: the exact kernel's program with each operation in float64 (a division
// unrounded), then, for what follows equity, the float64 dilution and discount. It
// returns -1, or the index in Query.Float's reasons of why the point is refused: the first
// check of the kernel it fails (the check Model.Value would fail), an output that is not
// a finite number, x or out of the wrong length, or a query with no float64 form. The
// result is within about 1e-12 relative of Eval's (TestFloatMatchesDecimal). Three
// limits follow from float64 rounding, each at points a continuous draw meets with
// probability zero or at inputs far off any model's scale: where a comparison is an exact
// tie in decimal (a tranche's effective strike exactly at the value a share) float64 may
// take the other side of it; where a divisor cancels to exactly zero in decimal (a − b
// with a = b) float64 may divide by a residue of rounding; and where a divisor rounds
// to zero at 16 places in decimal (a P&L's revenue a share over 1e21 shares, for its
// P/S), float64 divides by it unrounded. In the last two it gives a huge figure where
// the decimal path refuses the point or has no such figure.
func (e *Evaluator) Float(x, out []float64) int {
	q := e.q
	if e.ff == nil {
		e.ff = q.floatForm()
		if e.ff.err == nil {
			live := q.regs
			if q.tail != nil {
				live = append(slices.Clip(live), q.tail.equity)
			}
			e.f = q.prog.Floats(live...)
		}
	}
	f := e.ff
	switch {
	case f.err != nil:
		return f.noForm()
	case len(x) != len(q.moves) || len(out) != len(q.outputs):
		return f.wrongLength()
	}
	in, headOK := x, true
	if q.head != nil {
		in, headOK = e.floatHead(x)
	}
	if k := e.f.Run(in); k >= 0 {
		return k // the first check the point fails, before the head's refusal
	}
	if !headOK {
		return f.head()
	}
	for i, r := range q.regs {
		out[i] = e.f.Value(r)
	}
	if f.stage != nil {
		f.stage.eval(q, e.f.Value(q.tail.equity), x, out)
	}
	for _, v := range out {
		if !(math.Abs(v) <= math.MaxFloat64) { // NaN or infinite
			return f.notFinite()
		}
	}
	return -1
}

// floatHead works out the kernel's head at x (comps.Set.Multiple at the point's FX rates,
// in decimal) and returns the program's inputs: x, then the aggregates; false when the
// head refuses the point (an FX rate not a finite number among them), the aggregates then
// NaN, for the program's checks to find the point's first fault.
func (e *Evaluator) floatHead(x []float64) ([]float64, bool) {
	q := e.q
	e.in = append(e.in[:0], make([]decimal.Decimal, len(x)+len(q.head.parts))...)
	ok := true
	for _, i := range q.head.fx {
		if ok = ok && math.Abs(x[i]) <= math.MaxFloat64; ok {
			e.in[i] = decimal.NewFromFloat(x[i])
		}
	}
	avg := e.in[len(x):]
	ok = ok && q.head.eval(q, e.in[:len(x)], avg)
	e.fin = append(e.fin[:0], x...)
	for _, a := range avg {
		v := math.NaN()
		if ok {
			v = a.InexactFloat64()
		}
		e.fin = append(e.fin, v)
	}
	return e.fin, ok
}

// operand is a figure of the stage: the query's move v when it moves, else c.
type operand struct {
	c float64
	v int
}

func (o operand) at(x []float64) float64 {
	if o.v >= 0 {
		return x[o.v]
	}
	return o.c
}

// floatStage is the kernel's tail in float64: from equity (the bridge's, before any
// convertible's face is deducted), the dilution at the model's basis, then the horizon's
// discount, as Model.after works them out in decimal (the treasury stock and
// if-converted methods, bridge.go's dilute).
type floatStage struct {
	basic, price  operand
	count, strike []operand
	convertible   []bool
	basis         DilutionBasis
	discount      float64 // the horizon's factor when it does not move
	// rate and years are the horizon's, when either moves (moves is set): the factor is
	// then (1 + rate)^-years at each evaluation.
	rate, years operand
	moves       bool
}

// newFloatStage compiles the query's tail in float64, or refuses a model it cannot
// follow: more tranches than maxFloatTranches.
func newFloatStage(q *Query) (*floatStage, error) {
	m := q.p.m
	if n := len(m.Dilution.Tranches); n > maxFloatTranches {
		return nil, &fault.Error{Pkg: "valuation", Field: "dilution", Value: strconv.Itoa(n) + " tranches, more than " + strconv.Itoa(maxFloatTranches), Err: fault.ErrFloat}
	}
	moved := func(k key.Key) int {
		for i, a := range q.moves {
			if a.Key == k {
				return i
			}
		}
		return -1
	}
	of := func(k key.Key, base decimal.Decimal) operand { return operand{c: base.InexactFloat64(), v: moved(k)} }
	rate, years := key.Key{Space: key.SpaceHorizon, Name: "rate"}, key.Key{Space: key.SpaceHorizon, Name: "years"}
	s := &floatStage{basic: of(key.Scalar(key.Shares), m.Shares), price: of(key.Scalar(key.Price), m.Price), basis: m.Dilution.Basis,
		discount: q.p.base.Discount.InexactFloat64(), rate: of(rate, m.Horizon.Rate), years: of(years, m.Horizon.Years),
		moves: moved(rate) >= 0 || moved(years) >= 0}
	for _, t := range m.Dilution.Tranches {
		s.count = append(s.count, of(key.Key{Space: key.SpaceDilution, Item: t.Name, Name: "count"}, t.Count))
		s.strike = append(s.strike, of(key.Key{Space: key.SpaceDilution, Item: t.Name, Name: "strike"}, t.Strike))
		s.convertible = append(s.convertible, t.Convertible)
	}
	return s, nil
}

// eval writes the stage's outputs to out, given equity at x.
func (s *floatStage) eval(q *Query, equity float64, x, out []float64) {
	discount := s.discount
	if s.moves { // Horizon's factor, (1 + rate)^-years
		discount = math.Pow(1+s.rate.at(x), -s.years.at(x))
	}
	shares := s.basic.at(x)
	u, eq := equity/shares, equity // without a dilution
	var t floatTranches
	if len(s.count) > 0 {
		u, eq, shares = s.dilute(&t, equity, discount, x)
	}
	for _, i := range q.tail.outputs {
		if o := q.outputs[i]; o.Space == key.SpaceBridge { // a convertible's line of debt: its face, unless it converts
			j := slices.IndexFunc(q.p.m.Dilution.Tranches, func(tr Tranche) bool { return tr.Name == o.Item })
			out[i] = -t.count[j] * t.strike[j]
			if t.in[j] {
				out[i] = math.NaN() // no such line: the point has no value of it
			}
			continue
		}
		switch q.outputs[i].Name {
		case key.Equity:
			out[i] = eq
		case key.Undiscounted:
			out[i] = u
		case key.Target:
			out[i] = u * discount
		case key.Diluted:
			out[i] = shares
		case key.Discount:
			out[i] = discount
		case key.Upside:
			out[i] = u*discount/s.price.at(x) - 1
		}
	}
}

// dilute returns the value a share of the year priced, the equity it divides and the
// diluted share count, as Model.dilute works them out at the model's basis, with the
// tranches' figures in t and which are in the money.
func (s *floatStage) dilute(t *floatTranches, equity, discount float64, x []float64) (u, eq, shares float64) {
	face := s.tranches(t, discount, x)
	base, basic := equity-face, s.basic.at(x)
	if s.basis == AtPrice {
		return s.atPrice(t, base, basic, s.price.at(x))
	}
	return s.fixedPoint(t, base, basic)
}

// floatTranches are the first n tranches' counts and strikes at a point, their effective
// strikes, on the scale of the value a share (at the target, an option's strike
// undiscounted), and which are in the money, held on the stack.
type floatTranches struct {
	n                  int
	count, strike, eff [maxFloatTranches]float64
	in                 [maxFloatTranches]bool
}

// tranches fills t with the tranches' figures at x, the horizon's factor being discount,
// and returns the face of the convertibles.
func (s *floatStage) tranches(t *floatTranches, discount float64, x []float64) (face float64) {
	t.n = len(s.count)
	for i := range t.n {
		t.count[i], t.strike[i] = s.count[i].at(x), s.strike[i].at(x)
		t.eff[i] = t.strike[i]
		if s.convertible[i] {
			face += t.count[i] * t.strike[i]
		} else if s.basis == AtTarget {
			t.eff[i] = t.strike[i] / discount
		}
	}
	return face
}

// atPrice returns the value a share, the equity it divides and the share count, base and
// basic shares diluted at the price: each tranche struck below it in the money, a
// convertible converted and an option's cost buying shares back at it.
func (s *floatStage) atPrice(t *floatTranches, base, basic, price float64) (u, eq, shares float64) {
	shares = basic
	eq = base
	for i := range t.n {
		t.in[i] = t.strike[i] < price
		switch {
		case !t.in[i]:
		case s.convertible[i]:
			shares += t.count[i]
			eq += t.count[i] * t.strike[i]
		default:
			shares += t.count[i] - t.count[i]*t.strike[i]/price
		}
	}
	return eq / shares, eq, shares
}

// fixedPoint returns the value a share, the equity it divides and the share count, base
// and basic shares diluted at the value itself: the first k tranches by effective strike
// in the money at the first k whose value is at or below the next effective strike,
// which is the k whose value leaves them on either side (Model.diluteAtValue, by the
// argument of Model.dilute), an option's exercise money buying back count × effective
// strike / u shares. Asking only that, it finds a k whatever float64's rounding makes of
// a value within an ulp of a strike, where asking both sides could find none.
func (s *floatStage) fixedPoint(t *floatTranches, base, basic float64) (u, eq, shares float64) {
	n, count, strike, eff := t.n, &t.count, &t.strike, &t.eff
	order := t.byStrike()
	num, den := base, basic
	eq = base
	for k := 0; k <= n; k++ {
		if k > 0 {
			i := order[k-1]
			num, den = num+count[i]*eff[i], den+count[i]
		}
		if k > 0 && k < n && eff[order[k]] == eff[order[k-1]] {
			continue // tranches of one effective strike are in or out together
		}
		v := num / den
		if k == n || !(eff[order[k]] < v) {
			shares = basic
			for _, i := range order[:k] {
				t.in[i] = true
				if s.convertible[i] {
					eq += count[i] * strike[i]
					shares += count[i]
				} else {
					shares += count[i] - count[i]*eff[i]/v
				}
			}
			return v, eq, shares
		}
	}
	return math.NaN(), math.NaN(), math.NaN() // unreachable: k = n returns
}

// byStrike returns the tranches' indices by effective strike, stably, as Model.dilute
// sorts them.
func (t *floatTranches) byStrike() [maxFloatTranches]int {
	var order [maxFloatTranches]int
	for i := range t.n {
		j := i
		for ; j > 0 && t.eff[order[j-1]] > t.eff[i]; j-- {
			order[j] = order[j-1]
		}
		order[j] = i
	}
	return order
}
