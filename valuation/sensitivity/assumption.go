package sensitivity

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/internal/table"
)

// Override sets one assumption to a value.
type Override struct {
	Name  string
	Value decimal.Decimal
}

// Set returns the override of assumption name to v.
func Set(name string, v decimal.Decimal) Override { return Override{name, v} }

// Point is a model moved away from its base: each override names a different assumption;
// everything not named keeps its base value.
type Point []Override

// String formats the point as "name=value, ...", with values as given.
func (p Point) String() string {
	parts := make([]string, len(p))
	for i, o := range p {
		parts[i] = o.Name + "=" + plain(o.Value)
	}
	return strings.Join(parts, ", ")
}

// Kind says what an assumption counts, and so which values it may take.
type Kind int

// Kinds of assumption.
const (
	Users    Kind = iota + 1 // millions of users: MAU above zero, DAU in [0, MAU]
	Rate                     // a fraction in [0, 1]: paying ratio, penetration, take rate
	Margin                   // a fraction in [-1, 1]
	Money                    // currency units per user or millions, not negative
	Multiple                 // a comparable set's aggregate multiple, above zero
	Premium                  // a premium on a multiple, above -1 (a discount is negative)
	FXRate                   // units of one currency per unit of another, above zero
	Shares                   // millions of shares, above zero
	Price                    // a share price, not negative
)

var kindNames = [...]string{Users: "users", Rate: "rate", Margin: "margin", Money: "money",
	Multiple: "multiple", Premium: "premium", FXRate: "fx", Shares: "shares", Price: "price"}

// String returns the kind's name, e.g. "rate".
func (k Kind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Assumption is one input of a model that an analysis can move, with its base value.
type Assumption struct {
	Name string
	Kind Kind
	Base decimal.Decimal
}

// Names of assumptions. They follow the keys of valuation.Result.Figure, so that a swept
// input can be printed as an output too:
//
//	forecast/YEAR/mau, forecast/YEAR/dau          the platform's users (Kind Users)
//	forecast/YEAR/SEGMENT/INPUT                   an input of the segment's driver (its
//	                                              Spec's Inputs): paying_ratio, take_rate, ...
//	part/SEGMENT/average                          the aggregate of a Multiple's comparables
//	part/SEGMENT/premium                          its premium; -0.2 is "80% of the average"
//	fx/FROM/TO                                    a rate of the model's FX table, as given
//	shares, price                                 the valuation's share count and price
//	pnl/YEAR/shares                               the share count of the year's EPS
//
// An average is in the set's currency per user (or a ratio for a money set), as
// Result.Figure("part/SEGMENT/average") reports it.
type ref struct {
	name    string
	at      target
	kind    Kind
	base    decimal.Decimal
	year    int
	segment int // index into Plan.Segments, or Parts for part/...
	metric  segments.Metric
	from    comps.Currency
	to      comps.Currency
}

// target is what part of a model an assumption sets.
type target int

const (
	atShares target = iota + 1
	atPrice
	atFX
	atAverage
	atPremium
	atUsers
	atDriver
	atPnLShares
)

const (
	dauInput     = "dau"
	mauInput     = "mau"
	averageInput = "average"
	premiumInput = "premium"
)

// resolve finds the assumption a name addresses in the base model.
func (e *Engine) resolve(name string) (ref, error) {
	unknown := &AssumptionError{Name: name, Err: ErrUnknownAssumption}
	p := strings.Split(name, "/")
	m := e.base
	r := ref{name: name, segment: -1}
	switch {
	case len(p) == 1 && p[0] == "shares":
		r.at, r.kind, r.base = atShares, Shares, m.Shares
		return r, nil
	case len(p) == 1 && p[0] == "price":
		r.at, r.kind, r.base = atPrice, Price, m.Price
		return r, nil
	case len(p) == 3 && p[0] == "fx":
		r.at, r.kind, r.from, r.to = atFX, FXRate, comps.Currency(p[1]), comps.Currency(p[2])
		for _, rate := range m.FX.Rates() {
			if rate.From == r.from && rate.To == r.to {
				r.base = rate.Rate
				return r, nil
			}
		}
	case len(p) == 3 && p[0] == "part":
		for i, part := range m.Parts {
			if part.Segment != p[1] {
				continue
			}
			if _, ok := part.Method.(valuation.Multiple); !ok {
				return ref{}, &AssumptionError{Name: name, Err: ErrNotTunable}
			}
			r.segment = i
			switch p[2] {
			case averageInput:
				r.at, r.kind, r.base = atAverage, Multiple, e.result.Parts[i].Multiple.Average
				return r, nil
			case premiumInput:
				r.at, r.kind, r.base = atPremium, Premium, e.result.Parts[i].Multiple.Premium
				return r, nil
			}
		}
	case len(p) == 3 && p[0] == "pnl" && p[2] == "shares":
		y, err := strconv.Atoi(p[1])
		if s, ok := m.Earnings.Shares[y]; err == nil && ok {
			r.at, r.kind, r.base, r.year = atPnLShares, Shares, s, y
			return r, nil
		}
	case (len(p) == 3 || len(p) == 4) && p[0] == "forecast":
		return e.resolveForecast(r, p[1:], unknown)
	}
	return ref{}, unknown
}

func (e *Engine) resolveForecast(r ref, p []string, unknown error) (ref, error) {
	y, err := strconv.Atoi(p[0])
	if err != nil {
		return ref{}, unknown
	}
	users, ok := e.base.Plan.Users[y]
	if !ok {
		return ref{}, unknown
	}
	r.year = y
	if len(p) == 2 {
		r.at, r.kind, r.metric = atUsers, Users, segments.Metric(p[1])
		switch p[1] {
		case mauInput:
			r.base = users.MAU
			return r, nil
		case dauInput:
			r.base = users.DAU
			return r, nil
		}
		return ref{}, unknown
	}
	for i, s := range e.base.Plan.Segments {
		if s.Name != p[1] {
			continue
		}
		d := s.Drivers[y]
		r.at, r.segment, r.metric = atDriver, i, segments.Metric(p[2])
		spec := d.Spec()
		j := slices.IndexFunc(spec.Inputs, func(in segments.Input) bool { return in.Metric == r.metric })
		if j < 0 {
			return ref{}, unknown
		}
		r.base, r.kind = d.Values()[j], inputKind(spec.Inputs[j].Range)
		return r, nil
	}
	return ref{}, unknown
}

// inputKind is the kind of a driver input of the range its Spec gives.
func inputKind(r segments.Range) Kind {
	switch r {
	case segments.UnitRate:
		return Rate
	case segments.SignedRate:
		return Margin
	}
	return Money
}

// Assumptions lists every assumption of the model that an analysis can move, with its
// base value: users and driver inputs year by year, then each part's average and premium,
// the FX rates, the share counts and the price.
func (e *Engine) Assumptions() []Assumption {
	m := e.base
	var names []string
	for _, y := range m.Plan.Years {
		prefix := "forecast/" + strconv.Itoa(y) + "/"
		names = append(names, prefix+mauInput, prefix+dauInput)
		for _, s := range m.Plan.Segments {
			for _, in := range s.Drivers[y].Spec().Inputs {
				names = append(names, prefix+s.Name+"/"+string(in.Metric))
			}
		}
	}
	for _, p := range m.Parts {
		if _, ok := p.Method.(valuation.Multiple); ok {
			names = append(names, "part/"+p.Segment+"/"+averageInput, "part/"+p.Segment+"/"+premiumInput)
		}
	}
	for _, r := range m.FX.Rates() {
		names = append(names, "fx/"+string(r.From)+"/"+string(r.To))
	}
	names = append(names, "shares", "price")
	for _, y := range m.Plan.Years {
		if _, ok := m.Earnings.Shares[y]; ok {
			names = append(names, "pnl/"+strconv.Itoa(y)+"/shares")
		}
	}
	out := make([]Assumption, 0, len(names))
	for _, n := range names {
		if r, err := e.resolve(n); err == nil {
			out = append(out, Assumption{Name: n, Kind: r.kind, Base: r.base})
		}
	}
	return out
}

// Base returns the base value of the named assumption.
func (e *Engine) Base(name string) (decimal.Decimal, error) {
	r, err := e.resolve(name)
	return r.base, err
}

// Bounds on the values a run is given (overrides, axis values, swing ends, goal-seek
// brackets and targets), so that a hostile 1e100000000 is refused rather than
// multiplied into a number too big to compute with.
const (
	MaxValueDigits   = 100 // significant digits
	MaxValueExponent = 100 // the leading digit lies within 1e±MaxValueExponent
)

// checkValue refuses a value beyond MaxValueDigits or MaxValueExponent, naming it.
func checkValue(name string, v decimal.Decimal) error {
	if v.IsZero() {
		return nil
	}
	digits := int64(v.NumDigits())
	lead := int64(v.Exponent()) + digits - 1
	if digits > MaxValueDigits || lead > MaxValueExponent || lead < -MaxValueExponent {
		return &AssumptionError{Name: name, Value: "a value of " + strconv.FormatInt(digits, 10) + " digits at 1e" + strconv.FormatInt(lead, 10), Err: ErrOption}
	}
	return nil
}

// plain formats a decimal exactly, without trailing zeros: 571.68, -0.2, 4159.
func plain(d decimal.Decimal) string { return table.Plain(d) }

// describe names a point for an error message.
func describe(p Point) string {
	if len(p) == 0 {
		return "base"
	}
	return fmt.Sprintf("{%s}", p)
}
