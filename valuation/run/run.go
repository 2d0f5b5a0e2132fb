package run

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"

	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/files"
	"github.com/sotpkit/sotp/valuation/internal/jsonx"
	"github.com/sotpkit/sotp/valuation/key"
	"github.com/sotpkit/sotp/valuation/sensitivity"
)

// Format names a run file in its "format" field; the schema URLs are the $id of each
// schema, which a file may name in its "$schema" field.
const (
	Format         = "sotp/run/v1"
	SchemaID       = "https://sotpkit.github.io/schema/run-v1.json"
	ReportSchemaID = "https://sotpkit.github.io/schema/run-result-v1.json"
	// WarnDeprecated is the code of a warning that a run file uses a spelling that is
	// still read, for one release, but no longer written.
	WarnDeprecated = "deprecated"
)

// File is a decoded run file, ready to run: its model and analyses as the file gives
// them (Schema describes the format), the limits it asks for and a progress callback.
type File struct {
	// Limits are the file's own; a caller may lower them before running it (a service
	// caps the points and sets its workers).
	Limits Limits
	// Progress, if set, is the engine's progress callback for the run's analyses
	// (sensitivity.Options.Progress).
	Progress func(done, total int)

	doc document
}

// document is a run file as JSON: a model (given inline, or named as a model file
// beside the run file) and the analyses to run on it, each with its outputs. Every
// analysis is optional, but a run has one at least. Field names are the JSON keys;
// decimals are JSON strings, as in model files, and decoding is as strict (Decode).
type document struct {
	// Schema may name the file's JSON Schema (SchemaID) for editors; it is not read.
	Schema string `json:"$schema,omitempty"`
	Format string `json:"format"` // Format
	// Model is the model, inline; ModelFile names a model file instead, a relative path
	// inside the run file's directory. Exactly one of the two.
	Model     *files.File `json:"model,omitempty"`
	ModelFile string      `json:"model_file,omitempty"`
	Limits    *Limits     `json:"limits,omitempty"`
	// LinkDAU holds each year's DAU/MAU when its MAU moves (sensitivity.Options.LinkDAU).
	LinkDAU    bool        `json:"link_dau,omitempty"`
	Grid       *grid       `json:"grid,omitempty"`
	Tornado    *tornado    `json:"tornado,omitempty"`
	Scenarios  *scenarios  `json:"scenarios,omitempty"`
	Seek       *seek       `json:"seek,omitempty"`
	MonteCarlo *monteCarlo `json:"monte_carlo,omitempty"`
	Sobol      *sobol      `json:"sobol,omitempty"`
	Morris     *morris     `json:"morris,omitempty"`
	// Weighted is named cases with their probabilities: each case's target beside the
	// probability-weighted one (valuation.Prepared.Weighted).
	Weighted []weightedCase `json:"weighted,omitempty" max:"1000"`
}

// runDoc reads run files.
var runDoc = files.NewDoc[document]()

// Schema returns the JSON Schema (draft 2020-12) of run files, derived as
// modelfile.ModelSchema is: what the schema refuses, Decode refuses too.
func Schema() []byte {
	return files.Schema(reflect.TypeFor[document](), SchemaID, "sotp run file", Format, true)
}

// ReportSchema returns the JSON Schema of what a run gives (Report, its valued model
// inside) as sotp writes it: snake_case fields, decimals as exact strings, a figure
// without a value as null.
func ReportSchema() []byte {
	return files.Schema(reflect.TypeFor[Report](), ReportSchemaID, "sotp run result", "", false)
}

// Limits bound a run: the most points its analyses may evaluate in all
// (sensitivity.Options.MaxPoints; zero is sensitivity.DefaultMaxPoints) and its
// goroutines (at most sensitivity.MaxWorkers; zero: GOMAXPROCS).
type Limits struct {
	MaxPoints int `json:"max_points,omitempty"`
	Workers   int `json:"workers,omitempty"`
}

// RunGrid is a grid of one or more axes.
type grid struct {
	Outputs []string `json:"outputs" max:"100"`
	Axes    []axis   `json:"axes" max:"10"`
}

// RunAxis is one assumption swept: its values listed, or from From to To in Steps even
// steps (both ends included) — one of the two.
type axis struct {
	Name   string          `json:"name"`
	Values []files.Decimal `json:"values,omitempty" max:"100000"`
	From   *files.Decimal  `json:"from,omitempty"`
	To     *files.Decimal  `json:"to,omitempty"`
	Steps  int             `json:"steps,omitempty"`
}

// RunTornado moves each swing's assumption alone to its low and high value, a tornado an
// output.
type tornado struct {
	Outputs []string `json:"outputs,omitempty" max:"100"`
	// Output is the one output of files written before outputs: still read, with a
	// deprecation warning in the result; give one of the two.
	Output string  `json:"output,omitempty"`
	Swings []swing `json:"swings" max:"1000"`
}

// RunSwing is one assumption's low and high value, or its base ± Pct (a fraction: "0.1"
// is ±10%) — one of the two.
type swing struct {
	Name string         `json:"name"`
	Low  *files.Decimal `json:"low,omitempty"`
	High *files.Decimal `json:"high,omitempty"`
	Pct  *files.Decimal `json:"pct,omitempty"`
}

// RunScenarios evaluates the outputs under named scenarios.
type scenarios struct {
	Outputs []string   `json:"outputs" max:"100"`
	Sets    []scenario `json:"sets" max:"1000"`
}

// RunScenario is a named set of assumptions, by key.
type scenario struct {
	Name string                   `json:"name"`
	Set  map[string]files.Decimal `json:"set" max:"1000"`
}

// RunCase is a named case of a weighted target: its assumptions by key and its
// probability (the cases' weights sum to 1).
type weightedCase struct {
	Name   string                   `json:"name"`
	Weight files.Decimal            `json:"weight"`
	Set    map[string]files.Decimal `json:"set,omitempty" max:"1000"`
}

// RunSeek finds the assumption's value in [Low, High] at which the output is Target.
type seek struct {
	Assumption string         `json:"assumption"`
	Output     string         `json:"output"`
	Target     files.Decimal  `json:"target"`
	Low        files.Decimal  `json:"low"`
	High       files.Decimal  `json:"high"`
	Tolerance  *files.Decimal `json:"tolerance,omitempty"`
}

// RunMonteCarlo draws the inputs and summarises each output over the same draws.
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
}

// RunSobol estimates Sobol indices of the outputs.
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

// RunMorris screens the inputs' elementary effects on the outputs.
type morris struct {
	Outputs []string `json:"outputs" max:"100"`
	// Inputs give each assumption's range as a distribution; its levels are quantiles.
	Inputs       []input `json:"inputs" max:"1000"`
	Trajectories int     `json:"trajectories,omitempty"`
	Levels       int     `json:"levels,omitempty"`
	Bootstrap    int     `json:"bootstrap,omitempty"` // -1: none
	Seed         int     `json:"seed,omitempty"`
}

// RunInput is an assumption drawn from a distribution by name, with its parameters:
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

// Decode reads a run file strictly, as modelfile reads a model file: at most
// modelfile.MaxBytes of JSON, no unknown fields, duplicate keys or nulls, decimals as
// bounded strings; errors are *fault.Error at the JSON path of the offending value.
func Decode(r io.Reader) (File, error) {
	f, err := runDoc.Decode(r)
	if err != nil {
		return File{}, err
	}
	if err := f.check(); err != nil {
		return File{}, err
	}
	out := File{doc: f}
	if f.Limits != nil {
		out.Limits = *f.Limits
	}
	return out, nil
}

// check refuses what the schema cannot: a run without an analysis or with two spellings
// of one field, a model given twice or not at all, a bad path, limits or sampling.
func (f document) check() error {
	invalid := func(path, what string) error {
		return &fault.Error{Pkg: "modelfile", Path: path, Err: fmt.Errorf("%w: %s", fault.ErrInvalid, what)}
	}
	switch {
	case f.Format != Format:
		return invalid("$.format", strconv.Quote(files.Clip(f.Format))+", want "+Format)
	case (f.Model == nil) == (f.ModelFile == ""):
		return invalid("$.model", "give model or model_file, one of the two")
	case f.Grid == nil && f.Tornado == nil && f.Scenarios == nil && f.Seek == nil && f.MonteCarlo == nil && f.Sobol == nil && f.Morris == nil && len(f.Weighted) == 0:
		return invalid("$", "no analysis: give grid, tornado, scenarios, seek, monte_carlo, sobol, morris or weighted")
	case f.ModelFile != "" && !fs.ValidPath(f.ModelFile):
		return invalid("$.model_file", "a relative path inside the run file's directory")
	}
	if l := f.Limits; l != nil && (l.MaxPoints < 0 || l.Workers < 0 || l.Workers > sensitivity.MaxWorkers) {
		return invalid("$.limits", fmt.Sprintf("max_points %d, workers %d: want max_points 0 or more, workers 0 to %d", l.MaxPoints, l.Workers, sensitivity.MaxWorkers))
	}
	if mc := f.MonteCarlo; mc != nil {
		if _, err := sampling(mc.Sampling, "$.monte_carlo.sampling"); err != nil {
			return err
		}
		if (mc.Output == "") == (len(mc.Outputs) == 0) {
			return invalid("$.monte_carlo.outputs", "give outputs (or, as files before it did, output), one of the two")
		}
	}
	if t := f.Tornado; t != nil && (t.Output == "") == (len(t.Outputs) == 0) {
		return invalid("$.tornado.outputs", "give outputs (or, as files before it did, output), one of the two")
	}
	if sb := f.Sobol; sb != nil {
		if _, err := sampling(sb.Sampling, "$.sobol.sampling"); err != nil {
			return err
		}
	}
	if f.Model != nil {
		if err := f.Model.Check("$.model"); err != nil {
			return err
		}
	}
	if g := f.Grid; g != nil {
		for i, a := range g.Axes {
			if (len(a.Values) > 0) == (a.From != nil || a.To != nil || a.Steps != 0) {
				return invalid(fmt.Sprintf("$.grid.axes[%d]", i), "give values, or from, to and steps, one of the two")
			}
			if len(a.Values) == 0 && (a.From == nil || a.To == nil || a.Steps < 2) {
				return invalid(fmt.Sprintf("$.grid.axes[%d]", i), "from, to and steps (two or more) together")
			}
		}
	}
	if t := f.Tornado; t != nil {
		for i, s := range t.Swings {
			if (s.Pct != nil) == (s.Low != nil || s.High != nil) || (s.Pct == nil && (s.Low == nil || s.High == nil)) {
				return invalid(fmt.Sprintf("$.tornado.swings[%d]", i), "give low and high, or pct, one of the two")
			}
		}
	}
	return nil
}

// Report is what a run gives: the valued model and each analysis asked for. It writes
// as JSON in sotp's contract (snake_case, decimals as strings).
type Report struct {
	Result     valuation.Result        `json:"result"`
	Grid       *sensitivity.Grid       `json:"grid,omitempty"`
	Tornado    []sensitivity.Tornado   `json:"tornado,omitempty"` // one an output
	Scenarios  *sensitivity.Comparison `json:"scenarios,omitempty"`
	Seek       *sensitivity.Solution   `json:"seek,omitempty"`
	MonteCarlo []sensitivity.Summary   `json:"monte_carlo,omitempty"` // one an output
	Sobol      []sensitivity.Indices   `json:"sobol,omitempty"`
	Morris     []sensitivity.Screening `json:"morris,omitempty"`
	Weighted   *valuation.Weighted     `json:"weighted,omitempty"`
	// Warnings are what the run's reader should know: a deprecated spelling the file used.
	Warnings []valuation.Warning `json:"warnings,omitempty"`
}

// MarshalJSON writes the result in sotp's JSON contract: snake_case keys, decimals as
// exact strings, whatever shopspring's package variables hold.
func (r Report) MarshalJSON() ([]byte, error) { return jsonx.Marshal(r) }

// Read reads a run file from r (Decode) and runs it (File.Run).
func Read(ctx context.Context, r io.Reader, fsys fs.FS) (Report, error) {
	f, err := Decode(r)
	if err != nil {
		return Report{}, err
	}
	return f.Run(ctx, fsys)
}

// Run builds the run's model (inline, or the model file it names, read from fsys as Read
// reads one, comparables files included; a nil fsys reads no file) and runs each
// analysis under ctx, with the file's limits. The points of every analysis are counted
// first, before the model is built or any value spelled out: a run asking for more than
// its MaxPoints in all, however few its bytes, is refused with fault.ErrTooManyPoints at
// once. Errors are *fault.Error located at the JSON path of what they name, as far as the
// run file says where; a cancelled or expired ctx returns its error.
func (r File) Run(ctx context.Context, fsys fs.FS) (Report, error) {
	f := r.doc
	o := sensitivity.Options{LinkDAU: f.LinkDAU, Progress: r.Progress, MaxPoints: r.Limits.MaxPoints, Workers: r.Limits.Workers}
	rq, err := f.requests()
	if err != nil {
		return Report{}, err
	}
	if err := rq.admit(o.MaxPoints); err != nil {
		return Report{}, err
	}
	if err := ctx.Err(); err != nil {
		return Report{}, err
	}
	var m valuation.Model
	if f.Model != nil {
		if m, err = f.Model.Model(fsys); err != nil {
			return Report{}, inPath(err, "$.model")
		}
		if _, err := m.Value(); err != nil {
			return Report{}, &fault.Error{Pkg: "modelfile", Path: f.Model.Locate("$.model", err), Err: err}
		}
	} else {
		if fsys == nil {
			return Report{}, &fault.Error{Pkg: "modelfile", Path: "$.model_file", Err: fmt.Errorf("%w: the run names a model file, and no file system was given to read it from", fault.ErrInvalid)}
		}
		if err := files.CheckRegular(fs.Stat(fsys, f.ModelFile)); err != nil {
			return Report{}, &fault.Error{Pkg: "modelfile", Path: "$.model_file", Err: files.InFile(err, f.ModelFile)}
		}
		b, err := fs.ReadFile(fsys, f.ModelFile)
		if err != nil {
			return Report{}, &fault.Error{Pkg: "modelfile", Path: "$.model_file", Err: files.InFile(err, f.ModelFile)}
		}
		if m, err = files.Read(bytes.NewReader(b), fsys); err != nil {
			return Report{}, &fault.Error{Pkg: "modelfile", Path: "$.model_file", Err: files.InFile(err, f.ModelFile)}
		}
	}
	e, err := sensitivity.New(m, o)
	if err != nil {
		return Report{}, &fault.Error{Pkg: "modelfile", Path: "$.limits", Err: err}
	}
	return rq.run(ctx, e)
}

// inPath prefixes the JSON path of a model file's error with where the model sits.
func inPath(err error, at string) error {
	if e, ok := err.(*fault.Error); ok && e.Pkg == "modelfile" && len(e.Path) > 0 && e.Path[0] == '$' {
		c := *e
		c.Path = at + e.Path[1:]
		return &c
	}
	return &fault.Error{Pkg: "modelfile", Path: at, Err: err}
}

// requests are a run file's analyses as the sensitivity engine's requests: everything a
// run asks for that can be known without its model, so that its points are counted
// before any work. A tornado's swings given as a percentage of the base are resolved on
// the engine.
type requests struct {
	axes    []sensitivity.Axis
	outputs []string // the grid's
	tornado *tornado
	// scenarios are the scenarios compared on scenarioOutputs; cases, the weighted ones.
	scenarios       []valuation.Scenario
	scenarioOutputs []string
	seek            *sensitivity.Goal
	mc              *sensitivity.MonteCarlo
	// tornadoOutputs and mcOutputs are the outputs of the tornado and the Monte Carlo
	// run, one analysis each; warnings, the deprecated spellings the file used.
	tornadoOutputs, mcOutputs []string
	warnings                  []valuation.Warning
	sobol                     *sensitivity.Sobol
	morris                    *sensitivity.Morris
	cases                     []valuation.Scenario
}

// at locates err at a run file's path.
func at(path string, err error) error { return &fault.Error{Pkg: "modelfile", Path: path, Err: err} }

// requests builds the file's analyses as requests, checking what can be checked without
// the model: distributions, correlation, seeds, keys.
func (f document) requests() (requests, error) {
	var rq requests
	if g := f.Grid; g != nil {
		rq.outputs = g.Outputs
		rq.axes = make([]sensitivity.Axis, len(g.Axes))
		for i, a := range g.Axes {
			if len(a.Values) == 0 {
				rq.axes[i] = sensitivity.Span(a.Name, a.From.Decimal, a.To.Decimal, a.Steps)
				continue
			}
			rq.axes[i] = sensitivity.Axis{Name: a.Name, Values: make([]decimal.Decimal, len(a.Values))}
			for j, v := range a.Values {
				rq.axes[i].Values[j] = v.Decimal
			}
		}
	}
	rq.tornado = f.Tornado
	if sc := f.Scenarios; sc != nil {
		rq.scenarioOutputs = sc.Outputs
		rq.scenarios = make([]valuation.Scenario, len(sc.Sets))
		for i, c := range sc.Sets {
			set, err := overrides(c.Set, fmt.Sprintf("$.scenarios.sets[%d].set", i))
			if err != nil {
				return requests{}, err
			}
			rq.scenarios[i] = valuation.Scenario{Name: c.Name, Set: set}
		}
	}
	if t := f.Tornado; t != nil {
		rq.tornadoOutputs = rq.outputsOf("$.tornado", t.Outputs, t.Output)
	}
	if s := f.Seek; s != nil {
		rq.seek = &sensitivity.Goal{Assumption: s.Assumption, Output: s.Output, Target: s.Target.Decimal, Low: s.Low.Decimal, High: s.High.Decimal}
		if s.Tolerance != nil {
			rq.seek.Tolerance = s.Tolerance.Decimal
		}
	}
	if mc := f.MonteCarlo; mc != nil {
		inputs, err := runInputs(mc.Inputs, "$.monte_carlo.inputs")
		if err != nil {
			return requests{}, err
		}
		if mc.Seed < 0 {
			return requests{}, at("$.monte_carlo.seed", fmt.Errorf("%w: negative", fault.ErrInvalid))
		}
		rq.mcOutputs = rq.outputsOf("$.monte_carlo", mc.Outputs, mc.Output)
		run := sensitivity.MonteCarlo{Inputs: inputs, Draws: mc.Draws, Seed: uint64(mc.Seed), Bins: mc.Bins}
		if run.Sampling, err = sampling(mc.Sampling, "$.monte_carlo.sampling"); err != nil {
			return requests{}, err
		}
		if mc.Threshold != nil {
			run.Threshold = mc.Threshold.InexactFloat64()
		}
		if len(mc.Correlation) > 0 {
			n := len(mc.Correlation)
			data := make([]float64, 0, n*n)
			for i, row := range mc.Correlation {
				if len(row) != n {
					return requests{}, at(fmt.Sprintf("$.monte_carlo.correlation[%d]", i), fmt.Errorf("%w: %d values in a row of %d", fault.ErrDistribution, len(row), n))
				}
				for j, v := range row {
					if !v.Equal(mc.Correlation[j][i].Decimal) {
						return requests{}, at(fmt.Sprintf("$.monte_carlo.correlation[%d][%d]", i, j), fmt.Errorf("%w: not symmetric", fault.ErrDistribution))
					}
					data = append(data, v.InexactFloat64())
				}
			}
			run.Correlation = mat.NewSymDense(n, data)
		}
		rq.mc = &run
	}
	if len(f.Weighted) > 0 {
		rq.cases = make([]valuation.Scenario, len(f.Weighted))
		for i, c := range f.Weighted {
			set, err := overrides(c.Set, fmt.Sprintf("$.weighted[%d].set", i))
			if err != nil {
				return requests{}, err
			}
			rq.cases[i] = valuation.Scenario{Name: c.Name, Weight: c.Weight.Decimal, Set: set}
		}
	}
	if sb := f.Sobol; sb != nil {
		inputs, err := runInputs(sb.Inputs, "$.sobol.inputs")
		if err != nil {
			return requests{}, err
		}
		if sb.Seed < 0 {
			return requests{}, at("$.sobol.seed", fmt.Errorf("%w: negative", fault.ErrInvalid))
		}
		run := sensitivity.Sobol{Outputs: sb.Outputs, Inputs: inputs, Samples: sb.Samples, Bootstrap: sb.Bootstrap,
			Replicates: sb.Replicates, Second: sb.Second, Seed: uint64(sb.Seed)}
		if run.Sampling, err = sampling(sb.Sampling, "$.sobol.sampling"); err != nil {
			return requests{}, err
		}
		rq.sobol = &run
	}
	if mo := f.Morris; mo != nil {
		inputs, err := runInputs(mo.Inputs, "$.morris.inputs")
		if err != nil {
			return requests{}, err
		}
		if mo.Seed < 0 {
			return requests{}, at("$.morris.seed", fmt.Errorf("%w: negative", fault.ErrInvalid))
		}
		rq.morris = &sensitivity.Morris{Outputs: mo.Outputs, Inputs: inputs, Trajectories: mo.Trajectories,
			Levels: mo.Levels, Bootstrap: mo.Bootstrap, Seed: uint64(mo.Seed)}
	}
	return rq, nil
}

// outputsOf is an analysis's outputs: the list, or the one output of the spelling before
// it, with a warning.
func (rq *requests) outputsOf(at string, outputs []string, output string) []string {
	if output == "" {
		return outputs
	}
	rq.warnings = append(rq.warnings, valuation.Warning{Code: WarnDeprecated,
		Message: at + ".output is deprecated: write \"outputs\": [" + strconv.Quote(output) + "], as every analysis does"})
	return []string{output}
}

// admit counts the points of every analysis, as the engine will, and refuses a run of
// more than limit in all (sensitivity.DefaultMaxPoints when zero) with
// fault.ErrTooManyPoints at the path of the analysis that passes it.
func (rq requests) admit(limit int) error {
	if limit == 0 {
		limit = sensitivity.DefaultMaxPoints
	}
	total := 0
	var refused error
	// count adds the n points of the analysis at path, or refuses it for err or for
	// passing limit; once one analysis is refused the rest are not counted.
	count := func(path string, n int, err error) {
		switch {
		case refused != nil:
		case err != nil:
			refused = at(path, err)
		case n > limit-total: // total ≤ limit, so the test cannot wrap
			refused = at(path, &fault.Error{Pkg: "modelfile", Field: "points", Value: strconv.Itoa(n) + " after " + strconv.Itoa(total) +
				", in all above " + strconv.Itoa(limit), Err: fault.ErrTooManyPoints})
		default:
			total += n
		}
	}
	if rq.axes != nil {
		n, err := sensitivity.GridPoints(rq.axes...)
		count("$.grid", n, err)
	}
	if rq.tornado != nil {
		count("$.tornado", 2*len(rq.tornado.Swings)*len(rq.tornadoOutputs), nil)
	}
	if rq.scenarios != nil {
		count("$.scenarios", len(rq.scenarios), nil)
	}
	if rq.seek != nil {
		n, err := rq.seek.Cost()
		count("$.seek", n, err)
	}
	if rq.mc != nil {
		n, err := rq.mc.Cost()
		if err == nil && n > 0 && len(rq.mcOutputs) > math.MaxInt32/n {
			err = &fault.Error{Pkg: "modelfile", Field: "points", Value: "over " + strconv.Itoa(math.MaxInt32), Err: fault.ErrTooManyPoints}
		}
		count("$.monte_carlo", n*len(rq.mcOutputs), err)
	}
	if rq.cases != nil {
		count("$.weighted", len(rq.cases), nil)
	}
	if rq.sobol != nil {
		n, err := rq.sobol.Cost()
		count("$.sobol", n, err)
	}
	if rq.morris != nil {
		n, err := rq.morris.Cost()
		count("$.morris", n, err)
	}
	return refused
}

// run runs the requests on e.
func (rq requests) run(ctx context.Context, e *sensitivity.Engine) (Report, error) {
	out := Report{Result: e.Result(), Warnings: rq.warnings}
	if rq.axes != nil {
		grid, err := e.Grid(ctx, rq.outputs, rq.axes...)
		if err != nil {
			return Report{}, at("$.grid", err)
		}
		out.Grid = &grid
	}
	if t := rq.tornado; t != nil {
		swings := make([]sensitivity.Swing, len(t.Swings))
		for i, s := range t.Swings {
			if s.Pct == nil {
				swings[i] = sensitivity.Swing{Name: s.Name, Low: s.Low.Decimal, High: s.High.Decimal}
				continue
			}
			sw, err := e.Swings(s.Pct.Decimal, s.Name)
			if err != nil {
				return Report{}, at(fmt.Sprintf("$.tornado.swings[%d]", i), err)
			}
			swings[i] = sw[0]
		}
		for _, o := range rq.tornadoOutputs {
			tor, err := e.Tornado(ctx, o, swings...)
			if err != nil {
				return Report{}, at("$.tornado", err)
			}
			out.Tornado = append(out.Tornado, tor)
		}
	}
	if rq.scenarios != nil {
		c, err := e.Scenarios(ctx, rq.scenarioOutputs, rq.scenarios...)
		if err != nil {
			return Report{}, at("$.scenarios", err)
		}
		out.Scenarios = &c
	}
	if rq.seek != nil {
		sol, err := e.Seek(ctx, *rq.seek)
		if err != nil {
			return Report{}, at("$.seek", err)
		}
		out.Seek = &sol
	}
	if rq.mc != nil {
		for _, o := range rq.mcOutputs {
			mc := *rq.mc
			mc.Output = o
			s, err := e.MonteCarlo(ctx, mc)
			if err != nil {
				return Report{}, at("$.monte_carlo", err)
			}
			out.MonteCarlo = append(out.MonteCarlo, s)
		}
	}
	if rq.cases != nil {
		if err := ctx.Err(); err != nil {
			return Report{}, err
		}
		w, err := e.Prepared().Weighted(rq.cases...)
		if err != nil {
			return Report{}, at("$.weighted", err)
		}
		out.Weighted = &w
	}
	if rq.sobol != nil {
		ix, err := e.Sobol(ctx, *rq.sobol)
		if err != nil {
			return Report{}, at("$.sobol", err)
		}
		out.Sobol = ix
	}
	if rq.morris != nil {
		s, err := e.Morris(ctx, *rq.morris)
		if err != nil {
			return Report{}, at("$.morris", err)
		}
		out.Morris = s
	}
	return out, nil
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
	s, err := sensitivity.ParseSampling(*name)
	if err != nil {
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
