// Package decimals parses decimals as sotp's files and options write them, within bounds,
// reading none of shopspring's package variables.
package decimals

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/clip"
)

// Bounds on decimal strings, so that a hostile "1e1000000000" is an error rather than a
// billion-digit number that hangs whatever formats it.
const (
	// MaxDigits is the most significant digits a decimal may have.
	MaxDigits = 40
	// MaxExponent bounds the decimal exponent of the leading digit: values lie in
	// [1e-MaxExponent, 1e+MaxExponent] in magnitude, or are zero.
	MaxExponent = 30
)

// Parse parses a decimal as sotp's files and options accept it: an optional minus, digits, an
// optional fraction and exponent ("-12.5", "3e2"), within MaxDigits and MaxExponent; a
// zero's written exponent must lie within the bounds too ("0e-9999" is refused). It
// reads none of shopspring's package variables (MaxDecodeExponent among them).
func Parse(s string) (decimal.Decimal, error) {
	whole, frac, exp, ok := splitDecimal(s)
	if !ok {
		return decimal.Decimal{}, badDecimal(s)
	}
	// sig counts the significant digits: those after the leading zeros of whole+frac.
	sig := len(strings.TrimLeft(whole, "0"))
	if sig == 0 {
		sig = len(strings.TrimLeft(frac, "0"))
	} else {
		sig += len(frac)
	}
	lead := exp + int64(max(sig, 1)) - 1 // the exponent of the leading digit; of the last for a zero
	if sig == 0 {
		lead = exp
	}
	if sig > MaxDigits || lead > MaxExponent || lead < -MaxExponent-MaxDigits || (sig != 0 && lead < -MaxExponent) {
		return decimal.Decimal{}, badDecimal(s)
	}
	neg := strings.HasPrefix(s, "-")
	if sig <= maxInt64Digits {
		// Most decimals fit an int64: no big.Int to parse into and copy. The value is the
		// one the big.Int path gives, to the bit.
		var v int64
		for _, run := range [2]string{whole, frac} {
			for i := range len(run) {
				v = v*10 + int64(run[i]-'0')
			}
		}
		if neg {
			v = -v
		}
		return decimal.New(v, int32(exp)), nil
	}
	v, ok := new(big.Int).SetString(whole+frac, 10)
	if !ok {
		return decimal.Decimal{}, badDecimal(s)
	}
	if neg {
		v.Neg(v)
	}
	return decimal.NewFromBigInt(v, int32(exp)), nil
}

// maxInt64Digits is the most significant digits whose every value an int64 holds.
const maxInt64Digits = 18

// badDecimal is the error of a string Parse refuses; it is made only when one is,
// since formatting it costs more than the parse.
func badDecimal(s string) error {
	return fmt.Errorf("%w: %s", fault.ErrDecimal, strconv.Quote(clip.String(s, 40)))
}

// splitDecimal splits s, of the form -?D+(.D+)?([eE][+-]?D{1,4})? and at most
// 2×MaxDigits+16 bytes, into the digits before and after the point and the exponent of
// the last digit. The digits are s's own bytes, so splitting allocates nothing.
func splitDecimal(s string) (whole, frac string, exp int64, ok bool) {
	if len(s) > 2*MaxDigits+16 {
		return "", "", 0, false
	}
	rest := strings.TrimPrefix(s, "-")
	run := func() string {
		n := 0
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		d := rest[:n]
		rest = rest[n:]
		return d
	}
	whole = run()
	if whole == "" {
		return "", "", 0, false
	}
	if strings.HasPrefix(rest, ".") {
		rest = rest[1:]
		frac = run()
		if frac == "" {
			return "", "", 0, false
		}
		exp = -int64(len(frac))
	}
	if strings.HasPrefix(rest, "e") || strings.HasPrefix(rest, "E") {
		rest = rest[1:]
		sign := int64(1)
		switch {
		case strings.HasPrefix(rest, "-"):
			sign, rest = -1, rest[1:]
		case strings.HasPrefix(rest, "+"):
			rest = rest[1:]
		}
		e := run()
		if e == "" || len(e) > 4 {
			return "", "", 0, false
		}
		k, _ := strconv.ParseInt(e, 10, 64)
		exp += sign * k
	}
	return whole, frac, exp, rest == ""
}
