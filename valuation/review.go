package valuation

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/table"
	"github.com/sotpkit/sotp/valuation/key"
)

// Actual is a figure as it was later reported: what a forecast is reviewed against.
type Actual struct {
	Key   key.Key         // the figure, its year included: forecast/2022/mau
	Value decimal.Decimal // in the figure's units: millions, millions of users, fractions
	// Source is the document and line the figure comes from; Derived, for a figure
	// worked out from reported ones, the arithmetic ("113,470 / 1.39").
	Source  string
	Derived string
	// Tolerance, when above zero, is how far from the actual a forecast may be, as a
	// fraction of the forecast, and still be within it.
	Tolerance decimal.Decimal
}

// Verdicts of a review line with a tolerance.
const (
	within  = "within"  // the forecast is within the tolerance of the actual
	outside = "outside" // it is not
)

// ReviewLine is one actual against the model's forecast of it.
type ReviewLine struct {
	Key       key.Key         `json:"key"`
	Actual    decimal.Decimal `json:"actual"`
	Source    string          `json:"source"`
	Derived   string          `json:"derived"`
	Tolerance decimal.Decimal `json:"tolerance"`
	// Forecast is the model's figure; not valid when the model does not forecast it (a
	// year after its last, a segment it does not have): Note says why.
	Forecast   decimal.NullDecimal `json:"forecast"`
	Difference decimal.NullDecimal `json:"difference"` // Actual − Forecast
	Pct        decimal.NullDecimal `json:"pct"`        // Difference / |Forecast|, a fraction; not valid for a forecast of 0
	Verdict    string              `json:"verdict"`    // "within" or "outside" its tolerance; "" without one
	// Target is the model's target with the actual in the forecast's place, when the
	// figure is one of its assumptions (Prepared.Assumptions): how much the miss moves the
	// valuation. Not valid for a figure the drivers compute (revenue from users and
	// prices): Note says why.
	Target decimal.NullDecimal `json:"target"`
	Note   string              `json:"note"`
}

// review reviews the model's forecast, valued as base, against its actuals. The target
// with each actual comes from a prepared copy of the model without its actuals, made
// once, at the first actual the model forecasts.
func (m Model) review(base Result) ([]ReviewLine, error) {
	plain := m
	plain.Actuals = nil
	var p *Prepared
	out := make([]ReviewLine, 0, len(m.Actuals))
	seen := make(map[key.Key]bool, len(m.Actuals))
	for _, a := range m.Actuals {
		if seen[a.Key] {
			return nil, &fault.Error{Pkg: "valuation", Line: "actuals", Field: a.Key.String(), Value: "given twice", Err: fault.ErrDuplicateAssumption}
		}
		seen[a.Key] = true
		if a.Tolerance.Sign() < 0 {
			return nil, &fault.Error{Pkg: "valuation", Line: "actuals", Field: a.Key.String() + " tolerance", Value: fault.Plain(a.Tolerance), Err: fault.ErrNegative}
		}
		l := ReviewLine{Key: a.Key, Actual: a.Value, Source: a.Source, Derived: a.Derived, Tolerance: a.Tolerance}
		f, err := base.Lookup(a.Key)
		if err != nil {
			l.Note = "no forecast: " + err.Error()
			out = append(out, l)
			continue
		}
		diff := a.Value.Sub(f)
		l.Forecast, l.Difference = decimal.NewNullDecimal(f), decimal.NewNullDecimal(diff)
		if !f.IsZero() {
			l.Pct = decimal.NewNullDecimal(diff.DivRound(f.Abs(), segments.DivPlaces))
		}
		if a.Tolerance.Sign() > 0 { // of a forecast of 0, no percentage: within only if the actual is 0 too
			l.Verdict = outside
			if l.Pct.Valid && l.Pct.Decimal.Abs().LessThanOrEqual(a.Tolerance) || !l.Pct.Valid && diff.IsZero() {
				l.Verdict = within
			}
		}
		if p == nil {
			if p, err = plain.Prepare(PrepareOptions{}); err != nil {
				return nil, err
			}
		}
		if _, err := p.Assumption(a.Key); err != nil {
			l.Note = "not an assumption of the model: its drivers compute it"
			out = append(out, l)
			continue
		}
		r, err := p.Value(Override{Key: a.Key, Value: a.Value})
		if err != nil {
			l.Note = "the model cannot be valued with it: " + err.Error()
		} else {
			l.Target = decimal.NewNullDecimal(r.Target)
		}
		out = append(out, l)
	}
	return out, nil
}

// ReviewText renders the forecast review (Review) as a plain-text table, with each
// actual's source and derivation as notes; "" without actuals.
func (r Result) ReviewText() string {
	if len(r.Review) == 0 {
		return ""
	}
	return r.reviewTable().Text()
}

// ReviewMarkdown renders the forecast review as ReviewText does, in Markdown.
func (r Result) ReviewMarkdown() string {
	if len(r.Review) == 0 {
		return ""
	}
	return r.reviewTable().Markdown()
}

// reviewTable is the forecast review: each actual beside the forecast, the difference,
// the verdict and the target with the actual in place; sources and derivations as notes.
func (r Result) reviewTable() table.Table {
	t := table.Table{Title: "Forecast review: what happened",
		Header: []string{"Figure", "Forecast", "Actual", "Difference", "%", "Verdict", "Target with it"}}
	num := func(d decimal.NullDecimal, k key.Key) string {
		if !d.Valid {
			return "-"
		}
		return r.figureText(k, d.Decimal)
	}
	for i, l := range r.Review {
		pct, target := "-", "-"
		if l.Pct.Valid {
			pct = table.Pct(l.Pct.Decimal, 1)
		}
		if l.Target.Valid {
			target = table.Num(l.Target.Decimal, 1)
		}
		t.Rows = append(t.Rows, []string{fmt.Sprintf("[%d] %s", i+1, l.Key), num(l.Forecast, l.Key), r.figureText(l.Key, l.Actual),
			num(l.Difference, l.Key), pct, l.Verdict, target})
		note := fmt.Sprintf("[%d] %s", i+1, l.Source)
		if l.Derived != "" {
			note += "; " + l.Derived
		}
		if l.Tolerance.Sign() > 0 {
			note += "; tolerance " + table.Pct(l.Tolerance, 1)
		}
		if l.Note != "" {
			note += "; " + l.Note
		}
		t.Notes = append(t.Notes, note)
	}
	t.Notes = append(t.Notes, "Figures in the model's units: money in millions, users in millions, rates as percentages; % is the difference over the forecast",
		fmt.Sprintf("Target with it: the target (%s) with the actual in the forecast's place, for a figure that is an assumption; base target %s",
			r.Currency, table.Num(r.Target, 1)))
	return t
}

// figureText formats a figure of the result by its kind: a rate or growth as a
// percentage, any other figure to the places its forecast line prints, else two.
func (r Result) figureText(k key.Key, v decimal.Decimal) string {
	if k.Growth || k.Ratio {
		return table.Pct(v, 1)
	}
	if k.Space == key.SpaceForecast && k.Segment != "" {
		for _, y := range r.Forecast.Years { // any year's line: an actual's year may be past the forecast
			if s, err := y.Segment(k.Segment); err == nil {
				for _, l := range s.Lines {
					if string(l.Metric) == k.Name {
						if l.Unit == segments.Fraction {
							return table.Pct(v, max(l.Places, 1))
						}
						return table.Num(v, l.Places)
					}
				}
			}
		}
	}
	switch k.Name {
	case string(segments.MAU), string(segments.DAU), string(segments.Revenue):
		return table.Num(v, 0)
	}
	return table.Num(v, 2)
}
