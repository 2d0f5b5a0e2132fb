package files_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/files"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
)

var d = decimal.RequireFromString

// TestLoadModel: a model file whose comparables come from a CSV beside it.
func TestLoadModel(t *testing.T) {
	m, err := files.LoadModel("../../modelfile/testdata/model.json")
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	// Peers in USD per MAU: AAA 30 × 600 / 3 = 6,000 over 200m = 30; Bravo's printed
	// HK$310 = US$40 less the inverse rate's rounding; CCC 1,500 / 50 = 30. Median 30;
	// × 100m MAU × 7.75 = HK$23,250m over 1,000m shares.
	if p := r.Parts[0]; !p.Multiple.Value.Equal(d("30")) || !p.Value.Equal(d("23250")) || !r.Target.Equal(d("23.25")) {
		t.Errorf("multiple %s value %s target %s", p.Multiple.Value, p.Value, r.Target)
	}
	if got := r.Parts[0].Multiple.Companies[1]; !got.Printed || !got.Multiple.Round(10).Equal(d("40")) {
		t.Errorf("Bravo: %+v", got)
	}
}

func TestReadCSV(t *testing.T) {
	cs, err := files.LoadCompanies("../../modelfile/testdata/peers.csv")
	if err != nil {
		t.Fatal(err)
	}
	mau, rev := comps.MetricYear{Name: "mau", Year: 2021}, comps.MetricYear{Name: "revenue", Year: 2021}
	want := comps.Company{Ticker: "AAA US", Name: "Alpha ADS", Currency: comps.USD, Close: d("30"), Shares: d("600"),
		ADSRatio: d("3"), Reporting: comps.CNY, Metrics: map[comps.MetricYear]decimal.Decimal{rev: d("13000"), mau: d("200")},
		AsOf: "2021-03-02", Source: "made up: an ADS of 3 shares"}
	if diff := cmp.Diff(want, cs[0], cmp.Comparer(decimal.Decimal.Equal)); diff != "" {
		t.Errorf("first row (-want +got)\n%s", diff)
	}
	if len(cs) != 3 || !cs[1].Multiples[mau].Equal(d("310")) || !cs[2].MarketValue.Equal(d("1500")) {
		t.Errorf("rows: %+v", cs)
	}
}

// TestHostileCSV: malformed comparables files are errors naming the line and column.
func TestHostileCSV(t *testing.T) {
	const head = "ticker,currency,market_value,mau_2021\n"
	for _, c := range []struct {
		name, csv string
		want      error
		at        string
	}{
		{"empty file", "", fault.ErrSyntax, ""},
		{"unknown column", "ticker,currency,colour\n", fault.ErrUnknownField, `line 1, column "colour"`},
		{"duplicate column", "ticker,currency,currency\n", fault.ErrDuplicateKey, `line 1, column "currency"`},
		{"no currency column", "ticker,market_value\n", fault.ErrMissingField, "line 1, column currency"},
		{"ragged row", head + "A,USD,1\n", fault.ErrSyntax, "line 2"},
		{"float syntax", head + "A,USD,1.5.2,10\n", fault.ErrDecimal, "line 2, column market_value"},
		{"huge exponent", head + "A,USD,1e1000000000,10\n", fault.ErrDecimal, "line 2, column market_value"},
		{"huge exponent in range of int32", head + "A,USD,1e999,10\n", fault.ErrDecimal, "line 2, column market_value"},
		{"NaN", head + "A,USD,NaN,10\n", fault.ErrDecimal, "line 2, column market_value"},
		{"zero ADS ratio", "ticker,currency,close,shares,ads_ratio,mau_2021\nA,USD,10,100,0,10\n", fault.ErrInvalid, "line 2, column ads_ratio"},
		{"no market value", head + "A,USD,,10\n", fault.ErrInvalid, "line 2, column market_value"},
		{"empty ticker", head + ",USD,1,10\n", fault.ErrInvalid, "line 2, column ticker"},
		{"bad date", "ticker,currency,market_value,as_of\nA,USD,1,2021-02-30\n", fault.ErrInvalid, "line 2, column as_of"},
		{"above the size limit", head + strings.Repeat("A,USD,1,10\n", files.MaxBytes/10), fault.ErrTooLarge, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := files.ReadCSV(strings.NewReader(c.csv))
			var e *fault.Error
			if !errors.Is(err, c.want) || !errors.As(err, &e) || !strings.HasPrefix(e.Path, c.at) {
				t.Errorf("error %v, want %v at %q", err, c.want, c.at)
			}
		})
	}
	// A zero MAU reads (it is data), and pricing it is a comps error naming the comparable.
	cs, err := files.ReadCSV(strings.NewReader(head + "A,USD,100,0\n"))
	if err != nil {
		t.Fatal(err)
	}
	set := comps.Set{Name: "s", Metric: comps.MetricYear{Name: "mau", Year: 2021}, Companies: cs}
	if _, err := set.Multiple(comps.FX{}); !errors.Is(err, fault.ErrNonPositive) || !strings.Contains(err.Error(), "A: mau 2021 0") {
		t.Errorf("zero MAU: %v", err)
	}
}

// TestHostileModel: each malformed model file is an error at the offending JSON path.
// The cases edit the shipped Kuaishou file.
func TestHostileModel(t *testing.T) {
	good := string(kuaishou2021.ModelFile())
	edit := kuaishouEdit(t)
	for _, c := range []struct {
		name, file string
		want       error
		at         string
	}{
		{"empty file", "", fault.ErrSyntax, "$"},
		{"not an object", "[]", fault.ErrType, "$"},
		{"truncated", good[:200], fault.ErrSyntax, "$.rating.bands[0]"},
		{"trailing data", good + "{}", fault.ErrSyntax, "$"},
		{"unknown field", edit(`"year": 2021,`, `"year": 2021, "yaer": 2021,`), fault.ErrUnknownField, "$.yaer"},
		{"duplicate key", edit(`"year": 2021,`, `"year": 2021, "year": 2022,`), fault.ErrDuplicateKey, "$.year"},
		{"missing field", edit(`"shares": "4159",`, ``), fault.ErrMissingField, "$.shares"},
		{"null", edit(`"shares": "4159"`, `"shares": null`), fault.ErrType, "$.shares"},
		{"number for a decimal", edit(`"shares": "4159"`, `"shares": 4159`), fault.ErrNumber, "$.shares"},
		{"float for a decimal", edit(`"paying_ratio": "0.118"`, `"paying_ratio": 0.118`), fault.ErrNumber,
			`$.plan.segments[0].inputs["2021"].paying_ratio`},
		{"huge exponent as a number", edit(`"shares": "4159"`, `"shares": 1e1000000000`), fault.ErrNumber, "$.shares"},
		{"huge exponent as a string", edit(`"shares": "4159"`, `"shares": "1e1000000000"`), fault.ErrDecimal, "$.shares"},
		{"tiny exponent", edit(`"shares": "4159"`, `"shares": "1e-31"`), fault.ErrDecimal, "$.shares"},
		{"too many digits", edit(`"shares": "4159"`, `"shares": "`+strings.Repeat("9", 41)+`"`), fault.ErrDecimal, "$.shares"},
		{"NaN", edit(`"shares": "4159"`, `"shares": NaN`), fault.ErrSyntax, "$.shares"},
		{"NaN string", edit(`"shares": "4159"`, `"shares": "NaN"`), fault.ErrDecimal, "$.shares"},
		{"Infinity", edit(`"shares": "4159"`, `"shares": "Infinity"`), fault.ErrDecimal, "$.shares"},
		{"negative FX tolerance", edit(`"shares": "4159"`, `"shares": "4159", "fx_tolerance": "-0.01"`), fault.ErrNegative, "$.fx_tolerance"},
		{"fractional year", edit(`"year": 2021`, `"year": 2021.0`), fault.ErrType, "$.year"},
		{"string for a year", edit(`"year": 2021`, `"year": "2021"`), fault.ErrType, "$.year"},
		{"year key not a year", edit(`"2018": {`, `"18x": {`), fault.ErrInvalid, `$.plan.users["18x"]`},
		{"unknown driver", edit(`"driver": "advertising"`, `"driver": "adverts"`), fault.ErrInvalid, "$.plan.segments[1].driver"},
		{"input of another driver", edit(`"revenue_per_dau": "136.5459"`, `"revenue_per_dau": "136.5459", "take_rate": "0.1"`), fault.ErrUnknownField,
			`$.plan.segments[1].inputs["2021"].take_rate`},
		{"misspelt input", edit(`"revenue_per_dau": "136.5459"`, `"revenue_pre_dau": "136.5459"`), fault.ErrUnknownField,
			`$.plan.segments[1].inputs["2021"].revenue_pre_dau`},
		{"missing input", edit(`"penetration": "0.45",`, ``), fault.ErrMissingField, `$.plan.segments[2].inputs["2021"].penetration`},
		{"no inputs for a year", edit(`"revenue_per_dau": "136.5459"`, ``), fault.ErrMissingField, `$.plan.segments[1].inputs["2021"].revenue_per_dau`},
		{"no driver", edit(`"driver": "advertising",`, ``), fault.ErrMissingField, "$.plan.segments[1].driver"},
		{"wrong format", edit(`"sotp/model/v1"`, `"sotp/model/v9"`), fault.ErrInvalid, "$.format"},
		{"unknown aggregate", edit(`"metric": "mau_2021",`, `"metric": "mau_2021", "aggregate": "mode",`), fault.ErrInvalid, "$.parts[0].comps.aggregate"},
		{"trim without trimmed", edit(`"metric": "mau_2021",`, `"metric": "mau_2021", "trim": "0.1",`), fault.ErrInvalid, "$.parts[0].comps.trim"},
		{"bad metric key", edit(`"metric": "mau_2021",`, `"metric": "mau 2021",`), fault.ErrMetricKey, "$.parts[0].comps.metric"},
		{"zero ADS ratio", edit(`"ticker": "HUYA US",`, `"ticker": "HUYA US", "ads_ratio": "0",`), fault.ErrInvalid, "$.parts[0].comps.companies[0].ads_ratio"},
		{"companies and a file", edit(`"metric": "mau_2021",`, `"metric": "mau_2021", "file": "x.csv",`), fault.ErrInvalid, "$.parts[0].comps.companies"},
		{"rating floors out of order", edit(`"floor": "0.05"`, `"floor": "0.5"`), fault.ErrInvalid, "$.rating.bands[1].floor"},
		{"empty rating", edit(`"rating": "Buy"`, `"rating": ""`), fault.ErrInvalid, "$.rating.bands[0].rating"},
		{"symbol of a bad currency", edit(`"HKD": "HK$"`, `"hkd": "HK$"`), fault.ErrCurrency, "$.symbols.hkd"},
		{"long symbol", edit(`"HKD": "HK$"`, `"HKD": "HK$$$$$$$$"`), fault.ErrInvalid, "$.symbols.HKD"},
		{"unknown P&L kind", edit(`"kind": "cost_of_sales"`, `"kind": "cogs"`), fault.ErrInvalid, "$.earnings.lines[0].kind"},
		{"amount and ratio", edit(`"amount": "14498.4"`, `"amount": "14498.4", "ratio": "0.7"`), fault.ErrInvalid, `$.earnings.lines[0].years["2018"]`},
		{"of with an amount", edit(`"amount": "14498.4"`, `"amount": "14498.4", "of": "live_streaming"`), fault.ErrInvalid, `$.earnings.lines[0].years["2018"].of`},
		// The reader decodes into the format's types as it reads, so nesting stops at the
		// first value the format does not allow, however deep the rest would go.
		{"nested too deep", strings.Repeat("[", 100) + strings.Repeat("]", 100), fault.ErrType, "$"},
		{"nested too deep in a field", edit(`"fx": [`, `"fx": [`+strings.Repeat("[", 1000)), fault.ErrType, "$.fx[0]"},
		{"above the size limit", good + strings.Repeat(" ", files.MaxBytes), fault.ErrTooLarge, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := files.Decode(strings.NewReader(c.file))
			if err == nil {
				_, err = f.Model(nil)
			}
			var e *fault.Error
			if !errors.Is(err, c.want) || !errors.As(err, &e) || !strings.HasPrefix(e.Path, c.at) {
				t.Errorf("error %v, want %v at %s", err, c.want, c.at)
			}
		})
	}
}

// TestLoadErrors: errors found by valuing the loaded model name the file and the path.
func TestLoadErrors(t *testing.T) {
	good := string(kuaishou2021.ModelFile())
	dir := t.TempDir()
	for _, c := range []struct {
		name, old, new string
		want           []error
		at             string
	}{
		{"comparable with zero MAU", `"mau_2021": "188.4"`, `"mau_2021": "0"`, []error{fault.ErrNonPositive}, "$.parts[0].comps.companies[0]"},
		// The set's currency is its first company's, EUR; DouYu's USD has no rate to it.
		{"currency without a rate", `"currency": "USD",`, `"currency": "EUR",`, []error{fault.ErrNoRate}, "$.parts[0].comps.companies[1]"},
		{"paying ratio above 1", `"paying_ratio": "0.118"`, `"paying_ratio": "1.18"`, []error{fault.ErrRate},
			`$.plan.segments[0].inputs["2021"].paying_ratio`},
		{"DAU above MAU", `"dau": "344"`, `"dau": "600"`, []error{fault.ErrDAUAboveMAU}, `$.plan.users["2021"].dau`},
		{"zero shares", `"shares": "4159"`, `"shares": "0"`, []error{fault.ErrShares}, "$.shares"},
		{"DAU at per-MAU multiples", "\"segment\": \"advertising\",\n      \"method\": \"P/MAU\",\n      \"metric\": \"mau\"",
			"\"segment\": \"advertising\",\n      \"method\": \"P/DAU\",\n      \"metric\": \"dau\"", []error{fault.ErrMismatch}, "$.parts[1].metric"},
		{"P&L cost ratio out of range", `"ratio": "0.56738"`, `"ratio": "5.6738"`, []error{fault.ErrRatio}, `$.earnings.lines[0].years["2020"].ratio`},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, "model.json")
			if err := os.WriteFile(path, []byte(strings.Replace(good, c.old, c.new, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := files.LoadModel(path)
			var e *fault.Error
			for _, w := range c.want {
				if !errors.Is(err, w) {
					t.Errorf("error %v, want errors.Is %v", err, w)
				}
			}
			if !errors.As(err, &e) || e.File != path || e.Path != c.at {
				t.Errorf("error %v: file %q path %q, want %q %q", err, e.File, e.Path, path, c.at)
			}
		})
	}
}

// TestCompsFileEscape: a model may read comparables only from its own directory.
func TestCompsFileEscape(t *testing.T) {
	dir := t.TempDir()
	model, err := os.ReadFile("../../modelfile/testdata/model.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"../peers.csv", "/etc/passwd", "missing.csv", "peers.txt"} {
		path := filepath.Join(dir, "model.json")
		if err := os.WriteFile(path, bytes.Replace(model, []byte(`"peers.csv"`), []byte(`"`+name+`"`), 1), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := files.LoadModel(path); err == nil {
			t.Errorf("comparables file %q: no error", name)
		}
	}
}

func TestDecodeCompanies(t *testing.T) {
	doc := `{"format": "sotp/comps/v1", "companies": [
	  {"ticker": "A", "currency": "USD", "market_value": "100", "metrics": {"mau_2021": "10"}, "multiples": {"mau_2021": "9.5"}}]}`
	cs, err := files.DecodeCompanies(strings.NewReader(doc))
	mau := comps.MetricYear{Name: "mau", Year: 2021}
	if err != nil || len(cs) != 1 || !cs[0].Metrics[mau].Equal(d("10")) || !cs[0].Multiples[mau].Equal(d("9.5")) {
		t.Errorf("DecodeCompanies = %+v, %v", cs, err)
	}
	for _, bad := range []struct{ doc, at string }{
		{`{"format": "sotp/comps/v1", "companies": [{"ticker": "A", "currency": "USD", "market_value": "100", "metrics": {"mau": "10"}}]}`, "$.companies[0].metrics"},
		{`{"format": "sotp/comps/v1", "companies": [{"ticker": "A", "currency": "USD", "market_value": 100, "metrics": {}}]}`, "$.companies[0].market_value"},
		{`{"format": "sotp/comps/v1"}`, "$.companies"},
	} {
		_, err := files.DecodeCompanies(strings.NewReader(bad.doc))
		var e *fault.Error
		if !errors.As(err, &e) || e.Path != bad.at {
			t.Errorf("%s: %v, want an error at %s", bad.doc, err, bad.at)
		}
	}
}

// TestRoundTrip: every file the tests read encodes back to its own bytes.
func TestRoundTrip(t *testing.T) {
	for _, name := range []string{"../../modelfile/testdata/model.json"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := files.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := files.Encode(&out, f); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(b), out.String()); diff != "" {
			t.Errorf("%s (-file +encoded)\n%s", name, diff)
		}
	}
	// Decimals keep their text: "7.70" stays "7.70".
	x, err := files.ParseDecimal("7.70")
	if err != nil || x.String() != "7.70" || !x.Equal(d("7.7")) {
		t.Errorf("ParseDecimal(7.70) = %s, %v", x, err)
	}
}

func TestFromModelUnsupported(t *testing.T) {
	m := kuaishou2021.Model()
	m.Parts = append([]valuation.Part(nil), m.Parts...)
	m.Parts[0].Method = otherMethod{}
	if _, err := files.FromModel(m); !errors.Is(err, fault.ErrUnsupported) || !strings.Contains(err.Error(), "$.parts[0]") {
		t.Errorf("custom method: %v", err)
	}
}

type otherMethod struct{ valuation.Multiple }

// TestFromModelDrivers: a file names a driver's kind, not its formulas, so a driver whose
// Spec is not the shipped one of its kind is not written, and a shipped one moved by
// segments.With (a Generic) is written as its kind.
func TestFromModelDrivers(t *testing.T) {
	moved := func(edit func(d segments.Driver) segments.Driver) valuation.Model {
		m := kuaishou2021.Model().Clone()
		s := m.Plan.Segments[1]
		s.Drivers[2021] = edit(s.Drivers[2021])
		return m
	}
	generic := moved(func(dr segments.Driver) segments.Driver {
		g, _ := segments.With(dr, segments.RevenuePerDAU, d("137"))
		return g
	})
	f, err := files.FromModel(generic)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Plan.Segments[1].Inputs[2021]["revenue_per_dau"]; got.String() != "137" || f.Plan.Segments[1].Driver != "advertising" {
		t.Errorf("moved driver written as %s %v", f.Plan.Segments[1].Driver, f.Plan.Segments[1].Inputs[2021])
	}
	for name, edit := range map[string]func(d segments.Driver) segments.Driver{
		"other formula": func(d segments.Driver) segments.Driver {
			s := d.Spec()
			s.Lines[2].Formula = segments.Mul(segments.Ref(segments.MAU), segments.Ref(segments.RevenuePerDAU))
			return segments.Generic{Model: s, In: d.Values()}
		},
		"unknown kind": func(d segments.Driver) segments.Driver {
			s := d.Spec()
			s.Kind = "barter"
			return segments.Generic{Model: s, In: d.Values()}
		},
	} {
		if _, err := files.FromModel(moved(edit)); !errors.Is(err, fault.ErrUnsupported) || !strings.Contains(err.Error(), "$.plan.segments[1]") {
			t.Errorf("%s: %v, want ErrUnsupported at $.plan.segments[1]", name, err)
		}
	}
}

// BenchmarkDecodeKuaishou decodes the shipped model file and builds the model.
func BenchmarkDecodeKuaishou(b *testing.B) {
	file := kuaishou2021.ModelFile()
	b.SetBytes(int64(len(file)))
	b.ReportAllocs()
	for b.Loop() {
		f, err := files.Decode(bytes.NewReader(file))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.Model(nil); err != nil {
			b.Fatal(err)
		}
	}
}

// TestFXToleranceRoundTrip: a model's FX tolerance and a part's proxy are written to its
// file and read back.
func TestFXToleranceRoundTrip(t *testing.T) {
	m := kuaishou2021.Model()
	m.FXTolerance = d("0.01")
	m.Parts = slices.Clone(m.Parts)
	ads := m.Parts[1].Method.(valuation.Multiple)
	ads.Proxy = true
	m.Parts[1].Method = ads
	f, err := files.FromModel(m)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := files.Encode(&b, f); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"fx_tolerance": "0.01"`) {
		t.Fatalf("no fx_tolerance written:\n%s", b.String())
	}
	back, err := files.Read(&b, nil)
	if err != nil || !back.FXTolerance.Equal(m.FXTolerance) || !back.Parts[1].Method.(valuation.Multiple).Proxy {
		t.Errorf("read back: %s, %+v, %v", back.FXTolerance, back.Parts[1].Method, err)
	}
}
