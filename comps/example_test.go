package comps_test

import (
	"fmt"

	"github.com/sotpkit/sotp/comps"
)

// Work out the report's e-commerce multiple: 80% of the mean P/MAU of three platforms.
func ExampleSet_Multiple() {
	m, err := comps.WestSec2021Ecommerce().Multiple()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range m.Companies {
		fmt.Println(c.Ticker, c.Multiple.StringFixed(2))
	}
	fmt.Println("mean", m.Average.StringFixed(2), "x 80% =", m.Value.StringFixed(2))
	// Output:
	// PDD US 267.04
	// 9988.HK 815.08
	// JD US 294.98
	// mean 459.03 x 80% = 367.23
}
