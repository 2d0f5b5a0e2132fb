// Package exact evaluates straight-line programs of decimal arithmetic exactly as
// shopspring/decimal does, value and exponent, without its allocations: registers are
// big.Int coefficients with an int32 exponent, reused from one evaluation to the next.
// While a register's value fits in 128 bits (inputs and constants stripped of their
// trailing zeros, so that a sweep's 16-place steps stay short), the machine computes it
// in two machine words instead (small.go), writing the big.Int only when a result must
// be read or would not fit.
//
// Multiplication and addition are exact in shopspring (a product's exponent is the sum
// of its factors', a sum's the least of its terms'), so a Builder folds constants
// freely; division is rounded, and a Quo reproduces Decimal.DivRound step for step. A
// program also carries checks (a register positive, not negative, at most another): an
// evaluation whose check fails, or whose numbers grow past what the program expects,
// reports false, and the caller takes the full decimal path, which gives the canonical
// error or value.
package exact

import (
	"fmt"
	"math/big"
	"slices"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/valuation/internal/pad"
)

// Reg is a register of a program: an input, a constant or the result of an operation.
type Reg int32

type opcode uint8

const (
	opMul opcode = iota + 1
	opAdd
	opQuo
	opMin         // the lesser of a and b, a when they are equal
	opMax         // the greater of a and b, a when they are equal
	opSelect      // a when c is zero, else b: a choice between two branches
	opApply       // fns[precise](a): a decimal function of the caller's, the one rule it names
	opPositive    // a > 0
	opNonNegative // a ≥ 0
	opAtMost      // a ≤ b
	opNonZero     // a ≠ 0
)

type constant struct {
	reg Reg
	val decimal.Decimal
}

type op struct {
	code    opcode
	dst     Reg
	a, b    Reg
	precise int32 // places of opQuo; the function of opApply; the reason of a check
	c       Reg   // the condition of opSelect
}

// computes reports an operation that writes a register, not a check.
func (o opcode) computes() bool { return o <= opApply }

// Program is a compiled sequence of operations over inputs and constants. It is
// immutable and safe for concurrent use; each goroutine evaluates it with its own Machine.
type Program struct {
	inputs   int
	consts   []constant
	constant []bool // of registers from inputs on: true for a constant's
	ops      []op
	regs     int
	fns      []func(decimal.Decimal) decimal.Decimal // of opApply
	floats   []func(float64) float64                 // of opApply, in float64 (Floats)
	reasons  []string                                // of the checks (Because)
}

// Builder builds a Program. The zero Builder is not usable: call NewBuilder.
type Builder struct {
	p      Program
	known  map[Reg]decimal.Decimal // registers whose value is a constant
	factor map[Reg]scaled          // registers that are a variable times a constant
	memo   map[string]Reg          // compiled polynomials and operations, by content
	checks map[op]bool             // checks emitted
	reason int32                   // of the checks emitted from now on (Because)
}

// scaled is a register v times a constant c.
type scaled struct {
	v Reg
	c decimal.Decimal
}

// NewBuilder returns a builder for a program of n inputs, registers 0 to n-1.
func NewBuilder(n int) *Builder {
	return &Builder{p: Program{inputs: n, regs: n, reasons: []string{""}}, known: map[Reg]decimal.Decimal{}, factor: map[Reg]scaled{},
		memo: map[string]Reg{}, checks: map[op]bool{}}
}

// Because gives the checks added from now on (a Quo's of its divisor among them) reason,
// what a point that fails one of them is refused for (Floats.Run, Program.Reasons), until
// the function it returns is called, which gives back the reason before. A check added
// before under another reason keeps its first; one added under none has reason "".
func (b *Builder) Because(reason string) (done func()) {
	before := b.reason
	if i := slices.Index(b.p.reasons, reason); i >= 0 {
		b.reason = int32(i)
	} else {
		b.reason = int32(len(b.p.reasons))
		b.p.reasons = append(b.p.reasons, reason)
	}
	return func() { b.reason = before }
}

// Input is the register of input i.
func (b *Builder) Input(i int) Reg { return Reg(i) }

// Const is a register holding c.
func (b *Builder) Const(c decimal.Decimal) Reg {
	r := Reg(b.p.regs)
	b.p.regs++
	b.p.consts = append(b.p.consts, constant{r, c})
	b.known[r] = c
	return r
}

// Value returns the constant a register holds; false when it depends on an input.
func (b *Builder) Value(r Reg) (decimal.Decimal, bool) {
	c, ok := b.known[r]
	return c, ok
}

func (b *Builder) emit(code opcode, x, y Reg, places int32) Reg {
	var key string
	if code <= opMax { // an operation done before is not done again (not a select: see Select)
		if (code == opMul || code == opAdd) && x > y {
			x, y = y, x // products and sums commute (a min or max keeps its first of equals)
		}
		key = strconv.Itoa(int(code)) + ":" + strconv.Itoa(int(x)) + ":" + strconv.Itoa(int(y)) + ":" + strconv.Itoa(int(places))
		if r, ok := b.memo[key]; ok {
			return r
		}
	}
	r := Reg(b.p.regs)
	if key != "" {
		b.memo[key] = r
	}
	b.p.regs++
	b.p.ops = append(b.p.ops, op{code: code, dst: r, a: x, b: y, precise: places})
	return r
}

// Mul is x × y. A product of constants is folded, and so is a constant times a product
// with a constant factor: exact products are associative in value and exponent alike.
func (b *Builder) Mul(x, y Reg) Reg {
	cx, okx := b.known[x]
	cy, oky := b.known[y]
	switch {
	case okx && oky:
		return b.Const(cx.Mul(cy))
	case okx: // the constant second
		x, y, cy, oky = y, x, cx, true
	}
	if !oky {
		return b.emit(opMul, x, y, 0)
	}
	if f, ok := b.factor[x]; ok { // x = v × c, so x × cy = v × (c × cy)
		return b.Mul(f.v, b.Const(f.c.Mul(cy)))
	}
	r := b.emit(opMul, x, y, 0)
	b.factor[r] = scaled{x, cy}
	return r
}

// Add is x + y.
func (b *Builder) Add(x, y Reg) Reg {
	cx, okx := b.known[x]
	cy, oky := b.known[y]
	if okx && oky {
		return b.Const(cx.Add(cy))
	}
	return b.emit(opAdd, x, y, 0)
}

// Quo is x / y rounded to places as Decimal.DivRound rounds. A constant zero divisor is
// the caller's to refuse; a variable one fails the evaluation.
func (b *Builder) Quo(x, y Reg, places int32) Reg {
	cx, okx := b.known[x]
	cy, oky := b.known[y]
	if okx && oky && !cy.IsZero() {
		return b.Const(cx.DivRound(cy, places))
	}
	switch {
	case oky && cy.IsZero():
		b.emit(opNonZero, y, y, b.reason) // fails every run, before the division
	case !oky:
		b.NonZero(y) // before the division, which it guards
	}
	return b.emit(opQuo, x, y, places)
}

// Min is the lesser of x and y, x when they are equal in value (its exponent with it), as
// a min of decimals keeps the first of equal values; Max the greater. Of constants they
// are folded.
func (b *Builder) Min(x, y Reg) Reg { return b.extreme(opMin, x, y) }

// Max is the greater of x and y, x when they are equal in value (see Min).
func (b *Builder) Max(x, y Reg) Reg { return b.extreme(opMax, x, y) }

func (b *Builder) extreme(code opcode, x, y Reg) Reg {
	cx, okx := b.known[x]
	cy, oky := b.known[y]
	if okx && oky {
		if code == opMin && cy.LessThan(cx) || code == opMax && cy.GreaterThan(cx) {
			return y
		}
		return x
	}
	return b.emit(code, x, y, 0)
}

// Select is a choice between two branches on a comparison: x when c is zero, else y,
// each with its own exponent (so that a line the decimal path leaves out when an input is
// zero leaves the exponent of a sum as the decimal path does). A constant c is folded.
func (b *Builder) Select(c, x, y Reg) Reg {
	if v, ok := b.known[c]; ok {
		if v.IsZero() {
			return x
		}
		return y
	}
	if x == y {
		return x
	}
	r := b.emit(opSelect, x, y, 0)
	b.p.ops[len(b.p.ops)-1].c = c
	return r
}

// Apply is f(x), f a decimal function of the caller's that the program runs as it is (a
// rule of rounding that depends on the value, such as an FX rate's inverse, kept in one
// place rather than written again as operations), and ff the same function in float64,
// which Floats runs. f and ff must be pure and safe for concurrent use. A constant x is
// folded.
func (b *Builder) Apply(f func(decimal.Decimal) decimal.Decimal, ff func(float64) float64, x Reg) Reg {
	if v, ok := b.known[x]; ok {
		return b.Const(f(v))
	}
	b.p.fns = append(b.p.fns, f)
	b.p.floats = append(b.p.floats, ff)
	return b.emit(opApply, x, x, int32(len(b.p.fns)-1))
}

// check adds a condition on registers that do not hold constants; a condition on
// constants is the caller's to have checked, so it is left out.
func (b *Builder) check(code opcode, x, y Reg) {
	_, okx := b.known[x]
	_, oky := b.known[y]
	if okx && (oky || code != opAtMost) {
		return
	}
	if code == opNonZero && b.checks[op{code: opPositive, a: x, b: x}] {
		return // implied
	}
	if c := (op{code: code, a: x, b: y}); !b.checks[c] {
		b.checks[c] = true
		b.emit(code, x, y, b.reason)
	}
}

// Positive requires x > 0.
func (b *Builder) Positive(x Reg) { b.check(opPositive, x, x) }

// NonNegative requires x ≥ 0.
func (b *Builder) NonNegative(x Reg) { b.check(opNonNegative, x, x) }

// NonZero requires x ≠ 0.
func (b *Builder) NonZero(x Reg) { b.check(opNonZero, x, x) }

// AtMost requires x ≤ y.
func (b *Builder) AtMost(x, y Reg) { b.check(opAtMost, x, y) }

// Program returns the program built to compute outputs: every check is kept, and of the
// other operations those whose results an output or a check needs.
func (b *Builder) Program(outputs ...Reg) *Program {
	p := b.p
	p.constant = make([]bool, p.regs-p.inputs)
	for _, c := range p.consts {
		p.constant[int(c.reg)-p.inputs] = true
	}
	live := make([]bool, p.regs)
	for _, r := range outputs {
		live[r] = true
	}
	keep := make([]bool, len(p.ops))
	for i := len(p.ops) - 1; i >= 0; i-- {
		o := p.ops[i]
		if !o.code.computes() || live[o.dst] {
			keep[i], live[o.a], live[o.b] = true, true, true
			if o.code == opSelect {
				live[o.c] = true
			}
		}
	}
	p.ops = nil
	for i, o := range b.p.ops {
		if keep[i] {
			p.ops = append(p.ops, o)
		}
	}
	return &p
}

// Bounds on the inputs a machine takes: past them the evaluation fails and the caller
// takes the decimal path. With the program fixed, they bound every register's size, so
// that a hostile input cannot make one enormous. They are far above what a valuation's
// figures need.
const (
	maxDigits   = 200
	maxExponent = 200
)

// Machine evaluates one program; it is not safe for concurrent use.
type Machine struct {
	p       *Program
	rs      []register
	coef    []big.Int
	t, u, r big.Int // scratch
	one     big.Int
	// den caches, for each division by a constant, the divisor scaled to the last
	// exponent gap it was used at: a sweep divides by the same share count at the same
	// gap point after point.
	den     []scaledDen
	in      []input
	pow     []big.Int
	applied []appliedFn // of each opApply function: its last value and result
	changed []bool      // of each register: written by this run with another value, maybe
	stale   bool        // the last run failed (or there was none): this one does every operation
}

// appliedFn is an opApply function's last value and result, and the state of its input
// register then when it was small (keyed).
type appliedFn struct {
	in, out decimal.Decimal
	ok      bool
	key     register
	keyed   bool
}

// register is the state of a register beside its big.Int coef[r]: its exponent, and
// its value in 128 bits while it fits (small.go) at exponent ez (trailing zeros stripped
// from inputs and constants, so ez ≥ exp). st says which holds the value: coef[r] when
// st lacks isSmall, and a copy of it when st has synced.
type register struct {
	sm      small
	exp, ez int32
	st      uint8
}

// input holds an input as last loaded, so that one unchanged since the last run is not
// loaded again.
type input struct {
	last   decimal.Decimal
	loaded bool
}

type scaledDen struct {
	e   int64 // the gap, below zero (the cache serves only those): 0 when none is cached
	den big.Int
}

// regWords is the number of words a register's big.Int holds before it grows: a 128-bit
// small written out, and room for a product of two.
const regWords = 4

// Machine returns a machine for p with its registers allocated.
func (p *Program) Machine() *Machine {
	// Machines run side by side on workers, written at every step: each part of one is
	// allocated apart from other allocations (pad.Slice), lest two workers' machines share
	// a cache line or a page. Sharing them made two workers slower than one.
	m := &pad.Slice[Machine](1)[0]
	*m = Machine{p: p, rs: pad.Slice[register](p.regs), coef: pad.Slice[big.Int](p.regs), den: pad.Slice[scaledDen](len(p.ops)),
		in: pad.Slice[input](p.inputs), applied: make([]appliedFn, len(p.fns)), changed: pad.Slice[bool](p.regs), stale: true}
	// Each register's words start in one padded block of the machine's own, so that
	// writing a register's big.Int (to read it) touches no line another machine's does.
	words := pad.Slice[big.Word](regWords * p.regs)
	for r := range m.coef {
		m.coef[r].SetBits(words[regWords*r : regWords*r : regWords*(r+1)])
	}
	m.one.SetInt64(1)
	for _, c := range p.consts {
		m.coef[c.reg].Set(c.val.Coefficient())
		m.rs[c.reg].exp = c.val.Exponent()
		m.stripped(c.reg)
	}
	return m
}

// fromBig takes register r's small from its big.Int, if it fits, at its exponent.
func (m *Machine) fromBig(r Reg) {
	m.rs[r].st = 0
	if s, ok := smallOfBig(&m.coef[r]); ok {
		m.rs[r].sm, m.rs[r].ez, m.rs[r].st = s, m.rs[r].exp, isSmall|synced
	}
}

// stripped takes register r's small from its big.Int without its trailing zeros, if it
// then fits: the value is the same, the number shorter.
func (m *Machine) stripped(r Reg) {
	m.rs[r].st = 0
	x, z := &m.t, int32(0)
	x.Set(&m.coef[r])
	for x.Sign() != 0 {
		m.u.QuoRem(x, m.pow10(1), &m.r)
		if m.r.Sign() != 0 {
			break
		}
		x.Set(&m.u)
		z++
	}
	if s, ok := smallOfBig(x); ok {
		m.rs[r].sm, m.rs[r].ez, m.rs[r].st = s, m.rs[r].exp+z, isSmall|synced
	}
}

// reg returns register r's big.Int, writing its small value there first if need be.
func (m *Machine) reg(r Reg) *big.Int {
	if m.rs[r].st == isSmall {
		x := &m.coef[r]
		m.rs[r].sm.setBig(x)
		if d := m.rs[r].ez - m.rs[r].exp; d > 0 { // back to the register's own exponent
			x.Mul(x, m.pow10(int(d)))
		}
		m.rs[r].st |= synced
	}
	return &m.coef[r]
}

// pow10 returns 10^n from the machine's table, extending it as needed.
func (m *Machine) pow10(n int) *big.Int {
	for len(m.pow) <= n {
		if len(m.pow) == 0 {
			m.pow = append(m.pow, *big.NewInt(1))
			continue
		}
		var next big.Int
		next.Mul(&m.pow[len(m.pow)-1], big.NewInt(10))
		m.pow = append(m.pow, next)
	}
	return &m.pow[n]
}

// maxShift bounds the exponent gaps a machine rescales across.
const maxShift = 256

// Run evaluates the program at inputs and reports whether every check held and every
// number stayed within bounds. Read results with Decimal.
//
// A run after a run that held does only the operations that read a register changed
// since: an input whose value or exponent differs, or the result of an operation done
// again. Each operation is a function of its operands' values and exponents and writes its
// own register alone, so one whose operands are as they were leaves its register as it
// was; a sweep that moves one input at a time redoes only what depends on it. After a run
// that failed, partway, the next does every operation.
func (m *Machine) Run(inputs []decimal.Decimal) bool {
	ok := m.run(inputs)
	m.stale = !ok
	return ok
}

func (m *Machine) run(inputs []decimal.Decimal) bool {
	all := m.stale
	for i, v := range inputs {
		if m.in[i].loaded && v.Exponent() == m.in[i].last.Exponent() && v.Cmp(m.in[i].last) == 0 {
			m.changed[i] = false
			continue // a sweep holds most inputs from one point to the next
		}
		m.changed[i] = true
		m.in[i].last, m.in[i].loaded = v, true
		if e := v.Exponent(); e > maxExponent || e < -maxExponent {
			m.in[i].loaded = false
			return false
		}
		m.rs[i].exp = v.Exponent()
		switch n := v.NumDigits(); {
		case n <= 18 && fastPath:
			c, z := v.CoefficientInt64(), int32(0)
			for c != 0 && c%1e4 == 0 { // a sweep's steps carry many trailing zeros
				c, z = c/1e4, z+4
			}
			for c != 0 && c%10 == 0 {
				c, z = c/10, z+1
			}
			m.rs[i].sm, m.rs[i].ez, m.rs[i].st = smallOf(c), m.rs[i].exp+z, isSmall
		case n <= 18:
			m.coef[i].SetInt64(v.CoefficientInt64())
		case n <= maxDigits:
			m.coef[i].Set(v.Coefficient())
			m.stripped(Reg(i))
		default:
			m.in[i].loaded = false
			return false
		}
	}
	for i, o := range m.p.ops {
		if !all && !m.changed[o.a] && !m.changed[o.b] && (o.code != opSelect || !m.changed[o.c]) {
			m.changed[o.dst] = false // as it was
			continue
		}
		m.changed[o.dst] = true
		switch o.code {
		case opSelect:
			m.choose(o)
			continue
		case opApply:
			m.apply(o)
			continue
		}
		ea, eb := m.rs[o.a].exp, m.rs[o.b].exp
		if m.rs[o.a].st&m.rs[o.b].st&isSmall != 0 {
			if ok, done := m.runSmall(o, ea, eb); done {
				if !ok {
					return false
				}
				continue
			}
		}
		a, b := m.reg(o.a), m.reg(o.b)
		switch o.code {
		case opMul:
			e := int64(ea) + int64(eb)
			if e > 1<<30 || e < -(1<<30) {
				return false
			}
			m.coef[o.dst].Mul(a, b)
			m.rs[o.dst].exp = int32(e)
		case opAdd:
			if !m.add(o.dst, a, ea, b, eb) {
				return false
			}
		case opQuo:
			if !m.quo(i, o, a, ea, b, eb) {
				return false
			}
		case opMin, opMax:
			c, ok := m.cmp(a, ea, b, eb)
			if !ok {
				return false
			}
			src := o.a
			if o.code == opMin && c > 0 || o.code == opMax && c < 0 {
				src = o.b
			}
			m.coef[o.dst].Set(&m.coef[src]) // reg wrote both
			m.rs[o.dst].exp = m.rs[src].exp
		case opPositive:
			if a.Sign() <= 0 {
				return false
			}
		case opNonNegative:
			if a.Sign() < 0 {
				return false
			}
		case opNonZero:
			if a.Sign() == 0 {
				return false
			}
		case opAtMost:
			if c, ok := m.cmp(a, ea, b, eb); !ok || c > 0 {
				return false
			}
		}
		if o.code.computes() { // the big path wrote dst: back to 128 bits if it fits
			m.fromBig(o.dst)
		}
	}
	return true
}

// apply runs an opApply: dst is the function of a's value, as a decimal. The last value
// and result are kept: a sweep holds most inputs from one point to the next. An input
// register in the same small state as at the last run holds the same value and exponent,
// and dst, which no other operation writes, still holds the result: nothing is done.
func (m *Machine) apply(o op) {
	last, in := &m.applied[o.precise], m.rs[o.a]
	if last.keyed && in.st&isSmall != 0 && in.sm == last.key.sm && in.ez == last.key.ez && in.exp == last.key.exp {
		return
	}
	v := m.Decimal(o.a)
	if !last.ok || v.Exponent() != last.in.Exponent() || v.Cmp(last.in) != 0 {
		last.in, last.out, last.ok = v, m.p.fns[o.precise](v), true
	}
	last.key, last.keyed = in, in.st&isSmall != 0
	out := last.out
	m.coef[o.dst].Set(out.Coefficient())
	m.rs[o.dst].exp = out.Exponent()
	m.fromBig(o.dst)
}

// choose runs an opSelect: dst takes a's value and exponent when c is zero, else b's.
func (m *Machine) choose(o op) {
	zero := m.coef[o.c].Sign() == 0
	if m.rs[o.c].st&isSmall != 0 {
		zero = m.rs[o.c].sm.isZero()
	}
	src := o.b
	if zero {
		src = o.a
	}
	m.rs[o.dst] = m.rs[src]
	if m.rs[src].st&isSmall != 0 {
		m.rs[o.dst].st &^= synced // dst's big.Int is not src's: written from the small when read
		return
	}
	m.coef[o.dst].Set(&m.coef[src])
}

// runSmall runs o on small operands, whose exponents are ea and eb: done is false when a
// result would not fit, and the big path must run it; ok is false when a check failed or
// an exponent went out of bounds, as the big path decides from the same exponents. The
// arithmetic is on the smalls at their own exponents: the values are the same.
func (m *Machine) runSmall(o op, ea, eb int32) (ok, done bool) {
	a, b := &m.rs[o.a].sm, &m.rs[o.b].sm
	za, zb := m.rs[o.a].ez, m.rs[o.b].ez
	var r small
	var e, z int32 // the result's exponent, and its small's
	switch o.code {
	case opMul:
		e64 := int64(ea) + int64(eb)
		if e64 > 1<<30 || e64 < -(1<<30) {
			return false, true
		}
		if r, ok = mulSmall(*a, *b); !ok {
			return false, false
		}
		e, z = int32(e64), za+zb
	case opAdd:
		if d := int(ea) - int(eb); d > maxShift || d < -maxShift {
			return false, true
		}
		x, y, fits := align(*a, za, *b, zb)
		if !fits {
			return false, false
		}
		if r, ok = addSmall(x, y); !ok {
			return false, false
		}
		e, z = min(ea, eb), min(za, zb)
	case opQuo:
		if e64 := int64(ea) - int64(eb) + int64(o.precise); e64 > maxShift || e64 < -maxShift || b.isZero() {
			return false, true
		}
		num, den, fits := *a, *b, true
		switch s := int(za) - int(zb) + int(o.precise); {
		case s < 0:
			den, fits = b.scale(-s)
		case s > 0:
			num, fits = a.scale(s)
		}
		if !fits {
			return false, false
		}
		if r, ok = quoSmall(num, den); !ok {
			return false, false
		}
		e, z = -o.precise, -o.precise
	case opMin, opMax:
		if d := int(ea) - int(eb); d > maxShift || d < -maxShift {
			return false, true
		}
		x, y, fits := align(*a, za, *b, zb)
		if !fits {
			return false, false
		}
		src := o.a
		if c := cmpSmall(x, y); o.code == opMin && c > 0 || o.code == opMax && c < 0 {
			src = o.b
		}
		m.rs[o.dst] = m.rs[src]
		m.rs[o.dst].st &^= synced // dst's big.Int is not src's: written from the small when read
		return true, true
	case opPositive:
		return a.sign() > 0, true
	case opNonNegative:
		return a.sign() >= 0, true
	case opNonZero:
		return a.sign() != 0, true
	case opAtMost:
		if d := int(ea) - int(eb); d > maxShift || d < -maxShift {
			return false, true
		}
		x, y, fits := align(*a, za, *b, zb)
		if !fits {
			return false, false
		}
		return cmpSmall(x, y) <= 0, true
	}
	m.rs[o.dst].sm, m.rs[o.dst].st, m.rs[o.dst].exp, m.rs[o.dst].ez = r, isSmall, e, z
	return true, true
}

// add sets dst to a + b at the lesser exponent, as Decimal.Add does.
func (m *Machine) add(dst Reg, a *big.Int, ea int32, b *big.Int, eb int32) bool {
	switch {
	case ea == eb:
		m.coef[dst].Add(a, b)
	case ea < eb:
		if int(eb)-int(ea) > maxShift {
			return false
		}
		m.t.Mul(b, m.pow10(int(eb-ea)))
		m.coef[dst].Add(a, &m.t)
		eb = ea
	default:
		if int(ea)-int(eb) > maxShift {
			return false
		}
		m.t.Mul(a, m.pow10(int(ea-eb)))
		m.coef[dst].Add(&m.t, b)
	}
	m.rs[dst].exp = min(ea, eb)
	return true
}

// quo sets dst to a / b rounded to places as Decimal.DivRound does: the quotient at
// exponent -places, truncated, then moved one away from zero when twice the remainder
// is at least the divisor.
func (m *Machine) quo(i int, o op, a *big.Int, ea int32, b *big.Int, eb int32) bool {
	e := int64(ea) - int64(eb) + int64(o.precise)
	if e > maxShift || e < -maxShift {
		return false
	}
	num, den := a, b
	switch {
	case e < 0 && m.isConst(o.b):
		c := &m.den[i]
		if c.e != e {
			c.den.Mul(b, m.pow10(int(-e)))
			c.e = e
		}
		den = &c.den
	case e < 0:
		m.u.Mul(b, m.pow10(int(-e)))
		den = &m.u
	case e > 0:
		m.t.Mul(a, m.pow10(int(e)))
		num = &m.t
	}
	q, r := &m.coef[o.dst], &m.r
	q.QuoRem(num, den, r)
	r.Abs(r)
	r.Lsh(r, 1)
	if r.CmpAbs(den) >= 0 {
		if a.Sign()*b.Sign() < 0 {
			q.Sub(q, &m.one)
		} else {
			q.Add(q, &m.one)
		}
	}
	m.rs[o.dst].exp = -o.precise
	return true
}

// isConst reports a register that holds a constant of the program.
func (m *Machine) isConst(r Reg) bool { return int(r) >= m.p.inputs && m.p.constant[r-Reg(m.p.inputs)] }

// cmp compares a×10^ea with b×10^eb; false when their exponents are too far apart to
// rescale.
func (m *Machine) cmp(a *big.Int, ea int32, b *big.Int, eb int32) (int, bool) {
	switch d := int(ea) - int(eb); {
	case d == 0:
		return a.Cmp(b), true
	case d > maxShift || d < -maxShift:
		return 0, false
	case d > 0:
		m.t.Mul(a, m.pow10(d))
		return m.t.Cmp(b), true
	default:
		m.t.Mul(b, m.pow10(-d))
		return a.Cmp(&m.t), true
	}
}

// Decimal returns register r as a decimal of its own.
func (m *Machine) Decimal(r Reg) decimal.Decimal {
	return decimal.NewFromBigInt(m.reg(r), m.rs[r].exp)
}

// String lists the program's operations, for debugging.
func (p *Program) String() string {
	names := [...]string{opMul: "mul", opAdd: "add", opQuo: "quo", opMin: "min", opMax: "max", opSelect: "select", opApply: "apply", opPositive: "pos", opNonNegative: "nonneg", opAtMost: "atmost", opNonZero: "nonzero"}
	s := ""
	for _, c := range p.consts {
		s += fmt.Sprintf("r%d = %s\n", c.reg, c.val)
	}
	for _, o := range p.ops {
		if o.code == opSelect {
			s += fmt.Sprintf("r%d = select r%d r%d r%d\n", o.dst, o.c, o.a, o.b)
			continue
		}
		s += fmt.Sprintf("r%d = %s r%d r%d\n", o.dst, names[o.code], o.a, o.b)
	}
	return s
}
