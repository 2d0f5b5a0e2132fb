package comps_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
)

// Table 13's printed P/MAU (PDD 267.04, Alibaba 815.08, JD 294.98) and market values
// (USD 亿 2,291, 6,457, 1,534) under every aggregate. Expected values are worked by hand
// (or in exact fractions) as commented.
func TestAggregates(t *testing.T) {
	ecom := kuaishou2021.EcommercePeers()
	for _, c := range []struct {
		agg  comps.Aggregate
		name string
		want string
	}{
		// (267.04 + 815.08 + 294.98) / 3 = 1377.10 / 3 = 459.0333... (16 places).
		{comps.Mean{}, "mean", "459.0333333333333333"},
		// Sorted 267.04, 294.98, 815.08: the middle one.
		{comps.Median{}, "median", "294.98"},
		// 3 / (1/267.04 + 1/815.08 + 1/294.98) = 358.77909832738008207...; Alibaba
		// counts for less than in the mean.
		{comps.Harmonic{}, "harmonic mean", "358.7790983273800821"},
		// floor(3 × 0.2) = 0 dropped from each end: the mean.
		{comps.Trimmed{Fraction: d("0.2")}, "trimmed mean 20%", "459.0333333333333333"},
		// floor(3 × 0.34) = 1 dropped from each end: 294.98 remains.
		{comps.Trimmed{Fraction: d("0.34")}, "trimmed mean 34%", "294.98"},
		// (229100 × 267.04 + 645700 × 815.08 + 153400 × 294.98) / 1028200
		// = 632725952 / 1028200 = 615.37244893989496207...
		{comps.MarketValueWeighted{}, "market-value weighted mean", "615.3724489398949621"},
		// Alibaba at weight 0: (267.04 + 294.98) / 2 = 281.01.
		{comps.WeightedMean{Weights: map[string]decimal.Decimal{"PDD US": d("1"), "9988.HK": d("0"), "JD US": d("1")}}, "weighted mean", "281.01"},
		// 1:2:1 → (267.04 + 2 × 815.08 + 294.98) / 4 = 2192.18 / 4 = 548.045.
		{comps.WeightedMean{Weights: map[string]decimal.Decimal{"PDD US": d("1"), "9988.HK": d("2"), "JD US": d("1")}}, "weighted mean", "548.045"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := ecom
			s.Aggregate = c.agg
			m, err := s.Multiple(comps.FX{})
			if err != nil {
				t.Fatal(err)
			}
			if m.Aggregate != c.name || !m.Average.Equal(d(c.want)) {
				t.Errorf("%s = %s, want %s = %s", m.Aggregate, m.Average, c.name, c.want)
			}
			// The 20% discount applies after any aggregate.
			if want := m.Average.Mul(d("0.8")); !m.Value.Equal(want) {
				t.Errorf("value %s, want %s", m.Value, want)
			}
		})
	}
}

func TestAggregateErrors(t *testing.T) {
	ecom := kuaishou2021.EcommercePeers()
	for _, c := range []struct {
		name   string
		agg    comps.Aggregate
		want   error
		ticker string
	}{
		{"trim of a half", comps.Trimmed{Fraction: d("0.5")}, fault.ErrTrim, ""},
		{"negative trim", comps.Trimmed{Fraction: d("-0.1")}, fault.ErrTrim, ""},
		{"missing weight", comps.WeightedMean{Weights: map[string]decimal.Decimal{"PDD US": d("1"), "JD US": d("1")}}, fault.ErrWeight, "9988.HK"},
		{"negative weight", comps.WeightedMean{Weights: map[string]decimal.Decimal{"PDD US": d("1"), "9988.HK": d("-1"), "JD US": d("1")}}, fault.ErrWeight, "9988.HK"},
		{"zero weights", comps.WeightedMean{Weights: map[string]decimal.Decimal{"PDD US": d("0"), "9988.HK": d("0"), "JD US": d("0")}}, fault.ErrWeight, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := ecom
			s.Aggregate = c.agg
			_, err := s.Multiple(comps.FX{})
			var ce *fault.Error
			if !errors.Is(err, c.want) || !errors.As(err, &ce) || ce.Ticker != c.ticker || ce.Set != s.Name {
				t.Errorf("error %v (%+v), want %v naming set %q and ticker %q", err, ce, c.want, s.Name, c.ticker)
			}
		})
	}
	for _, agg := range []comps.Aggregate{comps.Mean{}, comps.Median{}, comps.Harmonic{}, comps.Trimmed{},
		comps.MarketValueWeighted{}, comps.WeightedMean{}} {
		if _, err := agg.Of(nil); !errors.Is(err, fault.ErrEmptySet) {
			t.Errorf("%s of nothing: %v, want ErrEmptySet", agg.Name(), err)
		}
	}
}

// BenchmarkAggregates works out Table 13's multiple under each aggregate.
func BenchmarkAggregates(b *testing.B) {
	for _, agg := range []comps.Aggregate{comps.Mean{}, comps.Median{}, comps.Harmonic{}, comps.Trimmed{Fraction: d("0.34")},
		comps.MarketValueWeighted{}, comps.WeightedMean{Weights: map[string]decimal.Decimal{"PDD US": d("1"), "9988.HK": d("1"), "JD US": d("1")}}} {
		s := kuaishou2021.EcommercePeers()
		s.Aggregate = agg
		b.Run(agg.Name(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Multiple(comps.FX{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkExclusions prices a set of 100,000 comparables with none and with 10% of them
// excluded by ticker: exclusions are looked up in the set, so the two cost about the same
// (issue 12: each excluded ticker used to scan the whole set, 9.9 s against 0.57 s).
func BenchmarkExclusions(b *testing.B) {
	mau := comps.MetricYear{Name: "mau", Year: 2021}
	base := comps.Set{Name: "many", Metric: mau}
	for i := range 100_000 {
		base.Companies = append(base.Companies, comps.Company{Ticker: fmt.Sprint("T", i), Currency: comps.USD,
			MarketValue: decimal.NewFromInt(int64(1000 + i)), Metrics: map[comps.MetricYear]decimal.Decimal{mau: decimal.NewFromInt(int64(10 + i%7))}})
	}
	for _, pct := range []int{0, 10} {
		s := base
		s.Exclude = map[string]string{}
		for i := 0; i < len(s.Companies)*pct/100; i++ {
			s.Exclude[fmt.Sprint("T", i*100/pct)] = "test"
		}
		b.Run(fmt.Sprintf("excluded=%d%%", pct), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Multiple(comps.FX{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
