package valuation

import (
	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
)

// Method values one segment in one year. Implementations must be safe for concurrent use.
type Method interface {
	// Name is the method as tables print it, e.g. "P/MAU".
	Name() string
	// Value prices segment in year and converts the value to currency through fx.
	Value(year segments.Year, segment string, fx comps.FX, currency comps.Currency) (PartValue, error)
}

var _ Method = PMAU{}

// PMAU prices a segment's users at a comparable set's price-per-user multiple: value =
// multiple × users × FX. The comparables' metric (MAU, annual active buyers) is the set's;
// the segment's is Metric.
type PMAU struct {
	Comps comps.Set
	// Metric is the segment's user count to price, in millions; zero means segments.MAU.
	Metric segments.Metric
}

// Name implements Method.
func (PMAU) Name() string { return "P/MAU" }

// Value implements Method.
func (m PMAU) Value(year segments.Year, segment string, fx comps.FX, currency comps.Currency) (PartValue, error) {
	metric := m.Metric
	if metric == "" {
		metric = segments.MAU
	}
	users, err := year.Metric(segment, metric)
	if err != nil {
		return PartValue{}, err
	}
	if users.Sign() <= 0 {
		return PartValue{}, &segments.Error{Segment: segment, Year: year.Year, Field: string(metric), Value: users.String(), Err: ErrMetric}
	}
	mult, err := m.Comps.Multiple()
	if err != nil {
		return PartValue{}, err
	}
	rate, err := fx.Rate(mult.Currency, currency)
	if err != nil {
		return PartValue{}, err
	}
	return PartValue{
		Method:      m.Name(),
		Multiple:    mult,
		Metric:      metric,
		MetricValue: users,
		FX:          comps.Rate{From: mult.Currency, To: currency, Rate: rate},
		Value:       mult.Value.Mul(users).Mul(rate),
	}, nil
}

// PartValue is one segment valued, with everything that went into it.
type PartValue struct {
	Segment     string
	Title       string
	Method      string
	Multiple    comps.Multiple  // the comparables, their aggregate and premium
	Metric      segments.Metric // what was priced
	MetricValue decimal.Decimal // millions
	FX          comps.Rate      // from the multiple's currency to the target currency
	Value       decimal.Decimal // millions of the target currency
}
