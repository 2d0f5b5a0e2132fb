package valuation

import (
	"errors"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/earnings"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/key"
)

// Figure returns one figure of the result by its key in text form (see key.Key): Parse
// then Lookup. A key outside the grammar, or naming no figure of the result, is a
// *fault.Error wrapping fault.ErrUnknownFigure that suggests the result's nearest keys.
func (r Result) Figure(text string) (decimal.Decimal, error) {
	k, err := key.Parse(text)
	if err == nil {
		var v decimal.Decimal
		if v, err = r.Lookup(k); err == nil || !errors.Is(err, fault.ErrUnknownFigure) {
			return v, err
		}
	}
	known := make([]string, 0, 64)
	for _, k := range r.Keys() {
		known = append(known, k.String())
	}
	return decimal.Decimal{}, &fault.Error{Pkg: "valuation", Field: "figure", Value: strings.TrimSpace(strconv.Quote(text) + " " + key.Suggest(text, known)), Err: fault.ErrUnknownFigure}
}

// Lookup returns the figure of the result that k names. A key that names nothing in the
// result is a *fault.Error wrapping fault.ErrUnknownFigure, or a *fault.Error for a year,
// segment or metric the forecast does not hold.
func (r Result) Lookup(k key.Key) (decimal.Decimal, error) {
	unknown := unknownFigure{k}
	if figure := kindOfKey(k.Space).figure; figure != nil {
		return figure(r, k, unknown)
	}
	return decimal.Decimal{}, unknown.err()
}

// scalarFigure returns the scalar k names: the sum, the equity, a share count, a value a
// share, the discount factor, the price or the upside (an error without a price).
func (r Result) scalarFigure(k key.Key, unknown unknownFigure) (decimal.Decimal, error) {
	switch k.Name {
	case key.Sum:
		return r.Sum, nil
	case key.Equity:
		return r.Equity, nil
	case key.Shares:
		return r.Shares, nil
	case key.Diluted:
		return r.Diluted, nil
	case key.Undiscounted:
		return r.Undiscounted, nil
	case key.Discount:
		return r.Discount, nil
	case key.Target:
		return r.Target, nil
	case key.Price:
		return r.Price, nil
	case key.Upside:
		return unknown.valid(r.Upside)
	}
	return decimal.Decimal{}, unknown.err()
}

// unknownFigure is the error of a key that names nothing in a result, made only when it
// is returned: Lookup is on the path of every point of a sweep.
type unknownFigure struct{ k key.Key }

func (u unknownFigure) err() error {
	return &fault.Error{Pkg: "valuation", Field: "figure", Value: strconv.Quote(u.k.String()), Err: fault.ErrUnknownFigure}
}

// valid returns d's value, or the unknown figure's error when d has none.
func (u unknownFigure) valid(d decimal.NullDecimal) (decimal.Decimal, error) {
	if d.Valid {
		return d.Decimal, nil
	}
	return decimal.Decimal{}, u.err()
}

func (r Result) forecastFigure(k key.Key, unknown unknownFigure) (decimal.Decimal, error) {
	y, err := r.Forecast.Year(k.Year)
	if err != nil {
		return decimal.Decimal{}, err
	}
	m := segments.Metric(k.Name)
	switch {
	case k.Segment != "" && k.Name == "share" && !k.Growth: // a share has no growth: not a line of the forecast
		s, err := y.Segment(k.Segment)
		if err != nil {
			return decimal.Decimal{}, err
		}
		if s.Share.Valid {
			return s.Share.Decimal, nil
		}
		return decimal.Decimal{}, unknown.err()
	case k.Growth:
		return r.Forecast.Growth(k.Year, k.Segment, m)
	}
	return r.Forecast.Figure(k.Year, k.Segment, m)
}

// pnlFigure returns the figure of the P&L that k names: a field of a year's, its growth,
// or a line's value or ratio to revenue.
func (r Result) pnlFigure(k key.Key, unknown unknownFigure) (decimal.Decimal, error) {
	var y *earnings.Period
	for i := range r.Earnings.Years {
		if r.Earnings.Years[i].Year == k.Year {
			y = &r.Earnings.Years[i]
		}
	}
	switch {
	case y == nil:
		return decimal.Decimal{}, unknown.err()
	case k.Space == key.SpacePnLLine:
		return pnlLineFigure(y, k, unknown)
	case k.Growth:
		return pnlGrowth(y, k.Name, unknown)
	}
	return pnlField(y, k.Name, unknown)
}

// pnlLineFigure returns the value of the line of y that k names, or its ratio to revenue.
func pnlLineFigure(y *earnings.Period, k key.Key, unknown unknownFigure) (decimal.Decimal, error) {
	for _, l := range y.Lines {
		switch {
		case l.Name != k.Name:
		case k.Ratio:
			return unknown.valid(l.Ratio)
		default:
			return l.Value, nil
		}
	}
	return decimal.Decimal{}, unknown.err()
}

// pnlGrowth returns the growth of y's field name: of its revenue or its net profit.
func pnlGrowth(y *earnings.Period, name string, unknown unknownFigure) (decimal.Decimal, error) {
	switch name {
	case "revenue":
		return unknown.valid(y.RevenueGrowth)
	case "net_profit":
		return unknown.valid(y.NetGrowth)
	}
	return decimal.Decimal{}, unknown.err()
}

// pnlField returns y's field name, as the key reads it: cost of sales negative.
func pnlField(y *earnings.Period, name string, unknown unknownFigure) (decimal.Decimal, error) {
	switch name {
	case "revenue":
		return y.Revenue, nil
	case "cost_of_sales":
		return y.CostOfSales.Neg(), nil
	case "gross_profit":
		return y.GrossProfit, nil
	case "gross_margin":
		return unknown.valid(y.GrossMargin)
	case "net_profit":
		return y.NetProfit, nil
	case "shares":
		return y.Shares, nil
	case "eps":
		return y.EPS, nil
	case "bvps":
		return unknown.valid(y.BVPS)
	case "pe":
		return unknown.valid(y.PE)
	case "pb":
		return unknown.valid(y.PB)
	case "ps":
		return unknown.valid(y.PS)
	}
	return decimal.Decimal{}, unknown.err()
}

// partFigure returns the figure of the part of k's segment that k names, or of one of
// its comparables.
func (r Result) partFigure(k key.Key, unknown unknownFigure) (decimal.Decimal, error) {
	for _, pv := range r.Parts {
		if pv.Segment != k.Segment {
			continue
		}
		if k.Space == key.SpacePart {
			if v, ok := pv.field(k.Name); ok {
				return v, nil
			}
			return decimal.Decimal{}, unknown.err()
		}
		if v, ok := pv.comp(k.Ticker, k.Name); ok {
			return v, nil
		}
	}
	return decimal.Decimal{}, unknown.err()
}

// field returns the part's field name, and whether it has it: a part at a fixed amount
// has a value and no multiple, metric or FX; a part by a formula a value and an FX.
func (p PartValue) field(name string) (decimal.Decimal, bool) {
	if name != "value" && !p.priced() && (name != "fx" || p.Formula == "") {
		return decimal.Decimal{}, false
	}
	switch name {
	case "value":
		return p.Value, true
	case "multiple":
		return p.Multiple.Value, true
	case "average":
		return p.Multiple.Average, true
	case "premium":
		return p.Multiple.Premium, true
	case "metric":
		return p.MetricValue, true
	case "fx":
		return p.FX.Rate, true
	}
	return decimal.Decimal{}, false
}

// comp returns the field name of the part's comparable ticker, and whether it has one.
func (p PartValue) comp(ticker, name string) (decimal.Decimal, bool) {
	for _, c := range p.Multiple.Companies {
		if c.Ticker != ticker {
			continue
		}
		switch name {
		case "multiple":
			return c.Multiple, true
		case "implied":
			return c.Implied, true
		case "market_value":
			return c.MarketValue, true
		case "metric":
			return c.Metric, true
		case "close":
			return c.Close, true
		}
	}
	return decimal.Decimal{}, false
}

// Keys lists the key of every figure the result holds, in a fixed order: the scalars,
// each year's group figures and their growth, each segment's share, users and lines with
// their growth, the P&L's fields and lines, each part's fields and its comparables'. A
// key may name a figure without a value (a first year's growth, an upside without a
// price): Lookup reports those as errors.
func (r Result) Keys() []key.Key {
	var out []key.Key
	for _, s := range []string{key.Sum, key.Equity, key.Shares, key.Diluted, key.Undiscounted, key.Discount, key.Target, key.Price, key.Upside} {
		out = append(out, key.Scalar(s))
	}
	for _, l := range r.Bridge {
		out = append(out, key.Key{Space: key.SpaceBridge, Item: l.Name})
	}
	out = appendForecastKeys(out, r.Forecast)
	out = appendPnLKeys(out, r.Earnings)
	return appendPartKeys(out, r.Parts)
}

// appendForecastKeys appends the keys of f's figures to out and returns it: each year's
// group figures and their growth, each segment's share, users and lines with their
// growth.
func appendForecastKeys(out []key.Key, f segments.Forecast) []key.Key {
	for _, y := range f.Years {
		for _, g := range []segments.Metric{segments.MAU, segments.DAU, segments.Revenue} {
			k := key.Forecast(y.Year, "", string(g))
			grow := k
			grow.Growth = true
			out = append(out, k, grow)
		}
		for _, s := range y.Segments {
			out = append(out, key.Forecast(y.Year, s.Name, "share"), key.Forecast(y.Year, s.Name, string(segments.OwnUsers)))
			for _, l := range s.Lines {
				k := key.Forecast(y.Year, s.Name, string(l.Metric))
				grow := k
				grow.Growth = true
				out = append(out, k, grow)
			}
		}
	}
	return out
}

// appendPnLKeys appends the keys of st's figures to out and returns it: each year's
// fields, the growth of its revenue and net profit, and its lines with their ratios.
func appendPnLKeys(out []key.Key, st earnings.Statement) []key.Key {
	for _, y := range st.Years {
		for _, f := range []string{"revenue", "cost_of_sales", "gross_profit", "gross_margin", "net_profit", "shares", "eps", "bvps", "pe", "pb", "ps"} {
			out = append(out, key.Key{Space: key.SpacePnL, Year: y.Year, Name: f})
		}
		for _, f := range []string{"revenue", "net_profit"} {
			out = append(out, key.Key{Space: key.SpacePnL, Year: y.Year, Name: f, Growth: true})
		}
		for _, l := range y.Lines {
			out = append(out, key.Key{Space: key.SpacePnLLine, Year: y.Year, Name: l.Name}, key.Key{Space: key.SpacePnLLine, Year: y.Year, Name: l.Name, Ratio: true})
		}
	}
	return out
}

// appendPartKeys appends the keys of the parts' figures to out and returns it: each
// part's fields and its comparables'.
func appendPartKeys(out []key.Key, parts []PartValue) []key.Key {
	for _, p := range parts {
		fields := []string{"value", "multiple", "average", "premium", "metric", "fx"}
		switch {
		case p.Formula != "":
			fields = []string{"value", "fx"} // a formula has a value and its conversion
		case !p.priced():
			fields = fields[:1] // a fixed amount has a value, no multiple
		}
		for _, f := range fields {
			out = append(out, key.Part(p.Segment, f))
		}
		for _, c := range p.Multiple.Companies {
			for _, f := range []string{"multiple", "implied", "market_value", "metric", "close"} {
				out = append(out, key.Key{Space: key.SpaceComp, Segment: p.Segment, Ticker: c.Ticker, Name: f})
			}
		}
	}
	return out
}
