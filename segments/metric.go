package segments

import (
	"fmt"
	"strconv"

	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/valuation/fault"
)

// Metric is the stable name of a figure in a forecast, such as "mau" or "revenue".
type Metric string

// Metrics of the platform and of the shipped driver models.
const (
	MAU           Metric = "mau"             // average monthly active users, millions
	DAU           Metric = "dau"             // average daily active users, millions
	Revenue       Metric = "revenue"         // segment revenue, currency millions
	PayingRatio   Metric = "paying_ratio"    // monthly paying users / MAU
	PayingUsers   Metric = "paying_users"    // average monthly paying users, millions
	MonthlyARPPU  Metric = "monthly_arppu"   // revenue per paying user per month, currency
	RevenuePerDAU Metric = "revenue_per_dau" // revenue per DAU per year, currency
	GMVPerMAU     Metric = "gmv_per_mau"     // GMV per platform MAU per year, currency
	ShoppingMAU   Metric = "shopping_mau"    // MAU who shop, millions
	Penetration   Metric = "penetration"     // shopping MAU / MAU
	GMVPerShopper Metric = "gmv_per_shopper" // GMV per shopping MAU per year, currency
	GMV           Metric = "gmv"             // gross merchandise value, currency millions (printed in 亿)
	TakeRate      Metric = "take_rate"       // revenue / GMV (monetization rate)
	OtherRevenue  Metric = "other_revenue"   // segment revenue not driven by GMV, currency millions
	NetMarginRate Metric = "net_margin"      // earnings / revenue
	Earnings      Metric = "earnings"        // segment net earnings, currency millions
	// Metrics of the Subscription model.
	SubscriberRatio Metric = "subscriber_ratio" // average paying subscribers / average MAU
	Subscribers     Metric = "subscribers"      // average paying subscribers, millions
	MonthlyFee      Metric = "monthly_fee"      // revenue per subscriber per month, currency
	// OwnUsers names a segment's own users rather than a line: the platform's MAU for most
	// segments, the shopping MAU of an e-commerce segment (Spec.UserBase). It is what
	// valuation.PMAU prices.
	OwnUsers Metric = "users"
)

// Unit says what a figure counts and at what scale.
type Unit int

// Units of figures.
const (
	MillionUsers        Unit = iota + 1 // millions of users
	Fraction                            // a rate as a fraction; printed as a percentage
	PerUser                             // currency units per user
	Millions                            // millions of currency
	HundredMillions                     // 亿: hundreds of millions of currency; a display unit only (Line.Display)
	MillionOrders                       // millions of orders: a delivery platform's, a marketplace's
	PerOrder                            // currency units per order: an average order value
	MillionTransactions                 // millions of transactions: a payment network's
	PerTransaction                      // currency units per transaction
)

var unitNames = [...]string{MillionUsers: "million_users", Fraction: "fraction", PerUser: "per_user",
	Millions: "millions", HundredMillions: "hundred_millions", MillionOrders: "million_orders", PerOrder: "per_order",
	MillionTransactions: "million_transactions", PerTransaction: "per_transaction"}

// String returns the unit's stable name, e.g. "million_users".
func (u Unit) String() string {
	if u > 0 && int(u) < len(unitNames) {
		return unitNames[u]
	}
	return fmt.Sprintf("Unit(%d)", int(u))
}

// MarshalText encodes the unit by name, so JSON shows "per_user" rather than 3.
func (u Unit) MarshalText() ([]byte, error) {
	if u <= 0 || int(u) >= len(unitNames) {
		return nil, &fault.Error{Pkg: "segments", Field: "unit", Value: u.String(), Err: fault.ErrUnknownUnit}
	}
	return []byte(unitNames[u]), nil
}

// UnmarshalText decodes a unit name written by MarshalText.
func (u *Unit) UnmarshalText(b []byte) error {
	for i, n := range unitNames {
		if i > 0 && n == string(b) {
			*u = Unit(i)
			return nil
		}
	}
	return &fault.Error{Pkg: "segments", Field: "unit", Value: strconv.Quote(string(b)), Err: fault.ErrUnknownUnit}
}

// Line is one figure of a segment's forecast for one year.
type Line struct {
	Metric Metric          `json:"metric"`
	Label  string          `json:"label"`  // row label as a table prints it
	Unit   Unit            `json:"unit"`   // what Value counts
	Places int32           `json:"places"` // digits a table prints: of the percentage for Fraction, else of Value
	Value  decimal.Decimal `json:"value"`  // unrounded, in Unit
	// Display, when set, is the unit a table prints the line in instead of Unit, as the
	// report prints it: GMV is held in millions and printed in 亿 (HundredMillions).
	Display Unit `json:"display,omitempty"`
}
