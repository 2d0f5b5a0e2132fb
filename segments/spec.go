package segments

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/key"
)

// DivPlaces is the number of decimal places every division in sotp keeps: a Formula's
// Quotient, shares of revenue and growth rates here, and the divisions of the comps and
// valuation packages. Nothing else is rounded before a figure is printed.
const DivPlaces = 16

// Formula is a figure of a driver's forecast as arithmetic on named figures: the
// driver's inputs, the platform's MAU and DAU, and lines worked out before it. It is
// data, so that one definition gives the decimal forecast, the float64 program of Monte
// Carlo and Sobol runs, the exact kernel of prepared models and the workbook's cell
// formulas. Products and sums are exact; Quotient rounds half away from zero to DivPlaces.
//
// OpPrev reads a line's value in the previous year of the plan: Formula{Op: OpPrev, Ref:
// "revenue", Args: [base]} is last year's revenue, or base in the segment's first year
// (the plan's first, or the year it starts), so that revenue can grow from a base:
// prev(revenue, base_revenue) × (1 + growth).
//
// OpMin and OpMax are the least and the greatest of their arguments (two or more, of one
// unit; a number among them takes the others'), the first of equal ones: a floor or a
// cap, such as a loss-making business's EBITDA floored at zero. A prepared model's exact
// kernel computes them (a comparison and a copy of the operand chosen); the float64
// program of Monte Carlo, Sobol and Morris runs works one a draw moves out at each draw.
type Formula struct {
	Op    Op
	Ref   Metric          // of OpRef, and the line of OpPrev
	Const decimal.Decimal // of OpConst
	// Args are the arguments of OpMul, OpAdd, OpMin and OpMax (left to right), OpQuo
	// (numerator, denominator) and OpPrev (the value where there is no previous year).
	Args []Formula
}

// Op is the operation of a Formula.
type Op uint8

// Operations of formulas.
const (
	OpRef   Op = iota + 1 // a named figure
	OpConst               // a constant
	OpMul                 // the product of the arguments
	OpAdd                 // the sum of the arguments
	OpQuo                 // the first argument over the second, to DivPlaces
	OpPrev                // a line's value in the previous year, or the argument in the first
	OpMin                 // the least of the arguments
	OpMax                 // the greatest of the arguments
)

// Ref is the formula of a named figure: an input, MAU, DAU or an earlier line.
func Ref(m Metric) Formula { return Formula{Op: OpRef, Ref: m} }

// Const is the formula of a constant.
func Const(c decimal.Decimal) Formula { return Formula{Op: OpConst, Const: c} }

// Mul is the formula of the product of fs.
func Mul(fs ...Formula) Formula { return Formula{Op: OpMul, Args: fs} }

// Add is the formula of the sum of fs.
func Add(fs ...Formula) Formula { return Formula{Op: OpAdd, Args: fs} }

// Quotient is the formula of num / den, rounded to DivPlaces.
func Quotient(num, den Formula) Formula { return Formula{Op: OpQuo, Args: []Formula{num, den}} }

// Walk calls fn on f and each formula inside it, depth first, arguments in order.
func (f Formula) Walk(fn func(Formula)) {
	fn(f)
	for _, a := range f.Args {
		a.Walk(fn)
	}
}

// Eval works out the formula in exact decimal, reading named figures from get and a
// line's value in the previous year from prev (false: no previous year; prev may be nil
// for none). It fails with fault.ErrNonPositive, naming line, when a denominator is zero.
func (f Formula) Eval(get func(Metric) decimal.Decimal, prev func(Metric) (decimal.Decimal, bool), line Metric) (decimal.Decimal, error) {
	v, err := decimals().Fold(f, get, prev)
	if err != nil {
		return decimal.Decimal{}, &fault.Error{Pkg: "segments", Field: string(line), Value: "a division by zero", Err: fault.ErrNonPositive, Key: unplaced(line)}
	}
	return v, nil
}

// Algebra is a domain a Formula is worked out in (Fold): the forecast's exact decimals
// (Formula.Eval), the exact kernel's polynomials, a workbook's cell formulas; one walk of
// a formula for all of them. Add, Mul, Min and Max combine a formula's arguments left to
// right (Min and Max keep the first of equal values, its exponent with it); Quo divides,
// rounded to DivPlaces, or fails. Group, when not nil, is given each sum, product, min
// and max whole, its operation op (a cell formula's parentheses, MIN( and MAX().
type Algebra[T any] struct {
	Const              func(decimal.Decimal) T
	Add, Mul, Min, Max func(a, b T) T
	Quo                func(num, den T) (T, error)
	Group              func(op Op, x T) T
}

// Fold works f out in a, reading a named figure from get and a line's value in the
// previous year from prev (false, or a nil prev: none, and prev()'s default is worked
// out). Arguments are worked out in order, the numerator before the denominator.
func (a Algebra[T]) Fold(f Formula, get func(Metric) T, prev func(Metric) (T, bool)) (T, error) {
	switch f.Op {
	case OpRef:
		return get(f.Ref), nil
	case OpConst:
		return a.Const(f.Const), nil
	case OpPrev:
		if prev != nil {
			if v, ok := prev(f.Ref); ok {
				return v, nil
			}
		}
		return a.Fold(f.Args[0], get, prev)
	case OpQuo:
		num, err := a.Fold(f.Args[0], get, prev)
		if err != nil {
			return num, err
		}
		den, err := a.Fold(f.Args[1], get, prev)
		if err != nil {
			return den, err
		}
		return a.Quo(num, den)
	}
	combine := a.combiner(f.Op)
	var out T
	for i, x := range f.Args {
		v, err := a.Fold(x, get, prev)
		switch {
		case err != nil:
			return v, err
		case i == 0:
			out = v
		default:
			out = combine(out, v)
		}
	}
	if a.Group != nil {
		out = a.Group(f.Op, out)
	}
	return out, nil
}

// combiner is the function that combines the arguments of an op: Add, Mul, Min or Max.
func (a Algebra[T]) combiner(op Op) func(a, b T) T {
	switch op {
	case OpAdd:
		return a.Add
	case OpMul:
		return a.Mul
	case OpMin:
		return a.Min
	}
	return a.Max
}

// decimals is the algebra of exact decimals, the forecast's (Formula.Eval): products and
// sums exact, a quotient rounded to DivPlaces, a division by zero errZeroDivision.
func decimals() Algebra[decimal.Decimal] {
	return Algebra[decimal.Decimal]{Const: decimalConst, Add: decimal.Decimal.Add, Mul: decimal.Decimal.Mul,
		Min: decimalMin, Max: decimalMax, Quo: decimalQuo}
}

func decimalConst(c decimal.Decimal) decimal.Decimal  { return c }
func decimalMin(a, b decimal.Decimal) decimal.Decimal { return extreme(OpMin, a, b) }
func decimalMax(a, b decimal.Decimal) decimal.Decimal { return extreme(OpMax, a, b) }

func decimalQuo(num, den decimal.Decimal) (decimal.Decimal, error) {
	if den.IsZero() {
		return decimal.Decimal{}, errZeroDivision
	}
	return num.DivRound(den, DivPlaces), nil
}

// errZeroDivision is decimals' division by zero, which Eval reports naming its line.
var errZeroDivision = errors.New("a division by zero")

// extreme is what OpMin or OpMax (op) makes of a value so far and the next argument:
// the next only when it is strictly less (greater), so that of equal values the first
// stands, its exponent with it, as the exact kernel keeps it too.
func extreme(op Op, sofar, next decimal.Decimal) decimal.Decimal {
	if op == OpMin && next.LessThan(sofar) || op == OpMax && next.GreaterThan(sofar) {
		return next
	}
	return sofar
}

// Spec describes a driver model once: its inputs with their ranges and units, and its
// lines with their formulas, in the order a table prints them. Every consumer of drivers
// reads it: the forecast, the assumptions a sensitivity analysis can move, the float64
// program of Monte Carlo and Sobol runs, model files and workbooks. A new driver model is
// a Spec and a type that returns it (see Driver).
type Spec struct {
	Kind   string // stable name of the model, e.g. "live_streaming": its model-file key
	Inputs []Input
	Lines  []LineSpec
	// UserBase names the line counting the segment's own users, which OwnUsers prices;
	// empty means the platform's MAU.
	UserBase Metric
}

// Users returns the line of the segment's own users, which OwnUsers names: UserBase, or
// the platform's MAU when it is empty.
func (s Spec) Users() Metric {
	if s.UserBase == "" {
		return MAU
	}
	return s.UserBase
}

// Input is one input of a driver model.
type Input struct {
	Metric Metric
	Label  string // as tables print it
	Unit   Unit   // Fraction for a rate or margin, PerUser or Millions for money
	Range  Range
	// Optional inputs may be left out of a model file, meaning zero.
	Optional bool
}

// Range is the values an input may take.
type Range uint8

// Ranges of inputs.
const (
	NonNegative Range = iota + 1 // zero or more: money, counts
	UnitRate                     // in [0, 1]: a paying ratio, penetration, take rate
	SignedRate                   // in [-1, 1]: a margin
)

// rangeNames are the ranges as model files name them.
var rangeNames = [...]string{NonNegative: "non_negative", UnitRate: "rate", SignedRate: "signed_rate"}

// MarshalText writes the range as model files name it: non_negative, rate or
// signed_rate.
func (r Range) MarshalText() ([]byte, error) {
	if r < NonNegative || r > SignedRate {
		return nil, &fault.Error{Pkg: "segments", Field: "range", Value: strconv.Itoa(int(r)), Err: fault.ErrInvalid}
	}
	return []byte(rangeNames[r]), nil
}

// UnmarshalText reads a range as MarshalText writes it.
func (r *Range) UnmarshalText(b []byte) error {
	if i := slices.Index(rangeNames[:], string(b)); i > 0 {
		*r = Range(i)
		return nil
	}
	return &fault.Error{Pkg: "segments", Field: "range", Value: strconv.Quote(clipText(string(b))) + ", want non_negative, rate or signed_rate", Err: fault.ErrInvalid}
}

// Check reports v outside the range as a *fault.Error naming m, whose Key is m's with
// no year or segment: Plan.Forecast fills them in.
func (r Range) Check(m Metric, v decimal.Decimal) error {
	one := decimal.NewFromInt(1)
	switch {
	case r == NonNegative && v.Sign() < 0:
		return &fault.Error{Pkg: "segments", Field: string(m), Value: fault.Plain(v), Err: fault.ErrNegative, Key: unplaced(m)}
	case r == UnitRate && (v.Sign() < 0 || v.GreaterThan(one)):
		return &fault.Error{Pkg: "segments", Field: string(m), Value: fault.Plain(v), Err: fault.ErrRate, Key: unplaced(m)}
	case r == SignedRate && v.Abs().GreaterThan(one):
		return &fault.Error{Pkg: "segments", Field: string(m), Value: fault.Plain(v), Err: fault.ErrRate, Key: unplaced(m)}
	case r < NonNegative || r > SignedRate:
		return &fault.Error{Pkg: "segments", Field: string(m), Value: fmt.Sprintf("range %d", r), Err: fault.ErrSpec, Key: unplaced(m)}
	}
	return nil
}

// unplaced is the key of a driver's input or line m in an error of a driver, which knows
// neither the year nor the segment it serves: Plan.Forecast fills them in (locate).
func unplaced(m Metric) key.Key { return key.Forecast(0, "", string(m)) }

// driverKey is the key of a segment's driver in an error, as unplaced: a forecast key
// named "driver", the name of no input or line.
func driverKey() key.Key { return unplaced("driver") }

// LineSpec is one line of a driver model: how a table prints it and its formula.
type LineSpec struct {
	Metric  Metric
	Label   string
	Unit    Unit
	Places  int32 // digits a table prints: of the percentage for Fraction, else of the value
	Display Unit  // the unit a table prints the line in, when not Unit (GMV in 亿)
	Formula Formula
	// OmitZero leaves the line out of the forecast when its value is zero, as the report
	// leaves out "other revenue" once commerce drives the segment.
	OmitZero bool
}

// Check reports a spec that cannot forecast: no kind, an input or line named twice, an
// input named mau or dau, an input or line of a reserved name (users, share, growth,
// driver, line, or one with a "/": words of the key grammar, as model files reserve
// them), a formula that reads a figure not known
// before it or divides by a constant zero, no revenue line in millions, or a user base
// that is not a line of users.
func (s Spec) Check() error {
	if s.Kind == "" {
		return s.bad("kind", "none given")
	}
	// known and lines are slices, not maps: a spec has a handful of names, and a forecast
	// checks its spec every time.
	known := make([]Metric, 2, 2+len(s.Inputs)+len(s.Lines))
	known[0], known[1] = MAU, DAU
	known, err := s.checkInputs(known)
	if err != nil {
		return err
	}
	if err := s.checkLines(known); err != nil {
		return err
	}
	if s.UserBase != "" && !slices.ContainsFunc(s.Lines, func(l LineSpec) bool { return l.Metric == s.UserBase && l.Unit == MillionUsers }) {
		return s.bad("user_base", fmt.Sprintf("%q is not a line of users", s.UserBase))
	}
	return nil
}

// bad is the error of Check for the spec's field, saying what is wrong with it.
func (s Spec) bad(field, what string) error {
	return &fault.Error{Pkg: "segments", Field: "driver " + s.Kind + " " + field, Value: what, Err: fault.ErrSpec, Key: driverKey()}
}

// reserved reports a name no input or line may take, as model files reserve them: the
// key grammar's words, "users" (a segment's own users, OwnUsers), "share" (its share of
// the group's revenue, forecast/YEAR/SEG/share) and "growth" (a figure's growth,
// forecast/YEAR/SEG/METRIC/growth), "driver" and "line", and a name with "/" in it: a
// figure so named would have two values under one key, or a key that reads back as
// another.
func reserved(m Metric) bool {
	switch m {
	case OwnUsers, "share", "growth", "driver", "line":
		return true
	}
	return strings.Contains(string(m), "/")
}

// checkInputs reports an input named twice, named mau or dau, reserved or not named,
// or of no known range; it returns known, the names known before the inputs, with theirs
// added.
func (s Spec) checkInputs(known []Metric) ([]Metric, error) {
	for _, in := range s.Inputs {
		if slices.Contains(known, in.Metric) || in.Metric == "" || reserved(in.Metric) {
			return known, s.bad("input", fmt.Sprintf("%q named twice or reserved", in.Metric))
		}
		if err := in.Range.Check(in.Metric, decimal.Decimal{}); err != nil {
			return known, err
		}
		known = append(known, in.Metric)
	}
	return known, nil
}

// checkLines reports a line whose formula formulaFault faults, reading names from known
// (those of the platform and the inputs) and the lines before it, a line named twice or
// not named, and no revenue line in millions.
func (s Spec) checkLines(known []Metric) error {
	isKnown := func(m Metric) bool { return slices.Contains(known, m) }
	revenue := false
	for i, l := range s.Lines {
		if what := s.formulaFault(l.Formula, isKnown); what != "" {
			return s.bad("line "+string(l.Metric), what)
		}
		if l.Metric == "" || reserved(l.Metric) || slices.ContainsFunc(s.Lines[:i], func(p LineSpec) bool { return p.Metric == l.Metric }) {
			return s.bad("line", fmt.Sprintf("%q named twice or reserved", l.Metric))
		}
		known = append(known, l.Metric)
		revenue = revenue || (l.Metric == Revenue && l.Unit == Millions)
	}
	if !revenue {
		return s.bad("lines", "no revenue line in millions")
	}
	return nil
}

// formulaFault says what is wrong with a line's formula, "" if nothing: a name not known
// before the line, a prev of what is not a line or without a first year's value, a
// division by a constant zero, a malformed operation.
func (s Spec) formulaFault(f Formula, isKnown func(Metric) bool) string {
	what := ""
	f.Walk(func(f Formula) {
		if what == "" {
			what = s.opFault(f, isKnown)
		}
	})
	return what
}

// opFault says what is wrong with one operation of a line's formula, leaving those of
// its arguments aside, "" if nothing: as formulaFault.
func (s Spec) opFault(f Formula, isKnown func(Metric) bool) string {
	switch {
	case f.Op == OpRef && !isKnown(f.Ref):
		return fmt.Sprintf("reads %q before it is known", f.Ref)
	case f.Op == OpPrev && (len(f.Args) != 1 || !slices.ContainsFunc(s.Lines, func(p LineSpec) bool { return p.Metric == f.Ref })):
		return fmt.Sprintf("prev of %q: want a line of the driver, and a value for the first year", f.Ref)
	case f.Op == OpQuo && len(f.Args) == 2 && f.Args[1].Op == OpConst && f.Args[1].Const.IsZero():
		return "divides by zero"
	case malformed(f):
		return "malformed formula"
	}
	return ""
}

// malformed reports an operation that is none of the Ops, or that has a number of
// arguments it cannot take.
func malformed(f Formula) bool {
	switch f.Op {
	case OpQuo:
		return len(f.Args) != 2
	case OpMul, OpAdd:
		return len(f.Args) == 0
	case OpMin, OpMax:
		return len(f.Args) < 2
	}
	return f.Op < OpRef || f.Op > OpMax
}

// shipped reports a driver whose Spec is one of this package's, which TestWith checks.
func shipped(d Driver) bool {
	switch d := d.(type) {
	case LiveStreaming, Advertising, Ecommerce:
		return true
	case NetMargin:
		return d.Driver != nil && shipped(d.Driver)
	}
	return false
}

// forecast works out the lines of a driver from its values, the year's users and its
// lines' values in the previous year (nil in the segment's first). It returns the
// driver's user base too (MAU when the spec names none), its inputs, and every line's
// value, those a table leaves out included, for the next year's prev.
func forecast(d Driver, u Users, last map[Metric]decimal.Decimal) ([]Line, Metric, []Input, map[Metric]decimal.Decimal, error) {
	if err := u.Validate(); err != nil {
		return nil, "", nil, nil, err
	}
	s := d.Spec()
	vals := d.Values()
	if !shipped(d) { // the shipped specs are checked by their tests, not at every forecast
		if err := s.Check(); err != nil {
			return nil, "", nil, nil, err
		}
	}
	if len(vals) != len(s.Inputs) {
		return nil, "", nil, nil, &fault.Error{Pkg: "segments", Field: "driver " + s.Kind, Value: fmt.Sprintf("%d values for %d inputs", len(vals), len(s.Inputs)), Err: fault.ErrSpec, Key: driverKey()}
	}
	// env holds the figures known so far, latest last; a lookup scans it from the end, so
	// that a line shadows the input it shows (they are equal) and MAU and DAU come last.
	type named struct {
		m Metric
		v decimal.Decimal
	}
	env := make([]named, 2, 2+len(s.Inputs)+len(s.Lines))
	env[0], env[1] = named{MAU, u.MAU}, named{DAU, u.DAU}
	for i, in := range s.Inputs {
		if err := in.Range.Check(in.Metric, vals[i]); err != nil {
			return nil, "", nil, nil, err
		}
		env = append(env, named{in.Metric, vals[i]})
	}
	get := func(m Metric) decimal.Decimal {
		for i := len(env) - 1; i >= 0; i-- {
			if env[i].m == m {
				return env[i].v
			}
		}
		return decimal.Decimal{} // Check has made sure every name is known
	}
	var prev func(Metric) (decimal.Decimal, bool)
	if last != nil {
		prev = func(m Metric) (decimal.Decimal, bool) { v, ok := last[m]; return v, ok }
	}
	lines := make([]Line, 0, len(s.Lines))
	values := make(map[Metric]decimal.Decimal, len(s.Lines))
	for _, l := range s.Lines {
		v, err := l.Formula.Eval(get, prev, l.Metric)
		if err != nil {
			return nil, "", nil, nil, err
		}
		env = append(env, named{l.Metric, v})
		values[l.Metric] = v
		if l.OmitZero && v.IsZero() {
			continue
		}
		lines = append(lines, Line{Metric: l.Metric, Label: l.Label, Unit: l.Unit, Places: l.Places, Value: v, Display: l.Display})
	}
	return lines, s.Users(), s.Inputs, values, nil
}
