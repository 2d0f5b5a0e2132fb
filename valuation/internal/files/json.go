package files

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/sotpkit/sotp/valuation/fault"
)

// The JSON reader decodes a document straight into the file's Go types from the token
// stream of a jsontext.Decoder: no tree of the document is built, and a value's JSON path
// is spelled out only when an error is reported. So decoding holds the input, the decoded
// value and one path of keys, whatever the document's shape: a 20,000-character key over
// an array of a million zeros costs what the key and the array cost, not a path per
// element.
//
// The syntax is jsontext's to check: it reads tokens in place without an allocation per
// token, and refuses duplicate names (RFC 7493), escapes that are not Unicode (half a
// surrogate pair) and malformed JSON, each with the byte it found it at. Invalid UTF-8
// never reaches it: readAll, which the CSV reader shares, refuses it first. What the
// formats add (required fields, no unknown keys, no nulls, decimals as strings, limits on
// sizes) is checked here against a plan of each Go type, worked out once rather than
// from the struct tags at every object.

// readAll reads r up to limit bytes; more is fault.ErrTooLarge. A leading UTF-8 byte order mark
// is dropped; invalid UTF-8 is fault.ErrSyntax, so that two different byte strings can never
// decode to the same text.
func readAll(r io.Reader, limit int64) ([]byte, error) {
	var buf bytes.Buffer
	// A reader that knows its size (a bytes.Reader, a file) is read into one buffer of
	// that size, not into ever larger copies; MinRead spare lets ReadFrom see the end
	// without growing it.
	if n, ok := size(r); ok {
		buf.Grow(int(min(n, limit+1)) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(io.LimitReader(r, limit+1)); err != nil {
		return nil, &fault.Error{Pkg: "modelfile", Err: fmt.Errorf("%w: %w", fault.ErrSyntax, err)}
	}
	b := buf.Bytes()
	if int64(len(b)) > limit {
		return nil, &fault.Error{Pkg: "modelfile", Path: fmt.Sprintf("above %d bytes", limit), Err: fault.ErrTooLarge}
	}
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	if !utf8.Valid(b) {
		at := 0
		for at < len(b) {
			r, n := utf8.DecodeRune(b[at:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			at += n
		}
		return nil, &fault.Error{Pkg: "modelfile", Path: fmt.Sprintf("byte %d", at), Err: fmt.Errorf("%w: invalid UTF-8", fault.ErrSyntax)}
	}
	return b, nil
}

// size returns how many bytes r holds, when it can say: a bytes.Reader or strings.Reader
// its unread length, a file its size. It is a hint: r is read to its end whatever it
// says.
func size(r io.Reader) (int64, bool) {
	switch r := r.(type) {
	case interface{ Len() int }:
		return int64(max(r.Len(), 0)), true
	case interface{ Stat() (fs.FileInfo, error) }:
		if fi, err := r.Stat(); err == nil && fi.Mode().IsRegular() {
			return max(fi.Size(), 0), true
		}
	}
	return 0, false
}

// planKind says how the reader decodes a Go type.
type planKind uint8

// The kinds of plan: one per Go type the formats use, and unsupported for any other,
// which is an error when the document reaches it.
const (
	unsupported planKind = iota
	decimalKind          // Decimal, from a JSON string
	stringKind           // a string kind, from a JSON string
	boolKind             // a bool kind, from true or false
	intKind              // int, from an integer literal
	pointerKind          // a pointer, to a value of elem
	structKind           // a struct, from an object with fields
	sliceKind            // a slice, from an array of elem
	mapKind              // a map keyed by strings or years, from an object of elem
)

// plan is how the reader decodes one Go type, worked out once from the type so that
// reading an object does not parse its struct tags again. Plans are built by compile and
// never changed after, so one plan could serve any number of documents at once.
type plan struct {
	kind planKind
	typ  reflect.Type
	// elem is the plan of a pointer's, slice's or map's element.
	elem *plan
	// years is set for a map keyed by int: its keys are years.
	years bool
	// fields are a struct's fields in declaration order, those tagged "-" left out.
	fields []field
}

// field is one struct field as the document names it.
type field struct {
	name     string // the JSON key: the json tag's name
	index    int    // the field's index in the struct
	optional bool   // tagged omitempty: the key may be left out
	limit    int    // the max tag: most elements or keys, or zero for no limit
	plan     *plan
	// shadowed is set when a later field has the same name: the key is that field's.
	shadowed bool
}

// Doc reads documents of type T: the plan of T is worked out once, when the Doc is made
// (a package variable of the package that reads the format), and never written after, so
// decoders on any number of goroutines share it without locks and every call decodes the
// same way. Building a plan takes longer than decoding a small file, which is why it is
// not built per call.
type Doc[T any] struct{ p *plan }

// NewDoc returns the reader of documents of type T.
func NewDoc[T any]() Doc[T] {
	return Doc[T]{p: compile(reflect.TypeFor[T](), map[reflect.Type]*plan{})}
}

// Decode reads one document from r strictly (decodeJSON), at most MaxBytes of valid
// UTF-8.
func (d Doc[T]) Decode(r io.Reader) (T, error) {
	var v T
	data, err := readAll(r, MaxBytes)
	if err != nil {
		return v, err
	}
	return v, decodeWith(data, reflect.ValueOf(&v).Elem(), d.p)
}

// compile returns the plan of t. It is a pure function of t: plans of the types t
// reaches are built once each (memo holds them, so recursive types end), and nothing
// outside the returned plans is kept.
func compile(t reflect.Type, memo map[reflect.Type]*plan) *plan {
	if p, ok := memo[t]; ok {
		return p
	}
	p := &plan{typ: t}
	memo[t] = p
	if t == decimalType {
		p.kind = decimalKind
		return p
	}
	switch t.Kind() {
	case reflect.String:
		p.kind = stringKind
	case reflect.Bool:
		p.kind = boolKind
	case reflect.Int:
		p.kind = intKind
	case reflect.Pointer:
		p.kind, p.elem = pointerKind, compile(t.Elem(), memo)
	case reflect.Slice:
		p.kind, p.elem = sliceKind, compile(t.Elem(), memo)
	case reflect.Map:
		switch t.Key().Kind() {
		case reflect.Int:
			p.kind, p.years = mapKind, true
		case reflect.String:
			p.kind = mapKind
		}
		if p.kind == mapKind {
			p.elem = compile(t.Elem(), memo)
		}
	case reflect.Struct:
		p.kind = structKind
		for i := range t.NumField() {
			f := t.Field(i)
			name, optional := tag(f)
			if name == "-" {
				continue
			}
			limit, _ := strconv.Atoi(f.Tag.Get("max"))
			for j := range p.fields {
				p.fields[j].shadowed = p.fields[j].shadowed || p.fields[j].name == name
			}
			p.fields = append(p.fields, field{name: name, index: i, optional: optional, limit: limit, plan: compile(f.Type, memo)})
		}
	}
	return p
}

// lookup returns the index in p.fields of the field keyed name, or -1. Of two fields
// with one name the last wins, as it always has. The field at hint is tried first: files
// list a struct's keys mostly in the order of its fields, so the one after the field
// read last is nearly always the next.
func (p *plan) lookup(name string, hint int) int {
	if hint < len(p.fields) && p.fields[hint].name == name && !p.fields[hint].shadowed {
		return hint
	}
	for i := len(p.fields) - 1; i >= 0; i-- {
		if p.fields[i].name == name {
			return i
		}
	}
	return -1
}

// step is one step of a JSON path: an object key, a year key of a map keyed by int, or
// an array index. A year is kept as a number so that reading a map of years spells no
// key until an error needs it.
type step struct {
	kind  stepKind
	key   string
	index int // an array index or a year
}

// stepKind tells the steps of a path apart.
type stepKind uint8

// The kinds of step.
const (
	indexStep stepKind = iota // an array index
	keyStep                   // an object key
	yearStep                  // a year key of a map keyed by int
)

// reader decodes one JSON document into Go values, keeping the path of the value it is
// reading.
type reader struct {
	dec  *jsontext.Decoder
	data []byte
	// src is data as a string, copied once: the strings the document holds are cut from
	// it, so that reading one allocates nothing. The price is that a decoded value keeps
	// the whole of src (at most MaxBytes) alive as long as it keeps any of its strings.
	src  string
	path []step
	// start and end delimit in data the text of the token read last if it is a string
	// (with its quotes and escapes) or a number. They are offsets, not a slice, so that
	// setting them costs no write barrier while the collector runs.
	start, end int
}

// decodeJSON reads data, one JSON document, into v strictly: every struct field without
// omitempty is required, no unknown or duplicate keys, no nulls, decimals only from
// strings, integers only from integer literals, nothing after the document.
func decodeJSON(data []byte, v any) error {
	rv := reflect.ValueOf(v).Elem()
	return decodeWith(data, rv, compile(rv.Type(), map[reflect.Type]*plan{}))
}

// decodeWith is decodeJSON into rv, whose plan is p.
func decodeWith(data []byte, rv reflect.Value, p *plan) error {
	// A bytes.Buffer lets the decoder parse data in place instead of copying it.
	r := &reader{dec: jsontext.NewDecoder(bytes.NewBuffer(data)), data: data, src: string(data)}
	if err := r.value(rv, p, 0); err != nil {
		return err
	}
	end := int(r.dec.InputOffset())
	if _, err := r.dec.ReadToken(); err != io.EOF {
		// The extra data starts at the first byte that is not white space.
		at := len(data) - len(bytes.TrimLeft(data[end:], " \t\r\n"))
		return &fault.Error{Pkg: "modelfile", Path: fmt.Sprintf("%s (byte %d)", r.at(), at), Err: fmt.Errorf("%w: data after the document", fault.ErrSyntax)}
	}
	return nil
}

// at spells out the current path: $.plan.segments[0].ecommerce["2021"].take_rate.
func (r *reader) at() string {
	var b strings.Builder
	b.WriteString("$")
	for _, s := range r.path {
		switch s.kind {
		case keyStep:
			b.WriteString(ChildPath("", s.key))
		case yearStep:
			b.WriteString(ChildPath("", strconv.Itoa(s.index)))
		default:
			b.WriteString("[" + strconv.Itoa(s.index) + "]")
		}
	}
	return b.String()
}

// push adds a step to the path, before the value it leads to is read.
func (r *reader) push(s step) { r.path = append(r.path, s) }

// pop drops the last step of the path, once its value is read.
func (r *reader) pop() { r.path = r.path[:len(r.path)-1] }

// fail reports err at the current path.
func (r *reader) fail(err error) error {
	return &fault.Error{Pkg: "modelfile", Path: r.at(), Err: err}
}

// syntax reports an error of the decoder: a duplicate name is fault.ErrDuplicateKey at its
// path, anything else malformed JSON at the current path and the byte the decoder found
// it at.
func (r *reader) syntax(err error) error {
	at, cause := int64(len(r.data)), err // io.EOF, the one error not wrapped, is at the end
	if serr, ok := errors.AsType[*jsontext.SyntacticError](err); ok {
		if serr.Err == jsontext.ErrDuplicateName {
			r.push(step{kind: keyStep, key: serr.JSONPointer.LastToken()})
			return r.fail(fault.ErrDuplicateKey)
		}
		at = serr.ByteOffset
		if serr.Err != nil {
			cause = serr.Err
		}
	}
	if cause == io.EOF {
		cause = io.ErrUnexpectedEOF
	}
	return &fault.Error{Pkg: "modelfile", Path: fmt.Sprintf("%s (byte %d)", r.at(), at), Err: fmt.Errorf("%w: %w", fault.ErrSyntax, cause)}
}

// next reads the next token and returns its kind; for a string or a number, r.start and
// r.end delimit its text (raw). Only one token is read, so a value of the wrong type is refused at its first
// byte, however deep an array or object it starts. An error is the decoder's, for the
// caller to report at the path it chooses.
func (r *reader) next() (jsontext.Kind, error) {
	start := int(r.dec.InputOffset())
	tok, err := r.dec.ReadToken()
	if err != nil {
		return jsontext.KindInvalid, err
	}
	k := tok.Kind()
	if k == '"' || k == '0' {
		// Between the token before and this one lie only white space and a comma or a
		// colon, none of which starts a string or a number.
		for isSpace(r.data[start]) || r.data[start] == ',' || r.data[start] == ':' {
			start++
		}
		r.start, r.end = start, int(r.dec.InputOffset())
	}
	return k, nil
}

// isSpace reports whether c is JSON white space.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// raw returns the text of the string or number just read.
func (r *reader) raw() string { return r.src[r.start:r.end] }

// text returns the string just read, unescaped. A string without escapes, as nearly all
// are, is a substring of r.src: no copy is made.
func (r *reader) text() string {
	s := r.src[r.start+1 : r.end-1]
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	// The decoder has checked the string, so it unquotes without error.
	b, _ := jsontext.AppendUnquote(nil, r.raw())
	return string(b)
}

// wrong reports the value just read, of kind k, where want was expected; a JSON number
// where a decimal string is wanted is fault.ErrNumber.
func (r *reader) wrong(k jsontext.Kind, want string) error {
	var name string
	switch k {
	case '{':
		name = "object"
	case '[':
		name = "array"
	case 'n':
		name = "null"
	case 't', 'f':
		name = "boolean"
	case '"':
		name = "string"
	default:
		if want == "decimal string" {
			return r.fail(fmt.Errorf("%w: %s", fault.ErrNumber, Clip(r.raw())))
		}
		name = "number"
	}
	return r.fail(fmt.Errorf("%w: %s, want %s", fault.ErrType, name, want))
}

// value reads the next JSON value into v, of p's type; an array or object read into a
// slice or map may hold at most limit elements (no limit when it is zero).
func (r *reader) value(v reflect.Value, p *plan, limit int) error {
	k, err := r.next()
	if err != nil {
		return r.syntax(err)
	}
	return r.valueFrom(k, v, p, limit)
}

// valueFrom reads into v, as value does, the JSON value whose first token, of kind k, is
// read.
func (r *reader) valueFrom(k jsontext.Kind, v reflect.Value, p *plan, limit int) error {
	switch p.kind {
	case pointerKind:
		e := reflect.New(p.elem.typ)
		if err := r.valueFrom(k, e.Elem(), p.elem, limit); err != nil {
			return err
		}
		v.Set(e)
	case decimalKind:
		d, err := r.decimalFrom(k)
		if err != nil {
			return err
		}
		// Through the pointer, so that d is not boxed in an interface to be set.
		*v.Addr().Interface().(*Decimal) = d
	case stringKind:
		if k != '"' {
			return r.wrong(k, "string")
		}
		v.SetString(r.text())
	case boolKind:
		if k != 't' && k != 'f' {
			return r.wrong(k, "boolean")
		}
		v.SetBool(k == 't')
	case intKind:
		if k != '0' {
			return r.wrong(k, "integer")
		}
		i, err := strconv.Atoi(r.raw())
		if err != nil {
			return r.fail(fmt.Errorf("%w: %s, want an integer", fault.ErrType, Clip(r.raw())))
		}
		v.SetInt(int64(i))
	case structKind:
		if k != '{' {
			return r.wrong(k, "object")
		}
		return r.object(v, p)
	case sliceKind:
		if k != '[' {
			return r.wrong(k, "array")
		}
		return r.array(v, p, limit)
	case mapKind:
		if k != '{' {
			return r.wrong(k, "object")
		}
		return r.mapping(v, p, limit)
	default:
		// A type the formats do not use is an error where the document reaches it,
		// after its first token, so that malformed JSON is still a syntax error.
		return r.fail(fmt.Errorf("%w: no decoding for %s", fault.ErrUnsupported, p.typ))
	}
	return nil
}

// decimal reads a decimal string, keeping its text (ParseDecimal).
func (r *reader) decimal() (Decimal, error) {
	k, err := r.next()
	if err != nil {
		return Decimal{}, r.syntax(err)
	}
	return r.decimalFrom(k)
}

// decimalFrom returns the decimal string just read, of kind k.
func (r *reader) decimalFrom(k jsontext.Kind) (Decimal, error) {
	if k != '"' {
		return Decimal{}, r.wrong(k, "decimal string")
	}
	d, err := ParseDecimal(r.text())
	if err != nil {
		return Decimal{}, r.fail(err)
	}
	return d, nil
}

// str reads a string; anything else is fault.ErrType.
func (r *reader) str() (string, error) {
	k, err := r.next()
	if err != nil {
		return "", r.syntax(err)
	}
	if k != '"' {
		return "", r.wrong(k, "string")
	}
	return r.text(), nil
}

// object reads the members of an object whose '{' is read into v, a struct of plan p:
// each key one of its fields, each field without omitempty given.
func (r *reader) object(v reflect.Value, p *plan) error {
	// found marks the fields read, a bit each; a struct of more than 64 fields takes
	// more words.
	var small [1]uint64
	found := small[:]
	if len(p.fields) > 64 {
		found = make([]uint64, (len(p.fields)+63)/64)
	}
	last := -1 // the field read last
	for {
		// The decoder reads nothing but a name or the end here.
		k, err := r.next()
		if err != nil {
			return r.syntax(err)
		}
		if k == '}' {
			for i, f := range p.fields {
				if found[i/64]&(1<<(i%64)) == 0 && !f.optional {
					r.push(step{kind: keyStep, key: f.name})
					return r.fail(fault.ErrMissingField)
				}
			}
			return nil
		}
		name := r.text()
		i := p.lookup(name, last+1)
		if i < 0 {
			r.push(step{kind: keyStep, key: name})
			return r.fail(fault.ErrUnknownField)
		}
		f := &p.fields[i]
		r.push(step{kind: keyStep, key: f.name})
		if err := r.value(v.Field(f.index), f.plan, f.limit); err != nil {
			return err
		}
		found[i/64] |= 1 << (i % 64)
		last = i
		r.pop()
	}
}

// array reads the elements of an array whose '[' is read, at most limit (any number for
// zero), into v, a slice of plan p. The elements are read in place, in the slice grown
// as it fills.
func (r *reader) array(v reflect.Value, p *plan, limit int) error {
	for i := 0; ; i++ {
		before := r.dec.InputOffset()
		k, err := r.next()
		if err != nil {
			// Malformed JSON is reported at the element it stands for, a comma or a
			// stray byte, or at the array if nothing or a '}' follows, as it always was.
			rest := bytes.TrimLeft(r.data[before:], " \t\r\n")
			if len(rest) > 0 && rest[0] != '}' && rest[0] != ']' {
				r.push(step{kind: indexStep, index: i})
			}
			return r.syntax(err)
		}
		if k == ']' {
			if i == 0 {
				// An empty array is an empty slice, not nil, so that it encodes as [].
				v.Set(reflect.MakeSlice(p.typ, 0, 0))
			}
			return nil
		}
		r.push(step{kind: indexStep, index: i})
		if limit > 0 && i == limit {
			return r.fail(fmt.Errorf("%w: more than %d elements", fault.ErrTooLarge, limit))
		}
		if i == v.Cap() {
			// Room for four elements first, then twice as many each time: most arrays
			// are short, and growing one at a time from none would copy them thrice.
			v.Grow(max(i, 4))
		}
		v.SetLen(i + 1)
		if err := r.valueFrom(k, v.Index(i), p.elem, 0); err != nil {
			return err
		}
		r.pop()
	}
}

// mapping reads the entries of an object whose '{' is read, at most limit (any number
// for zero), into v, a map of plan p, keyed by strings or, for int keys, by years written
// as decimal integers without a sign or leading zeros.
func (r *reader) mapping(v reflect.Value, p *plan, limit int) error {
	// The maps of decimals and of strings, most of a file's maps, are filled as Go maps;
	// any other through reflect. Both read their entries with entries, so the two check
	// the same.
	switch m := v.Addr().Interface().(type) {
	case *map[string]Decimal:
		*m = map[string]Decimal{}
		return r.entries(p, limit, func(k string, _ int) (err error) {
			(*m)[k], err = r.decimal()
			return err
		})
	case *map[int]Decimal:
		*m = map[int]Decimal{}
		return r.entries(p, limit, func(_ string, y int) (err error) {
			(*m)[y], err = r.decimal()
			return err
		})
	case *map[string]string:
		*m = map[string]string{}
		return r.entries(p, limit, func(k string, _ int) (err error) {
			(*m)[k], err = r.str()
			return err
		})
	}
	m := reflect.MakeMap(p.typ)
	v.Set(m)
	// One key and one value are set for each entry and copied into the map, rather than
	// two allocated per entry.
	key := reflect.New(p.typ.Key()).Elem()
	val := reflect.New(p.typ.Elem()).Elem()
	return r.entries(p, limit, func(k string, y int) error {
		val.SetZero()
		if err := r.value(val, p.elem, 0); err != nil {
			return err
		}
		if p.years {
			key.SetInt(int64(y))
		} else {
			key.SetString(k)
		}
		m.SetMapIndex(key, val)
		return nil
	})
}

// entries reads the entries of an object whose '{' is read, at most limit (any number
// for zero), keyed by strings or, for a map of years (p.years), by years. For each it
// calls read with the key, and for years the year, to read the value with the key on
// the path.
func (r *reader) entries(p *plan, limit int, read func(key string, year int) error) error {
	for n := 1; ; n++ {
		// The decoder reads nothing but a name or the end here.
		k, err := r.next()
		if err != nil {
			return r.syntax(err)
		}
		if k == '}' {
			return nil
		}
		name := r.text()
		y, isYear := 0, false
		if p.years {
			y, isYear = year(name)
		}
		if isYear {
			r.push(step{kind: yearStep, index: y})
		} else {
			r.push(step{kind: keyStep, key: name})
		}
		if limit > 0 && n > limit {
			return r.fail(fmt.Errorf("%w: more than %d keys", fault.ErrTooLarge, limit))
		}
		if p.years && !isYear {
			return r.fail(fmt.Errorf("%w: key %s is not a year", fault.ErrInvalid, strconv.Quote(Clip(name))))
		}
		if err := read(name, y); err != nil {
			return err
		}
		r.pop()
	}
}

// year parses a year key: a decimal integer without a sign or leading zeros that fits
// an int.
func year(k string) (int, bool) {
	if len(k) == 0 || len(k) > 1 && k[0] == '0' {
		return 0, false
	}
	y := 0
	for _, c := range []byte(k) {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := int(c - '0')
		if y > (math.MaxInt-d)/10 {
			return 0, false
		}
		y = y*10 + d
	}
	return y, true
}

// ChildPath appends an object key to a path: $.plan.years, or $.users["2021"] for keys
// that are not identifiers.
func ChildPath(path, key string) string {
	ident := key != "" && len(key) <= 40
	for i, r := range key {
		ident = ident && (r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9')
	}
	if ident {
		return path + "." + key
	}
	return path + "[" + strconv.Quote(Clip(key)) + "]"
}

// tag returns a struct field's JSON key and whether it may be left out (omitempty).
func tag(f reflect.StructField) (name string, optional bool) {
	name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name, opts == "omitempty"
}
