// Package kuaishou2021 is the Western Securities model of Kuaishou (1024.HK) from its
// initiation of coverage of 2021-03-03: P/MAU sum of the parts, target HK$404.6, Buy.
//
// Model returns the valuation model, Plan its segment forecast, Earnings its P&L,
// Figures every figure the report printed, each with the result key it is checked
// against, and Actuals what later documents say happened. The report prints rounded
// drivers whose naive products miss its printed outputs: the drivers here are unrounded
// values that reproduce every printed figure at its printed precision (Plan and Earnings
// say how each was derived).
package kuaishou2021
