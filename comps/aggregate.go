package comps

import (
	"sort"
	"strings"

	"github.com/shopspring/decimal"
)

// Aggregate reduces the comparables' multiples to one. Implementations must be safe for
// concurrent use and must not modify cs.
type Aggregate interface {
	Name() string
	Of(cs []CompanyMultiple) (decimal.Decimal, error)
}

var (
	_ Aggregate = Mean{}
	_ Aggregate = Median{}
	_ Aggregate = Harmonic{}
	_ Aggregate = Trimmed{}
	_ Aggregate = MarketValueWeighted{}
	_ Aggregate = Weighted{}
)

// Mean is the arithmetic mean, the sell-side default and the report's.
type Mean struct{}

// Name implements Aggregate.
func (Mean) Name() string { return "mean" }

// Of implements Aggregate.
func (Mean) Of(cs []CompanyMultiple) (decimal.Decimal, error) {
	return mean(multiples(cs))
}

// Median is the middle multiple, or the mean of the two middle ones: robust to one
// outlying comparable.
type Median struct{}

// Name implements Aggregate.
func (Median) Name() string { return "median" }

// Of implements Aggregate.
func (Median) Of(cs []CompanyMultiple) (decimal.Decimal, error) {
	if len(cs) == 0 {
		return decimal.Decimal{}, ErrEmptySet
	}
	return quantile(sorted(multiples(cs)), 2), nil
}

// Harmonic is the harmonic mean n / Σ(1/x), the standard average of price multiples: it
// is the multiple of an equal-weighted portfolio's earnings yield, and large multiples
// weigh less. Reciprocals keep 32 places, the result 16.
type Harmonic struct{}

// Name implements Aggregate.
func (Harmonic) Name() string { return "harmonic mean" }

// Of implements Aggregate.
func (Harmonic) Of(cs []CompanyMultiple) (decimal.Decimal, error) {
	if len(cs) == 0 {
		return decimal.Decimal{}, ErrEmptySet
	}
	one, sum := decimal.NewFromInt(1), decimal.Decimal{}
	for _, c := range cs {
		if c.Multiple.Sign() <= 0 {
			return decimal.Decimal{}, &Error{Ticker: c.Ticker, Field: "multiple", Value: c.Multiple.String(), Err: ErrNonPositive}
		}
		sum = sum.Add(one.DivRound(c.Multiple, 2*divPlaces))
	}
	return decimal.NewFromInt(int64(len(cs))).DivRound(sum, divPlaces), nil
}

// Trimmed is the mean after dropping floor(n × Fraction) multiples from each end.
// Fraction must be in [0, 0.5); Trimmed{} is the mean. With three comparables a Fraction
// of 1/3 or more leaves the median.
type Trimmed struct {
	Fraction decimal.Decimal
}

// Name implements Aggregate.
func (t Trimmed) Name() string {
	pct := t.Fraction.Shift(2).StringFixed(max(0, -t.Fraction.Exponent()-2))
	if strings.Contains(pct, ".") { // exact, without trailing zeros or package settings
		pct = strings.TrimSuffix(strings.TrimRight(pct, "0"), ".")
	}
	return "trimmed mean " + pct + "%"
}

// Of implements Aggregate.
func (t Trimmed) Of(cs []CompanyMultiple) (decimal.Decimal, error) {
	if t.Fraction.Sign() < 0 || t.Fraction.GreaterThanOrEqual(decimal.RequireFromString("0.5")) {
		return decimal.Decimal{}, &Error{Field: "trim", Value: t.Fraction.String(), Err: ErrTrim}
	}
	xs := sorted(multiples(cs))
	k := int(decimal.NewFromInt(int64(len(xs))).Mul(t.Fraction).IntPart())
	return mean(xs[k : len(xs)-k])
}

// MarketValueWeighted is the mean of the multiples weighted by market value:
// Σ(MV × x) / ΣMV. The largest comparable dominates.
type MarketValueWeighted struct{}

// Name implements Aggregate.
func (MarketValueWeighted) Name() string { return "market-value weighted mean" }

// Of implements Aggregate.
func (MarketValueWeighted) Of(cs []CompanyMultiple) (decimal.Decimal, error) {
	ws := make([]decimal.Decimal, len(cs))
	for i, c := range cs {
		ws[i] = c.MarketValue
	}
	return weighted(cs, ws)
}

// Weighted is the mean of the multiples with weights given per ticker: Σ(w × x) / Σw.
// Every comparable priced needs a weight; weights are not negative and need not sum to 1.
type Weighted struct {
	Weights map[string]decimal.Decimal
}

// Name implements Aggregate.
func (Weighted) Name() string { return "weighted mean" }

// Of implements Aggregate.
func (w Weighted) Of(cs []CompanyMultiple) (decimal.Decimal, error) {
	ws := make([]decimal.Decimal, len(cs))
	for i, c := range cs {
		x, ok := w.Weights[c.Ticker]
		if !ok {
			return decimal.Decimal{}, &Error{Ticker: c.Ticker, Field: "weight", Err: ErrWeight}
		}
		ws[i] = x
	}
	return weighted(cs, ws)
}

func weighted(cs []CompanyMultiple, ws []decimal.Decimal) (decimal.Decimal, error) {
	if len(cs) == 0 {
		return decimal.Decimal{}, ErrEmptySet
	}
	var num, den decimal.Decimal
	for i, c := range cs {
		if ws[i].Sign() < 0 {
			return decimal.Decimal{}, &Error{Ticker: c.Ticker, Field: "weight", Value: ws[i].String(), Err: ErrWeight}
		}
		num, den = num.Add(ws[i].Mul(c.Multiple)), den.Add(ws[i])
	}
	if den.Sign() <= 0 {
		return decimal.Decimal{}, &Error{Field: "weight", Value: "weights sum to 0", Err: ErrWeight}
	}
	return num.DivRound(den, divPlaces), nil
}

func multiples(cs []CompanyMultiple) []decimal.Decimal {
	xs := make([]decimal.Decimal, len(cs))
	for i, c := range cs {
		xs[i] = c.Multiple
	}
	return xs
}

func mean(xs []decimal.Decimal) (decimal.Decimal, error) {
	if len(xs) == 0 {
		return decimal.Decimal{}, ErrEmptySet
	}
	return decimal.Sum(xs[0], xs[1:]...).DivRound(decimal.NewFromInt(int64(len(xs))), divPlaces), nil
}

// sorted returns an ascending copy of xs.
func sorted(xs []decimal.Decimal) []decimal.Decimal {
	s := append([]decimal.Decimal(nil), xs...)
	sort.Slice(s, func(i, j int) bool { return s[i].LessThan(s[j]) })
	return s
}
