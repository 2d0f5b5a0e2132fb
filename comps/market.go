package comps

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/key"
)

// Market is market data by date: comparables' quotes and FX rates, each dated, from which
// a model is valued as of a date (valuation.Model.AsOf). Build one with NewMarket; the
// zero Market holds nothing. A Market is immutable and safe for concurrent use.
//
// As of a date, a comparable takes the latest quote dated on or before it, and so does a
// rate. The figures a model gives for a company or a rate are a quote too, dated by their
// AsOf (none when undated): a market quote replaces them only when it is later (an
// undated figure is replaced by any quote), so that a source's own figures, dated the day
// its multiples were printed, stand on that day. A figure dated after the date with no
// quote on or before it is an error, never used: a valuation as of a day sees nothing of
// the days after it.
type Market struct {
	quotes map[string][]Company   // by ticker, dates ascending
	rates  map[[2]Currency][]Rate // by pair, its currencies in order, dates ascending
	last   string
}

// NewMarket returns a market of the given quotes. A company quote gives Ticker, Currency,
// AsOf (YYYY-MM-DD) and a positive Close or MarketValue, and may give Shares and ADSRatio;
// its Metrics, Multiples and NetDebt must be empty (they are not market data). A rate
// gives From, To, Rate and AsOf, as NewFX checks a rate. A ticker, or a pair in either
// direction, quoted twice on one date is an error.
func NewMarket(quotes []Company, rates []Rate) (Market, error) {
	mk := Market{quotes: map[string][]Company{}, rates: map[[2]Currency][]Rate{}}
	for _, q := range quotes {
		if err := q.quote(); err != nil {
			return Market{}, err
		}
		mk.quotes[q.Ticker] = append(mk.quotes[q.Ticker], q.Clone())
		mk.last = max(mk.last, q.AsOf)
	}
	for t, qs := range mk.quotes {
		slices.SortStableFunc(qs, func(a, b Company) int { return cmp.Compare(a.AsOf, b.AsOf) })
		for i := 1; i < len(qs); i++ {
			if qs[i].AsOf == qs[i-1].AsOf {
				return Market{}, &fault.Error{Pkg: "comps", Ticker: t, Field: "as_of", Value: qs[i].AsOf + ": quoted twice", Err: fault.ErrDuplicateKey, Key: compKey(t, "close")}
			}
		}
	}
	for _, r := range rates {
		if _, err := NewFX(Rate{From: r.From, To: r.To, Rate: r.Rate, Via: r.Via}); err != nil { // a quote of a crossed rate too: Market.FX takes it so
			return Market{}, err
		}
		if bad := checkDate(r.AsOf); bad != "" {
			return Market{}, &fault.Error{Pkg: "comps", Field: "fx " + string(r.From) + "/" + string(r.To), Value: bad, Err: fault.ErrInvalid, Key: key.FX(string(r.From), string(r.To))}
		}
		p := pairOf(r.From, r.To)
		mk.rates[p] = append(mk.rates[p], r)
		mk.last = max(mk.last, r.AsOf)
	}
	for p, rs := range mk.rates {
		slices.SortStableFunc(rs, func(a, b Rate) int { return cmp.Compare(a.AsOf, b.AsOf) })
		for i := 1; i < len(rs); i++ {
			if rs[i].AsOf == rs[i-1].AsOf {
				return Market{}, &fault.Error{Pkg: "comps", Field: "fx " + string(p[0]) + "/" + string(p[1]), Value: rs[i].AsOf + ": quoted twice", Err: fault.ErrDuplicateKey, Key: key.FX(string(p[0]), string(p[1]))}
			}
		}
	}
	return mk, nil
}

// IsZero reports whether the market holds no quote.
func (mk Market) IsZero() bool { return len(mk.quotes) == 0 && len(mk.rates) == 0 }

// Last returns the date of the market's latest quote, or "" for the zero Market.
func (mk Market) Last() string { return mk.last }

// Names returns the tickers the market quotes and the currency pairs it quotes rates of
// (each pair's currencies in alphabetical order), both sorted.
func (mk Market) Names() (tickers []string, pairs [][2]Currency) {
	tickers = slices.Sorted(maps.Keys(mk.quotes))
	pairs = slices.SortedFunc(maps.Keys(mk.rates), func(a, b [2]Currency) int {
		return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]))
	})
	return tickers, pairs
}

// Quotes returns copies of the market's company quotes, by ticker then date, and its
// rates, by pair then date.
func (mk Market) Quotes() ([]Company, []Rate) {
	var out []Company
	for _, t := range slices.Sorted(func(yield func(string) bool) {
		for t := range mk.quotes {
			if !yield(t) {
				return
			}
		}
	}) {
		for _, q := range mk.quotes[t] {
			out = append(out, q.Clone())
		}
	}
	var rates []Rate
	for _, p := range slices.SortedFunc(maps.Keys(mk.rates), func(a, b [2]Currency) int {
		return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]))
	}) {
		rates = append(rates, mk.rates[p]...)
	}
	return out, rates
}

// Company returns c as of date (YYYY-MM-DD), as Market says: its own figures, or those
// of the market's latest quote on or before date. A quote taken replaces the close and
// the date, the market value or share count it gives, and the ADS ratio where it gives
// one; without a market value or share count, a company's market value given with its
// close is scaled by the ratio of the closes (the count its figures imply, held: the
// market value is the figure, as MarketCap takes it), and one derived from a share count
// follows from the new close at that count. The company's printed multiples are dropped: they were printed at its own
// prices. Metrics and net debt stay.
func (mk Market) Company(c Company, date string) (Company, error) {
	if bad := checkDate(date); bad != "" {
		return Company{}, &fault.Error{Pkg: "comps", Field: "as_of", Value: bad, Err: fault.ErrInvalid}
	}
	qs := mk.quotes[c.Ticker]
	i, _ := slices.BinarySearchFunc(qs, date, onOrBefore[Company](func(c Company) string { return c.AsOf }))
	own := c.AsOf == "" || c.AsOf <= date
	if i == 0 || (own && c.AsOf != "" && c.AsOf >= qs[i-1].AsOf) {
		if !own {
			return Company{}, &fault.Error{Pkg: "comps", Ticker: c.Ticker, Field: "as_of",
				Value: "no quote on or before " + date + "; the model's figures are of " + c.AsOf, Err: fault.ErrMissing, Key: compKey(c.Ticker, "close")}
		}
		return c, nil
	}
	q := qs[i-1]
	if q.Currency != c.Currency {
		return Company{}, &fault.Error{Pkg: "comps", Ticker: c.Ticker, Field: "currency",
			Value: "quoted in " + string(q.Currency) + " on " + q.AsOf + ", listed in " + string(c.Currency) + ": a market quotes a company in its listing currency",
			Err:   fault.ErrInvalid, Key: compKey(c.Ticker, "currency")}
	}
	return c.withQuote(q)
}

// withQuote returns c with the market's quote q taken, as Company says: its close and
// date, its source, market value, share count and ADS ratio where it gives them, else a
// market value scaled by the closes or following from a share count, and no printed
// multiples. It fails for a quote of a close alone when c has neither a market value
// and close to scale nor a share count.
func (c Company) withQuote(q Company) (Company, error) {
	out := c.Clone()
	out.Close, out.AsOf, out.Multiples = q.Close, q.AsOf, nil
	if q.Source != "" {
		out.Source = q.Source
	}
	if q.ADSRatio.Sign() > 0 {
		out.ADSRatio = q.ADSRatio
	}
	switch {
	case q.MarketValue.Sign() > 0:
		out.MarketValue = q.MarketValue
		if q.Shares.Sign() > 0 {
			out.Shares = q.Shares
		}
	case q.Shares.Sign() > 0:
		out.Shares, out.MarketValue = q.Shares, decimal.Decimal{}
	case c.MarketValue.Sign() > 0 && c.Close.Sign() > 0:
		out.MarketValue = c.MarketValue.Mul(q.Close).DivRound(c.Close, segments.DivPlaces)
	case c.Shares.Sign() > 0:
		out.MarketValue = decimal.Decimal{}
	default:
		return Company{}, &fault.Error{Pkg: "comps", Ticker: c.Ticker, Field: "market_value",
			Value: "quoted on " + q.AsOf + " by close alone, with no share count or market value and close to scale", Err: fault.ErrMissing, Key: compKey(c.Ticker, "market_value")}
	}
	return out, nil
}

// FX returns fx as of date, as Market says: each rate the table gives is its own, or
// the market's latest quote of the pair (in either direction, taken as the market gives
// it) on or before date. Pairs the table does not give are not added.
func (mk Market) FX(fx FX, date string) (FX, error) {
	if bad := checkDate(date); bad != "" {
		return FX{}, &fault.Error{Pkg: "comps", Field: "as_of", Value: bad, Err: fault.ErrInvalid}
	}
	rates := fx.Rates()
	for j, r := range rates {
		var q Rate
		qs := mk.rates[pairOf(r.From, r.To)]
		if i, _ := slices.BinarySearchFunc(qs, date, onOrBefore[Rate](func(r Rate) string { return r.AsOf })); i > 0 {
			q = qs[i-1]
		}
		switch own := r.AsOf == "" || r.AsOf <= date; {
		case q.AsOf != "" && (!own || r.AsOf == "" || q.AsOf > r.AsOf):
			if q.From != r.From {
				q.From, q.To = r.From, r.To
				q.Rate = invert(q.Rate)
			}
			rates[j] = q
		case !own:
			return FX{}, &fault.Error{Pkg: "comps", Field: "fx " + string(r.From) + "/" + string(r.To),
				Value: "no quote on or before " + date + "; the model's rate is of " + r.AsOf, Err: fault.ErrMissing, Key: key.FX(string(r.From), string(r.To))}
		}
	}
	return NewFX(rates...)
}

// quote checks a company quote for NewMarket.
func (c Company) quote() error {
	bad := func(field, why string, err error) error {
		return &fault.Error{Pkg: "comps", Ticker: c.Ticker, Field: field, Value: why, Err: err, Key: compKey(c.Ticker, field)}
	}
	switch {
	case c.Ticker == "":
		return bad("ticker", "empty", fault.ErrInvalid)
	case c.Currency.Check() != nil:
		return bad("currency", strconv.Quote(string(c.Currency)), fault.ErrCurrency)
	case checkDate(c.AsOf) != "":
		return bad("as_of", checkDate(c.AsOf), fault.ErrInvalid)
	case c.Close.Sign() < 0 || c.Shares.Sign() < 0 || c.ADSRatio.Sign() < 0 || c.MarketValue.Sign() < 0:
		return bad("close", "a quote's close, shares, ADS ratio and market value may not be negative", fault.ErrNonPositive)
	case c.Close.Sign() == 0 && c.MarketValue.Sign() == 0:
		return bad("close", "a quote gives a close or a market value", fault.ErrMissing)
	case len(c.Metrics) > 0 || len(c.Multiples) > 0 || !c.NetDebt.IsZero():
		return bad("metrics", "a quote gives prices, not metrics, multiples or net debt", fault.ErrInvalid)
	}
	return nil
}

// checkDate says, when d is not a date written YYYY-MM-DD, what is wrong with it.
func checkDate(d string) string {
	if _, err := time.Parse(time.DateOnly, d); err != nil || len(d) != len(time.DateOnly) {
		return strconv.Quote(d) + " is not a date YYYY-MM-DD"
	}
	return ""
}

// pairOf is the key of a pair of currencies in either direction: the two in order.
func pairOf(a, b Currency) [2]Currency {
	return [2]Currency{min(a, b), max(a, b)}
}

// onOrBefore orders quotes, dated by date, against a date for a binary search: the index
// found is one past the latest quote on or before it.
func onOrBefore[T any](date func(T) string) func(T, string) int {
	return func(q T, d string) int {
		if date(q) <= d {
			return -1
		}
		return 1
	}
}
