package sensitivity

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/clip"
	"github.com/sotpkit/sotp/valuation/internal/decimals"
	"github.com/sotpkit/sotp/valuation/internal/jsonx"
	"github.com/sotpkit/sotp/valuation/internal/pad"
	"github.com/sotpkit/sotp/valuation/internal/table"
	"github.com/sotpkit/sotp/valuation/key"
)

// Axis is one assumption swept over a list of values: Values, or Steps values evenly
// spaced From To (both included; the step is (To - From) / (Steps - 1) to 16 decimal
// places), which Engine.Grid spells out only once the grid's points are counted and
// admitted, under the run's context. So a hostile "steps": 9999999 costs nothing before
// it is refused. Give one of the two: Values, or Steps (two or more) with From and To.
type Axis struct {
	Name   string            `json:"name"`
	Values []decimal.Decimal `json:"values"`
	From   decimal.Decimal   `json:"-"`
	To     decimal.Decimal   `json:"-"`
	Steps  int               `json:"-"`
}

// Span returns the axis of the named assumption from lo to hi in n even steps, to be
// spelled out by Engine.Grid once its points are admitted.
func Span(name string, lo, hi decimal.Decimal, n int) Axis {
	return Axis{Name: name, From: lo, To: hi, Steps: n}
}

// ParseAxis reads an axis written as text, for a caller who holds no decimal: a span
// "NAME=FROM:TO:N" (N even steps, both ends included, spelled out once the grid's points
// are admitted, as Span's) or a list "NAME=V1,V2,...". Values are decimals as sotp's files
// write them ("0.0125", "-0.5", "5e2"), within MaxValueDigits and MaxValueExponent. A
// malformed axis is a *fault.Error wrapping fault.ErrOption that names the axis and the
// value at fault.
func ParseAxis(s string) (Axis, error) {
	name, spec, ok := strings.Cut(s, "=")
	if !ok || name == "" || spec == "" {
		return Axis{}, &fault.Error{Pkg: "sensitivity", Field: "axis", Value: strconv.Quote(clip.String(s, 80)) + ": want NAME=FROM:TO:N or NAME=V1,V2,...", Err: fault.ErrOption}
	}
	bad := func(what string) (Axis, error) {
		return Axis{}, &fault.Error{Pkg: "sensitivity", Field: "axis " + clip.String(name, 80), Value: what, Err: fault.ErrOption}
	}
	number := func(text string) (decimal.Decimal, error) {
		v, err := decimals.Parse(text)
		if err == nil {
			err = checkValue(name, v)
		}
		return v, err
	}
	if parts := strings.Split(spec, ":"); len(parts) == 3 {
		lo, err1 := number(parts[0])
		hi, err2 := number(parts[1])
		n, err3 := strconv.Atoi(parts[2])
		if err := errors.Join(err1, err2, err3); err != nil {
			return bad(strconv.Quote(clip.String(spec, 80)) + ": want FROM:TO:N, two decimals and a count")
		}
		return Span(name, lo, hi, n), nil
	}
	if n := strings.Count(spec, ",") + 1; n > MaxAxisValues {
		return bad(strconv.Itoa(n) + " values, above " + strconv.Itoa(MaxAxisValues))
	}
	texts := strings.Split(spec, ",")
	a := Axis{Name: name, Values: make([]decimal.Decimal, len(texts))}
	for i, t := range texts {
		v, err := number(t)
		if err != nil {
			return bad("value " + strconv.Itoa(i+1) + " " + strconv.Quote(clip.String(t, 80)) + ": not a decimal")
		}
		a.Values[i] = v
	}
	return a, nil
}

// size is the number of values on the axis, or an error naming it when it gives neither
// or both of Values and Steps.
func (a Axis) size() (int, error) {
	switch {
	case len(a.Values) > 0 && a.Steps == 0:
		return len(a.Values), nil
	case len(a.Values) == 0 && a.Steps >= 2:
		return a.Steps, nil
	case len(a.Values) == 0 && a.Steps == 0:
		return 0, &fault.Error{Pkg: "sensitivity", Field: a.Name, Value: "no values", Err: fault.ErrOption}
	}
	return 0, &fault.Error{Pkg: "sensitivity", Field: a.Name, Value: "steps " + strconv.Itoa(a.Steps) + ": give values, or two or more steps from, to", Err: fault.ErrOption}
}

// GridPoints returns the number of points of a grid over the axes, the product of their
// sizes, or a *fault.Error: fault.ErrTooManyPoints past 2^31 - 1, fault.ErrOption for no
// axis or an axis of no values. It spells out no axis.
func GridPoints(axes ...Axis) (int, error) {
	if len(axes) == 0 {
		return 0, &fault.Error{Pkg: "sensitivity", Field: "axes", Err: fault.ErrOption}
	}
	n := 1
	for _, a := range axes {
		k, err := a.size()
		if err != nil {
			return 0, err
		}
		if n, err = count(n, k, 0); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// steps returns n ≥ 2 values evenly spaced from lo to hi, both included; the step is
// (hi - lo) / (n - 1) to 16 decimal places. It checks ctx every 4,096 values: an axis of
// millions of values stops when its run is cancelled. Its n is bounded by the caller:
// Around by DefaultMaxPoints, Engine.Grid by the points it admitted.
func steps(ctx context.Context, lo, hi decimal.Decimal, n int) ([]decimal.Decimal, error) {
	if n < 2 {
		return nil, &fault.Error{Pkg: "sensitivity", Field: "steps", Value: strconv.Itoa(n), Err: fault.ErrOption}
	}
	step := hi.Sub(lo).DivRound(decimal.NewFromInt(int64(n-1)), segments.DivPlaces)
	out := make([]decimal.Decimal, n)
	for i := range out {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		out[i] = lo.Add(step.Mul(decimal.NewFromInt(int64(i))))
	}
	out[n-1] = hi
	return out, nil
}

// Around returns an axis of n values of the named assumption, 2 ≤ n ≤ DefaultMaxPoints,
// evenly spaced from base × (1 - pct) to base × (1 + pct); with n odd the middle value is
// the base.
func (e *Engine) Around(name string, pct decimal.Decimal, n int) (Axis, error) {
	base, err := e.Base(name)
	if err != nil {
		return Axis{}, err
	}
	if n > DefaultMaxPoints {
		return Axis{}, &fault.Error{Pkg: "sensitivity", Field: "steps", Value: strconv.Itoa(n), Err: fault.ErrOption}
	}
	one := decimal.NewFromInt(1)
	values, err := steps(context.Background(), base.Mul(one.Sub(pct)), base.Mul(one.Add(pct)), n)
	if err != nil {
		return Axis{}, err
	}
	if n%2 == 1 {
		values[n/2] = base
	}
	return Axis{Name: name, Values: values}, nil
}

// Grid is a model evaluated at every combination of its axes' values: the analyst's data
// table, in as many dimensions as it has axes.
type Grid struct {
	Axes    []Axis            `json:"axes"`
	Bases   []decimal.Decimal `json:"bases"` // the base value of each axis's assumption
	Outputs []string          `json:"outputs"`
	Base    []decimal.Decimal `json:"base"` // the outputs at the base model
	// Cells holds one cell per combination, in row-major order: the last axis varies
	// fastest. Cell and Index convert between positions and axis indices.
	Cells []Cell `json:"cells"`
	// Warnings name each axis that did not move an output (valuation.WarnNoEffect): the
	// output is the same at every value of the axis, whatever the other axes hold.
	Warnings []valuation.Warning `json:"warnings,omitempty"`
	// Labels, when the engine was asked for Options.Captions, are the captions its text
	// tables print in place of keys; not written as JSON.
	Labels map[string]string `json:"-"`
}

// Cell is the outputs at one point, or why the point could not be valued.
type Cell struct {
	Values []decimal.Decimal // one per output; nil when Err is set
	Err    error             // a *PointError
}

// cellJSON is a cell in JSON: its values, or its error as fault.ToJSON writes it (the
// reason, its code and the assumption or figure at fault).
type cellJSON struct {
	Values []decimal.Decimal `json:"values,omitempty"`
	Error  *fault.JSON       `json:"error,omitempty"`
}

// MarshalJSON writes {"values": [...]} or, for an invalid point, {"error": {"error",
// "code", "path", ...}}.
func (c Cell) MarshalJSON() ([]byte, error) {
	out := cellJSON{Values: c.Values}
	if c.Err != nil {
		var pe *PointError
		err := c.Err
		if errors.As(err, &pe) {
			err = pe.Err
		}
		j := fault.ToJSON(err)
		out = cellJSON{Error: &j}
	}
	return jsonx.Marshal(out)
}

// UnmarshalJSON reads a cell that MarshalJSON wrote; an error comes back as a
// *PointError (without its point, which the cell's place gives) wrapping the
// fault.FromJSON error, so that errors.Is matches its sentinel.
func (c *Cell) UnmarshalJSON(b []byte) error {
	var in cellJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	*c = Cell{Values: in.Values}
	if in.Error != nil {
		c.Values, c.Err = nil, &PointError{Err: fault.FromJSON(*in.Error)}
	}
	return nil
}

// MarshalJSON writes the grid in sotp's JSON contract: snake_case keys, decimals as
// exact strings, each cell as Cell.MarshalJSON writes it.
func (g Grid) MarshalJSON() ([]byte, error) { return jsonx.Marshal(g) }

// gridBlock bounds the number of consecutive cells a worker takes at a time.
const gridBlock = 256

// Grid evaluates the outputs at every combination of the axes' values, on the engine's
// workers. Invalid points are cells with an error; the run itself fails only for bad
// axes or outputs, a grid larger than MaxPoints, or a cancelled ctx.
func (e *Engine) Grid(ctx context.Context, outputs []string, axes ...Axis) (Grid, error) {
	r, err := e.grid(ctx, outputs, axes...)
	if err == nil {
		r.Labels = e.labels(r.Outputs...)
	}
	return r, err
}

// grid is Grid without the captions of Options.Captions.
func (e *Engine) grid(ctx context.Context, outputs []string, axes ...Axis) (Grid, error) {
	q, err := e.query(outputs)
	if err != nil {
		return Grid{}, err
	}
	n, err := GridPoints(axes...)
	if err != nil {
		return Grid{}, err
	}
	g := Grid{Axes: slices.Clone(axes), Bases: make([]decimal.Decimal, len(axes)), Outputs: outputs, Base: make([]decimal.Decimal, len(outputs))}
	refs, err := e.resolveAxes(axes, g.Bases)
	if err != nil {
		return Grid{}, err
	}
	if err := e.eval(q, nil, nil, g.Base); err != nil {
		return Grid{}, err
	}
	if err := e.opts.admit(ctx, n); err != nil {
		return Grid{}, err
	}
	if err := spellOut(ctx, g.Axes); err != nil { // now that the points are admitted
		return Grid{}, err
	}
	vq, err := e.compile(q, refs)
	if err != nil {
		return Grid{}, err
	}
	if err := e.cells(ctx, vq, &g, n); err != nil {
		return Grid{}, err
	}
	g.Warnings = g.noEffect()
	return g, nil
}

// resolveAxes checks each axis's values and resolves its assumption, writing its base
// value to bases, and returns the axes' references; or the error of the first axis with
// a value out of range, a name that is not an assumption, or the assumption of an axis
// before it.
func (e *Engine) resolveAxes(axes []Axis, bases []decimal.Decimal) ([]ref, error) {
	refs := make([]ref, len(axes))
	for i, a := range axes {
		for _, v := range append([]decimal.Decimal{a.From, a.To}, a.Values...) {
			if err := checkValue(a.Name, v); err != nil {
				return nil, err
			}
		}
		var err error
		if refs[i], err = e.resolve(a.Name); err != nil {
			return nil, err
		}
		if slices.ContainsFunc(refs[:i], func(r ref) bool { return r.Key == refs[i].Key }) {
			return nil, &fault.Error{Pkg: "sensitivity", Field: a.Name, Err: fault.ErrDuplicateAssumption}
		}
		bases[i] = refs[i].Base
	}
	return refs, nil
}

// spellOut replaces each axis given by Steps with its values, checked, under ctx.
func spellOut(ctx context.Context, axes []Axis) error {
	for i, a := range axes {
		if a.Steps == 0 {
			continue
		}
		values, err := steps(ctx, a.From, a.To, a.Steps)
		if err != nil {
			return err
		}
		for _, v := range values {
			if err := checkValue(a.Name, v); err != nil {
				return err
			}
		}
		axes[i] = Axis{Name: a.Name, Values: values}
	}
	return nil
}

// cells evaluates vq at each of the grid's n points on the engine's workers, into
// g.Cells: its outputs, or the point's error.
func (e *Engine) cells(ctx context.Context, vq *valuation.Query, g *Grid, n int) error {
	// Workers take points in blocks of consecutive cells: one at a time, their shared
	// counters and neighbouring cells cost more than a kernel's run. A block is at most
	// 1% of the grid, the granularity of progress and cancellation.
	size := min(gridBlock, max(n/100, 1))
	blocks := (n + size - 1) / size
	axes, m := g.Axes, len(g.Outputs)
	evs := make([]*valuation.Evaluator, e.opts.workers(blocks))
	vals := make([][]decimal.Decimal, len(evs))
	g.Cells = make([]Cell, n)
	return e.opts.run(ctx, blocks, size, n, func(w, b int) {
		// Each worker builds its evaluator, and each block its outputs, on the worker: a
		// second worker's machine is built after its core wakes, not before the run, and
		// a block's outputs are one allocation, zeroed in parallel.
		if evs[w] == nil {
			evs[w], vals[w] = vq.Evaluator(), pad.Slice[decimal.Decimal](len(axes)) // written at every point
		}
		first, end := b*size, min((b+1)*size, n)
		flat := make([]decimal.Decimal, (end-first)*m)
		for i := first; i < end; i++ {
			for k, rest := len(axes)-1, i; k >= 0; k-- { // Index, without its allocation
				n := len(axes[k].Values)
				vals[w][k] = axes[k].Values[rest%n]
				rest /= n
			}
			j := i - first
			out := flat[j*m : (j+1)*m : (j+1)*m]
			if err := evs[w].Eval(vals[w], out); err != nil {
				g.Cells[i] = Cell{Err: &PointError{Point: g.Point(i), Err: err}}
				continue
			}
			g.Cells[i] = Cell{Values: out}
		}
	})
}

// noEffect returns a warning for each axis that does not move some of the outputs: each
// the same at each of its values.
func (g Grid) noEffect() []valuation.Warning {
	var out []valuation.Warning
	for k, a := range g.Axes {
		var still []string
		for o, name := range g.Outputs {
			if !g.moves(k, o) {
				still = append(still, name)
			}
		}
		if len(still) > 0 {
			out = append(out, valuation.Warning{Code: valuation.WarnNoEffect,
				Message: a.Name + " does not move " + strings.Join(still, ", ") + ": the same at each of its values"})
		}
	}
	return out
}

// Moves reports whether axis k may move the named output: false only when the grid shows
// it does not (see Warnings), true for an axis or output the grid does not have.
func (g Grid) Moves(k int, output string) bool {
	o := slices.Index(g.Outputs, output)
	if k < 0 || k >= len(g.Axes) || o < 0 {
		return true
	}
	return g.moves(k, o)
}

// moves reports whether axis k may move output o: false only when some two valid cells
// differ in their value of the axis alone and every such two agree in the output. With
// no such two (an axis valid at one value only) nothing is known, and it may move; so
// may the axes of a grid that is not consistent.
func (g Grid) moves(k, o int) bool {
	if !g.consistent() {
		return true
	}
	n := len(g.Axes[k].Values)
	stride := 1 // cells between two values of axis k: the product of the later axes' sizes
	for _, a := range g.Axes[k+1:] {
		stride *= len(a.Values)
	}
	// first holds each line's first valid value of the output, a line being the cells
	// that differ in their value of axis k alone: one pass over the cells.
	first := make([]*decimal.Decimal, len(g.Cells)/n)
	compared := false
	for i, c := range g.Cells {
		if c.Err != nil || o >= len(c.Values) {
			continue
		}
		line := i/(stride*n)*stride + i%stride
		switch f := first[line]; {
		case f == nil:
			first[line] = &c.Values[o]
		case !f.Equal(c.Values[o]):
			return true
		default:
			compared = true
		}
	}
	return !compared
}

// consistent reports whether the grid is as Engine.Grid makes it: a base value per axis,
// no empty axis, a cell per combination of the axes' values and a base value per output.
// Rendering and indexing refuse a grid that is not (one built or decoded by hand).
func (g Grid) consistent() bool {
	n := 1
	for _, a := range g.Axes {
		if len(a.Values) == 0 || n > len(g.Cells) {
			return false
		}
		n *= len(a.Values)
	}
	return len(g.Axes) > 0 && n == len(g.Cells) && len(g.Bases) == len(g.Axes) && len(g.Base) == len(g.Outputs)
}

// Index returns the axis indices of cell i, or nil when i is not a cell of the grid.
func (g Grid) Index(i int) []int {
	if !g.consistent() || i < 0 || i >= len(g.Cells) {
		return nil
	}
	idx := make([]int, len(g.Axes))
	for k := len(g.Axes) - 1; k >= 0; k-- {
		n := len(g.Axes[k].Values)
		idx[k], i = i%n, i/n
	}
	return idx
}

// Cell returns the cell at the given axis indices, one per axis; indices of the wrong
// number or out of range are a *fault.Error wrapping fault.ErrOption.
func (g Grid) Cell(idx ...int) (Cell, error) {
	if len(idx) != len(g.Axes) || !g.consistent() {
		return Cell{}, &fault.Error{Pkg: "sensitivity", Field: "cell", Value: fmt.Sprintf("%d indices for %d axes", len(idx), len(g.Axes)), Err: fault.ErrOption}
	}
	i := 0
	for k, j := range idx {
		if n := len(g.Axes[k].Values); j < 0 || j >= n {
			return Cell{}, &fault.Error{Pkg: "sensitivity", Field: "cell", Value: fmt.Sprintf("index %d of axis %s: want 0 to %d", j, g.Axes[k].Name, n-1), Err: fault.ErrOption}
		}
		i = i*len(g.Axes[k].Values) + j
	}
	if i >= len(g.Cells) {
		return Cell{}, &fault.Error{Pkg: "sensitivity", Field: "cell", Value: fmt.Sprintf("%v: the grid holds %d cells", idx, len(g.Cells)), Err: fault.ErrOption}
	}
	return g.Cells[i], nil
}

// Point returns the overrides of cell i, or nil when i is not a cell of the grid (or one
// of its axes names no key: a grid built by hand; Engine.Grid refuses such an axis).
func (g Grid) Point(i int) Point {
	if !g.consistent() || i < 0 || i >= len(g.Cells) {
		return nil
	}
	p := make(Point, len(g.Axes))
	for k, j := range g.Index(i) {
		ak, err := key.Parse(g.Axes[k].Name)
		if err != nil {
			return nil
		}
		p[k] = valuation.Override{Key: ak, Value: g.Axes[k].Values[j]}
	}
	return p
}

// isBase reports whether value j of axis k is the assumption's base value.
func (g Grid) isBase(k, j int) bool { return g.Axes[k].Values[j].Equal(g.Bases[k]) }

// Text renders one output of the grid as a plain-text table: a column for one axis, rows
// by columns for two, a row per cell for more. The base case is marked with *.
func (g Grid) Text(output string) string { return g.table(output).Text() }

// Markdown renders one output of the grid as Text does, in Markdown.
func (g Grid) Markdown(output string) string { return g.table(output).Markdown() }

func (g Grid) table(output string) table.Table {
	o := slices.Index(g.Outputs, output)
	names := make([]string, len(g.Axes))
	for k, a := range g.Axes {
		names[k] = a.Name
	}
	t := table.Table{Labels: g.Labels, Title: output + " by " + strings.Join(names, " × ")}
	switch {
	case o < 0:
		t.Notes = append(t.Notes, "the grid has no output "+strconv.Quote(output))
		return t
	case !g.consistent():
		t.Notes = append(t.Notes, "the grid has no cells, or not one for each combination of its axes' values")
		return t
	}
	reasons := &notes{}
	switch len(g.Axes) {
	case 2:
		t.Header, t.Rows = g.crossRows(o, reasons)
	default:
		t.Header, t.Rows = g.cellRows(names, o, reasons)
	}
	t.Notes = append([]string{"* base case; base " + output + " " + table.Value(output, g.Base[o])}, reasons.list...)
	for k, a := range g.Axes {
		if !g.moves(k, o) {
			t.Notes = append(t.Notes, "no effect on "+output+": "+a.Name)
		}
	}
	return t
}

// crossRows returns the header and rows of a table of output o over two axes: a row for
// each value of the first, a column for each of the second.
func (g Grid) crossRows(o int, reasons *notes) ([]string, [][]string) {
	header := []string{g.Axes[0].Name + " \\ " + g.Axes[1].Name}
	for j := range g.Axes[1].Values {
		header = append(header, g.axisText(1, j))
	}
	var rows [][]string
	for r := range g.Axes[0].Values {
		row := []string{g.axisText(0, r)}
		for c := range g.Axes[1].Values {
			row = append(row, g.cellText(r*len(g.Axes[1].Values)+c, o, reasons))
		}
		rows = append(rows, row)
	}
	return header, rows
}

// cellRows returns the header and rows of a table of output o with a row for each
// cell: its axes' values, then the output; names are the axes'.
func (g Grid) cellRows(names []string, o int, reasons *notes) ([]string, [][]string) {
	var rows [][]string
	for i := range g.Cells {
		var row []string
		for k, j := range g.Index(i) {
			row = append(row, g.axisText(k, j))
		}
		rows = append(rows, append(row, g.cellText(i, o, reasons)))
	}
	return append(names, g.Outputs[o]), rows
}

// axisText is value j of axis k as a table prints it, marked * when it is the base.
func (g Grid) axisText(k, j int) string {
	s := table.Value(g.Axes[k].Name, g.Axes[k].Values[j])
	if g.isBase(k, j) {
		s += "*"
	}
	return s
}

// cellText is output o of cell i as a table prints it, marked * at the base case; n/a
// with the number of its reason in reasons for an invalid point, n/a alone for a cell
// without the output.
func (g Grid) cellText(i, o int, reasons *notes) string {
	c := g.Cells[i]
	if c.Err != nil {
		return reasons.ref(c.Err)
	}
	if o >= len(c.Values) {
		return "n/a"
	}
	s := table.Value(g.Outputs[o], c.Values[o])
	base := true
	for k, j := range g.Index(i) {
		base = base && g.isBase(k, j)
	}
	if base {
		s += "*"
	}
	return s
}

// CSV writes every cell as a row: the axis values, every output unrounded, whether it
// is the base case, and the error of an invalid point.
func (g Grid) CSV(w io.Writer) error {
	if !g.consistent() {
		return &fault.Error{Pkg: "sensitivity", Field: "grid", Value: "no cells, or not one for each combination of its axes' values", Err: fault.ErrOption}
	}
	cw := csv.NewWriter(w)
	header := make([]string, 0, len(g.Axes)+len(g.Outputs)+2)
	for _, a := range g.Axes {
		header = append(header, a.Name)
	}
	header = append(append(header, g.Outputs...), "base", "error")
	if err := cw.Write(header); err != nil {
		return err
	}
	for i, c := range g.Cells {
		row := make([]string, 0, len(header))
		base := true
		for k, j := range g.Index(i) {
			row = append(row, fault.Plain(g.Axes[k].Values[j]))
			base = base && g.isBase(k, j)
		}
		for o := range g.Outputs {
			if c.Err != nil || o >= len(c.Values) {
				row = append(row, "")
			} else {
				row = append(row, fault.Plain(c.Values[o]))
			}
		}
		msg := ""
		var pe *PointError
		if errors.As(c.Err, &pe) {
			msg = pe.Err.Error()
		}
		if err := cw.Write(append(row, strconv.FormatBool(base), msg)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// notes numbers the distinct reasons of invalid points for a table's notes; finding a
// reason again is a map lookup, so a grid whose every cell fails differently renders in
// linear time.
type notes struct {
	list []string
	seen map[string]int
}

func (n *notes) ref(err error) string {
	var pe *PointError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	msg := err.Error()
	i, ok := n.seen[msg]
	if !ok {
		if n.seen == nil {
			n.seen = map[string]int{}
		}
		i = len(n.list) + 1
		n.seen[msg] = i
		n.list = append(n.list, "("+strconv.Itoa(i)+") "+msg)
	}
	return "n/a (" + strconv.Itoa(i) + ")"
}
