package chart

import (
	"fmt"
	"image/color"
	"strings"

	"github.com/shopspring/decimal"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/table"
	"github.com/sotpkit/sotp/valuation/sensitivity"
)

var (
	lowColor  = color.RGBA{R: 0xc0, G: 0x39, B: 0x2b, A: 0xff} // output at the assumption's low end
	highColor = color.RGBA{R: 0x27, G: 0x6f, B: 0xbf, A: 0xff} // at its high end
	baseColor = color.Gray{Y: 0x30}
)

// Tornado draws a tornado: a bar per assumption from the base output to the output at
// each end of its swing, widest at the top, each labelled with the assumption's low and
// high values. An end that could not be valued draws no bar and is marked "n/a". An
// assumption that did not move the output (sensitivity.Bar.Moves) draws no bar either:
// it is named under the axis.
func Tornado(t sensitivity.Tornado, s Frame) (Chart, error) {
	fail := func(what string) (Chart, error) {
		return Chart{}, &fault.Error{Pkg: "chart", Op: "tornado", Field: what, Err: fault.ErrChart}
	}
	if len(t.Bars) == 0 {
		return fail("no bars")
	}
	base := t.Base.InexactFloat64()
	if !finite(base) {
		return fail("base " + fault.Plain(t.Base))
	}
	var bars []sensitivity.Bar
	var still []string
	for _, b := range t.Bars {
		if b.Moves(t.Base) {
			bars = append(bars, b)
		} else {
			still = append(still, s.label(b.Name))
		}
	}
	if len(bars) == 0 {
		return fail("no assumption moves " + t.Output + ": " + strings.Join(still, ", "))
	}
	p := plot.New()
	p.Title.Text = "Tornado: " + s.label(t.Output) + " (base " + table.Value(t.Output, t.Base) + ")"
	p.X.Label.Text = s.label(t.Output)
	if len(still) > 0 {
		width := s.Width
		if width == 0 {
			width = 576 // the zero Size's
		}
		p.X.Label.Text += "\n" + wrap("no effect: ", still, int(width/6.5))
	}
	names := make([]string, len(bars))
	var marks plotter.XYLabels
	n := len(bars)
	for i, b := range bars {
		y := float64(n - 1 - i) // widest on top
		names[n-1-i] = fmt.Sprintf("%s (%s / %s)", s.label(b.Name), table.Value(b.Name, b.Swing.Low), table.Value(b.Name, b.Swing.High))
		for _, end := range []struct {
			c   sensitivity.Cell
			col color.Color
		}{{b.Low, lowColor}, {b.High, highColor}} {
			if end.c.Err != nil || len(end.c.Values) == 0 {
				marks.XYs = append(marks.XYs, plotter.XY{X: base, Y: y})
				marks.Labels = append(marks.Labels, "n/a")
				continue
			}
			v := end.c.Values[0].InexactFloat64()
			if !finite(v) {
				return fail(b.Name + " at one end: " + fault.Plain(end.c.Values[0]))
			}
			bar, err := rect(base, v, y-0.35, y+0.35, end.col)
			if err != nil {
				return fail(b.Name + ": " + err.Error())
			}
			p.Add(bar)
		}
	}
	line, err := plotter.NewLine(plotter.XYs{{X: base, Y: -0.6}, {X: base, Y: float64(n) - 0.4}})
	if err != nil {
		return fail(err.Error())
	}
	line.Color, line.Width = baseColor, vg.Points(1)
	p.Add(line)
	if len(marks.XYs) > 0 {
		l, err := plotter.NewLabels(marks)
		if err != nil {
			return fail(err.Error())
		}
		p.Add(l)
	}
	p.NominalY(names...)
	p.Y.Max = float64(n) + 0.4 // a free row on top for the legend
	pad := (p.X.Max - p.X.Min) * 0.05
	p.X.Min, p.X.Max = p.X.Min-pad, p.X.Max+pad
	p.Legend.Top = true
	lo, hi := legendBox(lowColor), legendBox(highColor)
	p.Legend.Add("at the low value", lo)
	p.Legend.Add("at the high value", hi)
	p.X.Tick.Marker = valueTicks{t.Output}
	return newChart("tornado", s, []*plot.Plot{p}, []float64{1})
}

// wrap lists names after prefix, comma-separated, broken into lines of at most width
// characters where it can be (a name longer than a line has a line of its own).
func wrap(prefix string, names []string, width int) string {
	var lines []string
	line := prefix
	for i, n := range names {
		if i < len(names)-1 {
			n += ","
		}
		switch {
		case line == prefix:
			line += n
		case len(line)+1+len(n) > width:
			lines = append(lines, line)
			line = n
		default:
			line += " " + n
		}
	}
	return strings.Join(append(lines, line), "\n")
}

// wrapWords breaks s at spaces into lines of at most width bytes where it can.
func wrapWords(s string, width int) string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		switch {
		case line == "":
			line = w
		case len(line)+1+len(w) > width:
			lines, line = append(lines, line), w
		default:
			line += " " + w
		}
	}
	return strings.Join(append(lines, line), "\n")
}

// legendBox is a legend thumbnail of a filled colour.
func legendBox(c color.Color) *plotter.Polygon {
	box, _ := plotter.NewPolygon(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 0}, {X: 1, Y: 1}}) // a fixed triangle: no error
	box.Color, box.LineStyle.Width = c, 0
	return box
}

// valueTicks formats the default ticks of an axis as the output's tables format it.
type valueTicks struct{ name string }

// Ticks implements plot.Ticker.
func (v valueTicks) Ticks(min, max float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = table.Value(v.name, decimal.NewFromFloat(ticks[i].Value))
		}
	}
	return ticks
}
