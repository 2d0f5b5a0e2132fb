package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/chart"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/modelfile"
)

// maxDates bounds a history: forty years of days.
const maxDates = 40 * 366

// dated is a history's row: the model valued on one date, or why it could not be.
type dated struct {
	Date      string            `json:"date"`
	Target    string            `json:"target,omitempty"`
	Price     string            `json:"price,omitempty"`
	Upside    string            `json:"upside,omitempty"`
	Rating    string            `json:"rating,omitempty"`
	Multiples map[string]string `json:"multiples,omitempty"` // by part key: part/SEGMENT/multiple
	Warnings  []string          `json:"warnings,omitempty"`  // stale quotes and the rest
	Error     *fault.JSON       `json:"error,omitempty"`
}

// loadAsOf reads the model file at path as of date (its own "as_of" when date is empty),
// with the market file named by market in place of its own when given. The file is read
// with its "as_of" set to date, so that a file whose own date cannot be valued (before
// its market's first quote, say) is read at the date asked for; comparables and market
// files are read from the model's directory through an os.Root, as LoadModel reads them.
func loadAsOf(path, market, date string) (valuation.Model, error) {
	var m valuation.Model
	var err error
	if date == "" {
		m, err = modelfile.LoadModel(path)
	} else {
		m, err = readDated(path, date)
	}
	if err != nil {
		return valuation.Model{}, err
	}
	if market != "" {
		if m.Market, err = modelfile.LoadMarket(market); err != nil {
			return valuation.Model{}, err
		}
	}
	if date != "" {
		m.AsOf = date
	}
	return m, nil
}

// readDated reads the model file at path with its "as_of" member set to date.
func readDated(path, date string) (valuation.Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return valuation.Model{}, &fault.Error{Pkg: "sotp", File: path, Err: err}
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(b, &doc); err != nil { // not an object: the reader says where
		return modelfile.LoadModel(path)
	}
	doc["as_of"], _ = json.Marshal(date)
	if b, err = json.Marshal(doc); err != nil {
		return valuation.Model{}, &fault.Error{Pkg: "sotp", File: path, Err: err}
	}
	root, err := os.OpenRoot(filepath.Dir(path))
	if err != nil {
		return valuation.Model{}, &fault.Error{Pkg: "sotp", File: path, Err: err}
	}
	defer root.Close()
	m, err := modelfile.Read(bytes.NewReader(b), root.FS())
	return m, fault.Within(err, fault.Error{File: path})
}

// history values a model on each date from -from to -to, stepping by -every.
func history(ctx context.Context, args []string, w io.Writer) (string, error) {
	var market, from, to, every, chartFile string
	format, rest, err := flags("history", args, []string{"csv", "json"}, func(fs *flag.FlagSet) {
		fs.StringVar(&market, "market", "", "a market file (CSV or JSON) in place of the model's")
		fs.StringVar(&from, "from", "", "the first date, YYYY-MM-DD")
		fs.StringVar(&to, "to", "", "the last date, YYYY-MM-DD")
		fs.StringVar(&every, "every", "1d", "the step: Nd (days), Nw (weeks) or Nm (months)")
		fs.StringVar(&chartFile, "chart", "", "also draw the target over time to this .svg or .png file")
	})
	if err != nil {
		return "", err
	}
	if len(rest) != 1 {
		return format, fmt.Errorf("%w: history takes one model file", errUsage)
	}
	dates, err := datesOf(from, to, every)
	if err != nil {
		return format, err
	}
	m, err := loadAsOf(rest[0], market, dates[len(dates)-1]) // read as of the last date; each row at its own
	if err != nil {
		return format, err
	}
	if m.Market.IsZero() {
		return format, &fault.Error{Pkg: "sotp", File: rest[0], Field: "market", Value: "none: give the model file's \"market\" or -market FILE", Err: fault.ErrMissing}
	}
	var rows []dated
	var results []valuation.Result
	for _, d := range dates {
		if err := ctx.Err(); err != nil {
			return format, err
		}
		m.AsOf = d
		r, err := m.Value()
		if err != nil {
			j := fault.ToJSON(err)
			rows = append(rows, dated{Date: d, Error: &j})
			continue
		}
		results = append(results, r)
		rows = append(rows, row(r))
	}
	if chartFile != "" {
		if err := drawHistory(results, chartFile); err != nil {
			return format, err
		}
	}
	if format == "json" {
		return format, writeJSON(w, rows)
	}
	return format, historyCSV(w, m, rows)
}

// checkDateFlag refuses a date flag, given, that is not a date YYYY-MM-DD: a usage error,
// not the model file's.
func checkDateFlag(name, date string) error {
	if _, err := time.Parse(time.DateOnly, date); date != "" && (err != nil || len(date) != len(time.DateOnly)) {
		return fmt.Errorf("%w: -%s %q, want a date YYYY-MM-DD", errUsage, name, date)
	}
	return nil
}

// datesOf returns the dates from from to to, both included, stepping by every.
func datesOf(from, to, every string) ([]string, error) {
	start, err := time.Parse(time.DateOnly, from)
	if err != nil {
		return nil, fmt.Errorf("%w: -from %q, want a date YYYY-MM-DD", errUsage, from)
	}
	end, err := time.Parse(time.DateOnly, to)
	if err != nil || end.Before(start) {
		return nil, fmt.Errorf("%w: -to %q, want a date YYYY-MM-DD on or after -from", errUsage, to)
	}
	n, err := strconv.Atoi(strings.TrimRight(every, "dwm"))
	unit := strings.TrimLeft(every, "0123456789")
	if err != nil || n < 1 || n > maxDates || len(unit) != 1 {
		return nil, fmt.Errorf("%w: -every %q, want Nd, Nw or Nm with N from 1", errUsage, every)
	}
	step := func(k int) time.Time {
		switch unit {
		case "w":
			return start.AddDate(0, 0, 7*n*k)
		case "m": // the same day of the month, or the month's last: January 31st, February 28th
			first := time.Date(start.Year(), start.Month()+time.Month(n*k), 1, 0, 0, 0, 0, time.UTC)
			last := first.AddDate(0, 1, -1).Day()
			return first.AddDate(0, 0, min(start.Day(), last)-1)
		}
		return start.AddDate(0, 0, n*k)
	}
	var out []string
	for k := 0; !step(k).After(end); k++ {
		if k == maxDates {
			return nil, fmt.Errorf("%w: more than %d dates from %s to %s every %s", errUsage, maxDates, from, to, every)
		}
		out = append(out, step(k).Format(time.DateOnly))
	}
	return out, nil
}

// row is a history's row of r.
func row(r valuation.Result) dated {
	d := dated{Date: r.AsOf, Target: fault.Plain(r.Target.Round(4)), Rating: string(r.Rating), Multiples: map[string]string{}}
	if r.Price.Sign() > 0 {
		d.Price = fault.Plain(r.Price)
	}
	if r.Upside.Valid {
		d.Upside = fault.Plain(r.Upside.Decimal.Round(4))
	}
	for _, p := range r.Parts {
		if p.Multiple.Value.Sign() != 0 {
			d.Multiples["part/"+p.Segment+"/multiple"] = fault.Plain(p.Multiple.Value.Round(4))
		}
	}
	for _, w := range r.Warnings {
		d.Warnings = append(d.Warnings, w.Code+": "+w.Message)
	}
	return d
}

// historyCSV writes rows as CSV: date, target, price, upside, rating, each part's
// multiple, warnings (joined by "; ") and error.
func historyCSV(w io.Writer, m valuation.Model, rows []dated) error {
	header := []string{"date", "target", "price", "upside", "rating"}
	var parts []string
	for _, p := range m.Parts {
		if _, ok := p.Method.(valuation.Multiple); ok {
			parts = append(parts, "part/"+p.Segment+"/multiple")
		}
	}
	cw := csv.NewWriter(w)
	_ = cw.Write(append(append(header, parts...), "warnings", "error"))
	for _, r := range rows {
		rec := []string{r.Date, r.Target, r.Price, r.Upside, r.Rating}
		for _, p := range parts {
			rec = append(rec, r.Multiples[p])
		}
		msg := ""
		if r.Error != nil {
			msg = r.Error.Error
		}
		_ = cw.Write(append(rec, strings.Join(r.Warnings, "; "), msg))
	}
	cw.Flush()
	return cw.Error()
}

// drawHistory draws the targets over time to name, SVG or PNG by its extension.
func drawHistory(results []valuation.Result, name string) error {
	ch, err := chart.History(results, chart.Frame{Source: "Source: sotp history"})
	if err != nil {
		return err
	}
	f, err := os.Create(name)
	if err != nil {
		return &fault.Error{Pkg: "sotp", File: name, Err: err}
	}
	if strings.EqualFold(filepath.Ext(name), ".png") {
		err = ch.PNG(f)
	} else {
		err = ch.SVG(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
