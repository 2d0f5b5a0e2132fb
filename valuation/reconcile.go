package valuation

import (
	"fmt"

	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/jsonx"
	"github.com/sotpkit/sotp/valuation/internal/table"
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

// MaxPlaces bounds a printed figure's Places and Shift in magnitude: no table prints more
// digits, and a larger count would make rounding build an enormous number.
const MaxPlaces = 40

// Reconcile checks each printed figure against the result, at the figure's printed
// precision, rounding half away from zero as spreadsheets do. A figure whose Places is
// negative or whose Places or Shift exceeds MaxPlaces is not computed: its Err wraps
// fault.ErrPlaces.
func (r Result) Reconcile(printed []Printed) Reconciliation {
	out := Reconciliation{Checks: make([]Check, len(printed))}
	for i, p := range printed {
		c := Check{Printed: p}
		v, err := r.Figure(p.Key)
		switch {
		case p.Places < 0 || p.Places > MaxPlaces || p.Shift < -MaxPlaces || p.Shift > MaxPlaces:
			c.Err = &fault.Error{Pkg: "valuation", Field: "printed " + p.Key, Value: fmt.Sprintf("places %d, shift %d", p.Places, p.Shift), Err: fault.ErrPlaces}
		case err != nil:
			c.Err = err
		default:
			c.Computed = v.Shift(p.Shift)
			c.Match = c.Computed.Round(p.Places).Equal(p.Value)
		}
		out.Checks[i] = c
	}
	return out
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
		t.Rows = append(t.Rows, []string{c.Table, c.Row, c.Column, table.Num(c.Value, min(max(c.Places, 0), MaxPlaces)), computed, unrounded, status})
	}
	for i, r := range reasons {
		t.Notes = append(t.Notes, fmt.Sprintf("[%d] %s", i+1, r))
	}
	m, e, s := rc.Counts()
	t.Notes = append(t.Notes, fmt.Sprintf("%d figures match at printed precision; %d listed exceptions; %d surprises.", m, e, s))
	return t
}
