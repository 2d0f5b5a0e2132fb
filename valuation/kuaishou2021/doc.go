// Package kuaishou2021 is the Western Securities model of Kuaishou (1024.HK) from its
// initiation of coverage of 2021-03-03: P/MAU sum of the parts, target HK$404.6, Buy.
//
// Model returns the valuation model, Plan its segment forecast, Earnings its P&L, and
// Figures every figure the report printed in Tables 7-14, the headline table, its key
// assumptions and its valuation summary, each with the result key it is checked against.
//
// # How the drivers were derived
//
// The report prints rounded drivers, and their naive products miss its printed outputs
// (572m MAU gives HK$404.8, not 404.6). The drivers here are unrounded values that
// reproduce every printed figure at its printed precision. Each was found as follows: keep
// the printed driver where it works; otherwise take the shortest decimal in the interval
// where it still prints as printed and every figure it feeds (revenue, YoY, share of
// revenue, Table 10 revenue, the valuation) prints as printed. In particular:
//
//   - 2021E MAU 571.68m: the valuation (1,365 / 8,186 / 7,274 / 16,826 亿, 257.3m shopping
//     MAU, HK$404.6) holds for MAU in [571.6764, 571.6953]; 571.68 is the shortest value.
//   - 2018 MAU 240.6m and paying ratio 11.75%: 2018 live revenue 18,615 at ARPPU 54.9 needs
//     MAU × ratio near 28.25, which a ratio printing 11.8% reaches only at its lower edge.
//   - 2019 MAU 330.4m and GMV per shopper 601.2: 330 × 30% × 601 = 59,499 prints 595, not
//     596 亿; 2022E MAU 616.9m: 617 × 50% = 308.5 prints 309, not 308 shopping MAU.
//   - 2019 DAU 175.5m: the key assumption of +102% ad revenue per DAU in 2020E.
//   - ARPPU, revenue per DAU, GMV per shopper and the 2019 take rate: the shortest decimal
//     putting revenue where it, the YoY rows and the Table 10 totals print as printed (the
//     printed segment revenues sum to 20,300 / 39,121 / 89,914 where Table 10 prints
//     20,301 / 39,120 / 89,913, so the unrounded revenues sit near their rounding edges).
//   - 2018 other revenue of RMB 20.42m is carried as the e-commerce segment's OtherRevenue
//     at a zero take rate: the report prints no 2018 take rate ("-") against GMV of about
//     1亿, and 20.42 gives the printed 2019 growth of 1171%.
//
// Share count: 4,159m, derived (16,826亿 / 404.6), printed "42" (亿) in Table 14 and used
// as 4,159m in the report's financial summary. FX: HKD:USD = 7.7:1 as printed.
//
// # The P&L (Table 10) and the headline table
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
package kuaishou2021
