package chart

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/sensitivity"
)

// Histogram draws a Monte Carlo run's histogram with its P5, P50 and P95 and the
// threshold (the share price, for the target) as vertical lines, and the share of draws
// above the threshold in the title; beneath it, the cumulative distribution (the share
// of draws at or below each bin's upper edge, joined by lines) with the threshold, and
// P5, P50 and P95 marked at 5%, 50% and 95%.
func Histogram(s sensitivity.Summary, size Frame) (Chart, error) {
	fail := func(what string) (Chart, error) {
		return Chart{}, &fault.Error{Pkg: "chart", Op: "histogram", Field: what, Err: fault.ErrChart}
	}
	if s.Valid < 1 || len(s.Histogram) == 0 {
		return fail("no draws")
	}
	if !finite(s.Min, s.Max, s.P5, s.P50, s.P95, s.Threshold, s.PAbove) {
		return fail("a statistic is not a number")
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Monte Carlo: %s, %d draws; %.1f%% above %s", size.label(s.Output), s.Valid, 100*s.PAbove, ftoa(s.Threshold))
	p.X.Label.Text = size.label(s.Output)
	p.Y.Label.Text = "draws"
	for _, b := range s.Histogram {
		if !finite(b.Lo, b.Hi) {
			return fail("a bin is not a number")
		}
		hi := b.Hi
		if hi == b.Lo { // all draws equal: a bar of some width
			hi = b.Lo + 1
		}
		bar, err := rect(b.Lo, hi, 0, float64(b.Count), color.RGBA{R: 0x9d, G: 0xc3, B: 0xe6, A: 0xff})
		if err != nil {
			return fail(err.Error())
		}
		bar.LineStyle.Color, bar.LineStyle.Width = color.White, vg.Points(0.5)
		p.Add(bar)
	}
	peak := 0
	for _, b := range s.Histogram {
		peak = max(peak, b.Count)
	}
	for _, l := range []struct {
		name string
		x    float64
		col  color.Color
	}{{"P5", s.P5, baseColor}, {"P50", s.P50, baseColor}, {"P95", s.P95, baseColor}, {"threshold", s.Threshold, lowColor}} {
		line, err := plotter.NewLine(plotter.XYs{{X: l.x, Y: 0}, {X: l.x, Y: 1.05 * float64(peak)}})
		if err != nil {
			return fail(err.Error())
		}
		line.Color, line.Width = l.col, vg.Points(1)
		if l.name != "threshold" {
			line.Dashes = []vg.Length{vg.Points(3), vg.Points(2)}
		}
		p.Add(line)
		p.Legend.Add(fmt.Sprintf("%s %s", l.name, ftoa(l.x)), line)
	}
	p.Legend.Top = true
	cdf, err := cumulative(s, size.label(s.Output))
	if err != nil {
		return fail(err.Error())
	}
	return newChart("histogram", size, []*plot.Plot{p, cdf}, []float64{3, 2})
}

// cumulative is the plot of a summary's cumulative distribution, from its histogram,
// its axis labelled output.
func cumulative(s sensitivity.Summary, output string) (*plot.Plot, error) {
	total := 0
	for _, b := range s.Histogram {
		total += b.Count
	}
	p := plot.New()
	p.X.Label.Text = output
	p.Y.Label.Text = "share of draws at or below"
	pts := plotter.XYs{{X: s.Histogram[0].Lo, Y: 0}}
	seen := 0
	for _, b := range s.Histogram {
		seen += b.Count
		pts = append(pts, plotter.XY{X: b.Hi, Y: float64(seen) / float64(max(total, 1))})
	}
	line, err := plotter.NewLine(pts)
	if err != nil {
		return nil, err
	}
	line.Color, line.Width = highColor, vg.Points(1.5)
	p.Add(line)
	marks, err := plotter.NewScatter(plotter.XYs{{X: s.P5, Y: 0.05}, {X: s.P50, Y: 0.5}, {X: s.P95, Y: 0.95}})
	if err != nil {
		return nil, err
	}
	marks.GlyphStyle = draw.GlyphStyle{Color: baseColor, Radius: vg.Points(3), Shape: draw.CircleGlyph{}}
	p.Add(marks)
	threshold, err := plotter.NewLine(plotter.XYs{{X: s.Threshold, Y: 0}, {X: s.Threshold, Y: 1}})
	if err != nil {
		return nil, err
	}
	threshold.Color, threshold.Width = lowColor, vg.Points(1)
	p.Add(threshold)
	p.Y.Min, p.Y.Max = 0, 1
	p.Y.Tick.Marker = plot.ConstantTicks{{Value: 0, Label: "0%"}, {Value: 0.25, Label: "25%"}, {Value: 0.5, Label: "50%"}, {Value: 0.75, Label: "75%"}, {Value: 1, Label: "100%"}}
	return p, nil
}

func ftoa(v float64) string { return fmt.Sprintf("%.1f", v) }
