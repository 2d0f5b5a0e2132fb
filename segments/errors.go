package segments

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors, matched with errors.Is through an *Error.
var (
	// ErrNegative reports a driver or user count below zero.
	ErrNegative = errors.New("must not be negative")
	// ErrNonPositive reports a figure that must be above zero, such as MAU.
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
	// ErrMissing reports a required value that was not given, such as a nil driver.
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

// Error is a data problem in a plan, located by segment, year and field.
type Error struct {
	Segment string // segment name; empty for the platform's users or the plan itself
	Year    int    // zero when the problem is not tied to a year
	Field   string // the driver, metric or plan field at fault
	Value   string // the offending value as given, if any
	Err     error  // one of the sentinels above
}

// Error formats the problem with what it names, e.g. the field and the offending value.
func (e *Error) Error() string {
	var where []string
	if e.Segment != "" {
		where = append(where, e.Segment)
	}
	if e.Year != 0 {
		where = append(where, strconv.Itoa(e.Year))
	}
	if e.Field != "" {
		where = append(where, e.Field)
	}
	msg := "segments"
	switch {
	case len(where) > 0 && e.Field != "":
		msg += ": " + strings.Join(where[:len(where)-1], " ")
		if len(where) > 1 {
			msg += ": "
		}
		msg += e.Field
	case len(where) > 0:
		msg += ": " + strings.Join(where, " ")
	}
	if e.Value != "" {
		msg += " " + e.Value
	}
	return msg + ": " + e.Err.Error()
}

// Unwrap returns the sentinel, for errors.Is.
func (e *Error) Unwrap() error { return e.Err }
