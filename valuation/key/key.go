// Package key names the figures of a valuation and the assumptions that move it: one
// grammar (see Key), read by Parse at the edges (files, command lines, HTTP) and carried
// as a comparable value everywhere else, errors included. It imports nothing of sotp but
// internal/clip (a leaf), so that every package, fault among them, can hold a key.
package key

import (
	"slices"
	"strconv"
	"strings"

	"github.com/sotpkit/sotp/valuation/internal/clip"
)

// Key names one figure of a valuation.Result, or one assumption of a valuation.Model that an analysis can
// move. Its text form, which Parse reads and String writes, is a path of names joined
// by "/":
//
//	sum, equity, shares, diluted,         the valuation's scalars: the sum of the parts, the
//	undiscounted, discount,               equity value after the bridge, basic and diluted shares,
//	target, price, upside                 the year's value a share, the horizon's discount factor
//	bridge/NAME                           a line of the bridge from the sum to equity
//	bridge/NAME/FIELD                     an input of a bridge item: amount, shares, price,
//	                                      discount; bridge/holdco/discount, the holdco rate
//	dilution/NAME/FIELD                   a tranche's count or strike
//	horizon/FIELD                         the horizon's rate or years
//	forecast/YEAR/METRIC                  a group figure: mau, dau, revenue
//	forecast/YEAR/METRIC/growth           its growth over the previous year
//	forecast/YEAR/SEGMENT/METRIC          a segment's line, e.g. forecast/2021/ecommerce/gmv,
//	                                      or an input of its driver (paying_ratio, take_rate, ...)
//	forecast/YEAR/SEGMENT/METRIC/growth   its growth over the previous year
//	forecast/YEAR/SEGMENT/share           the segment's share of total revenue
//	pnl/YEAR/FIELD                        revenue, cost_of_sales (negative), gross_profit,
//	                                      gross_margin, net_profit, shares, eps, bvps, pe, pb, ps
//	pnl/YEAR/FIELD/growth                 revenue and net_profit growth (earnings.Growth)
//	pnl/YEAR/line/LINE                    a P&L line, signed as it adds to profit
//	pnl/YEAR/line/LINE/ratio              its absolute value over revenue
//	part/SEGMENT/FIELD                    value, multiple, average, premium, metric, fx
//	part/SEGMENT/comp/TICKER/FIELD        multiple, implied, market_value, metric, close
//	fx/FROM/TO                            a rate of the model's FX table, as given
//
// YEAR is written in decimal without leading zeros. Names are not empty and hold no "/";
// "growth" is never a metric and "line" never a P&L field, so that the grammar needs no
// model to be read. Units are those of the result: millions of users or currency,
// fractions for rates.
//
// As assumptions (see valuation.Model.Prepare), keys name: forecast/YEAR/mau and forecast/YEAR/dau
// (the platform's users), forecast/YEAR/SEGMENT/INPUT (an input of a segment's driver),
// part/SEGMENT/average (the aggregate of a Multiple's comparables, in the set's currency
// per user or as a ratio) and part/SEGMENT/premium (-0.2 is "80% of the average"),
// fx/FROM/TO, shares, price, pnl/YEAR/shares, bridge/NAME/FIELD (an item's amount, or a
// listed stake's shares and price, and a stake's discount), bridge/holdco/discount,
// dilution/NAME/count and dilution/NAME/strike, horizon/rate and horizon/years.
//
// Keys are comparable values: they can be map keys, and two keys that print alike are ==.
type Key struct {
	Space   Space
	Year    int    // of SpaceForecast, SpacePnL and SpacePnLLine
	Segment string // of SpaceForecast (empty for a group figure), SpacePart and SpaceComp
	Ticker  string // of SpaceComp
	From    string // of SpaceFX: an ISO 4217 currency code
	To      string // of SpaceFX
	// Name is the scalar (SpaceScalar), metric (SpaceForecast), P&L field (SpacePnL), line
	// (SpacePnLLine) or field of a part or comparable.
	Name   string
	Growth bool // .../growth, of SpaceForecast and SpacePnL
	Ratio  bool // .../ratio, of SpacePnLLine
	// Item is the bridge item (SpaceBridge) or tranche (SpaceDilution) a key names; its
	// Name is then the input's field, empty for a bridge line's figure.
	Item string
}

// Space is the part of a result or model a Key addresses.
type Space uint8

// Spaces of keys.
const (
	SpaceScalar   Space = iota + 1 // sum, shares, target, price, upside
	SpaceForecast                  // forecast/...
	SpacePnL                       // pnl/YEAR/FIELD
	SpacePnLLine                   // pnl/YEAR/line/LINE
	SpacePart                      // part/SEGMENT/FIELD
	SpaceComp                      // part/SEGMENT/comp/TICKER/FIELD
	SpaceFX                        // fx/FROM/TO
	SpaceBridge                    // bridge/NAME, bridge/NAME/FIELD
	SpaceDilution                  // dilution/NAME/FIELD
	SpaceHorizon                   // horizon/FIELD
)

// Names of the scalar keys.
const (
	Sum     = "sum"
	Equity  = "equity"
	Shares  = "shares"
	Diluted = "diluted"
	// Undiscounted and Discount are the value a share of the year priced and the
	// horizon's discount factor, whose product is the target.
	Undiscounted = "undiscounted"
	Discount     = "discount"
	Target       = "target"
	Price        = "price"
	Upside       = "upside"
)

// Scalar returns the key of one of the valuation's scalars: Sum, Shares, Target, Price,
// Upside, ...
func Scalar(name string) Key { return Key{Space: SpaceScalar, Name: name} }

// Forecast returns the key of a segment's line or driver input in year, or with segment
// "" a group figure.
func Forecast(year int, segment, metric string) Key {
	return Key{Space: SpaceForecast, Year: year, Segment: segment, Name: metric}
}

// Part returns the key of a field of the part that values segment.
func Part(segment, field string) Key { return Key{Space: SpacePart, Segment: segment, Name: field} }

// FX returns the key of the FX rate from one currency to another.
func FX(from, to string) Key { return Key{Space: SpaceFX, From: from, To: to} }

// ParseError is a text outside the grammar of Key. Its code is "unknown_figure": it
// matches, with errors.Is, any error whose Code method gives that code (the fault
// package's ErrUnknownFigure), without this package importing the one that declares it.
type ParseError struct {
	Text string // the text read, cut to at most 80 bytes at a character (internal/clip)
}

// Error says what was read.
func (e *ParseError) Error() string { return "unknown figure " + strconv.Quote(e.Text) }

// Code returns "unknown_figure", the code of fault.ErrUnknownFigure.
func (e *ParseError) Code() string { return "unknown_figure" }

// Is reports whether target is an error of the same code: fault.ErrUnknownFigure.
func (e *ParseError) Is(target error) bool {
	c, ok := target.(interface{ Code() string })
	return ok && c.Code() == e.Code()
}

// Parse reads a key in the grammar of Key. A text outside it is a *ParseError.
func Parse(s string) (Key, error) {
	bad := &ParseError{Text: clip.String(s, 80)}
	p := strings.Split(s, "/")
	for _, name := range p {
		if name == "" {
			return Key{}, bad
		}
	}
	var k Key
	switch {
	case len(p) == 1:
		switch s {
		case Sum, Equity, Shares, Diluted, Undiscounted, Discount, Target, Price, Upside:
			return Scalar(s), nil
		}
	case p[0] == "bridge" && len(p) == 2:
		return Key{Space: SpaceBridge, Item: p[1]}, nil
	case p[0] == "bridge" && len(p) == 3:
		return Key{Space: SpaceBridge, Item: p[1], Name: p[2]}, nil
	case p[0] == "dilution" && len(p) == 3:
		return Key{Space: SpaceDilution, Item: p[1], Name: p[2]}, nil
	case p[0] == "horizon" && len(p) == 2:
		return Key{Space: SpaceHorizon, Name: p[1]}, nil
	case p[0] == "fx" && len(p) == 3:
		return FX(p[1], p[2]), nil
	case p[0] == "part" && len(p) == 3:
		return Part(p[1], p[2]), nil
	case p[0] == "part" && len(p) == 5 && p[2] == "comp":
		return Key{Space: SpaceComp, Segment: p[1], Ticker: p[3], Name: p[4]}, nil
	case (p[0] == "forecast" || p[0] == "pnl") && len(p) >= 3:
		y, err := strconv.Atoi(p[1])
		if err != nil || strconv.Itoa(y) != p[1] {
			return Key{}, bad
		}
		k.Year = y
		if p[0] == "pnl" {
			return pnlKey(k, p[2:], bad)
		}
		return forecastKey(k, p[2:], bad)
	}
	return Key{}, bad
}

// forecastKey reads what follows forecast/YEAR/.
func forecastKey(k Key, p []string, bad error) (Key, error) {
	k.Space = SpaceForecast
	if n := len(p); n > 1 && p[n-1] == "growth" {
		k.Growth, p = true, p[:n-1]
	}
	switch {
	case len(p) == 1 && p[0] != "growth":
		k.Name = p[0]
	case len(p) == 2 && p[1] != "growth":
		k.Segment, k.Name = p[0], p[1]
	default:
		return Key{}, bad
	}
	if k.Growth && k.Name == "share" && k.Segment != "" {
		return Key{}, bad
	}
	return k, nil
}

// pnlKey reads what follows pnl/YEAR/.
func pnlKey(k Key, p []string, bad error) (Key, error) {
	switch {
	case p[0] == "line" && len(p) == 2:
		k.Space, k.Name = SpacePnLLine, p[1]
	case p[0] == "line" && len(p) == 3 && p[2] == "ratio":
		k.Space, k.Name, k.Ratio = SpacePnLLine, p[1], true
	case p[0] != "line" && len(p) == 1:
		k.Space, k.Name = SpacePnL, p[0]
	case p[0] != "line" && len(p) == 2 && p[1] == "growth":
		k.Space, k.Name, k.Growth = SpacePnL, p[0], true
	default:
		return Key{}, bad
	}
	return k, nil
}

// String writes the key in the grammar Parse reads.
func (k Key) String() string {
	var b strings.Builder
	year := func(prefix string) {
		b.WriteString(prefix)
		b.WriteString(strconv.Itoa(k.Year))
		b.WriteByte('/')
	}
	switch k.Space {
	case SpaceScalar:
		return k.Name
	case SpaceFX:
		return "fx/" + k.From + "/" + k.To
	case SpaceBridge:
		if k.Name == "" {
			return "bridge/" + k.Item
		}
		return "bridge/" + k.Item + "/" + k.Name
	case SpaceDilution:
		return "dilution/" + k.Item + "/" + k.Name
	case SpaceHorizon:
		return "horizon/" + k.Name
	case SpacePart:
		return "part/" + k.Segment + "/" + k.Name
	case SpaceComp:
		return "part/" + k.Segment + "/comp/" + k.Ticker + "/" + k.Name
	case SpaceForecast:
		year("forecast/")
		if k.Segment != "" {
			b.WriteString(k.Segment)
			b.WriteByte('/')
		}
		b.WriteString(k.Name)
	case SpacePnL:
		year("pnl/")
		b.WriteString(k.Name)
	case SpacePnLLine:
		year("pnl/")
		b.WriteString("line/")
		b.WriteString(k.Name)
		if k.Ratio {
			b.WriteString("/ratio")
		}
	default:
		return "Key(" + strconv.Itoa(int(k.Space)) + ")"
	}
	if k.Growth {
		b.WriteString("/growth")
	}
	return b.String()
}

// Complete reports whether k names one figure or assumption in full: a key that Parse
// reads back from its String, with a year where its space has one. A key built in steps
// is not complete until the last: an error's key of a driver input has its year and
// segment filled in by the forecast that meets it, and an error's key may name what the
// grammar has no figure for (the model's year), to be looked up, not printed.
func (k Key) Complete() bool {
	switch k.Space {
	case SpaceForecast, SpacePnL, SpacePnLLine:
		if k.Year == 0 {
			return false
		}
	}
	p, err := Parse(k.String())
	return err == nil && p == k
}

// MarshalText writes the key as String does, so that keys are JSON strings. A key of no
// Space is an error.
func (k Key) MarshalText() ([]byte, error) {
	if k.Space < SpaceScalar || k.Space > SpaceHorizon {
		return nil, &ParseError{Text: k.String()}
	}
	return []byte(k.String()), nil
}

// UnmarshalText reads a key as Parse does.
func (k *Key) UnmarshalText(b []byte) error {
	p, err := Parse(string(b))
	if err == nil {
		*k = p
	}
	return err
}

// Suggest returns "(did you mean A or B?)" naming up to three of the known keys nearest
// to text, or "" when none is near: for the error of a key that is not found, made only
// then. Near is within an edit distance of a third of text's length (two at least): a
// typo's reach, not another key's. It looks at no more than 10,000 known keys.
func Suggest(text string, known []string) string {
	near := nearest(text, known, 3)
	if len(near) == 0 {
		return ""
	}
	return "(did you mean " + strings.Join(near, " or ") + "?)"
}

// nearest returns up to n of the known keys nearest to text, nearest first (ties in the
// order given), as Suggest describes them.
func nearest(text string, known []string, n int) []string {
	limit := max(len(text)/3, 2)
	type near struct {
		key  string
		dist int
	}
	var found []near
	for _, k := range known[:min(len(known), 10_000)] {
		if k == text {
			continue
		}
		if d := distance(text, k, limit); d <= limit {
			found = append(found, near{k, d})
		}
	}
	slices.SortStableFunc(found, func(a, b near) int { return a.dist - b.dist })
	out := make([]string, 0, min(n, len(found)))
	for _, f := range found[:min(n, len(found))] {
		out = append(out, f.key)
	}
	return out
}

// distance is the Levenshtein distance of a and b in bytes, or limit + 1 once it is sure
// to be above limit.
func distance(a, b string, limit int) int {
	if len(a)-len(b) > limit || len(b)-len(a) > limit {
		return limit + 1
	}
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		least := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			least = min(least, cur[j])
		}
		if least > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
