// Package jsonx writes Go values as JSON the way encoding/json does, except that decimals
// (shopspring's Decimal and NullDecimal) are written as exact JSON strings without
// trailing zeros, whatever shopspring's package variables hold (MarshalJSONWithoutQuotes,
// TrimTrailingZeros, UseScientificNotation): the same value gives the same bytes in every
// program.
package jsonx

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/valuation/fault"
)

var (
	decimalType     = reflect.TypeFor[decimal.Decimal]()
	nullDecimalType = reflect.TypeFor[decimal.NullDecimal]()
	marshalerType   = reflect.TypeFor[json.Marshaler]()
	textType        = reflect.TypeFor[encoding.TextMarshaler]()
	errorType       = reflect.TypeFor[error]()
)

// Marshal returns the JSON of v. Struct fields follow encoding/json's rules for names and
// the json tag's name, "-" and omitempty; nil slices and maps are written [] and {}, so
// that a field has one shape whether it holds anything or not; v's own MarshalJSON, if any, is not called (so
// that a MarshalJSON method can call Marshal on its receiver), those of values inside it
// are; an error value is written as its message; a float that is NaN or infinite, null.
func Marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	if err := encode(&b, reflect.ValueOf(v), true); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func encode(b *bytes.Buffer, v reflect.Value, top bool) error {
	if !v.IsValid() {
		b.WriteString("null")
		return nil
	}
	t := v.Type()
	switch {
	case t == decimalType:
		b.WriteString(strconv.Quote(fault.Plain(v.Interface().(decimal.Decimal))))
		return nil
	case t == nullDecimalType:
		if n := v.Interface().(decimal.NullDecimal); n.Valid {
			b.WriteString(strconv.Quote(fault.Plain(n.Decimal)))
		} else {
			b.WriteString("null")
		}
		return nil
	case t.Kind() == reflect.Interface || t.Kind() == reflect.Pointer:
		if v.IsNil() {
			b.WriteString("null")
			return nil
		}
		if t.Kind() == reflect.Interface && t.Implements(errorType) {
			b.WriteString(strconv.Quote(v.Interface().(error).Error()))
			return nil
		}
		return encode(b, v.Elem(), false)
	case !top && t.Implements(marshalerType):
		out, err := v.Interface().(json.Marshaler).MarshalJSON()
		if err != nil {
			return err
		}
		return json.Compact(b, out)
	case !top && t.Implements(textType):
		out, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		if err != nil {
			return err
		}
		return writeString(b, string(out))
	}
	switch t.Kind() {
	case reflect.Struct:
		return encodeStruct(b, v)
	case reflect.Slice, reflect.Array: // a nil slice is [], so that a field keeps its shape

		b.WriteByte('[')
		for i := range v.Len() {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := encode(b, v.Index(i), false); err != nil {
				return err
			}
		}
		b.WriteByte(']')
		return nil
	case reflect.Map:
		return encodeMap(b, v)
	case reflect.Float32, reflect.Float64:
		if f := v.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
			b.WriteString("null") // JSON has no NaN: a statistic without a value
			return nil
		}
		fallthrough
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		out, err := json.Marshal(v.Interface())
		if err != nil {
			return err
		}
		b.Write(out)
		return nil
	}
	return fmt.Errorf("jsonx: cannot encode %s", t)
}

func writeString(b *bytes.Buffer, s string) error {
	out, err := json.Marshal(s)
	b.Write(out)
	return err
}

func encodeStruct(b *bytes.Buffer, v reflect.Value) error {
	t := v.Type()
	b.WriteByte('{')
	first := true
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" && opts == "" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fv := v.Field(i)
		if opts == "omitempty" && empty(fv) {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		if err := writeString(b, name); err != nil {
			return err
		}
		b.WriteByte(':')
		if err := encode(b, fv, false); err != nil {
			return err
		}
	}
	b.WriteByte('}')
	return nil
}

func encodeMap(b *bytes.Buffer, v reflect.Value) error {
	type entry struct {
		key string
		val reflect.Value
	}
	entries := make([]entry, 0, v.Len())
	for it := v.MapRange(); it.Next(); {
		k := it.Key()
		var key string
		switch {
		case k.Kind() == reflect.String:
			key = k.String()
		case k.CanInt():
			key = strconv.FormatInt(k.Int(), 10)
		case k.Type().Implements(textType):
			out, err := k.Interface().(encoding.TextMarshaler).MarshalText()
			if err != nil {
				return err
			}
			key = string(out)
		default:
			return fmt.Errorf("jsonx: cannot encode a map key of %s", k.Type())
		}
		entries = append(entries, entry{key, it.Value()})
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.key, b.key) })
	b.WriteByte('{')
	for i, e := range entries {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := writeString(b, e.key); err != nil {
			return err
		}
		b.WriteByte(':')
		if err := encode(b, e.val, false); err != nil {
			return err
		}
	}
	b.WriteByte('}')
	return nil
}

// empty reports what encoding/json's omitempty leaves out: false, 0, "", a nil pointer or
// interface, and an empty array, slice or map. Structs are never empty.
func empty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Struct:
		return false
	}
	return v.IsZero()
}
