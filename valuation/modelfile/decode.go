package modelfile

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
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

// NewDecimal returns d as a file decimal, written as d.String().
func NewDecimal(d decimal.Decimal) Decimal { return Decimal{Decimal: d} }

// String returns the text the decimal was read from, or else its shortest form.
func (d Decimal) String() string {
	if d.text != "" {
		return d.text
	}
	return d.Decimal.String()
}

// MarshalJSON writes the decimal as a JSON string. It does not read shopspring's package
// variables, so no other importer's settings change the file.
func (d Decimal) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(d.String())), nil }

// ParseDecimal parses a decimal as the formats accept it: an optional minus, digits, an
// optional fraction and exponent ("-12.5", "3e2"), within MaxDigits and MaxExponent.
func ParseDecimal(s string) (Decimal, error) {
	bad := fmt.Errorf("%w: %s", ErrDecimal, strconv.Quote(clip(s)))
	if !plainDecimal(s) {
		return Decimal{}, bad
	}
	v, err := decimal.NewFromString(s)
	if err != nil {
		return Decimal{}, bad
	}
	if !v.IsZero() {
		digits := int64(v.NumDigits())
		lead := int64(v.Exponent()) + digits - 1
		if digits > MaxDigits || lead > MaxExponent || lead < -MaxExponent {
			return Decimal{}, bad
		}
	}
	return Decimal{Decimal: v, text: s}, nil
}

// plainDecimal reports whether s is -?D+(.D+)?([eE][+-]?D{1,4})? and not absurdly long.
func plainDecimal(s string) bool {
	if len(s) > 2*MaxDigits+16 {
		return false
	}
	s = strings.TrimPrefix(s, "-")
	digits := func(max int) bool {
		n := 0
		for n < len(s) && s[n] >= '0' && s[n] <= '9' {
			n++
		}
		s = s[n:]
		return n > 0 && n <= max
	}
	if !digits(len(s)) {
		return false
	}
	if strings.HasPrefix(s, ".") {
		s = s[1:]
		if !digits(len(s)) {
			return false
		}
	}
	if strings.HasPrefix(s, "e") || strings.HasPrefix(s, "E") {
		s = strings.TrimLeft(s[1:], "+-")
		if !digits(4) {
			return false
		}
	}
	return s == ""
}

// clip shortens a hostile value for an error message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

var decimalType = reflect.TypeOf(Decimal{})

// decode fills v from n strictly: every struct field without omitempty is required, no
// unknown keys, no nulls, decimals only from strings, integers only from integer literals.
func decode(n *node, v reflect.Value) error {
	if v.Type() == decimalType {
		if n.kind != 's' {
			return n.wrongType("decimal string")
		}
		d, err := ParseDecimal(n.text)
		if err != nil {
			return &Error{Path: n.path, Err: err}
		}
		v.Set(reflect.ValueOf(d))
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		if err := decode(n, p.Elem()); err != nil {
			return err
		}
		v.Set(p)
	case reflect.Struct:
		return decodeStruct(n, v)
	case reflect.Slice:
		if n.kind != '[' {
			return n.wrongType("array")
		}
		s := reflect.MakeSlice(v.Type(), len(n.elems), len(n.elems))
		for i, e := range n.elems {
			if err := decode(e, s.Index(i)); err != nil {
				return err
			}
		}
		v.Set(s)
	case reflect.Map:
		if n.kind != '{' {
			return n.wrongType("object")
		}
		m := reflect.MakeMapWithSize(v.Type(), len(n.keys))
		for i, k := range n.keys {
			key := reflect.New(v.Type().Key()).Elem()
			if key.Kind() == reflect.Int {
				y, err := strconv.Atoi(k)
				if err != nil || strconv.Itoa(y) != k || y < 0 {
					return &Error{Path: n.vals[i].path, Err: fmt.Errorf("%w: key %s is not a year", ErrInvalid, strconv.Quote(clip(k)))}
				}
				key.SetInt(int64(y))
			} else {
				key.SetString(k)
			}
			val := reflect.New(v.Type().Elem()).Elem()
			if err := decode(n.vals[i], val); err != nil {
				return err
			}
			m.SetMapIndex(key, val)
		}
		v.Set(m)
	case reflect.String:
		if n.kind != 's' {
			return n.wrongType("string")
		}
		v.SetString(n.text)
	case reflect.Bool:
		if n.kind != 'b' {
			return n.wrongType("boolean")
		}
		v.SetBool(n.b)
	case reflect.Int:
		if n.kind != 'n' {
			return n.wrongType("integer")
		}
		i, err := strconv.Atoi(n.text)
		if err != nil {
			return &Error{Path: n.path, Err: fmt.Errorf("%w: %s, want an integer", ErrType, clip(n.text))}
		}
		v.SetInt(int64(i))
	default:
		return &Error{Path: n.path, Err: fmt.Errorf("%w: no decoding for %s", ErrUnsupported, v.Type())}
	}
	return nil
}

func decodeStruct(n *node, v reflect.Value) error {
	if n.kind != '{' {
		return n.wrongType("object")
	}
	t := v.Type()
	found := make([]bool, t.NumField())
	for i, k := range n.keys {
		f := -1
		for j := 0; j < t.NumField(); j++ {
			if name, _ := tag(t.Field(j)); name == k {
				f = j
			}
		}
		if f < 0 {
			return &Error{Path: n.vals[i].path, Err: ErrUnknownField}
		}
		if err := decode(n.vals[i], v.Field(f)); err != nil {
			return err
		}
		found[f] = true
	}
	for j := 0; j < t.NumField(); j++ {
		if name, optional := tag(t.Field(j)); !found[j] && !optional {
			return &Error{Path: childPath(n.path, name), Err: ErrMissingField}
		}
	}
	return nil
}

func tag(f reflect.StructField) (name string, optional bool) {
	name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name, opts == "omitempty"
}

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
