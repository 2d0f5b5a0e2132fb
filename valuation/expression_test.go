package valuation_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/key"
)

// formula parses a formula of the driver grammar (segments.Formula.UnmarshalText).
func formula(t testing.TB, text string) segments.Formula {
	t.Helper()
	var f segments.Formula
	if err := f.UnmarshalText([]byte(text)); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestExpression works an Expression part out by hand: the platform's advertising
// forecast in HK$ (DAU 40m × HK$20 = HK$800m of revenue), valued at 3 × revenue less
// 2 × DAU = 2,400 − 80 = HK$2,320m, at US$0.128 a HK$: US$296.96m, over 1,000m shares
// US$0.29696. The part has a value and an FX rate, and no multiple; a formula naming a
// line the segment lacks, or dividing by zero, is an error of the part's method.
func TestExpression(t *testing.T) {
	m := platform()
	m.Plan.Currency = "HKD"
	m.Parts[0].Method = valuation.Expression{Formula: formula(t, "3 * revenue - 2 * dau"), Note: "made up"}
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"part/ads/value": "296.96", "part/ads/fx": "0.128", "sum": "296.96", "target": "0.29696"} {
		if got, err := r.Figure(k); err != nil || !got.Equal(d(want)) {
			t.Errorf("%s = %s, %v; want %s", k, got, err, want)
		}
	}
	if _, err := r.Figure("part/ads/multiple"); !errors.Is(err, fault.ErrUnknownFigure) {
		t.Errorf("an expression's multiple: %v, want fault.ErrUnknownFigure", err)
	}
	if p := r.Parts[0]; p.Method != "3 * revenue - 2 * dau" || p.Formula != p.Method || p.Note != "made up" {
		t.Errorf("method %q, formula %q, note %q", p.Method, p.Formula, p.Note)
	}
	if note := "Note: Advertising: 3 * revenue - 2 * dau, at USD:HKD 0.128, made up"; !strings.Contains(r.Text(), note) {
		t.Errorf("the sum's table lacks %q:\n%s", note, r.Text())
	}
	for text, want := range map[string]error{"3 * ebitda": fault.ErrUnknownMetric, "revenue / (dau - dau)": fault.ErrNonPositive} {
		m.Parts[0].Method = valuation.Expression{Formula: formula(t, text)}
		var fe *fault.Error
		if _, err := m.Value(); !errors.Is(err, want) || !errors.As(err, &fe) || fe.Segment != "ads" {
			t.Errorf("%s: %v, want %v of part ads", text, err, want)
		}
	}
}

// TestExpressionKernel: a query over an Expression part's users, driver input and FX
// rate is valued by the exact kernel at every point, identical to the prepared model's
// decimal valuation, the evaluator leaving none to the decimal path.
func TestExpressionKernel(t *testing.T) {
	m := platform()
	m.Plan.Currency = "HKD"
	m.Parts[0].Method = valuation.Expression{Formula: formula(t, "max(3 * revenue - 2 * dau, revenue / 4) / 1.5")}
	p, err := m.Prepare(valuation.PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	moves := []key.Key{key.Forecast(2025, "", "mau"), key.Forecast(2025, "", "dau"), key.Forecast(2025, "ads", "revenue_per_dau"), key.FX("HKD", "USD")}
	outputs := []key.Key{key.Part("ads", "value"), key.Part("ads", "fx"), key.Scalar(key.Target)}
	q, err := p.Query(moves, outputs)
	if err != nil {
		t.Fatal(err)
	}
	ev := q.Evaluator()
	out := make([]decimal.Decimal, len(outputs))
	for i := range 50 {
		vals := []decimal.Decimal{decimal.NewFromInt(int64(100 + i)), decimal.NewFromInt(int64(10 + i)), d(fmt.Sprintf("%d.%d", 1+i%30, i)), d(fmt.Sprintf("0.12%d", i%10))}
		point := make([]valuation.Override, len(moves))
		for j := range moves {
			point[j] = valuation.Override{Key: moves[j], Value: vals[j]}
		}
		want, err := p.Value(point...)
		if err != nil {
			t.Fatal(err)
		}
		if err := ev.Eval(vals, out); err != nil {
			t.Fatal(err)
		}
		for j, k := range outputs {
			if w, _ := want.Lookup(k); !identical(out[j], w) {
				t.Fatalf("%v: %s = %s, decimal %s", vals, k, out[j], w)
			}
		}
	}
	if q.Exact() != nil || ev.Fallbacks() != 0 {
		t.Errorf("exact %v, %d points left to the decimal path", q.Exact() == nil, ev.Fallbacks())
	}
}

// A part valued by a formula of its segment's lines: advertising at 3 × revenue less
// 2 × DAU, in the forecast's HK$, converted to US$.
func ExampleExpression() {
	m := platform()
	m.Plan.Currency = "HKD"
	var f segments.Formula
	if err := f.UnmarshalText([]byte("3 * revenue - 2 * dau")); err != nil {
		fmt.Println(err)
		return
	}
	m.Parts[0].Method = valuation.Expression{Label: "3x sales less users", Formula: f}
	r, err := m.Value()
	if err != nil {
		fmt.Println(err)
		return
	}
	p := r.Parts[0]
	fmt.Println(p.Method, "=", p.Formula, "at", p.FX.Rate, "=", p.Value.StringFixed(2))
	// Output: 3x sales less users = 3 * revenue - 2 * dau at 0.128 = 296.96
}
