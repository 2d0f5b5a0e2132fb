package comps

import (
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/key"
)

// Currency is an ISO 4217 currency code.
type Currency string

// Currencies of the shipped data.
const (
	USD Currency = "USD"
	HKD Currency = "HKD"
	CNY Currency = "CNY"
)

// Check reports whether c has the shape of an ISO 4217 code: three upper-case letters
// A-Z ("USD", never "usd" or "US$"). It does not check the code is assigned.
func (c Currency) Check() error {
	ok := len(c) == 3
	for i := 0; ok && i < len(c); i++ {
		ok = c[i] >= 'A' && c[i] <= 'Z'
	}
	if !ok {
		return &fault.Error{Pkg: "comps", Field: "currency", Value: strconv.Quote(string(c)), Err: fault.ErrCurrency}
	}
	return nil
}

// RateBounds returns the bounds of an FX rate, 1e-9 and 1e9: no currency pair trades
// outside them (the widest spreads, such as IRR per USD, are near 1e6), and a rate beyond
// them is a typing error whose inverse would carry few significant digits. They are a
// function's results, not package variables, so that no importer can move them.
func RateBounds() (lo, hi decimal.Decimal) { return decimal.New(1, -9), decimal.New(1, 9) }

// Rate says that one unit of From buys Rate units of To.
type Rate struct {
	From Currency        `json:"from"`
	To   Currency        `json:"to"`
	Rate decimal.Decimal `json:"rate"`
}

// FX is an explicit table of exchange rates. The zero FX converts a currency only to
// itself. Build one with NewFX.
type FX struct {
	rates []Rate
}

// NewFX returns a table of the given rates. Each rate must lie within RateBounds,
// between two different currencies that pass Currency.Check, and each pair may be given
// once, in either direction.
func NewFX(rates ...Rate) (FX, error) {
	own := make([]Rate, 0, len(rates))
	for _, r := range rates {
		field, k := "fx "+string(r.From)+"/"+string(r.To), key.FX(string(r.From), string(r.To))
		for _, c := range []Currency{r.From, r.To} {
			if err := c.Check(); err != nil {
				return FX{}, &fault.Error{Pkg: "comps", Field: field, Value: "currency " + strconv.Quote(string(c)) + " is not an ISO 4217 code", Err: fault.ErrBadRate, Key: k}
			}
		}
		if lo, hi := RateBounds(); r.From == r.To || r.Rate.LessThan(lo) || r.Rate.GreaterThan(hi) {
			return FX{}, &fault.Error{Pkg: "comps", Field: field, Value: r.Rate.StringFixed(max(0, -r.Rate.Exponent())) + ", want a rate in [1e-9, 1e9] between two currencies", Err: fault.ErrBadRate, Key: k}
		}
		for _, o := range own {
			if (o.From == r.From && o.To == r.To) || (o.From == r.To && o.To == r.From) {
				return FX{}, &fault.Error{Pkg: "comps", Field: field, Value: "given twice", Err: fault.ErrBadRate, Key: k}
			}
		}
		own = append(own, r)
	}
	return FX{rates: own}, nil
}

// Rate returns the units of to that one unit of from buys: 1 for a currency to itself, the
// given rate, or the inverse of the opposite rate, to 16 decimal places plus one for each
// integer digit of the rate beyond the first, so that the inverse of a large rate keeps
// its significant digits.
func (fx FX) Rate(from, to Currency) (decimal.Decimal, error) {
	if from == to {
		return decimal.NewFromInt(1), nil
	}
	for _, r := range fx.rates {
		switch {
		case r.From == from && r.To == to:
			return r.Rate, nil
		case r.From == to && r.To == from:
			intDigits := int32(r.Rate.NumDigits()) + r.Rate.Exponent()
			return decimal.NewFromInt(1).DivRound(r.Rate, segments.DivPlaces+max(0, intDigits-1)), nil
		}
	}
	return decimal.Decimal{}, &fault.Error{Pkg: "comps", Field: "fx " + string(from) + "/" + string(to), Value: fx.missing(from, to), Err: fault.ErrNoRate,
		Key: key.FX(string(from), string(to))}
}

// missing says what the table holds when it has no rate from one currency to another,
// and how to give one: the rates it has, and a currency through which the two could be
// crossed (sotp takes no crossed rate: give the pair itself).
func (fx FX) missing(from, to Currency) string {
	if len(fx.rates) == 0 {
		return "(the table has no rates: give " + string(from) + "/" + string(to) + ")"
	}
	var has []string
	for _, r := range fx.rates {
		has = append(has, string(r.From)+"/"+string(r.To))
	}
	msg := "(the table has " + strings.Join(has, ", ")
	for _, via := range fx.currencies() {
		if via != from && via != to && fx.direct(from, via) && fx.direct(via, to) {
			msg += "; it could be crossed through " + string(via) + ", which sotp does not do"
			break
		}
	}
	return msg + ": give " + string(from) + "/" + string(to) + " or " + string(to) + "/" + string(from) + ")"
}

// direct reports whether the table gives a rate between a and b, in either direction.
func (fx FX) direct(a, b Currency) bool {
	for _, r := range fx.rates {
		if r.From == a && r.To == b || r.From == b && r.To == a {
			return true
		}
	}
	return false
}

// currencies returns the table's currencies in order of first appearance.
func (fx FX) currencies() []Currency {
	var out []Currency
	for _, r := range fx.rates {
		for _, c := range []Currency{r.From, r.To} {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// Rates returns a copy of the table's rates, in the order given.
func (fx FX) Rates() []Rate {
	return append([]Rate(nil), fx.rates...)
}
