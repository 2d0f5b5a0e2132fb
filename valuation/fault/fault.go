// Package fault holds sotp's one located error type, Error, and its one set of
// sentinels: every package reports bad input as an *Error that says where the problem is
// and wraps a sentinel, so one errors.As finds the location and errors.Is the sentinel,
// whichever package the error came from; each sentinel is in one of seven categories
// (ErrInvalid, ErrMissing, ErrUnknown, ...), which errors.Is matches too. ToJSON gives
// each error its JSON form, with a code. The package imports nothing of sotp but the
// leaf package key, so that every other package can import it; Plain is the one exact
// formatter of a decimal.
package fault

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/valuation/key"
)

// Error is a problem located by what it names. Fields that do not apply are empty.
//
// Each layer that knows more fills in more (Within): a comparable's error names its set
// and ticker, valuing a part adds the segment and method, reading a model file adds the
// file and the JSON path.
//
// Key is the location as a value: the figure or input at fault (a driver input by year
// and segment, a comparable's field, a bridge item's amount), for a program to look up
// rather than to read back out of the text. The text fields say the same for people, and
// the message is made of them alone.
//
//	var fe *fault.Error
//	if errors.As(err, &fe) && errors.Is(err, fault.ErrRate) {
//		log.Printf("%s %d: %s is not a rate: %s", fe.Segment, fe.Year, fe.Field, fe.Value)
//	}
type Error struct {
	Pkg     string // the package that found the problem: "segments", "comps", "valuation", ...
	File    string // a file's path
	Path    string // where in the file: a JSON path ($.plan.users["2021"].dau), a CSV line and column
	Set     string // a comparable set
	Ticker  string // a comparable, by ticker
	Segment string // a segment of the plan, or the part that values it
	Year    int    // a year of the plan or the P&L
	Line    string // a P&L line, or "shares" / "equity"
	Op      string // the method of a part ("P/MAU"), or the chart drawn
	Field   string // the field, metric or assumption key at fault
	Value   string // the offending value, as given
	Err     error  // a sentinel of this package, or the error this one locates

	// Key is the figure or input at fault, zero when none: set where it is known, its
	// zero parts filled in by Within as the error passes up (a comparable's key gets the
	// segment of the part that values it). A key may be built in steps: a driver input's
	// has its year and segment filled in by the forecast that meets it. It is not part
	// of the message, nor of the JSON form but as the path of an error that has no other
	// location (ToJSON).
	Key key.Key

	msg string // the message of an error read back from JSON (FromJSON)
}

// Error formats the problem: "PKG: FILE: PATH: SEGMENT by OP: set SET TICKER SEGMENT
// LINE YEAR: FIELD VALUE: cause", each part only when it is set (the segment once: with
// the part's method when there is one).
func (e *Error) Error() string {
	if e.msg != "" {
		return e.msg
	}
	var b strings.Builder
	b.WriteString(e.Pkg)
	if e.Pkg == "" {
		b.WriteString("sotp")
	}
	part := func(s string) {
		if s != "" {
			b.WriteString(": ")
			b.WriteString(s)
		}
	}
	part(e.File)
	part(e.Path)
	segment := e.Segment
	switch {
	case e.Op != "" && segment != "":
		part(segment + " by " + e.Op)
		segment = ""
	case e.Op != "":
		part(e.Op)
	}
	var where []string
	if e.Set != "" {
		where = append(where, "set "+e.Set)
	}
	for _, s := range []string{e.Ticker, segment, e.Line} {
		if s != "" {
			where = append(where, s)
		}
	}
	if e.Year != 0 {
		where = append(where, strconv.Itoa(e.Year))
	}
	if e.Field == "" && e.Value != "" {
		where = append(where, e.Value)
	}
	part(strings.Join(where, " "))
	if e.Field != "" {
		part(strings.TrimSpace(e.Field + " " + e.Value))
	}
	if e.Err != nil {
		msg := e.Err.Error()
		if inner, ok := e.Err.(*Error); ok && inner.Pkg == e.Pkg {
			msg = strings.TrimPrefix(msg, e.Pkg+": ") // "modelfile: model.json: peers.csv: ..."
		}
		part(msg)
	}
	return b.String()
}

// Unwrap returns the sentinel or the error located, for errors.Is and errors.As.
func (e *Error) Unwrap() error { return e.Err }

// Within locates err further: when err is an *Error, a copy of it with each empty field
// of its location that where sets filled in (err itself is not modified); otherwise
// where itself, wrapping err. A nil err stays nil.
//
// A key is filled in part by part: a zero Key takes where's; a key of the same space
// takes the parts of where's that it lacks (a part's field gets the part's segment); a
// comparable's key takes the segment of the part where names. A key of another space is
// kept as it is: it names what is at fault more closely than where does (a missing FX
// rate met while valuing a part).
func Within(err error, where Error) error {
	if err == nil {
		return nil
	}
	e, ok := err.(*Error)
	if !ok {
		where.Err = err
		return &where
	}
	c := *e
	fill(&c.Pkg, where.Pkg)
	fill(&c.File, where.File)
	fill(&c.Path, where.Path)
	fill(&c.Set, where.Set)
	fill(&c.Ticker, where.Ticker)
	fill(&c.Segment, where.Segment)
	fill(&c.Line, where.Line)
	fill(&c.Op, where.Op)
	fill(&c.Field, where.Field)
	fill(&c.Value, where.Value)
	if c.Year == 0 {
		c.Year = where.Year
	}
	c.Key = fillKey(c.Key, where.Key)
	return &c
}

// fill sets *dst to src when *dst is empty: a location an inner error gave is kept.
func fill(dst *string, src string) {
	if *dst == "" {
		*dst = src
	}
}

// fillKey fills the zero parts of k from w, as Within describes.
func fillKey(k, w key.Key) key.Key {
	switch {
	case k.Space == 0:
		return w
	case k.Space == key.SpaceComp && w.Space == key.SpacePart:
		fill(&k.Segment, w.Segment)
	case k.Space == w.Space:
		if k.Year == 0 {
			k.Year = w.Year
		}
		fill(&k.Segment, w.Segment)
		fill(&k.Ticker, w.Ticker)
		fill(&k.From, w.From)
		fill(&k.To, w.To)
		fill(&k.Name, w.Name)
		fill(&k.Item, w.Item)
	}
	return k
}

// Code returns the code of the sentinel err wraps ("rate", "dau_above_mau"), or "" when
// it wraps none.
func Code(err error) string {
	var c interface{ Code() string } // a Sentinel, or an error of a package fault does not import (key.ParseError)
	if errors.As(err, &c) {
		return c.Code()
	}
	return ""
}

// JSON is an error as sotp writes it in JSON: the message, the sentinel's code, the path
// (the JSON path in a file, else the key of the assumption or figure at fault) and the
// location, each field left out when empty. An error chain is flattened into one: the
// outermost file and path, and each location field from the first error that sets it.
// The key written as the path is the innermost error's that has a complete one
// (key.Key.Complete).
type JSON struct {
	Error   string `json:"error"`
	Code    string `json:"code,omitempty"`
	Path    string `json:"path,omitempty"`
	File    string `json:"file,omitempty"`
	Set     string `json:"set,omitempty"`
	Ticker  string `json:"ticker,omitempty"`
	Segment string `json:"segment,omitempty"`
	Year    int    `json:"year,omitempty"`
	Line    string `json:"line,omitempty"`
	Method  string `json:"method,omitempty"`
	Field   string `json:"field,omitempty"`
	Value   string `json:"value,omitempty"`
}

// ToJSON flattens err, of any type, into its JSON form. Every error has a code: its
// sentinel's, or for an error that wraps none the class of what failed: "file" for the
// file system's errors (a file missing, unreadable, a path refused), "deadline" and
// "canceled" for a context's, "internal" for anything else.
func ToJSON(err error) JSON {
	out := JSON{Error: err.Error(), Code: Code(err)}
	if out.Code == "" {
		out.Code = class(err)
	}
	var k key.Key
	for e := err; e != nil; e = errors.Unwrap(e) {
		fe, ok := e.(*Error)
		if !ok {
			continue
		}
		if fe.Key.Complete() {
			k = fe.Key
		}
		fill(&out.File, fe.File)
		fill(&out.Path, fe.Path)
		fill(&out.Set, fe.Set)
		fill(&out.Ticker, fe.Ticker)
		fill(&out.Segment, fe.Segment)
		fill(&out.Line, fe.Line)
		fill(&out.Method, fe.Op)
		fill(&out.Field, fe.Field)
		fill(&out.Value, fe.Value)
		if out.Year == 0 {
			out.Year = fe.Year
		}
	}
	if out.Path == "" && out.Segment == "" && out.Set == "" && out.Line == "" && k.Space != 0 {
		out.Path = k.String()
	}
	return out
}

// class is the code of an error that wraps no sentinel.
func class(err error) string {
	var pathErr *fs.PathError
	var linkErr *os.LinkError
	switch {
	case errors.As(err, &pathErr) || errors.As(err, &linkErr) || errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission):
		return "file"
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	return "internal"
}

// MarshalJSON writes the error as ToJSON flattens it.
func (e *Error) MarshalJSON() ([]byte, error) { return json.Marshal(ToJSON(e)) }

// FromJSON reads back an error that ToJSON wrote: an *Error with the location, wrapping
// the sentinel of the code (or, for a code this package does not know, an error of the
// message), whose Error is the message as written.
func FromJSON(j JSON) error {
	e := &Error{File: j.File, Path: j.Path, Set: j.Set, Ticker: j.Ticker, Segment: j.Segment, Year: j.Year,
		Line: j.Line, Op: j.Method, Field: j.Field, Value: j.Value, msg: j.Error}
	if s, ok := ByCode(j.Code); ok {
		e.Err = s
	} else {
		e.Err = errors.New(j.Error)
	}
	if e.msg == "" {
		e.msg = "sotp: error"
	}
	return e
}

// Plain formats d exactly, without an exponent or trailing zeros: 571.68, -0.2, 4159,
// 0.0000001. It reads none of shopspring's package variables (TrimTrailingZeros,
// UseScientificNotation), as Decimal.String does, so the same decimal gives the same
// text in every program: errors' values, model files, JSON and tables are written with
// it.
func Plain(d decimal.Decimal) string { return string(AppendPlain(nil, d)) }

// AppendPlain appends d to dst as Plain formats it. A coefficient of up to 18 digits is
// written without allocating; a longer one through one copy of its big.Int.
func AppendPlain(dst []byte, d decimal.Decimal) []byte {
	exp := int(d.Exponent())
	if d.NumDigits() <= 18 {
		c := d.CoefficientInt64()
		switch {
		case c == 0:
			dst = append(dst, '0')
		case c < 0:
			dst = appendPlain(append(dst, '-'), -uint64(c), exp) // exact for math.MinInt64 too
		default:
			dst = appendPlain(dst, uint64(c), exp)
		}
		return dst
	}
	c := d.Coefficient()
	if c.Sign() < 0 {
		dst = append(dst, '-')
		c.Neg(c)
	}
	if c.IsUint64() {
		dst = appendPlain(dst, c.Uint64(), exp)
	} else {
		start := len(dst)
		dst = placePoint(c.Append(dst, 10), start, exp)
	}
	return dst
}

// appendPlain appends u × 10^exp, u > 0, as Plain writes it: exactly, without an
// exponent or trailing zeros.
func appendPlain(dst []byte, u uint64, exp int) []byte {
	start := len(dst)
	return placePoint(strconv.AppendUint(dst, u, 10), start, exp)
}

// placePoint turns the digits dst[start:] of a coefficient, not zero, into the plain
// form of the coefficient × 10^exp: exp zeros appended when exp ≥ 0; otherwise the
// point placed -exp digits from the end and the fraction's trailing zeros dropped, with
// the point too when nothing is left after it.
func placePoint(dst []byte, start, exp int) []byte {
	if exp >= 0 {
		for range exp {
			dst = append(dst, '0')
		}
		return dst
	}
	digits, places := len(dst)-start, -exp
	for places > 0 && dst[len(dst)-1] == '0' {
		dst = dst[:len(dst)-1]
		digits--
		places--
	}
	switch {
	case places == 0: // an integer
	case digits > places: // 12.34
		dst = append(dst, 0)
		point := len(dst) - 1 - places
		copy(dst[point+1:], dst[point:len(dst)-1])
		dst[point] = '.'
	default: // 0.0012
		lead := 2 + places - digits // "0." and the zeros after the point
		dst = slices.Grow(dst, lead)[:len(dst)+lead]
		copy(dst[start+lead:], dst[start:start+digits])
		dst[start], dst[start+1] = '0', '.'
		for i := start + 2; i < start+lead; i++ {
			dst[i] = '0'
		}
	}
	return dst
}
