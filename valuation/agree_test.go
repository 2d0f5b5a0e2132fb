package valuation_test

import (
	"context"

	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/sotpkit/sotp/valuation/sensitivity"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/earnings"
	"github.com/sotpkit/sotp/valuation/key"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
)

// This file holds what a second review of the kernel's reported figures found, each
// case failing before its fix: every point is valued, or refused, alike by Model.Value,
// the query (Query.Eval), its exact kernel alone and its float64 program (agreeRun).
// Two known limits of the float64 form are not here: a figure over a value that is zero
// only by exact cancellation in decimal (a growth over a net profit of exactly 0) is a
// huge number in float64, not refused; a convertible struck exactly at the value a share
// may convert in float64 and not in decimal.

// crossedPnL is the Kuaishou model with CNY/HKD crossed through USD and no bridge: the
// crossed pair is read by the P&L's multiples alone (the parts are per-user, in USD).
func crossedPnL(t *testing.T) valuation.Model {
	m := kuaishou2021.Model()
	fx, err := comps.NewFX(comps.Rate{From: comps.USD, To: comps.HKD, Rate: d("7.7")},
		comps.Rate{From: comps.CNY, To: comps.USD, Rate: d("0.1565")})
	if err != nil {
		t.Fatal(err)
	}
	m.FX = fx
	return m
}

type agreePoint struct {
	moves  []key.Key
	values []decimal.Decimal
}

// agreeSeen is what agreeRun saw at a point: whether Model.Value gave every output a
// value, whether the query (its Eval), its kernel alone and its float64 program valued it.
type agreeSeen struct{ modelValued, queryValued, kernelValued, floatValued bool }

func agreeRun(t *testing.T, base valuation.Model, pt agreePoint, outputs []key.Key) agreeSeen {
	t.Helper()
	p, err := base.Prepare(valuation.PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	m := base.Clone()
	var overrides []valuation.Override
	for i, k := range pt.moves {
		a, err := p.Assumption(k)
		if err != nil {
			t.Fatal(err)
		}
		if m, err = moved(t, m, a, pt.values[i]); err != nil {
			t.Logf("moving by hand: %v", err)
		}
		overrides = append(overrides, valuation.Override{Key: k, Value: pt.values[i]})
	}
	want, wantErr := m.Value()
	_, prepErr := p.Value(overrides...)
	q, err := p.Query(pt.moves, outputs)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]decimal.Decimal, len(outputs))
	qErr := q.Eval(pt.values, out)
	kout := make([]decimal.Decimal, len(outputs))
	kernel := valuation.KernelOnly(q, pt.values, kout)
	reasons, ferr := q.Float()
	x, y := make([]float64, len(pt.values)), make([]float64, len(outputs))
	for i, v := range pt.values {
		x[i] = v.InexactFloat64()
	}
	fk := q.Evaluator().Float(x, y)
	reason := ""
	if fk >= 0 && ferr == nil {
		reason = reasons[fk]
	}
	seen := agreeSeen{modelValued: wantErr == nil, queryValued: qErr == nil, kernelValued: kernel, floatValued: fk < 0}
	t.Logf("Model.Value err: %v; Prepared.Value err: %v", wantErr, prepErr)
	t.Logf("Query.Eval err: %v; kernel valued: %v; Float: %d %q (form err %v)", qErr, kernel, fk, reason, ferr)
	for j, o := range outputs {
		var w decimal.Decimal
		var lerr error
		if wantErr == nil {
			w, lerr = want.Lookup(o)
		}
		seen.modelValued = seen.modelValued && lerr == nil
		t.Logf("  %s: Model.Value %s (exp %d, %v) | Query.Eval %s (exp %d) | kernel %s (exp %d) | float %v",
			o, w, w.Exponent(), lerr, out[j], out[j].Exponent(), kout[j], kout[j].Exponent(), y[j])
	}
	return seen
}

// The P&L's crossed FX pair out of comps.RateBounds: Model.Value refuses the point (the
// P&L's multiples are taken at the price), the query of the target values it.
func TestAgreeCrossedPnLRateUnread(t *testing.T) {
	m := crossedPnL(t)
	if s := agreeRun(t, m, agreePoint{[]key.Key{key.FX("CNY", "USD")}, []decimal.Decimal{d("1000000000")}},
		[]key.Key{key.Scalar(key.Target)}); !s.modelValued && (s.kernelValued || s.floatValued || s.queryValued) {
		t.Errorf("Model.Value refuses the point; query valued %v, kernel %v, float64 %v", s.queryValued, s.kernelValued, s.floatValued)
	}
}

// The price moved to 0 with the same crossed pair out of bounds: Model.Value takes no
// P&L multiple, so it needs no rate and values the point; the float64 program refuses it.
func TestAgreePriceZeroFloat(t *testing.T) {
	m := crossedPnL(t)
	if s := agreeRun(t, m, agreePoint{[]key.Key{key.Scalar(key.Price), key.FX("CNY", "USD")}, []decimal.Decimal{d("0"), d("1000000000")}},
		[]key.Key{{Space: key.SpacePnL, Year: 2021, Name: "eps"}, key.Scalar(key.Target)}); s.modelValued && (!s.kernelValued || !s.floatValued) {
		t.Errorf("Model.Value values the point; kernel valued %v, float64 %v", s.kernelValued, s.floatValued)
	}
}

// buyersModel is a model of one segment whose own users are a line the forecast leaves
// out at zero (OmitZero): buyers = mau × penetration, revenue = buyers × arpu.
func buyersModel() valuation.Model {
	spec := segments.Spec{Kind: "buyers", UserBase: "buyers",
		Inputs: []segments.Input{{Metric: "penetration", Unit: segments.Fraction, Range: segments.UnitRate},
			{Metric: "arpu", Unit: segments.PerUser, Range: segments.NonNegative}},
		Lines: []segments.LineSpec{
			{Metric: "buyers", Unit: segments.MillionUsers, OmitZero: true, Formula: segments.Mul(segments.Ref("mau"), segments.Ref("penetration"))},
			{Metric: "revenue", Unit: segments.Millions, Formula: segments.Mul(segments.Ref("buyers"), segments.Ref("arpu"))},
		}}
	plan := segments.Plan{Currency: "HKD", Years: []int{2021, 2022}, Users: map[int]segments.Users{
		2021: {MAU: d("100"), DAU: d("50")}, 2022: {MAU: d("110"), DAU: d("55")}},
		Segments: []segments.Segment{{Name: "shop", Drivers: map[int]segments.Driver{
			2021: segments.Generic{Model: spec, In: []decimal.Decimal{d("0.3"), d("12")}},
			2022: segments.Generic{Model: spec, In: []decimal.Decimal{d("0.4"), d("13")}},
		}}}}
	return valuation.Model{Name: "buyers", Plan: plan, Year: 2021, Currency: comps.HKD, Shares: d("10"), Price: d("50"),
		Parts: []valuation.Part{{Segment: "shop", Method: valuation.Fixed{Amount: d("1000")}}}}
}

// own_users of a segment whose user base is an OmitZero line, at zero: the forecast has
// no such line and Lookup fails; the kernel values it at 0.
func TestAgreeOwnUsersOmitted(t *testing.T) {
	if s := agreeRun(t, buyersModel(), agreePoint{[]key.Key{key.Forecast(2022, "shop", "penetration")}, []decimal.Decimal{d("0")}},
		[]key.Key{key.Forecast(2022, "shop", string(segments.OwnUsers))}); !s.modelValued && (s.kernelValued || s.floatValued) {
		t.Errorf("Model.Value has no such figure; kernel valued %v, float64 %v", s.kernelValued, s.floatValued)
	}
}

// lateModel is buyersModel with a segment that starts in 2022 and a P&L with a line at a
// ratio of that segment's revenue: in 2021 the line is zero (the segment has no revenue).
func lateModel() valuation.Model {
	m := buyersModel()
	spec := m.Plan.Segments[0].Drivers[2022].Spec()
	m.Plan.Segments = append(m.Plan.Segments, segments.Segment{Name: "late", Drivers: map[int]segments.Driver{
		2022: segments.Generic{Model: spec, In: []decimal.Decimal{d("0.1"), d("5")}}}})
	m.Earnings = earnings.PnL{Lines: []earnings.LineItem{
		{Name: "cost", Kind: earnings.CostOfSales, Years: map[int]earnings.Value{2021: earnings.Ratio(d("0.5"), ""), 2022: earnings.Ratio(d("0.5"), "")}},
		{Name: "late_cost", Kind: earnings.Expense, Years: map[int]earnings.Value{2021: earnings.Ratio(d("0.2"), "late"), 2022: earnings.Ratio(d("0.2"), "late")}},
	}, Shares: map[int]decimal.Decimal{2021: d("10"), 2022: d("10")}}
	return m
}

// A P&L line given as a ratio of a segment's revenue, in a year before the segment
// starts: earnings values it at zero; the kernel compiled no P&L of the year, and
// reported an exact kernel it did not have (Exact nil), whose float64 form panicked.
func TestAgreePnLOfSegmentNotStarted(t *testing.T) {
	m := lateModel()
	if _, err := m.Value(); err != nil {
		t.Fatal(err)
	}
	p, err := m.Prepare(valuation.PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []key.Key{{Space: key.SpacePnL, Year: 2021, Name: "net_profit"}, {Space: key.SpacePnL, Year: 2022, Name: "net_profit"}} {
		q, err := p.Query([]key.Key{key.Forecast(2021, "shop", "arpu")}, []key.Key{o})
		if err != nil {
			t.Fatal(err)
		}
		if _, ferr := q.Float(); q.Exact() != nil || ferr != nil {
			t.Errorf("%s: kernel %v, float64 form %v; want both", o, q.Exact(), ferr)
		}
	}
}

// TestAgreePnLOfSegmentNotStartedValues: the same P&L valued at a point by all four
// (Query.Eval's cut-down model kept no year the late segment runs in, and refused it:
// "driver (none in any year)"; now it keeps the segment's first year), with the P&L and
// without it.
func TestAgreePnLOfSegmentNotStartedValues(t *testing.T) {
	noPnL := lateModel()
	noPnL.Earnings = earnings.PnL{}
	for _, c := range []struct {
		m   valuation.Model
		out key.Key
	}{{lateModel(), key.Key{Space: key.SpacePnL, Year: 2021, Name: "eps"}}, {lateModel(), key.Scalar(key.Target)}, {noPnL, key.Scalar(key.Target)}} {
		s := agreeRun(t, c.m, agreePoint{[]key.Key{key.Forecast(2021, "shop", "arpu")}, []decimal.Decimal{d("13")}}, []key.Key{c.out})
		if !s.modelValued || !s.queryValued || !s.kernelValued || !s.floatValued {
			t.Errorf("%s: Model.Value %v, query %v, kernel %v, float64 %v; want all to value it", c.out, s.modelValued, s.queryValued, s.kernelValued, s.floatValued)
		}
	}
}

// A later year divides by last year's revenue (prev): moving an earlier year's input to
// zero makes Model.Value fail in the later year, which a query of the valuation year
// neither compiles nor forecasts.
func TestAgreeLaterYearPrevDivision(t *testing.T) {
	spec := segments.Spec{Kind: "yoy",
		Inputs: []segments.Input{{Metric: "arpu", Unit: segments.PerUser, Range: segments.NonNegative}},
		Lines: []segments.LineSpec{
			{Metric: "revenue", Unit: segments.Millions, Formula: formula(t, "mau * arpu")},
			{Metric: "yoy", Unit: segments.Fraction, Formula: formula(t, "revenue / prev(revenue, 1)")},
		}}
	m := buyersModel()
	m.Plan.Segments[0].Drivers = map[int]segments.Driver{
		2021: segments.Generic{Model: spec, In: []decimal.Decimal{d("12")}},
		2022: segments.Generic{Model: spec, In: []decimal.Decimal{d("13")}}}
	if s := agreeRun(t, m, agreePoint{[]key.Key{key.Forecast(2021, "shop", "arpu")}, []decimal.Decimal{d("0")}},
		[]key.Key{key.Scalar(key.Target), key.Forecast(2021, "shop", "revenue")}); !s.modelValued && (s.kernelValued || s.floatValued || s.queryValued) {
		t.Errorf("Model.Value refuses the point; query valued %v, kernel %v, float64 %v", s.queryValued, s.kernelValued, s.floatValued)
	}
}

// A growth key of a segment's share names no figure (a share is not a line of the
// forecast): Lookup gave the share itself, which a query then compiled as a growth.
func TestAgreeShareGrowthKey(t *testing.T) {
	r, err := kuaishou2021.Model().Value()
	if err != nil {
		t.Fatal(err)
	}
	grow := key.Forecast(2021, "advertising", "share")
	grow.Growth = true
	if g, err := r.Lookup(grow); err == nil {
		t.Errorf("Lookup(%s) = %s, want no such figure", grow, g)
	}
}

// The den-cache sentinel through a query: target = equity / shares, equity at exponent
// -17 and past 128 bits, shares a constant at exponent 0: the gap is -1.
func TestAgreeTargetPanics(t *testing.T) {
	m := buyersModel()
	m.Parts[0].Method = valuation.Expression{Formula: formula(t, "revenue * 1.23456789012345678")}
	for y, dr := range m.Plan.Segments[0].Drivers {
		g := dr.(segments.Generic)
		g.In = []decimal.Decimal{d("1"), g.In[1]}
		m.Plan.Segments[0].Drivers[y] = g
	}
	p, err := m.Prepare(valuation.PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	arpu := key.Forecast(2021, "shop", "arpu")
	v := d("1234567890123456789012345")
	want, err := p.Value(valuation.Override{Key: arpu, Value: v})
	if err != nil {
		t.Fatal(err)
	}
	q, err := p.Query([]key.Key{arpu}, []key.Key{key.Scalar(key.Target)})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("Evaluator.Eval panicked: %v", r)
		}
	}()
	out := make([]decimal.Decimal, 1)
	ev := q.Evaluator()
	if err = ev.Eval([]decimal.Decimal{v}, out); err != nil || !identical(out[0], want.Target) {
		t.Errorf("Evaluator.Eval: %s (exp %d), %v; want %s (exp %d)", out[0], out[0].Exponent(), err, want.Target, want.Target.Exponent())
	}
}

// The same P&L through Monte Carlo: the float64 form was reported as present, and the
// run panicked in Evaluator.Float.
func TestAgreeMonteCarloPanics(t *testing.T) {
	m := lateModel()
	e, err := sensitivity.New(m, sensitivity.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("Monte Carlo panicked: %v", r)
		}
	}()
	_, err = e.MonteCarlo(context.Background(), sensitivity.MonteCarlo{Output: "pnl/2021/net_profit", Draws: 100, Seed: 1,
		Inputs: []sensitivity.Variable{{Name: "forecast/2021/shop/arpu", Dist: distuv.Uniform{Min: 10, Max: 14}}}})
	t.Logf("Monte Carlo: %v", err)
}
