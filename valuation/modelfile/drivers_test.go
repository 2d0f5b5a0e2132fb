package modelfile_test

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/key"
	"github.com/sotpkit/sotp/valuation/modelfile"
	"github.com/sotpkit/sotp/valuation/sensitivity"
)

// TestFileDriver: a driver model defined in the model file alone (testdata/delivery.json:
// orders × average order value × take rate, with an EBITDA margin, priced at EV/EBITDA)
// values, sweeps on the exact kernel, runs Monte Carlo and writes back to the same
// bytes. By hand: EBITDA 2026 is 2,000 × 40 × 0.15 × 0.2 = 2,400, at the peer's 15x
// (30,000 / 2,000) 36,000; advertising's 300m MAU at 100 a user is 30,000; 66,000 over
// 1,000m shares is 66. The target is linear in the take rate (a 0.2 rate gives 78), so
// its mean over a uniform rate on [0.1, 0.2] is 66.
func TestFileDriver(t *testing.T) {
	b, err := os.ReadFile("testdata/delivery.json")
	if err != nil {
		t.Fatal(err)
	}
	m, err := modelfile.Read(bytes.NewReader(b), nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	if r.Target.String() != "66" || r.Caption(key.Forecast(2026, "delivery", "aov")) != "2026E Food delivery: Average order value (USD per order)" {
		t.Errorf("target %s, caption %q", r.Target, r.Caption(key.Forecast(2026, "delivery", "aov")))
	}
	p, err := m.Prepare(valuation.PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	q, err := p.Query([]key.Key{key.Forecast(2026, "delivery", "take_rate")}, []key.Key{key.Scalar(key.Target)})
	if err != nil || q.Exact() != nil {
		t.Fatalf("a query of the take rate: exact %v, %v", q != nil && q.Exact() == nil, err)
	}
	e, err := sensitivity.New(m, sensitivity.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	axis, err := sensitivity.ParseAxis("forecast/2026/delivery/take_rate=0.1,0.15,0.2")
	if err != nil {
		t.Fatal(err)
	}
	g, err := e.Grid(context.Background(), []string{"target"}, axis)
	if err != nil || g.Cells[0].Values[0].String() != "54" || g.Cells[2].Values[0].String() != "78" {
		t.Fatalf("grid %+v, %v; want 54, 66, 78", g.Cells, err)
	}
	s, err := e.MonteCarlo(context.Background(), sensitivity.MonteCarlo{Output: "target", Draws: 20000, Seed: 1,
		Inputs: []sensitivity.Variable{{Name: "forecast/2026/delivery/take_rate", Dist: distuv.Uniform{Min: 0.1, Max: 0.2}}}})
	if err != nil || s.Mean < 65.8 || s.Mean > 66.2 {
		t.Errorf("Monte Carlo mean %g, %v; want 66 ± 0.2", s.Mean, err)
	}
	var out bytes.Buffer
	if err := modelfile.Write(&out, m); err != nil {
		t.Fatal(err)
	}
	written := out.String()
	again, err := modelfile.Read(strings.NewReader(written), nil)
	if err != nil {
		t.Fatalf("written back: %v\n%s", err, written)
	}
	if r2, err := again.Value(); err != nil || !r2.Target.Equal(r.Target) || !strings.Contains(written, `"formula": "gmv * take_rate"`) {
		t.Errorf("written back: %v, %v", r2.Target, err)
	}
}

// TestFileDriverErrors: a driver the file defines is checked when the file is read, each
// error at the JSON path of what is wrong: a formula that does not parse or names what is
// not known before it, mixes units (in a sum, a min or a max) or calls a function other
// than prev, min and max; a line in the wrong unit; a kind
// defined twice or a shipped one's; a unit or range the format does not name.
func TestFileDriverErrors(t *testing.T) {
	b, err := os.ReadFile("testdata/delivery.json")
	if err != nil {
		t.Fatal(err)
	}
	good := string(b)
	for _, c := range []struct {
		name, from, to, path string
		want                 error
	}{
		{"syntax", `"orders * aov"`, `"orders * * aov"`, "$.drivers[0].lines[2].formula", fault.ErrSyntax},
		{"unknown name", `"orders * aov"`, `"orders * price"`, "$.drivers[0].lines[2].formula", fault.ErrSpec},
		{"a later line", `"orders * aov"`, `"orders * aov + revenue"`, "$.drivers[0].lines[2].formula", fault.ErrSpec},
		{"orders plus money", `"orders * aov"`, `"orders + aov"`, "$.drivers[0].lines[2].formula", fault.ErrSpec},
		{"line in the wrong unit", `"formula": "revenue * ebitda_margin"`, `"formula": "orders * ebitda_margin"`, "$.drivers[0].lines[6].formula", fault.ErrSpec},
		{"a function", `"orders * aov"`, `"floor(orders) * aov"`, "$.drivers[0].lines[2].formula", fault.ErrSyntax},
		{"max of orders and money", `"orders * aov"`, `"max(orders, aov) * aov"`, "$.drivers[0].lines[2].formula", fault.ErrSpec},
		{"min of one", `"orders * aov"`, `"min(orders) * aov"`, "$.drivers[0].lines[2].formula", fault.ErrSyntax},
		{"min of a number and no unit", `"formula": "revenue * ebitda_margin"`, `"formula": "min(revenue * ebitda_margin, ebitda_margin, 0)"`, "$.drivers[0].lines[6].formula", fault.ErrSpec},
		{"prev of no line", `"orders * aov"`, `"prev(basket, aov) * orders"`, "$.drivers[0].lines[2].formula", fault.ErrSpec},
		{"prev with a first year in another unit", `"orders * aov"`, `"prev(gmv, orders)"`, "$.drivers[0].lines[2].formula", fault.ErrSpec},
		{"shipped kind", `"kind": "delivery"`, `"kind": "advertising"`, "$.drivers[0].kind", fault.ErrDuplicateKey},
		{"unknown unit", `"unit": "per_order"`, `"unit": "per_parcel"`, "$.drivers[0].inputs[1].unit", fault.ErrUnknownUnit},
		{"unknown range", `"range": "signed_rate"`, `"range": "any"`, "$.drivers[0].inputs[3].range", fault.ErrInvalid},
		{"a reserved name", `"name": "ebitda_margin", "title": "EBITDA margin", "unit": "fraction", "range"`, `"name": "growth", "title": "EBITDA margin", "unit": "fraction", "range"`, "$.drivers[0].inputs[3].name", fault.ErrInvalid},
		{"a name not a word", `"name": "orders", "title": "Orders", "unit": "million_orders", "range"`, `"name": "Orders/m", "title": "Orders", "unit": "million_orders", "range"`, "$.drivers[0].inputs[0].name", fault.ErrInvalid},
		{"undefined kind", `"driver": "delivery"`, `"driver": "deliveries"`, "$.plan.segments[0].driver", fault.ErrInvalid},
		{"input of the kind missing", `"orders": "1800", `, ``, `$.plan.segments[0].inputs["2025"].orders`, fault.ErrMissingField},
	} {
		if !strings.Contains(good, c.from) {
			t.Fatalf("%s: no %q", c.name, c.from)
		}
		_, err := modelfile.Read(strings.NewReader(strings.Replace(good, c.from, c.to, 1)), nil)
		var fe *fault.Error
		if !errors.Is(err, c.want) || !errors.As(err, &fe) || fe.Path != c.path {
			t.Errorf("%s: %v; want %v at %s", c.name, err, c.want, c.path)
		}
	}
}

// TestFixedPart: a part valued at an amount given, negative here (a grocery business
// losing money, taken off the sum as the report takes off new initiatives' losses):
// Deliverco's 66,000 less 6,000 over 1,000m shares is 60. It values, sweeps on the exact
// kernel (a take rate of 0.2 gives 72), runs Monte Carlo (mean 60 over a uniform rate on
// [0.1, 0.2]), prints its note, and writes back to a file that values the same.
func TestFixedPart(t *testing.T) {
	doc := withGrocery(t, `{"segment": "grocery", "method": "fixed", "value": "-6000", "note": "losses to break-even, made up"}`)
	m, err := modelfile.Read(strings.NewReader(doc), nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	if r.Target.String() != "60" || r.Parts[0].Method != "Fixed" || !strings.Contains(r.Text(), "Grocery (new): Fixed, losses to break-even, made up") {
		t.Errorf("target %s, part %+v\n%s", r.Target, r.Parts[0], r.Text())
	}
	p, err := m.Prepare(valuation.PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	q, err := p.Query([]key.Key{key.Forecast(2026, "delivery", "take_rate")}, []key.Key{key.Scalar(key.Target)})
	if err != nil || q.Exact() != nil {
		t.Fatalf("exact %v, %v", q != nil && q.Exact() == nil, err)
	}
	e, err := sensitivity.New(m, sensitivity.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	out, err := e.Eval(sensitivity.Point{{Key: key.Forecast(2026, "delivery", "take_rate"), Value: decimal.New(2, -1)}}, "target")
	if err != nil || out[0].String() != "72" {
		t.Errorf("at a 0.2 take rate: %v, %v; want 72", out, err)
	}
	s, err := e.MonteCarlo(context.Background(), sensitivity.MonteCarlo{Output: "target", Draws: 20000, Seed: 1,
		Inputs: []sensitivity.Variable{{Name: "forecast/2026/delivery/take_rate", Dist: distuv.Uniform{Min: 0.1, Max: 0.2}}}})
	if err != nil || s.Mean < 59.8 || s.Mean > 60.2 {
		t.Errorf("Monte Carlo mean %g, %v; want 60 ± 0.2", s.Mean, err)
	}
	var w bytes.Buffer
	if err := modelfile.Write(&w, m); err != nil {
		t.Fatal(err)
	}
	again, err := modelfile.Read(&w, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r2, err := again.Value(); err != nil || !r2.Target.Equal(r.Target) {
		t.Errorf("written back: %v, %v", r2.Target, err)
	}
	for name, bad := range map[string]string{
		"no value":        strings.Replace(doc, `"value": "-6000", `, ``, 1),
		"comps as well":   strings.Replace(doc, `"value": "-6000",`, `"value": "-6000", "comps": {"name": "x", "metric": "mau_2026", "companies": []},`, 1),
		"value, no fixed": strings.Replace(doc, `"method": "EV/EBITDA",`, `"method": "EV/EBITDA", "value": "1",`, 1),
	} {
		if _, err := modelfile.Read(strings.NewReader(bad), nil); err == nil {
			t.Errorf("%s: read", name)
		}
	}
	// A priced part with a fixed part's note is refused at the note, where it is.
	_, err = modelfile.Read(strings.NewReader(strings.Replace(doc, `"method": "EV/EBITDA",`, `"method": "EV/EBITDA", "note": "x",`, 1)), nil)
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Path != "$.parts[1].note" {
		t.Errorf("a note on a priced part: %v", err)
	}
	// A Multiple labelled "fixed" cannot be written: a file would read it as a fixed part.
	labelled := m
	labelled.Parts = slices.Clone(m.Parts)
	mult := labelled.Parts[1].Method.(valuation.Multiple)
	mult.Label = "fixed"
	labelled.Parts[1].Method = mult
	if err := modelfile.Write(&bytes.Buffer{}, labelled); !errors.Is(err, fault.ErrUnsupported) {
		t.Errorf("a Multiple labelled fixed: %v", err)
	}
}

// TestFileDriverLabels: an input of a file's driver that no line prints is labelled from
// the driver itself, not from a shipped driver's input of the same name (an input called
// penetration in millions once took the e-commerce driver's "Shopping penetration" and
// "%", and the what-if page sent a typed value 100 times too small).
func TestFileDriverLabels(t *testing.T) {
	b, err := os.ReadFile("testdata/delivery.json")
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(string(b), `{"name": "aov", "title": "Average order value", "unit": "per_order", "places": 2, "formula": "aov"},`, ``, 1)
	doc = strings.ReplaceAll(doc, `"aov"`, `"penetration"`)
	doc = strings.ReplaceAll(doc, `orders * aov`, `orders * penetration`)
	m, err := modelfile.Read(strings.NewReader(doc), nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Caption(key.Forecast(2026, "delivery", "penetration")); got != "2026E Food delivery: Average order value (USD per order)" {
		t.Errorf("caption %q", got)
	}
}

// TestFormulaFloor: the floor the grammar's docs show reads, a number in a min or max
// taking the unit of the rest (a review found max(revenue * ebitda_margin, 0) refused as
// a max of money and a number).
func TestFormulaFloor(t *testing.T) {
	b, err := os.ReadFile("testdata/delivery.json")
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(string(b), `"formula": "revenue * ebitda_margin"`, `"formula": "max(revenue * ebitda_margin, 0)"`, 1)
	r, err := modelfile.Value(strings.NewReader(doc), nil)
	if err != nil || r.Target.String() != "66" {
		t.Errorf("a floor at 0 that does not bind: %v, %v; want 66 as uncapped", r.Target, err)
	}
}

// TestFormulaMinMax: testdata/capped.json is delivery.json with EBITDA capped at 18% of
// revenue: min(revenue × margin, revenue × 0.18). By hand, 2026 revenue is 2,000 × 40 ×
// 0.15 = 12,000, so EBITDA is min(2,400, 2,160) = 2,160, at 15x 32,400; with advertising's
// 30,000, 62.4 a share (66 uncapped). A grid over the margin crosses the cap: 10% gives
// 1,200 (48), 15% 1,800 (57), 20% the cap (62.4), each point as Model.Value gives it,
// value and exponent, computed by the exact kernel. Monte Carlo runs over a figure outside
// the min, and over the margin, whose min the float64 program (the kernel's) takes at each draw.
func TestFormulaMinMax(t *testing.T) {
	b, err := os.ReadFile("testdata/capped.json")
	if err != nil {
		t.Fatal(err)
	}
	m, err := modelfile.Read(bytes.NewReader(b), nil)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := m.Value(); err != nil || r.Target.String() != "62.4" {
		t.Fatalf("target %v, %v; want 62.4", r.Target, err)
	}
	p, err := m.Prepare(valuation.PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The kernel computes the min itself: at each point the value and exponent of
	// Model.Value, across the cap and at it, where the tie keeps the first operand's
	// exponent (a margin of 0.180 gives revenue × 0.180, one digit longer than revenue ×
	// 0.18).
	margin, rate := key.Forecast(2026, "delivery", "ebitda_margin"), key.Forecast(2026, "delivery", "take_rate")
	q, err := p.Query([]key.Key{margin, rate}, []key.Key{key.Scalar(key.Target), key.Forecast(2026, "delivery", "ebitda")})
	if err != nil || q.Exact() != nil {
		t.Fatalf("a query of the capped margin: exact %v, %v; want the kernel", q != nil && q.Exact() == nil, err)
	}
	ev := q.Evaluator()
	for _, pt := range [][2]string{{"0.1", "0.15"}, {"0.18", "0.15"}, {"0.180", "0.15"}, {"0.1800", "0.12"}, {"0.25", "0.2"}, {"0.17999", "0.13"}} {
		vals := []decimal.Decimal{decimal.RequireFromString(pt[0]), decimal.RequireFromString(pt[1])}
		out := make([]decimal.Decimal, 2)
		if err := ev.Eval(vals, out); err != nil {
			t.Fatal(err)
		}
		at, err := p.With(valuation.Override{Key: margin, Value: vals[0]}, valuation.Override{Key: rate, Value: vals[1]})
		if err != nil {
			t.Fatal(err)
		}
		r, err := at.Value()
		if err != nil {
			t.Fatal(err)
		}
		ebitda, err := r.Lookup(key.Forecast(2026, "delivery", "ebitda"))
		if err != nil {
			t.Fatal(err)
		}
		for i, want := range []decimal.Decimal{r.Target, ebitda} {
			if !out[i].Equal(want) || out[i].Exponent() != want.Exponent() {
				t.Errorf("margin %s, take rate %s: output %d is %s (exponent %d), Model.Value %s (%d)", pt[0], pt[1], i, out[i], out[i].Exponent(), want, want.Exponent())
			}
		}
	}
	e, err := sensitivity.New(m, sensitivity.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	axis, err := sensitivity.ParseAxis("forecast/2026/delivery/ebitda_margin=0.1,0.15,0.2")
	if err != nil {
		t.Fatal(err)
	}
	g, err := e.Grid(context.Background(), []string{"target"}, axis)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"48", "57", "62.4"} {
		if got := g.Cells[i].Values[0].String(); got != want {
			t.Errorf("margin %s: target %s, want %s", axis.Values[i], got, want)
		}
	}
	s, err := e.MonteCarlo(context.Background(), sensitivity.MonteCarlo{Output: "target", Draws: 1000, Seed: 1,
		Inputs: []sensitivity.Variable{{Name: "forecast/2026/mau", Dist: distuv.Uniform{Min: 290, Max: 310}}}})
	if err != nil || s.Mean < 62.3 || s.Mean > 62.5 {
		t.Errorf("Monte Carlo over MAU: mean %g, %v; want 62.4 ± 0.1 (advertising at 100 a user moves it ±1)", s.Mean, err)
	}
	// Over the margin itself the float64 program takes the min at each draw. By
	// hand, the target is 180 × margin + 30 below the cap at 0.18 and 62.4 above it: its
	// mean over U(0.1, 0.2) is 10 × [90 m² + 30 m] from 0.1 to 0.18 + 0.2 × 62.4 = 44.16
	// + 12.48 = 56.64, its least 48 and its greatest 62.4.
	s, err = e.MonteCarlo(context.Background(), sensitivity.MonteCarlo{Output: "target", Draws: 4096, Seed: 1,
		Inputs: []sensitivity.Variable{{Name: "forecast/2026/delivery/ebitda_margin", Dist: distuv.Uniform{Min: 0.1, Max: 0.2}}}})
	if err != nil || math.Abs(s.Mean-56.64) > 0.2 || s.Min < 48 || math.Abs(s.Max-62.4) > 1e-9 {
		t.Errorf("Monte Carlo over the capped margin: mean %g, min %g, max %g, %v; want 56.64 ± 0.2, above 48, 62.4", s.Mean, s.Min, s.Max, err)
	}
}

// TestFormulaPart: a part valued by a formula of its segment's lines (valuation.Expression)
// in a model file. Deliverco's new grocery arm in 2026: 20m orders × US$50 = US$1,000m of
// GMV, 10% of it revenue, US$100m, at a −40% EBITDA margin −US$40m; at 2 × revenue +
// EBITDA = US$160m, beside the other parts' US$66,000m (TestFixedPart: 60 × 1,000m shares
// + 6,000), the target is US$66.16. The file is written back as it was read; a formula
// part without its formula, with comparables, or with a formula that does not parse,
// names no line of the segment or divides by zero is refused at its formula, one labelled
// as a multiple ("P/E") at its label, and a priced part may not carry a formula.
func TestFormulaPart(t *testing.T) {
	doc := withGrocery(t, `{"segment": "grocery", "method": "formula", "formula": "2 * revenue + ebitda", "label": "2x sales plus EBITDA", "enterprise": true}`)
	m, err := modelfile.Read(strings.NewReader(doc), nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	if p := r.Parts[0]; r.Target.String() != "66.16" || p.Value.String() != "160" || p.Method != "2x sales plus EBITDA" || !p.Enterprise {
		t.Errorf("target %s, part %+v", r.Target, p)
	}
	var w bytes.Buffer
	if err := modelfile.Write(&w, m); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.String(), `"formula": "2 * revenue + ebitda"`) {
		t.Errorf("written without its formula:\n%s", w.String())
	}
	again, err := modelfile.Read(&w, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r2, err := again.Value(); err != nil || !r2.Target.Equal(r.Target) {
		t.Errorf("written back: %v, %v", r2.Target, err)
	}
	for _, c := range []struct{ at, doc string }{
		{"$.parts[0].formula", strings.Replace(doc, `"formula": "2 * revenue + ebitda", `, ``, 1)},
		{"$.parts[0].comps", strings.Replace(doc, `"enterprise": true}`, `"enterprise": true, "comps": {"name": "x", "metric": "mau_2026", "companies": []}}`, 1)},
		{"$.parts[0].formula", strings.Replace(doc, `"2 * revenue + ebitda"`, `"2 * (revenue"`, 1)},
		{"$.parts[1].formula", strings.Replace(doc, `"method": "EV/EBITDA",`, `"method": "EV/EBITDA", "formula": "revenue",`, 1)},
		// errors of the formula's value are the formula's, whatever figure they name
		{"$.parts[0].formula", strings.Replace(doc, `"2 * revenue + ebitda"`, `"2 * revenue + bogus"`, 1)},
		{"$.parts[0].formula", strings.Replace(doc, `"2 * revenue + ebitda"`, `"revenue / (orders - orders)"`, 1)},
		{"$.parts[0].label", strings.Replace(doc, `"2x sales plus EBITDA"`, `"P/E"`, 1)},
	} {
		_, err := modelfile.Value(strings.NewReader(c.doc), nil) // read, valued, located
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Path != c.at {
			t.Errorf("%s: %v", c.at, err)
		}
	}
}

// withGrocery is testdata/delivery.json with a new grocery segment (10m orders in 2025,
// 20m in 2026, at US$50, a 10% take rate, EBITDA margins of -50% and -40%), valued first
// by part.
func withGrocery(t *testing.T, part string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/delivery.json")
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(string(b), `"segments": [`, `"segments": [
      {"name": "grocery", "title": "Grocery (new)", "driver": "delivery", "inputs": {
        "2025": {"orders": "10", "aov": "50", "take_rate": "0.1", "ebitda_margin": "-0.5"},
        "2026": {"orders": "20", "aov": "50", "take_rate": "0.1", "ebitda_margin": "-0.4"}}},`, 1)
	return strings.Replace(doc, `"parts": [`, `"parts": [
    `+part+`,`, 1)
}
