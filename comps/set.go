package comps

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// Metric names what a comparable is priced on, and for which year: {"mau", 2021}.
type Metric struct {
	Name string
	Year int
}

// String returns the metric as errors and tables show it: "mau 2021".
func (m Metric) String() string { return fmt.Sprintf("%s %d", m.Name, m.Year) }

// Company is one listed comparable as of a date.
type Company struct {
	Ticker   string
	Name     string
	Currency Currency        // of Close and MarketValue
	Close    decimal.Decimal // per listed share or ADS
	// MarketValue is in millions of Currency.
	MarketValue decimal.Decimal
	// Metrics are the figures the company can be priced on, in millions (of users).
	Metrics map[Metric]decimal.Decimal
	// Multiples are multiples as the source printed them. Where one is given for a set's
	// metric it is used in place of MarketValue / metric, which stays as evidence.
	Multiples map[Metric]decimal.Decimal
	AsOf      string // date of Close, YYYY-MM-DD
	Source    string // where the figures come from
}

// Aggregate reduces the comparables' multiples to one. Implementations must be safe for
// concurrent use and must not modify xs.
type Aggregate interface {
	Name() string
	Of(xs []decimal.Decimal) (decimal.Decimal, error)
}

var _ Aggregate = Mean{}

// Mean is the arithmetic mean, the sell-side default.
type Mean struct{}

// Name implements Aggregate.
func (Mean) Name() string { return "mean" }

// Of implements Aggregate.
func (Mean) Of(xs []decimal.Decimal) (decimal.Decimal, error) {
	if len(xs) == 0 {
		return decimal.Decimal{}, ErrEmptySet
	}
	return decimal.Sum(xs[0], xs[1:]...).DivRound(decimal.NewFromInt(int64(len(xs))), divPlaces), nil
}

// Set is a group of comparables priced on one metric.
type Set struct {
	Name      string
	Metric    Metric
	Companies []Company
	// Aggregate reduces the multiples; nil means Mean.
	Aggregate Aggregate
	// Premium adjusts the aggregate: the set's multiple is aggregate × (1 + Premium).
	// Zero applies none; -0.2 is a 20% discount ("80% of the average").
	Premium decimal.Decimal
}

// Multiple is a set's multiple worked out, with every input shown.
type Multiple struct {
	Set       string
	Metric    Metric
	Currency  Currency // the multiple is in Currency per unit of the metric
	Companies []CompanyMultiple
	Aggregate string          // name of the aggregate
	Average   decimal.Decimal // the aggregate of the companies' multiples
	Premium   decimal.Decimal
	Value     decimal.Decimal // Average × (1 + Premium)
}

// CompanyMultiple is one comparable's multiple and where it came from.
type CompanyMultiple struct {
	Ticker      string
	Name        string
	Close       decimal.Decimal
	MarketValue decimal.Decimal // millions of the set's currency
	Metric      decimal.Decimal // millions
	Multiple    decimal.Decimal // the value used
	Implied     decimal.Decimal // MarketValue / Metric, to 16 places
	Printed     bool            // Multiple is as the source printed it
}

// Multiple works out the set's multiple. Every comparable must share the set's currency
// and carry a positive metric and market value.
func (s Set) Multiple() (Multiple, error) {
	if len(s.Companies) == 0 {
		return Multiple{}, &Error{Set: s.Name, Err: ErrEmptySet}
	}
	if s.Premium.LessThanOrEqual(decimal.NewFromInt(-1)) {
		return Multiple{}, &Error{Set: s.Name, Field: "premium", Value: s.Premium.String(), Err: ErrPremium}
	}
	out := Multiple{
		Set:       s.Name,
		Metric:    s.Metric,
		Currency:  s.Companies[0].Currency,
		Companies: make([]CompanyMultiple, len(s.Companies)),
		Premium:   s.Premium,
	}
	xs := make([]decimal.Decimal, len(s.Companies))
	for i, c := range s.Companies {
		cm, err := c.multiple(s.Metric)
		if err != nil {
			err.Set = s.Name
			return Multiple{}, err
		}
		if c.Currency != out.Currency {
			return Multiple{}, &Error{Set: s.Name, Ticker: c.Ticker, Field: "currency",
				Value: fmt.Sprintf("%s, not %s", c.Currency, out.Currency), Err: ErrCurrencyMismatch}
		}
		out.Companies[i], xs[i] = cm, cm.Multiple
	}
	agg := s.Aggregate
	if agg == nil {
		agg = Mean{}
	}
	avg, err := agg.Of(xs)
	if err != nil {
		return Multiple{}, &Error{Set: s.Name, Field: "aggregate " + agg.Name(), Err: err}
	}
	out.Aggregate, out.Average = agg.Name(), avg
	out.Value = avg.Mul(decimal.NewFromInt(1).Add(s.Premium))
	return out, nil
}

func (c Company) multiple(m Metric) (CompanyMultiple, *Error) {
	metric, ok := c.Metrics[m]
	if !ok {
		return CompanyMultiple{}, &Error{Ticker: c.Ticker, Field: m.String(), Err: ErrMissingMetric}
	}
	if metric.Sign() <= 0 {
		return CompanyMultiple{}, &Error{Ticker: c.Ticker, Field: m.String(), Value: metric.String(), Err: ErrNonPositive}
	}
	if c.MarketValue.Sign() <= 0 {
		return CompanyMultiple{}, &Error{Ticker: c.Ticker, Field: "market_value", Value: c.MarketValue.String(), Err: ErrNonPositive}
	}
	cm := CompanyMultiple{
		Ticker: c.Ticker, Name: c.Name, Close: c.Close, MarketValue: c.MarketValue, Metric: metric,
		Implied: c.MarketValue.DivRound(metric, divPlaces),
	}
	cm.Multiple = cm.Implied
	if p, ok := c.Multiples[m]; ok {
		if p.Sign() <= 0 {
			return CompanyMultiple{}, &Error{Ticker: c.Ticker, Field: "multiple " + m.String(), Value: p.String(), Err: ErrNonPositive}
		}
		cm.Multiple, cm.Printed = p, true
	}
	return cm, nil
}
