package modelfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"

	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/earnings"
)

// MaxBytes is the size limit of a model or comparables file.
const MaxBytes = 1 << 20

// Decode reads a model file strictly: at most MaxBytes of JSON, no duplicate keys,
// unknown fields, nulls or missing required fields, decimals only as bounded strings.
// Errors are *Error with the JSON path of the offending value.
func Decode(r io.Reader) (File, error) {
	var f File
	if err := decodeDoc(r, &f); err != nil {
		return File{}, err
	}
	if f.Format != ModelFormat {
		return File{}, &Error{Path: "$.format", Err: fmt.Errorf("%w: %s, want %s", ErrInvalid, strconv.Quote(clip(f.Format)), ModelFormat)}
	}
	for i, s := range f.Plan.Segments {
		if models := s.models(); len(models) != 1 {
			return File{}, &Error{Path: fmt.Sprintf("$.plan.segments[%d]", i),
				Err: fmt.Errorf("%w: %d driver models, want one of live_streaming, advertising, ecommerce", ErrInvalid, len(models))}
		}
	}
	return f, nil
}

func decodeDoc(r io.Reader, v any) error {
	data, err := readAll(r, MaxBytes)
	if err != nil {
		return err
	}
	n, err := parse(data)
	if err != nil {
		return err
	}
	return decode(n, reflect.ValueOf(v).Elem())
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

// LoadModel reads the model file at path, reads the comparables files it names
// (relative to its directory, which they may not leave), and values the model once so
// that bad drivers, comparables or rates are reported at load, located in the file.
func LoadModel(name string) (valuation.Model, error) {
	fail := func(err error) (valuation.Model, error) { return valuation.Model{}, inFile(err, name) }
	r, err := os.Open(name)
	if err != nil {
		return fail(err)
	}
	defer r.Close()
	f, err := Decode(r)
	if err != nil {
		return fail(err)
	}
	m, err := f.Model(os.DirFS(filepath.Dir(name)))
	if err != nil {
		return fail(err)
	}
	if _, err := m.Value(); err != nil {
		return fail(&Error{Path: f.locate(err), Err: err})
	}
	return m, nil
}

// Model builds the valuation.Model the file describes. Comparables files named by sets
// are read from fsys; with a nil fsys they are an error.
func (f File) Model(fsys fs.FS) (valuation.Model, error) {
	m := valuation.Model{Name: f.Name, Ticker: f.Ticker, Year: f.Year, Currency: comps.Currency(f.Currency),
		Shares: f.Shares.Decimal, Price: value(f.Price)}
	rates := make([]comps.Rate, len(f.FX))
	for i, r := range f.FX {
		rates[i] = comps.Rate{From: comps.Currency(r.From), To: comps.Currency(r.To), Rate: r.Rate.Decimal}
	}
	fx, err := comps.NewFX(rates...)
	if err != nil {
		return valuation.Model{}, &Error{Path: "$.fx", Err: err}
	}
	m.FX = fx
	m.Plan = f.Plan.plan()
	if f.Earnings != nil {
		if m.Earnings, err = f.Earnings.plan(); err != nil {
			return valuation.Model{}, err
		}
	}
	for i, p := range f.Parts {
		at := fmt.Sprintf("$.parts[%d]", i)
		set, err := p.Comps.set(at+".comps", fsys)
		if err != nil {
			return valuation.Model{}, err
		}
		m.Parts = append(m.Parts, valuation.Part{Segment: p.Segment,
			Method: valuation.Multiple{Label: p.Method, Comps: set, Metric: segments.Metric(p.Metric)}})
	}
	return m, nil
}

func (p Plan) plan() segments.Plan {
	out := segments.Plan{Currency: p.Currency, Years: p.Years, FirstEstimate: p.FirstEstimate, Users: map[int]segments.Users{}}
	for y, u := range p.Users {
		out.Users[y] = segments.Users{MAU: u.MAU.Decimal, DAU: u.DAU.Decimal}
	}
	for _, s := range p.Segments {
		seg := segments.Segment{Name: s.Name, Title: s.Title, Drivers: map[int]segments.Driver{}}
		for y, d := range s.LiveStreaming {
			seg.Drivers[y] = segments.LiveStreaming{PayingRatio: d.PayingRatio.Decimal, MonthlyARPPU: d.MonthlyARPPU.Decimal}
		}
		for y, d := range s.Advertising {
			seg.Drivers[y] = segments.Advertising{RevenuePerDAU: d.RevenuePerDAU.Decimal}
		}
		for y, d := range s.Ecommerce {
			seg.Drivers[y] = segments.Ecommerce{Penetration: d.Penetration.Decimal, GMVPerShopper: d.GMVPerShopper.Decimal,
				TakeRate: d.TakeRate.Decimal, OtherRevenue: value(d.OtherRevenue)}
		}
		for y, margin := range s.NetMargin {
			seg.Drivers[y] = segments.NetMargin{Driver: seg.Drivers[y], Margin: margin.Decimal}
		}
		out.Segments = append(out.Segments, seg)
	}
	return out
}

// kinds are the P&L line kinds by their file names.
var kinds = map[string]earnings.Kind{"cost_of_sales": earnings.CostOfSales, "expense": earnings.Expense, "other": earnings.Other}

func (e Earnings) plan() (earnings.Plan, error) {
	p := earnings.Plan{Shares: map[int]decimal.Decimal{}, Equity: map[int]decimal.Decimal{}}
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
			return earnings.Plan{}, &Error{Path: at + ".kind", Err: fmt.Errorf("%w: %s, want cost_of_sales, expense or other", ErrInvalid, strconv.Quote(clip(l.Kind)))}
		}
		line := earnings.Line{Name: l.Name, Label: l.Label, Kind: kind, Years: map[int]earnings.Value{}}
		for y, v := range l.Years {
			switch {
			case (v.Amount == nil) == (v.Ratio == nil):
				return earnings.Plan{}, &Error{Path: childPath(at+".years", strconv.Itoa(y)), Err: fmt.Errorf("%w: give amount or ratio, one of the two", ErrInvalid)}
			case v.Amount != nil && v.Of != "":
				return earnings.Plan{}, &Error{Path: childPath(at+".years", strconv.Itoa(y)) + ".of", Err: fmt.Errorf("%w: only with a ratio", ErrInvalid)}
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

func (s Set) set(at string, fsys fs.FS) (comps.Set, error) {
	metric, err := comps.ParseMetric(s.Metric)
	if err != nil {
		return comps.Set{}, &Error{Path: at + ".metric", Err: err}
	}
	out := comps.Set{Name: s.Name, Metric: metric, Money: s.Money, Currency: comps.Currency(s.Currency),
		Premium: value(s.Premium), Exclude: s.Exclude, SkipUnpriced: s.SkipUnpriced, OutlierZ: value(s.OutlierZ)}
	invalid := func(field, why string) error {
		return &Error{Path: at + "." + field, Err: fmt.Errorf("%w: %s", ErrInvalid, why)}
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
		out.Aggregate = comps.Weighted{Weights: w}
	default:
		return comps.Set{}, invalid("aggregate", fmt.Sprintf("%s, want one of %v", strconv.Quote(clip(s.Aggregate)), aggregates))
	}
	switch {
	case (s.File == "") == (len(s.Companies) == 0):
		return comps.Set{}, invalid("companies", "give companies or file, one of the two")
	case s.File != "":
		cs, err := readCompsFile(fsys, s.File)
		if err != nil {
			return comps.Set{}, err
		}
		out.Companies = cs
	default:
		for i, c := range s.Companies {
			cc, err := c.company(fmt.Sprintf("%s.companies[%d]", at, i))
			if err != nil {
				return comps.Set{}, err
			}
			out.Companies = append(out.Companies, cc)
		}
	}
	return out, nil
}

// readCompsFile reads a comparables file named in a model file from fsys.
func readCompsFile(fsys fs.FS, name string) ([]comps.Company, error) {
	if fsys == nil || !fs.ValidPath(name) {
		return nil, &Error{File: name, Err: fmt.Errorf("%w: comparables file must be a relative path inside the model's directory", ErrInvalid)}
	}
	r, err := fsys.Open(name)
	if err != nil {
		return nil, &Error{File: name, Err: err}
	}
	return readNamed(r, name)
}

// inFile sets the file of an *Error that has none.
func inFile(err error, name string) error {
	var e *Error
	if errors.As(err, &e) && e.File == "" {
		c := *e
		c.File = name
		return &c
	}
	return &Error{File: name, Err: err}
}
