package comps

import (
	"github.com/shopspring/decimal"
)

// Currency is an ISO 4217 currency code.
type Currency string

// Currencies of the shipped data.
const (
	USD Currency = "USD"
	HKD Currency = "HKD"
	CNY Currency = "CNY"
)

// Rate says that one unit of From buys Rate units of To.
type Rate struct {
	From, To Currency
	Rate     decimal.Decimal
}

// FX is an explicit table of exchange rates. The zero FX converts a currency only to
// itself. Build one with NewFX.
type FX struct {
	rates []Rate
}

// NewFX returns a table of the given rates. Each rate must be positive, between two
// different non-empty currencies, and each pair may be given once, in either direction.
func NewFX(rates ...Rate) (FX, error) {
	own := make([]Rate, 0, len(rates))
	for _, r := range rates {
		field := "fx " + string(r.From) + "/" + string(r.To)
		if r.From == "" || r.To == "" || r.From == r.To || r.Rate.Sign() <= 0 {
			return FX{}, &Error{Field: field, Value: r.Rate.String(), Err: ErrBadRate}
		}
		for _, o := range own {
			if (o.From == r.From && o.To == r.To) || (o.From == r.To && o.To == r.From) {
				return FX{}, &Error{Field: field, Value: "given twice", Err: ErrBadRate}
			}
		}
		own = append(own, r)
	}
	return FX{rates: own}, nil
}

// Rate returns the units of to that one unit of from buys: 1 for a currency to itself, the
// given rate, or the inverse of the opposite rate (to 16 decimal places).
func (fx FX) Rate(from, to Currency) (decimal.Decimal, error) {
	if from == to {
		return decimal.NewFromInt(1), nil
	}
	for _, r := range fx.rates {
		switch {
		case r.From == from && r.To == to:
			return r.Rate, nil
		case r.From == to && r.To == from:
			return decimal.NewFromInt(1).DivRound(r.Rate, divPlaces), nil
		}
	}
	return decimal.Decimal{}, &Error{Field: "fx " + string(from) + "/" + string(to), Err: ErrNoRate}
}

// Rates returns a copy of the table's rates, in the order given.
func (fx FX) Rates() []Rate {
	return append([]Rate(nil), fx.rates...)
}

// divPlaces is the number of decimal places every division in this package keeps.
const divPlaces = 16
