package sensitivity_test

import (
	"context"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/internal/testkit"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/modelfile"
	"github.com/sotpkit/sotp/valuation/sensitivity"
)

// gridAxes is the benchmark grid: 101 MAU values × 101 e-commerce premiums.
func gridAxes(b *testing.B) (sensitivity.Axis, sensitivity.Axis) { return gridAxesOf(b, 101) }

// gridAxesOf is n MAU values in [450, 700] × n e-commerce premiums in [-0.5, 0], spelled
// out: the naive baseline walks their values, and a run spells out none.
func gridAxesOf(b *testing.B, n int) (sensitivity.Axis, sensitivity.Axis) {
	return spelled(b, sensitivity.Span("forecast/2021/mau", d("450"), d("700"), n)),
		spelled(b, sensitivity.Span("part/ecommerce/premium", d("-0.5"), d("0"), n))
}

// spelled is a span axis with its values as Engine.Grid spells them out: the axis of a
// one-axis grid over it.
func spelled(b *testing.B, a sensitivity.Axis) sensitivity.Axis {
	g, err := engine(b, sensitivity.Options{}).Grid(context.Background(), []string{"target"}, a)
	if err != nil {
		b.Fatal(err)
	}
	return g.Axes[0]
}

// BenchmarkGrid101Naive is the baseline: the whole model valued afresh with Model.Value at
// every point, comparables, every year and the P&L included.
func BenchmarkGrid101Naive(b *testing.B) {
	mau, prem := gridAxes(b)
	base := kuaishou2021.Model()
	b.ReportAllocs()
	for b.Loop() {
		for _, u := range mau.Values {
			for _, p := range prem.Values {
				m := base
				m.Plan.Users = maps.Clone(base.Plan.Users)
				users := m.Plan.Users[2021]
				users.MAU = u
				m.Plan.Users[2021] = users
				m.Parts = slices.Clone(base.Parts)
				method := m.Parts[2].Method.(valuation.Multiple)
				method.Comps.Premium = p
				m.Parts[2].Method = method
				r, err := m.Value()
				if err != nil {
					b.Fatal(err)
				}
				_ = r.Target
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(101*101), "ns/point")
}

// BenchmarkGrid101 is the same grid through Engine.Grid on one worker and on the default
// number (GOMAXPROCS).
func BenchmarkGrid101(b *testing.B) { benchGrid(b, 101) }

// BenchmarkGrid301 is a 301x301 grid of the same axes: steps of 250/300 MAU and 0.5/300
// of discount carry 16 places, so that the kernel's products outgrow 128 bits and take
// the big.Int path, as grids of steps that do not divide evenly do.
func BenchmarkGrid301(b *testing.B) { benchGrid(b, 301) }

// benchGrid runs the n×n grid of gridAxesOf through Engine.Grid on one worker and on
// GOMAXPROCS, reporting the time a point.
func benchGrid(b *testing.B, n int) {
	mau, prem := gridAxesOf(b, n)
	for _, w := range []struct {
		name    string
		workers int
	}{{"workers=1", 1}, {"workers=max", 0}} {
		b.Run(w.name, func(b *testing.B) {
			e, err := sensitivity.New(kuaishou2021.Model(), sensitivity.Options{Workers: w.workers})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.Grid(context.Background(), []string{"target"}, mau, prem); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n*n), "ns/point")
		})
	}
}

func uniform(lo, hi float64) distuv.Uniform { return distuv.Uniform{Min: lo, Max: hi} }

// BenchmarkEval is one point valued: 2021E MAU moved, the target read.
func BenchmarkEval(b *testing.B) {
	e, err := sensitivity.New(kuaishou2021.Model(), sensitivity.Options{})
	if err != nil {
		b.Fatal(err)
	}
	p := sensitivity.Point{testkit.Set(b, "forecast/2021/mau", decimal.RequireFromString("600"))}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Eval(p, "target"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTornado swings the nine 2021E assumptions and parts of the example by ±10%.
func BenchmarkTornado(b *testing.B) {
	e, err := sensitivity.New(kuaishou2021.Model(), sensitivity.Options{})
	if err != nil {
		b.Fatal(err)
	}
	swings, err := e.Swings(decimal.RequireFromString("0.1"), tornadoNames...)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Tornado(context.Background(), "target", swings...); err != nil {
			b.Fatal(err)
		}
	}
}

var tornadoNames = []string{"forecast/2021/mau", "forecast/2021/dau", "forecast/2021/ecommerce/penetration",
	"forecast/2021/ecommerce/take_rate", "part/live_streaming/average", "part/advertising/average",
	"part/ecommerce/average", "part/ecommerce/premium", "fx/USD/HKD"}

// BenchmarkGridTextInvalid renders a 40,000-cell one-way grid whose every cell fails with
// a reason of its own (DAU above MAU, at 40,000 DAU values): linear in the cells (issue 11
// item 14: finding a reason again scanned every reason noted before, 18 s).
func BenchmarkGridTextInvalid(b *testing.B) {
	e := engine(b, sensitivity.Options{MaxPoints: 1 << 20})
	g, err := e.Grid(context.Background(), []string{"target"}, sensitivity.Span("forecast/2021/dau", d("600"), d("1000"), 40000))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = g.Text("target")
	}
}

// BenchmarkNoEffectAxis is a grid of 40,000 points over an axis that moves nothing
// (2021E DAU under the report's P/MAU parts), its first half invalid (a negative DAU):
// the no-effect check is one pass over the cells. It scanned each valid cell's invalid
// predecessors before: 2.2 s at 80,000 points, growing as their square.
func BenchmarkNoEffectAxis(b *testing.B) {
	e, err := sensitivity.New(kuaishou2021.Model(), sensitivity.Options{Workers: 1})
	if err != nil {
		b.Fatal(err)
	}
	dau, err := sensitivity.ParseAxis("forecast/2021/dau=-344:344:40000")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		g, err := e.Grid(context.Background(), []string{"target"}, dau)
		if err != nil || len(g.Warnings) != 1 {
			b.Fatal(g.Warnings, err)
		}
	}
}

// BenchmarkGridAxis is a 101×101 grid of the target over one assumption × the
// e-commerce premium, one worker, for an axis of users, of an FX rate (USD/HKD, which
// converts every part) and of a bridge item (cash, on the Kuaishou model given a
// bridge): the exact kernel takes all three, so a point should cost about the same.
func BenchmarkGridAxis(b *testing.B) {
	m := kuaishou2021.Model()
	m.Bridge = valuation.Bridge{Items: []valuation.Item{{Kind: valuation.Cash, Name: "cash", Currency: "CNY", Amount: decimal.RequireFromString("40000")}}}
	_, prem := gridAxesOf(b, 101)
	benchAxes(b, m, prem, [][3]string{{"forecast/2021/mau", "450", "700"}, {"fx/USD/HKD", "7.5", "8"}, {"bridge/cash/amount", "0", "80000"}})
}

// BenchmarkGridComparablesFX is BenchmarkGridAxis on a model whose comparables are
// listed in HK$ and US$ in a US$ set (valuation/workbook/testdata/currencies.json), × the
// live-streaming premium: a moved USD/HKD or CNY/HKD converts comparables, whose
// aggregates the kernel's stage before its program works out again at each point.
func BenchmarkGridComparablesFX(b *testing.B) {
	m, err := modelfile.LoadModel(filepath.Join("..", "workbook", "testdata", "currencies.json"))
	if err != nil {
		b.Fatal(err)
	}
	prem := sensitivity.Span("part/live/premium", d("-0.5"), d("0"), 101)
	benchAxes(b, m, prem, [][3]string{{"forecast/2025/mau", "450", "700"}, {"fx/USD/HKD", "7.5", "8"}, {"fx/CNY/HKD", "1", "1.2"}})
}

// BenchmarkGridDiluted is BenchmarkGridAxis on the Kuaishou model diluted by options at
// the target and discounted over a horizon, for an axis of users, of the options' strike
// and of the horizon's rate: the exact kernel values each point, the dilution's fixed
// point and the discount in its stage after equity.
func BenchmarkGridDiluted(b *testing.B) {
	d := decimal.RequireFromString
	m := kuaishou2021.Model()
	m.Dilution = valuation.Dilution{Basis: valuation.AtTarget, Tranches: []valuation.Tranche{{Name: "options", Count: d("120"), Strike: d("300")}}}
	m.Horizon = valuation.Horizon{Rate: d("0.1"), Years: d("0.5")}
	_, prem := gridAxesOf(b, 101)
	benchAxes(b, m, prem, [][3]string{{"forecast/2021/mau", "450", "700"}, {"dilution/options/strike", "200", "400"}, {"horizon/rate", "0.05", "0.15"}})
}

// benchAxes runs a 101×101 grid of m's target over each axis (its key, from and to) ×
// the axis prem, one worker, reporting the cost of a point.
func benchAxes(b *testing.B, m valuation.Model, prem sensitivity.Axis, axes [][3]string) {
	for _, a := range axes {
		b.Run(strings.ReplaceAll(a[0], "/", "_"), func(b *testing.B) {
			axis := sensitivity.Span(a[0], d(a[1]), d(a[2]), 101)
			e, err := sensitivity.New(m, sensitivity.Options{Workers: 1})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.Grid(context.Background(), []string{"target"}, axis, prem); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(101*101), "ns/point")
		})
	}
}

// BenchmarkGridInverted is BenchmarkGridAxis on examples/models/holdco-tech.json, whose
// FX table gives USD/HKD and whose listed stake is in HK$: the kernel inverts the moved
// rate (comps.Rate.Inverse) at each point, × the cloud premium. The rate converts a
// HK-listed comparable too, whose set the kernel's head works out again at each point:
// most of an FX point's cost.
func BenchmarkGridInverted(b *testing.B) {
	m, err := modelfile.LoadModel(filepath.Join("..", "..", "examples", "models", "holdco-tech.json"))
	if err != nil {
		b.Fatal(err)
	}
	prem := sensitivity.Span("part/cloud/premium", d("-0.5"), d("0"), 101)
	benchAxes(b, m, prem, [][3]string{{"forecast/2026/mau", "1100", "1600"}, {"fx/USD/HKD", "7.5", "8"}})
}
