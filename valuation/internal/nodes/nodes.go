// Package nodes is the one table of which backend computes which kind of node of a
// valuation: the decimal reference (Model.Value), the exact kernel (Prepared.Query), its
// program run in float64 (Evaluator.Float: Monte Carlo, Sobol, Morris, Shapley) and the
// workbook of live formulas. A backend asks the table when it compiles a model and
// refuses a kind it does not take there, with an error naming the kind and itself
// (Refuse), never in the middle of a run; a kind added to a model is added to the table,
// and every backend that does not list it refuses it.
package nodes

import (
	"strings"

	"github.com/sotpkit/sotp/valuation/fault"
)

// Kind is a kind of node of a valuation.
type Kind int

// Kinds of node.
const (
	Formula     Kind = iota + 1 // a driver's line: a segments.Formula (ref, constant, +, ×, ÷, min, max, prev)
	DriverModel                 // a segment whose driver model (segments.Spec) changes from one year to the next
	Multiple                    // a part priced at its comparables' multiple × its figure × FX
	Fixed                       // a part at an amount
	Expression                  // a part at a formula of its segment's lines
	Method                      // a part priced by a Method of the caller's
	Mean                        // comparables aggregated by their mean
	Weighted                    // ... by market value or by weights
	Median                      // ... by their median, harmonic or trimmed mean
	Aggregate                   // ... by an Aggregate of the caller's
	FX                          // an FX rate: given, inverted or crossed through a third currency
	Item                        // a bridge item, by its kind's formula (ItemKind.Formula)
	Holdco                      // the holding-company discount
	Dilution                    // options and convertibles (treasury stock, if-converted)
	Horizon                     // the horizon's discount
	PnL                         // a line or figure of the P&L (net profit, EPS, P/E, ...), or a figure's growth
	Report                      // a figure the result reports beside the valuation: a comparable's, a bridge line's, a segment's share
)

var kindNames = [...]string{Formula: "formula", DriverModel: "driver model change", Multiple: "multiple", Fixed: "fixed amount",
	Expression: "expression", Method: "caller's method", Mean: "mean", Weighted: "weighted mean", Median: "median",
	Aggregate: "caller's aggregate", FX: "fx rate", Item: "bridge item", Holdco: "holding-company discount",
	Dilution: "dilution", Horizon: "horizon", PnL: "p&l figure or growth", Report: "reported figure (comparable, bridge line, share)"}

// String returns the kind's name, as errors give it.
func (k Kind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind?"
}

// Backend is a way a valuation is computed.
type Backend int

// Backends.
const (
	Decimal  Backend = iota + 1 // Model.Value: the reference
	Kernel                      // the exact kernel of a query
	Float                       // the kernel's program in float64
	Workbook                    // the workbook's live formulas
)

// String returns the backend's name, as errors give it.
func (b Backend) String() string {
	return [...]string{Decimal: "decimal", Kernel: "exact kernel", Float: "float64", Workbook: "workbook"}[b]
}

// Takes reports whether backend b computes nodes of kind k: the table. The decimal
// reference takes every kind; the kernel and the float64 program, which runs the kernel's
// program, every kind but a caller's Method (a query of a model with one is valued by the
// decimal path); the workbook every kind but a caller's Method or Aggregate.
func Takes(k Kind, b Backend) bool {
	switch b {
	case Kernel, Float:
		return k != Method
	case Workbook:
		return k != Method && k != Aggregate
	}
	return b == Decimal
}

// Refuse returns nil when b takes k, else the error of b refusing k at where (a key, a
// part, a segment): fault.ErrFloat for the float64 program, fault.ErrUnsupported for the
// others.
func Refuse(k Kind, b Backend, where ...string) error {
	if Takes(k, b) {
		return nil
	}
	err := fault.ErrUnsupported
	if b == Float {
		err = fault.ErrFloat
	}
	return &fault.Error{Pkg: "valuation", Field: strings.Join(where, " "), Value: "the " + b.String() + " does not compute a " + k.String(), Err: err}
}
