package workbook_test

// Models at the edges of what the workbook writes, each recalculated by LibreOffice and
// held to Model.Value: aggregates, excluded and unpriced peers, every bridge item and
// dilution basis with and without a horizon, fixed and formula parts, names that look
// like formulas, crossed currencies, a rating tie; and four cases the workbook once got
// wrong, each a test of its own.

import (
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/workbook"
)

// edgeCase is a model to write, recalculate and hold to sotp's result.
type edgeCase struct {
	name string
	m    valuation.Model
}

// agreeAll writes each case's workbook, has one LibreOffice process recalculate them all,
// and holds each book's parts, sum, equity, target, upside and rating, each set's
// aggregate and multiple and (with a P&L) the P&L's revenue and net profit to sotp's,
// to 1e-9 relative.
func agreeAll(t *testing.T, cases ...edgeCase) {
	t.Helper()
	dir := t.TempDir()
	paths := make([]string, len(cases))
	results := make([]valuation.Result, len(cases))
	for i, c := range cases {
		r, err := c.m.Value()
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		results[i], paths[i] = r, filepath.Join(dir, "case"+strconv.Itoa(i)+".xlsx")
		writeBook(t, c.m, paths[i])
	}
	recalcAll(t, paths...)
	for i, c := range cases {
		bookAgrees(t, c.name, c.m, results[i], paths[i])
	}
}

// bookAgrees is agreeAll's check of one recalculated book.
func bookAgrees(t *testing.T, name string, m valuation.Model, r valuation.Result, path string) {
	t.Helper()
	rows := sheetCSV(t, path, workbook.SOTP)
	cellOf := func(label string, prefix bool) (string, bool) {
		for _, row := range rows {
			if len(row) >= 6 && (row[0] == label || prefix && strings.HasPrefix(row[0], label)) {
				return row[5], true
			}
		}
		return "", false
	}
	check := func(label string, prefix bool, want decimal.Decimal) {
		t.Helper()
		s, ok := cellOf(label, prefix)
		v, isNum := cellNumber(s)
		if !ok || !isNum {
			t.Errorf("%s: SOTP row %q: %q (found %v), sotp %s", name, label, s, ok, want)
			return
		}
		near(t, name+": "+label, v, want)
	}
	for _, pv := range r.Parts {
		check(pv.Title, false, pv.Value)
	}
	check("Sum", false, r.Sum)
	if !m.Bridge.IsZero() {
		check("Equity (", true, r.Equity)
	}
	check("Target per share ("+string(m.Currency)+")", false, r.Target)
	if r.Upside.Valid {
		check("Upside", false, r.Upside.Decimal)
	}
	if s, _ := cellOf("Rating", false); s != string(r.Rating) {
		t.Errorf("%s: rating: LibreOffice %q, sotp %q", name, s, r.Rating)
	}
	var aggs, mults []float64
	for _, row := range sheetCSV(t, path, workbook.Comps) {
		if len(row) < 16 || !strings.HasPrefix(row[1], "Aggregate (") && !strings.HasPrefix(row[1], "Multiple: aggregate") {
			continue
		}
		v, ok := cellNumber(row[15])
		if !ok {
			t.Errorf("%s: Comps %q: %q", name, row[1], row[15])
		}
		if strings.HasPrefix(row[1], "Aggregate (") {
			aggs = append(aggs, v)
		} else {
			mults = append(mults, v)
		}
	}
	i := 0
	for k, p := range m.Parts {
		if _, ok := p.Method.(valuation.Multiple); !ok {
			continue
		}
		if i >= len(aggs) || i >= len(mults) {
			t.Fatalf("%s: Comps sheet: %d aggregates, none for part %d", name, len(aggs), k)
		}
		near(t, name+": aggregate of "+r.Parts[k].Segment, aggs[i], r.Parts[k].Multiple.Average)
		near(t, name+": multiple of "+r.Parts[k].Segment, mults[i], r.Parts[k].Multiple.Value)
		i++
	}
	if !m.Earnings.IsZero() {
		pnlAgrees(t, m, r, sheetCSV(t, path, workbook.PnL))
	}
}

// cellNumber reads a number of a sheet LibreOffice wrote as CSV, a percentage as a
// fraction; false for anything else (an error such as #VALUE!, a blank).
func cellNumber(s string) (float64, bool) {
	s = strings.ReplaceAll(s, ",", "")
	pct := strings.HasSuffix(s, "%")
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	if err != nil {
		return 0, false
	}
	if pct {
		v /= 100
	}
	return v, true
}

// withSet is the report's model with part's comparables edited.
func withSet(part int, edit func(*comps.Set)) valuation.Model {
	m := kuaishou2021.Model().Clone()
	m.Parts = slices.Clone(m.Parts)
	mm := m.Parts[part].Method.(valuation.Multiple)
	mm.Comps = mm.Comps.Clone()
	edit(&mm.Comps)
	m.Parts[part].Method = mm
	return m
}

// TestEdgesRecalculated: the report's model as it is and at 37 variations, recalculated
// by LibreOffice in one process, agree with sotp (agreeAll): its peers aggregated by
// median (of two and of three), harmonic, trimmed (a fifth of three, 0.49 of two),
// market-value-weighted and weighted means (a zero weight); a peer excluded, one skipped
// for a negative metric and one for a zero one; multiples worked out from closes and
// share counts (an ADS, an HK$ listing in a US$ set) at a premium; a set in CNY; a bridge
// of every item kind in three currencies with a holding-company discount on equity and
// on the stakes, diluted by options (two at one strike), units and two convertibles at
// the value, the target and the price, with no horizon and horizons of 1.5 and 2 years;
// a fixed negative part; formula parts of users, DAU, MAU, min, max and prev; titles
// that read as formulas; the model in US$ (CNY crossed through HK$, HK$ per US$
// inverted); an upside exactly on a rating's floor.
func TestEdgesRecalculated(t *testing.T) {
	d := decimal.RequireFromString
	cases := []edgeCase{{"base", kuaishou2021.Model()}}
	add := func(name string, m valuation.Model) { cases = append(cases, edgeCase{name, m}) }
	add("median of two", withSet(1, func(s *comps.Set) { s.Aggregate = comps.Median{} }))
	add("median of three", withSet(2, func(s *comps.Set) { s.Aggregate = comps.Median{} }))
	add("harmonic", withSet(2, func(s *comps.Set) { s.Aggregate = comps.Harmonic{} }))
	add("trimmed 0.2 of 3", withSet(2, func(s *comps.Set) { s.Aggregate = comps.Trimmed{Fraction: d("0.2")} }))
	add("trimmed 0.49 of 2", withSet(1, func(s *comps.Set) { s.Aggregate = comps.Trimmed{Fraction: d("0.49")} }))
	add("market-value weighted", withSet(2, func(s *comps.Set) { s.Aggregate = comps.MarketValueWeighted{} }))
	add("weighted", withSet(2, func(s *comps.Set) {
		s.Aggregate = comps.WeightedMean{Weights: map[string]decimal.Decimal{"PDD US": d("1"), "9988.HK": d("0"), "JD US": d("2.5")}}
	}))
	add("excluded", withSet(2, func(s *comps.Set) { s.Exclude = map[string]string{"9988.HK": "too big"} }))
	add("unpriced negative", withSet(2, func(s *comps.Set) {
		s.SkipUnpriced, s.Aggregate = true, comps.MarketValueWeighted{}
		s.Companies[1].Metrics = map[comps.MetricYear]decimal.Decimal{s.Metric: d("-5")}
	}))
	add("unpriced zero", withSet(2, func(s *comps.Set) {
		s.SkipUnpriced, s.Aggregate = true, comps.Median{}
		s.Companies[0].Metrics = map[comps.MetricYear]decimal.Decimal{s.Metric: d("0")}
	}))
	add("closes, an ADS, HK$ listing, premium", withSet(2, func(s *comps.Set) {
		for i := range s.Companies {
			s.Companies[i].Multiples = nil
		}
		s.Companies[0].MarketValue, s.Companies[0].Shares, s.Companies[0].ADSRatio = decimal.Decimal{}, d("5000"), d("4")
		s.Companies[1].Currency, s.Companies[1].MarketValue, s.Companies[1].Close, s.Companies[1].Shares = comps.HKD, decimal.Decimal{}, d("231"), d("21700")
		s.Premium = d("0.15")
	}))
	add("set in CNY", withSet(0, func(s *comps.Set) { s.Currency = comps.CNY }))
	for _, base := range []valuation.HoldcoBase{valuation.OnEquity, valuation.OnStakes} {
		for _, basis := range []valuation.DilutionBasis{valuation.AtValue, valuation.AtTarget, valuation.AtPrice} {
			for _, years := range []string{"0", "1.5", "2"} {
				m := kuaishou2021.Model().Clone()
				m.Bridge = valuation.Bridge{HoldcoDiscount: d("0.15"), HoldcoBase: base, Items: []valuation.Item{
					{Kind: valuation.Cash, Name: "cash", Currency: "CNY", Amount: d("60000")},
					{Kind: valuation.Debt, Name: "debt", Currency: "USD", Amount: d("3000")},
					{Kind: valuation.Leases, Name: "leases", Currency: "HKD", Amount: d("2000")},
					{Kind: valuation.ListedStake, Name: "listed", Currency: "USD", Shares: d("100"), Price: d("12.5"), Discount: d("0.2")},
					{Kind: valuation.UnlistedStake, Name: "unlisted", Currency: "CNY", Amount: d("9000"), Discount: d("0.3")},
					{Kind: valuation.Minority, Name: "minorities", Currency: "HKD", Amount: d("1500")},
					{Kind: valuation.Preferred, Name: "preferred", Currency: "USD", Amount: d("400")},
				}}
				m.Dilution = valuation.Dilution{Basis: basis, Tranches: []valuation.Tranche{
					{Name: "a", Count: d("150"), Strike: d("300")},
					{Name: "b", Count: d("100"), Strike: d("380")},
					{Name: "b2", Count: d("50"), Strike: d("380")},
					{Name: "rsu", Count: d("40")},
					{Name: "cb", Count: d("60"), Strike: d("420"), Convertible: true},
					{Name: "cb2", Count: d("30"), Strike: d("350"), Convertible: true},
				}}
				if years != "0" {
					m.Horizon = valuation.Horizon{Rate: d("0.11"), Years: d(years)}
				}
				add(strconv.Itoa(int(base))+"/"+basis.String()+"/"+years, m)
			}
		}
	}
	fixed := kuaishou2021.Model().Clone()
	fixed.Parts[0].Method = valuation.Fixed{Amount: d("-12345.678"), Enterprise: true}
	add("fixed negative", fixed)
	for _, text := range []string{"users * 10 + revenue", "dau * 3 - mau", "min(revenue, users * 100) / 2", "max(revenue * -1, 5) + prev(revenue, 7)"} {
		m := kuaishou2021.Model().Clone()
		m.Parts[2].Method = valuation.Expression{Formula: formulaOf(t, text)}
		add(text, m)
	}
	names := kuaishou2021.Model().Clone()
	names.Plan.Segments = slices.Clone(names.Plan.Segments)
	for i, title := range []string{`=SUM(A1)`, `Live "streaming" & 'ads'`, `Forecast!$B$2`} {
		names.Plan.Segments[i].Title = title
	}
	add("titles", names)
	usd := kuaishou2021.Model().Clone()
	usd.Currency, usd.Price, usd.Scale = comps.USD, d("45.5"), valuation.Scale{}
	add("in US$", usd)
	tie := kuaishou2021.Model().Clone()
	for i := range tie.Parts {
		tie.Parts[i].Method = valuation.Fixed{}
	}
	tie.Parts[0].Method = valuation.Fixed{Amount: tie.Shares.Mul(d("110"))}
	tie.Price = d("100")
	tie.Scale = valuation.Scale{Bands: []valuation.Band{{Rating: "Overweight", Floor: d("0.1")}}, Below: "Neutral"}
	add("upside on a floor", tie)
	agreeAll(t, cases...)
}

// TestTrimmedThirdRecalculated: a trimmed mean of a third (0.3333333333333333) of
// e-commerce's three peers: sotp drops floor(3 × f) = 0 from each end, in decimal (the
// mean, 459.03), where the workbook's TRIMMEAN(range, 2f) dropped one in LibreOffice,
// whose floor of n × p / 2 is taken near enough to 1 (the median, 294.98; a target of
// 342.05 for sotp's 404.56). The workbook now works the count out as sotp does.
func TestTrimmedThirdRecalculated(t *testing.T) {
	agreeAll(t, edgeCase{"trimmed third", withSet(2, func(s *comps.Set) {
		s.Aggregate = comps.Trimmed{Fraction: decimal.RequireFromString("0.3333333333333333")}
	})})
}

// TestRatingQuoteRecalculated: a rating with double quotes in its name: the rating
// formula's text was quoted as Go quotes (\"), which a spreadsheet does not read
// (LibreOffice: Err:508), not as a spreadsheet does ("").
func TestRatingQuoteRecalculated(t *testing.T) {
	m := kuaishou2021.Model().Clone()
	m.Scale = kuaishou2021.Scale()
	m.Scale.Bands = slices.Clone(m.Scale.Bands)
	m.Scale.Bands[0].Rating = `Buy "conviction"`
	agreeAll(t, edgeCase{"quoted rating", m})
}

// TestPnLNoSegmentStarted: in the plan's first year no segment has started (each
// starts the year after): sotp's P&L has revenue 0 and the year's costs, where the
// workbook wrote "=" as revenue, text, and #VALUE! below it.
func TestPnLNoSegmentStarted(t *testing.T) {
	m := kuaishou2021.Model().Clone()
	m.Plan.Segments = slices.Clone(m.Plan.Segments)
	for i := range m.Plan.Segments {
		m.Plan.Segments[i].Drivers = maps.Clone(m.Plan.Segments[i].Drivers)
		delete(m.Plan.Segments[i].Drivers, m.Plan.Years[0])
	}
	agreeAll(t, edgeCase{"no segment in the first year", m})
}

// TestOmitZeroUsersRecalculated: advertising on a model of its own whose DAU line, the
// platform's DAU × reach, is left out of the forecast when zero (OmitZero), at a reach
// of 0: sotp then reads the platform's DAU (segments.Year.LineOf finds no line of the
// segment's), and the workbook read the segment's zero cell. Both a formula part (10 ×
// DAU + revenue) and a part priced on DAU read it.
func TestOmitZeroUsersRecalculated(t *testing.T) {
	d := decimal.RequireFromString
	spec := segments.Spec{
		Kind: "reach_ads",
		Inputs: []segments.Input{
			{Metric: "reach", Label: "Reach", Unit: segments.Fraction, Range: segments.UnitRate},
			{Metric: "revenue_per_user", Label: "Revenue a user", Unit: segments.PerUser, Range: segments.NonNegative},
		},
		Lines: []segments.LineSpec{
			{Metric: "dau", Label: "Own DAU", Unit: segments.MillionUsers, OmitZero: true, Formula: formulaOf(t, "dau * reach")},
			{Metric: "revenue", Label: "Revenue", Unit: segments.Millions, Formula: formulaOf(t, "mau * revenue_per_user")},
		},
	}
	reach := func() valuation.Model {
		m := kuaishou2021.Model().Clone()
		m.Plan.Segments = slices.Clone(m.Plan.Segments)
		s := &m.Plan.Segments[1]
		s.Drivers = maps.Clone(s.Drivers)
		for y := range s.Drivers {
			s.Drivers[y] = segments.Generic{Model: spec, In: []decimal.Decimal{d("0"), d("50")}}
		}
		return m
	}
	formula, priced := reach(), reach()
	formula.Parts[1].Method = valuation.Expression{Formula: formulaOf(t, "10 * dau + revenue")}
	mm := priced.Parts[1].Method.(valuation.Multiple)
	mm.Metric, mm.Proxy, mm.Label = segments.DAU, true, "P/DAU"
	priced.Parts[1].Method = mm
	agreeAll(t, edgeCase{"formula of DAU", formula}, edgeCase{"priced on DAU", priced})
}
