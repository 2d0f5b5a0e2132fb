package comps

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/fault"
)

// MetricYear names what a comparable is priced on, and for which year: {"mau", 2021}.
type MetricYear struct {
	Name string `json:"name"`
	Year int    `json:"year"`
}

// String returns the metric as errors and tables show it: "mau 2021".
func (m MetricYear) String() string { return fmt.Sprintf("%s %d", m.Name, m.Year) }

// Key returns the metric as files name it: "mau_2021".
func (m MetricYear) Key() string { return fmt.Sprintf("%s_%d", m.Name, m.Year) }

// ParseMetric parses a key written by MetricYear.Key: a lower-case name of letters, digits and
// underscores, an underscore, and a four-digit year.
func ParseMetric(key string) (MetricYear, error) {
	bad := &fault.Error{Pkg: "comps", Field: "metric", Value: strconv.Quote(key), Err: fault.ErrMetricKey}
	i := strings.LastIndexByte(key, '_')
	if i < 1 || len(key)-i-1 != 4 {
		return MetricYear{}, bad
	}
	for _, r := range key[:i] {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return MetricYear{}, bad
		}
	}
	year, err := strconv.Atoi(key[i+1:])
	if err != nil || year < 1000 {
		return MetricYear{}, bad
	}
	return MetricYear{Name: key[:i], Year: year}, nil
}

// Company is one listed comparable as of a date.
type Company struct {
	Ticker   string
	Name     string
	Currency Currency        // listing currency: of Close and MarketValue
	Close    decimal.Decimal // per listed share, or per ADS where ADSRatio is set
	// Shares is the count of ordinary shares outstanding, in millions. It is used only
	// when MarketValue is zero.
	Shares decimal.Decimal
	// ADSRatio is the number of ordinary shares one listed ADS represents; zero when the
	// listing is of ordinary shares.
	ADSRatio decimal.Decimal
	// MarketValue is in millions of Currency; zero means Close × Shares / ADSRatio.
	MarketValue decimal.Decimal
	// NetDebt is debt less cash, in millions of Currency (negative for net cash): an
	// enterprise-value set prices MarketValue + NetDebt.
	NetDebt decimal.Decimal
	// Reporting is the currency of the company's money metrics (revenue, GMV, earnings);
	// empty means Currency. A US-listed Chinese platform is listed in USD and reports in CNY.
	Reporting Currency
	// Metrics are the figures the company can be priced on, in millions (of users, or of
	// the Reporting currency).
	Metrics map[MetricYear]decimal.Decimal
	// Multiples are multiples as the source printed them. Where one is given for a set's
	// metric it is used in place of MarketValue / metric, which stays as evidence.
	Multiples map[MetricYear]decimal.Decimal
	AsOf      string // date of Close, YYYY-MM-DD
	Source    string // where the figures come from
	// Tags are labels a peer universe gives the company ("china", "streaming"), by which
	// a model file's set selects its comparables; they take no part in pricing.
	Tags []string
}

// MarketCap returns the market value in millions of Currency: MarketValue where given,
// else Close × Shares / ADSRatio (16 places).
func (c Company) MarketCap() (decimal.Decimal, error) {
	if c.ADSRatio.Sign() < 0 {
		return decimal.Decimal{}, &fault.Error{Pkg: "comps", Ticker: c.Ticker, Field: "ads_ratio", Value: fault.Plain(c.ADSRatio), Err: fault.ErrNonPositive, Key: compKey(c.Ticker, "ads_ratio")}
	}
	if !c.MarketValue.IsZero() {
		if c.MarketValue.Sign() < 0 {
			return decimal.Decimal{}, &fault.Error{Pkg: "comps", Ticker: c.Ticker, Field: "market_value", Value: fault.Plain(c.MarketValue), Err: fault.ErrNonPositive, Key: compKey(c.Ticker, "market_value")}
		}
		return c.MarketValue, nil
	}
	switch {
	case c.Shares.IsZero():
		return decimal.Decimal{}, &fault.Error{Pkg: "comps", Ticker: c.Ticker, Field: "market_value", Value: "0, and no shares to derive it", Err: fault.ErrNonPositive, Key: compKey(c.Ticker, "market_value")}
	case c.Close.Sign() <= 0:
		return decimal.Decimal{}, &fault.Error{Pkg: "comps", Ticker: c.Ticker, Field: "close", Value: fault.Plain(c.Close), Err: fault.ErrNonPositive, Key: compKey(c.Ticker, "close")}
	case c.Shares.Sign() <= 0:
		return decimal.Decimal{}, &fault.Error{Pkg: "comps", Ticker: c.Ticker, Field: "shares", Value: fault.Plain(c.Shares), Err: fault.ErrNonPositive, Key: compKey(c.Ticker, "shares")}
	}
	mv := c.Close.Mul(c.Shares)
	if c.ADSRatio.Sign() > 0 {
		mv = mv.DivRound(c.ADSRatio, segments.DivPlaces)
	}
	return mv, nil
}

// EnterpriseValue returns the market value plus net debt, in millions of Currency; it
// must be positive.
func (c Company) EnterpriseValue() (decimal.Decimal, error) {
	mv, err := c.MarketCap()
	if err != nil {
		return decimal.Decimal{}, err
	}
	ev := mv.Add(c.NetDebt)
	if ev.Sign() <= 0 {
		return decimal.Decimal{}, &fault.Error{Pkg: "comps", Ticker: c.Ticker, Field: "enterprise_value",
			Value: fault.Plain(mv) + " + net debt " + fault.Plain(c.NetDebt), Err: fault.ErrNonPositive, Key: compKey(c.Ticker, "enterprise_value")}
	}
	return ev, nil
}

// reporting returns the currency of the company's money metrics.
func (c Company) reporting() Currency {
	if c.Reporting != "" {
		return c.Reporting
	}
	return c.Currency
}

// Clone returns a copy of the company whose metric and multiple maps and tags are its own.
func (c Company) Clone() Company {
	c.Metrics, c.Multiples, c.Tags = maps.Clone(c.Metrics), maps.Clone(c.Multiples), slices.Clone(c.Tags)
	return c
}
