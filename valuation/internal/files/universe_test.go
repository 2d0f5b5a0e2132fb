package files_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/files"
)

// universe is a peer universe: one file of made-up companies, tagged, that many sets
// select from.
const universe = `ticker,currency,market_value,mau_2021,tags
AAA US,USD,1000,100,streaming; china
BBB US,USD,2000,100,games
CCC US,USD,3000,100,streaming
DDD US,USD,4000,100,
`

// TestUniverse: a set selects its companies from a peer universe by tag, by ticker or
// both (a company listed or tagged is taken once, in the file's order), and a ticker or
// tag that selects nothing is an error at its path, a ticker with the nearest one.
func TestUniverse(t *testing.T) {
	model, err := os.ReadFile("../../modelfile/testdata/model.json")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{"universe.csv": {Data: []byte(universe)}}
	with := func(sel string) []byte {
		return bytes.Replace(model, []byte(`"file": "peers.csv"`), []byte(`"file": "universe.csv"`+sel), 1)
	}
	for _, c := range []struct {
		sel  string
		want []string
	}{
		{``, []string{"AAA US", "BBB US", "CCC US", "DDD US"}},
		{`, "tags": ["streaming"]`, []string{"AAA US", "CCC US"}},
		{`, "tickers": ["DDD US", "AAA US"], "tags": ["china", "games"]`, []string{"AAA US", "BBB US", "DDD US"}},
	} {
		r, err := files.Value(bytes.NewReader(with(c.sel)), fsys)
		if err != nil {
			t.Fatalf("%s: %v", c.sel, err)
		}
		var got []string
		for _, cm := range r.Parts[0].Multiple.Companies {
			got = append(got, cm.Ticker)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("selecting %q: %v, want %v", c.sel, got, c.want)
		}
	}
	m, err := files.Read(bytes.NewReader(with(`, "tags": ["streaming"]`)), fsys)
	if err != nil {
		t.Fatal(err)
	}
	f, err := files.FromModel(m)
	if err != nil {
		t.Fatal(err)
	}
	if cs := f.Parts[0].Comps.Companies; len(cs) != 2 || !slices.Equal(cs[0].Tags, []string{"streaming", "china"}) {
		t.Errorf("written: %+v, want the two selected companies with their tags", cs)
	}
	// A CSV cell holds the tags a JSON file may: 100, each once (a review found 101 read
	// from CSV and written to a model that did not read back).
	var many []string
	for i := range 101 {
		many = append(many, fmt.Sprintf("t%d", i))
	}
	big := fstest.MapFS{"universe.csv": {Data: []byte("ticker,currency,market_value,mau_2021,tags\nAAA US,USD,1000,100," + strings.Join(many, ";") + "\n")}}
	if _, err := files.Value(bytes.NewReader(with(``)), big); !errors.Is(err, fault.ErrTooLarge) || !strings.Contains(err.Error(), "line 2, column tags") {
		t.Errorf("101 tags: %v, want fault.ErrTooLarge at line 2, column tags", err)
	}
	twice := fstest.MapFS{"universe.csv": {Data: []byte("ticker,currency,market_value,mau_2021,tags\nAAA US,USD,1000,100,a; b;a\n")}}
	if m, err := files.Read(bytes.NewReader(with(``)), twice); err != nil || !slices.Equal(m.Parts[0].Method.(valuation.Multiple).Comps.Companies[0].Tags, []string{"a", "b"}) {
		t.Errorf("a tag twice: %v, want it once", err)
	}
	// A universe taken whole whose company lacks the set's metric: the error says how to
	// select (a new user found only "metric missing" at the file).
	gap := fstest.MapFS{"universe.csv": {Data: []byte(universe + "EEE US,USD,5000,,games\n")}}
	if _, err := files.Value(bytes.NewReader(with(``)), gap); !errors.Is(err, fault.ErrMissingMetric) || !strings.Contains(err.Error(), `select some by "tickers" or "tags"`) {
		t.Errorf("a universe taken whole: %v, want the metric missing and how to select", err)
	}
	if r, err := files.Value(bytes.NewReader(with(`, "tags": ["streaming"]`)), gap); err != nil || len(r.Parts[0].Multiple.Companies) != 2 {
		t.Errorf("the same universe by tag: %v", err)
	}
	for _, c := range []struct {
		sel, at, text string
		want          error
	}{
		{`, "tickers": ["CCC US", "BBB UK"]`, "$.parts[0].comps.tickers[1]", `(did you mean BBB US?)`, fault.ErrUnknownTicker},
		{`, "tags": ["streaming", "fintech"]`, "$.parts[0].comps.tags[1]", `no company carries the tag "fintech"`, fault.ErrInvalid},
		{`, "tags": ["Streaming"]`, "$.parts[0].comps.tags[0]", `(did you mean streaming?)`, fault.ErrInvalid},
	} {
		_, err := files.Value(bytes.NewReader(with(c.sel)), fsys)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.at) || !strings.Contains(err.Error(), c.text) {
			t.Errorf("selecting %q: %v, want %v at %s saying %s", c.sel, err, c.want, c.at, c.text)
		}
	}
}
