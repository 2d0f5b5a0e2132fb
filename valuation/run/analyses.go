package run

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"

	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/files"
	"github.com/sotpkit/sotp/valuation/key"
	"github.com/sotpkit/sotp/valuation/sensitivity"
)

// A run file's analyses: each section's JSON form (a type the decoder fills), what it
// builds for the engine when the file is decoded, its points and its run.

// analysis is one analysis of a run file as the engine's request: built when the file is
// decoded, from what can be checked without the model, so that its points are counted
// before any work; then run on the engine, its answer written into the report.
type analysis interface {
	points() (int, error)
	run(ctx context.Context, e *sensitivity.Engine, out *Report) error
}

// section is an analysis and the JSON path of the section that asked for it.
type section struct {
	path string
	analysis
}

// analyses builds the file's analyses, in the order they run, and the warnings of the
// spellings they used that are deprecated.
func (f document) analyses() (out []section, _ []valuation.Warning, _ error) {
	var warnings []valuation.Warning
	warn := func(w valuation.Warning) { warnings = append(warnings, w) }
	for _, b := range []struct {
		path  string
		given bool
		build func() (analysis, error)
	}{
		{"$.grid", f.Grid != nil, func() (analysis, error) { return f.Grid.build() }},
		{"$.tornado", f.Tornado != nil, func() (analysis, error) { return f.Tornado.build(warn) }},
		{"$.scenarios", f.Scenarios != nil, func() (analysis, error) { return f.Scenarios.build() }},
		{"$.seek", f.Seek != nil, func() (analysis, error) { return f.Seek.build(), nil }},
		{"$.monte_carlo", f.MonteCarlo != nil, func() (analysis, error) { return f.MonteCarlo.build(warn) }},
		{"$.weighted", len(f.Weighted) > 0, func() (analysis, error) { return weighted(f.Weighted) }},
		{"$.sobol", f.Sobol != nil, func() (analysis, error) { return f.Sobol.build() }},
		{"$.morris", f.Morris != nil, func() (analysis, error) { return f.Morris.build() }},
		{"$.shapley", f.Shapley != nil, func() (analysis, error) { return f.Shapley.build() }},
	} {
		if !b.given {
			continue
		}
		a, err := b.build()
		if err != nil {
			return nil, nil, err
		}
		out = append(out, section{b.path, a})
	}
	return out, warnings, nil
}

// at locates err at a run file's path.
func at(path string, err error) error { return &fault.Error{Pkg: "modelfile", Path: path, Err: err} }

// within locates err at the path of the section whose analysis failed, unless the
// analysis located it more closely (a tornado's swing).
func within(path string, err error) error {
	if fe, ok := err.(*fault.Error); ok && fe.Pkg == "modelfile" && fe.Path != "" {
		return err
	}
	return at(path, err)
}

// invalid is fault.ErrInvalid at path, saying what.
func invalid(path, what string) error {
	return at(path, fmt.Errorf("%w: %s", fault.ErrInvalid, what))
}

// outputsOf is an analysis's outputs: the list, or the one output of the spelling before
// it, with a warning; exactly one of the two.
func outputsOf(path string, outputs []string, output string, warn func(valuation.Warning)) ([]string, error) {
	switch {
	case (output == "") == (len(outputs) == 0):
		return nil, invalid(path+".outputs", "give outputs (or, as files before it did, output), one of the two")
	case output == "":
		return outputs, nil
	}
	warn(valuation.Warning{Code: WarnDeprecated,
		Message: path + ".output is deprecated: write \"outputs\": [" + strconv.Quote(output) + "], as every analysis does"})
	return []string{output}, nil
}

// grid is a grid of one or more axes.
type grid struct {
	Outputs []string `json:"outputs" max:"100"`
	Axes    []axis   `json:"axes" max:"10"`
}

// axis is one assumption swept: its values listed, or from From to To in Steps even
// steps (both ends included) — one of the two.
type axis struct {
	Name   string          `json:"name"`
	Values []files.Decimal `json:"values,omitempty" max:"100000"`
	From   *files.Decimal  `json:"from,omitempty"`
	To     *files.Decimal  `json:"to,omitempty"`
	Steps  int             `json:"steps,omitempty"`
}

// tornado moves each swing's assumption alone to its low and high value, a tornado an
// output.
type tornado struct {
	Outputs []string `json:"outputs,omitempty" max:"100"`
	// Output is the one output of files written before outputs: still read, with a
	// deprecation warning in the result; give one of the two.
	Output string  `json:"output,omitempty"`
	Swings []swing `json:"swings" max:"1000"`
}

// swing is one assumption's low and high value, or its base ± Pct (a fraction: "0.1"
// is ±10%) — one of the two.
type swing struct {
	Name string         `json:"name"`
	Low  *files.Decimal `json:"low,omitempty"`
	High *files.Decimal `json:"high,omitempty"`
	Pct  *files.Decimal `json:"pct,omitempty"`
}

// scenarios evaluates the outputs under named scenarios.
type scenarios struct {
	Outputs []string   `json:"outputs" max:"100"`
	Sets    []scenario `json:"sets" max:"1000"`
}

// scenario is a named set of assumptions, by key.
type scenario struct {
	Name string                   `json:"name"`
	Set  map[string]files.Decimal `json:"set" max:"1000"`
}

// weightedCase is a named case of a weighted target: its assumptions by key and its
// probability (the cases' weights sum to 1).
type weightedCase struct {
	Name   string                   `json:"name"`
	Weight files.Decimal            `json:"weight"`
	Set    map[string]files.Decimal `json:"set,omitempty" max:"1000"`
}

// seek finds the assumption's value in [Low, High] at which the output is Target.
type seek struct {
	Assumption string         `json:"assumption"`
	Output     string         `json:"output"`
	Target     files.Decimal  `json:"target"`
	Low        files.Decimal  `json:"low"`
	High       files.Decimal  `json:"high"`
	Tolerance  *files.Decimal `json:"tolerance,omitempty"`
}

// monteCarlo draws the inputs and summarises each output over the same draws.
type monteCarlo struct {
	Outputs []string `json:"outputs,omitempty" max:"100"`
	// Output is the one output of files written before outputs: still read, with a
	// deprecation warning in the result; give one of the two.
	Output string  `json:"output,omitempty"`
	Inputs []input `json:"inputs" max:"100"`
	// Correlation is the inputs' correlation matrix, rows in the order of Inputs.
	Correlation [][]files.Decimal `json:"correlation,omitempty" max:"100"`
	Draws       int               `json:"draws"`
	Seed        int               `json:"seed,omitempty"`
	// Sampling is plain (the default), latin_hypercube or quasi_random.
	Sampling  *string        `json:"sampling,omitempty" enum:"plain|latin_hypercube|quasi_random"`
	Bins      int            `json:"bins,omitempty"`
	Threshold *files.Decimal `json:"threshold,omitempty"`
	// MeanHalfWidth or MeanRelative, one of the two, runs to a precision of the mean at
	// Confidence (sensitivity.MonteCarlo): draws is then the most it may draw.
	MeanHalfWidth *files.Decimal `json:"mean_half_width,omitempty"`
	MeanRelative  *files.Decimal `json:"mean_relative,omitempty"`
	Confidence    *files.Decimal `json:"confidence,omitempty"`
	// Percentiles are percentiles to track after each round of draws, each to a
	// precision or none (sensitivity.MonteCarlo.Percentiles).
	Percentiles []percentile `json:"percentiles,omitempty" max:"16"`
}

// percentile is a percentile a Monte Carlo run tracks: p in (0, 1), and half_width or
// relative, one of the two or neither, the precision it must reach.
type percentile struct {
	P         files.Decimal  `json:"p"`
	HalfWidth *files.Decimal `json:"half_width,omitempty"`
	Relative  *files.Decimal `json:"relative,omitempty"`
}

// sobol estimates Sobol indices of the outputs.
type sobol struct {
	Outputs []string `json:"outputs" max:"100"`
	// Inputs are the random inputs; those sharing a group have one index.
	Inputs  []input `json:"inputs" max:"100"`
	Samples int     `json:"samples"`
	// Sampling is plain (the default), latin_hypercube or quasi_random.
	Sampling *string `json:"sampling,omitempty" enum:"plain|latin_hypercube|quasi_random"`
	// Bootstrap is the number of resamples behind plain and Latin hypercube intervals (-1:
	// none); Replicates the number of quasi-random scrambles behind theirs.
	Bootstrap  int  `json:"bootstrap,omitempty"`
	Replicates int  `json:"replicates,omitempty"`
	Second     bool `json:"second,omitempty"` // second-order indices too
	Seed       int  `json:"seed,omitempty"`
}

// shapley estimates the Shapley effects of the inputs on the outputs
// (sensitivity.Shapley): each input's share of the variance, correlated inputs allowed.
type shapley struct {
	Outputs []string `json:"outputs" max:"100"`
	Inputs  []input  `json:"inputs" max:"30"`
	// Correlation is the inputs' correlation matrix, rows in the order of Inputs.
	Correlation [][]files.Decimal `json:"correlation,omitempty" max:"30"`
	// Permutations, Samples (behind the variance), Outer and Inner: zero for the
	// defaults, 1,000, 10,000, 1 and 3.
	Permutations int            `json:"permutations,omitempty"`
	Samples      int            `json:"samples,omitempty"`
	Outer        int            `json:"outer,omitempty"`
	Inner        int            `json:"inner,omitempty"`
	Seed         int            `json:"seed,omitempty"`
	Confidence   *files.Decimal `json:"confidence,omitempty"`
}

// morris screens the inputs' elementary effects on the outputs.
type morris struct {
	Outputs []string `json:"outputs" max:"100"`
	// Inputs give each assumption's range as a distribution; its levels are quantiles.
	Inputs       []input `json:"inputs" max:"1000"`
	Trajectories int     `json:"trajectories,omitempty"`
	Levels       int     `json:"levels,omitempty"`
	Bootstrap    int     `json:"bootstrap,omitempty"` // -1: none
	Seed         int     `json:"seed,omitempty"`
}

// input is an assumption drawn from a distribution by name, with its parameters:
// normal (mu, sigma), lognormal (mu, sigma of the log), uniform (min, max), triangle
// (min, max, mode) or beta (alpha, beta), optionally truncated to [Min, Max] (both or
// neither).
type input struct {
	Name   string                   `json:"name"`
	Dist   string                   `json:"dist"`
	Params map[string]files.Decimal `json:"params" max:"10"`
	Min    *files.Decimal           `json:"min,omitempty"`
	Max    *files.Decimal           `json:"max,omitempty"`
	// Group, in a Sobol or Morris run, names the factor the input belongs to.
	Group string `json:"group,omitempty"`
}

// gridRun is a grid's request.
type gridRun struct {
	outputs []string
	axes    []sensitivity.Axis
}

func (g *grid) build() (analysis, error) {
	r := gridRun{outputs: g.Outputs, axes: make([]sensitivity.Axis, len(g.Axes))}
	for i, a := range g.Axes {
		path := fmt.Sprintf("$.grid.axes[%d]", i)
		switch {
		case (len(a.Values) > 0) == (a.From != nil || a.To != nil || a.Steps != 0):
			return nil, invalid(path, "give values, or from, to and steps, one of the two")
		case len(a.Values) == 0 && (a.From == nil || a.To == nil || a.Steps < 2):
			return nil, invalid(path, "from, to and steps (two or more) together")
		case len(a.Values) == 0:
			r.axes[i] = sensitivity.Span(a.Name, a.From.Decimal, a.To.Decimal, a.Steps)
		default:
			r.axes[i] = sensitivity.Axis{Name: a.Name, Values: make([]decimal.Decimal, len(a.Values))}
			for j, v := range a.Values {
				r.axes[i].Values[j] = v.Decimal
			}
		}
	}
	return r, nil
}

func (r gridRun) points() (int, error) { return sensitivity.GridPoints(r.axes...) }

func (r gridRun) run(ctx context.Context, e *sensitivity.Engine, out *Report) error {
	g, err := e.Grid(ctx, r.outputs, r.axes...)
	if err == nil {
		out.Grid = &g
	}
	return err
}

// tornadoRun is a tornado's request: a tornado an output, over swings whose ends given as
// a percentage of the base are resolved on the engine.
type tornadoRun struct {
	outputs []string
	swings  []swing
}

func (t *tornado) build(warn func(valuation.Warning)) (analysis, error) {
	outputs, err := outputsOf("$.tornado", t.Outputs, t.Output, warn)
	if err != nil {
		return nil, err
	}
	for i, s := range t.Swings {
		if (s.Pct != nil) == (s.Low != nil || s.High != nil) || (s.Pct == nil && (s.Low == nil || s.High == nil)) {
			return nil, invalid(fmt.Sprintf("$.tornado.swings[%d]", i), "give low and high, or pct, one of the two")
		}
	}
	return tornadoRun{outputs: outputs, swings: t.Swings}, nil
}

func (r tornadoRun) points() (int, error) { return 2 * len(r.swings) * len(r.outputs), nil }

func (r tornadoRun) run(ctx context.Context, e *sensitivity.Engine, out *Report) error {
	swings := make([]sensitivity.Swing, len(r.swings))
	for i, s := range r.swings {
		if s.Pct == nil {
			swings[i] = sensitivity.Swing{Name: s.Name, Low: s.Low.Decimal, High: s.High.Decimal}
			continue
		}
		sw, err := e.Swings(s.Pct.Decimal, s.Name)
		if err != nil {
			return at(fmt.Sprintf("$.tornado.swings[%d]", i), err)
		}
		swings[i] = sw[0]
	}
	for _, o := range r.outputs {
		t, err := e.Tornado(ctx, o, swings...)
		if err != nil {
			return err
		}
		out.Tornado = append(out.Tornado, t)
	}
	return nil
}

// scenariosRun is a comparison of scenarios.
type scenariosRun struct {
	outputs   []string
	scenarios []valuation.Scenario
}

func (s *scenarios) build() (analysis, error) {
	r := scenariosRun{outputs: s.Outputs, scenarios: make([]valuation.Scenario, len(s.Sets))}
	for i, c := range s.Sets {
		set, err := overrides(c.Set, fmt.Sprintf("$.scenarios.sets[%d].set", i))
		if err != nil {
			return nil, err
		}
		r.scenarios[i] = valuation.Scenario{Name: c.Name, Set: set}
	}
	return r, nil
}

func (r scenariosRun) points() (int, error) { return len(r.scenarios), nil }

func (r scenariosRun) run(ctx context.Context, e *sensitivity.Engine, out *Report) error {
	c, err := e.Scenarios(ctx, r.outputs, r.scenarios...)
	if err == nil {
		out.Scenarios = &c
	}
	return err
}

// seekRun is a goal seek.
type seekRun struct{ goal sensitivity.Goal }

func (s *seek) build() analysis {
	g := sensitivity.Goal{Assumption: s.Assumption, Output: s.Output, Target: s.Target.Decimal, Low: s.Low.Decimal, High: s.High.Decimal}
	if s.Tolerance != nil {
		g.Tolerance = s.Tolerance.Decimal
	}
	return seekRun{g}
}

func (r seekRun) points() (int, error) { return r.goal.Cost() }

func (r seekRun) run(ctx context.Context, e *sensitivity.Engine, out *Report) error {
	sol, err := e.Seek(ctx, r.goal)
	if err == nil {
		out.Seek = &sol
	}
	return err
}

// monteCarloRun is a Monte Carlo run, one summary an output over the same draws.
type monteCarloRun struct {
	mc      sensitivity.MonteCarlo
	outputs []string
}

func (mc *monteCarlo) build(warn func(valuation.Warning)) (analysis, error) {
	outputs, err := outputsOf("$.monte_carlo", mc.Outputs, mc.Output, warn)
	if err != nil {
		return nil, err
	}
	inputs, err := runInputs(mc.Inputs, "$.monte_carlo.inputs")
	if err != nil {
		return nil, err
	}
	if mc.Seed < 0 {
		return nil, invalid("$.monte_carlo.seed", "negative")
	}
	r := monteCarloRun{outputs: outputs, mc: sensitivity.MonteCarlo{Inputs: inputs, Draws: mc.Draws, Seed: uint64(mc.Seed), Bins: mc.Bins}}
	if r.mc.Sampling, err = sampling(mc.Sampling, "$.monte_carlo.sampling"); err != nil {
		return nil, err
	}
	if mc.Threshold != nil {
		r.mc.Threshold = mc.Threshold.InexactFloat64()
	}
	for _, f := range []struct {
		v   *files.Decimal
		out *float64
	}{{mc.MeanHalfWidth, &r.mc.MeanHalfWidth}, {mc.MeanRelative, &r.mc.MeanRelative}, {mc.Confidence, &r.mc.Confidence}} {
		if f.v != nil {
			*f.out = f.v.InexactFloat64()
		}
	}
	for i, p := range mc.Percentiles {
		if !p.P.IsPositive() || !p.P.LessThan(decimal.NewFromInt(1)) {
			return nil, invalid(fmt.Sprintf("$.monte_carlo.percentiles[%d].p", i), p.P.String()+", want in (0, 1)")
		}
		x := sensitivity.Precision{P: p.P.InexactFloat64()}
		if p.HalfWidth != nil {
			x.HalfWidth = p.HalfWidth.InexactFloat64()
		}
		if p.Relative != nil {
			x.Relative = p.Relative.InexactFloat64()
		}
		r.mc.Percentiles = append(r.mc.Percentiles, x)
	}
	if r.mc.Correlation, err = correlation(mc.Correlation, "$.monte_carlo.correlation"); err != nil {
		return nil, err
	}
	return r, nil
}

// correlation is a correlation matrix given as rows, at path: square and symmetric; nil
// when none is given.
func correlation(rows [][]files.Decimal, path string) (*mat.SymDense, error) {
	n := len(rows)
	if n == 0 {
		return nil, nil
	}
	for i, row := range rows { // every row's length first: symmetry reads across rows
		if len(row) != n {
			return nil, at(fmt.Sprintf("%s[%d]", path, i), fmt.Errorf("%w: %d values in a row of %d", fault.ErrDistribution, len(row), n))
		}
	}
	data := make([]float64, 0, n*n)
	for i, row := range rows {
		for j, v := range row {
			if !v.Equal(rows[j][i].Decimal) {
				return nil, at(fmt.Sprintf("%s[%d][%d]", path, i, j), fmt.Errorf("%w: not symmetric", fault.ErrDistribution))
			}
			data = append(data, v.InexactFloat64())
		}
	}
	return mat.NewSymDense(n, data), nil
}

func (r monteCarloRun) points() (int, error) {
	n, err := r.mc.Cost()
	if err == nil && n > 0 && len(r.outputs) > math.MaxInt32/n {
		err = &fault.Error{Pkg: "modelfile", Field: "points", Value: "over " + strconv.Itoa(math.MaxInt32), Err: fault.ErrTooManyPoints}
	}
	return n * len(r.outputs), err
}

func (r monteCarloRun) run(ctx context.Context, e *sensitivity.Engine, out *Report) error {
	for _, o := range r.outputs {
		mc := r.mc
		mc.Output = o
		s, err := e.MonteCarlo(ctx, mc)
		if err != nil {
			return err
		}
		out.MonteCarlo = append(out.MonteCarlo, s)
	}
	return nil
}

// weightedRun is a probability-weighted target over scenarios.
type weightedRun struct{ cases []valuation.Scenario }

func weighted(cases []weightedCase) (analysis, error) {
	r := weightedRun{cases: make([]valuation.Scenario, len(cases))}
	for i, c := range cases {
		set, err := overrides(c.Set, fmt.Sprintf("$.weighted[%d].set", i))
		if err != nil {
			return nil, err
		}
		r.cases[i] = valuation.Scenario{Name: c.Name, Weight: c.Weight.Decimal, Set: set}
	}
	return r, nil
}

func (r weightedRun) points() (int, error) { return len(r.cases), nil }

func (r weightedRun) run(ctx context.Context, e *sensitivity.Engine, out *Report) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	w, err := e.Prepared().Weighted(r.cases...)
	if err == nil {
		out.Weighted = &w
	}
	return err
}

// sobolRun is a Sobol run.
type sobolRun struct{ s sensitivity.Sobol }

func (sb *sobol) build() (analysis, error) {
	inputs, err := runInputs(sb.Inputs, "$.sobol.inputs")
	if err != nil {
		return nil, err
	}
	if sb.Seed < 0 {
		return nil, invalid("$.sobol.seed", "negative")
	}
	r := sobolRun{sensitivity.Sobol{Outputs: sb.Outputs, Inputs: inputs, Samples: sb.Samples, Bootstrap: sb.Bootstrap,
		Replicates: sb.Replicates, Second: sb.Second, Seed: uint64(sb.Seed)}}
	if r.s.Sampling, err = sampling(sb.Sampling, "$.sobol.sampling"); err != nil {
		return nil, err
	}
	return r, nil
}

func (r sobolRun) points() (int, error) { return r.s.Cost() }

func (r sobolRun) run(ctx context.Context, e *sensitivity.Engine, out *Report) error {
	ix, err := e.Sobol(ctx, r.s)
	out.Sobol = ix
	return err
}

// shapleyRun is a run of Shapley effects.
type shapleyRun struct{ s sensitivity.Shapley }

func (sh *shapley) build() (analysis, error) {
	inputs, err := runInputs(sh.Inputs, "$.shapley.inputs")
	if err != nil {
		return nil, err
	}
	if sh.Seed < 0 {
		return nil, invalid("$.shapley.seed", "negative")
	}
	r := shapleyRun{sensitivity.Shapley{Outputs: sh.Outputs, Inputs: inputs, Permutations: sh.Permutations, Samples: sh.Samples,
		Outer: sh.Outer, Inner: sh.Inner, Seed: uint64(sh.Seed)}}
	if sh.Confidence != nil {
		r.s.Confidence = sh.Confidence.InexactFloat64()
	}
	if r.s.Correlation, err = correlation(sh.Correlation, "$.shapley.correlation"); err != nil {
		return nil, err
	}
	return r, nil
}

func (r shapleyRun) points() (int, error) { return r.s.Cost() }

func (r shapleyRun) run(ctx context.Context, e *sensitivity.Engine, out *Report) error {
	x, err := e.Shapley(ctx, r.s)
	out.Shapley = x
	return err
}

// morrisRun is a Morris screening.
type morrisRun struct{ m sensitivity.Morris }

func (mo *morris) build() (analysis, error) {
	inputs, err := runInputs(mo.Inputs, "$.morris.inputs")
	if err != nil {
		return nil, err
	}
	if mo.Seed < 0 {
		return nil, invalid("$.morris.seed", "negative")
	}
	return morrisRun{sensitivity.Morris{Outputs: mo.Outputs, Inputs: inputs, Trajectories: mo.Trajectories,
		Levels: mo.Levels, Bootstrap: mo.Bootstrap, Seed: uint64(mo.Seed)}}, nil
}

func (r morrisRun) points() (int, error) { return r.m.Cost() }

func (r morrisRun) run(ctx context.Context, e *sensitivity.Engine, out *Report) error {
	s, err := e.Morris(ctx, r.m)
	out.Morris = s
	return err
}

// overrides are a scenario's assumptions, the set at path, in the order of their keys.
func overrides(set map[string]files.Decimal, path string) ([]valuation.Override, error) {
	var out []valuation.Override
	for _, k := range slices.Sorted(maps.Keys(set)) {
		parsed, err := key.Parse(k)
		if err != nil {
			return nil, at(files.ChildPath(path, k), err)
		}
		out = append(out, valuation.Override{Key: parsed, Value: set[k].Decimal})
	}
	return out, nil
}

// sampling is the sampling a run names at path; none is plain.
func sampling(name *string, path string) (sensitivity.Sampling, error) {
	if name == nil {
		return sensitivity.Plain, nil
	}
	var s sensitivity.Sampling
	if err := s.UnmarshalText([]byte(*name)); err != nil {
		return 0, &fault.Error{Pkg: "modelfile", Path: path, Err: fmt.Errorf("%w: %w", fault.ErrInvalid, err)}
	}
	return s, nil
}

// runInputs builds the distributions of a run's inputs, refusing parameters the
// distribution cannot take (gonum's constructors would panic on some).
func runInputs(in []input, at string) ([]sensitivity.Variable, error) {
	out := make([]sensitivity.Variable, len(in))
	for i, x := range in {
		path := fmt.Sprintf("%s[%d]", at, i)
		p := func(name string) (float64, error) {
			v, ok := x.Params[name]
			if !ok {
				return 0, &fault.Error{Pkg: "modelfile", Path: path + ".params." + name, Err: fault.ErrMissingField}
			}
			return v.InexactFloat64(), nil
		}
		bad := func(what string) error {
			return &fault.Error{Pkg: "modelfile", Path: path + ".params", Err: fmt.Errorf("%w: %s", fault.ErrDistribution, what)}
		}
		want := map[string][]string{"normal": {"mu", "sigma"}, "lognormal": {"mu", "sigma"}, "uniform": {"min", "max"},
			"triangle": {"min", "max", "mode"}, "beta": {"alpha", "beta"}}[x.Dist]
		if want == nil {
			return nil, &fault.Error{Pkg: "modelfile", Path: path + ".dist", Err: fmt.Errorf("%w: %s, want normal, lognormal, uniform, triangle or beta", fault.ErrDistribution, strconv.Quote(files.Clip(x.Dist)))}
		}
		for name := range x.Params {
			if !slices.Contains(want, name) {
				return nil, &fault.Error{Pkg: "modelfile", Path: files.ChildPath(path+".params", name), Err: fmt.Errorf("%w: not a parameter of %s", fault.ErrUnknownField, x.Dist)}
			}
		}
		v := make([]float64, len(want))
		for j, name := range want {
			f, err := p(name)
			if err != nil {
				return nil, err
			}
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, bad(name + " is not a finite number")
			}
			v[j] = f
		}
		var d sensitivity.Distribution
		switch x.Dist {
		case "normal":
			if v[1] <= 0 {
				return nil, bad("sigma must be positive")
			}
			d = distuv.Normal{Mu: v[0], Sigma: v[1]}
		case "lognormal":
			if v[1] <= 0 {
				return nil, bad("sigma must be positive")
			}
			d = distuv.LogNormal{Mu: v[0], Sigma: v[1]}
		case "uniform":
			if !(v[0] < v[1]) {
				return nil, bad("min must be below max")
			}
			d = distuv.Uniform{Min: v[0], Max: v[1]}
		case "triangle":
			if !(v[0] < v[1] && v[0] <= v[2] && v[2] <= v[1]) {
				return nil, bad("want min < max and the mode between them")
			}
			d = distuv.NewTriangle(v[0], v[1], v[2], nil)
		case "beta":
			if v[0] <= 0 || v[1] <= 0 {
				return nil, bad("alpha and beta must be positive")
			}
			d = distuv.Beta{Alpha: v[0], Beta: v[1]}
		}
		out[i] = sensitivity.Variable{Name: x.Name, Dist: d, Group: x.Group}
		switch {
		case (x.Min == nil) != (x.Max == nil):
			return nil, &fault.Error{Pkg: "modelfile", Path: path, Err: fmt.Errorf("%w: give min and max, or neither", fault.ErrDistribution)}
		case x.Min != nil:
			out[i].Min, out[i].Max = x.Min.InexactFloat64(), x.Max.InexactFloat64()
		}
	}
	return out, nil
}
