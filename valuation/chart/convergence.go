package chart

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/sensitivity"
)

// Convergence draws how a Monte Carlo run's statistics settled as it drew: one panel
// each for the running mean and every tracked percentile against the draws made, a line
// within the band of its confidence interval after every round (Summary.Convergence)
// and, when a precision was asked, dashed lines at the last value ± that precision; the
// panel's title gives the last value, its half-width and the precision asked, the
// chart's whether the run met them all. A summary without rounds (a run asking no
// precision and tracking no percentile) has nothing to draw.
func Convergence(s sensitivity.Summary, o Frame) (Chart, error) {
	fail := func(what string) (Chart, error) {
		return Chart{}, &fault.Error{Pkg: "chart", Op: "convergence", Field: what, Err: fault.ErrChart}
	}
	k := len(s.Precision)
	if k == 0 || len(s.Convergence) < k || len(s.Convergence)%k != 0 {
		return fail("no rounds: the run tracked no precision")
	}
	state := "tracked, no precision asked"
	switch {
	case s.Unmet:
		state = "a precision not met"
	case slices.ContainsFunc(s.Precision, func(p sensitivity.Precision) bool { return p.HalfWidth > 0 || p.Relative > 0 }):
		state = "every precision met"
	}
	plots, weights := make([]*plot.Plot, k), make([]float64, k)
	for i, last := range s.Precision {
		p := plot.New()
		p.Title.Text = statLabel(last) // the output is named in the chart's title: a long name fits no panel's axis
		var mid, lo, hi plotter.XYs
		for j := i; j < len(s.Convergence); j += k {
			c := s.Convergence[j]
			x := float64(c.Draws)
			if c.P != last.P || !finite(x, c.Value, c.Lo, c.Hi) || len(mid) > 0 && x <= mid[len(mid)-1].X {
				return fail("look " + strconv.Itoa(j) + ": not a number, or out of order")
			}
			mid, lo, hi = append(mid, plotter.XY{X: x, Y: c.Value}), append(lo, plotter.XY{X: x, Y: c.Lo}), append(hi, plotter.XY{X: x, Y: c.Hi})
		}
		if err := convergencePanel(p, mid, lo, hi, last); err != nil {
			return fail(err.Error())
		}
		plots[i], weights[i] = p, 1
	}
	plots[0].Title.Text = fmt.Sprintf("Convergence: %s, %d draws; %s\n%s", o.label(s.Output), s.Draws, state, plots[0].Title.Text)
	weights[0] = 1.25 // room for the chart's title
	plots[k-1].X.Label.Text = "draws"
	for _, p := range plots {
		p.X.Tick.Marker = countTicks{}
	}
	return newChart("convergence", o, plots, weights)
}

// convergencePanel draws one statistic's running value mid within its band [lo, hi],
// and the precision asked around its last value.
func convergencePanel(p *plot.Plot, mid, lo, hi plotter.XYs, last sensitivity.Precision) error {
	x0, x1 := mid[0].X, mid[len(mid)-1].X
	if len(mid) == 1 { // one look: its interval as a bar, its value as a dot, on an axis from 0
		x0, x1 = 0, 2*mid[0].X
		p.X.Min, p.X.Max = x0, x1
		bar, err := plotter.NewLine(plotter.XYs{{X: mid[0].X, Y: lo[0].Y}, {X: mid[0].X, Y: hi[0].Y}})
		if err != nil {
			return err
		}
		bar.Color, bar.Width = color.RGBA{R: 0x9d, G: 0xc3, B: 0xe6, A: 0xff}, vg.Points(6)
		dot, err := plotter.NewScatter(mid)
		if err != nil {
			return err
		}
		dot.GlyphStyle = draw.GlyphStyle{Color: highColor, Radius: vg.Points(3), Shape: draw.CircleGlyph{}}
		p.Add(bar, dot)
	}
	if len(mid) > 1 {
		band, err := plotter.NewPolygon(append(lo, reversed(hi)...))
		if err != nil {
			return err
		}
		band.Color, band.LineStyle.Width = color.RGBA{R: 0x9d, G: 0xc3, B: 0xe6, A: 0xff}, 0
		p.Add(band)
	}
	line, err := plotter.NewLine(mid)
	if err != nil {
		return err
	}
	line.Color, line.Width = highColor, vg.Points(1.5)
	p.Add(line)
	asked := last.HalfWidth
	if last.Relative > 0 {
		asked = last.Relative * math.Abs(last.Value)
	}
	if asked <= 0 {
		return nil
	}
	for _, y := range []float64{last.Value - asked, last.Value + asked} {
		l, err := plotter.NewLine(plotter.XYs{{X: x0, Y: y}, {X: x1, Y: y}})
		if err != nil {
			return err
		}
		l.Color, l.Width, l.Dashes = baseColor, vg.Points(0.75), []vg.Length{vg.Points(3), vg.Points(2)}
		p.Add(l)
	}
	return nil
}

// statLabel names a statistic in the legend with its last value and the precision asked.
func statLabel(p sensitivity.Precision) string {
	name := "mean"
	if p.P != 0 {
		name = "P" + strconv.FormatFloat(100*p.P, 'g', 4, 64)
	}
	l := fmt.Sprintf("%s %s ± %s", name, ftoa(p.Value), strconv.FormatFloat((p.Hi-p.Lo)/2, 'g', 3, 64))
	switch {
	case p.HalfWidth > 0:
		l += fmt.Sprintf(" (±%s asked)", strconv.FormatFloat(p.HalfWidth, 'g', 4, 64))
	case p.Relative > 0:
		l += fmt.Sprintf(" (±%s%% asked)", strconv.FormatFloat(100*p.Relative, 'g', 4, 64))
	}
	return l
}

// countTicks are gonum's default ticks labelled as whole numbers: draws, not "5000.00".
type countTicks struct{}

func (countTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = strconv.FormatFloat(ts[i].Value, 'f', 0, 64)
		}
	}
	return ts
}

// reversed is xys from last to first.
func reversed(xys plotter.XYs) plotter.XYs {
	out := make(plotter.XYs, len(xys))
	for i, xy := range xys {
		out[len(xys)-1-i] = xy
	}
	return out
}
