// Package testkit holds helpers for sotp's tests, which write assumptions as key text.
package testkit

import (
	"testing"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/key"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
)

// Set returns the override of the assumption whose key text is k to v. A test's keys are
// its own constants: one that does not parse fails the test that wrote it (tb).
func Set(tb testing.TB, k string, v decimal.Decimal) valuation.Override {
	tb.Helper()
	parsed, err := key.Parse(k)
	if err != nil {
		tb.Fatalf("testkit.Set(%q): %v", k, err)
	}
	return valuation.Override{Key: parsed, Value: v}
}

// Diluted is the Kuaishou model (target near HK$405) diluted at basis by options struck
// at 300 and 380, restricted units and a convertible converting at 420, all in HKD, so
// that as 2021E MAU moves from 400 to 700 tranches pass in and out of the money; at the
// target, under a horizon of half a year at 12%.
func Diluted(basis valuation.DilutionBasis) valuation.Model {
	m := kuaishou2021.Model()
	m.Dilution = valuation.Dilution{Basis: basis, Tranches: []valuation.Tranche{
		{Name: "options_a", Count: decimal.NewFromInt(150), Strike: decimal.NewFromInt(300)},
		{Name: "options_b", Count: decimal.NewFromInt(100), Strike: decimal.NewFromInt(380)},
		{Name: "rsu", Count: decimal.NewFromInt(40)},
		{Name: "cb", Count: decimal.NewFromInt(60), Strike: decimal.NewFromInt(420), Convertible: true},
	}}
	if basis == valuation.AtTarget {
		m.Horizon = valuation.Horizon{Rate: decimal.New(12, -2), Years: decimal.New(5, -1)}
	}
	return m
}
