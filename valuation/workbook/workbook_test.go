package workbook_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/testkit"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/modelfile"
	"github.com/sotpkit/sotp/valuation/sensitivity"
	"github.com/sotpkit/sotp/valuation/workbook"
)

// recalc has LibreOffice load the workbook at path, recalculate it, and write each sheet
// as CSV at full precision; it returns the SOTP sheet's cells.
func recalc(t *testing.T, path string) [][]string {
	t.Helper()
	return recalcSheet(t, path, workbook.SOTP)
}

// recalcSheet is recalc returning the cells of the named sheet.
func recalcSheet(t *testing.T, path, sheet string) [][]string {
	t.Helper()
	recalcAll(t, path)
	return sheetCSV(t, path, sheet)
}

// recalcAll has one LibreOffice process load each workbook at paths (all in one
// directory), recalculate it and write each of its sheets as CSV at full precision
// beside it, for sheetCSV to read.
func recalcAll(t *testing.T, paths ...string) {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("LibreOffice (soffice) is not installed; .ci/run installs libreoffice-calc-nogui")
		}
		t.Skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui to run the recalculation test")
	}
	dir := filepath.Dir(paths[0])
	// The workbook carries cached values; a test that moves an input with excelize leaves
	// them stale, and LibreOffice by default trusts an xlsx file's cached values on load.
	// Its profile is set to recalculate every formula on load, as the test means it to.
	user := filepath.Join(dir, "profile", "user")
	if err := os.MkdirAll(user, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(user, "registrymodifications.xcu"), []byte(alwaysRecalc), 0o644); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"-env:UserInstallation=file://" + filepath.Join(dir, "profile"), "--headless",
		"--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", "--outdir", dir}, paths...)
	if out, err := exec.Command(soffice, args...).CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
}

// sheetCSV reads the CSV of the named sheet that recalcSheet had LibreOffice write
// beside the workbook at path (it writes every sheet's).
func sheetCSV(t *testing.T, path, sheet string) [][]string {
	t.Helper()
	base := strings.TrimSuffix(filepath.Base(path), ".xlsx")
	f, err := os.Open(filepath.Join(filepath.Dir(path), base+"-"+sheet+".csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// alwaysRecalc is a LibreOffice profile setting: recalculate xlsx files on load, always.
const alwaysRecalc = `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
`

// value returns the number in column F of the SOTP row labelled label.
func value(t *testing.T, rows [][]string, label string) float64 {
	t.Helper()
	for _, r := range rows {
		if len(r) >= 6 && strings.HasPrefix(r[0], label) {
			v, err := strconv.ParseFloat(r[5], 64)
			if err != nil {
				t.Fatalf("%s: %q: %v", label, r[5], err)
			}
			return v
		}
	}
	t.Fatalf("no row %q", label)
	return 0
}

func near(t *testing.T, what string, got float64, want decimal.Decimal) {
	t.Helper()
	w := want.InexactFloat64()
	if math.Abs(got-w) > 1e-9*math.Abs(w) {
		t.Errorf("%s: LibreOffice %.12g, sotp %.12g", what, got, w)
	}
}

// TestPnLRecalculated: the P&L sheet, recalculated by LibreOffice, gives each year's
// revenue, every line, cost of sales, gross profit and margin, net profit, EPS, BVPS and
// the multiples at the price to 1e-9 relative of sotp's (Table 10's model), and "n/a"
// where sotp has no multiple (a loss, negative equity).
func TestPnLRecalculated(t *testing.T) {
	m := kuaishou2021.Model()
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "kuaishou.xlsx")
	writeBook(t, m, path)
	rows := recalcSheet(t, path, workbook.PnL)
	col := map[string]int{}
	for j, y := range rows[0][1:] {
		col[y] = j + 1
	}
	byLabel := map[string][]string{}
	for _, row := range rows[1:] {
		byLabel[row[0]] = row
	}
	labels := map[string]string{"revenue": "Revenue", "cost_of_sales": "Total cost of sales", "gross_profit": "Gross profit",
		"gross_margin": "Gross margin", "net_profit": "Net profit", "shares": "Shares (m)", "eps": "EPS (CNY)", "bvps": "BVPS (CNY)",
		"pe": "P/E", "pb": "P/B", "ps": "P/S"}
	for _, l := range m.Earnings.Lines {
		labels["line/"+l.Name] = l.Label
	}
	checked := 0
	for _, y := range m.Plan.Years {
		for field, label := range labels {
			row, ok := byLabel[label]
			if !ok {
				t.Fatalf("no row %q", label)
			}
			got := strings.TrimSuffix(row[col[strconv.Itoa(y)]], "%")
			want, err := r.Figure("pnl/" + strconv.Itoa(y) + "/" + field)
			if err != nil { // no multiple: a loss or negative equity
				if got != "n/a" {
					t.Errorf("%s %d: %q, want n/a (%v)", label, y, got, err)
				}
				continue
			}
			v, err := strconv.ParseFloat(got, 64)
			if err != nil {
				t.Fatalf("%s %d: %q", label, y, got)
			}
			if strings.HasSuffix(row[col[strconv.Itoa(y)]], "%") {
				v /= 100
			}
			near(t, label+" "+strconv.Itoa(y), v, want)
			checked++
		}
	}
	if checked < 60 {
		t.Errorf("%d figures checked", checked)
	}
}

// TestRecalculatedByLibreOffice: the Kuaishou workbook, recalculated by LibreOffice, gives
// sotp's parts, sum and target to 1e-9 relative, the target printing as the report's
// HK$404.6 (Table 14); with 2021E MAU set to 500, 600 and 650 in the workbook, its target
// is Engine.Eval's at those points.
func TestRecalculatedByLibreOffice(t *testing.T) {
	m := kuaishou2021.Model()
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	b, rows := recalcParts(t, m, r, dir)
	near(t, "sum", value(t, rows, "Sum"), r.Sum)
	target := value(t, rows, "Target per share")
	near(t, "target", target, r.Target)
	if got := strconv.FormatFloat(target, 'f', 1, 64); got != "404.6" {
		t.Errorf("target prints %s, want 404.6 (Table 14)", got)
	}
	for _, r := range rows {
		if len(r) >= 6 && r[0] == "Rating" && r[5] != "Buy" {
			t.Errorf("rating %q, want Buy (Table 14: 26.8%% upside)", r[5])
		}
	}
	e, err := sensitivity.New(m, sensitivity.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, mau := range []string{"500", "600", "650"} {
		f, err := excelize.OpenReader(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		var at string
		for _, n := range f.GetDefinedName() {
			if n.Name == "MAU_2021" {
				at = n.RefersTo
			}
		}
		sheet, coord, _ := strings.Cut(strings.ReplaceAll(at, "$", ""), "!")
		if err := f.SetCellValue(sheet, coord, decimal.RequireFromString(mau).InexactFloat64()); err != nil {
			t.Fatal(err)
		}
		moved := filepath.Join(dir, "mau"+mau+".xlsx")
		if err := f.SaveAs(moved); err != nil {
			t.Fatal(err)
		}
		want, err := e.Eval(sensitivity.Point{testkit.Set(t, "forecast/2021/mau", decimal.RequireFromString(mau))}, "target")
		if err != nil {
			t.Fatal(err)
		}
		near(t, "target at MAU "+mau, value(t, recalc(t, moved), "Target per share"), want[0])
	}
}

// otherMethod is a method the workbook cannot write as formulas.
type otherMethod struct{ valuation.Multiple }

// TestTextStaysText: a name beginning with a formula character is written as text, never
// as a formula; a method the workbook cannot express is fault.ErrUnsupported.
func TestTextStaysText(t *testing.T) {
	m := kuaishou2021.Model().Clone()
	m.Plan.Segments[0].Title = "=HYPERLINK(\"http://x\")"
	var b bytes.Buffer
	if err := workbook.Write(&b, m, workbook.Extras{}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(workbook.SOTP)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for i, r := range rows {
		if len(r) > 0 && r[0] == m.Plan.Segments[0].Title {
			found = true
			if formula, _ := f.GetCellFormula(workbook.SOTP, "A"+strconv.Itoa(i+1)); formula != "" {
				t.Errorf("the title became a formula: %q", formula)
			}
		}
	}
	if !found {
		t.Error("the title is not written as text")
	}
	m = kuaishou2021.Model().Clone()
	m.Parts[0].Method = otherMethod{m.Parts[0].Method.(valuation.Multiple)}
	if err := workbook.Write(&bytes.Buffer{}, m, workbook.Extras{}); !errors.Is(err, fault.ErrUnsupported) {
		t.Errorf("a method of another type: %v, want fault.ErrUnsupported", err)
	}
}

// BenchmarkWriteKuaishou writes the Kuaishou workbook.
func BenchmarkWriteKuaishou(b *testing.B) {
	m := kuaishou2021.Model()
	b.ReportAllocs()
	for b.Loop() {
		if err := workbook.Write(io.Discard, m, workbook.Extras{}); err != nil {
			b.Fatal(err)
		}
	}
}

// reportAxes are the report's model, its sensitivity engine, and two axes of three
// points around the base: 2021E MAU ±10% and the e-commerce premium ±50%.
func reportAxes(t *testing.T) (valuation.Model, *sensitivity.Engine, sensitivity.Axis, sensitivity.Axis) {
	t.Helper()
	m := kuaishou2021.Model()
	e, err := sensitivity.New(m, sensitivity.Options{})
	if err != nil {
		t.Fatal(err)
	}
	mau, err := e.Around("forecast/2021/mau", decimal.New(1, -1), 3)
	if err != nil {
		t.Fatal(err)
	}
	prem, err := e.Around("part/ecommerce/premium", decimal.New(5, -1), 3)
	if err != nil {
		t.Fatal(err)
	}
	return m, e, mau, prem
}

// TestExtras: the sheets of values a caller adds hold the grid, the tornado and the
// reconciliation as sotp computed them.
func TestExtras(t *testing.T) {
	m, e, mau, prem := reportAxes(t)
	g, err := e.Grid(context.Background(), []string{"target"}, mau, prem)
	if err != nil {
		t.Fatal(err)
	}
	sw, err := e.Swings(decimal.New(1, -1), "shares")
	if err != nil {
		t.Fatal(err)
	}
	tor, err := e.Tornado(context.Background(), "target", sw...)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := e.Scenarios(context.Background(), []string{"target"}, valuation.Scenario{Name: "bull", Set: []valuation.Override{testkit.Set(t, "shares", decimal.NewFromInt(4000))}})
	if err != nil {
		t.Fatal(err)
	}
	uni := sensitivity.Uniforms(sw)
	sob, err := e.Sobol(context.Background(), sensitivity.Sobol{Outputs: []string{"target"}, Inputs: uni, Samples: 256, Sampling: sensitivity.QuasiRandom, Replicates: 1})
	if err != nil {
		t.Fatal(err)
	}
	mor, err := e.Morris(context.Background(), sensitivity.Morris{Outputs: []string{"target"}, Inputs: uni})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	x := workbook.Extras{Grids: []workbook.GridSheet{{Grid: g, Output: "target"}}, Tornados: []sensitivity.Tornado{tor}, Printed: kuaishou2021.Figures(),
		Scenarios: []sensitivity.Comparison{sc}, MonteCarlos: []sensitivity.Summary{{Output: "target", Draws: 2, Valid: 2, Mean: math.NaN()}},
		Sobols: sob, Screenings: mor}
	if err := workbook.Write(&b, m, x); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	// The base cell, the middle of the 3 × 3 grid, is the report's target.
	v, err := f.GetCellValue("Grid 1", "C5", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := strconv.ParseFloat(v, 64); strconv.FormatFloat(got, 'f', 1, 64) != "404.6" {
		t.Errorf("grid base cell %s, want 404.6", v)
	}
	rows, err := f.GetRows("Reconciliation")
	if err != nil {
		t.Fatal(err)
	}
	ok := 0
	for _, r := range rows[2:] { // under the static sheet's note and the header
		if r[5] == "ok" {
			ok++
		}
	}
	if ok != 274 || len(rows) != 2+274+2 { // the README's 274 matches and 2 listed exceptions
		t.Errorf("reconciliation sheet: %d ok of %d rows, want 274 of 276", ok, len(rows)-2)
	}
	// Each sheet of values says in its first row that it does not recalculate.
	for _, sh := range []string{"Grid 1", "Tornado 1", "Scenarios 1", "Monte Carlo 1", "Sobol 1", "Morris 1", "Reconciliation"} {
		if v, err := f.GetCellValue(sh, "A1"); err != nil || !strings.Contains(v, "do not recalculate") {
			t.Errorf("%s: first row %q, %v", sh, v, err)
		}
	}
	if v, _ := f.GetCellValue("Monte Carlo 1", "B5"); v != "n/a" {
		t.Errorf("a NaN mean is written %q, want n/a", v)
	}
	// Shares alone move the target over a Sobol run of shares: its first-order index is
	// 1 up to the estimator's error, and one scramble leaves no interval (n/a).
	if v, _ := f.GetCellValue("Sobol 1", "A8"); v != "Shares (m)" {
		t.Errorf("Sobol sheet's first input %q, want Shares (m), shares by its title and unit", v)
	}
	if v, _ := f.GetCellValue("Sobol 1", "C8", excelize.Options{RawCellValue: true}); v == "" || v == "n/a" {
		t.Errorf("Sobol sheet's first-order index %q", v)
	} else if got, _ := strconv.ParseFloat(v, 64); math.Abs(got-1) > 0.01 {
		t.Errorf("Sobol sheet's first-order index of shares %v, want 1 within 0.01", got)
	}
	if v, _ := f.GetCellValue("Sobol 1", "D8"); v != "n/a" {
		t.Errorf("Sobol sheet's interval of one scramble %q, want n/a", v)
	}
	if v, _ := f.GetCellValue("Morris 1", "A6"); v != "Shares (m)" {
		t.Errorf("Morris sheet's first input %q, want Shares (m)", v)
	}
	// Figures and assumptions are named by title and unit, as in the charts.
	for sh, want := range map[string]string{"Tornado 1": "Tornado: Target price (HK$)", "Grid 1": "Target price (HK$) by 2021E MAU (m) (rows) × ",
		"Monte Carlo 1": "Monte Carlo: Target price (HK$)"} {
		if v, _ := f.GetCellValue(sh, "A2"); !strings.HasPrefix(v, want) {
			t.Errorf("%s titled %q, want it to begin %q", sh, v, want)
		}
	}
	if err := workbook.Write(&bytes.Buffer{}, m, workbook.Extras{Grids: []workbook.GridSheet{{Grid: g, Output: "sum"}}}); !errors.Is(err, fault.ErrUnsupported) {
		t.Errorf("a grid sheet of an output the grid lacks: %v", err)
	}
}

// recalcParts writes m's workbook into dir, has LibreOffice recalculate its SOTP sheet
// and holds each part's value to r's; it returns the workbook and the sheet's rows.
func recalcParts(t *testing.T, m valuation.Model, r valuation.Result, dir string) (*bytes.Buffer, [][]string) {
	t.Helper()
	path := filepath.Join(dir, "book.xlsx")
	b := writeBook(t, m, path)
	rows := recalc(t, path)
	for _, pv := range r.Parts {
		near(t, pv.Segment, value(t, rows, pv.Title), pv.Value)
	}
	return b, rows
}

// TestFileDriverRecalculated: a driver model the model file defines (Deliverco's food
// delivery: orders × average order value × take rate, an EBITDA margin, priced at
// EV/EBITDA) is written as formulas like a shipped one: recalculated by LibreOffice, the
// parts, sum and target are sotp's to 1e-9 relative (66.0 by hand: EBITDA 2,000 × 40 ×
// 0.15 × 0.2 = 2,400 at 15x is 36,000; advertising 300m MAU at 100 is 30,000; over
// 1,000m shares); and with the 2026 take rate set to 0.2 in the workbook's Inputs sheet
// the target is 78.0, as Engine.Eval gives it (EBITDA 3,200 at 15x is 48,000).
func TestFileDriverRecalculated(t *testing.T) {
	m, r := load(t, filepath.Join("..", "modelfile", "testdata", "delivery.json"))
	dir := t.TempDir()
	b, rows := recalcParts(t, m, r, dir)
	near(t, "target", value(t, rows, "Target per share"), r.Target)
	// The Forecast sheet totals the segments' revenue: 12,000 + 3,000 in 2026.
	forecast := recalcSheet(t, filepath.Join(dir, "book.xlsx"), workbook.Forecast)
	var group []string
	for _, row := range forecast {
		if len(row) > 0 && row[0] == "Group revenue (USD m)" {
			group = row
		}
	}
	if col := slices.Index(forecast[0], "2026"); col < 0 || col >= len(group) || strings.ReplaceAll(group[col], ",", "") != "15000.0" && strings.ReplaceAll(group[col], ",", "") != "15000" {
		t.Errorf("group revenue row %q under %q, want 15,000 in 2026", group, forecast[0])
	}
	if !r.Target.Equal(decimal.NewFromInt(66)) {
		t.Errorf("target %s, want 66 by hand", r.Target)
	}

	f, err := excelize.OpenReader(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	inputs, err := f.GetRows(workbook.Inputs)
	if err != nil {
		t.Fatal(err)
	}
	var coord string
	for i, row := range inputs {
		if len(row) > 0 && row[0] == "Food delivery: take_rate" {
			col := slices.Index(inputs[0], "2026") + 1
			coord, _ = excelize.CoordinatesToCellName(col, i+1)
		}
	}
	if coord == "" {
		t.Fatalf("no 2026 take rate in the Inputs sheet: %q", inputs)
	}
	if err := f.SetCellValue(workbook.Inputs, coord, 0.2); err != nil {
		t.Fatal(err)
	}
	moved := filepath.Join(dir, "take-rate.xlsx")
	if err := f.SaveAs(moved); err != nil {
		t.Fatal(err)
	}
	e, err := sensitivity.New(m, sensitivity.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := e.Eval(sensitivity.Point{testkit.Set(t, "forecast/2026/delivery/take_rate", decimal.New(2, -1))}, "target")
	if err != nil {
		t.Fatal(err)
	}
	if !want[0].Equal(decimal.NewFromInt(78)) {
		t.Errorf("sotp's target at a 20%% take rate: %s, want 78 by hand", want[0])
	}
	near(t, "target at a 20% take rate", value(t, recalc(t, moved), "Target per share"), want[0])
}

// TestFixedRecalculated: a part valued at a fixed amount (the report's live streaming at
// minus HK$10,000m, made up) is an input of the SOTP sheet; LibreOffice's sum and target
// are sotp's.
func TestFixedRecalculated(t *testing.T) {
	m := kuaishou2021.Model()
	m.Parts = slices.Clone(m.Parts)
	m.Parts[0].Method = valuation.Fixed{Amount: decimal.NewFromInt(-10000), Note: "made up"}
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	_, rows := recalcParts(t, m, r, t.TempDir())
	near(t, "sum", value(t, rows, "Sum"), r.Sum)
	near(t, "target", value(t, rows, "Target per share"), r.Target)
}

// TestBridgedWorkbook: the bridge of examples/models/holdco-tech.json (net cash, a listed
// stake in HK$, an unlisted stake, a holding-company discount on the stakes) is written
// as formulas: recalculated by LibreOffice, equity, target and upside are sotp's; with
// the holding-company discount set to 30%, the stake's price to 75 and USD/HKD to 8.1
// in the workbook's cells, the target is Engine.Eval's at that point. The sheet once
// held sotp's target as a static value beside the sum over the basic shares.
func TestBridgedWorkbook(t *testing.T) {
	m, r := load(t, filepath.Join("..", "..", "examples", "models", "holdco-tech.json"))
	dir := t.TempDir()
	b, rows := recalcParts(t, m, r, dir)
	near(t, "equity", value(t, rows, "Equity"), r.Equity)
	near(t, "target", value(t, rows, "Target per share"), r.Target)
	for _, row := range rows {
		if len(row) >= 6 && row[0] == "Upside" {
			v, err := strconv.ParseFloat(strings.TrimSuffix(row[5], "%"), 64)
			if err != nil {
				t.Fatal(err)
			}
			near(t, "upside", v/100, r.Upside.Decimal)
		}
	}
	f := open(t, b)
	setCell(t, f, workbook.SOTP, "Holding-company discount", 7, 0.3)
	setCell(t, f, workbook.SOTP, "stake_music", 4, 75)
	setCell(t, f, workbook.Inputs, "FX: HKD per USD", 2, 8.1)
	got := recalc(t, save(t, f, filepath.Join(dir, "moved.xlsx")))
	want := eval(t, m, "target", "bridge/holdco/discount", "0.3", "bridge/stake_music/price", "75", "fx/USD/HKD", "8.1")
	near(t, "target moved", value(t, got, "Target per share"), want)
}

// TestDilutedWorkbook: the dilution is written as formulas at each basis (options struck
// at 300 and 380, RSUs and a convertible converting at 420 on the Kuaishou model; at the
// target under a 12% horizon of half a year): recalculated by LibreOffice, the target
// is sotp's, and with 2021E MAU set to 420, 520 and 680 in the workbook (tranches
// passing in and out of the money) and the first option's strike to 450 (which reorders
// the tranches), it is Engine.Eval's, and so is the equity the count divides, the
// convertible's face deducted while it stays debt.
func TestDilutedWorkbook(t *testing.T) {
	for _, basis := range []valuation.DilutionBasis{valuation.AtValue, valuation.AtTarget, valuation.AtPrice} {
		t.Run(basis.String(), func(t *testing.T) {
			m := testkit.Diluted(basis)
			r, err := m.Value()
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			b, rows := recalcParts(t, m, r, dir)
			near(t, "target", value(t, rows, "Target per share"), r.Target)
			near(t, "equity", value(t, rows, "Equity ("), r.Equity) // the bonds that stay debt deducted
			for _, mau := range []string{"420", "520", "680"} {
				f := open(t, b)
				setCell(t, f, workbook.Inputs, "MAU (m)", 5, decimal.RequireFromString(mau).InexactFloat64())
				if mau == "680" {
					setCell(t, f, workbook.SOTP, "options_a", 4, 450)
				}
				got := recalc(t, save(t, f, filepath.Join(dir, "mau"+mau+".xlsx")))
				args := []string{"forecast/2021/mau", mau}
				if mau == "680" {
					args = append(args, "dilution/options_a/strike", "450")
				}
				near(t, "target at MAU "+mau, value(t, got, "Target per share"), eval(t, m, "target", args...))
				near(t, "equity at MAU "+mau, value(t, got, "Equity ("), eval(t, m, "equity", args...))
			}
		})
	}
}

// open opens a workbook written to b.
func open(t *testing.T, b *bytes.Buffer) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// save writes f to path and returns the path.
func save(t *testing.T, f *excelize.File, path string) string {
	t.Helper()
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// setCell sets column col of the first row of sheet whose label (column A) begins with
// label.
func setCell(t *testing.T, f *excelize.File, sheet, label string, col int, v float64) {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range rows {
		if len(row) > 0 && strings.HasPrefix(row[0], label) {
			name, _ := excelize.CoordinatesToCellName(col, i+1)
			if err := f.SetCellValue(sheet, name, v); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("%s: no row %q", sheet, label)
}

// eval is Engine.Eval of output at the point given as key, value pairs.
func eval(t *testing.T, m valuation.Model, output string, kv ...string) decimal.Decimal {
	t.Helper()
	e, err := sensitivity.New(m, sensitivity.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var p sensitivity.Point
	for i := 0; i < len(kv); i += 2 {
		p = append(p, testkit.Set(t, kv[i], decimal.RequireFromString(kv[i+1])))
	}
	got, err := e.Eval(p, output)
	if err != nil {
		t.Fatal(err)
	}
	return got[0]
}

// TestCompsFXRecalculated: comparables are written in their own currencies with FX
// formulas (testdata/currencies.json, made up: HK-listed and US-listed peers in a USD
// set, an ADS, a printed per-user multiple in HK$, CNY revenue converted to USD through
// a rate crossed via HKD). Recalculated by LibreOffice the parts and sum are sotp's; with
// USD/HKD moved from 7.8 to 8.2, HKD per CNY from 1.085 to 1.11755 and STR1's close from
// 50 to 55 in the workbook's cells, they are still sotp's for the model so moved. The
// sheet once held market values already converted, which no change of a rate reached.
func TestCompsFXRecalculated(t *testing.T) {
	m, r := load(t, filepath.Join("testdata", "currencies.json"))
	dir := t.TempDir()
	b, rows := recalcParts(t, m, r, dir)
	near(t, "sum", value(t, rows, "Sum"), r.Sum)

	f := open(t, b)
	setCell(t, f, workbook.Inputs, "FX: HKD per USD", 2, 8.2)
	setCell(t, f, workbook.Inputs, "FX: HKD per CNY", 2, 1.11755)
	setCell(t, f, workbook.Comps, "STR1", 4, 55)
	moved := save(t, f, filepath.Join(dir, "moved.xlsx"))
	mm := m.Clone()
	fx, err := comps.NewFX(comps.Rate{From: comps.USD, To: comps.HKD, Rate: decimal.RequireFromString("8.2")},
		comps.Rate{From: comps.CNY, To: comps.HKD, Rate: decimal.RequireFromString("1.11755")})
	if err != nil {
		t.Fatal(err)
	}
	mm.FX = fx
	live := mm.Parts[0].Method.(valuation.Multiple)
	live.Comps = live.Comps.Clone()
	live.Comps.Companies[0].Close = decimal.NewFromInt(55)
	mm.Parts[0].Method = live
	want, err := mm.Value()
	if err != nil {
		t.Fatal(err)
	}
	if want.Sum.Equal(r.Sum) {
		t.Fatal("the moves do not move sotp's sum")
	}
	got := recalc(t, moved)
	for _, pv := range want.Parts {
		near(t, pv.Segment+" moved", value(t, got, pv.Title), pv.Value)
	}
	near(t, "sum moved", value(t, got, "Sum"), want.Sum)
}

// load reads the model file at path and values it.
func load(t *testing.T, path string) (valuation.Model, valuation.Result) {
	t.Helper()
	m, err := modelfile.LoadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	return m, r
}

// TestSources: the Sources sheet lists every comparable of the report's model with the
// date of its close and its source (Tables 11 to 13), and every bridge item's note of
// holdco-tech.
func TestSources(t *testing.T) {
	rowsOf := func(m valuation.Model) [][]string {
		var b bytes.Buffer
		if err := workbook.Write(&b, m, workbook.Extras{}); err != nil {
			t.Fatal(err)
		}
		rows, err := open(t, &b).GetRows(workbook.Sources)
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	has := func(rows [][]string, item, asOf, source string) bool {
		return slices.ContainsFunc(rows, func(r []string) bool {
			return len(r) >= 5 && strings.HasPrefix(r[1], item) && r[3] == asOf && strings.Contains(r[4], source)
		})
	}
	rows := rowsOf(kuaishou2021.Model())
	for ticker, table := range map[string]string{"HUYA US": "Table 11", "DOYU US": "Table 11", "FB US": "Table 12", "TWTR US": "Table 12",
		"PDD US": "Table 13", "9988.HK": "Table 13", "JD US": "Table 13"} {
		if !has(rows, ticker, "2021-03-02", "Western Securities, Kuaishou initiation 2021-03-03, "+table) {
			t.Errorf("no source of %s (%s) in %q", ticker, table, rows)
		}
	}
	m, _ := load(t, filepath.Join("..", "..", "examples", "models", "holdco-tech.json"))
	rows = rowsOf(m)
	for _, it := range m.Bridge.Items {
		if !has(rows, it.Name, "", it.Note) {
			t.Errorf("no note of bridge item %s in %q", it.Name, rows)
		}
	}
}

// TestLaterStartRecalculated: examples/models/localco.json's grocery starts in 2026: its
// inputs and lines are blank in 2025, the 2025 group revenue is the other segments'
// (sotp's, recalculated by LibreOffice), and the parts and target are sotp's.
func TestLaterStartRecalculated(t *testing.T) {
	m, r := load(t, filepath.Join("..", "..", "examples", "models", "localco.json"))
	dir := t.TempDir()
	_, rows := recalcParts(t, m, r, dir)
	near(t, "target", value(t, rows, "Target per share"), r.Target)
	forecast := recalcSheet(t, filepath.Join(dir, "book.xlsx"), workbook.Forecast)
	y25, _ := r.Forecast.Year(2025)
	grocery, lines, revenue := false, 0, false
	for _, row := range forecast {
		switch {
		case len(row) > 0 && row[0] == "Grocery (new, from 2026)":
			grocery = true
		case len(row) > 0 && row[0] == "Food delivery":
			grocery = false
		case grocery && len(row) > 2 && strings.HasPrefix(row[0], "  "):
			lines++
			if row[1] != "" || row[2] == "" {
				t.Errorf("grocery line %q: 2025 %q, 2026 %q; want blank, then a figure", row[0], row[1], row[2])
			}
		case len(row) > 1 && strings.HasPrefix(row[0], "Group revenue"):
			v, err := strconv.ParseFloat(strings.ReplaceAll(row[1], ",", ""), 64)
			if err != nil {
				t.Fatal(err)
			}
			near(t, "2025 group revenue", v, y25.Revenue)
			revenue = true
		}
	}
	if lines < 3 || !revenue {
		t.Errorf("%d grocery lines and group revenue %v checked", lines, revenue)
	}
}

// TestPrevRecalculated: a line that grows from the year before (growth.json:
// prev(revenue, base_revenue) × (1 + revenue_growth), 1,000 growing to 1,452 in 2026) is
// a formula of the previous year's cell, its first year of the base input: recalculated
// by LibreOffice the parts and target are sotp's, and with 2024's growth set to 30% in the
// workbook's Inputs sheet the target is Engine.Eval's.
func TestPrevRecalculated(t *testing.T) {
	m, r := load(t, filepath.Join("..", "modelfile", "testdata", "growth.json"))
	dir := t.TempDir()
	b, rows := recalcParts(t, m, r, dir)
	near(t, "target", value(t, rows, "Target per share"), r.Target)
	f := open(t, b)
	setCell(t, f, workbook.Inputs, "Cloud: revenue_growth", 2, 0.3)
	got := recalc(t, save(t, f, filepath.Join(dir, "moved.xlsx")))
	near(t, "target at 2024 growth 30%", value(t, got, "Target per share"), eval(t, m, "target", "forecast/2024/cloud/revenue_growth", "0.3"))
}

// TestPnLLaterStart: with Kuaishou's e-commerce starting in 2019 (no 2018 driver), the
// P&L sheet's 2018 revenue sums the segments that ran and its lines priced on e-commerce's
// revenue read 0, as sotp's P&L does: recalculated by LibreOffice, revenue and net profit
// are sotp's every year. The sheet once wrote "=Forecast!B5+Forecast!B12+" there.
func TestPnLLaterStart(t *testing.T) {
	m := kuaishou2021.Model().Clone()
	delete(m.Plan.Segments[2].Drivers, 2018)
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "later.xlsx")
	writeBook(t, m, path)
	if n := pnlAgrees(t, m, r, recalcSheet(t, path, workbook.PnL)); n != 2*len(m.Plan.Years) {
		t.Errorf("%d figures of the P&L sheet checked", n)
	}
}

// pnlAgrees holds the revenue and net profit of each year on the P&L sheet's rows, as
// LibreOffice recalculated them, to r's, and returns how many it held.
func pnlAgrees(t *testing.T, m valuation.Model, r valuation.Result, rows [][]string) int {
	t.Helper()
	checked := 0
	for _, row := range rows {
		if len(row) == 0 {
			continue
		}
		field, ok := map[string]string{"Revenue": "revenue", "Net profit": "net_profit"}[row[0]]
		if !ok {
			continue
		}
		for j, y := range m.Plan.Years {
			want, err := r.Figure("pnl/" + strconv.Itoa(y) + "/" + field)
			if err != nil {
				t.Fatal(err)
			}
			v, err := strconv.ParseFloat(row[1+j], 64)
			if err != nil {
				t.Fatalf("%s %d: %q", row[0], y, row[1+j])
			}
			near(t, row[0]+" "+strconv.Itoa(y), v, want)
			checked++
		}
	}
	return checked
}

// TestCachedValues: a workbook read as written, without recalculation (excelize's
// GetCellValue), has a value in every formula cell of every sheet: the parts, sum and
// target are sotp's to 1e-9 relative and the target shows as sotp prints it, and every
// numeric formula cell is LibreOffice's recalculation of it to 1e-9 relative (or 1e-9
// absolute near zero), on the report's model (and with its peers' multiples taken by
// median, harmonic, trimmed and market-value-weighted means), three shipped ones
// (segments starting late, stakes, growth from a base) and models that dilute at the
// value, the target and the price (options and convertibles: the fixed point by SMALL,
// RANK and SUMIF; the harmonic mean as n / Σ(1/x), HARMEAN being beyond excelize).
// Every file asks to be recalculated in full when opened.
func TestCachedValues(t *testing.T) {
	models := map[string]valuation.Model{"kuaishou2021": kuaishou2021.Model()}
	for _, basis := range []valuation.DilutionBasis{valuation.AtValue, valuation.AtTarget, valuation.AtPrice} {
		models["diluted at the "+basis.String()] = testkit.Diluted(basis)
	}
	for _, agg := range []comps.Aggregate{comps.Median{}, comps.Harmonic{}, comps.Trimmed{Fraction: decimal.New(25, -2)}, comps.MarketValueWeighted{}} {
		m := kuaishou2021.Model().Clone()
		for i, p := range m.Parts {
			mm := p.Method.(valuation.Multiple)
			mm.Comps.Aggregate = agg
			m.Parts[i].Method = mm
		}
		models["kuaishou2021 "+strings.ReplaceAll(agg.Name(), "%", " percent")] = m // a % in a path is lost on LibreOffice
	}
	unpriced := kuaishou2021.Model().Clone()
	unpriced.Price = decimal.Decimal{}
	models["kuaishou2021 without a price"] = unpriced
	for _, path := range []string{filepath.Join("..", "modelfile", "testdata", "model.json"), filepath.Join("..", "..", "examples", "models", "localco.json"),
		filepath.Join("..", "..", "examples", "models", "holdco-tech.json"), filepath.Join("..", "modelfile", "testdata", "growth.json"),
		filepath.Join("..", "modelfile", "testdata", "capped.json")} { // capped: a min in a driver's formula
		models[filepath.Base(path)], _ = load(t, path)
	}
	for name, m := range models {
		r, err := m.Value()
		if err != nil {
			t.Fatal(err)
		}
		t.Run(name, func(t *testing.T) {
			book := filepath.Join(t.TempDir(), "book.xlsx")
			b := writeBook(t, m, book)
			f := open(t, b)
			if c, err := f.GetCalcProps(); err != nil || c.FullCalcOnLoad == nil || !*c.FullCalcOnLoad {
				t.Errorf("calcPr %+v, %v: want fullCalcOnLoad", c, err)
			}
			cells := cachedAgainstLibreOffice(t, f, book)
			if n := uncached(t, b.Bytes()); n != 0 {
				t.Errorf("%d formula cells written without a value", n)
			}
			if cells < 25 {
				t.Errorf("%d formula cells checked", cells)
			}
			sotp, err := f.GetRows(workbook.SOTP, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			near(t, "cached target", value(t, sotp, "Target per share"), r.Target)
			near(t, "cached sum", value(t, sotp, "Sum"), r.Sum)
			for _, pv := range r.Parts {
				near(t, "cached "+pv.Segment, value(t, sotp, pv.Title), pv.Value)
			}
			shown, _ := f.GetRows(workbook.SOTP)
			for _, row := range shown {
				if len(row) >= 6 && strings.HasPrefix(row[0], "Target per share") && row[5] != r.Target.StringFixed(2) {
					t.Errorf("target shows %q, sotp prints %s", row[5], r.Target.StringFixed(2))
				}
			}
		})
	}
}

// cachedAgainstLibreOffice holds each formula cell's cached value in f, the book at path,
// to LibreOffice's recalculation of it (numbers to 1e-9 relative, or absolute near
// zero); it returns the formula cells checked.
func cachedAgainstLibreOffice(t *testing.T, f *excelize.File, path string) int {
	t.Helper()
	cells, recalculated := 0, false
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		var lo [][]string
		for i, row := range rows {
			for j, cached := range row {
				c, _ := excelize.CoordinatesToCellName(j+1, i+1)
				if fm, _ := f.GetCellFormula(sheet, c); fm == "" {
					continue
				}
				cells++
				v, err := strconv.ParseFloat(cached, 64)
				if cached == "" || err == nil {
					if !recalculated {
						recalc(t, path)
						recalculated = true
					}
					if lo == nil {
						lo = sheetCSV(t, path, sheet)
					}
				}
				switch {
				case cached == "" && lo[i][j] != "": // an empty text (no rating without a price) is one
					t.Errorf("%s!%s: cached as empty, LibreOffice %q", sheet, c, lo[i][j])
				case cached == "":
				case err != nil: // text: a rating, "n/a"
				default:
					got := strings.ReplaceAll(lo[i][j], ",", "")
					w, err := strconv.ParseFloat(strings.TrimSuffix(got, "%"), 64)
					if strings.HasSuffix(got, "%") {
						w /= 100
					}
					if err != nil || math.Abs(v-w) > 1e-9*max(1, math.Abs(w)) {
						t.Errorf("%s!%s: cached %s, LibreOffice %q", sheet, c, cached, lo[i][j])
					}
				}
			}
		}
	}
	return cells
}

// uncached counts the formula cells of the book's worksheets written without a value,
// read from the package's XML: a trailing one a reader's rows leave out counts too.
func uncached(t *testing.T, book []byte) int {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, "xl/worksheets/") {
			continue
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		n += bytes.Count(b, []byte("</f></c>"))
	}
	return n
}

// writeBook writes m's workbook to path and returns its bytes.
func writeBook(t *testing.T, m valuation.Model, path string) *bytes.Buffer {
	t.Helper()
	var b bytes.Buffer
	if err := workbook.Write(&b, m, workbook.Extras{}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return &b
}
