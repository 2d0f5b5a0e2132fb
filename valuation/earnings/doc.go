// Package earnings forecasts a profit and loss statement on top of segment revenues, and
// the per-share figures and multiples that go with it.
//
// A PnL lists the lines of the statement (cost of sales, operating expenses, finance and
// other items) with, for each year, either an amount or a ratio of a base: group revenue,
// or one segment's revenue (a streamer revenue share is a ratio of live-streaming
// revenue). Ratios make a sweep of the segment drivers flow through to profit. The
// statement gives gross profit, margins, expense ratios, net profit attributable, EPS,
// BVPS where equity is given, and P/E, P/B and P/S at a price converted through an
// explicit rate.
//
// Conventions. Amounts are millions of the reporting currency, share counts millions.
// Costs and expenses are given as positive amounts and ratios and subtracted; Other lines
// are signed as they add to profit. Growth of a figure that can be a loss follows Growth:
// (current − previous) / |previous|. A multiple is not valid where its denominator is not
// positive (P/E of a loss). Divisions keep 16 places; nothing is rounded here. Bad input is
// a *fault.Error naming the line, year and field.
package earnings
