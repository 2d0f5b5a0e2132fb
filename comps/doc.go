// Package comps holds comparable companies and turns a set of them into a valuation
// multiple.
//
// A Company carries its listing currency, close, market value, the metrics it can be
// priced on (MAU, annual active buyers, ... by year) and, where a source printed them, the
// multiples as printed. A Set aggregates the companies' multiples (the arithmetic mean by
// default) and applies an optional premium or discount. FX converts between currencies
// through rates that are given explicitly and shown wherever they are used.
//
// Conventions. Market values are in millions of the listing currency and user metrics in
// millions of users, so a price-per-user multiple is currency units per user. A multiple
// printed by the source is used as printed, so that a valuation reproduces its source; the
// market value and metric stay beside it as evidence. Divisions keep 16 decimal places;
// nothing is rounded for display here. Values are immutable and safe for concurrent use.
// Bad data is an *Error naming the set, comparable and field and wrapping a sentinel.
package comps
