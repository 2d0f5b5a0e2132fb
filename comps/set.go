package comps

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/key"
)

// Set is a group of comparables priced on one metric.
//
// Its SetMultiple shows every input: each company's multiple and its modified z-score
// (outliers are flagged, never dropped silently), the five-number summary, the
// comparables excluded and why, and the FX rates used. A multiple printed by the source
// is used as printed, so that a valuation reproduces its source; the market value and
// metric stay beside it as evidence.
type Set struct {
	Name   string
	Metric MetricYear
	// Money says the metric is an amount of money (revenue, GMV, earnings) in each
	// company's reporting currency, so the multiple is a pure ratio (P/S, P/GMV, P/E).
	// Otherwise the metric counts users and the multiple is Currency per user.
	Money bool
	// Enterprise prices each company's enterprise value (market value + net debt) rather
	// than its market value: EV/Sales, EV/EBITDA. A part priced on such a set is an
	// enterprise value, which the model's bridge turns into equity.
	Enterprise bool
	// Currency is the currency the multiple is worked out in: market values (and money
	// metrics) are converted to it through the FX table. Empty means the first company's
	// listing currency.
	Currency  Currency
	Companies []Company
	// Aggregate reduces the multiples; nil means Mean.
	Aggregate Aggregate
	// Premium adjusts the aggregate: the set's multiple is aggregate × (1 + Premium).
	// Zero applies none; -0.2 is a 20% discount ("80% of the average").
	Premium decimal.Decimal
	// Exclude leaves comparables out by choice: ticker → reason. Each is listed in the
	// result with its reason; a ticker not in the set is an error.
	Exclude map[string]string
	// SkipUnpriced excludes, and lists with the reason, comparables whose metric is
	// missing or not positive (loss-making peers under P/E). Without it they are errors.
	SkipUnpriced bool
	// OutlierZ is the modified z-score above which a multiple is flagged as an outlier;
	// zero means 3.5 (Iglewicz and Hoaglin). Flags are shown, never acted on.
	OutlierZ decimal.Decimal
}

// Without returns a copy of the set without the comparable of the given ticker, for
// leave-one-out tables. The set itself is not modified.
func (s Set) Without(ticker string) Set {
	out := s
	out.Companies = make([]Company, 0, len(s.Companies))
	for _, c := range s.Companies {
		if c.Ticker != ticker {
			out.Companies = append(out.Companies, c)
		}
	}
	return out
}

// SetMultiple is a set's multiple worked out, with every input shown.
type SetMultiple struct {
	Set        string     `json:"set"`
	Metric     MetricYear `json:"metric"`
	Money      bool       `json:"money"`      // the multiple is a ratio of money to money
	Enterprise bool       `json:"enterprise"` // of enterprise values: market value + net debt
	Currency   Currency   `json:"currency"`   // of market values; per-user multiples are Currency per user
	// Companies are the comparables priced, in the set's order.
	Companies []CompanyMultiple `json:"companies"`
	// Excluded are the comparables left out, with the reason.
	Excluded []Exclusion `json:"excluded"`
	// Rates are the FX rates used, each once, in order of first use; a crossed rate
	// names the currency it was crossed through.
	Rates     []Rate          `json:"rates"`
	Stats     Stats           `json:"stats"`     // of the companies' multiples
	Aggregate string          `json:"aggregate"` // name of the aggregate
	Average   decimal.Decimal `json:"average"`   // the aggregate of the companies' multiples
	Premium   decimal.Decimal `json:"premium"`
	Value     decimal.Decimal `json:"value"` // Average × (1 + Premium)
}

// CompanyMultiple is one comparable's multiple and where it came from.
type CompanyMultiple struct {
	Ticker      string          `json:"ticker"`
	Name        string          `json:"name"`
	Currency    Currency        `json:"currency"`        // listing currency, of Close
	Close       decimal.Decimal `json:"close"`           // in the listing currency
	AsOf        string          `json:"as_of,omitempty"` // the close's date (Company.AsOf)
	MarketValue decimal.Decimal `json:"market_value"`    // millions of the set's currency; the enterprise value for an enterprise set
	Metric      decimal.Decimal `json:"metric"`          // millions; of the set's currency for a money metric
	Multiple    decimal.Decimal `json:"multiple"`        // the value used
	Implied     decimal.Decimal `json:"implied"`         // MarketValue / Metric, to 16 places
	Printed     bool            `json:"printed"`         // Multiple is as the source printed it
	// Z is the multiple's modified z-score within the set: 0.6745 × (x − median) / MAD.
	Z decimal.Decimal `json:"z"`
	// Outlier flags |Z| above the set's threshold.
	Outlier bool `json:"outlier"`
}

// Exclusion is a comparable left out of a set, and why.
type Exclusion struct {
	Ticker string `json:"ticker"`
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// Multiple works out the set's multiple. Market values, money metrics and printed
// per-user multiples are converted to the set's currency through fx; a printed multiple
// of a money set is a ratio and is used as printed.
func (s Set) Multiple(fx FX) (SetMultiple, error) {
	if err := s.check(); err != nil {
		return SetMultiple{}, err
	}
	out := SetMultiple{Set: s.Name, Metric: s.Metric, Money: s.Money, Enterprise: s.Enterprise, Currency: s.Currency, Premium: s.Premium}
	if out.Currency == "" {
		out.Currency = s.Companies[0].Currency
	}
	if err := s.priceEach(fx, &out); err != nil {
		return SetMultiple{}, err
	}
	if len(out.Companies) == 0 {
		return SetMultiple{}, &fault.Error{Pkg: "comps", Set: s.Name, Value: fmt.Sprintf("all %d comparables excluded", len(s.Companies)), Err: fault.ErrEmptySet, Key: setKey("comps")}
	}
	threshold := s.OutlierZ
	if threshold.IsZero() {
		threshold = defaultOutlierZ
	}
	out.score(threshold)
	agg := s.aggregate()
	avg, err := agg.Of(out.Companies)
	if err != nil {
		return SetMultiple{}, s.aggregateError(agg, err)
	}
	out.Aggregate, out.Average = agg.Name(), avg
	out.Value = applyPremium(avg, s.Premium)
	return out, nil
}

// check reports a set that cannot be priced: no comparables, a premium of -100% or
// less, a negative outlier threshold, or tickers as checkTickers says.
func (s Set) check() error {
	if len(s.Companies) == 0 {
		return &fault.Error{Pkg: "comps", Set: s.Name, Err: fault.ErrEmptySet, Key: setKey("comps")}
	}
	if err := checkPremium(s.Name, s.Premium); err != nil {
		return err
	}
	if s.OutlierZ.Sign() < 0 {
		return &fault.Error{Pkg: "comps", Set: s.Name, Field: "outlier_z", Value: fault.Plain(s.OutlierZ), Err: fault.ErrNonPositive, Key: setKey("outlier_z")}
	}
	return s.checkTickers()
}

// priceEach prices the set's comparables into out, in the set's order: each it excludes
// is listed in out.Excluded with the reason, as is, with SkipUnpriced, each whose metric
// is missing or not positive.
func (s Set) priceEach(fx FX, out *SetMultiple) error {
	for _, c := range s.Companies {
		if reason, ok := s.Exclude[c.Ticker]; ok {
			out.Excluded = append(out.Excluded, Exclusion{Ticker: c.Ticker, Name: c.Name, Reason: reason})
			continue
		}
		cm, err := s.price(c, fx, out)
		var ce *fault.Error
		if s.SkipUnpriced && errors.As(err, &ce) && ce.Key == compKey(c.Ticker, "metric") {
			out.Excluded = append(out.Excluded, Exclusion{Ticker: c.Ticker, Name: c.Name, Reason: unpriced(ce)})
			continue
		}
		if err != nil {
			return err
		}
		out.Companies = append(out.Companies, cm)
	}
	return nil
}

// score works out the statistics of the companies' multiples and each one's modified
// z-score, flagging as an outlier each whose score is above threshold either way.
func (m *SetMultiple) score(threshold decimal.Decimal) {
	xs := make([]decimal.Decimal, len(m.Companies))
	for i, c := range m.Companies {
		xs[i] = c.Multiple
	}
	m.Stats = statsOf(xs)
	for i, z := range modifiedZ(xs, m.Stats.Median) {
		m.Companies[i].Z = z
		m.Companies[i].Outlier = z.Abs().GreaterThan(threshold)
	}
}

// LeaveOneOut works out the set's multiple, then for each comparable priced, in the order
// of full.Companies, the aggregate of the others: what the set's Average would be
// without it. Each company is priced once; the shipped aggregates but Trimmed work all the
// remainders out in one pass (the sum less one term), others cost one aggregate per
// comparable. The averages are exactly those Aggregate.Of gives on each remainder. It
// stops with ctx's error when ctx is done, and needs two or more comparables priced.
func (s Set) LeaveOneOut(ctx context.Context, fx FX) (full SetMultiple, averages []decimal.Decimal, err error) {
	if ctx == nil {
		return SetMultiple{}, nil, &fault.Error{Pkg: "comps", Set: s.Name, Field: "context", Err: fault.ErrMissingContext, Key: setKey("comps")}
	}
	full, err = s.Multiple(fx)
	if err != nil {
		return SetMultiple{}, nil, err
	}
	if len(full.Companies) < 2 {
		return SetMultiple{}, nil, &fault.Error{Pkg: "comps", Set: s.Name, Value: fmt.Sprintf("%d comparable priced; leaving one out needs two", len(full.Companies)), Err: fault.ErrEmptySet, Key: setKey("comps")}
	}
	agg := s.aggregate()
	if fast, ok := agg.(withoutEacher); ok {
		if averages, err = fast.withoutEach(full.Companies); err != nil {
			return SetMultiple{}, nil, s.aggregateError(agg, err)
		}
		if err := ctx.Err(); err != nil { // no results with an error, as the other aggregates stop
			return SetMultiple{}, nil, err
		}
		return full, averages, nil
	}
	others := make([]CompanyMultiple, 0, len(full.Companies)-1)
	averages = make([]decimal.Decimal, len(full.Companies))
	for i := range full.Companies {
		if err := ctx.Err(); err != nil {
			return SetMultiple{}, nil, err
		}
		others = append(append(others[:0], full.Companies[:i]...), full.Companies[i+1:]...)
		if averages[i], err = agg.Of(others); err != nil {
			return SetMultiple{}, nil, s.aggregateError(agg, err)
		}
	}
	return full, averages, nil
}

// aggregate returns the set's aggregate, Mean when none is set.
func (s Set) aggregate() Aggregate {
	if s.Aggregate == nil {
		return Mean{}
	}
	return s.Aggregate
}

// aggregateError locates an error of the set's aggregate in the set.
func (s Set) aggregateError(agg Aggregate, err error) error {
	var ce *fault.Error
	if errors.As(err, &ce) {
		c := *ce
		c.Set = s.Name
		return &c
	}
	return &fault.Error{Pkg: "comps", Set: s.Name, Field: "aggregate " + agg.Name(), Err: err, Key: setKey("aggregate")}
}

// WithPremium returns the multiple at another premium over the same aggregate, as if the
// set had been given it: sweeps of a discount need not work the comparables out again.
func (m SetMultiple) WithPremium(p decimal.Decimal) (SetMultiple, error) {
	if err := checkPremium(m.Set, p); err != nil {
		return SetMultiple{}, err
	}
	m.Premium, m.Value = p, applyPremium(m.Average, p)
	return m, nil
}

// WithAverage returns the multiple with its aggregate replaced by a, which must be
// positive, at the same premium: "what if the peers traded at a". The companies, their
// statistics and the aggregate's name are kept as worked out, for reference.
func (m SetMultiple) WithAverage(a decimal.Decimal) (SetMultiple, error) {
	if a.Sign() <= 0 {
		return SetMultiple{}, &fault.Error{Pkg: "comps", Set: m.Set, Field: "average", Value: fault.Plain(a), Err: fault.ErrNonPositive, Key: setKey("average")}
	}
	m.Average, m.Value = a, applyPremium(a, m.Premium)
	return m, nil
}

func checkPremium(set string, p decimal.Decimal) error {
	if p.LessThanOrEqual(decimal.NewFromInt(-1)) {
		return &fault.Error{Pkg: "comps", Set: set, Field: "premium", Value: fault.Plain(p), Err: fault.ErrPremium, Key: setKey("premium")}
	}
	return nil
}

// applyPremium is the set's multiple: its aggregate × (1 + premium).
func applyPremium(avg, p decimal.Decimal) decimal.Decimal {
	return avg.Mul(decimal.NewFromInt(1).Add(p))
}

// checkTickers reports a ticker given twice, and an exclusion or weight that names a
// ticker the set does not hold.
func (s Set) checkTickers() error {
	held := make(map[string]bool, len(s.Companies))
	for _, c := range s.Companies {
		if held[c.Ticker] {
			return &fault.Error{Pkg: "comps", Set: s.Name, Ticker: c.Ticker, Field: "ticker", Err: fault.ErrDuplicateTicker, Key: compKey(c.Ticker, "ticker")}
		}
		held[c.Ticker] = true
	}
	named := func(field string, tickers []string) error {
		sort.Strings(tickers)
		for _, t := range tickers {
			if !held[t] {
				return &fault.Error{Pkg: "comps", Set: s.Name, Ticker: t, Field: field, Err: fault.ErrUnknownTicker, Key: compKey(t, field)}
			}
		}
		return nil
	}
	if err := named("exclude", slices.Collect(maps.Keys(s.Exclude))); err != nil {
		return err
	}
	if w, ok := s.Aggregate.(WeightedMean); ok {
		return named("weight", slices.Collect(maps.Keys(w.Weights)))
	}
	return nil
}

func unpriced(e *fault.Error) string {
	if e.Value == "" {
		return e.Field + " " + e.Err.Error()
	}
	return e.Field + " " + e.Value + ": " + e.Err.Error()
}

// price works out one company's multiple in the set's currency, recording the FX rates
// it uses in out.
func (s Set) price(c Company, fx FX, out *SetMultiple) (CompanyMultiple, error) {
	// fail locates an error of pricing c in the set; a field names the company's field at
	// fault when the error names another (a missing FX rate: the company's currency).
	fail := func(err error, field string) (CompanyMultiple, error) {
		var ce *fault.Error
		if errors.As(err, &ce) {
			ce.Set, ce.Ticker = s.Name, c.Ticker
			if field != "" {
				ce.Key = compKey(c.Ticker, field)
			}
		}
		return CompanyMultiple{}, err
	}
	metric, ok := c.Metrics[s.Metric]
	if !ok {
		return fail(&fault.Error{Pkg: "comps", Field: s.Metric.String(), Err: fault.ErrMissingMetric}, "metric")
	}
	if metric.Sign() <= 0 {
		return fail(&fault.Error{Pkg: "comps", Field: s.Metric.String(), Value: fault.Plain(metric), Err: fault.ErrNonPositive}, "metric")
	}
	value := c.MarketCap
	if s.Enterprise {
		value = c.EnterpriseValue
	}
	mv, err := value()
	if err != nil {
		return fail(err, "")
	}
	rate, err := out.rate(fx, c.Currency)
	if err != nil {
		return fail(err, "currency")
	}
	cm := CompanyMultiple{Ticker: c.Ticker, Name: c.Name, Currency: c.Currency, Close: c.Close, AsOf: c.AsOf,
		MarketValue: convert(mv, c.Currency, out.Currency, rate), Metric: metric}
	if s.Money {
		mrate, err := out.rate(fx, c.reporting())
		if err != nil {
			return fail(err, "reporting")
		}
		cm.Metric = convert(metric, c.reporting(), out.Currency, mrate)
	}
	cm.Implied = cm.MarketValue.DivRound(cm.Metric, segments.DivPlaces)
	cm.Multiple = cm.Implied
	if p, ok := c.Multiples[s.Metric]; ok {
		if p.Sign() <= 0 {
			return fail(&fault.Error{Pkg: "comps", Field: "multiple " + s.Metric.String(), Value: fault.Plain(p), Err: fault.ErrNonPositive}, "multiple")
		}
		if !s.Money {
			p = convert(p, c.Currency, out.Currency, rate)
		}
		cm.Multiple, cm.Printed = p, true
	}
	return cm, nil
}

// convert returns x in currency from as currency to, at rate; unchanged when they are one.
func convert(x decimal.Decimal, from, to Currency, rate decimal.Decimal) decimal.Decimal {
	if from == to {
		return x
	}
	return x.Mul(rate)
}

// compKey is the key of a comparable's field in an error. Its segment is that of the part
// the set is priced for, which the part fills in (fault.Within); a set knows none.
func compKey(ticker, field string) key.Key {
	return key.Key{Space: key.SpaceComp, Ticker: ticker, Name: field}
}

// setKey is the key of a set's field in an error: a field of the part the set is priced
// for, its segment filled in by the part as compKey's is; "comps" names the set itself.
func setKey(field string) key.Key { return key.Part("", field) }

// rate returns the rate from c to the multiple's currency and records it.
func (m *SetMultiple) rate(fx FX, c Currency) (decimal.Decimal, error) {
	r, err := fx.Pair(c, m.Currency)
	var fe *fault.Error
	if errors.As(err, &fe) { // say where the pair comes from: the set's currency field
		named := *fe
		named.Value = "(to the set's currency, " + string(m.Currency) + "; " + strings.TrimPrefix(fe.Value, "(")
		return decimal.Decimal{}, &named
	}
	if c == m.Currency || slices.ContainsFunc(m.Rates, func(seen Rate) bool { return seen.From == c }) {
		return r.Rate, nil
	}
	m.Rates = append(m.Rates, r)
	return r.Rate, nil
}

// Clone returns a deep copy of the set: its companies, their metrics and printed
// multiples, its exclusions and the weights of a WeightedMean aggregate are its own, so that
// writing to one of them leaves s as it was.
func (s Set) Clone() Set {
	out := s
	if s.Companies != nil {
		out.Companies = make([]Company, len(s.Companies))
		for i, c := range s.Companies {
			out.Companies[i] = c.Clone()
		}
	}
	out.Exclude = maps.Clone(s.Exclude)
	if w, ok := s.Aggregate.(WeightedMean); ok {
		out.Aggregate = WeightedMean{Weights: maps.Clone(w.Weights)}
	}
	return out
}
