package valuation

import "github.com/shopspring/decimal"

// Rating is an investment rating, such as Buy.
type Rating string

// Ratings that brokers' scales use; a Scale may name any others.
const (
	Buy        Rating = "Buy"
	Overweight Rating = "Overweight"
	Neutral    Rating = "Neutral"
	Sell       Rating = "Sell"
)

// Band gives Rating to an upside above Floor, or equal to it when Inclusive.
type Band struct {
	Rating    Rating
	Floor     decimal.Decimal
	Inclusive bool
}

// Scale maps an upside to a rating: the first band the upside clears, else Below. A
// broker's scale is its data: valuation/kuaishou2021.Scale is Western Securities'.
type Scale struct {
	Bands []Band // from the highest floor down
	Below Rating
}

// Rate returns the rating of an upside (0.268 for +26.8%).
func (s Scale) Rate(upside decimal.Decimal) Rating {
	for _, b := range s.Bands {
		if c := upside.Cmp(b.Floor); c > 0 || (c == 0 && b.Inclusive) {
			return b.Rating
		}
	}
	return s.Below
}

// IsZero reports whether the scale is the zero Scale, which rates nothing.
func (s Scale) IsZero() bool { return len(s.Bands) == 0 && s.Below == "" }
