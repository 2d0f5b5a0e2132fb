package segments_test

import "fmt"

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
