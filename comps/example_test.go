package comps_test

import (
	"fmt"

	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
)

// Work out the report's e-commerce multiple: 80% of the mean P/MAU of three platforms.
func ExampleSet_Multiple() {
	m, err := kuaishou2021.EcommercePeers().Multiple(comps.FX{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range m.Companies {
		fmt.Println(c.Ticker, c.Multiple.StringFixed(2))
	}
	fmt.Println("mean", m.Average.StringFixed(2), "x 80% =", m.Value.StringFixed(2))
	// Output:
	// PDD US 267.04
	// 9988.HK 815.08
	// JD US 294.98
	// mean 459.03 x 80% = 367.23
}

// Choose an aggregate: Table 13 under the report's mean, the median and the harmonic
// mean. Alibaba's 815x is flagged as an outlier whichever is chosen.
func ExampleAggregate() {
	set := kuaishou2021.EcommercePeers()
	for _, agg := range []comps.Aggregate{comps.Mean{}, comps.Median{}, comps.Harmonic{}} {
		set.Aggregate = agg
		m, err := set.Multiple(comps.FX{})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%-13s %s x 80%% = %s\n", m.Aggregate, m.Average.StringFixed(2), m.Value.StringFixed(2))
	}
	m, _ := set.Multiple(comps.FX{})
	for _, c := range m.Companies {
		if c.Outlier {
			fmt.Println("outlier:", c.Name, c.Multiple.StringFixed(2), "z", c.Z.StringFixed(1))
		}
	}
	// Output:
	// mean          459.03 x 80% = 367.23
	// median        294.98 x 80% = 235.98
	// harmonic mean 358.78 x 80% = 287.02
	// outlier: Alibaba 815.08 z 12.6
}

// Take a comparable as of a date from market data: Huya's figures of 2021-03-02 (the
// report's) stand on 03-05; a close of 30 on 03-09 replaces them from then on, the market
// value scaled by the closes (6,500 × 30 / 27.6) and the printed multiple dropped.
func ExampleNewMarket() {
	huya := kuaishou2021.StreamingPeers().Companies[0]
	mk, err := comps.NewMarket([]comps.Company{{Ticker: "HUYA US", Currency: comps.USD, Close: decimal.NewFromInt(30), AsOf: "2021-03-09"}}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, date := range []string{"2021-03-05", "2021-03-09"} {
		c, err := mk.Company(huya, date)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(date, c.AsOf, c.Close, c.MarketValue.StringFixed(2), len(c.Multiples))
	}
	// Output:
	// 2021-03-05 2021-03-02 27.6 6500.00 1
	// 2021-03-09 2021-03-09 30 7065.22 0
}

// A rate taken the other way round keeps its significant digits: 16 places, and one more
// for each integer digit beyond the first.
func ExampleRate_Inverse() {
	for _, s := range []string{"7.75", "0.128", "12345"} {
		r := comps.Rate{From: "USD", To: "HKD", Rate: decimal.RequireFromString(s)}
		inv := r.Inverse()
		fmt.Println(inv.From, inv.To, inv.Rate)
	}
	// Output:
	// HKD USD 0.1290322580645161
	// HKD USD 7.8125
	// HKD USD 0.00008100445524503848
}
