package files_test

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/files"
)

// TestBridgeFile reads testdata/bridge.json: a sum of US$8,000m, then cash +1,500, bonds
// -500, a listed stake 10m × HK$150 × 0.128 × 80% = +153.6, minorities -300: 8,853.6;
// less a 10% holdco discount, 7,968.24; diluted by 20m units and 100m options at US$5:
// price (7,968.24 + 500) / 1,120 = 7.5609... The file encodes back and reads again to the
// same target.
func TestBridgeFile(t *testing.T) {
	b, err := os.ReadFile("../../modelfile/testdata/bridge.json")
	if err != nil {
		t.Fatal(err)
	}
	m, err := files.Read(bytes.NewReader(b), nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	if !r.Equity.Equal(d("7968.24")) || r.Target.StringFixed(6) != "7.560929" {
		t.Errorf("equity %s, target %s; want 7968.24 and 7.560929 (8,468.24 / 1,120)", r.Equity, r.Target)
	}
	f, err := files.FromModel(m)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := files.Encode(&out, f); err != nil {
		t.Fatal(err)
	}
	back, err := files.Read(&out, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r2, err := back.Value(); err != nil || !r2.Target.Equal(r.Target) {
		t.Errorf("re-read: target %s, %v; want %s", r2.Target, err, r.Target)
	}
	// A year's horizon at 10%: 7.5609286 / 1.1 = 6.8735714.
	h, err := files.Read(strings.NewReader(strings.Replace(string(b), `"bridge": {`, `"horizon": {"rate": "0.1", "years": "1"}, "bridge": {`, 1)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rh, err := h.Value(); err != nil || rh.Target.StringFixed(6) != "6.873571" || !rh.Undiscounted.Equal(r.Target) {
		t.Errorf("with a horizon: %s (undiscounted %s), %v; want 6.873571", rh.Target, rh.Undiscounted, err)
	}
	// The dilution at the current price, US$6 (issue 23): both tranches in the money; the
	// options buy back 100 × 5 / 6 = 83.333333m shares, 1,000 + 20 + 16.666667 =
	// 1,036.666667m shares, 7,968.24 / 1,036.666667 = 7.686405. The basis encodes back.
	atPrice := strings.Replace(strings.Replace(string(b), `"dilution": {`, `"dilution": {"basis": "price",`, 1), `"shares":`, `"price": "6", "shares":`, 1)
	p, err := files.Read(strings.NewReader(atPrice), nil)
	if err != nil {
		t.Fatal(err)
	}
	rp, err := p.Value()
	if err != nil || rp.Target.StringFixed(6) != "7.686405" || rp.Diluted.StringFixed(6) != "1036.666667" {
		t.Errorf("at the price: %s on %s, %v; want 7.686405 on 1036.666667", rp.Target, rp.Diluted, err)
	}
	if f, err := files.FromModel(p); err != nil || f.Dilution.Basis != "price" {
		t.Errorf("encoded basis: %+v, %v", f.Dilution, err)
	}
}

// TestBridgeFileErrors: a bad bridge or dilution is an error at its JSON path.
func TestBridgeFileErrors(t *testing.T) {
	b, err := os.ReadFile("../../modelfile/testdata/bridge.json")
	if err != nil {
		t.Fatal(err)
	}
	edit := func(from, to string) string {
		if !strings.Contains(string(b), from) {
			t.Fatalf("no %q", from)
		}
		return strings.Replace(string(b), from, to, 1)
	}
	for _, c := range []struct {
		name, doc string
		want      error
		at        string
	}{
		{"negative debt", edit(`"amount": "500"`, `"amount": "-500"`), fault.ErrNegative, "$.bridge.items[1].amount"},
		{"unknown kind", edit(`"kind": "debt"`, `"kind": "loans"`), fault.ErrBridge, "$.bridge.items[1].kind"},
		{"a line the model works out as an item", edit(`"kind": "debt"`, `"kind": "holdco_discount"`), fault.ErrBridge, "$.bridge.items[1].kind"},
		{"a stake in a currency without a rate", edit(`"currency": "HKD", "shares"`, `"currency": "EUR", "shares"`), fault.ErrNoRate, "$.bridge.items[2].currency"},
		{"a listed stake with an amount", edit(`"shares": "10"`, `"amount": "1", "shares": "10"`), fault.ErrInvalid, "$.bridge.items[2]"},
		{"holdco discount of 100%", edit(`"holdco_discount": "0.1"`, `"holdco_discount": "1"`), fault.ErrRate, "$.bridge.holdco_discount"},
		{"stake discount of 100%", edit(`"discount": "0.2"`, `"discount": "1"`), fault.ErrRate, "$.bridge.items[2].discount"},
		{"negative options", edit(`"count": "100"`, `"count": "-100"`), fault.ErrNegative, "$.dilution.tranches[1]"},
		{"unknown field", edit(`"holdco_discount"`, `"holdco_discont"`), fault.ErrUnknownField, "$.bridge.holdco_discont"},
		{"horizon rate of 100%", edit(`"bridge": {`, `"horizon": {"rate": "1", "years": "1"}, "bridge": {`), fault.ErrRate, "$.horizon.rate"},
		{"horizon of 40 years", edit(`"bridge": {`, `"horizon": {"rate": "0.1", "years": "40"}, "bridge": {`), fault.ErrHorizon, "$.horizon.years"},
		// Both tranches are named "rsu": the key names the tranche, located at the first.
		{"a tranche's name twice", edit(`"name": "options"`, `"name": "rsu"`), fault.ErrDilution, "$.dilution.tranches[0]"},
		{"unknown dilution basis", edit(`"dilution": {`, `"dilution": {"basis": "market",`), fault.ErrDilution, "$.dilution.basis"},
	} {
		_, err := files.Read(strings.NewReader(c.doc), nil)
		var fe *fault.Error
		if !errors.Is(err, c.want) || !errors.As(err, &fe) || fe.Path != c.at {
			t.Errorf("%s: %v, want %v at %s", c.name, err, c.want, c.at)
		}
	}
}

// TestEnterpriseFile: a set of enterprise values in a model file, net debt given per
// comparable (inline here, a net_debt column in CSV): the same EV/S by hand as in
// valuation's TestEnterpriseValue, 2.5x on 800 of revenue (40m DAU × US$20) = 2,000.
func TestEnterpriseFile(t *testing.T) {
	b, err := os.ReadFile("../../modelfile/testdata/bridge.json")
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(string(b), `{"segment": "ads", "method": "P/MAU", "metric": "mau",
     "comps": {"name": "peers", "metric": "mau_2025",
       "companies": [{"ticker": "P", "currency": "USD", "market_value": "8000", "metrics": {"mau_2025": "100"}}]}}`,
		`{"segment": "ads", "method": "EV/S", "metric": "revenue",
     "comps": {"name": "ev peers", "metric": "revenue_2025", "money": true, "enterprise": true,
       "companies": [{"ticker": "A", "currency": "USD", "market_value": "1000", "net_debt": "200", "metrics": {"revenue_2025": "400"}},
                     {"ticker": "B", "currency": "USD", "market_value": "500", "net_debt": "-100", "metrics": {"revenue_2025": "200"}}]}}`, 1)
	if doc == string(b) {
		t.Fatal("the part to replace is not in bridge.json")
	}
	m, err := files.Read(strings.NewReader(doc), nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	if p := r.Parts[0]; !p.Enterprise || !p.Value.Equal(d("2000")) {
		t.Errorf("EV/S part %+v, want an enterprise value of 2000", p)
	}
	cs, err := files.ReadCSV(strings.NewReader("ticker,currency,market_value,net_debt,revenue_2025\nA,USD,1000,200,400\nB,USD,500,-100,200\n"))
	if err != nil || !cs[1].NetDebt.Equal(d("-100")) {
		t.Errorf("CSV net debt: %+v, %v", cs, err)
	}
}
