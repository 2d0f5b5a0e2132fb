// Package chart draws a valuation's analyses as charts an analyst reads: a tornado, a
// heatmap of a two-axis grid, a one-axis sweep, the histogram of a Monte Carlo run and
// the convergence of its statistics, Sobol indices, a Morris screening, Shapley effects,
// an attribution between scenarios, a leave-one-out table, a cross-check, the waterfall
// of the sum of the parts and a target over time, each to SVG or PNG at a size the
// caller picks. It draws with gonum.org/v1/plot, which ships its fonts, so the same
// inputs give the same SVG bytes on every machine.
//
// Conventions. Titles and axis labels come from the figures' keys and the analysis
// itself, or from Frame.Label (valuation.Result.Caption names them as tables do);
// values are formatted as the sensitivity tables format them (percentages for rates, two
// places for users and per-share figures). Bad input is a *fault.Error wrapping
// fault.ErrChart: an empty grid, an output the grid lacks, a one-value axis, NaN or
// infinite values, a summary with no draws or no rounds, a size of zero or above 2,880 points (40 inches).
package chart

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"strings"

	"github.com/sotpkit/sotp/valuation/fault"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// maxSize bounds a chart's width and height, in points (1/72 inch): 40 inches.
const maxSize = 2880

// Frame is a chart's size and the words around its plot. The zero Frame draws a chart of
// 576 × 360 points (8 × 5 inches), titled and labelled by the figures' keys.
type Frame struct {
	Width, Height float64 // in points; a side at zero takes its default, 576 × 360
	// Title, when set, replaces the chart's own title; Subtitle is a line under it.
	Title, Subtitle string
	// Source is a line at the foot of the chart: "Source: company data, sotp".
	Source string
	// Label, when set, is how a figure or assumption is named, by its key:
	// valuation.Result.Caption gives "2021E MAU (m)" for forecast/2021/mau. Without it
	// the keys are shown.
	Label func(key string) string
}

// label is how o names the figure or assumption k.
func (o Frame) label(k string) string {
	if o.Label == nil {
		return k
	}
	if l := o.Label(k); l != "" {
		return l
	}
	return k
}

// Chart is a chart drawn, ready to be written. It is immutable and safe for concurrent
// use: each write draws it afresh.
type Chart struct {
	plots   []*plot.Plot // from top to bottom
	weights []float64    // of each plot's share of the height
	w, h    vg.Length
}

// newChart lays out plots, from top to bottom with their weights of the height, at the
// size o gives and with its title, subtitle and source.
func newChart(kind string, o Frame, plots []*plot.Plot, weights []float64) (Chart, error) {
	w, h := o.Width, o.Height
	if w == 0 {
		w = 576
	}
	if h == 0 {
		h = 360
	}
	for _, v := range []float64{w, h} {
		if !(v > 0 && v <= maxSize) {
			return Chart{}, &fault.Error{Pkg: "chart", Op: kind, Field: fmt.Sprintf("size %v × %v", o.Width, o.Height), Err: fmt.Errorf("%w: want sides in (0, %d] points", fault.ErrChart, maxSize)}
		}
	}
	for _, p := range plots {
		// gonum spaces legend entries by the font's height, which leaves a descender
		// (the g of "target") touching the digits of the entry under it.
		p.Legend.Padding = vg.Points(1.5)
	}
	if o.Title != "" {
		plots[0].Title.Text = o.Title
	}
	if o.Subtitle != "" {
		plots[0].Title.Text += "\n" + o.Subtitle
	}
	if o.Source != "" {
		last := plots[len(plots)-1]
		last.X.Label.Text = strings.TrimPrefix(last.X.Label.Text+"\n"+o.Source, "\n")
	}
	return Chart{plots: plots, weights: weights, w: vg.Length(w), h: vg.Length(h)}, nil
}

// draw lays the plots out on c from top to bottom, each its share of the height.
func (ch Chart) draw(c draw.Canvas) {
	total := 0.0
	for _, w := range ch.weights {
		total += w
	}
	top := c.Max.Y
	for i, p := range ch.plots {
		h := vg.Length(ch.weights[i]/total) * (c.Max.Y - c.Min.Y)
		sub := c
		sub.Max.Y, sub.Min.Y = top, top-h
		p.Draw(sub)
		top -= h
	}
}

// SVG writes the chart as SVG.
func (ch Chart) SVG(w io.Writer) error {
	c := vgsvg.New(ch.w, ch.h)
	ch.draw(draw.New(c))
	_, err := c.WriteTo(w)
	return err
}

// PNG writes the chart as PNG at 96 pixels per inch.
func (ch Chart) PNG(w io.Writer) error {
	c := vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(ch.w, ch.h), vgimg.UseDPI(96))}
	ch.draw(draw.New(c))
	_, err := c.WriteTo(w)
	return err
}

// finite reports whether every value is a number.
func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// rect is a filled rectangle [x0, x1] × [y0, y1] without an outline.
func rect(x0, x1, y0, y1 float64, c color.Color) (*plotter.Polygon, error) {
	if !finite(x0, x1, y0, y1) {
		return nil, errors.New("a value is not a number")
	}
	r, err := plotter.NewPolygon(plotter.XYs{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}})
	if err != nil {
		return nil, err
	}
	r.Color, r.LineStyle.Width = c, 0
	return r, nil
}

// column adds to p a bar at x from one value to another, as waterfalls draw them.
func column(p *plot.Plot, x, from, to float64, c color.Color) error {
	r, err := rect(x-0.35, x+0.35, from, to, c)
	if err != nil {
		return err
	}
	p.Add(r)
	return nil
}

// addBarLabels adds to p each label centred just above its point, as bar values.
func addBarLabels(p *plot.Plot, labels plotter.XYLabels) error {
	l, err := plotter.NewLabels(labels)
	if err != nil {
		return err
	}
	for i := range l.TextStyle {
		l.TextStyle[i].XAlign = draw.XCenter
	}
	l.Offset = vg.Point{Y: vg.Points(3)}
	p.Add(l)
	return nil
}
