package files

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/earnings"
	"github.com/sotpkit/sotp/valuation/fault"
)

// FromModel returns the file form of m. Drivers must be the segments package's (one
// model per segment, optionally under NetMargin), methods valuation.Multiple and
// aggregates the comps package's; anything else is fault.ErrUnsupported. Comparables are
// written inline.
func FromModel(m valuation.Model) (File, error) {
	f := File{Format: ModelFormat, Name: m.Name, Ticker: m.Ticker, Year: m.Year, Currency: string(m.Currency),
		Shares: NewDecimal(m.Shares), Price: optional(m.Price)}
	if !m.Scale.IsZero() {
		f.Rating = &Scale{Below: string(m.Scale.Below)}
		for _, b := range m.Scale.Bands {
			f.Rating.Bands = append(f.Rating.Bands, Band{Rating: string(b.Rating), Floor: NewDecimal(b.Floor), Inclusive: b.Inclusive})
		}
	}
	if m.Display == segments.HundredMillions {
		f.Display = "hundred_millions"
	}
	for c, sym := range m.Symbols {
		if f.Symbols == nil {
			f.Symbols = map[string]string{}
		}
		f.Symbols[string(c)] = sym
	}
	for _, r := range m.FX.Rates() {
		f.FX = append(f.FX, Rate{From: string(r.From), To: string(r.To), Rate: NewDecimal(r.Rate)})
	}
	p := m.Plan
	f.Plan = Plan{Currency: p.Currency, Years: p.Years, FirstEstimate: p.FirstEstimate, Users: map[int]Users{}}
	for y, u := range p.Users {
		f.Plan.Users[y] = Users{MAU: NewDecimal(u.MAU), DAU: NewDecimal(u.DAU)}
	}
	for i, s := range p.Segments {
		seg, err := fromSegment(s, fmt.Sprintf("$.plan.segments[%d]", i))
		if err != nil {
			return File{}, err
		}
		f.Plan.Segments = append(f.Plan.Segments, seg)
	}
	if !m.Bridge.IsZero() {
		f.Bridge = &Bridge{HoldcoDiscount: optional(m.Bridge.HoldcoDiscount)}
		if m.Bridge.HoldcoBase == valuation.OnStakes {
			f.Bridge.HoldcoBase = "stakes"
		}
		for _, it := range m.Bridge.Items {
			item := BridgeItem{Kind: it.Kind.String(), Name: it.Name, Note: it.Note, Currency: string(it.Currency), Discount: optional(it.Discount)}
			if it.Kind == valuation.ListedStake {
				sh, pr := NewDecimal(it.Shares), NewDecimal(it.Price)
				item.Shares, item.Price = &sh, &pr
			} else {
				a := NewDecimal(it.Amount)
				item.Amount = &a
			}
			f.Bridge.Items = append(f.Bridge.Items, item)
		}
	}
	if !m.Horizon.IsZero() {
		f.Horizon = &Horizon{Rate: NewDecimal(m.Horizon.Rate), Years: NewDecimal(m.Horizon.Years)}
	}
	for _, a := range m.Actuals {
		f.Actuals = append(f.Actuals, Actual{Key: a.Key.String(), Value: NewDecimal(a.Value), Source: a.Source, Derived: a.Derived, Tolerance: optional(a.Tolerance)})
	}
	if !m.Dilution.IsZero() {
		f.Dilution = &Dilution{}
		if m.Dilution.Basis != valuation.AtValue {
			f.Dilution.Basis = m.Dilution.Basis.String()
		}
		for _, t := range m.Dilution.Tranches {
			f.Dilution.Tranches = append(f.Dilution.Tranches, Tranche{Name: t.Name, Count: NewDecimal(t.Count), Strike: optional(t.Strike), Convertible: t.Convertible})
		}
	}
	if !m.Earnings.IsZero() {
		f.Earnings = fromEarnings(m.Earnings)
	}
	for i, part := range m.Parts {
		at := fmt.Sprintf("$.parts[%d]", i)
		mult, ok := part.Method.(valuation.Multiple)
		if !ok {
			return File{}, &fault.Error{Pkg: "modelfile", Path: at, Err: fmt.Errorf("%w: method %T", fault.ErrUnsupported, part.Method)}
		}
		metric := mult.Metric
		switch metric {
		case "":
			return File{}, &fault.Error{Pkg: "modelfile", Path: at + ".metric", Err: fmt.Errorf("%w: a Multiple without a metric", fault.ErrUnsupported)}
		case segments.OwnUsers: // written as the figure it resolves to, so the file says which
			metric = userBase(m.Plan, part.Segment, m.Year)
		}
		set, err := fromSet(mult.Comps, at+".comps")
		if err != nil {
			return File{}, err
		}
		f.Parts = append(f.Parts, Part{Segment: part.Segment, Method: mult.Name(), Metric: string(metric), Comps: set})
	}
	return f, nil
}

// userBase is the metric of a segment's own users in year: its driver's UserBase, or MAU.
func userBase(p segments.Plan, segment string, year int) segments.Metric {
	for _, s := range p.Segments {
		if d := s.Drivers[year]; d != nil && s.Name == segment {
			if ub := d.Spec().UserBase; ub != "" {
				return ub
			}
		}
	}
	return segments.MAU
}

func fromEarnings(p earnings.PnL) *Earnings {
	out := &Earnings{Shares: map[int]Decimal{}}
	for y, s := range p.Shares {
		out.Shares[y] = NewDecimal(s)
	}
	if len(p.Equity) > 0 {
		out.Equity = map[int]Decimal{}
		for y, q := range p.Equity {
			out.Equity[y] = NewDecimal(q)
		}
	}
	for _, l := range p.Lines {
		line := PnLLine{Name: l.Name, Label: l.Label, Years: map[int]PnLValue{}}
		for name, k := range kinds {
			if k == l.Kind {
				line.Kind = name
			}
		}
		for y, v := range l.Years {
			if v.ByRatio {
				r := NewDecimal(v.Ratio)
				line.Years[y] = PnLValue{Ratio: &r, Of: v.Of}
			} else {
				a := NewDecimal(v.Amount)
				line.Years[y] = PnLValue{Amount: &a}
			}
		}
		out.Lines = append(out.Lines, line)
	}
	return out
}

func fromSegment(s segments.Segment, at string) (Segment, error) {
	out := Segment{Name: s.Name, Title: s.Title}
	for y, d := range s.Drivers {
		if d == nil {
			return Segment{}, &fault.Error{Pkg: "modelfile", Path: ChildPath(at, strconv.Itoa(y)), Err: fmt.Errorf("%w: no driver", fault.ErrUnsupported)}
		}
		spec, v := d.Spec(), d.Values()
		kind := spec.Kind
		k, margin := strings.CutSuffix(kind, "+"+string(segments.NetMarginRate))
		if margin && len(v) > 0 {
			if out.NetMargin == nil {
				out.NetMargin = map[int]Decimal{}
			}
			kind, out.NetMargin[y], v = k, NewDecimal(v[len(v)-1]), v[:len(v)-1]
		}
		shipped, ok := segments.SpecOf(kind)
		want := shipped
		if margin {
			want = segments.NetMargin{Driver: segments.Generic{Model: shipped}}.Spec()
		}
		switch {
		case !ok || len(shipped.Inputs) != len(v) || !reflect.DeepEqual(spec, want): // a file names the kind, not the formulas
			return Segment{}, &fault.Error{Pkg: "modelfile", Path: ChildPath(at, strconv.Itoa(y)), Err: fmt.Errorf("%w: driver %q, not one segments ships", fault.ErrUnsupported, spec.Kind)}
		case out.Driver != "" && out.Driver != kind:
			return Segment{}, &fault.Error{Pkg: "modelfile", Path: at, Err: fmt.Errorf("%w: drivers of more than one model (%s, %s)", fault.ErrUnsupported, out.Driver, kind)}
		}
		out.Driver = kind
		in := map[string]Decimal{}
		for i, input := range shipped.Inputs {
			if !input.Optional || !v[i].IsZero() {
				in[string(input.Metric)] = NewDecimal(v[i])
			}
		}
		if out.Inputs == nil {
			out.Inputs = map[int]map[string]Decimal{}
		}
		out.Inputs[y] = in
	}
	return out, nil
}

func fromSet(s comps.Set, at string) (Set, error) {
	out := Set{Name: s.Name, Metric: s.Metric.Key(), Money: s.Money, Enterprise: s.Enterprise, Currency: string(s.Currency),
		Premium: optional(s.Premium), Exclude: s.Exclude, SkipUnpriced: s.SkipUnpriced, OutlierZ: optional(s.OutlierZ)}
	switch a := s.Aggregate.(type) {
	case nil, comps.Mean:
	case comps.Median:
		out.Aggregate = "median"
	case comps.Harmonic:
		out.Aggregate = "harmonic"
	case comps.Trimmed:
		out.Aggregate, out.Trim = "trimmed", optional(a.Fraction)
	case comps.MarketValueWeighted:
		out.Aggregate = "market_value_weighted"
	case comps.WeightedMean:
		out.Aggregate, out.Weights = "weighted", map[string]Decimal{}
		for t, w := range a.Weights {
			out.Weights[t] = NewDecimal(w)
		}
	default:
		return Set{}, &fault.Error{Pkg: "modelfile", Path: at + ".aggregate", Err: fmt.Errorf("%w: aggregate %T", fault.ErrUnsupported, a)}
	}
	for _, c := range s.Companies {
		out.Companies = append(out.Companies, Company{Ticker: c.Ticker, Name: c.Name, Currency: string(c.Currency),
			Close: optional(c.Close), Shares: optional(c.Shares), ADSRatio: optional(c.ADSRatio),
			MarketValue: optional(c.MarketValue), NetDebt: optional(c.NetDebt), Reporting: string(c.Reporting),
			Metrics: keyed(c.Metrics), Multiples: keyed(c.Multiples), AsOf: c.AsOf, Source: c.Source})
	}
	return out, nil
}

func keyed(m map[comps.MetricYear]decimal.Decimal) map[string]Decimal {
	if m == nil {
		return nil
	}
	out := make(map[string]Decimal, len(m))
	for k, v := range m {
		out[k.Key()] = NewDecimal(v)
	}
	return out
}
