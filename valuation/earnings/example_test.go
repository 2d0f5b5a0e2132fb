package earnings_test

import (
	"fmt"

	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/earnings"
)

// Build a small P&L from ratios on a one-segment forecast and print EPS and P/E. Revenue is
// 50m DAU × 40 = 2,000; costs are 40% + 30% + 10% of it, leaving 400 over 100m shares: EPS
// 4.00. At a price of 60 in a currency of which one reporting unit buys 1.25, P/E is
// 60 / (4 × 1.25) = 12.
func ExamplePnL_Statement() {
	d := decimal.RequireFromString
	f, err := segments.Plan{
		Currency: "CNY", Years: []int{2025},
		Users: map[int]segments.Users{2025: {MAU: d("100"), DAU: d("50")}},
		Segments: []segments.Segment{{Name: "ads", Drivers: map[int]segments.Driver{
			2025: segments.Advertising{RevenuePerDAU: d("40")}}}},
	}.Forecast()
	if err != nil {
		fmt.Println(err)
		return
	}
	ratio := func(r string) map[int]earnings.Value { return map[int]earnings.Value{2025: earnings.Ratio(d(r), "")} }
	p := earnings.PnL{
		Lines: []earnings.LineItem{
			{Name: "cost_of_sales", Label: "Cost of sales", Kind: earnings.CostOfSales, Years: ratio("0.4")},
			{Name: "marketing", Label: "Marketing", Kind: earnings.Expense, Years: ratio("0.3")},
			{Name: "rnd", Label: "R&D", Kind: earnings.Expense, Years: ratio("0.1")},
		},
		Shares: map[int]decimal.Decimal{2025: d("100")},
	}
	st, err := p.Statement(f, earnings.Pricing{Price: d("60"), Rate: d("1.25")})
	if err != nil {
		fmt.Println(err)
		return
	}
	y := st.Years[0]
	fmt.Println("revenue", y.Revenue.StringFixed(0), "gross profit", y.GrossProfit.StringFixed(0), "net", y.NetProfit.StringFixed(0))
	fmt.Println("EPS", y.EPS.StringFixed(2), "P/E", y.PE.Decimal.StringFixed(1))
	// Output:
	// revenue 2000 gross profit 1200 net 400
	// EPS 4.00 P/E 12.0
}
