package valuation_test

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
)

// TestBadInput: every kind of bad input is an error that errors.Is can match and whose
// message names what was wrong; none panics.
func TestBadInput(t *testing.T) {
	withSet := func(m valuation.Model, i int, edit func(*comps.Set)) valuation.Model {
		parts := append([]valuation.Part(nil), m.Parts...)
		pm := parts[i].Method.(valuation.Multiple)
		set := pm.Comps
		set.Companies = append([]comps.Company(nil), set.Companies...)
		edit(&set)
		pm.Comps = set
		parts[i].Method = pm
		m.Parts = parts
		return m
	}
	withDriver := func(m valuation.Model, seg int, year int, drv segments.Driver) valuation.Model {
		segs := append([]segments.Segment(nil), m.Plan.Segments...)
		drivers := map[int]segments.Driver{}
		for y, d := range segs[seg].Drivers {
			drivers[y] = d
		}
		drivers[year] = drv
		segs[seg].Drivers = drivers
		m.Plan.Segments = segs
		return m
	}
	withUsers := func(m valuation.Model, year int, u segments.Users) valuation.Model {
		users := map[int]segments.Users{}
		for y, v := range m.Plan.Users {
			users[y] = v
		}
		users[year] = u
		m.Plan.Users = users
		return m
	}
	base := kuaishou2021.Model
	for _, c := range []struct {
		name   string
		model  valuation.Model
		want   error
		naming string // the message must contain this
	}{
		{"zero shares", func() valuation.Model { m := base(); m.Shares = decimal.Zero; return m }(), fault.ErrShares, "shares 0"},
		{"negative shares", func() valuation.Model { m := base(); m.Shares = d("-1"); return m }(), fault.ErrShares, "shares -1"},
		{"negative price", func() valuation.Model { m := base(); m.Price = d("-319"); return m }(), fault.ErrPrice, "price -319"},
		{"no parts", func() valuation.Model { m := base(); m.Parts = nil; return m }(), fault.ErrNoParts, "parts"},
		{"no currency", func() valuation.Model { m := base(); m.Currency = ""; return m }(), fault.ErrNoCurrency, "currency"},
		{"unknown year", func() valuation.Model { m := base(); m.Year = 2030; return m }(), fault.ErrUnknownYear, "2030"},
		{"unknown segment", func() valuation.Model {
			m := base()
			m.Parts = append([]valuation.Part{{Segment: "games", Method: m.Parts[0].Method}}, m.Parts[1:]...)
			return m
		}(), fault.ErrUnknownSegment, "games"},
		{"nil method", func() valuation.Model {
			m := base()
			m.Parts = []valuation.Part{{Segment: kuaishou2021.LiveStreaming}}
			return m
		}(), fault.ErrMissing, "live_streaming"},
		{"empty comparable set", withSet(base(), 0, func(s *comps.Set) { s.Companies = nil }), fault.ErrEmptySet, "live streaming (Table 11)"},
		{"comparable with zero MAU", withSet(base(), 0, func(s *comps.Set) {
			s.Companies[1].Metrics = map[comps.MetricYear]decimal.Decimal{s.Metric: decimal.Zero}
		}), fault.ErrNonPositive, "DOYU US: mau 2021 0"},
		{"comparable with negative MAU", withSet(base(), 1, func(s *comps.Set) {
			s.Companies[0].Metrics = map[comps.MetricYear]decimal.Decimal{s.Metric: d("-5")}
		}), fault.ErrNonPositive, "FB US"},
		{"comparable missing its metric", withSet(base(), 2, func(s *comps.Set) { s.Companies[1].Metrics = nil }), fault.ErrMissingMetric, "9988.HK: active_buyers 2021"},
		{"comparable with zero market value", withSet(base(), 2, func(s *comps.Set) { s.Companies[0].MarketValue = decimal.Zero }), fault.ErrNonPositive, "PDD US: market_value"},
		{"comparable in a currency without an FX rate", withSet(base(), 0, func(s *comps.Set) { s.Companies[1].Currency = "EUR" }), fault.ErrNoRate, "DOYU US: fx EUR/USD"},
		{"currency without an FX rate", withSet(base(), 0, func(s *comps.Set) {
			for i := range s.Companies {
				s.Companies[i].Currency = "EUR"
			}
		}), fault.ErrNoRate, "fx EUR/HKD"},
		{"discount of 100%", withSet(base(), 2, func(s *comps.Set) { s.Premium = d("-1") }), fault.ErrPremium, "premium -1"},
		{"negative ARPPU", withDriver(base(), 0, 2021, segments.LiveStreaming{PayingRatio: d("0.1"), MonthlyARPPU: d("-1")}), fault.ErrNegative, "live_streaming 2021: monthly_arppu -1"},
		{"paying ratio above 1", withDriver(base(), 0, 2019, segments.LiveStreaming{PayingRatio: d("1.2"), MonthlyARPPU: d("50")}), fault.ErrRate, "live_streaming 2019: paying_ratio 1.2"},
		{"negative revenue per DAU", withDriver(base(), 1, 2022, segments.Advertising{RevenuePerDAU: d("-3")}), fault.ErrNegative, "advertising 2022: revenue_per_dau"},
		{"take rate above 1", withDriver(base(), 2, 2021, segments.Ecommerce{Penetration: d("0.45"), GMVPerShopper: d("2727"), TakeRate: d("1.01")}), fault.ErrRate, "ecommerce 2021: take_rate 1.01"},
		{"negative penetration", withDriver(base(), 2, 2020, segments.Ecommerce{Penetration: d("-0.4"), GMVPerShopper: d("2045"), TakeRate: d("0.008")}), fault.ErrRate, "penetration -0.4"},
		{"zero shopping MAU priced", withDriver(base(), 2, 2021, segments.Ecommerce{GMVPerShopper: d("2727"), TakeRate: d("0.01")}), fault.ErrMetric, "shopping_mau 0"},
		{"missing driver", withDriver(base(), 1, 2020, nil), fault.ErrMissing, "advertising 2020: driver"},
		{"DAU above MAU", withUsers(base(), 2021, segments.Users{MAU: d("344"), DAU: d("571.68")}), fault.ErrDAUAboveMAU, "2021: dau 571.68 > MAU 344"},
		{"zero MAU", withUsers(base(), 2018, segments.Users{MAU: decimal.Zero}), fault.ErrNonPositive, "2018: mau 0"},
		{"negative DAU", withUsers(base(), 2022, segments.Users{MAU: d("617"), DAU: d("-1")}), fault.ErrNegative, "dau -1"},
		{"negative FX tolerance", func() valuation.Model { m := base(); m.FXTolerance = d("-0.01"); return m }(), fault.ErrNegative, "fx_tolerance -0.01"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.model.Value()
			if !errors.Is(err, c.want) {
				t.Fatalf("error %v, want errors.Is %v", err, c.want)
			}
			if !strings.Contains(err.Error(), c.naming) {
				t.Errorf("error %q does not name %q", err, c.naming)
			}
		})
	}
}

// TestFXTriangleWarning: USD/HKD 7.75 and CNY/USD 0.16 cross CNY/HKD at 1.24; a table
// that also gives CNY/HKD 5 disagrees (7.75 × 1/5 × 0.16 = 0.248 round the triangle) and
// the result says so, naming the three rates, while the figures stand; CNY/HKD 1.2461 is
// within the default 0.5% (7.75 × 0.16 / 1.2461 = 0.99510, above 1 / 1.005 = 0.99502) and
// 1.2463 is not (0.994945), unless the model allows 1%.
func TestFXTriangleWarning(t *testing.T) {
	for _, c := range []struct {
		cnyhkd, tol string
		want        string
	}{
		{"5", "", "FX rates USD/HKD 7.75, CNY/HKD 5, CNY/USD 0.16 disagree: USD to HKD to CNY and back gives 0.2480, not 1 (tolerance 0.5%)"},
		{"1.24", "", ""},
		{"1.2461", "", ""},
		{"1.2463", "", "FX rates USD/HKD 7.75, CNY/HKD 1.2463, CNY/USD 0.16 disagree: USD to HKD to CNY and back gives 0.9949, not 1 (tolerance 0.5%)"},
		{"1.2463", "0.01", ""},
	} {
		m := kuaishou2021.Model()
		fx, err := comps.NewFX(comps.Rate{From: comps.USD, To: comps.HKD, Rate: d("7.75")}, comps.Rate{From: comps.CNY, To: comps.HKD, Rate: d(c.cnyhkd)},
			comps.Rate{From: comps.CNY, To: comps.USD, Rate: d("0.16")})
		if err != nil {
			t.Fatal(err)
		}
		m.FX = fx
		if c.tol != "" {
			m.FXTolerance = d(c.tol)
		}
		r, err := m.Value()
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, w := range r.Warnings {
			if w.Code == valuation.WarnFXTriangle {
				got = append(got, w.Message)
			}
		}
		if c.want == "" && len(got) != 0 || c.want != "" && (len(got) != 1 || got[0] != c.want) {
			t.Errorf("CNY/HKD %s, tolerance %q: %q, want %q", c.cnyhkd, c.tol, got, c.want)
		}
	}
}

// TestSetMetricMeasuresFigure: a part's set must count what the part prices. Kuaishou's
// advertising priced on its 2021E DAU (344m) at Facebook's and Twitter's per-MAU
// multiples (Table 12) is refused, naming mau_2021 (before, it valued to a target of
// HK$326.17 with no word); marked a proxy it values, at 185.97 × 344 × 7.7 = 492,597.3
// (HK$ m), and the result warns. The report's own pairing, shopping MAU on peers'
// active buyers (Table 13), needs no proxy.
func TestSetMetricMeasuresFigure(t *testing.T) {
	m := kuaishou2021.Model()
	m.Parts = slices.Clone(m.Parts)
	ads := valuation.PDAU(kuaishou2021.AdvertisingPeers())
	m.Parts[1].Method = ads
	_, err := m.Value()
	if !errors.Is(err, fault.ErrMismatch) || !strings.Contains(err.Error(), "mau_2021") {
		t.Fatalf("DAU at per-MAU multiples: %v, want ErrMismatch naming mau_2021", err)
	}
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Key.String() != "part/advertising/metric" {
		t.Errorf("key %v, want part/advertising/metric", fe)
	}
	ads.Proxy = true
	m.Parts[1].Method = ads
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Parts[1].Value.StringFixed(1); got != "492597.3" || r.Target.StringFixed(2) != "326.17" {
		t.Errorf("advertising as a proxy: %s, target %s; want 492597.3, 326.17", got, r.Target.StringFixed(2))
	}
	var warned []string
	for _, w := range r.Warnings {
		if w.Code == valuation.WarnMetricProxy {
			warned = append(warned, w.Message)
		}
	}
	want := `part advertising prices its dau at peers' mau_2021 multiples (set "advertising (Table 12)"): a proxy, as the model allows`
	if len(warned) != 1 || warned[0] != want {
		t.Errorf("warnings %q, want %q", warned, want)
	}
	base, err := kuaishou2021.Model().Value()
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range base.Warnings {
		t.Errorf("the report's model warns: %s", w.Message)
	}
}

// TestFXCrossingWarning: a table whose crossings through two currencies disagree (GBP/JPY
// at 186.567 through USD, 234 through EUR; see comps.TestCrossings) warns in the result,
// naming both and the one sotp takes.
func TestFXCrossingWarning(t *testing.T) {
	m := kuaishou2021.Model()
	fx, err := comps.NewFX(comps.Rate{From: comps.USD, To: comps.HKD, Rate: d("7.7")}, comps.Rate{From: comps.CNY, To: comps.HKD, Rate: d("1.2049")},
		comps.Rate{From: "GBP", To: comps.USD, Rate: d("1.25")}, comps.Rate{From: "JPY", To: comps.USD, Rate: d("0.0067")},
		comps.Rate{From: "GBP", To: "EUR", Rate: d("1.17")}, comps.Rate{From: "JPY", To: "EUR", Rate: d("0.005")})
	if err != nil {
		t.Fatal(err)
	}
	m.FX = fx
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	want := "FX GBP/JPY crossed through USD is 186.567164, through EUR 234: they disagree (tolerance 0.5%); sotp takes USD's"
	found := false
	for _, w := range r.Warnings {
		found = found || w.Code == valuation.WarnFXTriangle && w.Message == want
	}
	if !found {
		t.Errorf("warnings %v, want %q", r.Warnings, want)
	}
}

// TestErrorsAs: a part's failure carries the segment and method; a driver's carries the
// segment, year and field; the platform's users' the year and field, and no segment
// (issue 11: DAU above MAU was blamed on the first segment).
func TestErrorsAs(t *testing.T) {
	m := kuaishou2021.Model()
	users := map[int]segments.Users{}
	for y, u := range m.Plan.Users {
		users[y] = u
	}
	users[2020] = segments.Users{MAU: d("100"), DAU: d("200")}
	m.Plan.Users = users
	_, err := m.Value()
	var se *fault.Error
	if !errors.As(err, &se) || se.Year != 2020 || se.Field != "dau" || se.Segment != "" {
		t.Errorf("errors.As *fault.Error = %+v from %v", se, err)
	}

	m = kuaishou2021.Model()
	m.Parts = m.Parts[:1]
	m.Parts[0].Method = valuation.PMAU(comps.Set{Name: "none"})
	_, err = m.Value()
	var pe *fault.Error
	var ce *fault.Error
	if !errors.As(err, &pe) || pe.Segment != kuaishou2021.LiveStreaming || pe.Op != "P/MAU" {
		t.Errorf("errors.As *PartError = %+v from %v", pe, err)
	}
	if !errors.As(err, &ce) || ce.Set != "none" {
		t.Errorf("errors.As *fault.Error = %+v from %v", ce, err)
	}
}

func TestRating(t *testing.T) {
	s := kuaishou2021.Scale()
	for _, c := range []struct {
		upside string
		want   valuation.Rating
	}{
		{"0.268", valuation.Buy}, // the report: 404.6 / 319 - 1
		{"0.2000001", valuation.Buy},
		{"0.20", valuation.Overweight}, // "more than 20%" is Buy; 20% itself is not
		{"0.0500001", valuation.Overweight},
		{"0.05", valuation.Neutral}, // Neutral spans -5% to 5% inclusive
		{"0", valuation.Neutral},
		{"-0.05", valuation.Neutral},
		{"-0.0500001", valuation.Sell},
		{"-0.9", valuation.Sell},
	} {
		if got := s.Rate(d(c.upside)); got != c.want {
			t.Errorf("Rate(%s) = %s, want %s", c.upside, got, c.want)
		}
	}
}

func TestNoPrice(t *testing.T) {
	m := kuaishou2021.Model()
	m.Price = decimal.Zero
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	if r.Upside.Valid || r.Rating != "" {
		t.Errorf("without a price: upside %v, rating %q; want none", r.Upside, r.Rating)
	}
	if got, want := r.Summary(), "Target price: HK$404.6"; got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
}

func TestFigureKeys(t *testing.T) {
	r, err := kuaishou2021.Model().Value()
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{
		"forecast/2021/mau":                        "571.68",
		"forecast/2021/dau":                        "344",
		"forecast/2021/ecommerce/shopping_mau":     "257.256",     // 571.68 × 0.45
		"forecast/2021/ecommerce/gmv":              "701459.9352", // 257.256 × 2726.7 RMB m (Table 9 prints it in 亿: 7,015)
		"forecast/2021/advertising/revenue":        "46971.7896",
		"part/live_streaming/fx":                   "7.7",
		"part/ecommerce/premium":                   "-0.2",
		"part/advertising/comp/TWTR US/multiple":   "116.91",
		"part/advertising/comp/TWTR US/implied":    "116.9811320754716981", // 62000 / 530
		"part/advertising/comp/FB US/market_value": "754400",
		"part/live_streaming/comp/HUYA US/close":   "27.6",
		"part/live_streaming/comp/DOYU US/metric":  "175.4",
		"part/ecommerce/metric":                    "257.256",
		"shares":                                   "4159",
		"price":                                    "319",
	} {
		got, err := r.Figure(key)
		if err != nil || !got.Equal(d(want)) {
			t.Errorf("Figure(%q) = %s, %v; want %s", key, got, err, want)
		}
	}
	for _, key := range []string{"", "nope", "forecast/x/mau", "forecast/2021/live_streaming", "forecast/2021/ecommerce/nope",
		"part/ecommerce/nope", "part/games/value", "part/ecommerce/comp/XXX/multiple", "forecast/2021/mau/growth/extra"} {
		if _, err := r.Figure(key); err == nil {
			t.Errorf("Figure(%q): no error", key)
		}
	}
	if _, err := r.Figure("forecast/2018/revenue/growth"); !errors.Is(err, fault.ErrNoGrowth) {
		t.Errorf("growth of the first year: %v, want ErrNoGrowth", err)
	}
}

// TestDecimalDiscipline enforces the rule that no code of the module calls Decimal.Div
// (it reads shopspring's package variable DivisionPrecision) or assigns any of shopspring's
// package variables (shared with every importer). One file is exempt from the second
// rule, whole and by name: the test that sets each variable to show that no output of
// sotp moves with it (valuation/kuaishou2021/globals_test.go).
func TestDecimalDiscipline(t *testing.T) {
	div := regexp.MustCompile(`\.Div\(`)
	assign := regexp.MustCompile(`decimal\.(DivisionPrecision|MarshalJSONWithoutQuotes|ExpMaxIterations|PowPrecisionNegativeExponent|TrimTrailingZeros|UseScientificNotation|MaxDecodeExponent)\s*=[^=]`)
	const globalsTest = "kuaishou2021/globals_test.go"
	err := filepath.WalkDir("..", func(path string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			if div.MatchString(line) || assign.MatchString(line) && !strings.HasSuffix(filepath.ToSlash(path), globalsTest) {
				t.Errorf("%s:%d: %s", path, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func BenchmarkValueKuaishou(b *testing.B) {
	m := kuaishou2021.Model()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Value(); err != nil {
			b.Fatal(err)
		}
	}
}
