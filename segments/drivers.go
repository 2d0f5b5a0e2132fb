package segments

import (
	"slices"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/valuation/fault"
)

// Driver forecasts one segment for one year from the platform's users. It describes its
// model once, as a Spec of inputs, lines and formulas, and gives its inputs' values; the
// forecast, the sensitivity engine, model files and workbooks all read the Spec, so a new
// driver model is one type and its Spec. Implementations must be safe for concurrent use
// and return a Spec of their own on each call.
type Driver interface {
	// Spec describes the driver's model.
	Spec() Spec
	// Values returns the value of each of Spec().Inputs, in order.
	Values() []decimal.Decimal
}

// Evaluate works out a driver's lines for one year: the users and inputs checked against
// their ranges, then each line's formula in order (a formula's prev takes the value for a
// first year: there is no other year here). Errors are *fault.Error naming the field.
func Evaluate(d Driver, u Users) ([]Line, error) {
	if d == nil {
		return nil, &fault.Error{Pkg: "segments", Field: "driver", Err: fault.ErrMissing}
	}
	lines, _, _, _, err := forecast(d, u, nil)
	return lines, err
}

// With returns a driver like d with input m set to v, as a Generic; false when d has no
// such input. v is checked when the driver forecasts, as any input is. d is not modified.
func With(d Driver, m Metric, v decimal.Decimal) (Driver, bool) {
	s := d.Spec()
	i := slices.IndexFunc(s.Inputs, func(in Input) bool { return in.Metric == m })
	vals := slices.Clone(d.Values())
	if i < 0 || i >= len(vals) {
		return nil, false
	}
	vals[i] = v
	return Generic{Model: s, In: vals}, true
}

// Generic is a driver given as data: any Spec and the values of its inputs. Model files
// decode to it, and With returns it.
type Generic struct {
	Model Spec
	In    []decimal.Decimal // one per Model.Inputs
}

// Spec implements Driver.
func (g Generic) Spec() Spec { return g.Model }

// Values implements Driver.
func (g Generic) Values() []decimal.Decimal { return g.In }

var (
	_ Driver = LiveStreaming{}
	_ Driver = Advertising{}
	_ Driver = Ecommerce{}
	_ Driver = NetMargin{}
	_ Driver = Generic{}
)

// LiveStreaming is the live-streaming (virtual gifting) model: monthly paying users are
// MAU × PayingRatio, and revenue is paying users × MonthlyARPPU × 12.
type LiveStreaming struct {
	PayingRatio  decimal.Decimal // average monthly paying users / average MAU, in [0,1]
	MonthlyARPPU decimal.Decimal // revenue per paying user per month, currency units
}

// Spec implements Driver: the live_streaming model of kinds.json.
func (LiveStreaming) Spec() Spec { return kind("live_streaming") }

// Values implements Driver.
func (d LiveStreaming) Values() []decimal.Decimal {
	return []decimal.Decimal{d.PayingRatio, d.MonthlyARPPU}
}

// Advertising is the online-marketing model: revenue is DAU × RevenuePerDAU.
type Advertising struct {
	RevenuePerDAU decimal.Decimal // revenue per average DAU per year, currency units
}

// Spec implements Driver: the advertising model of kinds.json.
func (Advertising) Spec() Spec { return kind("advertising") }

// Values implements Driver.
func (d Advertising) Values() []decimal.Decimal { return []decimal.Decimal{d.RevenuePerDAU} }

// Ecommerce is the live e-commerce model: shopping MAU is MAU × Penetration, GMV is
// shopping MAU × GMVPerShopper, and revenue is GMV × TakeRate plus OtherRevenue. Its
// users (OwnUsers) are its shoppers.
type Ecommerce struct {
	Penetration   decimal.Decimal // shopping MAU / MAU, in [0,1]
	GMVPerShopper decimal.Decimal // GMV per shopping MAU per year, currency units
	TakeRate      decimal.Decimal // revenue / GMV (monetization rate), in [0,1]
	// OtherRevenue is revenue in the segment that GMV does not drive, in currency
	// millions: a reported "other revenue (mainly e-commerce)" line before commerce took
	// off. Zero for a pure commission model; its line is printed only when non-zero.
	OtherRevenue decimal.Decimal
}

// Spec implements Driver: the ecommerce model of kinds.json.
func (Ecommerce) Spec() Spec { return kind("ecommerce") }

// Values implements Driver.
func (d Ecommerce) Values() []decimal.Decimal {
	return []decimal.Decimal{d.Penetration, d.GMVPerShopper, d.TakeRate, d.OtherRevenue}
}

// NetMargin adds earnings to another driver's forecast: earnings = revenue × Margin, so
// that a segment can be priced on P/E. The wrapped driver's inputs and lines come first;
// its kind is the wrapped kind + "+net_margin".
type NetMargin struct {
	Driver Driver
	Margin decimal.Decimal // earnings / revenue, in [-1, 1]
}

// Spec implements Driver. Without a wrapped driver it is the zero Spec, which does not
// check.
func (d NetMargin) Spec() Spec {
	if d.Driver == nil {
		return Spec{}
	}
	s := d.Driver.Spec()
	s.Kind += "+" + string(NetMarginRate)
	s.Inputs = append(slices.Clip(s.Inputs), Input{NetMarginRate, "Net margin", Fraction, SignedRate, false})
	s.Lines = append(slices.Clip(s.Lines),
		LineSpec{Metric: NetMarginRate, Label: "Net margin", Unit: Fraction, Places: 1, Formula: Ref(NetMarginRate)},
		LineSpec{Metric: Earnings, Label: "Earnings", Unit: Millions, Formula: Mul(Ref(Revenue), Ref(NetMarginRate))},
	)
	return s
}

// Values implements Driver.
func (d NetMargin) Values() []decimal.Decimal {
	if d.Driver == nil {
		return nil
	}
	return append(slices.Clip(d.Driver.Values()), d.Margin)
}
