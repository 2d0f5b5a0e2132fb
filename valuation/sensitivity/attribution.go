package sensitivity

import (
	"context"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/internal/jsonx"
	"github.com/sotpkit/sotp/valuation/internal/table"
	"github.com/sotpkit/sotp/valuation/key"
)

// Attribution splits the change in the per-share target between two scenarios by
// assumption (a step for each, in order) and by segment (each part's value per share).
type Attribution struct {
	From     string          `json:"from"`
	To       string          `json:"to"`
	Segments []string        `json:"segments"` // the segment of each part, in the model's order
	Start    decimal.Decimal `json:"start"`    // the target under From
	End      decimal.Decimal `json:"end"`      // the target under To
	Steps    []Step          `json:"steps"`
	// Labels, when the engine was asked for Options.Captions, are the captions its text
	// tables print in place of keys; not written as JSON.
	Labels map[string]string `json:"-"`
}

// Step moves one assumption from its value under From to its value under To, the
// assumptions before it having moved already.
type Step struct {
	Name   string          `json:"name"`
	From   decimal.Decimal `json:"from"`
	To     decimal.Decimal `json:"to"`
	Change decimal.Decimal `json:"change"` // of the target
	// BySegment is the change of each part's value per share; it sums to Change but for
	// the rounding of each division (16 places).
	BySegment []decimal.Decimal `json:"by_segment"`
}

// Attribute moves the model from scenario from to scenario to one assumption at a time:
// first those to sets, in its order, then those only from sets, back to their base. Each
// step's change is the target's change when that assumption moves; the steps sum to the
// whole change exactly. The split depends on the order when assumptions interact (the
// value of a segment is MAU × multiple, so moving MAU before the multiple credits MAU with
// less); order to's overrides as the story should be told.
func (e *Engine) Attribute(ctx context.Context, from, to valuation.Scenario) (Attribution, error) {
	r, err := e.attribute(ctx, from, to)
	if err == nil {
		r.Labels = e.labels("target")
	}
	return r, err
}

// attribute is Attribute without the captions of Options.Captions.
func (e *Engine) attribute(ctx context.Context, from, to valuation.Scenario) (Attribution, error) {
	outputs := []string{"target", "shares"}
	a := Attribution{From: from.Name, To: to.Name}
	for _, p := range e.base.Parts {
		a.Segments = append(a.Segments, p.Segment)
		outputs = append(outputs, "part/"+p.Segment+"/value")
	}
	q, err := e.query(outputs)
	if err != nil {
		return Attribution{}, err
	}
	state := slices.Clone(from.Set)
	if _, _, err := e.point(state); err != nil {
		return Attribution{}, err
	}
	if _, _, err := e.point(to.Set); err != nil {
		return Attribution{}, err
	}
	moves := e.moves(from.Set, to.Set)
	if err := e.opts.admit(ctx, len(moves)+1); err != nil {
		return Attribution{}, err
	}
	target, segs, err := e.perShare(q, state)
	if err != nil {
		return Attribution{}, err
	}
	a.Start = target
	for _, mv := range moves {
		if err := ctx.Err(); err != nil {
			return Attribution{}, err
		}
		was := e.valueAt(state, mv.Key)
		if was.Equal(mv.Value) {
			continue
		}
		state = setOverride(state, mv)
		next, nextSegs, err := e.perShare(q, state)
		if err != nil {
			return Attribution{}, err
		}
		a.Steps = append(a.Steps, Step{Name: mv.Key.String(), From: was, To: mv.Value, Change: next.Sub(target), BySegment: changes(segs, nextSegs)})
		target, segs = next, nextSegs
	}
	a.End = target
	return a, nil
}

// moves returns the overrides that take the model from the point from to the point to:
// to's, in its order, then each assumption only from sets, back to its base value. The
// caller has resolved both points.
func (e *Engine) moves(from, to Point) []valuation.Override {
	var moves []valuation.Override
	moves = append(moves, to...)
	for _, o := range from {
		if _, ok := valueIn(to, o.Key); !ok {
			moves = append(moves, valuation.Override{Key: o.Key, Value: e.baseOf(o.Key)})
		}
	}
	return moves
}

// valueIn returns the value p gives the assumption at k, and whether it gives one.
func valueIn(p Point, k key.Key) (decimal.Decimal, bool) {
	for _, o := range p {
		if o.Key == k {
			return o.Value, true
		}
	}
	return decimal.Decimal{}, false
}

// valueAt returns the value of the assumption at k at the point p: p's, or its base value
// when p does not set it. The caller has resolved k.
func (e *Engine) valueAt(p Point, k key.Key) decimal.Decimal {
	if v, ok := valueIn(p, k); ok {
		return v
	}
	return e.baseOf(k)
}

// baseOf returns the base value of the assumption at k, which the caller has resolved.
func (e *Engine) baseOf(k key.Key) decimal.Decimal {
	r, _ := e.resolveKey("", k)
	return r.Base
}

// setOverride returns p with o's assumption set to o's value: in place where p sets it
// already, else appended.
func setOverride(p Point, o valuation.Override) Point {
	if i := slices.IndexFunc(p, func(x valuation.Override) bool { return x.Key == o.Key }); i >= 0 {
		p[i].Value = o.Value
		return p
	}
	return append(p, o)
}

// perShare values the model at p and returns the target and each part's value per share
// (divided to 16 places), or a *PointError when p cannot be valued. q's outputs are the
// target, the shares, then each part's value.
func (e *Engine) perShare(q query, p Point) (decimal.Decimal, []decimal.Decimal, error) {
	refs, vals, _ := e.point(p)
	out := make([]decimal.Decimal, len(q.names))
	if err := e.eval(q, refs, vals, out); err != nil {
		return decimal.Decimal{}, nil, &PointError{Point: p, Err: err}
	}
	segs := make([]decimal.Decimal, len(out)-2)
	for i := range segs {
		segs[i] = out[2+i].DivRound(out[1], segments.DivPlaces)
	}
	return out[0], segs, nil
}

// changes returns each of to less the same of from.
func changes(from, to []decimal.Decimal) []decimal.Decimal {
	out := make([]decimal.Decimal, len(from))
	for i := range from {
		out[i] = to[i].Sub(from[i])
	}
	return out
}

// Text renders the attribution as a waterfall table: the start, a row per step with its
// change by segment, and the end.
func (a Attribution) Text() string { return a.table().Text() }

// Markdown renders the attribution as a Markdown table.
func (a Attribution) Markdown() string { return a.table().Markdown() }

func (a Attribution) table() table.Table {
	t := table.Table{Labels: a.Labels, Title: "Attribution of the target: " + a.From + " to " + a.To, Header: []string{"step", "from", "to"}}
	t.Header = append(append(t.Header, a.Segments...), "change", "target")
	blank := make([]string, len(a.Segments)+3)
	t.Rows = append(t.Rows, append(append([]string{a.From}, blank...), table.Value("target", a.Start)))
	run := a.Start
	for _, s := range a.Steps {
		row := []string{s.Name, table.Value(s.Name, s.From), table.Value(s.Name, s.To)}
		for _, v := range s.BySegment {
			row = append(row, signed(v))
		}
		run = run.Add(s.Change)
		t.Rows = append(t.Rows, append(row, signed(s.Change), table.Value("target", run)))
	}
	t.Rows = append(t.Rows, append(append([]string{a.To}, blank[:len(blank)-1]...), signed(a.End.Sub(a.Start)), table.Value("target", a.End)))
	t.Notes = []string{"changes are per share, in the target's currency; each step moves one assumption, those above it moved already"}
	return t
}

// signed formats a change of the target with its sign: +12.3, -4.5.
func signed(v decimal.Decimal) string {
	s := table.Value("target", v)
	if v.Round(1).Sign() > 0 {
		s = "+" + s
	}
	return s
}

// MarshalJSON writes the attribution in sotp's JSON contract: snake_case keys, decimals as exact
// strings, NaN as null, invalid cells as their errors.
func (a Attribution) MarshalJSON() ([]byte, error) { return jsonx.Marshal(a) }
