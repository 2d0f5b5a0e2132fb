package jsonx_test

// This file keeps Marshal as it was before it wrote JSON itself, when it called
// encoding/json for every string and number and fault.Plain for every decimal: the
// oracle that equiv_test.go holds the new Marshal to, byte for byte.

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
	oldDecimalType     = reflect.TypeFor[decimal.Decimal]()
	oldNullDecimalType = reflect.TypeFor[decimal.NullDecimal]()
	oldMarshalerType   = reflect.TypeFor[json.Marshaler]()
	oldTextType        = reflect.TypeFor[encoding.TextMarshaler]()
	oldErrorType       = reflect.TypeFor[error]()
)

// oldMarshal returns the JSON of v. Struct fields follow encoding/json's rules for names and
// the json tag's name, "-" and omitempty; nil slices and maps are written [] and {}, so
// that a field has one shape whether it holds anything or not; v's own MarshalJSON, if any, is not called (so
// that a MarshalJSON method can call Marshal on its receiver), those of values inside it
// are; an error value is written as its message; a float that is NaN or infinite, null.
func oldMarshal(v any) ([]byte, error) {
	var b bytes.Buffer
	if err := oldEncode(&b, reflect.ValueOf(v), true); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func oldEncode(b *bytes.Buffer, v reflect.Value, top bool) error {
	if !v.IsValid() {
		b.WriteString("null")
		return nil
	}
	t := v.Type()
	switch {
	case t == oldDecimalType:
		b.WriteString(strconv.Quote(fault.Plain(v.Interface().(decimal.Decimal))))
		return nil
	case t == oldNullDecimalType:
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
		if t.Kind() == reflect.Interface && t.Implements(oldErrorType) {
			// One change from the implementation of before issue 22: an error's message is
			// quoted as JSON (strconv.Quote wrote \x01 and \a, which are not JSON).
			return oldWriteString(b, v.Interface().(error).Error())
		}
		return oldEncode(b, v.Elem(), false)
	case !top && t.Implements(oldMarshalerType):
		out, err := v.Interface().(json.Marshaler).MarshalJSON()
		if err != nil {
			return err
		}
		return json.Compact(b, out)
	case !top && t.Implements(oldTextType):
		out, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		if err != nil {
			return err
		}
		return oldWriteString(b, string(out))
	}
	switch t.Kind() {
	case reflect.Struct:
		return oldEncodeStruct(b, v)
	case reflect.Slice, reflect.Array: // a nil slice is [], so that a field keeps its shape

		b.WriteByte('[')
		for i := range v.Len() {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := oldEncode(b, v.Index(i), false); err != nil {
				return err
			}
		}
		b.WriteByte(']')
		return nil
	case reflect.Map:
		return oldEncodeMap(b, v)
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

func oldWriteString(b *bytes.Buffer, s string) error {
	out, err := json.Marshal(s)
	b.Write(out)
	return err
}

func oldEncodeStruct(b *bytes.Buffer, v reflect.Value) error {
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
		if opts == "omitempty" && oldEmpty(fv) {
			continue
		}
		// omitzero as encoding/json has it since Go 1.24: the field's IsZero method, else
		// its type's zero value (added to the oracle with the option, issue 24).
		if z, ok := fv.Interface().(interface{ IsZero() bool }); opts == "omitzero" && (ok && z.IsZero() || !ok && fv.IsZero()) {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		if err := oldWriteString(b, name); err != nil {
			return err
		}
		b.WriteByte(':')
		if err := oldEncode(b, fv, false); err != nil {
			return err
		}
	}
	b.WriteByte('}')
	return nil
}

func oldEncodeMap(b *bytes.Buffer, v reflect.Value) error {
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
		case k.Type().Implements(oldTextType):
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
		if err := oldWriteString(b, e.key); err != nil {
			return err
		}
		b.WriteByte(':')
		if err := oldEncode(b, e.val, false); err != nil {
			return err
		}
	}
	b.WriteByte('}')
	return nil
}

// empty reports what encoding/json's omitempty leaves out: false, 0, "", a nil pointer or
// interface, and an empty array, slice or map. Structs are never empty.
func oldEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Struct:
		return false
	}
	return v.IsZero()
}
