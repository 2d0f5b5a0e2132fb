package kuaishou2021_test

import (
	"encoding/json"
	"errors"
	"sort"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
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
		"Table 10 | YoY (%) | 2018",
		"Table 13 | Average P/MAU | 2021E",
		"Table 7 | Average monthly paying users (m) | 2021E",
		"Table 7 | YoY (%) | 2018",
		"Table 8 | YoY (%) | 2018",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("exceptions (-want +got):\n%s", diff)
	}
	if m, _, _ := rc.Counts(); m < 170 {
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
	// Table 14: 3; Table 10: revenue and YoY × 5; key assumptions 3+1+3+3+3+3; summary 6.
	want := map[string]int{"Table 7": 35, "Table 8": 25, "Table 9": 43, "Table 10": 10, "Table 11": 12,
		"Table 12": 12, "Table 13": 16, "Table 14": 3, "Key assumptions": 16, "Summary": 6}
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
	for _, s := range []comps.Set{comps.WestSec2021Streaming(), comps.WestSec2021Advertising(), comps.WestSec2021Ecommerce()} {
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
// equal and the bytes identical.
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
	if diff := cmp.Diff(r, back, decimalEqual); diff != "" {
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
