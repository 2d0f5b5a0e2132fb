package workbook_test

// The P&L and Forecast sheets in depth (every field and line, inputs changed in the
// workbook) and the analysis sheets (grids, tornados, Monte Carlo, reconciliation) against
// what sotp computes and prints.

import (
	"bytes"
	"context"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/earnings"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/sensitivity"
	"github.com/sotpkit/sotp/valuation/workbook"
)

// pnlLabels are the P&L sheet's rows' labels by the field of a key (pnl/YEAR/FIELD) or
// line (line/NAME) they show.
func pnlLabels(m valuation.Model) map[string]string {
	cur := m.Plan.Currency
	labels := map[string]string{"revenue": "Revenue", "cost_of_sales": "Total cost of sales", "gross_profit": "Gross profit",
		"gross_margin": "Gross margin", "net_profit": "Net profit", "shares": "Shares (m)", "eps": "EPS (" + cur + ")", "bvps": "BVPS (" + cur + ")",
		"pe": "P/E", "pb": "P/B", "ps": "P/S"}
	for _, l := range m.Earnings.Lines {
		labels["line/"+l.Name] = l.Label
	}
	return labels
}

// pnlAll holds every field of the P&L sheet that has a row to sotp's Figure, year by
// year; "n/a" or a blank where sotp has none. It returns the number checked.
func pnlAll(t *testing.T, name string, m valuation.Model, r valuation.Result, rows [][]string) int {
	t.Helper()
	byLabel := map[string][]string{}
	for _, row := range rows[1:] {
		if len(row) > 0 {
			byLabel[row[0]] = row
		}
	}
	checked := 0
	for j, y := range m.Plan.Years {
		for field, label := range pnlLabels(m) {
			row, ok := byLabel[label]
			if !ok {
				if field == "bvps" || field == "pb" {
					continue
				}
				t.Errorf("%s: no row %q", name, label)
				continue
			}
			got := ""
			if 1+j < len(row) {
				got = row[1+j]
			}
			want, err := r.Figure("pnl/" + strconv.Itoa(y) + "/" + field)
			if err != nil {
				if got != "n/a" && got != "" {
					t.Errorf("%s: %s %d: LibreOffice %q, sotp has none (%v)", name, label, y, got, err)
				}
				continue
			}
			v, ok := cellNumber(got)
			if !ok {
				t.Errorf("%s: %s %d: LibreOffice %q, sotp %s", name, label, y, got, want)
				continue
			}
			near(t, name+": "+label+" "+strconv.Itoa(y), v, want)
			checked++
		}
	}
	return checked
}

// dd is a decimal from its text.
func dd(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// richPnL is the report's model with a P&L of every kind of line: amounts, ratios of
// the group's and of one segment's revenue, other lines signed either way, a loss and
// negative equity in some years, share counts by year.
func richPnL() valuation.Model {
	m := kuaishou2021.Model().Clone()
	years := m.Plan.Years
	byYear := func(f func(i int) earnings.Value) map[int]earnings.Value {
		out := map[int]earnings.Value{}
		for i, y := range years {
			out[y] = f(i)
		}
		return out
	}
	m.Earnings = earnings.PnL{
		Lines: []earnings.LineItem{
			{Name: "cos_group", Label: "Cost of sales (group)", Kind: earnings.CostOfSales, Years: byYear(func(i int) earnings.Value {
				if i%2 == 0 {
					return earnings.Ratio(dd("0.41"), "")
				}
				return earnings.Amount(dd("12345.67"))
			})},
			{Name: "cos_ecommerce", Label: "Cost of e-commerce", Kind: earnings.CostOfSales, Years: byYear(func(i int) earnings.Value {
				return earnings.Ratio(dd("0.73"), "ecommerce")
			})},
			{Name: "selling", Label: "Selling", Kind: earnings.Expense, Years: byYear(func(i int) earnings.Value {
				return earnings.Ratio(dd("0.2"+strconv.Itoa(i)), "live_streaming")
			})},
			{Name: "admin", Label: "Admin", Kind: earnings.Expense, Years: byYear(func(i int) earnings.Value {
				return earnings.Amount(dd("3000"))
			})},
			{Name: "tax", Label: "Tax", Kind: earnings.Other, Years: byYear(func(i int) earnings.Value {
				return earnings.Ratio(dd("-0.05"), "")
			})},
			{Name: "gain", Label: "Other gains", Kind: earnings.Other, Years: byYear(func(i int) earnings.Value {
				return earnings.Ratio(dd("0.1"), "advertising")
			})},
			{Name: "oneoff", Label: "One-off", Kind: earnings.Other, Years: byYear(func(i int) earnings.Value {
				if i == 1 {
					return earnings.Amount(dd("-900000")) // a loss
				}
				return earnings.Amount(dd("-123.4"))
			})},
		},
		Shares: map[int]decimal.Decimal{},
		Equity: map[int]decimal.Decimal{},
	}
	for i, y := range years {
		m.Earnings.Shares[y] = dd("4000").Add(decimal.NewFromInt(int64(37 * i)))
		if i != 2 {
			m.Earnings.Equity[y] = dd("50000").Sub(decimal.NewFromInt(int64(40000 * i)))
		}
	}
	return m
}

// TestPnLEveryField: every row of the P&L sheet of a plan with every kind of line,
// recalculated by LibreOffice, is sotp's; as is the same plan with e-commerce starting
// late, the model in US$ (the P&L's CNY crossed through HK$), and in CNY (no rate).
func TestPnLEveryField(t *testing.T) {
	rich := richPnL()
	late := richPnL()
	late.Plan.Segments = slices.Clone(late.Plan.Segments)
	late.Plan.Segments[2].Drivers = maps.Clone(late.Plan.Segments[2].Drivers)
	delete(late.Plan.Segments[2].Drivers, late.Plan.Years[0])
	delete(late.Plan.Segments[2].Drivers, late.Plan.Years[1])
	usd := richPnL()
	usd.Currency, usd.Price, usd.Scale = comps.USD, dd("45.5"), valuation.Scale{}
	cny := richPnL()
	cny.Currency, cny.Price, cny.Scale = comps.CNY, dd("280"), valuation.Scale{}
	cases := []edgeCase{{"rich", rich}, {"late", late}, {"usd", usd}, {"cny", cny}}
	dir := t.TempDir()
	var paths []string
	for i, c := range cases {
		p := filepath.Join(dir, "p"+strconv.Itoa(i)+".xlsx")
		writeBook(t, c.m, p)
		paths = append(paths, p)
	}
	recalcAll(t, paths...)
	for i, c := range cases {
		r, err := c.m.Value()
		if err != nil {
			t.Fatal(err)
		}
		n := pnlAll(t, c.name, c.m, r, sheetCSV(t, paths[i], workbook.PnL))
		t.Logf("%s: %d checked", c.name, n)
	}
}

// TestPnLMovedInWorkbook: the rich P&L with an input changed in the workbook (the P&L's
// shares, a line's given ratio and amount, the CNY rate, the price, a driver input) is
// the model changed the same way.
func TestPnLMovedInWorkbook(t *testing.T) {
	type move struct {
		name  string
		sheet string
		label string
		col   int
		v     string
		edit  func(m *valuation.Model, v decimal.Decimal)
	}
	moves := []move{
		{"pnl shares 2021", workbook.PnL, "Shares (m)", 5, "5000", func(m *valuation.Model, v decimal.Decimal) { m.Earnings.Shares[2021] = v }},
		{"selling ratio 2022", workbook.PnL, "  Selling: given", 6, "0.3", func(m *valuation.Model, v decimal.Decimal) {
			m.Earnings.Lines[2].Years[2022] = earnings.Ratio(v, "live_streaming")
		}},
		{"one-off 2021", workbook.PnL, "  One-off: given", 5, "-80000", func(m *valuation.Model, v decimal.Decimal) {
			m.Earnings.Lines[6].Years[2021] = earnings.Amount(v)
		}},
		{"equity 2022", workbook.PnL, "Equity (m)", 6, "77777", func(m *valuation.Model, v decimal.Decimal) { m.Earnings.Equity[2022] = v }},
		{"fx", workbook.Inputs, "FX: HKD per CNY", 2, "1.31", func(m *valuation.Model, v decimal.Decimal) {
			fx, err := comps.NewFX(comps.Rate{From: comps.USD, To: comps.HKD, Rate: dd("7.7")}, comps.Rate{From: comps.CNY, To: comps.HKD, Rate: v})
			if err != nil {
				panic(err)
			}
			m.FX = fx
		}},
		{"price", workbook.Inputs, "Price (", 2, "250", func(m *valuation.Model, v decimal.Decimal) { m.Price = v }},
		{"paying ratio 2021", workbook.Inputs, "Live streaming: paying_ratio", 5, "0.13", func(m *valuation.Model, v decimal.Decimal) {
			if err := driverInput(0, 2021, "paying_ratio")(m, v); err != nil {
				panic(err)
			}
		}},
		{"ecommerce take rate 2022", workbook.Inputs, "Other (mainly live e-commerce): take_rate", 6, "0.03", func(m *valuation.Model, v decimal.Decimal) {
			if err := driverInput(2, 2022, "take_rate")(m, v); err != nil {
				panic(err)
			}
		}},
	}
	dir := t.TempDir()
	base := richPnL()
	var paths []string
	var models []valuation.Model
	for i, mv := range moves {
		b := writeBook(t, base, filepath.Join(dir, "base"+strconv.Itoa(i)+".xlsx"))
		f := open(t, b)
		v, _ := strconv.ParseFloat(mv.v, 64)
		setCell(t, f, mv.sheet, mv.label, mv.col, v)
		paths = append(paths, save(t, f, filepath.Join(dir, "moved"+strconv.Itoa(i)+".xlsx")))
		m := richPnL()
		m.Plan.Segments = slices.Clone(m.Plan.Segments)
		for k := range m.Plan.Segments {
			m.Plan.Segments[k].Drivers = maps.Clone(m.Plan.Segments[k].Drivers)
		}
		mv.edit(&m, dd(mv.v))
		models = append(models, m)
	}
	recalcAll(t, paths...)
	for i, mv := range moves {
		r, err := models[i].Value()
		if err != nil {
			t.Fatal(err)
		}
		pnlAll(t, mv.name, models[i], r, sheetCSV(t, paths[i], workbook.PnL))
	}
}

// TestPnLGrossMarginNoRevenue: in a year no segment has started the P&L's revenue is 0,
// and sotp has no gross margin (earnings: a margin only over positive revenue), as it has
// no P/S; the workbook's multiples say "n/a" there, its gross margin divides by zero.
func TestPnLGrossMarginNoRevenue(t *testing.T) {
	m := kuaishou2021.Model().Clone()
	m.Plan.Segments = slices.Clone(m.Plan.Segments)
	for i := range m.Plan.Segments {
		m.Plan.Segments[i].Drivers = maps.Clone(m.Plan.Segments[i].Drivers)
		delete(m.Plan.Segments[i].Drivers, m.Plan.Years[0])
	}
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Figure("pnl/2018/gross_margin"); err == nil {
		t.Fatal("sotp has a 2018 gross margin")
	}
	path := filepath.Join(t.TempDir(), "norevenue.xlsx")
	writeBook(t, m, path)
	pnlAll(t, "no revenue in 2018", m, r, recalcSheet(t, path, workbook.PnL))
}

// TestNoRevenueCached: a model whose plan has a year no segment has started in is
// written with its formulas' cached values, as every other book is: a reader that does
// not recalculate shows its target.
func TestNoRevenueCached(t *testing.T) {
	m := kuaishou2021.Model().Clone()
	m.Plan.Segments = slices.Clone(m.Plan.Segments)
	for i := range m.Plan.Segments {
		m.Plan.Segments[i].Drivers = maps.Clone(m.Plan.Segments[i].Drivers)
		delete(m.Plan.Segments[i].Drivers, m.Plan.Years[0])
	}
	b := writeBook(t, m, filepath.Join(t.TempDir(), "book.xlsx"))
	if n := uncached(t, b.Bytes()); n != 0 {
		t.Errorf("%d formula cells written without a cached value", n)
	}
}

// TestGridColourScale: a grid sheet's three-colour scale covers its values, and only
// them: under the sheet's static note, the title and the head row, the values of a 3 × 3
// grid are B4:D6 (the test of Extras finds the base cell at C5), of a one-axis grid of
// three B4:B6.
func TestGridColourScale(t *testing.T) {
	m, e, mau, prem := reportAxes(t)
	two, err := e.Grid(context.Background(), []string{"target"}, mau, prem)
	if err != nil {
		t.Fatal(err)
	}
	one, err := e.Grid(context.Background(), []string{"target"}, mau)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := workbook.Write(&b, m, workbook.Extras{Grids: []workbook.GridSheet{{Grid: two, Output: "target"}, {Grid: one, Output: "target"}}}); err != nil {
		t.Fatal(err)
	}
	f := open(t, &b)
	for sh, want := range map[string]string{"Grid 1": "B4:D6", "Grid 2": "B4:B6"} {
		cf, err := f.GetConditionalFormats(sh)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for rng := range cf {
			got = append(got, rng)
		}
		if len(got) != 1 || got[0] != want {
			v3, _ := f.GetCellValue(sh, "B3")
			v6, _ := f.GetCellValue(sh, want[3:])
			t.Errorf("%s: colour scale over %v, want %s (B3 is %q, the head; %s is %q, a value)", sh, got, want, v3, want[3:], v6)
		}
	}
}

// TestPercentOutputsFormatted: a figure the sheets of values caption in % (upside, a
// premium) is a fraction, and is formatted as a percentage, as sotp's tables print it
// (table.Value: 23.5%) and as the model's sheets format rates; not as 0.235 under
// "Upside (%)".
func TestPercentOutputsFormatted(t *testing.T) {
	m, e, _, prem := reportAxes(t)
	g, err := e.Grid(context.Background(), []string{"upside"}, prem)
	if err != nil {
		t.Fatal(err)
	}
	sw, err := e.Swings(decimal.New(1, -1), "shares")
	if err != nil {
		t.Fatal(err)
	}
	tor, err := e.Tornado(context.Background(), "upside", sw...)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := workbook.Write(&b, m, workbook.Extras{Grids: []workbook.GridSheet{{Grid: g, Output: "upside"}}, Tornados: []sensitivity.Tornado{tor}}); err != nil {
		t.Fatal(err)
	}
	f := open(t, &b)
	isPct := func(sh, c string) (string, bool) {
		shown, _ := f.GetCellValue(sh, c)
		return shown, strings.HasSuffix(shown, "%")
	}
	for _, c := range []string{"A4", "B4", "A5", "B5"} { // premium, upside
		head, _ := f.GetCellValue("Grid 1", c[:1]+"3")
		if shown, ok := isPct("Grid 1", c); !ok {
			t.Errorf("Grid 1 %s under %q shows %q, not a percentage", c, head, shown)
		}
	}
	head, _ := f.GetCellValue("Tornado 1", "E3")
	if shown, ok := isPct("Tornado 1", "E4"); !ok {
		t.Errorf("Tornado 1 E4 under %q shows %q, not a percentage", head, shown)
	}
}

// TestReconciliationStatus: the Reconciliation sheet says of each printed figure what
// sotp's reconciliation table says: a figure listed as an exception that now matches is a
// surprise that matches, not a MISMATCH; a figure sotp cannot compute has no computed
// value (sotp prints "-"), not 0.
func TestReconciliationStatus(t *testing.T) {
	m := kuaishou2021.Model()
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	printed := slices.Clone(kuaishou2021.Figures())
	matched := -1
	for i, c := range r.Reconcile(printed).Checks {
		if c.Match && c.Exception == "" && c.Err == nil {
			matched = i
			break
		}
	}
	printed[matched].Exception = "listed as inconsistent in an older edition"
	bad := printed[matched]
	bad.Key, bad.Exception, bad.Row = "forecast/2021/nosuch/revenue", "", "no such segment"
	printed = append(printed, bad)
	var b bytes.Buffer
	if err := workbook.Write(&b, m, workbook.Extras{Printed: printed}); err != nil {
		t.Fatal(err)
	}
	rows, err := open(t, &b).GetRows("Reconciliation")
	if err != nil {
		t.Fatal(err)
	}
	row := rows[2+matched]
	if !strings.HasPrefix(row[5], "SURPRISE: matches") {
		t.Errorf("a listed exception that matches (printed %s, computed %s): status %q; sotp's table says %q", row[3], row[4], row[5],
			"SURPRISE: matches, but listed as exception [1]")
	}
	last := rows[len(rows)-1]
	if last[4] != "" && last[4] != "n/a" && last[4] != "-" {
		t.Errorf("a figure sotp cannot compute (%s): computed %q, status %q", last[1], last[4], last[5])
	}
}

// forecastAll holds every line of every segment on the Forecast sheet, and the group's
// revenue, to sotp's forecast; it returns the number checked.
func forecastAll(t *testing.T, name string, m valuation.Model, r valuation.Result, rows [][]string) int {
	t.Helper()
	checked := 0
	block := map[string]map[string][]string{} // segment title → label → row
	cur := ""
	for _, row := range rows[1:] {
		switch {
		case len(row) == 0 || row[0] == "":
		case strings.HasPrefix(row[0], "  "):
			block[cur][strings.TrimPrefix(row[0], "  ")] = row
		default:
			cur = row[0]
			block[cur] = map[string][]string{}
			if strings.HasPrefix(row[0], "Group revenue") {
				for j, y := range r.Forecast.Years {
					v, ok := cellNumber(row[1+j])
					if !ok {
						t.Errorf("%s: group revenue %d: %q", name, y.Year, row[1+j])
						continue
					}
					near(t, name+": group revenue "+strconv.Itoa(y.Year), v, y.Revenue)
					checked++
				}
			}
		}
	}
	for j, y := range r.Forecast.Years {
		for _, s := range y.Segments {
			for _, l := range s.Lines {
				label := l.Label
				if l.Unit == 1 || l.Unit == 4 || l.Unit == 6 || l.Unit == 8 {
					label += " (m)"
				}
				row, ok := block[s.Title][label]
				if !ok {
					continue // an input's line: the Inputs sheet's cell
				}
				v, ok := cellNumber(row[1+j])
				if !ok {
					t.Errorf("%s: %s %s %d: %q", name, s.Title, label, y.Year, row[1+j])
					continue
				}
				near(t, name+": "+s.Title+" "+label+" "+strconv.Itoa(y.Year), v, l.Value)
				checked++
			}
		}
	}
	return checked
}

// TestForecastMovedEverywhere: for shipped and test models, every driver input of every
// segment moved in the workbook, in its first year and its last, gives every Forecast
// line and the P&L of the model moved the same way (prev chains carry a move on).
func TestForecastMovedEverywhere(t *testing.T) {
	files := map[string]string{
		"kuaishou":    "",
		"growth":      filepath.Join("..", "modelfile", "testdata", "growth.json"),
		"delivery":    filepath.Join("..", "modelfile", "testdata", "delivery.json"),
		"capped":      filepath.Join("..", "modelfile", "testdata", "capped.json"),
		"localco":     filepath.Join("..", "..", "examples", "models", "localco.json"),
		"gameco":      filepath.Join("..", "..", "examples", "models", "gameco.json"),
		"holdco-tech": filepath.Join("..", "..", "examples", "models", "holdco-tech.json"),
	}
	dir := t.TempDir()
	type book struct {
		name string
		m    valuation.Model
		path string
	}
	var books []book
	for fname, path := range files {
		var m valuation.Model
		if path == "" {
			m = kuaishou2021.Model()
		} else {
			m, _ = load(t, path)
		}
		base := filepath.Join(dir, fname+".xlsx")
		b := writeBook(t, m, base)
		books = append(books, book{fname, m, base})
		for si, s := range m.Plan.Segments {
			for ji, y := range m.Plan.Years {
				if s.Drivers[y] == nil || ji != len(m.Plan.Years)-1 && (ji == 0 || s.Drivers[m.Plan.Years[ji-1]] != nil) {
					continue // the segment's first year and the plan's last
				}
				for k, in := range s.Drivers[y].Spec().Inputs {
					v := s.Drivers[y].Values()[k]
					nv := v.Mul(dd("1.1")).Add(dd("0.5"))
					if in.Unit == 2 { // a fraction
						nv = v.Mul(dd("0.9")).Add(dd("0.01"))
					}
					mm := m.Clone()
					mm.Plan.Segments = slices.Clone(mm.Plan.Segments)
					for q := range mm.Plan.Segments {
						mm.Plan.Segments[q].Drivers = maps.Clone(mm.Plan.Segments[q].Drivers)
					}
					if err := driverInput(si, y, in.Metric)(&mm, nv); err != nil {
						t.Fatal(err)
					}
					if _, err := mm.Value(); err != nil {
						continue // out of the model's range
					}
					f := open(t, b)
					setCell(t, f, workbook.Inputs, s.Title+": "+string(in.Metric), 2+ji, nv.InexactFloat64())
					name := fname + " " + s.Name + " " + string(in.Metric) + " " + strconv.Itoa(y)
					p := save(t, f, filepath.Join(dir, strings.NewReplacer(" ", "_", "/", "_").Replace(name)+".xlsx"))
					books = append(books, book{name, mm, p})
				}
			}
		}
	}
	paths := make([]string, len(books))
	for i, b := range books {
		paths[i] = b.path
	}
	recalcAll(t, paths...)
	total := 0
	for _, b := range books {
		r, err := b.m.Value()
		if err != nil {
			t.Fatal(err)
		}
		total += forecastAll(t, b.name, b.m, r, sheetCSV(t, b.path, workbook.Forecast))
		if !b.m.Earnings.IsZero() {
			total += pnlAll(t, b.name, b.m, r, sheetCSV(t, b.path, workbook.PnL))
		}
		rows := sheetCSV(t, b.path, workbook.SOTP)
		near(t, b.name+": target", value(t, rows, "Target per share"), r.Target)
	}
	t.Logf("%d books, %d figures", len(books), total)
}

// TestTornadoInvalidEndRange: a bar one of whose ends cannot be valued has no range
// (sotp's Bar.Range is zero then only as a placeholder, and its table leaves the range
// blank); the Tornado sheet writes it as a range of 0, an assumption that does not move
// the output.
func TestTornadoInvalidEndRange(t *testing.T) {
	m := kuaishou2021.Model()
	e, err := sensitivity.New(m, sensitivity.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tor, err := e.Tornado(context.Background(), "target", sensitivity.Swing{Name: "shares", Low: dd("-100"), High: dd("5000")})
	if err != nil {
		t.Fatal(err)
	}
	if tor.Bars[0].Low.Err == nil {
		t.Fatal("the low end is valued")
	}
	var b bytes.Buffer
	if err := workbook.Write(&b, m, workbook.Extras{Tornados: []sensitivity.Tornado{tor}}); err != nil {
		t.Fatal(err)
	}
	rows, err := open(t, &b).GetRows("Tornado 1")
	if err != nil {
		t.Fatal(err)
	}
	bar := rows[3]
	if len(bar) > 6 && bar[6] != "" && bar[6] != "n/a" {
		t.Errorf("bar %q: at low %q, at high %q, range %q; sotp's table leaves the range blank (%q)", bar[0], bar[4], bar[5], bar[6],
			strings.Split(tor.Text(), "\n")[3])
	}
}
