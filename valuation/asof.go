package valuation

import (
	"fmt"
	"slices"
	"time"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/key"
)

// resolve returns m as of its date: each comparable of its Multiple parts, each rate of
// its FX table and its Price (the close of its own Ticker, where the market quotes it) as
// its Market gives them on AsOf (or on the market's last date when AsOf is empty), AsOf
// set and the market cleared, so that every reader of the model
// (Value, Prepare, the workbook, the float and exact backends) sees the same figures.
// A model without a market is returned as it is.
func (m Model) resolve() (Model, error) {
	if m.Market.IsZero() {
		return m, nil
	}
	if err := m.checkDate(); err != nil {
		return Model{}, err
	}
	date := m.AsOf
	if date == "" {
		date = m.Market.Last()
	}
	out := m
	out.Parts = slices.Clone(m.Parts)
	for i, p := range out.Parts {
		mm, ok := p.Method.(Multiple)
		if !ok {
			continue
		}
		mm.Comps.Companies = slices.Clone(mm.Comps.Companies)
		for j, c := range mm.Comps.Companies {
			at, err := m.Market.Company(c, date)
			if err != nil {
				return Model{}, fault.Within(err, inPart(p.Segment, methodName(p.Method)))
			}
			mm.Comps.Companies[j] = at
		}
		out.Parts[i].Method = mm
	}
	var err error
	if out.FX, err = m.Market.FX(m.FX, date); err != nil {
		return Model{}, err
	}
	if m.Ticker != "" { // the company's own close, where the market quotes it, is the price
		own, err := m.Market.Company(comps.Company{Ticker: m.Ticker, Currency: m.Currency, Close: m.Price, Shares: m.Shares}, date)
		if err != nil {
			return Model{}, fault.Within(err, fault.Error{Key: key.Scalar(key.Price)})
		}
		out.Price = own.Close
	}
	out.AsOf, out.Market = date, comps.Market{}
	return out, nil
}

// quoteWarnings names, for a model valued as of a date, each comparable a part prices and
// each FX rate the table gives whose figures are older than the model's MaxQuoteAge
// (DefaultQuoteAge days when zero), or undated.
func (m Model) quoteWarnings(r Result) []Warning {
	if m.AsOf == "" {
		return nil
	}
	age := m.MaxQuoteAge
	if age == 0 {
		age = DefaultQuoteAge
	}
	on, _ := time.Parse(time.DateOnly, m.AsOf)
	stale := func(what, date string) []Warning {
		if date == "" {
			return []Warning{{Code: WarnStaleQuote, Message: fmt.Sprintf("%s has no date: it may not be as of %s", what, m.AsOf)}}
		}
		d, _ := time.Parse(time.DateOnly, date)
		if days := int(on.Sub(d).Hours() / 24); days > age {
			return []Warning{{Code: WarnStaleQuote, Message: fmt.Sprintf("%s is of %s, %d days before %s (more than %d)", what, date, days, m.AsOf, age)}}
		}
		return nil
	}
	var out []Warning
	for _, p := range r.Parts {
		for _, c := range p.Multiple.Companies {
			out = append(out, stale("comparable "+c.Ticker+"'s close", c.AsOf)...)
		}
	}
	for _, rate := range m.FX.Rates() {
		out = append(out, stale("FX "+string(rate.From)+"/"+string(rate.To), rate.AsOf)...)
	}
	return out
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
