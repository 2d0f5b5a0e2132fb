package earnings

import (
	"errors"
	"fmt"
)

// Sentinel errors, matched with errors.Is through an *Error.
var (
	// ErrRatio reports a ratio outside its sane range: [0, MaxRatio] for costs and
	// expenses, [−MaxRatio, MaxRatio] for other lines.
	ErrRatio = errors.New("ratio outside its sane range")
	// ErrNegative reports a negative cost or expense amount: costs are given positive.
	ErrNegative = errors.New("cost must not be negative")
	// ErrMissing reports a line or share count without a value for a forecast year.
	ErrMissing = errors.New("missing for the year")
	// ErrShares reports a share count that is not positive.
	ErrShares = errors.New("share count must be positive")
	// ErrBase reports a ratio of a segment the forecast does not have.
	ErrBase = errors.New("no such segment to take a ratio of")
	// ErrLine reports a line without a name or kind, or a name given twice.
	ErrLine = errors.New("bad line")
)

// Error is a problem with one line (or the share count) in one year.
type Error struct {
	Line  string // the line's name, or "shares" / "equity"
	Year  int    // zero when not about one year
	Field string // "amount", "ratio", "of", "kind", "name", if any
	Value string // the offending value, if any
	Err   error  // a sentinel above
}

// Error formats the problem, e.g. "earnings: selling_marketing 2021: ratio 7: ratio outside its sane range".
func (e *Error) Error() string {
	msg := "earnings: " + e.Line
	if e.Year != 0 {
		msg += fmt.Sprintf(" %d", e.Year)
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
