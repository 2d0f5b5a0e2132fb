package fault

// Sentinel is one kind of problem: errors.Is matches it through any *Error, and its Code
// names it in JSON ({"error", "code", "path"}) as a stable snake_case word.
//
// Each sentinel belongs to one of seven categories, themselves sentinels: ErrInvalid (a
// value out of its range or malformed), ErrMissing (something required not given),
// ErrUnknown (a name that names nothing), ErrUnsupported (what sotp cannot express or
// compute), ErrSyntax (a file that is not well-formed), ErrLimit (a request above a
// bound) and ErrNoSolution (a search that found none). errors.Is matches an error's
// category too, so a caller may handle categories and leave the detail to the location:
// errors.Is(err, fault.ErrInvalid) holds for an error of ErrRate. JSON carries the
// sentinel's own code, as it always has; the category is for Go callers.
type Sentinel struct {
	code, msg string
	category  *Sentinel // nil for a category itself
}

// Is reports whether target is the sentinel's category, for errors.Is.
func (s *Sentinel) Is(target error) bool { return s.category != nil && target == s.category }

// Category returns the sentinel's category: one of the seven categories, which is its
// own.
func (s *Sentinel) Category() *Sentinel {
	if s.category == nil {
		return s
	}
	return s.category
}

// Error returns the sentinel's message, e.g. "rate out of range".
func (s *Sentinel) Error() string { return s.msg }

// Code returns the sentinel's stable name, e.g. "rate" for ErrRate, "dau_above_mau" for
// ErrDAUAboveMAU: its variable's name without Err, in snake case.
func (s *Sentinel) Code() string { return s.code }

// Sentinels of the plan and its drivers (package segments).
var (
	// ErrNegative reports a value below zero where none may be: a driver input, a user
	// count, a cost or expense amount (costs are given positive).
	ErrNegative = &Sentinel{code: "negative", msg: "must not be negative", category: ErrInvalid}
	// ErrNonPositive reports a figure that must be above zero: MAU, a market value, a
	// comparable's metric or multiple, a figure priced, a denominator.
	ErrNonPositive = &Sentinel{code: "non_positive", msg: "must be positive", category: ErrInvalid}
	// ErrRate reports a rate outside its range: [0,1] for a paying ratio, penetration or
	// take rate, [-1,1] for a margin.
	ErrRate = &Sentinel{code: "rate", msg: "rate out of range", category: ErrInvalid}
	// ErrDAUAboveMAU reports daily active users above monthly active users.
	ErrDAUAboveMAU = &Sentinel{code: "dau_above_mau", msg: "DAU exceeds MAU", category: ErrInvalid}
	// ErrUnknownYear reports a year the plan does not cover.
	ErrUnknownYear = &Sentinel{code: "unknown_year", msg: "unknown year", category: ErrUnknown}
	// ErrUnknownSegment reports a segment name the plan does not hold.
	ErrUnknownSegment = &Sentinel{code: "unknown_segment", msg: "unknown segment", category: ErrUnknown}
	// ErrUnknownMetric reports a metric a segment forecast does not carry.
	ErrUnknownMetric = &Sentinel{code: "unknown_metric", msg: "unknown metric", category: ErrUnknown}
	// ErrMissing reports a required value that was not given: a nil driver, a P&L line
	// or share count without a value for a forecast year. It is also the category of
	// every sentinel of something required and not given (Sentinel).
	ErrMissing = &Sentinel{code: "missing", msg: "missing"}
	// ErrNoGrowth reports growth asked of a first year, or over a previous value of zero.
	ErrNoGrowth = &Sentinel{code: "no_growth", msg: "no previous non-zero value to grow from", category: ErrMissing}
	// ErrUnknownUnit reports a unit name or number that is not one of the Unit constants.
	ErrUnknownUnit = &Sentinel{code: "unknown_unit", msg: "unknown unit", category: ErrUnknown}
	// ErrSpec reports a driver model (Spec) that cannot forecast, or values that do not
	// fit it.
	ErrSpec = &Sentinel{code: "spec", msg: "malformed driver model", category: ErrInvalid}
	// ErrPlan reports a plan whose shape is wrong: no years, years out of order, duplicates.
	ErrPlan = &Sentinel{code: "plan", msg: "malformed plan", category: ErrInvalid}
)

// Sentinels of comparables and FX (package comps).
var (
	// ErrEmptySet reports a set with no comparables.
	ErrEmptySet = &Sentinel{code: "empty_set", msg: "empty comparable set", category: ErrMissing}
	// ErrNoRate reports a currency pair the FX table cannot convert.
	ErrNoRate = &Sentinel{code: "no_rate", msg: "no FX rate", category: ErrMissing}
	// ErrBadRate reports an FX rate that is not positive, or a pair given twice.
	ErrBadRate = &Sentinel{code: "bad_rate", msg: "bad FX rate", category: ErrInvalid}
	// ErrCurrency reports a currency code that is not three upper-case letters.
	ErrCurrency = &Sentinel{code: "currency", msg: "currency must be an ISO 4217 code such as USD", category: ErrInvalid}
	// ErrDuplicateTicker reports a ticker given twice in one set.
	ErrDuplicateTicker = &Sentinel{code: "duplicate_ticker", msg: "ticker given twice", category: ErrInvalid}
	// ErrMissingMetric reports a comparable without the metric its set is priced on.
	ErrMissingMetric = &Sentinel{code: "missing_metric", msg: "metric missing", category: ErrMissing}
	// ErrPremium reports a premium of -100% or below, which would make the multiple
	// worthless or negative.
	ErrPremium = &Sentinel{code: "premium", msg: "premium must be above -1", category: ErrInvalid}
	// ErrUnknownTicker reports an exclusion or weight naming a ticker the set does not hold.
	ErrUnknownTicker = &Sentinel{code: "unknown_ticker", msg: "no such comparable in the set", category: ErrUnknown}
	// ErrWeight reports a missing or negative weight, or weights summing to zero.
	ErrWeight = &Sentinel{code: "weight", msg: "bad weight", category: ErrInvalid}
	// ErrTrim reports a trimmed-mean fraction outside [0, 0.5).
	ErrTrim = &Sentinel{code: "trim", msg: "trim fraction must be in [0, 0.5)", category: ErrInvalid}
	// ErrMissingContext reports a nil context.Context.
	ErrMissingContext = &Sentinel{code: "missing_context", msg: "no context", category: ErrMissing}
	// ErrMetricKey reports a metric key that is not NAME_YEAR.
	ErrMetricKey = &Sentinel{code: "metric_key", msg: "metric key must be name_YYYY", category: ErrInvalid}
)

// Sentinels of models, results and prepared models (package valuation).
var (
	// ErrShares reports a share count that is not positive, of the valuation or of a
	// year of the P&L.
	ErrShares = &Sentinel{code: "shares", msg: "share count must be positive", category: ErrInvalid}
	// ErrPrice reports a negative price.
	ErrPrice = &Sentinel{code: "price", msg: "price must not be negative", category: ErrInvalid}
	// ErrMetric reports a segment figure a method cannot price: missing from the
	// segment, zero or negative, or not a count of users or money.
	ErrMetric = &Sentinel{code: "metric", msg: "segment figure cannot be priced", category: ErrInvalid}
	// ErrMismatch reports a money figure priced on a per-user set, or the reverse.
	ErrMismatch = &Sentinel{code: "mismatch", msg: "figure and comparable set do not match", category: ErrInvalid}
	// ErrLabel reports a method label that names another figure than the one priced:
	// "P/E" on MAU.
	ErrLabel = &Sentinel{code: "label", msg: "method label does not match the figure priced", category: ErrInvalid}
	// ErrNoParts reports a model with nothing to value.
	ErrNoParts = &Sentinel{code: "no_parts", msg: "no parts to value", category: ErrMissing}
	// ErrDuplicatePart reports a second part on a segment that a part already values.
	ErrDuplicatePart = &Sentinel{code: "duplicate_part", msg: "segment valued by more than one part", category: ErrInvalid}
	// ErrNoPart reports a segment that no part of the model values.
	ErrNoPart = &Sentinel{code: "no_part", msg: "no part values the segment", category: ErrInvalid}
	// ErrLeaveOneOut reports a part whose method is not a Multiple on two or more
	// comparables, so that none can be left out.
	ErrLeaveOneOut = &Sentinel{code: "leave_one_out", msg: "leave-one-out needs a Multiple on two or more comparables", category: ErrUnsupported}
	// ErrNoCurrency reports a model without a target currency.
	ErrNoCurrency = &Sentinel{code: "no_currency", msg: "no target currency", category: ErrMissing}
	// ErrPlaces reports a printed figure whose places or shift are out of range.
	ErrPlaces = &Sentinel{code: "places", msg: "printed places out of range", category: ErrInvalid}
	// ErrUnknownFigure reports a figure key that names nothing in a result, or a string
	// outside the grammar of key.Key.
	ErrUnknownFigure = &Sentinel{code: "unknown_figure", msg: "unknown figure", category: ErrUnknown}
	// ErrUnknownAssumption reports a key that names no assumption of a prepared model.
	ErrUnknownAssumption = &Sentinel{code: "unknown_assumption", msg: "unknown assumption", category: ErrUnknown}
	// ErrNotMovable reports the average or premium of a part whose method is not a
	// Multiple.
	ErrNotMovable = &Sentinel{code: "not_movable", msg: "cannot be moved: the part's method is not a Multiple", category: ErrUnsupported}
	// ErrDuplicateAssumption reports an assumption set twice at one point or named on
	// two axes.
	ErrDuplicateAssumption = &Sentinel{code: "duplicate_assumption", msg: "assumption set twice", category: ErrInvalid}
	// ErrNoOutput reports a query or run without outputs.
	ErrNoOutput = &Sentinel{code: "no_output", msg: "no outputs", category: ErrMissing}
	// ErrPoint reports a point whose number of values is not the query's number of moves.
	ErrPoint = &Sentinel{code: "point", msg: "values do not match the moves", category: ErrInvalid}
	// ErrRatio reports a P&L ratio outside its sane range: [0, MaxRatio] for costs and
	// expenses, [−MaxRatio, MaxRatio] for other lines.
	ErrRatio = &Sentinel{code: "ratio", msg: "ratio outside its sane range", category: ErrInvalid}
	// ErrBase reports a P&L ratio of a segment the forecast does not have.
	ErrBase = &Sentinel{code: "base", msg: "no such segment to take a ratio of", category: ErrUnknown}
	// ErrBridge reports a bridge item without a name or of no kind, or a name given twice.
	ErrBridge = &Sentinel{code: "bridge", msg: "bad bridge item", category: ErrInvalid}
	// ErrDilution reports a dilution that cannot be worked out: a tranche without a name,
	// a name given twice or, for a convertible bond, a bridge item's name; a basis
	// unknown; a dilution the treasury stock method cannot solve.
	ErrDilution = &Sentinel{code: "dilution", msg: "bad dilution", category: ErrInvalid}
	// ErrHorizon reports a horizon period outside [0, valuation.MaxHorizonYears].
	ErrHorizon = &Sentinel{code: "horizon", msg: "horizon out of range", category: ErrInvalid}
	// ErrLine reports a P&L line without a name or kind, or a name given twice.
	ErrLine = &Sentinel{code: "line", msg: "bad line", category: ErrInvalid}
)

// Sentinels of sensitivity runs (package valuation/sensitivity).
var (
	// ErrTooManyPoints reports a run larger than the engine's MaxPoints.
	ErrTooManyPoints = &Sentinel{code: "too_many_points", msg: "too many points", category: ErrLimit}
	// ErrOption reports a negative option, or a value that cannot be used: an empty axis,
	// a step count below two, a bad percentile or bin count.
	ErrOption = &Sentinel{code: "option", msg: "bad option", category: ErrInvalid}
	// ErrNoBracket reports a goal-seek bracket whose ends do not straddle the target.
	ErrNoBracket = &Sentinel{code: "no_bracket", msg: "no solution in the bracket", category: ErrNoSolution}
	// ErrNoConvergence reports a goal seek that did not reach its tolerance.
	ErrNoConvergence = &Sentinel{code: "no_convergence", msg: "goal seek did not converge", category: ErrNoSolution}
	// ErrFloat reports a model part with no float64 form for Monte Carlo or Sobol runs.
	ErrFloat = &Sentinel{code: "float", msg: "no float64 form", category: ErrUnsupported}
	// ErrInvalidDraw reports a Monte Carlo or Sobol run whose draws the decimal engine
	// would refuse: any, with FailOnInvalid, or all but one.
	ErrInvalidDraw = &Sentinel{code: "invalid_draw", msg: "invalid draws", category: ErrInvalid}
	// ErrDistribution reports a distribution with bad parameters, or bounds that leave it
	// no probability.
	ErrDistribution = &Sentinel{code: "distribution", msg: "bad distribution", category: ErrInvalid}
)

// Sentinels of charts (package valuation/chart).
var (
	// ErrChart reports an analysis or size a chart cannot be drawn from.
	ErrChart = &Sentinel{code: "chart", msg: "cannot be charted", category: ErrUnsupported}
)

// Sentinels of files (package valuation/modelfile), and the categories no package has.
var (
	// ErrTooLarge reports input above the size limit.
	ErrTooLarge = &Sentinel{code: "too_large", msg: "file too large", category: ErrLimit}
	// ErrSyntax reports input that is not well-formed JSON or CSV, or nests too deeply.
	// It is also the category of the sentinels of a file's text (Sentinel): a key
	// twice, a value of the wrong type, a number for a decimal, a decimal out of bounds.
	ErrSyntax = &Sentinel{code: "syntax", msg: "syntax error"}
	// ErrDuplicateKey reports an object key given twice.
	ErrDuplicateKey = &Sentinel{code: "duplicate_key", msg: "duplicate key", category: ErrSyntax}
	// ErrUnknownField reports an object key the format does not define.
	ErrUnknownField = &Sentinel{code: "unknown_field", msg: "unknown field", category: ErrUnknown}
	// ErrMissingField reports a required field that is absent.
	ErrMissingField = &Sentinel{code: "missing_field", msg: "required field missing", category: ErrMissing}
	// ErrType reports a value of the wrong JSON type.
	ErrType = &Sentinel{code: "type", msg: "wrong type", category: ErrSyntax}
	// ErrNumber reports a JSON number where a decimal string is required: numbers pass
	// through binary floating point in most JSON tools, so money is written "12.34".
	ErrNumber = &Sentinel{code: "number", msg: "decimal must be a JSON string, not a number", category: ErrSyntax}
	// ErrDecimal reports a string that is not a decimal within bounds: at most
	// modelfile.MaxDigits digits and an exponent within ±modelfile.MaxExponent.
	ErrDecimal = &Sentinel{code: "decimal", msg: "not a decimal within bounds", category: ErrSyntax}
	// ErrInvalid reports a value the format does not allow, e.g. an ADS ratio of 0 or an
	// unknown driver kind. It is also the category of every sentinel of a value out of
	// its range or malformed (Sentinel).
	ErrInvalid = &Sentinel{code: "invalid", msg: "invalid value"}
	// ErrUnsupported reports a model that cannot be written as a model file or a
	// workbook: a driver, method or aggregate of a type the format does not know. It is
	// also the category of every sentinel of what sotp cannot express or compute
	// (Sentinel).
	ErrUnsupported = &Sentinel{code: "unsupported", msg: "not expressible in the format"}

	// Categories of no package's own; the others are ErrInvalid, ErrMissing,
	// ErrUnsupported and ErrSyntax, sentinels of their own too (see Sentinel).

	// ErrUnknown reports a name that names nothing: a year, segment, metric, unit,
	// ticker, figure, assumption or field sotp does not know.
	ErrUnknown = &Sentinel{code: "unknown", msg: "unknown name"}
	// ErrLimit reports a request above a bound set to keep a run or a service within
	// its memory and time: too many points, a file too large.
	ErrLimit = &Sentinel{code: "limit", msg: "above a limit"}
	// ErrNoSolution reports a search that found no answer: a goal seek without a root
	// in its bracket, or without convergence.
	ErrNoSolution = &Sentinel{code: "no_solution", msg: "no solution"}
)

// sentinels are all of the above, so that a code read back from JSON finds its sentinel.
var sentinels = []*Sentinel{
	ErrNegative,
	ErrNonPositive,
	ErrRate,
	ErrDAUAboveMAU,
	ErrUnknownYear,
	ErrUnknownSegment,
	ErrUnknownMetric,
	ErrMissing,
	ErrNoGrowth,
	ErrUnknownUnit,
	ErrSpec,
	ErrPlan,
	ErrEmptySet,
	ErrNoRate,
	ErrBadRate,
	ErrCurrency,
	ErrDuplicateTicker,
	ErrMissingMetric,
	ErrPremium,
	ErrUnknownTicker,
	ErrWeight,
	ErrTrim,
	ErrMissingContext,
	ErrMetricKey,
	ErrShares,
	ErrPrice,
	ErrMetric,
	ErrMismatch,
	ErrLabel,
	ErrNoParts,
	ErrDuplicatePart,
	ErrNoPart,
	ErrLeaveOneOut,
	ErrNoCurrency,
	ErrPlaces,
	ErrUnknownFigure,
	ErrUnknownAssumption,
	ErrNotMovable,
	ErrDuplicateAssumption,
	ErrNoOutput,
	ErrPoint,
	ErrRatio,
	ErrBase,
	ErrBridge,
	ErrDilution,
	ErrHorizon,
	ErrLine,
	ErrTooManyPoints,
	ErrOption,
	ErrNoBracket,
	ErrNoConvergence,
	ErrFloat,
	ErrInvalidDraw,
	ErrDistribution,
	ErrChart,
	ErrTooLarge,
	ErrSyntax,
	ErrDuplicateKey,
	ErrUnknownField,
	ErrMissingField,
	ErrType,
	ErrNumber,
	ErrDecimal,
	ErrInvalid,
	ErrUnsupported,
	ErrUnknown,
	ErrLimit,
	ErrNoSolution,
}

// ByCode returns the sentinel of a code, as Code writes it; false when there is none.
func ByCode(code string) (*Sentinel, bool) {
	for _, s := range sentinels {
		if s.code == code {
			return s, true
		}
	}
	return nil, false
}
