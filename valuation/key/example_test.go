package key_test

import (
	"fmt"

	"github.com/sotpkit/sotp/valuation/key"
)

// Parse reads a figure or assumption key; String writes it back.
func ExampleParse() {
	k, err := key.Parse("forecast/2021/ecommerce/gmv/growth")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(k.Space == key.SpaceForecast, k.Year, k.Segment, k.Name, k.Growth)
	fmt.Println(k)
	// Output:
	// true 2021 ecommerce gmv true
	// forecast/2021/ecommerce/gmv/growth
}
