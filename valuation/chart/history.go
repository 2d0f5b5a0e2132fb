package chart

import (
	"math"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
)

// History draws a model valued on a series of dates (valuation.Model.AsOf, one result a
// date, in date order): the target per share over time, and the share price where the
// results have one, each a line against the date. Two results or more are wanted, each
// dated and in one currency; dates must rise.
func History(results []valuation.Result, s Frame) (Chart, error) {
	fail := func(what string) (Chart, error) {
		return Chart{}, &fault.Error{Pkg: "chart", Op: "history", Field: what, Err: fault.ErrChart}
	}
	if len(results) < 2 {
		return fail("two results or more are wanted")
	}
	var target, price plotter.XYs
	last := math.Inf(-1)
	for _, r := range results {
		on, err := time.Parse(time.DateOnly, r.AsOf)
		if err != nil {
			return fail("a result without a date (valuation.Model.AsOf)")
		}
		x := float64(on.Unix())
		if x <= last {
			return fail("dates must rise: " + r.AsOf)
		}
		if r.Currency != results[0].Currency {
			return fail("results in " + string(results[0].Currency) + " and " + string(r.Currency))
		}
		last = x
		y := r.Target.InexactFloat64()
		if !finite(y) {
			return fail(r.AsOf + ": the target is not a number")
		}
		target = append(target, plotter.XY{X: x, Y: y})
		if r.Price.Sign() > 0 {
			price = append(price, plotter.XY{X: x, Y: r.Price.InexactFloat64()})
		}
	}
	p := plot.New()
	p.Title.Text = results[0].Name + ": target price over time"
	p.X.Label.Text = "as of"
	p.X.Tick.Marker = plot.TimeTicks{Format: time.DateOnly}
	p.Y.Label.Text = "per share (" + string(results[0].Currency) + ")"
	for k, l := range []struct {
		name string
		xys  plotter.XYs
	}{{"target", target}, {"price", price}} {
		if len(l.xys) < 2 {
			continue
		}
		line, err := plotter.NewLine(l.xys)
		if err != nil {
			return fail(err.Error())
		}
		line.Color, line.Width = plotutil.Color(k), vg.Points(1.5)
		p.Add(line)
		p.Legend.Add(l.name, line)
	}
	p.Legend.Top, p.Legend.Left = true, true
	return newChart("history", s, []*plot.Plot{p}, []float64{1})
}
