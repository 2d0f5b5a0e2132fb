package segments_test

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/fault"
)

var d = decimal.RequireFromString

func value(t *testing.T, lines []segments.Line, m segments.Metric) decimal.Decimal {
	t.Helper()
	for _, l := range lines {
		if l.Metric == m {
			return l.Value
		}
	}
	t.Fatalf("no line %s", m)
	return decimal.Decimal{}
}

func TestDrivers(t *testing.T) {
	u := segments.Users{MAU: d("572"), DAU: d("344")}
	for _, c := range []struct {
		name   string
		driver segments.Driver
		want   map[segments.Metric]string
	}{
		// 572 × 11.8% = 67.496 paying users; × 44.4 × 12 = 35,961.8688 (the naive product of
		// Table 7's printed 2021E drivers, which misses the printed 35,927).
		{"live streaming", segments.LiveStreaming{PayingRatio: d("0.118"), MonthlyARPPU: d("44.4")},
			map[segments.Metric]string{segments.PayingUsers: "67.496", segments.Revenue: "35961.8688"}},
		// 344 × 137 = 47,128 (Table 8's printed 2021E drivers; printed revenue 46,972).
		{"advertising", segments.Advertising{RevenuePerDAU: d("137")},
			map[segments.Metric]string{segments.Revenue: "47128"}},
		// 572 × 45% = 257.4 shoppers; × 2727 = 701,929.8 RMB m GMV (printed as 7,019 亿);
		// × 1% = 7,019.298 revenue; GMV per MAU 701,929.8 / 572 = 1,227.15.
		{"e-commerce", segments.Ecommerce{Penetration: d("0.45"), GMVPerShopper: d("2727"), TakeRate: d("0.01")},
			map[segments.Metric]string{segments.ShoppingMAU: "257.4", segments.GMV: "701929.8", segments.Revenue: "7019.298",
				segments.GMVPerMAU: "1227.15"}},
		// Other revenue adds to commission: 0 × GMV + 20.
		{"e-commerce with other revenue", segments.Ecommerce{Penetration: d("0.2"), GMVPerShopper: d("2"), OtherRevenue: d("20")},
			map[segments.Metric]string{segments.Revenue: "20", segments.OtherRevenue: "20"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			lines, err := segments.Evaluate(c.driver, u)
			if err != nil {
				t.Fatal(err)
			}
			for m, want := range c.want {
				if got := value(t, lines, m); !got.Equal(d(want)) {
					t.Errorf("%s = %s, want %s", m, got, want)
				}
			}
		})
	}
}

func TestDriverCalledDirectlyWithBadUsers(t *testing.T) {
	// GMV per MAU divides by MAU: a direct call with zero MAU must be an error, not a panic.
	_, err := segments.Evaluate(segments.Ecommerce{Penetration: d("0.5")}, segments.Users{})
	if !errors.Is(err, fault.ErrNonPositive) {
		t.Errorf("zero MAU: %v, want ErrNonPositive", err)
	}
}

func plan() segments.Plan {
	return segments.Plan{
		Currency: "CNY", Years: []int{2020, 2021}, FirstEstimate: 2021,
		Users: map[int]segments.Users{2020: {MAU: d("100"), DAU: d("50")}, 2021: {MAU: d("200"), DAU: d("100")}},
		Segments: []segments.Segment{
			{Name: "live", Title: "Live", Drivers: map[int]segments.Driver{
				2020: segments.LiveStreaming{PayingRatio: d("0.1"), MonthlyARPPU: d("10")},
				2021: segments.LiveStreaming{PayingRatio: d("0.1"), MonthlyARPPU: d("10")}}},
			{Name: "ads", Title: "Ads", Drivers: map[int]segments.Driver{
				2020: segments.Advertising{RevenuePerDAU: d("24")},
				2021: segments.Advertising{RevenuePerDAU: d("18")}}},
		},
	}
}

func TestForecastGroupView(t *testing.T) {
	f, err := plan().Forecast()
	if err != nil {
		t.Fatal(err)
	}
	// 2020: live 100 × 0.1 × 10 × 12 = 1,200; ads 50 × 24 = 1,200; total 2,400.
	// 2021: live 2,400 (+100%); ads 100 × 18 = 1,800 (+50%); total 4,200 (+75%);
	// shares 2,400 / 4,200 = 4/7 and 3/7; MAU growth 100%.
	for _, c := range []struct {
		name string
		got  func() (decimal.Decimal, error)
		want string
	}{
		{"total 2020", func() (decimal.Decimal, error) { return f.Figure(2020, "", segments.Revenue) }, "2400"},
		{"total 2021", func() (decimal.Decimal, error) { return f.Figure(2021, "", segments.Revenue) }, "4200"},
		{"total growth", func() (decimal.Decimal, error) { return f.Growth(2021, "", segments.Revenue) }, "0.75"},
		{"live growth", func() (decimal.Decimal, error) { return f.Growth(2021, "live", segments.Revenue) }, "1"},
		{"ads growth", func() (decimal.Decimal, error) { return f.Growth(2021, "ads", segments.Revenue) }, "0.5"},
		{"MAU growth", func() (decimal.Decimal, error) { return f.Growth(2021, "", segments.MAU) }, "1"},
		{"ads per-DAU growth", func() (decimal.Decimal, error) { return f.Growth(2021, "ads", segments.RevenuePerDAU) }, "-0.25"},
		{"ads uses platform MAU", func() (decimal.Decimal, error) { return f.Figure(2021, "ads", segments.MAU) }, "200"},
		{"live share", func() (decimal.Decimal, error) {
			y, err := f.Year(2021)
			return y.Segments[0].Share.Decimal, err
		}, "0.5714285714285714"},
	} {
		got, err := c.got()
		if err != nil || !got.Equal(d(c.want)) {
			t.Errorf("%s = %s, %v; want %s", c.name, got, err, c.want)
		}
	}
	if got := f.Label(2021) + " " + f.Label(2020); got != "2021E 2020" {
		t.Errorf("labels %q", got)
	}
}

func TestPlanErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(*segments.Plan)
		want error
	}{
		{"no years", func(p *segments.Plan) { p.Years = nil }, fault.ErrPlan},
		{"years out of order", func(p *segments.Plan) { p.Years = []int{2021, 2020} }, fault.ErrPlan},
		{"users missing", func(p *segments.Plan) { p.Users = map[int]segments.Users{2020: p.Users[2020]} }, fault.ErrMissing},
		{"no segments", func(p *segments.Plan) { p.Segments = nil }, fault.ErrPlan},
		{"duplicate segment", func(p *segments.Plan) { p.Segments = append(p.Segments, p.Segments[0]) }, fault.ErrPlan},
		{"unnamed segment", func(p *segments.Plan) { p.Segments[0].Name = "" }, fault.ErrPlan},
		{"driver missing", func(p *segments.Plan) {
			p.Segments[1].Drivers = map[int]segments.Driver{2020: p.Segments[1].Drivers[2020]}
		}, fault.ErrMissing},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := plan()
			c.edit(&p)
			if _, err := p.Forecast(); !errors.Is(err, c.want) {
				t.Errorf("%v, want %v", err, c.want)
			}
		})
	}
	f, _ := plan().Forecast()
	if _, err := f.Year(2019); !errors.Is(err, fault.ErrUnknownYear) {
		t.Errorf("Year(2019): %v", err)
	}
	if _, err := f.Figure(2020, "live", segments.GMV); !errors.Is(err, fault.ErrUnknownMetric) {
		t.Errorf("live GMV: %v", err)
	}
}

func TestUnitJSON(t *testing.T) {
	b, err := json.Marshal(segments.PerUser)
	if err != nil || string(b) != `"per_user"` {
		t.Errorf("Marshal(PerUser) = %s, %v", b, err)
	}
	var u segments.Unit
	if err := json.Unmarshal([]byte(`"hundred_millions"`), &u); err != nil || u != segments.HundredMillions {
		t.Errorf("Unmarshal = %v, %v", u, err)
	}
	if err := json.Unmarshal([]byte(`"furlongs"`), &u); !errors.Is(err, fault.ErrUnknownUnit) {
		t.Errorf("unknown unit: %v", err)
	}
	if _, err := json.Marshal(segments.Unit(0)); !errors.Is(err, fault.ErrUnknownUnit) {
		t.Errorf("zero unit: %v", err)
	}
}

// TestWith reads and replaces each shipped driver's inputs through its Spec without
// touching the original.
func TestWith(t *testing.T) {
	base := segments.NetMargin{Driver: segments.Ecommerce{Penetration: d("0.45"), GMVPerShopper: d("2726.7"), TakeRate: d("0.01")}, Margin: d("0.1")}
	want := []segments.Metric{segments.Penetration, segments.GMVPerShopper, segments.TakeRate, segments.OtherRevenue, segments.NetMarginRate}
	var got []segments.Metric
	for _, in := range base.Spec().Inputs {
		got = append(got, in.Metric)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("inputs %v, want %v", got, want)
	}
	for _, m := range want {
		moved, ok := segments.With(base, m, d("0.5"))
		if !ok {
			t.Fatalf("%s: not an input", m)
		}
		if v, _ := inputValue(moved, m); !v.Equal(d("0.5")) {
			t.Errorf("%s: %s after With, want 0.5", m, v)
		}
	}
	if v, _ := inputValue(base, segments.TakeRate); !v.Equal(d("0.01")) {
		t.Errorf("base take rate %s, want 0.01: With modified the receiver", v)
	}
	for _, dr := range []segments.Driver{segments.LiveStreaming{}, segments.Advertising{}, base} {
		if _, ok := segments.With(dr, segments.DAU, d("1")); ok {
			t.Errorf("%T accepted dau, which is not its input", dr)
		}
		if _, ok := inputValue(dr, segments.DAU); ok {
			t.Errorf("%T reads dau, which is not its input", dr)
		}
		if err := dr.Spec().Check(); err != nil {
			t.Errorf("%T: %v", dr, err)
		}
	}
}

// TestSpecCheck refuses driver models that cannot forecast, as ErrSpec, and a name one
// of a segment's own figures has (users, share) or a word of the key grammar (growth,
// line, driver, a slash).
func TestSpecCheck(t *testing.T) {
	ok := segments.Advertising{}.Spec()
	for name, edit := range map[string]func(s *segments.Spec){
		"no kind":           func(s *segments.Spec) { s.Kind = "" },
		"input named mau":   func(s *segments.Spec) { s.Inputs[0].Metric = segments.MAU },
		"no range":          func(s *segments.Spec) { s.Inputs[0].Range = 0 },
		"unknown reference": func(s *segments.Spec) { s.Lines[2].Formula = segments.Ref("nope") },
		"later reference":   func(s *segments.Spec) { s.Lines[0].Formula = segments.Ref(segments.Revenue) },
		"line twice":        func(s *segments.Spec) { s.Lines[1].Metric = segments.DAU },
		"no revenue":        func(s *segments.Spec) { s.Lines = s.Lines[:2] },
		"divide by zero": func(s *segments.Spec) {
			s.Lines[2].Formula = segments.Quotient(segments.Ref(segments.DAU), segments.Const(decimal.Zero))
		},
		"empty product": func(s *segments.Spec) { s.Lines[2].Formula = segments.Mul() },
		"user base":     func(s *segments.Spec) { s.UserBase = segments.Revenue },
		// a segment's share of revenue and its own users are figures of their own
		"line named share": func(s *segments.Spec) {
			s.Lines = append(s.Lines, segments.LineSpec{Metric: "share", Unit: segments.Fraction, Formula: segments.Const(d("0.5"))})
		},
		"line named users": func(s *segments.Spec) {
			s.Lines = append(s.Lines, segments.LineSpec{Metric: segments.OwnUsers, Unit: segments.MillionUsers, Formula: segments.Ref(segments.DAU)})
		},
		"input named share": func(s *segments.Spec) {
			s.Inputs = append(s.Inputs, segments.Input{Metric: "share", Unit: segments.Fraction, Range: segments.UnitRate})
		},
		// words of the key grammar: forecast/2021/shop/growth read back as the growth
		// of a group figure named shop, and a name with a slash as another key
		"input named growth": func(s *segments.Spec) {
			s.Inputs = append(s.Inputs, segments.Input{Metric: "growth", Unit: segments.Fraction, Range: segments.SignedRate})
		},
		"line named growth": func(s *segments.Spec) {
			s.Lines = append(s.Lines, segments.LineSpec{Metric: "growth", Unit: segments.Fraction, Formula: segments.Const(d("0.1"))})
		},
		"line named line": func(s *segments.Spec) { s.Lines[1].Metric = "line" },
		"input named driver": func(s *segments.Spec) {
			s.Inputs = append(s.Inputs, segments.Input{Metric: "driver", Unit: segments.Fraction, Range: segments.UnitRate})
		},
		"line with a slash": func(s *segments.Spec) { s.Lines[1].Metric = "ads/dau" },
	} {
		s := ok
		s.Inputs = slices.Clone(ok.Inputs)
		s.Lines = slices.Clone(ok.Lines)
		edit(&s)
		if err := s.Check(); !errors.Is(err, fault.ErrSpec) {
			t.Errorf("%s: %v, want ErrSpec", name, err)
		}
		if _, err := segments.Evaluate(segments.Generic{Model: s, In: []decimal.Decimal{d("1")}}, segments.Users{MAU: d("2"), DAU: d("1")}); err == nil {
			t.Errorf("%s: forecast without error", name)
		}
	}
	if _, err := segments.Evaluate(segments.Generic{Model: ok}, segments.Users{MAU: d("2"), DAU: d("1")}); !errors.Is(err, fault.ErrSpec) {
		t.Errorf("no values: %v, want ErrSpec", err)
	}
}

// TestKindNames: each shipped kind's name is its Spec's Kind, so that Kind finds a
// driver model by name without building the others.
func TestKindNames(t *testing.T) {
	for _, s := range segments.Kinds() {
		got, ok := segments.SpecOf(s.Kind)
		if !ok || got.Kind != s.Kind {
			t.Errorf("Kind(%q) = %q, %v", s.Kind, got.Kind, ok)
		}
	}
	if len(segments.Kinds()) != 4 {
		t.Errorf("%d kinds, want 4", len(segments.Kinds()))
	}
}

// TestLaterStart: a segment may start after the plan's first year. Before it starts it
// has no lines and no revenue (the group's revenue is the others'), its first year's
// growth is not valid, and no line of it reads as the platform's users: pricing it that
// year on MAU would value a business that does not exist yet. A gap after its start,
// and a segment with no driver at all, are errors naming the year.
func TestLaterStart(t *testing.T) {
	plan := func(drivers map[int]segments.Driver) segments.Plan {
		return segments.Plan{Currency: "USD", Years: []int{2025, 2026, 2027},
			Users: map[int]segments.Users{2025: {MAU: d("100"), DAU: d("50")}, 2026: {MAU: d("110"), DAU: d("55")}, 2027: {MAU: d("120"), DAU: d("60")}},
			Segments: []segments.Segment{
				{Name: "ads", Drivers: map[int]segments.Driver{2025: segments.Advertising{RevenuePerDAU: d("10")},
					2026: segments.Advertising{RevenuePerDAU: d("10")}, 2027: segments.Advertising{RevenuePerDAU: d("10")}}},
				{Name: "shop", Drivers: drivers},
			}}
	}
	shop := segments.Ecommerce{Penetration: d("0.5"), GMVPerShopper: d("100"), TakeRate: d("0.1")}
	f, err := plan(map[int]segments.Driver{2026: shop, 2027: shop}).Forecast()
	if err != nil {
		t.Fatal(err)
	}
	y25, _ := f.Year(2025)
	if s := y25.Segments[1]; s.Started() || len(s.Lines) != 0 || !s.Revenue.IsZero() || !y25.Revenue.Equal(d("500")) {
		t.Errorf("2025: %+v, group revenue %s; want shop not started and 500 of ads alone", s, y25.Revenue)
	}
	if _, err := y25.Line("shop", segments.MAU); !errors.Is(err, fault.ErrUnknownMetric) {
		t.Errorf("shop's MAU in 2025: %v, want ErrUnknownMetric (not the platform's)", err)
	}
	y26, _ := f.Year(2026)
	// 110m MAU × 50% × 100 × 10% = 550.
	if s := y26.Segments[1]; !s.Started() || !s.Revenue.Equal(d("550")) || s.Growth.Valid {
		t.Errorf("2026: %+v, want revenue 550 and no growth over a year it had not started", s)
	}
	for _, c := range []struct {
		name    string
		drivers map[int]segments.Driver
		year    int
	}{
		{"a gap", map[int]segments.Driver{2025: shop, 2027: shop}, 2026},
		{"no last year", map[int]segments.Driver{2025: shop, 2026: shop}, 2027},
		{"no driver at all", map[int]segments.Driver{}, 2027},
	} {
		var fe *fault.Error
		if _, err := plan(c.drivers).Forecast(); !errors.Is(err, fault.ErrMissing) || !errors.As(err, &fe) || fe.Year != c.year || fe.Segment != "shop" {
			t.Errorf("%s: %v, want ErrMissing at shop %d", c.name, err, c.year)
		}
	}
}

// TestPrev: a line may read its own or another line's value in the previous year, with a
// value for the segment's first year: revenue = prev(revenue, base) × (1 + growth) from a
// base of 100 grows by 10%, 20%, 10% to 110, 132, 145.2; a segment starting in 2026 takes
// its base there. prev of what is not a line, or without a first year's value, is refused.
func TestPrev(t *testing.T) {
	spec := segments.Spec{Kind: "compounding",
		Inputs: []segments.Input{{Metric: "base", Unit: segments.Millions, Range: segments.NonNegative, Optional: true},
			{Metric: "rate", Unit: segments.Fraction, Range: segments.SignedRate}},
		Lines: []segments.LineSpec{{Metric: segments.Revenue, Unit: segments.Millions,
			Formula: segments.Mul(segments.Formula{Op: segments.OpPrev, Ref: segments.Revenue, Args: []segments.Formula{segments.Ref("base")}},
				segments.Add(segments.Const(d("1")), segments.Ref("rate")))}}}
	g := func(base, growth string) segments.Driver {
		return segments.Generic{Model: spec, In: []decimal.Decimal{d(base), d(growth)}}
	}
	users := segments.Users{MAU: d("100"), DAU: d("50")}
	plan := segments.Plan{Currency: "USD", Years: []int{2025, 2026, 2027},
		Users: map[int]segments.Users{2025: users, 2026: users, 2027: users},
		Segments: []segments.Segment{
			{Name: "a", Drivers: map[int]segments.Driver{2025: g("100", "0.1"), 2026: g("0", "0.2"), 2027: g("0", "0.1")}},
			{Name: "b", Drivers: map[int]segments.Driver{2026: g("50", "0.2"), 2027: g("0", "0.1")}},
		}}
	f, err := plan.Forecast()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		seg, want string
		year      int
	}{{"a", "110", 2025}, {"a", "132", 2026}, {"a", "145.2", 2027}, {"b", "60", 2026}, {"b", "66", 2027}} {
		if got, err := f.Figure(c.year, c.seg, segments.Revenue); err != nil || !got.Equal(d(c.want)) {
			t.Errorf("%s %d: %s, %v; want %s", c.seg, c.year, got, err, c.want)
		}
	}
	for name, prev := range map[string]segments.Formula{
		"not a line":       {Op: segments.OpPrev, Ref: "rate", Args: []segments.Formula{segments.Ref("base")}},
		"no first year":    {Op: segments.OpPrev, Ref: segments.Revenue},
		"two first values": {Op: segments.OpPrev, Ref: segments.Revenue, Args: []segments.Formula{segments.Ref("base"), segments.Ref("base")}},
	} {
		bad := spec
		bad.Lines = []segments.LineSpec{{Metric: segments.Revenue, Unit: segments.Millions, Formula: prev}}
		if err := bad.Check(); !errors.Is(err, fault.ErrSpec) {
			t.Errorf("%s: %v, want ErrSpec", name, err)
		}
	}
}

// inputValue returns the value of a driver's input; false when it has no such input.
func inputValue(d segments.Driver, m segments.Metric) (decimal.Decimal, bool) {
	i := slices.IndexFunc(d.Spec().Inputs, func(in segments.Input) bool { return in.Metric == m })
	if i < 0 {
		return decimal.Decimal{}, false
	}
	return d.Values()[i], true
}
