package files

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/valuation/fault"
)

// Formats name what a file holds, in its "format" field.
const (
	ModelFormat = "sotp/model/v1"
	CompsFormat = "sotp/comps/v1"
)

// File is a model file: a complete valuation.Model as data. Field names are the JSON
// keys; every field without omitempty is required. Decimals are JSON strings. A field
// tagged max holds at most that many elements or keys (years and driver maps 50,
// segments, parts, FX rates and P&L lines 100, metrics of a company 1,000, companies,
// weights and exclusions 10,000); one more is fault.ErrTooLarge at its path.
//
// A model file gives the forecast years, the users and each segment's driver inputs by
// year, the method and comparable set of each part, the FX table, share count, price and
// target currency, and optionally the rating scale, the currency symbols tables print,
// the P&L, the bridge, the dilution, the horizon and the actuals. A set lists its
// companies inline or names a comparables file beside the model file. Decimals keep the
// text they were read from, so a decoded file encodes to the same bytes. The Kuaishou
// 2021 model ships as such a file (kuaishou2021.ModelFile), held identical to the in-code
// dataset by a test.
type File struct {
	// Schema may name the file's JSON Schema (ModelSchemaID) for editors; it is not read.
	Schema   string   `json:"$schema,omitempty"`
	Format   string   `json:"format"` // ModelFormat
	Name     string   `json:"name"`
	Ticker   string   `json:"ticker,omitempty"`
	Year     int      `json:"year"`     // the forecast year priced
	Currency string   `json:"currency"` // target currency
	Shares   Decimal  `json:"shares"`   // millions
	Price    *Decimal `json:"price,omitempty"`
	// Rating is the scale that rates the upside; without it the model rates nothing.
	Rating *Scale `json:"rating,omitempty"`
	// Symbols are how tables print amounts of a currency ("HKD": "HK$"), at most 8
	// characters each; a currency without one prints as its code.
	Symbols map[string]string `json:"symbols,omitempty" max:"100"`
	// Display is the unit tables print money and share counts in: "millions" (the
	// default) or "hundred_millions" (亿), as Chinese research prints them.
	Display string `json:"display,omitempty"`
	FX      []Rate `json:"fx,omitempty" max:"100"`
	// Market is market data by date, and AsOf the date the model is valued as of: each
	// comparable and FX rate takes its latest quote on or before it (valuation.Model.Market);
	// without AsOf, the market's last date. A close or rate more than MaxQuoteAge days
	// older (7 when absent), or undated, is a warning.
	Market      *Market `json:"market,omitempty"`
	AsOf        string  `json:"as_of,omitempty"`
	MaxQuoteAge int     `json:"max_quote_age,omitempty"`
	// FXTolerance is how far, as a fraction, three rates given around a triangle of
	// currencies may disagree before the result warns (fx_triangle); 0.005 when absent.
	FXTolerance *Decimal `json:"fx_tolerance,omitempty"`
	// Drivers are driver models the file defines, beside the shipped ones: a segment
	// names one by its kind, as it names a shipped one.
	Drivers  []Driver  `json:"drivers,omitempty" max:"20"`
	Plan     Plan      `json:"plan"`
	Parts    []Part    `json:"parts" max:"100"`
	Earnings *Earnings `json:"earnings,omitempty"`
	Bridge   *Bridge   `json:"bridge,omitempty"`
	Dilution *Dilution `json:"dilution,omitempty"`
	Horizon  *Horizon  `json:"horizon,omitempty"`
	// Actuals are figures as they were later reported, to review the forecast against
	// (valuation.Model.Actuals).
	Actuals []Actual `json:"actuals,omitempty" max:"1000"`
}

// Actual is a valuation.Actual: a figure by its key, its year included
// ("forecast/2022/mau"), as later reported, with the document and line it comes from,
// the arithmetic of a figure worked out from reported ones, and an optional tolerance (a
// fraction of the forecast).
type Actual struct {
	Key       string   `json:"key"`
	Value     Decimal  `json:"value"`
	Source    string   `json:"source"`
	Derived   string   `json:"derived,omitempty"`
	Tolerance *Decimal `json:"tolerance,omitempty"`
}

// Horizon is a valuation.Horizon: the target, priced on the file's year, discounted back
// at the cost of equity Rate (a fraction) over Years (may be a fraction: "0.5").
type Horizon struct {
	Rate  Decimal `json:"rate"`
	Years Decimal `json:"years"`
}

// Bridge is a valuation.Bridge: items from the sum of the parts to equity value, then a
// holding-company discount on "equity" (the default) or on "stakes".
type Bridge struct {
	Items          []BridgeItem `json:"items" max:"100"`
	HoldcoDiscount *Decimal     `json:"holdco_discount,omitempty"`
	HoldcoBase     string       `json:"holdco_base,omitempty"`
}

// BridgeItem is a valuation.Item. Kind is cash, debt, leases, listed_stake,
// unlisted_stake, minority or preferred; a listed stake gives shares (millions) and a
// price per share, every other kind an amount (millions of Currency, not negative: the
// kind gives the sign). Discount applies to stakes.
type BridgeItem struct {
	Kind     string   `json:"kind"`
	Name     string   `json:"name"`
	Note     string   `json:"note,omitempty"`
	Currency string   `json:"currency"`
	Amount   *Decimal `json:"amount,omitempty"`
	Shares   *Decimal `json:"shares,omitempty"`
	Price    *Decimal `json:"price,omitempty"`
	Discount *Decimal `json:"discount,omitempty"`
}

// Dilution is a valuation.Dilution: options, restricted units and convertible bonds, and
// the price they dilute at: "value" (the default: the value per share of the year
// priced), "target" or "price" (valuation.DilutionBasis).
type Dilution struct {
	Tranches []Tranche `json:"tranches" max:"100"`
	Basis    string    `json:"basis,omitempty" enum:"|value|target|price"` // "": the value, as Read takes it
}

// Tranche is a valuation.Tranche: Count millions at Strike per share in the model's
// currency (left out for restricted units: zero).
type Tranche struct {
	Name   string   `json:"name"`
	Count  Decimal  `json:"count"`
	Strike *Decimal `json:"strike,omitempty"`
	// Convertible makes the tranche a convertible bond: Count shares on conversion at
	// Strike, its conversion price, valued if-converted (valuation.Tranche.Convertible):
	// leave it out of the bridge's debt.
	Convertible bool `json:"convertible,omitempty"`
}

// Scale is a valuation.Scale: bands from the highest floor down, and the rating below
// them all.
type Scale struct {
	Bands []Band `json:"bands" max:"20"`
	Below string `json:"below"`
}

// Band is a valuation.Band: Rating for an upside above Floor (a fraction: "0.20" is
// +20%), or equal to it when Inclusive.
type Band struct {
	Rating    string  `json:"rating"`
	Floor     Decimal `json:"floor"`
	Inclusive bool    `json:"inclusive,omitempty"`
}

// Earnings is an earnings.PnL: P&L lines by year, share counts, and equity for BVPS.
type Earnings struct {
	Lines  []PnLLine       `json:"lines" max:"100"`
	Shares map[int]Decimal `json:"shares" max:"50"`
	Equity map[int]Decimal `json:"equity,omitempty" max:"50"`
}

// PnLLine is an earnings.LineItem. Kind is cost_of_sales, expense or other.
type PnLLine struct {
	Name  string           `json:"name"`
	Label string           `json:"label"`
	Kind  string           `json:"kind"`
	Years map[int]PnLValue `json:"years" max:"50"`
}

// PnLValue is an earnings.Value: an amount, or a ratio of group revenue or, with Of, of a
// segment's revenue — exactly one of Amount and Ratio.
type PnLValue struct {
	Amount *Decimal `json:"amount,omitempty"`
	Ratio  *Decimal `json:"ratio,omitempty"`
	Of     string   `json:"of,omitempty"`
}

// Rate is one FX rate: one From buys Rate To, as of AsOf (YYYY-MM-DD) when dated.
type Rate struct {
	From string  `json:"from"`
	To   string  `json:"to"`
	Rate Decimal `json:"rate"`
	AsOf string  `json:"as_of,omitempty"`
}

// Plan is a segments.Plan: years, users by year, segments.
type Plan struct {
	Currency      string        `json:"currency"` // reporting currency
	Years         []int         `json:"years" max:"50"`
	FirstEstimate int           `json:"first_estimate,omitempty"`
	Users         map[int]Users `json:"users" max:"50"`
	Segments      []Segment     `json:"segments" max:"100"`
}

// Users is a year's platform users, in millions.
type Users struct {
	MAU Decimal `json:"mau"`
	DAU Decimal `json:"dau"`
}

// Segment is one segment: its driver model, named by kind (a segments.Spec's Kind, as
// segments.Kinds lists them: live_streaming, advertising, ecommerce, ...), the model's
// inputs by year, and optionally a net margin by year (segments.NetMargin) for pricing
// on earnings. Inputs are keyed by the Spec's input names, each in its unit: a rate or
// margin as a fraction ("0.118" is 11.8%), money per user in currency units per year
// (revenue_per_dau, gmv_per_shopper) or per month (monthly_arppu), money in millions of
// the plan's currency (other_revenue). An input the Spec marks optional may be left out,
// meaning zero. A segment that starts after the plan's first year leaves out the years
// before (it has no lines and no revenue in them) and has inputs in every year from its
// first to the plan's last.
type Segment struct {
	Name      string                     `json:"name"`
	Title     string                     `json:"title"`
	Driver    string                     `json:"driver"`
	Inputs    map[int]map[string]Decimal `json:"inputs" max:"50"`
	NetMargin map[int]Decimal            `json:"net_margin,omitempty" max:"50"`
}

// Part values one segment: a valuation.Multiple of the segment's Metric on a set.
type Part struct {
	Segment string `json:"segment"`
	// Method is the method's label, e.g. "P/MAU", "EV/EBITDA"; "fixed" for a part
	// valued at an amount given (Value), not from comparables.
	Method string `json:"method"`
	// Metric is the segment figure priced, e.g. "mau", "revenue"; Comps the comparables
	// that price it. Both are needed but for a fixed part, which has neither.
	Metric string `json:"metric,omitempty"`
	Comps  *Set   `json:"comps,omitempty"`
	// Proxy says the set's metric stands in for the figure priced on purpose (peers'
	// revenue multiples for a segment's GMV): allowed, with a warning in the result,
	// where a set that does not measure the figure is otherwise an error.
	Proxy bool `json:"proxy,omitempty"`
	// Value is a fixed part's amount, millions of the model's currency (negative for a
	// loss-making business); Note, where it comes from; Enterprise, that it is an
	// enterprise value, not equity (valuation.Fixed).
	Value      *Decimal `json:"value,omitempty"`
	Note       string   `json:"note,omitempty"`
	Enterprise bool     `json:"enterprise,omitempty"`
	// Formula is a formula part's value (method "formula", valuation.Expression): money
	// in the forecast's reporting currency, a formula of the segment's lines in the
	// drivers' grammar ("2.5 * revenue - 0.1 * dau"); Label, how tables name it; Note
	// and Enterprise as a fixed part's.
	Formula string `json:"formula,omitempty"`
	Label   string `json:"label,omitempty"`
}

// fixed is the Method of a part valued at an amount given; formula of a part valued by
// a formula of its segment's lines.
const (
	fixed   = "fixed"
	formula = "formula"
)

// check refuses a part that is neither priced on comparables (method, metric, comps),
// fixed (method fixed, value) nor a formula (method formula, formula), or that mixes them.
func (p Part) check(at string) error {
	missing := func(field string) error {
		return &fault.Error{Pkg: "modelfile", Path: at + "." + field, Err: fault.ErrMissingField}
	}
	extra := func(field, why string) error {
		return &fault.Error{Pkg: "modelfile", Path: at + "." + field, Err: fmt.Errorf("%w: %s", fault.ErrInvalid, why)}
	}
	if p.Method == formula || p.Formula != "" || p.Label != "" {
		return p.checkFormula(missing, extra)
	}
	switch {
	case p.Method == fixed && p.Value == nil:
		return missing("value")
	case p.Method == fixed && p.Comps != nil:
		return extra("comps", "a fixed part has no comparables")
	case p.Method == fixed && p.Metric != "":
		return extra("metric", "a fixed part prices no figure")
	case p.Method != fixed && p.Comps == nil:
		return missing("comps")
	case p.Method != fixed && p.Metric == "":
		return extra("metric", "empty or missing; name the segment figure priced, e.g. mau or shopping_mau")
	case p.Method == fixed && p.Proxy:
		return extra("proxy", "a fixed part prices no figure")
	case p.Method != fixed && (p.Value != nil || p.Note != "" || p.Enterprise):
		field := "enterprise"
		switch {
		case p.Value != nil:
			field = "value"
		case p.Note != "":
			field = "note"
		}
		return extra(field, `value, note and enterprise are a fixed part's: give "method": "fixed"`)
	}
	return nil
}

// checkFormula refuses a formula part without its formula, or with a priced or fixed
// part's fields, and a formula or label on a part of another method.
func (p Part) checkFormula(missing func(string) error, extra func(string, string) error) error {
	switch {
	case p.Method != formula && p.Formula != "":
		return extra("formula", `a formula part's: give "method": "formula"`)
	case p.Method != formula:
		return extra("label", `a formula part's: a priced part's label is its method`)
	case p.Formula == "":
		return missing("formula")
	case p.Comps != nil:
		return extra("comps", "a formula part has no comparables")
	case p.Metric != "":
		return extra("metric", "a formula part prices no one figure: its formula names them")
	case p.Proxy:
		return extra("proxy", "a formula part prices no one figure")
	case p.Value != nil:
		return extra("value", "a formula part's value is its formula")
	}
	return nil
}

// Set is a comps.Set. Its companies are given inline, or read from File (CSV or JSON,
// relative to the model file) — exactly one of the two.
type Set struct {
	Name   string `json:"name"`
	Metric string `json:"metric"` // NAME_YEAR, e.g. "mau_2021"
	Money  bool   `json:"money,omitempty"`
	// Enterprise prices enterprise values (market value + net_debt): EV/S, EV/EBITDA.
	Enterprise bool   `json:"enterprise,omitempty"`
	Currency   string `json:"currency,omitempty"`
	// Aggregate is mean (the default), median, harmonic, trimmed (with Trim),
	// market_value_weighted or weighted (with Weights).
	Aggregate    string             `json:"aggregate,omitempty"`
	Trim         *Decimal           `json:"trim,omitempty"`
	Weights      map[string]Decimal `json:"weights,omitempty" max:"10000"`
	Premium      *Decimal           `json:"premium,omitempty"`
	Exclude      map[string]string  `json:"exclude,omitempty" max:"10000"`
	SkipUnpriced bool               `json:"skip_unpriced,omitempty"`
	OutlierZ     *Decimal           `json:"outlier_z,omitempty"`
	Companies    []Company          `json:"companies,omitempty" max:"10000"`
	File         string             `json:"file,omitempty"`
	// Tickers and Tags select the set's companies from its file or list (a peer universe
	// that serves many sets): a company is taken when its ticker is listed or it carries
	// one of the tags; without either, every company is. A listed ticker the list lacks,
	// or a tag no company carries, is an error.
	Tickers []string `json:"tickers,omitempty" max:"10000"`
	Tags    []string `json:"tags,omitempty" max:"100"`
}

// Company is a comps.Company. Metrics and Multiples are keyed NAME_YEAR ("mau_2021").
// Market value is given, or derived from close × shares / ADS ratio.
type Company struct {
	Ticker      string             `json:"ticker"`
	Name        string             `json:"name,omitempty"`
	Currency    string             `json:"currency"`
	Close       *Decimal           `json:"close,omitempty"`
	Shares      *Decimal           `json:"shares,omitempty"`
	ADSRatio    *Decimal           `json:"ads_ratio,omitempty"`
	MarketValue *Decimal           `json:"market_value,omitempty"`
	NetDebt     *Decimal           `json:"net_debt,omitempty"` // millions of Currency; negative for net cash
	Reporting   string             `json:"reporting,omitempty"`
	Metrics     map[string]Decimal `json:"metrics" max:"1000"`
	Multiples   map[string]Decimal `json:"multiples,omitempty" max:"1000"`
	AsOf        string             `json:"as_of,omitempty"` // YYYY-MM-DD
	Source      string             `json:"source,omitempty"`
	// Tags label the company in a peer universe, for sets to select by (Set.Tags);
	// in CSV one cell, the tags separated by ";".
	Tags []string `json:"tags,omitempty" max:"100"`
}

// CompsFile is a JSON file of comparables.
type CompsFile struct {
	Format    string    `json:"format"` // CompsFormat
	Companies []Company `json:"companies" max:"10000"`
}

// optional returns a pointer to d as a file decimal, or nil for zero.
func optional(d decimal.Decimal) *Decimal {
	if d.IsZero() {
		return nil
	}
	x := NewDecimal(d)
	return &x
}

// value returns *d, or zero for nil.
func value(d *Decimal) decimal.Decimal {
	if d == nil {
		return decimal.Decimal{}
	}
	return d.Decimal
}
