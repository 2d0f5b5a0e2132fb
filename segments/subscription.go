package segments

import "github.com/shopspring/decimal"

// Subscription is a subscription or membership model: subscribers are MAU ×
// SubscriberRatio, and revenue is subscribers × MonthlyFee × 12.
type Subscription struct {
	SubscriberRatio decimal.Decimal // average paying subscribers / average MAU, in [0,1]
	MonthlyFee      decimal.Decimal // revenue per subscriber per month, currency units
}

var _ Driver = Subscription{}

// Spec implements Driver.
func (Subscription) Spec() Spec {
	return Spec{
		Kind: "subscription",
		Inputs: []Input{
			{SubscriberRatio, "Subscriber ratio", Fraction, UnitRate, false},
			{MonthlyFee, "Monthly fee", PerUser, NonNegative, false},
		},
		Lines: []LineSpec{
			{Metric: MAU, Label: "Average MAU", Unit: MillionUsers, Formula: Ref(MAU)},
			{Metric: SubscriberRatio, Label: "Subscriber ratio", Unit: Fraction, Places: 1, Formula: Ref(SubscriberRatio)},
			{Metric: Subscribers, Label: "Average subscribers", Unit: MillionUsers, Formula: Mul(Ref(MAU), Ref(SubscriberRatio))},
			{Metric: MonthlyFee, Label: "Monthly fee", Unit: PerUser, Places: 2, Formula: Ref(MonthlyFee)},
			{Metric: Revenue, Label: "Revenue", Unit: Millions, Formula: Mul(Ref(Subscribers), Ref(MonthlyFee), Const(decimal.NewFromInt(12)))},
		},
		UserBase: Subscribers,
	}
}

// Values implements Driver.
func (d Subscription) Values() []decimal.Decimal {
	return []decimal.Decimal{d.SubscriberRatio, d.MonthlyFee}
}
