package sensitivity

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/jsonx"
	"github.com/sotpkit/sotp/valuation/internal/table"
)

// Sobol describes a variance-based global sensitivity analysis of outputs over
// independent random inputs, run in float64 (see the package doc for the boundary).
type Sobol struct {
	Outputs []string
	Inputs  []Input
	// Samples is the number of base samples N; the run evaluates the model N × (d + 2)
	// times for d inputs. Zero means 4,096.
	Samples int
	Seed    uint64
	// Bootstrap is the number of resamples behind the confidence intervals; zero means
	// 200, NoBootstrap none (point estimates only: the intervals are NaN). Each resample
	// counts as N points against MaxPoints.
	Bootstrap int
	// Confidence is the intervals' level, in (0, 1); zero means 0.95.
	Confidence float64
	// FailOnInvalid makes a row with a draw the decimal engine would refuse fail the run
	// with fault.ErrInvalidDraw; otherwise such rows are left out of every estimate and counted
	// in Indices.Invalid.
	FailOnInvalid bool
}

// NoBootstrap asks a Sobol run for point estimates without intervals.
const NoBootstrap = -1

// Indices are one output's Sobol indices.
type Indices struct {
	Output   string  `json:"output"`
	Variance float64 `json:"variance"` // of the output over the 2N base draws of the valid rows
	Rows     int     `json:"rows"`     // the base rows estimated from: N less the invalid ones
	Inputs   []Index `json:"inputs"`
	// Invalid counts the rows left out, by the first reason one of their draws failed.
	Invalid []Invalid `json:"invalid"`
}

// Index is one input's first-order and total Sobol indices with bootstrap percentile
// intervals.
type Index struct {
	Name    string  `json:"name"`
	First   float64 `json:"first"`
	Total   float64 `json:"total"`
	FirstLo float64 `json:"first_lo"`
	FirstHi float64 `json:"first_hi"`
	TotalLo float64 `json:"total_lo"`
	TotalHi float64 `json:"total_hi"`
}

// Sobol estimates first-order and total indices of each input for each output: Saltelli's
// design (matrices A and B of N draws each, and A with column i from B for each input i)
// with Saltelli's 2010 first-order estimator, S_i = Σ f(B) (f(A_B^i) − f(A)) / N / V
// (outputs centred on their mean), Jansen's total one, S_Ti = Σ(f(A) − f(A_B^i))² / 2N
// / V, and percentile intervals from bootstrap resamples
// of the N rows. Rows come in seeded blocks, and resample b draws from a stream seeded
// with (Seed, b), so results do not depend on the workers; the bootstrap runs on them too
// and stops with the context. A row one of whose draws the decimal engine would refuse
// is left out (or fails the run, with FailOnInvalid).
func (e *Engine) Sobol(ctx context.Context, s Sobol) ([]Indices, error) {
	if s.Samples == 0 {
		s.Samples = 4096
	}
	switch s.Bootstrap {
	case 0:
		s.Bootstrap = 200
	case NoBootstrap:
		s.Bootstrap = 0
	}
	if s.Confidence == 0 {
		s.Confidence = 0.95
	}
	switch {
	case s.Samples < 2:
		return nil, &fault.Error{Pkg: "sensitivity", Field: "samples", Value: strconv.Itoa(s.Samples) + ", want 2 or more", Err: fault.ErrOption}
	case s.Bootstrap < 0: // below NoBootstrap
		return nil, &fault.Error{Pkg: "sensitivity", Field: "bootstrap", Value: strconv.Itoa(s.Bootstrap), Err: fault.ErrOption}
	case !(s.Confidence > 0 && s.Confidence < 1):
		return nil, &fault.Error{Pkg: "sensitivity", Field: "confidence", Value: ftoa(s.Confidence) + ", want a level in (0, 1)", Err: fault.ErrOption}
	case len(s.Inputs) == 0:
		return nil, &fault.Error{Pkg: "sensitivity", Field: "inputs", Value: "none", Err: fault.ErrOption}
	}
	if _, err := e.query(s.Outputs); err != nil {
		return nil, err
	}
	d := len(s.Inputs)
	if s.Samples > math.MaxInt32/(d+2+s.Bootstrap) {
		return nil, &fault.Error{Pkg: "sensitivity", Field: "points", Value: "over " + strconv.Itoa(math.MaxInt32), Err: fault.ErrTooManyPoints}
	}
	if err := e.admit(ctx, s.Samples*(d+2+s.Bootstrap)); err != nil {
		return nil, err
	}
	smp, names, err := e.sampler(ctx, s.Inputs, nil, s.Samples, s.Seed, false)
	if err != nil {
		return nil, err
	}
	c := compiler{e: e, vars: names}
	progs := make([]program, len(s.Outputs))
	for i, o := range s.Outputs {
		p, err := c.output(o)
		if err != nil {
			return nil, err
		}
		progs[i] = compile(p)
	}
	checks, err := c.checks()
	if err != nil {
		return nil, err
	}
	fns := make([]func([]float64) float64, len(progs))
	for i := range progs {
		fns[i] = progs[i].eval
	}
	runs, bad, err := saltelli(ctx, e, smp, d, fns, checks)
	if err != nil {
		return nil, err
	}
	var rows []int
	invalid := map[int]int{}
	for j, k := range bad {
		if k < 0 {
			rows = append(rows, j)
		} else {
			invalid[k]++
		}
	}
	var counts []Invalid
	for k := range len(checks) + 1 {
		if n := invalid[k]; n > 0 {
			reason := notFinite
			if k < len(checks) {
				reason = checks[k].reason
			}
			counts = append(counts, Invalid{Reason: reason, Count: n})
		}
	}
	if len(counts) > 0 && (s.FailOnInvalid || len(rows) < 2) {
		return nil, &fault.Error{Pkg: "sensitivity", Field: "sobol", Value: describeInvalid(counts, s.Samples), Err: fault.ErrInvalidDraw}
	}
	out := make([]Indices, len(s.Outputs))
	for i, o := range s.Outputs {
		if out[i], err = indices(ctx, e, runs[i], rows, names, s.Bootstrap, s.Confidence, s.Seed); err != nil {
			return nil, err
		}
		out[i].Output, out[i].Rows, out[i].Invalid = o, len(rows), counts
		if v := out[i].Variance; !(v > 0) || math.IsInf(v, 0) {
			return nil, &fault.Error{Pkg: "sensitivity", Field: o, Value: "variance " + ftoa(v) + " over the draws: no indices to estimate", Err: fault.ErrInvalidDraw}
		}
	}
	return out, nil
}

// design is one output evaluated on Saltelli's design: fA[j], fB[j] and fAB[i][j].
type design struct {
	fA, fB []float64
	fAB    [][]float64
}

// saltelli evaluates each function on the design of smp.n rows: row j of A and of B are
// draws of a stream seeded with (seed, block of j), A's first. bad[j] is the index of the
// first check a draw of row j failed (len(checks) for an output not finite), or -1.
func saltelli(ctx context.Context, e *Engine, smp *sampler, d int, fns []func([]float64) float64, checks []check) ([]design, []int, error) {
	n := smp.n
	runs := make([]design, len(fns))
	for k := range runs {
		runs[k] = design{fA: make([]float64, n), fB: make([]float64, n), fAB: make([][]float64, d)}
		for i := range d {
			runs[k].fAB[i] = make([]float64, n)
		}
	}
	bad := make([]int, n)
	g := newGuard(checks)
	blocks := (n + blockSize - 1) / blockSize
	workers := make([]paddedWorker, e.workers(blocks))
	for i := range workers {
		workers[i].x, workers[i].u, workers[i].z = make([]float64, 3*d), make([]float64, d), make([]float64, d)
	}
	// eval writes each function's output at x to set, and reports the first failed check.
	eval := func(x []float64, set func(k int, v float64)) int {
		if k := g.first(x); k >= 0 {
			return k
		}
		for k, f := range fns {
			v := f(x)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return len(checks)
			}
			set(k, v)
		}
		return -1
	}
	err := e.run(ctx, blocks, blockSize*(d+2), n*(d+2), func(w, b int) {
		st := &workers[w]
		st.rng.Seed(smp.seed, uint64(b))
		a, bb, ab := st.x[:d], st.x[d:2*d], st.x[2*d:]
		for j := b * blockSize; j < min((b+1)*blockSize, n); j++ {
			smp.draw(&st.rng, j, a, st.u, st.z)
			smp.draw(&st.rng, j, bb, st.u, st.z)
			bad[j] = eval(a, func(k int, v float64) { runs[k].fA[j] = v })
			if bad[j] < 0 {
				bad[j] = eval(bb, func(k int, v float64) { runs[k].fB[j] = v })
			}
			for i := 0; i < d && bad[j] < 0; i++ {
				copy(ab, a)
				ab[i] = bb[i]
				bad[j] = eval(ab, func(k int, v float64) { runs[k].fAB[i][j] = v })
			}
		}
	})
	return runs, bad, err
}

// indices estimates the indices of one output over the given rows, and their bootstrap
// intervals: resample b draws its rows from a PCG stream seeded with (seed, b), on the
// engine's workers. With no resamples the intervals are NaN.
func indices(ctx context.Context, e *Engine, r design, all []int, names []string, resamples int, level float64, seed uint64) (Indices, error) {
	estimate := func(rows []int, first, total []float64) (v float64) {
		mean := 0.0
		for _, j := range rows {
			mean += r.fA[j] + r.fB[j]
		}
		mean /= float64(2 * len(rows))
		for _, j := range rows {
			v += (r.fA[j]-mean)*(r.fA[j]-mean) + (r.fB[j]-mean)*(r.fB[j]-mean)
		}
		v /= float64(2*len(rows) - 1)
		for i, fab := range r.fAB {
			sf, st := 0.0, 0.0
			for _, j := range rows {
				sf += (r.fB[j] - mean) * (fab[j] - r.fA[j])   // Saltelli 2010
				st += (r.fA[j] - fab[j]) * (r.fA[j] - fab[j]) // Jansen
			}
			first[i] = sf / float64(len(rows)) / v
			total[i] = st / float64(2*len(rows)) / v
		}
		return v
	}
	d := len(names)
	out := Indices{Inputs: make([]Index, d)}
	first, total := make([]float64, d), make([]float64, d)
	out.Variance = estimate(all, first, total)
	// boot[i] holds input i's first-order estimates, then its total ones, by resample.
	boot := make([][]float64, d)
	for i := range boot {
		boot[i] = make([]float64, 2*resamples)
	}
	scratch := make([]struct {
		rows       []int
		first, tot []float64
		rng        rand.PCG
	}, e.workers(resamples))
	for w := range scratch {
		scratch[w].rows, scratch[w].first, scratch[w].tot = make([]int, len(all)), make([]float64, d), make([]float64, d)
	}
	err := e.run(ctx, resamples, len(all), resamples*len(all), func(w, b int) {
		sc := &scratch[w]
		sc.rng.Seed(seed, math.MaxUint64-uint64(b))
		rng := rand.New(&sc.rng)
		for j := range sc.rows {
			sc.rows[j] = all[rng.IntN(len(all))]
		}
		estimate(sc.rows, sc.first, sc.tot)
		for i := range d {
			boot[i][b], boot[i][resamples+b] = sc.first[i], sc.tot[i]
		}
	})
	if err != nil {
		return Indices{}, err
	}
	tail := (1 - level) / 2
	for i, name := range names {
		fq, tq := []float64{math.NaN(), math.NaN()}, []float64{math.NaN(), math.NaN()}
		if resamples > 0 {
			fq = quantiles(finite(boot[i][:resamples]), tail, 1-tail)
			tq = quantiles(finite(boot[i][resamples:]), tail, 1-tail)
		}
		out.Inputs[i] = Index{Name: name, First: first[i], Total: total[i], FirstLo: fq[0], FirstHi: fq[1], TotalLo: tq[0], TotalHi: tq[1]}
	}
	return out, nil
}

// finite returns xs without NaN and infinities (a resample of rows whose outputs are all
// equal has no variance to divide by); NaN bounds when none is left.
func finite(xs []float64) []float64 {
	out := slices.DeleteFunc(slices.Clone(xs), func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) })
	if len(out) == 0 {
		return []float64{math.NaN()}
	}
	return out
}

// Text renders the indices as a plain-text table.
func (x Indices) Text() string { return x.table().Text() }

// Markdown renders the indices as a Markdown table.
func (x Indices) Markdown() string { return x.table().Markdown() }

func (x Indices) table() table.Table {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) }
	t := table.Table{Title: "Sobol indices of " + x.Output, Header: []string{"input", "first", "interval", "total", "interval"}}
	for _, in := range x.Invalid {
		t.Notes = append(t.Notes, strconv.Itoa(in.Count)+" rows left out: "+in.Reason)
	}
	for _, in := range x.Inputs {
		t.Rows = append(t.Rows, []string{in.Name, f(in.First), "[" + f(in.FirstLo) + ", " + f(in.FirstHi) + "]",
			f(in.Total), "[" + f(in.TotalLo) + ", " + f(in.TotalHi) + "]"})
	}
	return t
}

// MarshalJSON writes the indices in sotp's JSON contract: snake_case keys, decimals as exact
// strings, NaN as null, invalid cells as their errors.
func (x Indices) MarshalJSON() ([]byte, error) { return jsonx.Marshal(x) }
