package chart_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/chart"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/testkit"
	"github.com/sotpkit/sotp/valuation/key"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/sensitivity"
)

var update = flag.Bool("update", false, "rewrite the golden SVG files in testdata")

// charts are the report's analyses drawn: the tornado of five 2021E assumptions ±10%, the
// heatmap of the target over MAU × e-commerce discount with the HK$319 contour, the
// histogram of 20,000 draws of the target, the convergence of a run to a precision of its
// mean, P5 and P95, Sobol indices with intervals and without (one
// quasi-random scramble), a Morris screening of the tornado's five assumptions, and the
// rest.
func charts(t *testing.T) map[string]chart.Chart { return chartsWith(t, chart.Frame{}) }

// chartsWith is charts drawn with the words of o.
func chartsWith(t *testing.T, o chart.Frame) map[string]chart.Chart {
	t.Helper()
	ctx := context.Background()
	e, err := sensitivity.New(kuaishou2021.Model(), sensitivity.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	swings, err := e.Swings(decimal.New(1, -1), "forecast/2021/mau", "shares", "part/ecommerce/premium", "fx/USD/HKD", "forecast/2021/ecommerce/penetration")
	if err != nil {
		t.Fatal(err)
	}
	tor, err := e.Tornado(ctx, "target", swings...)
	if err != nil {
		t.Fatal(err)
	}
	mau, err := e.Around("forecast/2021/mau", decimal.New(3, -1), 13)
	if err != nil {
		t.Fatal(err)
	}
	g, err := e.Grid(ctx, []string{"target"}, mau, sensitivity.Span("part/ecommerce/premium", decimal.New(-5, -1), decimal.Zero, 11))
	if err != nil {
		t.Fatal(err)
	}
	mc, err := e.MonteCarlo(ctx, sensitivity.MonteCarlo{Output: "target", Draws: 20000, Seed: 1, Bins: 30, Inputs: []sensitivity.Variable{
		{Name: "forecast/2021/mau", Dist: distuv.Normal{Mu: 571.68, Sigma: 40}},
		{Name: "part/ecommerce/premium", Dist: distuv.Uniform{Min: -0.4, Max: 0}}}})
	if err != nil {
		t.Fatal(err)
	}
	conv, err := e.MonteCarlo(ctx, sensitivity.MonteCarlo{Output: "target", Draws: 1 << 18, Seed: 1, MeanHalfWidth: 0.25,
		Percentiles: []sensitivity.Precision{{P: 0.05, HalfWidth: 0.5}, {P: 0.95, Relative: 0.002}}, Inputs: []sensitivity.Variable{
			{Name: "forecast/2021/mau", Dist: distuv.Normal{Mu: 571.68, Sigma: 30}},
			{Name: "part/ecommerce/premium", Dist: distuv.Uniform{Min: -0.3, Max: -0.1}}}})
	if err != nil {
		t.Fatal(err)
	}
	sweep, err := e.Grid(ctx, []string{"target", "part/ecommerce/value"}, sensitivity.Span("forecast/2021/ecommerce/penetration", decimal.New(3, -1), decimal.New(6, -1), 31))
	if err != nil {
		t.Fatal(err)
	}
	sob, err := e.Sobol(ctx, sensitivity.Sobol{Outputs: []string{"target"}, Samples: 1024, Bootstrap: 50, Seed: 1, Inputs: []sensitivity.Variable{
		{Name: "forecast/2021/mau", Dist: distuv.Normal{Mu: 571.68, Sigma: 40}},
		{Name: "part/ecommerce/premium", Dist: distuv.Uniform{Min: -0.4, Max: 0}},
		{Name: "forecast/2021/dau", Dist: distuv.Normal{Mu: 344, Sigma: 20}}}})
	if err != nil {
		t.Fatal(err)
	}
	screen, err := e.Morris(ctx, sensitivity.Morris{Outputs: []string{"target"}, Trajectories: 20, Seed: 1, Inputs: sensitivity.Uniforms(swings)})
	if err != nil {
		t.Fatal(err)
	}
	quasi, err := e.Sobol(ctx, sensitivity.Sobol{Outputs: []string{"target"}, Samples: 1024, Seed: 1, Sampling: sensitivity.QuasiRandom, Replicates: 1,
		Inputs: sensitivity.Uniforms(swings[:2])})
	if err != nil {
		t.Fatal(err)
	}
	loo, err := kuaishou2021.Model().LeaveOneOut(ctx, kuaishou2021.Ecommerce)
	if err != nil {
		t.Fatal(err)
	}
	bull := valuation.Scenario{Name: "bull", Set: []valuation.Override{testkit.Set(t, "forecast/2021/mau", decimal.NewFromInt(620)),
		testkit.Set(t, "part/ecommerce/premium", decimal.Zero), testkit.Set(t, "forecast/2021/ecommerce/penetration", decimal.New(5, -1))}}
	att, err := e.Attribute(ctx, valuation.Scenario{Name: "base"}, bull)
	if err != nil {
		t.Fatal(err)
	}
	m := kuaishou2021.Model()
	cc, err := m.CrossCheck(valuation.Part{Segment: kuaishou2021.Ecommerce, Method: valuation.PMAU(kuaishou2021.EcommercePeers())},
		valuation.Part{Segment: kuaishou2021.Advertising, Method: valuation.Multiple{Label: "P/MAU of streamers", Comps: kuaishou2021.StreamingPeers(), Metric: segments.MAU}})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]chart.Chart{}
	add := func(name string) func(chart.Chart, error) {
		return func(c chart.Chart, err error) {
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			out[name] = c
		}
	}
	tall := o
	tall.Width, tall.Height = 576, 432
	add("tornado")(chart.Tornado(tor, o))
	add("heatmap")(chart.Heatmap(g, "target", 319, tall))
	add("histogram")(chart.Histogram(mc, o))
	add("convergence")(chart.Convergence(conv, o))
	add("waterfall")(chart.Waterfall(e.Result(), o))
	add("sweep")(chart.Sweep(sweep, o, "target"))
	add("indices")(chart.Indices(sob[0], o))
	add("indices-points")(chart.Indices(quasi[0], o))
	add("screening")(chart.Screening(screen[0], o))
	add("leaveoneout")(chart.LeaveOneOut(loo, o))
	add("attribution")(chart.Attribution(att, false, o))
	add("attribution-segments")(chart.Attribution(att, true, o))
	add("crosscheck")(chart.CrossCheck(cc, o))
	var series []valuation.Result
	for i, d := range []string{"2021-03-02", "2021-03-09", "2021-03-16", "2021-03-23"} {
		r := e.Result()
		r.AsOf, r.Target = d, r.Target.Mul(decimal.NewFromInt(int64(10+i))).Shift(-1)
		if i > 1 {
			r.Price = decimal.NewFromInt(300)
		}
		series = append(series, r)
	}
	add("history")(chart.History(series, o))
	add("shapley")(chart.Shapley(sensitivity.ShapleyEffects{Output: "target", Names: []string{"forecast/2021/mau", "forecast/2021/dau", "part/ecommerce/premium"},
		Effects: []float64{0.45, 0.3, 0.25}, Lo: []float64{0.41, 0.27, 0.22}, Hi: []float64{0.49, 0.33, 0.28}}, o))
	return out
}

// TestGolden: each chart's SVG is the same bytes as its golden file, and the same bytes
// when drawn again (go test -update rewrites the files).
func TestGolden(t *testing.T) {
	for name, c := range charts(t) {
		var a, b bytes.Buffer
		if err := c.SVG(&a); err != nil {
			t.Fatal(err)
		}
		if err := c.SVG(&b); err != nil || !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s: drawn twice, different SVG (%v)", name, err)
		}
		path := filepath.Join("testdata", name+".svg")
		if *update {
			if err := os.WriteFile(path, a.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(want, a.Bytes()) {
			t.Errorf("%s: SVG differs from %s (go test -update rewrites it)", name, path)
		}
	}
}

// TestPNG: each chart's PNG decodes at its size, 96 pixels per inch, and is not blank.
func TestPNG(t *testing.T) {
	for name, c := range charts(t) {
		var b bytes.Buffer
		if err := c.PNG(&b); err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(&b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := image.Pt(768, 480) // 576 × 360 points at 96/72
		if name == "heatmap" {
			want = image.Pt(768, 576)
		}
		if got := img.Bounds().Size(); got != want {
			t.Errorf("%s: %v pixels, want %v", name, got, want)
		}
		colours := map[color.RGBA]bool{}
		for y := 0; y < img.Bounds().Dy(); y += 7 {
			for x := 0; x < img.Bounds().Dx(); x += 7 {
				r, g, b, a := img.At(x, y).RGBA()
				colours[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), uint8(a >> 8)}] = true
			}
		}
		if len(colours) < 5 {
			t.Errorf("%s: %d colours, a blank chart", name, len(colours))
		}
		if *update {
			var out bytes.Buffer
			_ = c.PNG(&out)
			_ = os.WriteFile(filepath.Join(os.TempDir(), "sotp-"+name+".png"), out.Bytes(), 0o644)
		}
	}
}

// TestBadInput: what cannot be charted is an error, never a panic or a broken file.
func TestBadInput(t *testing.T) {
	one := sensitivity.Grid{Axes: []sensitivity.Axis{{Name: "shares", Values: []decimal.Decimal{decimal.NewFromInt(1)}},
		{Name: "price", Values: []decimal.Decimal{decimal.NewFromInt(1)}}}, Outputs: []string{"target"}}
	cases := map[string]func() (chart.Chart, error){
		"sweep of two axes": func() (chart.Chart, error) { return chart.Sweep(one, chart.Frame{}) },
		"no indices":        func() (chart.Chart, error) { return chart.Indices(sensitivity.Indices{}, chart.Frame{}) },
		"no effects": func() (chart.Chart, error) {
			return chart.Screening(sensitivity.Screening{Inputs: []sensitivity.Effect{{Name: "price"}}}, chart.Frame{})
		},
		"NaN effect": func() (chart.Chart, error) {
			return chart.Screening(sensitivity.Screening{Inputs: []sensitivity.Effect{{Name: "mau", MuStar: math.NaN(), Sigma: 1}}}, chart.Frame{})
		},
		"no rows": func() (chart.Chart, error) { return chart.LeaveOneOut(valuation.LeaveOneOut{}, chart.Frame{}) },
		"no steps": func() (chart.Chart, error) {
			return chart.Attribution(sensitivity.Attribution{}, false, chart.Frame{})
		},
		"no cross-check": func() (chart.Chart, error) { return chart.CrossCheck(valuation.CrossCheck{}, chart.Frame{}) },
		"one date": func() (chart.Chart, error) {
			return chart.History([]valuation.Result{{AsOf: "2021-03-02"}}, chart.Frame{})
		},
		"undated": func() (chart.Chart, error) {
			return chart.History([]valuation.Result{{AsOf: "2021-03-02"}, {}}, chart.Frame{})
		},
		"dates falling": func() (chart.Chart, error) {
			return chart.History([]valuation.Result{{AsOf: "2021-03-02"}, {AsOf: "2021-03-01"}}, chart.Frame{})
		},
		"no Shapley effects": func() (chart.Chart, error) { return chart.Shapley(sensitivity.ShapleyEffects{}, chart.Frame{}) },
		"an effect short": func() (chart.Chart, error) {
			return chart.Shapley(sensitivity.ShapleyEffects{Names: []string{"a", "b"}, Effects: []float64{1}, Lo: []float64{1}, Hi: []float64{1}}, chart.Frame{})
		},
		"no parts":              func() (chart.Chart, error) { return chart.Waterfall(valuation.Result{}, chart.Frame{}) },
		"empty tornado":         func() (chart.Chart, error) { return chart.Tornado(sensitivity.Tornado{}, chart.Frame{}) },
		"empty grid":            func() (chart.Chart, error) { return chart.Heatmap(sensitivity.Grid{}, "target", 0, chart.Frame{}) },
		"output the grid lacks": func() (chart.Chart, error) { return chart.Heatmap(one, "sum", 0, chart.Frame{}) },
		"one-value axes":        func() (chart.Chart, error) { return chart.Heatmap(one, "target", 0, chart.Frame{}) },
		"no draws":              func() (chart.Chart, error) { return chart.Histogram(sensitivity.Summary{}, chart.Frame{}) },
		"no rounds":             func() (chart.Chart, error) { return chart.Convergence(sensitivity.Summary{Valid: 2}, chart.Frame{}) },
		"looks out of order": func() (chart.Chart, error) {
			return chart.Convergence(sensitivity.Summary{Precision: []sensitivity.Precision{{}, {P: 0.5}},
				Convergence: []sensitivity.Precision{{P: 0.5}, {}}}, chart.Frame{})
		},
		"NaN statistics": func() (chart.Chart, error) {
			return chart.Histogram(sensitivity.Summary{Valid: 2, Mean: math.NaN(), P5: math.NaN(), Histogram: []sensitivity.Bin{{Count: 2}}}, chart.Frame{})
		},
		"negative size": func() (chart.Chart, error) {
			return chart.Histogram(sensitivity.Summary{Valid: 2, Histogram: []sensitivity.Bin{{Lo: 1, Hi: 2, Count: 2}}}, chart.Frame{Width: -1, Height: 10})
		},
		"huge size": func() (chart.Chart, error) {
			return chart.Histogram(sensitivity.Summary{Valid: 2, Histogram: []sensitivity.Bin{{Lo: 1, Hi: 2, Count: 2}}}, chart.Frame{Width: 1e9, Height: 10})
		},
	}
	for name, f := range cases {
		if _, err := f(); !errors.Is(err, fault.ErrChart) {
			t.Errorf("%s: %v, want fault.ErrChart", name, err)
		}
	}
}

// BenchmarkHeatmap101 draws the 101 × 101 grid of the target over MAU and the e-commerce
// discount, with the price contour, to SVG.
func BenchmarkHeatmap101(b *testing.B) {
	e, err := sensitivity.New(kuaishou2021.Model(), sensitivity.Options{})
	if err != nil {
		b.Fatal(err)
	}
	mau, err := e.Around("forecast/2021/mau", decimal.New(3, -1), 101)
	if err != nil {
		b.Fatal(err)
	}
	g, err := e.Grid(context.Background(), []string{"target"}, mau, sensitivity.Span("part/ecommerce/premium", decimal.New(-5, -1), decimal.Zero, 101))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		c, err := chart.Heatmap(g, "target", 319, chart.Frame{})
		if err != nil {
			b.Fatal(err)
		}
		if err := c.SVG(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// TestTornadoLeavesOutStill: an assumption that does not move the output (DAU, which no
// part of the report's reads) draws no bar: it is named under the axis instead; a tornado
// of such assumptions alone is an error, not an empty chart.
func TestTornadoLeavesOutStill(t *testing.T) {
	e, err := sensitivity.New(kuaishou2021.Model(), sensitivity.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	swings, err := e.Swings(decimal.New(1, -1), "forecast/2021/mau", "forecast/2021/dau")
	if err != nil {
		t.Fatal(err)
	}
	tor, err := e.Tornado(context.Background(), "target", swings...)
	if err != nil {
		t.Fatal(err)
	}
	if len(tor.Warnings) != 1 || tor.Warnings[0].Code != valuation.WarnNoEffect || !strings.Contains(tor.Warnings[0].Message, "forecast/2021/dau") {
		t.Errorf("warnings %+v", tor.Warnings)
	}
	ch, err := chart.Tornado(tor, chart.Frame{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := ch.SVG(&b); err != nil {
		t.Fatal(err)
	}
	if svg := b.String(); !strings.Contains(svg, "no effect: forecast/2021/dau") || strings.Contains(svg, "forecast/2021/dau (") ||
		!strings.Contains(svg, "forecast/2021/mau (") {
		t.Errorf("the tornado draws DAU or does not name it under the axis:\n%.2000s", svg)
	}
	tor.Bars = tor.Bars[1:] // DAU alone
	if _, err := chart.Tornado(tor, chart.Frame{}); !errors.Is(err, fault.ErrChart) {
		t.Errorf("a tornado of DAU alone: %v, want fault.ErrChart", err)
	}
}

// TestOptions: a chart's words are the caller's when given: the title replaced, a
// subtitle under it, a source line at the foot, and each key named by Label (here the
// result's captions), on the axes and the bars alike.
func TestOptions(t *testing.T) {
	e, err := sensitivity.New(kuaishou2021.Model(), sensitivity.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	swings, err := e.Swings(decimal.New(1, -1), "forecast/2021/mau", "fx/USD/HKD")
	if err != nil {
		t.Fatal(err)
	}
	tor, err := e.Tornado(context.Background(), "target", swings...)
	if err != nil {
		t.Fatal(err)
	}
	r := e.Result()
	o := chart.Frame{Title: "What moves the target", Subtitle: "each assumption ±10%", Source: "Source: Western Securities, sotp",
		Label: func(k string) string {
			parsed, err := key.Parse(k)
			if err != nil {
				return ""
			}
			return r.Caption(parsed)
		}}
	ch, err := chart.Tornado(tor, o)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := ch.SVG(&b); err != nil {
		t.Fatal(err)
	}
	svg := b.String()
	for _, want := range []string{"What moves the target", "each assumption ±10%", "Source: Western Securities, sotp",
		"2021E MAU (m) (514.51 / 628.85)", "HKD per USD (6.9300 / 8.4700)", "Target price (HK$)"} {
		if !strings.Contains(svg, want) {
			t.Errorf("the tornado lacks %q", want)
		}
	}
	if strings.Contains(svg, "Tornado: target") || strings.Contains(svg, "forecast/2021/mau") {
		t.Error("the tornado keeps its own title or a key")
	}
}

// TestConvergenceOneLook: a run that met its precision at its first look (4,096 draws)
// is drawn as its value and interval at those draws on an axis from 0 to 8,192, labelled
// in whole draws, titled as met; a run that only tracked is titled so.
func TestConvergenceOneLook(t *testing.T) {
	look := []sensitivity.Precision{{Draws: 4096, Value: 10, Lo: 9, Hi: 11, HalfWidth: 2, Met: true}}
	s := sensitivity.Summary{Output: "target", Draws: 4096, Precision: look, Convergence: look}
	var b bytes.Buffer
	ch, err := chart.Convergence(s, chart.Frame{})
	if err == nil {
		err = ch.SVG(&b)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"every precision met", ">8000<", ">4000<", "mean 10.0 ± 1 (±2 asked)"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the chart lacks %q", want)
		}
	}
	s.Precision[0].HalfWidth = 0
	b.Reset()
	if ch, err = chart.Convergence(s, chart.Frame{}); err == nil {
		err = ch.SVG(&b)
	}
	if err != nil || !strings.Contains(b.String(), "tracked, no precision asked") {
		t.Errorf("tracking only: %v", err)
	}
}
