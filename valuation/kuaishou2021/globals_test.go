package kuaishou2021_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/modelfile"
	"github.com/sotpkit/sotp/valuation/sensitivity"
)

// outputs is every text sotp makes of the report's model: the model file written back,
// the result's JSON, text and Markdown, the reconciliation, a grid's text and CSV, and
// error messages of valuation, segments and comps.
func outputs(t *testing.T) map[string]string {
	t.Helper()
	m := kuaishou2021.Model()
	var file bytes.Buffer
	if err := modelfile.Write(&file, m); err != nil {
		t.Fatal(err)
	}
	decoded, err := modelfile.Read(bytes.NewReader(kuaishou2021.ModelFile()), nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := decoded.Value()
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	e, err := sensitivity.New(m, sensitivity.Options{})
	if err != nil {
		t.Fatal(err)
	}
	axis, err := e.Around("forecast/2021/mau", decimal.New(1, -1), 3)
	if err != nil {
		t.Fatal(err)
	}
	g, err := e.Grid(context.Background(), []string{"target"}, axis)
	if err != nil {
		t.Fatal(err)
	}
	var csv bytes.Buffer
	if err := g.CSV(&csv); err != nil {
		t.Fatal(err)
	}
	tiny, err := modelfile.ParseDecimal("1.5e-30") // exponent -31: within the format's bounds
	if err != nil {
		t.Fatal(err)
	}
	// Error messages: values with trailing zeros and positive exponents, which
	// Decimal.String would print as TrimTrailingZeros and UseScientificNotation say.
	var errs []string
	bad := kuaishou2021.Model()
	bad.Shares, bad.Price = decimal.New(-415950, -2), decimal.New(-15, 2)
	if _, err := bad.Value(); err != nil {
		errs = append(errs, err.Error())
	}
	bad = kuaishou2021.Model()
	bad.Price = decimal.New(-15, 2)
	if _, err := bad.Value(); err != nil {
		errs = append(errs, err.Error())
	}
	errs = append(errs, segments.Users{MAU: decimal.New(57168, -2), DAU: decimal.New(6, 2)}.Validate().Error())
	if _, err := (comps.Company{Ticker: "X", Close: decimal.New(-3190, -1), Shares: decimal.New(1, 3)}).MarketCap(); err != nil {
		errs = append(errs, err.Error())
	}
	return map[string]string{"errors": strings.Join(errs, "\n"), "tiny decimal": fault.Plain(tiny) + " " + tiny.StringFixed(31), "model file": file.String(), "result JSON": string(js), "text": r.Text(), "markdown": r.Markdown(),
		"reconciliation": r.Reconcile(kuaishou2021.Figures()).Text(), "grid": g.Text("target"), "grid CSV": csv.String()}
}

// TestDecimalGlobalsDoNotMoveOutputs is the regression test of issue 11 item 17: every
// text sotp writes is the same whatever shopspring's package variables hold (setting
// TrimTrailingZeros made the model file write "price": "319.00", and
// MarshalJSONWithoutQuotes turned the result's decimals into bare JSON numbers). It sets
// each variable in turn, never in parallel with another test, and restores it.
func TestDecimalGlobalsDoNotMoveOutputs(t *testing.T) {
	want := outputs(t)
	for _, c := range []struct {
		name string
		set  func() func()
	}{
		{"TrimTrailingZeros", func() func() {
			v := decimal.TrimTrailingZeros
			decimal.TrimTrailingZeros = !v
			return func() { decimal.TrimTrailingZeros = v }
		}},
		{"UseScientificNotation", func() func() {
			v := decimal.UseScientificNotation
			decimal.UseScientificNotation = !v
			return func() { decimal.UseScientificNotation = v }
		}},
		{"MarshalJSONWithoutQuotes", func() func() {
			v := decimal.MarshalJSONWithoutQuotes
			decimal.MarshalJSONWithoutQuotes = !v
			return func() { decimal.MarshalJSONWithoutQuotes = v }
		}},
		{"DivisionPrecision", func() func() {
			v := decimal.DivisionPrecision
			decimal.DivisionPrecision = 2
			return func() { decimal.DivisionPrecision = v }
		}},
		// Below the file format's bounds (digits at 1e-70), above what the dataset's
		// constants need: RequireFromString reads it too.
		{"MaxDecodeExponent", func() func() {
			v := decimal.MaxDecodeExponent
			decimal.MaxDecodeExponent = 20
			return func() { decimal.MaxDecodeExponent = v }
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			restore := c.set()
			defer restore()
			got := outputs(t)
			for k, w := range want {
				if got[k] != w {
					t.Errorf("%s changed with %s", k, c.name)
				}
			}
		})
	}
}
