package comps_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
)

var d = decimal.RequireFromString

func TestReportSets(t *testing.T) {
	for _, c := range []struct {
		set           comps.Set
		average, mult string
	}{
		{kuaishou2021.StreamingPeers(), "31.01", "31.01"},     // (34.41 + 27.61) / 2, Table 11
		{kuaishou2021.AdvertisingPeers(), "185.97", "185.97"}, // (255.03 + 116.91) / 2, Table 12
		// (267.04 + 815.08 + 294.98) / 3 = 459.0333...; × 80% = 367.2266...; Table 13.
		{kuaishou2021.EcommercePeers(), "459.0333333333333333", "367.22666666666666664"},
	} {
		m, err := c.set.Multiple(comps.FX{})
		if err != nil {
			t.Fatal(err)
		}
		if !m.Average.Equal(d(c.average)) || !m.Value.Equal(d(c.mult)) {
			t.Errorf("%s: average %s multiple %s, want %s, %s", c.set.Name, m.Average, m.Value, c.average, c.mult)
		}
		for _, cm := range m.Companies {
			if !cm.Printed {
				t.Errorf("%s: %s multiple not the printed one", c.set.Name, cm.Ticker)
			}
		}
	}
}

func TestComputedMultiple(t *testing.T) {
	mau := comps.MetricYear{Name: "mau", Year: 2021}
	s := comps.Set{Name: "s", Metric: mau, Premium: d("0.1"), Companies: []comps.Company{
		{Ticker: "A", Currency: comps.USD, MarketValue: d("300"), Metrics: map[comps.MetricYear]decimal.Decimal{mau: d("3")}},
		{Ticker: "B", Currency: comps.USD, MarketValue: d("100"), Metrics: map[comps.MetricYear]decimal.Decimal{mau: d("4")}},
	}}
	// 300/3 = 100, 100/4 = 25; mean 62.5; +10% = 68.75.
	m, err := s.Multiple(comps.FX{})
	if err != nil || !m.Value.Equal(d("68.75")) || m.Companies[1].Printed {
		t.Errorf("multiple %+v, %v; want 68.75 computed", m, err)
	}
}

func TestFX(t *testing.T) {
	fx, err := comps.NewFX(comps.Rate{From: comps.USD, To: comps.HKD, Rate: d("7.7")})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		from, to comps.Currency
		want     string
	}{
		{comps.USD, comps.HKD, "7.7"},
		{comps.HKD, comps.USD, "0.1298701298701299"}, // 1 / 7.7 at 16 places
		{comps.CNY, comps.CNY, "1"},
	} {
		if got, err := fx.Rate(c.from, c.to); err != nil || !got.Equal(d(c.want)) {
			t.Errorf("Rate(%s, %s) = %s, %v; want %s", c.from, c.to, got, err, c.want)
		}
	}
	if _, err := fx.Rate(comps.CNY, comps.HKD); !errors.Is(err, fault.ErrNoRate) || err.Error() != "comps: fx CNY/HKD (the table has USD/HKD: give CNY/HKD or HKD/CNY): no FX rate" {
		t.Errorf("CNY/HKD: %v, want ErrNoRate naming the rates the table has", err)
	}
}

// TestFXMissingSaysHow: the error for a pair the table lacks names the rates it has, the
// currency through which the pair could be crossed (issue 22: "fx CNY/USD: no FX rate"
// when CNY/HKD and USD/HKD were given), and, from a set, its currency field.
func TestFXMissingSaysHow(t *testing.T) {
	fx, err := comps.NewFX(comps.Rate{From: comps.CNY, To: comps.HKD, Rate: d("1.2")}, comps.Rate{From: comps.USD, To: comps.HKD, Rate: d("7.75")})
	if err != nil {
		t.Fatal(err)
	}
	want := "comps: fx CNY/USD (the table has CNY/HKD, USD/HKD; it could be crossed through HKD, which sotp does not do: give CNY/USD or USD/CNY): no FX rate"
	if _, err := fx.Rate(comps.CNY, comps.USD); !errors.Is(err, fault.ErrNoRate) || err.Error() != want {
		t.Errorf("CNY/USD: %v\nwant %s", err, want)
	}
	if _, err := (comps.FX{}).Rate(comps.CNY, comps.USD); err == nil || !strings.Contains(err.Error(), "(the table has no rates: give CNY/USD)") {
		t.Errorf("empty table: %v", err)
	}
	mau := comps.MetricYear{Name: "mau", Year: 2021}
	s := comps.Set{Name: "peers", Metric: mau, Currency: comps.USD, Companies: []comps.Company{
		{Ticker: "A", Currency: comps.CNY, MarketValue: d("300"), Metrics: map[comps.MetricYear]decimal.Decimal{mau: d("3")}},
	}}
	_, err = s.Multiple(fx)
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Ticker != "A" || fe.Field != "fx CNY/USD" || !strings.HasPrefix(fe.Value, "(to the set's currency, USD; the table has CNY/HKD, USD/HKD;") {
		t.Errorf("from a set: %v (%+v)", err, fe)
	}
	for _, bad := range [][]comps.Rate{
		{{From: comps.USD, To: comps.HKD, Rate: d("0")}},
		{{From: comps.USD, To: comps.HKD, Rate: d("-7.7")}},
		{{From: comps.USD, To: comps.USD, Rate: d("1")}},
		{{From: "", To: comps.USD, Rate: d("1")}},
		{{From: comps.USD, To: comps.HKD, Rate: d("7.7")}, {From: comps.HKD, To: comps.USD, Rate: d("0.13")}},
	} {
		if _, err := comps.NewFX(bad...); !errors.Is(err, fault.ErrBadRate) {
			t.Errorf("NewFX(%v): %v, want ErrBadRate", bad, err)
		}
	}
}

func TestSetErrors(t *testing.T) {
	s := kuaishou2021.StreamingPeers()
	s.Companies = append([]comps.Company(nil), s.Companies...)
	s.Companies[0].Multiples = map[comps.MetricYear]decimal.Decimal{s.Metric: d("-1")}
	if _, err := s.Multiple(comps.FX{}); !errors.Is(err, fault.ErrNonPositive) {
		t.Errorf("negative printed multiple: %v", err)
	}
	if _, err := (comps.Mean{}).Of(nil); !errors.Is(err, fault.ErrEmptySet) {
		t.Errorf("mean of nothing: %v", err)
	}
}
