package comps

import "github.com/shopspring/decimal"

// Stats describes the spread of a set's multiples.
type Stats struct {
	N      int             `json:"n"`
	Min    decimal.Decimal `json:"min"`
	Q1     decimal.Decimal `json:"q1"`
	Median decimal.Decimal `json:"median"`
	Q3     decimal.Decimal `json:"q3"`
	Max    decimal.Decimal `json:"max"`
}

// statsOf returns the five-number summary of xs (not empty). Quartiles interpolate
// linearly between order statistics (Hyndman and Fan type 7: Excel's QUARTILE.INC and
// numpy's default), which is exact in decimal: the weights are multiples of 1/4.
func statsOf(xs []decimal.Decimal) Stats {
	s := sorted(xs)
	return Stats{N: len(s), Min: s[0], Q1: quantile(s, 1), Median: quantile(s, 2),
		Q3: quantile(s, 3), Max: s[len(s)-1]}
}

// quantile returns the num/4 quantile of ascending s (type 7): rank (n−1) × num/4,
// interpolated between its neighbours, exactly, in quarters.
func quantile(s []decimal.Decimal, num int64) decimal.Decimal {
	pos := int64(len(s)-1) * num
	lo, rem := pos/4, pos%4
	if rem == 0 {
		return s[lo]
	}
	return s[lo].Add(s[lo+1].Sub(s[lo]).Mul(decimal.New(rem*25, -2)))
}

var (
	defaultOutlierZ = decimal.RequireFromString("3.5")
	madScale        = decimal.RequireFromString("0.6745")   // Φ⁻¹(0.75): MAD of a normal is 0.6745σ
	meanADScale     = decimal.RequireFromString("1.253314") // √(π/2): mean |x−μ| of a normal is σ/1.2533
)

// modifiedZ returns each x's modified z-score about median (Iglewicz and Hoaglin, 1993):
// 0.6745 × (x − median) / MAD, where MAD is the median absolute deviation. When more
// than half the multiples are equal the MAD is zero, and the mean absolute deviation
// stands in: (x − median) / (1.253314 × meanAD). All equal gives zeros.
func modifiedZ(xs []decimal.Decimal, median decimal.Decimal) []decimal.Decimal {
	dev := make([]decimal.Decimal, len(xs))
	for i, x := range xs {
		dev[i] = x.Sub(median).Abs()
	}
	zs := make([]decimal.Decimal, len(xs))
	mad := quantile(sorted(dev), 2)
	scale, den := madScale, mad
	if mad.IsZero() {
		meanAD, _ := mean(dev)
		scale, den = decimal.NewFromInt(1), meanAD.Mul(meanADScale)
	}
	if den.IsZero() {
		return zs
	}
	for i, x := range xs {
		zs[i] = scale.Mul(x.Sub(median)).DivRound(den, 4)
	}
	return zs
}
