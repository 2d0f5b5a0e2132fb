package jsonx_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/jsonx"
	"github.com/sotpkit/sotp/valuation/internal/testkit"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/modelfile"
	"github.com/sotpkit/sotp/valuation/sensitivity"
)

var d = decimal.RequireFromString

// sameAsOld fails t unless Marshal and oldMarshal give the same bytes for v, or errors
// with the same message.
func sameAsOld(t *testing.T, v any) {
	t.Helper()
	want, wantErr := oldMarshal(v)
	got, err := jsonx.Marshal(v)
	switch {
	case (err == nil) != (wantErr == nil):
		t.Fatalf("Marshal error %v, the old Marshal's %v", err, wantErr)
	case err != nil && err.Error() != wantErr.Error():
		t.Errorf("Marshal error:\n got %v\nwant %v", err, wantErr)
	case string(got) != string(want):
		t.Errorf("Marshal differs from the old Marshal at byte %d:\n got %s\nwant %s", firstDiff(got, want), got, want)
	}
}

// firstDiff is the index of the first byte where a and b differ.
func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// Types that exercise encoding/json's rules and jsonx's exceptions to them.
type (
	// indented is a value whose MarshalJSON indents its output, as json.Compact removes.
	indented struct{ N int }
	// broken's MarshalJSON writes invalid JSON, which json.Compact refuses.
	broken struct{}
	// failing's MarshalJSON fails.
	failing struct{}
	// deep's MarshalJSON nests N arrays, deeper than Marshal's own check goes.
	deep struct{ N int }
	// ptrMarshaler has MarshalJSON on its pointer only, which jsonx never calls.
	ptrMarshaler struct{ A string }
	// label is a string with MarshalText.
	label string
	// badText's MarshalText fails.
	badText int
	// key is a map key with MarshalText.
	key struct{ A, B int }
	// scalar is an int with MarshalJSON, called only when it is not the top value.
	scalar int
	// Embedded is embedded in tagged, where jsonx (unlike encoding/json) writes it as a
	// field named after its type.
	Embedded struct{ E int }
)

func (v indented) MarshalJSON() ([]byte, error) {
	return []byte("{\n  \"n\": [ 1, 2,\t" + string(rune('0'+v.N)) + " ],\r\n  \"s\": \"a b\"\n}\n"), nil
}
func (broken) MarshalJSON() ([]byte, error)          { return []byte(`{"a":}`), nil }
func (failing) MarshalJSON() ([]byte, error)         { return nil, errors.New("failing: no JSON") }
func (p *ptrMarshaler) MarshalJSON() ([]byte, error) { return []byte(`"never"`), nil }
func (l label) MarshalText() ([]byte, error)         { return []byte("<" + string(l) + ">\u2028"), nil }
func (badText) MarshalText() ([]byte, error)         { return nil, errors.New("badText: no text") }
func (k key) MarshalText() ([]byte, error) {
	return []byte(string(rune('a'+k.A)) + "/" + string(rune('a'+k.B))), nil
}
func (s scalar) MarshalJSON() ([]byte, error) {
	return []byte(` [ "scalar", ` + string(rune('0'+s)) + ` ] `), nil
}

func (v deep) MarshalJSON() ([]byte, error) {
	return []byte(strings.Repeat("[", v.N) + "1" + strings.Repeat("]", v.N)), nil
}

type tagged struct {
	Plain   string
	Renamed string `json:"renamed"`
	Skipped string `json:"-"`
	//lint:ignore SA5008 a field named "-", as encoding/json reads this tag
	Dash      string `json:"-,"`
	Omitted   string `json:",omitempty"`
	Kept      string `json:"kept,omitempty"`
	StringOpt int    `json:"n,string"` // jsonx ignores the string option: a number
	BothOpts  int    `json:"both,omitempty,string"`
	//lint:ignore SA5008 a name that needs escaping, as reflect unquotes the tag
	Escaped int `json:"a<b\u2028\"é"`
	Unicode int `json:"naïve"`
	Embedded
	*ptrMarshaler
	//lint:ignore U1000 an unexported field, which is not written
	unexported int
	ZeroInt    int             `json:",omitempty"`
	ZeroFloat  float64         `json:",omitempty"`
	NegZero    float64         `json:",omitempty"`
	False      bool            `json:",omitempty"`
	NilPtr     *int            `json:",omitempty"`
	NilAny     any             `json:",omitempty"`
	EmptyMap   map[string]int  `json:",omitempty"`
	EmptyArr   [0]int          `json:",omitempty"`
	ZeroStruct struct{}        `json:",omitempty"`
	ZeroDec    decimal.Decimal `json:",omitempty"`
	// omitzero leaves out a value whose IsZero says so, else its type's zero value.
	OmitDec    decimal.Decimal `json:"od,omitzero"`
	OmitDecNeg decimal.Decimal `json:"odn,omitzero"` // -0 written as a decimal is zero
	OmitInt    int             `json:"oi,omitzero"`
	OmitStruct struct{ A int } `json:"os,omitzero"`
}

type kinds struct {
	S    string
	B, F bool
	I    int
	I8   int8
	I16  int16
	I32  int32
	I64  int64
	U    uint
	U8   uint8
	U16  uint16
	U32  uint32
	U64  uint64
	F32  float32
	F64  float64
	Num  json.Number
	Arr  [3]int
	Byts []byte
	Ptr  *int
	PP   **string
	Any  any
	Err  error
	Errs []error
	Dec  decimal.Decimal
	Decs [2]decimal.Decimal
	ND   decimal.NullDecimal
	NDs  []decimal.NullDecimal
	PD   *decimal.Decimal
	Lbl  label
	Lbls []label
	Ind  indented
	PM   ptrMarshaler
	PPM  *ptrMarshaler
	Sc   scalar
	Anys []any
	M    map[string]any
	MI   map[int]string
	MI8  map[int8]decimal.Decimal
	MK   map[key]label
	ML   map[label]int
	MNil map[string]int
	SNil []string
	Nest struct {
		Inner []map[string][]int
	}
}

// TestEquivalentValues: Marshal writes every kind of value, every tag and every special
// type exactly as the Marshal it replaced, which called encoding/json and fault.Plain.
func TestEquivalentValues(t *testing.T) {
	n, s := 7, "pointed"
	ps := &s
	nan := math.NaN()
	full := kinds{
		S: "a<b>&c \"q\" \\ \x00\x01\x1f\x7f \b\f\n\r\t \u2028\u2029 é 😀 \xff\xfe \xed\xa0\x80",
		B: true, I: math.MinInt64 + 1, I8: math.MinInt8, I16: math.MaxInt16, I32: math.MinInt32, I64: math.MinInt64,
		U: math.MaxUint, U8: math.MaxUint8, U16: math.MaxUint16, U32: math.MaxUint32, U64: math.MaxUint64,
		F32: 1.1, F64: -1e21, Num: "12.50e3", Arr: [3]int{1, -2, 3}, Byts: []byte("hi"), Ptr: &n, PP: &ps,
		Any: map[string]any{"x": 1.5, "y": []any{nil, "z", d("1.50")}}, Err: &fault.Error{Pkg: "x", Field: "f\x01<", Err: fault.ErrRate},
		Errs: []error{nil, errors.New("line\nbreak\ttab \"q\" é \u2028 \xff")},
		Dec:  d("-0.000123400"), Decs: [2]decimal.Decimal{d("1e30"), d("-123456789012345678901234567890.1234567890")},
		ND: decimal.NewNullDecimal(d("42.000")), NDs: []decimal.NullDecimal{{}, decimal.NewNullDecimal(decimal.New(-5, 3))},
		PD: new(decimal.Decimal), Lbl: "lbl&", Lbls: []label{"a", ""}, Ind: indented{N: 3}, PM: ptrMarshaler{A: "a"},
		PPM: &ptrMarshaler{A: "b"}, Sc: 4,
		Anys: []any{1, int8(-1), uint16(2), 1.25, float32(0.1), nan, math.Inf(-1), "s", true, nil, d("3.10"), decimal.NullDecimal{},
			indented{N: 1}, &indented{N: 2}, label("l"), errors.New("e"), []int(nil), map[string]int(nil), struct{ A, b int }{1, 2},
			json.Number("-0.5"), scalar(2), &n, [2]bool{true}},
		M:   map[string]any{"<b>": 1, "a\u2028": 2, "\xff": 3, "": 4, "Z": 5, "é": 6},
		MI:  map[int]string{-1: "m", 10: "t", 2: "two", 0: "z", math.MinInt64: "min"},
		MI8: map[int8]decimal.Decimal{-128: d("0.1"), 127: d("100")},
		MK:  map[key]label{{1, 2}: "x", {0, 3}: "y"},
		ML:  map[label]int{"b": 1, "a": 2},
	}
	full.Nest.Inner = []map[string][]int{{"k": {1, 2}}, nil, {}}
	for _, c := range []struct {
		name   string
		reason string
		v      any
	}{
		{"zero kinds", "every kind at its zero value: nil slices and maps are [] and {}", kinds{}},
		{"full kinds", "every kind with awkward values", full},
		{"pointer to kinds", "a pointer at the top: its element's fields are addressable", &full},
		{"tags", "names, -, omitempty and options as encoding/json reads them; embedded structs are plain fields", tagged{
			Plain: "p", Renamed: "r", Skipped: "s", Dash: "d", StringOpt: 5, Escaped: 1, Unicode: 2, Embedded: Embedded{E: 3},
			NegZero: math.Copysign(0, -1), OmitDecNeg: d("-0.000")}},
		{"tags filled", "omitempty and omitzero fields that are not empty", tagged{Omitted: "o", Kept: "k", BothOpts: 1, ZeroInt: 1,
			OmitDec: d("0.5"), OmitInt: 2, OmitStruct: struct{ A int }{1},
			ZeroFloat: 0.5, False: true, NilPtr: &n, NilAny: 0, EmptyMap: map[string]int{"a": 1}, ptrMarshaler: &ptrMarshaler{}}},
		{"nil", "a nil interface", nil},
		{"nil pointer", "a nil pointer at the top", (*kinds)(nil)},
		{"string", "a string at the top", "a<b\u2028\xff"},
		{"int", "an int at the top", -42},
		{"float", "a float at the top", 1e-7},
		{"float32", "a float32 at the top", float32(3.4e38)},
		{"NaN", "NaN at the top is null", math.NaN()},
		{"inf", "an infinity at the top is null", math.Inf(1)},
		{"bool", "a bool at the top", false},
		{"number", "a json.Number at the top", json.Number("1e5")},
		{"bad number", "an invalid json.Number: encoding/json's error", struct{ N json.Number }{"1.2.3"}},
		{"decimal", "a decimal at the top", d("-12.3400")},
		{"null decimal", "an invalid NullDecimal at the top", decimal.NullDecimal{}},
		{"top marshaler", "the top value's MarshalJSON is not called", indented{N: 5}},
		{"top scalar marshaler", "a scalar at the top is written by encoding/json, which calls its MarshalJSON", scalar(1)},
		{"top text", "a string with MarshalText at the top, through encoding/json", label("top")},
		{"array", "an array at the top", [3]decimal.Decimal{d("1"), d("0.5"), d("-2e-20")}},
		{"slice", "a slice at the top", []any{"a", 1, nil}},
		{"map", "a map at the top", map[string]decimal.Decimal{"b": d("1"), "a": d("2")}},
		{"empty map", "an empty map with keys that cannot be written: no error, as nothing is written", map[float64]int{}},
		{"broken marshaler", "invalid JSON from a MarshalJSON: json.Compact's error", struct{ B broken }{}},
		{"failing marshaler", "a MarshalJSON's error, as it is", []any{failing{}}},
		{"deep marshaler", "nesting deeper than the compact check: json.Compact decides", struct{ D deep }{deep{N: 100}}},
		{"deep marshaler ok", "nesting the compact check takes", struct{ D deep }{deep{N: 20}}},
		{"failing text", "a MarshalText's error", struct{ T badText }{}},
		{"failing text key", "a map key's MarshalText error", map[badText]int{1: 1}},
		{"float key", "a map key that cannot be written", map[float64]int{1: 1}},
		{"uint key", "uint keys are not written either", map[uint]int{1: 1}},
		{"any key", "nor interface keys", map[any]int{1: 1}},
		{"chan", "a channel cannot be written", struct{ C chan int }{make(chan int)}},
		{"func", "nor a func", []any{func() {}}},
		{"complex", "nor a complex", struct{ C complex128 }{1i}},
		{"uintptr", "nor a uintptr", struct{ U uintptr }{1}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Log(c.reason)
			sameAsOld(t, c.v)
		})
	}
}

// TestEquivalentResults: sotp's results, as the HTTP service and the CLI write them,
// are the bytes the old Marshal wrote: the Kuaishou result, a holding company with a
// bridge, a holding-company discount and dilution (modelfile's testdata/bridge.json),
// and the sensitivity runs.
func TestEquivalentResults(t *testing.T) {
	r, err := kuaishou2021.Model().Value()
	if err != nil {
		t.Fatal(err)
	}
	t.Run("kuaishou", func(t *testing.T) { sameAsOld(t, r) })
	t.Run("kuaishou MarshalJSON", func(t *testing.T) {
		got, err := r.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		want, err := oldMarshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("MarshalJSON differs at byte %d", firstDiff(got, want))
		}
	})
	t.Run("holdco", func(t *testing.T) {
		m, err := modelfile.LoadModel("../../modelfile/testdata/bridge.json")
		if err != nil {
			t.Fatal(err)
		}
		h, err := m.Value()
		if err != nil {
			t.Fatal(err)
		}
		sameAsOld(t, h)
	})

	e, err := sensitivity.New(kuaishou2021.Model(), sensitivity.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	g, err := e.Grid(ctx, []string{"target", "upside", "pnl/2021/eps"},
		sensitivity.Axis{Name: "forecast/2021/dau", Values: []decimal.Decimal{d("300"), d("700"), d("1000")}},
		sensitivity.Axis{Name: "part/ecommerce/premium", Values: []decimal.Decimal{d("-0.5"), d("0")}})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("grid with invalid cells", func(t *testing.T) { sameAsOld(t, g) })
	s, err := e.MonteCarlo(ctx, sensitivity.MonteCarlo{
		Output: "target",
		Inputs: []sensitivity.Variable{
			{Name: "forecast/2021/mau", Dist: distuv.Normal{Mu: 571.68, Sigma: 30}},
			{Name: "forecast/2021/dau", Dist: distuv.Normal{Mu: 300, Sigma: 150}},
		},
		Draws: 2000, Seed: 3, KeepSamples: true, Bins: 20,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("monte carlo", func(t *testing.T) { sameAsOld(t, s) })
	swings, err := e.Swings(d("0.1"), "forecast/2021/mau", "part/ecommerce/premium", "fx/USD/HKD")
	if err != nil {
		t.Fatal(err)
	}
	tor, err := e.Tornado(ctx, "target", swings...)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("tornado", func(t *testing.T) { sameAsOld(t, tor) })
	cmp, err := e.Scenarios(ctx, []string{"target", "pnl/2021/eps"},
		valuation.Scenario{Name: "bear <&>", Set: []valuation.Override{testkit.Set(t, "forecast/2021/mau", d("520"))}},
		valuation.Scenario{Name: "bad", Set: []valuation.Override{testkit.Set(t, "forecast/2021/dau", d("900"))}})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("scenarios", func(t *testing.T) { sameAsOld(t, cmp) })
}

// FuzzString: a string is written as json.Marshal writes it, at the top, in a field and
// as a map key, and as the old Marshal wrote it.
func FuzzString(f *testing.F) {
	for _, s := range []string{"", "plain", "a<b>&c", "\x00\x1f\x7f\"\\", "\u2028\u2029", "\xff\xed\xa0\x80", "é😀", "\xe2\x80", "\xe2\x80\xa8x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		got, err := jsonx.Marshal(s)
		if err != nil || string(got) != string(want) {
			t.Fatalf("Marshal(%q) = %s, %v; json.Marshal gives %s", s, got, err, want)
		}
		for _, v := range []any{struct{ S string }{s}, map[string]label{s: label(s)}, []any{s}} {
			want, err := oldMarshal(v)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := jsonx.Marshal(v); err != nil || string(got) != string(want) {
				t.Fatalf("Marshal(%#v) = %s, %v; the old Marshal gives %s", v, got, err, want)
			}
		}
		if utf8.ValidString(s) {
			var back string
			if err := json.Unmarshal(got, &back); err != nil || back != s {
				t.Fatalf("%s reads back as %q, %v", got, back, err)
			}
		}
	})
}

// FuzzFloat: a float is written as json.Marshal writes it, and null where it fails.
func FuzzFloat(f *testing.F) {
	for _, x := range []float64{0, math.Copysign(0, -1), 1, -1.5, 1e-6, 9.999999e-7, 1e21, 9.99999999e20, 1e-7,
		math.MaxFloat64, math.SmallestNonzeroFloat64, math.MaxFloat32, math.SmallestNonzeroFloat32, 0.1, 1.0 / 3} {
		f.Add(math.Float64bits(x))
	}
	f.Fuzz(func(t *testing.T, bits uint64) {
		x := math.Float64frombits(bits)
		for _, v := range []any{x, float32(x), []float64{x}, []float32{float32(x)}} {
			want, err := oldMarshal(v)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := jsonx.Marshal(v); err != nil || string(got) != string(want) {
				t.Fatalf("Marshal(%v) = %s, %v; the old Marshal gives %s", v, got, err, want)
			}
		}
	})
}

// TestConcurrent: calls of Marshal share nothing but the decimals' type information,
// which they only read: run with -race.
func TestConcurrent(t *testing.T) {
	r, err := kuaishou2021.Model().Value()
	if err != nil {
		t.Fatal(err)
	}
	values := []any{r, d("1.50"), decimal.NewNullDecimal(d("-2")), []decimal.Decimal{d("3")}, struct{ D decimal.Decimal }{d("4")}}
	want := make([][]byte, len(values))
	for i, v := range values {
		if want[i], err = oldMarshal(v); err != nil { // not Marshal: the goroutines make the first calls
			t.Fatal(err)
		}
	}
	done := make(chan error)
	for range 4 {
		go func() {
			for range 20 {
				for i, v := range values {
					if got, err := jsonx.Marshal(v); err != nil || string(got) != string(want[i]) {
						done <- errors.New("concurrent Marshal differs: " + string(got))
						return
					}
				}
			}
			done <- nil
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// TestOmitZeroAsEncodingJSON: which omitzero fields are written is what encoding/json
// decides, the decimal's IsZero included (the values' text aside, which is sotp's).
func TestOmitZeroAsEncodingJSON(t *testing.T) {
	type omits struct {
		OmitDec    decimal.Decimal `json:"od,omitzero"`
		OmitDecNeg decimal.Decimal `json:"odn,omitzero"`
		OmitInt    int             `json:"oi,omitzero"`
		OmitStruct struct{ A int } `json:"os,omitzero"`
	}
	for _, v := range []omits{{}, {OmitDecNeg: d("-0.000")}, {OmitDec: d("0.5"), OmitInt: 2, OmitStruct: struct{ A int }{1}}} {
		got, err := jsonx.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{`"od":`, `"odn":`, `"oi":`, `"os":`} {
			if strings.Contains(string(got), k) != strings.Contains(string(want), k) {
				t.Errorf("%s: %s written %v by jsonx, %v by encoding/json", want, k, strings.Contains(string(got), k), strings.Contains(string(want), k))
			}
		}
	}
}
