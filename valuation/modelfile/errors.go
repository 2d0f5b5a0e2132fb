package modelfile

import (
	"errors"
	"strings"
)

// Sentinel errors, matched with errors.Is through an *Error.
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
	// MaxDigits digits and an exponent within ±MaxExponent.
	ErrDecimal = errors.New("not a decimal within bounds")
	// ErrInvalid reports a value the format does not allow, e.g. an ADS ratio of 0 or a
	// segment with two driver models.
	ErrInvalid = errors.New("invalid value")
	// ErrUnsupported reports a model that cannot be written as a file: a driver, method or
	// aggregate of a type the format does not know.
	ErrUnsupported = errors.New("not expressible in the file format")
)

// Error is a problem in a file, located by its JSON path ("$.parts[2].comps.premium") or
// CSV position ("line 3, column close").
type Error struct {
	File string // the file's path, if read from one
	Path string // where in the file
	Err  error  // a sentinel above, or the error of segments, comps or valuation
}

// Error returns "modelfile: FILE: PATH: problem". An *Error wrapped in another (a
// comparables file's, inside the model file's) adds its own file and path without
// repeating the prefix: "modelfile: model.json: peers.csv: line 3, column close: ...".
func (e *Error) Error() string {
	parts := []string{"modelfile"}
	for {
		for _, s := range []string{e.File, e.Path} {
			if s != "" {
				parts = append(parts, s)
			}
		}
		inner, ok := e.Err.(*Error)
		if !ok {
			break
		}
		e = inner
	}
	return strings.Join(parts, ": ") + ": " + e.Err.Error()
}

// Unwrap returns the underlying error, for errors.Is and errors.As.
func (e *Error) Unwrap() error { return e.Err }
