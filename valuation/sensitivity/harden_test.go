package sensitivity_test

// Regression tests of issue 11 (hardening): each names the item it guards.

import (
	"context"
	"errors"
	"testing"

	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/sensitivity"
)

// Item 7: the swing of a negative assumption (the e-commerce discount, -20%) has its
// lesser end as Low.
func TestSwingOfNegativeBase(t *testing.T) {
	e := engine(t, sensitivity.Options{})
	sw, err := e.Swings(d("1"), "part/ecommerce/premium")
	if err != nil {
		t.Fatal(err)
	}
	if got := sw[0]; !got.Low.Equal(d("-0.4")) || !got.High.Equal(d("0")) {
		t.Errorf("swing of -0.2 by 100%% = [%s, %s], want [-0.4, 0]", got.Low, got.High)
	}
}

// Item 10: Grid.Cell refuses indices of the wrong number or out of range, where it
// returned another cell or panicked; Grid.Text of an output the grid lacks, and of the
// zero Grid, does not panic.
func TestGridCellAndTextBounds(t *testing.T) {
	e := engine(t, sensitivity.Options{})
	mau, err := e.Around("forecast/2021/mau", d("0.1"), 3)
	if err != nil {
		t.Fatal(err)
	}
	prem, err := e.Around("part/ecommerce/premium", d("0.1"), 3)
	if err != nil {
		t.Fatal(err)
	}
	g, err := e.Grid(context.Background(), []string{"target"}, mau, prem)
	if err != nil {
		t.Fatal(err)
	}
	for _, idx := range [][]int{{0, 5}, {0, 99}, {-1, 0}, {0}, {0, 0, 0}} {
		if _, err := g.Cell(idx...); !errors.Is(err, sensitivity.ErrOption) {
			t.Errorf("Cell(%v) = %v, want ErrOption", idx, err)
		}
	}
	if c, err := g.Cell(2, 2); err != nil || c.Err != nil {
		t.Errorf("Cell(2, 2) = %v, %v", c, err)
	}
	if _, err := (sensitivity.Grid{}).Cell(); !errors.Is(err, sensitivity.ErrOption) {
		t.Errorf("Grid{}.Cell() = %v, want ErrOption", err)
	}
	for _, s := range []string{g.Text("sum"), g.Markdown("sum"), sensitivity.Grid{}.Text("target"), sensitivity.Grid{}.Markdown("target")} {
		if s == "" {
			t.Error("empty rendering")
		}
	}
}

// Item 16: an engine does not alias the caller's model: changing the model's maps after
// New changes neither Eval nor Result.
func TestEngineOwnsItsModel(t *testing.T) {
	m := kuaishou2021.Model()
	e, err := sensitivity.New(m, sensitivity.Options{})
	if err != nil {
		t.Fatal(err)
	}
	before, err := e.Eval(nil, "target")
	if err != nil {
		t.Fatal(err)
	}
	u := m.Plan.Users[2021]
	u.MAU = u.MAU.Mul(d("2"))
	m.Plan.Users[2021] = u
	for _, s := range m.Plan.Segments {
		delete(s.Drivers, 2021)
	}
	after, err := e.Eval(nil, "target")
	if err != nil {
		t.Fatal(err)
	}
	if !after[0].Equal(before[0]) || !e.Result().Target.Equal(before[0]) {
		t.Errorf("target moved with the caller's model: %s, then %s (Result %s)", before[0], after[0], e.Result().Target)
	}
}

// Item 10 (options): a bad option names the option.
func TestOptionErrorsNameTheOption(t *testing.T) {
	for _, c := range []struct {
		o    sensitivity.Options
		name string
	}{{sensitivity.Options{MaxPoints: -3}, "options.MaxPoints"}, {sensitivity.Options{Workers: -1}, "options.Workers"}} {
		_, err := sensitivity.New(kuaishou2021.Model(), c.o)
		var ae *sensitivity.AssumptionError
		if !errors.As(err, &ae) || ae.Name != c.name || !errors.Is(err, sensitivity.ErrOption) {
			t.Errorf("New(%+v) = %v, want an ErrOption naming %s", c.o, err, c.name)
		}
	}
}
