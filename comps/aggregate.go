package comps

import (
	"sort"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/fault"
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
	_ Aggregate = WeightedMean{}
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
		return decimal.Decimal{}, fault.ErrEmptySet
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
		return decimal.Decimal{}, fault.ErrEmptySet
	}
	one, sum := decimal.NewFromInt(1), decimal.Decimal{}
	for _, c := range cs {
		if c.Multiple.Sign() <= 0 {
			return decimal.Decimal{}, &fault.Error{Pkg: "comps", Ticker: c.Ticker, Field: "multiple", Value: fault.Plain(c.Multiple), Err: fault.ErrNonPositive, Key: compKey(c.Ticker, "multiple")}
		}
		sum = sum.Add(one.DivRound(c.Multiple, 2*segments.DivPlaces))
	}
	return decimal.NewFromInt(int64(len(cs))).DivRound(sum, segments.DivPlaces), nil
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
		return decimal.Decimal{}, &fault.Error{Pkg: "comps", Field: "trim", Value: fault.Plain(t.Fraction), Err: fault.ErrTrim, Key: setKey("trim")}
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

// WeightedMean is the mean of the multiples with weights given per ticker: Σ(w × x) / Σw.
// Every comparable priced needs a weight; weights are not negative and need not sum to 1.
type WeightedMean struct {
	Weights map[string]decimal.Decimal
}

// Name implements Aggregate.
func (WeightedMean) Name() string { return "weighted mean" }

// Of implements Aggregate.
func (w WeightedMean) Of(cs []CompanyMultiple) (decimal.Decimal, error) {
	ws := make([]decimal.Decimal, len(cs))
	for i, c := range cs {
		x, ok := w.Weights[c.Ticker]
		if !ok {
			return decimal.Decimal{}, &fault.Error{Pkg: "comps", Ticker: c.Ticker, Field: "weight", Err: fault.ErrWeight, Key: compKey(c.Ticker, "weight")}
		}
		ws[i] = x
	}
	return weighted(cs, ws)
}

func weighted(cs []CompanyMultiple, ws []decimal.Decimal) (decimal.Decimal, error) {
	if len(cs) == 0 {
		return decimal.Decimal{}, fault.ErrEmptySet
	}
	var num, den decimal.Decimal
	for i, c := range cs {
		if ws[i].Sign() < 0 {
			return decimal.Decimal{}, &fault.Error{Pkg: "comps", Ticker: c.Ticker, Field: "weight", Value: fault.Plain(ws[i]), Err: fault.ErrWeight, Key: compKey(c.Ticker, "weight")}
		}
		num, den = num.Add(ws[i].Mul(c.Multiple)), den.Add(ws[i])
	}
	if den.Sign() <= 0 {
		return decimal.Decimal{}, &fault.Error{Pkg: "comps", Field: "weight", Value: "weights sum to 0", Err: fault.ErrWeight, Key: setKey("weights")}
	}
	return num.DivRound(den, segments.DivPlaces), nil
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
		return decimal.Decimal{}, fault.ErrEmptySet
	}
	return decimal.Sum(xs[0], xs[1:]...).DivRound(decimal.NewFromInt(int64(len(xs))), segments.DivPlaces), nil
}

// sorted returns an ascending copy of xs.
func sorted(xs []decimal.Decimal) []decimal.Decimal {
	s := append([]decimal.Decimal(nil), xs...)
	sort.Slice(s, func(i, j int) bool { return s[i].LessThan(s[j]) })
	return s
}

// withoutEacher is an Aggregate that works out, in one pass, its value over the multiples
// without each one in turn: out[i] is exactly Of(cs without cs[i]), value and exponent.
// Set.LeaveOneOut uses it where an aggregate offers it, and Of on each remainder where
// not.
type withoutEacher interface {
	withoutEach(cs []CompanyMultiple) ([]decimal.Decimal, error)
}

var (
	_ withoutEacher = Mean{}
	_ withoutEacher = Median{}
	_ withoutEacher = Harmonic{}
	_ withoutEacher = MarketValueWeighted{}
	_ withoutEacher = WeightedMean{}
)

// withoutEach: the sum of the others is the sum less one, exactly.
func (Mean) withoutEach(cs []CompanyMultiple) ([]decimal.Decimal, error) {
	ones := make([]decimal.Decimal, len(cs))
	for i := range ones {
		ones[i] = decimal.NewFromInt(1)
	}
	return weightedWithoutEach(cs, ones, multiples(cs))
}

// withoutEach: the others in order are the sorted multiples with one position skipped.
func (Median) withoutEach(cs []CompanyMultiple) ([]decimal.Decimal, error) {
	if len(cs) < 2 {
		return nil, fault.ErrEmptySet
	}
	order := make([]int, len(cs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return cs[order[a]].Multiple.LessThan(cs[order[b]].Multiple) })
	s := make([]decimal.Decimal, len(cs))
	for k, i := range order {
		s[k] = cs[i].Multiple
	}
	out := make([]decimal.Decimal, len(cs))
	rest := make([]decimal.Decimal, len(cs)-1)
	for k, i := range order {
		// Only the middle of the remainder matters: copy the two around it.
		m := len(rest)
		lo := (m - 1) / 2
		for _, j := range []int{lo, min(lo+1, m-1)} {
			if j < k {
				rest[j] = s[j]
			} else {
				rest[j] = s[j+1]
			}
		}
		out[i] = quantile(rest, 2)
	}
	return out, nil
}

// withoutEach: the sum of the others' rounded reciprocals is the sum less one, exactly.
func (Harmonic) withoutEach(cs []CompanyMultiple) ([]decimal.Decimal, error) {
	if len(cs) < 2 {
		return nil, fault.ErrEmptySet
	}
	one, sum := decimal.NewFromInt(1), decimal.Decimal{}
	recips := make([]decimal.Decimal, len(cs))
	for i, c := range cs {
		if c.Multiple.Sign() <= 0 {
			return nil, &fault.Error{Pkg: "comps", Ticker: c.Ticker, Field: "multiple", Value: fault.Plain(c.Multiple), Err: fault.ErrNonPositive, Key: compKey(c.Ticker, "multiple")}
		}
		recips[i] = one.DivRound(c.Multiple, 2*segments.DivPlaces)
		sum = sum.Add(recips[i])
	}
	n := decimal.NewFromInt(int64(len(cs) - 1))
	out := make([]decimal.Decimal, len(cs))
	for i := range cs {
		out[i] = n.DivRound(sum.Sub(recips[i]), segments.DivPlaces)
	}
	return out, nil
}

func (MarketValueWeighted) withoutEach(cs []CompanyMultiple) ([]decimal.Decimal, error) {
	ws := make([]decimal.Decimal, len(cs))
	for i, c := range cs {
		ws[i] = c.MarketValue
	}
	return weightedWithoutEach(cs, ws, multiples(cs))
}

func (w WeightedMean) withoutEach(cs []CompanyMultiple) ([]decimal.Decimal, error) {
	ws := make([]decimal.Decimal, len(cs))
	for i, c := range cs {
		x, ok := w.Weights[c.Ticker]
		if !ok {
			return nil, &fault.Error{Pkg: "comps", Ticker: c.Ticker, Field: "weight", Err: fault.ErrWeight, Key: compKey(c.Ticker, "weight")}
		}
		ws[i] = x
	}
	return weightedWithoutEach(cs, ws, multiples(cs))
}

// weightedWithoutEach is Σ(w × x) / Σw over all but each multiple in turn, from the full
// sums less one term, as weighted (and mean, with unit weights) work it out.
func weightedWithoutEach(cs []CompanyMultiple, ws, xs []decimal.Decimal) ([]decimal.Decimal, error) {
	if len(cs) < 2 {
		return nil, fault.ErrEmptySet
	}
	var num, den decimal.Decimal
	for i, c := range cs {
		if ws[i].Sign() < 0 {
			return nil, &fault.Error{Pkg: "comps", Ticker: c.Ticker, Field: "weight", Value: fault.Plain(ws[i]), Err: fault.ErrWeight, Key: compKey(c.Ticker, "weight")}
		}
		num, den = num.Add(ws[i].Mul(xs[i])), den.Add(ws[i])
	}
	out := make([]decimal.Decimal, len(cs))
	for i := range cs {
		d := den.Sub(ws[i])
		if d.Sign() <= 0 {
			return nil, &fault.Error{Pkg: "comps", Field: "weight", Value: "weights of the others sum to 0", Err: fault.ErrWeight, Key: setKey("weights")}
		}
		out[i] = num.Sub(ws[i].Mul(xs[i])).DivRound(d, segments.DivPlaces)
	}
	return out, nil
}
