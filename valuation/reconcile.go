package valuation

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/earnings"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/jsonx"
	"github.com/sotpkit/sotp/valuation/internal/table"
	"github.com/sotpkit/sotp/valuation/key"
)

// Printed is one figure as a source printed it, and where to find it in a Result.
type Printed struct {
	Table  string          `json:"table"`  // "Table 7"
	Row    string          `json:"row"`    // "Average monthly paying users"
	Column string          `json:"column"` // "2021E"
	Key    string          `json:"key"`    // the Result.Figure key of the computed figure
	Value  decimal.Decimal `json:"value"`
	Places int32           `json:"places"` // digits printed after the point
	// Shift converts the computed figure to printed units: printed = computed × 10^Shift
	// (2 for a fraction printed as a percentage, -2 for millions printed in 亿).
	Shift int32 `json:"shift"`
	// Exception, when set, says why the source is known to be inconsistent here; the
	// figure is then expected not to match, and matching is reported as a surprise too.
	Exception string `json:"exception"`
	// Prior, when set, is the base-year figure of a printed growth whose base year the
	// result does not hold (the year before its first): Key is then a growth key, and the
	// growth is taken over Prior instead of over the result's previous year (see
	// Reconcile).
	Prior *Prior `json:"prior,omitempty"`
}

// Prior is the figure a printed growth grows from, as the source prints it or as it
// follows from what the source prints.
type Prior struct {
	Value decimal.Decimal `json:"value"` // in the result's units: millions, fractions; not shifted
	// Source says where the source prints the figure, or how it is derived, so that the
	// reconciliation shows what the growth was checked against.
	Source string `json:"source"`
}

// Check is one printed figure against the computed one.
type Check struct {
	Printed  `json:"printed"`
	Computed decimal.Decimal `json:"computed"` // unrounded, in printed units
	Err      error           `json:"error"`    // the figure could not be computed; its message in JSON
	Match    bool            `json:"match"`    // Computed rounds to Printed.Value at Printed.Places
}

// Surprise reports a check whose outcome is not what the figure list expects: a mismatch
// without an exception, or an exception that now matches.
func (c Check) Surprise() bool { return c.Match == (c.Exception != "") }

// Reconciliation is a list of printed figures checked against a result.
type Reconciliation struct {
	Checks []Check `json:"checks"`
}

// Reconcile checks each printed figure against the result, at the figure's printed
// precision. The computed figure, shifted to printed units, is rounded to Places digits
// after the point by decimal.Round: to the nearest, and a tie (exactly half a unit of the
// last printed digit) away from zero, as a spreadsheet's ROUND does. So 11.75% prints
// 11.8 and 175.5 prints 176, as they would half to even too, but 0.125 prints 0.13 and
// -0.125 prints -0.13 at two places, where half to even prints 0.12 and -0.12; truncating
// or rounding a tie towards zero would print 11.7 and 175.
//
// A figure with a Prior is a growth over a base year the result need not hold: Reconcile
// looks up the figure Key names without its /growth, cur, and takes its growth over the
// prior by the convention the result uses for that key, as if the result had held the
// base year: cur / prior - 1 for a forecast figure (segments.Forecast.Growth), (cur -
// prior) / |prior| for a P&L figure (earnings.Growth), so that a loss narrowing from -200
// to -124 is +38%. The two agree over a positive prior. A Prior on a key without /growth
// is not computed (its Err wraps fault.ErrInvalid), nor is one over a zero prior
// (fault.ErrNoGrowth).
//
// A figure whose Places is negative or whose Places or Shift exceeds MaxPlaces is not
// computed: its Err wraps fault.ErrPlaces.
func (r Result) Reconcile(printed []Printed) Reconciliation {
	out := Reconciliation{Checks: make([]Check, len(printed))}
	for i, p := range printed {
		c := Check{Printed: p}
		if p.Places < 0 || p.Places > MaxPlaces || p.Shift < -MaxPlaces || p.Shift > MaxPlaces {
			c.Err = &fault.Error{Pkg: "valuation", Field: "printed " + p.Key, Value: fmt.Sprintf("places %d, shift %d", p.Places, p.Shift), Err: fault.ErrPlaces}
		} else if v, err := r.printedFigure(p); err != nil {
			c.Err = err
		} else {
			c.Computed = v.Shift(p.Shift)
			c.Match = c.Computed.Round(p.Places).Equal(p.Value)
		}
		out.Checks[i] = c
	}
	return out
}

// printedFigure returns the figure p is checked against, in the result's units: the one
// its key names, or with a Prior the growth over it.
func (r Result) printedFigure(p Printed) (decimal.Decimal, error) {
	if p.Prior == nil {
		return r.Figure(p.Key)
	}
	k, err := key.Parse(p.Key)
	if err != nil {
		return decimal.Decimal{}, &fault.Error{Pkg: "valuation", Field: "printed " + p.Key, Err: err}
	}
	if !k.Growth {
		return decimal.Decimal{}, &fault.Error{Pkg: "valuation", Field: "printed " + p.Key, Value: "prior " + fault.Plain(p.Prior.Value),
			Err: fmt.Errorf("%w: a prior needs a growth key", fault.ErrInvalid)}
	}
	k.Growth = false
	cur, err := r.Lookup(k)
	if err != nil {
		return decimal.Decimal{}, err
	}
	prior := p.Prior.Value
	if prior.IsZero() {
		return decimal.Decimal{}, &fault.Error{Pkg: "valuation", Field: "printed " + p.Key, Value: "prior 0", Err: fault.ErrNoGrowth}
	}
	if k.Space == key.SpaceForecast {
		return cur.DivRound(prior, segments.DivPlaces).Sub(decimal.NewFromInt(1)), nil
	}
	return earnings.Growth(cur, prior).Decimal, nil
}

// MarshalJSON writes the reconciliation in sotp's JSON contract: snake_case keys, decimals
// as exact strings, an error as its message.
func (rc Reconciliation) MarshalJSON() ([]byte, error) { return jsonx.Marshal(rc) }

// Surprises returns the checks whose outcome the figure list did not expect.
func (rc Reconciliation) Surprises() []Check {
	var s []Check
	for _, c := range rc.Checks {
		if c.Surprise() {
			s = append(s, c)
		}
	}
	return s
}

// Counts returns how many figures matched, how many are listed exceptions that did not
// match, and how many are surprises.
func (rc Reconciliation) Counts() (matched, exceptions, surprises int) {
	for _, c := range rc.Checks {
		switch {
		case c.Surprise():
			surprises++
		case c.Match:
			matched++
		default:
			exceptions++
		}
	}
	return
}

// Text renders the reconciliation as a plain-text table.
func (rc Reconciliation) Text() string { return rc.table().Text() }

// Markdown renders the reconciliation as a Markdown table.
func (rc Reconciliation) Markdown() string { return rc.table().Markdown() }

func (rc Reconciliation) table() table.Table {
	t := table.Table{
		Title:  "Reconciliation: printed vs computed",
		Header: []string{"Table", "Row", "Column", "Printed", "Computed", "Unrounded", "Status"},
	}
	var reasons []string
	for _, c := range rc.Checks {
		computed, unrounded, status := "-", "-", "ok"
		ref := ""
		if c.Exception != "" {
			reasons = append(reasons, c.Exception)
			ref = fmt.Sprintf(" [%d]", len(reasons))
		}
		if c.Prior != nil {
			// The prior as given, to at most MaxPlaces digits after the point.
			v := table.Num(c.Prior.Value, min(max(-c.Prior.Value.Exponent(), 0), MaxPlaces))
			reasons = append(reasons, "growth over "+v+", "+c.Prior.Source)
			ref += fmt.Sprintf(" [%d]", len(reasons))
		}
		if c.Err != nil {
			status = "not computable: " + c.Err.Error()
		} else {
			computed = table.Num(c.Computed, c.Places)
			unrounded = table.Num(c.Computed, c.Places+3)
		}
		switch {
		case c.Exception != "" && c.Match:
			status = "SURPRISE: matches, but listed as exception" + ref
		case c.Exception != "":
			status = "exception" + ref
		case !c.Match && c.Err == nil:
			status = "MISMATCH"
		case !c.Match:
			status = "MISMATCH, " + status
		}
		if c.Exception == "" {
			status += ref // a prior's note; an exception's status names its notes already
		}
		t.Rows = append(t.Rows, []string{c.Table, c.Row, c.Column, table.Num(c.Value, min(max(c.Places, 0), MaxPlaces)), computed, unrounded, status})
	}
	for i, r := range reasons {
		t.Notes = append(t.Notes, fmt.Sprintf("[%d] %s", i+1, r))
	}
	m, e, s := rc.Counts()
	t.Notes = append(t.Notes, fmt.Sprintf("%d figures match at printed precision; %d listed exceptions; %d surprises.", m, e, s))
	return t
}
