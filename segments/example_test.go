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

// An Algebra works a formula out in a domain of the caller's, by the one walk the
// forecast's decimals take: here the formula written out with each figure's value.
func ExampleAlgebra_Fold() {
	var f segments.Formula
	if err := f.UnmarshalText([]byte("min(revenue * ebitda_margin, revenue * 0.18)")); err != nil {
		fmt.Println(err)
		return
	}
	join := func(sep string) func(a, b string) string { return func(a, b string) string { return a + sep + b } }
	text := segments.Algebra[string]{
		Const: func(c decimal.Decimal) string { return c.String() },
		Add:   join(" + "), Mul: join(" × "), Min: join(", "), Max: join(", "),
		Quo: func(num, den string) (string, error) { return num + " / " + den, nil },
		Group: func(op segments.Op, x string) string {
			if op == segments.OpMin {
				return "min(" + x + ")"
			}
			return x
		},
	}
	values := map[segments.Metric]string{"revenue": "12000", "ebitda_margin": "0.2"}
	s, _ := text.Fold(f, func(m segments.Metric) string { return values[m] }, nil)
	v, _ := f.Eval(func(m segments.Metric) decimal.Decimal { return decimal.RequireFromString(values[m]) }, nil, "ebitda")
	fmt.Println(s, "=", v)
	// Output:
	// min(12000 × 0.2, 12000 × 0.18) = 2160
}
