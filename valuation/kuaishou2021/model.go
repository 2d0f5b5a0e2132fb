package kuaishou2021

import (
	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
)

// Segment names of the plan.
const (
	LiveStreaming = "live_streaming"
	Advertising   = "advertising"
	Ecommerce     = "ecommerce"
)

// Valuation inputs: Tables 11-14. Shares is in millions (see the package doc).
const (
	ValuationYear = 2021
	Shares        = "4159"
	Price         = "319.00" // HK$, at the time of writing
	USDHKD        = "7.7"
	// CNYHKD is the HKD per RMB at which the report's headline table converts EPS, book
	// value and revenue per share to take P/E, P/B and P/S at HK$319. It is not printed;
	// "about 1.205" fits every P/S, and the 2022E P/E of 173.73 narrows it to [1.20489,
	// 1.20496].
	CNYHKD = "1.2049"
)

// year holds one year's drivers; see the package doc for their derivation.
type year struct {
	y                                       int
	mau, dau                                string // millions
	payingRatio, arppu                      string // Table 7
	revPerDAU                               string // Table 8
	penetration, gmvPerShopper, take, other string // Table 9
}

var drivers = [...]year{
	{2018, "240.6", "117", "0.1175", "54.873", "14.231", "0.2", "2", "0", "20.42"},
	{2019, "330.4", "175.5", "0.148", "53.5828", "42.271", "0.3", "601.2", "0.004356", "0"},
	{2020, "489", "284", "0.12", "48.239", "85.479", "0.4", "2045", "0.008", "0"},
	{2021, "571.68", "344", "0.118", "44.3815", "136.5459", "0.45", "2726.7", "0.01", "0"},
	// 2022E ARPPU 43.0446 (printed 43.0, text line 2381) puts revenue where the printed
	// gross profit can hold with the rest of Table 10. Gross profit 77,876 (line 2444) on
	// cost of sales printed -47,159 (line 2443, so at least 47,158.5) needs revenue of at
	// least 77,875.5 + 47,158.5 = 125,034.0. The P/E of 173.73 (line 67) caps net profit
	// at 6,338.205 (EPS 319 / (173.725 × 1.2049) on 4,159m shares), and net profit is
	// gross profit - 58.2522% of revenue (the S&M, admin and R&D ratios) + 1,298 (finance
	// 275, unprinted 1,023): so 0.582522 × revenue ≥ 77,875.5 + 1,298 - 6,338.205, revenue
	// ≥ 125,034.411, while it prints 125,034 (line 2441), below 125,034.5. That is 0.463
	// above the 125,033.948 of the shortest drivers. Advertising can rise 0.372 before it
	// prints 73,313 (line 2398), e-commerce 0.38 before its GMV prints 9,840亿: neither
	// alone. Live streaming can rise 0.550 (36,962.950 up to 36,963.5, printed 36,963,
	// line 2382): an ARPPU in [43.04453, 43.04464) at 616.9 × 11.6% × 12 = 858.7248 paying
	// user-months. 43.0446 is the shortest: live 36,963.466, revenue 125,034.463.
	{2022, "616.9", "384", "0.116", "43.0446", "190.917", "0.5", "3189.9", "0.015", "0"},
}

// Plan returns the segment forecast of Tables 7-9 for 2018-2022E, in RMB.
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
func Plan() segments.Plan {
	d := decimal.RequireFromString
	p := segments.Plan{
		Currency:      string(comps.CNY),
		FirstEstimate: 2020,
		Users:         map[int]segments.Users{},
		Segments: []segments.Segment{
			{Name: LiveStreaming, Title: "Live streaming", Drivers: map[int]segments.Driver{}},
			{Name: Advertising, Title: "Advertising", Drivers: map[int]segments.Driver{}},
			{Name: Ecommerce, Title: "Other (mainly live e-commerce)", Drivers: map[int]segments.Driver{}},
		},
	}
	for _, y := range drivers {
		p.Years = append(p.Years, y.y)
		p.Users[y.y] = segments.Users{MAU: d(y.mau), DAU: d(y.dau)}
		p.Segments[0].Drivers[y.y] = segments.LiveStreaming{PayingRatio: d(y.payingRatio), MonthlyARPPU: d(y.arppu)}
		p.Segments[1].Drivers[y.y] = segments.Advertising{RevenuePerDAU: d(y.revPerDAU)}
		p.Segments[2].Drivers[y.y] = segments.Ecommerce{
			Penetration: d(y.penetration), GMVPerShopper: d(y.gmvPerShopper), TakeRate: d(y.take), OtherRevenue: d(y.other),
		}
	}
	return p
}

// Model returns the report's valuation: each segment at the P/MAU of its comparables
// (StreamingPeers, AdvertisingPeers, EcommercePeers) on 2021E figures, in HKD.
func Model() valuation.Model {
	fx, err := comps.NewFX(
		comps.Rate{From: comps.USD, To: comps.HKD, Rate: decimal.RequireFromString(USDHKD)},
		comps.Rate{From: comps.CNY, To: comps.HKD, Rate: decimal.RequireFromString(CNYHKD)},
	)
	if err != nil { // unreachable: the rate is a positive constant
		return valuation.Model{}
	}
	return valuation.Model{
		Name:   "Kuaishou",
		Ticker: "1024.HK",
		Plan:   Plan(),
		Year:   ValuationYear,
		Parts: []valuation.Part{
			{Segment: LiveStreaming, Method: valuation.PMAU(StreamingPeers())},
			{Segment: Advertising, Method: valuation.PMAU(AdvertisingPeers())},
			{Segment: Ecommerce, Method: valuation.Multiple{Label: "P/MAU", Comps: EcommercePeers(), Metric: segments.ShoppingMAU}},
		},
		FX:       fx,
		Currency: comps.HKD,
		Shares:   decimal.RequireFromString(Shares),
		Price:    decimal.RequireFromString(Price),
		Scale:    Scale(),
		Symbols:  symbols(),
		Display:  segments.HundredMillions, // the report prints values and market values in 亿
		Earnings: Earnings(),
	}
}

// Scale returns the broker's rating scale: Buy above +20%, Overweight above +5% to +20%,
// Neutral from -5% to +5%, Sell below -5%. The broker defines it on the expected return
// against the market benchmark over 6-12 months; the model applies it to the upside to
// target, as the report does (26.8% upside, Buy).
func Scale() valuation.Scale {
	return valuation.Scale{
		Bands: []valuation.Band{
			{Rating: valuation.Buy, Floor: decimal.RequireFromString("0.20")},
			{Rating: valuation.Overweight, Floor: decimal.RequireFromString("0.05")},
			{Rating: valuation.Neutral, Floor: decimal.RequireFromString("-0.05"), Inclusive: true},
		},
		Below: valuation.Sell,
	}
}

// symbols returns how the report prints amounts of its currencies: HK$, US$, RMB.
func symbols() map[comps.Currency]string {
	return map[comps.Currency]string{comps.HKD: "HK$", comps.USD: "US$", comps.CNY: "RMB "}
}
