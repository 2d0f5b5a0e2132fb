package segments_test

import (
	"fmt"

	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/segments"
)

// Forecast one year of a two-segment plan and read the group view.
func ExamplePlan_Forecast() {
	f, err := plan().Forecast()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, y := range f.Years {
		growth := "-"
		if y.Growth.Valid {
			growth = y.Growth.Decimal.Shift(2).StringFixed(0) + "%"
		}
		fmt.Println(f.Label(y.Year), "revenue", y.Revenue.StringFixed(0), "growth", growth)
	}
	// Output:
	// 2020 revenue 2400 growth -
	// 2021E revenue 4200 growth 75%
}

// Read a line's formula as a model file writes it, work it out, and write it back.
func ExampleFormula_UnmarshalText() {
	var f segments.Formula
	if err := f.UnmarshalText([]byte("min(revenue * ebitda_margin, revenue*0.18)")); err != nil {
		fmt.Println(err)
		return
	}
	figures := map[segments.Metric]decimal.Decimal{"revenue": decimal.NewFromInt(12000), "ebitda_margin": decimal.New(2, -1)}
	v, err := f.Eval(func(m segments.Metric) decimal.Decimal { return figures[m] }, nil, "ebitda")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f, "=", v)
	// Output:
	// min(revenue * ebitda_margin, revenue * 0.18) = 2160
}
