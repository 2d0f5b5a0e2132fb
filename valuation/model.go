package valuation

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/earnings"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/jsonx"
	"github.com/sotpkit/sotp/valuation/key"
)

// Part values one segment of the plan with a method.
type Part struct {
	Segment string // the segments.Segment name
	Method  Method
}

// Model is a complete sum-of-the-parts valuation: the forecast, how each part is valued,
// and what turns the sum into a per-share target.
//
// Values of parts and their sum are in millions of the target currency, the share count
// in millions, the target per share, carried to 16 decimal places. The rating scale is
// the model's data (none by default: a broker's scale is its own, as
// valuation/kuaishou2021.Scale is the report's); amounts print with its Symbols ("HK$"),
// else the currency code. Value does not modify the model and caches nothing, so one model
// can be valued from many goroutines. Model.CrossCheck values every segment under other
// methods beside the model's choice, and Model.LeaveOneOut a part without each of its
// comparables.
//
// Each segment is valued by at most one part: two parts on one segment are an error
// (fault.ErrDuplicatePart), never counted twice. A segment that no part values adds nothing to
// the sum and is listed in Result.Unvalued, which the tables print.
//
// A Model holds maps (the plan's users and drivers, comparables' metrics): copying a
// Model copies references to them. Clone before changing one in place.
type Model struct {
	Name   string // company
	Ticker string
	Plan   segments.Plan
	Year   int // the forecast year whose figures are priced
	Parts  []Part
	FX     comps.FX
	// FXTolerance is how far, as a fraction, three rates of FX given around a triangle
	// of currencies may disagree before Value warns (WarnFXTriangle); zero means 0.5%
	// (comps.FX.Triangles).
	FXTolerance decimal.Decimal
	// Currency is the target currency of part values, the sum and the target price.
	Currency comps.Currency
	// Shares is the share count the sum is divided by, in millions.
	Shares decimal.Decimal
	// Price is the current share price in Currency; zero means none: no upside or rating.
	Price decimal.Decimal
	// Scale rates the upside; the zero Scale rates nothing (Result.Rating is empty).
	Scale Scale
	// Symbols are how tables print an amount of each currency, e.g. HKD: "HK$"; a
	// currency without one prints as its code and a space ("HKD 404.6").
	Symbols map[comps.Currency]string
	// Earnings is the P&L forecast on the plan's revenues; the zero PnL means none. Its
	// multiples are taken at Price, converted from the plan's currency through FX.
	Earnings earnings.PnL
	// Bridge turns the sum of the parts into equity value (cash, debt, stakes,
	// minorities, a holding-company discount); the zero Bridge is none.
	Bridge Bridge
	// Dilution dilutes Shares for options and restricted units by the treasury stock
	// method and for convertible bonds by the if-converted method, at the price its Basis
	// names; the zero Dilution is none.
	Dilution Dilution
	// Horizon discounts the target, priced on Year's value, back to today at a cost of
	// equity over a period; the zero Horizon is none.
	Horizon Horizon
	// Actuals are figures as they were later reported, by key and year (years after the
	// forecast's too): Value reviews the forecast against them (Result.Review).
	Actuals []Actual
	// Display is the unit tables print part values, sums, market values and share counts
	// in: segments.Millions (the zero value means it too), or segments.HundredMillions
	// (亿), as Chinese research prints them. It changes printing only: figures stay in
	// millions.
	Display segments.Unit
	// Market is market data by date (comps.Market): the model is valued as of AsOf, each
	// comparable and FX rate, and Price where the market quotes Ticker, at its latest
	// quote on or before it; the zero Market leaves them as given. AsOf is a date,
	// YYYY-MM-DD; empty means the market's last date. A figure dated after AsOf is an
	// error, market or not. In a model so dated, a close, rate or price older than
	// MaxQuoteAge days (zero means DefaultQuoteAge), or undated, is a warning
	// (WarnStaleQuote), and so are quotes of tickers or pairs the model does not use
	// (WarnUnusedQuote). Custom methods are given their comparables as they are.
	Market      comps.Market
	AsOf        string
	MaxQuoteAge int
}

// Result is a model valued. It holds every figure that went into the target.
type Result struct {
	Name     string            `json:"name"`
	Ticker   string            `json:"ticker"`
	Year     int               `json:"year"`
	AsOf     string            `json:"as_of,omitempty"` // the date valued as of (Model.AsOf)
	Currency comps.Currency    `json:"currency"`
	Forecast segments.Forecast `json:"forecast"`
	Parts    []PartValue       `json:"parts"`
	// Unvalued lists, in plan order, the segments that no part values: their revenue is
	// forecast but adds nothing to Sum.
	Unvalued []string        `json:"unvalued"`
	Sum      decimal.Decimal `json:"sum"` // of the part values, millions of Currency
	// EnterpriseParts and EquityParts split Sum by the parts' basis: enterprise values
	// (an EV multiple: PartValue.Enterprise), from which net debt and the other claims
	// are deducted to reach equity, and equity values (a multiple of market values), which
	// are equity already.
	EnterpriseParts decimal.Decimal `json:"enterprise_parts"`
	EquityParts     decimal.Decimal `json:"equity_parts"`
	Bridge          []BridgeLine    `json:"bridge"`  // from Sum to Equity; empty without a bridge
	Equity          decimal.Decimal `json:"equity"`  // Sum and the bridge, millions of Currency
	Shares          decimal.Decimal `json:"shares"`  // basic, millions
	Diluted         decimal.Decimal `json:"diluted"` // Shares diluted at the dilution's basis, millions
	// DilutionBasis is the price the dilution was taken at (the model's Dilution.Basis).
	DilutionBasis DilutionBasis `json:"dilution_basis"`
	// Undiscounted is Equity / Diluted, per share in Currency, to 16 places: the value of
	// Year a share; Target is it discounted back by the model's Horizon (the same without).
	Undiscounted decimal.Decimal           `json:"undiscounted"`
	Discount     decimal.Decimal           `json:"discount"` // the factor, (1 + rate)^-years; 1 without a horizon
	Target       decimal.Decimal           `json:"target"`
	Price        decimal.Decimal           `json:"price"`    // zero when the model has none
	Upside       decimal.NullDecimal       `json:"upside"`   // Target / Price - 1; not valid without a price
	Rating       Rating                    `json:"rating"`   // empty without a price or a Scale
	Earnings     earnings.Statement        `json:"earnings"` // empty without an earnings plan
	Symbols      map[comps.Currency]string `json:"symbols"`  // as the model's; read only
	// Review is the forecast against the model's actuals, one line an actual; empty
	// without them. A prepared model's points do not review: the review is the base's.
	Review []ReviewLine `json:"review"`
	// Warnings are what a reader should know that is not an error: the figures stand,
	// but a convention may be broken (see Warning).
	Warnings []Warning     `json:"warnings"`
	Display  segments.Unit `json:"display"` // as the model's; Millions when it has none
}

// MarshalJSON writes the result in sotp's JSON contract: snake_case field names in the
// order of the Go fields (their json tags), every decimal as an exact JSON string
// ("404.5590..."), whatever shopspring's package variables hold, a decimal that has no
// value (an upside without a price) as null, and empty lists and maps as [] and {}.
// encoding/json decodes it back into a Result.
func (r Result) MarshalJSON() ([]byte, error) { return jsonx.Marshal(r) }

// Value forecasts the plan, values every part in the valuation year and reviews the
// forecast against the model's actuals.
func (m Model) Value() (Result, error) {
	m, notes, err := m.resolve() // once: a prepared model's points value the resolved model
	if err != nil {
		return Result{}, err
	}
	r, err := m.value(nil)
	if err != nil {
		return Result{}, err
	}
	r.Warnings = append(r.Warnings, notes...)
	if len(m.Actuals) == 0 {
		return r, nil
	}
	if r.Review, err = m.review(r); err != nil {
		return Result{}, err
	}
	return r, nil
}

// value is Value with, when mults is not nil, the multiple of each Multiple part already
// worked out (a prepared model's, perhaps moved): what the part's comparables would give.
// It values m as it is: Value takes a model as of its date first (resolve), and a
// prepared model holds one so taken.
func (m Model) value(mults []*comps.SetMultiple) (Result, error) {
	if m.Display == 0 {
		m.Display = segments.Millions
	}
	if err := m.check(); err != nil {
		return Result{}, err
	}
	f, err := m.Plan.Forecast()
	if err != nil {
		return Result{}, err
	}
	year, err := f.Year(m.Year)
	if err != nil { // the model's year is at fault, not the plan: the plan's lookup has no key
		return Result{}, fault.Within(err, fault.Error{Key: modelKey("year")})
	}
	r := Result{
		Name: m.Name, Ticker: m.Ticker, Year: m.Year, AsOf: m.AsOf, Currency: m.Currency, Forecast: f,
		Parts: make([]PartValue, len(m.Parts)), Shares: m.Shares, Price: m.Price, Symbols: m.Symbols, Display: m.Display,
		DilutionBasis: m.Dilution.Basis,
	}
	if err := m.parts(&r, year, mults); err != nil {
		return Result{}, err
	}
	if !m.Earnings.IsZero() {
		if r.Earnings, err = m.earnings(f); err != nil {
			return Result{}, err
		}
	}
	if err := m.perShare(&r); err != nil {
		return Result{}, err
	}
	r.Warnings = append(r.Warnings, r.basisWarnings()...)
	r.Warnings = append(r.Warnings, m.fxWarnings()...)
	r.Warnings = append(r.Warnings, m.proxyWarnings(r)...)
	r.Warnings = append(r.Warnings, m.quoteWarnings(r)...)
	if m.Price.Sign() > 0 {
		up := upside(r.Target, m.Price)
		r.Upside = decimal.NewNullDecimal(up)
		if !m.Scale.IsZero() {
			r.Rating = m.Scale.Rate(up)
		}
	}
	return r, nil
}

// check reports a model that cannot be valued whatever its plan: an unknown display
// unit, no shares, a negative price, no parts, no currency, a negative FX tolerance.
func (m Model) check() error {
	switch {
	case m.Display != segments.Millions && m.Display != segments.HundredMillions:
		return &fault.Error{Pkg: "valuation", Field: "display", Value: m.Display.String(), Err: fault.ErrUnknownUnit, Key: modelKey("display")}
	case m.Shares.Sign() <= 0:
		return &fault.Error{Pkg: "valuation", Field: "shares", Value: fault.Plain(m.Shares), Err: fault.ErrShares, Key: key.Scalar(key.Shares)}
	case m.Price.Sign() < 0:
		return &fault.Error{Pkg: "valuation", Field: "price", Value: fault.Plain(m.Price), Err: fault.ErrPrice, Key: key.Scalar(key.Price)}
	case len(m.Parts) == 0:
		return &fault.Error{Pkg: "valuation", Field: "parts", Err: fault.ErrNoParts, Key: key.Key{Space: key.SpacePart}}
	case m.Currency == "":
		return &fault.Error{Pkg: "valuation", Field: "currency", Err: fault.ErrNoCurrency, Key: modelKey("currency")}
	case m.FXTolerance.Sign() < 0:
		return &fault.Error{Pkg: "valuation", Field: "fx_tolerance", Value: fault.Plain(m.FXTolerance), Err: fault.ErrNegative, Key: modelKey("fx_tolerance")}
	}
	return m.checkDate()
}

// parts values each part in the valuation year into r (its value, the sum and its split
// by basis) and lists the segments no part values; mults, when set, are the parts'
// multiples worked out already.
func (m Model) parts(r *Result, year segments.Year, mults []*comps.SetMultiple) error {
	valued := make(map[string]bool, len(m.Parts))
	at := make(map[string]int, len(year.Segments)) // each segment found once, not once a part
	for j, s := range year.Segments {
		at[s.Name] = j
	}
	for i, p := range m.Parts {
		name := methodName(p.Method)
		if valued[p.Segment] {
			return fault.Within(fault.ErrDuplicatePart, inPart(p.Segment, name))
		}
		valued[p.Segment] = true
		j, ok := at[p.Segment]
		if !ok { // the part's segment is at fault: the plan's lookup has no key
			_, err := year.Segment(p.Segment)
			where := inPart(p.Segment, name)
			where.Key.Name = "segment"
			return fault.Within(err, where)
		}
		if p.Method == nil {
			return fault.Within(fault.ErrMissing, inPart(p.Segment, name))
		}
		in := m.input(*r, year, p.Segment)
		in.at = j
		var v PartValue
		var err error
		if mm, ok := p.Method.(Multiple); ok && mults != nil && mults[i] != nil {
			v, err = mm.value(in, func() (comps.SetMultiple, error) { return *mults[i], nil })
		} else {
			v, err = p.Method.Value(in)
		}
		if err != nil {
			return fault.Within(err, inPart(p.Segment, name))
		}
		v.Segment, v.Title = year.Segments[j].Name, year.Segments[j].Title
		r.Parts[i] = v
		r.Sum = r.Sum.Add(v.Value)
		if v.Enterprise {
			r.EnterpriseParts = r.EnterpriseParts.Add(v.Value)
		} else {
			r.EquityParts = r.EquityParts.Add(v.Value)
		}
	}
	for _, s := range year.Segments {
		if !valued[s.Name] {
			r.Unvalued = append(r.Unvalued, s.Name)
		}
	}
	return nil
}

// perShare takes r's sum through the bridge, the horizon's discount and the dilution to
// equity, the diluted count and the target.
func (m Model) perShare(r *Result) error {
	var err error
	r.Equity = r.Sum
	if !m.Bridge.IsZero() {
		if r.Bridge, r.Equity, err = m.bridge(r.Sum); err != nil {
			return err
		}
	}
	discount, err := m.discount()
	if err != nil {
		return err
	}
	dl, err := m.after(r.Equity, discount)
	if err != nil {
		return err
	}
	r.Discount, r.Undiscounted, r.Target, r.Diluted, r.Equity = discount, dl.undiscounted, dl.target, dl.shares, dl.equity
	r.Bridge = append(r.Bridge, dl.debt...) // bonds that stay debt: Equity is what the count divides
	return nil
}

// discount returns the horizon's discount factor, 1 without a horizon.
func (m Model) discount() (decimal.Decimal, error) {
	if m.Horizon.IsZero() {
		return decimal.NewFromInt(1), nil
	}
	return m.Horizon.factor()
}

// after works out what follows equity (the bridge's, before any convertible is
// deducted), given the horizon's discount factor: the dilution and the value a share
// before and after the discount. Model.Value and the exact kernel's stage after equity
// (query.go) both take them from here.
func (m Model) after(equity, discount decimal.Decimal) (diluted, error) {
	if !m.Dilution.IsZero() {
		return m.dilute(equity, discount)
	}
	dl := diluted{shares: m.Shares, equity: equity}
	dl.undiscounted = equity.DivRound(m.Shares, segments.DivPlaces)
	dl.target = dl.undiscounted
	if !m.Horizon.IsZero() {
		dl.target = dl.undiscounted.Mul(discount).Round(segments.DivPlaces)
	}
	return dl, nil
}

// upside is the target's upside over price, as a result reports it: target / price − 1.
func upside(target, price decimal.Decimal) decimal.Decimal {
	return target.DivRound(price, segments.DivPlaces).Sub(decimal.NewFromInt(1))
}

// proxyWarnings names each part priced, as it allows, at multiples of a metric that does
// not measure its figure (Multiple.Proxy).
func (m Model) proxyWarnings(r Result) []Warning {
	var out []Warning
	for i, p := range m.Parts {
		if mm, ok := p.Method.(Multiple); ok && mm.Proxy && !measures(r.Parts[i].Metric, mm.Comps.Metric, r.Parts[i].Multiple.Money) {
			out = append(out, Warning{Code: WarnMetricProxy, Message: fmt.Sprintf("part %s prices its %s at peers' %s multiples (set %q): a proxy, as the model allows",
				p.Segment, r.Parts[i].Metric, mm.Comps.Metric.Key(), mm.Comps.Name)})
		}
	}
	return out
}

// earnings works out the P&L at the model's price, converted from the reporting currency.
func (m Model) earnings(f segments.Forecast) (earnings.Statement, error) {
	market := earnings.Pricing{Price: m.Price}
	if m.Price.Sign() > 0 {
		rate, err := m.FX.Rate(comps.Currency(f.Currency), m.Currency)
		if err != nil {
			return earnings.Statement{}, &fault.Error{Pkg: "valuation", Field: "earnings", Value: "multiples at the price", Err: err}
		}
		market.Rate = rate
	}
	return m.Earnings.Statement(f, market)
}

// input is what a method is given to value segment in the result's valuation year.
func (m Model) input(r Result, year segments.Year, segment string) Subject {
	return Subject{Forecast: year, Segment: segment, Reporting: comps.Currency(r.Forecast.Currency), FX: m.FX, Currency: m.Currency, at: -1}
}

// fxWarnings names each triangle of the FX table whose rates disagree by more than the
// model's tolerance (going round it, a→b × b→c × c→a, does not come back to 1), and each
// pair the table does not give whose crossings through two currencies disagree: either
// way, the table gives two answers for a rate.
func (m Model) fxWarnings() []Warning {
	var out []Warning
	tol := m.FXTolerance
	if tol.IsZero() {
		tol = decimal.New(5, -3)
	}
	triangles, _ := m.FX.Triangles(tol) // Model.check refused a negative tolerance
	for _, t := range triangles {
		a, b := t[0].From, t[0].To
		c := t[1].From
		if c == a || c == b {
			c = t[1].To
		}
		loop := decimal.NewFromInt(1)
		for _, leg := range [][2]comps.Currency{{a, b}, {b, c}, {c, a}} {
			r, _ := m.FX.Rate(leg[0], leg[1]) // given, or the inverse of a given rate
			loop = loop.Mul(r)
		}
		var rates []string
		for _, r := range t {
			rates = append(rates, string(r.From)+"/"+string(r.To)+" "+fault.Plain(r.Rate))
		}
		out = append(out, Warning{Code: WarnFXTriangle, Message: "FX rates " + strings.Join(rates, ", ") + " disagree: " + string(a) + " to " + string(b) +
			" to " + string(c) + " and back gives " + loop.StringFixed(4) + ", not 1 (tolerance " + fault.Plain(tol.Shift(2)) + "%)"})
	}
	crossings, _ := m.FX.Crossings(tol)
	for _, c := range crossings {
		taken, other := c[0], c[1]
		out = append(out, Warning{Code: WarnFXTriangle, Message: "FX " + string(taken.From) + "/" + string(taken.To) + " crossed through " + string(taken.Via) + " is " +
			fault.Plain(taken.Rate.Round(6)) + ", through " + string(other.Via) + " " + fault.Plain(other.Rate.Round(6)) + ": they disagree (tolerance " +
			fault.Plain(tol.Shift(2)) + "%); sotp takes " + string(taken.Via) + "'s"})
	}
	return out
}

// inPart is where an error of valuing segment's part by the method named op is: the
// part, whose key fills in the segment of a comparable's key or a part field's (a
// method or set does not know the segment it values).
func inPart(segment, op string) fault.Error {
	return fault.Error{Pkg: "valuation", Segment: segment, Op: op, Key: key.Part(segment, "")}
}

// modelKey is the key, in an error, of a field of the model that no figure has: the
// model's year, currency or display unit. It is a scalar's key outside the grammar of
// keys (key.Key.Complete), to locate the field by, never printed as a key.
func modelKey(field string) key.Key { return key.Scalar(field) }

func methodName(m Method) string {
	if m == nil {
		return "<nil>"
	}
	return m.Name()
}

// Clone returns a deep copy of the model: its plan, parts, the comparable sets of its
// Multiple parts, rating bands and earnings plan are its own, so that writing to a map or
// slice of the copy leaves m as it was. Methods and drivers of other types are copied as
// values.
func (m Model) Clone() Model {
	out := m
	out.Plan = m.Plan.Clone()
	out.Earnings = m.Earnings.Clone()
	out.Scale.Bands = slices.Clone(m.Scale.Bands)
	out.Symbols = maps.Clone(m.Symbols)
	out.Bridge.Items = slices.Clone(m.Bridge.Items)
	out.Dilution = Dilution{Tranches: slices.Clone(m.Dilution.Tranches), Basis: m.Dilution.Basis}
	out.Actuals = slices.Clone(m.Actuals)
	if m.Parts != nil {
		out.Parts = make([]Part, len(m.Parts))
		for i, p := range m.Parts {
			if mm, ok := p.Method.(Multiple); ok {
				mm.Comps = mm.Comps.Clone()
				p.Method = mm
			}
			out.Parts[i] = p
		}
	}
	return out
}
