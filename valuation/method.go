package valuation

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/key"
)

// Method values one segment in one year. Implementations must be safe for concurrent use.
type Method interface {
	// Name is the method as tables print it, e.g. "P/MAU".
	Name() string
	// Value prices in.Segment in the year in.Forecast and converts the value to
	// in.Currency through in.FX.
	Value(in Subject) (PartValue, error)
}

// Subject is what a Method is given to value one segment.
type Subject struct {
	Forecast  segments.Year  // the valuation year, every segment worked out
	Segment   string         // the segment to value
	Reporting comps.Currency // currency of the forecast's money figures
	FX        comps.FX
	Currency  comps.Currency // target currency of the value

	// at is where Segment is in Forecast.Segments, when the model found it: a hint
	// checked before use, so that a Subject built by hand (at 0) still finds its segment.
	at int
}

// line returns the subject's segment's line m, as segments.Year.Line finds it.
func (in Subject) line(m segments.Metric) (segments.Line, error) {
	if in.at >= 0 && in.at < len(in.Forecast.Segments) && in.Forecast.Segments[in.at].Name == in.Segment {
		return in.Forecast.LineOf(in.Forecast.Segments[in.at], m)
	}
	return in.Forecast.Line(in.Segment, m)
}

var _ Method = Multiple{}

// Multiple values a segment at a comparable set's multiple of one of its figures:
// value = multiple × figure × FX. The figure's unit decides what the multiple means:
//
//   - users (MAU, DAU, paying users, shopping MAU): the set counts users too, its
//     multiple is a price per user in the set's currency, and FX converts from it;
//   - money (revenue, GMV, earnings): the set must be a Money set, its multiple is a
//     ratio, and FX converts from the forecast's reporting currency.
//
// PMAU, PDAU, PPayingUser, PS, PGMV and PE build the usual ones.
//
// Metric must be given. Without a Label the method's name is derived from the metric and
// the set: "EV/" for an enterprise set, else "P/", then the figure as practice writes it
// (MAU, DAU, paying user, S for revenue, GMV, E for earnings, EBITDA, EBIT; the metric's
// own name otherwise): revenue on an enterprise set is "EV/S". A Label of the known ones
// ("P/MAU", "P/DAU", "P/paying user", "P/S", "P/GMV", "P/E", "EV/S", "EV/EBITDA",
// "EV/EBIT") must match the metric (P/MAU prices users, mau or shopping_mau; P/E
// earnings; ...): "P/E" on MAU is fault.ErrLabel, never printed as if it were P/E; so is
// a known label with a mark or a note after it ("P/E*", "P/E (adjusted)"). Other labels
// are free text, a display name only.
//
// The set's metric must measure the figure priced: the metric of its own name (revenue
// by peers' revenue_2025, DAU by their dau_2021; earnings priced at peers' revenue
// multiples is a P/S misread as a P/E, DAU at their per-MAU multiples a price per MAU
// misread as one per DAU), or, for an e-commerce segment's shopping MAU, peers' active
// buyers, as the report prices Kuaishou's. A mismatch is fault.ErrMismatch unless Proxy
// says the set stands in for the figure on purpose; the result then carries a warning
// (WarnMetricProxy).
type Multiple struct {
	Label  string          // as tables print it; empty means "P/" + Metric
	Comps  comps.Set       // the comparables and how they are aggregated
	Metric segments.Metric // the segment's figure priced
	Proxy  bool            // the set's metric stands in for the figure priced, with a warning
}

// measures reports whether a set's metric measures a figure priced (see Multiple).
func measures(figure segments.Metric, set comps.MetricYear, money bool) bool {
	if string(figure) == set.Name {
		return true
	}
	// Users who shop: the report prices Kuaishou's shopping MAU on peers' annual active
	// buyers, the count e-commerce platforms report.
	return !money && figure == segments.ShoppingMAU && set.Name == "active_buyers"
}

// labelMetrics are the metrics each constructor's label may price.
var labelMetrics = map[string][]segments.Metric{
	"P/MAU":         {segments.OwnUsers, segments.MAU, segments.ShoppingMAU},
	"P/DAU":         {segments.DAU},
	"P/paying user": {segments.PayingUsers},
	"P/S":           {segments.Revenue},
	"P/GMV":         {segments.GMV},
	"P/E":           {segments.Earnings},
	"EV/S":          {segments.Revenue},
	"EV/EBITDA":     {"ebitda"},
	"EV/EBIT":       {"ebit"},
}

// figureNames are how practice writes a figure in a multiple's name: P/S, EV/EBITDA.
var figureNames = map[segments.Metric]string{
	segments.OwnUsers: "MAU", segments.MAU: "MAU", segments.ShoppingMAU: "MAU", segments.DAU: "DAU",
	segments.PayingUsers: "paying user", segments.Revenue: "S", segments.GMV: "GMV", segments.Earnings: "E",
	"ebitda": "EBITDA", "ebit": "EBIT",
}

// knownLabel returns the known label (labelMetrics) that label is: one it starts with,
// in any case and after any spaces, followed by its end or by anything but a letter or
// digit ("P/E*", "p/e (adjusted)", "P/E, adj." are "P/E"; "P/EBITDA" is not), the longest
// such; "" for free text.
func knownLabel(label string) string {
	label = strings.TrimSpace(label)
	best := ""
	for k := range labelMetrics {
		if len(label) < len(k) || !strings.EqualFold(label[:len(k)], k) || len(k) <= len(best) {
			continue
		}
		if r, _ := utf8.DecodeRuneInString(label[len(k):]); len(label) == len(k) || !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			best = k
		}
	}
	return best
}

// PMAU prices a segment's own users (segments.OwnUsers): the platform's MAU for live
// streaming and advertising, the shopping MAU of an e-commerce segment, as the report
// prices Kuaishou's e-commerce. To price the platform's MAU on any segment, set Metric
// to segments.MAU.
func PMAU(set comps.Set) Multiple {
	return Multiple{Label: "P/MAU", Comps: set, Metric: segments.OwnUsers}
}

// PDAU prices the platform's DAU, so that DAU and not only revenue moves the value.
func PDAU(set comps.Set) Multiple { return Multiple{Label: "P/DAU", Comps: set, Metric: segments.DAU} }

// PPayingUser prices a live-streaming segment's monthly paying users.
func PPayingUser(set comps.Set) Multiple {
	return Multiple{Label: "P/paying user", Comps: set, Metric: segments.PayingUsers}
}

// PS prices a segment's revenue at a price-to-sales ratio; set must be a Money set.
func PS(set comps.Set) Multiple { return Multiple{Label: "P/S", Comps: set, Metric: segments.Revenue} }

// PGMV prices an e-commerce segment's GMV, so that the take rate does not move the
// value; set must be a Money set.
func PGMV(set comps.Set) Multiple { return Multiple{Label: "P/GMV", Comps: set, Metric: segments.GMV} }

// EVS prices a segment's revenue at an enterprise value to sales ratio: set must be a
// Money set of enterprise values (Set.Enterprise), and the part is an enterprise value,
// which the model's Bridge (net cash, debt) turns into equity.
func EVS(set comps.Set) Multiple {
	return Multiple{Label: "EV/S", Comps: set, Metric: segments.Revenue}
}

// PE prices a segment's earnings (see segments.NetMargin); set must be a Money set.
func PE(set comps.Set) Multiple { return Multiple{Label: "P/E", Comps: set, Metric: segments.Earnings} }

// Fixed values a part at an amount given rather than from comparables: a business at
// cost or at its last funding round, a stake that trades nowhere, a loss-making new
// initiative at zero or below (a negative amount is taken from the sum of the parts, as
// sell-side SOTPs deduct the losses of new businesses). Amount is millions of the model's
// currency; Note says where it comes from. The part is an equity value unless
// Enterprise says the amount is an enterprise value, which the bridge turns into equity.
type Fixed struct {
	Amount     decimal.Decimal
	Note       string
	Enterprise bool
}

// Name implements Method.
func (Fixed) Name() string { return "Fixed" }

// Value implements Method: the amount, whatever the forecast.
func (f Fixed) Value(Subject) (PartValue, error) {
	return PartValue{Method: f.Name(), Value: f.Amount, Note: f.Note, Enterprise: f.Enterprise}, nil
}

// Name implements Method.
func (m Multiple) Name() string {
	if m.Label != "" {
		return m.Label
	}
	prefix, figure := "P/", string(m.Metric)
	if m.Comps.Enterprise {
		prefix = "EV/"
	}
	if f, ok := figureNames[m.Metric]; ok {
		figure = f
	}
	return prefix + figure
}

// Value implements Method.
func (m Multiple) Value(in Subject) (PartValue, error) {
	return m.value(in, func() (comps.SetMultiple, error) { return m.Comps.Multiple(in.FX) })
}

// value prices in.Segment at the multiple that multiple returns.
func (m Multiple) value(in Subject, multiple func() (comps.SetMultiple, error)) (PartValue, error) {
	metricKey, methodKey := key.Part(in.Segment, "metric"), key.Part(in.Segment, "method")
	if m.Metric == "" {
		return PartValue{}, &fault.Error{Pkg: "valuation", Field: "metric", Value: "none given", Err: fault.ErrMetric, Key: metricKey}
	}
	if want, ok := labelMetrics[knownLabel(m.Label)]; ok && !slices.Contains(want, m.Metric) {
		return PartValue{}, &fault.Error{Pkg: "valuation", Field: "method", Value: fmt.Sprintf("%q on %s", m.Label, m.Metric), Err: fault.ErrLabel, Key: methodKey}
	}
	line, err := in.line(m.Metric)
	if err != nil { // the metric the part prices is at fault: the plan's lookup has no key
		return PartValue{}, fmt.Errorf("%w: %w", fault.ErrMetric, fault.Within(err, fault.Error{Key: metricKey}))
	}
	money, err := m.checkLine(in, line)
	if err != nil {
		return PartValue{}, err
	}
	metric := line.Metric
	figure := line.Value
	mult, err := multiple()
	if err != nil {
		return PartValue{}, err
	}
	if !m.Proxy && !measures(metric, m.Comps.Metric, money) {
		return PartValue{}, &fault.Error{Pkg: "valuation", Field: string(metric),
			Value: fmt.Sprintf("priced on set %q of peers' %s, which does not measure it (a set of %s, or a proxy on purpose)", m.Comps.Name, m.Comps.Metric.Key(), metric),
			Err:   fault.ErrMismatch, Key: metricKey}
	}
	from := mult.Currency
	if money {
		from = in.Reporting
	}
	rate, err := in.FX.Pair(from, in.Currency)
	if err != nil {
		return PartValue{}, err
	}
	return PartValue{
		Method:      m.Name(),
		Multiple:    mult,
		Metric:      metric,
		MetricValue: figure,
		FX:          rate,
		Value:       mult.Value.Mul(figure).Mul(rate.Rate),
		Enterprise:  m.Comps.Enterprise,
	}, nil
}

// checkLine returns the error of the segment's line that the multiple prices, if it
// cannot price it: a unit neither users nor money, a figure not above zero, a label of
// the other basis than the set's (EV/ or P/), or a set of the other kind (money or
// users). It reports whether the figure is money.
func (m Multiple) checkLine(in Subject, line segments.Line) (bool, error) {
	metricKey, methodKey := key.Part(in.Segment, "metric"), key.Part(in.Segment, "method")
	money := false
	switch line.Unit {
	case segments.MillionUsers:
	case segments.Millions:
		money = true
	default:
		return false, &fault.Error{Pkg: "valuation", Field: string(line.Metric), Value: "unit " + line.Unit.String(), Err: fault.ErrMetric, Key: metricKey}
	}
	if line.Value.Sign() <= 0 {
		return false, &fault.Error{Pkg: "segments", Segment: in.Segment, Year: in.Forecast.Year, Field: string(line.Metric), Value: fault.Plain(line.Value), Err: fault.ErrMetric,
			Key: metricKey}
	}
	// A constructor's label says what it prices: EV/ on enterprise values, P/ on market
	// values. A label of one's own is free text.
	if known := knownLabel(m.Label); known != "" && strings.HasPrefix(known, "EV/") != m.Comps.Enterprise {
		return false, &fault.Error{Pkg: "valuation", Field: "method", Value: fmt.Sprintf("%q on set %q (enterprise %v)", m.Label, m.Comps.Name, m.Comps.Enterprise), Err: fault.ErrMismatch,
			Key: methodKey}
	}
	if money != m.Comps.Money {
		return false, &fault.Error{Pkg: "valuation", Field: string(line.Metric),
			Value: fmt.Sprintf("(%s) priced on set %q (%s)", kind(money), m.Comps.Name, kind(m.Comps.Money)), Err: fault.ErrMismatch, Key: metricKey}
	}
	return money, nil
}

func kind(money bool) string {
	if money {
		return "money"
	}
	return "users"
}

// PartValue is one segment valued, with everything that went into it.
type PartValue struct {
	Segment     string            `json:"segment"`
	Title       string            `json:"title"`
	Method      string            `json:"method"`
	Multiple    comps.SetMultiple `json:"multiple"`     // the comparables, their aggregate and premium
	Metric      segments.Metric   `json:"metric"`       // what was priced
	MetricValue decimal.Decimal   `json:"metric_value"` // millions of users or of the reporting currency
	FX          comps.Rate        `json:"fx"`           // converts multiple × figure to the target currency
	Value       decimal.Decimal   `json:"value"`        // millions of the target currency
	// Enterprise says Value is an enterprise value (an EV multiple), not equity: the
	// model's bridge of net cash and debt turns the sum into equity.
	Enterprise bool `json:"enterprise"`
	// Note is where a part valued at a fixed amount (Fixed) or by a formula (Expression)
	// takes it from.
	Note string `json:"note,omitempty"`
	// Formula is the formula of a part valued by one (Expression), as text.
	Formula string `json:"formula,omitempty"`
}

// priced reports a part valued on a figure (a Multiple, or a Method of the caller's):
// all but a Fixed part, which has an amount and no comparables, figure or FX, and an
// Expression, which has a formula and an FX rate.
func (p PartValue) priced() bool {
	return p.Formula == "" && (p.Method != (Fixed{}).Name() || p.Multiple.Set != "" || len(p.Multiple.Companies) > 0)
}
