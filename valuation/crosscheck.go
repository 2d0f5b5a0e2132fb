package valuation

import (
	"context"
	"errors"
	"fmt"

	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/table"
)

// CrossCheck is every segment valued under every method tried on it, beside the model's
// own choice, in the valuation year.
type CrossCheck struct {
	Year     int
	Currency comps.Currency
	Values   []CrossValue // by segment in plan order, then method in the order given
}

// CrossValue is one segment under one method.
type CrossValue struct {
	Segment, Title string
	Method         string
	Chosen         bool                // the model's own method for the segment
	Value          decimal.NullDecimal // millions of Currency; not valid when not applicable
	Reason         string              // why the method does not apply to the segment
}

// CrossCheck values the model, then each alternative part: a method applied to a
// segment. A method that needs a figure the segment lacks, or a comparable set of the
// wrong kind, is recorded as not applicable with the reason; any other failure is an
// error.
func (m Model) CrossCheck(alternatives ...Part) (CrossCheck, error) {
	alternatives, err := m.partsAt(alternatives) // as of the model's date, as its own parts
	if err != nil {
		return CrossCheck{}, err
	}
	if m, _, err = m.resolve(); err != nil {
		return CrossCheck{}, err
	}
	r, err := m.Value()
	if err != nil {
		return CrossCheck{}, err
	}
	year, _ := r.Forecast.Year(m.Year)
	for _, p := range alternatives {
		if _, err := year.Segment(p.Segment); err != nil {
			return CrossCheck{}, fault.Within(err, inPart(p.Segment, methodName(p.Method)))
		}
	}
	cc := CrossCheck{Year: m.Year, Currency: m.Currency}
	for _, s := range year.Segments {
		for _, p := range r.Parts {
			if p.Segment == s.Name {
				cc.Values = append(cc.Values, CrossValue{Segment: s.Name, Title: s.Title, Method: p.Method,
					Chosen: true, Value: decimal.NewNullDecimal(p.Value)})
			}
		}
		for _, p := range alternatives {
			if p.Segment != s.Name {
				continue
			}
			if p.Method == nil {
				return CrossCheck{}, fault.Within(fault.ErrMissing, inPart(p.Segment, "<nil>"))
			}
			cv := CrossValue{Segment: s.Name, Title: s.Title, Method: p.Method.Name()}
			v, err := p.Method.Value(m.input(r, year, p.Segment))
			switch {
			case errors.Is(err, fault.ErrMetric) || errors.Is(err, fault.ErrMismatch):
				cv.Reason = err.Error()
			case err != nil:
				return CrossCheck{}, fault.Within(err, inPart(p.Segment, cv.Method))
			default:
				cv.Value = decimal.NewNullDecimal(v.Value)
			}
			cc.Values = append(cc.Values, cv)
		}
	}
	return cc, nil
}

// Text renders the cross-check as a table: a row per segment, a column per method, values
// in 亿 of the currency, the model's choice marked with *.
func (c CrossCheck) Text() string { return c.table().Text() }

// Markdown renders the cross-check as a Markdown table.
func (c CrossCheck) Markdown() string { return c.table().Markdown() }

func (c CrossCheck) table() table.Table {
	t := table.Table{Title: fmt.Sprintf("Cross-check: each segment under each method, %d (%s 亿)", c.Year, c.Currency), Header: []string{""}}
	// A column is a method label and its occurrence within a segment: a segment tried
	// twice under one label (its own P/MAU and another P/MAU) fills two columns, the
	// second headed "P/MAU (2)", so that no value overwrites another.
	type column struct {
		method string
		nth    int
	}
	col := map[column]int{}
	colOf := make([]column, len(c.Values))
	seen := map[[2]string]int{}
	for i, v := range c.Values {
		k := [2]string{v.Segment, v.Method}
		seen[k]++
		colOf[i] = column{v.Method, seen[k]}
		if _, ok := col[colOf[i]]; !ok {
			col[colOf[i]] = len(t.Header)
			head := v.Method
			if colOf[i].nth > 1 {
				head += fmt.Sprintf(" (%d)", colOf[i].nth)
			}
			t.Header = append(t.Header, head)
		}
	}
	row := map[string]int{}
	for i, v := range c.Values {
		r, ok := row[v.Segment]
		if !ok {
			r = len(t.Rows)
			row[v.Segment] = r
			t.Rows = append(t.Rows, []string{v.Title})
		}
		cell := "n/a"
		if v.Value.Valid {
			cell = table.Num(v.Value.Decimal.Shift(-2), 0)
		} else {
			t.Notes = append(t.Notes, fmt.Sprintf("%s by %s: %s", v.Title, v.Method, v.Reason))
		}
		if v.Chosen {
			cell += " *"
		}
		if j := col[colOf[i]]; j >= len(t.Rows[r]) {
			t.Rows[r] = append(t.Rows[r], make([]string, j+1-len(t.Rows[r]))...)
		}
		t.Rows[r][col[colOf[i]]] = cell
	}
	t.Notes = append(t.Notes, "* the model's choice; blank: not tried")
	return t
}

// LeaveOneOut is one part valued again with each of its comparables removed in turn.
type LeaveOneOut struct {
	Segment, Title string
	Method         string
	Currency       comps.Currency
	Full           PartValue       // the part as the model values it
	Target         decimal.Decimal // the model's target per share
	Rows           []LeftOut       // one per comparable priced, in the set's order
}

// LeftOut is a part's value without one comparable.
type LeftOut struct {
	Ticker, Name string
	Multiple     decimal.Decimal // the set's multiple without the comparable
	Value        decimal.Decimal // the part's value, millions of Currency
	Change       decimal.Decimal // Value / the full value − 1
	Target       decimal.Decimal // the target per share with the part so valued
}

// LeaveOneOut values the model, then the part of the given segment once without each of
// its comparables. The part's method must be a Multiple on a set of two or more
// comparables priced. Each comparable is priced once; the run stops with ctx's error
// when ctx is done.
func (m Model) LeaveOneOut(ctx context.Context, segment string) (LeaveOneOut, error) {
	m, _, err := m.resolve()
	if err != nil {
		return LeaveOneOut{}, err
	}
	r, err := m.Value()
	if err != nil {
		return LeaveOneOut{}, err
	}
	for i, p := range m.Parts {
		if p.Segment != segment {
			continue
		}
		full := r.Parts[i]
		mult, ok := p.Method.(Multiple)
		if !ok || len(full.Multiple.Companies) < 2 {
			return LeaveOneOut{}, fault.Within(fault.ErrLeaveOneOut, inPart(segment, full.Method))
		}
		fail := func(err error) (LeaveOneOut, error) {
			return LeaveOneOut{}, fault.Within(err, inPart(segment, full.Method))
		}
		_, averages, err := mult.Comps.LeaveOneOut(ctx, m.FX)
		if err != nil {
			return fail(err)
		}
		out := LeaveOneOut{Segment: segment, Title: full.Title, Method: full.Method, Currency: m.Currency, Full: full, Target: r.Target}
		year, _ := r.Forecast.Year(m.Year)
		for j, c := range full.Multiple.Companies {
			without, err := full.Multiple.WithAverage(averages[j])
			if err != nil {
				return fail(fmt.Errorf("without %s: %w", c.Ticker, err))
			}
			v, err := mult.value(m.input(r, year, segment), func() (comps.SetMultiple, error) { return without, nil })
			if err != nil {
				return fail(fmt.Errorf("without %s: %w", c.Ticker, err))
			}
			// The target without the comparable is the model's, valued through its bridge,
			// dilution and horizon with the part at that multiple.
			mults := make([]*comps.SetMultiple, len(m.Parts))
			mults[i] = &without
			at, err := m.value(mults)
			if err != nil {
				return fail(fmt.Errorf("without %s: %w", c.Ticker, err))
			}
			out.Rows = append(out.Rows, LeftOut{
				Ticker: c.Ticker, Name: c.Name, Multiple: v.Multiple.Value, Value: v.Value,
				Change: v.Value.DivRound(full.Value, segments.DivPlaces).Sub(decimal.NewFromInt(1)),
				Target: at.Target,
			})
		}
		return out, nil
	}
	return LeaveOneOut{}, fault.Within(fault.ErrNoPart, fault.Error{Pkg: "valuation", Segment: segment})
}

// Text renders the leave-one-out table.
func (l LeaveOneOut) Text() string { return l.table().Text() }

// Markdown renders the leave-one-out table as Markdown.
func (l LeaveOneOut) Markdown() string { return l.table().Markdown() }

func (l LeaveOneOut) table() table.Table {
	t := table.Table{
		Title:  fmt.Sprintf("%s: %s leaving out one comparable at a time", l.Title, l.Method),
		Header: []string{"Without", "Multiple", fmt.Sprintf("Value (%s 亿)", l.Currency), "Change", "Target (" + string(l.Currency) + ")"},
	}
	t.Rows = append(t.Rows, []string{"(none)", table.Num(l.Full.Multiple.Value, 2), table.Num(l.Full.Value.Shift(-2), 0), "", table.Num(l.Target, 1)})
	for _, r := range l.Rows {
		t.Rows = append(t.Rows, []string{r.Ticker, table.Num(r.Multiple, 2), table.Num(r.Value.Shift(-2), 0), table.Pct(r.Change, 1), table.Num(r.Target, 1)})
	}
	return t
}
