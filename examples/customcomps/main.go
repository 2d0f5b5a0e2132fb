// Command customcomps values the Western Securities Kuaishou model with comparables loaded
// from a CSV file and a model loaded from a model file, then changes the report's choices:
// (a) median instead of mean aggregates, and (b) e-commerce priced by P/S along a path of
// take rates. It prints the targets side by side with the per-segment differences.
//
//	go run ./examples/customcomps [-comps peers.csv] [-model model.json]
//
// Without flags it reads the comparables embedded from peers.csv (Tables 11-13 of the
// report, and Kuaishou itself) and the Kuaishou 2021 model file as it ships.
package main

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/modelfile"
)

//go:embed peers.csv
var peersCSV []byte

// takeRates is the path of 2021E e-commerce take rates tried under P/S: the report's
// 2021E and 2022E rates (Table 9), then Alibaba's Tmall commission rate and its overall
// monetization rate in FY2021 (Dongwu Securities note on live e-commerce monetization).
var takeRates = []struct{ rate, source string }{
	{"0.01", "report 2021E"},
	{"0.015", "report 2022E"},
	{"0.0222", "Tmall commission FY21"},
	{"0.0408", "Alibaba overall FY21"},
}

func main() {
	compsPath := flag.String("comps", "", "CSV or JSON comparables file (default: the embedded peers.csv)")
	modelPath := flag.String("model", "", "model file (default: the Kuaishou 2021 model as it ships)")
	flag.Parse()
	if err := run(*compsPath, *modelPath); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(compsPath, modelPath string) error {
	base, err := loadModel(modelPath)
	if err != nil {
		return err
	}
	peers, err := loadPeers(compsPath)
	if err != nil {
		return err
	}
	fromCSV, err := refresh(base, peers, nil)
	if err != nil {
		return err
	}
	median, err := refresh(base, peers, comps.Median{})
	if err != nil {
		return err
	}
	scenarios := []scenario{
		{"Report (model file)", base},
		{"Report, peers from CSV", fromCSV},
		{"(a) Median aggregates", median},
	}
	// (b) needs an e-commerce segment and the company itself among the peers, to price
	// the segment at the company's own P/S; without them it is left out and said so.
	ecom := ecommerceSegment(base)
	self, hasSelf := peers[base.Ticker]
	var notes []string
	switch {
	case ecom == "":
		notes = append(notes, "(b) left out: the model has no e-commerce segment")
	case !hasSelf:
		notes = append(notes, fmt.Sprintf("(b) left out: %s itself is not in the comparables file", base.Ticker))
	default:
		for _, tr := range takeRates {
			m, err := psSegment(fromCSV, ecom, self, tr.rate)
			if err != nil {
				return err
			}
			scenarios = append(scenarios, scenario{fmt.Sprintf("(b) E-com P/S, take %s%% (%s)", pct(tr.rate), tr.source), m})
		}
	}
	return report(scenarios, ecom, self, hasSelf, notes)
}

type scenario struct {
	name  string
	model valuation.Model
}

func loadModel(path string) (valuation.Model, error) {
	if path != "" {
		return modelfile.LoadModel(path)
	}
	return modelfile.Read(bytes.NewReader(kuaishou2021.ModelFile()), nil)
}

func loadPeers(path string) (map[string]comps.Company, error) {
	var cs []comps.Company
	var err error
	if path != "" {
		cs, err = modelfile.LoadCompanies(path)
	} else {
		cs, err = modelfile.ReadCompanies(bytes.NewReader(peersCSV), ".csv")
	}
	if err != nil {
		return nil, err
	}
	out := make(map[string]comps.Company, len(cs))
	for _, c := range cs {
		out[c.Ticker] = c
	}
	return out, nil
}

// refresh returns m with each part's comparables replaced by the loaded ones of the same
// tickers and, if agg is not nil, aggregated by agg. m itself is not changed.
func refresh(m valuation.Model, peers map[string]comps.Company, agg comps.Aggregate) (valuation.Model, error) {
	m = m.Clone()
	for i, p := range m.Parts {
		mult, ok := p.Method.(valuation.Multiple)
		if !ok {
			return valuation.Model{}, fmt.Errorf("part %s: method %s has no comparables", p.Segment, p.Method.Name())
		}
		for j, c := range mult.Comps.Companies {
			loaded, ok := peers[c.Ticker]
			if !ok {
				return valuation.Model{}, fmt.Errorf("part %s: comparable %s not in the comparables file", p.Segment, c.Ticker)
			}
			mult.Comps.Companies[j] = loaded
		}
		if agg != nil {
			mult.Comps.Aggregate = agg
		}
		m.Parts[i].Method = mult
	}
	return m, nil
}

// ecommerceSegment returns the first segment whose valuation-year driver is the
// e-commerce model, or "".
func ecommerceSegment(m valuation.Model) string {
	for _, s := range m.Plan.Segments {
		if s.Drivers[m.Year].Spec().Kind == (segments.Ecommerce{}).Spec().Kind {
			return s.Name
		}
	}
	return ""
}

// psSegment returns m with the valuation year's take rate of segment seg set to rate and
// the segment priced at the company's own P/S (self: its market value over its revenue).
func psSegment(m valuation.Model, seg string, self comps.Company, rate string) (valuation.Model, error) {
	m = m.Clone()
	for _, s := range m.Plan.Segments {
		if s.Name != seg {
			continue
		}
		moved, _ := segments.With(s.Drivers[m.Year], segments.TakeRate, decimal.RequireFromString(rate)) // ecommerceSegment checked it
		s.Drivers[m.Year] = moved
	}
	for i, p := range m.Parts {
		if p.Segment == seg {
			m.Parts[i].Method = selfPS(m, self)
		}
	}
	return m, nil
}

// selfPS returns P/S at the company's own market multiple: its market value at its
// close over its revenue of the valuation year (for Kuaishou, HK$319 × 4,159m over 2021E
// revenue, which the report's headline table prints as 12.25x).
func selfPS(m valuation.Model, self comps.Company) valuation.Multiple {
	return valuation.PS(comps.Set{Name: fmt.Sprintf("%s at %s%s", m.Name, symbol(m, self.Currency), fault.Plain(self.Close)),
		Metric: comps.MetricYear{Name: "revenue", Year: m.Year}, Money: true, Currency: m.Currency, Companies: []comps.Company{self}})
}

// symbol is how the model prints an amount of a currency: its symbol, or its code.
func symbol(m valuation.Model, c comps.Currency) string {
	if s, ok := m.Symbols[c]; ok {
		return s
	}
	return string(c) + " "
}

func report(scenarios []scenario, ecom string, self comps.Company, hasSelf bool, notes []string) error {
	results := make([]valuation.Result, len(scenarios))
	for i, s := range scenarios {
		r, err := s.model.Value()
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		results[i] = r
	}
	ref := results[0]
	width := 0
	for _, s := range scenarios {
		width = max(width, len(s.name))
	}
	partOf := func(r valuation.Result, seg string) (valuation.PartValue, bool) {
		for _, p := range r.Parts {
			if p.Segment == seg {
				return p, true
			}
		}
		return valuation.PartValue{}, false
	}
	base := scenarios[0].model
	fmt.Printf("Targets and segment values (%s 亿), against the report's choices\n", strings.TrimSpace(symbol(base, ref.Currency)))
	header := fmt.Sprintf("%-*s  %-8s", width, "Scenario", "E-com by")
	for _, p := range ref.Parts {
		header += fmt.Sprintf("  %14s", p.Segment)
	}
	header += fmt.Sprintf("  %8s  %7s  %7s", "Sum", "Target", "Change")
	fmt.Println(header)
	fmt.Println(strings.Repeat("-", len([]rune(header))))
	for i, r := range results {
		by := "-"
		if p, ok := partOf(r, ecom); ok {
			by = p.Method
		}
		line := fmt.Sprintf("%-*s  %-8s", width, scenarios[i].name, by)
		for j, p := range r.Parts {
			cell := p.Value.Shift(-2).StringFixed(0)
			if diff := p.Value.Sub(ref.Parts[j].Value).Shift(-2).Round(0); i > 0 && !diff.IsZero() {
				cell = fmt.Sprintf("%s (%+s)", cell, diff.StringFixed(0))
			}
			line += fmt.Sprintf("  %14s", cell)
		}
		change := r.Target.DivRound(ref.Target, 16).Sub(decimal.NewFromInt(1)).Shift(2).StringFixed(1) + "%"
		fmt.Printf("%s  %8s  %7s  %7s\n", line, r.Sum.Shift(-2).StringFixed(0), r.Target.StringFixed(1), change)
	}
	for _, n := range notes {
		fmt.Println(n)
	}
	fmt.Println()
	medianPart, hasEcom := partOf(results[2], ecom)
	if hasEcom {
		meanPart, _ := partOf(results[0], ecom)
		fmt.Printf("Median e-commerce multiple: %s x %s%% = %s (mean %s); outliers flagged: %s\n",
			medianPart.Multiple.Average.StringFixed(2), decimal.NewFromInt(1).Add(medianPart.Multiple.Premium).Shift(2).StringFixed(0),
			medianPart.Multiple.Value.StringFixed(2), meanPart.Multiple.Average.StringFixed(2), outliers(results[0]))
	}
	if len(results) > 3 {
		ps, _ := partOf(results[3], ecom)
		revenue := ps.Multiple.Companies[0].Metric.DivRound(ps.FX.Rate, 16) // back in the reporting currency
		fmt.Printf("P/S: %s's own %sx (%s%s x %sm over %dE revenue %s%sm x %s %s/%s)\n",
			results[3].Name, ps.Multiple.Value.StringFixed(2), symbol(base, self.Currency), self.Close.StringFixed(0),
			table(self.Shares), results[3].Year, symbol(base, ps.FX.From), table(revenue), ps.FX.Rate.StringFixed(4),
			ps.FX.To, strings.TrimSpace(strings.TrimSuffix(symbol(base, ps.FX.From), "$")))
	}
	if hasEcom || len(results) > 3 {
		fmt.Println()
	}
	if err := leaveOneOut(scenarios[1].model, ecom); err != nil {
		return err
	}
	// Every segment at the group's own market P/S, beside the report's P/MAU.
	if hasSelf {
		selfMethod := selfPS(scenarios[1].model, self)
		var alternatives []valuation.Part
		for _, p := range scenarios[1].model.Parts {
			alternatives = append(alternatives, valuation.Part{Segment: p.Segment, Method: selfMethod})
		}
		cc, err := scenarios[1].model.CrossCheck(alternatives...)
		if err != nil {
			return err
		}
		fmt.Print(cc.Text())
		fmt.Println()
	}
	fmt.Printf("Report's choices: %s\n", ref.Summary())
	return nil
}

// leaveOneOut prints the leave-one-out table of the e-commerce part or, without one, of
// the first part with two comparables or more.
func leaveOneOut(m valuation.Model, ecom string) error {
	segs := []string{ecom}
	for _, p := range m.Parts {
		segs = append(segs, p.Segment)
	}
	for _, seg := range segs {
		loo, err := m.LeaveOneOut(context.Background(), seg)
		if errors.Is(err, fault.ErrLeaveOneOut) || errors.Is(err, fault.ErrNoPart) {
			continue
		}
		if err != nil {
			return err
		}
		fmt.Print(loo.Text())
		fmt.Println()
		return nil
	}
	return nil
}

// table prints a count of millions with thousands separators, to a whole million.
func table(d decimal.Decimal) string {
	s := d.StringFixed(0)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func outliers(r valuation.Result) string {
	var out []string
	for _, p := range r.Parts {
		for _, c := range p.Multiple.Companies {
			if c.Outlier {
				out = append(out, fmt.Sprintf("%s %s (z %s)", c.Name, c.Multiple.StringFixed(2), c.Z.StringFixed(1)))
			}
		}
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}

func pct(rate string) string {
	return decimal.RequireFromString(rate).Shift(2).StringFixed(max(0, -decimal.RequireFromString(rate).Exponent()-2))
}
