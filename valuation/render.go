package valuation

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/earnings"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/table"
)

// Text renders the result as plain-text tables: each segment's forecast, the group's
// revenue, each part's comparables and value, the sum, and the target line.
func (r Result) Text() string {
	var b strings.Builder
	for _, t := range r.tables() {
		b.WriteString(t.Text() + "\n")
	}
	return b.String() + r.Summary() + "\n"
}

// Markdown renders the result as Markdown tables, in the order of Text.
func (r Result) Markdown() string {
	var b strings.Builder
	for _, t := range r.tables() {
		b.WriteString(t.Markdown() + "\n")
	}
	return b.String() + r.Summary() + "\n"
}

// Summary returns the one-line verdict, e.g.
// "Target price: HK$404.6 (upside 26.8% vs HK$319.00, Buy)".
func (r Result) Summary() string {
	s := "Target price: "
	if r.AsOf != "" {
		s = "Target price as of " + r.AsOf + ": "
	}
	s += r.money(r.Currency) + table.Num(r.Target, 1)
	if r.Upside.Valid {
		s += fmt.Sprintf(" (upside %s vs %s%s", table.Pct(r.Upside.Decimal, 1), r.money(r.Currency), table.Num(r.Price, 2))
		if r.Rating != "" {
			s += ", " + string(r.Rating)
		}
		s += ")"
	}
	return s
}

// money is how the tables print an amount of c: its symbol in the model, or its code
// and a space.
func (r Result) money(c comps.Currency) string {
	if s, ok := r.Symbols[c]; ok {
		return s
	}
	return string(c) + " "
}

// tables renders the result's tables in the order Text prints them: each segment's
// forecast, the group's revenue, each priced part's comparables, the sum, then the
// bridge, the P&L and the review where the result has them.
func (r Result) tables() []table.Table {
	f := r.Forecast
	header := []string{""}
	for _, y := range f.Years {
		header = append(header, f.Label(y.Year))
	}
	var ts []table.Table
	for j := range firstYear(f).Segments {
		ts = append(ts, segmentTable(f, j, header))
	}
	ts = append(ts, groupTable(f, header))
	for _, p := range r.Parts {
		if p.priced() {
			ts = append(ts, r.partTable(p))
		}
	}
	ts = append(ts, r.sumTable())
	if r.bridged() {
		ts = append(ts, r.bridgeTable())
	}
	if len(r.Earnings.Years) > 0 {
		ts = append(ts, r.pnlTables(header)...)
	}
	if len(r.Review) > 0 {
		ts = append(ts, r.reviewTable())
	}
	return ts
}

// segmentTable renders segment j's forecast: a row a metric, then its growth and its
// share of revenue.
func segmentTable(f segments.Forecast, j int, header []string) table.Table {
	s := firstYear(f).Segments[j]
	t := table.Table{Title: fmt.Sprintf("%s forecast (%s m unless noted)", s.Title, f.Currency), Header: header}
	for _, m := range segmentMetrics(f, j) {
		row := []string{""}
		for _, y := range f.Years {
			cell := "-"
			for _, l := range y.Segments[j].Lines {
				if l.Metric == m {
					row[0] = lineLabel(l, f.Currency)
					cell = lineCell(l)
				}
			}
			row = append(row, cell)
		}
		t.Rows = append(t.Rows, row)
	}
	yoy, share := []string{"YoY"}, []string{"Share of revenue"}
	for _, y := range f.Years {
		yoy = append(yoy, nullPct(y.Segments[j].Growth))
		share = append(share, nullPct(y.Segments[j].Share))
	}
	t.Rows = append(t.Rows, yoy, share)
	return t
}

// groupTable renders the group's revenue and its growth.
func groupTable(f segments.Forecast, header []string) table.Table {
	group := table.Table{Title: fmt.Sprintf("Group revenue (%s m)", f.Currency), Header: header}
	rev, yoy := []string{"Revenue"}, []string{"YoY"}
	for _, y := range f.Years {
		rev = append(rev, table.Num(y.Revenue, 0))
		yoy = append(yoy, nullPct(y.Growth))
	}
	group.Rows = [][]string{rev, yoy}
	return group
}

// bridged reports a result that takes the sum to the target through a bridge table: one
// with bridge lines, a dilution that moved the share count or a horizon's discount.
func (r Result) bridged() bool {
	return len(r.Bridge) > 0 || !r.Diluted.Equal(r.Shares) || !r.Discount.Equal(decimal.NewFromInt(1))
}

// sumTable renders the sum of the parts, with notes of the parts' sources and of the
// segments no part values; without a bridge table it goes on to the target, and notes
// the warnings.
func (r Result) sumTable() table.Table {
	unit, shift := r.display()
	bridged := r.bridged()
	sum := table.Table{
		Title:  fmt.Sprintf("Sum of the parts (%s %s)", r.Currency, unit),
		Header: []string{"", "Method", "Value"},
	}
	for _, p := range r.Parts {
		sum.Rows = append(sum.Rows, []string{p.Title, p.Method, table.Num(p.Value.Shift(shift), 0)})
	}
	if mixed := slices.ContainsFunc(r.Parts, func(p PartValue) bool { return p.Enterprise }) &&
		slices.ContainsFunc(r.Parts, func(p PartValue) bool { return !p.Enterprise }); mixed {
		sum.Rows = append(sum.Rows,
			[]string{"Enterprise-value parts", "", table.Num(r.EnterpriseParts.Shift(shift), 0)},
			[]string{"Equity-value parts", "", table.Num(r.EquityParts.Shift(shift), 0)})
	}
	sum.Rows = append(sum.Rows, []string{"Sum", "", table.Num(r.Sum.Shift(shift), 0)})
	if !bridged { // else the bridge's table goes on to the target
		sum.Rows = append(sum.Rows,
			[]string{"Shares (" + unit + ")", "", table.Num(r.Shares.Shift(shift), 2)},
			[]string{fmt.Sprintf("Target per share (%s)", r.Currency), "", table.Num(r.Target, 1)})
	}
	for _, p := range r.Parts {
		if note := p.note(); note != "" {
			sum.Notes = append(sum.Notes, note)
		}
	}
	for _, name := range r.Unvalued {
		title := name
		if s, err := r.year().Segment(name); err == nil {
			title = s.Title
		}
		sum.Notes = append(sum.Notes, fmt.Sprintf("%s (%s) is not valued by any part: its revenue adds nothing to the sum", title, name))
	}
	if !bridged { // the bridge table notes the warnings where there is one
		sum.Notes = append(sum.Notes, "No bridge: the target is the sum of the parts over the share count.")
		for _, w := range r.Warnings {
			sum.Notes = append(sum.Notes, "Warning: "+w.Message)
		}
	}
	return sum
}

// pnlTables renders the P&L (as the report's Table 10) and the headline table.
func (r Result) pnlTables(header []string) []table.Table {
	st := r.Earnings
	row := func(label string, cell func(y earnings.Period) string) []string {
		out := []string{label}
		for _, y := range st.Years {
			out = append(out, cell(y))
		}
		return out
	}
	// orDash prints a figure that may not be meaningful, e.g. P/E over a loss.
	orDash := func(d decimal.NullDecimal) string {
		if !d.Valid {
			return "-"
		}
		return table.Num(d.Decimal, 2)
	}
	pnl := table.Table{Title: fmt.Sprintf("Profit and loss (%s m)", r.Forecast.Currency), Header: header}
	pnl.Rows = append(pnl.Rows,
		row("Revenue", func(y earnings.Period) string { return table.Num(y.Revenue, 0) }),
		row("YoY", func(y earnings.Period) string { return nullPct(y.RevenueGrowth) }))
	line := func(kind earnings.LineKind, ratios bool) {
		for i, l := range st.Lines {
			if l.Kind != kind {
				continue
			}
			pnl.Rows = append(pnl.Rows, row(l.Label, func(y earnings.Period) string { return table.Num(y.Lines[i].Value, 0) }))
			if ratios {
				pnl.Rows = append(pnl.Rows, row(l.Label+" ratio", func(y earnings.Period) string { return nullPct(y.Lines[i].Ratio) }))
			}
		}
	}
	line(earnings.CostOfSales, false)
	pnl.Rows = append(pnl.Rows,
		row("Gross profit", func(y earnings.Period) string { return table.Num(y.GrossProfit, 0) }),
		row("Gross margin", func(y earnings.Period) string { return nullPct(y.GrossMargin) }))
	line(earnings.Expense, true)
	line(earnings.Other, false)
	pnl.Rows = append(pnl.Rows,
		row("Net profit attributable", func(y earnings.Period) string { return table.Num(y.NetProfit, 0) }),
		row("Growth (of a loss: (cur - prev) / |prev|)", func(y earnings.Period) string { return nullPct(y.NetGrowth) }))

	head := table.Table{Title: fmt.Sprintf("Headline figures (multiples at %s%s)", r.money(r.Currency), table.Num(r.Price, 2)), Header: header}
	head.Rows = [][]string{
		row("Revenue ("+r.Forecast.Currency+" m)", func(y earnings.Period) string { return table.Num(y.Revenue, 0) }),
		row("Growth", func(y earnings.Period) string { return nullPct(y.RevenueGrowth) }),
		row("Net profit attributable ("+r.Forecast.Currency+" m)", func(y earnings.Period) string { return table.Num(y.NetProfit, 0) }),
		row("Growth", func(y earnings.Period) string { return nullPct(y.NetGrowth) }),
		row("Shares (m)", func(y earnings.Period) string { return table.Num(y.Shares, 1) }),
		row("EPS ("+r.Forecast.Currency+")", func(y earnings.Period) string { return table.Num(y.EPS, 2) }),
		row("BVPS ("+r.Forecast.Currency+")", func(y earnings.Period) string { return orDash(y.BVPS) }),
		row("P/E", func(y earnings.Period) string { return orDash(y.PE) }),
		row("P/B", func(y earnings.Period) string { return orDash(y.PB) }),
		row("P/S", func(y earnings.Period) string { return orDash(y.PS) }),
	}
	head.Notes = []string{"P/E and P/B are not meaningful (-) over a loss or negative book value"}
	return []table.Table{pnl, head}
}

func (r Result) partTable(p PartValue) table.Table {
	m := p.Multiple
	metric := "Metric (m)"
	if m.Money {
		metric = "Metric (" + string(m.Currency) + " m)"
	}
	unit, shift := r.display()
	value, ratio := "Market value", "MV / metric"
	if m.Enterprise {
		value, ratio = "Enterprise value", "EV / metric"
	}
	t := table.Table{
		Title:  fmt.Sprintf("%s: %s on %s (%s)", p.Title, p.Method, m.Set, m.Metric),
		Header: []string{"Ticker", "Name", "Close", value + " (" + string(m.Currency) + " " + unit + ")", metric, "Multiple", ratio},
	}
	outliers := false
	for _, c := range m.Companies {
		mult := table.Num(c.Multiple, 2)
		if !c.Printed {
			mult += " (computed)"
		}
		if c.Outlier {
			mult, outliers = mult+" *", true
		}
		closing := "-" // a market value given, not derived from a close
		if !c.Close.IsZero() {
			closing = table.Num(c.Close, 1) + " " + string(c.Currency)
		}
		t.Rows = append(t.Rows, []string{c.Ticker, c.Name, closing,
			table.Num(c.MarketValue.Shift(shift), 0), table.Num(c.Metric, 1), mult, table.Num(c.Implied, 2)})
	}
	t.Rows = append(t.Rows, []string{"", "Average (" + m.Aggregate + ")", "", "", "", table.Num(m.Average, 2), ""})
	if !m.Premium.IsZero() {
		t.Rows = append(t.Rows, []string{"", table.Pct(decimal.NewFromInt(1).Add(m.Premium), 0) + " of average", "", "", "", table.Num(m.Value, 2), ""})
	}
	t.Rows = append(t.Rows, []string{r.Ticker, r.Name, "", table.Num(p.Value.Shift(shift), 0) + " (" + string(r.Currency) + ")",
		table.Num(p.MetricValue, 1) + " " + string(p.Metric), table.Num(m.Value, 2), ""})
	st := m.Stats
	t.Notes = append(t.Notes, fmt.Sprintf("multiples: min %s, Q1 %s, median %s, Q3 %s, max %s (n = %d)",
		table.Num(st.Min, 2), table.Num(st.Q1, 2), table.Num(st.Median, 2), table.Num(st.Q3, 2), table.Num(st.Max, 2), st.N))
	if outliers {
		t.Notes = append(t.Notes, "* outlier: modified z-score above the set's threshold; flagged, still aggregated")
	}
	for _, x := range m.Excluded {
		t.Notes = append(t.Notes, fmt.Sprintf("excluded %s (%s): %s", x.Ticker, x.Name, x.Reason))
	}
	for _, fx := range m.Rates {
		t.Notes = append(t.Notes, fmt.Sprintf("%s:%s = %s:1%s (comparables)", fx.To, fx.From, fault.Plain(fx.Rate), crossed(fx)))
	}
	t.Notes = append(t.Notes, fmt.Sprintf("%s:%s = %s:1%s; value = multiple × %s %d × FX", p.FX.To, p.FX.From, fault.Plain(p.FX.Rate), crossed(p.FX), p.Metric, r.Year))
	return t
}

// crossed says through which currency a rate was crossed, if it was.
func crossed(r comps.Rate) string {
	if r.Via == "" {
		return ""
	}
	return ", crossed through " + string(r.Via)
}

// year returns the forecast of the valuation year.
func (r Result) year() segments.Year {
	y, _ := r.Forecast.Year(r.Year)
	return y
}

func firstYear(f segments.Forecast) segments.Year {
	if len(f.Years) == 0 {
		return segments.Year{}
	}
	return f.Years[0]
}

// segmentMetrics lists segment j's metrics in order of first appearance across years.
func segmentMetrics(f segments.Forecast, j int) []segments.Metric {
	var ms []segments.Metric
	seen := map[segments.Metric]bool{}
	for _, y := range f.Years {
		for _, l := range y.Segments[j].Lines {
			if !seen[l.Metric] {
				seen[l.Metric] = true
				ms = append(ms, l.Metric)
			}
		}
	}
	return ms
}

func lineLabel(l segments.Line, currency string) string {
	switch displayUnit(l) {
	case segments.MillionUsers, segments.MillionOrders, segments.MillionTransactions:
		return l.Label + " (m)"
	case segments.PerUser, segments.PerOrder, segments.PerTransaction:
		return l.Label + " (" + currency + ")"
	case segments.HundredMillions:
		return l.Label + " (" + currency + " 亿)"
	}
	return l.Label
}

// displayUnit is the unit a table prints the line in: its Display, else its Unit.
func displayUnit(l segments.Line) segments.Unit {
	if l.Display != 0 {
		return l.Display
	}
	return l.Unit
}

func lineCell(l segments.Line) string {
	switch displayUnit(l) {
	case segments.Fraction:
		return table.Pct(l.Value, l.Places)
	case segments.HundredMillions: // held in millions
		return table.Num(l.Value.Shift(-2), l.Places)
	}
	return table.Num(l.Value, l.Places)
}

func nullPct(d decimal.NullDecimal) string {
	if !d.Valid {
		return ""
	}
	return table.Pct(d.Decimal, 0)
}

// display is the unit money and share counts print in, and the shift from millions to it:
// "m" and 0, or "亿" and -2 for a model whose Display is HundredMillions.
func (r Result) display() (string, int32) {
	if r.Display == segments.HundredMillions {
		return "亿", -2
	}
	return "m", 0
}

// bridgeTable is the bridge from the sum of the parts to equity value and the target over
// the diluted share count.
func (r Result) bridgeTable() table.Table {
	unit, shift := r.display()
	t := table.Table{
		Title:  fmt.Sprintf("Bridge to equity value (%s %s)", r.Currency, unit),
		Header: []string{"", "Source", "Value"},
	}
	line := func(l BridgeLine) {
		label := l.Name
		if l.Kind != Holdco {
			label = l.Kind.String() + ": " + l.Name
		}
		t.Rows = append(t.Rows, []string{label, l.Note, table.Num(l.Value.Shift(shift), 0)})
	}
	// Claims take enterprise values to equity: with enterprise-value parts they are
	// deducted from those, then the equity-value parts, stakes and the holding-company
	// discount follow; with none, from the sum (and the result warns).
	if slices.ContainsFunc(r.Parts, func(p PartValue) bool { return p.Enterprise }) {
		t.Rows = append(t.Rows, []string{"Enterprise-value parts", "", table.Num(r.EnterpriseParts.Shift(shift), 0)})
		ev := r.EnterpriseParts
		for _, l := range r.Bridge {
			if l.Claim() {
				line(l)
				ev = ev.Add(l.Value)
			}
		}
		t.Rows = append(t.Rows, []string{"Equity of the enterprise-value parts", "", table.Num(ev.Shift(shift), 0)})
		if slices.ContainsFunc(r.Parts, func(p PartValue) bool { return !p.Enterprise }) {
			t.Rows = append(t.Rows, []string{"Equity-value parts", "", table.Num(r.EquityParts.Shift(shift), 0)})
		}
	} else {
		t.Rows = append(t.Rows, []string{"Sum of the parts", "", table.Num(r.Sum.Shift(shift), 0)})
		for _, l := range r.Bridge {
			if l.Claim() {
				line(l)
			}
		}
	}
	for _, l := range r.Bridge {
		if !l.Claim() {
			line(l)
		}
	}
	for _, w := range r.Warnings {
		t.Notes = append(t.Notes, "Warning: "+w.Message)
	}
	t.Rows = append(t.Rows,
		[]string{"Equity value", "", table.Num(r.Equity.Shift(shift), 0)},
		[]string{"Basic shares (" + unit + ")", "", table.Num(r.Shares.Shift(shift), 2)},
		[]string{"Diluted shares (" + unit + ")", "treasury stock and if-converted methods at the " + r.DilutionBasis.String(), table.Num(r.Diluted.Shift(shift), 2)},
	)
	if !r.Discount.Equal(decimal.NewFromInt(1)) {
		t.Rows = append(t.Rows,
			[]string{fmt.Sprintf("Value per share in %d (%s)", r.Year, r.Currency), "", table.Num(r.Undiscounted, 2)},
			[]string{"Discount factor", "the horizon's cost of equity over its period", table.Num(r.Discount, 4)})
	}
	t.Rows = append(t.Rows, []string{fmt.Sprintf("Target per share (%s)", r.Currency), "", table.Num(r.Target, 1)})
	return t
}

// note is a part's line under the sum's table: where a fixed or formula part takes its
// value from, and what a formula part computes, at what rate; "" for none.
func (p PartValue) note() string {
	method := p.Method
	if p.Formula != "" && p.Formula != p.Method { // a formula part: what it computes, by its label
		method += " = " + p.Formula
	}
	if p.Formula != "" && !p.FX.Rate.Equal(decimal.NewFromInt(1)) {
		method += ", at " + string(p.FX.To) + ":" + string(p.FX.From) + " " + fault.Plain(p.FX.Rate)
	}
	if p.Note == "" && method == p.Method {
		return ""
	}
	return strings.TrimSuffix(p.Title+": "+method+", "+p.Note, ", ")
}
