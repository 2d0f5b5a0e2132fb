package segments

import "github.com/shopspring/decimal"

// Driver forecasts one segment for one year from the platform's users. Implementations
// return the segment's lines in the order a table prints them, one of them Revenue in
// millions of the reporting currency, and report bad drivers as *Error with Field set.
// Implementations must be safe for concurrent use.
type Driver interface {
	Forecast(u Users) ([]Line, error)
}

// Tunable is a Driver whose inputs can be read and replaced by metric name, so that a
// sensitivity analysis can move them. The shipped drivers implement it. Implementations
// return copies and never modify the receiver.
type Tunable interface {
	Driver
	// Inputs lists the driver's own inputs, in the order a table prints them.
	Inputs() []Metric
	// Input returns one input's value; false when the driver has no such input.
	Input(m Metric) (decimal.Decimal, bool)
	// With returns a copy of the driver with one input set to v; false when the driver
	// has no such input. v is checked when the copy forecasts, as any input is.
	With(m Metric, v decimal.Decimal) (Driver, bool)
}

// UserBaser is a Driver whose segment serves only some of the platform's users: UserBase
// names the line that counts them. A segment whose driver is not a UserBaser has the
// platform's MAU as its users.
type UserBaser interface {
	UserBase() Metric
}

var (
	_ UserBaser = Ecommerce{}
	_ UserBaser = NetMargin{}
)

var (
	_ Tunable = LiveStreaming{}
	_ Tunable = Advertising{}
	_ Tunable = Ecommerce{}
	_ Tunable = NetMargin{}
)

var twelve = decimal.NewFromInt(12)

// LiveStreaming is the live-streaming (virtual gifting) model: monthly paying users are
// MAU × PayingRatio, and revenue is paying users × MonthlyARPPU × 12.
type LiveStreaming struct {
	PayingRatio  decimal.Decimal // average monthly paying users / average MAU, in [0,1]
	MonthlyARPPU decimal.Decimal // revenue per paying user per month, currency units
}

// Forecast implements Driver.
func (d LiveStreaming) Forecast(u Users) ([]Line, error) {
	if err := firstErr(u.Validate(), rate(PayingRatio, d.PayingRatio), nonNegative(MonthlyARPPU, d.MonthlyARPPU)); err != nil {
		return nil, err
	}
	payers := u.MAU.Mul(d.PayingRatio)
	return []Line{
		{MAU, "Average MAU", MillionUsers, 0, u.MAU, 0},
		{PayingRatio, "Paying ratio", Fraction, 1, d.PayingRatio, 0},
		{PayingUsers, "Average monthly paying users", MillionUsers, 0, payers, 0},
		{MonthlyARPPU, "Monthly ARPPU", PerUser, 1, d.MonthlyARPPU, 0},
		{Revenue, "Revenue", Millions, 0, payers.Mul(d.MonthlyARPPU).Mul(twelve), 0},
	}, nil
}

// Inputs implements Tunable.
func (d LiveStreaming) Inputs() []Metric { return []Metric{PayingRatio, MonthlyARPPU} }

// Input implements Tunable.
func (d LiveStreaming) Input(m Metric) (decimal.Decimal, bool) {
	switch m {
	case PayingRatio:
		return d.PayingRatio, true
	case MonthlyARPPU:
		return d.MonthlyARPPU, true
	}
	return decimal.Decimal{}, false
}

// With implements Tunable.
func (d LiveStreaming) With(m Metric, v decimal.Decimal) (Driver, bool) {
	switch m {
	case PayingRatio:
		d.PayingRatio = v
	case MonthlyARPPU:
		d.MonthlyARPPU = v
	default:
		return nil, false
	}
	return d, true
}

// Advertising is the online-marketing model: revenue is DAU × RevenuePerDAU.
type Advertising struct {
	RevenuePerDAU decimal.Decimal // revenue per average DAU per year, currency units
}

// Forecast implements Driver.
func (d Advertising) Forecast(u Users) ([]Line, error) {
	if err := firstErr(u.Validate(), nonNegative(RevenuePerDAU, d.RevenuePerDAU)); err != nil {
		return nil, err
	}
	return []Line{
		{DAU, "Average DAU", MillionUsers, 0, u.DAU, 0},
		{RevenuePerDAU, "Revenue per DAU", PerUser, 0, d.RevenuePerDAU, 0},
		{Revenue, "Revenue", Millions, 0, u.DAU.Mul(d.RevenuePerDAU), 0},
	}, nil
}

// Inputs implements Tunable.
func (d Advertising) Inputs() []Metric { return []Metric{RevenuePerDAU} }

// Input implements Tunable.
func (d Advertising) Input(m Metric) (decimal.Decimal, bool) {
	if m == RevenuePerDAU {
		return d.RevenuePerDAU, true
	}
	return decimal.Decimal{}, false
}

// With implements Tunable.
func (d Advertising) With(m Metric, v decimal.Decimal) (Driver, bool) {
	if m != RevenuePerDAU {
		return nil, false
	}
	d.RevenuePerDAU = v
	return d, true
}

// Ecommerce is the live e-commerce model: shopping MAU is MAU × Penetration, GMV is
// shopping MAU × GMVPerShopper, and revenue is GMV × TakeRate plus OtherRevenue.
type Ecommerce struct {
	Penetration   decimal.Decimal // shopping MAU / MAU, in [0,1]
	GMVPerShopper decimal.Decimal // GMV per shopping MAU per year, currency units
	TakeRate      decimal.Decimal // revenue / GMV (monetization rate), in [0,1]
	// OtherRevenue is revenue in the segment that GMV does not drive, in currency
	// millions: a reported "other revenue (mainly e-commerce)" line before commerce took
	// off. Zero for a pure commission model; its line is printed only when non-zero.
	OtherRevenue decimal.Decimal
}

// Forecast implements Driver.
func (d Ecommerce) Forecast(u Users) ([]Line, error) {
	err := firstErr(
		u.Validate(),
		rate(Penetration, d.Penetration),
		nonNegative(GMVPerShopper, d.GMVPerShopper),
		rate(TakeRate, d.TakeRate),
		nonNegative(OtherRevenue, d.OtherRevenue),
	)
	if err != nil {
		return nil, err
	}
	shoppers := u.MAU.Mul(d.Penetration)
	gmv := shoppers.Mul(d.GMVPerShopper) // currency millions
	revenue := gmv.Mul(d.TakeRate).Add(d.OtherRevenue)
	lines := []Line{
		{MAU, "Average MAU", MillionUsers, 0, u.MAU, 0},
		{GMVPerMAU, "GMV per MAU", PerUser, 0, gmv.DivRound(u.MAU, divPlaces), 0},
		{ShoppingMAU, "Shopping MAU", MillionUsers, 0, shoppers, 0},
		{Penetration, "Shopping penetration", Fraction, 0, d.Penetration, 0},
		{GMVPerShopper, "GMV per shopper", PerUser, 0, d.GMVPerShopper, 0},
		{Metric: GMV, Label: "GMV", Unit: Millions, Value: gmv, Display: HundredMillions},
		{TakeRate, "Take rate", Fraction, 2, d.TakeRate, 0},
	}
	if !d.OtherRevenue.IsZero() {
		lines = append(lines, Line{OtherRevenue, "Revenue not from GMV", Millions, 0, d.OtherRevenue, 0})
	}
	return append(lines, Line{Revenue, "Revenue", Millions, 0, revenue, 0}), nil
}

// UserBase implements UserBaser: an e-commerce segment's users are its shoppers.
func (d Ecommerce) UserBase() Metric { return ShoppingMAU }

// Inputs implements Tunable.
func (d Ecommerce) Inputs() []Metric {
	return []Metric{Penetration, GMVPerShopper, TakeRate, OtherRevenue}
}

// Input implements Tunable.
func (d Ecommerce) Input(m Metric) (decimal.Decimal, bool) {
	switch m {
	case Penetration:
		return d.Penetration, true
	case GMVPerShopper:
		return d.GMVPerShopper, true
	case TakeRate:
		return d.TakeRate, true
	case OtherRevenue:
		return d.OtherRevenue, true
	}
	return decimal.Decimal{}, false
}

// With implements Tunable.
func (d Ecommerce) With(m Metric, v decimal.Decimal) (Driver, bool) {
	switch m {
	case Penetration:
		d.Penetration = v
	case GMVPerShopper:
		d.GMVPerShopper = v
	case TakeRate:
		d.TakeRate = v
	case OtherRevenue:
		d.OtherRevenue = v
	default:
		return nil, false
	}
	return d, true
}

// NetMargin adds earnings to another driver's forecast: earnings = revenue × Margin, so
// that a segment can be priced on P/E. The wrapped driver's lines come first.
type NetMargin struct {
	Driver Driver
	Margin decimal.Decimal // earnings / revenue, in [-1, 1]
}

// Forecast implements Driver.
func (d NetMargin) Forecast(u Users) ([]Line, error) {
	if d.Driver == nil {
		return nil, &Error{Field: "driver", Err: ErrMissing}
	}
	if d.Margin.Abs().GreaterThan(decimal.NewFromInt(1)) {
		return nil, &Error{Field: string(NetMarginRate), Value: d.Margin.String(), Err: ErrRate}
	}
	lines, err := d.Driver.Forecast(u)
	if err != nil {
		return nil, err
	}
	rev, ok := lineValue(lines, Revenue)
	if !ok {
		return nil, &Error{Field: string(Revenue), Err: ErrMissing}
	}
	return append(lines,
		Line{NetMarginRate, "Net margin", Fraction, 1, d.Margin, 0},
		Line{Earnings, "Earnings", Millions, 0, rev.Mul(d.Margin), 0},
	), nil
}

// UserBase implements UserBaser: the wrapped driver's user base, or MAU.
func (d NetMargin) UserBase() Metric {
	if ub, ok := d.Driver.(UserBaser); ok {
		return ub.UserBase()
	}
	return MAU
}

// Inputs implements Tunable: the wrapped driver's inputs, if it is Tunable, then the margin.
func (d NetMargin) Inputs() []Metric {
	var in []Metric
	if t, ok := d.Driver.(Tunable); ok {
		in = t.Inputs()
	}
	return append(in, NetMarginRate)
}

// Input implements Tunable.
func (d NetMargin) Input(m Metric) (decimal.Decimal, bool) {
	if m == NetMarginRate {
		return d.Margin, true
	}
	if t, ok := d.Driver.(Tunable); ok {
		return t.Input(m)
	}
	return decimal.Decimal{}, false
}

// With implements Tunable.
func (d NetMargin) With(m Metric, v decimal.Decimal) (Driver, bool) {
	if m == NetMarginRate {
		d.Margin = v
		return d, true
	}
	t, ok := d.Driver.(Tunable)
	if !ok {
		return nil, false
	}
	inner, ok := t.With(m, v)
	if !ok {
		return nil, false
	}
	d.Driver = inner
	return d, true
}

// divPlaces is the number of decimal places every division in this package keeps.
const divPlaces = 16

func rate(m Metric, v decimal.Decimal) error {
	if v.Sign() < 0 || v.GreaterThan(decimal.NewFromInt(1)) {
		return &Error{Field: string(m), Value: v.String(), Err: ErrRate}
	}
	return nil
}

func nonNegative(m Metric, v decimal.Decimal) error {
	if v.Sign() < 0 {
		return &Error{Field: string(m), Value: v.String(), Err: ErrNegative}
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
