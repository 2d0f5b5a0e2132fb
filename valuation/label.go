package valuation

import (
	"strings"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/key"
)

// Label returns how a reader is shown the figure or assumption k of the result: a title
// and a unit, each as a research table prints it, for charts, headers and pages. Titles
// use the model's own names: the year as the forecast prints it ("2021E"), a segment's
// and a line's titles from the plan and its driver's Spec, the part's method; units are
// "m" for millions of users or shares, "%" for rates and growth, "x" for a multiple of
// money, the currency's symbol for money a share, "HK$ m" for millions of it, "US$ per
// user" for a multiple of users. A key the result does not hold is titled by its text,
// with no unit.
//
//	forecast/2021/mau                  2021E MAU (m)
//	forecast/2021/ecommerce/take_rate  2021E Other (mainly live e-commerce): Take rate (%)
//	part/ecommerce/premium             Other (mainly live e-commerce): premium to peers (%)
//	part/advertising/average           Advertising: peers' P/MAU (US$ per user)
//	fx/USD/HKD                         HKD per USD
//	target                             Target price (HK$)
func (r Result) Label(k key.Key) (title, unit string) {
	if label := kindOfKey(k.Space).label; label != nil {
		return label(r, k)
	}
	return k.String(), ""
}

// Caption is the figure's label as one text: "2021E MAU (m)", or the title alone when
// it has no unit.
func (r Result) Caption(k key.Key) string {
	title, unit := r.Label(k)
	if unit == "" {
		return title
	}
	return title + " (" + unit + ")"
}

// scalarLabels are the valuation's scalars; a unit of "money" is the model currency's
// symbol, "money m" millions of it.
var scalarLabels = map[string]struct{ title, unit string }{
	key.Sum:          {"Sum of the parts", "money m"},
	key.Equity:       {"Equity value", "money m"},
	key.Shares:       {"Shares", "m"},
	key.Diluted:      {"Diluted shares", "m"},
	key.Undiscounted: {"Value a share, undiscounted", "money"},
	key.Discount:     {"Discount factor", ""},
	key.Target:       {"Target price", "money"},
	key.Price:        {"Share price", "money"},
	key.Upside:       {"Upside", "%"},
}

// scalarLabel labels the valuation's scalar k (scalarLabels).
func (r Result) scalarLabel(k key.Key) (string, string) {
	money := r.unitMoney()
	l, ok := scalarLabels[k.Name]
	if !ok {
		return k.String(), ""
	}
	switch l.unit {
	case "money m":
		return l.title, money + " m"
	case "money":
		return l.title, money
	}
	return l.title, l.unit
}

// bridgeLabel labels a figure of the bridge or an input of one of its items: the
// holding-company discount, a line's value, a stake's discount, shares or price.
func (r Result) bridgeLabel(k key.Key) (string, string) {
	money := r.unitMoney()
	switch {
	case k.Item == "holdco" && k.Name == "discount":
		return "Holding-company discount", "%"
	case k.Name == "":
		return "Bridge: " + k.Item, money + " m"
	case k.Name == "discount":
		return k.Item + ": discount", "%"
	case k.Name == "shares":
		return k.Item + ": shares", "m"
	case k.Name == "price":
		return k.Item + ": price", ""
	}
	return k.Item + ": " + k.Name, ""
}

// dilutionLabel labels a tranche's count or strike.
func (r Result) dilutionLabel(k key.Key) (string, string) {
	money := r.unitMoney()
	switch k.Name {
	case "count":
		return k.Item + ": shares issued", "m"
	case "strike":
		return k.Item + ": strike", money
	}
	return k.String(), ""
}

// horizonLabel labels the horizon's rate or period.
func (Result) horizonLabel(k key.Key) (string, string) {
	switch k.Name {
	case "rate":
		return "Discount rate", "%"
	case "years":
		return "Years to the target", ""
	}
	return k.String(), ""
}

// fxLabel labels an FX rate: "HKD per USD".
func (Result) fxLabel(k key.Key) (string, string) { return k.To + " per " + k.From, "" }

// unitMoney is the model currency's symbol as a unit gives it; planMoney the plan's.
func (r Result) unitMoney() string { return r.symbol(r.Currency) }
func (r Result) planMoney() string { return r.symbol(comps.Currency(r.Forecast.Currency)) }

// symbol is a currency's symbol as the model gives it ("HK$"), else its code.
func (r Result) symbol(c comps.Currency) string {
	if s := strings.TrimSpace(r.Symbols[c]); s != "" {
		return s
	}
	return string(c)
}

// unitOf is a segment line's unit as a label prints it.
func unitOf(u segments.Unit, money string) string {
	switch u {
	case segments.MillionUsers, segments.MillionOrders, segments.MillionTransactions:
		return "m"
	case segments.Fraction:
		return "%"
	case segments.PerUser:
		return money + " per user"
	case segments.PerOrder:
		return money + " per order"
	case segments.PerTransaction:
		return money + " per transaction"
	case segments.Millions, segments.HundredMillions:
		return money + " m"
	}
	return ""
}

func (r Result) forecastLabel(k key.Key) (string, string) {
	money := r.planMoney()
	y, err := r.Forecast.Year(k.Year)
	if err != nil {
		return k.String(), ""
	}
	year := r.Forecast.Label(k.Year)
	growth := func(title, unit string) (string, string) {
		if k.Growth {
			return title + " growth", "%"
		}
		return title, unit
	}
	if k.Segment == "" {
		switch k.Name {
		case string(segments.MAU):
			return growth(year+" MAU", "m")
		case string(segments.DAU):
			return growth(year+" DAU", "m")
		case "revenue":
			return growth(year+" revenue", money+" m")
		}
		return k.String(), ""
	}
	s, err := y.Segment(k.Segment)
	if err != nil {
		return k.String(), ""
	}
	segment := s.Title
	if segment == "" {
		segment = s.Name
	}
	switch k.Name {
	case "share":
		return year + " " + segment + ": share of revenue", "%"
	case "revenue":
		return growth(year+" "+segment+": revenue", money+" m")
	}
	if l, err := y.Line(k.Segment, segments.Metric(k.Name)); err == nil {
		return growth(year+" "+segment+": "+l.Label, unitOf(l.Unit, money))
	}
	for _, in := range s.Inputs { // an input of the segment's driver that no line prints
		if string(in.Metric) == k.Name {
			return growth(year+" "+segment+": "+in.Label, unitOf(in.Unit, money))
		}
	}
	return k.String(), ""
}

func (r Result) partLabel(k key.Key) (string, string) {
	money := r.unitMoney()
	for _, p := range r.Parts {
		if p.Segment != k.Segment {
			continue
		}
		set := r.symbol(p.Multiple.Currency)
		multiple := set + " per user"
		if p.Multiple.Money {
			multiple = "x"
		}
		if k.Space == key.SpaceComp {
			switch k.Name {
			case "multiple", "implied":
				return p.Title + ": " + k.Ticker + " " + p.Method, multiple
			case "market_value":
				return p.Title + ": " + k.Ticker + " market value", set + " m"
			case "close":
				return p.Title + ": " + k.Ticker + " share price", ""
			}
			return p.Title + ": " + k.Ticker + " " + k.Name, ""
		}
		switch k.Name {
		case "value":
			return p.Title + ": value", money + " m"
		case "average":
			return p.Title + ": peers' " + p.Method, multiple
		case "premium":
			return p.Title + ": premium to peers", "%"
		case "multiple":
			return p.Title + ": " + p.Method + " applied", multiple
		case "metric":
			return p.Title + ": " + string(p.Metric) + " priced", ""
		case "fx":
			return p.Title + ": " + string(p.FX.To) + " per " + string(p.FX.From), ""
		}
	}
	return k.String(), ""
}

// pnlLabels are the P&L's fields: a title and a unit, "money" for millions of the
// plan's currency and "per share" for it a share.
var pnlLabels = map[string]struct{ title, unit string }{
	"revenue":       {"Revenue", "money"},
	"cost_of_sales": {"Cost of sales", "money"},
	"gross_profit":  {"Gross profit", "money"},
	"gross_margin":  {"Gross margin", "%"},
	"net_profit":    {"Net profit", "money"},
	"shares":        {"Shares", "m"},
	"eps":           {"EPS", "per share"},
	"bvps":          {"BVPS", "per share"},
	"pe":            {"P/E", "x"},
	"pb":            {"P/B", "x"},
	"ps":            {"P/S", "x"},
}

func (r Result) pnlLabel(k key.Key) (string, string) {
	money := r.planMoney()
	year := r.Forecast.Label(k.Year)
	if k.Space == key.SpacePnLLine {
		title := k.Name
		for _, l := range r.Earnings.Lines {
			if l.Name == k.Name && l.Label != "" {
				title = l.Label
			}
		}
		if k.Ratio {
			return year + " " + title + " to revenue", "%"
		}
		return year + " " + title, money + " m"
	}
	l, ok := pnlLabels[k.Name]
	if !ok {
		return k.String(), ""
	}
	if k.Growth {
		return year + " " + l.title + " growth", "%"
	}
	switch l.unit {
	case "money":
		return year + " " + l.title, money + " m"
	case "per share":
		return year + " " + l.title, money
	}
	return year + " " + l.title, l.unit
}
