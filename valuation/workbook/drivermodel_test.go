package workbook_test

import (
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/workbook"
)

// formulaOf reads a driver formula, failing t on an error.
func formulaOf(t *testing.T, text string) segments.Formula {
	t.Helper()
	var f segments.Formula
	if err := f.UnmarshalText([]byte(text)); err != nil {
		t.Fatal(err)
	}
	return f
}

// matureCloud is growth.json's cloud segment as a mature business from 2026: a model of
// its own that shows the margin, grows revenue from the year before (a line of the
// other model), and adds a free cash flow after capex.
func matureCloud(t *testing.T) segments.Spec {
	t.Helper()
	formula := func(text string) segments.Formula { return formulaOf(t, text) }
	return segments.Spec{
		Kind: "mature_cloud",
		Inputs: []segments.Input{
			{Metric: "revenue_growth", Label: "Revenue growth", Unit: segments.Fraction, Range: segments.SignedRate},
			{Metric: "ebitda_margin", Label: "EBITDA margin", Unit: segments.Fraction, Range: segments.SignedRate},
			{Metric: "capex_ratio", Label: "Capex / EBITDA", Unit: segments.Fraction, Range: segments.UnitRate},
		},
		Lines: []segments.LineSpec{
			{Metric: "margin", Label: "EBITDA margin", Unit: segments.Fraction, Formula: formula("ebitda_margin")},
			{Metric: "revenue", Label: "Revenue", Unit: segments.Millions, Formula: formula("prev(revenue, 0) * (1 + revenue_growth)")},
			{Metric: "ebitda", Label: "EBITDA", Unit: segments.Millions, Formula: formula("revenue * margin")},
			{Metric: "fcf", Label: "Free cash flow", Unit: segments.Millions, Formula: formula("ebitda * (1 - capex_ratio)")},
		},
	}
}

// TestDriverModelChangeRecalculated: growth.json's cloud changes driver model in 2026
// (matureCloud). By hand: revenue 1,000 grows 10% and 20% to 1,320 in 2025 under the
// first model, and 10% to 1,452 in 2026 under the second, whose prev reads the first's
// line; EBITDA 1,452 × 0.2 = 290.4, free cash flow 290.4 × (1 − 0.3) = 203.28; at the
// peer's 20x EBITDA the part is 5,808, with advertising's 90m DAU at 100 (9,000) a
// target of 14.808 on 1,000m shares. The workbook has a row for every line of both
// models, blank in the years a model does not have it; recalculated by LibreOffice each
// line, the parts and the target are sotp's, and with 2025's growth set to 30% and
// 2026's margin to 25% in the Inputs sheet the target is Engine.Eval's.
func TestDriverModelChangeRecalculated(t *testing.T) {
	m, _ := load(t, filepath.Join("..", "modelfile", "testdata", "growth.json"))
	m = m.Clone()
	s := &m.Plan.Segments[0]
	s.Drivers = maps.Clone(s.Drivers)
	old := s.Drivers[2026]
	in := map[segments.Metric]decimal.Decimal{}
	for i, x := range old.Spec().Inputs {
		in[x.Metric] = old.Values()[i]
	}
	s.Drivers[2026] = segments.Generic{Model: matureCloud(t), In: []decimal.Decimal{in["revenue_growth"], in["ebitda_margin"], decimal.RequireFromString("0.3")}}
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	byHand := map[string]string{"revenue 2026": "1452", "ebitda 2026": "290.4", "fcf 2026": "203.28", "ebitda 2025": "198", "target": "14.808"}
	figure := func(name string) decimal.Decimal {
		t.Helper()
		if name == "target" {
			return r.Target
		}
		f := strings.Fields(name)
		y, _ := strconv.Atoi(f[1])
		v, err := r.Forecast.Figure(y, "cloud", segments.Metric(f[0]))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for name, want := range byHand {
		if got := figure(name); !got.Equal(decimal.RequireFromString(want)) {
			t.Errorf("sotp's %s: %s, want %s by hand", name, got, want)
		}
	}

	dir := t.TempDir()
	b, rows := recalcParts(t, m, r, dir)
	near(t, "target", value(t, rows, "Target per share"), r.Target)
	forecast := sheetCSV(t, filepath.Join(dir, "book.xlsx"), workbook.Forecast)
	lines := map[string]string{"  Revenue (m)": "revenue", "  EBITDA (m)": "ebitda", "  Free cash flow (m)": "fcf"}
	cloud, seen := false, 0
	for _, row := range forecast {
		if len(row) == 0 {
			continue
		}
		if !strings.HasPrefix(row[0], "  ") {
			cloud = row[0] == "Cloud"
			continue
		}
		metric, ok := lines[row[0]]
		if !cloud || !ok {
			continue
		}
		seen++
		for j, y := range m.Plan.Years {
			col := slices.Index(forecast[0], strconv.Itoa(y))
			want, err := r.Forecast.Figure(y, "cloud", segments.Metric(metric))
			if err != nil { // fcf before 2026: the first model has no such line
				if col < len(row) && row[col] != "" {
					t.Errorf("cloud %s %d: %q, want blank: the year's model has no such line", metric, y, row[col])
				}
				continue
			}
			if col < 0 || col >= len(row) {
				t.Fatalf("cloud %s: no column %d (%d) in %q", metric, y, j, row)
			}
			got, err := strconv.ParseFloat(strings.ReplaceAll(row[col], ",", ""), 64)
			if err != nil {
				t.Fatalf("cloud %s %d: %q: %v", metric, y, row[col], err)
			}
			near(t, "cloud "+metric+" "+strconv.Itoa(y), got, want)
		}
	}
	if seen != len(lines) {
		t.Errorf("%d of the cloud's %d lines found on the Forecast sheet: %q", seen, len(lines), forecast)
	}

	f := open(t, b)
	setCell(t, f, workbook.Inputs, "Cloud: revenue_growth", 3, 0.3)
	setCell(t, f, workbook.Inputs, "Cloud: ebitda_margin", 4, 0.25)
	moved := recalc(t, save(t, f, filepath.Join(dir, "moved.xlsx")))
	near(t, "target at 2025 growth 30%, 2026 margin 25%", value(t, moved, "Target per share"),
		eval(t, m, "target", "forecast/2025/cloud/revenue_growth", "0.3", "forecast/2026/cloud/ebitda_margin", "0.25"))
}

// TestShadowedEchoRecalculated: growth.json's cloud in 2026 on a model whose line
// ebitda_margin (named like the input) halves the input, and whose line margin is the
// formula "ebitda_margin": segments.Plan.Forecast reads the line worked out so far
// (0.1), not the input (0.2), so EBITDA is 1,452 × 0.1 = 145.2 and the part 2,904 at 20x
// (a target of 11.904). The workbook read the input there (a target of 14.808).
func TestShadowedEchoRecalculated(t *testing.T) {
	m, _ := load(t, filepath.Join("..", "modelfile", "testdata", "growth.json"))
	m = m.Clone()
	s := &m.Plan.Segments[0]
	s.Drivers = maps.Clone(s.Drivers)
	formula := func(text string) segments.Formula { return formulaOf(t, text) }
	spec := segments.Spec{
		Kind: "shadowing",
		Inputs: []segments.Input{
			{Metric: "revenue_growth", Label: "Revenue growth", Unit: segments.Fraction, Range: segments.SignedRate},
			{Metric: "ebitda_margin", Label: "EBITDA margin", Unit: segments.Fraction, Range: segments.SignedRate},
		},
		Lines: []segments.LineSpec{
			{Metric: "ebitda_margin", Label: "Adjusted margin", Unit: segments.Fraction, Formula: formula("ebitda_margin * 0.5")},
			{Metric: "margin", Label: "Margin shown", Unit: segments.Fraction, Formula: formula("ebitda_margin")},
			{Metric: "revenue", Label: "Revenue", Unit: segments.Millions, Formula: formula("prev(revenue, 0) * (1 + revenue_growth)")},
			{Metric: "ebitda", Label: "EBITDA", Unit: segments.Millions, Formula: formula("revenue * margin")},
		},
	}
	s.Drivers[2026] = segments.Generic{Model: spec, In: []decimal.Decimal{decimal.RequireFromString("0.1"), decimal.RequireFromString("0.2")}}
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := r.Forecast.Figure(2026, "cloud", "ebitda"); !got.Equal(decimal.RequireFromString("145.2")) || !r.Target.Equal(decimal.RequireFromString("11.904")) {
		t.Fatalf("sotp's 2026 EBITDA %s and target %s, want 145.2 and 11.904 by hand", got, r.Target)
	}
	_, rows := recalcParts(t, m, r, t.TempDir())
	near(t, "target", value(t, rows, "Target per share"), r.Target)
}

// TestSegmentNamedGroup: the report's model with its e-commerce segment named "group".
// The workbook kept the group's revenue under the key of that segment's revenue line,
// so the P&L sheet's revenue, the segments' summed, counted the group's in it (2021: CNY
// 172,812m in place of 89,913m). Recalculated by LibreOffice the P&L's revenue and net
// profit are sotp's every year.
func TestSegmentNamedGroup(t *testing.T) {
	m := kuaishou2021.Model().Clone()
	m.Plan.Segments = slices.Clone(m.Plan.Segments)
	m.Parts = slices.Clone(m.Parts)
	m.Plan.Segments[2].Name, m.Parts[2].Segment = "group", "group"
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "group.xlsx")
	writeBook(t, m, path)
	if n := pnlAgrees(t, m, r, recalcSheet(t, path, workbook.PnL)); n != 2*len(m.Plan.Years) {
		t.Errorf("%d figures of the P&L sheet checked", n)
	}
}
