package files_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/sotpkit/sotp/valuation/internal/files"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
)

// FuzzDecode: no input panics or hangs the decoder, the model builder or a valuation;
// whatever decodes encodes to a fixed point.
func FuzzDecode(f *testing.F) {
	f.Add(kuaishou2021.ModelFile())
	if b, err := os.ReadFile("../../modelfile/testdata/model.json"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`{"format": "sotp/model/v1", "shares": "1e1000000000"}`))
	f.Add([]byte(`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[`))
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := files.Decode(bytes.NewReader(b))
		if err != nil {
			return
		}
		var once, twice bytes.Buffer
		if err := files.Encode(&once, file); err != nil {
			t.Fatal(err)
		}
		again, err := files.Decode(bytes.NewReader(once.Bytes()))
		if err != nil {
			t.Fatalf("encoded file does not decode: %v\n%s", err, once.String())
		}
		if err := files.Encode(&twice, again); err != nil || !bytes.Equal(once.Bytes(), twice.Bytes()) {
			t.Fatalf("encoding is not a fixed point (%v)", err)
		}
		if m, err := file.Model(nil); err == nil {
			_, _ = m.Value()
		}
	})
}

// FuzzReadCSV: no input panics or hangs the CSV reader.
func FuzzReadCSV(f *testing.F) {
	if b, err := os.ReadFile("../../modelfile/testdata/peers.csv"); err == nil {
		f.Add(string(b))
	}
	f.Add("ticker,currency,market_value,mau_2021\nA,USD,1e1000000000,0\n")
	f.Add("ticker,currency,\"multiple:mau_2021\nA")
	f.Fuzz(func(t *testing.T, s string) {
		cs, err := files.ReadCSV(strings.NewReader(s))
		for _, c := range cs {
			if err == nil && (c.Ticker == "" || c.Currency == "") {
				t.Fatalf("company without ticker or currency: %+v", c)
			}
		}
	})
}

// FuzzDecodeCompanies: no input panics or hangs the JSON comparables decoder.
func FuzzDecodeCompanies(f *testing.F) {
	f.Add(`{"format": "sotp/comps/v1", "companies": [{"ticker": "A", "currency": "USD", "market_value": "100", "metrics": {"mau_2021": "10"}}]}`)
	f.Add(`{"format": "sotp/comps/v1", "companies": [{"ticker": "A", "currency": "USD", "ads_ratio": "0", "metrics": {}}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		cs, err := files.DecodeCompanies(strings.NewReader(s))
		for _, c := range cs {
			if err == nil && (c.Ticker == "" || c.Currency == "") {
				t.Fatalf("company without ticker or currency: %+v", c)
			}
		}
	})
}
