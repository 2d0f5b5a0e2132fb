// Package valuation values a company as the sum of its parts.
//
// A Model binds each segment of a segments.Plan to a Method. A Multiple prices one of the
// segment's figures at a comps.Set's multiple: users (PMAU, PDAU, PPayingUser) at a price
// per user, money (PS on revenue, PGMV, PE on earnings) at a ratio, so that DAU and take
// rate can move a value and not only revenue. Model.Value forecasts the plan, values each part in the
// valuation year, converts to the target currency through an explicit comps.FX table, sums
// the parts, divides by the share count and rates the upside against the current price on
// the model's Scale (none by default: a broker's scale is its data, as
// valuation/kuaishou2021.Scale is the report's). Amounts print with the model's Symbols
// ("HK$"), else the currency code.
// The Result keeps every intermediate figure, renders as plain-text and Markdown tables,
// encodes to JSON with decimals as strings, and names each figure by a key.Key (one grammar,
// documented on key.Key; Result.Figure and Result.Lookup) so that printed figures can be
// reconciled against it (see Reconcile).
// Model.CrossCheck values every segment under other methods beside the model's choice, and
// Model.LeaveOneOut values a part again without each of its comparables.
//
// Value at these assumptions. Model.Prepare values a model once and lists its
// assumptions by key.Key (users and driver inputs by year, each Multiple's average and
// premium, FX rates, share counts, the price). Prepared.Value values it at a point in
// full; Prepared.Query compiles a list of moves and outputs into an exact kernel
// (valuation/internal/exact) derived from the drivers' formulas, which an Evaluator runs
// point after point in reused big.Int registers. Both give figures identical to
// Model.Value of the moved model, value and exponent; a point the kernel cannot vouch
// for takes Model.Value's own path. The sensitivity package is a client of it.
//
// Conventions. Values of parts and their sum are in millions of the target currency; the
// share count is in millions; the target is per share, carried to 16 decimal places, as are
// all divisions here. Nothing is rounded until it is printed. Models and results are values:
// Value does not modify the model and caches nothing, so one model can be valued from many
// goroutines. Bad input returns a *fault.Error (package valuation/fault, sotp's one located
// error type) that names the part and its method, the comparable or the field, and wraps
// a fault sentinel, for errors.Is and errors.As.
package valuation
