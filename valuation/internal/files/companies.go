package files

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/valuation/fault"
)

// MaxRows is the most companies a comparables file may hold.
const MaxRows = 10000

// LoadCompanies reads the comparables file at name: CSV (.csv) or JSON (.json).
func LoadCompanies(name string) ([]comps.Company, error) {
	r, err := os.Open(name)
	if err != nil {
		return nil, &fault.Error{Pkg: "modelfile", File: name, Err: err}
	}
	return readNamed(r, name)
}

// readNamed reads and closes the comparables file r, named name, in the format of its
// extension; errors carry the name.
func readNamed(r io.ReadCloser, name string) ([]comps.Company, error) {
	defer r.Close()
	cs, err := ReadCompanies(r, filepath.Ext(name))
	if err != nil {
		return nil, InFile(err, name)
	}
	return cs, nil
}

// ReadCompanies reads comparables in the format of a file extension: ".csv" or ".json".
func ReadCompanies(r io.Reader, ext string) ([]comps.Company, error) {
	switch strings.ToLower(ext) {
	case ".csv":
		return ReadCSV(r)
	case ".json":
		return DecodeCompanies(r)
	}
	return nil, &fault.Error{Pkg: "modelfile", Err: fmt.Errorf("%w: comparables file extension %s, want .csv or .json", fault.ErrInvalid, strconv.Quote(Clip(ext)))}
}

// compsDoc reads JSON comparables files.
var compsDoc = NewDoc[CompsFile]()

// DecodeCompanies reads a JSON comparables file (a CompsFile) as strictly as Decode.
func DecodeCompanies(r io.Reader) ([]comps.Company, error) {
	f, err := compsDoc.Decode(r)
	if err != nil {
		return nil, err
	}
	if f.Format != CompsFormat {
		return nil, &fault.Error{Pkg: "modelfile", Path: "$.format", Err: fmt.Errorf("%w: %s, want %s", fault.ErrInvalid, strconv.Quote(Clip(f.Format)), CompsFormat)}
	}
	if len(f.Companies) > MaxRows {
		return nil, &fault.Error{Pkg: "modelfile", Path: "$.companies", Err: fmt.Errorf("%w: more than %d companies", fault.ErrTooLarge, MaxRows)}
	}
	return companies(f.Companies, "$.companies")
}

// companies converts the file form of a list of companies, at path at, refusing a ticker
// given twice.
func companies(cs []Company, at string) ([]comps.Company, error) {
	out := make([]comps.Company, len(cs))
	tickers := make(map[string]bool, len(cs))
	for i, c := range cs {
		here := fmt.Sprintf("%s[%d]", at, i)
		cc, err := c.company(here)
		if err != nil {
			return nil, err
		}
		if tickers[c.Ticker] {
			return nil, &fault.Error{Pkg: "modelfile", Path: here + ".ticker", Err: fmt.Errorf("%w: ticker %s", fault.ErrDuplicateKey, strconv.Quote(Clip(c.Ticker)))}
		}
		tickers[c.Ticker] = true
		out[i] = cc
	}
	return out, nil
}

// maxTags is the most tags a company may carry (Company.Tags).
const maxTags = 100

// CSV columns other than metrics. A metric column is named by its key ("mau_2021"), a
// printed multiple by "multiple:" and the key ("multiple:mau_2021").
var csvColumns = []string{"ticker", "name", "currency", "close", "shares", "ads_ratio", "market_value",
	"net_debt", "reporting", "as_of", "source", "tags"}

// ReadCSV reads a CSV comparables file: a header row, then one company per row, at most
// MaxBytes and MaxRows. Columns are those of Company ("ticker", "currency", "close",
// "shares", "ads_ratio", "market_value", "net_debt", "reporting", "as_of", "source",
// "name", "tags" separated by ";"), metric
// columns such as "mau_2021", and printed multiples such as "multiple:mau_2021". An
// empty cell is a value not given.
func ReadCSV(r io.Reader) ([]comps.Company, error) {
	data, err := readAll(r, MaxBytes)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(bytes.NewReader(data))
	header, err := cr.Read()
	if err != nil {
		return nil, csvError(err)
	}
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		header[i] = h
		if seen[h] {
			return nil, &fault.Error{Pkg: "modelfile", Path: "line 1, column " + strconv.Quote(Clip(h)), Err: fault.ErrDuplicateKey}
		}
		seen[h] = true
		if !known(h) {
			return nil, &fault.Error{Pkg: "modelfile", Path: "line 1, column " + strconv.Quote(Clip(h)), Err: fault.ErrUnknownField}
		}
	}
	for _, h := range []string{"ticker", "currency"} {
		if !seen[h] {
			return nil, &fault.Error{Pkg: "modelfile", Path: "line 1, column " + h, Err: fault.ErrMissingField}
		}
	}
	var out []comps.Company
	tickers := map[string]bool{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if len(out) == MaxRows {
			return nil, &fault.Error{Pkg: "modelfile", Path: fmt.Sprintf("line %d", line), Err: fmt.Errorf("%w: more than %d companies", fault.ErrTooLarge, MaxRows)}
		}
		c, err := csvCompany(header, rec, line)
		if err != nil {
			return nil, err
		}
		if tickers[c.Ticker] {
			return nil, &fault.Error{Pkg: "modelfile", Path: fmt.Sprintf("line %d, column ticker", line), Err: fmt.Errorf("%w: ticker %s", fault.ErrDuplicateKey, strconv.Quote(Clip(c.Ticker)))}
		}
		tickers[c.Ticker] = true
		out = append(out, c)
	}
}

func known(h string) bool {
	for _, c := range csvColumns {
		if h == c {
			return true
		}
	}
	_, err := comps.ParseMetric(strings.TrimPrefix(h, "multiple:"))
	return err == nil
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &fault.Error{Pkg: "modelfile", Path: fmt.Sprintf("line %d, column %d", pe.Line, pe.Column), Err: fmt.Errorf("%w: %w", fault.ErrSyntax, pe.Err)}
	}
	return &fault.Error{Pkg: "modelfile", Err: fmt.Errorf("%w: %w", fault.ErrSyntax, err)}
}

func csvCompany(header, rec []string, line int) (comps.Company, error) {
	c := Company{Metrics: map[string]Decimal{}}
	for i, h := range header {
		v := strings.TrimSpace(rec[i])
		if v == "" {
			continue
		}
		at := fmt.Sprintf("line %d, column %s", line, h)
		str := map[string]*string{"ticker": &c.Ticker, "name": &c.Name, "currency": &c.Currency,
			"reporting": &c.Reporting, "as_of": &c.AsOf, "source": &c.Source}
		if p, ok := str[h]; ok {
			*p = v
			continue
		}
		if h == "tags" { // as a JSON file holds them: at most maxTags, each once
			for _, t := range strings.Split(v, ";") {
				if t = strings.TrimSpace(t); t != "" && !slices.Contains(c.Tags, t) {
					c.Tags = append(c.Tags, t)
				}
			}
			if len(c.Tags) > maxTags {
				return comps.Company{}, &fault.Error{Pkg: "modelfile", Path: at, Err: fmt.Errorf("%w: more than %d tags", fault.ErrTooLarge, maxTags)}
			}
			continue
		}
		d, err := ParseDecimal(v)
		if err != nil {
			return comps.Company{}, &fault.Error{Pkg: "modelfile", Path: at, Err: err}
		}
		num := map[string]**Decimal{"close": &c.Close, "shares": &c.Shares, "ads_ratio": &c.ADSRatio, "market_value": &c.MarketValue, "net_debt": &c.NetDebt}
		switch p, ok := num[h]; {
		case ok:
			*p = &d
		case strings.HasPrefix(h, "multiple:"):
			if c.Multiples == nil {
				c.Multiples = map[string]Decimal{}
			}
			c.Multiples[strings.TrimPrefix(h, "multiple:")] = d
		default:
			c.Metrics[h] = d
		}
	}
	return c.company(fmt.Sprintf("line %d", line))
}

// company converts the file form to a comps.Company, checking what the format requires:
// a ticker and currency, positive numbers where given, metric keys, a date.
func (c Company) company(at string) (comps.Company, error) {
	field := func(name string) string {
		if strings.HasPrefix(at, "line") {
			return at + ", column " + name
		}
		return ChildPath(at, name)
	}
	invalid := func(name, why string) error {
		return &fault.Error{Pkg: "modelfile", Path: field(name), Err: fmt.Errorf("%w: %s", fault.ErrInvalid, why)}
	}
	if c.Ticker == "" {
		return comps.Company{}, invalid("ticker", "empty")
	}
	if err := comps.Currency(c.Currency).Check(); err != nil {
		return comps.Company{}, &fault.Error{Pkg: "modelfile", Path: field("currency"), Err: err}
	}
	if c.Reporting != "" {
		if err := comps.Currency(c.Reporting).Check(); err != nil {
			return comps.Company{}, &fault.Error{Pkg: "modelfile", Path: field("reporting"), Err: err}
		}
	}
	for name, d := range map[string]*Decimal{"close": c.Close, "shares": c.Shares, "ads_ratio": c.ADSRatio, "market_value": c.MarketValue} {
		if d != nil && d.Sign() <= 0 {
			return comps.Company{}, invalid(name, d.String()+" is not positive")
		}
	}
	if c.MarketValue == nil && (c.Close == nil || c.Shares == nil) {
		return comps.Company{}, invalid("market_value", "give market_value, or close and shares")
	}
	if slices.Contains(c.Tags, "") {
		return comps.Company{}, invalid("tags", "an empty tag")
	}
	if c.AsOf != "" {
		if _, err := time.Parse(time.DateOnly, c.AsOf); err != nil {
			return comps.Company{}, invalid("as_of", strconv.Quote(Clip(c.AsOf))+" is not YYYY-MM-DD")
		}
	}
	out := comps.Company{Ticker: c.Ticker, Name: c.Name, Currency: comps.Currency(c.Currency), Close: value(c.Close),
		Shares: value(c.Shares), ADSRatio: value(c.ADSRatio), MarketValue: value(c.MarketValue), NetDebt: value(c.NetDebt),
		Reporting: comps.Currency(c.Reporting), AsOf: c.AsOf, Source: c.Source, Tags: slices.Clone(c.Tags)}
	var err error
	if out.Metrics, err = metricMap(c.Metrics, field("metrics")); err != nil {
		return comps.Company{}, err
	}
	if out.Multiples, err = metricMap(c.Multiples, field("multiples")); err != nil {
		return comps.Company{}, err
	}
	return out, nil
}

func metricMap(m map[string]Decimal, at string) (map[comps.MetricYear]decimal.Decimal, error) {
	if m == nil {
		return nil, nil
	}
	out := make(map[comps.MetricYear]decimal.Decimal, len(m))
	for k, v := range m {
		metric, err := comps.ParseMetric(k)
		if err != nil {
			return nil, &fault.Error{Pkg: "modelfile", Path: at, Err: err}
		}
		out[metric] = v.Decimal
	}
	return out, nil
}
