package comps_test

import (
	"errors"
	"fmt"
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
	if _, err := fx.Rate(comps.CNY, comps.HKD); !errors.Is(err, fault.ErrNoRate) || err.Error() != "comps: fx CNY/HKD (the table has USD/HKD, which neither give nor cross it: give CNY/HKD or HKD/CNY): no FX rate" {
		t.Errorf("CNY/HKD: %v, want ErrNoRate naming the rates the table has", err)
	}
}

// TestFXCrossed: a pair the table does not give is crossed through one common currency
// (issue 22: "fx CNY/USD: no FX rate" when CNY/HKD and USD/HKD were given), USD first;
// the rate is the product of the legs, each given or inverted at 16 places, and names the
// currency it went through. A pair that cannot be crossed names the rates the table has
// and, from a set, the set's currency.
func TestFXCrossed(t *testing.T) {
	fx, err := comps.NewFX(comps.Rate{From: comps.CNY, To: comps.HKD, Rate: d("1.2")}, comps.Rate{From: comps.USD, To: comps.HKD, Rate: d("7.75")})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		from, to  comps.Currency
		want, via string
	}{
		{comps.CNY, comps.USD, "0.15483870967741932", "HKD"},  // 1.2 × 0.1290322580645161 (1/7.75)
		{comps.USD, comps.CNY, "6.458333333333333075", "HKD"}, // 7.75 × 0.8333333333333333 (1/1.2)
		{comps.CNY, comps.HKD, "1.2", ""},                     // given
		{comps.HKD, comps.CNY, "0.8333333333333333", ""},      // inverted
	} {
		got, err := fx.Pair(c.from, c.to)
		if err != nil || got.Rate.String() != c.want || string(got.Via) != c.via || got.From != c.from || got.To != c.to {
			t.Errorf("Pair(%s, %s) = %+v, %v; want %s via %q", c.from, c.to, got, err, c.want, c.via)
		}
	}
	// USD is tried first, whatever the order of the table: EUR/JPY through USD is
	// 1.1 × 150 = 165, through GBP 0.85 × 190 = 161.5.
	g, err := comps.NewFX(comps.Rate{From: "EUR", To: "GBP", Rate: d("0.85")}, comps.Rate{From: "GBP", To: "JPY", Rate: d("190")},
		comps.Rate{From: "EUR", To: comps.USD, Rate: d("1.1")}, comps.Rate{From: comps.USD, To: "JPY", Rate: d("150")})
	if err != nil {
		t.Fatal(err)
	}
	if r, err := g.Pair("EUR", "JPY"); err != nil || !r.Rate.Equal(d("165")) || r.Via != comps.USD {
		t.Errorf("EUR/JPY = %+v, %v; want 165 via USD", r, err)
	}
	if r, err := g.Pair("GBP", comps.USD); err != nil || r.Via != "EUR" && r.Via != "JPY" {
		t.Errorf("GBP/USD = %+v, %v; want a cross through EUR or JPY", r, err)
	} else if r.Via != "EUR" { // EUR appears before JPY
		t.Errorf("GBP/USD through %s, want EUR (first in the table)", r.Via)
	}
	if _, err := (comps.FX{}).Rate(comps.CNY, comps.USD); err == nil || !strings.Contains(err.Error(), "(the table has no rates: give CNY/USD)") {
		t.Errorf("empty table: %v", err)
	}
	only, err := comps.NewFX(comps.Rate{From: comps.CNY, To: comps.HKD, Rate: d("1.2")})
	if err != nil {
		t.Fatal(err)
	}
	mau := comps.MetricYear{Name: "mau", Year: 2021}
	s := comps.Set{Name: "peers", Metric: mau, Currency: comps.USD, Companies: []comps.Company{
		{Ticker: "A", Currency: comps.CNY, MarketValue: d("300"), Metrics: map[comps.MetricYear]decimal.Decimal{mau: d("3")}},
	}}
	_, err = s.Multiple(only)
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Ticker != "A" || fe.Field != "fx CNY/USD" ||
		fe.Value != "(to the set's currency, USD; the table has CNY/HKD, which neither give nor cross it: give CNY/USD or USD/CNY)" {
		t.Errorf("from a set: %v (%+v)", err, fe)
	}
	m, err := s.Multiple(fx) // crossed through HKD: 300 × 0.15483870967741932 / 3
	if err != nil || m.Value.String() != "15.483870967741932" || len(m.Rates) != 1 || m.Rates[0].Via != comps.HKD {
		t.Errorf("crossed set: %+v, %v", m, err)
	}
	if _, err := comps.NewFX(comps.Rate{From: comps.CNY, To: comps.USD, Rate: d("0.15"), Via: comps.HKD}); !errors.Is(err, fault.ErrBadRate) {
		t.Errorf("a rate given as crossed: %v, want ErrBadRate", err)
	}
}

// TestTriangles: USD/HKD 7.75 and CNY/USD 0.16 cross CNY/HKD at 1.24; a table that gives
// CNY/HKD at 5 disagrees and is reported, 1.2461 (0.49% off) is within the default 0.5%
// and 1.2463 (0.51%) is not, but is within a tolerance of 1%. The verdict does not hang on
// the direction the rates are written in: HKD/CNY 1 / 1.2463 written the other way round
// is reported too, and 1 / 1.2461 is not.
func TestTriangles(t *testing.T) {
	for _, c := range []struct {
		cnyhkd, tol string
		invert, bad bool
	}{{"5", "0", false, true}, {"1.24", "0", false, false}, {"1.2461", "0", false, false}, {"1.2463", "0", false, true},
		{"1.2463", "0.01", false, false}, {"1.2463", "0", true, true}, {"1.2461", "0", true, false}} {
		third := comps.Rate{From: comps.CNY, To: comps.HKD, Rate: d(c.cnyhkd)}
		if c.invert {
			third = comps.Rate{From: comps.HKD, To: comps.CNY, Rate: decimal.NewFromInt(1).DivRound(d(c.cnyhkd), 20)}
		}
		fx, err := comps.NewFX(comps.Rate{From: comps.USD, To: comps.HKD, Rate: d("7.75")}, comps.Rate{From: comps.CNY, To: comps.USD, Rate: d("0.16")}, third)
		if err != nil {
			t.Fatal(err)
		}
		got, err := fx.Triangles(d(c.tol))
		if err != nil || (len(got) == 1) != c.bad || len(got) > 1 {
			t.Errorf("CNY/HKD %s (inverted %v) at %s: %v, want a triangle reported: %v", c.cnyhkd, c.invert, c.tol, got, c.bad)
			continue
		}
		if c.bad && (got[0][0].Rate.String() != "7.75" || got[0][1].Rate.String() != "0.16" || !got[0][2].Rate.Equal(third.Rate)) {
			t.Errorf("triangle %v, want the three rates as the table gives them", got[0])
		}
	}
	// A crossed rate outside the bounds no rate may take is an error, not a rate.
	big, err := comps.NewFX(comps.Rate{From: "AAA", To: comps.USD, Rate: d("100000000")}, comps.Rate{From: comps.USD, To: "BBB", Rate: d("100000000")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := big.Pair("AAA", "BBB"); !errors.Is(err, fault.ErrBadRate) {
		t.Errorf("a crossed rate of 1e16: %v, want ErrBadRate", err)
	}
}

// TestCrossings: GBP/USD 1.25, JPY/USD 0.0067, GBP/EUR 1.17 and JPY/EUR 0.005 give no
// triangle, but cross GBP/JPY at 1.25 / 0.0067 = 186.567 through USD (which Pair takes)
// and at 1.17 / 0.005 = 234 through EUR, and USD/EUR at 0.8 × 1.17 = 0.936 through GBP
// and 149.25 × 0.005 = 0.746 through JPY: both reported. With JPY/EUR at 1.17 / 186.567
// = 0.006271 the crossings agree and nothing is.
func TestCrossings(t *testing.T) {
	table := func(jpyeur string) comps.FX {
		fx, err := comps.NewFX(comps.Rate{From: "GBP", To: comps.USD, Rate: d("1.25")}, comps.Rate{From: "JPY", To: comps.USD, Rate: d("0.0067")},
			comps.Rate{From: "GBP", To: "EUR", Rate: d("1.17")}, comps.Rate{From: "JPY", To: "EUR", Rate: d(jpyeur)})
		if err != nil {
			t.Fatal(err)
		}
		return fx
	}
	fx := table("0.005")
	if tr, err := fx.Triangles(decimal.Decimal{}); len(tr) != 0 || err != nil {
		t.Errorf("triangles %v (%v), want none: no three pairs are given", tr, err)
	}
	got, err := fx.Crossings(decimal.Decimal{})
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for _, c := range got {
		seen = append(seen, fmt.Sprintf("%s/%s %s %s, %s %s", c[0].From, c[0].To, c[0].Via, c[0].Rate.Round(3), c[1].Via, c[1].Rate.Round(3)))
	}
	want := []string{"GBP/JPY USD 186.567, EUR 234", "USD/EUR GBP 0.936, JPY 0.746"}
	if strings.Join(seen, "; ") != strings.Join(want, "; ") {
		t.Errorf("crossings %q, want %q", seen, want)
	}
	if got, err := table("0.006271").Crossings(decimal.Decimal{}); len(got) != 0 || err != nil {
		t.Errorf("agreeing crossings reported: %v (%v)", got, err)
	}
	// A negative tolerance is an error, not every triangle and crossing (1 + tolerance
	// below 1 judged every loop off).
	if _, err := fx.Crossings(d("-0.5")); !errors.Is(err, fault.ErrNegative) {
		t.Errorf("crossings at a tolerance of -0.5: %v, want fault.ErrNegative", err)
	}
	if _, err := fx.Triangles(d("-0.5")); !errors.Is(err, fault.ErrNegative) {
		t.Errorf("triangles at a tolerance of -0.5: %v, want fault.ErrNegative", err)
	}
}

func TestNewFXRefuses(t *testing.T) {
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

// TestCrossingsEitherWay: the crossing of a pair furthest from the rate taken is the
// same whichever way round the table gives the pair. AAA/BBB is 1 through USD, 2
// through XXX (twice it) and 0.4 through YYY (2.5 times below it): YYY is the furthest.
// It was chosen by the difference of rates, 1 against 0.6, and so named XXX for
// AAA/BBB and YYY for BBB/AAA (2.5 against 0.5 the other way round).
func TestCrossingsEitherWay(t *testing.T) {
	build := func(first comps.Currency) comps.FX {
		var rs []comps.Rate
		if first == "AAA" {
			rs = append(rs, comps.Rate{From: "AAA", To: "USD", Rate: d("1")}, comps.Rate{From: "USD", To: "BBB", Rate: d("1")})
		} else {
			rs = append(rs, comps.Rate{From: "BBB", To: "USD", Rate: d("1")}, comps.Rate{From: "USD", To: "AAA", Rate: d("1")})
		}
		rs = append(rs,
			comps.Rate{From: "AAA", To: "XXX", Rate: d("1")}, comps.Rate{From: "XXX", To: "BBB", Rate: d("2")},
			comps.Rate{From: "AAA", To: "YYY", Rate: d("1")}, comps.Rate{From: "YYY", To: "BBB", Rate: d("0.4")})
		fx, err := comps.NewFX(rs...)
		if err != nil {
			t.Fatal(err)
		}
		return fx
	}
	for _, first := range []comps.Currency{"AAA", "BBB"} {
		cr, err := build(first).Crossings(decimal.Zero)
		if err != nil {
			t.Fatal(err)
		}
		var vias []comps.Currency
		for _, c := range cr {
			if c[0].From == "AAA" && c[0].To == "BBB" || c[0].From == "BBB" && c[0].To == "AAA" {
				vias = append(vias, c[1].Via)
			}
		}
		if len(vias) != 1 || vias[0] != "YYY" {
			t.Errorf("the table led by %s: the furthest crossing of AAA/BBB through %v, want YYY", first, vias)
		}
	}
}
