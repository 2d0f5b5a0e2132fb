package valuation

import (
	"errors"
	"fmt"
)

// Sentinel errors of this package.
var (
	// ErrShares reports a share count that is not positive.
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
	// ErrCurrency reports a model without a target currency.
	ErrCurrency = errors.New("no target currency")
	// ErrPlaces reports a printed figure whose places or shift are out of range.
	ErrPlaces = errors.New("printed places out of range")
	// ErrUnknownFigure reports a figure key that names nothing in a result, or a string
	// outside the grammar of Key.
	ErrUnknownFigure = errors.New("unknown figure")
	// ErrUnknownAssumption reports a key that names no assumption of a prepared model.
	ErrUnknownAssumption = errors.New("unknown assumption")
	// ErrNotMovable reports the average or premium of a part whose method is not a
	// Multiple.
	ErrNotMovable = errors.New("cannot be moved: the part's method is not a Multiple")
	// ErrDuplicateAssumption reports an assumption set twice at one point.
	ErrDuplicateAssumption = errors.New("assumption set twice")
	// ErrNoOutput reports a query without outputs.
	ErrNoOutput = errors.New("no outputs")
	// ErrPoint reports a point whose number of values is not the query's number of moves.
	ErrPoint = errors.New("values do not match the moves")
)

// PartError is a failure valuing one part, naming the segment and the method.
type PartError struct {
	Segment string
	Method  string
	Err     error
}

// Error formats the problem with what it names, e.g. the field and the offending value.
func (e *PartError) Error() string {
	return fmt.Sprintf("valuation: %s by %s: %v", e.Segment, e.Method, e.Err)
}

// Unwrap returns the cause, for errors.Is and errors.As.
func (e *PartError) Unwrap() error { return e.Err }

// FieldError is a bad model field, such as a zero share count.
type FieldError struct {
	Field string
	Value string // as given, if any
	Err   error
}

// Error formats the problem with what it names, e.g. the field and the offending value.
func (e *FieldError) Error() string {
	msg := "valuation: " + e.Field
	if e.Value != "" {
		msg += " " + e.Value
	}
	return msg + ": " + e.Err.Error()
}

// Unwrap returns the sentinel, for errors.Is.
func (e *FieldError) Unwrap() error { return e.Err }
