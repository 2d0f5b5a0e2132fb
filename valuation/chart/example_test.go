package chart_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/chart"
	"github.com/sotpkit/sotp/valuation/key"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/sensitivity"
)

// Draw the tornado of the report's target over three 2021E assumptions ±10% as SVG.
func ExampleTornado() {
	e, err := sensitivity.New(kuaishou2021.Model(), sensitivity.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	swings, err := e.Swings(decimal.New(1, -1), "forecast/2021/mau", "shares", "part/ecommerce/premium")
	if err != nil {
		fmt.Println(err)
		return
	}
	t, err := e.Tornado(context.Background(), "target", swings...)
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := chart.Tornado(t, chart.Frame{Width: 576, Height: 288})
	if err != nil {
		fmt.Println(err)
		return
	}
	var svg bytes.Buffer
	if err := c.SVG(&svg); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.Contains(svg.String(), `width="576pt" height="288pt"`), strings.Contains(svg.String(), "Tornado: target (base 404.6)"))
	// A tornado of nothing is an error, not an empty picture.
	_, err = chart.Tornado(sensitivity.Tornado{}, chart.Frame{})
	fmt.Println(err)
	// Output:
	// true true
	// chart: tornado: no bars: cannot be charted
}

// svgOf draws a chart as SVG, or says why it could not.
func svgOf(c chart.Chart, err error) string {
	if err != nil {
		return err.Error()
	}
	var b bytes.Buffer
	if err := c.SVG(&b); err != nil {
		return err.Error()
	}
	return b.String()
}

// engine is the report's model in a sensitivity engine, for the examples.
func engine() *sensitivity.Engine {
	e, err := sensitivity.New(kuaishou2021.Model(), sensitivity.Options{})
	if err != nil {
		panic(err)
	}
	return e
}

// Draw the target over 2021E MAU × the e-commerce discount, with the line where it
// crosses the HK$319 price.
func ExampleHeatmap() {
	e := engine()
	mau, _ := e.Around("forecast/2021/mau", decimal.New(3, -1), 7)
	g, err := e.Grid(context.Background(), []string{"target"}, mau, sensitivity.Span("part/ecommerce/premium", decimal.New(-5, -1), decimal.Zero, 6))
	if err != nil {
		fmt.Println(err)
		return
	}
	svg := svgOf(chart.Heatmap(g, "target", 319, chart.Frame{}))
	fmt.Println(strings.Contains(svg, "where it crosses 319.0"), strings.Contains(svg, "base case"))
	// Output: true true
}

// Draw the target and the e-commerce part's value along the shopping penetration.
func ExampleSweep() {
	e := engine()
	g, err := e.Grid(context.Background(), []string{"target", "part/ecommerce/value"}, sensitivity.Span("forecast/2021/ecommerce/penetration", decimal.New(3, -1), decimal.New(6, -1), 7))
	if err != nil {
		fmt.Println(err)
		return
	}
	svg := svgOf(chart.Sweep(g, chart.Frame{}, "target"))
	fmt.Println(strings.Contains(svg, "forecast/2021/ecommerce/penetration"))
	// Output: true
}

// Draw a Monte Carlo run of the target: its histogram against the price, and its
// cumulative distribution.
func ExampleHistogram() {
	e := engine()
	s, err := e.MonteCarlo(context.Background(), sensitivity.MonteCarlo{Output: "target", Draws: 2000, Seed: 1,
		Inputs: []sensitivity.Variable{{Name: "forecast/2021/mau", Dist: distuv.Normal{Mu: 571.68, Sigma: 40}}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	svg := svgOf(chart.Histogram(s, chart.Frame{}))
	fmt.Println(strings.Contains(svg, "above 319.0"), strings.Contains(svg, "share of draws at or below"))
	_, err = chart.Histogram(sensitivity.Summary{}, chart.Frame{})
	fmt.Println(err)
	// Output:
	// true true
	// chart: histogram: no draws: cannot be charted
}

// Draw how a run to a precision settled: the running mean and P95 of the target in the
// bands of their 95% intervals, round by round, until both were known to ±1 HK$.
func ExampleConvergence() {
	e := engine()
	s, err := e.MonteCarlo(context.Background(), sensitivity.MonteCarlo{Output: "target", Draws: 1 << 20, Seed: 1, MeanHalfWidth: 1,
		Percentiles: []sensitivity.Precision{{P: 0.95, HalfWidth: 1}},
		Inputs:      []sensitivity.Variable{{Name: "forecast/2021/mau", Dist: distuv.Normal{Mu: 571.68, Sigma: 40}}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	svg := svgOf(chart.Convergence(s, chart.Frame{}))
	fmt.Println(s.Draws, strings.Contains(svg, "every precision met"), strings.Contains(svg, "(±1 asked)"))
	_, err = chart.Convergence(sensitivity.Summary{}, chart.Frame{})
	fmt.Println(err)
	// Output:
	// 20480 true true
	// chart: convergence: no rounds: the run tracked no precision: cannot be charted
}

// Draw Sobol first-order and total indices of the target with their intervals.
func ExampleIndices() {
	e := engine()
	ix, err := e.Sobol(context.Background(), sensitivity.Sobol{Outputs: []string{"target"}, Samples: 256, Bootstrap: 20, Seed: 1,
		Inputs: []sensitivity.Variable{
			{Name: "forecast/2021/mau", Dist: distuv.Normal{Mu: 571.68, Sigma: 40}},
			{Name: "part/ecommerce/premium", Dist: distuv.Uniform{Min: -0.4, Max: 0}}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	svg := svgOf(chart.Indices(ix[0], chart.Frame{}))
	fmt.Println(strings.Contains(svg, "part/ecommerce/premium"))
	// Output: true
}

// Draw a Morris screening: each assumption's mu* against its sigma.
func ExampleScreening() {
	e := engine()
	swings, err := e.Swings(decimal.New(2, -1), "forecast/2021/mau", "shares", "part/ecommerce/premium")
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := e.Morris(context.Background(), sensitivity.Morris{Outputs: []string{"target"}, Inputs: sensitivity.Uniforms(swings), Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	svg := svgOf(chart.Screening(s[0], chart.Frame{}))
	fmt.Println(strings.Contains(svg, "mu*"), strings.Contains(svg, "shares"))
	// Output: true true
}

// Draw the sum of the parts as a waterfall to the target, and the change from the base
// to a bull case by assumption.
func ExampleWaterfall() {
	e := engine()
	fmt.Println(strings.Contains(svgOf(chart.Waterfall(e.Result(), chart.Frame{})), "Live streaming"))
	bull := valuation.Scenario{Name: "bull", Set: []valuation.Override{{Key: key.Forecast(2021, "", "mau"), Value: decimal.NewFromInt(620)}}}
	a, err := e.Attribute(context.Background(), valuation.Scenario{Name: "base"}, bull)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.Contains(svgOf(chart.Attribution(a, false, chart.Frame{})), "forecast/2021/mau"))
	// Output:
	// true
	// true
}

// Draw the e-commerce part valued without each of its comparables, and every segment
// under other methods.
func ExampleLeaveOneOut() {
	m := kuaishou2021.Model()
	loo, err := m.LeaveOneOut(context.Background(), kuaishou2021.Ecommerce)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.Contains(svgOf(chart.LeaveOneOut(loo, chart.Frame{})), "PDD US"))
	cc, err := m.CrossCheck(valuation.Part{Segment: kuaishou2021.Advertising, Method: valuation.Multiple{Label: "P/MAU of streamers", Comps: kuaishou2021.StreamingPeers(), Metric: segments.MAU}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.Contains(svgOf(chart.CrossCheck(cc, chart.Frame{})), "P/MAU of streamers"))
	// Output:
	// true
	// true
}

// Draw the target over time: the report's model valued on two dates, the second at
// a target 10% higher (results as Model.Value gives them as of each date).
func ExampleHistory() {
	r := engine().Result()
	later := r
	r.AsOf, later.AsOf, later.Target = "2021-03-02", "2021-03-09", r.Target.Mul(decimal.New(11, -1))
	fmt.Println(strings.Contains(svgOf(chart.History([]valuation.Result{r, later}, chart.Frame{})), "target price over time"))
	// Output:
	// true
}
