package earnings

import (
	"fmt"
	"maps"
	"strconv"

	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/key"
)

// MaxRatio is the largest ratio a line may have to its base, in absolute value: a cost
// of five times revenue is a typing error more often than a business.
const MaxRatio = 5

var maxRatio = decimal.NewFromInt(MaxRatio)

// LineKind is where a line sits in the statement and how its value is signed.
type LineKind int

// Kinds of line.
const (
	// CostOfSales lines are given positive and subtracted from revenue to gross profit.
	CostOfSales LineKind = iota + 1
	// Expense lines (selling, administrative, R&D) are given positive and subtracted from
	// gross profit.
	Expense
	// Other lines (finance income or cost, other gains, tax, a reconciling line) are
	// signed as they add to profit.
	Other
)

var kindNames = [...]string{CostOfSales: "cost_of_sales", Expense: "expense", Other: "other"}

// String returns the kind's name, as model files write it: cost_of_sales, expense, other.
func (k LineKind) String() string {
	if k >= CostOfSales && k <= Other {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// MarshalText writes the kind by name.
func (k LineKind) MarshalText() ([]byte, error) {
	if k < CostOfSales || k > Other {
		return nil, &fault.Error{Pkg: "earnings", Field: "kind", Value: k.String(), Err: fault.ErrLine}
	}
	return []byte(kindNames[k]), nil
}

// UnmarshalText reads a kind written by MarshalText.
func (k *LineKind) UnmarshalText(b []byte) error {
	for i, n := range kindNames {
		if i > 0 && n == string(b) {
			*k = LineKind(i)
			return nil
		}
	}
	return &fault.Error{Pkg: "earnings", Field: "kind", Value: strconv.Quote(string(b)), Err: fault.ErrLine}
}

// Value is a line's figure for one year: an amount, or a ratio of a base. Build one with
// Amount or Ratio.
type Value struct {
	Amount  decimal.Decimal `json:"amount"` // millions; when not ByRatio
	Ratio   decimal.Decimal `json:"ratio"`  // of the base; when ByRatio
	Of      string          `json:"of"`     // the base: "" is group revenue, else a segment's revenue
	ByRatio bool            `json:"by_ratio"`
}

// Amount returns a value given as an amount, in millions.
func Amount(x decimal.Decimal) Value { return Value{Amount: x} }

// Ratio returns a value given as r × the revenue of segment of ("" for the group).
func Ratio(r decimal.Decimal, of string) Value { return Value{Ratio: r, Of: of, ByRatio: true} }

// LineItem is one line of the statement with its value for each year.
type LineItem struct {
	Name  string        `json:"name"`  // stable key, e.g. "selling_marketing"; unique in a plan
	Label string        `json:"label"` // as tables print it
	Kind  LineKind      `json:"kind"`
	Years map[int]Value `json:"years"`
}

// PnL is a P&L forecast on top of a segments.Forecast.
type PnL struct {
	Lines []LineItem
	// Shares is the share count each year's EPS divides by, in millions.
	Shares map[int]decimal.Decimal
	// Equity is equity attributable to shareholders at year end, in millions; a year
	// without it has no BVPS or P/B.
	Equity map[int]decimal.Decimal
}

// Pricing is what the multiples are taken at: a share price, and the units of the
// price's currency one unit of the reporting currency buys. A zero Price gives none; a
// negative one, or a Price with a Rate not above zero, is an error.
type Pricing struct {
	Price decimal.Decimal
	Rate  decimal.Decimal
}

// IsZero reports whether the plan has no lines: a model without a P&L.
func (p PnL) IsZero() bool { return len(p.Lines) == 0 }

// Statement is the plan worked out for every year of the forecast.
type Statement struct {
	Lines []LineItem `json:"lines"` // the plan's lines, for labels and order
	Years []Period   `json:"years"`
}

// Period is one year of the statement. Amounts are millions of the reporting currency.
type Period struct {
	Year          int                 `json:"year"`
	Revenue       decimal.Decimal     `json:"revenue"`
	RevenueGrowth decimal.NullDecimal `json:"revenue_growth"`
	Lines         []LineValue         `json:"lines"`         // in the plan's order
	CostOfSales   decimal.Decimal     `json:"cost_of_sales"` // the CostOfSales lines' total, positive
	GrossProfit   decimal.Decimal     `json:"gross_profit"`
	GrossMargin   decimal.NullDecimal `json:"gross_margin"` // gross profit / revenue
	NetProfit     decimal.Decimal     `json:"net_profit"`   // attributable
	NetGrowth     decimal.NullDecimal `json:"net_growth"`   // by Growth: valid across a loss
	Shares        decimal.Decimal     `json:"shares"`
	EPS           decimal.Decimal     `json:"eps"`  // net profit / shares, in the reporting currency
	BVPS          decimal.NullDecimal `json:"bvps"` // equity / shares, where equity is given
	PE            decimal.NullDecimal `json:"pe"`   // at the market; valid only over a positive denominator
	PB            decimal.NullDecimal `json:"pb"`   // at the market; valid only over a positive denominator
	PS            decimal.NullDecimal `json:"ps"`   // at the market; valid only over a positive denominator
}

// LineValue is one line in one year.
type LineValue struct {
	Name  string              `json:"name"`
	Value decimal.Decimal     `json:"value"` // signed as it adds to profit: costs are negative
	Ratio decimal.NullDecimal `json:"ratio"` // |Value| / revenue
}

// Growth returns (cur − prev) / |prev|, the growth convention for figures that can be
// losses: a loss narrowing from −105,883 to −7,401 is +93%, and a profit after a loss
// grows by more than 100%. It is the usual cur / prev − 1 when prev is positive, and not
// valid when prev is zero.
func Growth(cur, prev decimal.Decimal) decimal.NullDecimal {
	if prev.IsZero() {
		return decimal.NullDecimal{}
	}
	return decimal.NewNullDecimal(cur.Sub(prev).DivRound(prev.Abs(), segments.DivPlaces))
}

// Statement works out the plan for every year of f at market m.
func (p PnL) Statement(f segments.Forecast, m Pricing) (Statement, error) {
	if err := p.check(); err != nil {
		return Statement{}, err
	}
	switch {
	case m.Price.Sign() < 0:
		return Statement{}, &fault.Error{Pkg: "earnings", Field: "price", Value: fault.Plain(m.Price), Err: fault.ErrPrice, Key: key.Scalar(key.Price)}
	case m.Price.Sign() > 0 && m.Rate.Sign() <= 0:
		return Statement{}, &fault.Error{Pkg: "earnings", Field: "rate", Value: fault.Plain(m.Rate), Err: fault.ErrBadRate}
	}
	st := Statement{Lines: p.Lines, Years: make([]Period, len(f.Years))}
	for i, fy := range f.Years {
		y, err := p.year(fy, m)
		if err != nil {
			return Statement{}, err
		}
		if i > 0 {
			prev := st.Years[i-1]
			y.RevenueGrowth = Growth(y.Revenue, prev.Revenue)
			y.NetGrowth = Growth(y.NetProfit, prev.NetProfit)
		}
		st.Years[i] = y
	}
	return st, nil
}

func (p PnL) check() error {
	seen := map[string]bool{}
	for _, l := range p.Lines {
		switch {
		case l.Name == "" || seen[l.Name]:
			return &fault.Error{Pkg: "earnings", Line: l.Name, Field: "name", Value: fmt.Sprintf("%q", l.Name), Err: fault.ErrLine, Key: lineKey(0, l.Name)}
		case l.Kind < CostOfSales || l.Kind > Other:
			return &fault.Error{Pkg: "earnings", Line: l.Name, Field: "kind", Value: fmt.Sprint(int(l.Kind)), Err: fault.ErrLine, Key: lineKey(0, l.Name)}
		}
		seen[l.Name] = true
	}
	return nil
}

func (p PnL) year(fy segments.Year, m Pricing) (Period, error) {
	y := Period{Year: fy.Year, Revenue: fy.Revenue, Lines: make([]LineValue, len(p.Lines))}
	var expenses, other decimal.Decimal
	for i, l := range p.Lines {
		v, err := l.value(fy)
		if err != nil {
			return Period{}, err
		}
		lv := LineValue{Name: l.Name, Value: v}
		if l.Kind != Other {
			lv.Value = v.Neg()
		}
		switch given := l.Years[fy.Year]; {
		case given.ByRatio && given.Of == "":
			lv.Ratio = decimal.NewNullDecimal(given.Ratio.Abs()) // exact: no division needed
		case fy.Revenue.Sign() > 0:
			lv.Ratio = decimal.NewNullDecimal(v.Abs().DivRound(fy.Revenue, segments.DivPlaces))
		}
		y.Lines[i] = lv
		switch l.Kind {
		case CostOfSales:
			y.CostOfSales = y.CostOfSales.Add(v)
		case Expense:
			expenses = expenses.Add(v)
		case Other:
			other = other.Add(v)
		}
	}
	y.GrossProfit = y.Revenue.Sub(y.CostOfSales)
	y.NetProfit = y.GrossProfit.Sub(expenses).Add(other)
	if y.Revenue.Sign() > 0 {
		y.GrossMargin = decimal.NewNullDecimal(y.GrossProfit.DivRound(y.Revenue, segments.DivPlaces))
	}
	shares, ok := p.Shares[fy.Year]
	sharesKey := key.Key{Space: key.SpacePnL, Year: fy.Year, Name: "shares"}
	switch {
	case !ok:
		return Period{}, &fault.Error{Pkg: "earnings", Line: "shares", Year: fy.Year, Err: fault.ErrMissing, Key: sharesKey}
	case shares.Sign() <= 0:
		return Period{}, &fault.Error{Pkg: "earnings", Line: "shares", Year: fy.Year, Value: fault.Plain(shares), Err: fault.ErrShares, Key: sharesKey}
	}
	y.Shares = shares
	y.EPS = y.NetProfit.DivRound(shares, segments.DivPlaces)
	if eq, ok := p.Equity[fy.Year]; ok {
		y.BVPS = decimal.NewNullDecimal(eq.DivRound(shares, segments.DivPlaces))
	}
	if m.Price.Sign() > 0 && m.Rate.Sign() > 0 {
		// Each multiple is price over a per-share figure converted to the price's currency.
		ratio := func(per decimal.Decimal) decimal.NullDecimal {
			per = per.Mul(m.Rate)
			if per.Sign() <= 0 {
				return decimal.NullDecimal{}
			}
			return decimal.NewNullDecimal(m.Price.DivRound(per, segments.DivPlaces))
		}
		y.PE = ratio(y.EPS)
		if y.BVPS.Valid {
			y.PB = ratio(y.BVPS.Decimal)
		}
		y.PS = ratio(y.Revenue.DivRound(shares, segments.DivPlaces))
	}
	return y, nil
}

// value is the line's value in the year. The key of an error names the line's value in
// the year, or for a ratio out of range the ratio; a ratio's unknown base is an error of
// the value, whose base it names.
func (l LineItem) value(fy segments.Year) (decimal.Decimal, error) {
	k := lineKey(fy.Year, l.Name)
	v, ok := l.Years[fy.Year]
	if !ok {
		return decimal.Decimal{}, &fault.Error{Pkg: "earnings", Line: l.Name, Year: fy.Year, Err: fault.ErrMissing, Key: k}
	}
	if !v.ByRatio {
		if l.Kind != Other && v.Amount.Sign() < 0 {
			return decimal.Decimal{}, &fault.Error{Pkg: "earnings", Line: l.Name, Year: fy.Year, Field: "amount", Value: fault.Plain(v.Amount), Err: fault.ErrNegative, Key: k}
		}
		return v.Amount, nil
	}
	lo := maxRatio.Neg()
	if l.Kind != Other {
		lo = decimal.Zero
	}
	if v.Ratio.LessThan(lo) || v.Ratio.GreaterThan(maxRatio) {
		return decimal.Decimal{}, &fault.Error{Pkg: "earnings", Line: l.Name, Year: fy.Year, Field: "ratio", Value: fault.Plain(v.Ratio), Err: fault.ErrRatio,
			Key: key.Key{Space: key.SpacePnLLine, Year: fy.Year, Name: l.Name, Ratio: true}}
	}
	base := fy.Revenue
	if v.Of != "" {
		s, err := fy.Segment(v.Of)
		if err != nil {
			return decimal.Decimal{}, &fault.Error{Pkg: "earnings", Line: l.Name, Year: fy.Year, Field: "of", Value: v.Of, Err: fault.ErrBase, Key: k}
		}
		base = s.Revenue
	}
	return v.Ratio.Mul(base), nil
}

// lineKey is the key of the line named name in year, in an error; year 0 names the line.
func lineKey(year int, name string) key.Key {
	return key.Key{Space: key.SpacePnLLine, Year: year, Name: name}
}

// Clone returns a deep copy of the plan: lines, their years, share counts and equity are
// its own, so that writing to one of them leaves p as it was.
func (p PnL) Clone() PnL {
	out := PnL{Shares: maps.Clone(p.Shares), Equity: maps.Clone(p.Equity)}
	if p.Lines != nil {
		out.Lines = make([]LineItem, len(p.Lines))
		for i, l := range p.Lines {
			l.Years = maps.Clone(l.Years)
			out.Lines[i] = l
		}
	}
	return out
}
