// Package jsonx writes Go values as JSON the way encoding/json does, except that decimals
// (shopspring's Decimal and NullDecimal) are written as exact JSON strings without
// trailing zeros, whatever shopspring's package variables hold (MarshalJSONWithoutQuotes,
// TrimTrailingZeros, UseScientificNotation): the same value gives the same bytes in every
// program.
//
// Marshal appends to one buffer and formats strings, numbers and decimals itself, byte
// for byte as encoding/json and fault.Plain would; what it learns about a type (its class,
// its fields' names and options) it keeps for the rest of one call only, so the package
// holds no state between calls.
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
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/valuation/fault"
)

// The types Marshal treats specially. They are set once, when the package is
// initialised, and never written again.
var (
	decimalType     = reflect.TypeFor[decimal.Decimal]()
	nullDecimalType = reflect.TypeFor[decimal.NullDecimal]()
	marshalerType   = reflect.TypeFor[json.Marshaler]()
	textType        = reflect.TypeFor[encoding.TextMarshaler]()
	errorType       = reflect.TypeFor[error]()
	numberType      = reflect.TypeFor[json.Number]()
)

// Marshal returns the JSON of v. Struct fields follow encoding/json's rules for names and
// the json tag's name, "-", omitempty and omitzero; nil slices and maps are written [] and {}, so
// that a field has one shape whether it holds anything or not; v's own MarshalJSON, if any, is not called (so
// that a MarshalJSON method can call Marshal on its receiver), those of values inside it
// are; an error value is written as its message; a float that is NaN or infinite, null.
func Marshal(v any) ([]byte, error) {
	var e encoder
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return []byte("null"), nil
	}
	ti := e.typeOf(rv.Type())
	if e.wantsAddr(ti) {
		// A copy that can be addressed, so that its decimals and marshalers are reached
		// through pointers rather than each boxed into an interface (see decimalOf).
		p := reflect.New(ti.t).Elem()
		p.Set(rv)
		rv = p
	}
	e.buf = make([]byte, 0, 64)
	if err := e.value(rv, ti, true); err != nil {
		return nil, err
	}
	return e.buf, nil
}

// wantsAddr reports that the top value, of type ti, has decimals or marshalers of its
// own: a struct or array whose fields or elements Marshal would box if it could not
// take their address.
func (e *encoder) wantsAddr(ti *typeInfo) bool {
	switch ti.class {
	case listClass:
		return ti.t.Kind() == reflect.Array
	case structClass:
	default:
		return false // decimals among them: their typeInfos are shared, and never written
	}
	for _, f := range e.fieldsOf(ti) {
		switch t := f.typ; {
		case t == decimalType, t == nullDecimalType, t.Kind() == reflect.Struct, t.Kind() == reflect.Array:
			return true
		case t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface &&
			(t.Implements(marshalerType) || t.Implements(textType)):
			return true
		}
	}
	return false
}

// class is how a type is written, decided once per type and call.
type class uint8

const (
	unsupported class = iota
	stdClass          // json.Number, which encoding/json writes as the number it holds
	decimalClass
	nullDecimalClass
	errorClass     // an interface type that implements error: its message
	interfaceClass // any other interface type: its dynamic value
	pointerClass
	structClass
	listClass // slices and arrays
	mapClass
	float32Class
	float64Class
	stringClass
	boolClass
	intClass
	uintClass
)

// decimalInfo and nullDecimalInfo are the typeInfos of the decimal types, which every
// call shares. They are never written: only those of pointers, interfaces, lists, maps
// and structs are filled in as Marshal goes.
var (
	decimalInfo     = typeInfo{t: decimalType, class: decimalClass}
	nullDecimalInfo = typeInfo{t: nullDecimalType, class: nullDecimalClass}
)

// typeInfo is what one call of Marshal knows of a type.
type typeInfo struct {
	t     reflect.Type
	class class
	// marshaler and text report that the type implements json.Marshaler or
	// encoding.TextMarshaler, which a value other than the top one is written with.
	marshaler, text bool
	// elem is the type a pointer points to, or a slice's or array's element, resolved on
	// first use; for an interface, the dynamic type seen last, since an interface field
	// tends to hold values of one type.
	elem   *typeInfo
	fields []field // a struct's written fields, resolved on first use
	done   bool    // fields is resolved
}

// field is a struct field that Marshal writes.
type field struct {
	index int32
	typ   reflect.Type
	name  string
	// plain reports that name needs no escaping: it is written between quotes as it is.
	plain     bool
	omitEmpty bool
	omitZero  bool
	info      *typeInfo // resolved on first use
}

// encoder is the state of one Marshal call: the output and the types met so far.
//
// The typeInfos and fields live in blocks that are never reallocated, so that pointers
// and slices into them stay valid while a new block is taken when one is full: a small
// value (a grid's cell, which its grid's Marshal calls Marshal for) costs one block of
// each, a Result a handful.
type encoder struct {
	buf    []byte
	types  []typeInfo   // the block being filled
	full   [][]typeInfo // the blocks filled before it
	fields []field      // the room left in the current block of fields
	// entries is a stack of the keys of the maps being written, nested ones above.
	entries []entry
}

// typeOf returns the encoder's typeInfo of t, making it on first use. The types of one
// value are few, so a linear search is faster than a map, and lookups happen only where a
// field's, an element's or an interface's type is first met.
func (e *encoder) typeOf(t reflect.Type) *typeInfo {
	switch t {
	case decimalType:
		return &decimalInfo
	case nullDecimalType:
		return &nullDecimalInfo
	}
	for i := range e.types {
		if e.types[i].t == t {
			return &e.types[i]
		}
	}
	for _, block := range e.full {
		for i := range block {
			if block[i].t == t {
				return &block[i]
			}
		}
	}
	if len(e.types) == cap(e.types) {
		if e.types != nil {
			e.full = append(e.full, e.types)
		}
		e.types = make([]typeInfo, 0, 2+2*len(e.types))
	}
	e.types = append(e.types, typeInfo{t: t, class: classify(t)})
	ti := &e.types[len(e.types)-1]
	switch ti.class {
	case decimalClass, nullDecimalClass, errorClass, interfaceClass, pointerClass:
	default:
		ti.marshaler = t.Implements(marshalerType)
		ti.text = t.Implements(textType)
	}
	return ti
}

// classify returns how values of t are written, in the order in which Marshal has always
// checked: decimals before interfaces and pointers, which come before marshalers (so
// that a pointer's methods are never called, only those of what it points to).
func classify(t reflect.Type) class {
	switch {
	case t == decimalType:
		return decimalClass
	case t == nullDecimalType:
		return nullDecimalClass
	case t == numberType:
		return stdClass
	}
	switch t.Kind() {
	case reflect.Interface:
		if t.Implements(errorType) {
			return errorClass
		}
		return interfaceClass
	case reflect.Pointer:
		return pointerClass
	case reflect.Struct:
		return structClass
	case reflect.Slice, reflect.Array:
		return listClass
	case reflect.Map:
		return mapClass
	case reflect.Float32:
		return float32Class
	case reflect.Float64:
		return float64Class
	case reflect.String:
		return stringClass
	case reflect.Bool:
		return boolClass
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return intClass
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return uintClass
	}
	return unsupported
}

// value writes v of type ti. Only the top value's MarshalJSON and MarshalText are not
// called: it is the receiver of the MarshalJSON that called Marshal.
func (e *encoder) value(v reflect.Value, ti *typeInfo, top bool) error {
	switch ti.class {
	case decimalClass:
		e.buf = appendDecimal(e.buf, decimalOf(v))
		return nil
	case nullDecimalClass:
		var n decimal.NullDecimal
		if v.CanAddr() {
			n = *v.Addr().Interface().(*decimal.NullDecimal)
		} else {
			n = v.Interface().(decimal.NullDecimal)
		}
		if n.Valid {
			e.buf = appendDecimal(e.buf, n.Decimal)
		} else {
			e.buf = append(e.buf, "null"...)
		}
		return nil
	case errorClass:
		if v.IsNil() {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		// JSON's quoting: strconv's, which Marshal once used, writes \x01 and \a for
		// control characters, which are not JSON.
		e.buf = appendString(e.buf, v.Interface().(error).Error())
		return nil
	case interfaceClass:
		if v.IsNil() {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		v = v.Elem()
		if ti.elem == nil || ti.elem.t != v.Type() {
			ti.elem = e.typeOf(v.Type())
		}
		return e.value(v, ti.elem, false)
	case pointerClass:
		if v.IsNil() {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		if ti.elem == nil {
			ti.elem = e.typeOf(ti.t.Elem())
		}
		return e.value(v.Elem(), ti.elem, false)
	}
	if !top && ti.marshaler {
		return e.marshalJSON(v)
	}
	if !top && ti.text {
		out, err := textOf(v).MarshalText()
		if err != nil {
			return err
		}
		e.buf = appendString(e.buf, out)
		return nil
	}
	switch ti.class {
	case structClass:
		return e.structValue(v, ti)
	case listClass:
		return e.list(v, ti)
	case mapClass:
		return e.mapValue(v, ti)
	case float32Class, float64Class:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			e.buf = append(e.buf, "null"...) // JSON has no NaN: a statistic without a value
			return nil
		}
		if top && (ti.marshaler || ti.text) {
			return e.std(v)
		}
		bits := 64
		if ti.class == float32Class {
			bits = 32
		}
		e.buf = appendFloat(e.buf, f, bits)
		return nil
	}
	if ti.class == unsupported {
		return fmt.Errorf("jsonx: cannot encode %s", ti.t)
	}
	if top && (ti.marshaler || ti.text) {
		return e.std(v) // a scalar's own MarshalJSON or MarshalText, as encoding/json calls them
	}
	switch ti.class {
	case stdClass:
		return e.std(v)
	case stringClass:
		e.buf = appendString(e.buf, v.String())
	case boolClass:
		e.buf = strconv.AppendBool(e.buf, v.Bool())
	case intClass:
		e.buf = strconv.AppendInt(e.buf, v.Int(), 10)
	case uintClass:
		e.buf = strconv.AppendUint(e.buf, v.Uint(), 10)
	}
	return nil
}

// reserve makes room for a value of a few dozen bytes, doubling the buffer when it is
// short: append grows a large slice by a quarter, which copies a 20 KB result some twenty
// times.
func (e *encoder) reserve() {
	const room = 64
	if cap(e.buf)-len(e.buf) < room && cap(e.buf) >= 256 {
		e.buf = slices.Grow(e.buf, max(room, cap(e.buf)))
	}
}

// std writes v as encoding/json does.
func (e *encoder) std(v reflect.Value) error {
	out, err := json.Marshal(v.Interface())
	if err != nil {
		return err
	}
	e.buf = append(e.buf, out...)
	return nil
}

// marshalJSON writes v by its MarshalJSON, compacted and checked as encoding/json does
// with json.Compact: the method may be anyone's and indent its output. Output that is
// already compact, as Marshal's own is, is copied as it is once compact has checked it.
func (e *encoder) marshalJSON(v reflect.Value) error {
	var m json.Marshaler
	if v.CanAddr() {
		// The pointer's method set holds the value's MarshalJSON, which gets a copy of
		// *p as it would of v: the same output, without boxing v.
		m = v.Addr().Interface().(json.Marshaler)
	} else {
		m = v.Interface().(json.Marshaler)
	}
	out, err := m.MarshalJSON()
	if err != nil {
		return err
	}
	if compact(out) {
		e.buf = append(e.buf, out...)
		return nil
	}
	b := bytes.NewBuffer(e.buf)
	err = json.Compact(b, out)
	e.buf = b.Bytes()
	return err
}

// textOf returns v as a TextMarshaler, through its address when it has one, as
// marshalJSON does.
func textOf(v reflect.Value) encoding.TextMarshaler {
	if v.CanAddr() {
		return v.Addr().Interface().(encoding.TextMarshaler)
	}
	return v.Interface().(encoding.TextMarshaler)
}

// decimalOf returns the decimal v holds. Through v's address when it has one: boxing a
// Decimal into an interface allocates, a pointer does not.
func decimalOf(v reflect.Value) decimal.Decimal {
	if v.CanAddr() {
		return *v.Addr().Interface().(*decimal.Decimal)
	}
	return v.Interface().(decimal.Decimal)
}

// structValue writes the fields of struct v.
func (e *encoder) structValue(v reflect.Value, ti *typeInfo) error {
	e.buf = append(e.buf, '{')
	first := true
	for i := range e.fieldsOf(ti) {
		f := &ti.fields[i]
		fv := v.Field(int(f.index))
		if f.omitEmpty && empty(fv) || f.omitZero && zero(fv) {
			continue
		}
		if !first {
			e.buf = append(e.buf, ',')
		}
		first = false
		e.reserve()
		if f.plain {
			e.buf = append(e.buf, '"')
			e.buf = append(e.buf, f.name...)
			e.buf = append(e.buf, '"', ':')
		} else {
			e.buf = append(appendString(e.buf, f.name), ':')
		}
		if f.info == nil {
			f.info = e.typeOf(f.typ)
		}
		if err := e.value(fv, f.info, false); err != nil {
			return err
		}
	}
	e.buf = append(e.buf, '}')
	return nil
}

// fieldsOf returns the fields of struct type ti that Marshal writes, listing them on
// first use.
func (e *encoder) fieldsOf(ti *typeInfo) []field {
	if ti.done {
		return ti.fields
	}
	t := ti.t
	n := t.NumField()
	if cap(e.fields) < n {
		// The first block holds one struct's fields: a small value often has no other.
		size := n
		if e.fields != nil {
			size = max(n, 32)
		}
		e.fields = make([]field, 0, size)
	}
	fields := e.fields[:0:n]
	for i := range n {
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
		plain := true
		for j := range len(name) {
			plain = plain && safe(name[j])
		}
		fields = append(fields, field{index: int32(i), typ: f.Type, name: name, plain: plain, omitEmpty: opts == "omitempty", omitZero: opts == "omitzero"})
	}
	e.fields = e.fields[len(fields):len(fields)]
	ti.fields, ti.done = fields, true
	return fields
}

// list writes slice or array v; a nil slice is [], so that a field keeps its shape.
func (e *encoder) list(v reflect.Value, ti *typeInfo) error {
	e.buf = append(e.buf, '[')
	n := v.Len()
	if n > 0 && ti.elem == nil {
		ti.elem = e.typeOf(ti.t.Elem())
	}
	for i := range n {
		e.reserve()
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		if err := e.value(v.Index(i), ti.elem, false); err != nil {
			return err
		}
	}
	e.buf = append(e.buf, ']')
	return nil
}

// mapValue writes map v with its keys sorted, as encoding/json does; a nil map is {}.
// The values are copied into one array, so that they are addressable and need no
// allocation each, and the keys are read through one reusable value.
func (e *encoder) mapValue(v reflect.Value, ti *typeInfo) error {
	n := v.Len()
	if n == 0 {
		e.buf = append(e.buf, '{', '}')
		return nil
	}
	if ti.elem == nil {
		ti.elem = e.typeOf(ti.t.Elem())
	}
	k := reflect.New(ti.t.Key()).Elem()
	// A slice rather than an array: reflect keeps every array type it makes, one for
	// each length.
	vals := reflect.MakeSlice(reflect.SliceOf(ti.t.Elem()), n, n)
	base := len(e.entries)
	defer func() { e.entries = e.entries[:base] }()
	var digits []byte // the keys of a map with int keys, written one after the other
	var it reflect.MapIter
	it.Reset(v)
	for i := 0; i < n && it.Next(); i++ {
		k.SetIterKey(&it)
		vals.Index(i).SetIterValue(&it)
		en := entry{val: i}
		switch {
		case k.Kind() == reflect.String:
			en.key = k.String()
		case k.CanInt():
			en.lo = len(digits)
			digits = strconv.AppendInt(digits, k.Int(), 10)
			en.hi = len(digits)
		case k.Type().Implements(textType):
			out, err := k.Interface().(encoding.TextMarshaler).MarshalText()
			if err != nil {
				return err
			}
			en.key = string(out)
		default:
			return fmt.Errorf("jsonx: cannot encode a map key of %s", k.Type())
		}
		e.entries = append(e.entries, en)
	}
	entries := e.entries[base:]
	if digits != nil {
		all := string(digits)
		for i := range entries {
			entries[i].key = all[entries[i].lo:entries[i].hi]
		}
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.key, b.key) })
	e.buf = append(e.buf, '{')
	for i, en := range entries {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.buf = append(appendString(e.buf, en.key), ':')
		if err := e.value(vals.Index(en.val), ti.elem, false); err != nil {
			return err
		}
	}
	e.buf = append(e.buf, '}')
	return nil
}

// entry is a map's key, as written, and the index of its value.
type entry struct {
	key    string
	val    int
	lo, hi int // an int key's digits, before key is set
}

// zero reports what encoding/json's omitzero leaves out: a value whose IsZero method
// says it is zero (a decimal.Decimal of 0), else the zero value of its type.
func zero(v reflect.Value) bool {
	if z, ok := v.Interface().(interface{ IsZero() bool }); ok {
		return z.IsZero()
	}
	return v.IsZero()
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

// appendDecimal appends d as a JSON string in fault.Plain's form.
func appendDecimal(dst []byte, d decimal.Decimal) []byte {
	return append(fault.AppendPlain(append(dst, '"'), d), '"')
}

// appendFloat appends f, finite, as encoding/json writes a float of bits bits: like
// ES6's number to string, %f between 1e-6 and 1e21 and %e outside, with no padding of
// the exponent.
func appendFloat(dst []byte, f float64, bits int) []byte {
	abs := math.Abs(f)
	format := byte('f')
	// float32 comparisons for a float32, to get the cutoffs right, as encoding/json does.
	if abs != 0 {
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			format = 'e'
		}
	}
	dst = strconv.AppendFloat(dst, f, format, -1, bits)
	if format == 'e' {
		// e-09 to e-9
		n := len(dst)
		if n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst
}

// escLow has bit c set for each byte c below 64 that encoding/json escapes in a string
// (with HTML escaping, as json.Marshal does): control characters, '"', '&', '<' and '>';
// escHigh, for each byte from 64 to 127: '\\'.
const (
	escLow  uint64 = 1<<0x20 - 1 | 1<<'"' | 1<<'&' | 1<<'<' | 1<<'>'
	escHigh uint64 = 1 << ('\\' - 64)
)

// safe reports that byte c is ASCII that stands for itself in a JSON string that
// json.Marshal writes.
func safe(c byte) bool {
	switch {
	case c < 64:
		return escLow>>c&1 == 0
	case c < utf8.RuneSelf:
		return escHigh>>(c-64)&1 == 0
	}
	return false
}

const hex = "0123456789abcdef"

// appendString appends src quoted as json.Marshal quotes a string: <, > and & escaped
// as \u003c, \u003e and \u0026, U+2028 and U+2029 as \u2028 and \u2029, and each byte
// of invalid UTF-8 as \ufffd. It is encoding/json's appendString with escapeHTML set,
// its table of safe bytes replaced by two constant masks: runs of bytes that need no
// escaping are copied whole.
func appendString[Bytes []byte | string](dst []byte, src Bytes) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(src); {
		if b := src[i]; b < utf8.RuneSelf {
			if safe(b) {
				i++
				continue
			}
			dst = append(dst, src[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				// The other bytes below 0x20, and <, > and &.
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		n := min(len(src)-i, utf8.UTFMax)
		c, size := utf8.DecodeRuneInString(string(src[i : i+n]))
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, src[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		// U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR are valid in JSON, but
		// not in JavaScript before ES2019: encoding/json escapes them.
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, src[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, src[start:]...)
	return append(dst, '"')
}

// maxDepth is the deepest nesting of arrays and objects that compact checks; deeper
// output is left to json.Compact.
const maxDepth = 64

// compact reports that b is one JSON value, valid as encoding/json's scanner reads it,
// with no space outside its strings: what json.Compact would copy unchanged. It answers
// false, leaving json.Compact to decide and to report the error, for anything else.
func compact(b []byte) bool {
	i, ok := skipValue(b, 0, 0)
	return ok && i == len(b)
}

// skipValue returns the index just past the JSON value starting at b[i], and whether
// there is a valid one there without space.
func skipValue(b []byte, i, depth int) (int, bool) {
	if i >= len(b) {
		return i, false
	}
	switch c := b[i]; {
	case c == '"':
		return skipString(b, i)
	case c == '{', c == '[':
		if depth >= maxDepth {
			return i, false
		}
		end := byte('}')
		if c == '[' {
			end = ']'
		}
		i++
		if i < len(b) && b[i] == end {
			return i + 1, true
		}
		for {
			var ok bool
			if c == '{' {
				if i >= len(b) || b[i] != '"' {
					return i, false
				}
				if i, ok = skipString(b, i); !ok || i >= len(b) || b[i] != ':' {
					return i, false
				}
				i++
			}
			if i, ok = skipValue(b, i, depth+1); !ok || i >= len(b) {
				return i, false
			}
			switch b[i] {
			case ',':
				i++
			case end:
				return i + 1, true
			default:
				return i, false
			}
		}
	case c == '-' || '0' <= c && c <= '9':
		return skipNumber(b, i)
	case c == 't':
		return skipLiteral(b, i, "true")
	case c == 'f':
		return skipLiteral(b, i, "false")
	case c == 'n':
		return skipLiteral(b, i, "null")
	}
	return i, false
}

// skipString returns the index just past the JSON string starting at b[i], a quote. As
// encoding/json's scanner, it refuses control characters and unknown escapes and lets
// other bytes through, valid UTF-8 or not.
func skipString(b []byte, i int) (int, bool) {
	for i++; i < len(b); {
		switch c := b[i]; {
		case c == '"':
			return i + 1, true
		case c < 0x20:
			return i, false
		case c == '\\':
			if i+1 >= len(b) {
				return i, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) {
					return i, false
				}
				for _, h := range b[i+2 : i+6] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return i, false
					}
				}
				i += 6
			default:
				return i, false
			}
		default:
			i++
		}
	}
	return i, false
}

// skipNumber returns the index just past the JSON number starting at b[i]:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?.
func skipNumber(b []byte, i int) (int, bool) {
	digits := func(i int) (int, bool) {
		j := i
		for j < len(b) && '0' <= b[j] && b[j] <= '9' {
			j++
		}
		return j, j > i
	}
	if b[i] == '-' {
		i++
	}
	var ok bool
	switch {
	case i < len(b) && b[i] == '0':
		i++
	default:
		if i, ok = digits(i); !ok {
			return i, false
		}
	}
	if i < len(b) && b[i] == '.' {
		if i, ok = digits(i + 1); !ok {
			return i, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i, ok = digits(i); !ok {
			return i, false
		}
	}
	return i, true
}

// skipLiteral returns the index just past lit, true, false or null, at b[i].
func skipLiteral(b []byte, i int, lit string) (int, bool) {
	if len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit {
		return i + len(lit), true
	}
	return i, false
}
