// Package valuation values a company as the sum of its parts.
//
// A Model binds each segment of a segments.Plan to a Method, most often a Multiple of a
// comps.Set (PMAU, PDAU, PPayingUser on users; PS, PGMV, PE, EVS on money); Model.Value
// forecasts the plan, values each part in the valuation year, converts through an
// explicit comps.FX table, bridges the sum to equity (Bridge), dilutes the share count
// (Dilution), discounts a later year's value (Horizon) and rates the upside (Scale). The
// Result keeps every figure, by key.Key, for tables, JSON, Reconcile and Review.
// Model.Prepare makes a model ready to be valued at many points (Prepared, Query).
//
// Conventions: money and share counts in millions, rates as fractions, every division to
// 16 places (segments.DivPlaces), nothing rounded until printed. Models and results are
// values, safe for concurrent use. Bad input is a *fault.Error wrapping a fault sentinel.
package valuation
