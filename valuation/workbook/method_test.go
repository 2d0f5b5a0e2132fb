package workbook_test

// A new part method, added here and nowhere else, valued by all four of sotp's paths: the
// decimal valuation, the exact kernel of a query, the float64 program of a Monte Carlo run
// and the workbook recalculated by LibreOffice. It is written as data (an Expression), so
// no path needs code for it.

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/key"
	"github.com/sotpkit/sotp/valuation/sensitivity"
	"github.com/sotpkit/sotp/valuation/workbook"
)

// salesLessUsers is the new method: a business at 2.5 × its revenue less a cost of
// 0.1 a daily user, as some notes value an advertising arm whose users cost to serve.
func salesLessUsers(t testing.TB) valuation.Method {
	var f segments.Formula
	if err := f.UnmarshalText([]byte("2.5 * revenue - 0.1 * dau")); err != nil {
		t.Fatal(err)
	}
	return valuation.Expression{Label: "2.5x sales less users", Formula: f, Enterprise: true}
}

// pointMass is a distribution of one value: a Monte Carlo run of it evaluates the float64
// program at that value.
type pointMass float64

func (p pointMass) CDF(x float64) float64 {
	if x < float64(p) {
		return 0
	}
	return 1
}

func (p pointMass) Quantile(float64) float64 { return float64(p) }

// TestNewMethodEverywhere values testdata/currencies.json with its ads part priced by
// salesLessUsers. By hand: 350m DAU × CN¥120 = CN¥42,000m of revenue; 2.5 × 42,000 −
// 0.1 × 350 = CN¥104,965m, at HK$1.085 a yuan HK$113,887.025m. Then at five points
// moving DAU, revenue per DAU and CNY/HKD: the exact kernel (no point left to the
// decimal path), the float64 program (to 1e-12) and the workbook's cells recalculated by
// LibreOffice (to 1e-9) all give the part's value and the target the decimal valuation
// gives.
func TestNewMethodEverywhere(t *testing.T) {
	m, _ := load(t, filepath.Join("testdata", "currencies.json"))
	m.Parts[1].Method = salesLessUsers(t)
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Parts[1].Value; !got.Equal(decimal.RequireFromString("113887.025")) {
		t.Fatalf("decimal: ads %s, want 113887.025 by hand", got)
	}
	p, err := m.Prepare(valuation.PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	moves := []key.Key{key.Forecast(2025, "", "dau"), key.Forecast(2025, "ads", "revenue_per_dau"), key.FX("CNY", "HKD")}
	outputs := []key.Key{key.Part("ads", "value"), key.Scalar(key.Target)}
	q, err := p.Query(moves, outputs)
	if err != nil {
		t.Fatal(err)
	}
	ev := q.Evaluator()
	engine, err := sensitivity.New(m, sensitivity.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	book := writeBook(t, m, filepath.Join(dir, "base.xlsx"))
	points := [][3]string{{"300", "100", "1.05"}, {"350", "140.5", "1.1"}, {"200", "90", "1.085"}, {"420", "75.25", "0.98"}, {"350", "120", "1.2"}}
	var paths []string
	var wants []valuation.Result
	for i, pt := range points {
		vals := []decimal.Decimal{decimal.RequireFromString(pt[0]), decimal.RequireFromString(pt[1]), decimal.RequireFromString(pt[2])}
		set := make([]valuation.Override, len(moves))
		for j := range moves {
			set[j] = valuation.Override{Key: moves[j], Value: vals[j]}
		}
		want, err := p.Value(set...) // the decimal path
		if err != nil {
			t.Fatal(err)
		}
		wants = append(wants, want)
		out := make([]decimal.Decimal, len(outputs))
		if err := ev.Eval(vals, out); err != nil || !out[0].Equal(want.Parts[1].Value) || !out[1].Equal(want.Target) {
			t.Errorf("point %d, kernel: ads %s, target %s (%v); decimal %s, %s", i, out[0], out[1], err, want.Parts[1].Value, want.Target)
		}
		var inputs []sensitivity.Variable
		for j, k := range moves {
			inputs = append(inputs, sensitivity.Variable{Name: k.String(), Dist: pointMass(vals[j].InexactFloat64())})
		}
		s, err := engine.MonteCarlo(context.Background(), sensitivity.MonteCarlo{Output: "part/ads/value", Inputs: inputs, Draws: 4, Seed: 1})
		if w := want.Parts[1].Value.InexactFloat64(); err != nil || math.Abs(s.Mean-w) > 1e-12*math.Abs(w) {
			t.Errorf("point %d, float64: ads %v (%v); decimal %v", i, s.Mean, err, w)
		}
		f := open(t, book)
		setCell(t, f, workbook.Inputs, "DAU (m)", 2, vals[0].InexactFloat64())
		setCell(t, f, workbook.Inputs, "Advertising: revenue_per_dau", 2, vals[1].InexactFloat64())
		setCell(t, f, workbook.Inputs, "FX: HKD per CNY", 2, vals[2].InexactFloat64())
		paths = append(paths, save(t, f, filepath.Join(dir, fmt.Sprintf("p%d.xlsx", i))))
	}
	if q.Exact() != nil || ev.Fallbacks() != 0 {
		t.Errorf("kernel: %v, %d points left to the decimal path", q.Exact(), ev.Fallbacks())
	}
	recalcAll(t, paths...)
	for i, path := range paths {
		rows := sheetCSV(t, path, workbook.SOTP)
		near(t, fmt.Sprintf("point %d, workbook: ads", i), value(t, rows, "Advertising"), wants[i].Parts[1].Value)
		near(t, fmt.Sprintf("point %d, workbook: target", i), value(t, rows, "Target per share"), wants[i].Target)
	}
}

// TestExpressionOwnUsers: a formula part reading the segment's own users ("users") is
// written with the cell of the users the segment counts (its MAU here) and recalculates
// to sotp's value; a review found the workbook refused it.
func TestExpressionOwnUsers(t *testing.T) {
	m, _ := load(t, filepath.Join("testdata", "currencies.json"))
	var f segments.Formula
	if err := f.UnmarshalText([]byte("users * 10 + revenue")); err != nil {
		t.Fatal(err)
	}
	m.Parts[1].Method = valuation.Expression{Formula: f}
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "book.xlsx")
	writeBook(t, m, path)
	near(t, "ads", value(t, recalc(t, path), "Advertising"), r.Parts[1].Value)
}
