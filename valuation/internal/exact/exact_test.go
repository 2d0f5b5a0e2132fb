package exact

import (
	"math/big"
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/shopspring/decimal"
)

func same(a, b decimal.Decimal) bool { return a.Equal(b) && a.Exponent() == b.Exponent() }

// randomDecimal draws coefficients of up to 30 digits at exponents in [-20, 5], signed.
func randomDecimal(r *rand.Rand) decimal.Decimal {
	digits := 1 + r.IntN(30)
	s := ""
	for range digits {
		s += string(rune('0' + r.IntN(10)))
	}
	d, _ := decimal.NewFromString(s)
	d = decimal.NewFromBigInt(d.Coefficient(), int32(r.IntN(26)-20))
	if r.IntN(3) == 0 {
		d = d.Neg()
	}
	return d
}

// TestMatchesShopspring evaluates products, sums and rounded quotients of random inputs
// and finds each identical, value and exponent, to shopspring's Mul, Add and DivRound.
func TestMatchesShopspring(t *testing.T) {
	b := NewBuilder(3)
	x, y, z := b.Input(0), b.Input(1), b.Input(2)
	half := b.Const(decimal.RequireFromString("0.5"))
	prod := b.Mul(b.Mul(x, y), half)
	sum := b.Add(b.Add(x, z), half)
	quo := b.Quo(prod, z, 16)
	quo0 := b.Quo(sum, y, 0)
	p := b.Program(prod, sum, quo, quo0)
	m := p.Machine()
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 20000 {
		in := []decimal.Decimal{randomDecimal(r), randomDecimal(r), randomDecimal(r)}
		if in[1].IsZero() || in[2].IsZero() {
			continue
		}
		if !m.Run(in) {
			t.Fatalf("%d: run failed at %v", i, in)
		}
		h := decimal.RequireFromString("0.5")
		wantProd := in[0].Mul(in[1]).Mul(h)
		wantSum := in[0].Add(in[2]).Add(h)
		for _, c := range []struct {
			name string
			reg  Reg
			want decimal.Decimal
		}{
			{"product", prod, wantProd},
			{"sum", sum, wantSum},
			{"quotient", quo, wantProd.DivRound(in[2], 16)},
			{"quotient to 0 places", quo0, wantSum.DivRound(in[1], 0)},
		} {
			if got := m.Decimal(c.reg); !same(got, c.want) {
				t.Fatalf("%d: %s at %v = %s (exp %d), want %s (exp %d)", i, c.name, in, got, got.Exponent(), c.want, c.want.Exponent())
			}
		}
	}
}

// TestChecks fails a run whose check does not hold, and one that would divide by zero.
func TestChecks(t *testing.T) {
	b := NewBuilder(2)
	x, y := b.Input(0), b.Input(1)
	b.Positive(x)
	b.AtMost(y, b.Const(decimal.NewFromInt(1)))
	b.Quo(x, y, 4)
	m := b.Program().Machine()
	d := decimal.RequireFromString
	for _, c := range []struct {
		x, y string
		ok   bool
	}{{"1", "0.5", true}, {"0", "0.5", false}, {"-1", "0.5", false}, {"1", "1.0001", false}, {"1", "0", false}, {"1", "1", true}} {
		if got := m.Run([]decimal.Decimal{d(c.x), d(c.y)}); got != c.ok {
			t.Errorf("x=%s y=%s: %v, want %v", c.x, c.y, got, c.ok)
		}
	}
	zero := NewBuilder(1)
	zero.Quo(zero.Input(0), zero.Const(decimal.Zero), 2)
	if zero.Program().Machine().Run([]decimal.Decimal{d("1")}) {
		t.Error("division by a constant zero ran")
	}
}

// TestDeadCode drops what no output or check needs, and keeps every check.
func TestDeadCode(t *testing.T) {
	b := NewBuilder(2)
	x, y := b.Input(0), b.Input(1)
	used := b.Mul(x, y)
	b.Quo(used, x, 16) // dead, but its guard on x stays
	b.Add(x, y)        // dead
	p := b.Program(used)
	if len(p.ops) != 2 || p.ops[0].code != opMul || p.ops[1].code != opNonZero {
		t.Errorf("ops %+v, want the product and the guard", p.ops)
	}
	if p.Machine().Run([]decimal.Decimal{decimal.Zero, decimal.NewFromInt(1)}) {
		t.Error("the guard of a dead division did not fail x = 0")
	}
}

// TestBounds fails a run whose numbers outgrow the machine rather than computing them.
func TestBounds(t *testing.T) {
	b := NewBuilder(2)
	m := b.Program(b.Add(b.Input(0), b.Input(1))).Machine()
	if m.Run([]decimal.Decimal{decimal.New(1, 1000), decimal.New(1, -1000)}) {
		t.Error("an exponent gap of 2,000 was rescaled")
	}
}

// TestSmallMatchesShopspring drives the 128-bit path (small.go) and its fallbacks: inputs
// of 1 to 22 digits, a third of them with up to 24 trailing zeros more (the machine
// computes on them stripped, and must give back each result at shopspring's exponent),
// so that most products and quotients fit in 128 bits and some do not, sums of either
// sign at exponent gaps up to 50, quotients at 0 to 20 places, and comparisons; every
// result is identical, value and exponent, to shopspring's, and every comparison agrees
// with Decimal.Cmp.
func TestSmallMatchesShopspring(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	draw := func() decimal.Decimal {
		digits := 1 + r.IntN(22)
		c := r.Int64N(10)
		s := ""
		for range digits {
			s += string(rune('0' + r.IntN(10)))
		}
		zeros := 0
		if r.IntN(3) == 0 { // trailing zeros, as a sweep's steps carry them: the machine strips them
			zeros = r.IntN(25)
			for range zeros {
				s += "0"
			}
		}
		d, _ := decimal.NewFromString(s)
		if r.IntN(10) == 0 {
			d = decimal.NewFromInt(c)
		}
		d = decimal.NewFromBigInt(d.Coefficient(), int32(r.IntN(26)-20-zeros))
		if r.IntN(2) == 0 {
			d = d.Neg()
		}
		return d
	}
	for _, places := range []int32{0, 2, 16, 20} {
		b := NewBuilder(3)
		x, y, z := b.Input(0), b.Input(1), b.Input(2)
		prod := b.Mul(x, y)
		sum := b.Add(prod, z)
		diff := b.Add(x, b.Mul(z, b.Const(decimal.NewFromInt(-1))))
		quo := b.Quo(sum, z, places)
		quo2 := b.Quo(b.Mul(quo, x), y, places)
		p := b.Program(prod, sum, diff, quo, quo2)
		m := p.Machine()
		cb := NewBuilder(2)
		cb.AtMost(cb.Input(0), cb.Input(1))
		cm := cb.Program().Machine()
		for i := range 30000 {
			in := []decimal.Decimal{draw(), draw(), draw()}
			if got, want := cm.Run(in[:2]), in[0].Cmp(in[1]) <= 0; got != want {
				t.Fatalf("%d: %s ≤ %s: %v, want %v", i, in[0], in[1], got, want)
			}
			if in[1].IsZero() || in[2].IsZero() {
				continue
			}
			if !m.Run(in) {
				t.Fatalf("%d: run failed at %v", i, in)
			}
			wantProd := in[0].Mul(in[1])
			wantSum := wantProd.Add(in[2])
			wantQuo := wantSum.DivRound(in[2], places)
			for _, c := range []struct {
				name string
				reg  Reg
				want decimal.Decimal
			}{
				{"product", prod, wantProd},
				{"sum", sum, wantSum},
				{"difference", diff, in[0].Sub(in[2])},
				{"quotient", quo, wantQuo},
				{"quotient of a quotient", quo2, wantQuo.Mul(in[0]).DivRound(in[1], places)},
			} {
				if got := m.Decimal(c.reg); !same(got, c.want) {
					t.Fatalf("%d, %d places: %s at %v = %s (exp %d), want %s (exp %d)", i, places, c.name, in, got, got.Exponent(), c.want, c.want.Exponent())
				}
			}
		}
	}
}

// BenchmarkMachine runs the kernel of the Kuaishou target over 2021E MAU and the
// e-commerce discount, as Engine.Grid compiles it (the constants are the prepared model's),
// and reads the target: the exact work of one grid point.
func BenchmarkMachine(b *testing.B) {
	d := decimal.RequireFromString
	bb := NewBuilder(2)
	mau, prem := bb.Input(0), bb.Input(1)
	bb.Positive(bb.Add(prem, bb.Const(d("1"))))
	bb.Positive(mau)
	bb.AtMost(bb.Const(d("344")), mau)
	sum := bb.Add(bb.Mul(prem, bb.Const(d("1590.5504999999999998845"))), bb.Const(d("3261.2964999999999998845")))
	target := bb.Quo(bb.Add(bb.Mul(mau, sum), bb.Const(d("0"))), bb.Const(d("4159")), 16)
	m := bb.Program(target).Machine()
	ins := [][]decimal.Decimal{{d("571.68"), d("-0.2")}, {d("500"), d("-0.25")}, {d("612.3"), d("-0.1")}}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if !m.Run(ins[i%3]) {
			b.Fatal("run failed")
		}
		_ = m.Decimal(target)
		i++
	}
}

// FuzzMachine holds the machine to shopspring on inputs the fuzzer picks: a product, a
// sum, a difference, a rounded quotient, a comparison, a min and a max of three decimals, each result
// identical in value and exponent (or the run refused, where the machine's bounds say so:
// the caller then takes shopspring's path itself).
func FuzzMachine(f *testing.F) {
	f.Add("571.68", "-0.2", "4159", int8(16))
	f.Add("-0.4950000000000000", "1590.5504999999999998845", "1e-20", int8(0))
	f.Add("123456789012345678901234567890", "-9", "0.0003", int8(20))
	b := NewBuilder(3)
	x, y, z := b.Input(0), b.Input(1), b.Input(2)
	prod := b.Mul(x, y)
	sum := b.Add(prod, z)
	diff := b.Add(x, b.Mul(z, b.Const(decimal.NewFromInt(-1))))
	quos := map[int32]Reg{}
	for _, places := range []int32{0, 2, 16, 20} {
		quos[places] = b.Quo(sum, z, places)
	}
	p := b.Program(prod, sum, diff, quos[0], quos[2], quos[16], quos[20])
	cb := NewBuilder(2)
	cb.AtMost(cb.Input(0), cb.Input(1))
	cmp := cb.Program()
	eb := NewBuilder(2)
	lo, hi := eb.Min(eb.Input(0), eb.Input(1)), eb.Max(eb.Input(0), eb.Input(1))
	extremes := eb.Program(lo, hi)
	f.Fuzz(func(t *testing.T, xs, ys, zs string, placesSeed int8) {
		var in [3]decimal.Decimal
		for i, s := range []string{xs, ys, zs} {
			d, err := decimal.NewFromString(s)
			if err != nil || d.NumDigits() > 60 || d.Exponent() > 60 || d.Exponent() < -60 {
				return
			}
			in[i] = d
		}
		if got, want := cmp.Machine().Run(in[:2]), in[0].Cmp(in[1]) <= 0; got != want {
			t.Fatalf("%s ≤ %s: %v, want %v", in[0], in[1], got, want)
		}
		if em := extremes.Machine(); em.Run(in[:2]) { // the lesser and the greater, the first of equals
			wantLo, wantHi := in[0], in[0]
			if in[1].LessThan(in[0]) {
				wantLo = in[1]
			}
			if in[1].GreaterThan(in[0]) {
				wantHi = in[1]
			}
			if !same(em.Decimal(lo), wantLo) || !same(em.Decimal(hi), wantHi) {
				t.Fatalf("min and max of %s and %s: %s and %s, want %s and %s", in[0], in[1], em.Decimal(lo), em.Decimal(hi), wantLo, wantHi)
			}
		}
		if in[2].IsZero() {
			return
		}
		m := p.Machine()
		if !m.Run(in[:]) {
			return // past the machine's bounds: refused, never wrong
		}
		places := []int32{0, 2, 16, 20}[int(uint8(placesSeed))%4]
		wantSum := in[0].Mul(in[1]).Add(in[2])
		for _, c := range []struct {
			name string
			reg  Reg
			want decimal.Decimal
		}{
			{"product", prod, in[0].Mul(in[1])},
			{"sum", sum, wantSum},
			{"difference", diff, in[0].Sub(in[2])},
			{"quotient", quos[places], wantSum.DivRound(in[2], places)},
		} {
			if got := m.Decimal(c.reg); !same(got, c.want) {
				t.Fatalf("%s at %v = %s (exp %d), want %s (exp %d)", c.name, in, got, got.Exponent(), c.want, c.want.Exponent())
			}
		}
	})
}

// TestMachinesApart: two machines of one program, made one after the other as a sweep's
// workers make them, keep the state they write at every step (registers, their words,
// inputs, the machine itself) a page or more from each other's. Side by side, two
// workers ran a 101x101 grid slower than one (3.3 ms against 2.1, BenchmarkGrid101).
func TestMachinesApart(t *testing.T) {
	b := NewBuilder(2)
	b.Positive(b.Add(b.Input(0), b.Input(1)))
	p := b.Program(b.Quo(b.Mul(b.Input(0), b.Input(1)), b.Const(decimal.RequireFromString("4159")), 16))
	m1, m2 := p.Machine(), p.Machine()
	apart := func(what string, a, b unsafe.Pointer, size uintptr) {
		pa, pb := uintptr(a), uintptr(b)
		if gap := max(pa, pb) - min(pa, pb); gap < 4096+size {
			t.Errorf("%s: two machines' %d bytes apart", what, gap)
		}
	}
	apart("machine", unsafe.Pointer(m1), unsafe.Pointer(m2), unsafe.Sizeof(*m1))
	apart("registers", unsafe.Pointer(&m1.rs[0]), unsafe.Pointer(&m2.rs[0]), uintptr(len(m1.rs))*unsafe.Sizeof(m1.rs[0]))
	apart("inputs", unsafe.Pointer(&m1.in[0]), unsafe.Pointer(&m2.in[0]), uintptr(len(m1.in))*unsafe.Sizeof(m1.in[0]))
	apart("words", unsafe.Pointer(&m1.coef[0].Bits()[:1][0]), unsafe.Pointer(&m2.coef[0].Bits()[:1][0]), uintptr(regWords*len(m1.coef))*8)
}

// TestMinMax: Min and Max of random inputs, and of their products (past 128 bits, the
// big path), are shopspring's comparison keeping the first of equal values, value and
// exponent: ties at other exponents (x and x with a zero appended) keep the first.
func TestMinMax(t *testing.T) {
	b := NewBuilder(2)
	x, y := b.Input(0), b.Input(1)
	long := b.Mul(b.Mul(x, x), b.Mul(x, y)) // up to 120 digits
	outs := []Reg{b.Min(x, y), b.Max(x, y), b.Min(y, x), b.Min(long, x), b.Max(x, long)}
	if c := b.Min(b.Const(decimal.New(5, 0)), b.Const(decimal.New(50, -1))); !same(must(b.Value(c)), decimal.New(5, 0)) {
		t.Errorf("constants: min(5, 5.0) folded to %v, want the first, 5", must(b.Value(c)))
	}
	p := b.Program(outs...)
	m := p.Machine()
	first := func(op opcode, a, c decimal.Decimal) decimal.Decimal {
		if op == opMin && c.LessThan(a) || op == opMax && c.GreaterThan(a) {
			return c
		}
		return a
	}
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 20000 {
		in := []decimal.Decimal{randomDecimal(r), randomDecimal(r)}
		switch i % 4 {
		case 0: // equal values, the second one digit longer
			in[1] = decimal.NewFromBigInt(new(big.Int).Mul(in[0].Coefficient(), big.NewInt(10)), in[0].Exponent()-1)
		case 1:
			in[1] = in[0]
		}
		if !m.Run(in) {
			t.Fatalf("%d: run failed at %v", i, in)
		}
		bx := in[0].Mul(in[0]).Mul(in[0].Mul(in[1]))
		for k, want := range []decimal.Decimal{first(opMin, in[0], in[1]), first(opMax, in[0], in[1]), first(opMin, in[1], in[0]),
			first(opMin, bx, in[0]), first(opMax, in[0], bx)} {
			if got := m.Decimal(outs[k]); !same(got, want) {
				t.Fatalf("%d: output %d at %v is %s (exponent %d), want %s (%d)", i, k, in, got, got.Exponent(), want, want.Exponent())
			}
		}
	}
}

func must(d decimal.Decimal, ok bool) decimal.Decimal {
	if !ok {
		return decimal.Decimal{}
	}
	return d
}

// TestSelect: Select takes its first branch when the condition is zero, at any exponent
// (0.00 is zero), else its second, each with its own value and exponent, small or past
// 128 bits; a constant condition is folded to its branch.
func TestSelect(t *testing.T) {
	b := NewBuilder(3)
	c, x, y := b.Input(0), b.Input(1), b.Input(2)
	long := b.Mul(b.Mul(y, y), b.Mul(y, y)) // past 128 bits for long inputs
	outs := []Reg{b.Select(c, x, y), b.Select(c, long, x), b.Select(b.Mul(c, y), x, long)}
	if r := b.Select(b.Const(decimal.New(0, -2)), x, y); r != x {
		t.Errorf("a constant zero condition folded to r%d, want the first branch r%d", r, x)
	}
	if r := b.Select(b.Const(decimal.New(3, 0)), x, y); r != y {
		t.Errorf("a constant condition 3 folded to r%d, want the second branch r%d", r, y)
	}
	m := b.Program(outs...).Machine()
	r := rand.New(rand.NewPCG(5, 6))
	for i := range 20000 {
		in := []decimal.Decimal{randomDecimal(r), randomDecimal(r), randomDecimal(r)}
		if i%3 == 0 {
			in[0] = decimal.New(0, -int32(r.IntN(4)))
		}
		if !m.Run(in) {
			t.Fatalf("%d: run failed at %v", i, in)
		}
		pick := func(cond, a, b decimal.Decimal) decimal.Decimal {
			if cond.IsZero() {
				return a
			}
			return b
		}
		l := in[2].Mul(in[2]).Mul(in[2].Mul(in[2]))
		for k, want := range []decimal.Decimal{pick(in[0], in[1], in[2]), pick(in[0], l, in[1]), pick(in[0].Mul(in[2]), in[1], l)} {
			if got := m.Decimal(outs[k]); !same(got, want) {
				t.Fatalf("%d: output %d at %v is %s (exponent %d), want %s (%d)", i, k, in, got, got.Exponent(), want, want.Exponent())
			}
		}
	}
}

// TestApply: Apply runs the caller's function on a register's value as a decimal, small
// or past 128 bits, value and exponent; of a constant it is folded.
func TestApply(t *testing.T) {
	half := func(d decimal.Decimal) decimal.Decimal {
		return d.DivRound(decimal.NewFromInt(2), int32(d.NumDigits()))
	}
	b := NewBuilder(1)
	x := b.Input(0)
	long := b.Mul(b.Mul(x, x), b.Mul(x, x))
	outs := []Reg{b.Apply(half, nil, x), b.Apply(half, nil, long), b.Add(b.Apply(half, nil, x), x)}
	if c, ok := b.Value(b.Apply(half, nil, b.Const(decimal.New(7, 0)))); !ok || !same(c, half(decimal.New(7, 0))) {
		t.Errorf("a constant: %v %v, want folded to %s", c, ok, half(decimal.New(7, 0)))
	}
	m := b.Program(outs...).Machine()
	r := rand.New(rand.NewPCG(7, 8))
	for i := range 5000 {
		in := randomDecimal(r)
		if !m.Run([]decimal.Decimal{in}) {
			t.Fatalf("%d: run failed at %v", i, in)
		}
		l := in.Mul(in).Mul(in.Mul(in))
		for k, want := range []decimal.Decimal{half(in), half(l), half(in).Add(in)} {
			if got := m.Decimal(outs[k]); !same(got, want) {
				t.Fatalf("%d: output %d at %v is %s (exponent %d), want %s (%d)", i, k, in, got, got.Exponent(), want, want.Exponent())
			}
		}
	}
}

// TestIncremental: a machine run point after point, one or two inputs moved at a time and
// every so often a point that fails a check or a division by zero, gives at each point
// what a new machine gives, value and exponent: a run redoes what a moved input reaches,
// and after a failed run everything.
func TestIncremental(t *testing.T) {
	b := NewBuilder(4)
	x, y, z, w := b.Input(0), b.Input(1), b.Input(2), b.Input(3)
	b.Positive(w)
	xy := b.Mul(x, y)
	q := b.Quo(b.Add(xy, z), w, 12)
	half := func(v decimal.Decimal) decimal.Decimal { return v.DivRound(decimal.NewFromInt(2), 10) }
	outs := []Reg{xy, q, b.Min(q, x), b.Select(z, y, q), b.Apply(half, nil, b.Add(z, w)), b.Max(b.Mul(z, z), y)}
	p := b.Program(outs...)
	m := p.Machine()
	r := rand.New(rand.NewPCG(9, 10))
	in := []decimal.Decimal{decimal.NewFromInt(3), decimal.NewFromInt(4), decimal.NewFromInt(5), decimal.NewFromInt(6)}
	for i := range 5000 {
		for range 1 + r.IntN(2) {
			j := r.IntN(len(in))
			switch r.IntN(6) {
			case 0:
				in[j] = decimal.Zero // w at zero fails
			case 1:
				in[j] = in[j].Neg() // w below zero fails
			default:
				in[j] = randomDecimal(r).Truncate(4)
			}
		}
		fresh := p.Machine()
		ok, want := m.Run(in), fresh.Run(in)
		if ok != want {
			t.Fatalf("%d at %v: run %v, a new machine %v", i, in, ok, want)
		}
		if !ok {
			continue
		}
		for k, o := range outs {
			if g, w := m.Decimal(o), fresh.Decimal(o); !same(g, w) {
				t.Fatalf("%d at %v: output %d = %s (exp %d), a new machine %s (exp %d)", i, in, k, g, g.Exponent(), w, w.Exponent())
			}
		}
	}
}

// TestQuoDenCacheGapMinusOne: a division by a constant whose numerator is past 128
// bits (the big path) at an exponent gap of exactly -1 reads the divisor cache, whose
// "none cached" sentinel was -1: the divisor was taken as the zero big.Int, a panic.
func TestQuoDenCacheGapMinusOne(t *testing.T) {
	b := NewBuilder(1)
	q := b.Quo(b.Input(0), b.Const(decimal.NewFromInt(3)), 16) // gap = exp(x) - 0 + 16
	p := b.Program(q)
	x := decimal.RequireFromString("1234567890123456789012345678901234567890.12345678901234567") // 57 digits, exponent -17
	want := x.DivRound(decimal.NewFromInt(3), 16)
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("Run panicked: %v (want %s)", r, want)
		}
	}()
	m := p.Machine()
	if !m.Run([]decimal.Decimal{x}) {
		t.Fatal("refused")
	}
	if got := m.Decimal(q); !same(got, want) {
		t.Errorf("%s, want %s", got, want)
	}
}
