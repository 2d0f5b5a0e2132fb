package kuaishou2021_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/modelfile"
)

// TestAsOf values the report's model as of dates from testdata/market.csv: its rows of
// 2021-03-02 are the report's closes and market values (Tables 11-13) and its FX rates;
// the later rows are invented for the test, and say so.
//
//   - 2021-03-03, the report's date: every comparable's latest quote is of 2021-03-02, the
//     report's own figures (which win the tie, with their printed multiples): HK$404.6 as
//     printed (Table 14), and no stale quote (one day old).
//   - 2021-03-09: each market value is 1.1 × the printed P/MAU × the metric, so each
//     company's multiple, each set's average, each part and the sum are 1.1 times the
//     report's, and the target 1.1 × 404.5590 = 445.0149: HK$445.0. Kuaishou (1024.HK)
//     closes at 300, the price from then on (the report's HK$319 before): upside
//     445.0149 / 300 - 1 = 48.3%.
//   - 2021-03-16: USD/HKD moves from 7.7 to 7.8, and every part is priced in USD:
//     445.0149 × 7.8 / 7.7 = 450.7943: HK$450.8. CNY/HKD (of 03-02) is 14 days old: a
//     stale quote; the closes of 03-09 are 7, not more than the 7 allowed.
//   - 2021-03-01: before every quote, the report's own figures of 03-02 cannot be used:
//     an error naming the comparable.
func TestAsOf(t *testing.T) {
	mk, err := modelfile.LoadMarket("testdata/market.csv")
	if err != nil {
		t.Fatal(err)
	}
	base := kuaishou2021.Model()
	base.Market = mk
	report, err := kuaishou2021.Model().Value()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		date, target, upside string
		stale                []string
	}{
		{"2021-03-03", "404.6", "26.8", nil}, // 404.5590 / 319 - 1, as westsec-2021-figures.md works the upside
		{"2021-03-09", "445.0", "48.3", nil},
		{"2021-03-16", "450.8", "50.3", []string{"FX CNY/HKD is of 2021-03-02, 14 days before 2021-03-16 (more than 7)"}},
	} {
		m := base
		m.AsOf = c.date
		r, err := m.Value()
		if err != nil {
			t.Fatalf("as of %s: %v", c.date, err)
		}
		if got, up := r.Target.StringFixed(1), r.Upside.Decimal.Shift(2).StringFixed(1); got != c.target || up != c.upside || r.AsOf != c.date {
			t.Errorf("as of %s: target %s (%s), upside %s%% as of %q, want %s, %s%%", c.date, got, r.Target, up, r.AsOf, c.target, c.upside)
		}
		var stale []string
		for _, w := range r.Warnings {
			if w.Code == valuation.WarnStaleQuote {
				stale = append(stale, w.Message)
			}
		}
		if strings.Join(stale, "\n") != strings.Join(c.stale, "\n") {
			t.Errorf("as of %s: stale quotes %q, want %q", c.date, stale, c.stale)
		}
	}
	// On the report's date the result is the report's, figure for figure.
	m := base
	m.AsOf = "2021-03-03"
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	if !r.Target.Equal(report.Target) || !r.Sum.Equal(report.Sum) {
		t.Errorf("as of 2021-03-03: target %s, sum %s; the report's model gives %s, %s", r.Target, r.Sum, report.Target, report.Sum)
	}
	m.AsOf = "2021-03-01"
	if _, err := m.Value(); err == nil || !strings.Contains(err.Error(), "no quote on or before 2021-03-01") {
		t.Errorf("as of 2021-03-01: %v, want an error: no quote on or before the date", err)
	}
}

// TestAsOfEdges: the report's model as of a date, at its edges.
func TestAsOfEdges(t *testing.T) {
	mk, err := modelfile.LoadMarket("testdata/market.csv")
	if err != nil {
		t.Fatal(err)
	}
	// Without a market, a date before the report's figures is refused, as with one: the
	// closes of 2021-03-02 are not known on 2020-01-01.
	m := kuaishou2021.Model()
	m.AsOf = "2020-01-01"
	if _, err := m.Value(); err == nil || !strings.Contains(err.Error(), "no quote on or before 2020-01-01") {
		t.Errorf("dated before its figures, no market: %v, want an error", err)
	}
	// A part cross-checked under its own method values as the model's part does: the
	// alternative's comparables are taken as of the model's date too.
	m = kuaishou2021.Model()
	m.Market, m.AsOf = mk, "2021-03-09"
	cc, err := m.CrossCheck(m.Parts[0])
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, v := range cc.Values {
		if v.Segment == r.Parts[0].Segment && v.Method == r.Parts[0].Method {
			n++
			if !v.Value.Valid || !v.Value.Decimal.Equal(r.Parts[0].Value) {
				t.Errorf("cross-check of %s by %s (chosen %v): %v, the model's part %s", v.Segment, v.Method, v.Chosen, v.Value, r.Parts[0].Value)
			}
		}
	}
	if n == 0 {
		t.Errorf("cross-check: no value of %s by %s in %v", r.Parts[0].Segment, r.Parts[0].Method, cc.Values)
	}
	// The price warns as the comparables do: as of 2021-04-30 it is the close of 03-09, 52
	// days old; and a quote of a ticker the model does not price is told, not dropped
	// silently (a review found both silent).
	typo, err := comps.NewMarket([]comps.Company{{Ticker: "HUYA UQ", Currency: comps.USD, Close: decimal.NewFromInt(30), AsOf: "2021-03-09"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		market     comps.Market
		date, code string
		message    string
	}{
		{mk, "2021-04-30", valuation.WarnStaleQuote, "the price is of 2021-03-09, 52 days before 2021-04-30"},
		{typo, "2021-03-09", valuation.WarnUnusedQuote, `the market quotes "HUYA UQ", which the model does not use`},
	} {
		m = kuaishou2021.Model()
		m.Market, m.AsOf = c.market, c.date
		r, err := m.Value()
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(r.Warnings, func(w valuation.Warning) bool { return w.Code == c.code && strings.HasPrefix(w.Message, c.message) }) {
			t.Errorf("as of %s: warnings %v, want %s: %s", c.date, r.Warnings, c.code, c.message)
		}
		p, err := m.Prepare(valuation.PrepareOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(p.Result().Warnings, func(w valuation.Warning) bool { return w.Code == c.code }) {
			t.Errorf("prepared as of %s: warnings %v, want %s too", c.date, p.Result().Warnings, c.code)
		}
	}
	// A quote of the company's own market value, with no close, leaves the price.
	own, err := comps.NewMarket([]comps.Company{{Ticker: "1024.HK", Currency: comps.HKD, MarketValue: decimal.NewFromInt(1300000), AsOf: "2021-03-03"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	m = kuaishou2021.Model()
	m.Market, m.AsOf = own, "2021-03-03"
	if r, err := m.Value(); err != nil || !r.Price.Equal(decimal.NewFromInt(319)) || r.Rating == "" {
		t.Errorf("a quote without a close: price %s, rating %q, %v; want 319 and a rating", r.Price, r.Rating, err)
	}
}
