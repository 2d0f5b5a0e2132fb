package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/sotpkit/sotp/valuation/chart"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/key"
	"github.com/sotpkit/sotp/valuation/modelfile"
	"github.com/sotpkit/sotp/valuation/run"
	"github.com/sotpkit/sotp/valuation/workbook"
)

// The analyst's outputs of any model or run file: charts, a workbook, and the model with
// its comparables inlined.

// readAny reads a model file or a run file, told apart by its "format", as a run's
// report: a model file's holds its valuation alone, as of asOf when given (a run file
// names its own date).
func readAny(ctx context.Context, path, asOf string) (run.Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return run.Report{}, &fault.Error{Pkg: "sotp", File: path, Err: err}
	}
	var head struct {
		Format string `json:"format"`
	}
	_ = json.Unmarshal(b, &head) // a file that is not JSON is refused by the model reader, at its byte
	if head.Format == run.Format {
		return readRun(ctx, path, nil, false)
	}
	m, err := loadAsOf(path, "", asOf) // at the date asked for, not the file's own
	if err != nil {
		return run.Report{}, err
	}
	r, err := m.Value()
	if err != nil {
		return run.Report{}, fault.Within(err, fault.Error{File: path})
	}
	return run.Report{Model: m, Result: r}, nil
}

// charts draws every chart the file supports into a directory: the waterfall of the sum
// of the parts, and for a run its tornados, its grid (a heatmap of each output over two
// axes, or a sweep of them over one), its Monte Carlo histograms and its Sobol and
// Morris indices. It prints the files written, one a line.
func charts(ctx context.Context, args []string, w io.Writer) error {
	var dir, kind string
	var o chart.Frame
	var keys bool
	fs := flag.NewFlagSet("chart", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&dir, "out", "", "directory to write the charts into (made if absent)")
	fs.StringVar(&kind, "format", "svg", "svg or png")
	fs.Float64Var(&o.Width, "width", 0, "width in points (0: 576)")
	fs.Float64Var(&o.Height, "height", 0, "height in points (0: 360)")
	fs.StringVar(&o.Title, "title", "", "a title for every chart, in place of its own")
	fs.StringVar(&o.Subtitle, "subtitle", "", "a line under each chart's title")
	fs.StringVar(&o.Source, "source", "", "a line at the foot of each chart (\"Source: ...\")")
	fs.BoolVar(&keys, "keys", false, "name figures and assumptions by their keys, not their titles and units")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	if dir == "" || fs.NArg() != 1 || kind != "svg" && kind != "png" {
		return fmt.Errorf("%w: chart takes -out DIR, -format svg or png, and one model or run file", errUsage)
	}
	rep, err := readAny(ctx, fs.Arg(0), "")
	if err != nil {
		return err
	}
	if !keys {
		o.Label = func(text string) string {
			k, err := key.Parse(text)
			if err != nil {
				return text
			}
			return rep.Result.Caption(k)
		}
	}
	size := o
	type drawn struct {
		name string
		draw func() (chart.Chart, error)
	}
	list := []drawn{{"waterfall", func() (chart.Chart, error) { return chart.Waterfall(rep.Result, size) }}}
	for _, t := range rep.Tornado {
		list = append(list, drawn{"tornado-" + fileName(t.Output), func() (chart.Chart, error) { return chart.Tornado(t, size) }})
	}
	if g := rep.Grid; g != nil && len(g.Axes) == 1 {
		list = append(list, drawn{"sweep", func() (chart.Chart, error) { return chart.Sweep(*g, size) }})
	}
	if g := rep.Grid; g != nil && len(g.Axes) == 2 {
		for _, o := range g.Outputs {
			level := math.NaN()
			if o == "target" && rep.Result.Price.IsPositive() {
				level = rep.Result.Price.InexactFloat64() // where the price is justified
			}
			list = append(list, drawn{"heatmap-" + fileName(o), func() (chart.Chart, error) { return chart.Heatmap(*g, o, level, size) }})
		}
	}
	for _, s := range rep.MonteCarlo {
		list = append(list, drawn{"histogram-" + fileName(s.Output), func() (chart.Chart, error) { return chart.Histogram(s, size) }})
		if len(s.Precision) > 0 { // the run looked at its draws in rounds
			list = append(list, drawn{"convergence-" + fileName(s.Output), func() (chart.Chart, error) { return chart.Convergence(s, size) }})
		}
	}
	for _, x := range rep.Sobol {
		list = append(list, drawn{"sobol-" + fileName(x.Output), func() (chart.Chart, error) { return chart.Indices(x, size) }})
	}
	for _, x := range rep.Morris {
		list = append(list, drawn{"morris-" + fileName(x.Output), func() (chart.Chart, error) { return chart.Screening(x, size) }})
	}
	for _, x := range rep.Shapley {
		list = append(list, drawn{"shapley-" + fileName(x.Output), func() (chart.Chart, error) { return chart.Shapley(x, size) }})
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return &fault.Error{Pkg: "sotp", File: dir, Err: err}
	}
	for _, d := range list {
		ch, err := d.draw()
		if err != nil {
			return &fault.Error{Pkg: "sotp", Op: d.name, Err: err}
		}
		var b bytes.Buffer
		if kind == "svg" {
			err = ch.SVG(&b)
		} else {
			err = ch.PNG(&b)
		}
		path := filepath.Join(dir, d.name+"."+kind)
		if err == nil {
			err = os.WriteFile(path, b.Bytes(), 0o644)
		}
		if err != nil {
			return &fault.Error{Pkg: "sotp", File: path, Err: err}
		}
		fmt.Fprintln(w, path)
	}
	return nil
}

// fileName is a figure key as part of a file name: "part/ads/value" is "part-ads-value".
func fileName(k string) string { return strings.ReplaceAll(k, "/", "-") }

// xlsx writes the workbook of a model file, or of a run file's model with a sheet of each
// analysis the workbook holds (grids, tornados, scenarios, Monte Carlo, Sobol, Morris).
func xlsx(ctx context.Context, args []string, w io.Writer) error {
	var out string
	fs := flag.NewFlagSet("xlsx", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&out, "o", "", "the workbook to write")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	if out == "" || fs.NArg() != 1 {
		return fmt.Errorf("%w: xlsx takes -o BOOK.xlsx and one model or run file", errUsage)
	}
	rep, err := readAny(ctx, fs.Arg(0), "")
	if err != nil {
		return err
	}
	var x workbook.Extras
	if g := rep.Grid; g != nil {
		for _, o := range g.Outputs {
			x.Grids = append(x.Grids, workbook.GridSheet{Grid: *g, Output: o})
		}
	}
	x.Tornados, x.MonteCarlos, x.Sobols, x.Screenings, x.Shapleys = rep.Tornado, rep.MonteCarlo, rep.Sobol, rep.Morris, rep.Shapley
	if rep.Scenarios != nil {
		x.Scenarios = append(x.Scenarios, *rep.Scenarios)
	}
	var b bytes.Buffer
	if err := workbook.Write(&b, rep.Model, x); err != nil {
		return err
	}
	if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
		return &fault.Error{Pkg: "sotp", File: out, Err: err}
	}
	fmt.Fprintln(w, out)
	return nil
}

// inline writes a model file with the comparables files it names inlined, so that it can
// be posted to the service, which reads no file of its host.
func inline(args []string, w io.Writer) error {
	if len(args) != 1 {
		return fmt.Errorf("%w: inline takes one model file", errUsage)
	}
	m, err := modelfile.LoadModel(args[0])
	if err != nil {
		return err
	}
	return modelfile.Write(w, m)
}
