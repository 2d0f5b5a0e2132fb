package exact

import (
	"math/big"
	"math/bits"
)

// small is a register's coefficient held in 128 bits, sign and magnitude, while it fits:
// a machine computes in it first and falls back to the register's big.Int only when a
// result would not fit, so that a sweep's figures, 20 to 40 digits, cost a few machine
// words a step rather than big.Int's general code. Every operation on smalls is exact,
// so a register's value is the same whichever way it was computed.
type small struct {
	hi, lo uint64
	neg    bool // never for zero
}

// A register's state, beside its small: whether the small is its value (otherwise its
// big.Int holds it), and whether its big.Int holds the same value too.
const (
	isSmall uint8 = 1 << iota
	synced
)

// smallMax bounds a small's high word: magnitudes stay below 2^126, so that a sum of two
// never carries out of 128 bits.
const smallMax = 1 << 62

// fastPath reports whether the platform's big.Word is 64 bits, as the conversions need.
const fastPath = bits.UintSize == 64

func smallOf(v int64) small {
	if v < 0 {
		return small{neg: true, lo: uint64(-v)} // -MinInt64 wraps to its magnitude
	}
	return small{lo: uint64(v)}
}

// smallOfBig returns x as a small, and whether it fits.
func smallOfBig(x *big.Int) (small, bool) {
	if !fastPath || x.BitLen() > 126 {
		return small{}, false
	}
	s := small{neg: x.Sign() < 0}
	w := x.Bits()
	if len(w) > 0 {
		s.lo = uint64(w[0])
	}
	if len(w) > 1 {
		s.hi = uint64(w[1])
	}
	return s, true
}

// setBig writes s to x, reusing x's words.
func (s small) setBig(x *big.Int) {
	x.SetBits(append(x.Bits()[:0], big.Word(s.lo), big.Word(s.hi))) // SetBits drops a zero high word
	if s.neg {
		x.Neg(x)
	}
}

func (s small) isZero() bool { return s.hi == 0 && s.lo == 0 }

func (s small) sign() int {
	switch {
	case s.isZero():
		return 0
	case s.neg:
		return -1
	}
	return 1
}

// norm returns s as a valid small if its magnitude fits, with zero unsigned.
func norm(neg bool, hi, lo uint64) (small, bool) {
	if hi >= smallMax {
		return small{}, false
	}
	return small{neg: neg && (hi|lo) != 0, hi: hi, lo: lo}, true
}

func mulSmall(a, b small) (small, bool) {
	x, yhi, ylo := a.lo, b.hi, b.lo // x one word, y two
	switch {
	case a.hi != 0 && b.hi != 0:
		return small{}, false
	case a.hi != 0:
		x, yhi, ylo = b.lo, a.hi, a.lo
	}
	h0, l0 := bits.Mul64(x, ylo)
	h1, l1 := bits.Mul64(x, yhi)
	hi, carry := bits.Add64(h0, l1, 0)
	if h1 != 0 || carry != 0 {
		return small{}, false
	}
	return norm(a.neg != b.neg, hi, l0)
}

// scale returns s × 10^k, k ≥ 0, in steps of at most 10^19 (a word's power of ten).
func (s small) scale(k int) (small, bool) {
	if k < 0 {
		return small{}, false
	}
	for ok := true; k > 0; k -= 19 {
		if s.isZero() {
			return s, true
		}
		p := uint64(1)
		for range min(k, 19) {
			p *= 10
		}
		if s, ok = mulSmall(s, small{lo: p}); !ok {
			return small{}, false
		}
	}
	return s, true
}

func cmpMag(a, b small) int {
	switch {
	case a.hi != b.hi:
		if a.hi < b.hi {
			return -1
		}
		return 1
	case a.lo != b.lo:
		if a.lo < b.lo {
			return -1
		}
		return 1
	}
	return 0
}

func addSmall(a, b small) (small, bool) {
	if a.neg == b.neg {
		lo, c := bits.Add64(a.lo, b.lo, 0)
		hi, _ := bits.Add64(a.hi, b.hi, c) // both below 2^62: no carry out
		return norm(a.neg, hi, lo)
	}
	if cmpMag(a, b) < 0 { // the greater magnitude less the lesser, with its sign
		lo, borrow := bits.Sub64(b.lo, a.lo, 0)
		hi, _ := bits.Sub64(b.hi, a.hi, borrow)
		return norm(b.neg, hi, lo)
	}
	lo, borrow := bits.Sub64(a.lo, b.lo, 0)
	hi, _ := bits.Sub64(a.hi, b.hi, borrow)
	return norm(a.neg, hi, lo)
}

// align returns a and b at the lesser of their exponents.
func align(a small, ea int32, b small, eb int32) (small, small, bool) {
	var ok bool
	switch {
	case ea > eb:
		a, ok = a.scale(int(ea) - int(eb))
	case eb > ea:
		b, ok = b.scale(int(eb) - int(ea))
	default:
		ok = true
	}
	return a, b, ok
}

// cmpSmall compares a and b as signed numbers.
func cmpSmall(a, b small) int {
	sa, sb := a.sign(), b.sign()
	switch {
	case sa != sb:
		if sa < sb {
			return -1
		}
		return 1
	case sa < 0:
		return cmpMag(b, a)
	}
	return cmpMag(a, b)
}

// quoSmall is num / den truncated toward zero, then moved one away from zero when twice
// the remainder is at least the divisor: the big path's rounding, for a divisor of one
// word.
func quoSmall(num, den small) (small, bool) {
	if den.hi != 0 || den.lo == 0 {
		return small{}, false
	}
	qh, rh := num.hi/den.lo, num.hi%den.lo
	ql, r := bits.Div64(rh, num.lo, den.lo)
	if r >= den.lo-r { // 2r ≥ den, without overflowing 2r
		var c uint64
		ql, c = bits.Add64(ql, 1, 0)
		qh += c
	}
	return norm(num.neg != den.neg, qh, ql)
}
