package valuation_test

import (
	"testing"

	"github.com/sotpkit/sotp/valuation/key"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
)

// TestResultKeys: every figure the report prints is among Result.Keys, and every key
// Keys lists writes and reads back as itself.
func TestResultKeys(t *testing.T) {
	r, err := kuaishou2021.Model().Value()
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, k := range r.Keys() {
		s := k.String()
		if back, err := key.Parse(s); err != nil || back != k {
			t.Errorf("%s reads back as %+v, %v", s, back, err)
		}
		keys[s] = true
	}
	for _, p := range kuaishou2021.Figures() {
		if !keys[p.Key] {
			t.Errorf("printed figure %s (%s, %s) is not among Keys", p.Key, p.Table, p.Row)
		}
	}
}
