package valuation_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/key"
	"github.com/sotpkit/sotp/valuation/modelfile"
)

// platform is a made-up platform whose one part is worth US$8,000m: advertising on
// 100m MAU at US$80 per MAU, with 1,000m basic shares; FX: one HKD buys 0.128 USD.
func platform() valuation.Model {
	mau := comps.MetricYear{Name: "mau", Year: 2025}
	set := comps.Set{Name: "peers", Metric: mau, Companies: []comps.Company{
		{Ticker: "P", Currency: "USD", MarketValue: d("8000"), Metrics: map[comps.MetricYear]decimal.Decimal{mau: d("100")}}}}
	fx, err := comps.NewFX(comps.Rate{From: "HKD", To: "USD", Rate: d("0.128")})
	if err != nil {
		panic(err)
	}
	return valuation.Model{Name: "Platform (made up)", Year: 2025, Currency: "USD", Shares: d("1000"), FX: fx,
		Plan: segments.Plan{Currency: "USD", Years: []int{2025}, Users: map[int]segments.Users{2025: {MAU: d("100"), DAU: d("40")}},
			Segments: []segments.Segment{{Name: "ads", Title: "Advertising", Drivers: map[int]segments.Driver{2025: segments.Advertising{RevenuePerDAU: d("20")}}}}},
		Parts: []valuation.Part{{Segment: "ads", Method: valuation.PMAU(set)}}}
}

// TestBridge works each line out by hand, on a sum of the parts of US$8,000m:
//
//	cash                     +1,500
//	debt                       -500
//	leases                      -40
//	listed stake  10m × HK$150 × 0.128 × (1 - 20%)    = +153.6
//	unlisted stake 100 × (1 - 25%)                    =  +75
//	minority                   -300
//	preferred                   -50
//	equity before the discount: 8,000 + 1,500 - 500 - 40 + 153.6 + 75 - 300 - 50 = 8,838.6
//	holdco discount 10% of it: -883.86; equity 7,954.74; over 1,000m shares: US$7.95474
func TestBridge(t *testing.T) {
	m := platform()
	m.Bridge = valuation.Bridge{Items: []valuation.Item{
		{Kind: valuation.Cash, Name: "cash", Currency: "USD", Amount: d("1500"), Note: "balance sheet"},
		{Kind: valuation.Debt, Name: "bonds", Currency: "USD", Amount: d("500")},
		{Kind: valuation.Leases, Name: "leases", Currency: "USD", Amount: d("40")},
		{Kind: valuation.ListedStake, Name: "stake_hk", Currency: "HKD", Shares: d("10"), Price: d("150"), Discount: d("0.2"), Note: "tax on a sale"},
		{Kind: valuation.UnlistedStake, Name: "venture", Currency: "USD", Amount: d("100"), Discount: d("0.25")},
		{Kind: valuation.Minority, Name: "minorities", Currency: "USD", Amount: d("300")},
		{Kind: valuation.Preferred, Name: "preferred", Currency: "USD", Amount: d("50")},
	}, HoldcoDiscount: d("0.1")}
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"sum": "8000", "bridge/cash": "1500", "bridge/bonds": "-500", "bridge/leases": "-40",
		"bridge/stake_hk": "153.6", "bridge/venture": "75", "bridge/minorities": "-300", "bridge/preferred": "-50",
		"bridge/holdco_discount": "-883.86", "equity": "7954.74", "diluted": "1000", "target": "7.95474"} {
		got, err := r.Figure(key)
		if err != nil || !got.Equal(d(want)) {
			t.Errorf("%s = %s, %v; want %s", key, got, err, want)
		}
	}
	// On the stakes only: 10% of 153.6 + 75 = 22.86; equity 8,838.6 - 22.86 = 8,815.74.
	m.Bridge.HoldcoBase = valuation.OnStakes
	if r, err = m.Value(); err != nil || !r.Equity.Equal(d("8815.74")) {
		t.Errorf("discount on the stakes: equity %s, %v; want 8815.74", r.Equity, err)
	}
}

// TestDilution works the treasury stock method out by hand. Equity US$10,000m, 1,000m
// basic shares; 20m restricted units (strike 0), 100m options at US$5 and 50m at US$12.
// With all three in the money the price would be (10,000 + 500 + 600) / 1,170 = 9.487,
// below the US$12 strike: so only the units and the US$5 options are, and the price is
// (10,000 + 0 + 500) / (1,000 + 20 + 100) = 9.375; diluted shares 1,000 + 20 + 100 ×
// (1 - 5/9.375) = 1,066.67, and 10,000 / 1,066.67 = 9.375 again.
func TestDilution(t *testing.T) {
	m := platform()
	m.Bridge = valuation.Bridge{Items: []valuation.Item{{Kind: valuation.Cash, Name: "cash", Currency: "USD", Amount: d("2000")}}}
	m.Dilution = valuation.Dilution{Tranches: []valuation.Tranche{
		{Name: "options_12", Count: d("50"), Strike: d("12")},
		{Name: "rsu", Count: d("20")},
		{Name: "options_5", Count: d("100"), Strike: d("5")},
	}}
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	if !r.Equity.Equal(d("10000")) || !r.Target.Equal(d("9.375")) || r.Diluted.StringFixed(2) != "1066.67" {
		t.Errorf("equity %s, target %s, diluted %s; want 10000, 9.375, 1066.67", r.Equity, r.Target, r.Diluted)
	}
	// Out of the money at any price: the count is basic.
	m.Dilution.Tranches = []valuation.Tranche{{Name: "deep", Count: d("100"), Strike: d("1000")}}
	if r, err = m.Value(); err != nil || !r.Diluted.Equal(d("1000")) || !r.Target.Equal(d("10")) {
		t.Errorf("out of the money: diluted %s, target %s, %v", r.Diluted, r.Target, err)
	}
}

// TestBridgeErrors: bad bridge input is a located error.
func TestBridgeErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(m *valuation.Model)
		want error
		line string
	}{
		{"negative debt", func(m *valuation.Model) {
			m.Bridge.Items = []valuation.Item{{Kind: valuation.Debt, Name: "bonds", Currency: "USD", Amount: d("-5")}}
		}, fault.ErrNegative, "bridge bonds"},
		{"a stake in a currency without a rate", func(m *valuation.Model) {
			m.Bridge.Items = []valuation.Item{{Kind: valuation.ListedStake, Name: "eu", Currency: "EUR", Shares: d("1"), Price: d("1")}}
		}, fault.ErrNoRate, "bridge eu"},
		{"holdco discount of 100%", func(m *valuation.Model) { m.Bridge.HoldcoDiscount = d("1") }, fault.ErrRate, "bridge"},
		{"negative holdco discount", func(m *valuation.Model) { m.Bridge.HoldcoDiscount = d("-0.1") }, fault.ErrRate, "bridge"},
		{"stake discount of 100%", func(m *valuation.Model) {
			m.Bridge.Items = []valuation.Item{{Kind: valuation.UnlistedStake, Name: "v", Currency: "USD", Amount: d("1"), Discount: d("1")}}
		}, fault.ErrRate, "bridge v"},
		{"a name twice", func(m *valuation.Model) {
			m.Bridge.Items = []valuation.Item{{Kind: valuation.Cash, Name: "c", Currency: "USD"}, {Kind: valuation.Debt, Name: "c", Currency: "USD"}}
		}, fault.ErrBridge, "bridge c"},
		{"no kind", func(m *valuation.Model) { m.Bridge.Items = []valuation.Item{{Name: "x", Currency: "USD"}} }, fault.ErrBridge, "bridge x"},
		// holdco names the holding-company discount's keys: an item of the name made its
		// amount a second bridge/holdco assumption, and a move of it moved the discount.
		{"an item named holdco", func(m *valuation.Model) {
			m.Bridge.Items = []valuation.Item{{Kind: valuation.Cash, Name: "holdco", Currency: "USD", Amount: d("1")}}
		}, fault.ErrBridge, "bridge holdco"},
		// holdco_discount is the discount's line: an item or a bond of the name listed
		// bridge/holdco_discount twice, and Lookup found the first.
		{"an item named holdco_discount", func(m *valuation.Model) {
			m.Bridge.Items = []valuation.Item{{Kind: valuation.Cash, Name: "holdco_discount", Currency: "USD", Amount: d("1")}}
		}, fault.ErrBridge, "bridge holdco_discount"},
		{"a bond named holdco_discount", func(m *valuation.Model) {
			m.Dilution.Tranches = []valuation.Tranche{{Name: "holdco_discount", Count: d("1"), Strike: d("10"), Convertible: true}}
		}, fault.ErrDilution, "dilution holdco_discount"},
		{"negative options", func(m *valuation.Model) {
			m.Dilution.Tranches = []valuation.Tranche{{Name: "o", Count: d("-1")}}
		}, fault.ErrNegative, "dilution o"},
		// Before the check a second convertible of one name was taken to convert with the
		// first: a bond out of the money, US$10,000m of debt, left no line and the equity
		// was US$10,000m too high.
		{"a tranche's name twice", func(m *valuation.Model) {
			m.Dilution.Tranches = []valuation.Tranche{{Name: "cb", Count: d("10"), Strike: d("1"), Convertible: true},
				{Name: "cb", Count: d("10"), Strike: d("1000"), Convertible: true}}
		}, fault.ErrDilution, "dilution cb"},
		{"a tranche without a name", func(m *valuation.Model) {
			m.Dilution.Tranches = []valuation.Tranche{{Count: d("10")}}
		}, fault.ErrDilution, "dilution "},
		{"a bond named as a bridge item", func(m *valuation.Model) {
			m.Bridge.Items = []valuation.Item{{Kind: valuation.Debt, Name: "cb", Currency: "USD", Amount: d("5")}}
			m.Dilution.Tranches = []valuation.Tranche{{Name: "cb", Count: d("10"), Strike: d("1000"), Convertible: true}}
		}, fault.ErrDilution, "dilution cb"},
	} {
		m := platform()
		c.edit(&m)
		_, err := m.Value()
		var fe *fault.Error
		if !errors.Is(err, c.want) || !errors.As(err, &fe) || fe.Line != c.line {
			t.Errorf("%s: %v, want %v on %q", c.name, err, c.want, c.line)
		}
	}
}

// The bridge from the sum of the parts to equity value: net cash and a listed stake in
// another currency, less minorities, and a holding-company discount.
func ExampleBridge() {
	m := platform()
	m.Bridge = valuation.Bridge{Items: []valuation.Item{
		{Kind: valuation.Cash, Name: "net_cash", Currency: "USD", Amount: d("1200"), Note: "2025 interim, net of debt"},
		{Kind: valuation.ListedStake, Name: "stake_hk", Currency: "HKD", Shares: d("10"), Price: d("150"), Note: "HK$150 close"},
		{Kind: valuation.Minority, Name: "minorities", Currency: "USD", Amount: d("300")},
	}, HoldcoDiscount: d("0.05")}
	r, err := m.Value()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range r.Bridge {
		fmt.Printf("%-16s %10s\n", l.Name, l.Value.StringFixed(1))
	}
	fmt.Println("equity", r.Equity.StringFixed(1), "target", r.Target.StringFixed(2))
	// Output:
	// net_cash             1200.0
	// stake_hk              192.0
	// minorities           -300.0
	// holdco_discount      -454.6
	// equity 8637.4 target 8.64
}

// Diluted shares by the treasury stock method at the target price.
func ExampleDilution() {
	m := platform()
	m.Bridge = valuation.Bridge{Items: []valuation.Item{{Kind: valuation.Cash, Name: "cash", Currency: "USD", Amount: d("2000")}}}
	m.Dilution = valuation.Dilution{Tranches: []valuation.Tranche{{Name: "rsu", Count: d("20")}, {Name: "options", Count: d("100"), Strike: d("5")}}}
	r, err := m.Value()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("basic", r.Shares, "diluted", r.Diluted.StringFixed(2), "target", r.Target.StringFixed(3))
	// Output: basic 1000 diluted 1066.67 target 9.375
}

// TestBridgePrepared: a prepared model with a bridge and dilution values points as
// Model.Value of the moved model does, by the exact kernel: the bridge in its program,
// the dilution in its stage after equity.
func TestBridgePrepared(t *testing.T) {
	m := platform()
	m.Bridge = valuation.Bridge{Items: []valuation.Item{{Kind: valuation.Cash, Name: "cash", Currency: "USD", Amount: d("2000")}}, HoldcoDiscount: d("0.1")}
	m.Dilution = valuation.Dilution{Tranches: []valuation.Tranche{{Name: "options", Count: d("100"), Strike: d("5")}}}
	p, err := m.Prepare(valuation.PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mau := key.Forecast(2025, "", "mau")
	q, err := p.Query([]key.Key{mau}, []key.Key{key.Scalar("target"), key.Scalar("diluted")})
	if err != nil {
		t.Fatal(err)
	}
	if q.Exact() != nil {
		t.Error("a model with a bridge and a dilution compiled no kernel")
	}
	out := make([]decimal.Decimal, 2)
	for _, v := range []string{"50", "120", "300"} {
		if !valuation.KernelOnly(q, []decimal.Decimal{d(v)}, out) {
			t.Fatalf("MAU %s: the kernel did not value the point", v)
		}
		moved := m.Clone()
		u := moved.Plan.Users[2025]
		u.MAU = d(v)
		moved.Plan.Users[2025] = u
		want, err := moved.Value()
		if err != nil {
			t.Fatal(err)
		}
		if !identical(out[0], want.Target) || !identical(out[1], want.Diluted) {
			t.Errorf("MAU %s: target %s, diluted %s; Model.Value %s, %s", v, out[0], out[1], want.Target, want.Diluted)
		}
	}
}

// TestHorizon: a target priced on a later year is discounted back at the cost of equity:
// exactly for whole years (1 / 1.1 = 0.9090909090909091), and for a fraction of a year by
// the decimal series, which give the digits Python's decimal module gives at 60 digits,
// rounded to 16 places (and float64's pow to its own precision).
func TestHorizon(t *testing.T) {
	m := platform() // US$8.00 a share
	for _, c := range []struct{ rate, years, want string }{
		{"0.1", "1", "0.9090909090909091"},
		{"0.1", "2", "0.8264462809917355"},
		{"0.1", "0.5", "0.9534625892455923"}, // 1 / sqrt(1.1) = 0.95346258924559231544...
		{"0.12", "0.75", "0.9185154863590003"},
		{"0.085", "2.25", "0.8323061220027816"},
		{"0.12", "0.75", ""},
		{"0", "3", "1"},
	} {
		m.Horizon = valuation.Horizon{Rate: d(c.rate), Years: d(c.years)}
		r, err := m.Value()
		if err != nil {
			t.Fatal(err)
		}
		want := c.want
		if want == "" {
			rate, _ := d(c.rate).Float64()
			years, _ := d(c.years).Float64()
			want = decimal.NewFromFloat(math.Pow(1+rate, -years)).StringFixed(14)
			if got := r.Discount.StringFixed(14); got != want {
				t.Errorf("%s over %s: factor %s, float64 %s", c.rate, c.years, r.Discount, want)
			}
		} else if !r.Discount.Equal(d(want)) {
			t.Errorf("%s over %s: factor %s, want %s", c.rate, c.years, r.Discount, want)
		}
		if !r.Undiscounted.Equal(d("8")) || !r.Target.Equal(d("8").Mul(r.Discount).Round(16)) {
			t.Errorf("%s over %s: undiscounted %s, target %s", c.rate, c.years, r.Undiscounted, r.Target)
		}
	}
	for _, h := range []valuation.Horizon{{Rate: d("1"), Years: d("1")}, {Rate: d("-0.1"), Years: d("1")},
		{Rate: d("0.1"), Years: d("31")}, {Rate: d("0.1"), Years: d("-1")}} {
		m.Horizon = h
		if _, err := m.Value(); err == nil {
			t.Errorf("horizon %+v valued", h)
		}
	}
}

// TestWeighted weights three cases of the made-up platform by hand: bear at 60m MAU
// (US$4.80), base (US$8.00), bull at 130m (US$10.40); 25% × 4.8 + 50% × 8 + 25% × 10.4 =
// 1.2 + 4 + 2.6 = US$7.80.
func TestWeighted(t *testing.T) {
	p, err := platform().Prepare(valuation.PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mau := key.Forecast(2025, "", "mau")
	cases := []valuation.Scenario{
		{Name: "bear", Weight: d("0.25"), Set: []valuation.Override{{Key: mau, Value: d("60")}}},
		{Name: "base", Weight: d("0.5")},
		{Name: "bull", Weight: d("0.25"), Set: []valuation.Override{{Key: mau, Value: d("130")}}},
	}
	w, err := p.Weighted(cases...)
	if err != nil {
		t.Fatal(err)
	}
	if !w.Target.Equal(d("7.8")) || len(w.Cases) != 3 || !w.Cases[0].Target.Equal(d("4.8")) || !w.Cases[2].Target.Equal(d("10.4")) {
		t.Errorf("weighted %+v, want 7.8 from 4.8, 8 and 10.4", w)
	}
	cases[1].Weight = d("0.4") // weights sum to 0.9
	if _, err := p.Weighted(cases...); !errors.Is(err, fault.ErrWeight) {
		t.Errorf("weights of 0.9: %v, want ErrWeight", err)
	}
	cases[1].Weight = d("0.5")
	cases[0].Set[0].Value = d("30") // DAU 40 above MAU 30
	if _, err := p.Weighted(cases...); !errors.Is(err, fault.ErrDAUAboveMAU) {
		t.Errorf("an invalid case: %v, want ErrDAUAboveMAU", err)
	}
}

// A probability-weighted target over bear, base and bull cases.
func ExamplePrepared_Weighted() {
	p, err := platform().Prepare(valuation.PrepareOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	mau := key.Forecast(2025, "", "mau")
	w, err := p.Weighted(
		valuation.Scenario{Name: "bear", Weight: d("0.25"), Set: []valuation.Override{{Key: mau, Value: d("60")}}},
		valuation.Scenario{Name: "base", Weight: d("0.5")},
		valuation.Scenario{Name: "bull", Weight: d("0.25"), Set: []valuation.Override{{Key: mau, Value: d("130")}}},
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range w.Cases {
		fmt.Printf("%-5s %4s%%  US$%s\n", c.Name, c.Weight.Shift(2).StringFixed(0), c.Target.StringFixed(2))
	}
	fmt.Println("weighted US$" + w.Target.StringFixed(2))
	// Output:
	// bear    25%  US$4.80
	// base    50%  US$8.00
	// bull    25%  US$10.40
	// weighted US$7.80
}

// TestEnterpriseValue prices a segment on EV/Sales, by hand: peer A's enterprise value is
// 1,000 + 200 of net debt = 1,200 over 400 of revenue, 3.0x; B's 500 - 100 of net cash =
// 400 over 200, 2.0x; mean 2.5x. Revenue of 300 (15m DAU × US$20 per DAU) is
// worth 750 of enterprise value; cash 100 and debt 250 bridge it to 600 of equity, over
// 100m shares US$6.00. A P/S label on the same set, or EV/S on market values, is refused.
func TestEnterpriseValue(t *testing.T) {
	rev := comps.MetricYear{Name: "revenue", Year: 2025}
	set := comps.Set{Name: "ev peers", Metric: rev, Money: true, Enterprise: true, Companies: []comps.Company{
		{Ticker: "A", Currency: "USD", MarketValue: d("1000"), NetDebt: d("200"), Metrics: map[comps.MetricYear]decimal.Decimal{rev: d("400")}},
		{Ticker: "B", Currency: "USD", MarketValue: d("500"), NetDebt: d("-100"), Metrics: map[comps.MetricYear]decimal.Decimal{rev: d("200")}}}}
	m := platform()
	m.Shares = d("100")
	u := m.Plan.Users[2025]
	u.DAU = d("15")
	m.Plan.Users[2025] = u
	m.Parts = []valuation.Part{{Segment: "ads", Method: valuation.EVS(set)}}
	m.Bridge = valuation.Bridge{Items: []valuation.Item{
		{Kind: valuation.Cash, Name: "cash", Currency: "USD", Amount: d("100")},
		{Kind: valuation.Debt, Name: "debt", Currency: "USD", Amount: d("250")}}}
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	p := r.Parts[0]
	if !p.Enterprise || !p.Multiple.Average.Equal(d("2.5")) || !p.Value.Equal(d("750")) || !r.Equity.Equal(d("600")) || !r.Target.Equal(d("6")) {
		t.Errorf("EV/S: enterprise %v, multiple %s, value %s, equity %s, target %s; want true, 2.5, 750, 600, 6", p.Enterprise, p.Multiple.Average, p.Value, r.Equity, r.Target)
	}
	if c := p.Multiple.Companies[0]; !c.MarketValue.Equal(d("1200")) {
		t.Errorf("A's enterprise value %s, want 1200", c.MarketValue)
	}
	m.Parts[0].Method = valuation.PS(set)
	if _, err := m.Value(); !errors.Is(err, fault.ErrMismatch) {
		t.Errorf("P/S on enterprise values: %v, want ErrMismatch", err)
	}
	market := set
	market.Enterprise = false
	m.Parts[0].Method = valuation.EVS(market)
	if _, err := m.Value(); !errors.Is(err, fault.ErrMismatch) {
		t.Errorf("EV/S on market values: %v, want ErrMismatch", err)
	}
	set.Companies[1].NetDebt = d("-600") // net cash above the market value
	m.Parts[0].Method = valuation.EVS(set)
	if _, err := m.Value(); !errors.Is(err, fault.ErrNonPositive) {
		t.Errorf("a negative enterprise value: %v, want ErrNonPositive", err)
	}
}

// TestBridgeAssumptions: every bridge, dilution and horizon input is an assumption of a
// prepared model, and moving one gives Model.Value of the model moved by hand.
func TestBridgeAssumptions(t *testing.T) {
	m := platform()
	m.Bridge = valuation.Bridge{Items: []valuation.Item{
		{Kind: valuation.Cash, Name: "cash", Currency: "USD", Amount: d("1500")},
		{Kind: valuation.ListedStake, Name: "stake_hk", Currency: "HKD", Shares: d("10"), Price: d("150"), Discount: d("0.2")},
	}, HoldcoDiscount: d("0.1")}
	m.Dilution = valuation.Dilution{Tranches: []valuation.Tranche{{Name: "options", Count: d("100"), Strike: d("5")}}}
	m.Horizon = valuation.Horizon{Rate: d("0.1"), Years: d("1")}
	p, err := m.Prepare(valuation.PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	moves := map[string]func(m *valuation.Model, v decimal.Decimal){
		"bridge/cash/amount":       func(m *valuation.Model, v decimal.Decimal) { m.Bridge.Items[0].Amount = v },
		"bridge/stake_hk/price":    func(m *valuation.Model, v decimal.Decimal) { m.Bridge.Items[1].Price = v },
		"bridge/stake_hk/shares":   func(m *valuation.Model, v decimal.Decimal) { m.Bridge.Items[1].Shares = v },
		"bridge/stake_hk/discount": func(m *valuation.Model, v decimal.Decimal) { m.Bridge.Items[1].Discount = v },
		"bridge/holdco/discount":   func(m *valuation.Model, v decimal.Decimal) { m.Bridge.HoldcoDiscount = v },
		"dilution/options/count":   func(m *valuation.Model, v decimal.Decimal) { m.Dilution.Tranches[0].Count = v },
		"dilution/options/strike":  func(m *valuation.Model, v decimal.Decimal) { m.Dilution.Tranches[0].Strike = v },
		"horizon/rate":             func(m *valuation.Model, v decimal.Decimal) { m.Horizon.Rate = v },
		"horizon/years":            func(m *valuation.Model, v decimal.Decimal) { m.Horizon.Years = v },
	}
	listed := 0
	for _, a := range p.Assumptions() {
		if _, ok := moves[a.Key.String()]; ok {
			listed++
		}
	}
	if listed != len(moves) {
		t.Errorf("%d of the %d bridge inputs are assumptions", listed, len(moves))
	}
	for name, move := range moves {
		k, err := key.Parse(name)
		if err != nil {
			t.Fatal(err)
		}
		v := d("0.05")
		if !strings.Contains(name, "discount") && !strings.Contains(name, "rate") {
			v = d("7")
		}
		got, err := p.Value(valuation.Override{Key: k, Value: v})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		moved := m.Clone()
		move(&moved, v)
		want, err := moved.Value()
		if err != nil {
			t.Fatal(err)
		}
		if !identical(got.Target, want.Target) {
			t.Errorf("%s = %s: target %s, Model.Value %s", name, v, got.Target, want.Target)
		}
	}
}

// TestLeaveOneOutThroughTheBridge: each leave-one-out target is the model's own target
// with the comparable left out of the set (Model.Value with it excluded), through the
// bridge and its holding-company discount: examples/models/holdco-tech.json, social
// advertising without each of its two peers. The rows once took the sum's change over the
// shares alone, as if there were no bridge (70.3 for 73.5).
func TestLeaveOneOutThroughTheBridge(t *testing.T) {
	m, err := modelfile.LoadModel(filepath.Join("..", "examples", "models", "holdco-tech.json"))
	if err != nil {
		t.Fatal(err)
	}
	l, err := m.LeaveOneOut(context.Background(), "social_ads")
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range l.Rows {
		without := m
		without.Parts = slices.Clone(m.Parts)
		mult := without.Parts[0].Method.(valuation.Multiple)
		mult.Comps.Exclude = map[string]string{row.Ticker: "left out"}
		without.Parts[0].Method = mult
		r, err := without.Value()
		if err != nil {
			t.Fatal(err)
		}
		if row.Target.StringFixed(9) != r.Target.StringFixed(9) {
			t.Errorf("without %s: %s, want Model.Value's %s", row.Ticker, row.Target.StringFixed(9), r.Target.StringFixed(9))
		}
	}
}

// The one description of each bridge item's value, which Model.Value, the exact kernel,
// the float64 program and the workbook all compute from.
func ExampleItemKind_Formula() {
	for _, k := range []valuation.ItemKind{valuation.Cash, valuation.Debt, valuation.ListedStake, valuation.UnlistedStake} {
		fmt.Printf("%-14s %s\n", k, k.Formula())
	}
	// Output:
	// cash           amount * rate
	// debt           (-1) * amount * rate
	// listed_stake   shares * price * rate * (1 - discount)
	// unlisted_stake amount * rate * (1 - discount)
}
