package valuation

import (
	"slices"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/earnings"
	"github.com/sotpkit/sotp/valuation/internal/exact"
	"github.com/sotpkit/sotp/valuation/key"
)

// pnlOutput compiles a figure of the P&L, as earnings.PnL.Statement works it out at the
// model's price and FX rate: a line's value (a cost negative) or its ratio to revenue,
// the cost of sales, gross profit and margin, net profit, the share count, EPS, BVPS,
// P/E, P/B and P/S, and the growth of revenue and net profit. A figure the statement
// leaves without a value at the point (a margin over no revenue, a multiple over a
// per-share figure not above zero, a growth over zero) fails the point, as its Lookup
// fails; false for a figure the kernel does not compile.
func (k *kernel) pnlOutput(o key.Key) (exact.Poly, bool) {
	pnl := k.q.p.m.Earnings
	if !slices.Contains(k.q.p.m.Plan.Years, o.Year) || pnl.IsZero() {
		return exact.Poly{}, false
	}
	y := k.pnlYear(o.Year)
	if !y.ok {
		return exact.Poly{}, false
	}
	b, name := k.b, o.String()
	switch {
	case o.Space == key.SpacePnLLine:
		i := slices.IndexFunc(pnl.Lines, func(l earnings.LineItem) bool { return l.Name == o.Name })
		if i < 0 {
			return exact.Poly{}, false
		}
		if !o.Ratio {
			return y.lines[i], true
		}
		if v := pnl.Lines[i].Years[o.Year]; v.ByRatio && v.Of == "" {
			return k.konst(v.Ratio.Abs()), true // the ratio given: no division
		}
		k.labeled(name+": no revenue", func() { b.PPositive(y.revenue) })
		return b.PQuo(k.abs(y.lines[i]), y.revenue, segments.DivPlaces), true
	case o.Growth:
		return k.pnlGrowth(o, y)
	}
	return k.pnlField(o, y)
}

// pnlField compiles a field of the year's statement (pnlOutput).
func (k *kernel) pnlField(o key.Key, y pnlYear) (exact.Poly, bool) {
	b, name := k.b, o.String()
	minus := k.konst(decimal.NewFromInt(-1))
	switch o.Name {
	case "revenue":
		return y.revenue, true
	case "cost_of_sales":
		return b.PMul(y.costOfSales, minus), true
	case "gross_profit":
		return y.grossProfit, true
	case "gross_margin":
		k.labeled(name+": no revenue", func() { b.PPositive(y.revenue) })
		return b.PQuo(y.grossProfit, y.revenue, segments.DivPlaces), true
	case "net_profit":
		return y.netProfit, true
	case "shares":
		return y.shares, true
	case "eps":
		return y.eps, true
	case "bvps":
		return y.bvps, y.hasEquity
	case "pe":
		return k.pnlMultiple(name, y.eps)
	case "pb":
		if !y.hasEquity {
			return exact.Poly{}, false
		}
		return k.pnlMultiple(name, y.bvps)
	case "ps":
		return k.pnlMultiple(name, b.PQuo(y.revenue, y.shares, segments.DivPlaces))
	}
	return exact.Poly{}, false
}

// pnlMultiple is the price over a per-share figure converted to the price's currency,
// checked above zero (earnings' ratio); the price checked above zero too, as the
// statement has no multiples without one.
func (k *kernel) pnlMultiple(name string, per exact.Poly) (exact.Poly, bool) {
	m, b := k.q.p.m, k.b
	r, err := m.FX.Pair(comps.Currency(m.Plan.Currency), m.Currency)
	if err != nil {
		return exact.Poly{}, false
	}
	price := k.leaf(key.Scalar(key.Price), m.Price)
	k.labeled(name+": no price", func() { b.PPositive(price) })
	per = b.PMul(per, k.rate(r))
	k.labeled(name+": per-share figure not above 0", func() { b.PPositive(per) })
	return b.PQuo(price, per, segments.DivPlaces), true
}

// pnlGrowth compiles the growth of revenue or net profit over the year before,
// (cur − prev) / |prev| (earnings.Growth), checked over a previous value not zero.
func (k *kernel) pnlGrowth(o key.Key, y pnlYear) (exact.Poly, bool) {
	years := k.q.p.m.Plan.Years
	i := slices.Index(years, o.Year)
	if i < 1 || o.Name != "revenue" && o.Name != "net_profit" {
		return exact.Poly{}, false
	}
	last := k.pnlYear(years[i-1])
	if !last.ok {
		return exact.Poly{}, false
	}
	cur, prev := y.revenue, last.revenue
	if o.Name == "net_profit" {
		cur, prev = y.netProfit, last.netProfit
	}
	b := k.b
	k.labeled(o.String()+": over zero", func() { b.PNonZero(prev) })
	return b.PQuo(b.PAdd(cur, b.PMul(prev, k.konst(decimal.NewFromInt(-1)))), k.abs(prev), segments.DivPlaces), true
}

// abs is |x|: the greater of x and −x, which have the same exponent.
func (k *kernel) abs(x exact.Poly) exact.Poly {
	return k.b.PMax(x, k.b.PMul(x, k.konst(decimal.NewFromInt(-1))))
}

// pnlYear is a year of the statement compiled: its revenue, each line's value (a cost
// negative), the totals, the share count and the per-share figures; ok false when the
// statement cannot be worked out in the year (a line or share count missing).
type pnlYear struct {
	ok                                           bool
	revenue, costOfSales, grossProfit, netProfit exact.Poly
	lines                                        []exact.Poly
	shares, eps, bvps                            exact.Poly
	hasEquity                                    bool
}

// pnlYear compiles year y of the statement, as earnings' year works it out, once.
func (k *kernel) pnlYear(y int) pnlYear {
	if out, ok := k.pnl[y]; ok {
		return out
	}
	out := k.compilePnLYear(y)
	k.pnl[y] = out
	return out
}

// compilePnLYear compiles year y of the statement (pnlYear).
func (k *kernel) compilePnLYear(y int) pnlYear {
	pnl, b := k.q.p.m.Earnings, k.b
	rev, _ := k.forecastOutput(key.Forecast(y, "", string(segments.Revenue)))
	out := pnlYear{revenue: rev, lines: make([]exact.Poly, len(pnl.Lines))}
	zero, minus := k.konst(decimal.Decimal{}), k.konst(decimal.NewFromInt(-1))
	cos, expenses, other := zero, zero, zero
	for i, l := range pnl.Lines {
		v, ok := k.pnlLine(l, y, rev)
		if !ok {
			return pnlYear{}
		}
		out.lines[i] = v
		switch l.Kind {
		case earnings.CostOfSales:
			cos = b.PAdd(cos, v)
		case earnings.Expense:
			expenses = b.PAdd(expenses, v)
		case earnings.Other:
			other = b.PAdd(other, v)
		}
		if l.Kind != earnings.Other {
			out.lines[i] = b.PMul(v, minus)
		}
	}
	out.costOfSales = cos
	out.grossProfit = b.PAdd(rev, b.PMul(cos, minus))
	out.netProfit = b.PAdd(b.PAdd(out.grossProfit, b.PMul(expenses, minus)), other)
	s, ok := pnl.Shares[y]
	if !ok || s.Sign() <= 0 {
		return pnlYear{}
	}
	out.shares = k.leaf(key.Key{Space: key.SpacePnL, Year: y, Name: "shares"}, s)
	out.eps = b.PQuo(out.netProfit, out.shares, segments.DivPlaces)
	if eq, ok := pnl.Equity[y]; ok {
		out.bvps, out.hasEquity = b.PQuo(k.konst(eq), out.shares, segments.DivPlaces), true
	}
	out.ok = true
	return out
}

// pnlLine is a line's value in year y before its sign (earnings' value): its amount, or
// its ratio times the group's revenue (rev) or a segment's; false when the year has no
// value for it or its base is no segment's.
func (k *kernel) pnlLine(l earnings.LineItem, y int, rev exact.Poly) (exact.Poly, bool) {
	v, ok := l.Years[y]
	switch {
	case !ok:
		return exact.Poly{}, false
	case !v.ByRatio:
		return k.konst(v.Amount), true
	case v.Of == "":
		return k.b.PMul(k.konst(v.Ratio), rev), true
	}
	j := slices.IndexFunc(k.q.p.m.Plan.Segments, func(s segments.Segment) bool { return s.Name == v.Of })
	switch {
	case j < 0:
		return exact.Poly{}, false
	case k.q.p.m.Plan.Segments[j].Drivers[y] == nil: // not started: no revenue yet
		return k.b.PMul(k.konst(v.Ratio), k.konst(decimal.Decimal{})), true
	}
	return k.b.PMul(k.konst(v.Ratio), k.line(y, j, string(segments.Revenue))), true
}

// forecastGrowth compiles a forecast figure's growth over the plan's year before, this
// year's / last year's − 1 (segments.Forecast.Growth), checked over a last value not zero.
func (k *kernel) forecastGrowth(o key.Key) (exact.Poly, bool) {
	years := k.q.p.m.Plan.Years
	i := slices.Index(years, o.Year)
	if i < 1 {
		return exact.Poly{}, false
	}
	last := o
	last.Year, last.Growth, o.Growth = years[i-1], false, false
	cur, ok := k.forecastOutput(o)
	prev, ok2 := k.forecastOutput(last)
	if !ok || !ok2 || !k.ok {
		return exact.Poly{}, false
	}
	b := k.b
	k.labeled(o.String()+" growth: over zero", func() { b.PNonZero(prev) })
	return b.PAdd(b.PQuo(cur, prev, segments.DivPlaces), k.konst(decimal.NewFromInt(-1))), true
}

// compOutput compiles a comparable's figure in its part's set (comps' price): its market
// value and metric converted to the set's currency, its implied multiple (value over
// metric, 16 places), the multiple used (the implied one or the printed one) and its
// close; at the base's when no moved FX rate converts the set's comparables. False for
// a comparable the set does not price, or a part not priced on comparables.
func (k *kernel) compOutput(o key.Key) (exact.Poly, bool) {
	m := k.q.p.m
	i := slices.IndexFunc(m.Parts, func(p Part) bool { return p.Segment == o.Segment })
	mm, ok := m.Parts[i].Method.(Multiple)
	pv := k.q.p.base.Parts[i]
	j := slices.IndexFunc(pv.Multiple.Companies, func(c comps.CompanyMultiple) bool { return c.Ticker == o.Ticker })
	if !ok || j < 0 {
		return exact.Poly{}, false
	}
	moved := slices.ContainsFunc(k.q.moves, func(a Assumption) bool { return a.Key.Space == key.SpaceFX && convertsComparables(pv, a.Key) })
	if !moved {
		v, ok := pv.comp(o.Ticker, o.Name) // the base's, as Lookup reads it
		return k.konst(v), ok
	}
	c := mm.Comps.Companies[slices.IndexFunc(mm.Comps.Companies, func(c comps.Company) bool { return c.Ticker == o.Ticker })]
	switch o.Name {
	case "multiple":
		_, mult := k.price(mm.Comps, c)
		return mult, true
	case "close":
		return k.konst(c.Close), true
	}
	mv, metric, _, ok := k.priced(mm.Comps, c)
	switch {
	case !ok:
		return exact.Poly{}, false
	case o.Name == "market_value":
		return mv, true
	case o.Name == "metric":
		return metric, true
	case o.Name == "implied":
		defer k.b.Because(mm.Comps.Name + ": " + c.Ticker + "'s " + mm.Comps.Metric.String() + " zero")()
		return k.b.PQuo(mv, metric, segments.DivPlaces), true
	}
	return exact.Poly{}, false
}

// bridgeOutput compiles a line of the bridge: an item's value (ItemKind.Formula) or the
// holding-company discount's, checked not zero where it moves (at zero the bridge has
// no such line). False for a convertible's line of debt, which the dilution decides.
func (k *kernel) bridgeOutput(o key.Key) (exact.Poly, bool) {
	if o.Name != "" {
		return exact.Poly{}, false
	}
	v, ok := k.bridgeLines[o.Item] // compile compiled equity, and so every line, first
	if ok && o.Item == holdcoLine {
		k.labeled(o.String()+": no discount", func() { k.b.PNonZero(k.holdco) })
	}
	return v, ok
}

// share compiles a segment's share of the group's revenue in a year, to 16 places,
// checked over revenue not zero (the forecast has no share then).
func (k *kernel) share(o key.Key) (exact.Poly, bool) {
	m, b := k.q.p.m, k.b
	j := slices.IndexFunc(m.Plan.Segments, func(s segments.Segment) bool { return s.Name == o.Segment })
	if j < 0 || !slices.Contains(m.Plan.Years, o.Year) {
		return exact.Poly{}, false
	}
	total, _ := k.forecastOutput(key.Forecast(o.Year, "", string(segments.Revenue)))
	rev := k.konst(decimal.Decimal{}) // a segment not started has no revenue
	if m.Plan.Segments[j].Drivers[o.Year] != nil {
		rev = k.line(o.Year, j, string(segments.Revenue))
	}
	k.labeled(o.String()+": no group revenue", func() { b.PNonZero(total) })
	return b.PQuo(rev, total, segments.DivPlaces), true
}
