// Package comps holds comparable companies and turns a set of them into a valuation
// multiple.
//
// A Company carries its listing currency, close, shares or market value, the metrics it
// can be priced on and, where a source printed them, its multiples as printed. A Set
// prices each company on its metric, converts through an explicit FX table, reduces the
// multiples with an Aggregate (Mean, Median, Harmonic, Trimmed, MarketValueWeighted,
// WeightedMean) and applies an optional premium; its SetMultiple shows every input. A
// Market holds closes and FX rates by date, to take a company or a rate as of a day.
//
// Conventions: market values in millions of the listing currency, user metrics in
// millions of users, money metrics in millions of the reporting currency, so a per-user
// multiple is currency units per user and a money multiple a ratio; divisions to 16
// places. Values are immutable and safe for concurrent use; bad data is a *fault.Error.
package comps
