package valuation

import (
	"slices"
	"strconv"
	"sync"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/exact"
	"github.com/sotpkit/sotp/valuation/internal/nodes"
	"github.com/sotpkit/sotp/valuation/key"
)

// Query is a list of moved assumptions and of outputs, compiled once for a prepared
// model, to be evaluated at many points. It is immutable and safe for concurrent use;
// a goroutine that evaluates many points takes an Evaluator of its own.
//
// A point that moves users, driver inputs, a part's average or premium, an FX rate, a
// bridge item, the holding-company discount, a tranche, the horizon, the share count,
// the price or a year's P&L share count, and reads any figure of the result (the
// target, the sum, equity, the upside, part and comparables' figures, forecast lines,
// shares and growths, the bridge's lines, the P&L), is evaluated by an exact kernel
// compiled from the drivers' formulas (see segments.Algebra), the bridge and the P&L:
// registers of big.Int coefficients reused from point to point, the same
// multiplications, additions and rounded divisions as Model.Value, so results are
// identical to it, value and exponent. A moved FX rate that converts comparables has
// their set worked out again in the program (a mean or a market-value-weighted mean),
// else by a stage before it that runs the code Model.Value runs (comps.Set.Multiple); a
// stage after it runs what follows equity (the dilution, a fixed point, and a moving
// horizon's discount, a power); an FX rate taken the other way round is inverted by
// comps.Rate.Inverse, its one rule. A query of a model with a Method of the caller's
// (Exact says so), and any point that fails a check of the kernel (a value out of its
// range, a figure priced that is not positive), take the full decimal path: the model
// with the point set, cut down to the years the outputs read, valued.
// Evaluator.Fallbacks counts the points an evaluator left to it.
type Query struct {
	p       *Prepared
	moves   []Assumption
	outputs []key.Key
	scope   scope
	once    sync.Once      // compiles the kernel for the first Evaluator
	prog    *exact.Program // nil when the query has no kernel
	regs    []exact.Reg    // the register of each output
	head    *head          // the kernel's stage before its program; nil when it has none
	tail    *tail          // the kernel's stage after equity; nil when it has none
	refusal refusal        // what the kernel does not compile, when prog is nil
	fonce   sync.Once      // compiles the float64 form (Query.Float)
	float   floatForm
}

// Query compiles moves and outputs. Each move must name an assumption of the model, at
// most once; each output a figure of the base result.
func (p *Prepared) Query(moves []key.Key, outputs []key.Key) (*Query, error) {
	if len(outputs) == 0 {
		return nil, &fault.Error{Pkg: "valuation", Field: "outputs", Err: fault.ErrNoOutput}
	}
	q := &Query{p: p, moves: make([]Assumption, len(moves)), outputs: slices.Clone(outputs)}
	for i, k := range moves {
		a, err := p.Assumption(k)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(q.moves[:i], func(b Assumption) bool { return b.Key == k }) {
			return nil, &fault.Error{Pkg: "valuation", Field: "assumption", Value: strconv.Quote(k.String()), Err: fault.ErrDuplicateAssumption}
		}
		q.moves[i] = a
		// a P&L share count is checked when the P&L is worked out, and so is the rate its
		// multiples are converted at (at a price): work it out when either moves
		earningsRate := k.Space == key.SpaceFX && p.movesEarningsRate(k)
		q.scope.pnl = q.scope.pnl || k.Space == key.SpacePnL || earningsRate
		q.scope.price = q.scope.price || earningsRate
	}
	q.scope.years = []int{p.m.Year}
	// A dilution at the price needs the price, whatever the outputs.
	q.scope.price = q.scope.price || !p.m.Dilution.IsZero() && p.m.Dilution.Basis == AtPrice
	for _, k := range outputs {
		if _, err := p.base.Lookup(k); err != nil {
			return nil, err
		}
		q.scope.read(p.m.Plan.Years, k)
	}
	return q, nil
}

// movesEarningsRate reports whether the FX rate fx is, or is a leg of, the rate the P&L's
// multiples are converted at (Model.earnings), when the model has a P&L.
func (p *Prepared) movesEarningsRate(fx key.Key) bool {
	if p.m.Earnings.IsZero() {
		return false
	}
	r, err := p.m.FX.Pair(comps.Currency(p.m.Plan.Currency), p.m.Currency)
	return err == nil && reaches(r, fx)
}

// read widens the scope to what output k reads: the price for the price, the upside and
// the P&L; the P&L for its figures; a forecast or P&L figure's year, and the year before
// for a growth.
func (sc *scope) read(years []int, k key.Key) {
	sc.price = sc.price || k == key.Scalar(key.Price) || k == key.Scalar(key.Upside) || k.Space == key.SpacePnL || k.Space == key.SpacePnLLine
	if k.Space != key.SpaceForecast && k.Space != key.SpacePnL && k.Space != key.SpacePnLLine {
		return
	}
	sc.pnl = sc.pnl || k.Space != key.SpaceForecast
	sc.years = append(sc.years, k.Year)
	if i := slices.Index(years, k.Year); k.Growth && i > 0 {
		sc.years = append(sc.years, years[i-1])
	}
}

// kernel compiles the query's kernel once, when an evaluator first needs it: a point
// valued alone (Query.Eval) costs less by the decimal path than a compilation.
func (q *Query) kernel() *exact.Program {
	q.once.Do(func() {
		k := newKernel(q)
		q.prog, q.regs, q.head, q.tail = k.compile()
		q.refusal = k.refusal
	})
	return q.prog
}

// Moves returns the assumptions the query moves, in the order of its values.
func (q *Query) Moves() []Assumption { return slices.Clone(q.moves) }

// Outputs returns the query's outputs.
func (q *Query) Outputs() []key.Key { return slices.Clone(q.outputs) }

// Exact compiles the query's exact kernel (see Query) and returns nil when it has one,
// else the error naming the kind of node the kernel does not compute and where
// (internal/nodes: a part valued by a caller's Method, a P&L figure read): the decimal
// path values such a query.
func (q *Query) Exact() error {
	if q.kernel() != nil {
		return nil
	}
	return q.refusal.err(nodes.Kernel)
}

// Eval values the outputs with the moves set to values, one per move, writing one figure
// per output to out, by the decimal path: the cheaper way to value one point. Sweeps take
// an Evaluator, which runs the exact kernel.
func (q *Query) Eval(values, out []decimal.Decimal) error {
	return (&Evaluator{q: q}).Eval(values, out)
}

// Evaluator evaluates a query point after point, reusing its registers. It is not safe
// for concurrent use: each goroutine takes its own.
type Evaluator struct {
	q         *Query
	m         *exact.Machine
	in        []decimal.Decimal // the machine's inputs: the point's values, then the head's
	exact     bool              // runs the kernel (Query.Evaluator), while the query has one
	fallbacks int
	horizon   Horizon // the last horizon the kernel's stage discounted over, and its factor
	factor    decimal.Decimal
	ff        *floatForm    // the query's float64 form, once Float has run
	f         *exact.Floats // its program in float64
	fin       []float64     // its inputs, when the head adds some
}

// Fallbacks returns how many points the evaluator has left to the decimal path: every
// point of a query without an exact kernel, and those that failed a check of its kernel
// (an invalid point is always one: the decimal path reports its error). A sweep whose
// points are all valid and whose query has an exact kernel (Exact) should see none.
func (e *Evaluator) Fallbacks() int { return e.fallbacks }

// Evaluator returns an evaluator of the query. The query's exact kernel is compiled the
// first time an evaluator needs it.
func (q *Query) Evaluator() *Evaluator { return &Evaluator{q: q, exact: true} }

// Eval is Query.Eval on the evaluator's registers.
func (e *Evaluator) Eval(values, out []decimal.Decimal) error {
	q := e.q
	if len(values) != len(q.moves) || len(out) != len(q.outputs) {
		return &fault.Error{Pkg: "valuation", Field: "point", Value: strconv.Itoa(len(values)) + " values and " + strconv.Itoa(len(out)) +
			" outputs for " + strconv.Itoa(len(q.moves)) + " moves and " + strconv.Itoa(len(q.outputs)) + " outputs", Err: fault.ErrPoint}
	}
	if e.kernel(values, out) {
		return nil
	}
	e.fallbacks++
	m, mults, err := q.p.apply(&q.scope, q.moves, values)
	if err != nil {
		return err
	}
	r, err := m.value(mults)
	if err != nil {
		return err
	}
	for i, k := range q.outputs {
		if out[i], err = r.Lookup(k); err != nil {
			return err
		}
	}
	return nil
}

// kernel values the point by the exact kernel, writing its outputs to out: false when
// the query has no kernel or the point fails one of its checks, for the decimal path to
// value (and to report the error of).
func (e *Evaluator) kernel(values, out []decimal.Decimal) bool {
	q := e.q
	if !e.exact {
		return false
	}
	if e.m == nil {
		prog := q.kernel()
		if e.exact = prog != nil; !e.exact {
			return false
		}
		e.m = prog.Machine()
	}
	in := values
	if q.head != nil {
		e.in = append(append(e.in[:0], values...), make([]decimal.Decimal, len(q.head.parts))...)
		if in = e.in; !q.head.eval(q, values, in[len(values):]) {
			return false
		}
	}
	if !e.m.Run(in) {
		return false
	}
	for i, r := range q.regs {
		out[i] = e.m.Decimal(r)
	}
	return q.tail == nil || q.tail.eval(e, values, e.m.Decimal(q.tail.equity), out)
}

// head is the kernel's stage before its program, for a query that moves an FX rate that
// converts comparables: each part whose sets' multiples the rate converts has its
// comparables' aggregate worked out again at the point, by comps.Set.Multiple with the
// moved FX table (the code Model.Value runs), and given to the program as an input after
// the point's own. The program then values the part at that aggregate as at a moved one.
type head struct {
	parts   []int // the parts whose aggregates the stage works out, in the order of their inputs
	checked []int // parts whose average the point sets: their sets are worked out only to be checked
	fx      []int // the query's moves of FX rates
}

// eval works out the aggregates into avg; false when the moved FX table or a set's
// multiple is refused, for the decimal path to report.
func (h *head) eval(q *Query, values []decimal.Decimal, avg []decimal.Decimal) bool {
	a := applied{p: q.p, m: q.p.m}
	for _, i := range h.fx {
		a.set(q.moves[i].Key, &values[i])
	}
	fx, err := comps.NewFX(a.fxRates...)
	if err != nil {
		return false
	}
	for j, i := range h.parts {
		mult, err := q.p.m.Parts[i].Method.(Multiple).Comps.Multiple(fx)
		if err != nil {
			return false
		}
		avg[j] = mult.Average
	}
	for _, i := range h.checked { // Prepared.apply works the set out before it sets the average
		if _, err := q.p.m.Parts[i].Method.(Multiple).Comps.Multiple(fx); err != nil {
			return false
		}
	}
	return true
}

// tail is the kernel's stage after equity, for a model that dilutes or a query that moves
// the horizon: the dilution (piecewise, a fixed point) and the horizon's discount (a
// power), worked out by Model.after, the code Model.Value runs, from the equity the
// program computes (the bridge's, before any convertible is deducted) and the point's
// share count, price, tranches and horizon. It is a step of the kernel, not the decimal
// path: the program values the point, and the stage only what follows equity.
type tail struct {
	equity  exact.Reg // the program's register of equity
	outputs []int     // the query's outputs the stage works out
	moves   []int     // the query's moves it sets: shares, the price, tranches, the horizon
	horizon bool      // the horizon moves: its discount is worked out at each point
}

// tail returns the stage after equity of a model that dilutes or a query that moves the
// horizon, its register of equity compiled; nil for any other. A P&L share count moves
// only the P&L, which no output of the kernel reads: its check (a count above zero) is
// all the kernel makes of it.
func (k *kernel) tail() *tail {
	staged := !k.q.p.m.Dilution.IsZero() || slices.ContainsFunc(k.q.moves, func(a Assumption) bool { return a.Key.Space == key.SpaceHorizon })
	if !staged {
		return nil
	}
	// even with no output of it: the stage checks the horizon and the tranches
	t := &tail{equity: k.b.Reg(k.equity(k.sum()))}
	for i, a := range k.q.moves {
		if a.Key.Space == key.SpaceHorizon || a.Key.Space == key.SpaceDilution || a.Key.Space == key.SpaceScalar {
			t.moves = append(t.moves, i)
		}
		t.horizon = t.horizon || a.Key.Space == key.SpaceHorizon
	}
	return t
}

// earningsRate compiles the rate the P&L's multiples convert at, when the decimal path
// works the P&L out at the price (a P&L share count moved or a P&L figure read, and the
// price kept): a rate crossed through moved legs is checked within bounds there too.
func (k *kernel) earningsRate() {
	m := k.q.p.m
	_, priceMoves := k.move[key.Scalar(key.Price)]
	if !k.q.scope.pnl || !k.q.scope.price || m.Price.Sign() <= 0 && !priceMoves || m.Earnings.IsZero() {
		return
	}
	r, err := m.FX.Pair(comps.Currency(m.Plan.Currency), m.Currency)
	if err != nil {
		k.refuse(0, "the P&L at a rate the FX table does not give")
		return
	}
	// At a price of zero Model.earnings takes no rate: a crossed rate's bounds hold there.
	k.guard, k.guarded = k.leaf(key.Scalar(key.Price), m.Price), true
	k.rate(r)
	k.guarded = false
}

// discount is the horizon's factor (Model.discount), kept from the last point: a sweep
// moves the horizon once a row, and a fractional period's factor is a series.
func (e *Evaluator) discount(h Horizon) (decimal.Decimal, error) {
	same := func(a, b decimal.Decimal) bool { return a.Exponent() == b.Exponent() && a.Equal(b) }
	if e.factor.IsZero() || !same(h.Rate, e.horizon.Rate) || !same(h.Years, e.horizon.Years) {
		f, err := Model{Horizon: h}.discount()
		if err != nil {
			return f, err
		}
		e.horizon, e.factor = h, f
	}
	return e.factor, nil
}

// debtLine returns the tranche of the dilution whose line of debt o names (a bridge line
// named as a convertible: the bond's face while it stays debt), or -1.
func (k *kernel) debtLine(o key.Key) int {
	if o.Space != key.SpaceBridge || o.Name != "" {
		return -1
	}
	return slices.IndexFunc(k.q.p.m.Dilution.Tranches, func(t Tranche) bool { return t.Convertible && t.Name == o.Item })
}

// afterEquity reports an output the stage after equity works out.
func afterEquity(o key.Key) bool {
	if o.Space != key.SpaceScalar {
		return false
	}
	switch o.Name {
	case key.Equity, key.Undiscounted, key.Target, key.Upside, key.Diluted, key.Discount:
		return true
	}
	return false
}

// eval works out the stage's outputs into out, given the point's values and equity;
// false when the point fails a check of what follows equity (a horizon out of its range,
// a dilution at a price of zero), or has no upside, for the decimal path to report.
func (t *tail) eval(e *Evaluator, values []decimal.Decimal, equity decimal.Decimal, out []decimal.Decimal) bool {
	q := e.q
	a := applied{p: q.p, m: q.p.m}
	discount := q.p.base.Discount
	for _, i := range t.moves {
		a.set(q.moves[i].Key, &values[i])
	}
	var err error
	if t.horizon {
		if discount, err = e.discount(a.m.Horizon); err != nil {
			return false
		}
	}
	dl, err := a.m.after(equity, discount)
	if err != nil {
		return false
	}
	for _, i := range t.outputs {
		if o := q.outputs[i]; o.Space == key.SpaceBridge { // a convertible's line of debt
			j := slices.IndexFunc(dl.debt, func(l BridgeLine) bool { return l.Name == o.Item })
			if j < 0 {
				return false // it converts: no such line
			}
			out[i] = dl.debt[j].Value
			continue
		}
		switch q.outputs[i].Name {
		case key.Equity:
			out[i] = dl.equity
		case key.Undiscounted:
			out[i] = dl.undiscounted
		case key.Target:
			out[i] = dl.target
		case key.Diluted:
			out[i] = dl.shares
		case key.Discount:
			out[i] = discount
		case key.Upside:
			if a.m.Price.Sign() <= 0 {
				return false
			}
			out[i] = upside(dl.target, a.m.Price)
		}
	}
	return true
}

// kernel compiles a query into an exact program: the figures its outputs read, as
// polynomials in its moves (exact.Poly), with the checks Model.Value would make of them.
type kernel struct {
	q       *Query
	b       *exact.Builder
	move    map[key.Key]exact.Reg
	users   map[int][2]exact.Poly            // MAU and DAU of a year
	lines   map[[2]int]map[string]exact.Poly // of a (year, segment index)
	fig     map[int]exact.Poly               // of a part, checked
	ok      bool
	refusal refusal    // the first thing refused (refuse)
	guard   exact.Poly // while guarded, a crossed rate is checked only where guard is not zero (rate)
	guarded bool
	head    *head             // the stage before the program; nil when none
	avg     map[int]exact.Reg // a part's aggregate, an input the head works out
	agg     map[int]bool      // parts whose aggregate the program computes at a moved FX rate
	pnl     map[int]pnlYear   // the P&L's years compiled
	// bridgeLines are the bridge's lines by name as equity compiles them, holdco the
	// holding-company discount's.
	bridgeLines map[string]exact.Poly
	holdco      exact.Poly
	aggPoly     map[int]exact.Poly // those aggregates, compiled
}

func newKernel(q *Query) *kernel {
	compiled := aggregates(q)
	h := newHead(q, compiled)
	n := len(q.moves)
	if h != nil {
		n += len(h.parts)
	}
	k := &kernel{q: q, b: exact.NewBuilder(n), move: map[key.Key]exact.Reg{}, users: map[int][2]exact.Poly{},
		lines: map[[2]int]map[string]exact.Poly{}, fig: map[int]exact.Poly{}, ok: true, head: h, avg: map[int]exact.Reg{},
		agg: compiled, aggPoly: map[int]exact.Poly{}, pnl: map[int]pnlYear{}, bridgeLines: map[string]exact.Poly{}}
	for i, a := range q.moves {
		k.move[a.Key] = k.b.Input(i)
	}
	if h != nil {
		for j, i := range h.parts {
			k.avg[i] = k.b.Input(len(q.moves) + j)
		}
	}
	return k
}

// newHead returns the stage before the kernel's program (head) for q: nil when no FX
// rate q moves converts comparables, or whose every such set the program computes
// (compiled: aggregates). A part whose average q moves too takes the moved one, as
// Prepared.apply does, but its set is still worked out, and may fail, there.
func newHead(q *Query, compiled map[int]bool) *head {
	h := &head{}
	for i, a := range q.moves {
		if a.Key.Space == key.SpaceFX {
			h.fx = append(h.fx, i)
		}
	}
	for i, part := range q.p.m.Parts {
		_, ok := part.Method.(Multiple)
		if !ok || !slices.ContainsFunc(h.fx, func(j int) bool { return convertsComparables(q.p.base.Parts[i], q.moves[j].Key) }) {
			continue
		}
		switch {
		case slices.ContainsFunc(q.moves, func(a Assumption) bool { return a.Key == key.Part(part.Segment, "average") }):
			h.checked = append(h.checked, i)
		case !compiled[i]:
			h.parts = append(h.parts, i)
		}
	}
	if len(h.parts) == 0 && len(h.checked) == 0 {
		return nil
	}
	return h
}

// compile returns the program, the output registers and the stages before the program
// and after equity (each nil when the query needs none); a nil program when the query is
// outside what the kernel evaluates.
func (k *kernel) compile() (*exact.Program, []exact.Reg, *head, *tail) {
	p := k.q.p
	for _, part := range p.m.Parts {
		if kind := methodKind(part.Method); !nodes.Takes(kind, nodes.Kernel) {
			k.refuse(kind, key.Part(part.Segment, "value").String()) // the decimal path values it
			return nil, nil, nil, nil
		}
	}
	k.checks()
	for i, part := range p.m.Parts {
		if _, ok := part.Method.(Multiple); ok {
			k.partFigure(i) // every part's figure must stay positive, as Model.Value values them all
		}
		if k.agg[i] {
			k.average(i) // the set is worked out at the moved rate whatever the outputs read, and may fail
		}
	}
	// Model.Value values every part and the bridge whatever the outputs read: their
	// checks (a crossed rate's bounds, an expression's divisor) stand in the program even
	// where no output keeps their values.
	k.equity(k.sum())
	t := k.tail()
	k.earningsRate()
	regs := k.outputs(t)
	if !k.ok {
		return nil, nil, nil, nil
	}
	live := regs
	if t != nil {
		live = append(live, t.equity)
	}
	return k.b.Program(live...), regs, k.head, t
}

// outputs compiles the query's outputs into registers, those the stage after equity t
// works out given to it (their register is equity's).
func (k *kernel) outputs(t *tail) []exact.Reg {
	regs := make([]exact.Reg, len(k.q.outputs), len(k.q.outputs)+1)
	for i, o := range k.q.outputs {
		if _, moved := k.move[key.Scalar(key.Price)]; t != nil && o == key.Scalar(key.Upside) && moved {
			k.labeled(key.Price+" not above 0: no upside", func() { k.b.PPositive(k.leaf(key.Scalar(key.Price), k.q.p.m.Price)) })
		}
		if t != nil && (afterEquity(o) || k.debtLine(o) >= 0) {
			t.outputs, regs[i] = append(t.outputs, i), t.equity // the stage writes it
			continue
		}
		poly := k.output(o)
		if !k.ok {
			return nil
		}
		regs[i] = k.b.Reg(poly)
	}
	return regs
}

func (k *kernel) konst(d decimal.Decimal) exact.Poly { return exact.PConst(d) }

// leaf is an assumption: the point's value if it moves, else its base.
func (k *kernel) leaf(key key.Key, base decimal.Decimal) exact.Poly {
	if r, ok := k.move[key]; ok {
		return exact.PReg(r)
	}
	return exact.PConst(base)
}

// checks adds the range of every moved assumption, as Model.Value checks it: users
// positive and DAU at most MAU, driver inputs in their ranges, averages positive,
// premiums above -1, shares positive, the price not negative, and the bounds some have
// of their own (own); the horizon's rate only where its years are not zero (a horizon of
// no years discounts nothing, whatever its rate). Each moved year's every line is compiled too, so that a division by
// zero in it fails the point (lines no output reads cost nothing more: the program drops
// them, keeping the checks). Each check is given the reason a point failing it is refused
// for (exact.Builder.Because), which Monte Carlo counts its invalid draws by.
func (k *kernel) checks() {
	b := k.b
	years := map[int]bool{}
	rate, period := key.Key{Space: key.SpaceHorizon, Name: "rate"}, key.Key{Space: key.SpaceHorizon, Name: "years"}
	for i, a := range k.q.moves {
		x := exact.PReg(b.Input(i))
		if r, ok := k.move[period]; ok && a.Key == rate { // over no years the rate is not read, nor checked
			x = b.PSelect(exact.PReg(r), k.konst(decimal.Decimal{}), x)
		}
		k.inRange(a, x)
		k.own(a, x)
		if a.Key.Space == key.SpaceForecast {
			years[a.Key.Year] = true
			for _, y := range k.q.p.m.Plan.Years { // a later year reads it through prev(), and may fail
				years[y] = years[y] || k.q.p.chained && y > a.Key.Year
			}
		}
	}
	for _, y := range k.q.p.m.Plan.Years {
		if !years[y] {
			continue
		}
		mau, dau := k.user(y)
		mauKey, dauKey := key.Forecast(y, "", string(segments.MAU)).String(), key.Forecast(y, "", string(segments.DAU)).String()
		k.labeled(mauKey+" not above 0", func() { b.PPositive(mau) })
		k.labeled(dauKey+" below 0", func() { b.PNonNegative(dau) })
		k.labeled(dauKey+" above "+mauKey, func() { b.PAtMost(dau, mau) })
		for j, s := range k.q.p.m.Plan.Segments {
			if s.Drivers[y] == nil {
				continue // not started: no lines
			}
			for _, l := range s.Drivers[y].Spec().Lines {
				k.line(y, j, string(l.Metric))
			}
		}
	}
}

// refusal is what puts a query outside the kernel's reach: a kind of node it does not
// take (nodes.Takes), at where, or (kind 0) a model it cannot follow.
type refusal struct {
	kind  nodes.Kind
	where string
}

// err is the refusal as backend b's error: nodes.Refuse's for a kind of node.
func (r refusal) err(b nodes.Backend) error {
	if err := nodes.Refuse(r.kind, b, r.where); err != nil && r.kind != 0 {
		return err
	}
	err := fault.ErrUnsupported
	if b == nodes.Float {
		err = fault.ErrFloat
	}
	return &fault.Error{Pkg: "valuation", Field: r.where, Value: "outside the exact kernel", Err: err}
}

// refuse marks the query outside the kernel's reach, for a kind of node at where, or
// (kind 0) for what where says.
func (k *kernel) refuse(kind nodes.Kind, where string) {
	if k.ok {
		k.refusal = refusal{kind, where}
	}
	k.ok = false
}

// labeled runs add, the checks it adds given reason (exact.Builder.Because).
func (k *kernel) labeled(reason string, add func()) {
	done := k.b.Because(reason)
	add()
	done()
}

// inRange adds the range of a moved assumption's kind, its value x: a rate in [0, 1], a
// margin in [-1, 1], money and prices not negative, multiples and share counts positive,
// a premium above -1, an FX rate within comps.RateBounds.
func (k *kernel) inRange(a Assumption, x exact.Poly) {
	b, name := k.b, a.Key.String()
	one := k.konst(decimal.NewFromInt(1))
	atLeast := func(lo decimal.Decimal) { // x ≥ lo
		k.labeled(name+" below "+fault.Plain(lo), func() { b.PNonNegative(b.PAdd(x, k.konst(lo.Neg()))) })
	}
	atMost := func(hi decimal.Decimal) {
		k.labeled(name+" above "+fault.Plain(hi), func() { b.PAtMost(x, k.konst(hi)) })
	}
	switch a.Kind {
	case KindRate:
		atLeast(decimal.Decimal{})
		atMost(decimal.NewFromInt(1))
	case KindMargin:
		atLeast(decimal.NewFromInt(-1))
		atMost(decimal.NewFromInt(1))
	case KindMoney, KindPrice:
		atLeast(decimal.Decimal{})
	case KindMultiple, KindShares:
		k.labeled(name+" not above 0", func() { b.PPositive(x) })
	case KindPremium:
		k.labeled(name+" not above -1", func() { b.PPositive(b.PAdd(one, x)) })
	case KindFX:
		lo, hi := comps.RateBounds()
		atLeast(lo)
		atMost(hi)
	}
}

// own adds the bounds some assumptions have of their own, as Model.Value checks them, on
// x, the moved assumption a: a discount (the holding company's or a stake's) and the
// horizon's rate below 1, the horizon's years at most MaxHorizonYears, the price above
// zero when the dilution is at the price.
func (k *kernel) own(a Assumption, x exact.Poly) {
	b, name, m := k.b, a.Key.String(), k.q.p.m
	one := k.konst(decimal.NewFromInt(1))
	switch {
	case a.Key.Space == key.SpaceBridge && a.Key.Name == "discount", a.Key == key.Key{Space: key.SpaceHorizon, Name: "rate"}:
		k.labeled(name+" not below 1", func() { b.PPositive(b.PAdd(one, b.PMul(k.konst(decimal.NewFromInt(-1)), x))) })
	case a.Key == key.Key{Space: key.SpaceHorizon, Name: "years"}:
		k.labeled(name+" above "+strconv.Itoa(MaxHorizonYears), func() { b.PAtMost(x, k.konst(decimal.NewFromInt(MaxHorizonYears))) })
	case a.Key == key.Scalar(key.Price) && !m.Dilution.IsZero() && m.Dilution.Basis == AtPrice:
		k.labeled(name+" not above 0, and the dilution is at the price", func() { b.PPositive(x) })
	}
}

// user returns a year's MAU and DAU; DAU follows MAU when linked.
func (k *kernel) user(y int) (exact.Poly, exact.Poly) {
	if r, ok := k.users[y]; ok {
		return r[0], r[1]
	}
	p := k.q.p
	u := p.m.Plan.Users[y]
	mauKey, dauKey := key.Forecast(y, "", string(segments.MAU)), key.Forecast(y, "", string(segments.DAU))
	mau, dau := k.leaf(mauKey, u.MAU), k.leaf(dauKey, u.DAU)
	_, mauMoved := k.move[mauKey]
	_, dauMoved := k.move[dauKey]
	if p.opts.LinkDAU && mauMoved && !dauMoved && u.MAU.Sign() > 0 {
		dau = k.b.PQuo(k.b.PMul(k.konst(u.DAU), mau), k.konst(u.MAU), segments.DivPlaces)
	}
	k.users[y] = [2]exact.Poly{mau, dau}
	return mau, dau
}

// segmentLines returns every line of segment j in year y, compiled from its driver's
// Spec; lines the forecast leaves out when zero (OmitZero) are kept: an output that
// reads one checks it is not zero.
func (k *kernel) segmentLines(y, j int) map[string]exact.Poly {
	if l, ok := k.lines[[2]int{y, j}]; ok {
		return l
	}
	p := k.q.p
	s := p.m.Plan.Segments[j]
	d := s.Drivers[y]
	if d == nil { // not started: a line of it is an error on the decimal path
		k.refuse(0, "a line of a segment not started")
		return map[string]exact.Poly{}
	}
	spec, vals := d.Spec(), d.Values()
	mau, dau := k.user(y)
	env := map[segments.Metric]exact.Poly{segments.MAU: mau, segments.DAU: dau}
	for i, in := range spec.Inputs {
		env[in.Metric] = k.leaf(key.Forecast(y, s.Name, string(in.Metric)), vals[i])
	}
	// prev is a line of the previous plan year, when the segment ran in it.
	prev := func(m segments.Metric) (exact.Poly, bool) {
		i := slices.Index(p.m.Plan.Years, y)
		if i < 1 || s.Drivers[p.m.Plan.Years[i-1]] == nil {
			return exact.Poly{}, false
		}
		r, ok := k.segmentLines(p.m.Plan.Years[i-1], j)[string(m)]
		return r, ok
	}
	out := map[string]exact.Poly{}
	for _, l := range spec.Lines {
		var r exact.Poly
		k.labeled(key.Forecast(y, s.Name, string(l.Metric)).String()+" divides by zero", func() { r = k.formula(l.Formula, env, prev) })
		env[l.Metric] = r
		out[string(l.Metric)] = r
	}
	out[string(segments.OwnUsers)] = env[spec.Users()] // env holds mau too
	k.lines[[2]int{y, j}] = out
	return out
}

// line returns a segment's figure as Year.Line finds it: its own line, else the
// platform's MAU or DAU.
func (k *kernel) line(y, j int, metric string) exact.Poly {
	if r, ok := k.segmentLines(y, j)[metric]; ok {
		return r
	}
	mau, dau := k.user(y)
	switch segments.Metric(metric) {
	case segments.MAU:
		return mau
	case segments.DAU:
		return dau
	}
	k.refuse(0, "a figure no segment has")
	return exact.Poly{}
}

// formula compiles a driver formula as segments.Formula.Eval evaluates it: the same walk
// (segments.Algebra.Fold) in the kernel's polynomials.
func (k *kernel) formula(f segments.Formula, env map[segments.Metric]exact.Poly, prev func(segments.Metric) (exact.Poly, bool)) exact.Poly {
	b := k.b
	alg := segments.Algebra[exact.Poly]{Const: k.konst, Add: b.PAdd, Mul: b.PMul, Min: b.PMin, Max: b.PMax,
		Quo: func(num, den exact.Poly) (exact.Poly, error) { return b.PQuo(num, den, segments.DivPlaces), nil }}
	v, _ := alg.Fold(f, func(m segments.Metric) exact.Poly { return env[m] }, prev) // no error: a zero divisor fails the run
	return v
}

// part returns part i's figure, multiple and value, as Multiple values it: value =
// multiple × figure × FX, the multiple average × (1 + premium) when either moves; a
// Fixed part's value is its amount.
func (k *kernel) part(i int) (figure, multiple, value exact.Poly) {
	p := k.q.p
	part, pv := p.m.Parts[i], p.base.Parts[i]
	if f, ok := part.Method.(Fixed); ok { // the amount, whatever moves: no figure or multiple
		zero := k.konst(decimal.Decimal{})
		return zero, zero, k.konst(f.Amount)
	}
	if e, ok := part.Method.(Expression); ok { // the formula over the segment's lines, converted
		zero := k.konst(decimal.Decimal{})
		return zero, zero, k.b.PMul(k.expression(i, e.Formula), k.rate(pv.FX))
	}
	figure = k.partFigure(i)
	avgKey, premKey := key.Part(part.Segment, "average"), key.Part(part.Segment, "premium")
	_, avgMoved := k.move[avgKey]
	_, premMoved := k.move[premKey]
	_, converted := k.avg[i]
	converted = converted || k.agg[i]
	multiple = k.konst(pv.Multiple.Value)
	if avgMoved || premMoved || converted {
		prem := k.leaf(premKey, pv.Multiple.Premium)
		multiple = k.b.PMul(k.average(i), k.b.PAdd(k.konst(decimal.NewFromInt(1)), prem))
	}
	value = k.b.PMul(k.b.PMul(multiple, figure), k.rate(pv.FX))
	return figure, multiple, value
}

// expression compiles an Expression's formula over part i's segment's lines in the
// valuation year, as Expression.Value evaluates it: each reference a line of the
// segment (else the platform's MAU or DAU), prev() at its default.
func (k *kernel) expression(i int, f segments.Formula) exact.Poly {
	p := k.q.p
	j := slices.IndexFunc(p.m.Plan.Segments, func(s segments.Segment) bool { return s.Name == p.m.Parts[i].Segment })
	env := map[segments.Metric]exact.Poly{}
	omit := map[segments.Metric]bool{}
	own := segments.MAU // what "users" reads, as a Year's line finds it
	if d := p.m.Plan.Segments[j].Drivers[p.m.Year]; d != nil {
		own = d.Spec().Users()
	}
	for _, l := range specLines(p.m.Plan.Segments[j].Drivers[p.m.Year]) {
		omit[l.Metric] = l.OmitZero
	}
	f.Walk(func(g segments.Formula) {
		if g.Op == segments.OpRef {
			env[g.Ref] = k.line(p.m.Year, j, string(g.Ref))
			if omit[g.Ref] || g.Ref == segments.OwnUsers && omit[own] { // the forecast leaves it out at zero: Expression.Value finds no line
				k.labeled(key.Part(p.m.Parts[i].Segment, "value").String()+" reads "+string(g.Ref)+", a line the forecast leaves out at zero, at zero",
					func() { k.b.PNonZero(env[g.Ref]) })
			}
		}
	})
	defer k.b.Because(key.Part(p.m.Parts[i].Segment, "value").String() + " divides by zero")()
	return k.formula(f, env, func(segments.Metric) (exact.Poly, bool) { return exact.Poly{}, false })
}

// average is part i's comparables' aggregate: the point's when it moves, the head's when
// a moved FX rate converts the comparables, else the base's.
func (k *kernel) average(i int) exact.Poly {
	if r, ok := k.avg[i]; ok {
		return exact.PReg(r)
	}
	p := k.q.p
	if k.agg[i] {
		if _, moved := k.move[key.Part(p.m.Parts[i].Segment, "average")]; !moved {
			if r, ok := k.aggPoly[i]; ok {
				return r
			}
			k.aggPoly[i] = k.aggregate(p.m.Parts[i].Method.(Multiple).Comps)
			return k.aggPoly[i]
		}
	}
	return k.leaf(key.Part(p.m.Parts[i].Segment, "average"), p.base.Parts[i].Multiple.Average)
}

// rate is an FX rate as comps.FX.Pair works it out (a crossed rate the product of its
// legs), each leg the point's value when it moves: inverted by comps.Rate.Inverse where
// the table gives it the other way, its places following the rate's digits. A crossed
// rate a move reaches is checked within comps.RateBounds.
func (k *kernel) rate(r comps.Rate) exact.Poly {
	legs := []comps.Rate{r}
	if r.Via != "" {
		a, errA := k.q.p.m.FX.Pair(r.From, r.Via)
		b, errB := k.q.p.m.FX.Pair(r.Via, r.To)
		if errA != nil || errB != nil {
			k.refuse(0, "a rate the FX table does not give")
			return exact.Poly{}
		}
		legs = []comps.Rate{a, b}
	}
	var out exact.Poly
	moved := false
	for i, l := range legs {
		x := k.konst(l.Rate)
		if _, ok := k.move[key.FX(string(l.To), string(l.From))]; ok { // the table gives it the other way
			x, moved = k.b.PApply(inverse, inverseFloat, k.leaf(key.FX(string(l.To), string(l.From)), decimal.Decimal{})), true
		}
		if _, ok := k.move[key.FX(string(l.From), string(l.To))]; ok {
			x, moved = k.leaf(key.FX(string(l.From), string(l.To)), l.Rate), true
		}
		if i == 0 {
			out = x
		} else {
			out = k.b.PMul(out, x)
		}
	}
	if moved && r.Via != "" { // a crossed rate within comps.RateBounds, as FX.Pair refuses one outside
		lo, hi := comps.RateBounds()
		checked := out
		if k.guarded { // checked only where the guard is not zero (earningsRate)
			checked = k.b.PSelect(k.guard, k.konst(decimal.NewFromInt(1)), out)
		}
		name := key.FX(string(r.From), string(r.To)).String() + " crossed through " + string(r.Via)
		k.labeled(name+" below "+fault.Plain(lo), func() { k.b.PNonNegative(k.b.PAdd(checked, k.konst(lo.Neg()))) })
		k.labeled(name+" above "+fault.Plain(hi), func() { k.b.PAtMost(checked, k.konst(hi)) })
	}
	return out
}

// aggregates returns the parts whose comparables a moved FX rate of q converts and whose
// aggregate the program computes (aggregate): a mean or a market-value-weighted mean.
func aggregates(q *Query) map[int]bool {
	out := map[int]bool{}
	for i, part := range q.p.m.Parts {
		mm, ok := part.Method.(Multiple)
		if !ok || !slices.ContainsFunc(q.moves, func(a Assumption) bool {
			return a.Key.Space == key.SpaceFX && convertsComparables(q.p.base.Parts[i], a.Key)
		}) {
			continue
		}
		switch mm.Comps.Aggregate.(type) {
		case nil, comps.Mean, comps.MarketValueWeighted:
			out[i] = true
		}
	}
	return out
}

// aggregate compiles a set's aggregate as comps.Set.Multiple works it out, at the
// point's FX rates: each comparable not excluded (nor, in a set that skips them, without
// a positive metric) priced (its market or enterprise value
// and, for a money metric, its metric converted to the set's currency; its multiple
// value / metric to 16 places, or the printed one, converted for a per-user one), then
// the mean (their sum over their count, 16 places) or the market-value-weighted mean (Σ
// value × multiple over Σ value). The same operations in the same order, so the same
// digits.
func (k *kernel) aggregate(set comps.Set) exact.Poly {
	b := k.b
	zero := k.konst(decimal.Decimal{})
	var sum exact.Poly
	num, den, n := zero, zero, 0
	for _, c := range set.Companies {
		if _, out := set.Exclude[c.Ticker]; out {
			continue
		}
		if m, ok := c.Metrics[set.Metric]; set.SkipUnpriced && (!ok || m.Sign() <= 0) {
			continue // left out unpriced, as comps' priceEach leaves it, whatever the rates
		}
		mv, multiple := k.price(set, c)
		if n == 0 {
			sum = multiple // decimal.Sum(first, rest...)
		} else {
			sum = b.PAdd(sum, multiple)
		}
		num, den, n = b.PAdd(num, b.PMul(mv, multiple)), b.PAdd(den, mv), n+1
	}
	if _, weighted := set.Aggregate.(comps.MarketValueWeighted); weighted {
		k.labeled(set.Name+": market value not above 0", func() { b.PPositive(den) })
		return b.PQuo(num, den, segments.DivPlaces)
	}
	if n == 0 {
		k.refuse(0, "a set with no comparable priced")
		return zero
	}
	return b.PQuo(sum, k.konst(decimal.NewFromInt(int64(n))), segments.DivPlaces)
}

// price is a comparable of set priced at the point's FX rates, as comps' price does: its
// market or enterprise value converted to the set's currency, and its multiple (value /
// metric to 16 places, a money metric converted, or its printed one, converted for a
// per-user one).
func (k *kernel) price(set comps.Set, c comps.Company) (mv, multiple exact.Poly) {
	mv, metric, printed, ok := k.priced(set, c)
	if !ok {
		return mv, mv
	}
	if printed != nil {
		return mv, *printed
	}
	defer k.b.Because(set.Name + ": " + c.Ticker + "'s " + set.Metric.String() + " zero")()
	return mv, k.b.PQuo(mv, metric, segments.DivPlaces)
}

// priced is a comparable of set at the point's FX rates, as comps' price works it out
// before its multiple: its market or enterprise value and its metric, each converted to
// the set's currency (the metric where it is money), and its printed multiple (converted
// for a per-user one) or nil; false when it cannot be priced.
func (k *kernel) priced(set comps.Set, c comps.Company) (mv, metric exact.Poly, printed *exact.Poly, ok bool) {
	b, fx := k.b, k.q.p.m.FX
	cur := set.Currency
	if cur == "" {
		cur = set.Companies[0].Currency
	}
	convert := func(x decimal.Decimal, from comps.Currency) exact.Poly {
		if from == cur {
			return k.konst(x)
		}
		r, err := fx.Pair(from, cur)
		if err != nil {
			k.refuse(0, "a rate the FX table does not give")
			return k.konst(x)
		}
		return b.PMul(k.konst(x), k.rate(r))
	}
	value := c.MarketCap
	if set.Enterprise {
		value = c.EnterpriseValue
	}
	v, err := value()
	if err != nil {
		k.refuse(0, "a comparable without a market value")
		return k.konst(v), k.konst(v), nil, false
	}
	mv = convert(v, c.Currency)
	metric = k.konst(c.Metrics[set.Metric])
	if set.Money {
		from := c.Reporting
		if from == "" {
			from = c.Currency
		}
		metric = convert(c.Metrics[set.Metric], from)
	}
	if p, ok := c.Multiples[set.Metric]; ok && set.Money {
		x := k.konst(p)
		printed = &x
	} else if ok {
		x := convert(p, c.Currency)
		printed = &x
	}
	return mv, metric, printed, true
}

// inverse is an FX rate taken the other way round, as comps.FX.Pair takes it: the one
// rule (comps.Rate.Inverse), whose places depend on the rate's digits, run by the kernel
// as it is.
func inverse(d decimal.Decimal) decimal.Decimal { return comps.Rate{Rate: d}.Inverse().Rate }

// inverseFloat is inverse in float64, for the program run in float64 (Evaluator.Float).
func inverseFloat(x float64) float64 { return 1 / x }

// convertsComparables reports whether an FX rate converts the comparables of a part
// valued: its sets' multiples move with it.
func convertsComparables(pv PartValue, fx key.Key) bool {
	return slices.ContainsFunc(pv.Multiple.Rates, func(r comps.Rate) bool { return reaches(r, fx) })
}

// reaches reports whether the FX rate fx is r or one of its legs, either way round.
func reaches(r comps.Rate, fx key.Key) bool {
	legs := [][2]comps.Currency{{r.From, r.To}}
	if r.Via != "" {
		legs = [][2]comps.Currency{{r.From, r.Via}, {r.Via, r.To}}
	}
	return slices.ContainsFunc(legs, func(l [2]comps.Currency) bool {
		return fx == key.FX(string(l[0]), string(l[1])) || fx == key.FX(string(l[1]), string(l[0]))
	})
}

// equity is the bridge from the sum to equity, as Model.bridge works it out, line by
// line in the same order; the sum itself without a bridge.
func (k *kernel) equity(sum exact.Poly) exact.Poly {
	p := k.q.p
	br := p.m.Bridge
	if br.IsZero() {
		return sum
	}
	b := k.b
	minus := k.konst(decimal.NewFromInt(-1))
	equity, stakes := sum, k.konst(decimal.Decimal{})
	for _, it := range br.Items {
		r, err := p.m.FX.Pair(it.Currency, p.m.Currency)
		f := it.Kind.Formula()
		if err != nil || f.Op == 0 {
			k.refuse(0, "a bridge item at a rate the FX table does not give")
			return exact.Poly{}
		}
		env := map[segments.Metric]exact.Poly{"rate": k.rate(r)}
		for _, name := range []segments.Metric{"amount", "shares", "price", "discount"} {
			env[name] = k.leaf(key.Key{Space: key.SpaceBridge, Item: it.Name, Name: string(name)}, it.field(name))
		}
		v := k.formula(f, env, func(segments.Metric) (exact.Poly, bool) { return exact.Poly{}, false }) // ItemKind.Formula, as Item.value
		k.bridgeLines[it.Name] = v
		if it.Kind == ListedStake || it.Kind == UnlistedStake {
			stakes = b.PAdd(stakes, v)
		}
		equity = b.PAdd(equity, v)
	}
	hk := key.Key{Space: key.SpaceBridge, Item: "holdco", Name: "discount"}
	if _, moved := k.move[hk]; moved || !br.HoldcoDiscount.IsZero() {
		base := equity
		if br.HoldcoBase == OnStakes {
			base = stakes
		}
		h := k.leaf(hk, br.HoldcoDiscount)
		line := b.PMul(b.PMul(base, h), minus)
		k.bridgeLines[holdcoLine], k.holdco = line, h
		// at zero the bridge has no line of it, and equity keeps its exponent
		equity = b.PSelect(h, equity, b.PAdd(equity, line))
	}
	return equity
}

// partFigure returns the figure part i prices, checked positive.
func (k *kernel) partFigure(i int) exact.Poly {
	if r, ok := k.fig[i]; ok {
		return r
	}
	p := k.q.p
	part := p.m.Parts[i]
	j := slices.IndexFunc(p.m.Plan.Segments, func(s segments.Segment) bool { return s.Name == part.Segment })
	figure := k.line(p.m.Year, j, string(part.Method.(Multiple).Metric))
	if k.ok {
		k.labeled(key.Part(part.Segment, "metric").String()+" not above 0", func() { k.b.PPositive(figure) })
	}
	k.fig[i] = figure
	return figure
}

// sum is the sum of the parts' values.
func (k *kernel) sum() exact.Poly {
	sum := k.konst(decimal.Decimal{}) // Result.Sum starts at the zero Decimal, exponent 0
	for i := range k.q.p.m.Parts {
		_, _, v := k.part(i)
		sum = k.b.PAdd(sum, v)
	}
	return sum
}

// scalar compiles a scalar output: the sum, equity, the value a share before and after
// the horizon's discount, the upside, the share count, the discount and the price; false
// for one the kernel does not work out.
func (k *kernel) scalar(o key.Key) (exact.Poly, bool) {
	p, b, name := k.q.p, k.b, o.Name
	switch name {
	case key.Shares, key.Diluted: // without a dilution (the stage after equity works out one)
		return k.leaf(key.Scalar(key.Shares), p.m.Shares), true
	case key.Discount:
		return k.konst(p.base.Discount), true // a horizon that moves is the stage's
	case key.Price:
		return k.leaf(key.Scalar(key.Price), p.m.Price), true
	}
	sum := k.sum()
	if name == key.Sum {
		return sum, true
	}
	equity := k.equity(sum)
	if name == key.Equity {
		return equity, true
	}
	undiscounted := b.PQuo(equity, k.leaf(key.Scalar(key.Shares), p.m.Shares), segments.DivPlaces)
	if name == key.Undiscounted {
		return undiscounted, true
	}
	target := undiscounted
	if !p.m.Horizon.IsZero() { // Round(DivPlaces), as DivRound by 1 rounds: half away from zero
		target = b.PQuo(b.PMul(undiscounted, k.konst(p.base.Discount)), k.konst(decimal.NewFromInt(1)), segments.DivPlaces)
	}
	switch name {
	case key.Target:
		return target, true
	case key.Upside:
		price := k.leaf(key.Scalar(key.Price), p.m.Price)
		k.labeled(key.Price+" not above 0: no upside", func() { b.PPositive(price) })
		return b.PAdd(b.PQuo(target, price, segments.DivPlaces), k.konst(decimal.NewFromInt(-1))), true
	}
	return exact.Poly{}, false
}

// output compiles one output key; outside the kernel's reach it marks the kernel not ok.
func (k *kernel) output(o key.Key) exact.Poly {
	var r exact.Poly
	ok := false
	if output := kindOfKey(o.Space).output; output != nil {
		r, ok = output(k, o)
	}
	if !ok {
		k.refuse(0, "output "+o.String())
		return exact.Poly{}
	}
	return r
}

// methodKind is the kind of node a part's method is.
func methodKind(m Method) nodes.Kind {
	switch m.(type) {
	case Multiple:
		return nodes.Multiple
	case Fixed:
		return nodes.Fixed
	case Expression:
		return nodes.Expression
	}
	return nodes.Method
}

// partOutput compiles a part's figure: its value, multiple, metric, average, premium
// or FX rate; false for one the kernel does not work out (a fixed part's average or FX).
func (k *kernel) partOutput(o key.Key) (exact.Poly, bool) {
	p := k.q.p
	i := slices.IndexFunc(p.m.Parts, func(part Part) bool { return part.Segment == o.Segment })
	figure, multiple, value := k.part(i)
	_, fixed := p.m.Parts[i].Method.(Fixed)
	switch o.Name {
	case "value":
		return value, true
	case "multiple":
		return multiple, true
	case "metric":
		return figure, true
	case "average":
		return k.average(i), !fixed
	case "premium":
		return k.leaf(o, must(p.base.Lookup(o))), true
	case "fx":
		if !fixed {
			return k.rate(p.base.Parts[i].FX), true
		}
	}
	return exact.Poly{}, false
}

// forecastOutput compiles a forecast figure: a segment's line (checked not zero where
// the forecast leaves it out at zero), or the platform's MAU, DAU or revenue.
func (k *kernel) forecastOutput(o key.Key) (exact.Poly, bool) {
	p, b := k.q.p, k.b
	if o.Segment != "" {
		j := slices.IndexFunc(p.m.Plan.Segments, func(s segments.Segment) bool { return s.Name == o.Segment })
		r := k.line(o.Year, j, o.Name)
		name := segments.Metric(o.Name)
		if d := p.m.Plan.Segments[j].Drivers[o.Year]; d != nil && name == segments.OwnUsers {
			name = d.Spec().Users() // the segment's own users: its user base's line
		}
		for _, l := range specLines(p.m.Plan.Segments[j].Drivers[o.Year]) {
			if l.OmitZero && l.Metric == name {
				k.labeled(o.String()+", a line the forecast leaves out at zero, at zero", func() { b.PNonZero(r) }) // the forecast leaves it out when zero, and Lookup fails
			}
		}
		return r, true
	}
	mau, dau := k.user(o.Year)
	switch segments.Metric(o.Name) {
	case segments.MAU:
		return mau, true
	case segments.DAU:
		return dau, true
	case segments.Revenue:
		sum := k.konst(decimal.Decimal{})
		for j, seg := range p.m.Plan.Segments {
			if seg.Drivers[o.Year] != nil { // a segment not started adds no revenue
				sum = b.PAdd(sum, k.line(o.Year, j, string(segments.Revenue)))
			}
		}
		return sum, true
	}
	return exact.Poly{}, false
}

// specLines is a driver's lines; none for a segment not started (no driver).
func specLines(d segments.Driver) []segments.LineSpec {
	if d == nil {
		return nil
	}
	return d.Spec().Lines
}

// must returns a figure that the query checked exists.
func must(d decimal.Decimal, _ error) decimal.Decimal { return d }
