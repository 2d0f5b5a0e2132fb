package segments

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/valuation/fault"
)

// UnmarshalText reads a formula in the grammar of model files' driver lines (see
// parseFormula): "orders * aov", "prev(revenue, base_revenue) * (1 + growth)",
// "min(revenue * ebitda_margin, revenue * 0.18)". Errors wrap fault.ErrSyntax, or
// fault.ErrTooLarge for a formula beyond its bounds.
func (f *Formula) UnmarshalText(text []byte) error {
	g, err := parseFormula(string(text))
	if err != nil {
		return err
	}
	*f = g
	return nil
}

// MarshalText writes the formula in the grammar UnmarshalText reads, as an analyst would
// write it where that reads back to the same formula, else with every operation in
// parentheses: it always reads back to the same formula.
func (f Formula) MarshalText() ([]byte, error) { return []byte(formulaText(f)), nil }

// String returns the formula as MarshalText writes it.
func (f Formula) String() string { return formulaText(f) }

// Bounds on a formula's numbers, those model files put on every decimal: at most
// maxDigits significant digits, the leading digit's exponent within ±maxExponent.
const (
	maxDigits   = 40
	maxExponent = 30
)

// parseNumber reads a formula's number, digits with at most one decimal point, within
// maxDigits and maxExponent; false for any other. It reads none of shopspring's package
// variables.
func parseNumber(s string) (decimal.Decimal, bool) {
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || strings.Contains(s, ".") && frac == "" || strings.Contains(frac, ".") {
		return decimal.Decimal{}, false
	}
	sig := len(strings.TrimLeft(whole, "0")) // significant digits: after the leading zeros
	if sig == 0 {
		sig = len(strings.TrimLeft(frac, "0"))
	} else {
		sig += len(frac)
	}
	lead := sig - len(frac) - 1 // the exponent of the leading digit
	if sig > maxDigits || sig > 0 && (lead > maxExponent || lead < -maxExponent) || len(frac) > maxDigits+maxExponent {
		return decimal.Decimal{}, false
	}
	v, ok := new(big.Int).SetString(whole+frac, 10)
	if !ok {
		return decimal.Decimal{}, false
	}
	return decimal.NewFromBigInt(v, -int32(len(frac))), true
}

// clipText cuts a text an error quotes to 64 bytes, at a character.
func clipText(s string) string {
	if len(s) <= 64 {
		return s
	}
	cut := 64
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

// Bounds on a formula: its text, its names, its operations and their nesting. They
// bound the formula parsed, not only its text, so that what formulaText writes of any
// formula parseFormula takes reads back within them: at most maxNodes operations and
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

// parseFormula reads a line's formula: decimal numbers, the names of inputs, users and
// earlier lines, + - * /, unary minus and parentheses, with the usual precedence (* and
// / before + and -, left to right). a - b is a + -1 × b, and a / b divides to
// DivPlaces, as every formula of sotp does:
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
func parseFormula(text string) (Formula, error) {
	if len(text) > maxFormula {
		return Formula{}, fmt.Errorf("%w: a formula of %d bytes, at most %d", fault.ErrTooLarge, len(text), maxFormula)
	}
	p := &formulaParser{src: text}
	f, err := p.sum(0)
	if err == nil && p.peek() != 0 {
		err = p.fail("unexpected " + strconv.QuoteRune(rune(p.peek())))
	}
	if err == nil {
		if nodes, depth := formulaSize(f); nodes > maxNodes || depth > maxFormulaDepth {
			f, err = Formula{}, fmt.Errorf("%w: a formula of %d operations and names nested %d deep, at most %d and %d", fault.ErrTooLarge, nodes, depth, maxNodes, maxFormulaDepth)
		}
	}
	return f, err
}

// formulaSize counts a formula's operations and names, and its nesting.
func formulaSize(f Formula) (nodes, depth int) {
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
func (p *formulaParser) prev(depth int) (Formula, bool, error) {
	p.at++ // the (
	p.peek()
	name := p.ident()
	switch {
	case name == "" || name[0] >= '0' && name[0] <= '9':
		return Formula{}, false, p.fail("prev(name, first): want the name of a line")
	case len(name) > maxName:
		return Formula{}, false, p.fail("a name above " + strconv.Itoa(maxName) + " bytes")
	case p.peek() != ',':
		return Formula{}, false, p.fail("prev(name, first): want the value of the first year after a comma")
	}
	p.at++
	first, err := p.sum(depth + 1)
	if err != nil {
		return first, false, err
	}
	if p.peek() != ')' {
		return Formula{}, false, p.fail("a missing )")
	}
	p.at++
	return Formula{Op: OpPrev, Ref: Metric(name), Args: []Formula{first}}, false, nil
}

// funcName names OpMin and OpMax as formulas write them.
var funcName = map[Op]string{OpMin: "min", OpMax: "max"}

// extreme is the rest of min(a, b, ...) or max(a, b, ...): two arguments or more.
func (p *formulaParser) extreme(name string, depth int) (Formula, bool, error) {
	op := OpMin
	if name == "max" {
		op = OpMax
	}
	var args []Formula
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
		return Formula{}, false, p.fail("a missing )")
	case len(args) < 2:
		return Formula{}, false, p.fail(name + "(a, b, ...): want two arguments or more")
	}
	p.at++
	return Formula{Op: op, Args: args}, false, nil
}

type formulaParser struct {
	src   string
	at    int
	nodes int // factors read so far: past maxNodes the formula is refused at once
}

func (p *formulaParser) fail(what string) error {
	return fmt.Errorf("%w: %s at byte %d of %s", fault.ErrSyntax, what, p.at, strconv.Quote(clipText(p.src)))
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
func (p *formulaParser) sum(depth int) (Formula, error) {
	first, err := p.term(depth)
	if err != nil {
		return first, err
	}
	args := []Formula{first}
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
	return Add(args...), nil
}

// negate is -1 × f, a product flattened so that a - b × c reads back as it prints.
func negate(f Formula) Formula {
	minus := Const(decimal.NewFromInt(-1))
	if f.Op == OpMul {
		return Mul(append([]Formula{minus}, f.Args...)...)
	}
	return Mul(minus, f)
}

// term is factor (('*' | '/') factor)*: a run of products is one Mul, a quotient takes
// what is to its left whole, and a product in parentheses stays a factor of its own.
func (p *formulaParser) term(depth int) (Formula, error) {
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
			left = Quotient(left, right)
		case left.Op == OpMul && !grouped: // left's arguments are this run's own: grown in place, not copied
			left.Args = append(left.Args, right)
		default:
			left = Mul(left, right)
		}
		grouped = false
	}
	return left, nil
}

// factor is a number, a name, '-' factor or '(' sum ')'; grouped reports the last.
func (p *formulaParser) factor(depth int) (f Formula, grouped bool, err error) {
	if depth > maxParseDepth {
		return Formula{}, false, p.fail("nesting deeper than " + strconv.Itoa(maxParseDepth))
	}
	if p.nodes++; p.nodes > maxNodes {
		return Formula{}, false, fmt.Errorf("%w: a formula of more than %d operations and names", fault.ErrTooLarge, maxNodes)
	}
	switch c := p.peek(); {
	case c == '-':
		return p.minus(depth)
	case c == '(':
		return p.group(depth)
	case c >= '0' && c <= '9':
		return p.number()
	case c == '_' || c >= 'a' && c <= 'z':
		return p.named(depth)
	case c == 0:
		return Formula{}, false, p.fail("the formula ends early")
	}
	return Formula{}, false, p.fail("unexpected " + strconv.QuoteRune(rune(p.peek())))
}

// minus is the rest of '-' factor: a negative constant, or -1 × the factor.
func (p *formulaParser) minus(depth int) (Formula, bool, error) {
	p.at++ // the -
	f, _, err := p.factor(depth + 1)
	if err != nil {
		return f, false, err
	}
	if f.Op == OpConst {
		return Const(f.Const.Neg()), false, nil
	}
	return negate(f), false, nil
}

// group is the rest of '(' sum ')': the sum, grouped.
func (p *formulaParser) group(depth int) (Formula, bool, error) {
	p.at++ // the (
	f, err := p.sum(depth + 1)
	if err != nil {
		return f, false, err
	}
	if p.peek() != ')' {
		return f, false, p.fail("a missing )")
	}
	p.at++
	return f, true, nil
}

// number is a number's constant, within maxDigits and maxExponent.
func (p *formulaParser) number() (Formula, bool, error) {
	start := p.at
	for p.at < len(p.src) && (p.src[p.at] >= '0' && p.src[p.at] <= '9' || p.src[p.at] == '.') {
		p.at++
	}
	v, ok := parseNumber(p.src[start:p.at])
	if !ok {
		p.at = start
		return Formula{}, false, p.fail(fmt.Sprintf("a number of more than %d digits or beyond 1e±%d, or of two points,", maxDigits, maxExponent))
	}
	return Const(v), false, nil
}

// named is a factor that starts with a name: the named figure, or a call of prev, min
// or max.
func (p *formulaParser) named(depth int) (Formula, bool, error) {
	name := p.ident()
	if len(name) > maxName {
		return Formula{}, false, p.fail("a name above " + strconv.Itoa(maxName) + " bytes")
	}
	if p.peek() != '(' {
		return Ref(Metric(name)), false, nil
	}
	switch name {
	case "prev":
		return p.prev(depth)
	case "min", "max":
		return p.extreme(name, depth)
	}
	return Formula{}, false, p.fail(name + "(...): the functions are prev, min and max")
}

// ident reads a name from where the parser is, letters a-z, digits and underscores, and
// returns it: "" when none is there.
func (p *formulaParser) ident() string {
	start := p.at
	for p.at < len(p.src) && (p.src[p.at] == '_' || p.src[p.at] >= 'a' && p.src[p.at] <= 'z' || p.src[p.at] >= '0' && p.src[p.at] <= '9') {
		p.at++
	}
	return p.src[start:p.at]
}

// formulaText writes a formula in parseFormula's grammar so that it reads back to the
// same formula: as an analyst would write it (a - b, a * b / c) when that reads back the
// same, else with every sum, product and quotient in parentheses.
func formulaText(f Formula) string {
	text := pretty(f)
	if back, err := parseFormula(text); err == nil && sameFormula(back, f) {
		return text
	}
	return strict(f)
}

// strict writes f with each operation in parentheses, which the parser keeps as one
// factor: it reads back to f whatever f's nesting.
func strict(f Formula) string {
	switch f.Op {
	case OpRef:
		return string(f.Ref)
	case OpConst:
		if f.Const.IsNegative() {
			return "(" + fault.Plain(f.Const) + ")"
		}
		return fault.Plain(f.Const)
	case OpPrev:
		return "prev(" + string(f.Ref) + ", " + strict(f.Args[0]) + ")"
	case OpMin, OpMax:
		return funcName[f.Op] + "(" + joined(f.Args, strict, ", ") + ")"
	}
	return "(" + joined(f.Args, strict, map[Op]string{OpAdd: " + ", OpMul: " * ", OpQuo: " / "}[f.Op]) + ")"
}

// joined writes each formula of fs with write, separated by sep.
func joined(fs []Formula, write func(Formula) string, sep string) string {
	parts := make([]string, len(fs))
	for i, a := range fs {
		parts[i] = write(a)
	}
	return strings.Join(parts, sep)
}

// pretty writes f as an analyst would: a sum's term that is -1 × something as a
// subtraction, parentheses only where precedence needs them.
func pretty(f Formula) string {
	switch f.Op {
	case OpRef, OpConst:
		return strict(f)
	case OpPrev:
		return "prev(" + string(f.Ref) + ", " + pretty(f.Args[0]) + ")"
	case OpMin, OpMax:
		return funcName[f.Op] + "(" + joined(f.Args, pretty, ", ") + ")"
	case OpAdd:
		return prettySum(f.Args)
	case OpMul:
		return prettyProduct(f.Args)
	case OpQuo:
		return prettyQuotient(f.Args[0], f.Args[1])
	}
	return ""
}

// prettySum writes a sum's terms as pretty does: a term that is -1 × something as a
// subtraction of it, a term that is a sum in parentheses.
func prettySum(terms []Formula) string {
	var b strings.Builder
	for i, a := range terms {
		op := " + "
		if rest, ok := subtracted(a); ok {
			op, a = " - ", rest
		}
		if i > 0 {
			b.WriteString(op)
		}
		if a.Op == OpAdd {
			b.WriteString("(" + pretty(a) + ")")
		} else {
			b.WriteString(pretty(a))
		}
	}
	return b.String()
}

// subtracted returns what a term -1 × something subtracts: the product of its other
// factors, or the one factor left. It reports false for any other term.
func subtracted(a Formula) (Formula, bool) {
	if a.Op != OpMul || len(a.Args) <= 1 || a.Args[0].Op != OpConst || !a.Args[0].Const.Equal(decimal.NewFromInt(-1)) {
		return a, false
	}
	if rest := a.Args[1:]; len(rest) > 1 {
		return Mul(rest...), true
	}
	return a.Args[1], true
}

// prettyProduct writes a product's factors as pretty does: a sum in parentheses, and a
// quotient after the first, which would otherwise take the product to its left whole.
func prettyProduct(factors []Formula) string {
	parts := make([]string, len(factors))
	for i, a := range factors {
		parts[i] = pretty(a)
		if a.Op == OpAdd || (i > 0 && a.Op == OpQuo) {
			parts[i] = "(" + parts[i] + ")"
		}
	}
	return strings.Join(parts, " * ")
}

// prettyQuotient writes num / den as pretty does: a sum in parentheses above, any sum,
// product or quotient in parentheses below.
func prettyQuotient(num, den Formula) string {
	n, d := pretty(num), pretty(den)
	if num.Op == OpAdd {
		n = "(" + n + ")"
	}
	if den.Op == OpAdd || den.Op == OpMul || den.Op == OpQuo {
		d = "(" + d + ")"
	}
	return n + " / " + d
}

// sameFormula reports whether two formulas compute the same way: the same operations on
// the same names and equal constants, in the same order.
func sameFormula(a, b Formula) bool {
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
