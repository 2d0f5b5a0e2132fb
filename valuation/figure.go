package valuation

import (
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/segments"
)

// Figure returns one figure of the result by its stable key:
//
//	forecast/YEAR/METRIC                  group figure: mau, dau, revenue
//	forecast/YEAR/METRIC/growth           its growth over the previous year
//	forecast/YEAR/SEGMENT/METRIC          a segment's line, e.g. forecast/2021/ecommerce/gmv
//	forecast/YEAR/SEGMENT/METRIC/growth   its growth over the previous year
//	forecast/YEAR/SEGMENT/share           the segment's share of total revenue
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
