package sensitivity_test

import (
	"context"
	"fmt"
	"math"

	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/key"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/sensitivity"
)

// A data table of the report's target over 2021E MAU and the e-commerce discount.
func ExampleEngine_Grid() {
	e, err := sensitivity.New(kuaishou2021.Model(), sensitivity.Options{})
	if err != nil {
		panic(err)
	}
	d := decimal.RequireFromString
	mau := sensitivity.Axis{Name: "forecast/2021/mau", Values: []decimal.Decimal{d("500"), d("571.68"), d("650")}}
	discount := sensitivity.Axis{Name: "part/ecommerce/premium", Values: []decimal.Decimal{d("-0.3"), d("-0.2"), d("0")}}
	g, err := e.Grid(context.Background(), []string{"target"}, mau, discount)
	if err != nil {
		panic(err)
	}
	fmt.Print(g.Text("target"))
	// Output:
	// target by forecast/2021/mau × part/ecommerce/premium
	// forecast/2021/mau \ part/ecommerce/premium  -30.0%  -20.0%*   0.0%
	// ------------------------------------------------------------------
	// 500.00                                       334.7    353.8  392.1
	// 571.68*                                      382.7   404.6*  448.3
	// 650.00                                       435.1    460.0  509.7
	// Note: * base case; base target 404.6
}

// Which assumptions move the target most, each moved ±10% alone. DAU moves it not at
// all (no part of the report's is priced on DAU): it is listed, not drawn as a zero bar.
func ExampleEngine_Tornado() {
	e, err := sensitivity.New(kuaishou2021.Model(), sensitivity.Options{})
	if err != nil {
		panic(err)
	}
	swings, err := e.Swings(decimal.RequireFromString("0.1"),
		"forecast/2021/mau", "part/advertising/average", "forecast/2021/ecommerce/penetration", "forecast/2021/dau")
	if err != nil {
		panic(err)
	}
	t, err := e.Tornado(context.Background(), "target", swings...)
	if err != nil {
		panic(err)
	}
	fmt.Print(t.Text())
	// Output:
	// Tornado: target, base 404.6
	// assumption                             base     low    high  target at low  at high  range
	// ------------------------------------------------------------------------------------------
	// forecast/2021/mau                    571.68  514.51  628.85          364.1    445.0   80.9
	// part/advertising/average             185.97  167.37  204.57          384.9    424.2   39.4
	// forecast/2021/ecommerce/penetration   45.0%   40.5%   49.5%          387.1    422.0   35.0
	// Note: no effect on target: forecast/2021/dau
}

// The 2021E MAU at which the report's method gives the market price of HK$319.
func ExampleEngine_Seek() {
	e, err := sensitivity.New(kuaishou2021.Model(), sensitivity.Options{})
	if err != nil {
		panic(err)
	}
	d := decimal.RequireFromString
	sol, err := e.Seek(context.Background(), sensitivity.Goal{
		Assumption: "forecast/2021/mau", Output: "target", Target: d("319"), Low: d("400"), High: d("700"),
	})
	if err != nil {
		panic(err)
	}
	fmt.Printf("MAU %sm gives HK$%s (%d step)\n", sol.Value.StringFixed(2), sol.Output.StringFixed(1), sol.Iterations)
	// Output:
	// MAU 450.78m gives HK$319.0 (1 step)
}

// A seeded Monte Carlo of the target over MAU, the e-commerce discount and penetration.
func ExampleEngine_MonteCarlo() {
	e, err := sensitivity.New(kuaishou2021.Model(), sensitivity.Options{})
	if err != nil {
		panic(err)
	}
	s, err := e.MonteCarlo(context.Background(), sensitivity.MonteCarlo{
		Output: "target",
		Inputs: []sensitivity.Variable{
			{Name: "forecast/2021/mau", Dist: distuv.Normal{Mu: 571.68, Sigma: 30}},
			{Name: "part/ecommerce/premium", Dist: distuv.Uniform{Min: -0.4, Max: 0}},
			{Name: "forecast/2021/ecommerce/penetration", Dist: distuv.Beta{Alpha: 45, Beta: 55}},
		},
		Draws:    10_000,
		Seed:     1,
		Sampling: sensitivity.LatinHypercube,
	})
	if err != nil {
		panic(err)
	}
	fmt.Printf("mean %.1f, P5 %.1f, P95 %.1f, P(target > %.0f) %.1f%%\n", s.Mean, s.P5, s.P95, s.Threshold, 100*s.PAbove)
	// Output:
	// mean 404.6, P5 345.3, P95 470.5, P(target > 319) 99.5%
}

// A run that draws until the mean target is known to ±0.5 HK$ and its P5 and P95 to ±1
// HK$, at 95% confidence, and says where it stopped.
func ExampleEngine_MonteCarlo_precision() {
	e, err := sensitivity.New(kuaishou2021.Model(), sensitivity.Options{})
	if err != nil {
		panic(err)
	}
	s, err := e.MonteCarlo(context.Background(), sensitivity.MonteCarlo{
		Output: "target",
		Inputs: []sensitivity.Variable{
			{Name: "forecast/2021/mau", Dist: distuv.Normal{Mu: 571.68, Sigma: 30}},
			{Name: "part/ecommerce/premium", Dist: distuv.Uniform{Min: -0.3, Max: -0.1}},
		},
		Draws:         1 << 20, // the most it may draw
		Seed:          7,
		MeanHalfWidth: 0.5,
		Percentiles:   []sensitivity.Precision{{P: 0.05, HalfWidth: 1}, {P: 0.95, HalfWidth: 1}},
	})
	if err != nil {
		panic(err)
	}
	fmt.Printf("stopped after %d draws, every precision met: %v\n", s.Draws, !s.Unmet)
	for _, p := range s.Precision { // the mean (P 0) first
		fmt.Printf("P %.2f: %.1f in [%.1f, %.1f]\n", p.P, p.Value, p.Lo, p.Hi)
	}
	// Output:
	// stopped after 12288 draws, every precision met: true
	// P 0.00: 404.7 in [404.2, 405.1]
	// P 0.05: 364.3 in [363.3, 365.3]
	// P 0.95: 445.8 in [445.0, 446.8]
}

// Bear and bull cases beside the base, with their 2021E earnings.
func ExampleEngine_Scenarios() {
	e, err := sensitivity.New(kuaishou2021.Model(), sensitivity.Options{})
	if err != nil {
		panic(err)
	}
	d := decimal.RequireFromString
	bear := valuation.Scenario{Name: "bear", Set: []valuation.Override{
		{Key: key.Forecast(2021, "", "mau"), Value: d("520")}, {Key: key.Part("ecommerce", "premium"), Value: d("-0.4")}}}
	bull := valuation.Scenario{Name: "bull", Set: []valuation.Override{
		{Key: key.Forecast(2021, "", "mau"), Value: d("620")}, {Key: key.Part("ecommerce", "premium"), Value: d("0")}}}
	c, err := e.Scenarios(context.Background(), []string{"target", "pnl/2021/eps"}, bear, bull)
	if err != nil {
		panic(err)
	}
	fmt.Print(c.Text())
	// Output:
	// Scenarios
	//                          base    bear    bull
	// ---------------------------------------------
	// target                  404.6   328.2   486.2
	// pnl/2021/eps            -1.78   -1.69   -1.86
	// forecast/2021/mau              520.00  620.00
	// part/ecommerce/premium         -40.0%    0.0%
}

// The move from the report's case to a bull case, step by step and segment by segment.
func ExampleEngine_Attribute() {
	e, err := sensitivity.New(kuaishou2021.Model(), sensitivity.Options{})
	if err != nil {
		panic(err)
	}
	d := decimal.RequireFromString
	bull := valuation.Scenario{Name: "bull", Set: []valuation.Override{
		{Key: key.Forecast(2021, "", "mau"), Value: d("620")}, {Key: key.Part("ecommerce", "premium"), Value: d("0")}}}
	a, err := e.Attribute(context.Background(), valuation.Scenario{Name: "report"}, bull)
	if err != nil {
		panic(err)
	}
	fmt.Print(a.Text())
	// Output:
	// Attribution of the target: report to bull
	// step                      from      to  live_streaming  advertising  ecommerce  change  target
	// ----------------------------------------------------------------------------------------------
	// report                                                                                   404.6
	// forecast/2021/mau       571.68  620.00            +2.8        +16.6      +14.8   +34.2   438.8
	// part/ecommerce/premium  -20.0%    0.0%             0.0          0.0      +47.4   +47.4   486.2
	// bull                                                                             +81.6   486.2
	// Note: changes are per share, in the target's currency; each step moves one assumption, those above it moved already
}

// Which inputs drive the target's variance, with bootstrap intervals.
func ExampleEngine_Sobol() {
	e, err := sensitivity.New(kuaishou2021.Model(), sensitivity.Options{})
	if err != nil {
		panic(err)
	}
	x, err := e.Sobol(context.Background(), sensitivity.Sobol{
		Outputs: []string{"target"},
		Inputs: []sensitivity.Variable{
			{Name: "forecast/2021/mau", Dist: distuv.Normal{Mu: 571.68, Sigma: 30}},
			{Name: "forecast/2021/dau", Dist: distuv.Normal{Mu: 344, Sigma: 20}},
			{Name: "part/ecommerce/premium", Dist: distuv.Uniform{Min: -0.4, Max: 0}},
		},
		Samples: 4096,
		Seed:    1,
	})
	if err != nil {
		panic(err)
	}
	// DAU does not move the P/MAU target: Saltelli's 2010 first-order estimator gives it
	// exactly 0, and each first-order index stays below its total, as in a product of
	// independent factors it must.
	fmt.Print(x[0].Text())
	// Output:
	// Sobol indices of target
	// input                   first        interval  total        interval
	// --------------------------------------------------------------------
	// forecast/2021/mau       0.382  [0.355, 0.406]  0.397  [0.378, 0.415]
	// forecast/2021/dau       0.000  [0.000, 0.000]  0.000  [0.000, 0.000]
	// part/ecommerce/premium  0.566  [0.536, 0.597]  0.590  [0.566, 0.613]
}

// Sobol indices of a model that is not a sotp model: the Ishigami function, with
// quasi-random sampling (its analytic indices: S1 0.314, 0.442, 0; ST 0.558, 0.442, 0.244).
func ExampleSobolDesign() {
	u := distuv.Uniform{Min: -math.Pi, Max: math.Pi}
	d, err := sensitivity.NewSobolDesign(sensitivity.Sobol{
		Outputs:  []string{"ishigami"},
		Inputs:   []sensitivity.Variable{{Name: "x1", Dist: u}, {Name: "x2", Dist: u}, {Name: "x3", Dist: u}},
		Samples:  1 << 14,
		Seed:     1,
		Sampling: sensitivity.QuasiRandom,
	}, sensitivity.Options{})
	if err != nil {
		panic(err)
	}
	x, err := d.Run(context.Background(), func(x []float64) []float64 {
		return []float64{math.Sin(x[0]) + 7*math.Pow(math.Sin(x[1]), 2) + 0.1*math.Pow(x[2], 4)*math.Sin(x[0])}
	})
	if err != nil {
		panic(err)
	}
	fmt.Print(x[0].Text())
	// Output:
	// Sobol indices of ishigami
	// input  first         interval  total        interval
	// ----------------------------------------------------
	// x1     0.313   [0.308, 0.318]  0.559  [0.556, 0.563]
	// x2     0.442   [0.440, 0.444]  0.443  [0.442, 0.444]
	// x3     0.000  [-0.003, 0.004]  0.244  [0.241, 0.246]
}

// Outputs computed elsewhere: export the design's points, evaluate them anywhere (here
// y = x1 + 2 x2 with both inputs uniform on [0, 1], whose indices are 0.2 and 0.8), and
// hand the outputs back.
func ExampleSobolDesign_Analyze() {
	d, err := sensitivity.NewSobolDesign(sensitivity.Sobol{
		Outputs:    []string{"y"},
		Inputs:     []sensitivity.Variable{{Name: "x1", Dist: distuv.Uniform{Max: 1}}, {Name: "x2", Dist: distuv.Uniform{Max: 1}}},
		Samples:    4096,
		Sampling:   sensitivity.QuasiRandom,
		Replicates: 8,
	}, sensitivity.Options{})
	if err != nil {
		panic(err)
	}
	points := d.Points() // A, B, A with x1 from B, A with x2 from B: 4 points a row
	y := make([][]float64, len(points))
	for i, p := range points {
		y[i] = []float64{p[0] + 2*p[1]}
	}
	x, err := d.Analyze(context.Background(), y)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(points), "points,", x[0].Intervals)
	for _, in := range x[0].Inputs {
		fmt.Printf("%s first %.3f total %.3f\n", in.Name, in.First, in.Total)
	}
	// Output:
	// 16384 points, replicates
	// x1 first 0.200 total 0.200
	// x2 first 0.800 total 0.800
}

// Screening every assumption of the Kuaishou model with Morris (each uniform on ±20% of
// its base, where the base is not zero), then Sobol indices with intervals on the four
// that matter most.
func ExampleEngine_Morris() {
	e, err := sensitivity.New(kuaishou2021.Model(), sensitivity.Options{})
	if err != nil {
		panic(err)
	}
	var names []string
	for _, a := range e.Assumptions() {
		if !a.Base.IsZero() {
			names = append(names, a.Key.String())
		}
	}
	swings, err := e.Swings(decimal.RequireFromString("0.2"), names...)
	if err != nil {
		panic(err)
	}
	inputs := sensitivity.Uniforms(swings)
	s, err := e.Morris(context.Background(), sensitivity.Morris{Outputs: []string{"target"}, Inputs: inputs, Trajectories: 20, Seed: 1})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d assumptions screened in %d evaluations\n", len(inputs), 20*(len(inputs)+1))
	var top []sensitivity.Variable
	for _, x := range s[0].Ranked()[:4] {
		fmt.Printf("%-26s mu* %5.1f  sigma %4.1f\n", x.Name, x.MuStar, x.Sigma)
		for _, in := range inputs {
			if in.Name == x.Name {
				top = append(top, in)
			}
		}
	}
	x, err := e.Sobol(context.Background(), sensitivity.Sobol{Outputs: []string{"target"}, Inputs: top,
		Samples: 1 << 12, Seed: 1, Sampling: sensitivity.QuasiRandom})
	if err != nil {
		panic(err)
	}
	fmt.Print(x[0].Text())
	// Output:
	// 53 assumptions screened in 1080 evaluations
	// forecast/2021/mau          mu* 167.6  sigma 23.8
	// fx/USD/HKD                 mu* 164.6  sigma 29.4
	// shares                     mu* 162.1  sigma 32.4
	// part/advertising/average   mu*  81.7  sigma 12.3
	// Sobol indices of target
	// input                     first        interval  total        interval
	// ----------------------------------------------------------------------
	// forecast/2021/mau         0.299  [0.295, 0.302]  0.310  [0.308, 0.313]
	// fx/USD/HKD                0.301  [0.297, 0.306]  0.311  [0.309, 0.313]
	// shares                    0.311  [0.309, 0.312]  0.322  [0.319, 0.324]
	// part/advertising/average  0.071  [0.069, 0.072]  0.074  [0.073, 0.075]
}

// Screening a function that is not a sotp model: y = x1 + 2 x2 + x3 x4 with the inputs
// uniform on [0, 1]. A linear input's every effect is its coefficient (sigma 0); x3 and
// x4 interact, so their effects vary (sigma above 0): x3's effect is x4, about ½ on
// average.
func ExampleMorrisDesign() {
	u := distuv.Uniform{Min: 0, Max: 1}
	d, err := sensitivity.NewMorrisDesign(sensitivity.Morris{
		Outputs:      []string{"y"},
		Inputs:       []sensitivity.Variable{{Name: "x1", Dist: u}, {Name: "x2", Dist: u}, {Name: "x3", Dist: u}, {Name: "x4", Dist: u}},
		Trajectories: 50,
		Seed:         1,
		Bootstrap:    sensitivity.NoBootstrap,
	}, sensitivity.Options{})
	if err != nil {
		panic(err)
	}
	s, err := d.Run(context.Background(), func(x []float64) []float64 { return []float64{x[0] + 2*x[1] + x[2]*x[3]} })
	if err != nil {
		panic(err)
	}
	for _, e := range s[0].Ranked() {
		fmt.Printf("%s mu* %.3f sigma %.3f\n", e.Name, e.MuStar, e.Sigma)
	}
	// Output:
	// x2 mu* 2.000 sigma 0.000
	// x1 mu* 1.000 sigma 0.000
	// x3 mu* 0.525 sigma 0.262
	// x4 mu* 0.465 sigma 0.271
}

// Axes written as text, without a decimal in hand: a span of 2021E MAU and a list of
// e-commerce premiums, as the command line and run files write them.
func ExampleParseAxis() {
	mau, err := sensitivity.ParseAxis("forecast/2021/mau=450:700:6")
	if err != nil {
		fmt.Println(err)
		return
	}
	premium, err := sensitivity.ParseAxis("part/ecommerce/premium=-0.4,-0.2,0")
	if err != nil {
		fmt.Println(err)
		return
	}
	e, err := sensitivity.New(kuaishou2021.Model(), sensitivity.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	g, err := e.Grid(context.Background(), []string{"target"}, mau, premium)
	if err != nil {
		fmt.Println(err)
		return
	}
	c, _ := g.Cell(5, 1)
	fmt.Println("target at 700m MAU and 80% of the peers:", c.Values[0].StringFixed(1))
	_, err = sensitivity.ParseAxis("forecast/2021/mau=450:seven hundred:6")
	fmt.Println(err)
	// Output:
	// target at 700m MAU and 80% of the peers: 495.4
	// sensitivity: axis forecast/2021/mau "450:seven hundred:6": want FROM:TO:N, two decimals and a count: bad option
}

// Shapley effects of a function of two standard normal inputs correlated at 0.5: y = x1 +
// 2 × x2, of variance 1 + 4 + 2 × 2 × 0.5 = 7. Given x2, y varies by Var(x1 | x2) = 1 −
// 0.5² = 0.75; given x1, by 4 × 0.75 = 3. x1's effect is the mean of what it adds first
// (0.75) and last (7 − 3): 2.375 / 7 = 0.34; x2's, (3 + 7 − 0.75) / 2 / 7 = 0.66. They sum
// to one.
func ExampleShapley_Run() {
	s := sensitivity.Shapley{Outputs: []string{"y"}, Permutations: 20_000, Samples: 50_000, Seed: 1,
		Correlation: mat.NewSymDense(2, []float64{1, 0.5, 0.5, 1}),
		Inputs:      []sensitivity.Variable{{Name: "x1", Dist: distuv.UnitNormal}, {Name: "x2", Dist: distuv.UnitNormal}}}
	effects, err := s.Run(context.Background(), sensitivity.Options{}, func(x []float64) []float64 { return []float64{x[0] + 2*x[1]} })
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, name := range effects[0].Names {
		fmt.Printf("%s %.2f\n", name, effects[0].Effects[i])
	}
	// Output:
	// x1 0.34
	// x2 0.66
}
