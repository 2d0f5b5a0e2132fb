package files

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/valuation/fault"
)

// MarketFormat names a JSON market file in its "format" field.
const MarketFormat = "sotp/market/v1"

// MaxQuotes is the most quotes a market holds (a model's inline ones, or a file's).
const MaxQuotes = 100000

// Market is a model file's market data (comps.Market): quotes inline, or read from File
// (CSV or JSON, relative to the model file) — exactly one of the two.
type Market struct {
	Quotes []Quote `json:"quotes,omitempty" max:"100000"`
	File   string  `json:"file,omitempty"`
}

// Quote is one row of market data on a date (YYYY-MM-DD): a company's quote (ticker,
// currency, close, and shares, market value or ADS ratio where they change) or an FX rate
// (from, to, rate: one from buys rate to), never both.
type Quote struct {
	Date        string   `json:"date"`
	Ticker      string   `json:"ticker,omitempty"`
	Currency    string   `json:"currency,omitempty"`
	Close       *Decimal `json:"close,omitempty"`
	Shares      *Decimal `json:"shares,omitempty"`
	ADSRatio    *Decimal `json:"ads_ratio,omitempty"`
	MarketValue *Decimal `json:"market_value,omitempty"`
	From        string   `json:"from,omitempty"`
	To          string   `json:"to,omitempty"`
	Rate        *Decimal `json:"rate,omitempty"`
	Source      string   `json:"source,omitempty"`
}

// MarketFile is a JSON market file.
type MarketFile struct {
	Format string  `json:"format"` // MarketFormat
	Quotes []Quote `json:"quotes" max:"100000"`
}

// Build returns the comps.Market of a file's market (a model's or a run's), at path at;
// files named are read from fsys. A nil Market is the zero comps.Market.
func (mk *Market) Build(at string, fsys fs.FS) (comps.Market, error) {
	switch {
	case mk == nil:
		return comps.Market{}, nil
	case (mk.File == "") == (len(mk.Quotes) == 0):
		return comps.Market{}, &fault.Error{Pkg: "modelfile", Path: at + ".quotes", Err: fmt.Errorf("%w: give quotes or file, one of the two", fault.ErrInvalid)}
	case mk.File != "":
		r, err := openIn(fsys, mk.File, "market")
		if err != nil {
			return comps.Market{}, &fault.Error{Pkg: "modelfile", Path: at + ".file", Err: err}
		}
		defer r.Close()
		out, err := ReadMarket(r, filepath.Ext(mk.File))
		if err != nil {
			return comps.Market{}, &fault.Error{Pkg: "modelfile", Path: at + ".file", Err: InFile(err, mk.File)}
		}
		return out, nil
	}
	return quotes(mk.Quotes, func(i int) string { return fmt.Sprintf("%s.quotes[%d]", at, i) })
}

// ReadMarket reads a market file in the format of a file extension: ".csv" (a header
// row of Quote's JSON names, one quote a row, an empty cell a value not given) or ".json"
// (a MarketFile), at most MaxBytes and MaxQuotes.
func ReadMarket(r io.Reader, ext string) (comps.Market, error) {
	switch strings.ToLower(ext) {
	case ".json":
		f, err := marketDoc.Decode(r)
		if err != nil {
			return comps.Market{}, err
		}
		if f.Format != MarketFormat {
			return comps.Market{}, &fault.Error{Pkg: "modelfile", Path: "$.format", Err: fmt.Errorf("%w: %s, want %s", fault.ErrInvalid, strconv.Quote(Clip(f.Format)), MarketFormat)}
		}
		return quotes(f.Quotes, func(i int) string { return fmt.Sprintf("$.quotes[%d]", i) })
	case ".csv":
		return readMarketCSV(r)
	}
	return comps.Market{}, &fault.Error{Pkg: "modelfile", Err: fmt.Errorf("%w: market file extension %s, want .csv or .json", fault.ErrInvalid, strconv.Quote(Clip(ext)))}
}

var marketDoc = NewDoc[MarketFile]()

// marketColumns are a CSV market file's columns, Quote's JSON names.
var marketColumns = []string{"date", "ticker", "currency", "close", "shares", "ads_ratio", "market_value", "from", "to", "rate", "source"}

func readMarketCSV(r io.Reader) (comps.Market, error) {
	data, err := readAll(r, MaxBytes)
	if err != nil {
		return comps.Market{}, err
	}
	cr := csv.NewReader(bytes.NewReader(data))
	header, err := cr.Read()
	if err != nil {
		return comps.Market{}, csvError(err)
	}
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		header[i] = h
		switch {
		case seen[h]:
			return comps.Market{}, &fault.Error{Pkg: "modelfile", Path: "line 1, column " + strconv.Quote(Clip(h)), Err: fault.ErrDuplicateKey}
		case !slices.Contains(marketColumns, h):
			return comps.Market{}, &fault.Error{Pkg: "modelfile", Path: "line 1, column " + strconv.Quote(Clip(h)), Err: fmt.Errorf("%w: want columns among %v", fault.ErrUnknownField, marketColumns)}
		}
		seen[h] = true
	}
	if !seen["date"] {
		return comps.Market{}, &fault.Error{Pkg: "modelfile", Path: "line 1, column date", Err: fault.ErrMissingField}
	}
	var qs []Quote
	var lines []int
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return comps.Market{}, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if len(qs) == MaxQuotes {
			return comps.Market{}, &fault.Error{Pkg: "modelfile", Path: fmt.Sprintf("line %d", line), Err: fmt.Errorf("%w: more than %d quotes", fault.ErrTooLarge, MaxQuotes)}
		}
		var q Quote
		str := map[string]*string{"date": &q.Date, "ticker": &q.Ticker, "currency": &q.Currency, "from": &q.From, "to": &q.To, "source": &q.Source}
		num := map[string]**Decimal{"close": &q.Close, "shares": &q.Shares, "ads_ratio": &q.ADSRatio, "market_value": &q.MarketValue, "rate": &q.Rate}
		for i, h := range header {
			v := strings.TrimSpace(rec[i])
			if v == "" {
				continue
			}
			if p, ok := str[h]; ok {
				*p = v
				continue
			}
			d, err := ParseDecimal(v)
			if err != nil {
				return comps.Market{}, &fault.Error{Pkg: "modelfile", Path: fmt.Sprintf("line %d, column %s", line, h), Err: err}
			}
			*num[h] = &d
		}
		qs, lines = append(qs, q), append(lines, line)
	}
	return quotes(qs, func(i int) string { return fmt.Sprintf("line %d", lines[i]) })
}

// quotes builds a comps.Market of quotes, the i'th at path at(i).
func quotes(qs []Quote, at func(int) string) (comps.Market, error) {
	if len(qs) > MaxQuotes {
		return comps.Market{}, &fault.Error{Pkg: "modelfile", Path: at(MaxQuotes), Err: fmt.Errorf("%w: more than %d quotes", fault.ErrTooLarge, MaxQuotes)}
	}
	var cs []comps.Company
	var rs []comps.Rate
	var cAt, rAt []int           // the place of each in qs
	seen := map[[3]string]bool{} // a ticker or a pair, on a date: each quoted once
	for i, q := range qs {
		company := q.Ticker != "" || q.Currency != "" || q.Close != nil || q.Shares != nil || q.ADSRatio != nil || q.MarketValue != nil
		rate := q.From != "" || q.To != "" || q.Rate != nil
		if q.Date == "" {
			return comps.Market{}, &fault.Error{Pkg: "modelfile", Path: at(i), Err: fmt.Errorf("%w: a quote's date", fault.ErrMissingField)}
		}
		if err := CheckDate(q.Date, at(i)); err != nil {
			return comps.Market{}, err
		}
		kind, name := "ticker", q.Ticker
		if rate {
			kind, name = "pair", min(q.From, q.To)+"/"+max(q.From, q.To)
		}
		id := [3]string{kind, name, q.Date}
		if seen[id] {
			return comps.Market{}, &fault.Error{Pkg: "modelfile", Path: at(i), Err: fmt.Errorf("%w: %s quoted twice on %s", fault.ErrDuplicateKey, strconv.Quote(Clip(name)), q.Date)}
		}
		seen[id] = true
		c := comps.Company{Ticker: q.Ticker, Currency: comps.Currency(q.Currency), Close: value(q.Close), Shares: value(q.Shares),
			ADSRatio: value(q.ADSRatio), MarketValue: value(q.MarketValue), AsOf: q.Date, Source: q.Source}
		r := comps.Rate{From: comps.Currency(q.From), To: comps.Currency(q.To), Rate: value(q.Rate), AsOf: q.Date}
		switch {
		case company == rate:
			return comps.Market{}, &fault.Error{Pkg: "modelfile", Path: at(i), Err: fmt.Errorf("%w: a quote is a company's (ticker, currency, close or market_value) or a rate's (from, to, rate): not both, nor neither", fault.ErrInvalid)}
		case company:
			cs, cAt = append(cs, c), append(cAt, i)
		default:
			rs, rAt = append(rs, r), append(rAt, i)
		}
	}
	mk, err := comps.NewMarket(cs, rs)
	if err == nil {
		return mk, nil
	}
	// A quote is at fault (each is quoted once, checked above): checked alone, it is found
	// at its line or path. Only a failing file pays for the second pass.
	for k, c := range cs {
		if _, err := comps.NewMarket([]comps.Company{c}, nil); err != nil {
			return comps.Market{}, &fault.Error{Pkg: "modelfile", Path: at(cAt[k]), Err: err}
		}
	}
	for k, r := range rs {
		if _, err := comps.NewMarket(nil, []comps.Rate{r}); err != nil {
			return comps.Market{}, &fault.Error{Pkg: "modelfile", Path: at(rAt[k]), Err: err}
		}
	}
	return comps.Market{}, &fault.Error{Pkg: "modelfile", Err: err}
}

// fromMarket writes a market's quotes inline.
func fromMarket(mk comps.Market) *Market {
	if mk.IsZero() {
		return nil
	}
	cs, rs := mk.Quotes()
	out := &Market{}
	for _, c := range cs {
		out.Quotes = append(out.Quotes, Quote{Date: c.AsOf, Ticker: c.Ticker, Currency: string(c.Currency), Close: optional(c.Close),
			Shares: optional(c.Shares), ADSRatio: optional(c.ADSRatio), MarketValue: optional(c.MarketValue), Source: c.Source})
	}
	for _, r := range rs {
		out.Quotes = append(out.Quotes, Quote{Date: r.AsOf, From: string(r.From), To: string(r.To), Rate: optional(r.Rate)})
	}
	return out
}

// LoadMarket reads the market file at name: CSV (.csv) or JSON (.json).
func LoadMarket(name string) (comps.Market, error) {
	r, err := openRegular(name)
	if err != nil {
		return comps.Market{}, InFile(err, name)
	}
	defer r.Close()
	mk, err := ReadMarket(r, filepath.Ext(name))
	if err != nil {
		return comps.Market{}, InFile(err, name)
	}
	return mk, nil
}
