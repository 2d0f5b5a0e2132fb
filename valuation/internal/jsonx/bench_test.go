package jsonx_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/sensitivity"
	"gonum.org/v1/gonum/stat/distuv"
)

// benchMarshal measures m, which writes one value, reporting the bytes written a second
// and the allocations of one call.
func benchMarshal(b *testing.B, m json.Marshaler) {
	out, err := m.MarshalJSON()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(out)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.MarshalJSON(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkResult is the Kuaishou result as POST /v1/value writes it (about 20 KB): the
// forecast of every year, the parts, the P&L.
func BenchmarkResult(b *testing.B) {
	r, err := kuaishou2021.Model().Value()
	if err != nil {
		b.Fatal(err)
	}
	benchMarshal(b, r)
}

// BenchmarkGrid101 is a 101×101 grid of the target over 2021E MAU and the e-commerce
// premium: 10,201 cells, each written by Cell.MarshalJSON, which calls Marshal again.
func BenchmarkGrid101(b *testing.B) {
	e, err := sensitivity.New(kuaishou2021.Model(), sensitivity.Options{})
	if err != nil {
		b.Fatal(err)
	}
	d := decimal.RequireFromString
	g, err := e.Grid(context.Background(), []string{"target"},
		sensitivity.Span("forecast/2021/mau", d("450"), d("700"), 101), sensitivity.Span("part/ecommerce/premium", d("-0.5"), d("0"), 101))
	if err != nil {
		b.Fatal(err)
	}
	benchMarshal(b, g)
}

// BenchmarkSummary is a Monte Carlo summary of 10,000 draws kept as samples: floats.
func BenchmarkSummary(b *testing.B) {
	e, err := sensitivity.New(kuaishou2021.Model(), sensitivity.Options{})
	if err != nil {
		b.Fatal(err)
	}
	s, err := e.MonteCarlo(context.Background(), sensitivity.MonteCarlo{
		Output: "target",
		Inputs: []sensitivity.Variable{
			{Name: "forecast/2021/mau", Dist: distuv.Normal{Mu: 571.68, Sigma: 30}},
			{Name: "part/ecommerce/premium", Dist: distuv.Uniform{Min: -0.4, Max: 0}},
		},
		Draws: 10_000, Seed: 1, KeepSamples: true, Bins: 50,
	})
	if err != nil {
		b.Fatal(err)
	}
	benchMarshal(b, s)
}
