package kuaishou2021

import (
	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/valuation/earnings"
)

// pnl holds Table 10 by year, 2018-2022E. Actual years (2018, 2019) are amounts; forecast
// years are ratios of revenue, so that a sweep of the drivers moves costs. Each value is
// the shortest decimal with which every printed figure of its column reproduces at its
// printed precision (the line, its ratio row, gross profit and margin); see doc.go.
var pnl = []struct {
	name, label string
	kind        earnings.LineKind
	values      [5]string // 2018 and 2019 amounts, then 2020E-2022E ratios of revenue (amounts for Other lines)
}{
	// 2022E cost of sales 0.3771676 of revenue: on revenue of 125,034.463 (see the 2022E
	// ARPPU in model.go) gross profit 77,876 (text line 2444) needs cost of sales at most
	// 125,034.463 - 77,875.5 = 47,158.963, and the P/E of 173.73 (line 67) net profit at
	// most 6,338.205, so gross profit at most 6,338.205 - 1,298 + 0.582522 × 125,034.463 =
	// 77,875.531 and cost of sales at least 47,158.933: a ratio in [0.377167474,
	// 0.377167719]. Its shortest decimals are 0.3771675, 0.3771676 and 0.3771677; the
	// middle one leaves the most room. 0.3771676 × 125,034.463 = 47,158.948 (printed
	// -47,159, line 2443); gross profit 77,875.515 (77,876), margin 62.28% (62%); net profit
	// 6,338.189 (6,338, line 2457), EPS 1.52397 (1.52), P/E 173.7254 (173.73).
	{"cost_of_sales", "Cost of sales", earnings.CostOfSales, [5]string{"14498.4", "25016.51", "0.56738", "0.486811", "0.3771676"}},
	{"selling_marketing", "Selling & marketing", earnings.Expense, [5]string{"4262", "9865", "0.4816", "0.46951", "0.452522"}},
	{"administrative", "Administrative", earnings.Expense, [5]string{"542", "865", "0.03", "0.03", "0.03"}},
	{"rnd", "R&D", earnings.Expense, [5]string{"1755", "2944", "0.1", "0.11", "0.1"}},
	{"finance", "Finance income / (cost), net", earnings.Other, [5]string{"52", "-11", "-40", "164", "275"}},
	// The report prints no other gains and losses (fair-value changes of the preferred
	// shares before the IPO), tax or other items: this line is what makes the printed
	// lines add up to the printed net profit.
	{"unprinted", "Other items not printed (reconciling)", earnings.Other, [5]string{"-11724", "-20071", "-94846", "1096", "1023"}},
}

// shares are the share counts, in millions, that EPS and BVPS divide by, and equity is
// shareholders' equity, RMB millions, as the financial summary prints them (text line
// 2571; the 2022E column, scrambled out of its rows, lines 2609-2610): shares 934 / 934 /
// 931 / 4,159 / 4,159, equity -35,704 / -55,729 / -159,774 / 45,590 / 49,534. Shares are
// unrounded where the printed EPS and BVPS (lines 2620-2621) need it:
//
//   - 2018: BVPS -38.22 on equity -35,704 needs more than 35,703.5 / 38.225 = 934.035m
//     shares, EPS -13.31 on net profit -12,428.507 at most 12,428.507 / 13.305 =
//     934.123m;
//   - 2019: BVPS -59.66 on -55,729 and EPS -21.04 on -19,652.499 need (934.023, 934.197];
//   - 2020E: BVPS -171.54 on -159,774 and EPS -113.68 on -105,883.252 need (931.3795,
//     931.4396].
//
// 934.1 and 931.4 are the shortest. Every equity is as printed: with these shares every
// BVPS, and the P/B of 2021E and 2022E at HK$319 and 1.2049, print as printed.
var shares, equity = [5]string{"934.1", "934.1", "931.4", "4159", "4159"}, [5]string{"-35704", "-55729", "-159774", "45590", "49534"}

// Earnings returns Table 10 and the headline table's inputs as an earnings plan.
//
// Earnings carries Table 10 by the same rule. 2018 and 2019 lines are amounts; 2020E-2022E
// costs and expenses are ratios of revenue, so that a sweep of the drivers reaches profit.
// Each is the shortest decimal with which the line, its ratio row, gross profit and gross
// margin print as printed. The printed lines do not add up to the printed net profit (the
// report omits other gains and losses, such as the fair-value changes of its preferred
// shares before the IPO, and tax), so a line named "Other items not printed
// (reconciling)" holds the difference, an amount per year. The financial summary prints
// share counts and equity, and both are its (text lines 2571 and 2609-2610), shares
// unrounded where EPS and BVPS need it: 934.1m for 2018 and 2019 (the printed BVPS with
// the printed equity need (934.035, 934.123]), 931.4m for 2020E and 4,159m; equity
// -35,704 / -55,729 / -159,774 / 45,590 / 49,534. The RMB/HKD rate of the multiples at
// HK$319 is not printed: 1.2049, as every P/S fits "about 1.205" and the 2022E P/E of
// 173.73 narrows it to [1.20489, 1.20496].
//
// 2022E gross profit, printed 77,876, reproduces with the 2022E ARPPU at 43.0446 and the
// cost of sales at 0.3771676 of revenue, values that still print 43.0 and -47,159 (see
// their comments): the P/E of 173.73 caps net profit, which forces revenue up to
// 125,034.46. The 2018 growth rows grow from 2017 figures the text prints (Figures gives
// each with its line). Two printed figures cannot be reproduced, and Figures lists them
// as exceptions with their arithmetic: 2021E paying users and Table 13's average P/MAU.
func Earnings() earnings.PnL {
	d := decimal.RequireFromString
	p := earnings.PnL{Shares: map[int]decimal.Decimal{}, Equity: map[int]decimal.Decimal{}}
	for _, l := range pnl {
		line := earnings.LineItem{Name: l.name, Label: l.label, Kind: l.kind, Years: map[int]earnings.Value{}}
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
