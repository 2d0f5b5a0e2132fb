package modelfile_test

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/modelfile"
)

// Load comparables from CSV: market value from close × shares / ADS ratio where it is not
// given, printed multiples in "multiple:" columns, then aggregate them.
func ExampleReadCompanies() {
	const peers = `ticker,name,currency,close,shares,ads_ratio,market_value,mau_2021,multiple:mau_2021
HUYA US,Huya,USD,27.6,,,6500,188.4,34.41
DOYU US,DouYu,USD,15.3,,,4800,175.4,27.61
ABC US,An ADS,USD,30,600,3,,200,
`
	cs, err := modelfile.ReadCompanies(strings.NewReader(peers), ".csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	set := comps.Set{Name: "streamers", Metric: comps.MetricYear{Name: "mau", Year: 2021}, Companies: cs, Aggregate: comps.Median{}}
	m, err := set.Multiple(comps.FX{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range m.Companies {
		fmt.Printf("%-8s MV %6s  P/MAU %s (printed %v)\n", c.Ticker, c.MarketValue.StringFixed(0), c.Multiple.StringFixed(2), c.Printed)
	}
	fmt.Println(m.Aggregate, m.Value.StringFixed(2))
	// Output:
	// HUYA US  MV   6500  P/MAU 34.41 (printed true)
	// DOYU US  MV   4800  P/MAU 27.61 (printed true)
	// ABC US   MV   6000  P/MAU 30.00 (printed false)
	// median 30.00
}

// Read a model from a request body, as a service would: decoded, built and valued at
// once, every error located at its JSON path. Comparables files, if the model names any,
// come from the fs.FS given (here none: the Kuaishou file holds its comparables).
func ExampleRead() {
	m, err := modelfile.Read(strings.NewReader(string(kuaishou2021.ModelFile())), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := m.Value()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Summary())
	// DAU above MAU is the platform's error, located at the year's users.
	_, err = modelfile.Read(strings.NewReader(strings.Replace(string(kuaishou2021.ModelFile()), `"dau": "344"`, `"dau": "800"`, 1)), nil)
	fmt.Println(err)
	// A bad file is an error at the JSON path of the offending value.
	_, err = modelfile.Read(strings.NewReader(strings.Replace(string(kuaishou2021.ModelFile()), `"4159"`, `4159`, 1)), nil)
	fmt.Println(err)
	// Output:
	// Target price: HK$404.6 (upside 26.8% vs HK$319.00, Buy)
	// modelfile: $.plan.users["2021"].dau: segments: 2021: dau 800 > MAU 571.68: DAU exceeds MAU
	// modelfile: $.shares: decimal must be a JSON string, not a number: 4159
}

// Write a model built in Go as a model file: here the report's, which writes to the
// bytes of the file that ships with it.
func ExampleWrite() {
	var b bytes.Buffer
	if err := modelfile.Write(&b, kuaishou2021.Model()); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(bytes.Equal(b.Bytes(), kuaishou2021.ModelFile()))
	fmt.Println(strings.SplitN(b.String(), "\n", 3)[1])
	// Output:
	// true
	//   "format": "sotp/model/v1",
}
