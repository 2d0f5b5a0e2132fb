package run

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"reflect"
	"strconv"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/files"
	"github.com/sotpkit/sotp/valuation/internal/jsonx"
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
	// Captions has the report's text tables name figures and assumptions by title and
	// unit (sensitivity.Options.Captions); its JSON is the same either way.
	Captions bool

	doc      document
	analyses []section           // built by Decode, in the order they run
	warnings []valuation.Warning // of the deprecated spellings the file used
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
	// Market and AsOf value the model as of a date from market data, in place of the
	// model's own (the model file's fields of the same names): a market file is read
	// beside the run file.
	Market *files.Market `json:"market,omitempty"`
	AsOf   string        `json:"as_of,omitempty"`
	// LinkDAU holds each year's DAU/MAU when its MAU moves (sensitivity.Options.LinkDAU).
	LinkDAU    bool        `json:"link_dau,omitempty"`
	Grid       *grid       `json:"grid,omitempty"`
	Tornado    *tornado    `json:"tornado,omitempty"`
	Scenarios  *scenarios  `json:"scenarios,omitempty"`
	Seek       *seek       `json:"seek,omitempty"`
	MonteCarlo *monteCarlo `json:"monte_carlo,omitempty"`
	Sobol      *sobol      `json:"sobol,omitempty"`
	Morris     *morris     `json:"morris,omitempty"`
	Shapley    *shapley    `json:"shapley,omitempty"`
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
	analyses, warnings, err := f.analyses()
	if err != nil {
		return File{}, err
	}
	out := File{doc: f, analyses: analyses, warnings: warnings}
	if f.Limits != nil {
		out.Limits = *f.Limits
	}
	return out, nil
}

// check refuses what the schema cannot say of the file as a whole: a run without an
// analysis, a model given twice or not at all, a bad path or limits, a bad inline model;
// each analysis checks its own section (analyses).
func (f document) check() error {
	switch {
	case f.Format != Format:
		return invalid("$.format", strconv.Quote(files.Clip(f.Format))+", want "+Format)
	case (f.Model == nil) == (f.ModelFile == ""):
		return invalid("$.model", "give model or model_file, one of the two")
	case f.Grid == nil && f.Tornado == nil && f.Scenarios == nil && f.Seek == nil && f.MonteCarlo == nil && f.Sobol == nil && f.Morris == nil && f.Shapley == nil && len(f.Weighted) == 0:
		return invalid("$", "no analysis: give grid, tornado, scenarios, seek, monte_carlo, sobol, morris, shapley or weighted")
	case f.ModelFile != "" && !fs.ValidPath(f.ModelFile):
		return invalid("$.model_file", "a relative path inside the run file's directory")
	}
	if l := f.Limits; l != nil && (l.MaxPoints < 0 || l.Workers < 0 || l.Workers > sensitivity.MaxWorkers) {
		return invalid("$.limits", fmt.Sprintf("max_points %d, workers %d: want max_points 0 or more, workers 0 to %d", l.MaxPoints, l.Workers, sensitivity.MaxWorkers))
	}
	if f.Model != nil {
		if err := f.Model.Check("$.model"); err != nil {
			return err
		}
	}
	return nil
}

// Report is what a run gives: the valued model and each analysis asked for. It writes
// as JSON in sotp's contract (snake_case, decimals as strings).
type Report struct {
	// Model is the model the run valued, as built from the file (for a workbook of it);
	// it is not written as JSON.
	Model      valuation.Model              `json:"-"`
	Result     valuation.Result             `json:"result"`
	Grid       *sensitivity.Grid            `json:"grid,omitempty"`
	Tornado    []sensitivity.Tornado        `json:"tornado,omitempty"` // one an output
	Scenarios  *sensitivity.Comparison      `json:"scenarios,omitempty"`
	Seek       *sensitivity.Solution        `json:"seek,omitempty"`
	MonteCarlo []sensitivity.Summary        `json:"monte_carlo,omitempty"` // one an output
	Sobol      []sensitivity.Indices        `json:"sobol,omitempty"`
	Morris     []sensitivity.Screening      `json:"morris,omitempty"`
	Shapley    []sensitivity.ShapleyEffects `json:"shapley,omitempty"`
	Weighted   *valuation.Weighted          `json:"weighted,omitempty"`
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
	o := sensitivity.Options{LinkDAU: f.LinkDAU, Progress: r.Progress, MaxPoints: r.Limits.MaxPoints, Workers: r.Limits.Workers, Captions: r.Captions}
	if err := admit(r.analyses, o.MaxPoints); err != nil {
		return Report{}, err
	}
	if err := ctx.Err(); err != nil {
		return Report{}, err
	}
	var m valuation.Model
	var err error
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
	if m, err = f.asOf(m, fsys); err != nil {
		return Report{}, err
	}
	e, err := sensitivity.New(m, o)
	if err != nil {
		return Report{}, &fault.Error{Pkg: "modelfile", Path: "$.limits", Err: err}
	}
	out := Report{Model: m, Result: e.Result(), Warnings: r.warnings}
	for _, s := range r.analyses {
		if err := s.run(ctx, e, &out); err != nil {
			return Report{}, within(s.path, err)
		}
	}
	return out, nil
}

// asOf gives m the run's market and date, where it names them, and values it so that an
// error of either is located at the run's field.
func (f document) asOf(m valuation.Model, fsys fs.FS) (valuation.Model, error) {
	if f.Market == nil && f.AsOf == "" {
		return m, nil
	}
	if err := files.CheckDate(f.AsOf, "$.as_of"); err != nil {
		return valuation.Model{}, err
	}
	if f.Market != nil {
		mk, err := f.Market.Build("$.market", fsys)
		if err != nil {
			return valuation.Model{}, err
		}
		m.Market = mk
	}
	if f.AsOf != "" {
		m.AsOf = f.AsOf
	}
	if _, err := m.Value(); err != nil {
		at := "$.as_of"
		if f.AsOf == "" {
			at = "$.market"
		}
		return valuation.Model{}, &fault.Error{Pkg: "modelfile", Path: at, Err: err}
	}
	return m, nil
}

// admit counts the points of every analysis, as the engine will, and refuses a run of
// more than limit in all (sensitivity.DefaultMaxPoints when zero) with
// fault.ErrTooManyPoints at the path of the analysis that passes it. Once one analysis
// is refused the rest are not counted.
func admit(analyses []section, limit int) error {
	if limit == 0 {
		limit = sensitivity.DefaultMaxPoints
	}
	total := 0
	for _, s := range analyses {
		n, err := s.points()
		switch {
		case err != nil:
			return at(s.path, err)
		case n > limit-total: // total ≤ limit, so the test cannot wrap
			return at(s.path, &fault.Error{Pkg: "modelfile", Field: "points", Value: strconv.Itoa(n) + " after " + strconv.Itoa(total) +
				", in all above " + strconv.Itoa(limit), Err: fault.ErrTooManyPoints})
		}
		total += n
	}
	return nil
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
