package files

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/valuation/fault"
	textclip "github.com/sotpkit/sotp/valuation/internal/clip"
	"github.com/sotpkit/sotp/valuation/internal/decimals"
)

// Bounds on decimal strings: see decimals.MaxDigits.
const (
	MaxDigits   = decimals.MaxDigits
	MaxExponent = decimals.MaxExponent
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

// ParseDecimal parses a decimal as the formats accept it (decimals.Parse), keeping its
// text.
func ParseDecimal(s string) (Decimal, error) {
	d, err := decimals.Parse(s)
	if err != nil {
		return Decimal{}, err
	}
	return Decimal{Decimal: d, text: s}, nil
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
