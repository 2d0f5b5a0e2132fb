package comps

import (
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/key"
)

// Currency is an ISO 4217 currency code.
type Currency string

// Currencies of the shipped data.
const (
	USD Currency = "USD"
	HKD Currency = "HKD"
	CNY Currency = "CNY"
)

// Check reports whether c has the shape of an ISO 4217 code: three upper-case letters
// A-Z ("USD", never "usd" or "US$"). It does not check the code is assigned.
func (c Currency) Check() error {
	ok := len(c) == 3
	for i := 0; ok && i < len(c); i++ {
		ok = c[i] >= 'A' && c[i] <= 'Z'
	}
	if !ok {
		return &fault.Error{Pkg: "comps", Field: "currency", Value: strconv.Quote(string(c)), Err: fault.ErrCurrency}
	}
	return nil
}

// RateBounds returns the bounds of an FX rate, 1e-9 and 1e9: no currency pair trades
// outside them (the widest spreads, such as IRR per USD, are near 1e6), and a rate beyond
// them is a typing error whose inverse would carry few significant digits. They are a
// function's results, not package variables, so that no importer can move them.
func RateBounds() (lo, hi decimal.Decimal) { return decimal.New(1, -9), decimal.New(1, 9) }

// Rate says that one unit of From buys Rate units of To. In a result, Via names the
// currency a rate was crossed through (FX.Pair); a rate given to NewFX has none. AsOf is
// the rate's date (YYYY-MM-DD), empty when undated; a crossed rate is as old as its
// older leg.
type Rate struct {
	From Currency        `json:"from"`
	To   Currency        `json:"to"`
	Rate decimal.Decimal `json:"rate"`
	Via  Currency        `json:"via,omitempty"`
	AsOf string          `json:"as_of,omitempty"`
}

// FX is an explicit table of exchange rates. The zero FX converts a currency only to
// itself. Build one with NewFX.
type FX struct {
	rates []Rate
}

// NewFX returns a table of the given rates. Each rate must lie within RateBounds,
// between two different currencies that pass Currency.Check, and each pair may be given
// once, in either direction.
func NewFX(rates ...Rate) (FX, error) {
	own := make([]Rate, 0, len(rates))
	for _, r := range rates {
		field, k := "fx "+string(r.From)+"/"+string(r.To), key.FX(string(r.From), string(r.To))
		for _, c := range []Currency{r.From, r.To} {
			if err := c.Check(); err != nil {
				return FX{}, &fault.Error{Pkg: "comps", Field: field, Value: "currency " + strconv.Quote(string(c)) + " is not an ISO 4217 code", Err: fault.ErrBadRate, Key: k}
			}
		}
		if lo, hi := RateBounds(); r.From == r.To || r.Rate.LessThan(lo) || r.Rate.GreaterThan(hi) {
			return FX{}, &fault.Error{Pkg: "comps", Field: field, Value: r.Rate.StringFixed(max(0, -r.Rate.Exponent())) + ", want a rate in [1e-9, 1e9] between two currencies", Err: fault.ErrBadRate, Key: k}
		}
		if bad := checkDate(r.AsOf); r.AsOf != "" && bad != "" {
			return FX{}, &fault.Error{Pkg: "comps", Field: field, Value: bad, Err: fault.ErrBadRate, Key: k}
		}
		if r.Via != "" {
			return FX{}, &fault.Error{Pkg: "comps", Field: field, Value: "crossed through " + string(r.Via) + ": give the rate itself", Err: fault.ErrBadRate, Key: k}
		}
		for _, o := range own {
			if (o.From == r.From && o.To == r.To) || (o.From == r.To && o.To == r.From) {
				return FX{}, &fault.Error{Pkg: "comps", Field: field, Value: "given twice", Err: fault.ErrBadRate, Key: k}
			}
		}
		own = append(own, r)
	}
	return FX{rates: own}, nil
}

// Rate returns the units of to that one unit of from buys, as Pair works it out.
func (fx FX) Rate(from, to Currency) (decimal.Decimal, error) {
	r, err := fx.Pair(from, to)
	return r.Rate, err
}

// Pair returns the rate from one currency to another: 1 for a currency to itself, the
// given rate, the inverse of the opposite rate, or, for a pair the table does not give,
// the rate crossed through one common currency (Via): the product of the two legs, each
// given or inverted. Crossing is how a pair that does not trade directly is quoted:
// through a currency both trade against (the cross rate of international finance texts,
// e.g. Madura, International Financial Management: CNY/USD = CNY/HKD × HKD/USD). USD is tried first, as the vehicle currency most crosses are made through
// (it is on one side of 88% of trades, BIS Triennial Survey 2022), then the table's
// currencies in the order they first appear. An inverse is taken to 16 decimal places
// plus one for each integer digit of the rate beyond the first, so that the inverse of a
// large rate keeps its significant digits; a product is exact.
func (fx FX) Pair(from, to Currency) (Rate, error) {
	if from == to {
		return Rate{From: from, To: to, Rate: decimal.NewFromInt(1)}, nil
	}
	if r, ok := fx.leg(from, to); ok {
		return r, nil
	}
	for _, via := range fx.vias(from, to) {
		a, okA := fx.leg(from, via)
		b, okB := fx.leg(via, to)
		if okA && okB {
			r := Rate{From: from, To: to, Rate: a.Rate.Mul(b.Rate), Via: via, AsOf: older(a.AsOf, b.AsOf)}
			if lo, hi := RateBounds(); r.Rate.LessThan(lo) || r.Rate.GreaterThan(hi) {
				return Rate{}, &fault.Error{Pkg: "comps", Field: "fx " + string(from) + "/" + string(to),
					Value: "crossed through " + string(via) + " at " + r.Rate.String() + ", outside [1e-9, 1e9]", Err: fault.ErrBadRate, Key: key.FX(string(from), string(to))}
			}
			return r, nil
		}
	}
	return Rate{}, &fault.Error{Pkg: "comps", Field: "fx " + string(from) + "/" + string(to), Value: fx.missing(from, to), Err: fault.ErrNoRate,
		Key: key.FX(string(from), string(to))}
}

// leg returns the rate the table gives from one currency to another, or the inverse of
// the rate it gives the other way.
func (fx FX) leg(from, to Currency) (Rate, bool) {
	for _, r := range fx.rates {
		switch {
		case r.From == from && r.To == to:
			return r, true
		case r.From == to && r.To == from:
			return r.Inverse(), true
		}
	}
	return Rate{}, false
}

// Inverse returns the rate the other way round, as FX.Pair takes a pair the table gives
// the other way: 1/Rate, to 16 decimal places plus one for each integer digit of the rate
// beyond the first, so that the inverse of a large rate keeps its significant digits
// (7.75 HKD per USD is 0.1290322580645161 USD per HKD). Its date is the rate's; it is not
// crossed.
func (r Rate) Inverse() Rate {
	return Rate{From: r.To, To: r.From, Rate: invert(r.Rate), AsOf: r.AsOf}
}

// invert returns 1/rate, to 16 decimal places plus one for each integer digit of the
// rate beyond the first (Rate.Inverse).
func invert(rate decimal.Decimal) decimal.Decimal {
	intDigits := int32(rate.NumDigits()) + rate.Exponent()
	return decimal.NewFromInt(1).DivRound(rate, segments.DivPlaces+max(0, intDigits-1))
}

// vias returns the currencies a pair may be crossed through, in the order Pair tries
// them: USD, then the table's currencies in order of first appearance.
func (fx FX) vias(from, to Currency) []Currency {
	var out []Currency
	for _, c := range append([]Currency{USD}, fx.currencies()...) {
		if c != from && c != to && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// missing says what the table holds when it can neither give nor cross a rate from one
// currency to another, and how to give one.
func (fx FX) missing(from, to Currency) string {
	if len(fx.rates) == 0 {
		return "(the table has no rates: give " + string(from) + "/" + string(to) + ")"
	}
	var has []string
	for _, r := range fx.rates {
		has = append(has, string(r.From)+"/"+string(r.To))
	}
	return "(the table has " + strings.Join(has, ", ") + ", which neither give nor cross it: give " +
		string(from) + "/" + string(to) + " or " + string(to) + "/" + string(from) + ")"
}

// Triangles returns the triangles of rates the table gives that disagree: for every
// three currencies whose three pairs are all given, the rates (as given) when going
// round the triangle and back, a→b × b→c × c→a, differ from 1 by more than the tolerance
// either way: above 1 + tolerance or below 1 / (1 + tolerance), so that the answer does
// not depend on the direction the rates are written in (tolerance a fraction; 0.5% when
// zero: wider than the spreads and the hours between closes that make quoted crosses
// differ, narrow enough to catch a rate typed for the wrong pair or year). USD/HKD 7.75,
// CNY/USD 0.16 and CNY/HKD 5 disagree: CNY/HKD crossed through USD is 1.24. Each triangle
// is listed once, its rates in the order the table gives them. The work is a lookup for
// each two rates that share a currency, not a walk over every three currencies. A
// negative tolerance is an error (fault.ErrNegative).
func (fx FX) Triangles(tolerance decimal.Decimal) ([][3]Rate, error) {
	hi, err := toleranceBound(tolerance)
	if err != nil {
		return nil, err
	}
	index := make(map[[2]Currency]int, len(fx.rates))
	for i, r := range fx.rates {
		index[[2]Currency{r.From, r.To}], index[[2]Currency{r.To, r.From}] = i, i
	}
	var out [][3]Rate
	for i, a := range fx.rates {
		for j := i + 1; j < len(fx.rates); j++ {
			b := fx.rates[j]
			var shared, x, y Currency // the currency the two rates share, and their other ends
			switch {
			case a.From == b.From:
				shared, x, y = a.From, a.To, b.To
			case a.From == b.To:
				shared, x, y = a.From, a.To, b.From
			case a.To == b.From:
				shared, x, y = a.To, a.From, b.To
			case a.To == b.To:
				shared, x, y = a.To, a.From, b.From
			default:
				continue
			}
			k, ok := index[[2]Currency{x, y}]
			if !ok || k <= j { // each triangle once: from its two first rates
				continue
			}
			// x → shared → y → x, each leg given or inverted.
			ab, _ := fx.leg(x, shared)
			bc, _ := fx.leg(shared, y)
			ca, _ := fx.leg(y, x)
			loop := ab.Rate.Mul(bc.Rate).Mul(ca.Rate)
			if loop.GreaterThan(hi) || loop.Mul(hi).LessThan(decimal.NewFromInt(1)) {
				out = append(out, [3]Rate{fx.rates[i], fx.rates[j], fx.rates[k]})
			}
		}
	}
	return out, nil
}

// toleranceBound is 1 + tolerance, the bound Triangles and Crossings judge a loop of
// rates by; 0.5% when tolerance is zero, an error when it is negative.
func toleranceBound(tolerance decimal.Decimal) (decimal.Decimal, error) {
	switch tolerance.Sign() {
	case 0:
		tolerance = decimal.New(5, -3)
	case -1:
		return decimal.Decimal{}, &fault.Error{Pkg: "comps", Field: "fx tolerance", Value: fault.Plain(tolerance), Err: fault.ErrNegative}
	}
	return decimal.NewFromInt(1).Add(tolerance), nil
}

// Crossings returns the pairs the table does not give that cross through two or more
// currencies to rates that disagree by more than tolerance either way (as Triangles
// judges them; 0.5% when zero): GBP/USD 1.25, JPY/USD 0.0067, GBP/EUR 1.17 and JPY/EUR
// 0.005 cross GBP/JPY at 186.57 through USD and at 234 through EUR. Each is the rate Pair
// takes first, then the one that disagrees with it most; pairs in the order their
// currencies first appear. A negative tolerance is an error (fault.ErrNegative).
func (fx FX) Crossings(tolerance decimal.Decimal) ([][2]Rate, error) {
	hi, err := toleranceBound(tolerance)
	if err != nil || len(fx.rates) < 4 { // two crossings of one pair take four rates
		return nil, err
	}
	var out [][2]Rate
	for _, p := range fx.graph().crossed() {
		if taken, worst, ok := fx.disagreeing(p, hi); ok {
			out = append(out, [2]Rate{taken, worst})
		}
	}
	return out, nil
}

// rateGraph is an FX table as Crossings walks it: its currencies in order of first
// appearance, each known by its place there.
type rateGraph struct {
	cs    []Currency
	near  [][]int         // the currencies each has a rate with, by place
	given map[[2]int]bool // the pairs the table gives, both ways round
}

// graph returns the table's rateGraph.
func (fx FX) graph() rateGraph {
	cs := fx.currencies()
	at := make(map[Currency]int, len(cs))
	for i, c := range cs {
		at[c] = i
	}
	g := rateGraph{cs: cs, near: make([][]int, len(cs)), given: make(map[[2]int]bool, 2*len(fx.rates))}
	for _, r := range fx.rates {
		a, b := at[r.From], at[r.To]
		g.near[a], g.near[b] = append(g.near[a], b), append(g.near[b], a)
		g.given[[2]int{a, b}], g.given[[2]int{b, a}] = true, true
	}
	return g
}

// crossedPair is a pair the table does not give and the currencies that cross it.
type crossedPair struct {
	a, b    Currency
	ai, bi  int // their places
	through []Currency
}

// crossed returns the pairs the table does not give that two or more currencies cross,
// in the order their currencies first appear.
func (g rateGraph) crossed() []crossedPair {
	// For each currency a, the currencies b after it that two or more currencies cross
	// a to, counted over a's neighbours' neighbours: work in the sum of the squares of
	// the currencies' rates, with no map in the inner loop.
	var pairs []crossedPair
	count := make([]int, len(g.cs))
	var touched []int
	for a := range g.cs {
		for _, via := range g.near[a] {
			for _, b := range g.near[via] {
				if b > a {
					if count[b] == 0 {
						touched = append(touched, b)
					}
					count[b]++
				}
			}
		}
		for _, b := range touched {
			if count[b] > 1 && !g.given[[2]int{a, b}] {
				pairs = append(pairs, crossedPair{a: g.cs[a], b: g.cs[b], ai: a, bi: b, through: g.through(a, b)})
			}
			count[b] = 0
		}
		touched = touched[:0]
	}
	slices.SortFunc(pairs, func(x, y crossedPair) int { // in the order the currencies appear
		if x.ai != y.ai {
			return x.ai - y.ai
		}
		return x.bi - y.bi
	})
	return pairs
}

// through returns the currencies that cross the currencies at places a and b: those a
// has a rate with that have one with b, in the order of a's rates.
func (g rateGraph) through(a, b int) []Currency {
	var out []Currency
	for _, via := range g.near[a] {
		if g.given[[2]int{via, b}] {
			out = append(out, g.cs[via])
		}
	}
	return out
}

// disagreeing returns the rate Pair takes for p and, of p's crossings that disagree with
// it by more than hi either way, the furthest from it by ratio (twice the rate and half
// of it are as far), so that the worst does not depend on which way round the pair is
// written; false when none does, or when Pair fails (outside the bounds: Pair's error
// says so where it is used).
func (fx FX) disagreeing(p crossedPair, hi decimal.Decimal) (taken, worst Rate, ok bool) {
	taken, err := fx.Pair(p.a, p.b)
	if err != nil {
		return Rate{}, Rate{}, false
	}
	one := decimal.NewFromInt(1)
	var far decimal.Decimal // the worst's ratio to the rate taken, or its inverse: above 1
	for _, via := range p.through {
		x, _ := fx.leg(p.a, via)
		y, _ := fx.leg(via, p.b)
		r := Rate{From: p.a, To: p.b, Rate: x.Rate.Mul(y.Rate), Via: via}
		ratio := r.Rate.DivRound(taken.Rate, 16)
		if ratio.GreaterThan(hi) || ratio.Mul(hi).LessThan(one) {
			off := ratio
			if ratio.LessThan(one) {
				off = taken.Rate.DivRound(r.Rate, 16)
			}
			if worst.Via == "" || off.GreaterThan(far) {
				worst, far = r, off
			}
		}
	}
	return taken, worst, worst.Via != ""
}

// currencies returns the table's currencies in order of first appearance.
func (fx FX) currencies() []Currency {
	var out []Currency
	for _, r := range fx.rates {
		for _, c := range []Currency{r.From, r.To} {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// Rates returns a copy of the table's rates, in the order given.
func (fx FX) Rates() []Rate {
	return append([]Rate(nil), fx.rates...)
}

// older returns the older of two dates, "" (undated) when either is.
func older(a, b string) string {
	if a == "" || b == "" {
		return ""
	}
	return min(a, b)
}
