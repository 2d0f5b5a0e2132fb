package modelfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sotpkit/sotp/valuation/fault"
)

// The JSON reader decodes a document straight into the file's Go types from the token
// stream: no tree of the document is built, and a value's JSON path is spelled out only
// when an error is reported. So decoding holds the input, the decoded value and one path
// of keys, whatever the document's shape: a 20,000-character key over an array of a
// million zeros costs what the key and the array cost, not a path per element.

// readAll reads r up to limit bytes; more is fault.ErrTooLarge. A leading UTF-8 byte order mark
// is dropped; invalid UTF-8 is fault.ErrSyntax, so that two different byte strings can never
// decode to the same text.
func readAll(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, &fault.Error{Pkg: "modelfile", Err: fmt.Errorf("%w: %w", fault.ErrSyntax, err)}
	}
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

// step is one step of a JSON path: an object key, or an array index when key is unset.
type step struct {
	key   string
	index int
	isKey bool
}

// reader decodes one JSON document from a token stream, keeping the path of the value
// it is reading.
type reader struct {
	dec  *json.Decoder
	path []step
}

// decodeJSON reads data, one JSON document, into v strictly: every struct field without
// omitempty is required, no unknown or duplicate keys, no nulls, decimals only from
// strings, integers only from integer literals, nothing after the document.
func decodeJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	r := &reader{dec: dec}
	if err := r.value(reflect.ValueOf(v).Elem(), 0); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return r.syntax(errors.New("data after the document"))
	}
	return nil
}

// at spells out the current path: $.plan.segments[0].ecommerce["2021"].take_rate.
func (r *reader) at() string {
	var b strings.Builder
	b.WriteString("$")
	for _, s := range r.path {
		if s.isKey {
			b.WriteString(childPath("", s.key))
		} else {
			b.WriteString("[" + strconv.Itoa(s.index) + "]")
		}
	}
	return b.String()
}

func (r *reader) fail(err error) error { return &fault.Error{Pkg: "modelfile", Path: r.at(), Err: err} }

// syntax reports malformed JSON at the current path and the byte the decoder reached.
func (r *reader) syntax(err error) error {
	return &fault.Error{Pkg: "modelfile", Path: fmt.Sprintf("%s (byte %d)", r.at(), r.dec.InputOffset()), Err: fmt.Errorf("%w: %w", fault.ErrSyntax, err)}
}

func (r *reader) token() (json.Token, error) {
	t, err := r.dec.Token()
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return nil, r.syntax(err)
	}
	return t, nil
}

// close reads the delimiter that ends an object or array.
func (r *reader) close() error {
	_, err := r.token()
	return err
}

// wrong reports a value of the wrong JSON type; a JSON number where a decimal string is
// wanted is fault.ErrNumber.
func (r *reader) wrong(t json.Token, want string) error {
	if n, ok := t.(json.Number); ok && want == "decimal string" {
		return r.fail(fmt.Errorf("%w: %s", fault.ErrNumber, clip(string(n))))
	}
	return r.fail(fmt.Errorf("%w: %s, want %s", fault.ErrType, typeName(t), want))
}

func typeName(t json.Token) string {
	switch t := t.(type) {
	case json.Delim:
		if t == '[' {
			return "array"
		}
		return "object"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	}
	return "null"
}

// open reads the delimiter that starts an object ('{') or array ('[').
func (r *reader) open(delim json.Delim, want string) error {
	t, err := r.token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != delim {
		return r.wrong(t, want)
	}
	return nil
}

// key reads an object's next key, refusing one seen before.
func (r *reader) key(seen map[string]bool) (string, error) {
	t, err := r.token()
	if err != nil {
		return "", err
	}
	k, _ := t.(string) // the decoder returns only strings in key position
	r.path = append(r.path, step{key: k, isKey: true})
	if seen[k] {
		return "", r.fail(fault.ErrDuplicateKey)
	}
	seen[k] = true
	return k, nil
}

func (r *reader) pop() { r.path = r.path[:len(r.path)-1] }

// value reads the next JSON value into v; an array or object read into a slice or map
// may hold at most limit elements (no limit when it is zero).
func (r *reader) value(v reflect.Value, limit int) error {
	if v.Type() == decimalType {
		t, err := r.token()
		if err != nil {
			return err
		}
		s, ok := t.(string)
		if !ok {
			return r.wrong(t, "decimal string")
		}
		d, err := ParseDecimal(s)
		if err != nil {
			return r.fail(err)
		}
		v.Set(reflect.ValueOf(d))
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		if err := r.value(p.Elem(), limit); err != nil {
			return err
		}
		v.Set(p)
		return nil
	case reflect.Struct:
		return r.object(v)
	case reflect.Slice:
		if err := r.open('[', "array"); err != nil {
			return err
		}
		s := reflect.MakeSlice(v.Type(), 0, 0)
		for i := 0; r.dec.More(); i++ {
			r.path = append(r.path, step{index: i})
			if limit > 0 && i == limit {
				return r.fail(fmt.Errorf("%w: more than %d elements", fault.ErrTooLarge, limit))
			}
			s = reflect.Append(s, reflect.Zero(v.Type().Elem()))
			if err := r.value(s.Index(i), 0); err != nil {
				return err
			}
			r.pop()
		}
		v.Set(s)
		return r.close()
	case reflect.Map:
		return r.mapping(v, limit)
	}
	t, err := r.token()
	if err != nil {
		return err
	}
	switch v.Kind() {
	case reflect.String:
		s, ok := t.(string)
		if !ok {
			return r.wrong(t, "string")
		}
		v.SetString(s)
	case reflect.Bool:
		b, ok := t.(bool)
		if !ok {
			return r.wrong(t, "boolean")
		}
		v.SetBool(b)
	case reflect.Int:
		n, ok := t.(json.Number)
		if !ok {
			return r.wrong(t, "integer")
		}
		i, err := strconv.Atoi(string(n))
		if err != nil {
			return r.fail(fmt.Errorf("%w: %s, want an integer", fault.ErrType, clip(string(n))))
		}
		v.SetInt(int64(i))
	default:
		return r.fail(fmt.Errorf("%w: no decoding for %s", fault.ErrUnsupported, v.Type()))
	}
	return nil
}

func (r *reader) object(v reflect.Value) error {
	if err := r.open('{', "object"); err != nil {
		return err
	}
	t := v.Type()
	found := make([]bool, t.NumField())
	seen := map[string]bool{}
	for r.dec.More() {
		k, err := r.key(seen)
		if err != nil {
			return err
		}
		f := -1
		for j := range t.NumField() {
			if name, _ := tag(t.Field(j)); name == k && name != "-" {
				f = j
			}
		}
		if f < 0 {
			return r.fail(fault.ErrUnknownField)
		}
		limit, _ := strconv.Atoi(t.Field(f).Tag.Get("max"))
		if err := r.value(v.Field(f), limit); err != nil {
			return err
		}
		found[f] = true
		r.pop()
	}
	if err := r.close(); err != nil {
		return err
	}
	for j := range t.NumField() {
		if name, optional := tag(t.Field(j)); !found[j] && !optional && name != "-" {
			r.path = append(r.path, step{key: name, isKey: true})
			return r.fail(fault.ErrMissingField)
		}
	}
	return nil
}

// mapping reads an object into a map keyed by strings or, for int keys, by years written
// as decimal integers without a sign or leading zeros.
func (r *reader) mapping(v reflect.Value, limit int) error {
	if err := r.open('{', "object"); err != nil {
		return err
	}
	m := reflect.MakeMap(v.Type())
	seen := map[string]bool{}
	for r.dec.More() {
		k, err := r.key(seen)
		if err != nil {
			return err
		}
		if limit > 0 && len(seen) > limit {
			return r.fail(fmt.Errorf("%w: more than %d keys", fault.ErrTooLarge, limit))
		}
		key := reflect.New(v.Type().Key()).Elem()
		if key.Kind() == reflect.Int {
			y, err := strconv.Atoi(k)
			if err != nil || strconv.Itoa(y) != k || y < 0 {
				return r.fail(fmt.Errorf("%w: key %s is not a year", fault.ErrInvalid, strconv.Quote(clip(k))))
			}
			key.SetInt(int64(y))
		} else {
			key.SetString(k)
		}
		val := reflect.New(v.Type().Elem()).Elem()
		if err := r.value(val, 0); err != nil {
			return err
		}
		m.SetMapIndex(key, val)
		r.pop()
	}
	v.Set(m)
	return r.close()
}

// childPath appends an object key to a path: $.plan.years, or $.users["2021"] for keys
// that are not identifiers.
func childPath(path, key string) string {
	ident := key != "" && len(key) <= 40
	for i, r := range key {
		ident = ident && (r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9')
	}
	if ident {
		return path + "." + key
	}
	return path + "[" + strconv.Quote(clip(key)) + "]"
}

func tag(f reflect.StructField) (name string, optional bool) {
	name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name, opts == "omitempty"
}
