// Package comps holds comparable companies and turns a set of them into a valuation
// multiple.
//
// A Company carries its listing currency, close, shares (and ADS ratio) or market value,
// the metrics it can be priced on (MAU, active buyers, revenue, ... by year) and, where a
// source printed them, the multiples as printed. A Set prices each company on the set's
// metric, converts market values and money metrics to the set's currency through an
// explicit FX table, reduces the multiples with an Aggregate (Mean, Median, Harmonic,
// Trimmed, MarketValueWeighted, WeightedMean), and applies an optional premium or discount.
// The resulting SetMultiple shows every input: each company's multiple and its modified
// z-score (outliers are flagged, never dropped silently), the five-number summary, the
// comparables excluded and why, and the FX rates used.
//
// Conventions. Market values are in millions of the listing currency, user metrics in
// millions of users and money metrics in millions of the reporting currency; so a
// per-user multiple is currency units per user and a money multiple is a ratio. A
// multiple printed by the source is used as printed, so that a valuation reproduces its
// source; the market value and metric stay beside it as evidence. Divisions keep 16
// decimal places; nothing is rounded for display here. Values are immutable and safe for
// concurrent use. Bad data is a *fault.Error naming the set, comparable and field and
// wrapping a sentinel.
package comps
