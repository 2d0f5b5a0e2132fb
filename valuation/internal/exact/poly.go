package exact

import (
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// Poly is a polynomial in registers with exact decimal coefficients, built symbolically
// and compiled into operations only when a value is needed (Reg).
//
// Exact decimal arithmetic is a commutative semiring in value and exponent alike: a
// product's exponent is the sum of its factors', a sum's the least of its terms', and so
// a × (b + c) and a × b + a × c are the same digits at the same exponent. Any rearranging
// of products and sums therefore gives what shopspring gives in the order a model writes
// them, so a Poly collects like terms and factors out common registers freely. A term
// whose coefficient is zero is kept: its exponent still counts in a sum's.
type Poly struct {
	terms []term // sorted by key
}

type term struct {
	atoms []Reg // sorted, with repeats for powers
	c     decimal.Decimal
	key   string
}

func keyOf(atoms []Reg) string {
	var b strings.Builder
	for _, a := range atoms {
		b.WriteString(strconv.Itoa(int(a)))
		b.WriteByte('.')
	}
	return b.String()
}

// maxTerms bounds a Poly; a product that would exceed it is compiled there and then.
const maxTerms = 64

// PConst is the polynomial of a constant.
func PConst(c decimal.Decimal) Poly { return Poly{[]term{{c: c}}} }

// PReg is the polynomial of a register.
func PReg(r Reg) Poly {
	return Poly{[]term{{atoms: []Reg{r}, c: decimal.NewFromInt(1), key: keyOf([]Reg{r})}}}
}

// PMin is the lesser of p and q, p when they are equal (Builder.Min); PMax the greater.
func (b *Builder) PMin(p, q Poly) Poly { return b.poly(b.Min(b.Reg(p), b.Reg(q))) }

// PMax is the greater of p and q, p when they are equal (Builder.Max).
func (b *Builder) PMax(p, q Poly) Poly { return b.poly(b.Max(b.Reg(p), b.Reg(q))) }

// PApply is f(p) (Builder.Apply).
func (b *Builder) PApply(f func(decimal.Decimal) decimal.Decimal, ff func(float64) float64, p Poly) Poly {
	return b.poly(b.Apply(f, ff, b.Reg(p)))
}

// PSelect is p when c is zero, else q (Builder.Select).
func (b *Builder) PSelect(c, p, q Poly) Poly { return b.poly(b.Select(b.Reg(c), b.Reg(p), b.Reg(q))) }

func (p Poly) constant() (decimal.Decimal, bool) {
	if len(p.terms) == 1 && len(p.terms[0].atoms) == 0 {
		return p.terms[0].c, true
	}
	return decimal.Decimal{}, false
}

// normalize sorts terms by key and adds the coefficients of like terms.
func normalize(ts []term) Poly {
	slices.SortStableFunc(ts, func(a, b term) int { return strings.Compare(a.key, b.key) })
	out := ts[:0]
	for _, t := range ts {
		if n := len(out); n > 0 && out[n-1].key == t.key {
			out[n-1].c = out[n-1].c.Add(t.c)
			continue
		}
		out = append(out, t)
	}
	return Poly{out}
}

// PAdd is p + q.
func (b *Builder) PAdd(p, q Poly) Poly {
	ts := make([]term, 0, len(p.terms)+len(q.terms))
	return normalize(append(append(ts, p.terms...), q.terms...))
}

// PMul is p × q; a product of more than maxTerms terms is compiled to a register.
func (b *Builder) PMul(p, q Poly) Poly {
	if len(p.terms)*len(q.terms) > maxTerms {
		return PReg(b.Mul(b.Reg(p), b.Reg(q)))
	}
	ts := make([]term, 0, len(p.terms)*len(q.terms))
	for _, s := range p.terms {
		for _, t := range q.terms {
			atoms := append(slices.Clone(s.atoms), t.atoms...)
			slices.Sort(atoms)
			ts = append(ts, term{atoms: atoms, c: s.c.Mul(t.c), key: keyOf(atoms)})
		}
	}
	return normalize(ts)
}

// PQuo is p / q rounded to places, as Decimal.DivRound rounds: a register of its own,
// since a rounded quotient does not distribute.
func (b *Builder) PQuo(p, q Poly, places int32) Poly {
	return b.poly(b.Quo(b.Reg(p), b.Reg(q), places))
}

// poly is the polynomial of a register, a constant one as a constant.
func (b *Builder) poly(r Reg) Poly {
	if c, ok := b.known[r]; ok {
		return PConst(c)
	}
	return PReg(r)
}

// isOne reports the multiplicative identity: 1 at exponent 0 (1.0 is not: it moves the
// exponent).
func isOne(c decimal.Decimal) bool { return c.Exponent() == 0 && c.Equal(decimal.NewFromInt(1)) }

// Reg compiles p into operations and returns the register of its value: factoring out,
// in turn, the register that most terms hold (p = p0 + a × p1), so that a polynomial
// costs about one operation per term. Compiled polynomials are remembered, so a value
// needed twice is computed once.
func (b *Builder) Reg(p Poly) Reg {
	if c, ok := p.constant(); ok {
		return b.Const(c)
	}
	var key strings.Builder
	for _, t := range p.terms {
		key.WriteString(t.key)
		key.WriteByte('*')
		key.WriteString(t.c.Coefficient().String()) // with the exponent: 1.0 is not 1
		key.WriteByte('e')
		key.WriteString(strconv.Itoa(int(t.c.Exponent())))
		key.WriteByte(';')
	}
	if r, ok := b.memo[key.String()]; ok {
		return r
	}
	if len(p.terms) == 1 && len(p.terms[0].atoms) == 1 && isOne(p.terms[0].c) {
		return p.terms[0].atoms[0]
	}
	count := map[Reg]int{}
	for _, t := range p.terms {
		for i, a := range t.atoms {
			if i == 0 || t.atoms[i-1] != a {
				count[a]++
			}
		}
	}
	var best Reg = -1
	for a, n := range count {
		if best < 0 || n > count[best] || (n == count[best] && a < best) {
			best = a
		}
	}
	var with, without []term
	for _, t := range p.terms {
		if i := slices.Index(t.atoms, best); i >= 0 {
			atoms := slices.Delete(slices.Clone(t.atoms), i, i+1)
			with = append(with, term{atoms: atoms, c: t.c, key: keyOf(atoms)})
		} else {
			without = append(without, t)
		}
	}
	r := best
	if rest := normalize(with); !isOneConst(rest) {
		r = b.Mul(best, b.Reg(rest))
	}
	if len(without) > 0 {
		r = b.Add(b.Reg(normalize(without)), r)
	}
	b.memo[key.String()] = r
	return r
}

func isOneConst(p Poly) bool {
	c, ok := p.constant()
	return ok && isOne(c)
}

// Signed returns the register and sign of a polynomial for a check of its sign: a single
// term c × r with c positive is r, and needs no operation.
func (b *Builder) signed(p Poly) Reg {
	if len(p.terms) == 1 && len(p.terms[0].atoms) == 1 && p.terms[0].c.Sign() > 0 {
		return p.terms[0].atoms[0]
	}
	return b.Reg(p)
}

// PPositive requires p > 0.
func (b *Builder) PPositive(p Poly) { b.Positive(b.signed(p)) }

// PNonNegative requires p ≥ 0.
func (b *Builder) PNonNegative(p Poly) { b.NonNegative(b.signed(p)) }

// PNonZero requires p ≠ 0.
func (b *Builder) PNonZero(p Poly) { b.NonZero(b.signed(p)) }

// PAtMost requires p ≤ q.
func (b *Builder) PAtMost(p, q Poly) { b.AtMost(b.Reg(p), b.Reg(q)) }
