// Package testkit holds helpers for sotp's tests, which write assumptions as key text.
package testkit

import (
	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/key"
)

// Set returns the override of the assumption whose key text is k to v. A test's keys are
// its own constants: one that does not parse panics, failing the test that wrote it.
func Set(k string, v decimal.Decimal) valuation.Override {
	parsed, err := key.Parse(k)
	if err != nil {
		panic(err)
	}
	return valuation.Override{Key: parsed, Value: v}
}
