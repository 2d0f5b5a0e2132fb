package valuation

import (
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/key"
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
	// Convertible is the line of a convertible bond that stays debt, which the dilution
	// works out (Tranche.Convertible): a BridgeLine's kind, never an Item's.
	Convertible
)

var itemNames = [...]string{Cash: "cash", Debt: "debt", Leases: "leases", ListedStake: "listed_stake",
	UnlistedStake: "unlisted_stake", Minority: "minority", Preferred: "preferred", Holdco: "holdco_discount",
	Convertible: "convertible"}

// String returns the kind's name, e.g. "listed_stake".
func (k ItemKind) String() string {
	if k >= Cash && k <= Convertible {
		return itemNames[k]
	}
	return "ItemKind(" + strconv.Itoa(int(k)) + ")"
}

// Formula returns the value of an item of the kind, in the model's currency, as a
// formula (in the grammar of segments.Formula) of the item's fields amount, shares, price
// and discount and of rate, its FX rate to the model's currency: cash amount × rate; a
// claim on equity (debt, leases, minorities, preferred) −1 × amount × rate; a listed stake
// shares × price × rate × (1 − discount); an unlisted one amount × rate × (1 −
// discount). It is the one description of the bridge's items: Model.Value, the exact
// kernel, the float64 program and the workbook all compute an item from it, so a kind
// added here is valued by each. A kind that is no item's (Holdco, Convertible) has none:
// the zero Formula.
func (k ItemKind) Formula() segments.Formula {
	ref, one := segments.Ref, segments.Const(decimal.NewFromInt(1))
	kept := segments.Add(one, segments.Mul(segments.Const(decimal.NewFromInt(-1)), ref("discount"))) // 1 − discount
	switch k {
	case Cash:
		return segments.Mul(ref("amount"), ref("rate"))
	case Debt, Leases, Minority, Preferred:
		return segments.Mul(segments.Const(decimal.NewFromInt(-1)), ref("amount"), ref("rate"))
	case ListedStake:
		return segments.Mul(ref("shares"), ref("price"), ref("rate"), kept)
	case UnlistedStake:
		return segments.Mul(ref("amount"), ref("rate"), kept)
	}
	return segments.Formula{}
}

// field returns the item's figure that its kind's Formula names (amount, shares, price
// or discount); rate is the Formula's FX rate, not a field.
func (it Item) field(name segments.Metric) decimal.Decimal {
	switch name {
	case "amount":
		return it.Amount
	case "shares":
		return it.Shares
	case "price":
		return it.Price
	case "discount":
		return it.Discount
	}
	return decimal.Decimal{}
}

// MarshalText writes the kind by name.
func (k ItemKind) MarshalText() ([]byte, error) {
	if k < Cash || k > Convertible {
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
	Name     string          // stable key, unique in the bridge, not "holdco" or "holdco_discount": the line's figure is bridge/NAME
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
	Name   string // stable key, unique among the tranches (and a bond's, among the bridge items): dilution/NAME/count
	Count  decimal.Decimal
	Strike decimal.Decimal
	// Convertible values the tranche as a convertible bond by the if-converted method:
	// its face value, Count × Strike, is debt unless converting is worth more than the
	// face (the share price above Strike), the price being the value a share of the year
	// priced (the current price with AtPrice); then the face leaves debt and all Count
	// shares join the count. Leave the bond out of the bridge's debt: the dilution deducts
	// it when it stays debt, as a line of the bridge (kind Convertible).
	Convertible bool
}

// DilutionBasis is the price at which options and convertibles dilute: a tranche is in
// the money when its strike is below it, and the treasury stock method buys shares back
// at it.
type DilutionBasis int

// Bases of the dilution.
const (
	// AtValue, the default, dilutes at the value per share of the year priced, before any
	// horizon's discount: the price the dilution itself produces, a fixed point (without
	// a horizon, the target). The treasury stock method at the estimated value per share,
	// not the market price, is Damodaran's (Investment Valuation, 3rd ed., 2012, ch. 16,
	// on options outstanding): a value per share taken at the market price counts the
	// options the market, not the analyst, thinks are in the money.
	AtValue DilutionBasis = iota
	// AtTarget dilutes options at the target itself: with a horizon, the value
	// discounted back, so an option struck between the discounted and the undiscounted
	// value stays out. A bond still converts at the value of the year it is owed in. A
	// fixed point too, and unique (see Model.dilute).
	AtTarget
	// AtPrice dilutes at the current share price (Model.Price): the fully diluted count
	// of a filing and of a trading-comparables sheet (Rosenbaum and Pearl, Investment
	// Banking, 2nd ed., 2013, ch. 1: the treasury stock method and the if-converted
	// method at the current share price), common sell-side practice for the share count
	// a target divides by.
	AtPrice
)

var basisNames = [...]string{AtValue: "value", AtTarget: "target", AtPrice: "price"}

// String returns the basis's name: "value", "target" or "price".
func (b DilutionBasis) String() string {
	if b >= AtValue && b <= AtPrice {
		return basisNames[b]
	}
	return "DilutionBasis(" + strconv.Itoa(int(b)) + ")"
}

// MarshalText writes the basis by name.
func (b DilutionBasis) MarshalText() ([]byte, error) {
	if b < AtValue || b > AtPrice {
		return nil, &fault.Error{Pkg: "valuation", Line: "dilution", Field: "basis", Value: b.String(), Err: fault.ErrDilution, Key: basisKey()}
	}
	return []byte(basisNames[b]), nil
}

// UnmarshalText reads a basis by its name, as MarshalText writes it; "" is AtValue.
func (b *DilutionBasis) UnmarshalText(text []byte) error {
	s := string(text)
	if s == "" {
		*b = AtValue
		return nil
	}
	for i, n := range basisNames {
		if n == s {
			*b = DilutionBasis(i)
			return nil
		}
	}
	return &fault.Error{Pkg: "valuation", Line: "dilution", Field: "basis", Value: strconv.Quote(s) + ", want value, target or price", Err: fault.ErrDilution,
		Key: basisKey()}
}

// basisKey is the key of the dilution's basis in an error: a dilution key of no tranche,
// outside the grammar of figures (key.Key.Complete), to locate the basis by.
func basisKey() key.Key { return key.Key{Space: key.SpaceDilution, Name: "basis"} }

// Dilution is what the basic share count is diluted by: options and restricted units by
// the treasury stock method, convertible bonds by the if-converted method, each at the
// price Basis names. An option in the money (its strike below that price) adds its count
// less the shares its exercise money buys back at the price, Count × (1 − Strike /
// price); a convertible in the money adds its whole count, and its face value, deducted
// as debt while it is out, is no longer owed.
type Dilution struct {
	Tranches []Tranche
	Basis    DilutionBasis
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

// Claim reports a line that takes an enterprise value to equity value: cash, debt,
// leases, minority interests, preferred equity and a convertible bond that stays debt.
// Stakes and the holding-company discount act on equity.
func (l BridgeLine) Claim() bool {
	switch l.Kind {
	case Cash, Debt, Leases, Minority, Preferred, Convertible:
		return true
	}
	return false
}

// Warning is what a result's reader should know that is not an error: the figures stand,
// but a convention of the trade may be broken. Code is stable, for programs.
type Warning struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// The codes of warnings, stable for programs.
const (
	// WarnClaimsOnEquity is the code of a bridge that deducts net debt or another claim,
	// or adds cash, when no part is an enterprise value.
	WarnClaimsOnEquity = "claims_on_equity_parts"
	// WarnNoEffect is the code of a warning that an assumption an analysis moved did not
	// move an output: the output is the same, exactly, at every value it was given (a
	// take rate under a P/MAU part; DAU when no part or output reads it). Sweep an output
	// it does move (the segment's revenue, group revenue, the P&L) to see it.
	WarnNoEffect = "no_effect"
	// WarnFXTriangle is the code of three FX rates given around a triangle of currencies
	// that disagree by more than the model's FXTolerance, or of a pair crossed through two
	// currencies to rates that disagree so.
	WarnFXTriangle = "fx_triangle"
	// WarnMetricProxy is the code of a part priced at multiples of a metric that does not
	// measure its figure, which the part allows (Multiple.Proxy).
	WarnMetricProxy = "metric_proxy"
	// WarnStaleQuote is the code of a comparable's close, an FX rate or the price, in a
	// model valued as of a date (Model.AsOf), that is older than the model's MaxQuoteAge,
	// or undated.
	WarnStaleQuote = "stale_quote"
	// WarnUnusedQuote is the code of a market's quotes of tickers or currency pairs that
	// the model it values does not use (Model.Market): a ticker typed two ways, most often.
	WarnUnusedQuote = "unused_quote"
)

// basisWarnings says when the bridge's claims (net debt, minorities, preferred) are
// applied to parts that are equity values already. By the convention of sum-of-the-parts
// work (Koller, Goedhart and Wessels, Valuation, McKinsey, 7th ed., 2020, on multibusiness
// companies: business units valued at enterprise value, then corporate net debt and other claims deducted
// once), claims are deducted from enterprise values: a part priced on its peers'
// market values is an equity value, from which its own debt is already gone, and the
// group's cash is in the peers' prices. With enterprise-value parts in the model the
// claims are theirs (the bridge table applies them there); with none, they fall on
// equity values and are likely counted twice. A sum of equity-value parts with no
// claims (the Western Securities note's own practice) is warning-free.
func (r Result) basisWarnings() []Warning {
	if len(r.Parts) == 0 || slices.ContainsFunc(r.Parts, func(p PartValue) bool { return p.Enterprise }) {
		return nil
	}
	var claims []string
	net := decimal.Decimal{}
	for _, l := range r.Bridge {
		if l.Claim() {
			claims = append(claims, l.Kind.String()+": "+l.Name)
			net = net.Add(l.Value)
		}
	}
	if len(claims) == 0 {
		return nil
	}
	return []Warning{{Code: WarnClaimsOnEquity, Message: "the bridge applies " + strings.Join(claims, ", ") + " (" + fault.Plain(net) +
		" in all) to parts that are all equity values (multiples of market values), which hold their own net debt and cash already: " +
		"value a part on an enterprise-value multiple (EV/...) for the claims to be its, or leave them out"}}
}

// bridge works out the bridge lines of r's sum, in the model's currency.
func (m Model) bridge(sum decimal.Decimal) ([]BridgeLine, decimal.Decimal, error) {
	one := decimal.NewFromInt(1)
	var lines []BridgeLine
	equity := sum
	stakes := decimal.Decimal{}
	for i := range m.Bridge.Items {
		l, err := m.bridgeLine(i)
		if err != nil {
			return nil, decimal.Decimal{}, err
		}
		if l.Kind == ListedStake || l.Kind == UnlistedStake {
			stakes = stakes.Add(l.Value)
		}
		lines = append(lines, l)
		equity = equity.Add(l.Value)
	}
	if d := m.Bridge.HoldcoDiscount; !d.IsZero() {
		if d.Sign() < 0 || !d.LessThan(one) {
			return nil, decimal.Decimal{}, &fault.Error{Pkg: "valuation", Line: "bridge", Field: "holdco_discount", Value: fault.Plain(d), Err: fault.ErrRate,
				Key: key.Key{Space: key.SpaceBridge, Item: "holdco", Name: "discount"}}
		}
		base := equity
		if m.Bridge.HoldcoBase == OnStakes {
			base = stakes
		}
		v := base.Mul(d).Neg()
		lines = append(lines, BridgeLine{Kind: Holdco, Name: holdcoLine, Note: "holding-company discount", Value: v, FX: one})
		equity = equity.Add(v)
	}
	return lines, equity, nil
}

// bridgeLine works out the line of the bridge's item i, checked, in the model's currency.
func (m Model) bridgeLine(i int) (BridgeLine, error) {
	if err := m.Bridge.checkItem(i); err != nil {
		return BridgeLine{}, err
	}
	it := m.Bridge.Items[i]
	rate, err := m.FX.Rate(it.Currency, m.Currency)
	if err != nil {
		// The item's currency is what its line can change: the key names it, not
		// the rate the table lacks.
		if fe, ok := err.(*fault.Error); ok {
			c := *fe
			c.Key = key.Key{Space: key.SpaceBridge, Item: it.Name, Name: "currency"}
			err = &c
		}
		return BridgeLine{}, fault.Within(err, fault.Error{Pkg: "valuation", Line: "bridge " + it.Name})
	}
	return BridgeLine{Kind: it.Kind, Name: it.Name, Note: it.Note, Value: it.value(rate), FX: rate}, nil
}

// checkItem returns the error of the bridge's item i, if it has one: a name empty, taken
// by an item before it or "holdco", a kind no item has, a negative amount, a discount
// outside [0, 1), or a listed stake's negative shares or price.
func (b Bridge) checkItem(i int) error {
	one := decimal.NewFromInt(1)
	it := b.Items[i]
	// bad is an error of the item's field, which its key names as a model file does: by
	// the first of the fields the message names ("shares and price" is "shares").
	bad := func(name, field, value string, err error) error {
		k := key.Key{Space: key.SpaceBridge, Item: it.Name, Name: name}
		return &fault.Error{Pkg: "valuation", Line: "bridge " + it.Name, Field: field, Value: value, Err: err, Key: k}
	}
	switch {
	case it.Name == "" || it.Name == "holdco" || it.Name == holdcoLine || slices.ContainsFunc(b.Items[:i], func(o Item) bool { return o.Name == it.Name }):
		// holdco names the holding-company discount's keys (bridge/holdco/discount),
		// holdco_discount its line (bridge/holdco_discount)
		return bad("name", "name", strconv.Quote(it.Name), fault.ErrBridge)
	case it.Kind < Cash || it.Kind > Preferred:
		return bad("kind", "kind", it.Kind.String(), fault.ErrBridge)
	case it.Amount.Sign() < 0:
		return bad("amount", "amount", fault.Plain(it.Amount), fault.ErrNegative)
	case it.Discount.Sign() < 0 || !it.Discount.LessThan(one):
		return bad("discount", "discount", fault.Plain(it.Discount), fault.ErrRate)
	case it.Kind == ListedStake && (it.Shares.Sign() < 0 || it.Price.Sign() < 0):
		return bad("shares", "shares and price", fault.Plain(it.Shares)+" × "+fault.Plain(it.Price), fault.ErrNegative)
	}
	return nil
}

// value is the item's value in the model's currency, rate the FX from its own, signed as
// it adds to equity: its kind's Formula, evaluated.
func (it Item) value(rate decimal.Decimal) decimal.Decimal {
	f := it.Kind.Formula()
	if f.Op == 0 {
		return decimal.Decimal{}
	}
	get := func(m segments.Metric) decimal.Decimal {
		if m == "rate" {
			return rate
		}
		return it.field(m)
	}
	v, _ := f.Eval(get, nil, "value") // no division
	return v
}

// holdcoLine is the name of the holding-company discount's line of the bridge, which no
// item or convertible bond may take.
const holdcoLine = "holdco_discount"

// diluted is the dilution worked out: the value a share of the year priced, the target,
// the diluted count, the equity the count divides (the bridge's, less the face of every
// convertible that stays debt) and the bonds that stay debt, as lines of the bridge.
type diluted struct {
	undiscounted, target, shares, equity decimal.Decimal
	debt                                 []BridgeLine
}

// dilute dilutes the share count of equity (after the bridge, before any convertible is
// deducted) at the model's basis; discount is the horizon's factor (1 without one).
// Figures are to DivPlaces.
//
// At the price, the tranches in the money are those struck below it. At the value or
// the target, the price depends on the tranches in the money and they on the price; it is
// solved exactly in the value u a share of the year priced. An option is in the money
// when its strike is below the price it is taken at, u at the value and the target
// discount × u at the target, so when its effective strike, strike at the value and
// strike / discount at the target, is below u; a bond converts when its conversion price
// is below u, the value of the shares its holders would own in the year it is owed (at
// the target too: the bond's face and its conversion fall in the year priced). With the
// tranches sorted by effective strike e, those in the money are a prefix, the first k,
// and the value they give is in closed form,
//
//	u_k = (equity − F + Σ_{≤k} count × e) / (basic + Σ_{≤k} count),
//
// F the face of every bond (an option's exercise money buys shares back at its price:
// count × strike / (discount × u) shares at the target, which is count × e / u). The
// fixed point is the k with e_k < u_k ≤ e_k+1. It exists and is unique: u_k is a weighted
// average of u_k−1 and e_k (the value falls as the share count grows, towards the strikes
// of those who pay to join it), so while u_k−1 is above e_k so is u_k, and once u_k is at
// or below e_k+1, every later u stays at or below its own effective strike; the first k
// whose value is at or below the next effective strike is the one (TestDilutionUnique
// searches every set by brute force).
func (m Model) dilute(equity, discount decimal.Decimal) (diluted, error) {
	ts := slices.Clone(m.Dilution.Tranches)
	face := decimal.Decimal{}
	for i, t := range ts {
		if err := m.checkTranche(i); err != nil {
			return diluted{}, err
		}
		if t.Convertible {
			face = face.Add(t.Count.Mul(t.Strike))
		}
	}
	base := equity.Sub(face) // every bond as debt
	switch m.Dilution.Basis {
	case AtPrice:
		return m.diluteAtPrice(ts, base, discount)
	case AtValue, AtTarget:
		return m.diluteAtValue(ts, base, discount)
	}
	return diluted{}, &fault.Error{Pkg: "valuation", Line: "dilution", Field: "basis", Value: m.Dilution.Basis.String(), Err: fault.ErrDilution,
		Key: basisKey()}
}

// checkTranche returns the error of the dilution's tranche i, if it has one: a name
// empty, taken by a tranche before it or, a bond's, by an item of the bridge, or a
// negative count or strike.
func (m Model) checkTranche(i int) error {
	t := m.Dilution.Tranches[i]
	// A tranche is known by its name (its keys, its line of debt), so the name is
	// unique; a bond's line of debt stands among the bridge's items.
	named := func(o Tranche) bool { return o.Name == t.Name }
	if t.Name == "" || slices.ContainsFunc(m.Dilution.Tranches[:i], named) ||
		t.Convertible && (t.Name == holdcoLine || slices.ContainsFunc(m.Bridge.Items, func(it Item) bool { return it.Name == t.Name })) {
		return &fault.Error{Pkg: "valuation", Line: "dilution " + t.Name, Field: "name", Value: strconv.Quote(t.Name),
			Err: fault.ErrDilution, Key: key.Key{Space: key.SpaceDilution, Item: t.Name}}
	}
	if t.Count.Sign() < 0 || t.Strike.Sign() < 0 {
		field := "count"
		if t.Count.Sign() >= 0 {
			field = "strike"
		}
		return &fault.Error{Pkg: "valuation", Line: "dilution " + t.Name, Field: "count and strike",
			Value: fault.Plain(t.Count) + " at " + fault.Plain(t.Strike), Err: fault.ErrNegative,
			Key: key.Key{Space: key.SpaceDilution, Item: t.Name, Name: field}}
	}
	return nil
}

// diluteAtPrice is the dilution at the current share price (AtPrice) of the tranches ts,
// base the equity with every bond as debt: those struck below the price are in the money.
func (m Model) diluteAtPrice(ts []Tranche, base, discount decimal.Decimal) (diluted, error) {
	if m.Price.Sign() <= 0 {
		return diluted{}, &fault.Error{Pkg: "valuation", Field: "price", Value: "(the dilution is at the price)", Err: fault.ErrMissing,
			Key: key.Scalar(key.Price)}
	}
	var in []Tranche
	for _, t := range ts {
		if t.Strike.LessThan(m.Price) {
			in = append(in, t)
		}
	}
	dl := m.Dilution.at(m.Shares, base, ts, in, m.Price)
	dl.undiscounted = dl.equity.DivRound(dl.shares, segments.DivPlaces)
	dl.target = dl.undiscounted.Mul(discount).Round(segments.DivPlaces)
	return dl, nil
}

// diluteAtValue is the dilution at the value or the target (AtValue, AtTarget) of the
// tranches ts, base the equity with every bond as debt: the fixed point dilute describes,
// found by taking the tranches in by effective strike until the value they give, exact,
// falls between the last one in and the next; the value is then rounded to DivPlaces.
func (m Model) diluteAtValue(ts []Tranche, base, discount decimal.Decimal) (diluted, error) {
	es, order := m.Dilution.byEffective(ts, discount)
	num, den := base, m.Shares
	for k := 0; k <= len(order); k++ {
		if k > 0 {
			i := order[k-1]
			num, den = num.Add(ts[i].Count.Mul(es[i])), den.Add(ts[i].Count)
		}
		if k > 0 && k < len(order) && es[order[k]].Equal(es[order[k-1]]) {
			continue // tranches of one effective strike are in or out together
		}
		// e < num / den, compared exactly (den is positive): the value rounded to
		// DivPlaces first may fall on a strike it is above or below by less than its
		// last place, and leave no k on either side (TestDilutionRoundsOnAStrike).
		inside := k == 0 || es[order[k-1]].Mul(den).LessThan(num)
		outside := k == len(order) || !es[order[k]].Mul(den).LessThan(num)
		if !inside || !outside {
			continue
		}
		u := num.DivRound(den, segments.DivPlaces)
		in := make([]Tranche, k)
		for j, i := range order[:k] {
			in[j] = ts[i]
		}
		price := u
		if m.Dilution.Basis == AtTarget {
			price = u.Mul(discount).Round(segments.DivPlaces)
		}
		if price.IsZero() && slices.ContainsFunc(in, func(t Tranche) bool { return !t.Convertible && !t.Strike.IsZero() && !t.Count.IsZero() }) {
			// above zero, exactly, but not at 16 places: an option's exercise money
			// buys back shares at a price of nothing
			return diluted{}, &fault.Error{Pkg: "valuation", Line: "dilution", Value: "the price options buy shares back at rounds to 0 at 16 places",
				Err: fault.ErrDilution, Key: key.Key{Space: key.SpaceDilution}}
		}
		dl := m.Dilution.at(m.Shares, base, ts, in, price)
		dl.undiscounted, dl.target = u, u.Mul(discount).Round(segments.DivPlaces)
		return dl, nil
	}
	// Unreachable by the argument of dilute; an error rather than a wrong number if not.
	return diluted{}, &fault.Error{Pkg: "valuation", Line: "dilution", Value: "no value leaves the tranches it prices on one side", Err: fault.ErrDilution,
		Key: key.Key{Space: key.SpaceDilution}}
}

// byEffective returns the effective strikes of the tranches ts, discount the horizon's
// factor, and the order of ts by them, lowest first (of one strike, as given).
func (d Dilution) byEffective(ts []Tranche, discount decimal.Decimal) ([]decimal.Decimal, []int) {
	es := make([]decimal.Decimal, len(ts))
	for i, t := range ts {
		es[i] = d.effective(t, discount)
	}
	order := make([]int, len(ts))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return es[a].Cmp(es[b]) })
	return es, order
}

// effective is a tranche's strike on the scale of the value a share of the year priced
// (see dilute): its strike, but an option's over discount at the target.
func (d Dilution) effective(t Tranche, discount decimal.Decimal) decimal.Decimal {
	if t.Convertible || d.Basis != AtTarget {
		return t.Strike
	}
	return t.Strike.DivRound(discount, segments.DivPlaces)
}

// at is the dilution with the tranches in the money at price, an option's price of
// buying shares back: the diluted share count, the equity once the bonds in the money
// have converted (base has every bond as debt), and a line of debt for each bond that
// has not (of all, the model's tranches).
func (Dilution) at(basic, base decimal.Decimal, all, in []Tranche, price decimal.Decimal) diluted {
	dl := diluted{equity: base, shares: basic}
	converts := map[string]bool{}
	for _, t := range in {
		if t.Convertible {
			converts[t.Name] = true
			dl.shares = dl.shares.Add(t.Count)
			dl.equity = dl.equity.Add(t.Count.Mul(t.Strike))
			continue
		}
		buyback := decimal.New(0, -segments.DivPlaces) // of nothing: as DivRound gives it, at any price
		if money := t.Count.Mul(t.Strike); !money.IsZero() {
			buyback = money.DivRound(price, segments.DivPlaces) // a price above zero: diluteAtValue checks it
		}
		dl.shares = dl.shares.Add(t.Count.Sub(buyback))
	}
	for _, t := range all {
		if t.Convertible && !converts[t.Name] {
			dl.debt = append(dl.debt, BridgeLine{Kind: Convertible, Name: t.Name, Value: t.Count.Mul(t.Strike).Neg(), FX: decimal.NewFromInt(1),
				Note: "convertible bond at face: not worth converting at " + fault.Plain(price.Round(2))})
		}
	}
	return dl
}

// Horizon discounts a target priced on a later year's value back to today: the model's
// Year is the year priced, and the target is that year's per-share value divided by
// (1 + Rate)^Years, Rate the cost of equity and Years the period, which may be a
// fraction (0.5 is six months). The zero Horizon discounts nothing.
type Horizon struct {
	Rate  decimal.Decimal // cost of equity, in [0, 1)
	Years decimal.Decimal // the period, in [0, MaxHorizonYears]
}

// Bounds on a model's inputs: MaxHorizonYears bounds a Horizon's period; MaxPlaces a
// printed figure's Places and Shift in magnitude (no table prints more digits, and a
// larger count would make rounding build an enormous number).
//
// DefaultQuoteAge is the age, in days, beyond which a quote is stale when a model valued
// as of a date gives no MaxQuoteAge: a week, the span over which sell-side notes refresh
// their comparables tables.
const (
	MaxHorizonYears = 30
	MaxPlaces       = 40
	DefaultQuoteAge = 7
)

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
		return decimal.Decimal{}, &fault.Error{Pkg: "valuation", Field: "horizon rate", Value: fault.Plain(h.Rate), Err: fault.ErrRate,
			Key: key.Key{Space: key.SpaceHorizon, Name: "rate"}}
	case h.Years.Sign() < 0 || h.Years.GreaterThan(decimal.NewFromInt(MaxHorizonYears)):
		return decimal.Decimal{}, &fault.Error{Pkg: "valuation", Field: "horizon years", Value: fault.Plain(h.Years), Err: fault.ErrHorizon,
			Key: key.Key{Space: key.SpaceHorizon, Name: "years"}}
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
