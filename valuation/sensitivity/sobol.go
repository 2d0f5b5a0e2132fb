package sensitivity

import (
	"context"
	"math"
	"math/rand/v2"
	"strconv"

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
	// Bootstrap is the number of resamples behind the confidence intervals; zero means 200.
	Bootstrap int
	// Confidence is the intervals' level; zero means 0.95.
	Confidence float64
}

// Indices are one output's Sobol indices.
type Indices struct {
	Output   string
	Variance float64 // of the output over all 2N base draws
	Inputs   []Index
}

// Index is one input's first-order and total Sobol indices with bootstrap percentile
// intervals.
type Index struct {
	Name             string
	First, Total     float64
	FirstLo, FirstHi float64
	TotalLo, TotalHi float64
}

// Sobol estimates first-order and total indices of each input for each output: Saltelli's
// design (matrices A and B of N draws each, and A with column i from B for each input i)
// with Jansen's estimators, S_i = (V - Σ(f(B) - f(A_B^i))² / 2N) / V and
// S_Ti = Σ(f(A) - f(A_B^i))² / 2N / V, and percentile intervals from bootstrap resamples
// of the N rows. Rows come in seeded blocks, so results do not depend on the workers.
func (e *Engine) Sobol(ctx context.Context, s Sobol) ([]Indices, error) {
	if s.Samples == 0 {
		s.Samples = 4096
	}
	if s.Samples < 2 || s.Bootstrap < 0 || s.Confidence < 0 || s.Confidence >= 1 || len(s.Inputs) == 0 {
		return nil, &AssumptionError{Name: "sobol", Value: "samples " + strconv.Itoa(s.Samples), Err: ErrOption}
	}
	if _, err := e.query(s.Outputs); err != nil {
		return nil, err
	}
	d := len(s.Inputs)
	if s.Samples > math.MaxInt32/(d+2) {
		return nil, &AssumptionError{Name: "points", Value: "over " + strconv.Itoa(math.MaxInt32), Err: ErrTooManyPoints}
	}
	if err := e.admit(s.Samples * (d + 2)); err != nil {
		return nil, err
	}
	smp, names, err := e.sampler(s.Inputs, nil, s.Samples, s.Seed, false)
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
	fns := make([]func([]float64) float64, len(progs))
	for i := range progs {
		fns[i] = progs[i].eval
	}
	runs, err := saltelli(ctx, e, smp, d, fns)
	if err != nil {
		return nil, err
	}
	out := make([]Indices, len(s.Outputs))
	for i, o := range s.Outputs {
		out[i] = jansen(runs[i], names, s.Bootstrap, s.Confidence, s.Seed)
		out[i].Output = o
	}
	return out, nil
}

// design is one output evaluated on Saltelli's design: fA[j], fB[j] and fAB[i][j].
type design struct {
	fA, fB []float64
	fAB    [][]float64
}

// saltelli evaluates each function on the design of smp.n rows: row j of A and of B are
// draws of a stream seeded with (seed, block of j), A's first.
func saltelli(ctx context.Context, e *Engine, smp *sampler, d int, fns []func([]float64) float64) ([]design, error) {
	n := smp.n
	runs := make([]design, len(fns))
	for k := range runs {
		runs[k] = design{fA: make([]float64, n), fB: make([]float64, n), fAB: make([][]float64, d)}
		for i := range d {
			runs[k].fAB[i] = make([]float64, n)
		}
	}
	blocks := (n + blockSize - 1) / blockSize
	workers := make([]paddedWorker, e.workers(blocks))
	for i := range workers {
		workers[i].x, workers[i].u, workers[i].z = make([]float64, 3*d), make([]float64, d), make([]float64, d)
	}
	err := e.run(ctx, blocks, blockSize*(d+2), n*(d+2), func(w, b int) {
		st := &workers[w]
		st.rng.Seed(smp.seed, uint64(b))
		a, bb, ab := st.x[:d], st.x[d:2*d], st.x[2*d:]
		for j := b * blockSize; j < min((b+1)*blockSize, n); j++ {
			smp.draw(&st.rng, j, a, st.u, st.z)
			smp.draw(&st.rng, j, bb, st.u, st.z)
			for k, f := range fns {
				runs[k].fA[j], runs[k].fB[j] = f(a), f(bb)
			}
			for i := range d {
				copy(ab, a)
				ab[i] = bb[i]
				for k, f := range fns {
					runs[k].fAB[i][j] = f(ab)
				}
			}
		}
	})
	return runs, err
}

// jansen estimates the indices of one output and their bootstrap intervals.
func jansen(r design, names []string, resamples int, level float64, seed uint64) Indices {
	if resamples == 0 {
		resamples = 200
	}
	if level == 0 {
		level = 0.95
	}
	n := len(r.fA)
	all := make([]int, n)
	for j := range all {
		all[j] = j
	}
	estimate := func(rows []int) (v float64, first, total []float64) {
		mean := 0.0
		for _, j := range rows {
			mean += r.fA[j] + r.fB[j]
		}
		mean /= float64(2 * len(rows))
		for _, j := range rows {
			v += (r.fA[j]-mean)*(r.fA[j]-mean) + (r.fB[j]-mean)*(r.fB[j]-mean)
		}
		v /= float64(2*len(rows) - 1)
		first, total = make([]float64, len(r.fAB)), make([]float64, len(r.fAB))
		for i, fab := range r.fAB {
			sf, st := 0.0, 0.0
			for _, j := range rows {
				sf += (r.fB[j] - fab[j]) * (r.fB[j] - fab[j])
				st += (r.fA[j] - fab[j]) * (r.fA[j] - fab[j])
			}
			first[i] = (v - sf/float64(2*len(rows))) / v
			total[i] = st / float64(2*len(rows)) / v
		}
		return v, first, total
	}
	out := Indices{Inputs: make([]Index, len(names))}
	v, first, total := estimate(all)
	out.Variance = v
	boot := make([][2][]float64, len(names))
	for i := range boot {
		boot[i] = [2][]float64{make([]float64, resamples), make([]float64, resamples)}
	}
	rng := rand.New(rand.NewPCG(seed, math.MaxUint64-1))
	rows := make([]int, n)
	for b := range resamples {
		for j := range rows {
			rows[j] = rng.IntN(n)
		}
		_, f, t := estimate(rows)
		for i := range names {
			boot[i][0][b], boot[i][1][b] = f[i], t[i]
		}
	}
	tail := (1 - level) / 2
	for i, name := range names {
		fq := quantiles(boot[i][0], tail, 1-tail)
		tq := quantiles(boot[i][1], tail, 1-tail)
		out.Inputs[i] = Index{Name: name, First: first[i], Total: total[i], FirstLo: fq[0], FirstHi: fq[1], TotalLo: tq[0], TotalHi: tq[1]}
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
	for _, in := range x.Inputs {
		t.Rows = append(t.Rows, []string{in.Name, f(in.First), "[" + f(in.FirstLo) + ", " + f(in.FirstHi) + "]",
			f(in.Total), "[" + f(in.TotalLo) + ", " + f(in.TotalHi) + "]"})
	}
	return t
}
