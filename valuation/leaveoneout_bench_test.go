package valuation_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/valuation"
)

// BenchmarkLeaveOneOut1000 leaves each of 1,000 comparables out of a mean P/MAU part in
// turn: one pricing of the set and one pass of sums less one term.
func BenchmarkLeaveOneOut1000(b *testing.B) {
	m := madeUp()
	mau := comps.MetricYear{Name: "mau", Year: 2025}
	set := comps.Set{Name: "many", Metric: mau}
	for i := range 1000 {
		set.Companies = append(set.Companies, comps.Company{Ticker: fmt.Sprint("T", i), Currency: comps.USD,
			MarketValue: decimal.NewFromInt(int64(1000 + i)), Metrics: map[comps.MetricYear]decimal.Decimal{mau: decimal.NewFromInt(int64(10 + i%7))}})
	}
	m.Parts[0] = valuation.Part{Segment: "live", Method: valuation.PMAU(set)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.LeaveOneOut(context.Background(), "live"); err != nil {
			b.Fatal(err)
		}
	}
}
