package files

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"

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
		f.Rating = &Scale{Below: string(m.Scale.Below), Bands: []Band{}} // an array, if empty: Read wants one
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
		f.FX = append(f.FX, Rate{From: string(r.From), To: string(r.To), Rate: NewDecimal(r.Rate), AsOf: r.AsOf})
	}
	f.Market, f.AsOf, f.MaxQuoteAge = fromMarket(m.Market), m.AsOf, m.MaxQuoteAge
	f.FXTolerance = optional(m.FXTolerance)
	p := m.Plan
	f.Plan = Plan{Currency: p.Currency, Years: p.Years, FirstEstimate: p.FirstEstimate, Users: map[int]Users{}}
	for y, u := range p.Users {
		f.Plan.Users[y] = Users{MAU: NewDecimal(u.MAU), DAU: NewDecimal(u.DAU)}
	}
	for i, s := range p.Segments {
		seg, err := fromSegment(s, fmt.Sprintf("$.plan.segments[%d]", i), &f.Drivers)
		if err != nil {
			return File{}, err
		}
		f.Plan.Segments = append(f.Plan.Segments, seg)
	}
	if !m.Bridge.IsZero() {
		f.Bridge = &Bridge{HoldcoDiscount: optional(m.Bridge.HoldcoDiscount), Items: []BridgeItem{}} // a discount alone has no items
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
	if !m.Dilution.IsZero() || m.Dilution.Basis != valuation.AtValue { // a basis without tranches is the result's still
		f.Dilution = &Dilution{Tranches: []Tranche{}}
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
		if fx, ok := part.Method.(valuation.Fixed); ok {
			f.Parts = append(f.Parts, Part{Segment: part.Segment, Method: fixed, Value: optionalAlways(fx.Amount), Note: fx.Note, Enterprise: fx.Enterprise})
			continue
		}
		if e, ok := part.Method.(valuation.Expression); ok {
			f.Parts = append(f.Parts, Part{Segment: part.Segment, Method: formula, Formula: e.Formula.String(), Label: e.Label, Note: e.Note, Enterprise: e.Enterprise})
			continue
		}
		mult, ok := part.Method.(valuation.Multiple)
		if ok && (mult.Name() == fixed || mult.Name() == formula) { // a file would read it as a fixed or formula part
			return File{}, &fault.Error{Pkg: "modelfile", Path: at + ".method", Err: fmt.Errorf("%w: a Multiple labelled %q, which names a %s part in a file", fault.ErrUnsupported, mult.Name(), mult.Name())}
		}
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
		f.Parts = append(f.Parts, Part{Segment: part.Segment, Method: mult.Name(), Metric: string(metric), Comps: &set, Proxy: mult.Proxy})
	}
	return f, nil
}

// userBase is the metric of a segment's own users in year: its driver's UserBase, or MAU.
func userBase(p segments.Plan, segment string, year int) segments.Metric {
	for _, s := range p.Segments {
		if d := s.Drivers[year]; d != nil && s.Name == segment {
			return d.Spec().Users()
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

// fromSegment is a segment's file form. A driver model segments does not ship is written
// as a driver of the file (defs, once a kind), when the format can hold it.
func fromSegment(s segments.Segment, at string, defs *[]Driver) (Segment, error) {
	out := Segment{Name: s.Name, Title: s.Title}
	for _, y := range slices.Sorted(maps.Keys(s.Drivers)) {
		d := s.Drivers[y]
		if d == nil {
			return Segment{}, &fault.Error{Pkg: "modelfile", Path: ChildPath(at, strconv.Itoa(y)), Err: fmt.Errorf("%w: no driver", fault.ErrUnsupported)}
		}
		spec, v := d.Spec(), d.Values()
		if nm, ok := d.(segments.NetMargin); ok && nm.Driver != nil && len(v) > 0 {
			if out.NetMargin == nil {
				out.NetMargin = map[int]Decimal{}
			}
			out.NetMargin[y], spec, v = NewDecimal(nm.Margin), nm.Driver.Spec(), nm.Driver.Values()
		}
		kind := spec.Kind
		base, shipped := segments.SpecOf(kind)
		if !shipped {
			if err := define(spec, defs, ChildPath(at, strconv.Itoa(y))); err != nil {
				return Segment{}, err
			}
			base = spec
		}
		switch {
		case len(base.Inputs) != len(v) || !reflect.DeepEqual(spec, base): // a file names the kind, not the formulas
			return Segment{}, &fault.Error{Pkg: "modelfile", Path: ChildPath(at, strconv.Itoa(y)), Err: fmt.Errorf("%w: driver %q is not the one segments ships under its name", fault.ErrUnsupported, spec.Kind)}
		case out.Driver != "" && out.Driver != kind:
			return Segment{}, &fault.Error{Pkg: "modelfile", Path: at, Err: fmt.Errorf("%w: drivers of more than one model (%s, %s)", fault.ErrUnsupported, out.Driver, kind)}
		}
		out.Driver = kind
		in := map[string]Decimal{}
		for i, input := range base.Inputs {
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

// optionalAlways is d as a file decimal, zero included.
func optionalAlways(d decimal.Decimal) *Decimal {
	v := NewDecimal(d)
	return &v
}

// define adds spec to the file's drivers, once a kind; two specs of one kind that differ
// cannot both be written, nor a spec the format cannot hold (an input of no range).
func define(spec segments.Spec, defs *[]Driver, at string) error {
	d := Driver{Kind: spec.Kind, UserBase: string(spec.UserBase)}
	unsupported := func(what string) error {
		return &fault.Error{Pkg: "modelfile", Path: at, Err: fmt.Errorf("%w: driver %q: %s", fault.ErrUnsupported, spec.Kind, what)}
	}
	for _, in := range spec.Inputs {
		r, err := in.Range.MarshalText()
		if err != nil {
			return unsupported("input " + string(in.Metric) + ": " + err.Error())
		}
		d.Inputs = append(d.Inputs, DriverInput{Name: string(in.Metric), Title: in.Label, Unit: in.Unit.String(), Range: string(r), Optional: in.Optional})
	}
	for _, l := range spec.Lines {
		line := DriverLine{Name: string(l.Metric), Title: l.Label, Unit: l.Unit.String(), Places: int(l.Places), OmitZero: l.OmitZero, Formula: l.Formula.String()}
		if l.Display != 0 {
			line.Display = l.Display.String()
		}
		d.Lines = append(d.Lines, line)
	}
	back, err := d.spec(at)
	if err != nil {
		return unsupported(err.Error())
	}
	if !reflect.DeepEqual(specShape(back), specShape(spec)) {
		return unsupported("it does not read back as it is (a unit or range the format does not name)")
	}
	for _, old := range *defs {
		if old.Kind == d.Kind {
			if !reflect.DeepEqual(old, d) {
				return unsupported("two driver models of one kind")
			}
			return nil
		}
	}
	*defs = append(*defs, d)
	return nil
}

// specShape is a spec with its formulas as text, to compare two specs by what they
// compute rather than by how their constants are held.
func specShape(s segments.Spec) any {
	lines := make([]string, len(s.Lines))
	for i, l := range s.Lines {
		lines[i] = fmt.Sprint(l.Metric, l.Label, l.Unit, l.Places, l.Display, l.OmitZero, l.Formula.String())
	}
	return []any{s.Kind, s.Inputs, s.UserBase, lines}
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
			Metrics: keyed(c.Metrics), Multiples: keyed(c.Multiples), AsOf: c.AsOf, Source: c.Source, Tags: c.Tags})
	}
	return out, nil
}

// keyed is a comparable's figures by metric: an object, if empty (metrics are required;
// multiples, an empty object, are left out).
func keyed(m map[comps.MetricYear]decimal.Decimal) map[string]Decimal {
	out := make(map[string]Decimal, len(m))
	for k, v := range m {
		out[k.Key()] = NewDecimal(v)
	}
	return out
}
