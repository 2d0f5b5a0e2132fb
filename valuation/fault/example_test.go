package fault_test

import (
	"fmt"

	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/valuation/fault"
)

// ExamplePlain formats decimals as errors, model files and tables write them: exactly,
// without trailing zeros or an exponent, whatever shopspring's package variables hold.
func ExamplePlain() {
	for _, d := range []decimal.Decimal{decimal.New(57168, -2), decimal.New(-20, -2), decimal.New(15, 2), decimal.New(1, -7), decimal.New(0, -3)} {
		fmt.Println(fault.Plain(d))
	}
	// Output:
	// 571.68
	// -0.2
	// 1500
	// 0.0000001
	// 0
}
