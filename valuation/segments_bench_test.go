package valuation_test

import (
	"fmt"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/key"
)

// manySegments is a made-up model of n advertising segments, each priced on the
// platform's MAU at one peer's multiple.
func manySegments(n int) valuation.Model {
	mau := comps.MetricYear{Name: "mau", Year: 2025}
	set := comps.Set{Name: "peers", Metric: mau, Companies: []comps.Company{
		{Ticker: "P", Currency: "USD", MarketValue: d("60000"), Metrics: map[comps.MetricYear]decimal.Decimal{mau: d("600")}}}}
	m := valuation.Model{Name: "many", Year: 2025, Currency: "USD", Shares: d("1000"),
		Plan: segments.Plan{Currency: "USD", Years: []int{2025}, Users: map[int]segments.Users{2025: {MAU: d("200"), DAU: d("80")}}}}
	for i := range n {
		name := fmt.Sprintf("s%04d", i)
		m.Plan.Segments = append(m.Plan.Segments, segments.Segment{Name: name, Title: name,
			Drivers: map[int]segments.Driver{2025: segments.Advertising{RevenuePerDAU: d("50")}}})
		m.Parts = append(m.Parts, valuation.Part{Segment: name, Method: valuation.PMAU(set)})
	}
	return m
}

// BenchmarkSegments moves one segment's premium over 1,000 values and reads the target,
// in a model of 3 and of 300 segments: a point recomputes only what the move reaches, so
// its cost should not grow with the segments it leaves alone.
func BenchmarkSegments(b *testing.B) {
	prems := make([]decimal.Decimal, 1000)
	for i := range prems {
		prems[i] = decimal.New(int64(i)-500, -3)
	}
	for _, n := range []int{3, 300} {
		b.Run(fmt.Sprintf("segments=%d", n), func(b *testing.B) {
			p, err := manySegments(n).Prepare(valuation.PrepareOptions{})
			if err != nil {
				b.Fatal(err)
			}
			q, err := p.Query([]key.Key{key.Part("s0001", "premium")}, []key.Key{key.Scalar(key.Target)})
			if err != nil {
				b.Fatal(err)
			}
			ev := q.Evaluator()
			out := make([]decimal.Decimal, 1)
			b.ReportAllocs()
			for b.Loop() {
				for _, v := range prems {
					if err := ev.Eval([]decimal.Decimal{v}, out); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(prems)), "ns/point")
		})
	}
}

// BenchmarkValueSegments values generated models of 3, 30, 300 and 3,000 segments in
// full: the cost of Model.Value should grow with the segments, not with their square.
func BenchmarkValueSegments(b *testing.B) {
	for _, n := range []int{3, 30, 300, 3000} {
		b.Run(fmt.Sprintf("segments=%d", n), func(b *testing.B) {
			m := manySegments(n)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := m.Value(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
