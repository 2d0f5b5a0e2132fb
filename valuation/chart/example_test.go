package chart_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/valuation/chart"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/sensitivity"
)

// Draw the tornado of the report's target over three 2021E assumptions ±10% as SVG.
func ExampleTornado() {
	e, err := sensitivity.New(kuaishou2021.Model(), sensitivity.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	swings, err := e.Swings(decimal.New(1, -1), "forecast/2021/mau", "shares", "part/ecommerce/premium")
	if err != nil {
		fmt.Println(err)
		return
	}
	t, err := e.Tornado(context.Background(), "target", swings...)
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := chart.Tornado(t, chart.Size{Width: 576, Height: 288})
	if err != nil {
		fmt.Println(err)
		return
	}
	var svg bytes.Buffer
	if err := c.SVG(&svg); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.Contains(svg.String(), `width="576pt" height="288pt"`), strings.Contains(svg.String(), "Tornado: target (base 404.6)"))
	// A tornado of nothing is an error, not an empty picture.
	_, err = chart.Tornado(sensitivity.Tornado{}, chart.Size{})
	fmt.Println(err)
	// Output:
	// true true
	// chart: tornado: no bars: cannot be charted
}
