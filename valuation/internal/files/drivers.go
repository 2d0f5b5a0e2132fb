package files

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/decimals"
)

// Driver is a driver model defined in a model file, as segments.Spec defines one in Go:
// its kind (the name segments give as their "driver"), its inputs, and its lines, each
// a formula of the inputs, the platform's users and the lines before it. A kind the file
// defines is valued, swept, drawn and written to a workbook as a shipped one is.
//
//	{"kind": "delivery",
//	 "inputs": [{"name": "orders", "title": "Orders", "unit": "million_orders", "range": "non_negative"},
//	            {"name": "aov", "title": "Average order value", "unit": "per_order", "range": "non_negative"},
//	            {"name": "take_rate", "title": "Take rate", "unit": "fraction", "range": "rate"}],
//	 "lines":  [{"name": "gmv", "title": "GMV", "unit": "millions", "formula": "orders * aov"},
//	            {"name": "revenue", "title": "Revenue", "unit": "millions", "formula": "gmv * take_rate"}]}
type Driver struct {
	Kind   string        `json:"kind"`
	Inputs []DriverInput `json:"inputs" max:"50"`
	Lines  []DriverLine  `json:"lines" max:"100"`
	// UserBase names the line counting the segment's own users (a Multiple of users
	// prices it); none means the platform's MAU.
	UserBase string `json:"user_base,omitempty"`
}

// DriverInput is one input of a file-defined driver.
type DriverInput struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	Unit  string `json:"unit" enum:"million_users|million_orders|million_transactions|fraction|per_user|per_order|per_transaction|millions"`
	// Range is non_negative (money, counts), rate (in [0, 1]) or signed_rate (in [-1, 1]).
	Range string `json:"range" enum:"non_negative|rate|signed_rate"`
	// Optional inputs may be left out of a segment's year, meaning zero.
	Optional bool `json:"optional,omitempty"`
}

// DriverLine is one line of a file-defined driver: a figure of the forecast and its
// formula, in the grammar of ParseFormula.
type DriverLine struct {
	Name    string `json:"name"`
	Title   string `json:"title"`
	Unit    string `json:"unit" enum:"million_users|million_orders|million_transactions|fraction|per_user|per_order|per_transaction|millions"`
	Places  int    `json:"places,omitempty"` // digits a table prints: of the percentage for a fraction
	Formula string `json:"formula"`
}

// reserved are the names a driver's input or line may not take: the key grammar's
// words (forecast/YEAR/SEGMENT/NAME/growth, .../share), a segment's driver and its own
// users.
var reserved = []string{"growth", "share", "driver", "users", "line"}

// checkName refuses a kind, input or line name that is not a lower-case identifier of at
// most maxName bytes, or is reserved: a name becomes a key (forecast/2021/SEGMENT/NAME)
// and a formula's word.
func checkName(name string) error {
	ok := name != "" && len(name) <= maxName && !slices.Contains(reserved, name) && (name[0] == '_' || name[0] >= 'a' && name[0] <= 'z')
	for i := 0; ok && i < len(name); i++ {
		c := name[i]
		ok = c == '_' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
	}
	if !ok {
		return fmt.Errorf("%w: %s: want a lower-case name of letters, digits and _ (at most %d bytes), not %s", fault.ErrInvalid,
			strconv.Quote(Clip(name)), maxName, strings.Join(reserved, ", "))
	}
	return nil
}

var rangeNames = map[string]segments.Range{"non_negative": segments.NonNegative, "rate": segments.UnitRate, "signed_rate": segments.SignedRate}

// unitOf reads a unit's file name; hundred_millions is a display unit only.
func unitOf(name string) (segments.Unit, bool) {
	var u segments.Unit
	if err := u.UnmarshalText([]byte(name)); err != nil || u == segments.HundredMillions {
		return 0, false
	}
	return u, true
}

// spec builds the driver's segments.Spec, its formulas parsed and their units checked;
// errors are located under at ($.drivers[i]).
func (d Driver) spec(at string) (segments.Spec, error) {
	bad := func(path string, err error) (segments.Spec, error) {
		return segments.Spec{}, &fault.Error{Pkg: "modelfile", Path: path, Err: err}
	}
	if err := checkName(d.Kind); err != nil {
		return bad(at+".kind", err)
	}
	s := segments.Spec{Kind: d.Kind, UserBase: segments.Metric(d.UserBase)}
	units := map[segments.Metric]dims{segments.MAU: usersDims, segments.DAU: usersDims}
	for i, in := range d.Inputs {
		path := fmt.Sprintf("%s.inputs[%d]", at, i)
		if err := checkName(in.Name); err != nil {
			return bad(path+".name", err)
		}
		u, ok := unitOf(in.Unit)
		if !ok {
			return bad(path+".unit", fmt.Errorf("%w: %s", fault.ErrUnknownUnit, strconv.Quote(Clip(in.Unit))))
		}
		r, ok := rangeNames[in.Range]
		if !ok {
			return bad(path+".range", fmt.Errorf("%w: %s, want non_negative, rate or signed_rate", fault.ErrInvalid, strconv.Quote(Clip(in.Range))))
		}
		m := segments.Metric(in.Name)
		s.Inputs = append(s.Inputs, segments.Input{Metric: m, Label: in.Title, Unit: u, Range: r, Optional: in.Optional})
		units[m] = dimsOf(u)
	}
	lines := map[segments.Metric]dims{} // every line's unit as declared: prev may read any
	for _, l := range d.Lines {
		if u, ok := unitOf(l.Unit); ok {
			lines[segments.Metric(l.Name)] = dimsOf(u)
		}
	}
	for i, l := range d.Lines {
		path := fmt.Sprintf("%s.lines[%d]", at, i)
		if err := checkName(l.Name); err != nil {
			return bad(path+".name", err)
		}
		u, ok := unitOf(l.Unit)
		if !ok {
			return bad(path+".unit", fmt.Errorf("%w: %s", fault.ErrUnknownUnit, strconv.Quote(Clip(l.Unit))))
		}
		if l.Places < 0 || l.Places > 10 {
			return bad(path+".places", fmt.Errorf("%w: %d, want 0 to 10", fault.ErrInvalid, l.Places))
		}
		f, err := ParseFormula(l.Formula)
		if err != nil {
			return bad(path+".formula", err)
		}
		got, err := unitsOf(f, units, lines)
		if err != nil {
			return bad(path+".formula", err)
		}
		if want := dimsOf(u); got != want {
			return bad(path+".formula", fmt.Errorf("%w: the formula gives %s, the line is in %s", fault.ErrSpec, got, want))
		}
		m := segments.Metric(l.Name)
		s.Lines = append(s.Lines, segments.LineSpec{Metric: m, Label: l.Title, Unit: u, Places: int32(l.Places), Formula: f})
		units[m] = dimsOf(u)
	}
	if err := s.Check(); err != nil {
		return bad(at, err)
	}
	return s, nil
}

// specs returns the driver models a file's segments may name: the shipped ones and those
// the file defines, under root; a file's kind may not be a shipped one's.
func (f File) specs(root string) (func(string) (segments.Spec, bool), error) {
	own := map[string]segments.Spec{}
	for i, d := range f.Drivers {
		at := fmt.Sprintf("%s.drivers[%d]", root, i)
		if _, shipped := segments.SpecOf(d.Kind); shipped || own[d.Kind].Kind != "" {
			return nil, &fault.Error{Pkg: "modelfile", Path: at + ".kind", Err: fmt.Errorf("%w: driver kind %s defined twice, or a shipped kind", fault.ErrDuplicateKey, strconv.Quote(Clip(d.Kind)))}
		}
		s, err := d.spec(at)
		if err != nil {
			return nil, err
		}
		own[d.Kind] = s
	}
	return func(kind string) (segments.Spec, bool) {
		if s, ok := own[kind]; ok {
			return s, true
		}
		return segments.SpecOf(kind)
	}, nil
}

// dims are a unit's dimensions: the powers of money, users, orders and transactions
// (millions of each, and currency units a user, order or transaction, agree in scale:
// millions of users × currency a user is millions of currency).
type dims [4]int

var (
	usersDims  = dims{0, 1, 0, 0}
	numberDims dims // a fraction, a constant
)

func dimsOf(u segments.Unit) dims {
	switch u {
	case segments.MillionUsers:
		return usersDims
	case segments.MillionOrders:
		return dims{0, 0, 1, 0}
	case segments.MillionTransactions:
		return dims{0, 0, 0, 1}
	case segments.PerUser:
		return dims{1, -1, 0, 0}
	case segments.PerOrder:
		return dims{1, 0, -1, 0}
	case segments.PerTransaction:
		return dims{1, 0, 0, -1}
	case segments.Millions:
		return dims{1, 0, 0, 0}
	}
	return numberDims
}

// String names the dimensions as a unit, or as their powers when no unit has them.
func (d dims) String() string {
	for _, u := range []segments.Unit{segments.Fraction, segments.MillionUsers, segments.MillionOrders, segments.MillionTransactions,
		segments.PerUser, segments.PerOrder, segments.PerTransaction, segments.Millions} {
		if dimsOf(u) == d {
			return u.String()
		}
	}
	return fmt.Sprintf("money^%d users^%d orders^%d transactions^%d", d[0], d[1], d[2], d[3])
}

// unitsOf works out the dimensions of a formula of named figures of known units: a sum
// needs equal ones, a product adds them, a quotient subtracts them (users × money a
// user is money; money ÷ users is money a user; money × a rate is money).
func unitsOf(f segments.Formula, units, lines map[segments.Metric]dims) (dims, error) {
	switch f.Op {
	case segments.OpConst:
		return numberDims, nil
	case segments.OpPrev: // a line's unit, which the first year's value must have too
		d, ok := lines[f.Ref]
		if !ok {
			return dims{}, fmt.Errorf("%w: prev(%s, ...): not a line of the driver", fault.ErrSpec, strconv.Quote(string(f.Ref)))
		}
		first, err := unitsOf(f.Args[0], units, lines)
		if err != nil {
			return dims{}, err
		}
		if first != d {
			return dims{}, fmt.Errorf("%w: prev(%s, ...) is in %s, its first year's value in %s", fault.ErrSpec, f.Ref, d, first)
		}
		return d, nil
	case segments.OpRef:
		d, ok := units[f.Ref]
		if !ok {
			return dims{}, fmt.Errorf("%w: %s is not an input, mau, dau or a line before this one", fault.ErrSpec, strconv.Quote(string(f.Ref)))
		}
		return d, nil
	}
	var out dims
	for i, a := range f.Args {
		d, err := unitsOf(a, units, lines)
		if err != nil {
			return dims{}, err
		}
		switch {
		case i == 0:
			out = d
		case f.Op == segments.OpAdd && d != out:
			return dims{}, fmt.Errorf("%w: a sum of %s and %s", fault.ErrSpec, out, d)
		case (f.Op == segments.OpMin || f.Op == segments.OpMax) && d != out:
			return dims{}, fmt.Errorf("%w: the %s of %s and %s", fault.ErrSpec, funcName[f.Op], out, d)
		case f.Op == segments.OpMul:
			for j := range out {
				out[j] += d[j]
			}
		case f.Op == segments.OpQuo:
			for j := range out {
				out[j] -= d[j]
			}
		}
	}
	return out, nil
}

// Bounds on a formula: its text, its names, its operations and their nesting. They
// bound the formula parsed, not only its text, so that what FormulaText writes of any
// formula ParseFormula takes reads back within them: at most maxNodes operations and
// names of maxName bytes, written with spaces and every parenthesis, stay under
// maxFormula; the parser's own nesting (parentheses and minus signs) may reach
// maxParseDepth, twice the formula's.
const (
	maxFormula      = 32 << 10
	maxName         = 64
	maxNodes        = 256
	maxFormulaDepth = 32
	maxParseDepth   = 2 * maxFormulaDepth
)

// ParseFormula reads a line's formula: decimal numbers, the names of inputs, users and
// earlier lines, + - * /, unary minus and parentheses, with the usual precedence (* and
// / before + and -, left to right). a - b is a + -1 × b, and a / b divides to
// segments.DivPlaces, as every formula of sotp does:
//
//	mau * paying_ratio
//	paying_users * monthly_arppu * 12
//	(gmv - returns) * take_rate
//	revenue / mau
//
// prev(name, first) is the line name's value in the previous year of the plan, or first
// in the segment's first year (the plan's first, or the year it starts): revenue that
// grows from a base is prev(revenue, base_revenue) * (1 + growth). min(a, b, ...) and
// max(a, b, ...) are the least and the greatest of two or more figures of one unit (a
// floor: max(revenue * ebitda_margin, 0)).
func ParseFormula(text string) (segments.Formula, error) {
	if len(text) > maxFormula {
		return segments.Formula{}, fmt.Errorf("%w: a formula of %d bytes, at most %d", fault.ErrTooLarge, len(text), maxFormula)
	}
	p := &formulaParser{src: text}
	f, err := p.sum(0)
	if err == nil && p.peek() != 0 {
		err = p.fail("unexpected " + strconv.QuoteRune(rune(p.peek())))
	}
	if err == nil {
		if nodes, depth := formulaSize(f); nodes > maxNodes || depth > maxFormulaDepth {
			f, err = segments.Formula{}, fmt.Errorf("%w: a formula of %d operations and names nested %d deep, at most %d and %d", fault.ErrTooLarge, nodes, depth, maxNodes, maxFormulaDepth)
		}
	}
	return f, err
}

// formulaSize counts a formula's operations and names, and its nesting.
func formulaSize(f segments.Formula) (nodes, depth int) {
	nodes = 1
	for _, a := range f.Args {
		n, d := formulaSize(a)
		nodes += n
		depth = max(depth, d)
	}
	return nodes, depth + 1
}

// prev is the rest of prev(name, first): a line's value in the previous year, or first
// in the segment's first year.
func (p *formulaParser) prev(depth int) (segments.Formula, bool, error) {
	p.at++ // the (
	p.peek()
	start := p.at
	for p.at < len(p.src) && (p.src[p.at] == '_' || p.src[p.at] >= 'a' && p.src[p.at] <= 'z' || p.src[p.at] >= '0' && p.src[p.at] <= '9') {
		p.at++
	}
	name := p.src[start:p.at]
	switch {
	case name == "" || name[0] >= '0' && name[0] <= '9':
		return segments.Formula{}, false, p.fail("prev(name, first): want the name of a line")
	case len(name) > maxName:
		return segments.Formula{}, false, p.fail("a name above " + strconv.Itoa(maxName) + " bytes")
	case p.peek() != ',':
		return segments.Formula{}, false, p.fail("prev(name, first): want the value of the first year after a comma")
	}
	p.at++
	first, err := p.sum(depth + 1)
	if err != nil {
		return first, false, err
	}
	if p.peek() != ')' {
		return segments.Formula{}, false, p.fail("a missing )")
	}
	p.at++
	return segments.Formula{Op: segments.OpPrev, Ref: segments.Metric(name), Args: []segments.Formula{first}}, false, nil
}

// funcName names OpMin and OpMax as formulas write them.
var funcName = map[segments.Op]string{segments.OpMin: "min", segments.OpMax: "max"}

// extreme is the rest of min(a, b, ...) or max(a, b, ...): two arguments or more.
func (p *formulaParser) extreme(name string, depth int) (segments.Formula, bool, error) {
	op := segments.OpMin
	if name == "max" {
		op = segments.OpMax
	}
	var args []segments.Formula
	for {
		p.at++ // the ( or the ,
		a, err := p.sum(depth + 1)
		if err != nil {
			return a, false, err
		}
		args = append(args, a)
		if p.peek() != ',' {
			break
		}
	}
	switch {
	case p.peek() != ')':
		return segments.Formula{}, false, p.fail("a missing )")
	case len(args) < 2:
		return segments.Formula{}, false, p.fail(name + "(a, b, ...): want two arguments or more")
	}
	p.at++
	return segments.Formula{Op: op, Args: args}, false, nil
}

type formulaParser struct {
	src string
	at  int
}

func (p *formulaParser) fail(what string) error {
	return fmt.Errorf("%w: %s at byte %d of %s", fault.ErrSyntax, what, p.at, strconv.Quote(Clip(p.src)))
}

// peek skips spaces and returns the next byte, 0 at the end.
func (p *formulaParser) peek() byte {
	for p.at < len(p.src) && p.src[p.at] == ' ' {
		p.at++
	}
	if p.at == len(p.src) {
		return 0
	}
	return p.src[p.at]
}

// sum is term (('+' | '-') term)*.
func (p *formulaParser) sum(depth int) (segments.Formula, error) {
	first, err := p.term(depth)
	if err != nil {
		return first, err
	}
	args := []segments.Formula{first}
	for c := p.peek(); c == '+' || c == '-'; c = p.peek() {
		p.at++
		t, err := p.term(depth)
		if err != nil {
			return t, err
		}
		if c == '-' {
			t = negate(t)
		}
		args = append(args, t)
	}
	if len(args) == 1 {
		return first, nil
	}
	return segments.Add(args...), nil
}

// negate is -1 × f, a product flattened so that a - b × c reads back as it prints.
func negate(f segments.Formula) segments.Formula {
	minus := segments.Const(decimal.NewFromInt(-1))
	if f.Op == segments.OpMul {
		return segments.Mul(append([]segments.Formula{minus}, f.Args...)...)
	}
	return segments.Mul(minus, f)
}

// term is factor (('*' | '/') factor)*: a run of products is one Mul, a quotient takes
// what is to its left whole, and a product in parentheses stays a factor of its own.
func (p *formulaParser) term(depth int) (segments.Formula, error) {
	left, grouped, err := p.factor(depth)
	if err != nil {
		return left, err
	}
	for c := p.peek(); c == '*' || c == '/'; c = p.peek() {
		p.at++
		right, _, err := p.factor(depth)
		if err != nil {
			return right, err
		}
		switch {
		case c == '/':
			left = segments.Quotient(left, right)
		case left.Op == segments.OpMul && !grouped:
			left = segments.Mul(append(slices.Clip(left.Args), right)...)
		default:
			left = segments.Mul(left, right)
		}
		grouped = false
	}
	return left, nil
}

// factor is a number, a name, '-' factor or '(' sum ')'; grouped reports the last.
func (p *formulaParser) factor(depth int) (f segments.Formula, grouped bool, err error) {
	if depth > maxParseDepth {
		return segments.Formula{}, false, p.fail("nesting deeper than " + strconv.Itoa(maxParseDepth))
	}
	switch c := p.peek(); {
	case c == '-':
		p.at++
		f, _, err := p.factor(depth + 1)
		if err != nil {
			return f, false, err
		}
		if f.Op == segments.OpConst {
			return segments.Const(f.Const.Neg()), false, nil
		}
		return negate(f), false, nil
	case c == '(':
		p.at++
		f, err := p.sum(depth + 1)
		if err != nil {
			return f, false, err
		}
		if p.peek() != ')' {
			return f, false, p.fail("a missing )")
		}
		p.at++
		return f, true, nil
	case c >= '0' && c <= '9':
		start := p.at
		for p.at < len(p.src) && (p.src[p.at] >= '0' && p.src[p.at] <= '9' || p.src[p.at] == '.') {
			p.at++
		}
		v, err := decimals.Parse(p.src[start:p.at])
		if err != nil {
			return segments.Formula{}, false, err
		}
		return segments.Const(v), false, nil
	case c == '_' || c >= 'a' && c <= 'z':
		start := p.at
		for p.at < len(p.src) && (p.src[p.at] == '_' || p.src[p.at] >= 'a' && p.src[p.at] <= 'z' || p.src[p.at] >= '0' && p.src[p.at] <= '9') {
			p.at++
		}
		name := p.src[start:p.at]
		if len(name) > maxName {
			return segments.Formula{}, false, p.fail("a name above " + strconv.Itoa(maxName) + " bytes")
		}
		if p.peek() == '(' {
			switch name {
			case "prev":
				return p.prev(depth)
			case "min", "max":
				return p.extreme(name, depth)
			}
			return segments.Formula{}, false, p.fail(name + "(...): the functions are prev, min and max")
		}
		return segments.Ref(segments.Metric(name)), false, nil
	case c == 0:
		return segments.Formula{}, false, p.fail("the formula ends early")
	}
	return segments.Formula{}, false, p.fail("unexpected " + strconv.QuoteRune(rune(p.peek())))
}

// FormulaText writes a formula in ParseFormula's grammar so that it reads back to the
// same formula: as an analyst would write it (a - b, a * b / c) when that reads back the
// same, else with every sum, product and quotient in parentheses.
func FormulaText(f segments.Formula) string {
	text := pretty(f)
	if back, err := ParseFormula(text); err == nil && sameFormula(back, f) {
		return text
	}
	return strict(f)
}

// strict writes f with each operation in parentheses, which the parser keeps as one
// factor: it reads back to f whatever f's nesting.
func strict(f segments.Formula) string {
	switch f.Op {
	case segments.OpRef:
		return string(f.Ref)
	case segments.OpConst:
		if f.Const.IsNegative() {
			return "(" + fault.Plain(f.Const) + ")"
		}
		return fault.Plain(f.Const)
	case segments.OpPrev:
		return "prev(" + string(f.Ref) + ", " + strict(f.Args[0]) + ")"
	case segments.OpMin, segments.OpMax:
		parts := make([]string, len(f.Args))
		for i, a := range f.Args {
			parts[i] = strict(a)
		}
		return funcName[f.Op] + "(" + strings.Join(parts, ", ") + ")"
	}
	sep := map[segments.Op]string{segments.OpAdd: " + ", segments.OpMul: " * ", segments.OpQuo: " / "}[f.Op]
	parts := make([]string, len(f.Args))
	for i, a := range f.Args {
		parts[i] = strict(a)
	}
	return "(" + strings.Join(parts, sep) + ")"
}

// pretty writes f as an analyst would: a sum's term that is -1 × something as a
// subtraction, parentheses only where precedence needs them.
func pretty(f segments.Formula) string {
	switch f.Op {
	case segments.OpRef, segments.OpConst:
		return strict(f)
	case segments.OpPrev:
		return "prev(" + string(f.Ref) + ", " + pretty(f.Args[0]) + ")"
	case segments.OpMin, segments.OpMax:
		parts := make([]string, len(f.Args))
		for i, a := range f.Args {
			parts[i] = pretty(a)
		}
		return funcName[f.Op] + "(" + strings.Join(parts, ", ") + ")"
	case segments.OpAdd:
		var b strings.Builder
		for i, a := range f.Args {
			op := " + "
			if a.Op == segments.OpMul && len(a.Args) > 1 && a.Args[0].Op == segments.OpConst && a.Args[0].Const.Equal(decimal.NewFromInt(-1)) {
				op, a = " - ", segments.Mul(a.Args[1:]...)
				if len(a.Args) == 1 {
					a = a.Args[0]
				}
			}
			if i > 0 {
				b.WriteString(op)
			}
			if a.Op == segments.OpAdd {
				b.WriteString("(" + pretty(a) + ")")
			} else {
				b.WriteString(pretty(a))
			}
		}
		return b.String()
	case segments.OpMul:
		parts := make([]string, len(f.Args))
		for i, a := range f.Args {
			parts[i] = pretty(a)
			if a.Op == segments.OpAdd || (i > 0 && a.Op == segments.OpQuo) {
				parts[i] = "(" + parts[i] + ")"
			}
		}
		return strings.Join(parts, " * ")
	case segments.OpQuo:
		num, den := pretty(f.Args[0]), pretty(f.Args[1])
		if f.Args[0].Op == segments.OpAdd {
			num = "(" + num + ")"
		}
		if f.Args[1].Op == segments.OpAdd || f.Args[1].Op == segments.OpMul || f.Args[1].Op == segments.OpQuo {
			den = "(" + den + ")"
		}
		return num + " / " + den
	}
	return ""
}

// sameFormula reports whether two formulas compute the same way: the same operations on
// the same names and equal constants, in the same order.
func sameFormula(a, b segments.Formula) bool {
	if a.Op != b.Op || a.Ref != b.Ref || !a.Const.Equal(b.Const) || len(a.Args) != len(b.Args) {
		return false
	}
	for i := range a.Args {
		if !sameFormula(a.Args[i], b.Args[i]) {
			return false
		}
	}
	return true
}
