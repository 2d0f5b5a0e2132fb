// Package segments forecasts a company's revenue segment by segment from user drivers.
//
// A Plan holds, for each year, the platform's users (MAU and DAU) and one Driver per
// segment. A Driver turns the users into the segment's figures for that year; the shipped
// driver models (LiveStreaming, Advertising, Ecommerce, Subscription) and any of one's
// own (Generic) are each described once by a Spec of inputs, lines and formulas, which
// the forecast, the sensitivity engine's float64 program and the workbook all read.
//
// Conventions: every figure is a decimal.Decimal with its Unit; users in millions, money
// in millions of the plan's reporting currency (GMV too), per-user amounts in currency
// units, rates as fractions (0.118, printed 11.8%). Nothing is rounded here; a division
// keeps DivPlaces. Values are immutable; bad input is a *fault.Error naming the segment,
// year and field.
package segments
