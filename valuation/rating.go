package valuation

import "github.com/shopspring/decimal"

// Rating is an investment rating, such as Buy.
type Rating string

// Ratings of the Western Securities scale.
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

// Scale maps an upside to a rating: the first band the upside clears, else Below.
type Scale struct {
	Bands []Band // from the highest floor down
	Below Rating
}

// WesternSecurities returns the broker's scale: Buy above +20%, Overweight above +5% to
// +20%, Neutral from -5% to +5%, Sell below -5%. The broker defines it on the expected
// return against the market benchmark over 6-12 months; sotp applies it to the upside to
// target, as the report does (26.8% upside, Buy).
func WesternSecurities() Scale {
	return Scale{
		Bands: []Band{
			{Buy, decimal.RequireFromString("0.20"), false},
			{Overweight, decimal.RequireFromString("0.05"), false},
			{Neutral, decimal.RequireFromString("-0.05"), true},
		},
		Below: Sell,
	}
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

func (s Scale) orDefault() Scale {
	if len(s.Bands) == 0 && s.Below == "" {
		return WesternSecurities()
	}
	return s
}
