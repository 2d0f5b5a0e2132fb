// Package workbook writes a valued model as the analyst's Excel workbook (with
// github.com/xuri/excelize/v2): an Inputs sheet of named, styled inputs, and Forecast,
// Comps, SOTP and P&L sheets of live formulas of them, so that changing an input in the
// workbook moves the target as sotp computes it (Write says what is written, and how it
// agrees with sotp).
package workbook

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/earnings"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/nodes"
	"github.com/sotpkit/sotp/valuation/key"
	"github.com/sotpkit/sotp/valuation/sensitivity"
)

// Sheet names.
const (
	Inputs   = "Inputs"
	Forecast = "Forecast"
	Comps    = "Comps"
	SOTP     = "SOTP"
	PnL      = "P&L" // written when the model has an earnings plan
	Sources  = "Sources"
)

// book is a workbook being written and where each figure went.
type book struct {
	f                 *excelize.File
	m                 valuation.Model
	r                 valuation.Result
	input             map[string]string // "mau 2021", "live_streaming paying_ratio 2021", "fx USD/HKD", "premium ecommerce", "shares", "price" → absolute reference
	figure            map[string]string // "SEGMENT METRIC YEAR" → reference on Forecast
	formulas          [][2]string       // every formula cell: sheet, cell
	inStyle, pct, num int
	// number formats by unit: millions of money, millions of users, money per user or
	// share, a multiple
	money, users, perShare, mult int
}

// Extras are sheets of values a caller adds to a workbook: grids (one output each, with a
// colour scale), tornados, scenario comparisons, Monte Carlo summaries, Sobol indices,
// Morris screenings, Shapley effects, and the reconciliation of printed figures against
// the model. Each says in its first row that its values do not recalculate, and names
// figures and assumptions by title and unit (valuation.Result.Caption), as charts do.
type Extras struct {
	Grids       []GridSheet
	Tornados    []sensitivity.Tornado
	Scenarios   []sensitivity.Comparison
	MonteCarlos []sensitivity.Summary
	Sobols      []sensitivity.Indices
	Screenings  []sensitivity.Screening
	Shapleys    []sensitivity.ShapleyEffects
	Printed     []valuation.Printed // reconciled against the model's result
}

// GridSheet is one output of a grid of one or two axes, laid out as the tables print it.
type GridSheet struct {
	Grid   sensitivity.Grid
	Output string
}

// Write values m and writes its workbook to w, with the extra sheets x asks for.
//
// The Inputs sheet holds users, every driver input by year, FX rates, premiums, share
// count and price; the Forecast (ending on the group's revenue), Comps, SOTP and (for a
// model with an earnings plan) P&L sheets are formulas of them. Each figure is formatted by its unit: millions to one
// decimal, users and money per user or share to two, rates as percentages, multiples
// with an x. Users and money are in millions, rates fractions. Each comparable's close,
// shares, market value, net debt and metric are written in its own currencies, as its
// source gives them, and converted to the set's currency by formulas of the Inputs
// sheet's rates (a pair the table does not give crossed as comps.FX.Pair crosses it), its
// multiple as printed or as value / metric; the set's aggregate is AVERAGE, MEDIAN,
// n / Σ(1/x) (the harmonic mean), TRIMMEAN or SUMPRODUCT / SUM. The Sources sheet lists where figures come
// from: each comparable's date and source, each bridge item's and fixed part's note, each
// formula part's formula (valuation.Expression: on the SOTP sheet a formula of the
// Forecast sheet's cells), each actual's document. The SOTP sheet goes on from the sum
// through the
// bridge (each item's amount, price and discount, the holding-company discount), the
// horizon's discount factor and the dilution (each tranche's count and strike, the
// treasury stock and if-converted methods at the model's basis, the fixed point in
// closed form) to the target, all as formulas of inputs on the sheet. A spreadsheet divides in binary floating point where sotp divides
// to 16 decimal places, so figures agree to about 1e-12 relative, not to the last digit.
// Text cells are written as text: a name beginning with "=" never becomes a formula.
// Each formula cell carries its value, so that a reader that does not recalculate shows
// numbers (cached.go: excelize's calculation engine works them out; a book with a
// formula it cannot evaluate would be written without them), and the file
// asks to be recalculated in full when opened (Excel does; LibreOffice does when its
// "Recalculation on file load" option says so, and otherwise shows the cached values
// until a hard recalculation, Ctrl+Shift+F9).
func Write(w io.Writer, m valuation.Model, x Extras) error {
	p, err := m.Prepare(valuation.PrepareOptions{}) // as of its date: the book holds the quotes taken
	if err != nil {
		return err
	}
	m, r := p.Model(), p.Result()
	b := &book{f: excelize.NewFile(), m: m, r: r, input: map[string]string{}, figure: map[string]string{}}
	defer b.f.Close()
	if err := b.styles(); err != nil {
		return err
	}
	for _, step := range []func() error{b.inputs, b.forecast, b.comps, b.sotp, b.pnl, b.sources} {
		if err := step(); err != nil {
			return err
		}
	}
	if err := b.extras(x); err != nil {
		return err
	}
	if err := b.f.DeleteSheet("Sheet1"); err != nil {
		return err
	}
	b.f.SetActiveSheet(3)
	if err := b.f.SetCalcProps(&excelize.CalcPropsOptions{FullCalcOnLoad: new(true)}); err != nil {
		return err
	}
	cached := b.cachedValues()
	var buf bytes.Buffer
	if err := b.f.Write(&buf); err != nil {
		return err
	}
	return writeCached(w, buf.Bytes(), cached)
}

func (b *book) styles() error {
	var err error
	if b.inStyle, err = b.f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Color: []string{"FFF2CC"}, Pattern: 1},
		Font: &excelize.Font{Color: "1F4E79"}}); err != nil {
		return err
	}
	if b.pct, err = b.f.NewStyle(&excelize.Style{NumFmt: 10}); err != nil { // 0.00%
		return err
	}
	if b.num, err = b.f.NewStyle(&excelize.Style{NumFmt: 4}); err != nil { // #,##0.00
		return err
	}
	for _, s := range []struct {
		style  *int
		format string
	}{{&b.money, "#,##0.0"}, {&b.users, "#,##0.00"}, {&b.perShare, "#,##0.00"}, {&b.mult, `0.0"x"`}} {
		f := s.format
		if *s.style, err = b.f.NewStyle(&excelize.Style{CustomNumFmt: &f}); err != nil {
			return err
		}
	}
	return nil
}

// unitStyle is the number format of a figure in unit u.
func (b *book) unitStyle(u segments.Unit) int {
	switch u {
	case segments.Fraction:
		return b.pct
	case segments.Millions:
		return b.money
	case segments.MillionUsers, segments.MillionOrders, segments.MillionTransactions:
		return b.users
	}
	return b.perShare
}

// ref is the absolute reference to a cell of sheet.
func ref(sheet string, col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row, true) // col and row are positive here
	return sheet + "!" + name
}

func cell(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

// put writes a value, a text or a formula ("=" first) into sheet at (col, row).
func (b *book) put(sheet string, col, row int, v any) error {
	c := cell(col, row)
	switch v := v.(type) {
	case string:
		if strings.HasPrefix(v, "=") && len(v) > 1 && v != "=" {
			b.formulas = append(b.formulas, [2]string{sheet, c})
			return b.f.SetCellFormula(sheet, c, v[1:])
		}
		return b.f.SetCellStr(sheet, c, v)
	case text:
		return b.f.SetCellStr(sheet, c, string(v))
	}
	return b.f.SetCellValue(sheet, c, v)
}

// text is a string written as text even when it begins with "=".
type text string

// num converts a decimal to the float64 a spreadsheet holds.
func num(d interface{ InexactFloat64() float64 }) float64 { return d.InexactFloat64() }

// inputs writes the Inputs sheet: users and each segment's driver inputs by year, the
// FX rates, the premiums, the share count and the price, and the workbook's names.
func (b *book) inputs() error {
	sh := Inputs
	if _, err := b.f.NewSheet(sh); err != nil {
		return err
	}
	p := b.m.Plan
	if err := b.put(sh, 1, 1, text("Input (millions; rates as fractions)")); err != nil {
		return err
	}
	for j, y := range p.Years {
		if err := b.put(sh, 2+j, 1, text(strconv.Itoa(y))); err != nil {
			return err
		}
	}
	in := &inputSheet{b: b, row: 2}
	if err := in.users(); err != nil {
		return err
	}
	for _, s := range p.Segments {
		if err := in.segment(s); err != nil {
			return err
		}
	}
	in.row++
	if err := in.rates(); err != nil {
		return err
	}
	if err := in.premiums(); err != nil {
		return err
	}
	if err := in.single("shares", "Shares (m)", num(b.m.Shares), b.inStyle); err != nil {
		return err
	}
	if err := in.single("price", "Price ("+string(b.m.Currency)+")", num(b.m.Price), b.inStyle); err != nil {
		return err
	}
	if err := b.names(); err != nil {
		return err
	}
	return b.f.SetColWidth(sh, "A", "A", 48)
}

// inputSheet is the Inputs sheet being written, a row at a time.
type inputSheet struct {
	b   *book
	row int
}

// line writes a row of an input by year: its label and each year's value, styled as an
// input (a rate as a percentage), each cell's reference kept under key and the year.
func (in *inputSheet) line(key, label string, values map[int]float64, rate bool) error {
	b, sh := in.b, Inputs
	if err := b.put(sh, 1, in.row, text(label)); err != nil {
		return err
	}
	for j, y := range b.m.Plan.Years {
		v, ok := values[y]
		if !ok {
			continue
		}
		if err := b.put(sh, 2+j, in.row, v); err != nil {
			return err
		}
		b.input[key+" "+strconv.Itoa(y)] = ref(sh, 2+j, in.row)
		style := b.inStyle
		if rate {
			style = b.pctInput()
		}
		if err := b.f.SetCellStyle(sh, cell(2+j, in.row), cell(2+j, in.row), style); err != nil {
			return err
		}
	}
	in.row++
	return nil
}

// users writes the platform's MAU and DAU by year.
func (in *inputSheet) users() error {
	mau, dau := map[int]float64{}, map[int]float64{}
	for y, u := range in.b.m.Plan.Users {
		mau[y], dau[y] = num(u.MAU), num(u.DAU)
	}
	if err := in.line("mau", "MAU (m)", mau, false); err != nil {
		return err
	}
	return in.line("dau", "DAU (m)", dau, false)
}

// segment writes a line for each input of a segment's drivers, in the years it runs.
func (in *inputSheet) segment(s segments.Segment) error {
	years := in.b.m.Plan.Years
	var inputs []segments.Input
	for _, y := range years {
		if s.Drivers[y] == nil {
			continue // the segment starts later
		}
		for _, x := range s.Drivers[y].Spec().Inputs {
			if !slices.ContainsFunc(inputs, func(o segments.Input) bool { return o.Metric == x.Metric }) {
				inputs = append(inputs, x)
			}
		}
	}
	for _, x := range inputs {
		vals := map[int]float64{}
		for _, y := range years {
			if s.Drivers[y] == nil {
				continue
			}
			if v, ok := inputValue(s.Drivers[y], x.Metric); ok {
				vals[y] = num(v)
			}
		}
		if err := in.line(s.Name+" "+string(x.Metric), s.Title+": "+string(x.Metric), vals, x.Unit == segments.Fraction); err != nil {
			return err
		}
	}
	return nil
}

// single writes an input of one value, its reference kept under key.
func (in *inputSheet) single(key, label string, v float64, style int) error {
	b, sh := in.b, Inputs
	if err := b.put(sh, 1, in.row, text(label)); err != nil {
		return err
	}
	if err := b.put(sh, 2, in.row, v); err != nil {
		return err
	}
	if err := b.f.SetCellStyle(sh, cell(2, in.row), cell(2, in.row), style); err != nil {
		return err
	}
	b.input[key] = ref(sh, 2, in.row)
	in.row++
	return nil
}

// rates writes each rate of the model's FX table.
func (in *inputSheet) rates() error {
	for _, r := range in.b.m.FX.Rates() {
		if err := in.single("fx "+string(r.From)+"/"+string(r.To), fmt.Sprintf("FX: %s per %s", r.To, r.From), num(r.Rate), in.b.inStyle); err != nil {
			return err
		}
	}
	return nil
}

// premiums writes the premium on the peers of each part valued on a multiple.
func (in *inputSheet) premiums() error {
	b := in.b
	for i, pv := range b.r.Parts {
		if _, ok := b.m.Parts[i].Method.(valuation.Multiple); !ok {
			continue // a fixed or formula part has no peers: the SOTP sheet holds it
		}
		if err := in.single("premium "+pv.Segment, "Premium on the peers: "+pv.Title, num(pv.Multiple.Premium), b.pctInput()); err != nil {
			return err
		}
	}
	return nil
}

// names defines the workbook's names: SHARES, PRICE and each year's MAU_YEAR, DAU_YEAR.
func (b *book) names() error {
	for key, name := range map[string]string{"shares": "SHARES", "price": "PRICE"} {
		if err := b.f.SetDefinedName(&excelize.DefinedName{Name: name, RefersTo: b.input[key]}); err != nil {
			return err
		}
	}
	for _, y := range b.m.Plan.Years {
		for _, u := range []string{"mau", "dau"} {
			if err := b.f.SetDefinedName(&excelize.DefinedName{Name: strings.ToUpper(u) + "_" + strconv.Itoa(y), RefersTo: b.input[u+" "+strconv.Itoa(y)]}); err != nil {
				return err
			}
		}
	}
	return nil
}

func (b *book) pctInput() int {
	s, _ := b.f.NewStyle(&excelize.Style{NumFmt: 10, Fill: excelize.Fill{Type: "pattern", Color: []string{"FFF2CC"}, Pattern: 1},
		Font: &excelize.Font{Color: "1F4E79"}})
	return s
}

// forecast writes each segment's lines by year as formulas of the inputs, translated
// from its driver's Spec: the formulas the decimal forecast evaluates. A line that only
// shows an input, in every year its segment's models have it, is the Inputs sheet's cell
// and not repeated (segmentLayout).
func (b *book) forecast() error {
	sh := Forecast
	if _, err := b.f.NewSheet(sh); err != nil {
		return err
	}
	p := b.m.Plan
	for j, y := range p.Years {
		if err := b.put(sh, 2+j, 1, text(strconv.Itoa(y))); err != nil {
			return err
		}
	}
	row := 2
	for _, s := range p.Segments {
		var err error
		if row, err = b.segmentLines(s, row); err != nil {
			return err
		}
	}
	return b.groupRevenue(row)
}

// segmentLines writes a segment's title and its lines from row, each a formula of the
// Inputs sheet and of the lines above (of last year's column for a prev), in the years
// the segment runs; a line that only shows an input is the input's cell. A segment whose
// driver model changes within the plan has a row for every line of any of its models,
// each year's cell the formula of that year's model, blank in a year whose model has no
// such line. It returns the next free row.
func (b *book) segmentLines(s segments.Segment, row int) (int, error) {
	if err := b.put(Forecast, 1, row, text(s.Title)); err != nil {
		return 0, err
	}
	row++
	sf := b.segmentLayout(s, row)
	for _, l := range sf.lines {
		if r, ok := sf.rowOf[l.Metric]; ok {
			label := l.Label
			if inMillions(l.Unit) {
				label += " (m)"
			}
			if err := b.put(Forecast, 1, r, text("  "+label)); err != nil {
				return 0, err
			}
		}
	}
	for j, y := range b.m.Plan.Years {
		if s.Drivers[y] != nil {
			if err := sf.year(j, y); err != nil {
				return 0, err
			}
		}
	}
	return row + len(sf.rowOf) + 1, nil
}

// segmentForecast is a segment's lines being written on the Forecast sheet: every line
// of its driver models in the order they first appear, and the row of each line that
// has one (a line that only shows an input, in every year, has none).
type segmentForecast struct {
	b     *book
	s     segments.Segment
	lines []segments.LineSpec
	rowOf map[segments.Metric]int
}

// segmentLayout lays out segment s's lines from row, before any is written: a formula's
// prev may read a line below it, in the column of the year before.
func (b *book) segmentLayout(s segments.Segment, row int) *segmentForecast {
	sf := &segmentForecast{b: b, s: s, rowOf: map[segments.Metric]int{}}
	shows := map[segments.Metric]bool{} // a line that shows more than an input in some year
	for _, y := range b.m.Plan.Years {
		if s.Drivers[y] == nil {
			continue // a segment that starts later has no driver before its first year
		}
		spec := s.Drivers[y].Spec()
		for i, l := range spec.Lines {
			if !slices.ContainsFunc(sf.lines, func(o segments.LineSpec) bool { return o.Metric == l.Metric }) {
				sf.lines = append(sf.lines, l)
			}
			if _, ok := echo(spec, i); !ok {
				shows[l.Metric] = true
			}
		}
	}
	for _, l := range sf.lines {
		if shows[l.Metric] {
			sf.rowOf[l.Metric] = row
			row++
		}
	}
	return sf
}

// echo returns the input line i of spec only shows; false for a line with a formula of
// its own, or one naming a line above it that has the input's name (the forecast reads
// that line, which shadows the input).
func echo(spec segments.Spec, i int) (segments.Metric, bool) {
	f := spec.Lines[i].Formula
	if f.Op != segments.OpRef || !isInput(spec, f.Ref) ||
		slices.ContainsFunc(spec.Lines[:i], func(l segments.LineSpec) bool { return l.Metric == f.Ref }) {
		return "", false
	}
	return f.Ref, true
}

// isInput reports whether m is an input of spec.
func isInput(spec segments.Spec, m segments.Metric) bool {
	return slices.ContainsFunc(spec.Inputs, func(in segments.Input) bool { return in.Metric == m })
}

// key is where figure m of year y is kept, in book.input or book.figure.
func (sf *segmentForecast) key(m segments.Metric, y int) string {
	return sf.s.Name + " " + string(m) + " " + strconv.Itoa(y)
}

// year writes the segment's lines in year y, column j, in the order of that year's
// driver model, as segments.Plan.Forecast works them out: a name reads the line of it
// worked out so far this year, else the input, else the platform's MAU or DAU; prev
// reads last year's line.
func (sf *segmentForecast) year(j, y int) error {
	b, sh := sf.b, Forecast
	spec := sf.s.Drivers[y].Spec()
	done := map[segments.Metric]string{}
	at := func(m segments.Metric) string {
		switch r, ok := done[m]; {
		case ok:
			return r
		case isInput(spec, m):
			return b.input[sf.key(m, y)]
		}
		return b.input[string(m)+" "+strconv.Itoa(y)] // MAU or DAU: Spec.Check knows every name
	}
	prev := func(m segments.Metric) (string, bool) { // last year's line, when the segment ran then and had one
		if j == 0 {
			return "", false
		}
		r, ok := b.figure[sf.key(m, b.m.Plan.Years[j-1])]
		return r, ok
	}
	for i, l := range spec.Lines {
		expr := "=" + excel(l.Formula, at, prev)
		if in, ok := echo(spec, i); ok {
			done[l.Metric] = b.input[sf.key(in, y)]
			expr = "=" + done[l.Metric]
		}
		r, ok := sf.rowOf[l.Metric]
		if ok {
			done[l.Metric] = ref(sh, 2+j, r)
			if err := b.put(sh, 2+j, r, expr); err != nil {
				return err
			}
			if err := b.f.SetCellStyle(sh, cell(2+j, r), cell(2+j, r), b.unitStyle(l.Unit)); err != nil {
				return err
			}
		}
		b.figure[sf.key(l.Metric, y)] = done[l.Metric]
	}
	return nil
}

// inMillions reports whether a figure in unit u counts millions (of money, users,
// orders or transactions).
func inMillions(u segments.Unit) bool {
	switch u {
	case segments.MillionUsers, segments.Millions, segments.MillionOrders, segments.MillionTransactions:
		return true
	}
	return false
}

// groupRevenue writes the group's revenue on row: the segments' revenue lines summed,
// year by year, those not started left out.
func (b *book) groupRevenue(row int) error {
	sh, p := Forecast, b.m.Plan
	if err := b.put(sh, 1, row, text("Group revenue ("+p.Currency+" m)")); err != nil {
		return err
	}
	for j, y := range p.Years {
		var terms []string
		for _, s := range p.Segments {
			if f, ok := b.figure[s.Name+" "+string(segments.Revenue)+" "+strconv.Itoa(y)]; ok {
				terms = append(terms, f)
			}
		}
		if len(terms) == 0 {
			continue
		}
		if err := b.put(sh, 2+j, row, "="+strings.Join(terms, "+")); err != nil {
			return err
		}
		if err := b.f.SetCellStyle(sh, cell(2+j, row), cell(2+j, row), b.money); err != nil {
			return err
		}
	}
	return b.f.SetColWidth(sh, "A", "A", 36)
}

// inputValue returns the value of a driver's input; false when it has no such input.
func inputValue(d segments.Driver, m segments.Metric) (decimal.Decimal, bool) {
	i := slices.IndexFunc(d.Spec().Inputs, func(in segments.Input) bool { return in.Metric == m })
	if i < 0 {
		return decimal.Decimal{}, false
	}
	return d.Values()[i], true
}

// excel writes a formula as a spreadsheet expression, reading each named figure from at:
// the walk segments.Formula.Eval makes (segments.Algebra.Fold), in cell formulas.
func excel(f segments.Formula, at func(segments.Metric) string, prev func(segments.Metric) (string, bool)) string {
	join := func(sep string) func(a, b string) string { return func(a, b string) string { return a + sep + b } }
	v, _ := segments.Algebra[string]{
		Const: fault.Plain, Add: join("+"), Mul: join("*"), Min: join(","), Max: join(","),
		Quo: func(num, den string) (string, error) { return "(" + num + ")/(" + den + ")", nil },
		Group: func(op segments.Op, x string) string {
			switch op {
			case segments.OpMin:
				return "MIN(" + x + ")"
			case segments.OpMax:
				return "MAX(" + x + ")"
			}
			return "(" + x + ")"
		},
	}.Fold(f, at, prev)
	return v
}

// Columns of the Comps sheet: each comparable's figures in its own currencies as its
// source gives them, the FX formulas that convert them to the set's currency, and its
// multiple, so that a rate or a close changed in the workbook moves the multiple as sotp
// would move it.
const (
	colTicker      = iota + 1
	colName        //
	colCurrency    // listing currency
	colClose       // per share or ADS, listing currency
	colShares      // millions of ordinary shares
	colADS         // ordinary shares an ADS represents
	colMarketValue // millions of the listing currency: given, or close × shares / ADS ratio
	colNetDebt     // of an enterprise-value set
	colFX          // listing currency to the set's
	colValue       // (market value + net debt) × FX: millions of the set's currency
	colReporting   // currency of a money metric
	colMetric      // millions, of the reporting currency for a money metric
	colMetricFX    // reporting currency to the set's
	colMetricSet   // the metric in the set's currency
	colPrinted     // the multiple as the source printed it
	colMultiple    // value / metric, or the printed multiple (× FX for one per user)
	colWeight      // of a weighted mean
)

// comps writes each part's comparables and the set's multiple.
func (b *book) comps() error {
	sh := Comps
	if _, err := b.f.NewSheet(sh); err != nil {
		return err
	}
	row := 1
	for i, pv := range b.r.Parts {
		var set comps.Set
		switch m := b.m.Parts[i].Method.(type) {
		case valuation.Multiple:
			set = m.Comps
		case valuation.Fixed, valuation.Expression:
			continue // no comparables: the SOTP sheet holds its amount or formula
		default:
			return nodes.Refuse(nodes.Method, nodes.Workbook, "part "+pv.Segment, pv.Method)
		}
		var err error
		if row, err = b.compsPart(pv, set, row); err != nil {
			return err
		}
	}
	return b.f.SetColWidth(sh, "A", "B", 24)
}

// compsPart writes a part's comparables from row: its title, the columns' heads, each
// comparable's row, the set's aggregate and the multiple with the part's premium. It
// returns the next free row.
func (b *book) compsPart(pv valuation.PartValue, set comps.Set, row int) (int, error) {
	sh, mult := Comps, pv.Multiple
	if err := b.put(sh, 1, row, text(fmt.Sprintf("%s: %s on %s (%s)", pv.Title, pv.Method, mult.Set, mult.Metric))); err != nil {
		return 0, err
	}
	row++
	for c, h := range compsHeads(set, mult) {
		if err := b.put(sh, c, row, text(h)); err != nil {
			return 0, err
		}
	}
	row++
	first := row
	for _, cm := range mult.Companies {
		if err := b.company(set, mult, cm, row); err != nil {
			return 0, fmt.Errorf("part %s: %w", pv.Segment, err)
		}
		row++
	}
	agg, err := aggregateFormula(set, mult, first, row-1)
	if err != nil {
		return 0, fmt.Errorf("part %s: %w", pv.Segment, err)
	}
	if err := b.put(sh, colName, row, text("Aggregate ("+mult.Aggregate+")")); err != nil {
		return 0, err
	}
	if err := b.put(sh, colMultiple, row, "="+agg); err != nil {
		return 0, err
	}
	row++
	if err := b.put(sh, colName, row, text("Multiple: aggregate × (1 + premium)")); err != nil {
		return 0, err
	}
	if err := b.put(sh, colMultiple, row, "="+cell(colMultiple, row-1)+"*(1+"+b.input["premium "+pv.Segment]+")"); err != nil {
		return 0, err
	}
	b.figure["multiple "+pv.Segment] = ref(sh, colMultiple, row)
	return row + 2, nil
}

// compsHeads are the heads of a set's columns on the Comps sheet, by column: a money
// metric's reporting currency and FX, and a weighted or harmonic mean's weights, only
// in a set that has them.
func compsHeads(set comps.Set, mult comps.SetMultiple) map[int]string {
	value := "Market value"
	if mult.Enterprise {
		value = "Enterprise value"
	}
	heads := map[int]string{colTicker: "Ticker", colName: "Name", colCurrency: "Currency", colClose: "Close", colShares: "Shares (m)",
		colADS: "Shares an ADS", colMarketValue: "Market value (m)", colNetDebt: "Net debt (m)", colFX: "FX to " + string(mult.Currency),
		colValue: value + " (" + string(mult.Currency) + " m)", colMetric: "Metric (m)", colMetricSet: "Metric (" + string(mult.Currency) + ")",
		colPrinted: "Printed multiple", colMultiple: "Multiple"}
	if mult.Money {
		heads[colReporting], heads[colMetricFX] = "Reporting", "FX to "+string(mult.Currency)
		heads[colMetricSet] = "Metric (" + string(mult.Currency) + " m)"
	}
	switch set.Aggregate.(type) {
	case comps.WeightedMean:
		heads[colWeight] = "Weight"
	case comps.Harmonic:
		heads[colWeight] = "1 / multiple"
	}
	return heads
}

// company writes one comparable of a set on row of the Comps sheet, as comps.Set.Multiple
// prices it: its value in the set's currency over its metric in the set's currency, or
// the multiple the source printed.
func (b *book) company(set comps.Set, mult comps.SetMultiple, cm comps.CompanyMultiple, row int) error {
	i := slices.IndexFunc(set.Companies, func(c comps.Company) bool { return c.Ticker == cm.Ticker })
	if i < 0 {
		return fmt.Errorf("%w: comparable %s is not in its set", fault.ErrUnsupported, cm.Ticker)
	}
	c := set.Companies[i]
	at := func(col int) string { return cell(col, row) }
	fx, ok := b.fx(c.Currency, mult.Currency)
	if !ok {
		return fmt.Errorf("%w: comparable %s: no FX rate %s/%s", fault.ErrUnsupported, c.Ticker, c.Currency, mult.Currency)
	}
	cells := map[int]any{colTicker: text(c.Ticker), colName: text(c.Name), colCurrency: text(string(c.Currency)), colFX: "=" + fx,
		colMetric: num(c.Metrics[set.Metric]), colValue: "=" + at(colMarketValue) + "*" + at(colFX), colMetricSet: "=" + at(colMetric),
		colMultiple: "=" + at(colValue) + "/" + at(colMetricSet)}
	listing(c, row, cells)
	if mult.Enterprise {
		cells[colNetDebt] = num(c.NetDebt)
		cells[colValue] = "=(" + at(colMarketValue) + "+" + at(colNetDebt) + ")*" + at(colFX)
	}
	if mult.Money {
		if err := b.metricFX(c, mult.Currency, row, cells); err != nil {
			return err
		}
	}
	if cm.Printed {
		cells[colPrinted] = num(c.Multiples[set.Metric])
		cells[colMultiple] = "=" + at(colPrinted)
		if !mult.Money { // a price per user, in the listing currency
			cells[colMultiple] = "=" + at(colPrinted) + "*" + at(colFX)
		}
	}
	switch a := set.Aggregate.(type) {
	case comps.WeightedMean:
		cells[colWeight] = num(a.Weights[c.Ticker])
	case comps.Harmonic: // summed for the harmonic mean
		cells[colWeight] = "=1/" + at(colMultiple)
	}
	for col, v := range cells {
		if err := b.put(Comps, col, row, v); err != nil {
			return err
		}
	}
	return nil
}

// listing adds to cells, a comparable's on row, its figures in its listing currency:
// close, shares and ADS ratio where its source gives them, and its market value, given
// or close × shares (/ ADS ratio).
func listing(c comps.Company, row int, cells map[int]any) {
	if !c.Close.IsZero() {
		cells[colClose] = num(c.Close)
	}
	if !c.Shares.IsZero() {
		cells[colShares] = num(c.Shares)
	}
	if c.ADSRatio.Sign() > 0 {
		cells[colADS] = num(c.ADSRatio)
	}
	switch {
	case !c.MarketValue.IsZero():
		cells[colMarketValue] = num(c.MarketValue)
	case c.ADSRatio.Sign() > 0:
		cells[colMarketValue] = "=" + cell(colClose, row) + "*" + cell(colShares, row) + "/" + cell(colADS, row)
	default:
		cells[colMarketValue] = "=" + cell(colClose, row) + "*" + cell(colShares, row)
	}
}

// metricFX adds to cells, a comparable's on row, a money metric's conversion to the
// set's currency cur: its reporting currency (its listing currency if it gives none),
// the rate, and the metric converted.
func (b *book) metricFX(c comps.Company, cur comps.Currency, row int, cells map[int]any) error {
	rep := c.Reporting
	if rep == "" {
		rep = c.Currency
	}
	mfx, ok := b.fx(rep, cur)
	if !ok {
		return fmt.Errorf("%w: comparable %s: no FX rate %s/%s", fault.ErrUnsupported, c.Ticker, rep, cur)
	}
	cells[colReporting], cells[colMetricFX] = text(string(rep)), "="+mfx
	cells[colMetricSet] = "=" + cell(colMetric, row) + "*" + cell(colMetricFX, row)
	return nil
}

// aggregateFormula is the set's aggregate of the multiples of rows first to last.
func aggregateFormula(set comps.Set, mult comps.SetMultiple, first, last int) (string, error) {
	rng := cell(colMultiple, first) + ":" + cell(colMultiple, last)
	switch a := set.Aggregate.(type) {
	case nil, comps.Mean:
		return "AVERAGE(" + rng + ")", nil
	case comps.Median:
		return "MEDIAN(" + rng + ")", nil
	case comps.Harmonic:
		// n / Σ(1/x) of the reciprocals' column: HARMEAN's own definition, in a form
		// excelize can evaluate for the cached values.
		return "COUNT(" + rng + ")/SUM(" + cell(colWeight, first) + ":" + cell(colWeight, last) + ")", nil
	case comps.Trimmed:
		// sotp drops k = floor(n × f) from each end, in exact decimals (comps.Trimmed.Of).
		// TRIMMEAN drops floor(n × p / 2) (LibreOffice, excelize) or an even floor(n × p)
		// split between the ends (Excel): p = (2k + 0.5) / n gives k in all three, where
		// p = 2f in binary could fall either side of a whole number (f = 1/3 of three).
		n := len(mult.Companies)
		k := decimal.NewFromInt(int64(n)).Mul(a.Fraction).IntPart()
		return "TRIMMEAN(" + rng + ",(2*" + strconv.FormatInt(k, 10) + "+0.5)/" + strconv.Itoa(n) + ")", nil
	case comps.MarketValueWeighted:
		mv := cell(colValue, first) + ":" + cell(colValue, last)
		return "SUMPRODUCT(" + mv + "," + rng + ")/SUM(" + mv + ")", nil
	case comps.WeightedMean:
		w := cell(colWeight, first) + ":" + cell(colWeight, last)
		return "SUMPRODUCT(" + w + "," + rng + ")/SUM(" + w + ")", nil
	}
	return "", nodes.Refuse(nodes.Aggregate, nodes.Workbook, "set "+set.Name, mult.Aggregate)
}

// sotp writes each part's value as multiple × figure × FX, the sum, the target and the
// upside.
func (b *book) sotp() error {
	sh := SOTP
	if _, err := b.f.NewSheet(sh); err != nil {
		return err
	}
	sum, row, err := b.parts()
	if err != nil {
		return err
	}
	equity, row, err := b.bridge(sum, row)
	if err != nil {
		return err
	}
	if err := b.total(row, "Shares (m)", "="+b.input["shares"], b.num); err != nil {
		return err
	}
	shares := cell(6, row)
	row++
	discount, row, err := b.horizon(row)
	if err != nil {
		return err
	}
	perShare, row, err := b.dilution(equity, shares, discount, row)
	if err != nil {
		return err
	}
	if err := b.target(perShare, discount, row); err != nil {
		return err
	}
	if err := b.rating(row); err != nil {
		return err
	}
	note := "Precision: sotp divides to " + strconv.Itoa(segments.DivPlaces) + " decimal places and rounds nothing until it prints; " +
		"this workbook divides in binary floating point (about 15 significant digits), so its figures agree with sotp's to about 1e-12 relative."
	if err := b.put(sh, 1, row+5, text(note)); err != nil { // the rating and note follow the upside
		return err
	}
	return b.f.SetColWidth(sh, "A", "A", 36)
}

// parts writes the SOTP sheet's head, each part's row and their sum; it returns the
// sum's cell and the next free row.
func (b *book) parts() (string, int, error) {
	for c, h := range []string{"Segment", "Method", "Multiple", "Figure (m)", "FX", "Value (" + string(b.m.Currency) + " m)"} {
		if err := b.put(SOTP, 1+c, 1, text(h)); err != nil {
			return "", 0, err
		}
	}
	row := 2
	for i := range b.r.Parts {
		if err := b.part(i, row); err != nil {
			return "", 0, err
		}
		row++
	}
	last := row - 1
	sum := cell(6, last+1)
	if err := b.total(last+1, "Sum", "=SUM("+cell(6, 2)+":"+cell(6, last)+")", b.num); err != nil {
		return "", 0, err
	}
	return sum, last + 2, nil
}

// target writes the target per share on row (the value a share of the year priced,
// perShare, discounted back), the price and the upside on the two rows below, and
// names the target's cell TARGET.
func (b *book) target(perShare, discount string, row int) error {
	label := "Target per share (" + string(b.m.Currency) + ")"
	if err := b.total(row, label, "="+perShare+"*"+discount, b.num); err != nil {
		return err
	}
	if err := b.total(row+1, "Price", "="+b.input["price"], b.num); err != nil {
		return err
	}
	// Without a price there is no upside (Result.Upside is not valid) and no rating: the
	// cells say so rather than divide by zero.
	price := cell(6, row+1)
	if err := b.total(row+2, "Upside", "=IF("+price+">0,"+cell(6, row)+"/"+price+"-1,\"n/a\")", b.pct); err != nil {
		return err
	}
	return b.f.SetDefinedName(&excelize.DefinedName{Name: "TARGET", RefersTo: ref(SOTP, 6, row)})
}

// rating writes the rating the model's scale gives the upside, below the target (on row
// target), the price and the upside: its bands as nested IFs, blank without a price. A
// model without a scale has none.
func (b *book) rating(target int) error {
	sc := b.m.Scale
	if sc.IsZero() {
		return nil
	}
	price, upside := cell(6, target+1), cell(6, target+2)
	expr := quoted(string(sc.Below))
	for i := len(sc.Bands) - 1; i >= 0; i-- {
		band := sc.Bands[i]
		op := ">"
		if band.Inclusive {
			op = ">="
		}
		expr = fmt.Sprintf("IF(%s%s%s,%s,%s)", upside, op, strconv.FormatFloat(band.Floor.InexactFloat64(), 'g', -1, 64), quoted(string(band.Rating)), expr)
	}
	if err := b.put(SOTP, 1, target+3, text("Rating")); err != nil {
		return err
	}
	return b.put(SOTP, 6, target+3, "=IF("+price+">0,"+expr+",\"\")")
}

// quoted is s as a string in a cell formula: in double quotes, each of its own doubled.
func quoted(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// sources writes where the model's figures come from, one row each: every comparable
// (its close or market value, the date of its close and its source, or why the set left
// it out), every bridge item's and fixed part's note, and every actual the forecast is
// reviewed against. Inputs the model carries no source for are not listed.
func (b *book) sources() error {
	sh := Sources
	if _, err := b.f.NewSheet(sh); err != nil {
		return err
	}
	rows := [][]any{{text("Where the figures come from (figures the model gives no source for are not listed)")},
		{text("Section"), text("Item"), text("Figure"), text("As of"), text("Source")}}
	for i, part := range b.m.Parts {
		title := b.r.Parts[i].Title
		switch m := part.Method.(type) {
		case valuation.Fixed:
			rows = append(rows, []any{text("Part: " + title), text("fixed amount"), num(m.Amount), text(""), text(m.Note)})
		case valuation.Expression:
			rows = append(rows, []any{text("Part: " + title), text("formula"), text(m.Formula.String()), text(""), text(m.Note)})
		case valuation.Multiple:
			for _, c := range m.Comps.Companies {
				figure := "market value " + c.MarketValue.String() + " " + string(c.Currency) + " m"
				if c.MarketValue.IsZero() {
					figure = "close " + c.Close.String() + " " + string(c.Currency)
				}
				source := c.Source
				if reason, ok := m.Comps.Exclude[c.Ticker]; ok {
					source = "excluded: " + reason + "; " + source
				}
				rows = append(rows, []any{text("Comparables: " + title), text(c.Ticker + " " + c.Name), text(figure), text(c.AsOf), text(source)})
			}
		}
	}
	for _, it := range b.m.Bridge.Items {
		rows = append(rows, []any{text("Bridge"), text(it.Name + " (" + it.Kind.String() + ")"), text(""), text(""), text(it.Note)})
	}
	for _, a := range b.m.Actuals {
		source := a.Source
		if a.Derived != "" {
			source += "; derived: " + a.Derived
		}
		rows = append(rows, []any{text("Actual"), text(a.Key.String()), num(a.Value), text(""), text(source)})
	}
	if err := b.rows(sh, rows); err != nil {
		return err
	}
	return b.f.SetColWidth(sh, "A", "E", 28)
}

// total writes a labelled figure of the SOTP sheet: its label in column A, its value or
// formula in column F, in style.
func (b *book) total(row int, label string, v any, style int) error {
	if err := b.put(SOTP, 1, row, text(label)); err != nil {
		return err
	}
	if err := b.put(SOTP, 6, row, v); err != nil {
		return err
	}
	return b.f.SetCellStyle(SOTP, cell(6, row), cell(6, row), style)
}

// part writes part i's row of the SOTP sheet: multiple × figure × FX, each a formula of
// the Comps, Forecast and Inputs sheets; a fixed part's amount as an input; an
// Expression's formula (expression).
func (b *book) part(i, row int) error {
	sh, pv := SOTP, b.r.Parts[i]
	if f, ok := b.m.Parts[i].Method.(valuation.Fixed); ok { // an amount, an input of its own
		for c, v := range []any{text(pv.Title), text(pv.Method), text(""), text(""), text(""), num(f.Amount)} {
			if err := b.put(sh, 1+c, row, v); err != nil {
				return err
			}
		}
		return b.f.SetCellStyle(sh, cell(6, row), cell(6, row), b.inStyle)
	}
	if e, ok := b.m.Parts[i].Method.(valuation.Expression); ok {
		return b.expression(pv, e, row)
	}
	figure, ok := b.segmentFigure(pv.Segment, pv.Metric)
	if !ok {
		return fmt.Errorf("%w: part %s: figure %s", fault.ErrUnsupported, pv.Segment, pv.Metric)
	}
	fx, ok := b.fx(pv.FX.From, pv.FX.To)
	if !ok {
		return fmt.Errorf("%w: part %s: no FX rate %s/%s", fault.ErrUnsupported, pv.Segment, pv.FX.From, pv.FX.To)
	}
	for c, v := range []any{text(pv.Title), text(pv.Method), "=" + b.figure["multiple "+pv.Segment], "=" + figure, "=" + fx,
		"=" + cell(3, row) + "*" + cell(4, row) + "*" + cell(5, row)} {
		if err := b.put(sh, 1+c, row, v); err != nil {
			return err
		}
	}
	return nil
}

// expression writes the SOTP row of a part valued by a formula (valuation.Expression):
// the formula over the segment's cells on the Forecast sheet in column D, its FX rate in
// E and their product in F, so that an input changed in the workbook moves the part as
// sotp would move it.
func (b *book) expression(pv valuation.PartValue, e valuation.Expression, row int) error {
	y := strconv.Itoa(b.m.Year)
	missing := ""
	own := segments.MAU // the segment's own users, as a Year's line finds them
	for _, s := range b.m.Plan.Segments {
		if d := s.Drivers[b.m.Year]; s.Name == pv.Segment && d != nil {
			own = d.Spec().Users()
		}
	}
	at := func(m segments.Metric) string {
		if m == segments.OwnUsers {
			m = own
		}
		if r, ok := b.segmentFigure(pv.Segment, m); ok {
			return r
		}
		if r, ok := b.input[pv.Segment+" "+string(m)+" "+y]; ok { // an input no line shows
			return r
		}
		missing = string(m)
		return "0"
	}
	expr := excel(e.Formula, at, func(segments.Metric) (string, bool) { return "", false })
	if missing != "" {
		return fmt.Errorf("%w: part %s: figure %s", fault.ErrUnsupported, pv.Segment, missing)
	}
	fx, ok := b.fx(pv.FX.From, pv.FX.To)
	if !ok {
		return fmt.Errorf("%w: part %s: no FX rate %s/%s", fault.ErrUnsupported, pv.Segment, pv.FX.From, pv.FX.To)
	}
	for c, v := range []any{text(pv.Title), text(pv.Method), text(""), "=" + expr, "=" + fx, "=" + cell(4, row) + "*" + cell(5, row)} {
		if err := b.put(SOTP, 1+c, row, v); err != nil {
			return err
		}
	}
	return nil
}

// segmentFigure is the reference of segment seg's figure m in the valuation year, as
// segments.Year.LineOf finds it: the segment's line, else the platform's MAU or DAU. A
// MAU or DAU line the forecast leaves out at zero (OmitZero) is the platform's where it
// is zero, as LineOf then finds no line of the segment's.
func (b *book) segmentFigure(seg string, m segments.Metric) (string, bool) {
	y := strconv.Itoa(b.m.Year)
	platform, users := b.input[string(m)+" "+y]
	line, ok := b.figure[seg+" "+string(m)+" "+y]
	switch {
	case !ok:
		return platform, users
	case users && omitsZero(b.m.Plan, seg, b.m.Year, m):
		return "IF(" + line + "=0," + platform + "," + line + ")", true
	}
	return line, true
}

// omitsZero reports whether segment seg's line m in year y is one the forecast leaves
// out at zero (segments.LineSpec.OmitZero).
func omitsZero(p segments.Plan, seg string, y int, m segments.Metric) bool {
	for _, s := range p.Segments {
		if d := s.Drivers[y]; s.Name == seg && d != nil {
			return slices.ContainsFunc(d.Spec().Lines, func(l segments.LineSpec) bool { return l.Metric == m && l.OmitZero })
		}
	}
	return false
}

// sotpInput writes an input of the SOTP sheet (a bridge item's amount, a tranche's count),
// styled as the Inputs sheet's are, and returns its cell.
func (b *book) sotpInput(col, row int, v float64, style int) (string, error) {
	if err := b.put(SOTP, col, row, v); err != nil {
		return "", err
	}
	if err := b.f.SetCellStyle(SOTP, cell(col, row), cell(col, row), style); err != nil {
		return "", err
	}
	return cell(col, row), nil
}

// bridge writes the bridge from the sum (a cell) to equity, as valuation.Model works it
// out: each item's amount (a listed stake's shares and price), FX and discount as inputs
// and its value as a formula, then the holding-company discount on its base; it returns
// the cell of equity (the sum, without a bridge) and the next free row.
func (b *book) bridge(sum string, row int) (string, int, error) {
	br := b.m.Bridge
	if br.IsZero() {
		return sum, row, nil
	}
	for c, h := range []string{"Bridge", "Kind", "Amount or shares (m)", "Price", "FX", "Value (" + string(b.m.Currency) + " m)", "Discount"} {
		if err := b.put(SOTP, 1+c, row, text(h)); err != nil {
			return "", 0, err
		}
	}
	row++
	first := row
	var stakes []string
	for _, it := range br.Items {
		if err := b.bridgeItem(it, row); err != nil {
			return "", 0, err
		}
		if it.Kind == valuation.ListedStake || it.Kind == valuation.UnlistedStake {
			stakes = append(stakes, cell(6, row))
		}
		row++
	}
	before := sum + "+SUM(" + cell(6, first) + ":" + cell(6, row-1) + ")"
	if len(br.Items) == 0 {
		before = sum
	}
	if err := b.holdco(before, stakes, row); err != nil {
		return "", 0, err
	}
	label := "Equity (" + string(b.m.Currency) + " m)"
	if b.convertibles() {
		label = "Equity before the convertible bonds (" + string(b.m.Currency) + " m)"
	}
	if err := b.total(row+1, label, "="+before+"+"+cell(6, row), b.num); err != nil {
		return "", 0, err
	}
	return cell(6, row+1), row + 2, nil
}

// bridgeItem writes a bridge item on row: its label, kind and FX, its amount (a listed
// stake's shares) as an input, and its value as a formula of them.
func (b *book) bridgeItem(it valuation.Item, row int) error {
	fx, ok := b.fx(it.Currency, b.m.Currency)
	if it.Currency == "" {
		fx, ok = "1", true
	}
	if !ok {
		return fmt.Errorf("%w: bridge %s: no FX rate %s/%s", fault.ErrUnsupported, it.Name, it.Currency, b.m.Currency)
	}
	label := it.Name
	if it.Note != "" {
		label += " (" + it.Note + ")"
	}
	if err := b.put(SOTP, 1, row, text(label)); err != nil {
		return err
	}
	if err := b.put(SOTP, 2, row, text(it.Kind.String())); err != nil {
		return err
	}
	if err := b.put(SOTP, 5, row, "="+fx); err != nil {
		return err
	}
	v, err := b.itemValue(it, row)
	if err != nil {
		return err
	}
	return b.put(SOTP, 6, row, "="+v)
}

// itemValue is the expression of a bridge item's value on row: its kind's formula
// (valuation.ItemKind.Formula, as sotp values it) over its fields, each an input of the
// row (the amount, or a listed stake's shares, in column C, its price in D, its
// discount in G), and its FX rate in E.
func (b *book) itemValue(it valuation.Item, row int) (string, error) {
	var failed error
	at := func(m segments.Metric) string {
		var c string
		var err error
		switch m {
		case "amount":
			c, err = b.sotpInput(3, row, num(it.Amount), b.inStyle)
		case "shares":
			c, err = b.sotpInput(3, row, num(it.Shares), b.inStyle)
		case "price":
			c, err = b.sotpInput(4, row, num(it.Price), b.inStyle)
		case "discount":
			c, err = b.sotpInput(7, row, num(it.Discount), b.pctInput())
		case "rate":
			c = cell(5, row)
		default:
			err = fmt.Errorf("%w: bridge %s: field %s", fault.ErrUnsupported, it.Name, m)
		}
		if err != nil && failed == nil {
			failed = err
		}
		return c
	}
	f := it.Kind.Formula()
	if f.Op == 0 {
		return "", fmt.Errorf("%w: bridge %s: kind %s", fault.ErrUnsupported, it.Name, it.Kind)
	}
	v := excel(f, at, func(segments.Metric) (string, bool) { return "", false })
	return v, failed
}

// holdco writes the holding-company discount on row: its rate as an input, and its
// amount, negative, on equity before it (before) or on the stakes (the cells of their
// values).
func (b *book) holdco(before string, stakes []string, row int) error {
	base, on := "("+before+")", "on equity"
	if b.m.Bridge.HoldcoBase == valuation.OnStakes {
		base, on = "(0", "on the stakes"
		for _, s := range stakes {
			base += "+" + s
		}
		base += ")"
	}
	if err := b.put(SOTP, 1, row, text("Holding-company discount, "+on)); err != nil {
		return err
	}
	d, err := b.sotpInput(7, row, num(b.m.Bridge.HoldcoDiscount), b.pctInput())
	if err != nil {
		return err
	}
	return b.put(SOTP, 6, row, "=-"+base+"*"+d)
}

// convertibles reports whether the dilution has convertible bonds.
func (b *book) convertibles() bool {
	return slices.ContainsFunc(b.m.Dilution.Tranches, func(t valuation.Tranche) bool { return t.Convertible })
}

// horizon writes the horizon's discount factor, (1 + rate)^-years of its two inputs, and
// returns its expression ("1" without a horizon) and the next free row.
func (b *book) horizon(row int) (string, int, error) {
	h := b.m.Horizon
	if h.IsZero() {
		return "1", row, nil
	}
	if err := b.put(SOTP, 1, row, text("Horizon: cost of equity (C) over years (D), discounted back")); err != nil {
		return "", 0, err
	}
	r, err := b.sotpInput(3, row, num(h.Rate), b.pctInput())
	if err != nil {
		return "", 0, err
	}
	y, err := b.sotpInput(4, row, num(h.Years), b.inStyle)
	if err != nil {
		return "", 0, err
	}
	if err := b.put(SOTP, 6, row, "=(1+"+r+")^(-"+y+")"); err != nil {
		return "", 0, err
	}
	return cell(6, row), row + 1, nil
}

// dilution writes the value a share of the year priced: equity over the shares without a
// dilution; with one, each tranche's count and strike as inputs and the treasury stock
// and if-converted methods at the model's basis as valuation works them out. At the
// price, a tranche is in the money when struck below it. At the value or the target,
// the candidate value with the k tranches of lowest effective strike in the money, u_k =
// (equity − faces + Σ count × strike') / (shares + Σ count), is written for every k, and
// the value is the one candidate that leaves those k below it and the others at or
// above (valuation.Model's closed form; the order is taken by SMALL and RANK at each
// recalculation, so a strike changed in the workbook reorders the tranches). The sums
// over the tranches are of helper columns by SUMIF and two-range SUMPRODUCT, never
// array arithmetic, which excelize cannot evaluate for the cached values: a tranche is
// among the k lowest when the rank of its effective strike (RANK, ties sharing the
// lower) is k or less, which is eff ≤ SMALL(eff, k).
func (b *book) dilution(equity, shares, discount string, row int) (string, int, error) {
	dl := b.m.Dilution
	if dl.IsZero() {
		if err := b.total(row, "Value a share of the year priced", "="+equity+"/"+shares, b.num); err != nil {
			return "", 0, err
		}
		return cell(6, row), row + 1, nil
	}
	heads := []string{"Dilution (" + dl.Basis.String() + ")", "Kind", "Count (m)", "Strike", "Effective strike", "Face of a bond", "Convertible"}
	if dl.Basis == valuation.AtPrice {
		heads = append(heads, "In the money", "Options' count", "Options' count × strike", "Bonds' count")
	} else {
		heads = append(heads, "Rank of the effective strike", "Count × effective strike")
	}
	for c, h := range heads {
		if err := b.put(SOTP, 1+c, row, text(h)); err != nil {
			return "", 0, err
		}
	}
	row++
	dt := dilutionTable{b: b, first: row, last: row + len(dl.Tranches) - 1, shares: shares}
	dt.base = "(" + equity + "-SUM(" + dt.col(6) + "))"
	absCol := func(c int) string {
		return ref(SOTP, c, dt.first)[len(SOTP)+1:] + ":" + ref(SOTP, c, dt.last)[len(SOTP)+1:]
	}
	price := b.input["price"]
	for _, t := range dl.Tranches {
		if err := b.tranche(t, row, discount, price, absCol(5)); err != nil {
			return "", 0, err
		}
		row++
	}
	if dl.Basis == valuation.AtPrice {
		return dt.atPrice(price, row)
	}
	return dt.atValue(row)
}

// dilutionTable is the dilution's tranches on the SOTP sheet, rows first to last, and
// what the value a share is worked out from: base, equity less the faces of the bonds,
// and the cell of the share count.
type dilutionTable struct {
	b            *book
	first, last  int
	base, shares string
}

// col is the range of column c over the tranches.
func (dt dilutionTable) col(c int) string { return cell(c, dt.first) + ":" + cell(c, dt.last) }

// atPrice writes on row the value a share diluted at the price: the tranches struck
// below it in the money, an option's count less the shares its strike buys back at the
// price, a bond's count with its face added back. It returns the value's cell and the
// next free row.
func (dt dilutionTable) atPrice(price string, row int) (string, int, error) {
	col := dt.col
	in := col(8)
	u := "=(" + dt.base + "+SUMPRODUCT(" + in + "," + col(6) + "))/(" + dt.shares + "+SUMPRODUCT(" + in + "," + col(9) + ")-SUMPRODUCT(" + in + "," + col(10) + ")/" + price +
		"+SUMPRODUCT(" + in + "," + col(11) + "))"
	if err := dt.b.total(row, "Value a share of the year priced, diluted at the price", u, dt.b.num); err != nil {
		return "", 0, err
	}
	return dt.b.bondsDeducted(dt.base, price, dt.first, dt.last, row)
}

// atValue writes from row the candidate value u_k for every k, and under them the value
// a share diluted at the value or the target: the one candidate that leaves the k
// tranches of lowest effective strike below it and the others at or above. It returns
// the value's cell and the next free row.
func (dt dilutionTable) atValue(row int) (string, int, error) {
	b := dt.b
	for c, h := range []string{"Tranches in the money (k)", "Strike of the k-th", "Strike of the next", "", "Value with k in (u_k)", "The one"} {
		if err := b.put(SOTP, 1+c, row, text(h)); err != nil {
			return "", 0, err
		}
	}
	row++
	n := len(b.m.Dilution.Tranches)
	kFirst := row
	for k := 0; k <= n; k++ {
		if err := dt.candidate(k, row); err != nil {
			return "", 0, err
		}
		row++
	}
	us, ones := cell(5, kFirst)+":"+cell(5, row-1), cell(6, kFirst)+":"+cell(6, row-1)
	if err := b.total(row, "Value a share of the year priced, diluted at the "+b.m.Dilution.Basis.String(), "=SUMPRODUCT("+ones+","+us+")/SUM("+ones+")", b.num); err != nil {
		return "", 0, err
	}
	return b.bondsDeducted(dt.base, cell(6, row), dt.first, dt.last, row) // a bond converts below the value
}

// candidate writes on row the candidate with the k tranches of lowest effective strike
// in the money: k, the k-th and the next effective strikes (unbounded past the ends),
// u_k, and 1 where u_k lies above the k-th and at or below the next, else 0.
func (dt dilutionTable) candidate(k, row int) error {
	n, col := len(dt.b.m.Dilution.Tranches), dt.col
	lo, hi := "-1E+300", "1E+300"
	if k > 0 {
		lo = "SMALL(" + col(5) + "," + strconv.Itoa(k) + ")"
	}
	if k < n {
		hi = "SMALL(" + col(5) + "," + strconv.Itoa(k+1) + ")"
	}
	in := `"<="&` + cell(1, row)
	u := "=(" + dt.base + "+SUMIF(" + col(8) + "," + in + "," + col(9) + "))/(" + dt.shares + "+SUMIF(" + col(8) + "," + in + "," + col(3) + "))"
	if k == 0 {
		u = "=" + dt.base + "/" + dt.shares
	}
	one := "=IF(AND(" + cell(2, row) + "<" + cell(5, row) + "," + cell(5, row) + "<=" + cell(3, row) + "),1,0)"
	for c, v := range map[int]any{1: k, 2: "=" + lo, 3: "=" + hi, 5: u, 6: one} {
		if err := dt.b.put(SOTP, c, row, v); err != nil {
			return err
		}
	}
	return nil
}

// tranche writes a dilution tranche on row: its name and kind, count and strike as
// inputs, its effective strike, face and convertibility, and the helper columns the
// basis sums over (effs: the absolute range of the effective strikes).
func (b *book) tranche(t valuation.Tranche, row int, discount, price, effs string) error {
	kind, conv := "option", 0
	if t.Convertible {
		kind, conv = "convertible", 1
	}
	for c, v := range []any{text(t.Name), text(kind)} {
		if err := b.put(SOTP, 1+c, row, v); err != nil {
			return err
		}
	}
	count, err := b.sotpInput(3, row, num(t.Count), b.inStyle)
	if err != nil {
		return err
	}
	strike, err := b.sotpInput(4, row, num(t.Strike), b.inStyle)
	if err != nil {
		return err
	}
	eff := "=" + strike
	if !t.Convertible && b.m.Dilution.Basis == valuation.AtTarget {
		eff = "=" + strike + "/" + discount
	}
	g := cell(7, row)
	cells := []any{eff, "=" + count + "*" + strike + "*" + g, conv}
	if b.m.Dilution.Basis == valuation.AtPrice {
		cells = append(cells, "=IF("+strike+"<"+price+",1,0)", "=(1-"+g+")*"+count, "=(1-"+g+")*"+count+"*"+strike, "="+g+"*"+count)
	} else {
		cells = append(cells, "=RANK("+cell(5, row)+","+effs+",1)", "="+count+"*"+cell(5, row))
	}
	for c, v := range cells {
		if err := b.put(SOTP, 5+c, row, v); err != nil {
			return err
		}
	}
	return nil
}

// bondsDeducted writes, under the value a share on row, the equity it divides: equity
// with the face of each bond that converts (struck below x, the value or the price) and
// without those that stay debt, as Result.Equity holds it, each tranche's converting
// face in a column of its own; it returns the value's cell and the next free row.
func (b *book) bondsDeducted(base, x string, first, last, row int) (string, int, error) {
	if !b.convertibles() {
		return cell(6, row), row + 1, nil
	}
	c := 12
	if err := b.put(SOTP, c, first-1, text("Face converting")); err != nil {
		return "", 0, err
	}
	for r := first; r <= last; r++ {
		if err := b.put(SOTP, c, r, "=IF("+cell(4, r)+"<"+x+","+cell(6, r)+",0)"); err != nil {
			return "", 0, err
		}
	}
	eq := "=" + base + "+SUM(" + cell(c, first) + ":" + cell(c, last) + ")"
	if err := b.total(row+1, "Equity ("+string(b.m.Currency)+" m), the bonds that stay debt deducted", eq, b.num); err != nil {
		return "", 0, err
	}
	return cell(6, row), row + 2, nil
}

// fx is the expression of the rate from one currency to another, as comps.FX.Pair works
// it out: 1, an Inputs cell, one over the opposite pair's, or the product of the two
// legs of a rate crossed through a third currency; false when the Inputs sheet has none
// of them.
func (b *book) fx(from, to comps.Currency) (string, bool) {
	if from == to {
		return "1", true
	}
	if r, ok := b.input["fx "+string(from)+"/"+string(to)]; ok {
		return r, true
	}
	if r, ok := b.input["fx "+string(to)+"/"+string(from)]; ok {
		return "(1/" + r + ")", true
	}
	p, err := b.m.FX.Pair(from, to)
	if err != nil || p.Via == "" {
		return "", false
	}
	a, okA := b.fx(from, p.Via)
	c, okC := b.fx(p.Via, to)
	return a + "*" + c, okA && okC
}

// pnl writes the P&L as formulas: each line's given amount or ratio as an input, its
// value (signed as it adds to profit: costs negative) as a formula of it and of the
// Forecast's revenue, then cost of sales, gross profit and margin, net profit, EPS, BVPS
// and the multiples at the price, as the earnings package works them out.
func (b *book) pnl() error {
	ep := b.m.Earnings
	if ep.IsZero() {
		return nil
	}
	p := b.m.Plan
	ps := &pnlSheet{b: b, years: p.Years, row: 2}
	if _, err := b.f.NewSheet(PnL); err != nil {
		return err
	}
	if err := b.put(PnL, 1, 1, text("P&L ("+p.Currency+" m)")); err != nil {
		return err
	}
	for j, y := range p.Years {
		if err := b.put(PnL, 2+j, 1, text(strconv.Itoa(y))); err != nil {
			return err
		}
	}
	revenue, err := ps.line("Revenue", func(_, y int) any {
		var terms []string
		for _, s := range p.Segments {
			if f := b.figure[s.Name+" "+string(segments.Revenue)+" "+strconv.Itoa(y)]; f != "" { // none before a segment starts
				terms = append(terms, f)
			}
		}
		if len(terms) == 0 { // no segment has started: no revenue
			return 0
		}
		return "=" + strings.Join(terms, "+")
	}, b.money)
	if err != nil {
		return err
	}
	costs, all, err := ps.items(ep, revenue)
	if err != nil {
		return err
	}
	return ps.totals(ep, revenue, costs, all)
}

// pnlSheet is the P&L sheet being written, a row at a time.
type pnlSheet struct {
	b     *book
	years []int
	row   int
}

// line writes a row of the P&L: its label, and for each year the value or formula
// cellOf gives ("" leaves the cell empty), in style; it returns the row.
func (ps *pnlSheet) line(label string, cellOf func(j, y int) any, style int) (int, error) {
	b := ps.b
	if err := b.put(PnL, 1, ps.row, text(label)); err != nil {
		return 0, err
	}
	for j, y := range ps.years {
		v := cellOf(j, y)
		if v == "" {
			continue
		}
		if err := b.put(PnL, 2+j, ps.row, v); err != nil {
			return 0, err
		}
		if err := b.f.SetCellStyle(PnL, cell(2+j, ps.row), cell(2+j, ps.row), style); err != nil {
			return 0, err
		}
	}
	ps.row++
	return ps.row - 1, nil
}

// yearCells is the cell of row r in year column j.
func yearCells(r int) func(j int) string { return func(j int) string { return cell(2+j, r) } }

// items writes each P&L line: its given amount or ratio as an input, and its value
// (costs negative) as a formula of it and of revenue; it returns the cells of the costs of
// sales and of every line.
func (ps *pnlSheet) items(ep earnings.PnL, revenue int) (costs, all []func(j int) string, err error) {
	for _, l := range ep.Lines {
		given, err := ps.given(l)
		if err != nil {
			return nil, nil, err
		}
		value, err := ps.value(l, given, revenue)
		if err != nil {
			return nil, nil, err
		}
		all = append(all, yearCells(value))
		if l.Kind == earnings.CostOfSales {
			costs = append(costs, yearCells(value))
		}
	}
	return costs, all, nil
}

// given writes a P&L line's given amount or ratio by year, as an input (a ratio as a
// percentage), and returns its row.
func (ps *pnlSheet) given(l earnings.LineItem) (int, error) {
	b := ps.b
	given, err := ps.line("  "+l.Label+": given", func(_, y int) any {
		v, ok := l.Years[y]
		switch {
		case !ok:
			return ""
		case v.ByRatio:
			return num(v.Ratio)
		}
		return num(v.Amount)
	}, b.inStyle)
	if err != nil {
		return 0, err
	}
	for j, y := range ps.years {
		if v, ok := l.Years[y]; ok && v.ByRatio {
			if err := b.f.SetCellStyle(PnL, cell(2+j, given), cell(2+j, given), b.pctInput()); err != nil {
				return 0, err
			}
		}
	}
	return given, nil
}

// value writes a P&L line's value by year, signed as it adds to profit (costs negative),
// as a formula of its given row: the amount, or the ratio × revenue (the group's, on
// row revenue, or its segment's: 0 before the segment starts). It returns its row.
func (ps *pnlSheet) value(l earnings.LineItem, given, revenue int) (int, error) {
	b := ps.b
	sign := "-"
	if l.Kind == earnings.Other {
		sign = ""
	}
	return ps.line(l.Label, func(j, y int) any {
		v, ok := l.Years[y]
		if !ok {
			return ""
		}
		if !v.ByRatio {
			return "=" + sign + cell(2+j, given)
		}
		base := yearCells(revenue)(j)
		if v.Of != "" {
			base = b.figure[v.Of+" "+string(segments.Revenue)+" "+strconv.Itoa(y)]
			if base == "" { // the segment has not started: no revenue
				base = "0"
			}
		}
		return "=" + sign + cell(2+j, given) + "*" + base
	}, b.money)
}

// sumOf is the formula of the sum of rows, year by year; 0 of none.
func sumOf(rows []func(j int) string) func(j, y int) any {
	return func(j, _ int) any {
		if len(rows) == 0 {
			return 0
		}
		terms := make([]string, len(rows))
		for i, r := range rows {
			terms[i] = r(j)
		}
		return "=" + strings.Join(terms, "+")
	}
}

// totals writes cost of sales, gross profit and margin, net profit, the share count, EPS,
// equity and BVPS, then the multiples at the price.
func (ps *pnlSheet) totals(ep earnings.PnL, revenue int, costs, all []func(j int) string) error {
	b, cur := ps.b, ps.b.m.Plan.Currency
	cos, err := ps.line("Total cost of sales", sumOf(costs), b.money)
	if err != nil {
		return err
	}
	gross, err := ps.line("Gross profit", func(j, _ int) any { return "=" + yearCells(revenue)(j) + "+" + yearCells(cos)(j) }, b.money)
	if err != nil {
		return err
	}
	if _, err := ps.line("Gross margin", func(j, _ int) any { // a margin of positive revenue only, as earnings works it out
		return "=IF(" + yearCells(revenue)(j) + ">0," + yearCells(gross)(j) + "/" + yearCells(revenue)(j) + ",\"n/a\")"
	}, b.pct); err != nil {
		return err
	}
	net, err := ps.line("Net profit", func(j, y int) any { // the plan has lines: IsZero above
		return "=" + yearCells(revenue)(j) + "+" + sumOf(all)(j, y).(string)[1:]
	}, b.money)
	if err != nil {
		return err
	}
	shares, err := ps.line("Shares (m)", func(_, y int) any {
		if s, ok := ep.Shares[y]; ok {
			return num(s)
		}
		return ""
	}, b.inStyle)
	if err != nil {
		return err
	}
	eps, err := ps.line("EPS ("+cur+")", func(j, _ int) any { return "=" + yearCells(net)(j) + "/" + yearCells(shares)(j) }, b.perShare)
	if err != nil {
		return err
	}
	bvps := 0
	if len(ep.Equity) > 0 {
		equity, err := ps.line("Equity (m)", func(_, y int) any {
			if q, ok := ep.Equity[y]; ok {
				return num(q)
			}
			return ""
		}, b.inStyle)
		if err != nil {
			return err
		}
		if bvps, err = ps.line("BVPS ("+cur+")", func(j, y int) any {
			if _, ok := ep.Equity[y]; !ok {
				return ""
			}
			return "=" + yearCells(equity)(j) + "/" + yearCells(shares)(j)
		}, b.perShare); err != nil {
			return err
		}
	}
	if err := ps.multiples(revenue, shares, eps, bvps); err != nil {
		return err
	}
	return b.f.SetColWidth(PnL, "A", "A", 40)
}

// multiples writes P/E, P/B (with BVPS) and P/S at the price, in the price's currency: the
// price over a per-share figure where that is positive, as earnings.Statement takes them.
// A model without a price, or without a rate to the price's currency, has none.
func (ps *pnlSheet) multiples(revenue, shares, eps, bvps int) error {
	b := ps.b
	rate, ok := b.fx(comps.Currency(b.m.Plan.Currency), b.m.Currency)
	if b.m.Price.Sign() <= 0 || !ok {
		return nil
	}
	multiple := func(per func(j int) string) func(j, y int) any {
		return func(j, _ int) any {
			x := "(" + per(j) + "*" + rate + ")"
			return "=IF(" + x + ">0," + b.input["price"] + "/" + x + ",\"n/a\")"
		}
	}
	if _, err := ps.line("P/E", multiple(yearCells(eps)), b.mult); err != nil {
		return err
	}
	if bvps > 0 {
		if _, err := ps.line("P/B", multiple(yearCells(bvps)), b.mult); err != nil {
			return err
		}
	}
	_, err := ps.line("P/S", multiple(func(j int) string { return "(" + yearCells(revenue)(j) + "/" + yearCells(shares)(j) + ")" }), b.mult)
	return err
}

// staticNote heads every sheet of values: unlike the model's sheets, they do not follow
// a change of the Inputs sheet.
const staticNote = "Values worked out by sotp when the workbook was written: they do not recalculate when the Inputs sheet changes."

// extras writes the sheets of values x asks for.
func (b *book) extras(x Extras) error {
	for i, gs := range x.Grids {
		if err := b.gridSheet(fmt.Sprintf("Grid %d", i+1), gs); err != nil {
			return err
		}
	}
	type sheet struct {
		name string
		rows [][]any
	}
	var sheets []sheet
	for i, t := range x.Tornados {
		sheets = append(sheets, sheet{fmt.Sprintf("Tornado %d", i+1), b.tornadoRows(t)})
	}
	for i, c := range x.Scenarios {
		sheets = append(sheets, sheet{fmt.Sprintf("Scenarios %d", i+1), b.scenarioRows(c)})
	}
	for i, mc := range x.MonteCarlos {
		sheets = append(sheets, sheet{fmt.Sprintf("Monte Carlo %d", i+1), b.monteCarloRows(mc)})
	}
	for i, ix := range x.Sobols {
		sheets = append(sheets, sheet{fmt.Sprintf("Sobol %d", i+1), b.sobolRows(ix)})
	}
	for i, sc := range x.Screenings {
		sheets = append(sheets, sheet{fmt.Sprintf("Morris %d", i+1), b.morrisRows(sc)})
	}
	for i, sx := range x.Shapleys {
		sheets = append(sheets, sheet{fmt.Sprintf("Shapley %d", i+1), b.shapleyRows(sx)})
	}
	if len(x.Printed) > 0 {
		sheets = append(sheets, sheet{"Reconciliation", b.reconciliationRows(x.Printed)})
	}
	for _, sh := range sheets {
		if _, err := b.f.NewSheet(sh.name); err != nil {
			return err
		}
		if err := b.rows(sh.name, sh.rows); err != nil {
			return err
		}
	}
	return nil
}

// tornadoRows are a tornado's sheet: each assumption's swing and the output at its ends.
func (b *book) tornadoRows(t sensitivity.Tornado) [][]any {
	out := b.caption(t.Output)
	rows := [][]any{{text("Tornado: " + out)}, {text("assumption"), text("base"), text("low"), text("high"), text(out + " at low"), text("at high"), text("range")}}
	for _, bar := range t.Bars {
		var width any = text("n/a") // an end without a value: no range, not a range of 0
		if bar.Low.Err == nil && bar.High.Err == nil {
			width = b.inUnit(t.Output, num(bar.Range))
		}
		rows = append(rows, []any{text(b.caption(bar.Name)), b.inUnit(bar.Name, num(bar.Input)), b.inUnit(bar.Name, num(bar.Swing.Low)),
			b.inUnit(bar.Name, num(bar.Swing.High)), b.inUnit(t.Output, cellValue(bar.Low)), b.inUnit(t.Output, cellValue(bar.High)), width})
	}
	return rows
}

// scenarioRows are a comparison of scenarios: each output at the base and in each.
func (b *book) scenarioRows(c sensitivity.Comparison) [][]any {
	head := []any{text("output"), text("base")}
	for _, sc := range c.Scenarios {
		head = append(head, text(sc.Name))
	}
	rows := [][]any{head}
	for o, out := range c.Outputs {
		row := []any{text(b.caption(out))}
		if o < len(c.Base) {
			row = append(row, b.inUnit(out, num(c.Base[o])))
		}
		for _, cell := range c.Cells {
			if cell.Err != nil || o >= len(cell.Values) {
				row = append(row, text("n/a"))
			} else {
				row = append(row, b.inUnit(out, num(cell.Values[o])))
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// monteCarloRows are a Monte Carlo summary and its histogram.
func (b *book) monteCarloRows(mc sensitivity.Summary) [][]any {
	in := func(v float64) any { return b.inUnit(mc.Output, v) }
	rows := [][]any{{text("Monte Carlo: " + b.caption(mc.Output))}, {text("draws"), mc.Draws}, {text("valid"), mc.Valid},
		{text("mean"), in(mc.Mean)}, {text("sd"), in(mc.SD)}, {text("P5"), in(mc.P5)}, {text("P50"), in(mc.P50)}, {text("P95"), in(mc.P95)},
		{text("min"), in(mc.Min)}, {text("max"), in(mc.Max)}, {text("threshold"), in(mc.Threshold)}, {text("share above"), styled{mc.PAbove, b.pct}},
		{}, {text("from"), text("to"), text("draws")}}
	for _, bin := range mc.Histogram {
		rows = append(rows, []any{in(bin.Lo), in(bin.Hi), bin.Count})
	}
	for _, in := range mc.Invalid {
		rows = append(rows, []any{text("left out: " + in.Reason), in.Count})
	}
	return rows
}

// sobolRows are one output's Sobol indices, with second-order ones when asked.
func (b *book) sobolRows(ix sensitivity.Indices) [][]any {
	rows := [][]any{{text("Sobol indices: " + b.caption(ix.Output))}, {text("rows"), ix.Rows}, {text("variance"), ix.Variance},
		{text("intervals"), text(ix.Intervals)}, {},
		{text("input"), text("inputs moved"), text("first"), text("low"), text("high"), text("total"), text("low"), text("high")}}
	for _, in := range ix.Inputs {
		rows = append(rows, []any{text(b.caption(in.Name)), text(b.captions(in.Members)), in.First, in.FirstLo, in.FirstHi, in.Total, in.TotalLo, in.TotalHi})
	}
	if len(ix.Pairs) > 0 {
		rows = append(rows, []any{}, []any{text("pair"), text(""), text("second"), text("low"), text("high")})
		for _, p := range ix.Pairs {
			rows = append(rows, []any{text(b.caption(p.A)), text(b.caption(p.B)), p.Second, p.Lo, p.Hi})
		}
	}
	for _, in := range ix.Invalid {
		rows = append(rows, []any{text("left out: " + in.Reason), in.Count})
	}
	return rows
}

// morrisRows are a Morris screening, inputs ranked by mu*.
func (b *book) morrisRows(sc sensitivity.Screening) [][]any {
	rows := [][]any{{text("Morris screening: " + b.caption(sc.Output))}, {text("trajectories"), sc.Trajectories}, {},
		{text("input"), text("inputs moved"), text("mu*"), text("low"), text("high"), text("mu"), text("sigma")}}
	for _, e := range sc.Ranked() {
		rows = append(rows, []any{text(b.caption(e.Name)), text(b.captions(e.Members)), e.MuStar, e.MuStarLo, e.MuStarHi, e.Mu, e.Sigma})
	}
	for _, in := range sc.Invalid {
		rows = append(rows, []any{text("left out: " + in.Reason), in.Count})
	}
	return rows
}

// shapleyRows are one output's Shapley effects.
func (b *book) shapleyRows(sx sensitivity.ShapleyEffects) [][]any {
	rows := [][]any{{text("Shapley effects: " + b.caption(sx.Output))}, {text("permutations"), sx.Permutations}, {text("variance"), sx.Variance}, {},
		{text("input"), text("effect"), text("low"), text("high")}}
	for j, n := range sx.Names {
		rows = append(rows, []any{text(b.caption(n)), sx.Effects[j], sx.Lo[j], sx.Hi[j]})
	}
	return rows
}

// reconciliationRows are the printed figures against the model's, each with its status.
func (b *book) reconciliationRows(printed []valuation.Printed) [][]any {
	rows := [][]any{{text("Table"), text("Row"), text("Column"), text("Printed"), text("Computed"), text("Status")}}
	for _, c := range b.r.Reconcile(printed).Checks { // the statuses of valuation.Reconciliation's table
		var computed any = text("-")
		status := "ok"
		if c.Err != nil {
			status = "not computable: " + c.Err.Error()
		} else {
			computed = b.inUnit(c.Key, num(c.Computed))
		}
		switch {
		case c.Exception != "" && c.Match:
			status = "SURPRISE: matches, but listed as exception: " + c.Exception
		case c.Exception != "":
			status = "exception: " + c.Exception
		case !c.Match && c.Err == nil:
			status = "MISMATCH"
		case !c.Match:
			status = "MISMATCH, " + status
		}
		rows = append(rows, []any{text(c.Table), text(c.Row), text(c.Column), b.inUnit(c.Key, num(c.Value)), computed, text(status)})
	}
	return rows
}

// caption is how the analysis sheets name a figure or assumption: its title and unit
// (valuation.Result.Caption: "2021E MAU (m)" for forecast/2021/mau), as charts and the
// CLI's charts do; a name that is not a key (a group of inputs) as it is.
func (b *book) caption(name string) string {
	if k, err := key.Parse(name); err == nil {
		return b.r.Caption(k)
	}
	return name
}

// captions is the captions of names, joined by commas.
func (b *book) captions(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = b.caption(n)
	}
	return strings.Join(out, ", ")
}

// cellValue is a grid or tornado cell's first output, or the reason it has none.
func cellValue(c sensitivity.Cell) any {
	if c.Err != nil || len(c.Values) == 0 {
		return text("n/a")
	}
	return num(c.Values[0])
}

// rows writes rows of values and texts into sheet from A1, a styled value in its style;
// a float that is not a number is written as the text "n/a", which every spreadsheet
// can hold.
func (b *book) rows(sheet string, rows [][]any) error {
	rows = append([][]any{{text(staticNote)}}, rows...)
	for r, row := range rows {
		for c, v := range row {
			style := 0
			if s, ok := v.(styled); ok {
				v, style = s.v, s.style
			}
			if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
				v, style = text("n/a"), 0
			}
			if err := b.put(sheet, 1+c, 1+r, v); err != nil {
				return err
			}
			if style != 0 {
				if err := b.f.SetCellStyle(sheet, cell(1+c, 1+r), cell(1+c, 1+r), style); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// styled is a value of an analysis sheet with the style it is shown in.
type styled struct {
	v     any
	style int
}

// inUnit is v, a value of the figure or assumption name, styled as its unit shows it
// (valuation.Result.Label): a percentage as one, 0.337 under "Upside (%)" as 33.70%;
// a text (n/a) or a value of another unit as it is.
func (b *book) inUnit(name string, v any) any {
	k, err := key.Parse(name)
	if _, isText := v.(text); err != nil || isText {
		return v
	}
	if _, unit := b.r.Label(k); unit == "%" {
		return styled{v, b.pct}
	}
	return v
}

// gridOutput is the index of gs's output among its grid's outputs (the last of that
// name), or fault.ErrUnsupported for a grid without the output or without one or two
// axes.
func gridOutput(gs GridSheet) (int, error) {
	o := -1
	for i, name := range gs.Grid.Outputs {
		if name == gs.Output {
			o = i
		}
	}
	if o < 0 || len(gs.Grid.Axes) < 1 || len(gs.Grid.Axes) > 2 {
		return 0, fmt.Errorf("%w: grid sheet of %s: one or two axes and the output are wanted", fault.ErrUnsupported, gs.Output)
	}
	return o, nil
}

// gridSheet writes one output of a grid: rows by columns for two axes, a column for one,
// with a three-colour scale over the values.
func (b *book) gridSheet(sh string, gs GridSheet) error {
	g := gs.Grid
	o, err := gridOutput(gs)
	if err != nil {
		return err
	}
	if _, err := b.f.NewSheet(sh); err != nil {
		return err
	}
	value := func(idx ...int) any {
		c, err := g.Cell(idx...)
		if err != nil || c.Err != nil || o >= len(c.Values) {
			return text("n/a")
		}
		return num(c.Values[o])
	}
	out, a0 := b.caption(gs.Output), b.caption(g.Axes[0].Name)
	rows := [][]any{{text(out + " by " + a0)}}
	var first, last string
	if len(g.Axes) == 1 {
		rows = append(rows, []any{text(a0), text(out)})
		for i, v := range g.Axes[0].Values {
			rows = append(rows, []any{b.inUnit(g.Axes[0].Name, num(v)), b.inUnit(gs.Output, value(i))})
		}
		first, last = cell(2, 4), cell(2, 3+len(g.Axes[0].Values)) // below the note, the title and the head
	} else {
		rows[0][0] = text(out + " by " + a0 + " (rows) × " + b.caption(g.Axes[1].Name) + " (columns)")
		head := []any{text("")}
		for _, v := range g.Axes[1].Values {
			head = append(head, b.inUnit(g.Axes[1].Name, num(v)))
		}
		rows = append(rows, head)
		for i, v := range g.Axes[0].Values {
			row := []any{b.inUnit(g.Axes[0].Name, num(v))}
			for j := range g.Axes[1].Values {
				row = append(row, b.inUnit(gs.Output, value(i, j)))
			}
			rows = append(rows, row)
		}
		first, last = cell(2, 4), cell(1+len(g.Axes[1].Values), 3+len(g.Axes[0].Values))
	}
	if err := b.rows(sh, rows); err != nil {
		return err
	}
	return b.f.SetConditionalFormat(sh, first+":"+last, []excelize.ConditionalFormatOptions{{Type: "3_color_scale", Criteria: "=",
		MinType: "min", MidType: "percentile", MidValue: "50", MaxType: "max", MinColor: "#5A8BD6", MidColor: "#F2F2F2", MaxColor: "#D6604D"}})
}
