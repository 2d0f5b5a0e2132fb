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
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
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
	for _, tr := range takeRates {
		m, err := psEcommerce(fromCSV, peers, tr.rate)
		if err != nil {
			return err
		}
		scenarios = append(scenarios, scenario{fmt.Sprintf("(b) E-com P/S, take %s%% (%s)", pct(tr.rate), tr.source), m})
	}
	return report(scenarios, peers)
}

type scenario struct {
	name  string
	model valuation.Model
}

func loadModel(path string) (valuation.Model, error) {
	if path != "" {
		return modelfile.LoadModel(path)
	}
	f, err := modelfile.Decode(bytes.NewReader(kuaishou2021.ModelFile()))
	if err != nil {
		return valuation.Model{}, err
	}
	return f.Model(nil)
}

func loadPeers(path string) (map[string]comps.Company, error) {
	var cs []comps.Company
	var err error
	if path != "" {
		cs, err = modelfile.LoadCompanies(path)
	} else {
		cs, err = modelfile.ReadCSV(bytes.NewReader(peersCSV))
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
	parts := make([]valuation.Part, len(m.Parts))
	for i, p := range m.Parts {
		mult, ok := p.Method.(valuation.Multiple)
		if !ok {
			return valuation.Model{}, fmt.Errorf("part %s: method %s has no comparables", p.Segment, p.Method.Name())
		}
		set := mult.Comps
		set.Companies = make([]comps.Company, len(mult.Comps.Companies))
		for j, c := range mult.Comps.Companies {
			loaded, ok := peers[c.Ticker]
			if !ok {
				return valuation.Model{}, fmt.Errorf("part %s: comparable %s not in the comparables file", p.Segment, c.Ticker)
			}
			set.Companies[j] = loaded
		}
		if agg != nil {
			set.Aggregate = agg
		}
		mult.Comps = set
		parts[i] = valuation.Part{Segment: p.Segment, Method: mult}
	}
	m.Parts = parts
	return m, nil
}

// psEcommerce returns m with the 2021E e-commerce take rate set to rate and the segment
// priced at Kuaishou's own P/S (market value at HK$319 over 2021E revenue), the multiple
// the report's headline table prints as 12.25x.
func psEcommerce(m valuation.Model, peers map[string]comps.Company, rate string) (valuation.Model, error) {
	ps, err := selfPS(m, peers)
	if err != nil {
		return valuation.Model{}, err
	}
	segs := append([]segments.Segment(nil), m.Plan.Segments...)
	for i, s := range segs {
		if s.Name != kuaishou2021.Ecommerce {
			continue
		}
		drivers := make(map[int]segments.Driver, len(s.Drivers))
		for y, d := range s.Drivers {
			drivers[y] = d
		}
		e, ok := drivers[m.Year].(segments.Ecommerce)
		if !ok {
			return valuation.Model{}, fmt.Errorf("segment %s: %d driver is not e-commerce", s.Name, m.Year)
		}
		e.TakeRate = decimal.RequireFromString(rate)
		drivers[m.Year] = e
		segs[i].Drivers = drivers
	}
	m.Plan.Segments = segs
	parts := append([]valuation.Part(nil), m.Parts...)
	for i, p := range parts {
		if p.Segment == kuaishou2021.Ecommerce {
			parts[i].Method = ps
		}
	}
	m.Parts = parts
	return m, nil
}

// selfPS returns P/S at Kuaishou's own market multiple (HK$319 × 4,159m shares over
// 2021E revenue), which the report's headline table prints as 12.25x. The model's FX
// table must convert RMB to HKD (the Kuaishou model's does, at the report's 1.2049).
func selfPS(m valuation.Model, peers map[string]comps.Company) (valuation.Multiple, error) {
	self, ok := peers["1024.HK"]
	if !ok {
		return valuation.Multiple{}, fmt.Errorf("comparable 1024.HK not in the comparables file")
	}
	return valuation.PS(comps.Set{Name: "Kuaishou at HK$319", Metric: comps.Metric{Name: "revenue", Year: m.Year},
		Money: true, Currency: comps.HKD, Companies: []comps.Company{self}}), nil
}

func report(scenarios []scenario, peers map[string]comps.Company) error {
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
	fmt.Printf("Targets and segment values (HK$ 亿), against the report's choices\n")
	header := fmt.Sprintf("%-*s  %-8s", width, "Scenario", "E-com by")
	for _, p := range ref.Parts {
		header += fmt.Sprintf("  %14s", p.Segment)
	}
	header += fmt.Sprintf("  %8s  %7s  %7s", "Sum", "Target", "Change")
	fmt.Println(header)
	fmt.Println(strings.Repeat("-", len([]rune(header))))
	for i, r := range results {
		line := fmt.Sprintf("%-*s  %-8s", width, scenarios[i].name, r.Parts[len(r.Parts)-1].Method)
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
	fmt.Println()
	ecom := results[2].Parts[len(results[2].Parts)-1].Multiple
	fmt.Printf("Median e-commerce multiple: %s x 80%% = %s (mean %s); outliers flagged: %s\n",
		ecom.Average.StringFixed(2), ecom.Value.StringFixed(2), results[0].Parts[2].Multiple.Average.StringFixed(2), outliers(results[0]))
	ps := results[3].Parts[len(results[3].Parts)-1]
	fmt.Printf("P/S: Kuaishou's own %sx (HK$319 x 4,159m over 2021E revenue RMB 89,913m x %s HKD/RMB)\n",
		ps.Multiple.Value.StringFixed(2), ps.FX.Rate)
	fmt.Println()
	loo, err := scenarios[1].model.LeaveOneOut(context.Background(), kuaishou2021.Ecommerce)
	if err != nil {
		return err
	}
	fmt.Print(loo.Text())
	fmt.Println()
	// Every segment at the group's own market P/S, beside the report's P/MAU.
	selfMethod, err := selfPS(scenarios[1].model, peers)
	if err != nil {
		return err
	}
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
	fmt.Printf("Report's choices: %s\n", ref.Summary())
	return nil
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
	return decimal.RequireFromString(rate).Shift(2).String()
}
