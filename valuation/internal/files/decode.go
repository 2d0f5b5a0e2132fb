package files

import (
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/valuation/fault"
	textclip "github.com/sotpkit/sotp/valuation/internal/clip"
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

// Decimal is a decimal as the formats write it: a JSON string such as "0.1175", never a
// JSON number. It keeps the text it was read from, so that a decoded file encodes back
// to the same bytes.
type Decimal struct {
	decimal.Decimal
	text string
}

// NewDecimal returns d as a file decimal, written exactly without trailing zeros
// ("319.00" is written "319").
func NewDecimal(d decimal.Decimal) Decimal { return Decimal{Decimal: d} }

// String returns the text the decimal was read from, or else its exact form without
// trailing zeros. Neither reads shopspring's package variables.
func (d Decimal) String() string {
	if d.text != "" {
		return d.text
	}
	return fault.Plain(d.Decimal)
}

// MarshalJSON writes the decimal as a JSON string. It does not read shopspring's package
// variables, so no other importer's settings change the file.
func (d Decimal) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(d.String())), nil }

// ParseDecimal parses a decimal as the formats accept it: an optional minus, digits, an
// optional fraction and exponent ("-12.5", "3e2"), within MaxDigits and MaxExponent; a
// zero's written exponent must lie within the bounds too ("0e-9999" is refused). It
// reads none of shopspring's package variables (MaxDecodeExponent among them).
func ParseDecimal(s string) (Decimal, error) {
	whole, frac, exp, ok := splitDecimal(s)
	if !ok {
		return Decimal{}, badDecimal(s)
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
		return Decimal{}, badDecimal(s)
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
		return Decimal{Decimal: decimal.New(v, int32(exp)), text: s}, nil
	}
	v, ok := new(big.Int).SetString(whole+frac, 10)
	if !ok {
		return Decimal{}, badDecimal(s)
	}
	if neg {
		v.Neg(v)
	}
	return Decimal{Decimal: decimal.NewFromBigInt(v, int32(exp)), text: s}, nil
}

// maxInt64Digits is the most significant digits whose every value an int64 holds.
const maxInt64Digits = 18

// badDecimal is the error of a string ParseDecimal refuses; it is made only when one is,
// since formatting it costs more than the parse.
func badDecimal(s string) error {
	return fmt.Errorf("%w: %s", fault.ErrDecimal, strconv.Quote(Clip(s)))
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

// Clip shortens a hostile value for an error message: to 40 bytes, at a character.
func Clip(s string) string { return textclip.String(s, 40) }

var decimalType = reflect.TypeOf(Decimal{})

// encodeJSON writes v as indented JSON without HTML escaping, ending in a newline.
func encodeJSON(v any) ([]byte, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}
