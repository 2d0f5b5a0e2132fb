package valuation_test

// Regression tests of issue 11 (hardening): each names the item it guards.

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
)

// Item 1: a segment valued by two parts is an error, not counted twice (the shipped
// model with parts [p0, p0, p1, p2] valued to HK$437.4); a segment no part values is
// listed as unvalued and the tables say so.
func TestPartsValueEachSegmentOnce(t *testing.T) {
	m := kuaishou2021.Model()
	m.Parts = append(m.Parts[:1:1], m.Parts...)
	_, err := m.Value()
	var pe *fault.Error
	if !errors.Is(err, fault.ErrDuplicatePart) || !errors.As(err, &pe) || pe.Segment != kuaishou2021.LiveStreaming {
		t.Errorf("parts [p0 p0 p1 p2]: %v, want ErrDuplicatePart on %s", err, kuaishou2021.LiveStreaming)
	}
	m = kuaishou2021.Model()
	m.Parts = m.Parts[1:]
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Unvalued) != 1 || r.Unvalued[0] != kuaishou2021.LiveStreaming {
		t.Errorf("Unvalued = %v, want [%s]", r.Unvalued, kuaishou2021.LiveStreaming)
	}
	if !strings.Contains(r.Text(), "Live streaming (live_streaming) is not valued by any part") {
		t.Error("Text does not say that live streaming is not valued")
	}
	if full, _ := kuaishou2021.Model().Value(); len(full.Unvalued) != 0 {
		t.Errorf("the report's model leaves %v unvalued", full.Unvalued)
	}
}

// Item 5: a tried method with the label of the model's choice gets a column of its own,
// rather than overwriting the chosen value.
func TestCrossCheckSameLabel(t *testing.T) {
	m := madeUp()
	alt := m.Parts[0].Method.(valuation.Multiple)
	alt.Comps = alt.Comps.Clone()
	alt.Comps.Premium = d("0.5")
	cc, err := m.CrossCheck(valuation.Part{Segment: "live", Method: alt})
	if err != nil {
		t.Fatal(err)
	}
	// The chosen P/MAU is 25 × 100 × 7.8 = 19,500 (195 亿); at a 50% premium 292.5 亿.
	want := `Cross-check: each segment under each method, 2025 (HKD 亿)
                  P/MAU  P/MAU (2)
----------------------------------
Live streaming    195 *        293
Advertising     1,053 *
Note: * the model's choice; blank: not tried
`
	if got := cc.Text(); got != want {
		t.Errorf("Text:\n%s\nwant:\n%s", got, want)
	}
}

// Item 14: Reconcile refuses printed places that would make rounding build an enormous
// number (Places = MaxInt32 hung), and says why.
func TestReconcilePlacesBounded(t *testing.T) {
	r, err := madeUp().Value()
	if err != nil {
		t.Fatal(err)
	}
	rc := r.Reconcile([]valuation.Printed{
		{Key: "target", Value: d("124.8"), Places: math.MaxInt32},
		{Key: "target", Value: d("124.8"), Places: 1, Shift: math.MinInt32},
		{Key: "target", Value: d("124.8"), Places: -1},
		{Key: "target", Value: d("124.8"), Places: 1},
	})
	for i, c := range rc.Checks[:3] {
		if !errors.Is(c.Err, fault.ErrPlaces) {
			t.Errorf("check %d: %v, want ErrPlaces", i, c.Err)
		}
	}
	if !rc.Checks[3].Match {
		t.Errorf("target at 1 place: %+v", rc.Checks[3])
	}
	_ = rc.Text()
}

// Item 14: LeaveOneOut prices each comparable once and honours its context.
func TestLeaveOneOutContext(t *testing.T) {
	m := madeUp()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := m.LeaveOneOut(ctx, "live"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v, want context.Canceled", err)
	}
	// 2,000 comparables, comparable i at i+1 USD per MAU: the mean is 1,000.5, and
	// without comparable i it is (2,001,000 - (i+1)) / 1,999.
	mau := comps.MetricYear{Name: "mau", Year: 2025}
	set := comps.Set{Name: "many", Metric: mau}
	for i := range 2000 {
		set.Companies = append(set.Companies, comps.Company{Ticker: fmt.Sprint("T", i), Currency: comps.USD,
			MarketValue: decimal.NewFromInt(int64(i + 1)), Metrics: map[comps.MetricYear]decimal.Decimal{mau: d("1")}})
	}
	m.Parts[0] = valuation.Part{Segment: "live", Method: valuation.PMAU(set)}
	l, err := m.LeaveOneOut(context.Background(), "live")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := l.Rows[0].Multiple, decimal.NewFromInt(2000999).DivRound(decimal.NewFromInt(1999), 16); !got.Equal(want) {
		t.Errorf("without T0: %s, want %s", got, want)
	}
}

// Item 16: a cloned model shares no map or slice with the original.
func TestModelClone(t *testing.T) {
	m := kuaishou2021.Model()
	c := m.Clone()
	u := c.Plan.Users[2021]
	u.MAU = d("1")
	c.Plan.Users[2021] = u
	delete(c.Plan.Segments[0].Drivers, 2021)
	c.Plan.Years[0] = 1900
	mult := c.Parts[0].Method.(valuation.Multiple)
	mult.Comps.Companies[0].Metrics[comps.MetricYear{Name: "mau", Year: 2021}] = d("1")
	for y := range c.Earnings.Shares {
		c.Earnings.Shares[y] = d("1")
	}
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Target.StringFixed(1); got != "404.6" {
		t.Errorf("original after writing to its clone: target %s, want 404.6", got)
	}
}

// Item 4: PMAU prices a segment's own users (an e-commerce segment's shoppers, not the
// platform's MAU); a label of the constructors' that names another figure is ErrLabel;
// a Multiple without a metric is an error, not P/MAU by default.
func TestMultipleMetricIsExplicit(t *testing.T) {
	m := withShop("0.1")
	streamers := m.Parts[0].Method.(valuation.Multiple).Comps
	shop := valuation.PMAU(streamers)
	shop.Proxy = true // peers' MAU stands in for shoppers: allowed, with a warning
	m.Parts = append(m.Parts, valuation.Part{Segment: "shop", Method: shop})
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	// 25 USD per user × 50m shoppers (100m MAU × 50%) × 7.8 = HK$9,750m, not 19,500.
	if p := r.Parts[2]; p.Metric != "shopping_mau" || !p.MetricValue.Equal(d("50")) || !p.Value.Equal(d("9750")) {
		t.Errorf("PMAU on e-commerce: %s %s = %s, want shopping_mau 50 = 9750", p.Metric, p.MetricValue, p.Value)
	}
	for _, c := range []struct {
		method valuation.Multiple
		want   error
	}{
		{valuation.Multiple{Label: "P/E", Comps: streamers, Metric: "mau"}, fault.ErrLabel},
		{valuation.Multiple{Label: "P/S", Comps: streamers, Metric: "mau"}, fault.ErrLabel},
		// A known label with a mark or a note is that label: P/E on DAU is refused however
		// it is dressed (issue 26: "P/E*" on DAU was accepted as free text).
		{valuation.Multiple{Label: "P/E*", Comps: streamers, Metric: "dau"}, fault.ErrLabel},
		{valuation.Multiple{Label: "P/E (adjusted)", Comps: streamers, Metric: "mau"}, fault.ErrLabel},
		{valuation.Multiple{Label: "P/E(adjusted)", Comps: streamers, Metric: "mau"}, fault.ErrLabel},
		{valuation.Multiple{Label: " p/e, adj.", Comps: streamers, Metric: "mau"}, fault.ErrLabel},
		{valuation.Multiple{Label: "P/E\u00a0*", Comps: streamers, Metric: "mau"}, fault.ErrLabel},
		{valuation.Multiple{Label: "P/E¹", Comps: streamers, Metric: "mau"}, fault.ErrLabel},
		{valuation.Multiple{Label: "EV/EBIT", Comps: streamers, Metric: "mau"}, fault.ErrLabel},
		{valuation.Multiple{Comps: streamers}, fault.ErrMetric},
	} {
		m := madeUp()
		m.Parts[0].Method = c.method
		if _, err := m.Value(); !errors.Is(err, c.want) {
			t.Errorf("%+v: %v, want %v", c.method, err, c.want)
		}
	}
	m = madeUp()
	for _, label := range []string{"EV/MAU", "P/MAU (x)", "P/MAU*", "P/Ebitda peers"} { // free text, or the known label it is
		m.Parts[0].Method = valuation.Multiple{Label: label, Comps: streamers, Metric: "mau"}
		if _, err := m.Value(); err != nil {
			t.Errorf("label %q on MAU: %v", label, err)
		}
	}
	// Without a label the name is derived from the figure and the set, as practice
	// writes it.
	for _, c := range []struct {
		metric     segments.Metric
		enterprise bool
		want       string
	}{
		{segments.OwnUsers, false, "P/MAU"}, {segments.DAU, false, "P/DAU"}, {segments.Revenue, false, "P/S"},
		{segments.Revenue, true, "EV/S"}, {"ebitda", true, "EV/EBITDA"}, {"ebit", true, "EV/EBIT"},
		{segments.Earnings, false, "P/E"}, {"orders", false, "P/orders"},
	} {
		mm := valuation.Multiple{Metric: c.metric, Comps: comps.Set{Enterprise: c.enterprise}}
		if got := mm.Name(); got != c.want {
			t.Errorf("%s (enterprise %v) named %q, want %q", c.metric, c.enterprise, got, c.want)
		}
	}
}

// No exported method of a zero value panics: rendering, figures, reconciliation.
func TestZeroValues(t *testing.T) {
	var r valuation.Result
	_ = r.Text() + r.Markdown() + r.Summary()
	if _, err := r.Figure("forecast/2021/mau"); err == nil {
		t.Error("a figure of the zero Result")
	}
	for _, key := range []string{"", "/", "forecast", "forecast/x/y", "pnl/2021/line", "part//comp//", "sum/"} {
		_, _ = r.Figure(key)
	}
	_ = r.Reconcile([]valuation.Printed{{Key: "target"}}).Text()
	_ = valuation.CrossCheck{}.Text() + valuation.LeaveOneOut{}.Markdown() + valuation.Reconciliation{}.Markdown()
	if _, err := (valuation.Model{}).Value(); err == nil {
		t.Error("the zero Model values")
	}
	if _, err := (valuation.Model{}).CrossCheck(); err == nil {
		t.Error("the zero Model cross-checks")
	}
	if _, err := (valuation.Model{}).LeaveOneOut(context.Background(), "x"); err == nil {
		t.Error("the zero Model leaves one out")
	}
	_ = valuation.Model{}.Clone()
}
