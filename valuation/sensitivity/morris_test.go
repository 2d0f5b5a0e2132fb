package sensitivity_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/sensitivity"
)

// TestMorrisLinear: for y = x1 + 2 x2 with x uniform on [0, 1]³, every step of half the
// probability range moves x_i by ½, so every elementary effect is exactly the
// coefficient: mu = mu* = 1, 2 and 0, sigma 0, whatever the trajectories.
func TestMorrisLinear(t *testing.T) {
	u := distuv.Uniform{Min: 0, Max: 1}
	m := sensitivity.Morris{Outputs: []string{"y"}, Inputs: []sensitivity.Variable{{Name: "x1", Dist: u}, {Name: "x2", Dist: u}, {Name: "x3", Dist: u}},
		Trajectories: 30, Levels: 6, Seed: 4}
	d, err := sensitivity.NewMorrisDesign(m, sensitivity.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := d.Run(context.Background(), func(x []float64) []float64 { return []float64{x[0] + 2*x[1]} })
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{1, 2, 0} {
		e := s[0].Inputs[i]
		if math.Abs(e.Mu-want) > 1e-12 || math.Abs(e.MuStar-want) > 1e-12 || e.Sigma > 1e-12 || math.Abs(e.MuStarLo-want) > 1e-12 {
			t.Errorf("%s: %+v, want mu = mu* = %v, sigma 0", e.Name, e, want)
		}
	}
	if got := s[0].Ranked(); got[0].Name != "x2" || got[1].Name != "x1" || got[2].Name != "x3" {
		t.Errorf("ranked %v, want x2, x1, x3", got)
	}
	if s[0].Trajectories != 30 || s[0].Intervals != "bootstrap" {
		t.Errorf("%d trajectories, intervals %q", s[0].Trajectories, s[0].Intervals)
	}
	// x2 and x3 as one group step together, both up or both down by ½: the group's every
	// effect is 2 + 3 = 5, signed, of y = x1 + 2 x2 + 3 x3; x1's stays 1.
	m.Inputs[1].Group, m.Inputs[2].Group = "x2 and x3", "x2 and x3"
	d, err = sensitivity.NewMorrisDesign(m, sensitivity.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 30*3 {
		t.Errorf("Len %d, want 90: three points a trajectory for two factors", d.Len())
	}
	s, err = d.Run(context.Background(), func(x []float64) []float64 { return []float64{x[0] + 2*x[1] + 3*x[2]} })
	if err != nil {
		t.Fatal(err)
	}
	if len(s[0].Inputs) != 2 {
		t.Fatalf("%d factors, want 2", len(s[0].Inputs))
	}
	for i, want := range []float64{1, 5} {
		e := s[0].Inputs[i]
		if math.Abs(e.Mu-want) > 1e-12 || math.Abs(e.MuStar-want) > 1e-12 || e.Sigma > 1e-12 {
			t.Errorf("%s %v: %+v, want mu = mu* = %v, sigma 0", e.Name, e.Members, e, want)
		}
	}
	if g := s[0].Inputs[1]; g.Name != "x2 and x3" || !slices.Equal(g.Members, []string{"x2", "x3"}) {
		t.Errorf("group %q of %v", g.Name, g.Members)
	}
}

// TestMorrisG: on Sobol's G function the importance of x_i falls as a_i rises (0, 1,
// 4.5, 9, 99, 99), and mu* ranks them so; its points exported and analysed elsewhere give
// exactly what Run gives, for 1 and 3 workers.
func TestMorrisG(t *testing.T) {
	var runs [][]sensitivity.Screening
	for _, w := range []int{1, 3} {
		d, err := sensitivity.NewMorrisDesign(sensitivity.Morris{Outputs: []string{"g"}, Inputs: gInputs(), Trajectories: 50, Seed: 8}, sensitivity.Options{Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		s, err := d.Run(context.Background(), sobolG)
		if err != nil {
			t.Fatal(err)
		}
		pts := d.Points()
		if len(pts) != d.Len() || d.Len() != 50*7 {
			t.Fatalf("%d points, Len %d, want 350", len(pts), d.Len())
		}
		y := make([][]float64, len(pts))
		for i, p := range pts {
			y[i] = sobolG(p)
		}
		elsewhere, err := d.Analyze(context.Background(), y)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(s, elsewhere, cmp.Comparer(sameFloat)); diff != "" {
			t.Errorf("%d workers: Run vs Analyze (-run +analyze):\n%s", w, diff)
		}
		y[7*3+2] = []float64{math.Inf(1)}
		left, err := d.Analyze(context.Background(), y)
		if err != nil {
			t.Fatal(err)
		}
		if left[0].Trajectories != 49 || len(left[0].Invalid) != 1 {
			t.Errorf("one output infinite: %d trajectories, invalid %+v", left[0].Trajectories, left[0].Invalid)
		}
		runs = append(runs, s)
	}
	if diff := cmp.Diff(runs[0], runs[1], cmp.Comparer(sameFloat)); diff != "" {
		t.Errorf("1 worker vs 3 (-1 +3):\n%s", diff)
	}
	var names []string
	for _, e := range runs[0][0].Ranked()[:4] {
		names = append(names, e.Name)
	}
	if !slices.Equal(names, []string{"x1", "x2", "x3", "x4"}) {
		t.Errorf("ranked %v, want x1 to x4 in order", runs[0][0].Ranked())
	}
}

// TestMorrisKuaishou screens every assumption of the Kuaishou model with a non-zero base,
// each uniform on ±20% of it: those the target does not depend on (earlier years'
// drivers, the P&L's share counts, DAU under P/MAU) have effects of exactly 0, and the
// four greatest are the ones the P/MAU target is a product of: 2021E MAU, USD/HKD, the
// share count and the advertising average.
func TestMorrisKuaishou(t *testing.T) {
	e, err := sensitivity.New(kuaishou2021.Model(), sensitivity.Options{})
	if err != nil {
		t.Fatal(err)
	}
	in := everyAssumption(t, e, "0.2")
	s, err := e.Morris(context.Background(), sensitivity.Morris{Outputs: []string{"target"}, Inputs: in, Trajectories: 20, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range s[0].Inputs {
		moves := strings.HasPrefix(x.Name, "forecast/2021/") && !strings.HasSuffix(x.Name, "/dau") || !strings.HasPrefix(x.Name, "forecast/") && !strings.HasPrefix(x.Name, "pnl/")
		if !moves && (x.MuStar != 0 || x.Sigma != 0) {
			t.Errorf("%s: mu* %v sigma %v, want 0: the target does not depend on it", x.Name, x.MuStar, x.Sigma)
		}
	}
	var top []string
	for _, x := range s[0].Ranked()[:4] {
		top = append(top, x.Name)
	}
	slices.Sort(top)
	if want := []string{"forecast/2021/mau", "fx/USD/HKD", "part/advertising/average", "shares"}; !slices.Equal(top, want) {
		t.Errorf("top four %v, want %v:\n%s", top, want, s[0].Text())
	}
}

// everyAssumption returns each of the engine's assumptions with a non-zero base as an
// input uniform on base × (1 ± pct).
func everyAssumption(t *testing.T, e *sensitivity.Engine, pct string) []sensitivity.Variable {
	t.Helper()
	var names []string
	for _, a := range e.Assumptions() {
		if !a.Base.IsZero() {
			names = append(names, a.Key.String())
		}
	}
	sw, err := e.Swings(decimal.RequireFromString(pct), names...)
	if err != nil {
		t.Fatal(err)
	}
	return sensitivity.Uniforms(sw)
}

// TestMorrisErrors: bad options, a failing function and outputs of the wrong shape are
// errors.
func TestMorrisErrors(t *testing.T) {
	u := distuv.Uniform{Min: 0, Max: 1}
	in := []sensitivity.Variable{{Name: "a", Dist: u}, {Name: "b", Dist: u}}
	for name, m := range map[string]sensitivity.Morris{
		"odd levels":      {Levels: 5},
		"one trajectory":  {Trajectories: 1},
		"confidence 1":    {Confidence: 1},
		"no outputs":      {Outputs: []string{}},
		"bootstrap -2":    {Bootstrap: -2},
		"too many points": {Trajectories: 1 << 20},
	} {
		if m.Outputs == nil {
			m.Outputs = []string{"y"}
		}
		m.Inputs = in
		if _, err := sensitivity.NewMorrisDesign(m, sensitivity.Options{MaxPoints: 1 << 20}); !errors.Is(err, fault.ErrOption) && !errors.Is(err, fault.ErrTooManyPoints) {
			t.Errorf("%s: %v, want ErrOption or ErrTooManyPoints", name, err)
		}
	}
	d, err := sensitivity.NewMorrisDesign(sensitivity.Morris{Outputs: []string{"y"}, Inputs: in}, sensitivity.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := d.Run(ctx, func([]float64) []float64 { panic("boom") }); !errors.Is(err, fault.ErrOption) {
		t.Errorf("a panicking function: %v, want ErrOption", err)
	}
	if _, err := d.Run(ctx, func([]float64) []float64 { return []float64{math.NaN()} }); !errors.Is(err, fault.ErrInvalidDraw) {
		t.Errorf("no finite output: %v, want ErrInvalidDraw", err)
	}
	if _, err := d.Analyze(ctx, [][]float64{{1}}); !errors.Is(err, fault.ErrOption) {
		t.Errorf("one output for %d points: %v, want ErrOption", d.Len(), err)
	}
	e, err := sensitivity.New(kuaishou2021.Model(), sensitivity.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Morris(ctx, sensitivity.Morris{Outputs: []string{"target"}, Inputs: []sensitivity.Variable{{Name: "nope", Dist: u}}}); err == nil {
		t.Error("an unknown assumption: no error")
	}
}

// TestMorrisInvalid: a trajectory that passes through a point the decimal engine would
// refuse (2021E DAU above MAU) is left out and counted by its reason, or fails the run with
// FailOnInvalid; the same holds for quasi-random Sobol rows.
func TestMorrisInvalid(t *testing.T) {
	e, err := sensitivity.New(kuaishou2021.Model(), sensitivity.Options{})
	if err != nil {
		t.Fatal(err)
	}
	in := []sensitivity.Variable{
		{Name: "forecast/2021/mau", Dist: distuv.Uniform{Min: 500, Max: 650}},
		{Name: "forecast/2021/dau", Dist: distuv.Uniform{Min: 300, Max: 600}},
	}
	m := sensitivity.Morris{Outputs: []string{"target"}, Inputs: in, Trajectories: 40, Seed: 3}
	s, err := e.Morris(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	if len(s[0].Invalid) != 1 || !strings.Contains(s[0].Invalid[0].Reason, "dau") || s[0].Trajectories+s[0].Invalid[0].Count != 40 || s[0].Trajectories < 2 {
		t.Errorf("%d trajectories, invalid %+v", s[0].Trajectories, s[0].Invalid)
	}
	m.FailOnInvalid = true
	if _, err := e.Morris(context.Background(), m); !errors.Is(err, fault.ErrInvalidDraw) {
		t.Errorf("FailOnInvalid: %v, want ErrInvalidDraw", err)
	}
	x, err := e.Sobol(context.Background(), sensitivity.Sobol{Outputs: []string{"target"}, Inputs: in, Samples: 1024, Sampling: sensitivity.QuasiRandom})
	if err != nil {
		t.Fatal(err)
	}
	if len(x[0].Invalid) != 1 || x[0].Rows+x[0].Invalid[0].Count != 1024 {
		t.Errorf("sobol: %d rows, invalid %+v", x[0].Rows, x[0].Invalid)
	}
}

// TestMorrisHugeEffects: elementary effects of 2^1023 and more (a step of 5e307 over a
// level's width) are summed without overflow and give finite statistics; effects spread
// beyond the range of float64 fail the run with ErrInvalidDraw naming the factor, never
// returning NaN or +Inf.
func TestMorrisHugeEffects(t *testing.T) {
	u := distuv.Uniform{Min: 0, Max: 1}
	d, err := sensitivity.NewMorrisDesign(sensitivity.Morris{Outputs: []string{"y"}, Trajectories: 20, Seed: 1, Bootstrap: 10,
		Inputs: []sensitivity.Variable{{Name: "a", Dist: u}, {Name: "b", Dist: u}}}, sensitivity.Options{})
	if err != nil {
		t.Fatal(err)
	}
	step := func(x []float64) []float64 {
		if x[0] > 0.5 {
			return []float64{5e307 + x[1]}
		}
		return []float64{x[1]}
	}
	s, err := d.Run(context.Background(), step)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range s[0].Inputs {
		for _, v := range []float64{e.Mu, e.MuStar, e.Sigma, e.MuStarLo, e.MuStarHi} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("%s: %+v, want finite statistics", e.Name, e)
			}
		}
	}
	spread := func(x []float64) []float64 {
		if x[0] > 0.5 {
			return []float64{math.MaxFloat64 * (x[1] - 0.5)}
		}
		return []float64{-math.MaxFloat64 * (x[1] - 0.5)}
	}
	if _, err := d.Run(context.Background(), spread); !errors.Is(err, fault.ErrInvalidDraw) {
		t.Errorf("effects of ±1.8e308 and more: %v, want fault.ErrInvalidDraw", err)
	}
}
