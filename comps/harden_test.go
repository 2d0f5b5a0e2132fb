package comps_test

// Regression tests of issue 11 (hardening): each names the item it guards.

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
)

// Item 3: a rate whose inverse would round to zero (HKD->USD 1e17 made the target
// HK$0.0) is refused like a rate of 0; the inverse of a large rate keeps its digits.
func TestFXRateBounds(t *testing.T) {
	for _, r := range []string{"1e17", "1e-17", "1000000001", "0.0000000009"} {
		if _, err := comps.NewFX(comps.Rate{From: comps.HKD, To: comps.USD, Rate: d(r)}); !errors.Is(err, fault.ErrBadRate) {
			t.Errorf("rate %s: %v, want ErrBadRate", r, err)
		}
	}
	fx, err := comps.NewFX(comps.Rate{From: "IRR", To: comps.USD, Rate: d("0.0000000237")},
		comps.Rate{From: comps.USD, To: "VND", Rate: d("999999999")})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := fx.Rate(comps.USD, "IRR")
	if err != nil {
		t.Fatal(err)
	}
	// 1 / 0.0000000237 = 42,194,092.8270042194092827...: 16 places.
	if want := d("42194092.8270042194092827"); !inv.Equal(want) {
		t.Errorf("USD/IRR = %s, want %s", inv, want)
	}
	small, err := fx.Rate("VND", comps.USD)
	if err != nil {
		t.Fatal(err)
	}
	// 1 / 999,999,999 = 1.000000001000000001e-9: 24 places keep its 16 significant digits.
	if want := d("0.000000001000000001000000001"); small.Round(24).Cmp(want.Round(24)) != 0 || small.NumDigits() < 16 {
		t.Errorf("VND/USD = %s, want %s to 24 places", small, want)
	}
}

// Item 6: a lower-case or malformed currency code is refused where a table is built,
// not later as "no FX rate".
func TestCurrencyCodes(t *testing.T) {
	for _, c := range []comps.Currency{"usd", "US", "USDX", "", "US$"} {
		if err := c.Check(); !errors.Is(err, fault.ErrCurrency) {
			t.Errorf("Check(%q) = %v, want ErrCurrency", c, err)
		}
		if _, err := comps.NewFX(comps.Rate{From: c, To: comps.HKD, Rate: d("7.8")}); !errors.Is(err, fault.ErrBadRate) {
			t.Errorf("NewFX from %q: %v, want ErrBadRate", c, err)
		}
	}
	if err := comps.USD.Check(); err != nil {
		t.Errorf("USD: %v", err)
	}
}

// Items 4 and 6: a weight naming a ticker the set does not hold is ErrUnknownTicker, as
// its doc says (it was ignored); a ticker given twice is an error (both were averaged).
func TestTickersOfASet(t *testing.T) {
	s := kuaishou2021.StreamingPeers()
	s.Aggregate = comps.WeightedMean{Weights: map[string]decimal.Decimal{"HUYA US": d("1"), "DOYU US": d("1"), "NOPE": d("5")}}
	var ce *fault.Error
	if _, err := s.Multiple(comps.FX{}); !errors.Is(err, fault.ErrUnknownTicker) || !errors.As(err, &ce) || ce.Ticker != "NOPE" || ce.Field != "weight" {
		t.Errorf("weight of NOPE: %v, want ErrUnknownTicker naming the weight of NOPE", err)
	}
	s = kuaishou2021.StreamingPeers()
	s.Companies = append(s.Companies, s.Companies[0])
	if _, err := s.Multiple(comps.FX{}); !errors.Is(err, fault.ErrDuplicateTicker) || !errors.As(err, &ce) || ce.Ticker != "HUYA US" {
		t.Errorf("HUYA US twice: %v, want ErrDuplicateTicker", err)
	}
}

// Item 16: a cloned set shares no map with the original.
func TestSetClone(t *testing.T) {
	s := kuaishou2021.StreamingPeers()
	s.Exclude = map[string]string{}
	c := s.Clone()
	c.Companies[0].Metrics[s.Metric] = d("1")
	c.Companies[0].Multiples[s.Metric] = d("1")
	c.Exclude["HUYA US"] = "no"
	m, err := s.Multiple(comps.FX{})
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Average.StringFixed(2); got != "31.01" { // Table 11: mean of 34.41 and 27.61
		t.Errorf("original after writing to its clone: average %s, want 31.01", got)
	}
}
