package workbook_test

import (
	"bytes"
	"fmt"

	"github.com/xuri/excelize/v2"

	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/workbook"
)

// Write the report's model as a workbook whose target is a live formula of the inputs.
func ExampleWrite() {
	var b bytes.Buffer
	if err := workbook.Write(&b, kuaishou2021.Model(), workbook.Extras{}); err != nil {
		fmt.Println(err)
		return
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.GetSheetList())
	for _, n := range f.GetDefinedName() {
		if n.Name == "TARGET" || n.Name == "MAU_2021" {
			fmt.Println(n.Name, n.RefersTo)
		}
	}
	// Output:
	// [Inputs Forecast Comps SOTP P&L Sources]
	// MAU_2021 Inputs!$E$2
	// TARGET SOTP!$F$8
}
