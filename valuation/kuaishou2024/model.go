package kuaishou2024

import (
	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
)

const (
	invented = "invented for the refresh: the documents give no such figure"
	asOf     = "2024-03-28" // the interview's date
)

// Model returns the refresh: the plan's years 2022 and 2023, both reported (the
// documents give no forecast), the users and segment revenues they give, the report's
// three parts on peer sets of 2024 (invented, as is leaving Twitter out), priced on 2023.
// Sources are in /work/shared/reference/seeds of the project's reference material (not
// part of the project): "dongwu" is the Dongwu Securities note on live e-commerce
// monetization (dongwu-live-ecommerce-monetization.txt), "xueqiu" the Xueqiu interview on
// Kuaishou's 2023 results of 2024-03-28 (xueqiu-interview-kuaishou-2024-03-28.md).
//
// Users: 2022 is the first quarter's average (dongwu line 139: MAU 5.97亿, DAU 3.45亿, the nearest
// to an annual figure the documents give, as kuaishou2021.Actuals takes it); 2023 MAU
// 7亿 (xueqiu line 47: "月活冲破7亿", a lower bound) and DAU 4亿 (xueqiu line 415).
//
// Live streaming: 2022 revenue four times the first quarter's 78亿 (dongwu line 147),
// 31,200; 2023 revenue 39,000, invented (the documents give group revenue 113,470
// and online marketing 60,300, line 47: 53,170 for live streaming and other services
// together). The paying ratio, 10% both years, is invented; the monthly ARPPU is derived:
// 31,200 / (597 × 10% × 12) = 43.55, 39,000 / (700 × 10% × 12) = 46.43 (two places).
//
// Advertising: revenue per DAU from online marketing revenue, 2022: 49,024.39 (60,300 /
// 1.23, xueqiu line 47: up 23%) / 345 = 142.10; 2023: 60,300 / 400 = 150.75.
//
// E-commerce: GMV 2022 898,021.31 (1,180,000 / 1.314, xueqiu lines 47 and 397; the 31.4%
// growth is given "if I remember correctly", 如果我没记错的话) and 2023
// 1,180,000 (line 47). Penetration (shoppers among MAU) is invented: 50% and 55%; GMV
// per shopper is derived: 898,021.31 / 298.5 = 3,008.45 and 1,180,000 / 385 = 3,064.94.
// Take rate: other services' revenue over GMV, 2022: four times the first quarter's
// 19亿 (dongwu line 147), 7,600 / 898,021 = 0.85%; 2023: 113,470 - 60,300 - 39,000 =
// 14,170 (from the invented live-streaming revenue) / 1,180,000 = 1.20%.
//
// FX (USD/HKD 7.82, CNY/HKD 1.085), the price (HK$50.00) and every peer figure are
// invented; the share count is the report's 4,159m (the documents give no later count).
func Model() valuation.Model {
	d := decimal.RequireFromString
	r := kuaishou2021.Model() // its name, ticker, rating scale, symbols and display
	fx, err := comps.NewFX(
		comps.Rate{From: comps.USD, To: comps.HKD, Rate: d("7.82"), AsOf: asOf},
		comps.Rate{From: comps.CNY, To: comps.HKD, Rate: d("1.085"), AsOf: asOf},
	)
	if err != nil { // unreachable: positive constants between two currencies
		return valuation.Model{}
	}
	plan := segments.Plan{
		Currency: string(comps.CNY),
		Years:    []int{2022, 2023},
		Users:    map[int]segments.Users{2022: {MAU: d("597"), DAU: d("345")}, 2023: {MAU: d("700"), DAU: d("400")}},
		Segments: []segments.Segment{
			{Name: kuaishou2021.LiveStreaming, Title: "Live streaming", Drivers: map[int]segments.Driver{
				2022: segments.LiveStreaming{PayingRatio: d("0.10"), MonthlyARPPU: d("43.55")},
				2023: segments.LiveStreaming{PayingRatio: d("0.10"), MonthlyARPPU: d("46.43")},
			}},
			{Name: kuaishou2021.Advertising, Title: "Advertising", Drivers: map[int]segments.Driver{
				2022: segments.Advertising{RevenuePerDAU: d("142.10")},
				2023: segments.Advertising{RevenuePerDAU: d("150.75")},
			}},
			{Name: kuaishou2021.Ecommerce, Title: "Other (mainly live e-commerce)", Drivers: map[int]segments.Driver{
				2022: segments.Ecommerce{Penetration: d("0.50"), GMVPerShopper: d("3008.45"), TakeRate: d("0.0085")},
				2023: segments.Ecommerce{Penetration: d("0.55"), GMVPerShopper: d("3064.94"), TakeRate: d("0.0120")},
			}},
		},
	}
	mau, buyers := comps.MetricYear{Name: "mau", Year: 2023}, comps.MetricYear{Name: "active_buyers", Year: 2023}
	peer := func(ticker, name, mv, metric string, m comps.MetricYear) comps.Company {
		return comps.Company{Ticker: ticker, Name: name, Currency: comps.USD, MarketValue: d(mv),
			Metrics: map[comps.MetricYear]decimal.Decimal{m: d(metric)}, AsOf: asOf, Source: invented}
	}
	streaming := comps.Set{Name: "live streaming, 2024", Metric: mau, Companies: []comps.Company{
		peer("HUYA US", "Huya", "950", "83", mau),
		peer("DOYU US", "DouYu", "220", "57", mau),
	}}
	advertising := comps.Set{Name: "advertising, 2024", Metric: mau, Companies: []comps.Company{
		peer("META US", "Meta Platforms", "1240000", "3980", mau),
	}}
	ecommerce := comps.Set{Name: "live e-commerce, 2024", Metric: buyers, Premium: d("-0.2"), Companies: []comps.Company{
		peer("PDD US", "PDD Holdings", "170000", "900", buyers),
		peer("9988.HK", "Alibaba", "185000", "1000", buyers),
		peer("JD US", "JD.com", "38000", "600", buyers),
	}}
	return valuation.Model{
		Name: r.Name, Ticker: r.Ticker, Plan: plan, Year: 2023,
		Parts: []valuation.Part{
			{Segment: kuaishou2021.LiveStreaming, Method: valuation.PMAU(streaming)},
			{Segment: kuaishou2021.Advertising, Method: valuation.PMAU(advertising)},
			{Segment: kuaishou2021.Ecommerce, Method: valuation.Multiple{Label: "P/MAU", Comps: ecommerce, Metric: segments.ShoppingMAU}},
		},
		FX: fx, Currency: comps.HKD, Shares: d(kuaishou2021.Shares), Price: d("50.00"),
		Scale: r.Scale, Symbols: r.Symbols, Display: r.Display, AsOf: asOf,
	}
}
