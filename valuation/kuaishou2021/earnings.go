package kuaishou2021

import (
	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/valuation/earnings"
)

// CNYHKD is the HKD per RMB at which the report's headline table converts EPS, book value
// and revenue per share to take P/E, P/B and P/S at HK$319. It is not printed; "about
// 1.205" fits every P/S, and the 2022E P/E of 173.73 narrows it to [1.20489, 1.20496].
const CNYHKD = "1.2049"

// pnl holds Table 10 by year, 2018-2022E. Actual years (2018, 2019) are amounts; forecast
// years are ratios of revenue, so that a sweep of the drivers moves costs. Each value is
// the shortest decimal with which every printed figure of its column reproduces at its
// printed precision (the line, its ratio row, gross profit and margin); see doc.go.
var pnl = []struct {
	name, label string
	kind        earnings.Kind
	values      [5]string // 2018 and 2019 amounts, then 2020E-2022E ratios of revenue (amounts for Other lines)
}{
	{"cost_of_sales", "Cost of sales", earnings.CostOfSales, [5]string{"14498.4", "25016.51", "0.56738", "0.486811", "0.37717"}},
	{"selling_marketing", "Selling & marketing", earnings.Expense, [5]string{"4262", "9865", "0.4816", "0.46951", "0.452522"}},
	{"administrative", "Administrative", earnings.Expense, [5]string{"542", "865", "0.03", "0.03", "0.03"}},
	{"rnd", "R&D", earnings.Expense, [5]string{"1755", "2944", "0.1", "0.11", "0.1"}},
	{"finance", "Finance income / (cost), net", earnings.Other, [5]string{"52", "-11", "-40", "164", "275"}},
	// The report prints no other gains and losses (fair-value changes of the preferred
	// shares before the IPO), tax or other items: this line is what makes the printed
	// lines add up to the printed net profit.
	{"unprinted", "Other items not printed (reconciling)", earnings.Other, [5]string{"-11724", "-20071", "-94846", "1096", "1023"}},
}

// shares are the share counts, in millions, that the printed EPS divide by; equity is
// BVPS × shares, in RMB millions. Neither is printed: both are derived (see doc.go).
var shares, equity = [5]string{"934", "934", "931.4", "4159", "4159"}, [5]string{"-35702", "-55727", "-159777", "45585", "49522"}

// Earnings returns Table 10 and the headline table's inputs as an earnings plan.
func Earnings() earnings.Plan {
	d := decimal.RequireFromString
	p := earnings.Plan{Shares: map[int]decimal.Decimal{}, Equity: map[int]decimal.Decimal{}}
	for _, l := range pnl {
		line := earnings.Line{Name: l.name, Label: l.label, Kind: l.kind, Years: map[int]earnings.Value{}}
		for i, v := range l.values {
			year := 2018 + i
			if year >= 2020 && l.kind != earnings.Other {
				line.Years[year] = earnings.Ratio(d(v), "")
			} else {
				line.Years[year] = earnings.Amount(d(v))
			}
		}
		p.Lines = append(p.Lines, line)
	}
	for i := range shares {
		p.Shares[2018+i], p.Equity[2018+i] = d(shares[i]), d(equity[i])
	}
	return p
}
