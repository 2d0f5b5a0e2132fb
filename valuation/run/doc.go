// Package run reads and runs run files (format "sotp/run/v1"): a model, inline or named
// as a model file beside the run file, and the analyses to run on it with package
// sensitivity (a grid, a tornado, scenarios, a goal seek, Monte Carlo, Sobol, Morris and
// Shapley runs) or valuation (probability-weighted cases). Schema is the format's reference.
//
// A run file is read as strictly as a model file (package modelfile), and every
// analysis's points are counted before the model is built or any value spelled out, so
// that a file of a few bytes asking for more than its limit is refused at once
// (fault.ErrTooManyPoints). Errors are *fault.Error at the JSON path of what they name.
// Report writes as JSON in sotp's contract: snake_case keys, decimals as exact strings.
package run
