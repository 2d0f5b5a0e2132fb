// Package earnings forecasts a profit and loss statement on top of segment revenues, and
// the per-share figures and multiples that go with it.
//
// A PnL lists the lines of the statement (LineItem), each year an amount or a ratio of
// group or one segment's revenue, so that a sweep of the drivers flows through to
// profit; its Statement gives gross profit, margins, expense ratios, net profit, EPS,
// BVPS and P/E, P/B and P/S at a price.
//
// Conventions: amounts in millions of the reporting currency, share counts in millions;
// costs and expenses given positive and subtracted, Other lines signed as they add to
// profit; growth of a figure that can be a loss is (current − previous) / |previous|
// (Growth); a multiple over a denominator that is not positive is not valid. Divisions
// keep 16 places; bad input is a *fault.Error naming the line, year and field.
package earnings
