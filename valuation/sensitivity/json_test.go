package sensitivity_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/testkit"
	"github.com/sotpkit/sotp/valuation/sensitivity"
)

var snake = regexp.MustCompile(`"([A-Za-z_0-9]+)":`)

// keysSnake reports every JSON key of b that is not snake_case.
func keysSnake(t *testing.T, what string, b []byte) {
	t.Helper()
	for _, m := range snake.FindAllStringSubmatch(string(b), -1) {
		if strings.ToLower(m[1]) != m[1] {
			t.Errorf("%s: key %q is not snake_case", what, m[1])
		}
	}
}

// TestGridJSON: a grid with invalid cells writes each as its reason, its sentinel's code
// and the field at fault, and reads back with the same values and errors.Is matching.
func TestGridJSON(t *testing.T) {
	e := engine(t, sensitivity.Options{})
	g, err := e.Grid(context.Background(), []string{"target"},
		sensitivity.Axis{Name: "forecast/2021/dau", Values: []decimal.Decimal{d("300"), d("700")}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	keysSnake(t, "grid", b)
	if !strings.Contains(string(b), `"code":"dau_above_mau"`) || !strings.Contains(string(b), `"field":"dau"`) {
		t.Errorf("the invalid cell is not described: %s", b)
	}
	var back sensitivity.Grid
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Cells) != 2 || back.Cells[0].Err != nil || !back.Cells[0].Values[0].Equal(g.Cells[0].Values[0]) {
		t.Fatalf("read back %+v", back.Cells)
	}
	if !errors.Is(back.Cells[1].Err, fault.ErrDAUAboveMAU) {
		t.Errorf("the invalid cell reads back as %v", back.Cells[1].Err)
	}
	b2, err := json.Marshal(back)
	if err != nil || string(b2) != string(b) {
		t.Errorf("re-encoded:\n%s\nfirst:\n%s", b2, b)
	}
}

// TestRunJSON: tornados, scenarios, goal seeks, attributions, Monte Carlo summaries, Morris
// screenings and Sobol indices write snake_case keys; a statistic that is not a number is
// null.
func TestRunJSON(t *testing.T) {
	ctx := context.Background()
	e := engine(t, sensitivity.Options{})
	sw, err := e.Swings(d("0.1"), "forecast/2021/mau", "shares")
	if err != nil {
		t.Fatal(err)
	}
	tor, err := e.Tornado(ctx, "target", sw...)
	if err != nil {
		t.Fatal(err)
	}
	bull := valuation.Scenario{Name: "bull", Set: []valuation.Override{testkit.Set(t, "forecast/2021/mau", d("620"))}}
	cmp, err := e.Scenarios(ctx, []string{"target"}, bull)
	if err != nil {
		t.Fatal(err)
	}
	sol, err := e.Seek(ctx, sensitivity.Goal{Assumption: "forecast/2021/mau", Output: "target", Target: d("319"), Low: d("400"), High: d("700")})
	if err != nil {
		t.Fatal(err)
	}
	att, err := e.Attribute(ctx, valuation.Scenario{Name: "base"}, bull)
	if err != nil {
		t.Fatal(err)
	}
	sum := sensitivity.Summary{Output: "target", Mean: math.NaN()}
	screen := sensitivity.Screening{Output: "target", Inputs: []sensitivity.Effect{{Name: "shares", MuStarLo: math.NaN()}}}
	sobol := sensitivity.Indices{Output: "target", Inputs: []sensitivity.Index{{Name: "g", Members: []string{"a", "b"}, FirstLo: math.NaN()}},
		Pairs: []sensitivity.Pair{{A: "a", B: "b", Lo: math.NaN()}}}
	for name, v := range map[string]any{"tornado": tor, "scenarios": cmp, "seek": sol, "attribution": att, "summary": sum, "screening": screen, "sobol": sobol} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		keysSnake(t, name, b)
		if name == "summary" && !strings.Contains(string(b), `"mean":null`) {
			t.Errorf("NaN mean: %s", b)
		}
		if name == "screening" && !strings.Contains(string(b), `"mu_star_lo":null`) || name == "sobol" && !strings.Contains(string(b), `"lo":null`) {
			t.Errorf("%s: NaN bound not null: %s", name, b)
		}
	}
}
