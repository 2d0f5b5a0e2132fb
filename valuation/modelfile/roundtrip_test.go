package modelfile_test

import (
	"bytes"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/modelfile"
)

// writeRead writes m, reads the file back and values both: Write's promise, a model
// that values as m does.
func writeRead(t *testing.T, m valuation.Model) (before, after valuation.Result) {
	t.Helper()
	before, err := m.Value()
	if err != nil {
		t.Fatalf("the model does not value: %v", err)
	}
	var b bytes.Buffer
	if err := modelfile.Write(&b, m); err != nil {
		t.Fatalf("Write: %v", err)
	}
	back, err := modelfile.Read(&b, nil)
	if err != nil {
		t.Fatalf("Read refuses what Write wrote: %v", err)
	}
	if after, err = back.Value(); err != nil {
		t.Fatalf("the model read back does not value: %v", err)
	}
	for _, k := range before.Keys() {
		a, errA := before.Lookup(k)
		b, errB := after.Lookup(k)
		if (errA == nil) != (errB == nil) || !a.Equal(b) {
			t.Errorf("%s: %s (%v), read back %s (%v)", k, a, errA, b, errB)
		}
	}
	return before, after
}

// withSet is the report's model with part i's comparables edited.
func withSet(i int, edit func(s *comps.Set)) valuation.Model {
	m := kuaishou2021.Model()
	m.Parts = slices.Clone(m.Parts)
	mm := m.Parts[i].Method.(valuation.Multiple)
	mm.Comps = mm.Comps.Clone()
	edit(&mm.Comps)
	m.Parts[i].Method = mm
	return m
}

// TestWriteReadsBack: models Write wrote as files Read refused or read otherwise: a
// bridge of a holding-company discount alone ("items": null), a rating scale of a
// rating below every band alone ("bands": null), a comparable without metrics in a set
// that skips it ("metrics": null), and a dilution at the target without tranches (the
// basis left out, read back at the value). Each now reads back and values as it did.
func TestWriteReadsBack(t *testing.T) {
	holdco := kuaishou2021.Model()
	holdco.Bridge = valuation.Bridge{HoldcoDiscount: decimal.RequireFromString("0.1")}
	writeRead(t, holdco)
	below := kuaishou2021.Model()
	below.Scale = valuation.Scale{Below: "Hold"}
	writeRead(t, below)
	writeRead(t, withSet(0, func(s *comps.Set) {
		c := s.Companies[0].Clone()
		c.Ticker, c.Metrics, c.Multiples = "NOMETRICS", nil, nil
		s.Companies, s.SkipUnpriced = append(s.Companies, c), true
	}))
	basis := kuaishou2021.Model()
	basis.Dilution = valuation.Dilution{Basis: valuation.AtTarget}
	if before, after := writeRead(t, basis); before.DilutionBasis != after.DilutionBasis {
		t.Errorf("dilution basis %v written and read back as %v", before.DilutionBasis, after.DilutionBasis)
	}
}

// TestWriteRefusesUnreadable: a model Go builds that a file cannot hold is an error
// naming the path, fault.ErrUnsupported, not a file Read then refuses: a comparable
// priced only by market data, an excluded one without a price, a symbol of 11
// characters, an empty tag, a share count of 41 digits.
func TestWriteRefusesUnreadable(t *testing.T) {
	priced := withSet(0, func(s *comps.Set) {
		c := &s.Companies[0]
		c.MarketValue, c.Close, c.Shares, c.AsOf, c.Multiples = decimal.Zero, decimal.Zero, decimal.Zero, "", nil
	})
	c0 := priced.Parts[0].Method.(valuation.Multiple).Comps.Companies[0]
	mk, err := comps.NewMarket([]comps.Company{{Ticker: c0.Ticker, Currency: c0.Currency, Close: decimal.NewFromInt(10), Shares: decimal.NewFromInt(1000), AsOf: "2021-03-01"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	priced.Market, priced.AsOf = mk, "2021-03-02"
	symbol, digits := kuaishou2021.Model(), kuaishou2021.Model()
	symbol.Symbols = map[comps.Currency]string{"HKD": "HK dollars "}
	digits.Shares = decimal.RequireFromString("4159.0000000000000000000000000000000000001")
	for name, c := range map[string]struct {
		m    valuation.Model
		path string
	}{
		"priced by the market": {priced, "$.parts[0].comps.companies[0].market_value"},
		"excluded, unpriced": {withSet(0, func(s *comps.Set) {
			c := s.Companies[0].Clone()
			c.Ticker, c.MarketValue, c.Close, c.Shares = "NOPRICE", decimal.Zero, decimal.Zero, decimal.Zero
			s.Companies, s.Exclude = append(s.Companies, c), map[string]string{"NOPRICE": "suspended"}
		}), "$.parts[0].comps.companies[2].market_value"},
		"symbol of 11 characters": {symbol, "$.symbols.HKD"},
		"empty tag":               {withSet(0, func(s *comps.Set) { s.Companies[0].Tags = []string{""} }), "$.parts[0].comps.companies[0].tags"},
		"41 digits":               {digits, "$.shares"},
	} {
		var b bytes.Buffer
		err := modelfile.Write(&b, c.m)
		if !errors.Is(err, fault.ErrUnsupported) || !strings.Contains(err.Error(), c.path) || b.Len() > 0 {
			t.Errorf("%s: %v (%d bytes written), want fault.ErrUnsupported at %s and nothing written", name, err, b.Len(), c.path)
		}
	}
}

// TestSchemaTakesEmptyEnums: Read takes a dilution's "basis": "" (the value) and a
// driver line's "display": "" (none), and so does the schema now; it refused them,
// against ModelSchema's promise that what it refuses Read refuses.
func TestSchemaTakesEmptyEnums(t *testing.T) {
	sch := compile(t)[modelfile.ModelSchemaID]
	bridge, err := os.ReadFile("testdata/bridge.json")
	if err != nil {
		t.Fatal(err)
	}
	growth, err := os.ReadFile("testdata/growth.json")
	if err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string]string{
		`"basis": ""`:               strings.Replace(string(bridge), `"tranches": [`, `"basis": "", "tranches": [`, 1),
		`driver line "display": ""`: strings.Replace(string(growth), `"formula": "prev(revenue`, `"display": "", "formula": "prev(revenue`, 1),
	} {
		_, rerr := modelfile.Read(strings.NewReader(doc), nil)
		if serr := valid(t, sch, []byte(doc)); serr != nil || rerr != nil {
			t.Errorf("%s: the schema says %v, Read %v", name, serr, rerr)
		}
	}
}
