package files

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/earnings"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/key"
)

// MaxBytes is the size limit of a model or comparables file.
const MaxBytes = 1 << 20

// modelDoc reads model files.
var modelDoc = NewDoc[File]()

// Decode reads a model file strictly: at most MaxBytes of JSON, no duplicate keys,
// unknown fields, nulls or missing required fields, decimals only as bounded strings.
// Errors are *fault.Error with the JSON path of the offending value.
func Decode(r io.Reader) (File, error) {
	f, err := modelDoc.Decode(r)
	if err != nil {
		return File{}, err
	}
	if err := f.Check("$"); err != nil {
		return File{}, err
	}
	return f, nil
}

// Check refuses what a schema cannot: a format other than ModelFormat, a driver the
// file defines that cannot forecast (a formula that does not parse, reads an unknown
// name or mixes units), a driver kind neither shipped nor defined, inputs of a segment
// that its kind does not take. root is where the file sits in its document ("$", or
// "$.model" inside a run file).
func (f File) Check(root string) error {
	if f.Format != ModelFormat {
		return &fault.Error{Pkg: "modelfile", Path: root + ".format", Err: fmt.Errorf("%w: %s, want %s", fault.ErrInvalid, strconv.Quote(Clip(f.Format)), ModelFormat)}
	}
	specOf, err := f.specs(root)
	if err != nil {
		return err
	}
	for i, s := range f.Plan.Segments {
		if err := s.check(fmt.Sprintf("%s.plan.segments[%d]", root, i), specOf); err != nil {
			return err
		}
	}
	for i, p := range f.Parts {
		if err := p.check(fmt.Sprintf("%s.parts[%d]", root, i)); err != nil {
			return err
		}
	}
	return nil
}

// check refuses a driver kind that is neither shipped nor defined by the file, and
// inputs that its Spec does not name or that it needs and are missing.
func (s Segment) check(at string, specOf func(string) (segments.Spec, bool)) error {
	spec, ok := specOf(s.Driver)
	if !ok {
		var kinds []string
		for _, k := range segments.Kinds() {
			kinds = append(kinds, k.Kind)
		}
		return &fault.Error{Pkg: "modelfile", Path: at + ".driver", Err: fmt.Errorf("%w: %s, want one of %s or a kind the file's drivers define", fault.ErrInvalid, strconv.Quote(Clip(s.Driver)), strings.Join(kinds, ", "))}
	}
	if s.inputsFit(spec) {
		return nil
	}
	for _, y := range slices.Sorted(maps.Keys(s.Inputs)) { // find the first misfit, in file order
		in, year := s.Inputs[y], ChildPath(at+".inputs", strconv.Itoa(y))
		for _, name := range slices.Sorted(maps.Keys(in)) {
			if !slices.ContainsFunc(spec.Inputs, func(i segments.Input) bool { return string(i.Metric) == name }) {
				return &fault.Error{Pkg: "modelfile", Path: ChildPath(year, name), Err: fmt.Errorf("%w: not an input of %s", fault.ErrUnknownField, s.Driver)}
			}
		}
		for _, i := range spec.Inputs {
			if _, ok := in[string(i.Metric)]; !ok && !i.Optional {
				return &fault.Error{Pkg: "modelfile", Path: ChildPath(year, string(i.Metric)), Err: fault.ErrMissingField}
			}
		}
	}
	return nil
}

// inputsFit reports whether every year's inputs are inputs of spec and hold each input
// it requires: the common case, checked without sorting or spelling out a path.
func (s Segment) inputsFit(spec segments.Spec) bool {
	for _, in := range s.Inputs {
		known := 0
		for _, i := range spec.Inputs {
			_, ok := in[string(i.Metric)]
			switch {
			case ok:
				known++
			case !i.Optional:
				return false
			}
		}
		if known != len(in) { // an input the spec does not name
			return false
		}
	}
	return true
}

// Encode writes f as indented JSON. A File that Decode returned encodes to the bytes it
// was decoded from when those were written by Encode.
func Encode(w io.Writer, f File) error {
	b, err := encodeJSON(f)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// MaxCompanies is the most comparables one model may price in all its parts, counting a
// comparables file once for each part that names it.
const MaxCompanies = 50_000

// Read is modelfile.Read, which documents it.
func Read(r io.Reader, fsys fs.FS) (valuation.Model, error) {
	m, _, err := read(r, fsys)
	return m, err
}

// Value is modelfile.Value.
func Value(r io.Reader, fsys fs.FS) (valuation.Result, error) {
	_, res, err := read(r, fsys)
	return res, err
}

// read is Read, keeping the valuation it checks the model with.
func read(r io.Reader, fsys fs.FS) (valuation.Model, valuation.Result, error) {
	f, err := Decode(r)
	if err != nil {
		return valuation.Model{}, valuation.Result{}, err
	}
	m, err := f.Model(fsys)
	if err != nil {
		return valuation.Model{}, valuation.Result{}, err
	}
	res, err := m.Value()
	if err != nil {
		at := f.Locate("$", err)
		if strings.HasSuffix(at, ".comps.file") && errors.Is(err, fault.ErrMissingMetric) { // a universe taken whole, most often
			err = fmt.Errorf("%w (the set takes every company of its file: select some by \"tickers\" or \"tags\", or give \"skip_unpriced\")", err)
		}
		return valuation.Model{}, valuation.Result{}, &fault.Error{Pkg: "modelfile", Path: at, Err: err}
	}
	return m, res, nil
}

// LoadModel is modelfile.LoadModel.
func LoadModel(name string) (valuation.Model, error) {
	fail := func(err error) (valuation.Model, error) { return valuation.Model{}, InFile(err, name) }
	r, err := openRegular(name)
	if err != nil {
		return fail(err)
	}
	defer r.Close()
	root, err := os.OpenRoot(filepath.Dir(name))
	if err != nil {
		return fail(err)
	}
	defer root.Close()
	m, err := Read(r, root.FS())
	if err != nil {
		return fail(err)
	}
	return m, nil
}

// openRegular opens the named file if it is a regular file of at most MaxBytes; stating
// first means a FIFO is never opened, which would block until a writer came.
func openRegular(name string) (*os.File, error) {
	if err := CheckRegular(os.Stat(name)); err != nil {
		return nil, err
	}
	return os.Open(name)
}

// CheckRegular refuses what fs.Stat or os.Stat gave when it is not a regular file of
// at most MaxBytes, or when stating failed (err).
func CheckRegular(fi fs.FileInfo, err error) error {
	switch {
	case err != nil:
		return err
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%w: %s is not a regular file", fault.ErrInvalid, fi.Mode().Type())
	case fi.Size() > MaxBytes:
		return &fault.Error{Pkg: "modelfile", Path: fmt.Sprintf("above %d bytes", int64(MaxBytes)), Err: fault.ErrTooLarge}
	}
	return nil
}

// Model builds the valuation.Model the file describes. Comparables files named by sets
// are read from fsys, each once however many sets name it; with a nil fsys they are an
// error. The model shares no map or slice with f.
func (f File) Model(fsys fs.FS) (valuation.Model, error) {
	m := valuation.Model{Name: f.Name, Ticker: f.Ticker, Year: f.Year, Currency: comps.Currency(f.Currency),
		Shares: f.Shares.Decimal, Price: value(f.Price)}
	if err := m.Currency.Check(); err != nil {
		return valuation.Model{}, &fault.Error{Pkg: "modelfile", Path: "$.currency", Err: err}
	}
	if err := comps.Currency(f.Plan.Currency).Check(); err != nil {
		return valuation.Model{}, &fault.Error{Pkg: "modelfile", Path: "$.plan.currency", Err: err}
	}
	rates := make([]comps.Rate, len(f.FX))
	for i, r := range f.FX {
		rates[i] = comps.Rate{From: comps.Currency(r.From), To: comps.Currency(r.To), Rate: r.Rate.Decimal, AsOf: r.AsOf}
		if _, err := comps.NewFX(rates[i]); err != nil {
			return valuation.Model{}, &fault.Error{Pkg: "modelfile", Path: fmt.Sprintf("$.fx[%d]", i), Err: err}
		}
	}
	fx, err := comps.NewFX(rates...)
	if err != nil {
		return valuation.Model{}, &fault.Error{Pkg: "modelfile", Path: "$.fx", Err: err}
	}
	m.FX = fx
	if m.Market, err = f.Market.Build("$.market", fsys); err != nil {
		return valuation.Model{}, err
	}
	m.AsOf, m.MaxQuoteAge = f.AsOf, f.MaxQuoteAge
	if err := CheckDate(f.AsOf, "$.as_of"); err != nil {
		return valuation.Model{}, err
	}
	if f.MaxQuoteAge < 0 {
		return valuation.Model{}, &fault.Error{Pkg: "modelfile", Path: "$.max_quote_age", Err: fault.ErrNegative}
	}
	if m.FXTolerance = value(f.FXTolerance); m.FXTolerance.Sign() < 0 {
		return valuation.Model{}, &fault.Error{Pkg: "modelfile", Path: "$.fx_tolerance", Err: fault.ErrNegative}
	}
	if m.Scale, err = f.Rating.scale(); err != nil {
		return valuation.Model{}, err
	}
	switch f.Display {
	case "", "millions":
	case "hundred_millions":
		m.Display = segments.HundredMillions
	default:
		return valuation.Model{}, &fault.Error{Pkg: "modelfile", Path: "$.display", Err: fmt.Errorf("%w: %s, want millions or hundred_millions", fault.ErrInvalid, strconv.Quote(Clip(f.Display)))}
	}
	for c, sym := range f.Symbols {
		at := ChildPath("$.symbols", c)
		if err := comps.Currency(c).Check(); err != nil {
			return valuation.Model{}, &fault.Error{Pkg: "modelfile", Path: at, Err: err}
		}
		if utf8.RuneCountInString(sym) > 8 {
			return valuation.Model{}, &fault.Error{Pkg: "modelfile", Path: at, Err: fmt.Errorf("%w: a symbol of more than 8 characters", fault.ErrInvalid)}
		}
		if m.Symbols == nil {
			m.Symbols = map[comps.Currency]string{}
		}
		m.Symbols[comps.Currency(c)] = sym
	}
	specOf, err := f.specs("$")
	if err != nil {
		return valuation.Model{}, err
	}
	m.Plan = f.Plan.plan(specOf)
	if f.Earnings != nil {
		if m.Earnings, err = f.Earnings.plan(); err != nil {
			return valuation.Model{}, err
		}
	}
	if f.Horizon != nil {
		m.Horizon = valuation.Horizon{Rate: f.Horizon.Rate.Decimal, Years: f.Horizon.Years.Decimal}
	}
	if m.Bridge, err = f.Bridge.bridge(); err != nil {
		return valuation.Model{}, err
	}
	for i, a := range f.Actuals {
		at := fmt.Sprintf("$.actuals[%d]", i)
		k, err := key.Parse(a.Key)
		if err != nil {
			return valuation.Model{}, &fault.Error{Pkg: "modelfile", Path: at + ".key", Err: err}
		}
		if slices.ContainsFunc(m.Actuals, func(o valuation.Actual) bool { return o.Key == k }) {
			return valuation.Model{}, &fault.Error{Pkg: "modelfile", Path: at + ".key", Err: fmt.Errorf("%w: %s given twice", fault.ErrDuplicateAssumption, strconv.Quote(Clip(a.Key)))}
		}
		if a.Tolerance != nil && a.Tolerance.Sign() < 0 {
			return valuation.Model{}, &fault.Error{Pkg: "modelfile", Path: at + ".tolerance", Err: fault.ErrNegative}
		}
		m.Actuals = append(m.Actuals, valuation.Actual{Key: k, Value: a.Value.Decimal, Source: a.Source, Derived: a.Derived, Tolerance: value(a.Tolerance)})
	}
	if f.Dilution != nil {
		if err := m.Dilution.Basis.UnmarshalText([]byte(f.Dilution.Basis)); err != nil {
			return valuation.Model{}, &fault.Error{Pkg: "modelfile", Path: "$.dilution.basis", Err: err}
		}
		for _, t := range f.Dilution.Tranches {
			m.Dilution.Tranches = append(m.Dilution.Tranches, valuation.Tranche{Name: t.Name, Count: t.Count.Decimal, Strike: value(t.Strike), Convertible: t.Convertible})
		}
	}
	files := map[string][]comps.Company{}
	priced := 0
	for i, p := range f.Parts {
		at := fmt.Sprintf("$.parts[%d]", i)
		for j, q := range f.Parts[:i] {
			if q.Segment == p.Segment {
				return valuation.Model{}, &fault.Error{Pkg: "modelfile", Path: at + ".segment", Err: fmt.Errorf("%w: %s is valued by $.parts[%d] too", fault.ErrDuplicatePart, strconv.Quote(Clip(p.Segment)), j)}
			}
		}
		if p.Method == fixed {
			m.Parts = append(m.Parts, valuation.Part{Segment: p.Segment,
				Method: valuation.Fixed{Amount: p.Value.Decimal, Note: p.Note, Enterprise: p.Enterprise}})
			continue
		}
		if p.Method == formula {
			var f segments.Formula
			if err := f.UnmarshalText([]byte(p.Formula)); err != nil {
				return valuation.Model{}, &fault.Error{Pkg: "modelfile", Path: at + ".formula", Err: err}
			}
			m.Parts = append(m.Parts, valuation.Part{Segment: p.Segment,
				Method: valuation.Expression{Label: p.Label, Formula: f, Note: p.Note, Enterprise: p.Enterprise}})
			continue
		}
		set, err := p.Comps.set(at+".comps", fsys, files)
		if err != nil {
			return valuation.Model{}, err
		}
		if priced += len(set.Companies); priced > MaxCompanies {
			return valuation.Model{}, &fault.Error{Pkg: "modelfile", Path: at + ".comps", Err: fmt.Errorf("%w: more than %d comparables in all the parts", fault.ErrTooLarge, MaxCompanies)}
		}
		m.Parts = append(m.Parts, valuation.Part{Segment: p.Segment,
			Method: valuation.Multiple{Label: p.Method, Comps: set, Metric: segments.Metric(p.Metric), Proxy: p.Proxy}})
	}
	return m, nil
}

// scale returns the valuation.Scale of a rating, refusing an empty rating name and floors
// that do not fall from band to band; nil is the zero Scale.
func (s *Scale) scale() (valuation.Scale, error) {
	if s == nil {
		return valuation.Scale{}, nil
	}
	out := valuation.Scale{Below: valuation.Rating(s.Below)}
	if s.Below == "" {
		return valuation.Scale{}, &fault.Error{Pkg: "modelfile", Path: "$.rating.below", Err: fmt.Errorf("%w: empty", fault.ErrInvalid)}
	}
	for i, b := range s.Bands {
		at := fmt.Sprintf("$.rating.bands[%d]", i)
		switch {
		case b.Rating == "":
			return valuation.Scale{}, &fault.Error{Pkg: "modelfile", Path: at + ".rating", Err: fmt.Errorf("%w: empty", fault.ErrInvalid)}
		case i > 0 && !b.Floor.LessThan(s.Bands[i-1].Floor.Decimal):
			return valuation.Scale{}, &fault.Error{Pkg: "modelfile", Path: at + ".floor", Err: fmt.Errorf("%w: %s, want below the band before's %s", fault.ErrInvalid, b.Floor, s.Bands[i-1].Floor)}
		}
		out.Bands = append(out.Bands, valuation.Band{Rating: valuation.Rating(b.Rating), Floor: b.Floor.Decimal, Inclusive: b.Inclusive})
	}
	return out, nil
}

func (p Plan) plan(specOf func(string) (segments.Spec, bool)) segments.Plan {
	out := segments.Plan{Currency: p.Currency, Years: slices.Clone(p.Years), FirstEstimate: p.FirstEstimate, Users: map[int]segments.Users{}}
	for y, u := range p.Users {
		out.Users[y] = segments.Users{MAU: u.MAU.Decimal, DAU: u.DAU.Decimal}
	}
	for _, s := range p.Segments {
		seg := segments.Segment{Name: s.Name, Title: s.Title, Drivers: map[int]segments.Driver{}}
		spec, _ := specOf(s.Driver) // Decode checked it
		for y, in := range s.Inputs {
			vals := make([]decimal.Decimal, len(spec.Inputs))
			for i, input := range spec.Inputs {
				vals[i] = in[string(input.Metric)].Decimal // an optional input left out is zero
			}
			seg.Drivers[y] = segments.Generic{Model: spec, In: vals}
		}
		for y, margin := range s.NetMargin {
			seg.Drivers[y] = segments.NetMargin{Driver: seg.Drivers[y], Margin: margin.Decimal}
		}
		out.Segments = append(out.Segments, seg)
	}
	return out
}

// kinds are the P&L line kinds by their file names.
var kinds = map[string]earnings.LineKind{"cost_of_sales": earnings.CostOfSales, "expense": earnings.Expense, "other": earnings.Other}

func (e Earnings) plan() (earnings.PnL, error) {
	p := earnings.PnL{Shares: map[int]decimal.Decimal{}, Equity: map[int]decimal.Decimal{}}
	for y, s := range e.Shares {
		p.Shares[y] = s.Decimal
	}
	for y, q := range e.Equity {
		p.Equity[y] = q.Decimal
	}
	for i, l := range e.Lines {
		at := fmt.Sprintf("$.earnings.lines[%d]", i)
		kind, ok := kinds[l.Kind]
		if !ok {
			return earnings.PnL{}, &fault.Error{Pkg: "modelfile", Path: at + ".kind", Err: fmt.Errorf("%w: %s, want cost_of_sales, expense or other", fault.ErrInvalid, strconv.Quote(Clip(l.Kind)))}
		}
		line := earnings.LineItem{Name: l.Name, Label: l.Label, Kind: kind, Years: map[int]earnings.Value{}}
		for y, v := range l.Years {
			switch {
			case (v.Amount == nil) == (v.Ratio == nil):
				return earnings.PnL{}, &fault.Error{Pkg: "modelfile", Path: ChildPath(at+".years", strconv.Itoa(y)), Err: fmt.Errorf("%w: give amount or ratio, one of the two", fault.ErrInvalid)}
			case v.Amount != nil && v.Of != "":
				return earnings.PnL{}, &fault.Error{Pkg: "modelfile", Path: ChildPath(at+".years", strconv.Itoa(y)) + ".of", Err: fmt.Errorf("%w: only with a ratio", fault.ErrInvalid)}
			case v.Amount != nil:
				line.Years[y] = earnings.Amount(v.Amount.Decimal)
			default:
				line.Years[y] = earnings.Ratio(v.Ratio.Decimal, v.Of)
			}
		}
		p.Lines = append(p.Lines, line)
	}
	return p, nil
}

var aggregates = []string{"mean", "median", "harmonic", "trimmed", "market_value_weighted", "weighted"}

func (s Set) set(at string, fsys fs.FS, files map[string][]comps.Company) (comps.Set, error) {
	metric, err := comps.ParseMetric(s.Metric)
	if err != nil {
		return comps.Set{}, &fault.Error{Pkg: "modelfile", Path: at + ".metric", Err: err}
	}
	out := comps.Set{Name: s.Name, Metric: metric, Money: s.Money, Enterprise: s.Enterprise, Currency: comps.Currency(s.Currency),
		Premium: value(s.Premium), Exclude: maps.Clone(s.Exclude), SkipUnpriced: s.SkipUnpriced, OutlierZ: value(s.OutlierZ)}
	if s.Currency != "" {
		if err := out.Currency.Check(); err != nil {
			return comps.Set{}, &fault.Error{Pkg: "modelfile", Path: at + ".currency", Err: err}
		}
	}
	invalid := func(field, why string) error {
		return &fault.Error{Pkg: "modelfile", Path: at + "." + field, Err: fmt.Errorf("%w: %s", fault.ErrInvalid, why)}
	}
	if s.Trim != nil && s.Aggregate != "trimmed" {
		return comps.Set{}, invalid("trim", "only with aggregate trimmed")
	}
	if s.Weights != nil && s.Aggregate != "weighted" {
		return comps.Set{}, invalid("weights", "only with aggregate weighted")
	}
	switch s.Aggregate {
	case "", "mean":
		out.Aggregate = comps.Mean{}
	case "median":
		out.Aggregate = comps.Median{}
	case "harmonic":
		out.Aggregate = comps.Harmonic{}
	case "trimmed":
		out.Aggregate = comps.Trimmed{Fraction: value(s.Trim)}
	case "market_value_weighted":
		out.Aggregate = comps.MarketValueWeighted{}
	case "weighted":
		w := map[string]decimal.Decimal{}
		for t, x := range s.Weights {
			w[t] = x.Decimal
		}
		out.Aggregate = comps.WeightedMean{Weights: w}
	default:
		return comps.Set{}, invalid("aggregate", fmt.Sprintf("%s, want one of %v", strconv.Quote(Clip(s.Aggregate)), aggregates))
	}
	switch {
	case (s.File == "") == (len(s.Companies) == 0):
		return comps.Set{}, invalid("companies", "give companies or file, one of the two")
	case s.File != "":
		cs, ok := files[s.File]
		if !ok {
			if cs, err = readCompsFile(fsys, s.File); err != nil {
				return comps.Set{}, &fault.Error{Pkg: "modelfile", Path: at + ".file", Err: err}
			}
			files[s.File] = cs
		}
		out.Companies = cs
	default:
		if out.Companies, err = companies(s.Companies, at+".companies"); err != nil {
			return comps.Set{}, err
		}
	}
	if out.Companies, err = s.selected(out.Companies, at); err != nil {
		return comps.Set{}, err
	}
	return out, nil
}

// selected returns the companies of cs the set selects by Tickers and Tags (all of
// them when it names neither), in their order in cs.
func (s Set) selected(cs []comps.Company, at string) ([]comps.Company, error) {
	if len(s.Tickers) == 0 && len(s.Tags) == 0 {
		return cs, nil
	}
	tickers := make([]string, len(cs))
	listed, tagged := map[string]bool{}, map[string]bool{} // what the companies are and carry
	for i, c := range cs {
		tickers[i] = c.Ticker
		listed[c.Ticker] = true
		for _, t := range c.Tags {
			tagged[t] = true
		}
	}
	for i, t := range s.Tickers {
		if !listed[t] {
			why := strconv.Quote(Clip(t)) + " is not among the companies"
			if near := key.Suggest(t, tickers); near != "" {
				why += " " + near
			}
			return nil, &fault.Error{Pkg: "modelfile", Path: fmt.Sprintf("%s.tickers[%d]", at, i), Err: fmt.Errorf("%w: %s", fault.ErrUnknownTicker, why)}
		}
	}
	for i, t := range s.Tags {
		if !tagged[t] {
			why := "no company carries the tag " + strconv.Quote(Clip(t))
			if near := key.Suggest(t, slices.Sorted(maps.Keys(tagged))); near != "" {
				why += " " + near
			}
			return nil, &fault.Error{Pkg: "modelfile", Path: fmt.Sprintf("%s.tags[%d]", at, i), Err: fmt.Errorf("%w: %s", fault.ErrInvalid, why)}
		}
	}
	wanted, wantTags := map[string]bool{}, map[string]bool{} // what the set asks for
	for _, t := range s.Tickers {
		wanted[t] = true
	}
	for _, t := range s.Tags {
		wantTags[t] = true
	}
	var out []comps.Company
	for _, c := range cs {
		if wanted[c.Ticker] || slices.ContainsFunc(c.Tags, func(t string) bool { return wantTags[t] }) {
			out = append(out, c)
		}
	}
	return out, nil
}

// readCompsFile reads a comparables file named in a model file from fsys: a regular
// file at a path inside it.
func readCompsFile(fsys fs.FS, name string) ([]comps.Company, error) {
	r, err := openIn(fsys, name, "comparables")
	if err != nil {
		return nil, err
	}
	return readNamed(r, name)
}

// CheckDate refuses a date that is given and not written YYYY-MM-DD, at path at.
func CheckDate(date, at string) error {
	if _, err := time.Parse(time.DateOnly, date); date != "" && (err != nil || len(date) != len(time.DateOnly)) {
		return &fault.Error{Pkg: "modelfile", Path: at, Err: fmt.Errorf("%w: %s is not a date YYYY-MM-DD", fault.ErrInvalid, strconv.Quote(Clip(date)))}
	}
	return nil
}

// openIn opens the file a model file names, what it holds saying which (comparables,
// market), from fsys: a regular file at a relative path inside it.
func openIn(fsys fs.FS, name, what string) (fs.File, error) {
	switch {
	case fsys == nil:
		return nil, &fault.Error{Pkg: "modelfile", File: name, Err: fmt.Errorf("%w: the model names a %s file, and no file system was given to read it from", fault.ErrInvalid, what)}
	case !fs.ValidPath(name):
		return nil, &fault.Error{Pkg: "modelfile", File: name, Err: fmt.Errorf("%w: %s file must be a relative path inside the model's directory", fault.ErrInvalid, what)}
	}
	if err := CheckRegular(fs.Stat(fsys, name)); err != nil {
		return nil, InFile(err, name)
	}
	r, err := fsys.Open(name)
	if err != nil {
		return nil, &fault.Error{Pkg: "modelfile", File: name, Err: err}
	}
	return r, nil
}

// InFile sets the file of a *fault.Error that has none.
func InFile(err error, name string) error {
	var e *fault.Error
	if errors.As(err, &e) && e.File == "" {
		c := *e
		c.File = name
		return &c
	}
	return &fault.Error{Pkg: "modelfile", File: name, Err: err}
}

// bridge is the valuation.Bridge of a file's bridge; nil is none.
func (b *Bridge) bridge() (valuation.Bridge, error) {
	if b == nil {
		return valuation.Bridge{}, nil
	}
	out := valuation.Bridge{HoldcoDiscount: value(b.HoldcoDiscount)}
	switch b.HoldcoBase {
	case "", "equity":
	case "stakes":
		out.HoldcoBase = valuation.OnStakes
	default:
		return valuation.Bridge{}, &fault.Error{Pkg: "modelfile", Path: "$.bridge.holdco_base", Err: fmt.Errorf("%w: %s, want equity or stakes", fault.ErrInvalid, strconv.Quote(Clip(b.HoldcoBase)))}
	}
	for i, it := range b.Items {
		at := fmt.Sprintf("$.bridge.items[%d]", i)
		var kind valuation.ItemKind
		err := kind.UnmarshalText([]byte(it.Kind))
		if err == nil && (kind == valuation.Holdco || kind == valuation.Convertible) { // lines the model works out
			err = fmt.Errorf("%w: %s is a line the model works out, not an item (holdco_discount; a tranche's convertible)", fault.ErrBridge, it.Kind)
		}
		if err != nil {
			return valuation.Bridge{}, &fault.Error{Pkg: "modelfile", Path: at + ".kind", Err: err}
		}
		if err := comps.Currency(it.Currency).Check(); err != nil {
			return valuation.Bridge{}, &fault.Error{Pkg: "modelfile", Path: at + ".currency", Err: err}
		}
		listed := kind == valuation.ListedStake
		switch {
		case listed && (it.Shares == nil || it.Price == nil || it.Amount != nil):
			return valuation.Bridge{}, &fault.Error{Pkg: "modelfile", Path: at, Err: fmt.Errorf("%w: a listed stake gives shares and price, no amount", fault.ErrInvalid)}
		case !listed && (it.Amount == nil || it.Shares != nil || it.Price != nil):
			return valuation.Bridge{}, &fault.Error{Pkg: "modelfile", Path: at, Err: fmt.Errorf("%w: a %s gives an amount, no shares or price", fault.ErrInvalid, it.Kind)}
		}
		out.Items = append(out.Items, valuation.Item{Kind: kind, Name: it.Name, Note: it.Note, Currency: comps.Currency(it.Currency),
			Amount: value(it.Amount), Shares: value(it.Shares), Price: value(it.Price), Discount: value(it.Discount)})
	}
	return out, nil
}
