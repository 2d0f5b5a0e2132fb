// Command holdco values Conglomo, a made-up platform whose target needs the bridge from
// the sum of the parts to a per-share value: a cloud business priced on EV/EBITDA (a
// driver model of its own, written as a segments.Spec), a social network priced on
// P/DAU, a listed stake, net cash, minority interests, a holding-company discount and
// options diluting the share count.
//
//	go run ./examples/holdco
package main

import (
	"fmt"
	"os"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
)

var d = decimal.RequireFromString

// cloudSpec is the cloud business's driver model: revenue is MAU × revenue per MAU, and
// EBITDA is revenue × the EBITDA margin. A Spec is data: the forecast, the sensitivity
// engine and the workbook read it as they read the shipped models.
func cloudSpec() segments.Spec {
	return segments.Spec{
		Kind: "cloud",
		Inputs: []segments.Input{
			{Metric: "revenue_per_mau", Label: "Revenue per MAU", Unit: segments.PerUser, Range: segments.NonNegative},
			{Metric: "ebitda_margin", Label: "EBITDA margin", Unit: segments.Fraction, Range: segments.SignedRate},
		},
		Lines: []segments.LineSpec{
			{Metric: segments.MAU, Label: "Average MAU", Unit: segments.MillionUsers, Formula: segments.Ref(segments.MAU)},
			{Metric: segments.Revenue, Label: "Revenue", Unit: segments.Millions, Formula: segments.Mul(segments.Ref(segments.MAU), segments.Ref("revenue_per_mau"))},
			{Metric: "ebitda_margin", Label: "EBITDA margin", Unit: segments.Fraction, Places: 1, Formula: segments.Ref("ebitda_margin")},
			{Metric: "ebitda", Label: "EBITDA", Unit: segments.Millions, Formula: segments.Mul(segments.Ref(segments.Revenue), segments.Ref("ebitda_margin"))},
		},
	}
}

// Model is Conglomo's valuation for 2025.
func Model() valuation.Model {
	ebitda := comps.MetricYear{Name: "ebitda", Year: 2025}
	dau := comps.MetricYear{Name: "dau", Year: 2025}
	cloudPeers := comps.Set{Name: "cloud peers", Metric: ebitda, Money: true, Enterprise: true, Companies: []comps.Company{
		{Ticker: "CLDA", Name: "Clouda (made up)", Currency: "USD", MarketValue: d("30000"), NetDebt: d("6000"), Metrics: map[comps.MetricYear]decimal.Decimal{ebitda: d("3000")}},
		{Ticker: "CLDB", Name: "Cloudb (made up)", Currency: "USD", MarketValue: d("20000"), NetDebt: d("-2000"), Metrics: map[comps.MetricYear]decimal.Decimal{ebitda: d("2000")}},
	}}
	socialPeers := comps.Set{Name: "social peers", Metric: dau, Companies: []comps.Company{
		{Ticker: "SOCA", Name: "Sociala (made up)", Currency: "USD", MarketValue: d("40000"), Metrics: map[comps.MetricYear]decimal.Decimal{dau: d("250")}},
		{Ticker: "SOCB", Name: "Socialb (made up)", Currency: "USD", MarketValue: d("24000"), Metrics: map[comps.MetricYear]decimal.Decimal{dau: d("200")}},
	}}
	fx, err := comps.NewFX(comps.Rate{From: "HKD", To: "USD", Rate: d("0.128")})
	if err != nil {
		panic(err) // a constant rate in range
	}
	return valuation.Model{
		Name: "Conglomo (made up)", Ticker: "CONG", Year: 2025, Currency: "USD", FX: fx,
		Shares: d("2000"), Price: d("14"), Symbols: map[comps.Currency]string{"USD": "US$"},
		Plan: segments.Plan{Currency: "USD", Years: []int{2025}, FirstEstimate: 2025,
			Users: map[int]segments.Users{2025: {MAU: d("300"), DAU: d("150")}},
			Segments: []segments.Segment{
				{Name: "cloud", Title: "Cloud", Drivers: map[int]segments.Driver{2025: segments.Generic{Model: cloudSpec(), In: []decimal.Decimal{d("20"), d("0.25")}}}},
				{Name: "social", Title: "Social network", Drivers: map[int]segments.Driver{2025: segments.Advertising{RevenuePerDAU: d("30")}}},
			}},
		Parts: []valuation.Part{
			{Segment: "cloud", Method: valuation.Multiple{Label: "EV/EBITDA", Comps: cloudPeers, Metric: "ebitda"}},
			{Segment: "social", Method: valuation.PDAU(socialPeers)},
		},
		Bridge: valuation.Bridge{Items: []valuation.Item{
			{Kind: valuation.Cash, Name: "cash", Note: "2025 interim balance sheet", Currency: "USD", Amount: d("5000")},
			{Kind: valuation.Debt, Name: "bonds", Note: "2025 interim balance sheet", Currency: "USD", Amount: d("2500")},
			{Kind: valuation.ListedStake, Name: "stake_hk", Note: "200m shares at HK$40; 20% tax on a sale", Currency: "HKD", Shares: d("200"), Price: d("40"), Discount: d("0.2")},
			{Kind: valuation.Minority, Name: "minorities", Note: "2025 interim balance sheet", Currency: "USD", Amount: d("1100")},
		}, HoldcoDiscount: d("0.1")},
		Dilution: valuation.Dilution{Tranches: []valuation.Tranche{
			{Name: "options", Count: d("100"), Strike: d("15")},
			{Name: "rsu", Count: d("30")},
		}},
	}
}

func main() {
	r, err := Model().Value()
	if err != nil {
		fmt.Fprintln(os.Stderr, "holdco:", err)
		os.Exit(1)
	}
	fmt.Print(r.Text())
}
