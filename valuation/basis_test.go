package valuation_test

// Tests of issue 23, item 3: each part's basis, the subtotals, and where the bridge's
// claims are applied.

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
)

// mixed is the made-up platform with a second segment priced on EV/S: 40m DAU × US$20 =
// 800 of revenue at (1,000 + 200) / 400 = 3x: an enterprise value of 2,400, beside the
// advertising part's 8,000 of equity value. Cash 1,000 and debt 1,500.
func mixed() valuation.Model {
	m := platform()
	rev := comps.MetricYear{Name: "revenue", Year: 2025}
	ev := comps.Set{Name: "ev peers", Metric: rev, Money: true, Enterprise: true, Companies: []comps.Company{
		{Ticker: "E", Currency: "USD", MarketValue: d("1000"), NetDebt: d("200"), Metrics: map[comps.MetricYear]decimal.Decimal{rev: d("400")}}}}
	m.Plan.Segments = append(m.Plan.Segments, segments.Segment{Name: "shop", Title: "Shop",
		Drivers: map[int]segments.Driver{2025: segments.Advertising{RevenuePerDAU: d("20")}}})
	m.Parts = append(m.Parts, valuation.Part{Segment: "shop", Method: valuation.EVS(ev)})
	m.Bridge = valuation.Bridge{Items: []valuation.Item{
		{Kind: valuation.Cash, Name: "cash", Currency: "USD", Amount: d("1000")},
		{Kind: valuation.Debt, Name: "loans", Currency: "USD", Amount: d("1500")},
	}}
	return m
}

// TestPartBases: the sum splits into enterprise-value parts (2,400) and equity-value parts
// (8,000); the claims (+1,000 − 1,500) are applied to the enterprise values, 2,400 − 500 =
// 1,900 of equity from them, and the equity is 9,900, with no warning. The same claims on
// the platform alone, whose one part is an equity value, are a warning.
func TestPartBases(t *testing.T) {
	r, err := mixed().Value()
	if err != nil {
		t.Fatal(err)
	}
	if !r.EnterpriseParts.Equal(d("2400")) || !r.EquityParts.Equal(d("8000")) || !r.Equity.Equal(d("9900")) || len(r.Warnings) != 0 {
		t.Errorf("enterprise %s, equity parts %s, equity %s, warnings %v; want 2400, 8000, 9900, none",
			r.EnterpriseParts, r.EquityParts, r.Equity, r.Warnings)
	}
	text := r.Text()
	for _, row := range []string{"Enterprise-value parts", "Equity of the enterprise-value parts", "Equity-value parts"} {
		if !strings.Contains(text, row) {
			t.Errorf("the tables have no row %q", row)
		}
	}
	if !strings.Contains(text, "1,900") {
		t.Error("the bridge table does not give the equity of the enterprise-value parts, 1,900")
	}

	m := platform()
	m.Bridge = mixed().Bridge
	r, err = m.Value()
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Warnings) != 1 || r.Warnings[0].Code != valuation.WarnClaimsOnEquity || !strings.Contains(r.Warnings[0].Message, "debt: loans") {
		t.Errorf("claims on equity parts: warnings %v, want one %s naming the loans", r.Warnings, valuation.WarnClaimsOnEquity)
	}
	if !strings.Contains(r.Text(), "Warning: the bridge applies") {
		t.Error("the warning is not in the text")
	}
	m.Bridge = valuation.Bridge{Items: []valuation.Item{{Kind: valuation.ListedStake, Name: "stake", Currency: "USD", Shares: d("1"), Price: d("10")}}}
	if r, err := m.Value(); err != nil || len(r.Warnings) != 0 {
		t.Errorf("a stake added to equity parts: %v, %v; want no warning", r.Warnings, err)
	}
}

// TestReportWarningFree: the report's own practice, equity-value parts summed with no
// bridge, gives no warning, and all of its sum is equity-value parts.
func TestReportWarningFree(t *testing.T) {
	r, err := kuaishou2021.Model().Value()
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Warnings) != 0 || !r.EquityParts.Equal(r.Sum) || !r.EnterpriseParts.IsZero() {
		t.Errorf("warnings %v, equity parts %s of %s, enterprise %s", r.Warnings, r.EquityParts, r.Sum, r.EnterpriseParts)
	}
}
