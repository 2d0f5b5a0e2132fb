package files_test

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/files"
)

// withMarket returns the report's model file with the members given added after its
// format, and the report's market file (valuation/kuaishou2021/testdata) beside it.
func withMarket(t *testing.T, members string) ([]byte, fstest.MapFS) {
	t.Helper()
	model, err := os.ReadFile("../../kuaishou2021/kuaishou2021.json")
	if err != nil {
		t.Fatal(err)
	}
	market, err := os.ReadFile("../../kuaishou2021/testdata/market.csv")
	if err != nil {
		t.Fatal(err)
	}
	model = bytes.Replace(model, []byte(`"format": "sotp/model/v1",`), []byte(`"format": "sotp/model/v1", `+members+`,`), 1)
	return model, fstest.MapFS{"market.csv": {Data: market}}
}

// TestMarketFile reads the report's model naming its market file, as of 2021-03-09:
// HK$445.0 at a price of 300 (valuation/kuaishou2021's TestAsOf works it by hand). The
// model writes with its market inline and reads back to the same result.
func TestMarketFile(t *testing.T) {
	b, fsys := withMarket(t, `"as_of": "2021-03-09", "max_quote_age": 3, "market": {"file": "market.csv"}`)
	m, err := files.Read(bytes.NewReader(b), fsys)
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	if r.Target.StringFixed(1) != "445.0" || !r.Price.Equal(d("300")) || r.AsOf != "2021-03-09" {
		t.Errorf("as of %s: target %s at %s, want 445.0 at 300 as of 2021-03-09", r.AsOf, r.Target, r.Price)
	}
	// With 3 days allowed, the FX rates of 03-02 are stale; the closes of 03-09 are not.
	if len(r.Warnings) != 2 || !strings.Contains(r.Warnings[0].Message, "FX USD/HKD is of 2021-03-02, 7 days before") {
		t.Errorf("warnings %v, want USD/HKD and CNY/HKD stale at 3 days", r.Warnings)
	}
	f, err := files.FromModel(m)
	if err != nil {
		t.Fatal(err)
	}
	if f.Market == nil || len(f.Market.Quotes) != 19 || f.AsOf != "2021-03-09" || f.MaxQuoteAge != 3 {
		t.Fatalf("written: market %v, as of %q, age %d; want 19 quotes inline", f.Market, f.AsOf, f.MaxQuoteAge)
	}
	var out bytes.Buffer
	if err := files.Encode(&out, f); err != nil {
		t.Fatal(err)
	}
	again, err := files.Value(bytes.NewReader(out.Bytes()), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Target.Equal(r.Target) || len(again.Warnings) != 2 {
		t.Errorf("written and read again: %s, %v; want %s and the same warnings", again.Target, again.Warnings, r.Target)
	}
}

// TestMarketFileErrors: bad market data is an error at its JSON path or CSV line.
func TestMarketFileErrors(t *testing.T) {
	for _, c := range []struct {
		name, members, csv string
		want               error
		at                 string
	}{
		{"a quote of both kinds", `"market": {"quotes": [{"date": "2021-03-02", "ticker": "X", "currency": "USD", "close": "1", "rate": "2"}]}`, "", fault.ErrInvalid, "$.market.quotes[0]"},
		{"a bad date", `"market": {"quotes": [{"date": "2021-03-02", "from": "USD", "to": "HKD", "rate": "7.7"}, {"date": "02/03/2021", "from": "USD", "to": "HKD", "rate": "7.7"}]}`, "", fault.ErrInvalid, "$.market.quotes[1]"},
		{"quotes and a file", `"market": {"file": "market.csv", "quotes": [{"date": "2021-03-02", "from": "USD", "to": "HKD", "rate": "7.7"}]}`, "", fault.ErrInvalid, "$.market.quotes"},
		{"a model's date before every quote", `"as_of": "2021-01-04", "market": {"file": "market.csv"}`, "", fault.ErrMissing, ""},
		{"an unknown column", `"market": {"file": "bad.csv"}`, "date,ticker,price\n", fault.ErrUnknownField, "line 1, column \"price\""},
		{"a bad close", `"market": {"file": "bad.csv"}`, "date,ticker,currency,close\n2021-03-02,X,USD,1\n2021-03-03,X,USD,abc\n", fault.ErrDecimal, "line 3, column close"},
		{"a ticker quoted twice on a day", `"market": {"file": "bad.csv"}`, "date,ticker,currency,close\n2021-03-02,X,USD,1\n2021-03-02,X,USD,2\n", fault.ErrDuplicateKey, `line 3: duplicate key: "X" quoted twice on 2021-03-02`},
		{"a pair quoted twice on a day", `"market": {"file": "bad.csv"}`, "date,from,to,rate\n2021-03-02,USD,HKD,7.7\n2021-03-02,HKD,USD,0.13\n", fault.ErrDuplicateKey, "line 3"},
		{"a quote's date of another shape", `"market": {"file": "bad.csv"}`, "date,ticker,currency,close\n2021-3-2,X,USD,1\n", fault.ErrInvalid, "line 2: invalid value: \"2021-3-2\" is not a date"},
		{"a market value and a rate", `"market": {"file": "bad.csv"}`, "date,ticker,market_value,rate\n2021-03-02,,100,7\n", fault.ErrInvalid, "not both, nor neither"},
		{"a rate out of bounds", `"market": {"file": "bad.csv"}`, "date,from,to,rate\n2021-03-01,USD,HKD,7.7\n2021-03-02,USD,HKD,0\n", fault.ErrBadRate, "line 3"},
		{"no date column", `"market": {"file": "bad.csv"}`, "ticker,currency,close\n", fault.ErrMissingField, "line 1, column date"},
		{"a bad date to value as of", `"as_of": "3 March 2021", "market": {"file": "market.csv"}`, "", fault.ErrInvalid, "$.as_of"},
		{"a negative age", `"as_of": "2021-03-03", "max_quote_age": -1, "market": {"file": "market.csv"}`, "", fault.ErrNegative, "$.max_quote_age"},
	} {
		b, fsys := withMarket(t, c.members)
		fsys["bad.csv"] = &fstest.MapFile{Data: []byte(c.csv)}
		_, err := files.Value(bytes.NewReader(b), fsys)
		var fe *fault.Error
		if !errors.Is(err, c.want) || !errors.As(err, &fe) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
			continue
		}
		if c.at != "" && !strings.Contains(err.Error(), c.at) {
			t.Errorf("%s: %v, want it at %s", c.name, err, c.at)
		}
	}
}
