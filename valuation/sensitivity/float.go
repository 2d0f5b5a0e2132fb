package sensitivity

// This file is the float64 boundary of sotp. Monte Carlo and Sobol runs draw millions of
// points; they evaluate the model in float64 through a program compiled here from the
// decimal model, and nowhere else does a money figure pass through a float. The program
// is derived from each driver's segments.Spec (the formulas the decimal forecast
// evaluates, never a second copy) and from valuation.Multiple, Fixed and Expression
// parts, with every assumption not drawn folded into coefficients from its decimal base
// value. A min or max of what a draw moves, or a division by a sum of it, is a variable
// derived at each draw before the terms (derived); what follows equity (the dilution,
// piecewise in equity, and the horizon's discount, a power) is a stage run after the
// polynomial of equity (dilute.go). A caller's own Method has no float form
// (fault.ErrFloat). TestFloatMatchesDecimal holds the program to the decimal
// Engine.Eval within 1e-12 relative on 1,000 random points.

import (
	"maps"
	"math"
	"slices"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/key"
)

// factor is one variable of a monomial, multiplied or (inv) divided.
type factor struct {
	v   int
	inv bool
}

// mono is c × the product of its factors.
type mono struct {
	c float64
	f []factor
}

// poly is a sum of monomials.
type poly []mono

func constant(c float64) poly { return poly{{c: c}} }

func (p poly) add(q poly) poly { return append(slices.Clip(p), q...) }

func (p poly) scale(k float64) poly {
	out := make(poly, len(p))
	for i, m := range p {
		out[i] = mono{c: m.c * k, f: m.f}
	}
	return out
}

func (p poly) mul(q poly) poly {
	out := make(poly, 0, len(p)*len(q))
	for _, a := range p {
		for _, b := range q {
			out = append(out, mono{c: a.c * b.c, f: append(slices.Clip(a.f), b.f...)})
		}
	}
	return out
}

// inv is 1/p for a single monomial; a sum has no monomial inverse.
func (p poly) inv() (poly, bool) {
	if len(p) != 1 || p[0].c == 0 {
		return nil, false
	}
	f := make([]factor, len(p[0].f))
	for i, x := range p[0].f {
		f[i] = factor{x.v, !x.inv}
	}
	return poly{{c: 1 / p[0].c, f: f}}, true
}

// constant returns p's value when no variable is in it.
func (p poly) constant() (float64, bool) {
	switch {
	case len(p) == 0:
		return 0, true
	case len(p) == 1 && len(p[0].f) == 0:
		return p[0].c, true
	}
	return 0, false
}

// simplify puts each monomial's factors in order, merges monomials with the same
// factors and drops those whose coefficient is zero.
func (p poly) simplify() poly {
	var out poly
	for _, m := range p {
		f := slices.Clone(m.f)
		slices.SortFunc(f, func(a, b factor) int {
			if a.v != b.v {
				return a.v - b.v
			}
			if a.inv == b.inv {
				return 0
			}
			if a.inv {
				return 1
			}
			return -1
		})
		if i := slices.IndexFunc(out, func(o mono) bool { return slices.Equal(o.f, f) }); i >= 0 {
			out[i].c += m.c
		} else {
			out = append(out, mono{c: m.c, f: f})
		}
	}
	return slices.DeleteFunc(out, func(m mono) bool { return m.c == 0 })
}

// program is a compiled output: a sum of monomials in the drawn variables, stored flat so
// that an evaluation allocates nothing.
type program struct {
	terms []term
	fvars []int32   // every term's factors: a variable's index, or -(v+1) to divide by it
	post  *diluting // for a model that dilutes, the stage from the sum (equity) to the output
	// derived are the variables after the drawn ones, worked out from them at each
	// evaluation before the terms: a min or max of polynomials, a quotient by a sum.
	derived []derived
}

// derived is a variable no draw sets, worked out from the draw and the derived
// variables before it: the least (OpMin) or greatest (OpMax) of its arguments, or the
// first over the second (OpQuo), each a program of the variables before it.
type derived struct {
	op   segments.Op
	args []program
}

// value works the variable out from x, the drawn and earlier derived variables.
// A division by zero, or an argument that is not a finite number (a division by a drawn
// variable at zero is an infinity), makes it NaN: the draw is then invalid, as the
// decimal engine refuses it, never hidden by a min or max.
func (d *derived) value(x []float64) float64 {
	out := d.args[0].sum(x)
	for _, a := range d.args[1:] {
		v := a.sum(x)
		switch {
		case notNumber(v) || notNumber(out): // an infinity too: a division by a drawn zero
			return math.NaN()
		case d.op == segments.OpQuo && v == 0:
			return math.NaN()
		case d.op == segments.OpQuo:
			out /= v
		case d.op == segments.OpMin && v < out, d.op == segments.OpMax && v > out:
			out = v
		}
	}
	return out
}

// maxDerived bounds the variables, drawn and derived, of a program with derived ones: the
// evaluation keeps them on the stack, and each derived one costs an evaluation of its
// arguments at every draw.
const maxDerived = 64

// term is a monomial as eval runs it: c times up to four variables, multiplied one after
// another (most of a model's monomials), or, when n is general, the factors
// fvars[start:end] in their loop. Both multiply in the same order, so the values are the
// same; the unrolled form saves the loop's bookkeeping (the target's evaluation, checks
// included, took 0.84 times as long).
type term struct {
	c          float64
	n          int32
	v          [4]int32
	start, end int32
}

// general marks a term that eval runs as a loop over its factors: one that divides, or
// has more than four.
const general = -1

func compile(p poly) program {
	var pr program
	for _, m := range p.simplify() {
		t := term{c: m.c, n: int32(len(m.f)), start: int32(len(pr.fvars))}
		for i, f := range m.f {
			v := int32(f.v)
			if f.inv {
				v = -v - 1
				t.n = general
			}
			if i < len(t.v) {
				t.v[i] = v
			}
			pr.fvars = append(pr.fvars, v)
		}
		if len(m.f) > len(t.v) {
			t.n = general
		}
		t.end = int32(len(pr.fvars))
		pr.terms = append(pr.terms, t)
	}
	return pr
}

// eval evaluates the program at x, the drawn variables: the derived variables worked
// out after them (on the stack, for up to 64 variables in all), then the terms and the
// stage after them.
func (pr *program) eval(x []float64) float64 {
	if len(pr.derived) > 0 {
		var buf [64]float64
		xe := append(buf[:0], x...)
		for i := range pr.derived {
			xe = append(xe, pr.derived[i].value(xe))
		}
		x = xe
	}
	sum := pr.sum(x)
	if pr.post != nil {
		return pr.post.eval(sum, x)
	}
	return sum
}

// sum is the sum of the program's terms at x, the drawn and derived variables.
func (pr *program) sum(x []float64) float64 {
	sum := 0.0
	for i := range pr.terms {
		t := &pr.terms[i]
		v := t.c
		switch t.n {
		case 0:
		case 1:
			v *= x[t.v[0]]
		case 2:
			v = v * x[t.v[0]] * x[t.v[1]]
		case 3:
			v = v * x[t.v[0]] * x[t.v[1]] * x[t.v[2]]
		case 4:
			v = v * x[t.v[0]] * x[t.v[1]] * x[t.v[2]] * x[t.v[3]]
		default:
			for _, f := range pr.fvars[t.start:t.end] {
				if f >= 0 {
					v *= x[f]
				} else {
					v /= x[-f-1]
				}
			}
		}
		sum += v
	}
	return sum
}

// compiler builds polys of a model in which the variables named in vars are drawn.
type compiler struct {
	e       *Engine
	vars    []string
	keys    []key.Key                             // vars parsed (index)
	lined   map[lineYear]map[segments.Metric]poly // each segment's lines in a year, compiled once
	parted  map[int]poly                          // each part's value, compiled once
	derived []derived                             // variables len(vars)+i, worked out from the draw
}

// compile compiles p, a poly of the drawn and derived variables, with the derived ones
// worked out before it.
func (c *compiler) compile(p poly) program {
	pr := compile(p)
	pr.derived = slices.Clip(c.derived)
	return pr
}

// derive adds a variable worked out from the draw (derived) and returns it as a poly.
func (c *compiler) derive(op segments.Op, args []poly) (poly, error) {
	if len(c.vars)+len(c.derived) >= maxDerived {
		return nil, &fault.Error{Pkg: "sensitivity", Value: strconv.Itoa(len(c.vars)) + " inputs drawn and " + strconv.Itoa(len(c.derived)) +
			" mins, maxes and quotients by a sum of what they move: more than " + strconv.Itoa(maxDerived) + " variables", Err: fault.ErrFloat}
	}
	d := derived{op: op}
	for _, a := range args {
		d.args = append(d.args, compile(a))
	}
	c.derived = append(c.derived, d)
	return poly{{c: 1, f: []factor{{v: len(c.vars) + len(c.derived) - 1}}}}, nil
}

// lineYear is a segment in a year.
type lineYear struct {
	segment string
	year    int
}

func f64(d decimal.Decimal) float64 { v, _ := d.Float64(); return v }

// program compiles an output: its polynomial; for the target, the upside and the value a
// share before the horizon's discount (and equity, when a model's convertibles may
// convert), the polynomial of equity and the stage after it: the dilution and the
// discount (dilute.go).
func (c *compiler) program(name string) (program, error) {
	k, err := key.Parse(name)
	staged := k.Name == key.Target || k.Name == key.Upside || k.Name == key.Undiscounted || k.Name == key.Equity && !c.e.base.Dilution.IsZero()
	if err == nil && k.Space == key.SpaceScalar && staged {
		eq, err := c.output(key.Equity)
		if err != nil {
			return program{}, err
		}
		d, err := c.stage(k.Name)
		if err != nil {
			return program{}, err
		}
		pr := c.compile(eq)
		pr.post = d
		return pr, nil
	}
	p, err := c.output(name)
	if err != nil {
		return program{}, err
	}
	return c.compile(p), nil
}

// notNumber reports whether v is NaN or infinite: a draw, output or statistic that no
// estimate can use.
func notNumber(v float64) bool { return !(math.Abs(v) <= math.MaxFloat64) } // one comparison, false for NaN

// leaf is the assumption as a variable if it is drawn, else its base value.
func (c *compiler) leaf(k key.Key, base decimal.Decimal) poly {
	if i := c.index(k); i >= 0 {
		return poly{{c: 1, f: []factor{{v: i}}}}
	}
	return constant(f64(base))
}

func (c *compiler) drawn(k key.Key) bool { return c.index(k) >= 0 }

// index returns the variable of the drawn assumption k, or -1: vars are parsed once, at
// the first look, so that the compiler compares keys, never builds their text.
func (c *compiler) index(k key.Key) int {
	if c.keys == nil {
		c.keys = make([]key.Key, len(c.vars))
		for i, name := range c.vars {
			c.keys[i], _ = key.Parse(name) // resolved by the engine before: a valid key
		}
	}
	return slices.Index(c.keys, k)
}

// users returns MAU and DAU of year y; DAU follows MAU when linked and not drawn itself.
func (c *compiler) users(y int) (mau, dau poly) {
	u := c.e.base.Plan.Users[y]
	mauKey, dauKey := key.Forecast(y, "", string(segments.MAU)), key.Forecast(y, "", string(segments.DAU))
	mau, dau = c.leaf(mauKey, u.MAU), c.leaf(dauKey, u.DAU)
	if c.e.opts.LinkDAU && c.drawn(mauKey) && !c.drawn(dauKey) && u.MAU.Sign() > 0 {
		dau = mau.scale(f64(u.DAU) / f64(u.MAU))
	}
	return mau, dau
}

// lines returns the polys of a segment's lines in year y by metric, derived from its
// driver's Spec: the same formulas the decimal forecast evaluates.
func (c *compiler) lines(seg segments.Segment, y int) (map[segments.Metric]poly, error) {
	if seg.Drivers[y] == nil { // the segment starts later: no lines, not even the users
		return map[segments.Metric]poly{}, nil
	}
	if l, ok := c.lined[lineYear{seg.Name, y}]; ok {
		return l, nil // a year read by several prev() of the next: compiled once, not once each
	}
	out, err := c.compileLines(seg, y)
	if err == nil {
		if c.lined == nil {
			c.lined = map[lineYear]map[segments.Metric]poly{}
		}
		c.lined[lineYear{seg.Name, y}] = out
	}
	return out, err
}

// compileLines compiles the lines of a segment in year y that lines returns.
func (c *compiler) compileLines(seg segments.Segment, y int) (map[segments.Metric]poly, error) {
	mau, dau := c.users(y)
	out := map[segments.Metric]poly{segments.MAU: mau, segments.DAU: dau}
	lineName := func(m segments.Metric) string { return key.Forecast(y, seg.Name, string(m)).String() } // in errors
	d := seg.Drivers[y]
	spec, vals := d.Spec(), d.Values()
	for i, in := range spec.Inputs {
		out[in.Metric] = c.leaf(key.Forecast(y, seg.Name, string(in.Metric)), vals[i])
	}
	// prev is a line of the previous plan year, when the segment ran in it.
	prev := func(m segments.Metric) (poly, bool, error) {
		years := c.e.base.Plan.Years
		i := slices.Index(years, y)
		if i < 1 || seg.Drivers[years[i-1]] == nil {
			return nil, false, nil
		}
		last, err := c.lines(seg, years[i-1])
		r, ok := last[m]
		return r, ok, err
	}
	for _, l := range spec.Lines {
		p, ok, err := c.formula(l.Formula, out, prev)
		if err != nil {
			return nil, fault.Within(err, fault.Error{Pkg: "sensitivity", Field: lineName(l.Metric)})
		}
		if !ok {
			return nil, &fault.Error{Pkg: "sensitivity", Field: lineName(l.Metric), Value: "divides by zero", Err: fault.ErrFloat}
		}
		out[l.Metric] = p
	}
	return out, nil
}

// formula is f as a poly of the figures in env and of last year's lines (prev), a min,
// max or division by a sum of what a draw moves a derived variable; false for a division
// by zero, which the decimal path refuses whatever is drawn.
func (c *compiler) formula(f segments.Formula, env map[segments.Metric]poly, prev func(segments.Metric) (poly, bool, error)) (poly, bool, error) {
	switch f.Op {
	case segments.OpRef:
		p, ok := env[f.Ref]
		if !ok { // never for a driver's line (Spec.Check); a formula part's the model checked too
			return nil, false, &fault.Error{Pkg: "sensitivity", Field: string(f.Ref), Value: "no such figure", Err: fault.ErrUnknownMetric}
		}
		return p, true, nil
	case segments.OpConst:
		return constant(f64(f.Const)), true, nil
	case segments.OpPrev:
		r, ok, err := prev(f.Ref)
		if err != nil || ok {
			return r, ok, err
		}
		return c.formula(f.Args[0], env, prev)
	case segments.OpQuo:
		return c.quotient(f, env, prev)
	case segments.OpMin, segments.OpMax: // folded when no draw moves them; else no float form
		return c.extreme(f, env, prev)
	}
	return c.combine(f, env, prev)
}

// quotient is formula's poly of a division f: its numerator times the inverse of its
// denominator where that is a single monomial; else a variable derived at each draw,
// the numerator over the denominator.
func (c *compiler) quotient(f segments.Formula, env map[segments.Metric]poly, prev func(segments.Metric) (poly, bool, error)) (poly, bool, error) {
	num, ok, err := c.formula(f.Args[0], env, prev)
	if err != nil {
		return nil, false, err
	}
	den, ok2, err := c.formula(f.Args[1], env, prev)
	if err != nil || !ok || !ok2 {
		return nil, false, err
	}
	den = den.simplify()
	if inv, ok := den.inv(); ok {
		return num.mul(inv), true, nil
	}
	if v, ok := den.constant(); ok && v == 0 {
		return nil, false, nil // the decimal path refuses the division whatever is drawn
	}
	d, err := c.derive(segments.OpQuo, []poly{num.simplify(), den})
	return d, err == nil, err
}

// extreme is formula's poly of a min or max f: the constant it folds to when no draw
// moves its arguments, else a variable derived at each draw, the least or greatest of
// them.
func (c *compiler) extreme(f segments.Formula, env map[segments.Metric]poly, prev func(segments.Metric) (poly, bool, error)) (poly, bool, error) {
	args := make([]poly, len(f.Args))
	folded := true
	for i, a := range f.Args {
		p, ok, err := c.formula(a, env, prev)
		if err != nil || !ok {
			return nil, false, err
		}
		args[i] = p.simplify()
		_, isConst := args[i].constant()
		folded = folded && isConst
	}
	if !folded {
		d, err := c.derive(f.Op, args)
		return d, err == nil, err
	}
	var out float64
	for i, p := range args {
		v, _ := p.constant()
		if i == 0 || f.Op == segments.OpMin && v < out || f.Op == segments.OpMax && v > out {
			out = v
		}
	}
	return constant(out), true, nil
}

// combine is formula's poly of f, the product (OpMul) or else the sum of its arguments.
func (c *compiler) combine(f segments.Formula, env map[segments.Metric]poly, prev func(segments.Metric) (poly, bool, error)) (poly, bool, error) {
	var out poly
	for i, a := range f.Args {
		p, ok, err := c.formula(a, env, prev)
		switch {
		case err != nil:
			return nil, false, err
		case !ok:
			return nil, false, nil
		case i == 0:
			out = p
		case f.Op == segments.OpMul && len(out)*len(p) > maxFloatTerms:
			return nil, false, &fault.Error{Pkg: "sensitivity", Value: "expands to more than " + strconv.Itoa(maxFloatTerms) + " terms", Err: fault.ErrFloat}
		case f.Op == segments.OpMul:
			out = out.mul(p).simplify()
		default:
			out = out.add(p).simplify()
		}
	}
	if len(out) > maxFloatTerms {
		return nil, false, &fault.Error{Pkg: "sensitivity", Value: "expands to more than " + strconv.Itoa(maxFloatTerms) + " terms", Err: fault.ErrFloat}
	}
	return out, true, nil
}

// maxFloatTerms bounds the monomials of a line's polynomial: a line grown from last
// year's by a rate drawn in every year doubles its terms each year, and a model of 30
// such years would ask for 2^30 of them; it is refused (fault.ErrFloat) instead.
const maxFloatTerms = 1 << 12

// output compiles one output key.
func (c *compiler) output(name string) (poly, error) {
	// The target and upside (and the equity of a model that dilutes) are a stage after
	// the polynomial of equity: program compiles them.
	none := &fault.Error{Pkg: "sensitivity", Field: name, Err: fault.ErrFloat}
	k, err := key.Parse(name)
	if err != nil {
		return nil, none
	}
	m := c.e.base
	switch {
	case k.Space == key.SpaceScalar && (k.Name == key.Sum || k.Name == key.Equity):
		sum, err := c.sum()
		if err != nil || k.Name == key.Sum {
			return sum, err
		}
		return c.bridge(sum)
	case k.Space == key.SpacePart && k.Name == "value":
		for i, part := range m.Parts {
			if part.Segment == k.Segment {
				return c.part(i)
			}
		}
	case k.Space == key.SpaceForecast && !k.Growth:
		if p, ok, err := c.forecast(k); err != nil || ok {
			return p, err
		}
	}
	return nil, none
}

// sum compiles the sum of the parts' values.
func (c *compiler) sum() (poly, error) {
	sum := poly{}
	for i := range c.e.base.Parts {
		v, err := c.part(i)
		if err != nil {
			return nil, err
		}
		sum = sum.add(v)
	}
	return sum, nil
}

// forecast compiles a forecast key: the users or the revenue of year k.Year, or a line of
// a segment in it; false when the plan has no such figure.
func (c *compiler) forecast(k key.Key) (poly, bool, error) {
	m := c.e.base
	y := k.Year
	if _, ok := m.Plan.Users[y]; !ok {
		return nil, false, nil
	}
	if k.Segment == "" {
		mau, dau := c.users(y)
		switch segments.Metric(k.Name) {
		case segments.MAU:
			return mau, true, nil
		case segments.DAU:
			return dau, true, nil
		case segments.Revenue:
			sum, err := c.revenue(y)
			return sum, true, err
		}
	}
	for _, s := range m.Plan.Segments {
		if s.Name == k.Segment {
			l, err := c.lines(s, y)
			if err != nil {
				return nil, false, err
			}
			if v, ok := l[segments.Metric(k.Name)]; ok {
				return v, true, nil
			}
		}
	}
	return nil, false, nil
}

// revenue compiles the revenue of year y: the sum of the segments'.
func (c *compiler) revenue(y int) (poly, error) {
	sum := poly{}
	for _, s := range c.e.base.Plan.Segments {
		l, err := c.lines(s, y)
		if err != nil {
			return nil, err
		}
		sum = sum.add(l[segments.Revenue])
	}
	return sum, nil
}

// bridge compiles equity: the sum and the bridge's lines, each item by its kind's
// formula (valuation.ItemKind.Formula, as valuation values it), its fields and FX rate
// variables where drawn.
func (c *compiler) bridge(sum poly) (poly, error) {
	m := c.e.base
	equity, stakes := sum, poly{}
	for _, it := range m.Bridge.Items {
		field := func(name string) key.Key { return key.Key{Space: key.SpaceBridge, Item: it.Name, Name: name} }
		rate := constant(1)
		if it.Currency != "" && it.Currency != m.Currency {
			r, err := m.FX.Pair(it.Currency, m.Currency)
			if err != nil {
				return nil, err
			}
			if rate, err = c.rate(r); err != nil {
				return nil, err
			}
		}
		env := map[segments.Metric]poly{"rate": rate, "amount": c.leaf(field("amount"), it.Amount),
			"shares": c.leaf(field("shares"), it.Shares), "price": c.leaf(field("price"), it.Price), "discount": c.leaf(field("discount"), it.Discount)}
		v, _, err := c.formula(it.Kind.Formula(), env, func(segments.Metric) (poly, bool, error) { return nil, false, nil }) // as valuation values it
		if err != nil {
			return nil, err
		}
		if it.Kind == valuation.ListedStake || it.Kind == valuation.UnlistedStake {
			stakes = stakes.add(v)
		}
		equity = equity.add(v)
	}
	if !m.Bridge.IsZero() {
		base := equity
		if m.Bridge.HoldcoBase == valuation.OnStakes {
			base = stakes
		}
		equity = equity.add(base.mul(c.leaf(key.Key{Space: key.SpaceBridge, Item: "holdco", Name: "discount"}, m.Bridge.HoldcoDiscount)).scale(-1))
	}
	return equity, nil
}

// part compiles the value of part i: multiple × figure × FX rate.
func (c *compiler) part(i int) (poly, error) {
	if p, ok := c.parted[i]; ok {
		return p, nil // a part every output reads: its derived variables made once
	}
	p, err := c.partValue(i)
	if err == nil {
		if c.parted == nil {
			c.parted = map[int]poly{}
		}
		c.parted[i] = p
	}
	return p, err
}

// partValue compiles the value of part i, as part returns it.
func (c *compiler) partValue(i int) (poly, error) {
	m := c.e.base
	part := m.Parts[i]
	pv := c.e.result.Parts[i]
	if f, ok := part.Method.(valuation.Fixed); ok { // the amount, whatever is drawn
		return constant(f64(f.Amount)), nil
	}
	if e, ok := part.Method.(valuation.Expression); ok { // the formula over the segment's lines, converted
		return c.expression(part.Segment, e.Formula, pv.FX)
	}
	mm, ok := part.Method.(valuation.Multiple)
	name := "part/" + part.Segment + "/" // in errors
	if !ok {
		return nil, &fault.Error{Pkg: "sensitivity", Field: name + "value", Err: fault.ErrFloat}
	}
	average := c.leaf(key.Part(part.Segment, "average"), pv.Multiple.Average)
	if drawn, err := c.convertsDrawn(pv.Multiple.Rates); err != nil {
		return nil, err
	} else if drawn != "" && !c.drawn(key.Part(part.Segment, "average")) {
		switch mm.Comps.Aggregate.(type) {
		case nil, comps.Mean, comps.MarketValueWeighted:
			if average, err = c.aggregate(mm.Comps); err != nil {
				return nil, err
			}
		default:
			return nil, &fault.Error{Pkg: "sensitivity", Field: drawn, Value: "converts the comparables of " + part.Segment + ", aggregated by " + mm.Comps.Aggregate.Name(), Err: fault.ErrFloat}
		}
	}
	var seg segments.Segment
	for _, s := range m.Plan.Segments {
		if s.Name == part.Segment {
			seg = s
		}
	}
	lines, err := c.lines(seg, m.Year)
	if err != nil {
		return nil, err
	}
	figure, ok := lines[pv.Metric]
	if !ok {
		return nil, &fault.Error{Pkg: "sensitivity", Field: name + string(pv.Metric), Err: fault.ErrFloat}
	}
	mult := average.mul(constant(1).add(c.leaf(key.Part(part.Segment, "premium"), pv.Multiple.Premium)))
	rate, err := c.rate(pv.FX)
	if err != nil {
		return nil, err
	}
	return mult.mul(figure).mul(rate), nil
}

// convertsDrawn returns the first drawn FX rate among the legs of rates (a set's
// conversions of its comparables), by its key's text; "" when none is drawn.
func (c *compiler) convertsDrawn(rates []comps.Rate) (string, error) {
	for _, r := range rates {
		legs, err := c.legs(r)
		if err != nil {
			return "", err
		}
		for _, l := range legs {
			if c.drawn(fxKey(l.From, l.To)) || c.drawn(fxKey(l.To, l.From)) {
				return fxKey(l.From, l.To).String(), nil
			}
		}
	}
	return "", nil
}

// aggregate compiles a set's aggregate at drawn FX rates, as comps.Set.Multiple works it
// out (and the exact kernel, valuation's kernel.aggregate): each comparable not excluded
// (nor, in a set that skips them, without a positive metric) priced, its value and a
// money metric converted to the set's currency, its multiple value / metric or its
// printed one; then their mean, or Σ value × multiple over Σ value, a quotient by a sum
// derived at each draw.
func (c *compiler) aggregate(set comps.Set) (poly, error) {
	var sum, num, den poly
	n := 0
	for _, co := range set.Companies {
		metric, ok := co.Metrics[set.Metric]
		if _, out := set.Exclude[co.Ticker]; out || set.SkipUnpriced && (!ok || metric.Sign() <= 0) {
			continue
		}
		mv, multiple, err := c.price(set, co)
		if err != nil {
			return nil, err
		}
		sum, num, den, n = sum.add(multiple).simplify(), num.add(mv.mul(multiple)).simplify(), den.add(mv).simplify(), n+1
	}
	if _, weighted := set.Aggregate.(comps.MarketValueWeighted); weighted {
		if inv, ok := den.inv(); ok {
			return num.mul(inv), nil
		}
		return c.derive(segments.OpQuo, []poly{num, den})
	}
	if n == 0 {
		return nil, &fault.Error{Pkg: "sensitivity", Field: set.Name, Value: "no comparable priced", Err: fault.ErrFloat}
	}
	return sum.scale(1 / float64(n)), nil
}

// price is a comparable of set priced at drawn FX rates: its market or enterprise value
// in the set's currency, and its multiple (value / metric, a money metric converted, or
// its printed one, converted for a per-user one).
func (c *compiler) price(set comps.Set, co comps.Company) (mv, multiple poly, err error) {
	cur := set.Currency
	if cur == "" {
		cur = set.Companies[0].Currency
	}
	convert := func(x decimal.Decimal, from comps.Currency) (poly, error) {
		if from == cur {
			return constant(f64(x)), nil
		}
		r, err := c.e.base.FX.Pair(from, cur)
		if err != nil {
			return nil, err
		}
		rate, err := c.rate(r)
		return constant(f64(x)).mul(rate), err
	}
	value := co.MarketCap
	if set.Enterprise {
		value = co.EnterpriseValue
	}
	v, err := value()
	if err != nil {
		return nil, nil, err
	}
	if mv, err = convert(v, co.Currency); err != nil {
		return nil, nil, err
	}
	if p, ok := co.Multiples[set.Metric]; ok && set.Money {
		return mv, constant(f64(p)), nil
	} else if ok {
		multiple, err = convert(p, co.Currency)
		return mv, multiple, err
	}
	figure := constant(f64(co.Metrics[set.Metric]))
	if set.Money {
		from := co.Reporting
		if from == "" {
			from = co.Currency
		}
		if figure, err = convert(co.Metrics[set.Metric], from); err != nil {
			return nil, nil, err
		}
	}
	inv, ok := figure.simplify().inv() // a constant times rates: a monomial
	if !ok {
		return nil, nil, &fault.Error{Pkg: "sensitivity", Field: set.Name, Value: "a metric converted at no monomial rate", Err: fault.ErrFloat}
	}
	return mv, mv.mul(inv), nil
}

// expression compiles an Expression's formula over the segment's lines in the valuation
// year, times its FX rate, as valuation.Expression values it (prev() at its default).
func (c *compiler) expression(segment string, f segments.Formula, fx comps.Rate) (poly, error) {
	m := c.e.base
	seg := m.Plan.Segments[slices.IndexFunc(m.Plan.Segments, func(s segments.Segment) bool { return s.Name == segment })]
	lines, err := c.lines(seg, m.Year)
	if err != nil {
		return nil, err
	}
	spec := seg.Drivers[m.Year].Spec() // the model valued: the segment runs in the year
	own := spec.Users()                // the segment's own users ("users"), as a Year's line finds them
	env := maps.Clone(lines)
	env[segments.OwnUsers] = lines[own]
	var omitted error // a line the forecast leaves out at zero, which a draw may make zero
	f.Walk(func(g segments.Formula) {
		ref := g.Ref
		if ref == segments.OwnUsers {
			ref = own
		}
		for _, l := range spec.Lines {
			if _, fixed := env[l.Metric].constant(); g.Op == segments.OpRef && ref == l.Metric && l.OmitZero && !fixed && omitted == nil {
				omitted = &fault.Error{Pkg: "sensitivity", Field: "part/" + segment + "/value", Value: "reads " + string(l.Metric) + ", a line the forecast leaves out at zero, which a draw moves", Err: fault.ErrFloat}
			}
		}
	})
	if omitted != nil {
		return nil, omitted
	}
	v, ok, err := c.formula(f, env, func(segments.Metric) (poly, bool, error) { return nil, false, nil })
	if err == nil && !ok {
		err = &fault.Error{Pkg: "sensitivity", Field: "part/" + segment + "/value", Value: "divides by zero", Err: fault.ErrFloat}
	}
	if err != nil {
		return nil, err
	}
	rate, err := c.rate(fx)
	return v.mul(rate), err
}

// rate is an FX rate of the model (comps.FX.Pair's) as a product of its legs, each a
// variable when drawn: the rate given, or its inverse when the table holds the opposite
// pair.
func (c *compiler) rate(r comps.Rate) (poly, error) {
	if c.drawn(fxKey(r.From, r.To)) || c.drawn(fxKey(r.To, r.From)) || r.Via != "" {
		legs, err := c.legs(r)
		if err != nil {
			return nil, err
		}
		out := constant(1)
		for _, l := range legs {
			switch {
			case c.drawn(fxKey(l.From, l.To)):
				out = out.mul(c.leaf(fxKey(l.From, l.To), l.Rate))
			case c.drawn(fxKey(l.To, l.From)):
				inv, _ := c.leaf(fxKey(l.To, l.From), decimal.Zero).inv()
				out = out.mul(inv)
			default:
				out = out.mul(constant(f64(l.Rate)))
			}
		}
		return out, nil
	}
	return constant(f64(r.Rate)), nil
}

// legs returns the rates a rate of the model is the product of: itself, or the two legs
// of a rate crossed through a third currency.
func (c *compiler) legs(r comps.Rate) ([]comps.Rate, error) {
	if r.Via == "" {
		return []comps.Rate{r}, nil
	}
	a, err := c.e.base.FX.Pair(r.From, r.Via)
	if err != nil {
		return nil, err
	}
	b, err := c.e.base.FX.Pair(r.Via, r.To)
	return []comps.Rate{a, b}, err
}

func fxKey(from, to comps.Currency) key.Key { return key.FX(string(from), string(to)) }

// check is a condition a draw must meet to be valued, as the decimal engine would value
// it: p(x) > 0 when strict, p(x) ≥ 0 otherwise. A condition on one variable alone,
// c × x[v] + k, is kept as the bound it is (v ≥ 0), which costs a comparison, not an
// evaluation.
type check struct {
	p      program
	v      int     // the variable of a bound; -1 for a program
	bound  float64 // x[v] compared with bound: above it when upper is false
	upper  bool
	strict bool
	reason string
}

// newCheck makes the check of p > 0 (strict) or p ≥ 0, as a bound where p has one
// variable of degree one.
func newCheck(p poly, strict bool, reason string) check {
	k := check{v: -1, strict: strict, reason: reason}
	var c, b float64
	v := -1
	for _, m := range p {
		switch {
		case len(m.f) == 0:
			b += m.c
		case len(m.f) == 1 && !m.f[0].inv && (v == -1 || v == m.f[0].v): // -2: not a bound already
			v, c = m.f[0].v, c+m.c
		default:
			v = -2
		}
	}
	if v >= 0 && c != 0 { // c·x + b > 0: x > -b/c for c > 0, x < -b/c for c < 0
		k.v, k.bound, k.upper = v, -b/c, c < 0
		return k
	}
	k.p = compile(p)
	return k
}

// ok reports whether x meets the check.
func (k *check) ok(x []float64) bool {
	if k.v >= 0 {
		switch d := x[k.v] - k.bound; {
		case k.upper && k.strict:
			return d < 0
		case k.upper:
			return d <= 0
		case k.strict:
			return d > 0
		default:
			return d >= 0
		}
	}
	v := k.p.eval(x)
	if k.strict {
		return v > 0
	}
	return v >= 0
}

// checks compiles the conditions the decimal path puts on a point into float64 checks
// over the drawn variables: each drawn assumption within its kind's range (MAU above 0,
// a rate in [0, 1], a premium above -1, an FX rate within comps.RateBounds,
// ...), DAU at most MAU in each year whose users are drawn, and every part's priced
// figure above 0. Conditions that no drawn variable enters hold at the base and are left
// out.
func (c *compiler) checks() ([]check, error) {
	var l checkList
	for i, name := range c.vars {
		r, err := c.e.resolve(name)
		if err != nil {
			return nil, err
		}
		x := poly{{c: 1, f: []factor{{v: i}}}}
		l.kind(x, r)
		c.own(&l, x, r)
	}
	for _, y := range c.e.base.Plan.Years {
		mau, dau := c.users(y)
		l.add(mau.add(dau.scale(-1)), false, key.Forecast(y, "", "dau").String()+" above "+key.Forecast(y, "", "mau").String())
	}
	if err := c.figures(&l); err != nil {
		return nil, err
	}
	if err := c.crossed(&l); err != nil {
		return nil, err
	}
	// A condition on a derived variable alone is no bound on a draw, and a program works
	// the derived variables out first.
	for i := range l.checks {
		k := &l.checks[i]
		if k.v >= len(c.vars) {
			k.v = -1
			k.p = compile(l.seen[i])
		}
		if k.v < 0 {
			k.p.derived = slices.Clip(c.derived)
		}
	}
	return l.checks, nil
}

// checkList is the checks compiled so far, and the condition of each, to add each once.
type checkList struct {
	checks []check
	seen   []poly
}

// add adds the check of p > 0 (strict) or p ≥ 0, unless no variable enters p or the same
// condition is in the list already.
func (l *checkList) add(p poly, strict bool, reason string) {
	p = p.simplify()
	if !slices.ContainsFunc(p, func(m mono) bool { return len(m.f) > 0 }) {
		return
	}
	for i, q := range l.seen {
		if l.checks[i].strict == strict && slices.EqualFunc(p, q, func(a, b mono) bool { return a.c == b.c && slices.Equal(a.f, b.f) }) {
			return
		}
	}
	l.seen = append(l.seen, p)
	l.checks = append(l.checks, newCheck(p, strict, reason))
}

// below adds the check that x, the drawn assumption name, is at most hi.
func (l *checkList) below(x poly, name string, hi float64) {
	l.add(constant(hi).add(x.scale(-1)), false, name+" above "+ftoa(hi))
}

// kind adds the checks that x, the drawn assumption r, is within its kind's range.
func (l *checkList) kind(x poly, r ref) {
	name := r.name
	switch r.Kind {
	case valuation.KindUsers:
		if r.Key.Name == string(segments.MAU) {
			l.add(x, true, name+" not above 0")
		} else {
			l.add(x, false, name+" below 0")
		}
	case valuation.KindRate:
		l.add(x, false, name+" below 0")
		l.below(x, name, 1)
	case valuation.KindMargin:
		l.add(x.add(constant(1)), false, name+" below -1")
		l.below(x, name, 1)
	case valuation.KindMoney, valuation.KindPrice:
		l.add(x, false, name+" below 0")
	case valuation.KindMultiple, valuation.KindShares:
		l.add(x, true, name+" not above 0")
	case valuation.KindPremium:
		l.add(x.add(constant(1)), true, name+" not above -1")
	case valuation.KindFX:
		lo, hi := comps.RateBounds()
		minRate, maxRate := f64(lo), f64(hi)
		l.add(x.add(constant(-minRate)), false, name+" below "+ftoa(minRate))
		l.below(x, name, maxRate)
	}
}

// own adds the checks of the bounds some assumptions have of their own, as valuation
// checks them, on x, the drawn assumption r.
func (c *compiler) own(l *checkList, x poly, r ref) {
	name, m := r.name, c.e.base
	switch {
	case r.Key == key.Key{Space: key.SpaceHorizon, Name: "rate"}, r.Key.Space == key.SpaceBridge && r.Key.Name == "discount":
		l.add(constant(1).add(x.scale(-1)), true, name+" not below 1")
	case r.Key == key.Key{Space: key.SpaceHorizon, Name: "years"}:
		l.below(x, name, valuation.MaxHorizonYears)
	case r.Key == key.Scalar(key.Price) && !m.Dilution.IsZero() && m.Dilution.Basis == valuation.AtPrice:
		l.add(x, true, name+" not above 0, and the dilution is at the price")
	}
}

// crossed adds the checks that each rate crossed through a third currency the model
// converts at (a part's, its comparables', a bridge item's), a product of legs a draw
// moves, stays within
// comps.RateBounds, as comps.FX.Pair refuses one outside.
func (c *compiler) crossed(l *checkList) error {
	m := c.e.base
	rates := make([]comps.Rate, 0, len(m.Parts)+len(m.Bridge.Items))
	for _, pv := range c.e.result.Parts {
		rates = append(rates, pv.FX)
		rates = append(rates, pv.Multiple.Rates...) // a set's conversions of its comparables
	}
	for _, it := range m.Bridge.Items {
		if it.Currency != "" && it.Currency != m.Currency {
			r, err := m.FX.Pair(it.Currency, m.Currency)
			if err != nil {
				return err
			}
			rates = append(rates, r)
		}
	}
	lo, hi := comps.RateBounds()
	for _, r := range rates {
		if r.Via == "" {
			continue
		}
		p, err := c.rate(r)
		if err != nil {
			return err
		}
		name := fxKey(r.From, r.To).String() + " crossed through " + string(r.Via)
		l.add(p.add(constant(-f64(lo))), false, name+" below "+ftoa(f64(lo)))
		l.below(p, name, f64(hi))
	}
	return nil
}

// figures adds the checks that every part's priced figure is above 0.
func (c *compiler) figures(l *checkList) error {
	m := c.e.base
	for i, part := range m.Parts {
		pv := c.e.result.Parts[i]
		for _, s := range m.Plan.Segments {
			if s.Name != part.Segment {
				continue
			}
			lines, err := c.lines(s, m.Year)
			if err != nil {
				return err
			}
			if fig, ok := lines[pv.Metric]; ok {
				l.add(fig, true, "part/"+part.Segment+": "+string(pv.Metric)+" not above 0")
			}
		}
	}
	return nil
}

// guard decides whether a draw meets every check, as fast as the checks allow: the
// bounds on each variable merged into one interval, and a positive product of variables
// known not to be negative reduced to bounds on them (c × x × y > 0 with x, y ≥ 0 is x > 0
// and y > 0). It answers exactly as the checks do; the reason of a failure is the first
// check that fails, found again among them in their order.
type guard struct {
	checks []check
	limits []limit // one for each variable with bounds
	progs  []int   // checks that stay programs
}

// limit is the closed bounds first compares a variable with: an interval's lo and hi, or
// the next float64 inside when strict (no float64 lies between), so that one test each
// refuses what lo, hi and their strictness refuse, and NaN.
type limit struct {
	v           int
	least, most float64
}

// interval is the values a variable may take: above lo (or at it, unless loStrict) and
// below hi (or at it, unless hiStrict).
type interval struct {
	v                  int
	lo, hi             float64
	loStrict, hiStrict bool
}

func (iv *interval) above(b float64, strict bool) {
	if b > iv.lo || (b == iv.lo && strict) {
		iv.lo, iv.loStrict = b, strict
	}
}

func (iv *interval) below(b float64, strict bool) {
	if b < iv.hi || (b == iv.hi && strict) {
		iv.hi, iv.hiStrict = b, strict
	}
}

// intervals is the intervals of the variables with bounds, in the order first bounded.
type intervals struct {
	list []interval
	at   map[int]int // variable → its interval
}

// of returns variable v's interval, added unbounded when v has none yet.
func (b *intervals) of(v int) *interval {
	i, ok := b.at[v]
	if !ok {
		i = len(b.list)
		b.at[v] = i
		b.list = append(b.list, interval{v: v, lo: math.Inf(-1), hi: math.Inf(1)})
	}
	return &b.list[i]
}

// nonNegative reports whether variable v is bounded at or above 0.
func (b *intervals) nonNegative(v int) bool { i, ok := b.at[v]; return ok && b.list[i].lo >= 0 }

// monomial reports whether p is a positive coefficient times a product of variables
// bounded at or above 0.
func (b *intervals) monomial(p program) bool {
	return len(p.terms) == 1 && p.terms[0].c > 0 && !slices.ContainsFunc(p.fvars, func(f int32) bool { return f < 0 || !b.nonNegative(int(f)) })
}

// limit returns the closed bounds of the interval, for first to compare with.
func (iv *interval) limit() limit {
	l := limit{v: iv.v, least: iv.lo, most: iv.hi}
	if iv.loStrict {
		l.least = math.Nextafter(iv.lo, math.Inf(1))
	}
	if iv.hiStrict {
		l.most = math.Nextafter(iv.hi, math.Inf(-1))
	}
	return l
}

// newGuard returns the guard of the checks.
func newGuard(checks []check) guard {
	g := guard{checks: checks}
	bounds := intervals{at: map[int]int{}}
	for _, k := range checks {
		switch {
		case k.v >= 0 && k.upper:
			bounds.of(k.v).below(k.bound, k.strict)
		case k.v >= 0:
			bounds.of(k.v).above(k.bound, k.strict)
		}
	}
	for i, k := range checks {
		if k.v >= 0 {
			continue
		}
		monomial := bounds.monomial(k.p)
		switch {
		case monomial && k.strict:
			for _, f := range k.p.fvars {
				bounds.of(int(f)).above(0, true)
			}
		case monomial: // a product of variables not below zero is not below zero
		default:
			g.progs = append(g.progs, i)
		}
	}
	for i := range bounds.list {
		g.limits = append(g.limits, bounds.list[i].limit())
	}
	return g
}

// first returns the index of the first check x fails, or -1.
func (g *guard) first(x []float64) int {
	for i := range g.limits {
		b := &g.limits[i]
		if v := x[b.v]; !(v >= b.least && v <= b.most) { // false for NaN too
			return firstFailed(g.checks, x)
		}
	}
	for _, i := range g.progs {
		if !g.checks[i].ok(x) {
			return firstFailed(g.checks, x)
		}
	}
	return -1
}
