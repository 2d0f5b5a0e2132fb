package valuation

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/key"
)

// resolve returns m as of its date: each comparable of its Multiple parts, each rate of
// its FX table and its Price (the close of its own Ticker, where the market quotes one)
// as its Market gives them on AsOf (or on the market's last date when AsOf is empty),
// AsOf set and the market cleared, so that every reader of the model (Value, Prepare,
// the workbook, the float and exact backends) sees the same figures. A model dated by
// AsOf without a market is checked for figures dated after it (an error, as with a
// market) and returned as it is; an undated model without a market as it is. The
// warnings are what only the market shows: a price older than MaxQuoteAge or undated,
// and quotes of tickers or pairs the model does not use (a typing error, most often).
func (m Model) resolve() (Model, []Warning, error) {
	if m.Market.IsZero() && m.AsOf == "" {
		return m, nil, nil
	}
	if err := m.checkDate(); err != nil {
		return Model{}, nil, err
	}
	parts, err := m.partsAt(m.Parts)
	if err != nil {
		return Model{}, nil, err
	}
	fx, err := m.Market.FX(m.FX, m.date())
	if err != nil {
		return Model{}, nil, err
	}
	if m.Market.IsZero() { // checked: nothing to take from a market
		return m, nil, nil
	}
	out := m
	out.Parts, out.FX, out.AsOf, out.Market = parts, fx, m.date(), comps.Market{}
	priced := ""
	if m.Ticker != "" { // the company's own close, where the market quotes one, is the price
		own, err := m.Market.Company(comps.Company{Ticker: m.Ticker, Currency: m.Currency, Close: m.Price, Shares: m.Shares}, m.date())
		if err != nil {
			return Model{}, nil, fault.Within(err, fault.Error{Key: key.Scalar(key.Price)})
		}
		if own.Close.Sign() > 0 { // a quote of a market value alone leaves the price
			out.Price, priced = own.Close, own.AsOf
		}
	}
	var notes []Warning
	if out.Price.Sign() > 0 {
		notes = out.stale("the price", priced)
	}
	return out, append(notes, m.unused()...), nil
}

// unused warns of the tickers and currency pairs m's market quotes that m does not use:
// no comparable of a part, not its own ticker, no rate of its FX table.
func (m Model) unused() []Warning {
	used := map[string]bool{m.Ticker: true}
	for _, p := range m.Parts {
		if mm, ok := p.Method.(Multiple); ok {
			for _, c := range mm.Comps.Companies {
				used[c.Ticker] = true
			}
		}
	}
	for _, r := range m.FX.Rates() {
		used[string(min(r.From, r.To))+"/"+string(max(r.From, r.To))] = true
	}
	tickers, pairs := m.Market.Names()
	var names []string
	for _, t := range tickers {
		if !used[t] {
			names = append(names, strconv.Quote(t))
		}
	}
	for _, p := range pairs {
		if !used[string(p[0])+"/"+string(p[1])] {
			names = append(names, "FX "+string(p[0])+"/"+string(p[1]))
		}
	}
	if len(names) == 0 {
		return nil
	}
	return []Warning{{Code: WarnUnusedQuote, Message: "the market quotes " + strings.Join(names, ", ") +
		", which the model does not use (no comparable, not its own ticker, no rate of its table)"}}
}

// date is the date m is valued as of: AsOf, or its market's last date.
func (m Model) date() string {
	if m.AsOf == "" {
		return m.Market.Last()
	}
	return m.AsOf
}

// partsAt returns parts with the comparables of each Multiple as m's market gives them on
// m's date (comps.Market.Company); the parts given are not changed.
func (m Model) partsAt(parts []Part) ([]Part, error) {
	if m.Market.IsZero() && m.AsOf == "" {
		return parts, nil
	}
	out := slices.Clone(parts)
	for i, p := range out {
		mm, ok := p.Method.(Multiple)
		if !ok {
			continue
		}
		mm.Comps.Companies = slices.Clone(mm.Comps.Companies)
		for j, c := range mm.Comps.Companies {
			at, err := m.Market.Company(c, m.date())
			if err != nil {
				return nil, fault.Within(err, inPart(p.Segment, methodName(p.Method)))
			}
			mm.Comps.Companies[j] = at
		}
		out[i].Method = mm
	}
	return out, nil
}

// quoteWarnings names, for a model valued as of a date, each comparable a part prices and
// each FX rate the table gives whose figures are older than the model's MaxQuoteAge
// (DefaultQuoteAge days when zero), or undated.
func (m Model) quoteWarnings(r Result) []Warning {
	if m.AsOf == "" {
		return nil
	}
	var out []Warning
	for _, p := range r.Parts {
		for _, c := range p.Multiple.Companies {
			out = append(out, m.stale("comparable "+c.Ticker+"'s close", c.AsOf)...)
		}
	}
	for _, rate := range m.FX.Rates() {
		out = append(out, m.stale("FX "+string(rate.From)+"/"+string(rate.To), rate.AsOf)...)
	}
	return out
}

// stale warns when a figure, what, dated date ("" for none), is older than m's
// MaxQuoteAge days (DefaultQuoteAge when zero) on m's AsOf, or undated.
func (m Model) stale(what, date string) []Warning {
	age := m.MaxQuoteAge
	if age == 0 {
		age = DefaultQuoteAge
	}
	if date == "" {
		return []Warning{{Code: WarnStaleQuote, Message: fmt.Sprintf("%s has no date: it may not be as of %s", what, m.AsOf)}}
	}
	on, _ := time.Parse(time.DateOnly, m.AsOf)
	d, _ := time.Parse(time.DateOnly, date)
	if days := int(on.Sub(d).Hours() / 24); days > age {
		return []Warning{{Code: WarnStaleQuote, Message: fmt.Sprintf("%s is of %s, %d days before %s (more than %d)", what, date, days, m.AsOf, age)}}
	}
	return nil
}

// checkDate refuses a model's AsOf that is not a date, and a negative MaxQuoteAge.
func (m Model) checkDate() error {
	if _, err := time.Parse(time.DateOnly, m.AsOf); m.AsOf != "" && (err != nil || len(m.AsOf) != len(time.DateOnly)) {
		return &fault.Error{Pkg: "valuation", Field: "as_of", Value: fmt.Sprintf("%q is not a date YYYY-MM-DD", m.AsOf), Err: fault.ErrInvalid, Key: modelKey("as_of")}
	}
	if m.MaxQuoteAge < 0 {
		return &fault.Error{Pkg: "valuation", Field: "max_quote_age", Value: fmt.Sprint(m.MaxQuoteAge), Err: fault.ErrNegative, Key: modelKey("max_quote_age")}
	}
	return nil
}
