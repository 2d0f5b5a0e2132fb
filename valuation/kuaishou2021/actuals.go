package kuaishou2021

import (
	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/key"
)

// Sources of the actuals, in /work/shared/reference/seeds of the project's reference
// material (the documents themselves are not part of the project).
const (
	dongwu = "Dongwu Securities, live e-commerce monetization note (dongwu-live-ecommerce-monetization.txt)"
	xueqiu = "Xueqiu interview on Kuaishou's 2023 results, 2024-03-28 (xueqiu-interview-kuaishou-2024-03-28.md)"
)

// Actuals returns what the later documents say happened to the figures the report
// forecast, each with the document and line it comes from and, for a figure worked out
// from reported ones, the arithmetic: the 2022 users as of the first quarter (the
// report's are annual averages, so these are the nearest the documents give), 2022
// advertising revenue and e-commerce GMV from 2023's and their growth, and 2023's own
// figures, a year the report does not forecast. It is the one copy of these actuals:
// a later dataset (a refresh of the model) reuses it. A forecast of users within 5% of
// what happened, and of money within 10%, is called within: tolerances that are a
// reviewer's choice, not the report's.
func Actuals() []valuation.Actual {
	d := decimal.RequireFromString
	usersTolerance, moneyTolerance := d("0.05"), d("0.1")
	return []valuation.Actual{
		{Key: key.Forecast(2022, "", "mau"), Value: d("597"), Tolerance: usersTolerance,
			Source:  dongwu + ", line 139: 2022Q1 MAU 5.97亿",
			Derived: "the first quarter's average MAU, the latest 2022 figure the documents give"},
		{Key: key.Forecast(2022, "", "dau"), Value: d("345"), Tolerance: usersTolerance,
			Source:  dongwu + ", line 139: 2022Q1 DAU 3.45亿",
			Derived: "the first quarter's average DAU, the latest 2022 figure the documents give"},
		{Key: key.Forecast(2022, Advertising, "revenue"), Value: d("49024.3902"), Tolerance: moneyTolerance,
			Source:  xueqiu + ", line 47: 2023 online marketing revenue 603亿, up 23%",
			Derived: "60,300 / 1.23 = 49,024.39 (RMB m)"},
		{Key: key.Forecast(2022, Ecommerce, "gmv"), Value: d("898021.3090"), Tolerance: moneyTolerance,
			Source:  xueqiu + ", lines 47 and 397: 2023 e-commerce GMV 1.18万亿, up 31.4%",
			Derived: "1,180,000 / 1.314 = 898,021.31 (RMB m, 8,980亿)"},
		{Key: key.Forecast(2023, "", "mau"), Value: d("700"), Tolerance: usersTolerance,
			Source: xueqiu + ", line 47: MAU above 7亿 (\"月活冲破7亿\")", Derived: "a lower bound: above 700m"},
		{Key: key.Forecast(2023, "", "revenue"), Value: d("113470"), Tolerance: moneyTolerance,
			Source: xueqiu + ", line 47: 2023 revenue 1134.7亿"},
		{Key: key.Forecast(2023, Advertising, "revenue"), Value: d("60300"), Tolerance: moneyTolerance,
			Source: xueqiu + ", lines 47 and 280: 2023 online marketing revenue 603亿"},
		{Key: key.Forecast(2023, Ecommerce, "gmv"), Value: d("1180000"), Tolerance: moneyTolerance,
			Source: xueqiu + ", line 47: 2023 e-commerce GMV 1.18万亿"},
	}
}
