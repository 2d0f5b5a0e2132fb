package run_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/run"
)

// TestRunAsOf: a run names a market and a date for its model: the report's model as of
// 2021-03-09 from valuation/kuaishou2021's testdata market is HK$445.0 (its TestAsOf works
// it by hand), and the run's tornado turns around that base. A bad date is located at
// $.as_of, a date before every quote at $.as_of too.
func TestRunAsOf(t *testing.T) {
	market, err := os.ReadFile("../kuaishou2021/testdata/market.csv")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{"kuaishou.json": {Data: kuaishou2021.ModelFile()}, "market.csv": {Data: market}}
	doc := func(date string) string {
		return `{"format": "sotp/run/v1", "model_file": "kuaishou.json", "market": {"file": "market.csv"}, "as_of": "` + date + `",
			"tornado": {"outputs": ["target"], "swings": [{"name": "forecast/2021/mau", "low": "500", "high": "600"}]}}`
	}
	rep, err := run.Read(context.Background(), strings.NewReader(doc("2021-03-09")), fsys)
	if err != nil {
		t.Fatal(err)
	}
	if got := rep.Result.Target.StringFixed(1); got != "445.0" || rep.Result.AsOf != "2021-03-09" {
		t.Errorf("as of %s: %s, want 445.0 as of 2021-03-09", rep.Result.AsOf, got)
	}
	for _, c := range []struct{ date, text string }{
		{"9 March 2021", "$.as_of"},
		{"2021-03-01", "no quote on or before 2021-03-01"},
	} {
		_, err := run.Read(context.Background(), strings.NewReader(doc(c.date)), fsys)
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Path != "$.as_of" || !strings.Contains(err.Error(), c.text) {
			t.Errorf("as of %q: %v, want an error at $.as_of saying %s", c.date, err, c.text)
		}
	}
}
