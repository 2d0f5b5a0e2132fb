package kuaishou2021_test

import (
	"testing"

	"github.com/sotpkit/sotp/valuation/kuaishou2021"
)

// TestReviewOfTheReport holds the report's 2022E against what happened, by hand:
//
//	2022 MAU       616.9 forecast,      597 actual (Q1):  −19.9, −3.2%, within 5%
//	2022 DAU       384,                 345 (Q1):         −39,  −10.2%, outside
//	2022 ads       73,312.1 (RMB m),    49,024.39:     −24,288, −33.1%, outside
//	2022 GMV       983,900,            898,021.31:     −85,879,  −8.7%, within 10%
//
// The users were nearly right and advertising a third too high. The target prices 2021
// MAU, so a 2022 user figure leaves it at HK$404.6. 2023's figures have no forecast.
func TestReviewOfTheReport(t *testing.T) {
	m := kuaishou2021.Model()
	m.Actuals = kuaishou2021.Actuals()
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct{ pct, verdict, target string }{
		"forecast/2022/mau":                 {"-0.032", "within", "404.6"},
		"forecast/2022/dau":                 {"-0.102", "outside", "404.6"},
		"forecast/2022/advertising/revenue": {"-0.331", "outside", ""},
		"forecast/2022/ecommerce/gmv":       {"-0.087", "within", ""},
		"forecast/2023/mau":                 {"", "", ""},
		"forecast/2023/revenue":             {"", "", ""},
		"forecast/2023/advertising/revenue": {"", "", ""},
		"forecast/2023/ecommerce/gmv":       {"", "", ""},
	}
	if len(r.Review) != len(want) {
		t.Fatalf("%d review lines, want %d", len(r.Review), len(want))
	}
	for _, l := range r.Review {
		w := want[l.Key.String()]
		pct, target := "", ""
		if l.Pct.Valid {
			pct = l.Pct.Decimal.StringFixed(3)
		}
		if l.Target.Valid {
			target = l.Target.Decimal.StringFixed(1)
		}
		if pct != w.pct || l.Verdict != w.verdict || target != w.target {
			t.Errorf("%s: %s %q, target %s; want %s %q, %s", l.Key, pct, l.Verdict, target, w.pct, w.verdict, w.target)
		}
		if l.Source == "" {
			t.Errorf("%s has no source", l.Key)
		}
	}
	if got := r.Target.StringFixed(1); got != "404.6" {
		t.Errorf("the review moved the target to %s", got)
	}
}
