package valuation

import (
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/earnings"
)

// Figure returns one figure of the result by its stable key:
//
//	forecast/YEAR/METRIC                  group figure: mau, dau, revenue
//	forecast/YEAR/METRIC/growth           its growth over the previous year
//	forecast/YEAR/SEGMENT/METRIC          a segment's line, e.g. forecast/2021/ecommerce/gmv
//	forecast/YEAR/SEGMENT/METRIC/growth   its growth over the previous year
//	forecast/YEAR/SEGMENT/share           the segment's share of total revenue
//	pnl/YEAR/FIELD                        revenue, cost_of_sales (negative), gross_profit,
//	                                      gross_margin, net_profit, shares, eps, bvps, pe, pb, ps
//	pnl/YEAR/revenue/growth               and pnl/YEAR/net_profit/growth (earnings.Growth)
//	pnl/YEAR/line/LINE                    a P&L line, signed as it adds to profit
//	pnl/YEAR/line/LINE/ratio              its absolute value over revenue
//	part/SEGMENT/FIELD                    value, multiple, average, premium, metric, fx
//	part/SEGMENT/comp/TICKER/FIELD        multiple, implied, market_value, metric, close
//	sum, shares, target, price, upside
//
// Units are those of the result: millions of users or currency, fractions for rates.
func (r Result) Figure(key string) (decimal.Decimal, error) {
	p := strings.Split(key, "/")
	unknown := &FieldError{Field: "figure", Value: strconv.Quote(key), Err: ErrUnknownFigure}
	switch {
	case len(p) == 1:
		switch p[0] {
		case "sum":
			return r.Sum, nil
		case "shares":
			return r.Shares, nil
		case "target":
			return r.Target, nil
		case "price":
			return r.Price, nil
		case "upside":
			if r.Upside.Valid {
				return r.Upside.Decimal, nil
			}
		}
	case p[0] == "forecast" && len(p) >= 3:
		return r.forecastFigure(p[1:], unknown)
	case p[0] == "pnl" && len(p) >= 3:
		return r.pnlFigure(p[1:], unknown)
	case p[0] == "part" && len(p) >= 3:
		return r.partFigure(p[1], p[2:], unknown)
	}
	return decimal.Decimal{}, unknown
}

func (r Result) forecastFigure(p []string, unknown error) (decimal.Decimal, error) {
	year, err := strconv.Atoi(p[0])
	if err != nil {
		return decimal.Decimal{}, unknown
	}
	y, err := r.Forecast.Year(year)
	if err != nil {
		return decimal.Decimal{}, err
	}
	segment, rest := "", p[1:]
	if _, err := y.Segment(rest[0]); err == nil {
		segment, rest = rest[0], rest[1:]
	}
	switch {
	case len(rest) == 1 && segment != "" && rest[0] == "share":
		s, _ := y.Segment(segment)
		if s.Share.Valid {
			return s.Share.Decimal, nil
		}
	case len(rest) == 1:
		return r.Forecast.Figure(year, segment, segments.Metric(rest[0]))
	case len(rest) == 2 && rest[1] == "growth":
		return r.Forecast.Growth(year, segment, segments.Metric(rest[0]))
	}
	return decimal.Decimal{}, unknown
}

func (r Result) pnlFigure(p []string, unknown error) (decimal.Decimal, error) {
	year, err := strconv.Atoi(p[0])
	if err != nil {
		return decimal.Decimal{}, unknown
	}
	var y *earnings.Year
	for i := range r.Earnings.Years {
		if r.Earnings.Years[i].Year == year {
			y = &r.Earnings.Years[i]
		}
	}
	if y == nil {
		return decimal.Decimal{}, unknown
	}
	valid := func(d decimal.NullDecimal) (decimal.Decimal, error) {
		if d.Valid {
			return d.Decimal, nil
		}
		return decimal.Decimal{}, unknown
	}
	switch strings.Join(p[1:], "/") {
	case "revenue":
		return y.Revenue, nil
	case "revenue/growth":
		return valid(y.RevenueGrowth)
	case "cost_of_sales":
		return y.CostOfSales.Neg(), nil
	case "gross_profit":
		return y.GrossProfit, nil
	case "gross_margin":
		return valid(y.GrossMargin)
	case "net_profit":
		return y.NetProfit, nil
	case "net_profit/growth":
		return valid(y.NetGrowth)
	case "shares":
		return y.Shares, nil
	case "eps":
		return y.EPS, nil
	case "bvps":
		return valid(y.BVPS)
	case "pe":
		return valid(y.PE)
	case "pb":
		return valid(y.PB)
	case "ps":
		return valid(y.PS)
	}
	if len(p) >= 3 && len(p) <= 4 && p[1] == "line" {
		for _, l := range y.Lines {
			switch {
			case l.Name != p[2]:
			case len(p) == 3:
				return l.Value, nil
			case p[3] == "ratio":
				return valid(l.Ratio)
			}
		}
	}
	return decimal.Decimal{}, unknown
}

func (r Result) partFigure(segment string, p []string, unknown error) (decimal.Decimal, error) {
	for _, pv := range r.Parts {
		if pv.Segment != segment {
			continue
		}
		if len(p) == 1 {
			switch p[0] {
			case "value":
				return pv.Value, nil
			case "multiple":
				return pv.Multiple.Value, nil
			case "average":
				return pv.Multiple.Average, nil
			case "premium":
				return pv.Multiple.Premium, nil
			case "metric":
				return pv.MetricValue, nil
			case "fx":
				return pv.FX.Rate, nil
			}
		}
		if len(p) == 3 && p[0] == "comp" {
			for _, c := range pv.Multiple.Companies {
				if c.Ticker != p[1] {
					continue
				}
				switch p[2] {
				case "multiple":
					return c.Multiple, nil
				case "implied":
					return c.Implied, nil
				case "market_value":
					return c.MarketValue, nil
				case "metric":
					return c.Metric, nil
				case "close":
					return c.Close, nil
				}
			}
		}
	}
	return decimal.Decimal{}, unknown
}
