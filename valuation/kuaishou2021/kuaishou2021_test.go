package kuaishou2021_test

import (
	"encoding/json"
	"errors"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
)

var decimalEqual = cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })

func value(t testing.TB) valuation.Result {
	t.Helper()
	r, err := kuaishou2021.Model().Value()
	if err != nil {
		t.Fatalf("Value: %v", err)
	}
	return r
}

// TestPrintedFigures pins every figure of the figure list at its printed precision: each
// must match unless it is a listed exception, and each exception must still not match.
func TestPrintedFigures(t *testing.T) {
	rc := value(t).Reconcile(kuaishou2021.Figures())
	for _, c := range rc.Checks {
		if c.Surprise() {
			t.Errorf("%s / %s / %s (key %s): printed %s, computed %s (err %v), exception %q",
				c.Table, c.Row, c.Column, c.Key, c.Value, c.Computed, c.Err, c.Exception)
		}
	}
	// The exceptions are exactly these; adding one needs a reason in figures.go.
	var got []string
	for _, c := range rc.Checks {
		if c.Exception != "" {
			got = append(got, c.Table+" | "+c.Row+" | "+c.Column)
		}
	}
	sort.Strings(got)
	want := []string{
		"Table 13 | Average P/MAU | 2021E",
		"Table 7 | Average monthly paying users (m) | 2021E",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("exceptions (-want +got):\n%s", diff)
	}
	if m, _, _ := rc.Counts(); m < 274 {
		t.Errorf("only %d figures matched; the figure list has lost rows", m)
	}
}

// TestFigureListCoversTables checks the list holds every row of the report's tables that
// the issue names, so that a dropped row cannot pass unnoticed.
func TestFigureListCoversTables(t *testing.T) {
	n := map[string]int{}
	for _, f := range kuaishou2021.Figures() {
		n[f.Table]++
	}
	// Table 7: 7 rows × 5 years; Table 8: 5 × 5; Table 9: 9 rows × 5 less the blank
	// 2018 take rate and 2018 YoY; Tables 11-12: 2 comps × 4 + 4; Table 13: 3 × 4 + 4;
	// Table 14: 3; Table 10: 13 rows × 5; key assumptions 3+1+3+3+3+3; summary 6; the
	// headline table: revenue, growth, net profit, growth, EPS, P/S and BVPS × 5, P/E
	// 2022E, P/B 2021E-2022E (the other years print "-"); the financial summary's share
	// count × 5.
	want := map[string]int{"Table 7": 35, "Table 8": 25, "Table 9": 43, "Table 10": 65, "Table 11": 12,
		"Table 12": 12, "Table 13": 16, "Table 14": 3, "Key assumptions": 16, "Summary": 6, "Headline": 38,
		"Financial summary": 5}
	if diff := cmp.Diff(want, n); diff != "" {
		t.Errorf("figures per table (-want +got):\n%s", diff)
	}
}

// TestPrintedMAUMissesTarget shows why the dataset carries an unrounded 2021E MAU: with
// the printed 572m the same arithmetic gives HK$404.8, not the report's 404.6
// (westsec-2021-figures.md, reproduction notes).
func TestPrintedMAUMissesTarget(t *testing.T) {
	m := kuaishou2021.Model()
	users := map[int]segments.Users{}
	for y, u := range m.Plan.Users {
		users[y] = u
	}
	users[2021] = segments.Users{MAU: decimal.RequireFromString("572"), DAU: users[2021].DAU}
	m.Plan.Users = users
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Target.StringFixed(1); got != "404.8" {
		t.Errorf("target at 572m MAU = %s, want 404.8", got)
	}
	if got := value(t).Target.StringFixed(1); got != "404.6" {
		t.Errorf("dataset target = %s, want 404.6 (Table 14)", got)
	}
}

// TestImpliedMultiples shows that each printed P/MAU (Tables 11-13) is market value /
// MAU within the rounding of the printed market value (nearest 亿 = USD 100m) and MAU.
func TestImpliedMultiples(t *testing.T) {
	for _, s := range []comps.Set{kuaishou2021.StreamingPeers(), kuaishou2021.AdvertisingPeers(), kuaishou2021.EcommercePeers()} {
		for _, c := range s.Companies {
			mv, metric, printed := c.MarketValue, c.Metrics[s.Metric], c.Multiples[s.Metric]
			half := decimal.RequireFromString("0.5")
			if !metric.Equal(metric.Truncate(0)) {
				half = decimal.RequireFromString("0.05") // MAU printed to 0.1m
			}
			lo := mv.Sub(decimal.NewFromInt(50)).DivRound(metric.Add(half), 8)
			hi := mv.Add(decimal.NewFromInt(50)).DivRound(metric.Sub(half), 8)
			if printed.LessThan(lo) || printed.GreaterThan(hi) {
				t.Errorf("%s: printed P/MAU %s outside [%s, %s] implied by MV %s and MAU %s",
					c.Ticker, printed, lo.StringFixed(2), hi.StringFixed(2), mv, metric)
			}
		}
	}
}

// TestConcurrentValue values one model from many goroutines; run with -race.
func TestConcurrentValue(t *testing.T) {
	m := kuaishou2021.Model()
	want, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := m.Value()
			if err == nil && !r.Target.Equal(want.Target) {
				err = errors.New("target " + r.Target.String() + " differs from " + want.Target.String())
			}
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestJSONRoundTrip encodes a result, decodes it and encodes it again: the figures are
// equal (an empty list decodes as empty, not nil) and the bytes identical; every key is
// snake_case and no list is null.
func TestJSONRoundTrip(t *testing.T) {
	r := value(t)
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back valuation.Result
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if !regexp.MustCompile(`^([a-z][a-z0-9_]*|[A-Z]{3}|[0-9]+)$`).MatchString(k) && path != "$.symbols" {
					t.Errorf("%s: key %q is not snake_case", path, k)
				}
				walk(path+"."+k, x)
			}
		case []any:
			for _, x := range v {
				walk(path+"[]", x)
			}
		}
	}
	walk("$", doc)
	if strings.Contains(string(b), `"excluded":null`) || strings.Contains(string(b), `"unvalued":null`) {
		t.Error("an empty list is written null")
	}
	// A segment's driver inputs are not written (segments.SegmentYear.Inputs): labels
	// read them from a result in hand, not from its JSON.
	if diff := cmp.Diff(r, back, decimalEqual, cmpopts.EquateEmpty(), cmpopts.IgnoreFields(segments.SegmentYear{}, "Inputs")); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	b2, err := json.Marshal(back)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != string(b2) {
		t.Error("re-encoded JSON differs from the first encoding")
	}
}

func TestSummary(t *testing.T) {
	// Table 14 target; upside 404.6 / 319.00 - 1 = 26.8%; Buy on the broker's scale.
	want := "Target price: HK$404.6 (upside 26.8% vs HK$319.00, Buy)"
	if got := value(t).Summary(); got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
}

// TestEarningsErrors: a P&L without the FX rate its multiples need, or without a share
// count, is an error naming what is missing.
func TestEarningsErrors(t *testing.T) {
	m := kuaishou2021.Model()
	fx, err := comps.NewFX(comps.Rate{From: comps.USD, To: comps.HKD, Rate: decimal.RequireFromString("7.7")})
	if err != nil {
		t.Fatal(err)
	}
	m.FX = fx
	if _, err := m.Value(); !errors.Is(err, fault.ErrNoRate) || !strings.Contains(err.Error(), "earnings") || !strings.Contains(err.Error(), "CNY/HKD") {
		t.Errorf("no CNY/HKD rate: %v", err)
	}
	m = kuaishou2021.Model()
	m.Earnings.Shares = map[int]decimal.Decimal{2018: decimal.RequireFromString("934")}
	if _, err := m.Value(); !errors.Is(err, fault.ErrMissing) || !strings.Contains(err.Error(), "shares 2019") {
		t.Errorf("share counts missing: %v", err)
	}
}

// TestEarningsFollowDrivers: the forecast years' costs are ratios of revenue, so a higher
// 2021E take rate moves net profit by the extra revenue less the ratio costs. The 2021E
// ratios sum to 109.6% of revenue, so under this convention extra revenue widens the loss:
// all costs scale with revenue here, none is fixed.
func TestEarningsFollowDrivers(t *testing.T) {
	base := value(t)
	m := kuaishou2021.Model()
	segs := append([]segments.Segment(nil), m.Plan.Segments...)
	drivers := map[int]segments.Driver{}
	for y, d := range segs[2].Drivers {
		drivers[y] = d
	}
	e := drivers[2021].(segments.Ecommerce)
	e.TakeRate = decimal.RequireFromString("0.02")
	drivers[2021] = e
	segs[2].Drivers = drivers
	m.Plan.Segments = segs
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	get := func(r valuation.Result, key string) decimal.Decimal {
		v, err := r.Figure(key)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// Extra revenue = GMV × 1 point; net profit moves by it × (1 − 0.486811 − 0.46951 −
	// 0.03 − 0.11), the 2021E cost, S&M, admin and R&D ratios.
	extra := get(r, "pnl/2021/revenue").Sub(get(base, "pnl/2021/revenue"))
	gmv := get(base, "forecast/2021/ecommerce/gmv") // RMB m
	if !extra.Equal(gmv.Mul(decimal.RequireFromString("0.01"))) {
		t.Errorf("extra revenue %s, want 1%% of GMV %s", extra, gmv)
	}
	keep := decimal.RequireFromString("1").Sub(decimal.RequireFromString("1.096321"))
	if got, want := get(r, "pnl/2021/net_profit").Sub(get(base, "pnl/2021/net_profit")), extra.Mul(keep); !got.Equal(want) {
		t.Errorf("net profit moved by %s, want %s", got, want)
	}
	if !get(r, "pnl/2020/net_profit").Equal(get(base, "pnl/2020/net_profit")) {
		t.Errorf("2020E net profit moved with a 2021E driver")
	}
}
