// Command kuaishou2021 reproduces the Western Securities initiation on Kuaishou (1024.HK,
// 2021-03-03): the segment forecasts of Tables 7-9, the P/MAU valuation of Tables 11-14,
// the reconciliation of every printed figure against the computed one, the report's
// forecast held against what later happened (kuaishou2021.Actuals), and the target.
//
//	go run ./examples/kuaishou2021            plain text
//	go run ./examples/kuaishou2021 -markdown  Markdown tables
//	go run ./examples/kuaishou2021 -json      the full result as JSON
//	go run ./examples/kuaishou2021 -xlsx kuaishou.xlsx   also write the model as a workbook of live formulas
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/workbook"
)

func main() {
	markdown := flag.Bool("markdown", false, "print Markdown tables")
	asJSON := flag.Bool("json", false, "print the result as JSON")
	xlsx := flag.String("xlsx", "", "also write the model as an Excel workbook of live formulas to this file")
	flag.Parse()

	if *xlsx != "" {
		if err := writeWorkbook(*xlsx); err != nil {
			fmt.Fprintln(os.Stderr, "kuaishou2021:", err)
			os.Exit(1)
		}
	}
	m := kuaishou2021.Model()
	m.Actuals = kuaishou2021.Actuals()
	r, err := m.Value()
	if err != nil {
		fmt.Fprintln(os.Stderr, "kuaishou2021:", err)
		os.Exit(1)
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			fmt.Fprintln(os.Stderr, "kuaishou2021:", err)
			os.Exit(1)
		}
		return
	}
	rc := r.Reconcile(kuaishou2021.Figures())
	if *markdown { // the result's tables end with the forecast review
		fmt.Print(r.Markdown(), "\n", rc.Markdown(), "\n")
	} else {
		fmt.Print(r.Text(), "\n", rc.Text(), "\n")
	}
	if s := rc.Surprises(); len(s) > 0 {
		fmt.Fprintf(os.Stderr, "kuaishou2021: %d printed figures do not reproduce as expected\n", len(s))
		os.Exit(1)
	}
	fmt.Println(r.Summary())
}

func writeWorkbook(name string) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	return errors.Join(workbook.Write(f, kuaishou2021.Model(), workbook.Extras{Printed: kuaishou2021.Figures()}), f.Close())
}
