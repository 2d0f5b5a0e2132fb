package run_test

import (
	"context"
	"fmt"
	"strings"
	"testing/fstest"

	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/run"
)

// Run a run file on the report's model, named beside it: a goal seek of the 2021E MAU
// at which the target is the HK$319 price, and a tornado of the target.
func ExampleRead() {
	const file = `{
  "format": "sotp/run/v1",
  "model_file": "kuaishou.json",
  "seek": {"assumption": "forecast/2021/mau", "output": "target", "target": "319", "low": "400", "high": "600"},
  "tornado": {"outputs": ["target"], "swings": [
    {"name": "forecast/2021/mau", "pct": "0.1"},
    {"name": "part/ecommerce/premium", "low": "-0.3", "high": "-0.1"}
  ]}
}`
	fsys := fstest.MapFS{"kuaishou.json": {Data: kuaishou2021.ModelFile()}}
	r, err := run.Read(context.Background(), strings.NewReader(file), fsys)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("target HK$%s; HK$319 at 2021E MAU %sm\n", r.Result.Target.StringFixed(1), r.Seek.Value.StringFixed(1))
	for _, b := range r.Tornado[0].Bars {
		fmt.Printf("%-24s %s to %s\n", b.Name, b.Low.Values[0].StringFixed(1), b.High.Values[0].StringFixed(1))
	}
	// A bad analysis is an error at its JSON path.
	_, err = run.Read(context.Background(), strings.NewReader(strings.Replace(file, `"low": "400"`, `"low": 400`, 1)), fsys)
	fmt.Println(err)
	// Output:
	// target HK$404.6; HK$319 at 2021E MAU 450.8m
	// forecast/2021/mau        364.1 to 445.0
	// part/ecommerce/premium   382.7 to 426.4
	// modelfile: $.seek.low: decimal must be a JSON string, not a number: 400
}
