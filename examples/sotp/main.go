// Command sotp values model files and sweeps their assumptions from the shell: value,
// figure, grid, run, reconcile, review, schema, chart, xlsx, inline, diff, batch and
// history. sotp -help prints each with its flags; the comment on its usage text says what
// each does, and the README shows them at work.
//
// Exit status: 0 on success; 1 for bad input (the error names the file and the JSON path,
// or the assumption at fault; with -format json it is {"error", "code", "path", ...} on
// standard output); 2 for a usage error.
package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/modelfile"
	"github.com/sotpkit/sotp/valuation/run"
	"github.com/sotpkit/sotp/valuation/sensitivity"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := command(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// errUsage reports a command line sotp cannot read; run prints the usage and exits 2.
var errUsage = errors.New("usage")

// usage is what sotp -help prints. The commands:
//
// value prints the valuation (csv: every figure as key,value); figure prints the figures
// named by key (see go doc github.com/sotpkit/sotp/valuation/key); grid sweeps one or two assumptions, each from
// FROM to TO in N even steps, and prints the output at every point, invalid points with
// their reason; run reads a run file (format sotp/run/v1: a model inline or named, and any
// of a grid, tornado, scenarios, goal seek, Monte Carlo and Sobol run, see
// run.File) and prints each analysis; reconcile checks the figures a source
// printed (a CSV of table,row,column,key,printed,places,shift,exception; or the shipped
// Western Securities figures, kuaishou2021) against the model's, at their printed
// precision, and exits 1 on a surprise; review prints the model's forecast against the
// actuals it carries ("actuals" in the model file: each figure's forecast, actual,
// difference, percentage, verdict and the target with the actual in its place); schema prints the JSON Schema of model
// files, run files or run results, or (drivers) the shipped driver models in a model
// file's "drivers" format, to copy and change; chart draws every chart a model or run file supports
// (the waterfall; a run's tornados, heatmaps or sweep, histograms, Sobol and Morris
// indices) into DIR and prints the files written, each figure named by its title and
// unit (valuation.Result.Caption; -keys names them by key); xlsx writes the model's workbook of live
// formulas, with a sheet of each of a run's analyses; inline writes a model file with its
// comparables files inlined (for the service, which reads no file of its host); diff
// attributes the change of the target between two models to its causes (plan years
// added, the valuation year rolled, years dropped, the P&L; parts removed, added or
// repriced by another method; then users, drivers, peer multiples, premiums, FX, the
// bridge, shares), each step an exact revaluation, the
// steps and the rest summing to the change exactly; batch values every
// model and run file in a folder (a coverage book) and writes a line each, in name
// order, with its target, price, upside and rating or its error, -shard i/n taking the
// files at places i modulo n, so that a Kubernetes Indexed Job shares a folder among its
// pods (run `sotp batch -shard $JOB_COMPLETION_INDEX/N DIR` in a Job of completionMode
// Indexed and N completions); history values a model as of each date from -from to -to
// (its comparables and FX rates at their latest quotes on or before it, from the model's
// "market" or -market FILE) and writes the target, price, upside, rating and each part's
// multiple a date, stale quotes as warnings (value -as-of values one date; a model that
// names a market and no date is valued as of the market's last quote, so that a nightly
// batch values the book on the day's snapshot). A long grid shows a progress bar on standard error when it
// is a terminal; Ctrl-C cancels it.
const usage = `usage:
  sotp value [-format text|markdown|json|csv] [-as-of DATE] [-market FILE] MODEL.json
  sotp figure [-format text|json] MODEL.json KEY...
  sotp grid [-format text|markdown|json|csv] [-workers N] -output KEY -axis NAME=FROM:TO:N|NAME=V1,V2,... [-axis ...] MODEL.json
  sotp run [-format text|json] RUN.json
  sotp reconcile [-format text|markdown|json] MODEL.json PRINTED.csv|kuaishou2021
  sotp review [-format text|markdown|json|csv] MODEL.json
  sotp schema model|run|result|drivers
  sotp chart [-format svg|png] [-width W] [-height H] [-title T] [-subtitle S] [-source S] [-keys] -out DIR MODEL.json|RUN.json
  sotp xlsx -o BOOK.xlsx MODEL.json|RUN.json
  sotp inline MODEL.json
  sotp diff [-format text|json] OLD.json NEW.json
  sotp batch [-format ndjson|csv] [-shard i/n] [-progress] [-as-of DATE] DIR
  sotp history [-format csv|json] [-market FILE] -from DATE -to DATE [-every Nd|Nw|Nm] [-chart FILE.svg] MODEL.json
`

// command executes one command line and returns the exit status.
func command(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var format string
	var err error
	switch args[0] {
	case "value":
		format, err = value(args[1:], stdout)
	case "figure":
		format, err = figure(args[1:], stdout)
	case "grid":
		format, err = grid(ctx, args[1:], stdout, stderr)
	case "run":
		format, err = runFile(ctx, args[1:], stdout, stderr)
	case "schema":
		err = schema(args[1:], stdout)
	case "reconcile":
		format, err = reconcile(args[1:], stdout)
	case "review":
		format, err = review(args[1:], stdout)
	case "chart":
		err = charts(ctx, args[1:], stdout)
	case "xlsx":
		err = xlsx(ctx, args[1:], stdout)
	case "inline":
		err = inline(args[1:], stdout)
	case "diff":
		format, err = diff(ctx, args[1:], stdout)
	case "batch":
		format, err = batch(ctx, args[1:], stdout, stderr)
	case "history":
		format, err = history(ctx, args[1:], stdout)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		err = fmt.Errorf("%w: unknown command %q", errUsage, args[0])
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage) || errors.Is(err, flag.ErrHelp):
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stderr, "sotp:", err)
		}
		fmt.Fprint(stderr, usage)
		return 2
	case format == "json":
		b, _ := json.Marshal(fault.ToJSON(err))
		fmt.Fprintln(stdout, string(b))
	default:
		if fe, ok := err.(*fault.Error); ok && fe.Pkg == "sotp" {
			fmt.Fprintln(stderr, err) // the command's own error says "sotp:" already
		} else {
			fmt.Fprintln(stderr, "sotp:", err)
		}
	}
	return 1
}

// flags parses a command's flags: the format (one of formats) and any the command adds;
// the positional arguments are returned.
func flags(name string, args []string, formats []string, more func(*flag.FlagSet)) (string, []string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	format := fs.String("format", formats[0], strings.Join(formats, ", "))
	if more != nil {
		more(fs)
	}
	if err := fs.Parse(args); err != nil {
		return "", nil, fmt.Errorf("%w: %w", errUsage, err)
	}
	for _, f := range formats {
		if f == *format {
			return *format, fs.Args(), nil
		}
	}
	return "", nil, fmt.Errorf("%w: -format %s, want one of %s", errUsage, *format, strings.Join(formats, ", "))
}

func load(path string) (valuation.Model, valuation.Result, error) {
	m, err := modelfile.LoadModel(path)
	if err != nil {
		return valuation.Model{}, valuation.Result{}, err
	}
	r, err := m.Value()
	return m, r, err
}

// review prints the model's forecast against its actuals.
func review(args []string, w io.Writer) (string, error) {
	format, rest, err := flags("review", args, []string{"text", "markdown", "json", "csv"}, nil)
	if err != nil {
		return "", err
	}
	if len(rest) != 1 {
		return format, fmt.Errorf("%w: review takes one model file", errUsage)
	}
	_, r, err := load(rest[0])
	if err != nil {
		return format, err
	}
	if len(r.Review) == 0 {
		return format, &fault.Error{Pkg: "sotp", File: rest[0], Field: "actuals", Value: "none: give the model file's \"actuals\"", Err: fault.ErrMissing}
	}
	null := func(d decimal.NullDecimal) string {
		if !d.Valid {
			return ""
		}
		return fault.Plain(d.Decimal)
	}
	switch format {
	case "markdown":
		_, err = fmt.Fprint(w, r.ReviewMarkdown())
	case "json":
		err = writeJSON(w, r.Review)
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"key", "forecast", "actual", "difference", "pct", "verdict", "target", "tolerance", "source", "derived", "note"})
		for _, l := range r.Review {
			_ = cw.Write([]string{l.Key.String(), null(l.Forecast), fault.Plain(l.Actual), null(l.Difference), null(l.Pct), l.Verdict,
				null(l.Target), fault.Plain(l.Tolerance), l.Source, l.Derived, l.Note})
		}
		cw.Flush()
		err = cw.Error()
	default:
		_, err = fmt.Fprint(w, r.ReviewText())
	}
	return format, err
}

func value(args []string, w io.Writer) (string, error) {
	var date, market string
	format, rest, err := flags("value", args, []string{"text", "markdown", "json", "csv"}, func(fs *flag.FlagSet) {
		fs.StringVar(&date, "as-of", "", "value as of this date, YYYY-MM-DD, from the model's market or -market")
		fs.StringVar(&market, "market", "", "a market file (CSV or JSON) in place of the model's")
	})
	if err != nil {
		return "", err
	}
	if len(rest) != 1 {
		return format, fmt.Errorf("%w: value takes one model file", errUsage)
	}
	if err := checkDateFlag("as-of", date); err != nil {
		return format, err
	}
	m, err := loadAsOf(rest[0], market, date)
	if err != nil {
		return format, err
	}
	r, err := m.Value()
	if err != nil {
		return format, err
	}
	switch format {
	case "markdown":
		_, err = fmt.Fprint(w, r.Markdown())
	case "json":
		err = writeJSON(w, r)
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"key", "value"})
		for _, k := range r.Keys() {
			if v, err := r.Lookup(k); err == nil {
				_ = cw.Write([]string{k.String(), fault.Plain(v)})
			}
		}
		cw.Flush()
		err = cw.Error()
	default:
		_, err = fmt.Fprint(w, r.Text())
	}
	return format, err
}

func figure(args []string, w io.Writer) (string, error) {
	format, rest, err := flags("figure", args, []string{"text", "json"}, nil)
	if err != nil {
		return "", err
	}
	if len(rest) < 2 {
		return format, fmt.Errorf("%w: figure takes a model file and one key or more", errUsage)
	}
	_, r, err := load(rest[0])
	if err != nil {
		return format, err
	}
	out := map[string]string{}
	var lines []string
	for _, s := range rest[1:] {
		v, err := r.Figure(s)
		if err != nil {
			return format, err
		}
		out[s] = fault.Plain(v)
		lines = append(lines, s+"\t"+out[s])
	}
	if format == "json" {
		return format, writeJSON(w, out)
	}
	_, err = fmt.Fprintln(w, strings.Join(lines, "\n"))
	return format, err
}

// axes collects -axis flags.
type axes []string

func (a *axes) String() string     { return strings.Join(*a, " ") }
func (a *axes) Set(s string) error { *a = append(*a, s); return nil }

func grid(ctx context.Context, args []string, w, stderr io.Writer) (string, error) {
	var as axes
	var output string
	var workers int
	var keys bool
	format, rest, err := flags("grid", args, []string{"text", "markdown", "json", "csv"}, func(fs *flag.FlagSet) {
		fs.BoolVar(&keys, "keys", false, "name figures and assumptions by their keys, not their titles and units")
		fs.Var(&as, "axis", "NAME=FROM:TO:N (N even steps) or NAME=V1,V2,..., once or twice")
		fs.StringVar(&output, "output", "target", "the figure to read at each point")
		fs.IntVar(&workers, "workers", 0, "goroutines (0: GOMAXPROCS); results do not depend on it")
	})
	if err != nil {
		return "", err
	}
	if len(rest) != 1 || len(as) == 0 || len(as) > 2 {
		return format, fmt.Errorf("%w: grid takes one model file and one or two -axis", errUsage)
	}
	var axis []sensitivity.Axis
	for _, s := range as {
		a, err := sensitivity.ParseAxis(s)
		if err != nil {
			return format, err
		}
		axis = append(axis, a)
	}
	if _, err := sensitivity.GridPoints(axis...); err != nil {
		return format, err
	}
	m, _, err := load(rest[0])
	if err != nil {
		return format, err
	}
	o := sensitivity.Options{Workers: workers, Progress: progress(stderr), Captions: !keys}
	e, err := sensitivity.New(m, o)
	if err != nil {
		return format, err
	}
	g, err := e.Grid(ctx, []string{output}, axis...)
	if err != nil {
		return format, err
	}
	switch format {
	case "markdown":
		_, err = fmt.Fprint(w, g.Markdown(output))
	case "json":
		err = writeJSON(w, g)
	case "csv":
		err = g.CSV(w)
	default:
		_, err = fmt.Fprint(w, g.Text(output))
	}
	return format, err
}

func runFile(ctx context.Context, args []string, w, stderr io.Writer) (string, error) {
	var keys bool
	format, rest, err := flags("run", args, []string{"text", "json"}, func(fs *flag.FlagSet) {
		fs.BoolVar(&keys, "keys", false, "name figures and assumptions by their keys, not their titles and units")
	})
	if err != nil {
		return "", err
	}
	if len(rest) != 1 {
		return format, fmt.Errorf("%w: run takes one run file", errUsage)
	}
	r, err := readRun(ctx, rest[0], progress(stderr), !keys)
	if err != nil {
		return format, err
	}
	if format == "json" {
		return format, writeJSON(w, r)
	}
	var b strings.Builder
	b.WriteString(r.Result.Summary() + "\n")
	if g := r.Grid; g != nil {
		for _, o := range g.Outputs {
			b.WriteString("\n" + g.Text(o))
		}
	}
	for _, t := range r.Tornado {
		b.WriteString("\n" + t.Text())
	}
	if c := r.Scenarios; c != nil {
		b.WriteString("\n" + c.Text())
	}
	if s := r.Seek; s != nil {
		fmt.Fprintf(&b, "\nGoal seek: the assumption at %s gives the output %s (%d evaluations)\n", fault.Plain(s.Value), fault.Plain(s.Output), s.Iterations)
	}
	for _, s := range r.MonteCarlo {
		b.WriteString("\n" + s.Text())
	}
	for _, ix := range r.Sobol {
		b.WriteString("\n" + ix.Text())
	}
	for _, s := range r.Morris {
		b.WriteString("\n" + s.Text())
	}
	for _, x := range r.Shapley {
		b.WriteString("\n" + x.Text())
	}
	if w := r.Weighted; w != nil {
		b.WriteString("\n" + w.Text())
	}
	for _, warning := range slices.Concat(r.Warnings, r.Result.Warnings) { // the file's, then its model's
		fmt.Fprintln(stderr, "sotp: warning:", warning.Message)
	}
	_, err = fmt.Fprint(w, b.String())
	return format, err
}

// readRun reads the run file at path; a model file or comparables file it names is read
// from its directory through an os.Root, as modelfile.LoadModel reads them.
func readRun(ctx context.Context, path string, progress func(done, total int), captions bool) (run.Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return run.Report{}, &fault.Error{Pkg: "modelfile", File: path, Err: err}
	}
	defer f.Close()
	root, err := os.OpenRoot(filepath.Dir(path))
	if err != nil {
		return run.Report{}, &fault.Error{Pkg: "modelfile", File: path, Err: err}
	}
	defer root.Close()
	rf, err := run.Decode(f)
	if err != nil {
		return run.Report{}, fault.Within(err, fault.Error{File: path})
	}
	rf.Progress, rf.Captions = progress, captions
	r, err := rf.Run(ctx, root.FS())
	if err != nil {
		return run.Report{}, fault.Within(err, fault.Error{File: path})
	}
	return r, nil
}

// errSurprise reports printed figures that do not reproduce as their list expects: bad
// input (exit 1, code "surprise", of fault.ErrInvalid's category), not an internal
// failure.
var errSurprise error = surprise{}

type surprise struct{}

func (surprise) Error() string        { return "printed figures do not reproduce as expected" }
func (surprise) Code() string         { return "surprise" }
func (surprise) Is(target error) bool { return target == fault.ErrInvalid }

func reconcile(args []string, w io.Writer) (string, error) {
	format, rest, err := flags("reconcile", args, []string{"text", "markdown", "json"}, nil)
	if err != nil {
		return "", err
	}
	if len(rest) != 2 {
		return format, fmt.Errorf("%w: reconcile takes a model file and a printed-figures CSV (or kuaishou2021)", errUsage)
	}
	_, r, err := load(rest[0])
	if err != nil {
		return format, err
	}
	printed, err := readPrinted(rest[1])
	if err != nil {
		return format, err
	}
	rc := r.Reconcile(printed)
	switch format {
	case "json":
		err = writeJSON(w, rc)
	case "markdown":
		_, err = fmt.Fprint(w, rc.Markdown())
	default:
		_, err = fmt.Fprint(w, rc.Text())
	}
	if err != nil {
		return format, err
	}
	if s := rc.Surprises(); len(s) > 0 { // "": the report is written, in the format asked; the error goes to stderr
		return "", &fault.Error{Pkg: "sotp", Field: "reconcile", Value: fmt.Sprintf("%d of %d", len(s), len(rc.Checks)), Err: errSurprise}
	}
	return format, nil
}

// readPrinted reads printed figures from a CSV with the header
// table,row,column,key,printed,places,shift,exception, or names the shipped ones.
func readPrinted(path string) ([]valuation.Printed, error) {
	if path == "kuaishou2021" {
		return kuaishou2021.Figures(), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, &fault.Error{Pkg: "sotp", File: path, Err: err}
	}
	defer f.Close()
	out, err := modelfile.ReadPrinted(f)
	if err != nil {
		return nil, fault.Within(err, fault.Error{File: path})
	}
	return out, nil
}

func schema(args []string, w io.Writer) error {
	schemas := map[string]func() []byte{"model": modelfile.ModelSchema, "run": run.Schema, "result": run.ReportSchema}
	if len(args) == 1 && args[0] == "drivers" { // the shipped driver models, as a model file defines one
		return writeJSON(w, map[string][]segments.Spec{"drivers": segments.Kinds()})
	}
	if len(args) != 1 || schemas[args[0]] == nil {
		return fmt.Errorf("%w: schema takes model, run, result or drivers", errUsage)
	}
	_, err := w.Write(schemas[args[0]]())
	return err
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// progress is a progress bar on w when it is a terminal, else nil.
func progress(w io.Writer) func(done, total int) {
	if !isTerminal(w) {
		return nil
	}
	return func(done, total int) {
		const width = 40
		bar := strings.Repeat("#", done*width/max(total, 1))
		fmt.Fprintf(w, "\r[%-*s] %d/%d", width, bar, done, total)
		if done == total {
			fmt.Fprintln(w)
		}
	}
}

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
