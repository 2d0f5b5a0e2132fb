package kuaishou2021

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/valuation"
)

var years = [...]int{2018, 2019, 2020, 2021, 2022}

// row is one printed row across the report's five years; "" marks a year printed blank
// or "-". Key holds %d for the year. Shift and places are as in valuation.Printed.
type row struct {
	table, label, key string
	places, shift     int32
	values            [5]string
}

const (
	pct  = 2  // a fraction printed as a percentage
	toYi = -2 // millions printed in 亿
)

var rows = []row{
	{"Table 7", "Average MAU (m)", "forecast/%d/live_streaming/mau", 0, 0, [5]string{"241", "330", "489", "572", "617"}},
	{"Table 7", "Paying ratio (%)", "forecast/%d/live_streaming/paying_ratio", 1, pct, [5]string{"11.8", "14.8", "12.0", "11.8", "11.6"}},
	{"Table 7", "Average monthly paying users (m)", "forecast/%d/live_streaming/paying_users", 0, 0, [5]string{"28", "49", "59", "66", "72"}},
	{"Table 7", "Monthly ARPPU (RMB)", "forecast/%d/live_streaming/monthly_arppu", 1, 0, [5]string{"54.9", "53.6", "48.2", "44.4", "43.0"}},
	{"Table 7", "Live streaming revenue (RMB m)", "forecast/%d/live_streaming/revenue", 0, 0, [5]string{"18615", "31442", "33968", "35927", "36963"}},
	{"Table 7", "YoY (%)", "forecast/%d/live_streaming/revenue/growth", 0, pct, [5]string{"134", "69", "8", "6", "3"}},
	{"Table 7", "Share of revenue (%)", "forecast/%d/live_streaming/share", 0, pct, [5]string{"92", "80", "55", "40", "30"}},

	{"Table 8", "Average DAU (m)", "forecast/%d/advertising/dau", 0, 0, [5]string{"117", "176", "284", "344", "384"}},
	{"Table 8", "Ad revenue per DAU (RMB)", "forecast/%d/advertising/revenue_per_dau", 0, 0, [5]string{"14", "42", "85", "137", "191"}},
	{"Table 8", "Advertising revenue (RMB m)", "forecast/%d/advertising/revenue", 0, 0, [5]string{"1665", "7419", "24276", "46972", "73312"}},
	{"Table 8", "YoY (%)", "forecast/%d/advertising/revenue/growth", 0, pct, [5]string{"326", "346", "227", "93", "56"}},
	{"Table 8", "Share of revenue (%)", "forecast/%d/advertising/share", 0, pct, [5]string{"8", "19", "40", "52", "59"}},

	{"Table 9", "Average MAU (m)", "forecast/%d/ecommerce/mau", 0, 0, [5]string{"241", "330", "489", "572", "617"}},
	{"Table 9", "GMV per MAU (RMB)", "forecast/%d/ecommerce/gmv_per_mau", 0, 0, [5]string{"0", "180", "818", "1227", "1595"}},
	{"Table 9", "Live-shopping MAU (m)", "forecast/%d/ecommerce/shopping_mau", 0, 0, [5]string{"48", "99", "196", "257", "308"}},
	{"Table 9", "Live-shopping penetration (%)", "forecast/%d/ecommerce/penetration", 0, pct, [5]string{"20", "30", "40", "45", "50"}},
	{"Table 9", "GMV per live-shopping user (RMB)", "forecast/%d/ecommerce/gmv_per_shopper", 0, 0, [5]string{"2", "601", "2045", "2727", "3190"}},
	{"Table 9", "Live e-commerce GMV (RMB 亿)", "forecast/%d/ecommerce/gmv", 0, -2, [5]string{"1", "596", "4000", "7015", "9839"}},
	{"Table 9", "Monetization rate (%)", "forecast/%d/ecommerce/take_rate", 2, pct, [5]string{"", "0.44", "0.80", "1.00", "1.50"}},
	{"Table 9", "Other revenue (RMB m)", "forecast/%d/ecommerce/revenue", 0, 0, [5]string{"20", "260", "3200", "7015", "14759"}},
	{"Table 9", "YoY (%)", "forecast/%d/ecommerce/revenue/growth", 0, pct, [5]string{"", "1171", "1133", "119", "110"}},

	{"Table 10", "Revenue (RMB m)", "forecast/%d/revenue", 0, 0, [5]string{"20301", "39120", "61444", "89913", "125034"}},
	{"Table 10", "YoY (%)", "forecast/%d/revenue/growth", 0, pct, [5]string{"143", "93", "57", "46", "39"}},
	{"Table 10", "Cost of sales", "pnl/%d/cost_of_sales", 0, 0, [5]string{"-14498", "-25017", "-34862", "-43771", "-47159"}},
	{"Table 10", "Gross profit", "pnl/%d/gross_profit", 0, 0, [5]string{"5802", "14104", "26582", "46142", "77876"}},
	{"Table 10", "Gross margin (%)", "pnl/%d/gross_margin", 0, pct, [5]string{"29", "36", "43", "51", "62"}},
	{"Table 10", "Selling & marketing", "pnl/%d/line/selling_marketing", 0, 0, [5]string{"-4262", "-9865", "-29591", "-42215", "-56581"}},
	{"Table 10", "S&M ratio (%)", "pnl/%d/line/selling_marketing/ratio", 0, pct, [5]string{"21", "25", "48", "47", "45"}},
	{"Table 10", "Administrative", "pnl/%d/line/administrative", 0, 0, [5]string{"-542", "-865", "-1843", "-2697", "-3751"}},
	{"Table 10", "Admin ratio (%)", "pnl/%d/line/administrative/ratio", 0, pct, [5]string{"3", "2", "3", "3", "3"}},
	{"Table 10", "R&D", "pnl/%d/line/rnd", 0, 0, [5]string{"-1755", "-2944", "-6144", "-9890", "-12503"}},
	{"Table 10", "R&D ratio (%)", "pnl/%d/line/rnd/ratio", 0, pct, [5]string{"9", "8", "10", "11", "10"}},
	{"Table 10", "Finance income / (cost), net", "pnl/%d/line/finance", 0, 0, [5]string{"52", "-11", "-40", "164", "275"}},
	{"Table 10", "Profit for the period (attributable)", "pnl/%d/net_profit", 0, 0, [5]string{"-12429", "-19652", "-105883", "-7401", "6338"}},

	{"Headline", "Revenue (RMB m)", "pnl/%d/revenue", 0, 0, [5]string{"20301", "39120", "61444", "89913", "125034"}},
	{"Headline", "Revenue growth (%)", "pnl/%d/revenue/growth", 0, pct, [5]string{"143", "93", "57", "46", "39"}},
	{"Headline", "Net profit attributable (RMB m)", "pnl/%d/net_profit", 0, 0, [5]string{"-12429", "-19652", "-105883", "-7401", "6338"}},
	{"Headline", "Net profit growth (%)", "pnl/%d/net_profit/growth", 0, pct, [5]string{"38", "-58", "-439", "93", "186"}},
	{"Headline", "EPS (RMB)", "pnl/%d/eps", 2, 0, [5]string{"-13.31", "-21.04", "-113.68", "-1.78", "1.52"}},
	{"Headline", "P/E", "pnl/%d/pe", 2, 0, [5]string{"", "", "", "", "173.73"}},
	{"Headline", "P/B", "pnl/%d/pb", 2, 0, [5]string{"", "", "", "24.15", "22.23"}},
	{"Headline", "P/S", "pnl/%d/ps", 2, 0, [5]string{"12.18", "6.32", "4.01", "12.25", "8.81"}},
	{"Headline", "BVPS (RMB)", "pnl/%d/bvps", 2, 0, [5]string{"-38.22", "-59.66", "-171.54", "10.96", "11.91"}},

	{"Key assumptions", "MAU (亿)", "forecast/%d/mau", 2, toYi, [5]string{"", "", "4.89", "5.72", "6.17"}},
	{"Key assumptions", "MAU growth (%)", "forecast/%d/mau/growth", 0, pct, [5]string{"", "", "48", "", ""}},
	{"Key assumptions", "DAU (亿)", "forecast/%d/dau", 2, toYi, [5]string{"", "", "2.84", "3.44", "3.84"}},
	{"Key assumptions", "Ad revenue per DAU growth (%)", "forecast/%d/advertising/revenue_per_dau/growth", 0, pct, [5]string{"", "", "102", "60", "40"}},
	{"Key assumptions", "GMV growth (%)", "forecast/%d/ecommerce/gmv/growth", 0, pct, [5]string{"", "", "571", "75", "40"}},
	{"Key assumptions", "Monetization rate (%)", "forecast/%d/ecommerce/take_rate", 1, pct, [5]string{"", "", "0.8", "1.0", "1.5"}},

	// The financial summary's share count, text line 2571 (its 2022E, scrambled out of the
	// row, line 2609). Its equity (lines 2571 and 2610) has no result key: Earnings
	// carries it as printed, and the BVPS and P/B rows check it.
	{"Financial summary", "Share count (m)", "pnl/%d/shares", 0, 0, [5]string{"934", "934", "931", "4159", "4159"}},
}

// comp is one comparable's printed row of Tables 11-13.
type comp struct {
	table, part, ticker       string
	close, mvYi, metric, pmau string
	metricPlaces              int32
}

var compRows = []comp{
	{"Table 11", LiveStreaming, "HUYA US", "27.6", "65", "188.4", "34.41", 1},
	{"Table 11", LiveStreaming, "DOYU US", "15.3", "48", "175.4", "27.61", 1},
	{"Table 12", Advertising, "FB US", "264.9", "7544", "2958", "255.03", 0},
	{"Table 12", Advertising, "TWTR US", "77.6", "620", "530", "116.91", 0},
	{"Table 13", Ecommerce, "PDD US", "186.2", "2291", "858", "267.04", 0},
	{"Table 13", Ecommerce, "9988.HK", "29.8", "6457", "792", "815.08", 0},
	{"Table 13", Ecommerce, "JD US", "98.0", "1534", "520", "294.98", 0},
}

// exceptions are the printed figures the dataset does not reproduce, by table, row label
// and column, each with its arithmetic: figures the report's own printed figures cannot
// satisfy. The paying users cannot be had from any values within the printed rounding of
// the rest of their column. The average P/MAU is not the average of the multiples the
// same table prints: the report averaged its unrounded multiples, and the dataset
// carries the multiples as printed, since they are what the table shows.
var exceptions = map[string]string{
	"Table 7|Average monthly paying users (m)|2021E": "printed 66, but the column's MAU (572) and paying ratio (11.8%) " +
		"put paying users in [571.5 × 11.75%, 572.5 × 11.85%) = [67.15, 67.84), and fewer than 66.5 paying users at an " +
		"ARPPU under 44.45 give at most 66.5 × 44.45 × 12 = 35,471 of revenue, not the printed 35,927",
	"Table 13|Average P/MAU|2021E": "the table's printed multiples average (267.04 + 815.08 + 294.98) / 3 = 459.033, which " +
		"prints 459.03, not the printed 459.04: the report averaged its unrounded multiples (each within 0.005 of its " +
		"printed one, so their mean lies in [459.028, 459.038), and 459.04 needs a sum of 1,377.105 or more). The " +
		"dataset keeps the multiples as printed; 80% of either mean prints as the report's 367.23",
}

// The report prints no 2017 column, but its text gives 2017 figures (line numbers of
// seeds/westsec-kuaishou-initiation-2021-03-03.txt, the report's page in brackets):
//
//   - net loss RMB 200亿 (line 480, p. 11);
//   - adjusted net profit RMB 7.77亿 (lines 484-485, p. 11), an adjusted net margin of 9.3%
//     (lines 486-487) and an adjusted EBITDA margin of 12.2% (lines 486-487);
//   - live streaming 95.3% of revenue (lines 312-316, p. 9), online marketing 4.7% (lines
//     321-322), other revenue under 1% (line 329, p. 10);
//   - a gross margin of about 30-35% over 2017-2019 (line 397, p. 10).
//
// Revenue follows from the adjusted figures: 7.77亿 / 9.3% = RMB 8,354.84m (to the
// hundredth; their rounding allows (8,305, 8,405)). These are the priors of the 2018
// growth rows, which the result cannot compute: its first year is 2018.
var (
	revenue2017 = decimal.NewFromInt(777).DivRound(decimal.RequireFromString("0.093"), 2)
	priors      = map[string]valuation.Prior{
		"Table 10|YoY (%)|2018":               {Value: revenue2017, Source: revenueSource},
		"Headline|Revenue growth (%)|2018":    {Value: revenue2017, Source: revenueSource},
		"Headline|Net profit growth (%)|2018": {Value: decimal.NewFromInt(-20000), Source: "2017 net loss, RMB 200亿 (text line 480)"},
		"Table 7|YoY (%)|2018": {
			Value:  revenue2017.Mul(decimal.RequireFromString("0.953")),
			Source: "2017 live streaming revenue: 95.3% (text line 316) of 2017 revenue 8,354.84",
		},
		// The printed 4.7% gives 4.7% × 8,354.84 = 392.68 and 1,665.03 / 392.68 - 1 = 324.0%,
		// not the printed 326%. 326% needs 2017 advertising revenue in (1,665.03 / 4.265,
		// 1,665.03 / 4.255] = (390.39, 391.31], a share of (4.6727%, 4.6836%] of revenue,
		// inside the [4.65%, 4.75%) that prints 4.7%: 4.68% is the shortest share in it, as
		// for the drivers (doc.go). It gives 391.01 and 325.8%.
		"Table 8|YoY (%)|2018": {
			Value: revenue2017.Mul(decimal.RequireFromString("0.0468")),
			Source: "2017 online marketing revenue: 4.68% of 2017 revenue 8,354.84, printed 4.7% (text line 322); " +
				"of the shares that print 4.7%, only those in (4.6727%, 4.6836%] give the printed 326%",
		},
	}
)

const revenueSource = "2017 revenue: adjusted net profit RMB 7.77亿 / adjusted net margin 9.3% (text lines 484-487), " +
	"to two places"

// Figures returns every figure the report printed in Tables 7-14, the headline table (its
// "-" cells excepted), the key assumptions, the valuation summary and the financial
// summary's share counts, each with the Result key it is checked against, for the 2018
// growth rows the 2017 figure they grow from, and for the report's inconsistencies the
// reason it differs.
func Figures() []valuation.Printed {
	var out []valuation.Printed
	add := func(table, label, column, key, value string, places, shift int32) {
		at := table + "|" + label + "|" + column
		p := valuation.Printed{
			Table: table, Row: label, Column: column, Key: key,
			Value: decimal.RequireFromString(value), Places: places, Shift: shift,
			Exception: exceptions[at],
		}
		if prior, ok := priors[at]; ok {
			p.Prior = &prior
		}
		out = append(out, p)
	}
	for _, r := range rows {
		for i, v := range r.values {
			if v != "" {
				column := fmt.Sprint(years[i])
				if years[i] >= 2020 {
					column += "E"
				}
				add(r.table, r.label, column, fmt.Sprintf(r.key, years[i]), v, r.places, r.shift)
			}
		}
	}
	for _, c := range compRows {
		k := "part/" + c.part + "/comp/" + c.ticker + "/"
		add(c.table, c.ticker+" close (USD)", "2021-03-02", k+"close", c.close, 1, 0)
		add(c.table, c.ticker+" market value (USD 亿)", "2021-03-02", k+"market_value", c.mvYi, 0, toYi)
		add(c.table, c.ticker+" MAU (m)", "2021E", k+"metric", c.metric, c.metricPlaces, 0)
		add(c.table, c.ticker+" P/MAU", "2021E", k+"multiple", c.pmau, 2, 0)
	}
	for _, p := range []struct {
		table, part, avg, mult, metric, value string
		metricPlaces                          int32
	}{
		{"Table 11", LiveStreaming, "31.01", "31.01", "572", "1365", 0},
		{"Table 12", Advertising, "185.97", "185.97", "572", "8186", 0},
		{"Table 13", Ecommerce, "459.04", "367.23", "257.3", "7274", 1},
	} {
		k := "part/" + p.part + "/"
		add(p.table, "Average P/MAU", "2021E", k+"average", p.avg, 2, 0)
		add(p.table, "Kuaishou P/MAU", "2021E", k+"multiple", p.mult, 2, 0)
		add(p.table, "Kuaishou 2021E MAU (m)", "2021E", k+"metric", p.metric, p.metricPlaces, 0)
		add(p.table, "Kuaishou segment value (HKD 亿)", "2021E", k+"value", p.value, 0, toYi)
		add("Summary", strings.ReplaceAll(p.part, "_", " ")+" value (HKD 亿)", "2021E", k+"value", p.value, 0, toYi)
	}
	add("Table 14", "Target price (HKD)", "2021E", "target", "404.6", 1, 0)
	add("Table 14", "Shares (亿)", "2021E", "shares", "42", 0, toYi)
	add("Table 14", "Sum of segment values (HKD 亿)", "2021E", "sum", "16826", 0, toYi)
	add("Summary", "Sum of segment values (HKD 亿)", "2021E", "sum", "16826", 0, toYi)
	add("Summary", "Target price (HKD)", "2021E", "target", "404.6", 1, 0)
	add("Summary", "Live-shopping MAU (m)", "2021E", "forecast/2021/ecommerce/shopping_mau", "257.3", 1, 0)
	return out
}
