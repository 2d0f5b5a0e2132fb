package sensitivity_test

import (
	"context"
	"errors"
	"math"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/sensitivity"
)

// ishigami is f = sin x1 + 7 sin² x2 + 0.1 x3⁴ sin x1 with x uniform on [-π, π]³, whose
// indices are known: V = 49/8 + 0.1π⁴/5 + 0.01π⁸/18 + 1/2, V1 = (1 + 0.1π⁴/5)² / 2,
// V2 = 49/8, V3 = 0, V13 = 8 × 0.01 π⁸ / 225, and no other interaction.
func ishigami(x []float64) []float64 {
	return []float64{math.Sin(x[0]) + 7*math.Sin(x[1])*math.Sin(x[1]) + 0.1*math.Pow(x[2], 4)*math.Sin(x[0])}
}

func ishigamiInputs() []sensitivity.Variable {
	u := distuv.Uniform{Min: -math.Pi, Max: math.Pi}
	return []sensitivity.Variable{{Name: "x1", Dist: u}, {Name: "x2", Dist: u}, {Name: "x3", Dist: u}}
}

// ishigamiIndices returns the analytic first-order and total indices, and V13 / V.
func ishigamiIndices() (first, total []float64, s13 float64) {
	pi4, pi8 := math.Pow(math.Pi, 4), math.Pow(math.Pi, 8)
	v := 49.0/8 + 0.1*pi4/5 + 0.01*pi8/18 + 0.5
	v1 := 0.5 * (1 + 0.1*pi4/5) * (1 + 0.1*pi4/5)
	v13 := 8 * 0.01 * pi8 / 225
	return []float64{v1 / v, 49.0 / 8 / v, 0}, []float64{(v1 + v13) / v, 49.0 / 8 / v, v13 / v}, v13 / v
}

// sobolG is Sobol's G function, Π (|4 x_i − 2| + a_i) / (1 + a_i) with x uniform on [0,
// 1]^d: V_i = 1 / 3(1 + a_i)², V = Π (1 + V_i) − 1, S_i = V_i / V, S_Ti = V_i Π_{j≠i}
// (1 + V_j) / V, and each pair's second-order index V_i V_j / V.
var gA = []float64{0, 1, 4.5, 9, 99, 99}

func sobolG(x []float64) []float64 {
	p := 1.0
	for i, a := range gA {
		p *= (math.Abs(4*x[i]-2) + a) / (1 + a)
	}
	return []float64{p}
}

func sobolGIndices() (first, total []float64, second [][]float64) {
	vi := make([]float64, len(gA))
	prod := 1.0
	for i, a := range gA {
		vi[i] = 1 / (3 * (1 + a) * (1 + a))
		prod *= 1 + vi[i]
	}
	v := prod - 1
	second = make([][]float64, len(gA))
	for i := range gA {
		first = append(first, vi[i]/v)
		total = append(total, vi[i]*prod/(1+vi[i])/v)
		second[i] = make([]float64, len(gA))
		for j := range gA {
			second[i][j] = vi[i] * vi[j] / v
		}
	}
	return first, total, second
}

func gInputs() []sensitivity.Variable {
	var in []sensitivity.Variable
	for i := range gA {
		in = append(in, sensitivity.Variable{Name: "x" + string(rune('1'+i)), Dist: distuv.Uniform{Min: 0, Max: 1}})
	}
	return in
}

// within reports whether want lies in [lo, hi], and the interval is no wider than width.
func within(want, lo, hi, width float64) bool {
	return lo <= want && want <= hi && hi-lo <= width
}

// TestSobolDesignIshigami runs the Ishigami function through the public function path,
// with plain sampling and bootstrap intervals and with quasi-random sampling and
// replicate intervals: each analytic index lies within its 99% interval. The
// quasi-random intervals are several times narrower at the same N.
func TestSobolDesignIshigami(t *testing.T) {
	first, total, _ := ishigamiIndices()
	for _, c := range []struct {
		s     sensitivity.Sobol
		width float64 // the widest interval expected
	}{
		{sensitivity.Sobol{Samples: 1 << 14, Seed: 11}, 0.08},
		{sensitivity.Sobol{Samples: 1 << 14, Seed: 11, Sampling: sensitivity.QuasiRandom}, 0.02},
	} {
		c.s.Outputs, c.s.Inputs, c.s.Confidence = []string{"f"}, ishigamiInputs(), 0.99
		d, err := sensitivity.NewSobolDesign(c.s, sensitivity.Options{})
		if err != nil {
			t.Fatal(err)
		}
		x, err := d.Run(context.Background(), ishigami)
		if err != nil {
			t.Fatal(err)
		}
		for i, in := range x[0].Inputs {
			if !within(first[i], in.FirstLo, in.FirstHi, c.width) {
				t.Errorf("%v: %s: S1 %.4f [%.4f, %.4f], want %.4f in an interval at most %.2f wide", c.s.Sampling, in.Name, in.First, in.FirstLo, in.FirstHi, first[i], c.width)
			}
			if !within(total[i], in.TotalLo, in.TotalHi, c.width) {
				t.Errorf("%v: %s: ST %.4f [%.4f, %.4f], want %.4f in an interval at most %.2f wide", c.s.Sampling, in.Name, in.Total, in.TotalLo, in.TotalHi, total[i], c.width)
			}
		}
	}
}

// TestSobolDesignG runs Sobol's G function of six inputs, quasi-random, with second-order
// indices: every first-order, total and second-order index lies within its 99% interval.
func TestSobolDesignG(t *testing.T) {
	first, total, second := sobolGIndices()
	s := sensitivity.Sobol{Outputs: []string{"g"}, Inputs: gInputs(), Samples: 1 << 14, Seed: 3,
		Sampling: sensitivity.QuasiRandom, Second: true, Confidence: 0.99}
	d, err := sensitivity.NewSobolDesign(s, sensitivity.Options{})
	if err != nil {
		t.Fatal(err)
	}
	x, err := d.Run(context.Background(), sobolG)
	if err != nil {
		t.Fatal(err)
	}
	for i, in := range x[0].Inputs {
		if !within(first[i], in.FirstLo, in.FirstHi, 0.03) || !within(total[i], in.TotalLo, in.TotalHi, 0.03) {
			t.Errorf("%s: S1 %.4f [%.4f, %.4f] want %.4f; ST %.4f [%.4f, %.4f] want %.4f", in.Name,
				in.First, in.FirstLo, in.FirstHi, first[i], in.Total, in.TotalLo, in.TotalHi, total[i])
		}
	}
	if len(x[0].Pairs) != 15 {
		t.Fatalf("%d pairs, want 15", len(x[0].Pairs))
	}
	k := 0
	for i := range gA {
		for j := i + 1; j < len(gA); j++ {
			p := x[0].Pairs[k]
			if p.A != x[0].Inputs[i].Name || p.B != x[0].Inputs[j].Name || !within(second[i][j], p.Lo, p.Hi, 0.05) {
				t.Errorf("%s × %s: S2 %.4f [%.4f, %.4f], want %s × %s %.4f", p.A, p.B, p.Second, p.Lo, p.Hi,
					x[0].Inputs[i].Name, x[0].Inputs[j].Name, second[i][j])
			}
			k++
		}
	}
}

// TestSobolDesignGroups: Ishigami with x1 and x3 as one group, whose first-order and total
// index are both (V1 + V13) / V, since x2 enters alone.
func TestSobolDesignGroups(t *testing.T) {
	first, _, s13 := ishigamiIndices()
	in := ishigamiInputs()
	in[0].Group, in[2].Group = "x1 and x3", "x1 and x3"
	s := sensitivity.Sobol{Outputs: []string{"f"}, Inputs: in, Samples: 1 << 14, Seed: 5, Sampling: sensitivity.QuasiRandom, Confidence: 0.99}
	d, err := sensitivity.NewSobolDesign(s, sensitivity.Options{})
	if err != nil {
		t.Fatal(err)
	}
	x, err := d.Run(context.Background(), ishigami)
	if err != nil {
		t.Fatal(err)
	}
	g, x2 := x[0].Inputs[0], x[0].Inputs[1]
	if len(x[0].Inputs) != 2 || g.Name != "x1 and x3" || !cmp.Equal(g.Members, []string{"x1", "x3"}) || x2.Name != "x2" {
		t.Fatalf("factors %+v, want the group then x2", x[0].Inputs)
	}
	want := first[0] + s13
	if !within(want, g.FirstLo, g.FirstHi, 0.02) || !within(want, g.TotalLo, g.TotalHi, 0.02) {
		t.Errorf("group: S1 %.4f [%.4f, %.4f], ST %.4f [%.4f, %.4f], want both %.4f", g.First, g.FirstLo, g.FirstHi, g.Total, g.TotalLo, g.TotalHi, want)
	}
	in[1].Group = "x1"
	if _, err := sensitivity.NewSobolDesign(sensitivity.Sobol{Outputs: []string{"f"}, Inputs: in}, sensitivity.Options{}); !errors.Is(err, fault.ErrOption) {
		t.Errorf("a group named as an input: %v, want ErrOption", err)
	}
}

// TestSobolDesignPoints: outputs computed elsewhere, at the exported points, give exactly
// what Run gives; a point left NaN drops its row and is counted; the results do not
// depend on the workers.
func TestSobolDesignPoints(t *testing.T) {
	for _, how := range []sensitivity.Sampling{sensitivity.Plain, sensitivity.LatinHypercube, sensitivity.QuasiRandom} {
		s := sensitivity.Sobol{Outputs: []string{"f"}, Inputs: ishigamiInputs(), Samples: 3000, Seed: 9, Sampling: how, Second: true}
		if how == sensitivity.QuasiRandom {
			s.Replicates = 10
		} else {
			s.Bootstrap = 20
		}
		var runs [][]sensitivity.Indices
		for _, w := range []int{1, 3} {
			d, err := sensitivity.NewSobolDesign(s, sensitivity.Options{Workers: w})
			if err != nil {
				t.Fatal(err)
			}
			x, err := d.Run(context.Background(), ishigami)
			if err != nil {
				t.Fatal(err)
			}
			runs = append(runs, x)
			pts := d.Points()
			if len(pts) != d.Len() || d.Len() != 3000*8 {
				t.Fatalf("%d points, Len %d, want 24,000", len(pts), d.Len())
			}
			y := make([][]float64, len(pts))
			for i, p := range pts {
				y[i] = ishigami(p)
			}
			elsewhere, err := d.Analyze(context.Background(), y)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(x, elsewhere, cmp.Comparer(sameFloat)); diff != "" {
				t.Errorf("%v, %d workers: Run vs Analyze (-run +analyze):\n%s", how, w, diff)
			}
			y[8*7+3] = []float64{math.NaN()} // row 7's A_B for x2
			left, err := d.Analyze(context.Background(), y)
			if err != nil {
				t.Fatal(err)
			}
			if left[0].Rows != 2999 || len(left[0].Invalid) != 1 || left[0].Invalid[0].Count != 1 {
				t.Errorf("%v: one NaN output: %d rows, invalid %+v", how, left[0].Rows, left[0].Invalid)
			}
		}
		if diff := cmp.Diff(runs[0], runs[1], cmp.Comparer(sameFloat)); diff != "" {
			t.Errorf("%v: 1 worker vs 3 (-1 +3):\n%s", how, diff)
		}
	}
}

// sameFloat compares floats bit for bit, NaN equal to NaN.
func sameFloat(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

// TestSobolDesignErrors: a function that panics or returns the wrong number of outputs
// fails the run with an error, outputs of the wrong shape are refused, and the options
// are checked.
func TestSobolDesignErrors(t *testing.T) {
	s := sensitivity.Sobol{Outputs: []string{"f"}, Inputs: ishigamiInputs(), Samples: 2048}
	d, err := sensitivity.NewSobolDesign(s, sensitivity.Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := d.Run(ctx, func(x []float64) []float64 { panic("boom") }); !errors.Is(err, fault.ErrOption) {
		t.Errorf("a panicking function: %v, want ErrOption", err)
	}
	if _, err := d.Run(ctx, func(x []float64) []float64 { return x }); !errors.Is(err, fault.ErrOption) {
		t.Errorf("three outputs for one: %v, want ErrOption", err)
	}
	if _, err := d.Analyze(ctx, make([][]float64, 10)); !errors.Is(err, fault.ErrOption) {
		t.Errorf("10 outputs for %d points: %v, want ErrOption", d.Len(), err)
	}
	nan := func([]float64) []float64 { return []float64{math.NaN()} }
	if _, err := d.Run(ctx, nan); !errors.Is(err, fault.ErrInvalidDraw) {
		t.Errorf("no finite output: %v, want ErrInvalidDraw", err)
	}
	var none context.Context // nil
	if _, err := d.Run(none, ishigami); !errors.Is(err, fault.ErrOption) {
		t.Errorf("a nil context: %v, want ErrOption", err)
	}
	if _, err := d.Analyze(none, nil); !errors.Is(err, fault.ErrOption) {
		t.Errorf("Analyze with a nil context: %v, want ErrOption", err)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := d.Run(done, ishigami); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled context: %v, want context.Canceled", err)
	}
	var wide []sensitivity.Variable // 513 inputs: 1,026 uniforms a quasi-random row, over the 1,024 dimensions
	for i := range 513 {
		wide = append(wide, sensitivity.Variable{Name: "x" + strconv.Itoa(i), Dist: distuv.Uniform{Max: 1}})
	}
	if _, err := sensitivity.NewSobolDesign(sensitivity.Sobol{Outputs: []string{"f"}, Inputs: wide, Samples: 16, Sampling: sensitivity.QuasiRandom, Replicates: 2},
		sensitivity.Options{}); !errors.Is(err, fault.ErrOption) {
		t.Errorf("513 quasi-random inputs: %v, want ErrOption", err)
	}
	wide = wide[:512]
	if _, err := sensitivity.NewSobolDesign(sensitivity.Sobol{Outputs: []string{"f"}, Inputs: wide, Samples: 16, Sampling: sensitivity.QuasiRandom, Replicates: 2},
		sensitivity.Options{}); err != nil {
		t.Errorf("512 quasi-random inputs: %v", err)
	}
	for name, bad := range map[string]sensitivity.Sobol{
		"bootstrap with quasi-random": {Sampling: sensitivity.QuasiRandom, Bootstrap: 10},
		"replicates not dividing N":   {Sampling: sensitivity.QuasiRandom, Samples: 1000, Replicates: 16},
		"replicates with plain":       {Replicates: 4},
		"no outputs":                  {Outputs: []string{}},
		"unknown sampling":            {Sampling: 7},
		"too many points":             {Samples: 1 << 20},
	} {
		if bad.Outputs == nil {
			bad.Outputs = []string{"f"}
		}
		bad.Inputs = ishigamiInputs()
		if _, err := sensitivity.NewSobolDesign(bad, sensitivity.Options{MaxPoints: 1 << 20}); !errors.Is(err, fault.ErrOption) && !errors.Is(err, fault.ErrTooManyPoints) {
			t.Errorf("%s: %v, want ErrOption or ErrTooManyPoints", name, err)
		}
	}
}
