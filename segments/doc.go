// Package segments forecasts a company's revenue segment by segment from user drivers.
//
// A Plan holds, for each year, the platform's users (MAU and DAU) and one Driver per
// segment. A Driver turns the users into the segment's figures for that year: the live
// streaming model (MAU × paying ratio × monthly ARPPU × 12), the advertising model (DAU ×
// revenue per DAU) and the e-commerce model (MAU × penetration × GMV per shopper × take
// rate) ship here; any type that implements Driver can stand beside them.
//
// Conventions. Every figure is a decimal.Decimal and carries its Unit: user counts are in
// millions of users; money is in millions of the plan's reporting currency, GMV too (a
// line's Display says a table prints it in 亿, as sell-side tables do); per-user amounts are in
// currency units per user; rates are fractions (0.118, printed 11.8%). Nothing is rounded
// here: rounding belongs to whoever prints a figure. The one division (GMV per MAU) is
// carried to 16 decimal places.
//
// Values are immutable: no method modifies its receiver or its arguments, so one Plan can
// be forecast from many goroutines. Bad input is a *fault.Error that names the segment, year and
// field, and wraps a sentinel such as fault.ErrRate for errors.Is.
package segments
