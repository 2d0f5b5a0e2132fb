package sensitivity

import (
	"context"
	"errors"
	"sort"
	"strings"

	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/internal/jsonx"
	"github.com/sotpkit/sotp/valuation/internal/table"
)

// Swing moves one assumption to a low and a high value.
type Swing struct {
	Name string          `json:"name"`
	Low  decimal.Decimal `json:"low"`
	High decimal.Decimal `json:"high"`
}

// Swings returns a swing of each named assumption to base × (1 - pct) and base × (1 + pct),
// the lesser of the two as Low: for a negative base (a discount) base × (1 + pct) is the
// low end.
func (e *Engine) Swings(pct decimal.Decimal, names ...string) ([]Swing, error) {
	out := make([]Swing, len(names))
	one := decimal.NewFromInt(1)
	for i, n := range names {
		base, err := e.Base(n)
		if err != nil {
			return nil, err
		}
		lo, hi := base.Mul(one.Sub(pct)), base.Mul(one.Add(pct))
		if lo.GreaterThan(hi) {
			lo, hi = hi, lo
		}
		out[i] = Swing{Name: n, Low: lo, High: hi}
	}
	return out, nil
}

// Uniforms returns an input for each swing, uniform from its Low to its High: the ranges
// of a Morris screening or a Sobol run over assumptions swung as a tornado swings them.
func Uniforms(swings []Swing) []Variable {
	out := make([]Variable, len(swings))
	for i, s := range swings {
		lo, hi := s.Low.InexactFloat64(), s.High.InexactFloat64()
		out[i] = Variable{Name: s.Name, Dist: distuv.Uniform{Min: lo, Max: hi}}
	}
	return out
}

// Tornado is one output's response to each assumption moved alone, ranked by the size of
// the response.
type Tornado struct {
	Output string          `json:"output"`
	Base   decimal.Decimal `json:"base"` // the output at the base model
	Bars   []Bar           `json:"bars"` // widest range first; bars with an invalid end last
	// Warnings name each assumption that did not move the output (valuation.WarnNoEffect):
	// its bar is kept, of zero width, but tables and charts list it instead of drawing it.
	Warnings []valuation.Warning `json:"warnings,omitempty"`
	// Labels, when the engine was asked for Options.Captions, are the captions its text
	// tables print in place of keys; not written as JSON.
	Labels map[string]string `json:"-"`
}

// Moves reports whether the bar's assumption moved the output: both ends valued and at
// least one of them away from base. A bar with an invalid end counts as moving.
func (b Bar) Moves(base decimal.Decimal) bool {
	if b.Low.Err != nil || b.High.Err != nil || len(b.Low.Values) == 0 || len(b.High.Values) == 0 {
		return true
	}
	return !b.Low.Values[0].Equal(base) || !b.High.Values[0].Equal(base)
}

// Bar is one assumption's swing and the output at each end.
type Bar struct {
	Swing `json:"swing"`
	Input decimal.Decimal `json:"input"` // the assumption's base value
	Low   Cell            `json:"low"`   // the output with the assumption at Swing.Low
	High  Cell            `json:"high"`  // and at Swing.High
	// Range is |output at High - output at Low|, the bar's width; zero when an end is invalid.
	Range decimal.Decimal `json:"range"`
}

// Tornado moves each swing's assumption alone to its low and high value and ranks the
// assumptions by how far the output moves; ties keep the order given.
func (e *Engine) Tornado(ctx context.Context, output string, swings ...Swing) (Tornado, error) {
	r, err := e.tornado(ctx, output, swings...)
	if err == nil {
		r.Labels = e.labels(r.Output)
	}
	return r, err
}

// tornado is Tornado without the captions of Options.Captions.
func (e *Engine) tornado(ctx context.Context, output string, swings ...Swing) (Tornado, error) {
	q, err := e.query([]string{output})
	if err != nil {
		return Tornado{}, err
	}
	t := Tornado{Output: output, Bars: make([]Bar, len(swings))}
	refs, err := e.resolveSwings(swings, t.Bars)
	if err != nil {
		return Tornado{}, err
	}
	base := make([]decimal.Decimal, 1)
	if err := e.eval(q, nil, nil, base); err != nil {
		return Tornado{}, err
	}
	t.Base = base[0]
	if err := e.opts.admit(ctx, 2*len(swings)); err != nil {
		return Tornado{}, err
	}
	if err := e.ends(ctx, q, refs, t.Bars); err != nil {
		return Tornado{}, err
	}
	rank(t.Bars)
	t.Warnings = t.noEffect()
	return t, nil
}

// resolveSwings resolves each swing's assumption and checks its values, writing its bar
// (the swing, at the assumption's base value) to bars, and returns the references in
// the order of the swings; or the error of the first swing at fault.
func (e *Engine) resolveSwings(swings []Swing, bars []Bar) ([]ref, error) {
	refs := make([]ref, len(swings))
	for i, s := range swings {
		var err error
		if refs[i], err = e.resolve(s.Name); err != nil {
			return nil, err
		}
		if err := errors.Join(checkValue(s.Name, s.Low), checkValue(s.Name, s.High)); err != nil {
			return nil, err
		}
		bars[i] = Bar{Swing: s, Input: refs[i].Base}
	}
	return refs, nil
}

// ends values the output of q at both ends of each bar, whose assumption refs give, on
// the engine's workers: into the bar's Low and High, the output or the point's error.
func (e *Engine) ends(ctx context.Context, q query, refs []ref, bars []Bar) error {
	return e.opts.run(ctx, 2*len(bars), 1, 2*len(bars), func(_, i int) {
		b := &bars[i/2]
		v, cell := b.Swing.Low, &b.Low
		if i%2 == 1 {
			v, cell = b.Swing.High, &b.High
		}
		out := make([]decimal.Decimal, 1)
		if err := e.eval(q, refs[i/2:i/2+1], []decimal.Decimal{v}, out); err != nil {
			*cell = Cell{Err: &PointError{Point: Point{{Key: refs[i/2].Key, Value: v}}, Err: err}}
			return
		}
		*cell = Cell{Values: out}
	})
}

// rank sets each bar's range, of its valid ends, and sorts the bars widest first, those
// with an invalid end last; ties keep their order.
func rank(bars []Bar) {
	for i := range bars {
		b := &bars[i]
		if b.Low.Err == nil && b.High.Err == nil {
			b.Range = b.High.Values[0].Sub(b.Low.Values[0]).Abs()
		}
	}
	sort.SliceStable(bars, func(i, j int) bool {
		bi, bj := bars[i], bars[j]
		vi, vj := bi.Low.Err == nil && bi.High.Err == nil, bj.Low.Err == nil && bj.High.Err == nil
		if vi != vj {
			return vi
		}
		return bi.Range.GreaterThan(bj.Range)
	})
}

// noEffect returns a warning for each bar whose assumption does not move the output.
func (t Tornado) noEffect() []valuation.Warning {
	var out []valuation.Warning
	for _, b := range t.Bars {
		if !b.Moves(t.Base) {
			out = append(out, valuation.Warning{Code: valuation.WarnNoEffect, Message: b.Name + " does not move " + t.Output +
				": it is " + table.Value(t.Output, t.Base) + " at " + table.Value(b.Name, b.Swing.Low) + " and at " + table.Value(b.Name, b.Swing.High)})
		}
	}
	return out
}

// Text renders the tornado as a plain-text table, widest bar first.
func (t Tornado) Text() string { return t.table().Text() }

// Markdown renders the tornado as a Markdown table.
func (t Tornado) Markdown() string { return t.table().Markdown() }

func (t Tornado) table() table.Table {
	tb := table.Table{Labels: t.Labels,
		Title:  "Tornado: " + t.Output + ", base " + table.Value(t.Output, t.Base),
		Header: []string{"assumption", "base", "low", "high", t.Output + " at low", "at high", "range"},
	}
	reasons := &notes{}
	at := func(c Cell) string {
		if c.Err != nil {
			return reasons.ref(c.Err)
		}
		return table.Value(t.Output, c.Values[0])
	}
	var still []string
	for _, b := range t.Bars {
		if !b.Moves(t.Base) {
			still = append(still, b.Name)
			continue
		}
		rng := ""
		if b.Low.Err == nil && b.High.Err == nil {
			rng = table.Value(t.Output, b.Range)
		}
		tb.Rows = append(tb.Rows, []string{b.Name, table.Value(b.Name, b.Input), table.Value(b.Name, b.Swing.Low),
			table.Value(b.Name, b.Swing.High), at(b.Low), at(b.High), rng})
	}
	tb.Notes = reasons.list
	if len(still) > 0 {
		tb.Notes = append(tb.Notes, "no effect on "+t.Output+": "+strings.Join(still, ", "))
	}
	return tb
}

// MarshalJSON writes the tornado in sotp's JSON contract: snake_case keys, decimals as exact
// strings, NaN as null, invalid cells as their errors.
func (t Tornado) MarshalJSON() ([]byte, error) { return jsonx.Marshal(t) }
