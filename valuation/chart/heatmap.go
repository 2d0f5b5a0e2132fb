package chart

import (
	"math"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/table"
	"github.com/sotpkit/sotp/valuation/sensitivity"
)

// grid is a two-axis sensitivity grid as gonum's GridXYZ, its values converted once:
// columns are the second axis, rows the first, and an invalid cell is NaN (no colour).
type grid struct {
	xs, ys []float64
	z      []float64 // row-major: z[r*len(xs)+c]
}

func newGrid(g sensitivity.Grid, o int) grid {
	out := grid{xs: floats(g.Axes[1].Values), ys: floats(g.Axes[0].Values)}
	out.z = make([]float64, len(out.xs)*len(out.ys))
	for i := range out.z {
		out.z[i] = nan
		if c := g.Cells[i]; c.Err == nil && o < len(c.Values) {
			out.z[i] = c.Values[o].InexactFloat64()
		}
	}
	return out
}

func floats(ds []decimal.Decimal) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = d.InexactFloat64()
	}
	return out
}

func (g grid) Dims() (c, r int)   { return len(g.xs), len(g.ys) }
func (g grid) X(c int) float64    { return g.xs[c] }
func (g grid) Y(r int) float64    { return g.ys[r] }
func (g grid) Z(c, r int) float64 { return g.z[r*len(g.xs)+c] }

var nan = math.NaN()

// Heatmap draws one output of a two-axis grid as a heatmap: the first axis up, the second
// across, a colour scale beneath, each cell's value written on it when every value fits
// its cell (the base case's with a *; else the base case is a cross), and, when level is
// finite, the contour where the output crosses it (the share price, for the target: where
// the price is justified). Axes must hold two values or more, in ascending order.
func Heatmap(g sensitivity.Grid, output string, level float64, s Frame) (Chart, error) {
	fail := func(what string) (Chart, error) {
		return Chart{}, &fault.Error{Pkg: "chart", Op: "heatmap", Field: what, Err: fault.ErrChart}
	}
	o := slices.Index(g.Outputs, output)
	switch {
	case len(g.Axes) != 2:
		return fail("a grid of two axes is wanted")
	case o < 0:
		return fail("no output " + output)
	}
	for _, a := range g.Axes {
		if len(a.Values) < 2 || !slices.IsSortedFunc(a.Values, func(x, y decimal.Decimal) int { return x.Cmp(y) }) {
			return fail("axis " + a.Name + ": two ascending values or more are wanted")
		}
	}
	if _, err := g.Cell(0, 0); err != nil {
		return fail("cells: " + err.Error())
	}
	data := newGrid(g, o) // Cell(0, 0) above: the cells are one per combination
	lo, hi := nan, nan
	cols, rows := data.Dims()
	for c := range cols {
		for r := range rows {
			z := data.Z(c, r)
			if z != z { // NaN: an invalid cell
				continue
			}
			if !finite(z) {
				return fail("a value is not a number")
			}
			if lo != lo || z < lo {
				lo = z
			}
			if hi != hi || z > hi {
				hi = z
			}
		}
	}
	if lo != lo {
		return fail("no valid cell")
	}
	if hi == lo {
		hi = lo + 1
	}
	cmap := moreland.SmoothBlueRed()
	cmap.SetMin(lo)
	cmap.SetMax(hi)
	pal := cmap.Palette(64)
	p := plot.New()
	// The key goes under the title, not in a legend: a legend would sit on the cells.
	p.Title.Text = s.label(output) + " by " + s.label(g.Axes[0].Name) + " × " + s.label(g.Axes[1].Name) + "\n× base case"
	p.X.Label.Text, p.Y.Label.Text = s.label(g.Axes[1].Name), s.label(g.Axes[0].Name)
	for k, a := range g.Axes {
		if !g.Moves(k, output) {
			p.Title.Text += "\n" + s.label(a.Name) + ": no effect on " + s.label(output)
		}
	}
	hm := plotter.NewHeatMap(data, pal)
	hm.Min, hm.Max = lo, hi
	p.Add(hm)
	if finite(level) && level > lo && level < hi {
		ct := plotter.NewContour(data, []float64{level}, palette.Heat(1, 1))
		ct.LineStyles = []draw.LineStyle{{Color: baseColor, Width: vg.Points(1.5)}}
		p.Add(ct)
		p.Title.Text += "; the line: where it crosses " + ftoa(level)
	}
	if labels := cellLabels(g, o, output, s, len(g.Axes[1].Values), len(g.Axes[0].Values)); labels != nil {
		p.Add(labels) // the base cell's value carries a *, as the tables mark it
		p.Title.Text = strings.Replace(p.Title.Text, "\n× base case", "\n* base case", 1)
	} else {
		base, err := plotter.NewScatter(plotter.XYs{{X: g.Bases[1].InexactFloat64(), Y: g.Bases[0].InexactFloat64()}})
		if err != nil {
			return fail(err.Error())
		}
		base.GlyphStyle = draw.GlyphStyle{Color: baseColor, Radius: vg.Points(4), Shape: draw.CrossGlyph{}}
		p.Add(base)
	}
	p.X.Tick.Marker = valueTicks{g.Axes[1].Name}
	p.Y.Tick.Marker = valueTicks{g.Axes[0].Name}
	bar := plot.New()
	bar.HideY()
	bar.X.Label.Text = s.label(output)
	bar.X.Tick.Marker = valueTicks{output}
	bar.Add(&plotter.ColorBar{ColorMap: cmap})
	return newChart("heatmap", s, []*plot.Plot{p, bar}, []float64{5, 1})
}

// cellLabels writes each valid cell's value on it, as an analyst's data table shows them
// (the base case's with a *), when every value's text fits its cell at the chart's size
// (cols × rows cells over the plot's share of it): about 5 points a character at 8
// points, with a margin; nil when one does not, and the base case is then a cross.
func cellLabels(g sensitivity.Grid, o int, output string, s Frame, cols, rows int) *plotter.Labels {
	w, h := s.Width, s.Height
	if w == 0 && h == 0 {
		w, h = 576, 360
	}
	cellW, cellH := 0.8*w/float64(cols), 0.55*h/float64(rows) // the heat map's part of the chart
	var xys plotter.XYLabels
	for r, y := range g.Axes[0].Values {
		for c, x := range g.Axes[1].Values {
			cell, err := g.Cell(r, c)
			if err != nil || cell.Err != nil || o >= len(cell.Values) {
				continue
			}
			text := table.Value(output, cell.Values[o])
			if x.Equal(g.Bases[1]) && y.Equal(g.Bases[0]) {
				text += "*"
			}
			if 5*float64(len(text))+6 > cellW || cellH < 11 {
				return nil
			}
			xys.XYs = append(xys.XYs, plotter.XY{X: x.InexactFloat64(), Y: y.InexactFloat64()})
			xys.Labels = append(xys.Labels, text)
		}
	}
	if len(xys.XYs) == 0 {
		return nil
	}
	l, err := plotter.NewLabels(xys)
	if err != nil {
		return nil
	}
	for i := range l.TextStyle {
		l.TextStyle[i].Font.Size = vg.Points(8)
		l.TextStyle[i].XAlign, l.TextStyle[i].YAlign = draw.XCenter, draw.YCenter
	}
	return l
}
