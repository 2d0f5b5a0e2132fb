package sensitivity_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/testkit"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/sensitivity"
)

var d = decimal.RequireFromString

func engine(t testing.TB, o sensitivity.Options) *sensitivity.Engine {
	t.Helper()
	e, err := sensitivity.New(kuaishou2021.Model(), o)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// closedTarget is the report's target in closed form: every part is a P/MAU multiple in
// USD of (shopping) MAU, so
//
//	target = 7.7 × MAU × (31.01 + 185.97 + 0.45 × avg × (1 + premium)) / 4159
//
// with 31.01 and 185.97 the printed average P/MAU of Tables 11 and 12, avg the mean of
// Table 13's three P/MAU (459.0333…, to 16 places), 0.45 the 2021E shopping penetration
// (Table 9), 7.7 HKD per USD and 4,159m shares. Decimal products are exact and the one
// division keeps 16 places, as the model's does, so the engine must match it exactly.
func closedTarget(e *sensitivity.Engine, mau, premium decimal.Decimal) decimal.Decimal {
	avg := e.Result().Parts[2].Multiple.Average
	perUser := d("31.01").Add(d("185.97")).Add(d("0.45").Mul(avg).Mul(decimal.NewFromInt(1).Add(premium)))
	return d("7.7").Mul(mau).Mul(perUser).DivRound(d("4159"), 16)
}

func TestGridIsLinearInMAU(t *testing.T) {
	e := engine(t, sensitivity.Options{})
	if got := e.Result().Target.StringFixed(1); got != "404.6" { // Table 14, target price
		t.Fatalf("base target %s, want 404.6", got)
	}
	mau := sensitivity.Axis{Name: "forecast/2021/mau", Values: []decimal.Decimal{d("450"), d("571.68"), d("700")}}
	prem := sensitivity.Axis{Name: "part/ecommerce/premium", Values: []decimal.Decimal{d("-0.5"), d("-0.2"), d("0")}}
	g, err := e.Grid(context.Background(), []string{"target"}, mau, prem)
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range mau.Values {
		for j, p := range prem.Values {
			c := cellAt(t, g, i, j)
			if c.Err != nil {
				t.Fatalf("MAU %s premium %s: %v", u, p, c.Err)
			}
			if want := closedTarget(e, u, p); !c.Values[0].Equal(want) {
				t.Errorf("MAU %s premium %s: target %s, want %s", u, p, c.Values[0], want)
			}
		}
	}
	want := `target by forecast/2021/mau × part/ecommerce/premium
forecast/2021/mau \ part/ecommerce/premium  -50.0%  -20.0%*   0.0%
------------------------------------------------------------------
450.00                                       266.8    318.5  352.9
571.68*                                      339.0   404.6*  448.3
700.00                                       415.1    495.4  548.9
Note: * base case; base target 404.6
`
	if diff := cmp.Diff(want, g.Text("target")); diff != "" {
		t.Errorf("Text (-want +got):\n%s", diff)
	}
}

func TestGridWorkersAgree(t *testing.T) {
	axes := []sensitivity.Axis{
		{Name: "forecast/2021/dau", Values: []decimal.Decimal{d("300"), d("344"), d("600")}},
		{Name: "forecast/2021/advertising/revenue_per_dau", Values: []decimal.Decimal{d("100"), d("136.5459"), d("-1")}},
	}
	outputs := []string{"forecast/2021/revenue", "target"}
	one, err := engine(t, sensitivity.Options{Workers: 1}).Grid(context.Background(), outputs, axes...)
	if err != nil {
		t.Fatal(err)
	}
	two, err := engine(t, sensitivity.Options{Workers: 2}).Grid(context.Background(), outputs, axes...)
	if err != nil {
		t.Fatal(err)
	}
	var csv1, csv2 strings.Builder
	if err := one.CSV(&csv1); err != nil {
		t.Fatal(err)
	}
	if err := two.CSV(&csv2); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(csv1.String(), csv2.String()); diff != "" {
		t.Errorf("1 worker vs 2 (-1 +2):\n%s", diff)
	}
	// Revenue is linear in DAU through advertising only: DAU 300 at the base revenue per
	// DAU takes 44 × 136.5459 = 6,008.0196 off the base 2021E revenue.
	base := one.Base[0]
	if got, want := cellAt(t, one, 0, 1).Values[0], base.Sub(d("44").Mul(d("136.5459"))); !got.Equal(want) {
		t.Errorf("revenue at DAU 300: %s, want %s", got, want)
	}
	// DAU 600 exceeds 2021E MAU 571.68; a revenue per DAU of -1 is negative.
	if err := cellAt(t, one, 2, 1).Err; !errors.Is(err, fault.ErrDAUAboveMAU) {
		t.Errorf("DAU 600: %v, want ErrDAUAboveMAU", err)
	}
	if err := cellAt(t, one, 1, 2).Err; !errors.Is(err, fault.ErrNegative) {
		t.Errorf("revenue per DAU -1: %v, want ErrNegative", err)
	}
	if !strings.Contains(csv1.String(), "300,136.5459,83905.14389472,404.5589808011541236,false,\n") {
		t.Errorf("CSV lacks the DAU 300 row:\n%s", csv1.String())
	}
}

func TestLinkDAU(t *testing.T) {
	// With DAU linked, DAU keeps 2021E's DAU/MAU = 344 / 571.68 when MAU moves to 600.
	linked := d("344").Mul(d("600")).DivRound(d("571.68"), 16)
	for _, tc := range []struct {
		name string
		link bool
		p    sensitivity.Point
		want decimal.Decimal
	}{
		{"alone", false, sensitivity.Point{testkit.Set(t, "forecast/2021/mau", d("600"))}, d("344")},
		{"linked", true, sensitivity.Point{testkit.Set(t, "forecast/2021/mau", d("600"))}, linked},
		{"both set", true, sensitivity.Point{testkit.Set(t, "forecast/2021/mau", d("600")), testkit.Set(t, "forecast/2021/dau", d("350"))}, d("350")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := engine(t, sensitivity.Options{LinkDAU: tc.link}).Eval(tc.p, "forecast/2021/dau")
			if err != nil {
				t.Fatal(err)
			}
			if !out[0].Equal(tc.want) {
				t.Errorf("DAU %s, want %s", out[0], tc.want)
			}
		})
	}
}

func TestEvalErrors(t *testing.T) {
	e := engine(t, sensitivity.Options{})
	for _, tc := range []struct {
		name   string
		p      sensitivity.Point
		output string
		want   error
	}{
		{"rate above one", sensitivity.Point{testkit.Set(t, "forecast/2021/ecommerce/take_rate", d("1.5"))}, "target", fault.ErrRate},
		{"negative penetration", sensitivity.Point{testkit.Set(t, "forecast/2021/ecommerce/penetration", d("-0.1"))}, "target", fault.ErrRate},
		{"DAU above MAU", sensitivity.Point{testkit.Set(t, "forecast/2021/mau", d("300"))}, "target", fault.ErrDAUAboveMAU},
		{"zero shares", sensitivity.Point{testkit.Set(t, "shares", d("0"))}, "target", fault.ErrShares},
		{"zero EPS shares", sensitivity.Point{testkit.Set(t, "pnl/2021/shares", d("0"))}, "pnl/2021/eps", fault.ErrShares},
		{"premium -100%", sensitivity.Point{testkit.Set(t, "part/ecommerce/premium", d("-1"))}, "target", fault.ErrPremium},
		{"zero average", sensitivity.Point{testkit.Set(t, "part/advertising/average", d("0"))}, "target", fault.ErrNonPositive},
		{"zero FX rate", sensitivity.Point{testkit.Set(t, "fx/USD/HKD", d("0"))}, "target", fault.ErrBadRate},
		{"unknown", sensitivity.Point{testkit.Set(t, "forecast/2021/ecommerce/churn", d("1"))}, "target", fault.ErrUnknownAssumption},
		{"unknown year", sensitivity.Point{testkit.Set(t, "forecast/2030/mau", d("1"))}, "target", fault.ErrUnknownAssumption},
		{"twice", sensitivity.Point{testkit.Set(t, "shares", d("1")), testkit.Set(t, "shares", d("2"))}, "target", fault.ErrDuplicateAssumption},
		{"unknown output", nil, "forecast/2021/ecommerce/churn", fault.ErrUnknownMetric},
		{"unknown figure", nil, "part/ecommerce/churn", fault.ErrUnknownFigure},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.Eval(tc.p, tc.output)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestTooManyPointsRefused(t *testing.T) {
	e := engine(t, sensitivity.Options{MaxPoints: 1000})
	values := make([]decimal.Decimal, 1000)
	for i := range values {
		values[i] = decimal.NewFromInt(int64(400 + i))
	}
	// 1000 × 1000 × 1000 = 10^9 points: refused before any is valued.
	axes := []sensitivity.Axis{{Name: "forecast/2021/mau", Values: values}, {Name: "shares", Values: values}, {Name: "price", Values: values}}
	if _, err := e.Grid(context.Background(), []string{"target"}, axes...); !errors.Is(err, fault.ErrTooManyPoints) {
		t.Errorf("10^9-point grid: %v, want ErrTooManyPoints", err)
	}
	if _, err := e.Grid(context.Background(), []string{"target"}, axes[0], axes[1]); !errors.Is(err, fault.ErrTooManyPoints) {
		t.Errorf("10^6-point grid over MaxPoints 1000: %v, want ErrTooManyPoints", err)
	}
	mc := sensitivity.MonteCarlo{Output: "target", Draws: 1_000_000_000, Inputs: []sensitivity.Variable{{Name: "shares", Dist: uniform(4000, 4300)}}}
	if _, err := engine(t, sensitivity.Options{}).MonteCarlo(context.Background(), mc); !errors.Is(err, fault.ErrTooManyPoints) {
		t.Errorf("10^9 draws: %v, want ErrTooManyPoints", err)
	}
}

func TestCancelStopsPromptly(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var cancelledAt, last atomic.Int64
	e := engine(t, sensitivity.Options{Workers: 2, Progress: func(done, total int) {
		last.Store(int64(done))
		if cancelledAt.Load() == 0 {
			cancelledAt.Store(int64(done))
			cancel()
		}
	}})
	_, err := e.Grid(ctx, []string{"target"}, sensitivity.Span("forecast/2021/mau", d("400"), d("700"), 200), sensitivity.Span("part/ecommerce/premium", d("-0.5"), d("0"), 100))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	// Each worker finishes at most the point it holds: the run stops within a progress
	// step (1% = 200 points) of the cancel, far short of 20,000.
	if c, l := cancelledAt.Load(), last.Load(); c != 200 || l > c+200 {
		t.Errorf("cancelled at %d, last progress %d of 20000", c, l)
	}
}

func TestProgress(t *testing.T) {
	var calls []int
	e := engine(t, sensitivity.Options{Workers: 1, Progress: func(done, total int) {
		if total != 300 {
			t.Errorf("total %d, want 300", total)
		}
		calls = append(calls, done)
	}})
	if _, err := e.Grid(context.Background(), []string{"target"}, sensitivity.Span("forecast/2021/mau", d("400"), d("700"), 300)); err != nil {
		t.Fatal(err)
	}
	if len(calls) != 100 || calls[0] != 3 || calls[99] != 300 {
		t.Errorf("progress calls %v, want every 3 points to 300", calls)
	}
}

func TestTornado(t *testing.T) {
	e := engine(t, sensitivity.Options{})
	swings, err := e.Swings(d("0.1"), "forecast/2021/dau", "forecast/2021/mau", "shares", "fx/USD/HKD", "forecast/2021/ecommerce/penetration")
	if err != nil {
		t.Fatal(err)
	}
	tor, err := e.Tornado(context.Background(), "target", swings...)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, b := range tor.Bars {
		order = append(order, b.Name)
	}
	// Shares ±10% moves the target by 1/0.9 - 1/1.1 = 20.2% of it; MAU and the USD rate,
	// which scale every part, by exactly 20%; penetration scales only e-commerce (165.25
	// of 382.23 HK$-per-MAU parts: 8.6%); DAU prices nothing under P/MAU (0%).
	want := []string{"shares", "forecast/2021/mau", "fx/USD/HKD", "forecast/2021/ecommerce/penetration", "forecast/2021/dau"}
	if diff := cmp.Diff(want, order); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	base := e.Result().Target
	twenty := base.Mul(d("0.2"))
	for _, b := range tor.Bars[1:3] {
		// Each end's target and the base target are divided at 16 places (0.5e-16 each):
		// the range and 20% of the target differ by at most 1.1e-16.
		if b.Range.Sub(twenty).Abs().GreaterThan(d("1.1e-16")) {
			t.Errorf("%s range %s, want 0.2 × target = %s", b.Name, b.Range, twenty)
		}
	}
	if !tor.Bars[4].Range.IsZero() {
		t.Errorf("DAU range %s, want 0", tor.Bars[4].Range)
	}
}

func TestSeek(t *testing.T) {
	e := engine(t, sensitivity.Options{})
	ctx := context.Background()
	// The MAU that justifies HK$319: target is linear in MAU, so
	// MAU = 319 × 4159 / (7.7 × (31.01 + 185.97 + 0.45 × avg × 0.8)) ≈ 450.78m.
	avg := e.Result().Parts[2].Multiple.Average
	perMAU := d("7.7").Mul(d("31.01").Add(d("185.97")).Add(d("0.36").Mul(avg)))
	want := d("319").Mul(d("4159")).DivRound(perMAU, 16)
	sol, err := e.Seek(ctx, sensitivity.Goal{Assumption: "forecast/2021/mau", Output: "target", Target: d("319"), Low: d("400"), High: d("700")})
	if err != nil {
		t.Fatal(err)
	}
	if sol.Value.Sub(want).Abs().GreaterThan(d("1e-12")) || sol.Iterations != 1 {
		t.Errorf("MAU %s after %d iterations, want %s in 1", sol.Value, sol.Iterations, want)
	}
	if got := sol.Value.StringFixed(2); got != "450.78" {
		t.Errorf("MAU %s, want 450.78", got)
	}
	// The e-commerce peer P/MAU the price implies, at MAU 571.68 and the 20% discount.
	wantAvg := d("319").Mul(d("4159")).DivRound(d("7.7").Mul(d("571.68")), 16).Sub(d("216.98")).DivRound(d("0.36"), 16)
	sol, err = e.Seek(ctx, sensitivity.Goal{Assumption: "part/ecommerce/average", Output: "target", Target: d("319"), Low: d("1"), High: d("1000")})
	if err != nil {
		t.Fatal(err)
	}
	if sol.Value.Sub(wantAvg).Abs().GreaterThan(d("1e-9")) {
		t.Errorf("average %s, want %s", sol.Value, wantAvg)
	}
	// MAU in [600, 700] gives targets of 424.6 to 495.4: 319 is out of reach.
	_, err = e.Seek(ctx, sensitivity.Goal{Assumption: "forecast/2021/mau", Output: "target", Target: d("319"), Low: d("600"), High: d("700")})
	if !errors.Is(err, fault.ErrNoBracket) || !strings.Contains(err.Error(), "424.6001") {
		t.Errorf("got %v, want ErrNoBracket naming the targets at the ends", err)
	}
	// A non-linear output: 2021E revenue growth over 2020 (a ratio) in the take rate; at
	// a take rate of 0 it is 34.9%, at 20% 263%.
	sol, err = e.Seek(ctx, sensitivity.Goal{Assumption: "forecast/2021/ecommerce/take_rate", Output: "forecast/2021/revenue/growth", Target: d("0.4"), Low: d("0"), High: d("0.2")})
	if err != nil {
		t.Fatal(err)
	}
	out, err := e.Eval(sensitivity.Point{testkit.Set(t, "forecast/2021/ecommerce/take_rate", sol.Value)}, "forecast/2021/revenue/growth")
	if err != nil || out[0].Sub(d("0.4")).Abs().GreaterThan(d("1e-9")) {
		t.Errorf("growth at take rate %s: %v %v, want 40%%", sol.Value, out, err)
	}
}

func TestScenariosAndAttribution(t *testing.T) {
	e := engine(t, sensitivity.Options{})
	ctx := context.Background()
	bear := valuation.Scenario{Name: "bear", Set: []valuation.Override{testkit.Set(t, "forecast/2021/mau", d("520")), testkit.Set(t, "part/ecommerce/premium", d("-0.4"))}}
	bull := valuation.Scenario{Name: "bull", Set: []valuation.Override{testkit.Set(t, "forecast/2021/mau", d("620")), testkit.Set(t, "part/ecommerce/premium", d("0")), testkit.Set(t, "forecast/2021/ecommerce/take_rate", d("0.015"))}}
	broken := valuation.Scenario{Name: "broken", Set: []valuation.Override{testkit.Set(t, "shares", d("-1"))}}
	c, err := e.Scenarios(ctx, []string{"target", "pnl/2021/net_profit"}, bear, bull, broken)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Cells[0].Values[0], closedTarget(e, d("520"), d("-0.4")); !got.Equal(want) {
		t.Errorf("bear target %s, want %s", got, want)
	}
	if got, want := c.Cells[1].Values[0], closedTarget(e, d("620"), d("0")); !got.Equal(want) {
		t.Errorf("bull target %s, want %s", got, want)
	}
	if !errors.Is(c.Cells[2].Err, fault.ErrShares) {
		t.Errorf("broken scenario: %v, want ErrShares", c.Cells[2].Err)
	}
	a, err := e.Attribute(ctx, bear, bull)
	if err != nil {
		t.Fatal(err)
	}
	sum := a.Start
	for _, s := range a.Steps {
		sum = sum.Add(s.Change)
		seg := decimal.Zero
		for _, v := range s.BySegment {
			seg = seg.Add(v)
		}
		// Three part values divided by the share count at 16 places each, against one
		// division of their sum.
		if seg.Sub(s.Change).Abs().GreaterThan(d("4e-16")) {
			t.Errorf("%s: segments sum to %s, change %s", s.Name, seg, s.Change)
		}
	}
	if !sum.Equal(a.End) || !a.End.Equal(c.Cells[1].Values[0]) {
		t.Errorf("steps sum to %s, end %s, bull %s", sum, a.End, c.Cells[1].Values[0])
	}
	// The premium moves e-commerce alone; the take rate prices nothing under P/MAU.
	if len(a.Steps) != 3 || a.Steps[1].BySegment[0].Sign() != 0 || a.Steps[1].BySegment[1].Sign() != 0 || !a.Steps[2].Change.IsZero() {
		t.Errorf("steps %+v, want MAU, the premium on e-commerce only, then a take rate changing nothing", a.Steps)
	}
}

// TestEarningsOutputs is the P&L reached from a sweep (issue 5, item 5): the 2021E
// forecast costs are all ratios of group revenue, so net profit and EPS are affine in the
// take rate: equal steps of take rate give equal steps of each. The ratios sum to 109.6% of
// revenue, so more e-commerce revenue deepens the 2021E loss.
func TestEarningsOutputs(t *testing.T) {
	e := engine(t, sensitivity.Options{})
	take := sensitivity.Axis{Name: "forecast/2021/ecommerce/take_rate", Values: []decimal.Decimal{d("0.01"), d("0.015"), d("0.02")}}
	g, err := e.Grid(context.Background(), []string{"pnl/2021/net_profit", "pnl/2021/eps", "forecast/2021/ecommerce/revenue"}, take)
	if err != nil {
		t.Fatal(err)
	}
	np0, np1, np2 := g.Cells[0].Values[0], g.Cells[1].Values[0], g.Cells[2].Values[0]
	if !np1.Sub(np0).Equal(np2.Sub(np1)) || np1.GreaterThanOrEqual(np0) {
		t.Errorf("net profit %s, %s, %s: want equal falling steps", np0, np1, np2)
	}
	eps0, eps1, eps2 := g.Cells[0].Values[1], g.Cells[1].Values[1], g.Cells[2].Values[1]
	if eps2.Sub(eps1).Sub(eps1.Sub(eps0)).Abs().GreaterThan(d("2e-16")) {
		t.Errorf("EPS %s, %s, %s: want equal steps", eps0, eps1, eps2)
	}
	// Each 0.5 point of take rate adds 0.5% of 2021E GMV (Table 9: 571.68 × 0.45 × 2,726.7
	// = 701,459.9 RMB m) to e-commerce revenue: 3,507.3m.
	if got := g.Cells[1].Values[2].Sub(g.Cells[0].Values[2]).StringFixed(1); got != "3507.3" {
		t.Errorf("revenue step %s, want 3507.3", got)
	}
}

func cellAt(t *testing.T, g sensitivity.Grid, idx ...int) sensitivity.Cell {
	t.Helper()
	c, err := g.Cell(idx...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestCaptions: an engine asked for captions names figures and assumptions in its
// results' text tables by title and unit, values formatted by key as before (2021E MAU
// 571.68 to two places, the e-commerce premium as a percentage), and writes the same
// JSON; without, the tables name keys.
func TestCaptions(t *testing.T) {
	ctx := context.Background()
	for _, captions := range []bool{false, true} {
		e := engine(t, sensitivity.Options{Captions: captions})
		sw, err := e.Swings(d("0.1"), "forecast/2021/mau", "part/ecommerce/premium")
		if err != nil {
			t.Fatal(err)
		}
		tor, err := e.Tornado(ctx, "target", sw...)
		if err != nil {
			t.Fatal(err)
		}
		g, err := e.Grid(ctx, []string{"target"}, sensitivity.Span("forecast/2021/mau", d("500"), d("600"), 3))
		if err != nil {
			t.Fatal(err)
		}
		text := tor.Text() + g.Text("target")
		want, not := []string{"Tornado: Target price (HK$), base 404.6", "2021E MAU (m)  ", "571.68", "-20.0%", "Target price (HK$) by 2021E MAU (m)"}, "forecast/2021/mau"
		if !captions {
			want, not = []string{"Tornado: target, base 404.6", "forecast/2021/mau", "target by forecast/2021/mau"}, "2021E MAU"
		}
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("captions %v: no %q in\n%s", captions, w, text)
			}
		}
		if strings.Contains(text, not) {
			t.Errorf("captions %v: %q in\n%s", captions, not, text)
		}
		if b, err := json.Marshal(tor); err != nil || bytes.Contains(b, []byte("2021E")) {
			t.Errorf("captions %v: JSON %s, %v", captions, b, err)
		}
	}
}
