package sensitivity

import (
	"context"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/internal/jsonx"
	"github.com/sotpkit/sotp/valuation/internal/table"
)

// Comparison is the outputs under each scenario, side by side.
type Comparison struct {
	Outputs   []string             `json:"outputs"`
	Scenarios []valuation.Scenario `json:"scenarios"`
	Base      []decimal.Decimal    `json:"base"`  // the outputs at the base model
	Cells     []Cell               `json:"cells"` // one per scenario
	// Labels, when the engine was asked for Options.Captions, are the captions its text
	// tables print in place of keys; not written as JSON.
	Labels map[string]string `json:"-"`
}

// Scenarios evaluates the outputs under each scenario. An invalid scenario is a cell with
// its error; an unknown or duplicated assumption fails the run.
func (e *Engine) Scenarios(ctx context.Context, outputs []string, scenarios ...valuation.Scenario) (Comparison, error) {
	r, err := e.scenarios(ctx, outputs, scenarios...)
	if err == nil {
		r.Labels = e.labels(r.Outputs...)
	}
	return r, err
}

// scenarios is Scenarios without the captions of Options.Captions.
func (e *Engine) scenarios(ctx context.Context, outputs []string, scenarios ...valuation.Scenario) (Comparison, error) {
	q, err := e.query(outputs)
	if err != nil {
		return Comparison{}, err
	}
	c := Comparison{Outputs: outputs, Scenarios: scenarios, Base: make([]decimal.Decimal, len(outputs)), Cells: make([]Cell, len(scenarios))}
	refs := make([][]ref, len(scenarios))
	vals := make([][]decimal.Decimal, len(scenarios))
	for i, s := range scenarios {
		if refs[i], vals[i], err = e.point(s.Set); err != nil {
			return Comparison{}, err
		}
	}
	if err := e.eval(q, nil, nil, c.Base); err != nil {
		return Comparison{}, err
	}
	if err := e.opts.admit(ctx, len(scenarios)); err != nil {
		return Comparison{}, err
	}
	err = e.opts.run(ctx, len(scenarios), 1, len(scenarios), func(_, i int) {
		out := make([]decimal.Decimal, len(outputs))
		if err := e.eval(q, refs[i], vals[i], out); err != nil {
			c.Cells[i] = Cell{Err: &PointError{Point: scenarios[i].Set, Err: err}}
			return
		}
		c.Cells[i] = Cell{Values: out}
	})
	if err != nil {
		return Comparison{}, err
	}
	return c, nil
}

// Text renders the comparison as a plain-text table: a row per output, a column for the
// base model and one per scenario, then the assumptions each scenario sets.
func (c Comparison) Text() string { return c.table().Text() }

// Markdown renders the comparison as a Markdown table.
func (c Comparison) Markdown() string { return c.table().Markdown() }

func (c Comparison) table() table.Table {
	t := table.Table{Labels: c.Labels, Title: "Scenarios", Header: []string{"", "base"}}
	var names []string
	for _, s := range c.Scenarios {
		t.Header = append(t.Header, s.Name)
		for _, o := range s.Set {
			if n := o.Key.String(); !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	reasons := &notes{}
	for o, out := range c.Outputs {
		row := []string{out, table.Value(out, c.Base[o])}
		for _, cell := range c.Cells {
			if cell.Err != nil {
				row = append(row, reasons.ref(cell.Err))
			} else {
				row = append(row, table.Value(out, cell.Values[o]))
			}
		}
		t.Rows = append(t.Rows, row)
	}
	for _, n := range names {
		row := []string{n, ""}
		for _, s := range c.Scenarios {
			v := ""
			for _, o := range s.Set {
				if o.Key.String() == n {
					v = table.Value(n, o.Value)
				}
			}
			row = append(row, v)
		}
		t.Rows = append(t.Rows, row)
	}
	t.Notes = reasons.list
	return t
}

// MarshalJSON writes the comparison in sotp's JSON contract: snake_case keys, decimals as exact
// strings, NaN as null, invalid cells as their errors.
func (c Comparison) MarshalJSON() ([]byte, error) { return jsonx.Marshal(c) }
