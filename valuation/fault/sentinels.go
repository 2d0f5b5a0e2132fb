package fault

import "errors"

// Sentinels of the plan and its drivers (package segments).
var (
	// ErrNegative reports a value below zero where none may be: a driver input, a user
	// count, a cost or expense amount (costs are given positive).
	ErrNegative = errors.New("must not be negative")
	// ErrNonPositive reports a figure that must be above zero: MAU, a market value, a
	// comparable's metric or multiple, a figure priced, a denominator.
	ErrNonPositive = errors.New("must be positive")
	// ErrRate reports a rate outside its range: [0,1] for a paying ratio, penetration or
	// take rate, [-1,1] for a margin.
	ErrRate = errors.New("rate out of range")
	// ErrDAUAboveMAU reports daily active users above monthly active users.
	ErrDAUAboveMAU = errors.New("DAU exceeds MAU")
	// ErrUnknownYear reports a year the plan does not cover.
	ErrUnknownYear = errors.New("unknown year")
	// ErrUnknownSegment reports a segment name the plan does not hold.
	ErrUnknownSegment = errors.New("unknown segment")
	// ErrUnknownMetric reports a metric a segment forecast does not carry.
	ErrUnknownMetric = errors.New("unknown metric")
	// ErrMissing reports a required value that was not given: a nil driver, a P&L line
	// or share count without a value for a forecast year.
	ErrMissing = errors.New("missing")
	// ErrNoGrowth reports growth asked of a first year, or over a previous value of zero.
	ErrNoGrowth = errors.New("no previous non-zero value to grow from")
	// ErrUnknownUnit reports a unit name or number that is not one of the Unit constants.
	ErrUnknownUnit = errors.New("unknown unit")
	// ErrSpec reports a driver model (Spec) that cannot forecast, or values that do not
	// fit it.
	ErrSpec = errors.New("malformed driver model")
	// ErrPlan reports a plan whose shape is wrong: no years, years out of order, duplicates.
	ErrPlan = errors.New("malformed plan")
)

// Sentinels of comparables and FX (package comps).
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
	// ErrPremium reports a premium of -100% or below, which would make the multiple
	// worthless or negative.
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

// Sentinels of models, results and prepared models (package valuation).
var (
	// ErrShares reports a share count that is not positive, of the valuation or of a
	// year of the P&L.
	ErrShares = errors.New("share count must be positive")
	// ErrPrice reports a negative price.
	ErrPrice = errors.New("price must not be negative")
	// ErrMetric reports a segment figure a method cannot price: missing from the
	// segment, zero or negative, or not a count of users or money.
	ErrMetric = errors.New("segment figure cannot be priced")
	// ErrMismatch reports a money figure priced on a per-user set, or the reverse.
	ErrMismatch = errors.New("figure and comparable set do not match")
	// ErrLabel reports a method label that names another figure than the one priced:
	// "P/E" on MAU.
	ErrLabel = errors.New("method label does not match the figure priced")
	// ErrNoParts reports a model with nothing to value.
	ErrNoParts = errors.New("no parts to value")
	// ErrDuplicatePart reports a second part on a segment that a part already values.
	ErrDuplicatePart = errors.New("segment valued by more than one part")
	// ErrNoPart reports a segment that no part of the model values.
	ErrNoPart = errors.New("no part values the segment")
	// ErrLeaveOneOut reports a part whose method is not a Multiple on two or more
	// comparables, so that none can be left out.
	ErrLeaveOneOut = errors.New("leave-one-out needs a Multiple on two or more comparables")
	// ErrNoCurrency reports a model without a target currency.
	ErrNoCurrency = errors.New("no target currency")
	// ErrPlaces reports a printed figure whose places or shift are out of range.
	ErrPlaces = errors.New("printed places out of range")
	// ErrUnknownFigure reports a figure key that names nothing in a result, or a string
	// outside the grammar of valuation.Key.
	ErrUnknownFigure = errors.New("unknown figure")
	// ErrUnknownAssumption reports a key that names no assumption of a prepared model.
	ErrUnknownAssumption = errors.New("unknown assumption")
	// ErrNotMovable reports the average or premium of a part whose method is not a
	// Multiple.
	ErrNotMovable = errors.New("cannot be moved: the part's method is not a Multiple")
	// ErrDuplicateAssumption reports an assumption set twice at one point or named on
	// two axes.
	ErrDuplicateAssumption = errors.New("assumption set twice")
	// ErrNoOutput reports a query or run without outputs.
	ErrNoOutput = errors.New("no outputs")
	// ErrPoint reports a point whose number of values is not the query's number of moves.
	ErrPoint = errors.New("values do not match the moves")
	// ErrRatio reports a P&L ratio outside its sane range: [0, MaxRatio] for costs and
	// expenses, [−MaxRatio, MaxRatio] for other lines.
	ErrRatio = errors.New("ratio outside its sane range")
	// ErrBase reports a P&L ratio of a segment the forecast does not have.
	ErrBase = errors.New("no such segment to take a ratio of")
	// ErrLine reports a P&L line without a name or kind, or a name given twice.
	ErrLine = errors.New("bad line")
)

// Sentinels of sensitivity runs (package valuation/sensitivity).
var (
	// ErrTooManyPoints reports a run larger than the engine's MaxPoints.
	ErrTooManyPoints = errors.New("too many points")
	// ErrOption reports a negative option, or a value that cannot be used: an empty axis,
	// a step count below two, a bad percentile or bin count.
	ErrOption = errors.New("bad option")
	// ErrNoBracket reports a goal-seek bracket whose ends do not straddle the target.
	ErrNoBracket = errors.New("no solution in the bracket")
	// ErrNoConvergence reports a goal seek that did not reach its tolerance.
	ErrNoConvergence = errors.New("goal seek did not converge")
	// ErrFloat reports a model part with no float64 form for Monte Carlo or Sobol runs.
	ErrFloat = errors.New("no float64 form")
	// ErrInvalidDraw reports a Monte Carlo or Sobol run whose draws the decimal engine
	// would refuse: any, with FailOnInvalid, or all but one.
	ErrInvalidDraw = errors.New("invalid draws")
	// ErrDistribution reports a distribution with bad parameters, or bounds that leave it
	// no probability.
	ErrDistribution = errors.New("bad distribution")
)

// Sentinels of charts (package valuation/chart).
var (
	// ErrChart reports an analysis or size a chart cannot be drawn from.
	ErrChart = errors.New("cannot be charted")
)

// Sentinels of files (package valuation/modelfile).
var (
	// ErrTooLarge reports input above the size limit.
	ErrTooLarge = errors.New("file too large")
	// ErrSyntax reports input that is not well-formed JSON or CSV, or nests too deeply.
	ErrSyntax = errors.New("syntax error")
	// ErrDuplicateKey reports an object key given twice.
	ErrDuplicateKey = errors.New("duplicate key")
	// ErrUnknownField reports an object key the format does not define.
	ErrUnknownField = errors.New("unknown field")
	// ErrMissingField reports a required field that is absent.
	ErrMissingField = errors.New("required field missing")
	// ErrType reports a value of the wrong JSON type.
	ErrType = errors.New("wrong type")
	// ErrNumber reports a JSON number where a decimal string is required: numbers pass
	// through binary floating point in most JSON tools, so money is written "12.34".
	ErrNumber = errors.New("decimal must be a JSON string, not a number")
	// ErrDecimal reports a string that is not a decimal within bounds: at most
	// modelfile.MaxDigits digits and an exponent within ±modelfile.MaxExponent.
	ErrDecimal = errors.New("not a decimal within bounds")
	// ErrInvalid reports a value the format does not allow, e.g. an ADS ratio of 0 or an
	// unknown driver kind.
	ErrInvalid = errors.New("invalid value")
	// ErrUnsupported reports a model that cannot be written as a model file or a
	// workbook: a driver, method or aggregate of a type the format does not know.
	ErrUnsupported = errors.New("not expressible in the format")
)
