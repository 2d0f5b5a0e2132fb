package valuation

import (
	"slices"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/fault"
)

// ItemKind is what a line of the bridge from the sum of the parts to equity value is,
// and so its sign: cash and stakes add, debt, leases, minorities and preferred equity
// subtract.
type ItemKind int

// Kinds of bridge item.
const (
	Cash          ItemKind = iota + 1 // cash and short-term investments: adds its Amount
	Debt                              // borrowings: subtracts its Amount
	Leases                            // lease liabilities: subtracts its Amount
	ListedStake                       // a stake in a listed company: adds Shares × Price × FX × (1 − Discount)
	UnlistedStake                     // a stake valued at carrying or last-round value: adds Amount × (1 − Discount)
	Minority                          // minority interests: subtracts its Amount
	Preferred                         // preferred equity: subtracts its Amount
	// Holdco is the line of the holding-company discount, which the bridge works out
	// from Bridge.HoldcoDiscount: a BridgeLine's kind, never an Item's.
	Holdco
)

var itemNames = [...]string{Cash: "cash", Debt: "debt", Leases: "leases", ListedStake: "listed_stake",
	UnlistedStake: "unlisted_stake", Minority: "minority", Preferred: "preferred", Holdco: "holdco_discount"}

// String returns the kind's name, e.g. "listed_stake".
func (k ItemKind) String() string {
	if k >= Cash && k <= Holdco {
		return itemNames[k]
	}
	return "ItemKind(" + strconv.Itoa(int(k)) + ")"
}

// MarshalText writes the kind by name.
func (k ItemKind) MarshalText() ([]byte, error) {
	if k < Cash || k > Holdco {
		return nil, &fault.Error{Pkg: "valuation", Field: "bridge kind", Value: k.String(), Err: fault.ErrBridge}
	}
	return []byte(itemNames[k]), nil
}

// UnmarshalText reads a kind written by MarshalText.
func (k *ItemKind) UnmarshalText(b []byte) error {
	for i, n := range itemNames {
		if i > 0 && n == string(b) {
			*k = ItemKind(i)
			return nil
		}
	}
	return &fault.Error{Pkg: "valuation", Field: "bridge kind", Value: strconv.Quote(string(b)), Err: fault.ErrBridge}
}

// Item is one line of the bridge, with its currency and where it comes from, like a
// comparable.
type Item struct {
	Kind     ItemKind
	Name     string          // stable key, unique in the bridge: the line's figure is bridge/NAME
	Note     string          // the source: "2024 annual report, note 21"
	Currency comps.Currency  // of Amount or Price; converted to the model's through its FX
	Amount   decimal.Decimal // millions of Currency, not negative: the kind gives the sign
	Shares   decimal.Decimal // a listed stake's shares held, millions
	Price    decimal.Decimal // a listed stake's price per share, in Currency
	Discount decimal.Decimal // of a stake, in [0, 1): e.g. the tax due on a sale
}

// HoldcoBase is what a holding-company discount applies to.
type HoldcoBase int

// Bases of the holding-company discount.
const (
	OnEquity HoldcoBase = iota // the equity value before the discount (the zero value)
	OnStakes                   // the listed and unlisted stakes, after their own discounts
)

// Bridge turns the sum of the parts into equity value: its items, then a holding-company
// discount in [0, 1) on a stated base. The zero Bridge is none: equity is the sum.
type Bridge struct {
	Items          []Item
	HoldcoDiscount decimal.Decimal
	HoldcoBase     HoldcoBase
}

// IsZero reports a bridge with no items and no discount.
func (b Bridge) IsZero() bool { return len(b.Items) == 0 && b.HoldcoDiscount.IsZero() }

// Tranche is a block of options or restricted units: Count millions of them at Strike
// per share, in the model's currency (zero for restricted units); or, with Convertible,
// a convertible bond of Count millions of shares on conversion at Strike, its conversion
// price (face value / shares).
type Tranche struct {
	Name   string
	Count  decimal.Decimal
	Strike decimal.Decimal
	// Convertible converts the tranche if-converted: below the target it adds all Count
	// shares, and its face value (Count × Strike) is debt no longer owed, so the equity
	// the target divides rises by it. (Leave the bond out of the bridge's debt, or it
	// is counted twice.)
	Convertible bool
}

// Dilution is what the basic share count is diluted by, under the treasury stock method
// at the target price: each option tranche whose strike is below the target adds its
// count less the shares its exercise money buys back (Count × (1 − Strike / target)); a
// convertible below the target adds its whole count and its face value to equity. Both
// give the same target, (equity + Σ count × strike) / (basic + Σ count) over the
// tranches in the money; the share counts differ.
type Dilution struct {
	Tranches []Tranche
}

// IsZero reports a dilution with no tranches.
func (d Dilution) IsZero() bool { return len(d.Tranches) == 0 }

// BridgeLine is one line of the bridge worked out: its value in millions of the model's
// currency, signed as it adds to equity.
type BridgeLine struct {
	Kind  ItemKind        `json:"kind"`
	Name  string          `json:"name"`
	Note  string          `json:"note"`
	Value decimal.Decimal `json:"value"`
	FX    decimal.Decimal `json:"fx"` // the rate from the item's currency; 1 in the model's
}

// bridge works out the bridge lines of r's sum, in the model's currency.
func (m Model) bridge(sum decimal.Decimal) ([]BridgeLine, decimal.Decimal, error) {
	one := decimal.NewFromInt(1)
	bad := func(i int, field, value string, err error) error {
		return &fault.Error{Pkg: "valuation", Line: "bridge " + m.Bridge.Items[i].Name, Field: field, Value: value, Err: err}
	}
	var lines []BridgeLine
	equity := sum
	stakes := decimal.Decimal{}
	for i, it := range m.Bridge.Items {
		switch {
		case it.Name == "" || slices.ContainsFunc(m.Bridge.Items[:i], func(o Item) bool { return o.Name == it.Name }):
			return nil, decimal.Decimal{}, bad(i, "name", strconv.Quote(it.Name), fault.ErrBridge)
		case it.Kind < Cash || it.Kind > Preferred:
			return nil, decimal.Decimal{}, bad(i, "kind", it.Kind.String(), fault.ErrBridge)
		case it.Amount.Sign() < 0:
			return nil, decimal.Decimal{}, bad(i, "amount", fault.Plain(it.Amount), fault.ErrNegative)
		case it.Discount.Sign() < 0 || !it.Discount.LessThan(one):
			return nil, decimal.Decimal{}, bad(i, "discount", fault.Plain(it.Discount), fault.ErrRate)
		case it.Kind == ListedStake && (it.Shares.Sign() < 0 || it.Price.Sign() < 0):
			return nil, decimal.Decimal{}, bad(i, "shares and price", fault.Plain(it.Shares)+" × "+fault.Plain(it.Price), fault.ErrNegative)
		}
		rate, err := m.FX.Rate(it.Currency, m.Currency)
		if err != nil {
			return nil, decimal.Decimal{}, fault.Within(err, fault.Error{Pkg: "valuation", Line: "bridge " + it.Name})
		}
		var v decimal.Decimal
		switch it.Kind {
		case Cash:
			v = it.Amount.Mul(rate)
		case Debt, Leases, Minority, Preferred:
			v = it.Amount.Mul(rate).Neg()
		case ListedStake:
			v = it.Shares.Mul(it.Price).Mul(rate).Mul(one.Sub(it.Discount))
		case UnlistedStake:
			v = it.Amount.Mul(rate).Mul(one.Sub(it.Discount))
		}
		if it.Kind == ListedStake || it.Kind == UnlistedStake {
			stakes = stakes.Add(v)
		}
		lines = append(lines, BridgeLine{Kind: it.Kind, Name: it.Name, Note: it.Note, Value: v, FX: rate})
		equity = equity.Add(v)
	}
	if d := m.Bridge.HoldcoDiscount; !d.IsZero() {
		if d.Sign() < 0 || !d.LessThan(one) {
			return nil, decimal.Decimal{}, &fault.Error{Pkg: "valuation", Line: "bridge", Field: "holdco_discount", Value: fault.Plain(d), Err: fault.ErrRate}
		}
		base := equity
		if m.Bridge.HoldcoBase == OnStakes {
			base = stakes
		}
		v := base.Mul(d).Neg()
		lines = append(lines, BridgeLine{Kind: Holdco, Name: "holdco_discount", Note: "holding-company discount", Value: v, FX: one})
		equity = equity.Add(v)
	}
	return lines, equity, nil
}

// dilute solves the treasury stock method at the target price in closed form: with the
// tranches below the price in S, price = (equity + Σ_S count × strike) / (basic + Σ_S
// count), and S is the set that this price leaves below it, tried from the lowest strikes
// up. It returns the price and the diluted share count, both to DivPlaces.
func (m Model) dilute(equity decimal.Decimal) (price, diluted decimal.Decimal, err error) {
	ts := slices.Clone(m.Dilution.Tranches)
	for _, t := range ts {
		if t.Count.Sign() < 0 || t.Strike.Sign() < 0 {
			return decimal.Decimal{}, decimal.Decimal{}, &fault.Error{Pkg: "valuation", Line: "dilution " + t.Name, Field: "count and strike",
				Value: fault.Plain(t.Count) + " at " + fault.Plain(t.Strike), Err: fault.ErrNegative}
		}
	}
	slices.SortStableFunc(ts, func(a, b Tranche) int { return a.Strike.Cmp(b.Strike) })
	num, den := equity, m.Shares
	for k := 0; k <= len(ts); k++ {
		if k > 0 {
			num = num.Add(ts[k-1].Count.Mul(ts[k-1].Strike))
			den = den.Add(ts[k-1].Count)
		}
		p := num.DivRound(den, segments.DivPlaces)
		inside := k == 0 || ts[k-1].Strike.LessThan(p)
		outside := k == len(ts) || !ts[k].Strike.LessThan(p)
		if !inside || !outside {
			continue
		}
		diluted = m.Shares
		for _, t := range ts[:k] {
			if t.Convertible {
				diluted = diluted.Add(t.Count)
				continue
			}
			diluted = diluted.Add(t.Count.Sub(t.Count.Mul(t.Strike).DivRound(p, segments.DivPlaces)))
		}
		return p, diluted, nil
	}
	return decimal.Decimal{}, decimal.Decimal{}, &fault.Error{Pkg: "valuation", Line: "dilution", Value: "no price leaves the tranches it prices on one side", Err: fault.ErrDilution}
}

// Horizon discounts a target priced on a later year's value back to today: the model's
// Year is the year priced, and the target is that year's per-share value divided by
// (1 + Rate)^Years, Rate the cost of equity and Years the period, which may be a
// fraction (0.5 is six months). The zero Horizon discounts nothing.
type Horizon struct {
	Rate  decimal.Decimal // cost of equity, in [0, 1)
	Years decimal.Decimal // the period, in [0, MaxHorizonYears]
}

// MaxHorizonYears bounds a Horizon's period.
const MaxHorizonYears = 30

// IsZero reports a horizon that discounts nothing.
func (h Horizon) IsZero() bool { return h.Years.IsZero() }

// discountPlaces is the precision the discount factor is worked out at before it is
// rounded to DivPlaces: the series below converge to it.
const discountPlaces = 40

// factor returns (1 + Rate)^-Years to DivPlaces: exactly for a whole number of years, by
// exp(−Years × ln(1 + Rate)) in decimal series otherwise (ln through atanh, which
// converges fast for rates of equity), never through a float.
func (h Horizon) factor() (decimal.Decimal, error) {
	one := decimal.NewFromInt(1)
	switch {
	case h.Rate.Sign() < 0 || !h.Rate.LessThan(one):
		return decimal.Decimal{}, &fault.Error{Pkg: "valuation", Field: "horizon rate", Value: fault.Plain(h.Rate), Err: fault.ErrRate}
	case h.Years.Sign() < 0 || h.Years.GreaterThan(decimal.NewFromInt(MaxHorizonYears)):
		return decimal.Decimal{}, &fault.Error{Pkg: "valuation", Field: "horizon years", Value: fault.Plain(h.Years), Err: fault.ErrHorizon}
	}
	base := one.Add(h.Rate)
	if h.Years.IsInteger() {
		growth := one
		for range h.Years.IntPart() {
			growth = growth.Mul(base)
		}
		return one.DivRound(growth, segments.DivPlaces), nil
	}
	// ln(base) = 2 atanh(z), z = (base − 1) / (base + 1) < 1/3: Σ z^(2k+1) / (2k+1).
	z := h.Rate.DivRound(base.Add(one), discountPlaces)
	z2 := z.Mul(z).Round(discountPlaces)
	eps := decimal.New(1, -discountPlaces)
	ln, term := decimal.Zero, z
	for k := int64(0); term.Abs().GreaterThan(eps); k++ {
		ln = ln.Add(term.DivRound(decimal.NewFromInt(2*k+1), discountPlaces))
		term = term.Mul(z2).Round(discountPlaces)
	}
	ln = ln.Add(ln)
	// exp(y) = Σ y^k / k!, y = −Years × ln(base), |y| ≤ 30 × ln 2 < 21.
	y := h.Years.Mul(ln).Neg().Round(discountPlaces)
	sum, t := one, one
	for k := int64(1); t.Abs().GreaterThan(eps) || k < 3; k++ {
		t = t.Mul(y).DivRound(decimal.NewFromInt(k), discountPlaces)
		sum = sum.Add(t)
	}
	return sum.Round(segments.DivPlaces), nil
}
