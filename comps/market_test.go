package comps_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/valuation/fault"
)

// huya is the report's Huya (Table 11): close 27.6, market value US$6,500m, printed
// P/MAU 34.41, figures of 2021-03-02.
func huya() comps.Company {
	m := comps.MetricYear{Name: "mau", Year: 2021}
	return comps.Company{Ticker: "HUYA US", Currency: comps.USD, Close: d("27.6"), MarketValue: d("6500"),
		Metrics: map[comps.MetricYear]decimal.Decimal{m: d("188.4")}, Multiples: map[comps.MetricYear]decimal.Decimal{m: d("34.41")},
		AsOf: "2021-03-02"}
}

func quote(date, close string) comps.Company {
	return comps.Company{Ticker: "HUYA US", Currency: comps.USD, Close: d(close), AsOf: date}
}

// TestMarketCompany works the rule of Market by hand: the latest quote on or before the
// date, the company's own figures a quote of their date that wins a tie.
func TestMarketCompany(t *testing.T) {
	mk, err := comps.NewMarket([]comps.Company{quote("2021-03-09", "30"), quote("2021-03-01", "26"), quote("2021-03-02", "28")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := huya()
	for _, c := range []struct {
		date, close, mv, asOf string
		printed               bool
	}{
		// The company's own figures are of 03-02: on 03-02 and 03-08 they are the latest
		// (the market's 03-02 quote ties and loses), with the printed multiple.
		{"2021-03-02", "27.6", "6500", "2021-03-02", true},
		{"2021-03-08", "27.6", "6500", "2021-03-02", true},
		// On 03-09 the market's close of 30 is later: the market value is scaled by the
		// closes, 6500 × 30 / 27.6 = 7065.2173913043478261 (16 places), the count the
		// figures imply held, and the printed multiple dropped.
		{"2021-03-09", "30", "7065.2173913043478261", "2021-03-09", false},
		{"2030-01-01", "30", "7065.2173913043478261", "2021-03-09", false},
		// Before its own date, the company is the market's 03-01 close: 6500 × 26 / 27.6.
		{"2021-03-01", "26", "6123.1884057971014493", "2021-03-01", false},
	} {
		got, err := mk.Company(h, c.date)
		if err != nil {
			t.Fatalf("%s: %v", c.date, err)
		}
		if !got.Close.Equal(d(c.close)) || !got.MarketValue.Equal(d(c.mv)) || got.AsOf != c.asOf || (len(got.Multiples) > 0) != c.printed {
			t.Errorf("as of %s: close %s, market value %s, of %s, printed multiples %v; want %s, %s, %s, %v",
				c.date, got.Close, got.MarketValue, got.AsOf, got.Multiples, c.close, c.mv, c.asOf, c.printed)
		}
	}
	if len(h.Multiples) != 1 || !h.Close.Equal(d("27.6")) {
		t.Error("Company changed the company it was given")
	}
	// Before any quote and before its own figures: nothing to value with.
	if _, err := mk.Company(huya(), "2021-02-28"); !errors.Is(err, fault.ErrMissing) || !strings.Contains(err.Error(), "no quote on or before 2021-02-28") {
		t.Errorf("before every quote: %v, want fault.ErrMissing naming the date", err)
	}
	// An undated company takes any quote on or before the date, and keeps its own after none.
	undated := huya()
	undated.AsOf = ""
	if got, err := mk.Company(undated, "2021-03-02"); err != nil || got.AsOf != "2021-03-02" || !got.Close.Equal(d("28")) {
		t.Errorf("undated on 03-02: %v %v, want the market's 28 of 03-02", got, err)
	}
	if got, err := mk.Company(undated, "2021-01-01"); err != nil || got.AsOf != "" || !got.Close.Equal(d("27.6")) {
		t.Errorf("undated before every quote: %v %v, want its own figures", got, err)
	}
}

// TestMarketShares: a quote with a share count, or a company with one, derives the
// market value from the close (close × shares); a quote's market value is taken as given.
func TestMarketShares(t *testing.T) {
	withShares := huya()
	withShares.MarketValue, withShares.Shares = decimal.Decimal{}, d("240")
	mk, err := comps.NewMarket([]comps.Company{
		quote("2021-03-09", "30"),
		{Ticker: "HUYA US", Currency: comps.USD, Close: d("31"), Shares: d("250"), AsOf: "2021-03-10"},
		{Ticker: "HUYA US", Currency: comps.USD, MarketValue: d("7000"), AsOf: "2021-03-11"},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ date, mc string }{
		{"2021-03-09", "7200"}, // 30 × 240, the company's count
		{"2021-03-10", "7750"}, // 31 × 250, the quote's
		{"2021-03-11", "7000"}, // as quoted
	} {
		got, err := mk.Company(withShares, c.date)
		if err != nil {
			t.Fatal(err)
		}
		if mc, err := got.MarketCap(); err != nil || !mc.Equal(d(c.mc)) {
			t.Errorf("as of %s: market value %s %v, want %s", c.date, mc, err, c.mc)
		}
	}
	// A company that gives its market value beside its close and count is scaled by the
	// closes: the market value is its figure (MarketCap reads no count beside it), so a
	// close of 100 unchanged leaves 2,000, not 100 × 10 (two classes of shares, say).
	both := comps.Company{Ticker: "HUYA US", Currency: comps.USD, Close: d("100"), Shares: d("10"), MarketValue: d("2000"), AsOf: "2021-03-01"}
	for _, c := range []struct{ close, mv string }{{"100", "2000"}, {"110", "2200"}} {
		mk, err := comps.NewMarket([]comps.Company{quote("2021-03-05", c.close)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := mk.Company(both, "2021-03-05")
		if mc, _ := got.MarketCap(); err != nil || !mc.Equal(d(c.mv)) {
			t.Errorf("market value and count given, a close of %s: %s %v, want %s", c.close, mc, err, c.mv)
		}
	}
	bare := comps.Company{Ticker: "HUYA US", Currency: comps.USD, MarketValue: d("6500"), AsOf: "2021-03-02"}
	if _, err := mk.Company(bare, "2021-03-09"); !errors.Is(err, fault.ErrMissing) {
		t.Errorf("a close with no count or close to scale by: %v, want fault.ErrMissing", err)
	}
	other := huya()
	other.Currency = comps.HKD
	if _, err := mk.Company(other, "2021-03-09"); !errors.Is(err, fault.ErrInvalid) || !strings.Contains(err.Error(), "listed in HKD") {
		t.Errorf("a quote in another currency than the listing's: %v, want fault.ErrInvalid naming both", err)
	}
}

// TestMarketFX: a rate takes the latest quote of its pair in either direction, inverted
// to the table's direction (1 / 0.125 = 8), and keeps its own where it is later.
func TestMarketFX(t *testing.T) {
	fx, err := comps.NewFX(comps.Rate{From: comps.USD, To: comps.HKD, Rate: d("7.7")}, comps.Rate{From: comps.CNY, To: comps.HKD, Rate: d("1.2"), AsOf: "2021-03-05"})
	if err != nil {
		t.Fatal(err)
	}
	mk, err := comps.NewMarket(nil, []comps.Rate{
		{From: comps.USD, To: comps.HKD, Rate: d("7.75"), AsOf: "2021-03-01"},
		{From: comps.HKD, To: comps.USD, Rate: d("0.125"), AsOf: "2021-03-08"},
		{From: comps.CNY, To: comps.HKD, Rate: d("1.19"), AsOf: "2021-03-04"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ date, usd, cny string }{
		{"2021-03-01", "7.75", ""}, // the CNY rate is of 03-05: an error below
		{"2021-03-05", "7.75", "1.2"},
		{"2021-03-08", "8", "1.2"},
	} {
		at, err := mk.FX(fx, c.date)
		if c.cny == "" {
			if !errors.Is(err, fault.ErrMissing) {
				t.Errorf("as of %s: %v, want fault.ErrMissing for CNY/HKD", c.date, err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		rates := at.Rates()
		if rates[0].From != comps.USD || !rates[0].Rate.Equal(d(c.usd)) || !rates[1].Rate.Equal(d(c.cny)) {
			t.Errorf("as of %s: %v, want USD/HKD %s and CNY/HKD %s", c.date, rates, c.usd, c.cny)
		}
	}
}

func TestMarketErrors(t *testing.T) {
	for _, c := range []struct {
		name   string
		quotes []comps.Company
		rates  []comps.Rate
		want   error
	}{
		{"twice on a day", []comps.Company{quote("2021-03-02", "1"), quote("2021-03-02", "2")}, nil, fault.ErrDuplicateKey},
		{"no date", []comps.Company{quote("", "1")}, nil, fault.ErrInvalid},
		{"a date of another shape", []comps.Company{quote("2021-3-2", "1")}, nil, fault.ErrInvalid},
		{"negative close", []comps.Company{quote("2021-03-02", "-1")}, nil, fault.ErrNonPositive},
		{"no price", []comps.Company{{Ticker: "X", Currency: comps.USD, AsOf: "2021-03-02"}}, nil, fault.ErrMissing},
		{"a metric", []comps.Company{{Ticker: "X", Currency: comps.USD, Close: d("1"), AsOf: "2021-03-02",
			Metrics: map[comps.MetricYear]decimal.Decimal{{Name: "mau", Year: 2021}: d("1")}}}, nil, fault.ErrInvalid},
		{"a pair twice on a day", nil, []comps.Rate{{From: comps.USD, To: comps.HKD, Rate: d("7.7"), AsOf: "2021-03-02"},
			{From: comps.HKD, To: comps.USD, Rate: d("0.13"), AsOf: "2021-03-02"}}, fault.ErrDuplicateKey},
		{"an undated rate", nil, []comps.Rate{{From: comps.USD, To: comps.HKD, Rate: d("7.7")}}, fault.ErrInvalid},
		{"a rate out of bounds", nil, []comps.Rate{{From: comps.USD, To: comps.HKD, Rate: d("0"), AsOf: "2021-03-02"}}, fault.ErrBadRate},
	} {
		if _, err := comps.NewMarket(c.quotes, c.rates); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	if _, err := (comps.Market{}).Company(huya(), "March 3rd"); !errors.Is(err, fault.ErrInvalid) {
		t.Errorf("a date not YYYY-MM-DD: %v", err)
	}
}

// TestMarketRateVia: a market quote of a rate marked as crossed (Via) was taken by
// NewMarket, which checked the rate without it, and refused by Market.FX ("give the
// rate itself") at the first date it was asked for; NewMarket refuses it now.
func TestMarketRateVia(t *testing.T) {
	_, err := comps.NewMarket(nil, []comps.Rate{{From: "HKD", To: "USD", Rate: d("0.128"), AsOf: "2024-01-02", Via: "CNY"}})
	if !errors.Is(err, fault.ErrBadRate) {
		t.Errorf("a quote of a crossed rate: %v, want fault.ErrBadRate", err)
	}
}
