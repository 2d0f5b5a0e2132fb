package kuaishou2021

import (
	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/comps"
)

// The report's comparable sets: Western Securities, initiation of coverage on Kuaishou
// (1024.HK), 2021-03-03, Tables 11-13, prices as of 2021-03-02. Market values are printed
// in USD 亿 and stored here in USD millions (× 100); metrics are the report's 2021E
// average MAU (annual active buyers for the e-commerce platforms), in millions; the
// printed P/MAU of each company is kept and used. The report's share-count column is
// garbled in the text extraction and is not carried.

const westSec2021 = "Western Securities, Kuaishou initiation 2021-03-03, "

// mau returns the metric of Tables 11 and 12: 2021E average MAU.
func mau() comps.MetricYear { return comps.MetricYear{Name: "mau", Year: 2021} }

// activeBuyers returns the metric of Table 13: 2021E annual active buyers, which the
// report prints in its "MAU" column for the e-commerce platforms.
func activeBuyers() comps.MetricYear { return comps.MetricYear{Name: "active_buyers", Year: 2021} }

// StreamingPeers returns Table 11: live-streaming peers Huya and DouYu, mean P/MAU.
func StreamingPeers() comps.Set {
	return comps.Set{
		Name:   "live streaming (Table 11)",
		Metric: mau(),
		Companies: []comps.Company{
			peer("HUYA US", "Huya", "27.6", "6500", "188.4", "34.41", mau(), "Table 11"),
			peer("DOYU US", "DouYu", "15.3", "4800", "175.4", "27.61", mau(), "Table 11"),
		},
	}
}

// AdvertisingPeers returns Table 12: Facebook (family-of-apps MAU) and Twitter, mean
// P/MAU.
func AdvertisingPeers() comps.Set {
	return comps.Set{
		Name:   "advertising (Table 12)",
		Metric: mau(),
		Companies: []comps.Company{
			peer("FB US", "Facebook", "264.9", "754400", "2958", "255.03", mau(), "Table 12; MAU of the family of apps"),
			peer("TWTR US", "Twitter", "77.6", "62000", "530", "116.91", mau(), "Table 12"),
		},
	}
}

// EcommercePeers returns Table 13: Pinduoduo, Alibaba and JD priced on annual active
// buyers, at 80% of the mean (Premium -0.2). Alibaba's close is printed in USD.
func EcommercePeers() comps.Set {
	return comps.Set{
		Name:   "live e-commerce (Table 13)",
		Metric: activeBuyers(),
		Companies: []comps.Company{
			peer("PDD US", "Pinduoduo", "186.2", "229100", "858", "267.04", activeBuyers(), "Table 13"),
			peer("9988.HK", "Alibaba", "29.8", "645700", "792", "815.08", activeBuyers(), "Table 13; close as printed, in USD"),
			peer("JD US", "JD.com", "98.0", "153400", "520", "294.98", activeBuyers(), "Table 13"),
		},
		Premium: decimal.RequireFromString("-0.2"),
	}
}

func peer(ticker, name, close, mvMillions, metric, printed string, m comps.MetricYear, table string) comps.Company {
	return comps.Company{
		Ticker:      ticker,
		Name:        name,
		Currency:    comps.USD,
		Close:       decimal.RequireFromString(close),
		MarketValue: decimal.RequireFromString(mvMillions),
		Metrics:     map[comps.MetricYear]decimal.Decimal{m: decimal.RequireFromString(metric)},
		Multiples:   map[comps.MetricYear]decimal.Decimal{m: decimal.RequireFromString(printed)},
		AsOf:        "2021-03-02",
		Source:      westSec2021 + table,
	}
}
