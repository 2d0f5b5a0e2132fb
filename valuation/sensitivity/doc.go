// Package sensitivity moves the assumptions of a valuation.Model and reads its outputs:
// one-way sweeps and n-way grids (the analyst's data table), tornado charts, named
// scenarios side by side, goal seek, attribution of a change in the target, Monte Carlo
// runs, Morris screening and Sobol global sensitivity indices.
//
// An Engine is built from a model that values. Assumptions are addressed by their
// key.Key in text form, the grammar of figure keys ("forecast/2021/mau",
// "forecast/2021/ecommerce/take_rate", "part/ecommerce/premium", "fx/USD/HKD", "shares";
// Engine.Assumptions lists them), and any Figure key is an output ("target",
// "part/ecommerce/value", "forecast/2021/revenue", "pnl/2021/net_profit", "pnl/2021/eps").
// Options.LinkDAU holds DAU/MAU when MAU moves. A point that cannot be valued (a rate
// outside [0, 1], DAU above MAU, a share count that is not positive) is reported with its
// reason as a *PointError and not computed; a run goes on past it.
//
// Exact and float. Sweeps, grids, tornados, scenarios, goal seek and attribution are
// decimal, as exact as Model.Value: the engine is a client of valuation.Prepared, which
// compiles each run's moves and outputs once into an exact kernel, so a point costs a
// small fraction of a fresh Model.Value and gives the same figures, digit for digit.
// Monte Carlo, Morris and Sobol runs are float64: float.go compiles the outputs, from the drivers'
// formulas (segments.Spec) and the Multiple parts, into a program over the drawn inputs,
// the one place where money passes through a float,
// and a test holds it to the decimal engine within 1e-9 relative on 1,000 random points.
// Draws go through each distribution's quantile function from uniforms made as Sampling
// says: a PCG stream per block of 1,024 draws, seeded with (Seed, block), Latin hypercube
// strata, or a scrambled Sobol' sequence (QuasiRandom: Joe and Kuo's direction numbers,
// seeded scrambles) whose points depend on their index only; results are identical for
// any number of workers. That is also how truncation to an assumption's range and a
// Gaussian-copula correlation act. The float path applies the
// decimal path's validity rules: a draw the exact engine would refuse (DAU above MAU, a
// rate outside [0, 1], a figure priced at zero or below, an output not finite) is never
// valued; it is counted by reason in Summary.Invalid and Indices.Invalid, or fails the
// run with fault.ErrInvalidDraw when FailOnInvalid is set.
//
// Models that are not sotp models. A SobolDesign runs the same Sobol analysis on any Go
// function of float64 inputs (SobolDesign.Run), or on outputs computed elsewhere at its
// exported points (Points, then Analyze); Engine.Sobol is that design run on a model's
// compiled program. A MorrisDesign does the same for Morris screening (Engine.Morris):
// screen every assumption cheaply, then give the few that matter Sobol indices. Quasi-random Sobol runs give intervals from independent scrambles
// (Sobol.Replicates), not from a bootstrap of quasi-random points, which would not be
// honest; grouped inputs (Variable.Group) get one index, and Sobol.Second adds the
// second-order ones.
//
// Service use. Every run takes a context (nil is an error) and stops within one point (or
// block, bootstrap resample, or chunk of 65,536 samples being summarised) per worker of
// its cancellation; a run larger than Options.MaxPoints, counting Latin-hypercube strata
// and bootstrap resamples, is refused before any work (each request's Cost, and
// GridPoints, count without drawing or spelling out an axis); Options.Progress reports
// progress. A Monte Carlo summary keeps the draws only when asked (KeepSamples). Engines
// work on their own copy of the model, are immutable and safe for concurrent use.
package sensitivity
