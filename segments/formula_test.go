package segments

import (
	"errors"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/valuation/fault"
)

// TestParseFormula: the grammar's precedence and associativity, worked by hand, and its
// refusals.
func TestParseFormula(t *testing.T) {
	ref := func(n string) Formula { return Ref(Metric(n)) }
	num := func(s string) Formula { return Const(decimal.RequireFromString(s)) }
	minus := num("-1")
	for text, want := range map[string]Formula{
		"mau * paying_ratio":          Mul(ref("mau"), ref("paying_ratio")),
		"paying_users * arppu * 12":   Mul(ref("paying_users"), ref("arppu"), num("12")),
		"a + b * c":                   Add(ref("a"), Mul(ref("b"), ref("c"))),
		"(a + b) * c":                 Mul(Add(ref("a"), ref("b")), ref("c")),
		"a - b":                       Add(ref("a"), Mul(minus, ref("b"))),
		"a - b * c":                   Add(ref("a"), Mul(minus, ref("b"), ref("c"))),
		"a / b / c":                   Quotient(Quotient(ref("a"), ref("b")), ref("c")),
		"a * b / c":                   Quotient(Mul(ref("a"), ref("b")), ref("c")),
		"(a * b) * c":                 Mul(Mul(ref("a"), ref("b")), ref("c")),
		"-a":                          Mul(minus, ref("a")),
		"2 * -0.5":                    Mul(num("2"), num("-0.5")),
		"  revenue  *ebitda_margin  ": Mul(ref("revenue"), ref("ebitda_margin")),
		"prev(revenue, base) * (1 + g)": Mul(Formula{Op: OpPrev, Ref: "revenue", Args: []Formula{ref("base")}},
			Add(num("1"), ref("g"))),
		"prev( orders , 2 * a)": {Op: OpPrev, Ref: "orders", Args: []Formula{Mul(num("2"), ref("a"))}},
		"max(revenue * m, 0)":   {Op: OpMax, Args: []Formula{Mul(ref("revenue"), ref("m")), num("0")}},
		"min(a, b + c, 2) * d": Mul(Formula{Op: OpMin, Args: []Formula{ref("a"), Add(ref("b"), ref("c")), num("2")}},
			ref("d")),
	} {
		got, err := parseFormula(text)
		if err != nil || !sameFormula(got, want) {
			t.Errorf("%q: %+v, %v", text, got, err)
		}
	}
	for _, bad := range []string{"", "a +", "(a", "a)", "a * * b", "max(a)", "min(a, b", "min()", "max(a,)", "floor(a)", "prev(revenue)", "prev(revenue,)", "prev(1, a)", "prev(revenue, a", "a $ b", "A", "1e5",
		strings.Repeat("a + ", 300) + "a", strings.Repeat("(", 70) + "a" + strings.Repeat(")", 70),
		"a" + strings.Repeat(" / d", 40), strings.Repeat("x", 65)} {
		if _, err := parseFormula(bad); !errors.Is(err, fault.ErrSyntax) && !errors.Is(err, fault.ErrTooLarge) {
			t.Errorf("%.40q: %v, want a syntax error", bad, err)
		}
	}
}

// TestFormulaTextReadsBack: every formula of the shipped driver models, and formulas
// nested as Go can build them, are written as text that parses back to the same formula.
func TestFormulaTextReadsBack(t *testing.T) {
	var all []Formula
	for _, spec := range Kinds() {
		for _, l := range spec.Lines {
			all = append(all, l.Formula)
		}
	}
	a, b, c := Ref("a"), Ref("b"), Ref("c")
	minus := Const(decimal.NewFromInt(-1))
	all = append(all,
		Mul(Mul(a, b), c),
		Add(a, Mul(minus, Mul(b, c))),
		Mul(a, Quotient(b, c)),
		Quotient(a, Mul(b, c)),
		Add(Add(a, b), c),
		Mul(minus, Const(decimal.New(5, -1))),
		Add(Const(decimal.New(-3, 0)), a),
		Mul(Formula{Op: OpPrev, Ref: "a", Args: []Formula{Add(b, c)}}, c),
		Formula{Op: OpMax, Args: []Formula{Mul(a, b), Const(decimal.Decimal{})}},
		Mul(Formula{Op: OpMin, Args: []Formula{a, Add(b, c), c}}, a))
	for _, f := range all {
		text := formulaText(f)
		back, err := parseFormula(text)
		if err != nil || !sameFormula(back, f) {
			t.Errorf("%q reads back as %+v, %v; want %+v", text, back, err, f)
		}
	}
	// The shapes a review found written beyond the parser's limits: a long difference of
	// products, and a product in parentheses divided 29 times (32 deep, the most).
	// 999 bytes as typed, 1,197 as written with spaces: the writer once went past the 1,000
	// bytes the reader took.
	long, err1 := parseFormula(strings.Repeat("order_count*aov_usd-", 49) + "order_count*aov_usd")
	deep, err2 := parseFormula("(a*b)*c" + strings.Repeat("/d", 29))
	if err := errors.Join(err1, err2); err != nil {
		t.Fatal(err)
	}
	for _, f := range []Formula{long, deep} {
		if back, err := parseFormula(formulaText(f)); err != nil || !sameFormula(back, f) {
			t.Errorf("%.60q does not read back: %v", formulaText(f), err)
		}
	}
	if got := formulaText(Add(a, Mul(minus, b, c))); got != "a - b * c" {
		t.Errorf("a subtraction is written %q", got)
	}
}

// FuzzFormula: no text panics the parser, and what parses is written as text that parses
// back to the same formula.
func FuzzFormula(f *testing.F) {
	for _, s := range []string{"orders * aov", "(a - b) / (c + 2)", "-x * -1.5", "a / b / c", "((a))"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got, err := parseFormula(text)
		if err != nil {
			return
		}
		back, err := parseFormula(formulaText(got))
		if err != nil || !sameFormula(back, got) {
			t.Fatalf("%q parses to %+v, written %q, which reads back as %+v (%v)", text, got, formulaText(got), back, err)
		}
	})
}

// TestFormulaNumbers: a formula's numbers are bounded as every decimal of a model file
// is (40 significant digits, the leading one within 1e±30), read without shopspring's
// package variables, and refused with a short syntax error at their byte; a product of
// many factors is refused as too large as soon as it passes the bound, in one pass (a
// review found a 32 KiB product took 5.7 s, copied at every factor).
func TestFormulaNumbers(t *testing.T) {
	for text, want := range map[string]string{"a * 0.18": "0.18", "a * 123456.789": "123456.789", "a * 0": "0", "a * 0.000": "0",
		"a * 1" + strings.Repeat("0", 30): "1" + strings.Repeat("0", 30), "a * 0." + strings.Repeat("0", 29) + "1": "0." + strings.Repeat("0", 29) + "1"} {
		f, err := parseFormula(text)
		if err != nil || !f.Args[1].Const.Equal(decimal.RequireFromString(want)) {
			t.Errorf("%.40q: %+v, %v; want %s", text, f, err, want)
		}
	}
	for _, text := range []string{"a * 1." + strings.Repeat("0", 43) + "1", "a * 1" + strings.Repeat("0", 31),
		"a * 0." + strings.Repeat("0", 50) + "1", "a * 1" + strings.Repeat("0", 20000), "a * 1.2.3"} {
		_, err := parseFormula(text)
		if !errors.Is(err, fault.ErrSyntax) || len(err.Error()) > 300 || !strings.Contains(err.Error(), "at byte 4") {
			t.Errorf("%.40q: %.300v, want a short syntax error at byte 4", text, err)
		}
	}
	if _, err := parseFormula("revenue" + strings.Repeat(" * 1", 8000)); !errors.Is(err, fault.ErrTooLarge) {
		t.Errorf("8,000 factors (32,007 bytes): %v, want fault.ErrTooLarge", err)
	}
}
