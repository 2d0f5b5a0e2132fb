package comps

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

// TestWithoutEachIsOfEachRemainder: the one-pass leave-one-out of each shipped aggregate
// gives, for every comparable, exactly what Of gives on the others: the same value with
// the same exponent, on random sets with ties.
func TestWithoutEachIsOfEachRemainder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 50 {
		n := 2 + rng.IntN(40)
		cs := make([]CompanyMultiple, n)
		weights := map[string]decimal.Decimal{}
		for i := range cs {
			ticker := fmt.Sprint("T", i)
			cs[i] = CompanyMultiple{Ticker: ticker,
				Multiple:    decimal.New(int64(1+rng.IntN(5000)), -int32(rng.IntN(4))), // ties are likely
				MarketValue: decimal.New(int64(1+rng.IntN(100000)), -int32(rng.IntN(3)))}
			weights[ticker] = decimal.New(int64(rng.IntN(10)), -1)
		}
		weights["T0"] = decimal.NewFromInt(1) // no remainder weighs nothing
		weights["T1"] = decimal.NewFromInt(1)
		for _, agg := range []Aggregate{Mean{}, Median{}, Harmonic{}, MarketValueWeighted{}, WeightedMean{Weights: weights}} {
			got, err := agg.(withoutEacher).withoutEach(cs)
			if err != nil {
				t.Fatalf("trial %d, %s: %v", trial, agg.Name(), err)
			}
			for i := range cs {
				others := append(append([]CompanyMultiple(nil), cs[:i]...), cs[i+1:]...)
				want, err := agg.Of(others)
				if err != nil {
					t.Fatalf("trial %d, %s without %d: %v", trial, agg.Name(), i, err)
				}
				if !got[i].Equal(want) || got[i].Exponent() != want.Exponent() {
					t.Fatalf("trial %d, %s without %d: %s, want %s", trial, agg.Name(), i, got[i], want)
				}
			}
		}
	}
}

// TestLeaveOneOutCancelled: with its context cancelled, LeaveOneOut returns the error
// and no results, whatever the aggregate: the mean (worked out in one pass) returned its
// results with the error, the trimmed mean (one set at a time) none.
func TestLeaveOneOutCancelled(t *testing.T) {
	m := MetricYear{Name: "mau", Year: 2021}
	set := Set{Name: "s", Metric: m, Companies: []Company{
		{Ticker: "A", Currency: "USD", MarketValue: decimal.RequireFromString("100"), Metrics: map[MetricYear]decimal.Decimal{m: decimal.RequireFromString("10")}},
		{Ticker: "B", Currency: "USD", MarketValue: decimal.RequireFromString("300"), Metrics: map[MetricYear]decimal.Decimal{m: decimal.RequireFromString("10")}}}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, agg := range []Aggregate{Mean{}, Median{}, Trimmed{}} {
		set.Aggregate = agg
		full, avgs, err := set.LeaveOneOut(ctx, FX{})
		if !errors.Is(err, context.Canceled) || len(full.Companies) != 0 || avgs != nil {
			t.Errorf("%s: %v with %d companies and averages %v, want context.Canceled alone", agg.Name(), err, len(full.Companies), avgs)
		}
	}
}
