package jsonx

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/shopspring/decimal"
)

type unit int

func (u unit) MarshalText() ([]byte, error) { return []byte("u" + string(rune('0'+u))), nil }

type sample struct {
	Name    string
	Skip    string `json:"-"`
	Renamed int    `json:"renamed"`
	Empty   []int  `json:"empty,omitempty"`
	Nil     []int
	Map     map[int]string
	Unit    unit
	Ptr     *int
	Err     error
	D       decimal.Decimal
	N, V    decimal.NullDecimal
	hidden  int
}

// TestMarshal: jsonx writes what encoding/json writes, but for decimals, which are exact
// strings without trailing zeros, errors, which are their messages, and nil slices and
// maps, which are [] and {}.
func TestMarshal(t *testing.T) {
	v := sample{Name: "a<b", Skip: "x", Renamed: 3, Empty: []int{}, Map: map[int]string{10: "x", 2: "y"}, Unit: 4,
		Err: errors.New("bad"), D: decimal.RequireFromString("319.00"), V: decimal.NewNullDecimal(decimal.New(15, -1)), hidden: 1}
	got, err := Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Name":"a\u003cb","renamed":3,"Nil":[],"Map":{"10":"x","2":"y"},"Unit":"u4","Ptr":null,"Err":"bad","D":"319","N":null,"V":"1.5"}`
	if string(got) != want {
		t.Errorf("Marshal:\n got %s\nwant %s", got, want)
	}
	// The same value without the decimals and the error, through encoding/json.
	v.Err, v.D, v.N, v.V = nil, decimal.Decimal{}, decimal.NullDecimal{}, decimal.NullDecimal{}
	std, err := json.Marshal(struct {
		Name    string
		Renamed int `json:"renamed"`
		Nil     []int
		Map     map[int]string
		Unit    unit
		Ptr     *int
	}{v.Name, v.Renamed, []int{}, v.Map, v.Unit, v.Ptr})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"Name":"a\u003cb","renamed":3,"Nil":[],"Map":{"10":"x","2":"y"},"Unit":"u4","Ptr":null}`; string(std) != want {
		t.Errorf("encoding/json writes %s, the expectation above assumes %s", std, want)
	}
}

// TestErrorIsJSON: an error's message with control characters, markup and invalid UTF-8
// is written as a valid JSON string (strconv's quoting, used before, wrote \x01 and \a).
func TestErrorIsJSON(t *testing.T) {
	v := struct {
		Err error `json:"error"`
	}{errors.New("bad \x01\a <b> \xff")}
	b, err := Marshal(v)
	if err != nil || !json.Valid(b) {
		t.Fatalf("%s, %v: not JSON", b, err)
	}
	if want := `{"error":"bad \u0001\u0007 \u003cb\u003e \ufffd"}`; string(b) != want {
		t.Errorf("%s, want %s", b, want)
	}
}
