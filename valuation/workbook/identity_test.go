package workbook_test

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/workbook"
)

// cellMove is an input of the workbook a point may move: the cell (a sheet's row by
// the label it begins with, and a column), its base value, and the same move made on
// the model by hand.
type cellMove struct {
	sheet, label string
	col          int
	base         decimal.Decimal
	apply        func(m *valuation.Model, v decimal.Decimal) error
}

// currenciesMoves are the inputs of testdata/currencies.json the identity test moves:
// users, driver inputs, both FX rates (USD/HKD converts the US$ set's HK$ comparables
// and the parts; CNY/HKD the revenue the ads peers report), a premium, comparables'
// closes, the share count and the price.
func currenciesMoves(m valuation.Model) []cellMove {
	d := decimal.RequireFromString
	users := func(dau bool) func(*valuation.Model, decimal.Decimal) error {
		return func(m *valuation.Model, v decimal.Decimal) error {
			u := m.Plan.Users[2025]
			if dau {
				u.DAU = v
			} else {
				u.MAU = v
			}
			m.Plan.Users[2025] = u
			return nil
		}
	}
	input := func(seg int, metric segments.Metric) func(*valuation.Model, decimal.Decimal) error {
		return func(m *valuation.Model, v decimal.Decimal) error {
			s := m.Plan.Segments[seg]
			dr, ok := segments.With(s.Drivers[2025], metric, v)
			if !ok {
				return fmt.Errorf("%s: no input %s", s.Name, metric)
			}
			s.Drivers[2025] = dr
			return nil
		}
	}
	rate := func(from comps.Currency) func(*valuation.Model, decimal.Decimal) error {
		return func(m *valuation.Model, v decimal.Decimal) error {
			rates := m.FX.Rates()
			for i := range rates {
				if rates[i].From == from {
					rates[i].Rate = v
				}
			}
			fx, err := comps.NewFX(rates...)
			m.FX = fx
			return err
		}
	}
	comp := func(part, c int, premium bool) func(*valuation.Model, decimal.Decimal) error {
		return func(m *valuation.Model, v decimal.Decimal) error {
			mm := m.Parts[part].Method.(valuation.Multiple)
			mm.Comps = mm.Comps.Clone()
			if premium {
				mm.Comps.Premium = v
			} else {
				mm.Comps.Companies[c].Close = v
			}
			m.Parts[part].Method = mm
			return nil
		}
	}
	live := m.Parts[0].Method.(valuation.Multiple).Comps.Companies
	return []cellMove{
		{workbook.Inputs, "MAU (m)", 2, d("600"), users(false)},
		{workbook.Inputs, "DAU (m)", 2, d("350"), users(true)},
		{workbook.Inputs, "Live streaming: paying_ratio", 2, d("0.1"), input(0, "paying_ratio")},
		{workbook.Inputs, "Live streaming: monthly_arppu", 2, d("60"), input(0, "monthly_arppu")},
		{workbook.Inputs, "Advertising: revenue_per_dau", 2, d("120"), input(1, "revenue_per_dau")},
		{workbook.Inputs, "FX: HKD per USD", 2, d("7.8"), rate(comps.USD)},
		{workbook.Inputs, "FX: HKD per CNY", 2, d("1.085"), rate(comps.CNY)},
		{workbook.Inputs, "Premium on the peers: Live streaming", 2, d("0"), comp(0, 0, true)},
		{workbook.Comps, "STR1", 4, live[0].Close, comp(0, 0, false)},
		{workbook.Comps, "STR2", 4, live[1].Close, comp(0, 1, false)},
		{workbook.Inputs, "Shares (m)", 2, d("5000"), func(m *valuation.Model, v decimal.Decimal) error { m.Shares = v; return nil }},
		{workbook.Inputs, "Price (HKD)", 2, d("60"), func(m *valuation.Model, v decimal.Decimal) error { m.Price = v; return nil }},
	}
}

// TestWorkbookIdentity writes testdata/currencies.json's workbook once, sets 20 random
// points in its cells (one to three inputs each, FX rates and comparables' closes among
// them, each within 30% of its base to four places or fewer), has one LibreOffice
// process recalculate the 20 books, and finds each part's value, the sum and the target
// as sotp values the model moved by hand, to 1e-9 relative (the book shows two places).
func TestWorkbookIdentity(t *testing.T) {
	m, base := load(t, filepath.Join("testdata", "currencies.json"))
	moves := currenciesMoves(m)
	dir := t.TempDir()
	book := writeBook(t, m, filepath.Join(dir, "base.xlsx"))
	r := rand.New(rand.NewPCG(25, 20))
	var paths []string
	var wants []valuation.Result
	fx, closes := 0, 0
	for i := range 20 {
		f := open(t, book)
		mm := m.Clone()
		for _, j := range r.Perm(len(moves))[:1+r.IntN(3)] {
			mv := moves[j]
			v := mv.base.Mul(decimal.NewFromFloat(0.7 + 0.6*r.Float64())).Round(int32(1 + r.IntN(4)))
			if mv.base.IsZero() { // the premium: a discount or premium of up to 30%
				v = decimal.NewFromFloat(0.6*r.Float64() - 0.3).Round(2)
			}
			setCell(t, f, mv.sheet, mv.label, mv.col, v.InexactFloat64())
			if err := mv.apply(&mm, v); err != nil {
				t.Fatal(err)
			}
			switch mv.sheet + mv.label[:2] {
			case workbook.Inputs + "FX":
				fx++
			case workbook.Comps + "ST":
				closes++
			}
		}
		want, err := mm.Value()
		if err != nil {
			t.Fatalf("point %d: %v", i, err)
		}
		wants = append(wants, want)
		paths = append(paths, save(t, f, filepath.Join(dir, fmt.Sprintf("p%02d.xlsx", i))))
	}
	if fx < 3 || closes < 3 {
		t.Fatalf("%d moves of an FX rate and %d of a close: the draw should hold more", fx, closes)
	}
	recalcAll(t, paths...)
	moved := 0
	for i, path := range paths {
		rows := sheetCSV(t, path, workbook.SOTP)
		for _, pv := range wants[i].Parts {
			near(t, fmt.Sprintf("point %d %s", i, pv.Segment), value(t, rows, pv.Title), pv.Value)
		}
		near(t, fmt.Sprintf("point %d sum", i), value(t, rows, "Sum"), wants[i].Sum)
		target := value(t, rows, "Target per share")
		near(t, fmt.Sprintf("point %d target", i), target, wants[i].Target)
		if target != base.Target.InexactFloat64() {
			moved++
		}
	}
	if moved < 15 {
		t.Errorf("%d of 20 recalculated targets moved from the base: the cells set were not the inputs", moved)
	}
	t.Logf("20 books recalculated, %d moves of an FX rate and %d of a comparable's close among their points", fx, closes)
}
