package comps

import "errors"

// Sentinel errors, matched with errors.Is through an *Error.
var (
	// ErrEmptySet reports a set with no comparables.
	ErrEmptySet = errors.New("empty comparable set")
	// ErrNoRate reports a currency pair the FX table cannot convert.
	ErrNoRate = errors.New("no FX rate")
	// ErrBadRate reports an FX rate that is not positive, or a pair given twice.
	ErrBadRate = errors.New("bad FX rate")
	// ErrCurrency reports a currency code that is not three upper-case letters.
	ErrCurrency = errors.New("currency must be an ISO 4217 code such as USD")
	// ErrDuplicateTicker reports a ticker given twice in one set.
	ErrDuplicateTicker = errors.New("ticker given twice")
	// ErrMissingMetric reports a comparable without the metric its set is priced on.
	ErrMissingMetric = errors.New("metric missing")
	// ErrNonPositive reports a market value, metric or multiple that is not above zero.
	ErrNonPositive = errors.New("must be positive")
	// ErrPremium reports a premium of -100% or below, which would make the multiple worthless or negative.
	ErrPremium = errors.New("premium must be above -1")
	// ErrUnknownTicker reports an exclusion or weight naming a ticker the set does not hold.
	ErrUnknownTicker = errors.New("no such comparable in the set")
	// ErrWeight reports a missing or negative weight, or weights summing to zero.
	ErrWeight = errors.New("bad weight")
	// ErrTrim reports a trimmed-mean fraction outside [0, 0.5).
	ErrTrim = errors.New("trim fraction must be in [0, 0.5)")
	// ErrMissingContext reports a nil context.Context.
	ErrMissingContext = errors.New("no context")
	// ErrMetricKey reports a metric key that is not NAME_YEAR.
	ErrMetricKey = errors.New("metric key must be name_YYYY")
)

// Error is a data problem in a comparable set or an FX table.
type Error struct {
	Set    string // set name, if any
	Ticker string // comparable, if any
	Field  string // the field at fault, e.g. "market_value", "mau 2021", "fx USD/HKD"
	Value  string // the offending value, if any
	Err    error  // one of the sentinels above
}

// Error formats the problem with what it names, e.g. the field and the offending value.
func (e *Error) Error() string {
	msg := "comps"
	if e.Set != "" {
		msg += " set " + e.Set
	}
	if e.Ticker != "" {
		msg += " " + e.Ticker
	}
	if e.Field != "" {
		msg += ": " + e.Field
	}
	if e.Value != "" {
		msg += " " + e.Value
	}
	return msg + ": " + e.Err.Error()
}

// Unwrap returns the sentinel, for errors.Is.
func (e *Error) Unwrap() error { return e.Err }
