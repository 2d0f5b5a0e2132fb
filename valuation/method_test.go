package valuation_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/key"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
)

// withShop is madeUp with a third segment and FX for CNY. Shop: 100m MAU × 50%
// penetration = 50m shoppers × CNY 1,000 = GMV CNY 50,000m (500 亿); 2% take = revenue
// 1,000; 10% net margin = earnings 100. The rates are consistent: 7.8 / 1.2 = 6.5.
func withShop(margin string) valuation.Model {
	m := madeUp()
	m.Plan.Segments = append(append([]segments.Segment(nil), m.Plan.Segments...), segments.Segment{
		Name: "shop", Title: "E-commerce", Drivers: map[int]segments.Driver{2025: segments.NetMargin{
			Driver: segments.Ecommerce{Penetration: d("0.5"), GMVPerShopper: d("1000"), TakeRate: d("0.02")},
			Margin: d(margin)}},
	})
	fx, err := comps.NewFX(
		comps.Rate{From: comps.USD, To: comps.HKD, Rate: d("7.8")},
		comps.Rate{From: comps.CNY, To: comps.HKD, Rate: d("1.2")},
		comps.Rate{From: comps.USD, To: comps.CNY, Rate: d("6.5")},
	)
	if err != nil {
		panic(err)
	}
	m.FX = fx
	return m
}

func company(ticker string, ccy, reporting comps.Currency, mv string, metric comps.MetricYear, value string) comps.Company {
	return comps.Company{Ticker: ticker, Currency: ccy, Reporting: reporting, MarketValue: d(mv),
		Metrics: map[comps.MetricYear]decimal.Decimal{metric: d(value)}}
}

var (
	rev25      = comps.MetricYear{Name: "revenue", Year: 2025}
	gmv25      = comps.MetricYear{Name: "gmv", Year: 2025}
	earnings25 = comps.MetricYear{Name: "earnings", Year: 2025}
	dau25      = comps.MetricYear{Name: "dau", Year: 2025}
	payers25   = comps.MetricYear{Name: "paying_users", Year: 2025}
	// EEE: US$900m = CNY 5,850m on revenue CNY 1,950m: 3.0x. FFF: US$500m on US$100m: 5.0x.
	// Mean P/S 4.0x, worked out in CNY.
	sales = comps.Set{Name: "sales", Metric: rev25, Money: true, Currency: comps.CNY, Companies: []comps.Company{
		company("EEE", comps.USD, comps.CNY, "900", rev25, "1950"),
		company("FFF", comps.USD, comps.USD, "500", rev25, "100"),
	}}
	// GGG: HK$12,000m on GMV CNY 100,000m = HK$120,000m: 0.1x.
	gmvSet = comps.Set{Name: "gmv", Metric: gmv25, Money: true, Currency: comps.HKD, Companies: []comps.Company{
		company("GGG", comps.HKD, comps.CNY, "12000", gmv25, "100000"),
	}}
	// HHH: HK$2,400m on earnings CNY 100m = HK$120m: 20x.
	peSet = comps.Set{Name: "pe", Metric: earnings25, Money: true, Currency: comps.HKD, Companies: []comps.Company{
		company("HHH", comps.HKD, comps.CNY, "2400", earnings25, "100"),
	}}
	// III: US$3,000m on 20m DAU: US$150 per DAU.
	dauSet = comps.Set{Name: "dau", Metric: dau25, Companies: []comps.Company{company("III", comps.USD, "", "3000", dau25, "20")}}
	// JJJ: US$500m on 5m paying users: US$100 per payer.
	payerSet = comps.Set{Name: "payers", Metric: payers25, Companies: []comps.Company{company("JJJ", comps.USD, "", "500", payers25, "5")}}
)

// TestMethods values madeUp's segments under each method; the arithmetic is in the
// comments of the sets above and of each case.
func TestMethods(t *testing.T) {
	for _, c := range []struct {
		segment string
		method  valuation.Multiple
		name    string
		figure  string // the segment figure priced, millions
		fx      comps.Rate
		value   string // HK$ millions
	}{
		// 25 USD/MAU × 100m × 7.8 (see ExampleModel_Value).
		{"live", valuation.PMAU(comps.Set{}), "P/MAU", "100", comps.Rate{From: comps.USD, To: comps.HKD, Rate: d("7.8")}, "19500"},
		// 4.0 × CNY 6,000m live revenue × 1.2.
		{"live", valuation.PS(sales), "P/S", "6000", comps.Rate{From: comps.CNY, To: comps.HKD, Rate: d("1.2")}, "28800"},
		// 0.1 × GMV CNY 50,000m × 1.2.
		{"shop", valuation.PGMV(gmvSet), "P/GMV", "50000", comps.Rate{From: comps.CNY, To: comps.HKD, Rate: d("1.2")}, "6000"},
		// 20 × earnings CNY 100m × 1.2.
		{"shop", valuation.PE(peSet), "P/E", "100", comps.Rate{From: comps.CNY, To: comps.HKD, Rate: d("1.2")}, "2400"},
		// US$150 × 50m DAU × 7.8.
		{"ads", valuation.PDAU(dauSet), "P/DAU", "50", comps.Rate{From: comps.USD, To: comps.HKD, Rate: d("7.8")}, "58500"},
		// US$100 × (100m MAU × 10% = 10m payers) × 7.8.
		{"live", valuation.PPayingUser(payerSet), "P/paying user", "10", comps.Rate{From: comps.USD, To: comps.HKD, Rate: d("7.8")}, "7800"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := withShop("0.1")
			method := c.method
			if method.Comps.Name == "" {
				method.Comps = m.Parts[0].Method.(valuation.Multiple).Comps
			}
			m.Parts = []valuation.Part{{Segment: c.segment, Method: method}}
			r, err := m.Value()
			if err != nil {
				t.Fatal(err)
			}
			p := r.Parts[0]
			if p.Method != c.name || !p.MetricValue.Equal(d(c.figure)) || !p.Value.Equal(d(c.value)) {
				t.Errorf("%s: %s × %s = %s, want %s × %s = %s", p.Method, p.Multiple.Value, p.MetricValue, p.Value, c.name, c.figure, c.value)
			}
			if diff := cmp.Diff(c.fx, p.FX, cmp.Comparer(decimal.Decimal.Equal)); diff != "" {
				t.Errorf("fx (-want +got)\n%s", diff)
			}
		})
	}
}

func TestMethodErrors(t *testing.T) {
	for _, c := range []struct {
		name    string
		margin  string
		segment string
		method  valuation.Multiple
		want    []error
		naming  string
	}{
		{"P/E on a segment without earnings", "0.1", "ads", valuation.PE(peSet), []error{fault.ErrMetric, fault.ErrUnknownMetric}, "ads by P/E: segment figure cannot be priced: segments: ads 2025: earnings: unknown metric"},
		{"P/E on a loss", "-0.1", "shop", valuation.PE(peSet), []error{fault.ErrMetric}, "earnings -100"},
		{"P/S on a per-user set", "0.1", "live", valuation.PS(dauSet), []error{fault.ErrMismatch}, `revenue (money) priced on set "dau" (users)`},
		{"P/MAU on a money set", "0.1", "live", valuation.PMAU(sales), []error{fault.ErrMismatch}, `mau (users) priced on set "sales" (money)`},
		{"a rate is not priceable", "0.1", "live", valuation.Multiple{Label: "P/ratio", Comps: dauSet, Metric: segments.PayingRatio}, []error{fault.ErrMetric}, "unit fraction"},
		{"no rate from the reporting currency", "0.1", "live", valuation.PS(comps.Set{Name: "usd", Metric: rev25, Money: true, Companies: sales.Companies[1:]}), []error{fault.ErrNoRate}, "fx CNY/HKD"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := withShop(c.margin)
			if strings.Contains(c.name, "no rate") {
				m = madeUp()
			}
			m.Parts = []valuation.Part{{Segment: c.segment, Method: c.method}}
			_, err := m.Value()
			for _, w := range c.want {
				if !errors.Is(err, w) {
					t.Errorf("error %v, want errors.Is %v", err, w)
				}
			}
			var pe *fault.Error
			if !errors.As(err, &pe) || pe.Segment != c.segment || pe.Op != c.method.Name() || !strings.Contains(err.Error(), c.naming) {
				t.Errorf("error %q should be a *fault.Error on %s by %s naming %q", err, c.segment, c.method.Name(), c.naming)
			}
		})
	}
}

func TestCrossCheck(t *testing.T) {
	m := withShop("0.1")
	m.Parts = append(m.Parts, valuation.Part{Segment: "shop", Method: valuation.PGMV(gmvSet)})
	cc, err := m.CrossCheck(
		valuation.Part{Segment: "live", Method: valuation.PS(sales)},
		valuation.Part{Segment: "ads", Method: valuation.PS(sales)},
		valuation.Part{Segment: "ads", Method: valuation.PE(peSet)},
		valuation.Part{Segment: "shop", Method: valuation.PE(peSet)},
	)
	if err != nil {
		t.Fatal(err)
	}
	nd := func(s string) decimal.NullDecimal { return decimal.NewNullDecimal(d(s)) }
	want := []valuation.CrossValue{
		{Segment: "live", Title: "Live streaming", Method: "P/MAU", Chosen: true, Value: nd("19500")},
		{Segment: "live", Title: "Live streaming", Method: "P/S", Value: nd("28800")}, // 4.0 × 6,000 × 1.2
		// 135 × 100m MAU × 7.8 (ExampleModel_Value).
		{Segment: "ads", Title: "Advertising", Method: "P/MAU", Chosen: true, Value: nd("105300")},
		{Segment: "ads", Title: "Advertising", Method: "P/S", Value: nd("9600")}, // 4.0 × 2,000 × 1.2
		{Segment: "ads", Title: "Advertising", Method: "P/E",
			Reason: "segment figure cannot be priced: segments: ads 2025: earnings: unknown metric"},
		{Segment: "shop", Title: "E-commerce", Method: "P/GMV", Chosen: true, Value: nd("6000")},
		{Segment: "shop", Title: "E-commerce", Method: "P/E", Value: nd("2400")},
	}
	if diff := cmp.Diff(want, cc.Values, cmp.Comparer(decimal.Decimal.Equal)); diff != "" {
		t.Errorf("cross-check (-want +got)\n%s", diff)
	}
	wantText := `Cross-check: each segment under each method, 2025 (HKD 亿)
                  P/MAU  P/S  P/E  P/GMV
----------------------------------------
Live streaming    195 *  288
Advertising     1,053 *   96  n/a
E-commerce                     24   60 *
Note: Advertising by P/E: segment figure cannot be priced: segments: ads 2025: earnings: unknown metric
Note: * the model's choice; blank: not tried
`
	if diff := cmp.Diff(wantText, cc.Text()); diff != "" {
		t.Errorf("text (-want +got)\n%s", diff)
	}
	if _, err := m.CrossCheck(valuation.Part{Segment: "nope", Method: valuation.PS(sales)}); !errors.Is(err, fault.ErrUnknownSegment) {
		t.Errorf("unknown segment: %v", err)
	}
}

func TestLeaveOneOut(t *testing.T) {
	l, err := madeUp().LeaveOneOut(context.Background(), "live")
	if err != nil {
		t.Fatal(err)
	}
	// Streamers AAA 1000/50 = 20 and BBB 3000/100 = 30 USD/MAU; the part is 25 × 100 × 7.8
	// = 19,500 of a HK$124,800m sum over 1,000m shares.
	want := []valuation.LeftOut{
		// Without AAA: 30 × 100 × 7.8 = 23,400 (+20%); (124,800 − 19,500 + 23,400) / 1,000.
		{Ticker: "AAA", Multiple: d("30"), Value: d("23400"), Change: d("0.2"), Target: d("128.7")},
		// Without BBB: 20 × 100 × 7.8 = 15,600 (−20%); (124,800 − 19,500 + 15,600) / 1,000.
		{Ticker: "BBB", Multiple: d("20"), Value: d("15600"), Change: d("-0.2"), Target: d("120.9")},
	}
	if diff := cmp.Diff(want, l.Rows, cmp.Comparer(decimal.Decimal.Equal)); diff != "" {
		t.Errorf("leave-one-out (-want +got)\n%s", diff)
	}
	if !l.Full.Value.Equal(d("19500")) || !l.Target.Equal(d("124.8")) {
		t.Errorf("full %s target %s", l.Full.Value, l.Target)
	}
	if _, err := madeUp().LeaveOneOut(context.Background(), "nope"); !errors.Is(err, fault.ErrNoPart) {
		t.Errorf("no part: %v", err)
	}
	m := withShop("0.1")
	m.Parts = []valuation.Part{{Segment: "shop", Method: valuation.PGMV(gmvSet)}}
	if _, err := m.LeaveOneOut(context.Background(), "shop"); !errors.Is(err, fault.ErrLeaveOneOut) {
		t.Errorf("one comparable: %v", err)
	}
}

// TestPreparedPremium: a part valued at another premium through a prepared model equals
// the part valued from its comparables at that premium.
func TestPreparedPremium(t *testing.T) {
	m := kuaishou2021.Model()
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	p, err := m.Prepare(valuation.PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	undiscounted, err := p.Value(valuation.Override{Key: key.Part("ecommerce", "premium"), Value: decimal.Zero})
	if err != nil {
		t.Fatal(err)
	}
	// Without the 20% discount the part is worth 1 / 0.8 of the report's: the products are
	// exact, so 0.8 of it is the report's value to the last digit.
	if got, want := undiscounted.Parts[2].Value.Mul(decimal.RequireFromString("0.8")), r.Parts[2].Value; !got.Equal(want) {
		t.Errorf("0.8 × undiscounted %s, want %s", got, want)
	}
}
