package files_test

// Regression tests of issue 22 (a decoder five times as fast): what the strict decoder
// guarantees, pinned where the older tests left it unpinned, and benchmarks that part
// BenchmarkDecodeKuaishou into decoding and building the model.

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/files"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
)

// TestDecodeGuarantees: each edit of the Kuaishou file fails with its sentinel at exactly
// its path, with exactly its message: deep inside maps and arrays as at the top.
func TestDecodeGuarantees(t *testing.T) {
	good := string(kuaishou2021.ModelFile())
	edit := kuaishouEdit(t)
	deep := `$.plan.segments[0].inputs["2021"].paying_ratio`
	for _, c := range []struct {
		name, file string
		want       error
		at, msg    string // msg is what the error says after its sentinel
	}{
		{"duplicate key in a map in a map", edit(`"paying_ratio": "0.118"`, `"paying_ratio": "0.118", "paying_ratio": "0.118"`),
			fault.ErrDuplicateKey, deep, ""},
		{"duplicate key spelt with an escape", edit(`"paying_ratio": "0.118"`, `"paying_ratio": "0.118", "p\u0061ying_ratio": "0.118"`),
			fault.ErrDuplicateKey, deep, ""},
		{"duplicate year", edit(`"2021": {`, `"2021": {"mau": "1", "dau": "1"}, "2021": {`), fault.ErrDuplicateKey, `$.plan.users["2021"]`, ""},
		{"duplicate key in a map of strings", edit(`"HKD": "HK$"`, `"HKD": "HK$", "HKD": "HK$"`), fault.ErrDuplicateKey, "$.symbols.HKD", ""},
		{"duplicate key not an identifier", edit(`"HKD": "HK$"`, `"H K": "", "H K": ""`), fault.ErrDuplicateKey, `$.symbols["H K"]`, ""},
		{"null in an array of integers", edit(`"years": [`, `"years": [null, `), fault.ErrType, "$.plan.years[0]", "null, want integer"},
		{"null in an array of objects", edit(`"bands": [`, `"bands": [null, `), fault.ErrType, "$.rating.bands[0]", "null, want object"},
		{"null in a map of decimals", edit(`"paying_ratio": "0.118"`, `"paying_ratio": null`), fault.ErrType, deep, "null, want decimal string"},
		{"null in a map of strings", edit(`"HKD": "HK$"`, `"HKD": null`), fault.ErrType, "$.symbols.HKD", "null, want string"},
		{"null for an optional pointer", edit(`"price": "319"`, `"price": null`), fault.ErrType, "$.price", "null, want decimal string"},
		{"number in a map of decimals", edit(`"paying_ratio": "0.118"`, `"paying_ratio": 0.118`), fault.ErrNumber, deep, "0.118"},
		{"boolean for a string", edit(`"name": "Kuaishou"`, `"name": true`), fault.ErrType, "$.name", "boolean, want string"},
		{"string for a boolean", edit(`"inclusive": true`, `"inclusive": "true"`), fault.ErrType, "$.rating.bands[2].inclusive", "string, want boolean"},
		{"object for a decimal", edit(`"shares": "4159"`, `"shares": {}`), fault.ErrType, "$.shares", "object, want decimal string"},
		// The array is never read: the type is wrong at its first byte, however deep it goes.
		{"deep array for a decimal", edit(`"shares": "4159"`, `"shares": `+strings.Repeat("[", 100_000)), fault.ErrType, "$.shares", "array, want decimal string"},
		{"exponent for an integer", edit(`"year": 2021`, `"year": 2.021e3`), fault.ErrType, "$.year", "2.021e3, want an integer"},
		{"integer beyond int", edit(`"year": 2021`, `"year": 99999999999999999999`), fault.ErrType, "$.year", "99999999999999999999, want an integer"},
		{"one key too many", edit(`"symbols": {`, `"symbols": {`+keys(100)), fault.ErrTooLarge, "$.symbols.CNY", "more than 100 keys"},
		{"one element too many", edit(`"bands": [`, `"bands": [`+strings.Repeat(`{"rating": "A", "floor": "1"}, `, 20)),
			fault.ErrTooLarge, "$.rating.bands[20]", "more than 20 elements"},
		{"year with a leading zero", edit(`"2021": {`, `"02021": {`), fault.ErrInvalid, `$.plan.users["02021"]`, `key "02021" is not a year`},
		{"year with a sign", edit(`"2021": {`, `"+2021": {`), fault.ErrInvalid, `$.plan.users["+2021"]`, `key "+2021" is not a year`},
		{"negative year", edit(`"2021": {`, `"-1": {`), fault.ErrInvalid, `$.plan.users["-1"]`, `key "-1" is not a year`},
		{"empty year", edit(`"2021": {`, `"": {`), fault.ErrInvalid, `$.plan.users[""]`, `key "" is not a year`},
		{"year beyond int", edit(`"2021": {`, `"99999999999999999999": {`), fault.ErrInvalid, `$.plan.users["99999999999999999999"]`,
			`key "99999999999999999999" is not a year`},
		{"unknown key not an identifier", edit(`"year": 2021,`, `"year": 2021, "a.b": 1,`), fault.ErrUnknownField, `$["a.b"]`, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := files.Decode(strings.NewReader(c.file))
			var e *fault.Error
			if !errors.Is(err, c.want) || !errors.As(err, &e) || e.Pkg != "modelfile" || e.Path != c.at {
				t.Fatalf("error %v, want %v at %s", err, c.want, c.at)
			}
			if msg := strings.TrimPrefix(strings.TrimPrefix(e.Err.Error(), c.want.Error()), ": "); msg != c.msg && c.msg != "" {
				t.Errorf("error says %q, want %q", msg, c.msg)
			}
		})
	}
	if _, err := files.Decode(strings.NewReader(good)); err != nil {
		t.Fatal(err)
	}
}

// keys returns n distinct keys of a map of strings, K0 to K(n-1), each followed by a comma.
func keys(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `"K%d": "", `, i)
	}
	return b.String()
}

// TestDecodeEscapes: strings are read unescaped, keys matched unescaped; an escaped half
// of a surrogate pair, which encoding/json read as U+FFFD (so that "\ud800" and "\ufffd"
// were one text), is a syntax error.
func TestDecodeEscapes(t *testing.T) {
	edit := kuaishouEdit(t)
	f, err := files.Decode(strings.NewReader(edit(`"name": "Kuaishou"`, `"n\u0061me": "Kuai\"sh\u00f6u\ud83d\ude00\n"`)))
	if err != nil || f.Name != "Kuai\"shöu😀\n" {
		t.Errorf("name %q, %v; want %q", f.Name, err, "Kuai\"shöu😀\n")
	}
	for _, s := range []string{`\ud800`, `\udc00`, `\ud800\u0041`, `\ud800x`} {
		_, err := files.Decode(strings.NewReader(edit(`"name": "Kuaishou"`, `"name": "`+s+`"`)))
		var e *fault.Error
		if !errors.Is(err, fault.ErrSyntax) || !errors.As(err, &e) || !strings.HasPrefix(e.Path, "$.name (byte ") {
			t.Errorf("%s: %v, want a syntax error at $.name", s, err)
		}
	}
}

// TestSyntaxErrorBytes: a syntax error gives the byte the bad text starts at, and data
// after the document the byte it starts at.
func TestSyntaxErrorBytes(t *testing.T) {
	good := string(kuaishou2021.ModelFile())
	nan := strings.Replace(good, `"shares": "4159"`, `"shares": NaN`, 1)
	comma := strings.Replace(good, `"year": 2021,`, `"year": 2021`, 1)
	for _, c := range []struct {
		name, file, at string
	}{
		{"NaN", nan, fmt.Sprintf("$.shares (byte %d)", strings.Index(nan, "NaN"))},
		{"a second document", good + "\n  {}", fmt.Sprintf("$ (byte %d)", len(good)+3)},
		{"a stray byte", good + " x", fmt.Sprintf("$ (byte %d)", len(good)+1)},
		{"missing comma", comma, fmt.Sprintf("$ (byte %d)", strings.Index(comma, `"currency": "HKD"`))},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := files.Decode(strings.NewReader(c.file))
			var e *fault.Error
			if !errors.Is(err, fault.ErrSyntax) || !errors.As(err, &e) || e.Path != c.at {
				t.Errorf("error %v, want a syntax error at %s", err, c.at)
			}
		})
	}
}

// TestParseDecimalExact: ParseDecimal gives the value and exponent shopspring parses from
// the same text, on both sides of the 18 digits an int64 always holds, and keeps the text.
func TestParseDecimalExact(t *testing.T) {
	for _, s := range []string{
		"0", "-0", "0.00", "-0.0e5", "7.70", "4159", "-12.5", "3e2", "3E-2", "1.5e-30", "0001.2500",
		"123456789012345678", "-123456789012345678", "999999999999999999", "1234567890123456789",
		"9999999999999999999", "-9223372036854775808", "1234567890123456789012345.678901234567",
		"0.000000000000000000000000000001", "00000000000000000000000000000000000000000000000001",
		"-0.123456789012345678901234567890123456789e+5",
	} {
		got, err := files.ParseDecimal(s)
		if err != nil {
			t.Errorf("%s: %v", s, err)
			continue
		}
		want := decimal.RequireFromString(s)
		if !got.Equal(want) || got.Exponent() != want.Exponent() || got.Coefficient().Cmp(want.Coefficient()) != 0 || got.String() != s {
			t.Errorf("%s: got %s×10^%d (%q), want %s×10^%d", s, got.Coefficient(), got.Exponent(), got.String(), want.Coefficient(), want.Exponent())
		}
	}
	for _, s := range []string{"", "-", "1.", ".5", "1e", "1e12345", "+1", "1_0", "0x10", "1e-31", "1e31", strings.Repeat("9", 41)} {
		if _, err := files.ParseDecimal(s); !errors.Is(err, fault.ErrDecimal) {
			t.Errorf("%q: %v, want ErrDecimal", s, err)
		}
	}
}

// BenchmarkDecodeOnlyKuaishou decodes the shipped model file without building the
// model: the decoder's part of BenchmarkDecodeKuaishou.
func BenchmarkDecodeOnlyKuaishou(b *testing.B) {
	file := kuaishou2021.ModelFile()
	b.SetBytes(int64(len(file)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := files.Decode(bytes.NewReader(file)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkModelKuaishou builds the model of the decoded shipped file: f.Model's part of
// BenchmarkDecodeKuaishou.
func BenchmarkModelKuaishou(b *testing.B) {
	f, err := files.Decode(bytes.NewReader(kuaishou2021.ModelFile()))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.Model(nil); err != nil {
			b.Fatal(err)
		}
	}
}
