package valuation

import "github.com/shopspring/decimal"

// KernelOnly evaluates a query through its exact kernel alone, reporting whether the
// kernel valued the point (false: it has none, or a check failed).
func KernelOnly(q *Query, values, out []decimal.Decimal) bool {
	e := q.Evaluator()
	if e.m == nil || !e.m.Run(values) {
		return false
	}
	for i, r := range q.regs {
		out[i] = e.m.Decimal(r)
	}
	return true
}
