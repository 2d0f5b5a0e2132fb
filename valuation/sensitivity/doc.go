// Package sensitivity moves the assumptions of a valuation.Model and reads its outputs:
// n-way grids (the analyst's data table), tornados, scenarios side by side, goal seek,
// attribution of a change in the target (all in exact decimal, identical to Model.Value),
// and Monte Carlo runs (to a precision of the mean and of percentiles when asked),
// Morris screening, Sobol indices and Shapley effects of correlated inputs (in float64,
// behind the one boundary MonteCarlo describes). SobolDesign,
// MorrisDesign and Shapley.Run run the same analyses on any Go function.
//
// An Engine is built from a model that values. Assumptions and outputs are named by
// their key in text form ("forecast/2021/mau", "part/ecommerce/premium", "fx/USD/HKD",
// "target", "pnl/2021/eps"; see the key package); Engine.Assumptions lists them. A point
// that cannot be valued is reported with its reason (*PointError) and the run goes on.
// Every run takes a context, counts its points before any work (Options.MaxPoints) and
// gives the same results for any number of workers. Engines are immutable and safe for
// concurrent use.
package sensitivity
