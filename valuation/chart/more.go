package chart

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/table"
	"github.com/sotpkit/sotp/valuation/sensitivity"
)

// Sweep draws a one-axis grid: each of the given outputs (all of the grid's when none)
// against the swept assumption, a line each, the base value marked. Outputs share one
// axis, so draw together only outputs of one kind (targets, or revenues). An invalid
// point breaks its line.
func Sweep(g sensitivity.Grid, s Frame, outputs ...string) (Chart, error) {
	fail := func(what string) (Chart, error) {
		return Chart{}, &fault.Error{Pkg: "chart", Op: "sweep", Field: what, Err: fault.ErrChart}
	}
	if len(g.Axes) != 1 {
		return fail("a grid of one axis is wanted")
	}
	if _, err := g.Cell(0); err != nil || len(g.Axes[0].Values) < 2 {
		return fail("axis " + g.Axes[0].Name + ": two values or more are wanted")
	}
	if len(outputs) == 0 {
		outputs = g.Outputs
	}
	p := plot.New()
	p.Title.Text = "Sweep of " + s.label(g.Axes[0].Name)
	p.X.Label.Text = s.label(g.Axes[0].Name)
	var still []string
	for _, o := range outputs {
		if !g.Moves(0, o) {
			still = append(still, s.label(o))
		}
	}
	if len(still) > 0 {
		p.Title.Text += "\n" + wrap("no effect on: ", still, 80)
	}
	p.X.Tick.Marker = valueTicks{g.Axes[0].Name}
	for k, o := range outputs {
		i := indexOf(g.Outputs, o)
		if i < 0 {
			return fail("no output " + o)
		}
		var xys plotter.XYs
		for j, c := range g.Cells {
			x := g.Axes[0].Values[j].InexactFloat64()
			if c.Err != nil || i >= len(c.Values) {
				xys = append(xys, plotter.XY{X: x, Y: math.NaN()})
				continue
			}
			y := c.Values[i].InexactFloat64()
			if !finite(x, y) {
				return fail(o + ": a value is not a number")
			}
			xys = append(xys, plotter.XY{X: x, Y: y})
		}
		for n, seg := range pieces(xys) {
			line, err := plotter.NewLine(seg)
			if err != nil {
				return fail(err.Error())
			}
			line.Color, line.Width = plotutil.Color(k), vg.Points(1.5)
			p.Add(line)
			if n == 0 {
				p.Legend.Add(s.label(o), line)
			}
		}
	}
	base, err := plotter.NewLine(plotter.XYs{{X: g.Bases[0].InexactFloat64(), Y: p.Y.Min}, {X: g.Bases[0].InexactFloat64(), Y: p.Y.Max}})
	if err != nil {
		return fail(err.Error())
	}
	base.Color, base.Dashes = baseColor, []vg.Length{vg.Points(3), vg.Points(2)}
	p.Add(base)
	p.Legend.Add("base "+table.Value(g.Axes[0].Name, g.Bases[0]), base)
	p.Legend.Top, p.Legend.Left = true, true
	labels := make([]string, len(outputs))
	for i, o := range outputs {
		labels[i] = s.label(o)
	}
	p.Y.Label.Text = strings.Join(labels, ", ")
	p.Y.Tick.Marker = valueTicks{outputs[0]}
	return newChart("sweep", s, []*plot.Plot{p}, []float64{1})
}

// pieces splits a line at its NaN points into the runs of two points or more.
func pieces(xys plotter.XYs) []plotter.XYs {
	var out []plotter.XYs
	start := 0
	for i := 0; i <= len(xys); i++ {
		if i == len(xys) || math.IsNaN(xys[i].Y) {
			if i-start >= 2 {
				out = append(out, xys[start:i])
			}
			start = i + 1
		}
	}
	return out
}

func indexOf(ss []string, s string) int {
	for i, x := range ss {
		if x == s {
			return i
		}
	}
	return -1
}

// Indices draws one output's Sobol indices: for each input a first-order and a total
// bar, each with its bootstrap interval.
func Indices(x sensitivity.Indices, s Frame) (Chart, error) {
	first, total := series{name: "first order", shift: -0.2}, series{name: "total", shift: 0.2}
	names := make([]string, len(x.Inputs))
	for i, in := range x.Inputs {
		names[i] = in.Name
		first.v, first.lo, first.hi = append(first.v, in.First), append(first.lo, in.FirstLo), append(first.hi, in.FirstHi)
		total.v, total.lo, total.hi = append(total.v, in.Total), append(total.lo, in.TotalLo), append(total.hi, in.TotalHi)
	}
	return shares("indices", "Sobol indices of "+s.label(x.Output), names, []series{first, total}, s)
}

// Shapley draws Shapley effects: a bar an input, its share of the output's variance, with
// its interval.
func Shapley(x sensitivity.ShapleyEffects, s Frame) (Chart, error) {
	return shares("shapley", "Shapley effects on "+s.label(x.Output), x.Names, []series{{name: "Shapley effect", v: x.Effects, lo: x.Lo, hi: x.Hi}}, s)
}

// series is one kind of bar of a chart of shares of a variance: a value and its interval
// an input, drawn shifted from the input's place by shift.
type series struct {
	name      string
	shift     float64
	v, lo, hi []float64
}

// barColor is the colour of series k of n: one series in the colour of a rise, two in
// the colours of a fall and a rise.
func barColor(k, n int) color.Color {
	if n == 1 || k%2 == 1 {
		return highColor
	}
	return lowColor
}

// shares draws shares of a variance: a group of bars an input, one a series, with their
// intervals (none where both ends are NaN).
func shares(op, title string, inputs []string, ss []series, s Frame) (Chart, error) {
	fail := func(what string) (Chart, error) {
		return Chart{}, &fault.Error{Pkg: "chart", Op: op, Field: what, Err: fault.ErrChart}
	}
	if len(inputs) == 0 {
		return fail("no inputs")
	}
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = "share of variance"
	names := make([]string, len(inputs))
	top, width := 0.0, 0.36/float64(len(ss))*2
	for k, kind := range ss {
		if len(kind.v) != len(inputs) || len(kind.lo) != len(inputs) || len(kind.hi) != len(inputs) {
			return fail(kind.name + ": not one value an input")
		}
		var errs struct {
			plotter.XYs
			plotter.YErrors
		}
		for i, in := range inputs {
			names[i] = wrapWords(s.label(in), 28) // turned under the axis: long ones would leave the chart
			v, lo, hi := kind.v[i], kind.lo[i], kind.hi[i]
			if !finite(v) {
				return fail(in + ": a share is not a number")
			}
			bar, err := rect(float64(i)+kind.shift-width/2, float64(i)+kind.shift+width/2, 0, v, barColor(k, len(ss)))
			if err != nil {
				return fail(err.Error())
			}
			p.Add(bar)
			if i == 0 && len(ss) > 1 {
				p.Legend.Add(kind.name, bar)
			}
			top = math.Max(top, v)
			if math.IsNaN(lo) && math.IsNaN(hi) {
				continue // a point estimate: no interval to draw
			}
			if !finite(lo, hi) {
				return fail(in + ": an interval is not a number")
			}
			top = math.Max(top, hi)
			errs.XYs = append(errs.XYs, plotter.XY{X: float64(i) + kind.shift, Y: v})
			errs.YErrors = append(errs.YErrors, struct{ Low, High float64 }{v - lo, hi - v})
		}
		if len(errs.XYs) > 0 {
			bars, err := plotter.NewYErrorBars(errs)
			if err != nil {
				return fail(err.Error())
			}
			p.Add(bars)
		}
	}
	if top > 0 {
		p.Y.Max = top * 1.2 // room for the legend above the tallest bar
	}
	p.NominalX(names...)
	p.X.Tick.Label.Rotation = 0.3
	p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XRight, draw.YCenter // under their bars, never past the edge
	p.Legend.Top = true
	return newChart(op, s, []*plot.Plot{p}, []float64{1})
}

// Screening draws a Morris screening as the usual plane: each input's mu* (its
// importance) across, sigma (nonlinearity or interaction) up, labelled, with mu*'s
// interval as a horizontal bar. Inputs with no effect at all are left out and counted in
// the title.
func Screening(x sensitivity.Screening, s Frame) (Chart, error) {
	fail := func(what string) (Chart, error) {
		return Chart{}, &fault.Error{Pkg: "chart", Op: "screening", Field: what, Err: fault.ErrChart}
	}
	var pts plotter.XYs
	var labels []string
	var errs struct {
		plotter.XYs
		plotter.XErrors
	}
	none, right, top := 0, 0.0, 0.0
	for _, e := range x.Ranked() {
		if e.MuStar == 0 && e.Sigma == 0 {
			none++
			continue
		}
		if !finite(e.MuStar, e.Sigma) {
			return fail(e.Name + ": an effect is not a number")
		}
		pts = append(pts, plotter.XY{X: e.MuStar, Y: e.Sigma})
		labels = append(labels, e.Name)
		right, top = math.Max(right, e.MuStar), math.Max(top, e.Sigma)
		if finite(e.MuStarLo, e.MuStarHi) {
			right = math.Max(right, e.MuStarHi)
			errs.XYs = append(errs.XYs, plotter.XY{X: e.MuStar, Y: e.Sigma})
			errs.XErrors = append(errs.XErrors, struct{ Low, High float64 }{e.MuStar - e.MuStarLo, e.MuStarHi - e.MuStar})
		}
	}
	if len(pts) == 0 {
		return fail("no input with an effect")
	}
	p := plot.New()
	p.Title.Text = "Morris screening of " + s.label(x.Output) + " (" + strconv.Itoa(x.Trajectories) + " trajectories)"
	if none > 0 {
		p.Title.Text += "; " + strconv.Itoa(none) + " inputs without effect left out"
	}
	p.X.Label.Text = "mu* (mean absolute effect)"
	p.Y.Label.Text = "sigma (spread of the effects)"
	p.X.Min, p.Y.Min = 0, 0
	p.X.Max, p.Y.Max = right*1.45, top*1.15 // room for the labels right of the points and above them
	if top == 0 {
		p.Y.Max = 1 // effects all alike: sigma 0 throughout
	}
	sc, err := plotter.NewScatter(pts)
	if err != nil {
		return fail(err.Error())
	}
	sc.GlyphStyle.Color = highColor
	sc.GlyphStyle.Radius = vg.Points(3)
	p.Add(sc)
	if len(errs.XYs) > 0 {
		bars, err := plotter.NewXErrorBars(errs)
		if err != nil {
			return fail(err.Error())
		}
		p.Add(bars)
	}
	lab, err := plotter.NewLabels(plotter.XYLabels{XYs: pts, Labels: labels})
	if err != nil {
		return fail(err.Error())
	}
	for i := range lab.TextStyle {
		lab.TextStyle[i].Font.Size = vg.Points(7)
	}
	lab.Offset = vg.Point{X: vg.Points(4), Y: vg.Points(2)}
	p.Add(lab)
	return newChart("screening", s, []*plot.Plot{p}, []float64{1})
}

// LeaveOneOut draws a part's leave-one-out table: the target per share without each
// comparable, against the model's target.
func LeaveOneOut(l valuation.LeaveOneOut, s Frame) (Chart, error) {
	fail := func(what string) (Chart, error) {
		return Chart{}, &fault.Error{Pkg: "chart", Op: "leave-one-out", Field: what, Err: fault.ErrChart}
	}
	if len(l.Rows) == 0 {
		return fail("no rows")
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: target without each comparable (%s)", l.Title, l.Method)
	p.Y.Label.Text = "target (" + string(l.Currency) + ")"
	target := l.Target.InexactFloat64()
	names := make([]string, len(l.Rows))
	for i, r := range l.Rows {
		names[i] = r.Ticker
		v := r.Target.InexactFloat64()
		if !finite(v, target) {
			return fail(r.Ticker + ": not a number")
		}
		c := color.Color(highColor)
		if v < target {
			c = lowColor
		}
		if err := column(p, float64(i), target, v, c); err != nil {
			return fail(err.Error())
		}
	}
	line, err := plotter.NewLine(plotter.XYs{{X: -0.6, Y: target}, {X: float64(len(l.Rows)) - 0.4, Y: target}})
	if err != nil {
		return fail(err.Error())
	}
	line.Color = baseColor
	p.Add(line)
	p.Legend.Add("with all: "+table.Value("target", l.Target), line)
	p.NominalX(names...)
	p.Legend.Top = true
	return newChart("leave-one-out", s, []*plot.Plot{p}, []float64{1})
}

// Attribution draws the waterfall of an attribution between two scenarios: the target
// under the first, a bar per assumption moved, and the target under the second; with
// bySegment, a bar per segment instead, each the sum of its changes over the steps.
func Attribution(a sensitivity.Attribution, bySegment bool, s Frame) (Chart, error) {
	fail := func(what string) (Chart, error) {
		return Chart{}, &fault.Error{Pkg: "chart", Op: "attribution", Field: what, Err: fault.ErrChart}
	}
	if len(a.Steps) == 0 {
		return fail("no steps")
	}
	type move struct {
		name   string
		change float64
	}
	var moves []move
	if bySegment {
		for j, seg := range a.Segments {
			sum := 0.0
			for _, st := range a.Steps {
				if j < len(st.BySegment) {
					sum += st.BySegment[j].InexactFloat64()
				}
			}
			moves = append(moves, move{seg, sum})
		}
	} else {
		for _, st := range a.Steps {
			moves = append(moves, move{st.Name, st.Change.InexactFloat64()})
		}
	}
	p := plot.New()
	by := "assumption"
	if bySegment {
		by = "segment"
	}
	p.Title.Text = fmt.Sprintf("Target from %s to %s, by %s", a.From, a.To, by)
	p.Y.Label.Text = "target"
	p.Y.Tick.Marker = valueTicks{"target"}
	names := []string{a.From}
	start, end := a.Start.InexactFloat64(), a.End.InexactFloat64()
	floor := math.Min(start, end)
	run := start
	for _, m := range moves {
		floor = math.Min(floor, math.Min(run, run+m.change))
		run += m.change
	}
	floor *= 0.9 // the bars of the totals rise from below every step
	if err := column(p, 0, floor, start, baseColor); err != nil {
		return fail(a.From + ": " + err.Error())
	}
	run = start
	for i, m := range moves {
		c := color.Color(highColor)
		if m.change < 0 {
			c = lowColor
		}
		if err := column(p, float64(i+1), run, run+m.change, c); err != nil {
			return fail(m.name + ": " + err.Error())
		}
		run += m.change
		names = append(names, m.name)
	}
	if err := column(p, float64(len(moves)+1), floor, end, baseColor); err != nil {
		return fail(a.To + ": " + err.Error())
	}
	names = append(names, a.To)
	p.NominalX(names...)
	p.X.Tick.Label.Rotation = 0.3
	p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XRight, draw.YCenter
	p.Y.Min = floor
	return newChart("attribution", s, []*plot.Plot{p}, []float64{1})
}

// CrossCheck draws a cross-check: for each segment a bar per method tried, the model's
// choice in the dark colour; a method that does not apply draws no bar.
func CrossCheck(c valuation.CrossCheck, s Frame) (Chart, error) {
	fail := func(what string) (Chart, error) {
		return Chart{}, &fault.Error{Pkg: "chart", Op: "cross-check", Field: what, Err: fault.ErrChart}
	}
	if len(c.Values) == 0 {
		return fail("no values")
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Each segment under each method, %d (%s m)", c.Year, c.Currency)
	p.Y.Label.Text = string(c.Currency) + " m"
	p.Y.Tick.Marker = valueTicks{"sum"}
	var names []string
	row := map[string]int{}
	per := map[string]int{}
	for _, v := range c.Values {
		if _, ok := row[v.Segment]; !ok {
			row[v.Segment] = len(names)
			names = append(names, v.Title)
		}
		per[v.Segment]++
	}
	seen := map[string]int{}
	var labels plotter.XYLabels
	for _, v := range c.Values {
		k, n := seen[v.Segment], per[v.Segment]
		seen[v.Segment]++
		if !v.Value.Valid {
			continue
		}
		w := 0.8 / float64(n)
		x := float64(row[v.Segment]) - 0.4 + w*(float64(k)+0.5)
		y := v.Value.Decimal.InexactFloat64()
		if !finite(y) {
			return fail(v.Segment + " by " + v.Method + ": not a number")
		}
		c := color.Color(highColor)
		if v.Chosen {
			c = baseColor
		}
		b, err := rect(x-w/2+0.02, x+w/2-0.02, 0, y, c)
		if err != nil {
			return fail(err.Error())
		}
		p.Add(b)
		labels.XYs = append(labels.XYs, plotter.XY{X: x, Y: y})
		labels.Labels = append(labels.Labels, v.Method)
	}
	if err := addBarLabels(p, labels); err != nil {
		return fail(err.Error())
	}
	p.NominalX(names...)
	p.Y.Min = 0
	p.Y.Max *= 1.08
	return newChart("cross-check", s, []*plot.Plot{p}, []float64{1})
}
