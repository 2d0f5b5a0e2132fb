package valuation

import (
	"slices"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/earnings"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/jsonx"
	"github.com/sotpkit/sotp/valuation/internal/table"
	"github.com/sotpkit/sotp/valuation/key"
)

// Kind says what an assumption counts, and so which values it may take.
type Kind int

// Kinds of assumption.
const (
	KindUsers    Kind = iota + 1 // millions of users: MAU above zero, DAU in [0, MAU]
	KindRate                     // a fraction in [0, 1]: paying ratio, penetration, take rate
	KindMargin                   // a fraction in [-1, 1]
	KindMoney                    // currency units per user or millions, not negative
	KindMultiple                 // a comparable set's aggregate multiple, above zero
	KindPremium                  // a premium on a multiple, above -1 (a discount is negative)
	KindFX                       // units of one currency per unit of another, above zero
	KindShares                   // millions of shares, above zero
	KindPrice                    // a share price, not negative
)

var kindNames = [...]string{KindUsers: "users", KindRate: "rate", KindMargin: "margin", KindMoney: "money",
	KindMultiple: "multiple", KindPremium: "premium", KindFX: "fx", KindShares: "shares", KindPrice: "price"}

// String returns the kind's name, e.g. "rate".
func (k Kind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// kindOf is the kind of a driver input of range r.
func kindOf(r segments.Range) Kind {
	switch r {
	case segments.UnitRate:
		return KindRate
	case segments.SignedRate:
		return KindMargin
	}
	return KindMoney
}

// Assumption is one input of a model that a point can move, with its base value.
type Assumption struct {
	Key  key.Key
	Kind Kind
	Base decimal.Decimal
}

// Override sets one assumption to a value. In JSON it is {"name": KEY, "value": DECIMAL},
// the key in its text form.
type Override struct {
	Key   key.Key         `json:"name"`
	Value decimal.Decimal `json:"value"`
}

// PrepareOptions configures a prepared model; the zero value is the default.
type PrepareOptions struct {
	// LinkDAU holds each year's DAU/MAU ratio when its MAU moves and its DAU is not set
	// too: DAU moves with MAU, as base DAU × MAU / base MAU to DivPlaces. Without it MAU
	// moves alone.
	LinkDAU bool
}

// Prepared is a model made ready to be valued at many points: it is valued once in full,
// its comparable sets' multiples worked out, and its assumptions listed with their
// keys. Value values it at a point in full; Query compiles a list of moved assumptions
// and outputs into what a sweep evaluates point after point, recomputing only what the
// moves reach. Every figure it gives is identical, value and exponent, to Model.Value
// of the model with the point's values set. A Prepared is immutable and safe for
// concurrent use.
//
// Query compiles into an exact kernel (valuation/internal/exact) derived from the
// drivers' formulas: every figure the point does not move is folded into exact
// constants, the rest is a polynomial in the moved assumptions, and an Evaluator runs it
// point after point in reused registers of two machine words, falling back to big.Int
// past them. A point the kernel cannot vouch for takes Model.Value's own path, so the two
// agree in value and exponent. The sensitivity package is a client of it.
type Prepared struct {
	m     Model // the model's own deep copy, never written to
	base  Result
	opts  PrepareOptions
	list  []Assumption
	index map[key.Key]int
	// chained reports a driver formula that reads the previous year (segments.OpPrev): a
	// year's figures then hang on every year before it, which a cut-down model keeps.
	chained bool
}

// Prepare values m in full and returns it prepared; m must value without error. The
// prepared model works on its own deep copy (Model.Clone), as of m's date (a model with a
// Market has its comparables and FX rates taken as of AsOf, and the market cleared):
// changing m's maps afterwards does not change it.
func (m Model) Prepare(o PrepareOptions) (*Prepared, error) {
	m, notes, err := m.Clone().resolve()
	if err != nil {
		return nil, err
	}
	r, err := m.Value()
	if err != nil {
		return nil, err
	}
	r.Warnings = append(r.Warnings, notes...) // what only the market showed: it is cleared now
	p := &Prepared{m: m, base: r, opts: o, index: map[key.Key]int{}, chained: chains(m.Plan)}
	p.addForecast()
	p.addValuation()
	return p, nil
}

// chains reports a plan some formula of which reads last year's value of a line (prev).
func chains(plan segments.Plan) bool {
	chained := false
	for _, s := range plan.Segments {
		for _, d := range s.Drivers {
			if d == nil {
				continue // a year before the segment starts
			}
			for _, l := range d.Spec().Lines {
				l.Formula.Walk(func(f segments.Formula) { chained = chained || f.Op == segments.OpPrev })
			}
		}
	}
	return chained
}

// add lists the assumption k, of its kind, at its base value.
func (p *Prepared) add(k key.Key, kind Kind, base decimal.Decimal) {
	p.index[k] = len(p.list)
	p.list = append(p.list, Assumption{Key: k, Kind: kind, Base: base})
}

// addForecast lists the plan's assumptions: each year's users, then each segment's
// driver inputs.
func (p *Prepared) addForecast() {
	m := p.m
	for _, y := range m.Plan.Years {
		u := m.Plan.Users[y]
		p.add(key.Forecast(y, "", string(segments.MAU)), KindUsers, u.MAU)
		p.add(key.Forecast(y, "", string(segments.DAU)), KindUsers, u.DAU)
		for _, s := range m.Plan.Segments {
			d := s.Drivers[y]
			if d == nil { // the segment starts later
				continue
			}
			vals := d.Values()
			for i, in := range d.Spec().Inputs {
				p.add(key.Forecast(y, s.Name, string(in.Metric)), kindOf(in.Range), vals[i])
			}
		}
	}
}

// addValuation lists the valuation's assumptions: each priced part's average and
// premium, the FX rates, the share count and price, the P&L's share counts, then the
// bridge's, the dilution's and the horizon's.
func (p *Prepared) addValuation() {
	m := p.m
	for i, part := range m.Parts {
		if _, ok := part.Method.(Multiple); ok {
			p.add(key.Part(part.Segment, "average"), KindMultiple, p.base.Parts[i].Multiple.Average)
			p.add(key.Part(part.Segment, "premium"), KindPremium, p.base.Parts[i].Multiple.Premium)
		}
	}
	for _, rate := range m.FX.Rates() {
		p.add(key.FX(string(rate.From), string(rate.To)), KindFX, rate.Rate)
	}
	p.add(key.Scalar(key.Shares), KindShares, m.Shares)
	p.add(key.Scalar(key.Price), KindPrice, m.Price)
	for _, y := range m.Plan.Years {
		if s, ok := m.Earnings.Shares[y]; ok {
			p.add(key.Key{Space: key.SpacePnL, Year: y, Name: "shares"}, KindShares, s)
		}
	}
	p.addBridge()
	for _, t := range m.Dilution.Tranches {
		p.add(key.Key{Space: key.SpaceDilution, Item: t.Name, Name: "count"}, KindMoney, t.Count)
		p.add(key.Key{Space: key.SpaceDilution, Item: t.Name, Name: "strike"}, KindPrice, t.Strike)
	}
	if !m.Horizon.IsZero() {
		p.add(key.Key{Space: key.SpaceHorizon, Name: "rate"}, KindRate, m.Horizon.Rate)
		p.add(key.Key{Space: key.SpaceHorizon, Name: "years"}, KindMoney, m.Horizon.Years)
	}
}

// addBridge lists each bridge item's figures (a listed stake's shares and price, any
// other's amount, a stake's discount) and the holding-company discount.
func (p *Prepared) addBridge() {
	for _, it := range p.m.Bridge.Items {
		item := func(field string, kind Kind, v decimal.Decimal) {
			p.add(key.Key{Space: key.SpaceBridge, Item: it.Name, Name: field}, kind, v)
		}
		if it.Kind == ListedStake {
			item("shares", KindMoney, it.Shares)
			item("price", KindPrice, it.Price)
		} else {
			item("amount", KindMoney, it.Amount)
		}
		if it.Kind == ListedStake || it.Kind == UnlistedStake {
			item("discount", KindRate, it.Discount)
		}
	}
	if !p.m.Bridge.IsZero() {
		p.add(key.Key{Space: key.SpaceBridge, Item: "holdco", Name: "discount"}, KindRate, p.m.Bridge.HoldcoDiscount)
	}
}

// Result returns the model valued at its base. Its slices and maps are the prepared
// model's: read them, do not write to them.
func (p *Prepared) Result() Result { return p.base }

// Model returns the prepared model's own copy of the model, deep-copied (Model.Clone), as
// of its date: its comparables and FX rates as the market gave them, no Market left.
func (p *Prepared) Model() Model { return p.m.Clone() }

// Assumptions lists every assumption of the model that a point can move, with its base
// value: users and driver inputs year by year, then each Multiple part's average and
// premium, the FX rates, the share count, the price, the P&L's share counts, the bridge
// items' figures and the holding-company discount, the tranches' counts and strikes and
// the horizon's rate and period.
func (p *Prepared) Assumptions() []Assumption { return slices.Clone(p.list) }

// Assumption returns the assumption k names. A key that names none is a *fault.Error
// wrapping fault.ErrUnknownAssumption; the average or premium of a part whose method is not a
// Multiple wraps fault.ErrNotMovable.
func (p *Prepared) Assumption(k key.Key) (Assumption, error) {
	if i, ok := p.index[k]; ok {
		return p.list[i], nil
	}
	if k.Space == key.SpacePart && (k.Name == "average" || k.Name == "premium") {
		for _, part := range p.m.Parts {
			if part.Segment == k.Segment {
				return Assumption{}, &fault.Error{Pkg: "valuation", Field: "assumption", Value: strconv.Quote(k.String()), Err: fault.ErrNotMovable}
			}
		}
	}
	return Assumption{}, &fault.Error{Pkg: "valuation", Field: "assumption", Value: strconv.Quote(k.String()), Err: fault.ErrUnknownAssumption}
}

// Value values the model at a point in full: every year, part and P&L figure, as
// Model.Value of the model with each override's assumption set to its value. An
// assumption set twice is fault.ErrDuplicateAssumption.
func (p *Prepared) Value(point ...Override) (Result, error) {
	moves, vals, err := p.split(point)
	if err != nil {
		return Result{}, err
	}
	m, mults, err := p.apply(nil, moves, vals)
	if err != nil {
		return Result{}, err
	}
	return m.value(mults)
}

// With returns the model with each override's assumption set to its value: the model
// that Value values, as a model of its own (to write as a file or a workbook). A part's
// premium is set on its comparable set. A peers' average is worked out from the
// comparables, not held by the model, and cannot be set: fault.ErrUnsupported naming it
// (move the part's premium instead). The model shares no map or slice that it changes
// with the prepared one.
func (p *Prepared) With(point ...Override) (Model, error) {
	moves, vals, err := p.split(point)
	if err != nil {
		return Model{}, err
	}
	m, _, err := p.apply(nil, moves, vals)
	if err != nil {
		return Model{}, err
	}
	copied := false
	for i, a := range moves {
		if a.Key.Space != key.SpacePart {
			continue
		}
		if a.Key.Name == "average" {
			return Model{}, &fault.Error{Pkg: "valuation", Key: a.Key, Field: a.Key.String(),
				Value: "a peers' average is worked out from the comparables: move part/" + a.Key.Segment + "/premium instead", Err: fault.ErrUnsupported}
		}
		if !copied { // the prepared model's parts are not written to
			m.Parts, copied = slices.Clone(m.Parts), true
		}
		j := slices.IndexFunc(m.Parts, func(part Part) bool { return part.Segment == a.Key.Segment })
		mm := m.Parts[j].Method.(Multiple) // Assumption found a premium: the part is a Multiple
		mm.Comps.Premium = vals[i]
		m.Parts[j].Method = mm
	}
	return m, nil
}

// split resolves a point's keys.
func (p *Prepared) split(point []Override) ([]Assumption, []decimal.Decimal, error) {
	moves := make([]Assumption, len(point))
	vals := make([]decimal.Decimal, len(point))
	for i, o := range point {
		a, err := p.Assumption(o.Key)
		if err != nil {
			return nil, nil, err
		}
		if slices.ContainsFunc(moves[:i], func(b Assumption) bool { return b.Key == a.Key }) {
			return nil, nil, &fault.Error{Pkg: "valuation", Field: "assumption", Value: strconv.Quote(o.Key.String()), Err: fault.ErrDuplicateAssumption}
		}
		moves[i], vals[i] = a, o.Value
	}
	return moves, vals, nil
}

// scope is what part of the model a set of outputs reads: the years to forecast (nil:
// all), and whether the P&L and the price are needed.
type scope struct {
	years []int
	pnl   bool
	price bool
}

// apply returns the model with each move set to its value, cut down to the scope (nil:
// the whole model), and the multiple of each part worked out (nil for a part whose
// method is not a Multiple). Maps and slices of the prepared model are copied before
// they are changed, never written to.
func (p *Prepared) apply(sc *scope, moves []Assumption, vals []decimal.Decimal) (Model, []*comps.SetMultiple, error) {
	a := &applied{p: p, m: p.m, average: make([]*decimal.Decimal, len(p.m.Parts)), premium: make([]*decimal.Decimal, len(p.m.Parts))}
	if sc != nil {
		a.cut(sc, moves)
	}
	for i, mv := range moves {
		a.set(mv.Key, &vals[i])
	}
	a.linkDAU()
	return a.multiples()
}

// applied is a prepared model with a point being set on it: the model, copied as far as
// the moves write to it, and what the moves leave to work out at the end (DAU linked to
// a moved MAU, the FX table, the parts' multiples).
type applied struct {
	p                  *Prepared
	m                  Model
	users              map[int]segments.Users
	mauMoved, dauMoved []int
	copied             []bool // the segments whose drivers are the point's own
	fxRates            []comps.Rate
	average, premium   []*decimal.Decimal // each part's, when moved
}

// cut cuts the model down to the scope: the P&L and the price only when read, and the
// years the outputs and moves read (and, when a formula reads last year, every year
// before them, and every year after a moved forecast figure, which may read it), and for
// a segment that runs in none of those its first year.
func (a *applied) cut(sc *scope, moves []Assumption) {
	if !sc.pnl {
		a.m.Earnings = earnings.PnL{}
	}
	if !sc.price {
		a.m.Price = decimal.Decimal{} // no upside or rating to work out
	}
	years := sc.years
	for _, mv := range moves {
		if (mv.Key.Space == key.SpaceForecast || mv.Key.Space == key.SpacePnL) && !slices.Contains(years, mv.Key.Year) {
			years = append(slices.Clip(years), mv.Key.Year)
		}
		if a.p.chained && mv.Key.Space == key.SpaceForecast { // a later year reads it through prev(), and may fail
			years = append(slices.Clip(years), slices.Max(a.p.m.Plan.Years))
		}
	}
	for _, s := range a.p.m.Plan.Segments { // a segment keeps a year it runs in: a plan has none without
		if !slices.ContainsFunc(years, func(y int) bool { return s.Drivers[y] != nil }) {
			if first := slices.IndexFunc(a.p.m.Plan.Years, func(y int) bool { return s.Drivers[y] != nil }); first >= 0 {
				years = append(slices.Clip(years), a.p.m.Plan.Years[first])
			}
		}
	}
	last := slices.Max(years)
	a.m.Plan.Years = make([]int, 0, len(years))
	for _, y := range a.p.m.Plan.Years {
		if slices.Contains(years, y) || a.p.chained && y < last {
			a.m.Plan.Years = append(a.m.Plan.Years, y)
		}
	}
}

// set sets one assumption to *v, copying what of the model it writes to.
func (a *applied) set(k key.Key, v *decimal.Decimal) { kindOfKey(k.Space).set(a, k, v) }

// rate sets an FX rate of the table, copied.
func (a *applied) rate(k key.Key, v *decimal.Decimal) {
	if a.fxRates == nil {
		a.fxRates = a.m.FX.Rates()
	}
	for j := range a.fxRates {
		if string(a.fxRates[j].From) == k.From && string(a.fxRates[j].To) == k.To {
			a.fxRates[j].Rate = *v
		}
	}
}

// tranche sets a tranche's count or strike, the tranches copied.
func (a *applied) tranche(k key.Key, v *decimal.Decimal) {
	ts := slices.Clone(a.m.Dilution.Tranches)
	j := slices.IndexFunc(ts, func(t Tranche) bool { return t.Name == k.Item })
	if k.Name == "count" {
		ts[j].Count = *v
	} else {
		ts[j].Strike = *v
	}
	a.m.Dilution.Tranches = ts
}

// bridge sets a bridge item's amount, shares, price or discount, or the holding-company
// discount.
func (a *applied) bridge(k key.Key, v *decimal.Decimal) {
	if k.Item == "holdco" {
		a.m.Bridge.HoldcoDiscount = *v
		return
	}
	items := slices.Clone(a.m.Bridge.Items)
	j := slices.IndexFunc(items, func(it Item) bool { return it.Name == k.Item })
	switch k.Name {
	case "amount":
		items[j].Amount = *v
	case "shares":
		items[j].Shares = *v
	case "price":
		items[j].Price = *v
	case "discount":
		items[j].Discount = *v
	}
	a.m.Bridge.Items = items
}

// forecast sets a year's users or a segment's driver input.
func (a *applied) forecast(k key.Key, v *decimal.Decimal) {
	m, p := &a.m, a.p
	if k.Segment == "" {
		if a.users == nil {
			a.users = make(map[int]segments.Users, len(p.m.Plan.Years))
			for _, y := range p.m.Plan.Years {
				a.users[y] = p.m.Plan.Users[y]
			}
			m.Plan.Users = a.users
		}
		u := a.users[k.Year]
		if k.Name == string(segments.MAU) {
			u.MAU, a.mauMoved = *v, append(a.mauMoved, k.Year)
		} else {
			u.DAU, a.dauMoved = *v, append(a.dauMoved, k.Year)
		}
		a.users[k.Year] = u
		return
	}
	if a.copied == nil {
		m.Plan.Segments = slices.Clone(m.Plan.Segments)
		a.copied = make([]bool, len(m.Plan.Segments))
	}
	j := slices.IndexFunc(m.Plan.Segments, func(s segments.Segment) bool { return s.Name == k.Segment })
	s := &m.Plan.Segments[j]
	if !a.copied[j] {
		s.Drivers, a.copied[j] = cloneDrivers(s.Drivers), true
	}
	s.Drivers[k.Year], _ = segments.With(s.Drivers[k.Year], segments.Metric(k.Name), *v) // an input: Assumption found it
}

// linkDAU moves each year's DAU with its moved MAU, when the options link them and the
// point does not set that DAU too.
func (a *applied) linkDAU() {
	if !a.p.opts.LinkDAU {
		return
	}
	for _, y := range a.mauMoved {
		base := a.p.m.Plan.Users[y]
		if slices.Contains(a.dauMoved, y) || base.MAU.Sign() <= 0 {
			continue
		}
		u := a.users[y]
		u.DAU = base.DAU.Mul(u.MAU).DivRound(base.MAU, segments.DivPlaces)
		a.users[y] = u
	}
}

// multiples builds the moved FX table and each Multiple part's multiple: worked out again
// when a rate moves, with the moved average and premium.
func (a *applied) multiples() (Model, []*comps.SetMultiple, error) {
	m := a.m
	if a.fxRates != nil {
		fx, err := comps.NewFX(a.fxRates...)
		if err != nil {
			return Model{}, nil, err
		}
		m.FX = fx
	}
	mults := make([]*comps.SetMultiple, len(m.Parts))
	for i, part := range m.Parts {
		mm, ok := part.Method.(Multiple)
		if !ok {
			continue
		}
		mult := a.p.base.Parts[i].Multiple
		var err error
		if a.fxRates != nil {
			if mult, err = mm.Comps.Multiple(m.FX); err != nil { // located as Model.value locates it
				return Model{}, nil, fault.Within(err, inPart(part.Segment, mm.Name()))
			}
		}
		if a.average[i] != nil {
			if mult, err = mult.WithAverage(*a.average[i]); err != nil {
				return Model{}, nil, err
			}
		}
		if a.premium[i] != nil {
			if mult, err = mult.WithPremium(*a.premium[i]); err != nil {
				return Model{}, nil, err
			}
		}
		mults[i] = &mult
	}
	return m, mults, nil
}

func cloneDrivers(d map[int]segments.Driver) map[int]segments.Driver {
	out := make(map[int]segments.Driver, len(d))
	for y, dr := range d {
		out[y] = dr
	}
	return out
}

// Scenario is a named set of overrides, such as "bear" or "bull": what a comparison of
// scenarios (sensitivity.Engine.Scenarios) and an attribution move, and, with its
// probability, a case of a probability-weighted target (Prepared.Weighted). Each override
// names a different assumption; everything not named keeps its base value.
type Scenario struct {
	Name string `json:"name"`
	// Weight is the scenario's probability, in [0, 1], read only by Weighted (whose
	// scenarios' weights sum to 1); zero, and left out of JSON, elsewhere.
	Weight decimal.Decimal `json:"weight,omitzero"`
	Set    []Override      `json:"set"`
}

// ScenarioTarget is one scenario of a weighted target, valued.
type ScenarioTarget struct {
	Name   string          `json:"name"`
	Weight decimal.Decimal `json:"weight"`
	Target decimal.Decimal `json:"target"`
}

// Weighted is each case's target beside the probability-weighted target.
type Weighted struct {
	Cases  []ScenarioTarget `json:"cases"`
	Target decimal.Decimal  `json:"target"` // Σ weight × target, exact
}

// Weighted values each case (Prepared.Value of its overrides) and weights the targets.
// The weights must each lie in [0, 1] and sum to exactly 1 (fault.ErrWeight); a case
// that cannot be valued fails the whole, naming it.
func (p *Prepared) Weighted(cases ...Scenario) (Weighted, error) {
	var out Weighted
	total := decimal.Decimal{}
	for _, c := range cases {
		if c.Weight.Sign() < 0 || c.Weight.GreaterThan(decimal.NewFromInt(1)) {
			return Weighted{}, &fault.Error{Pkg: "valuation", Field: "case " + c.Name + " weight", Value: fault.Plain(c.Weight), Err: fault.ErrWeight}
		}
		total = total.Add(c.Weight)
	}
	if len(cases) == 0 || !total.Equal(decimal.NewFromInt(1)) {
		return Weighted{}, &fault.Error{Pkg: "valuation", Field: "case weights", Value: "sum " + fault.Plain(total) + ", want 1", Err: fault.ErrWeight}
	}
	for _, c := range cases {
		r, err := p.Value(c.Set...)
		if err != nil {
			return Weighted{}, fault.Within(err, fault.Error{Pkg: "valuation", Field: "case " + c.Name})
		}
		out.Cases = append(out.Cases, ScenarioTarget{Name: c.Name, Weight: c.Weight, Target: r.Target})
		out.Target = out.Target.Add(c.Weight.Mul(r.Target))
	}
	return out, nil
}

// Text renders the weighting as a plain-text table: each case's weight and target, then
// the probability-weighted target.
func (w Weighted) Text() string { return w.table().Text() }

// Markdown renders the weighting as a Markdown table.
func (w Weighted) Markdown() string { return w.table().Markdown() }

func (w Weighted) table() table.Table {
	t := table.Table{Title: "Probability-weighted target", Header: []string{"Case", "Weight", "Target"}}
	for _, c := range w.Cases {
		t.Rows = append(t.Rows, []string{c.Name, table.Pct(c.Weight, 1), table.Num(c.Target, 2)})
	}
	t.Rows = append(t.Rows, []string{"Weighted", "", table.Num(w.Target, 2)})
	return t
}

// MarshalJSON writes the weighting in sotp's JSON contract.
func (w Weighted) MarshalJSON() ([]byte, error) { return jsonx.Marshal(w) }
