package comps_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
)

var (
	mau21 = comps.MetricYear{Name: "mau", Year: 2021}
	rev21 = comps.MetricYear{Name: "revenue", Year: 2021}
)

func metrics(kv ...any) map[comps.MetricYear]decimal.Decimal {
	m := map[comps.MetricYear]decimal.Decimal{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(comps.MetricYear)] = d(kv[i+1].(string))
	}
	return m
}

// TestSpread: Table 13's five-number summary and the outlier flag on Alibaba.
func TestSpread(t *testing.T) {
	m, err := kuaishou2021.EcommercePeers().Multiple(comps.FX{})
	if err != nil {
		t.Fatal(err)
	}
	// Sorted 267.04, 294.98, 815.08. Type-7 quartiles: Q1 at rank 0.5 = 267.04 + 0.5 ×
	// 27.94 = 281.01; Q3 at rank 1.5 = 294.98 + 0.5 × 520.10 = 555.03.
	want := comps.Stats{N: 3, Min: d("267.04"), Q1: d("281.01"), Median: d("294.98"), Q3: d("555.03"), Max: d("815.08")}
	if diff := cmp.Diff(want, m.Stats); diff != "" {
		t.Errorf("stats (-want +got)\n%s", diff)
	}
	// Deviations from the median 294.98: 27.94, 520.10, 0; MAD 27.94. Alibaba's modified
	// z = 0.6745 × 520.10 / 27.94 = 12.5557 > 3.5; PDD's is -0.6745; JD's 0. Tukey's
	// fences would not flag Alibaba with three peers (Q3 + 1.5 IQR = 966.06).
	for i, z := range []string{"-0.6745", "12.5557", "0"} {
		c := m.Companies[i]
		if !c.Z.Equal(d(z)) || c.Outlier != (c.Ticker == "9988.HK") {
			t.Errorf("%s: z %s outlier %v, want z %s", c.Ticker, c.Z, c.Outlier, z)
		}
	}
	// Two peers are never outliers of each other: both sit one MAD from the median.
	m, _ = kuaishou2021.AdvertisingPeers().Multiple(comps.FX{})
	for _, c := range m.Companies {
		if c.Outlier || !c.Z.Abs().Equal(d("0.6745")) {
			t.Errorf("%s: z %s outlier %v", c.Ticker, c.Z, c.Outlier)
		}
	}
	// More than half equal: MAD 0, so the mean absolute deviation stands in:
	// deviations 0, 0, 0, 9 → mean 2.25; z(19) = 9 / (1.253314 × 2.25) = 3.1915.
	s := comps.Set{Name: "flat", Metric: mau21}
	for i, x := range []string{"10", "10", "10", "19"} {
		s.Companies = append(s.Companies, comps.Company{Ticker: string(rune('A' + i)), Currency: comps.USD,
			MarketValue: d(x), Metrics: metrics(mau21, "1")})
	}
	m, err = s.Multiple(comps.FX{})
	if err != nil || !m.Companies[3].Z.Equal(d("3.1915")) || m.Companies[3].Outlier {
		t.Errorf("flat set: %+v, %v", m.Companies[3], err)
	}
	s.OutlierZ = d("3")
	if m, _ := s.Multiple(comps.FX{}); !m.Companies[3].Outlier {
		t.Errorf("threshold 3 does not flag z 3.1915")
	}
}

// TestExclusions: comparables left out by choice or for want of a metric are listed with
// the reason and do not enter the aggregate.
func TestExclusions(t *testing.T) {
	s := kuaishou2021.EcommercePeers()
	s.Exclude = map[string]string{"9988.HK": "outlier"}
	m, err := s.Multiple(comps.FX{})
	// (267.04 + 294.98) / 2 = 281.01; × 0.8 = 224.808.
	if err != nil || !m.Average.Equal(d("281.01")) || !m.Value.Equal(d("224.808")) {
		t.Fatalf("without Alibaba: %s %s, %v", m.Average, m.Value, err)
	}
	if diff := cmp.Diff([]comps.Exclusion{{Ticker: "9988.HK", Name: "Alibaba", Reason: "outlier"}}, m.Excluded); diff != "" {
		t.Errorf("excluded (-want +got)\n%s", diff)
	}
	s.Exclude = map[string]string{"BABA US": "typo"}
	if _, err := s.Multiple(comps.FX{}); !errors.Is(err, fault.ErrUnknownTicker) || !strings.Contains(err.Error(), "BABA US") {
		t.Errorf("unknown exclusion: %v", err)
	}

	// A loss-making peer under P/E, and one without the metric.
	eps := comps.MetricYear{Name: "earnings", Year: 2021}
	pe := comps.Set{Name: "pe", Metric: eps, Money: true, Companies: []comps.Company{
		{Ticker: "A", Currency: comps.USD, MarketValue: d("300"), Metrics: metrics(eps, "20")},
		{Ticker: "B", Currency: comps.USD, MarketValue: d("100"), Metrics: metrics(eps, "-5")},
		{Ticker: "C", Currency: comps.USD, MarketValue: d("100")},
	}}
	if _, err := pe.Multiple(comps.FX{}); !errors.Is(err, fault.ErrNonPositive) || !strings.Contains(err.Error(), "B: earnings 2021 -5") {
		t.Errorf("strict: %v", err)
	}
	pe.SkipUnpriced = true
	m, err = pe.Multiple(comps.FX{})
	want := []comps.Exclusion{
		{Ticker: "B", Reason: "earnings 2021 -5: must be positive"},
		{Ticker: "C", Reason: "earnings 2021 metric missing"},
	}
	// 300 / 20 = 15.
	if err != nil || !m.Value.Equal(d("15")) || len(m.Companies) != 1 {
		t.Fatalf("skipping: %+v, %v", m, err)
	}
	if diff := cmp.Diff(want, m.Excluded); diff != "" {
		t.Errorf("excluded (-want +got)\n%s", diff)
	}
	pe.Companies = pe.Companies[1:]
	if _, err := pe.Multiple(comps.FX{}); !errors.Is(err, fault.ErrEmptySet) || !strings.Contains(err.Error(), "all 2 comparables excluded") {
		t.Errorf("all skipped: %v", err)
	}
}

// TestMarketValueAndFX: market value from close × shares / ADS ratio, and conversion of
// market values, money metrics and printed multiples to the set's currency.
func TestMarketValueAndFX(t *testing.T) {
	fx, err := comps.NewFX(
		comps.Rate{From: comps.USD, To: comps.HKD, Rate: d("7.75")},
		comps.Rate{From: comps.USD, To: comps.CNY, Rate: d("6.5")},
	)
	if err != nil {
		t.Fatal(err)
	}
	// An ADS of 3 ordinary shares at US$30: 600m shares / 3 × 30 = US$6,000m.
	ads := comps.Company{Ticker: "ADS US", Currency: comps.USD, Close: d("30"), Shares: d("600"), ADSRatio: d("3"),
		Reporting: comps.CNY, Metrics: metrics(mau21, "200", rev21, "13000")}
	// Ordinary shares in Hong Kong at HK$77.5 × 400m = HK$31,000m = US$4,000m.
	hk := comps.Company{Ticker: "0001.HK", Currency: comps.HKD, Close: d("77.5"), Shares: d("400"),
		Reporting: comps.CNY, Metrics: metrics(mau21, "100", rev21, "6500"),
		Multiples: map[comps.MetricYear]decimal.Decimal{mau21: d("310")}}
	if mv, err := ads.MarketCap(); err != nil || !mv.Equal(d("6000")) {
		t.Errorf("ADS market value %s, %v; want 6000", mv, err)
	}

	users := comps.Set{Name: "users", Metric: mau21, Currency: comps.USD, Companies: []comps.Company{ads, hk}}
	m, err := users.Multiple(fx)
	if err != nil {
		t.Fatal(err)
	}
	// ADS: 6000 / 200 = US$30 per user. HK: printed HK$310 per user = 310 / 7.75 = US$40,
	// with the inverse rate at 16 places: 310 × 0.1290322580645161 = 39.999999999999991.
	// Mean (30 + 39.999999999999991) / 2.
	if want := d("30").Add(d("310").Mul(d("0.1290322580645161"))).DivRound(d("2"), 16); !m.Average.Equal(want) {
		t.Errorf("users: average %s, want %s", m.Average, want)
	}
	if hkm := m.Companies[1]; !hkm.Printed || !hkm.MarketValue.Equal(d("31000").Mul(d("0.1290322580645161"))) {
		t.Errorf("HK comparable: %+v", hkm)
	}
	wantRates := []comps.Rate{{From: comps.HKD, To: comps.USD, Rate: d("0.1290322580645161")}}
	if diff := cmp.Diff(wantRates, m.Rates, cmp.Comparer(decimal.Decimal.Equal)); diff != "" {
		t.Errorf("rates (-want +got)\n%s", diff)
	}

	// P/S in USD: revenue CNY 13,000m = US$2,000m, so 6000 / 2000 = 3.0; CNY 6,500m =
	// US$1,000m against US$4,000m (HK$31,000m), 4.0 up to the inverse rates' rounding.
	sales := comps.Set{Name: "sales", Metric: rev21, Money: true, Currency: comps.USD, Companies: []comps.Company{ads, hk}}
	m, err = sales.Multiple(fx)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Companies[0].Multiple; !got.Round(12).Equal(d("3")) {
		t.Errorf("ADS P/S %s, want 3", got)
	}
	if got := m.Companies[1].Multiple; !got.Round(12).Equal(d("4")) {
		t.Errorf("HK P/S %s, want 4", got)
	}

	for _, c := range []struct {
		name  string
		edit  func(*comps.Company)
		want  error
		field string
	}{
		{"negative ADS ratio", func(c *comps.Company) { c.ADSRatio = d("-1") }, fault.ErrNonPositive, "ads_ratio"},
		{"no shares nor market value", func(c *comps.Company) { c.Shares = decimal.Zero }, fault.ErrNonPositive, "market_value"},
		{"zero close", func(c *comps.Company) { c.Close = decimal.Zero }, fault.ErrNonPositive, "close"},
		{"negative market value", func(c *comps.Company) { c.MarketValue = d("-1") }, fault.ErrNonPositive, "market_value"},
		{"zero MAU", func(c *comps.Company) { c.Metrics = metrics(mau21, "0") }, fault.ErrNonPositive, "mau 2021"},
		{"listing currency without a rate", func(c *comps.Company) { c.Currency = "EUR" }, fault.ErrNoRate, "fx EUR/USD"},
	} {
		t.Run(c.name, func(t *testing.T) {
			bad := ads
			c.edit(&bad)
			s := comps.Set{Name: "users", Metric: mau21, Currency: comps.USD, Companies: []comps.Company{hk, bad}}
			_, err := s.Multiple(fx)
			var ce *fault.Error
			if !errors.Is(err, c.want) || !errors.As(err, &ce) || ce.Field != c.field || ce.Ticker != "ADS US" || ce.Set != "users" {
				t.Errorf("error %v (%+v), want %v on ADS US field %s", err, ce, c.want, c.field)
			}
		})
	}
	// A money metric in a reporting currency without a rate.
	noCNY, _ := comps.NewFX(comps.Rate{From: comps.USD, To: comps.HKD, Rate: d("7.75")})
	if _, err := sales.Multiple(noCNY); !errors.Is(err, fault.ErrNoRate) || !strings.Contains(err.Error(), "fx CNY/USD") {
		t.Errorf("reporting currency without a rate: %v", err)
	}
}

func TestWithout(t *testing.T) {
	s := kuaishou2021.EcommercePeers()
	w := s.Without("9988.HK")
	if len(w.Companies) != 2 || len(s.Companies) != 3 || w.Companies[1].Ticker != "JD US" {
		t.Errorf("Without: %d of %d companies", len(w.Companies), len(s.Companies))
	}
}

func TestParseMetric(t *testing.T) {
	for _, key := range []string{"mau_2021", "active_buyers_2021", "p2p_gmv_2030"} {
		m, err := comps.ParseMetric(key)
		if err != nil || m.Key() != key {
			t.Errorf("ParseMetric(%q) = %v, %v", key, m, err)
		}
	}
	for _, key := range []string{"", "mau", "mau_21", "_2021", "MAU_2021", "mau 2021", "mau_20x1", "mau_0999"} {
		if _, err := comps.ParseMetric(key); !errors.Is(err, fault.ErrMetricKey) {
			t.Errorf("ParseMetric(%q): %v, want ErrMetricKey", key, err)
		}
	}
}

// TestWithPremiumAndAverage: Table 13's mean (459.0333…) at the report's 80%, moved to
// 100% and to an average of 300: 300 × 0.8 = 240.
func TestWithPremiumAndAverage(t *testing.T) {
	m, err := kuaishou2021.EcommercePeers().Multiple(comps.FX{})
	if err != nil {
		t.Fatal(err)
	}
	full, err := m.WithPremium(d("0"))
	if err != nil {
		t.Fatal(err)
	}
	if !full.Value.Equal(m.Average) || !m.Value.Equal(m.Average.Mul(d("0.8"))) {
		t.Errorf("premium 0: %s, want the average %s; base %s", full.Value, m.Average, m.Value)
	}
	at300, err := m.WithAverage(d("300"))
	if err != nil {
		t.Fatal(err)
	}
	if !at300.Value.Equal(d("240")) || len(at300.Companies) != 3 {
		t.Errorf("average 300: %s, want 240 and the companies kept", at300.Value)
	}
	if _, err := m.WithPremium(d("-1")); !errors.Is(err, fault.ErrPremium) {
		t.Errorf("premium -1: %v, want ErrPremium", err)
	}
	if _, err := m.WithAverage(d("0")); !errors.Is(err, fault.ErrNonPositive) {
		t.Errorf("average 0: %v, want ErrNonPositive", err)
	}
}
