package sensitivity

import "errors"

// Sentinel errors of this package, matched with errors.Is. Names that address nothing,
// assumptions set twice and runs without outputs wrap valuation's sentinels
// (ErrUnknownAssumption, ErrNotMovable, ErrDuplicateAssumption, ErrNoOutput).
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

// AssumptionError is a problem with a named assumption, output or option.
type AssumptionError struct {
	Name  string
	Value string // as given, if any
	Err   error
}

// Error formats the problem with the name and value it concerns.
func (e *AssumptionError) Error() string {
	msg := "sensitivity: " + e.Name
	if e.Value != "" {
		msg += " " + e.Value
	}
	return msg + ": " + e.Err.Error()
}

// Unwrap returns the cause, for errors.Is and errors.As.
func (e *AssumptionError) Unwrap() error { return e.Err }

// PointError is a point that could not be valued, with the reason: a rate outside [0, 1],
// DAU above MAU, a share count that is not positive, and so on.
type PointError struct {
	Point Point
	Err   error
}

// Error formats the point and the reason.
func (e *PointError) Error() string {
	return "sensitivity: at " + describe(e.Point) + ": " + e.Err.Error()
}

// Unwrap returns the cause, for errors.Is and errors.As.
func (e *PointError) Unwrap() error { return e.Err }
