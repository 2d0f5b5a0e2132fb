package kuaishou2021_test

import (
	"fmt"

	"github.com/sotpkit/sotp/valuation/kuaishou2021"
)

// Load the report's model, value it, and print the parts and the target.
func Example() {
	r, err := kuaishou2021.Model().Value()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range r.Parts {
		fmt.Printf("%-32s %s %s x %s = HK$%s亿\n", p.Title, p.Method, p.Multiple.Value.StringFixed(2),
			p.MetricValue.StringFixed(1), p.Value.Shift(-2).StringFixed(0))
	}
	fmt.Println(r.Summary())
	// Output:
	// Live streaming                   P/MAU 31.01 x 571.7 = HK$1365亿
	// Advertising                      P/MAU 185.97 x 571.7 = HK$8186亿
	// Other (mainly live e-commerce)   P/MAU 367.23 x 257.3 = HK$7274亿
	// Target price: HK$404.6 (upside 26.8% vs HK$319.00, Buy)
}

// Check every printed figure of the report against the model.
func ExampleFigures() {
	r, err := kuaishou2021.Model().Value()
	if err != nil {
		fmt.Println(err)
		return
	}
	matched, exceptions, surprises := r.Reconcile(kuaishou2021.Figures()).Counts()
	fmt.Println(matched, "match;", exceptions, "listed exceptions;", surprises, "surprises")
	// Output: 274 match; 2 listed exceptions; 0 surprises
}
