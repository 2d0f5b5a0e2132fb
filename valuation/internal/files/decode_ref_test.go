package files

// The decoder as it was before issue 22 (encoding/json's Token API), kept as the
// reference the new one is checked against: every document either decodes to the same
// value with both or fails with the same sentinel at the same path and, but for syntax
// errors (whose wording is the JSON library's), with the same message.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/sotpkit/sotp/valuation/fault"
)

// refStep is one step of a JSON path: an object key, or an array index when key is unset.
type refStep struct {
	key   string
	index int
	isKey bool
}

// refReader decodes one JSON document from a token stream, keeping the path of the value
// it is reading.
type refReader struct {
	dec  *json.Decoder
	path []refStep
}

// refDecodeJSON reads data, one JSON document, into v strictly: every struct field without
// omitempty is required, no unknown or duplicate keys, no nulls, decimals only from
// strings, integers only from integer literals, nothing after the document.
func refDecodeJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	r := &refReader{dec: dec}
	if err := r.value(reflect.ValueOf(v).Elem(), 0); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return r.syntax(errors.New("data after the document"))
	}
	return nil
}

// at spells out the current path: $.plan.segments[0].ecommerce["2021"].take_rate.
func (r *refReader) at() string {
	var b strings.Builder
	b.WriteString("$")
	for _, s := range r.path {
		if s.isKey {
			b.WriteString(ChildPath("", s.key))
		} else {
			b.WriteString("[" + strconv.Itoa(s.index) + "]")
		}
	}
	return b.String()
}

// fail reports err at the current path.
func (r *refReader) fail(err error) error {
	return &fault.Error{Pkg: "modelfile", Path: r.at(), Err: err}
}

// syntax reports malformed JSON at the current path and the byte the decoder reached.
func (r *refReader) syntax(err error) error {
	return &fault.Error{Pkg: "modelfile", Path: fmt.Sprintf("%s (byte %d)", r.at(), r.dec.InputOffset()), Err: fmt.Errorf("%w: %w", fault.ErrSyntax, err)}
}

// token reads the next token; the end of the input is io.ErrUnexpectedEOF.
func (r *refReader) token() (json.Token, error) {
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
func (r *refReader) close() error {
	_, err := r.token()
	return err
}

// wrong reports a value of the wrong JSON type; a JSON number where a decimal string is
// wanted is fault.ErrNumber.
func (r *refReader) wrong(t json.Token, want string) error {
	if n, ok := t.(json.Number); ok && want == "decimal string" {
		return r.fail(fmt.Errorf("%w: %s", fault.ErrNumber, Clip(string(n))))
	}
	return r.fail(fmt.Errorf("%w: %s, want %s", fault.ErrType, refTypeName(t), want))
}

// refTypeName names the JSON type of a token.
func refTypeName(t json.Token) string {
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
func (r *refReader) open(delim json.Delim, want string) error {
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
func (r *refReader) key(seen map[string]bool) (string, error) {
	t, err := r.token()
	if err != nil {
		return "", err
	}
	k, _ := t.(string) // the decoder returns only strings in key position
	r.path = append(r.path, refStep{key: k, isKey: true})
	if seen[k] {
		return "", r.fail(fault.ErrDuplicateKey)
	}
	seen[k] = true
	return k, nil
}

// pop drops the last step of the path.
func (r *refReader) pop() { r.path = r.path[:len(r.path)-1] }

// value reads the next JSON value into v; an array or object read into a slice or map
// may hold at most limit elements (no limit when it is zero).
func (r *refReader) value(v reflect.Value, limit int) error {
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
			r.path = append(r.path, refStep{index: i})
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
			return r.fail(fmt.Errorf("%w: %s, want an integer", fault.ErrType, Clip(string(n))))
		}
		v.SetInt(int64(i))
	default:
		return r.fail(fmt.Errorf("%w: no decoding for %s", fault.ErrUnsupported, v.Type()))
	}
	return nil
}

// object reads an object into v, a struct.
func (r *refReader) object(v reflect.Value) error {
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
			r.path = append(r.path, refStep{key: name, isKey: true})
			return r.fail(fault.ErrMissingField)
		}
	}
	return nil
}

// mapping reads an object into a map keyed by strings or, for int keys, by years written
// as decimal integers without a sign or leading zeros.
func (r *refReader) mapping(v reflect.Value, limit int) error {
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
				return r.fail(fmt.Errorf("%w: key %s is not a year", fault.ErrInvalid, strconv.Quote(Clip(k))))
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

// sameDecoding decodes data, as readAll returns it, into a fresh value of each document
// type with decodeJSON and with refDecodeJSON, and reports how the two differ: in the
// value decoded, or in the error's sentinel, path or, but for syntax errors, message. A
// syntax error's byte and wording are the JSON library's and may differ.
func sameDecoding(t *testing.T, data []byte) {
	t.Helper()
	for _, typ := range []reflect.Type{reflect.TypeFor[File](), reflect.TypeFor[CompsFile]()} {
		got, want := reflect.New(typ), reflect.New(typ)
		gotErr, wantErr := decodeJSON(data, got.Interface()), refDecodeJSON(data, want.Interface())
		switch {
		case gotErr == nil && wantErr == nil:
			if !reflect.DeepEqual(got.Interface(), want.Interface()) {
				t.Errorf("%s: decodes to %+v, the reference to %+v", typ, got.Elem(), want.Elem())
			}
		case loneSurrogate(data) && errors.Is(gotErr, fault.ErrSyntax):
			// Where the reference read an escaped half of a surrogate pair as U+FFFD,
			// so that "\ud800" and "\ufffd" were one text, the decoder refuses it.
		case gotErr != nil && wantErr != nil:
			var g, w *fault.Error
			if !errors.As(gotErr, &g) || !errors.As(wantErr, &w) {
				t.Fatalf("%s: errors %v and %v, want *fault.Error", typ, gotErr, wantErr)
			}
			gotAt, _, gotSyntax := strings.Cut(g.Path, " (byte ")
			wantAt, _, wantSyntax := strings.Cut(w.Path, " (byte ")
			if fault.Code(gotErr) != fault.Code(wantErr) || gotAt != wantAt || gotSyntax != wantSyntax ||
				!errors.Is(gotErr, fault.ErrSyntax) && gotErr.Error() != wantErr.Error() {
				t.Errorf("%s: error\n\t%v\nthe reference's\n\t%v", typ, gotErr, wantErr)
			}
		default:
			t.Errorf("%s: error %v, the reference's %v", typ, gotErr, wantErr)
		}
	}
}

// loneSurrogate reports whether data has a \u escape of half a surrogate pair without
// its other half: encoding/json made it U+FFFD, jsontext refuses it.
func loneSurrogate(data []byte) bool {
	hex := func(at int) (rune, bool) {
		if at+4 > len(data) {
			return 0, false
		}
		r, err := strconv.ParseUint(string(data[at:at+4]), 16, 32)
		return rune(r), err == nil
	}
	for i := 0; i < len(data); i++ {
		if data[i] != '\\' {
			continue
		}
		i++ // the escaped byte, so that \\u is no escape of u
		if i == len(data) || data[i] != 'u' {
			continue
		}
		switch r, _ := hex(i + 1); {
		case r >= 0xdc00 && r < 0xe000:
			return true
		case r >= 0xd800 && r < 0xdc00:
			low, ok := hex(i + 7)
			if !ok || !bytes.HasPrefix(data[i+5:], []byte(`\u`)) || low < 0xdc00 || low >= 0xe000 {
				return true
			}
			i += 10
		}
	}
	return false
}

// referenceDocs returns documents to decode both ways: the shipped files, and edits of
// the model file that break it in each way the format refuses and in some it allows.
func referenceDocs(t testing.TB) map[string][]byte {
	docs := map[string][]byte{}
	for _, name := range []string{"../../modelfile/testdata/model.json", "../../modelfile/testdata/run.json", "../../kuaishou2021/kuaishou2021.json"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		docs[name] = b
	}
	good := string(docs["../../kuaishou2021/kuaishou2021.json"])
	edits := [][2]string{
		{`"year": 2021,`, `"year": 2021, "year": 2021,`},
		{`"year": 2021,`, `"year": 2021, "y\u0065ar": 2021,`},
		{`"year": 2021`, `"year": 2021.0`},
		{`"year": 2021`, `"year": -0`},
		{`"year": 2021`, `"year": 99999999999999999999`},
		{`"year": 2021`, `"year": null`},
		{`"year": 2021`, `"year": [[[[`},
		{`"shares": "4159"`, `"shares": 4159`},
		{`"shares": "4159"`, `"shares": "4159.000"`},
		{`"shares": "4159"`, `"shares": "-0.0"`},
		{`"shares": "4159"`, `"shares": "41\u0035900000000000000000000000000000001e-10"`},
		{`"shares": "4159"`, `"shares": {}`},
		{`"shares": "4159"`, `"shares": tru`},
		{`"shares": "4159"`, `"shares": true`},
		{`"shares": "4159"`, `"shares": "\ud800"`},
		{`"name": "Kuaishou"`, `"name": "Kuai\"shou\u00e9\n"`},
		{`"name": "Kuaishou"`, `"name": "\ud83d\ude00"`},
		{`"name": "Kuaishou"`, `"n\u0061me": "Kuaishou"`},
		{`"name": "Kuaishou"`, `"name": 1`},
		{`"2021": {`, `"2021": {}, "2021": {`},
		{`"2021": {`, `"02021": {`},
		{`"2021": {`, `"+2021": {`},
		{`"2021": {`, `"": {`},
		{`"2021": {`, `"a b": {`},
		{`"HKD": "HK$"`, `"HKD": "HK$", "HKD": "HK$"`},
		{`"HKD": "HK$"`, `"HKD": null`},
		{`"paying_ratio": "0.118"`, `"paying_ratio": "0.118", "paying_ratio": "0.118"`},
		{`"paying_ratio": "0.118"`, `"paying_ratio": null`},
		{`"bands": [`, `"bands": [null, `},
		{`"bands": [`, `"bands": [1, `},
		{`"bands": [`, `"bands": [x`},
		{`"bands": [`, `"bands": [,`},
		{`"bands": [`, `"bands": [}`},
		{`"bands": [`, `"bands": [1 2`},
		{`"years": [`, `"years": [null, `},
		{`"years": [`, `"years": [1.5, `},
		{`"years": [`, `"years": ["2019", `},
		{`"inclusive": true`, `"inclusive": "true"`},
		{`"inclusive": true`, `"inclusive": null`},
		{`"rating": {`, `"rating": {"bands": [], "below": "x"}, "rating2": {`},
		{`"rating": {`, `"rating": [`},
		{`"rating": {`, `"rating": {} "x": {`},
		{`"fx": [`, `"fx": ` + strings.Repeat(`[`, 200)},
		{`"fx": [`, `"fx": [], "fx": [`},
		{`"symbols": {`, `"symbols": {` + strings.Repeat(`"K": "x", `, 2)},
		{`"symbols": {`, `"symbols": {` + distinctKeys(101)},
		{`"bands": [`, `"bands": [` + strings.Repeat(`{"rating": "A", "floor": "1"}, `, 21)},
	}
	for _, e := range edits {
		if !strings.Contains(good, e[0]) {
			t.Fatalf("no %s in the model file", e[0])
		}
		docs[e[1]] = []byte(strings.Replace(good, e[0], e[1], 1))
	}
	for _, n := range []int{0, 1, 2, 100, 200, 1000, len(good) / 2, len(good) - 2, len(good) - 1} {
		docs[fmt.Sprintf("first %d bytes", n)] = []byte(good[:n])
	}
	for _, doc := range []string{`{"rating": {"bands": [{"rating": "", "floor": "0"}, `, `{"rating": {"bands": [{"rating": "", "floor": "0"} `,
		`{"rating": {"bands": [ `, `{"rating": {"bands": [{"rating": "", "floor": "0"}, ]`, `{"rating": {"bands": [{"rating": "", "floor": "0"} }`} {
		docs[doc] = []byte(doc)
	}
	for _, tail := range []string{"{}", " x", "\n\t ", "]", `"`, "1"} {
		docs["then "+tail] = []byte(good + tail)
	}
	return docs
}

// distinctKeys returns n distinct keys of a map of strings, each followed by a comma.
func distinctKeys(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `"K%d": "x", `, i)
	}
	return b.String()
}

// TestDecodeMatchesReference: on the shipped files and on edits breaking them in every
// way the format refuses, the decoder decodes what the reference decodes and fails where
// it fails, with the same sentinel at the same path.
func TestDecodeMatchesReference(t *testing.T) {
	for name, doc := range referenceDocs(t) {
		t.Run(Clip(name), func(t *testing.T) {
			data, err := readAll(bytes.NewReader(doc), MaxBytes)
			if err != nil {
				t.Fatal(err)
			}
			sameDecoding(t, data)
		})
	}
}

// FuzzDecodeMatchesReference: any document decodes as the reference decodes it.
func FuzzDecodeMatchesReference(f *testing.F) {
	for _, doc := range referenceDocs(f) {
		f.Add(doc)
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		data, err := readAll(bytes.NewReader(doc), MaxBytes)
		if err != nil {
			return
		}
		sameDecoding(t, data)
	})
}
