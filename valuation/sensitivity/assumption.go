package sensitivity

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/key"
)

// Point is a model moved away from its base: each override names a different assumption;
// everything not named keeps its base value.
type Point []valuation.Override

// String formats the point as "key=value, ...", with values as given.
func (p Point) String() string {
	parts := make([]string, len(p))
	for i, o := range p {
		parts[i] = o.Key.String() + "=" + fault.Plain(o.Value)
	}
	return strings.Join(parts, ", ")
}

// Assumptions are named by their key.Key in text form (see key.Key for the
// grammar): forecast/YEAR/mau and forecast/YEAR/dau (the platform's users),
// forecast/YEAR/SEGMENT/INPUT (an input of the segment's driver, as its segments.Spec
// lists them: paying_ratio, take_rate, ...), part/SEGMENT/average (the aggregate of a
// Multiple's comparables, in the set's currency per user or as a ratio, as
// Result.Figure("part/SEGMENT/average") reports it), part/SEGMENT/premium (-0.2 is "80%
// of the average"), fx/FROM/TO, shares, price and pnl/YEAR/shares. They follow the keys
// of figures, so that a swept input can be printed as an output too.

// ref is an assumption named in a run, resolved once.
type ref struct {
	name string
	valuation.Assumption
}

// resolve finds the assumption a name addresses in the base model.
func (e *Engine) resolve(name string) (ref, error) {
	k, err := key.Parse(name)
	if err != nil {
		return ref{}, e.unknown(name, key.Key{})
	}
	return e.resolveKey(name, k)
}

// resolveKey finds the assumption k addresses, named name in errors.
func (e *Engine) resolveKey(name string, k key.Key) (ref, error) {
	a, err := e.prep.Assumption(k)
	if errors.Is(err, fault.ErrNotMovable) {
		return ref{}, &fault.Error{Pkg: "sensitivity", Field: name, Key: k, Err: fault.ErrNotMovable}
	}
	if err != nil {
		return ref{}, e.unknown(name, k)
	}
	return ref{name: name, Assumption: a}, nil
}

// unknown is the error of a name that addresses no assumption (k, when it is a key):
// the nearest known ones suggested.
func (e *Engine) unknown(name string, k key.Key) error {
	var known []string
	for _, a := range e.prep.Assumptions() {
		known = append(known, a.Key.String())
	}
	return &fault.Error{Pkg: "sensitivity", Field: name, Key: k, Value: key.Suggest(name, known), Err: fault.ErrUnknownAssumption}
}

// Assumptions lists every assumption of the model that an analysis can move, with its
// base value: users and driver inputs year by year, then each part's average and premium,
// the FX rates, the share counts and the price (valuation.Prepared.Assumptions).
func (e *Engine) Assumptions() []valuation.Assumption { return e.prep.Assumptions() }

// Base returns the base value of the named assumption.
func (e *Engine) Base(name string) (decimal.Decimal, error) {
	r, err := e.resolve(name)
	return r.Base, err
}

// checkValue refuses a value beyond MaxValueDigits or MaxValueExponent, naming it.
func checkValue(name string, v decimal.Decimal) error {
	if v.IsZero() {
		return nil
	}
	digits := int64(v.NumDigits())
	lead := int64(v.Exponent()) + digits - 1
	if digits > MaxValueDigits || lead > MaxValueExponent || lead < -MaxValueExponent {
		return &fault.Error{Pkg: "sensitivity", Field: name, Value: "a value of " + strconv.FormatInt(digits, 10) + " digits at 1e" + strconv.FormatInt(lead, 10), Err: fault.ErrOption}
	}
	return nil
}

// describe names a point for an error message.
func describe(p Point) string {
	if len(p) == 0 {
		return "base"
	}
	return fmt.Sprintf("{%s}", p)
}
