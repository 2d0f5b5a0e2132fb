// Command sensitivity shows how far the Western Securities Kuaishou target (HK$404.6)
// moves with its assumptions: a data table of the target over 2021E MAU and the
// e-commerce discount, a tornado of the target, the MAU and the e-commerce multiple that
// justify the market price of HK$319, grids of 2021E revenue over DAU × revenue per DAU
// and GMV per shopper × take rate, bear/base/bull scenarios with their P&L, an attribution
// of the bull case, a 100,000-draw Monte Carlo run of the target, and a Morris screening
// of every assumption followed by Sobol indices of the four that matter most.
//
//	go run ./examples/sensitivity [-draws 100000] [-seed 1] [-workers 0] [-charts DIR]
//
// With -charts it also draws the target's heatmap over MAU and the discount (with the
// HK$319 contour), its tornado and the Monte Carlo histogram into DIR, as SVG and PNG.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/chart"
	"github.com/sotpkit/sotp/valuation/key"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/sensitivity"
)

func main() {
	draws := flag.Int("draws", 100_000, "Monte Carlo draws")
	seed := flag.Uint64("seed", 1, "Monte Carlo seed")
	workers := flag.Int("workers", 0, "goroutines (0: GOMAXPROCS); results do not depend on it")
	charts := flag.String("charts", "", "directory to draw the heatmap, tornado and histogram into (SVG and PNG)")
	flag.Parse()
	if err := run(*draws, *seed, *workers, *charts); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

var d = decimal.RequireFromString

func values(xs ...string) []decimal.Decimal {
	out := make([]decimal.Decimal, len(xs))
	for i, x := range xs {
		out[i] = d(x)
	}
	return out
}

func run(draws int, seed uint64, workers int, charts string) error {
	ctx := context.Background()
	e, err := sensitivity.New(kuaishou2021.Model(), sensitivity.Options{Workers: workers})
	if err != nil {
		return err
	}
	const (
		mau     = "forecast/2021/mau"
		dau     = "forecast/2021/dau"
		revenue = "forecast/2021/revenue"
	)
	// 1. The target over MAU and the e-commerce discount (the report's is 20%).
	g, err := e.Grid(ctx, []string{"target"},
		sensitivity.Axis{Name: mau, Values: values("450", "500", "550", "571.68", "600", "650")},
		sensitivity.Axis{Name: "part/ecommerce/premium", Values: values("-0.5", "-0.4", "-0.3", "-0.2", "-0.1", "0")})
	if err != nil {
		return err
	}
	fmt.Println(g.Text("target"))
	// The charts name figures and assumptions by title and unit ("2021E MAU (m)"), not key.
	label := func(text string) string {
		if k, err := key.Parse(text); err == nil {
			return e.Result().Caption(k)
		}
		return text
	}
	price := kuaishou2021.Model().Price.InexactFloat64()
	if err := draw(charts, "heatmap", func() (chart.Chart, error) {
		return chart.Heatmap(g, "target", price, chart.Frame{Width: 576, Height: 432, Label: label})
	}); err != nil {
		return err
	}

	// 2. Each 2021E assumption and multiple moved ±10% alone.
	swings, err := e.Swings(d("0.1"), mau, dau,
		"forecast/2021/live_streaming/paying_ratio", "forecast/2021/advertising/revenue_per_dau",
		"forecast/2021/ecommerce/penetration", "forecast/2021/ecommerce/take_rate",
		"part/live_streaming/average", "part/advertising/average", "part/ecommerce/average", "fx/USD/HKD", "shares")
	if err != nil {
		return err
	}
	t, err := e.Tornado(ctx, "target", swings...)
	if err != nil {
		return err
	}
	fmt.Println(t.Text())
	if err := draw(charts, "tornado", func() (chart.Chart, error) {
		return chart.Tornado(t, chart.Frame{Width: 720, Height: 432, Label: label})
	}); err != nil {
		return err
	}

	// 3. What the market price implies.
	for _, goal := range []sensitivity.Goal{
		{Assumption: mau, Output: "target", Target: d("319"), Low: d("400"), High: d("700")},
		{Assumption: "part/ecommerce/average", Output: "target", Target: d("319"), Low: d("1"), High: d("1000")},
	} {
		sol, err := e.Seek(ctx, goal)
		if err != nil {
			return err
		}
		base, err := e.Base(goal.Assumption)
		if err != nil {
			return err
		}
		fmt.Printf("HK$319 is justified by %s = %s (report %s), in %d step(s)\n",
			goal.Assumption, sol.Value.StringFixed(2), base.StringFixed(2), sol.Iterations)
	}
	fmt.Println()

	// 4. 2021E revenue (RMB m) over DAU × revenue per DAU, and GMV per shopper × take rate.
	g, err = e.Grid(ctx, []string{revenue},
		sensitivity.Axis{Name: dau, Values: values("300", "320", "344", "370", "400")},
		sensitivity.Axis{Name: "forecast/2021/advertising/revenue_per_dau", Values: values("110", "120", "136.5459", "150", "160")})
	if err != nil {
		return err
	}
	fmt.Println(g.Text(revenue))
	g, err = e.Grid(ctx, []string{revenue},
		sensitivity.Axis{Name: "forecast/2021/ecommerce/gmv_per_shopper", Values: values("2000", "2400", "2726.7", "3000", "3400")},
		sensitivity.Axis{Name: "forecast/2021/ecommerce/take_rate", Values: values("0.005", "0.01", "0.015", "0.02", "0.03")})
	if err != nil {
		return err
	}
	fmt.Println(g.Text(revenue))

	// 5. Scenarios, with their 2021E P&L: under the report's cost ratios (109.6% of 2021E
	// revenue) more revenue deepens the 2021E loss.
	bear := valuation.Scenario{Name: "bear", Set: []valuation.Override{
		{Key: key.Forecast(2021, "", "mau"), Value: d("520")}, {Key: key.Forecast(2021, "", "dau"), Value: d("310")},
		{Key: key.Part("ecommerce", "premium"), Value: d("-0.4")}, {Key: key.Forecast(2021, "ecommerce", "take_rate"), Value: d("0.008")}}}
	bull := valuation.Scenario{Name: "bull", Set: []valuation.Override{
		{Key: key.Forecast(2021, "", "mau"), Value: d("620")}, {Key: key.Forecast(2021, "", "dau"), Value: d("380")},
		{Key: key.Part("ecommerce", "premium"), Value: d("0")}, {Key: key.Forecast(2021, "ecommerce", "take_rate"), Value: d("0.015")}}}
	c, err := e.Scenarios(ctx, []string{"target", "upside", revenue, "forecast/2021/ecommerce/gmv",
		"pnl/2021/net_profit", "pnl/2021/eps"}, bear, bull)
	if err != nil {
		return err
	}
	fmt.Println(c.Text())
	a, err := e.Attribute(ctx, valuation.Scenario{Name: "base"}, bull)
	if err != nil {
		return err
	}
	fmt.Println(a.Text())

	// 6. Monte Carlo: MAU and DAU correlated, the discount and penetration uncertain.
	corr := mat.NewSymDense(4, []float64{
		1, 0.8, 0, 0,
		0.8, 1, 0, 0,
		0, 0, 1, 0,
		0, 0, 0, 1,
	})
	s, err := e.MonteCarlo(ctx, sensitivity.MonteCarlo{
		Output: "target",
		Inputs: []sensitivity.Variable{
			{Name: mau, Dist: distuv.Normal{Mu: 571.68, Sigma: 30}},
			{Name: dau, Dist: distuv.Normal{Mu: 344, Sigma: 20}},
			{Name: "part/ecommerce/premium", Dist: distuv.NewTriangle(-0.4, 0, -0.2, nil)},
			{Name: "forecast/2021/ecommerce/penetration", Dist: distuv.Beta{Alpha: 45, Beta: 55}},
		},
		Correlation: corr,
		Draws:       draws,
		Seed:        seed,
		Sampling:    sensitivity.LatinHypercube,
		Bins:        12,
	})
	if err != nil {
		return err
	}
	fmt.Print(s.Text())
	if err := draw(charts, "histogram", func() (chart.Chart, error) { return chart.Histogram(s, chart.Frame{Label: label}) }); err != nil {
		return err
	}
	fmt.Println()
	return screen(ctx, e)
}

// screen screens every assumption with a non-zero base, each uniform on ±20% of it
// (Morris, 20 trajectories: 1,080 evaluations for 53 assumptions), and prints the
// screening, then quasi-random Sobol indices of the four with the greatest mu*.
func screen(ctx context.Context, e *sensitivity.Engine) error {
	var names []string
	for _, a := range e.Assumptions() {
		if !a.Base.IsZero() {
			names = append(names, a.Key.String())
		}
	}
	swings, err := e.Swings(d("0.2"), names...)
	if err != nil {
		return err
	}
	inputs := sensitivity.Uniforms(swings)
	m, err := e.Morris(ctx, sensitivity.Morris{Outputs: []string{"target"}, Inputs: inputs, Trajectories: 20, Seed: 1})
	if err != nil {
		return err
	}
	fmt.Println(m[0].Text())
	var top []sensitivity.Variable
	for _, x := range m[0].Ranked()[:4] {
		for _, in := range inputs {
			if in.Name == x.Name {
				top = append(top, in)
			}
		}
	}
	x, err := e.Sobol(ctx, sensitivity.Sobol{Outputs: []string{"target"}, Inputs: top, Samples: 1 << 14, Seed: 1, Sampling: sensitivity.QuasiRandom})
	if err != nil {
		return err
	}
	fmt.Print(x[0].Text())
	return nil
}

// draw writes the chart that mk draws to dir/name.svg and dir/name.png; nothing
// without a dir.
func draw(dir, name string, mk func() (chart.Chart, error)) error {
	if dir == "" {
		return nil
	}
	c, err := mk()
	if err != nil {
		return err
	}
	for ext, write := range map[string]func(io.Writer) error{".svg": c.SVG, ".png": c.PNG} {
		f, err := os.Create(filepath.Join(dir, name+ext))
		if err != nil {
			return err
		}
		if err := errors.Join(write(f), f.Close()); err != nil {
			return err
		}
	}
	return nil
}
