package valuation

import "github.com/shopspring/decimal"

// KernelOnly evaluates a query through its exact kernel alone (the program and its stage
// after equity), reporting whether the kernel valued the point (false: it has none, or a
// check failed).
func KernelOnly(q *Query, values, out []decimal.Decimal) bool {
	return q.Evaluator().kernel(values, out)
}
