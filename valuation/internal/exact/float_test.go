package exact

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

// TestFloatsMatchMachine runs a program of every operation, with checks of every kind
// under their reasons, on the exact machine and in float64 at 20,000 random points: the
// same points pass, a refused point is refused for the reason of the first check the
// machine fails (found by running the checks' conditions in order), and the outputs agree
// to 1e-12 relative. The program holds what Floats leaves out or rewrites: a sum with zero,
// a product with one, a check of a register plus a constant and against a constant, a
// division by a constant.
func TestFloatsMatchMachine(t *testing.T) {
	d := decimal.RequireFromString
	b := NewBuilder(3)
	x, y, z := b.Input(0), b.Input(1), b.Input(2)
	zero, one := b.Const(decimal.Decimal{}), b.Const(d("1"))
	reasons := []string{"x + 1 not above 0", "y below 0", "z above 5", "y above x", "z zero"}
	done := b.Because(reasons[0])
	b.Positive(b.Add(x, one))
	done()
	done = b.Because(reasons[1])
	b.NonNegative(y)
	done()
	done = b.Because(reasons[2])
	b.AtMost(z, b.Const(d("5")))
	done()
	done = b.Because(reasons[3])
	b.AtMost(y, x)
	done()
	done = b.Because(reasons[4])
	q := b.Quo(b.Add(b.Mul(x, y), zero), z, 16) // its check: z not zero
	done()
	outs := []Reg{
		b.Mul(b.Add(q, zero), one),
		b.Quo(b.Add(x, y), b.Const(d("7")), 16),
		b.Min(x, b.Mul(y, z)),
		b.Max(x, b.Add(y, one)),
		b.Select(y, x, z),
		b.Apply(func(v decimal.Decimal) decimal.Decimal { return v.Mul(v) }, func(v float64) float64 { return v * v }, b.Add(x, z)),
	}
	p := b.Program(outs...)
	m, f := p.Machine(), p.Floats(outs...)
	if len(f.ops) >= len(p.ops) {
		t.Errorf("float64 program of %d operations, the exact one's %d: nothing left out", len(f.ops), len(p.ops))
	}
	first := func(v [3]float64) string { // the checks' conditions, in order
		switch {
		case !(v[0]+1 > 0):
			return reasons[0]
		case !(v[1] >= 0):
			return reasons[1]
		case !(v[2] <= 5):
			return reasons[2]
		case !(v[1] <= v[0]):
			return reasons[3]
		case v[2] == 0:
			return reasons[4]
		}
		return ""
	}
	r := rand.New(rand.NewPCG(5, 6))
	pick := func() float64 {
		vals := []float64{-2, -1, 0, 1, 5, 6}
		if r.IntN(3) == 0 {
			return vals[r.IntN(len(vals))]
		}
		return math.Round((r.Float64()*8-2)*1e6) / 1e6
	}
	for range 20000 {
		v := [3]float64{pick(), pick(), pick()}
		in := []decimal.Decimal{decimal.NewFromFloat(v[0]), decimal.NewFromFloat(v[1]), decimal.NewFromFloat(v[2])}
		ok := m.Run(in)
		k := f.Run(v[:])
		switch want := first(v); {
		case ok != (want == ""):
			t.Fatalf("at %v: machine %v, conditions %q", v, ok, want)
		case !ok && (k < 0 || p.Reasons()[k] != want):
			t.Fatalf("at %v: float64 refuses it for %d, want %q", v, k, want)
		case ok && k >= 0:
			t.Fatalf("at %v: float64 refuses it for %q, the machine values it", v, p.Reasons()[k])
		}
		if !ok {
			continue
		}
		for i, o := range outs {
			want := m.Decimal(o).InexactFloat64()
			if got := f.Value(o); math.Abs(got-want) > 1e-12*math.Abs(want) {
				t.Fatalf("output %d at %v: float64 %v, machine %v", i, v, got, want)
			}
		}
	}
}

// TestFloatsDropSums: a check of x + c is rewritten as x > -c, and the sum, which nothing
// else reads, goes (it stayed alive through the comparison's second operand).
func TestFloatsDropSums(t *testing.T) {
	b := NewBuilder(1)
	x := b.Input(0)
	b.NonNegative(b.Add(x, b.Const(decimal.NewFromInt(-5))))
	b.Positive(b.Add(x, b.Const(decimal.NewFromInt(3))))
	p := b.Program()
	f := p.Floats()
	if len(f.ops) != 2 {
		t.Errorf("%d operations, want the 2 comparisons", len(f.ops))
	}
}
