package earnings_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/earnings"
	"github.com/sotpkit/sotp/valuation/fault"
)

var d = decimal.RequireFromString

// forecast is a two-year, two-segment forecast: live streaming 100m MAU × 10% × 50 × 12
// = 6,000 then 7,200 (120m MAU); advertising 50m DAU × 40 = 2,000 then 60m × 50 = 3,000.
// Revenue 8,000 then 10,200.
func forecast(t *testing.T) segments.Forecast {
	t.Helper()
	p := segments.Plan{
		Currency: "CNY", Years: []int{2025, 2026},
		Users: map[int]segments.Users{2025: {MAU: d("100"), DAU: d("50")}, 2026: {MAU: d("120"), DAU: d("60")}},
		Segments: []segments.Segment{
			{Name: "live", Drivers: map[int]segments.Driver{
				2025: segments.LiveStreaming{PayingRatio: d("0.1"), MonthlyARPPU: d("50")},
				2026: segments.LiveStreaming{PayingRatio: d("0.1"), MonthlyARPPU: d("50")}}},
			{Name: "ads", Drivers: map[int]segments.Driver{
				2025: segments.Advertising{RevenuePerDAU: d("40")},
				2026: segments.Advertising{RevenuePerDAU: d("50")}}},
		},
	}
	f, err := p.Forecast()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func plan() earnings.PnL {
	both := func(a, b earnings.Value) map[int]earnings.Value { return map[int]earnings.Value{2025: a, 2026: b} }
	return earnings.PnL{
		Lines: []earnings.LineItem{
			// Streamers take 50% of live revenue: 3,000 then 3,600.
			{Name: "streamers", Label: "Revenue share", Kind: earnings.CostOfSales,
				Years: both(earnings.Ratio(d("0.5"), "live"), earnings.Ratio(d("0.5"), "live"))},
			// Bandwidth 10% of revenue: 800 then 1,020.
			{Name: "bandwidth", Label: "Bandwidth", Kind: earnings.CostOfSales,
				Years: both(earnings.Ratio(d("0.1"), ""), earnings.Ratio(d("0.1"), ""))},
			// Marketing 4,000 as an amount, then 30% of 10,200 = 3,060.
			{Name: "marketing", Label: "Marketing", Kind: earnings.Expense,
				Years: both(earnings.Amount(d("4000")), earnings.Ratio(d("0.3"), ""))},
			// Finance: a cost of 200, then income of 60.
			{Name: "finance", Label: "Finance", Kind: earnings.Other,
				Years: both(earnings.Amount(d("-200")), earnings.Amount(d("60")))},
		},
		Shares: map[int]decimal.Decimal{2025: d("100"), 2026: d("100")},
		Equity: map[int]decimal.Decimal{2026: d("2000")},
	}
}

// TestStatement works a small P&L by hand.
func TestStatement(t *testing.T) {
	// Price 100 in a currency of which one reporting unit buys 1.25.
	st, err := plan().Statement(forecast(t), earnings.Pricing{Price: d("100"), Rate: d("1.25")})
	if err != nil {
		t.Fatal(err)
	}
	nd := decimal.NewNullDecimal
	want := []earnings.Period{
		{
			// 8,000 − (3,000 + 800) = 4,200 gross (52.5%); − 4,000 − 200 = 0 net: EPS 0,
			// so no P/E; P/S = 100 / (8,000 / 100 × 1.25) = 1.
			Year: 2025, Revenue: d("8000"),
			Lines: []earnings.LineValue{
				{Name: "streamers", Value: d("-3000"), Ratio: nd(d("0.375"))},
				{Name: "bandwidth", Value: d("-800"), Ratio: nd(d("0.1"))},
				{Name: "marketing", Value: d("-4000"), Ratio: nd(d("0.5"))},
				{Name: "finance", Value: d("-200"), Ratio: nd(d("0.025"))},
			},
			CostOfSales: d("3800"), GrossProfit: d("4200"), GrossMargin: nd(d("0.525")),
			NetProfit: d("0"), Shares: d("100"), EPS: d("0"), PS: nd(d("1")),
		},
		{
			// 10,200 − (3,600 + 1,020) = 5,580 gross (0.5470588...); − 3,060 + 60 = 2,580
			// net; EPS 25.8; growth from 0 not valid. P/E = 100 / (25.8 × 1.25) = 3.1007...;
			// BVPS 20, P/B = 100 / 25 = 4; P/S = 100 / (102 × 1.25) = 0.7843...
			Year: 2026, Revenue: d("10200"), RevenueGrowth: nd(d("0.275")),
			Lines: []earnings.LineValue{
				{Name: "streamers", Value: d("-3600"), Ratio: nd(d("0.3529411764705882"))},
				{Name: "bandwidth", Value: d("-1020"), Ratio: nd(d("0.1"))},
				{Name: "marketing", Value: d("-3060"), Ratio: nd(d("0.3"))},
				{Name: "finance", Value: d("60"), Ratio: nd(d("0.0058823529411765"))},
			},
			CostOfSales: d("4620"), GrossProfit: d("5580"), GrossMargin: nd(d("0.5470588235294118")),
			NetProfit: d("2580"), Shares: d("100"), EPS: d("25.8"), BVPS: nd(d("20")),
			PE: nd(d("3.1007751937984496")), PB: nd(d("4")), PS: nd(d("0.7843137254901961")),
		},
	}
	if diff := cmp.Diff(want, st.Years, cmp.Comparer(decimal.Decimal.Equal)); diff != "" {
		t.Errorf("statement (-want +got)\n%s", diff)
	}
}

// TestGrowth pins the convention for growth of a loss with the report's headline figures.
func TestGrowth(t *testing.T) {
	for _, c := range []struct{ cur, prev, want string }{
		{"-19652", "-12429", "-0.5811408801995333"}, // a wider loss: -58%
		{"-7401", "-105883", "0.9301020938205378"},  // a narrower loss: +93%
		{"6338", "-7401", "1.8563707607080124"},     // profit after a loss: +186%
		{"125034", "89913", "0.3906109238930967"},   // the usual cur / prev − 1
		{"-10", "20", "-1.5"},                       // a loss after a profit
	} {
		g := earnings.Growth(d(c.cur), d(c.prev))
		if !g.Valid || !g.Decimal.Equal(d(c.want)) {
			t.Errorf("Growth(%s, %s) = %v, want %s", c.cur, c.prev, g, c.want)
		}
	}
	if g := earnings.Growth(d("5"), d("0")); g.Valid {
		t.Errorf("growth from zero is valid: %v", g)
	}
}

func TestStatementErrors(t *testing.T) {
	for _, c := range []struct {
		name   string
		edit   func(*earnings.PnL)
		want   error
		naming string
	}{
		{"cost ratio above the range", func(p *earnings.PnL) { p.Lines[2].Years[2026] = earnings.Ratio(d("7"), "") }, fault.ErrRatio, "marketing 2026: ratio 7"},
		{"negative cost ratio", func(p *earnings.PnL) { p.Lines[1].Years[2025] = earnings.Ratio(d("-0.1"), "") }, fault.ErrRatio, "bandwidth 2025: ratio -0.1"},
		{"negative cost amount", func(p *earnings.PnL) { p.Lines[2].Years[2025] = earnings.Amount(d("-4000")) }, fault.ErrNegative, "marketing 2025: amount -4000"},
		{"other ratio below the range", func(p *earnings.PnL) { p.Lines[3].Years[2025] = earnings.Ratio(d("-6"), "") }, fault.ErrRatio, "finance 2025: ratio -6"},
		{"ratio of an unknown segment", func(p *earnings.PnL) { p.Lines[0].Years[2026] = earnings.Ratio(d("0.5"), "shop") }, fault.ErrBase, "streamers 2026: of shop"},
		{"a year missing", func(p *earnings.PnL) { delete(p.Lines[1].Years, 2026) }, fault.ErrMissing, "bandwidth 2026"},
		{"share count missing", func(p *earnings.PnL) { delete(p.Shares, 2026) }, fault.ErrMissing, "shares 2026"},
		{"zero share count", func(p *earnings.PnL) { p.Shares[2025] = decimal.Zero }, fault.ErrShares, "shares 2025 0"},
		{"negative share count", func(p *earnings.PnL) { p.Shares[2025] = d("-1") }, fault.ErrShares, "shares 2025 -1"},
		{"duplicate line", func(p *earnings.PnL) { p.Lines[1].Name = "streamers" }, fault.ErrLine, `streamers: name "streamers"`},
		{"no kind", func(p *earnings.PnL) { p.Lines[1].Kind = 0 }, fault.ErrLine, "bandwidth: kind 0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := plan()
			// Copy the maps the case edits.
			lines := make([]earnings.LineItem, len(p.Lines))
			for i, l := range p.Lines {
				years := map[int]earnings.Value{}
				for y, v := range l.Years {
					years[y] = v
				}
				l.Years = years
				lines[i] = l
			}
			p.Lines = lines
			p.Shares = map[int]decimal.Decimal{2025: d("100"), 2026: d("100")}
			c.edit(&p)
			_, err := p.Statement(forecast(t), earnings.Pricing{})
			var e *fault.Error
			if !errors.Is(err, c.want) || !errors.As(err, &e) || !strings.Contains(err.Error(), c.naming) {
				t.Errorf("error %v, want %v naming %q", err, c.want, c.naming)
			}
		})
	}
}

// TestPricingRefused: a negative price, or a price with a rate not above zero, is an
// error; such pricing gave a statement without multiples and no word of why.
func TestPricingRefused(t *testing.T) {
	f := segments.Forecast{Currency: "CNY", Years: []segments.Year{{Year: 2025, Revenue: d("1000")}}}
	p := earnings.PnL{Lines: []earnings.LineItem{{Name: "cost", Label: "Cost", Kind: earnings.CostOfSales, Years: map[int]earnings.Value{2025: earnings.Amount(d("500"))}}},
		Shares: map[int]decimal.Decimal{2025: d("100")}}
	for _, c := range []struct {
		m    earnings.Pricing
		want error
	}{
		{earnings.Pricing{Price: d("10"), Rate: d("0")}, fault.ErrBadRate},
		{earnings.Pricing{Price: d("10"), Rate: d("-1")}, fault.ErrBadRate},
		{earnings.Pricing{Price: d("-10"), Rate: d("1")}, fault.ErrPrice},
	} {
		if _, err := p.Statement(f, c.m); !errors.Is(err, c.want) {
			t.Errorf("pricing %s at %s: %v, want %v", c.m.Price, c.m.Rate, err, c.want)
		}
	}
	if _, err := p.Statement(f, earnings.Pricing{}); err != nil {
		t.Errorf("no pricing: %v, want a statement without multiples", err)
	}
}
