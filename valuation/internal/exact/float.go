package exact

// Floats runs a program in float64: the same operations on the same registers, for the
// millions of draws of a Monte Carlo or Sobol run, where an exact evaluation a draw would
// cost too much and a statistic needs no last digit. A Quo divides without rounding; an
// Apply runs its float64 function. A check fails on NaN as on a value out of its range.
//
// What exists for the decimal exponent alone is left out: a sum with a constant zero and
// a product with a constant one are their other operand; a check of a register plus a
// constant, or against a constant, compares the register with a constant; a division by
// a constant multiplies by its inverse; operations nothing reads then go.

// fop is an operation of a float64 program: op's, with k the constant a comparison
// compares with (fGreater, fAtLeast, fAtMost).
type fop struct {
	code      opcode
	dst, a, b Reg
	c         Reg   // select's condition
	arg       int32 // op's precise: the function of an apply, the reason of a check
	k         float64
}

// Comparisons of a register with a constant, after opNonZero.
const (
	fGreater opcode = iota + opNonZero + 1 // a > k
	fAtLeast                               // a ≥ k
	fAtMost                                // a ≤ k
)

// Floats evaluates one program in float64; it is not safe for concurrent use.
type Floats struct {
	p     *Program
	ops   []fop
	alias []Reg // the register whose value a register takes
	r     []float64
}

// Floats returns a float64 machine for p, computing outputs (the registers Value reads),
// its constants loaded.
func (p *Program) Floats(outputs ...Reg) *Floats {
	f := &Floats{p: p, r: make([]float64, p.regs), alias: make([]Reg, p.regs)}
	w := rewriter{f: f, known: make([]bool, p.regs), sums: map[Reg][2]Reg{}}
	for r := range f.alias {
		f.alias[r] = Reg(r)
	}
	for _, c := range p.consts {
		f.r[c.reg], w.known[c.reg] = c.val.InexactFloat64(), true
	}
	var ops []fop
	for _, o := range p.ops {
		if op, ok := w.rewrite(o); ok {
			ops = append(ops, op)
		}
	}
	f.ops = live(ops, f.alias, outputs)
	return f
}

// rewriter rewrites a program's operations for Floats.
type rewriter struct {
	f     *Floats
	known []bool         // registers that hold a constant
	sums  map[Reg][2]Reg // registers that are a register plus a constant
}

func (w *rewriter) is(r Reg, v float64) bool { return w.known[r] && w.f.r[r] == v }

// rewrite returns o as a float64 operation; false when it is left out, its register an
// alias of another's.
func (w *rewriter) rewrite(o op) (fop, bool) {
	f, known := w.f, w.known
	a, b := f.alias[o.a], f.alias[o.b]
	op := fop{code: o.code, dst: o.dst, a: a, b: b, c: f.alias[o.c], arg: o.precise}
	switch {
	case o.code == opAdd && w.is(b, 0), o.code == opMul && w.is(b, 1):
		f.alias[o.dst] = a
		return op, false
	case o.code == opAdd && w.is(a, 0), o.code == opMul && w.is(a, 1):
		f.alias[o.dst] = b
		return op, false
	case o.code == opAdd && known[b]:
		w.sums[o.dst] = [2]Reg{a, b}
	case o.code == opAdd && known[a]:
		w.sums[o.dst] = [2]Reg{b, a}
	case o.code == opQuo && known[b] && f.r[b] != 0: // a multiplication is the faster
		op.code, op.b = opMul, Reg(len(f.r))
		f.r, w.known = append(f.r, 1/f.r[b]), append(known, true)
		f.alias = append(f.alias, op.b)
	case o.code == opPositive || o.code == opNonNegative:
		op.code = fGreater
		if o.code == opNonNegative {
			op.code = fAtLeast
		}
		if s, ok := w.sums[a]; ok { // x + c > 0 is x > -c
			op.a, op.k = s[0], -f.r[s[1]]
		}
	case o.code == opAtMost && known[b]:
		op.code, op.k = fAtMost, f.r[b]
	case o.code == opAtMost && known[a]: // c ≤ x is x ≥ c
		op.code, op.a, op.k = fAtLeast, b, f.r[a]
	}
	if op.code >= fGreater {
		op.b = op.a // a comparison with a constant reads one register: the sum it replaced may go
	}
	return op, true
}

// live returns the operations of ops that an output or a check needs, in their order.
func live(ops []fop, alias, outputs []Reg) []fop {
	need := make([]bool, len(alias))
	for _, r := range outputs {
		need[alias[r]] = true
	}
	keep := make([]bool, len(ops))
	for i := len(ops) - 1; i >= 0; i-- {
		o := ops[i]
		if o.code.computes() && !need[o.dst] {
			continue
		}
		keep[i], need[o.a], need[o.b] = true, true, true
		if o.code == opSelect {
			need[o.c] = true
		}
	}
	out := ops[:0]
	for i, o := range ops {
		if keep[i] {
			out = append(out, o)
		}
	}
	return out
}

// Run evaluates the program at inputs and returns -1, or the reason (Program.Reasons) of
// the first check that fails. Read results with Value.
func (f *Floats) Run(inputs []float64) int {
	r := f.r
	copy(r, inputs)
	for i := range f.ops {
		o := &f.ops[i]
		a, b := r[o.a], r[o.b]
		switch o.code {
		case opMul:
			r[o.dst] = a * b
		case opAdd:
			r[o.dst] = a + b
		case opQuo:
			r[o.dst] = a / b
		case opMin:
			if b < a {
				a = b
			}
			r[o.dst] = a
		case opMax:
			if b > a {
				a = b
			}
			r[o.dst] = a
		case opSelect:
			if r[o.c] != 0 {
				a = b
			}
			r[o.dst] = a
		case opApply:
			r[o.dst] = f.p.floats[o.arg](a)
		case fGreater:
			if !(a > o.k) {
				return int(o.arg)
			}
		case fAtLeast:
			if !(a >= o.k) {
				return int(o.arg)
			}
		case fAtMost:
			if !(a <= o.k) {
				return int(o.arg)
			}
		case opAtMost:
			if !(a <= b) {
				return int(o.arg)
			}
		case opNonZero:
			if !(a < 0 || a > 0) { // zero or NaN
				return int(o.arg)
			}
		}
	}
	return -1
}

// Value returns register r's value after Run; r must be one of the outputs Floats was
// given, or an input.
func (f *Floats) Value(r Reg) float64 { return f.r[f.alias[r]] }

// Reasons returns the reasons of the program's checks, by the index Floats.Run returns:
// those given to Builder.Because, "" (index 0) for a check added under none.
func (p *Program) Reasons() []string { return p.reasons }
