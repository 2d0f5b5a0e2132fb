package chart

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/table"
)

// Waterfall draws the sum of the parts of a valued model: a bar per part from the running
// total to the total with it, in millions of the target currency, then the sum from zero,
// with the target per share in the title.
func Waterfall(r valuation.Result, s Frame) (Chart, error) {
	fail := func(what string) (Chart, error) {
		return Chart{}, &fault.Error{Pkg: "chart", Op: "waterfall", Field: what, Err: fault.ErrChart}
	}
	if len(r.Parts) == 0 {
		return fail("no parts")
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Sum of the parts (%s m): target %s per share", r.Currency, table.Value("target", r.Target))
	p.Y.Label.Text = string(r.Currency) + " m"
	names := make([]string, 0, len(r.Parts)+1)
	var values plotter.XYLabels
	run := 0.0
	for i, pv := range r.Parts {
		v := pv.Value.InexactFloat64()
		col := color.Color(highColor)
		if v < 0 {
			col = lowColor
		}
		if err := column(p, float64(i), run, run+v, col); err != nil {
			return fail(pv.Segment + ": " + err.Error())
		}
		run += v
		names = append(names, fmt.Sprintf("%s (%s)", pv.Title, pv.Method))
		values.XYs = append(values.XYs, plotter.XY{X: float64(i), Y: run})
		values.Labels = append(values.Labels, table.Value("sum", pv.Value))
	}
	if err := column(p, float64(len(r.Parts)), 0, r.Sum.InexactFloat64(), baseColor); err != nil {
		return fail("sum: " + err.Error())
	}
	names = append(names, "Sum")
	values.XYs = append(values.XYs, plotter.XY{X: float64(len(r.Parts)), Y: r.Sum.InexactFloat64()})
	values.Labels = append(values.Labels, table.Value("sum", r.Sum))
	if err := addBarLabels(p, values); err != nil {
		return fail(err.Error())
	}
	p.NominalX(names...)
	p.X.Tick.Label.Rotation = 0.3
	p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XRight, draw.YCenter
	p.X.Min, p.X.Max = -0.6, float64(len(r.Parts))+0.6
	p.Y.Min = min(p.Y.Min, 0)
	p.Y.Max *= 1.08 // room for the labels
	p.Y.Tick.Marker = valueTicks{"sum"}
	return newChart("waterfall", s, []*plot.Plot{p}, []float64{1})
}
