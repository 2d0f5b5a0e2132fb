package segments

import "github.com/shopspring/decimal"

// Subscription is a subscription or membership model: subscribers are MAU ×
// SubscriberRatio, and revenue is subscribers × MonthlyFee × 12.
type Subscription struct {
	SubscriberRatio decimal.Decimal // average paying subscribers / average MAU, in [0,1]
	MonthlyFee      decimal.Decimal // revenue per subscriber per month, currency units
}

var _ Driver = Subscription{}

// Spec implements Driver: the subscription model of kinds.json.
func (Subscription) Spec() Spec { return kind("subscription") }

// Values implements Driver.
func (d Subscription) Values() []decimal.Decimal {
	return []decimal.Decimal{d.SubscriberRatio, d.MonthlyFee}
}
