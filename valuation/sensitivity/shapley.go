package sensitivity

import (
	"context"
	"math"
	"math/rand/v2"
	"strconv"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/jsonx"
	"github.com/sotpkit/sotp/valuation/internal/table"
)

// Shapley describes a run of Shapley effects of outputs over random inputs, which may be
// correlated: each input's share of the output's variance, the shares of interactions
// and of correlation divided among the inputs as the Shapley value of cooperative game
// theory divides a payoff (Owen 2014; Song, Nelson and Staum 2016, "Shapley effects for
// global sensitivity analysis", SIAM/ASA JUQ 4). Where Sobol' indices assume independent
// inputs, and give correlated drivers such as MAU and DAU shares that need not sum to
// one, the effects are defined for any dependence and sum to one. For independent inputs
// each lies between its first-order and total Sobol' index, and equals both for an
// additive output.
//
// The run is Song, Nelson and Staum's random-permutation estimator (their Algorithm 1):
// the output's variance from Samples draws; then for each of Permutations random orders
// of the inputs, the expected conditional variance c(J) = E[Var(Y | X outside J)] of each
// growing prefix J of the order, from Outer draws of the inputs outside J, each with Inner
// draws of J from its distribution given them; each input is credited with the rise of c
// as it joins, and the last rise is up to the variance, so the effects sum to one. The
// inputs' dependence is the Gaussian copula of Correlation, as Monte Carlo draws it:
// given the inputs outside J, the normal scores of J are normal with the Schur
// complement's mean and covariance. The intervals are normal ones over the permutations
// (each permutation's credits are independent), the variance taken as known. Results are
// the same for any number of workers.
type Shapley struct {
	// Outputs names the outputs: the model's, for Engine.Shapley; for Shapley.Run,
	// labels of the function's outputs, in the order it returns them.
	Outputs []string
	// Inputs are the random inputs; a Group is not used (each input is a player).
	Inputs []Variable
	// Correlation, if set, is the inputs' correlation matrix, in the order of Inputs,
	// applied through a Gaussian copula as MonteCarlo applies it.
	Correlation *mat.SymDense
	// Permutations is the number of random orders; zero means 1,000. Samples is the
	// number of draws behind the variance; zero means 10,000. Outer and Inner are the draws
	// behind each conditional variance; zero means 1 and 3, the choice Song, Nelson and
	// Staum find best at a budget.
	Permutations, Samples, Outer, Inner int
	Seed                                uint64
	// Confidence is the intervals' level, in (0, 1); zero means 0.95.
	Confidence float64
}

// ShapleyEffects are one output's Shapley effects: the share of its variance owed to each
// input, in the order of the inputs, with their intervals.
type ShapleyEffects struct {
	Output       string    `json:"output"`
	Variance     float64   `json:"variance"` // of the output, over Shapley.Samples draws
	Permutations int       `json:"permutations"`
	Names        []string  `json:"names"`
	Effects      []float64 `json:"effects"` // fractions of the variance; they sum to 1
	Lo           []float64 `json:"lo"`
	Hi           []float64 `json:"hi"`
	// Labels, when the engine was asked for Options.Captions, are the captions its text
	// tables print in place of keys; not written as JSON.
	Labels map[string]string `json:"-"`
}

// maxShapleyInputs bounds the inputs of a Shapley run, whose subsets are kept by bit
// mask; up to maxCachedInputs correlated inputs, the conditional distribution of every
// subset is worked out once (4,094 of them at 12), past it at each step of a
// permutation; shapleyChunk permutations' credits are held at a time.
const (
	maxShapleyInputs = 30
	maxCachedInputs  = 12
	shapleyChunk     = 1024
)

// defaults returns s with its zero counts set to their defaults.
func (s Shapley) defaults() Shapley {
	for _, c := range []struct {
		n   *int
		def int
	}{{&s.Permutations, 1000}, {&s.Samples, 10_000}, {&s.Outer, 1}, {&s.Inner, 3}} {
		if *c.n == 0 {
			*c.n = c.def
		}
	}
	if s.Confidence == 0 {
		s.Confidence = 0.95
	}
	return s
}

// Cost returns the evaluations s makes, Samples + Permutations × (inputs − 1) × Outer ×
// Inner, or the *fault.Error of a bad count. It evaluates nothing.
func (s Shapley) Cost() (int, error) {
	s = s.defaults()
	bad := func(field string, v int, want string) error {
		return &fault.Error{Pkg: "sensitivity", Field: field, Value: strconv.Itoa(v) + ", want " + want, Err: fault.ErrOption}
	}
	switch d := len(s.Inputs); {
	case d < 2 || d > maxShapleyInputs:
		return 0, bad("inputs", d, "2 to "+strconv.Itoa(maxShapleyInputs))
	case s.Permutations < 2:
		return 0, bad("permutations", s.Permutations, "2 or more")
	case s.Samples < 2:
		return 0, bad("samples", s.Samples, "2 or more")
	case s.Outer < 1:
		return 0, bad("outer", s.Outer, "1 or more")
	case s.Inner < 2:
		return 0, bad("inner", s.Inner, "2 or more: a variance")
	case len(s.Outputs) == 0:
		return 0, &fault.Error{Pkg: "sensitivity", Field: "outputs", Err: fault.ErrNoOutput}
	case notNumber(s.Confidence) || s.Confidence <= 0 || s.Confidence >= 1:
		return 0, &fault.Error{Pkg: "sensitivity", Field: "confidence", Value: ftoa(s.Confidence) + ", want in (0, 1)", Err: fault.ErrOption}
	}
	per, err := count(len(s.Inputs)-1, s.Outer, 0)
	if err != nil {
		return 0, err
	}
	if per, err = count(per, s.Inner, 0); err != nil {
		return 0, err
	}
	return count(s.Permutations, per, s.Samples)
}

// Shapley estimates the Shapley effects of s.Outputs of the model over s.Inputs, in
// float64 (see MonteCarlo for the boundary). A draw the decimal engine would refuse (DAU
// above MAU, a rate outside [0, 1], ...) fails the run with fault.ErrInvalidDraw, counted
// by reason: a conditional variance cannot leave a draw out. Truncate the inputs
// (Variable.Min, Max) to where the model is defined.
func (e *Engine) Shapley(ctx context.Context, s Shapley) ([]ShapleyEffects, error) {
	r, err := e.shapley(ctx, s)
	return labelled(r, err, func(x *ShapleyEffects) { x.Labels = e.labels(x.Output) })
}

// shapley is Shapley without the captions of Options.Captions.
func (e *Engine) shapley(ctx context.Context, s Shapley) ([]ShapleyEffects, error) {
	points, err := s.Cost()
	if err != nil {
		return nil, err
	}
	if err := e.opts.admit(ctx, points); err != nil {
		return nil, err
	}
	if _, err := e.query(s.Outputs); err != nil {
		return nil, err
	}
	bounds, err := e.bounds(s.Inputs)
	if err != nil {
		return nil, err
	}
	eval, reasons, err := e.floatModel(s.Outputs, s.Inputs)
	if err != nil {
		return nil, err
	}
	return s.run(ctx, e.opts, bounds, eval, reasons)
}

// Run estimates the Shapley effects of a Go function of the inputs, which returns one
// value an output; s.Inputs name its arguments in order. An output not finite fails the
// run with fault.ErrInvalidDraw. f is called from o.Workers goroutines at once.
func (s Shapley) Run(ctx context.Context, o Options, f func(x []float64) []float64) ([]ShapleyEffects, error) {
	points, err := s.Cost()
	if err != nil {
		return nil, err
	}
	if err := o.admit(ctx, points); err != nil {
		return nil, err
	}
	bounds := make([][2]float64, len(s.Inputs))
	for j := range bounds {
		bounds[j] = [2]float64{math.Inf(-1), math.Inf(1)}
	}
	return s.run(ctx, o, bounds, func(_ int, x, y []float64) int {
		out := f(x)
		if len(out) != len(y) {
			return 0
		}
		for k, v := range out {
			if notNumber(v) {
				return 0
			}
			y[k] = v
		}
		return -1
	}, []string{notFinite + " (or not one value an output)"})
}

// conditional is how the normal scores of the inputs in J are drawn given the others':
// mean A × z_K, Cholesky factor L of the covariance R_JJ − A R_KJ.
type conditional struct {
	j, k []int
	a    []float64 // |J| × |K|, row-major
	l    []float64 // |J| × |J| lower triangular, row-major
}

// conditionals works out the conditional of every subset in masks, from the correlation
// r (nil: independent inputs).
func conditionals(r *mat.SymDense, d int, masks []uint64) (map[uint64]*conditional, error) {
	out := make(map[uint64]*conditional, len(masks))
	for _, m := range masks {
		if _, ok := out[m]; ok {
			continue
		}
		c, err := newConditional(r, d, m)
		if err != nil {
			return nil, err
		}
		out[m] = c
	}
	return out, nil
}

// newConditional works out the conditional of the inputs in mask m, of d, given the
// others', from the correlation r (nil: independent inputs, whose conditional is their
// own: A zero, L the identity).
func newConditional(r *mat.SymDense, d int, m uint64) (*conditional, error) {
	c := &conditional{}
	for i := range d {
		if m&(1<<i) != 0 {
			c.j = append(c.j, i)
		} else {
			c.k = append(c.k, i)
		}
	}
	nj, nk := len(c.j), len(c.k)
	c.a, c.l = make([]float64, nj*nk), make([]float64, nj*nj)
	if r == nil {
		for i := range nj {
			c.l[i*nj+i] = 1
		}
		return c, nil
	}
	if err := c.fit(r); err != nil {
		return nil, err
	}
	return c, nil
}

// fit works out c's A and L from the correlation r: Aᵀ = R_KK⁻¹ R_KJ, and L the Cholesky
// factor of R_JJ − A R_KJ; or the error of either not positive definite.
func (c *conditional) fit(r *mat.SymDense) error {
	nj, nk := len(c.j), len(c.k)
	rkk, rkj := mat.NewSymDense(nk, nil), mat.NewDense(nk, nj, nil)
	for a, p := range c.k {
		for b, q := range c.k {
			rkk.SetSym(a, b, r.At(p, q))
		}
		for b, q := range c.j {
			rkj.Set(a, b, r.At(p, q))
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(rkk) {
		return &fault.Error{Pkg: "sensitivity", Field: "correlation", Value: "not positive definite", Err: fault.ErrDistribution}
	}
	var at mat.Dense // Aᵀ = R_KK⁻¹ R_KJ
	if err := ch.SolveTo(&at, rkj); err != nil {
		return &fault.Error{Pkg: "sensitivity", Field: "correlation", Value: err.Error(), Err: fault.ErrDistribution}
	}
	cov := c.covariance(r, &at, rkj)
	var cc mat.Cholesky
	if !cc.Factorize(cov) {
		return &fault.Error{Pkg: "sensitivity", Field: "correlation", Value: "a conditional covariance not positive definite", Err: fault.ErrDistribution}
	}
	var l mat.TriDense
	cc.LTo(&l)
	for a := range nj {
		for b := 0; b <= a; b++ {
			c.l[a*nj+b] = l.At(a, b)
		}
	}
	return nil
}

// covariance writes A, the transpose of at, to c.a and returns the conditional
// covariance R_JJ − A R_KJ of the correlation r.
func (c *conditional) covariance(r *mat.SymDense, at, rkj *mat.Dense) *mat.SymDense {
	nj, nk := len(c.j), len(c.k)
	cov := mat.NewSymDense(nj, nil)
	for a, p := range c.j {
		for b := a; b < nj; b++ {
			v := r.At(p, c.j[b])
			for x := range nk {
				v -= at.At(x, a) * rkj.At(x, b)
			}
			cov.SetSym(a, b, v)
		}
		for x := range nk {
			c.a[a*nk+x] = at.At(x, a)
		}
	}
	return cov
}

// shapleyScratch is one worker's scratch, apart from the next worker's.
type shapleyScratch struct {
	_          [64]byte
	z, zj, x   []float64
	y, sum, sq []float64
	invalid    []int
	_          [64]byte
}

// estimator is a Shapley run under way: its request and options, the sampler of its
// inputs' marginals and copula, the outputs' evaluator, the conditionals worked out once,
// and each worker's scratch.
type estimator struct {
	s       Shapley
	o       Options
	d, nout int
	smp     *sampler
	eval    func(w int, x, y []float64) int
	cache   map[uint64]*conditional
	scratch []shapleyScratch
}

// run is the estimator, on eval(w, x, y): the outputs at x written to y, -1, or the index
// in reasons of why x cannot be valued.
func (s Shapley) run(ctx context.Context, o Options, bounds [][2]float64, eval func(w int, x, y []float64) int, reasons []string) ([]ShapleyEffects, error) {
	s = s.defaults()
	o.Progress = nil
	e := &estimator{s: s, o: o, d: len(s.Inputs), nout: len(s.Outputs), eval: eval}
	var err error
	if e.smp, err = newSampler(ctx, s.Inputs, bounds, s.Correlation, 1, s.Seed, Plain, 1, 1); err != nil {
		return nil, err
	}
	// The conditional distribution of each prefix a permutation visits: with correlated
	// inputs, worked out once for each subset when there are few inputs (at most 4,094
	// subsets), else at each step, so that memory does not grow with the permutations.
	if s.Correlation != nil && e.d <= maxCachedInputs {
		masks := make([]uint64, 0, 1<<e.d)
		for m := uint64(1); m < 1<<e.d-1; m++ {
			masks = append(masks, m)
		}
		if e.cache, err = conditionals(s.Correlation, e.d, masks); err != nil {
			return nil, err
		}
	}
	e.scratch = make([]shapleyScratch, o.workers(max(s.Permutations, (s.Samples+blockSize-1)/blockSize)))
	for w := range e.scratch {
		e.scratch[w] = shapleyScratch{z: make([]float64, e.d), zj: make([]float64, e.d), x: make([]float64, e.d), y: make([]float64, e.nout),
			sum: make([]float64, e.nout), sq: make([]float64, e.nout), invalid: make([]int, len(reasons))}
	}
	variance, err := e.variance(ctx)
	if err != nil {
		return nil, err
	}
	credits, err := e.credits(ctx, variance)
	if err != nil {
		return nil, err
	}
	if err := e.invalid(reasons); err != nil {
		return nil, err
	}
	return s.effects(variance, credits)
}

// condOf is the conditional distribution of the inputs in mask m given the others'.
func (e *estimator) condOf(m uint64) (*conditional, error) {
	if c, ok := e.cache[m]; ok {
		return c, nil
	}
	cs, err := conditionals(e.s.Correlation, e.d, []uint64{m})
	return cs[m], err
}

// normals draws the inputs' correlated normal scores into z from rng (tmp: scratch).
func (e *estimator) normals(rng *rand.PCG, z, tmp []float64) {
	for i := range z {
		tmp[i] = mathext.NormalQuantile(uniform(rng))
	}
	if e.smp.chol == nil {
		copy(z, tmp)
		return
	}
	for i := range z {
		v := 0.0
		for k := 0; k <= i; k++ {
			v += e.smp.chol[i*e.d+k] * tmp[k]
		}
		z[i] = v
	}
}

// value maps the normal scores st.z to inputs and evaluates them into st.y; false, and
// counted by reason, when they cannot be valued.
func (e *estimator) value(w int, st *shapleyScratch) bool {
	for i, z := range st.z {
		u := 0.5 * math.Erfc(-z/math.Sqrt2)
		st.x[i] = e.smp.dists[i].Quantile(math.Min(e.smp.lo[i]+u*e.smp.wid[i], 1))
	}
	if k := e.eval(w, st.x, st.y); k >= 0 {
		st.invalid[k]++
		return false
	}
	return true
}

// variance is each output's variance over s.Samples draws, block by block merged in order.
func (e *estimator) variance(ctx context.Context) ([]float64, error) {
	s := e.s
	nb := (s.Samples + blockSize - 1) / blockSize
	blocks := make([][]blockStats, e.nout)
	for k := range blocks {
		blocks[k] = make([]blockStats, nb)
	}
	err := e.o.run(ctx, nb, blockSize, s.Samples, func(w, b int) {
		st := &e.scratch[w]
		var rng rand.PCG
		rng.Seed(s.Seed, 1<<63|uint64(b))
		bs := make([]blockStats, e.nout)
		for k := range bs {
			bs[k] = newBlockStats()
		}
		for range min(blockSize, s.Samples-b*blockSize) {
			e.normals(&rng, st.z, st.zj)
			if e.value(w, st) {
				for k, v := range st.y {
					bs[k].add(v, 0)
				}
			}
		}
		for k := range bs {
			blocks[k][b] = bs[k]
		}
	})
	if err != nil {
		return nil, err
	}
	variance := make([]float64, e.nout)
	for k := range variance {
		var wf welford
		for _, b := range blocks[k] {
			wf.merge(b)
		}
		variance[k] = wf.m2 / (wf.n - 1)
	}
	return variance, nil
}

// credits runs the permutations and returns each effect's statistics over them,
// effects[k*d+i] of input i's rise of c for output k: a chunk of permutations at a time,
// each permutation's credits merged in order.
func (e *estimator) credits(ctx context.Context, variance []float64) ([]welford, error) {
	s, d, nout := e.s, e.d, e.nout
	effects := make([]welford, nout*d)
	credit := make([][]float64, min(s.Permutations, shapleyChunk))
	for c := range credit {
		credit[c] = make([]float64, nout*d)
	}
	errs := make([]error, len(credit))
	for first := 0; first < s.Permutations; first += shapleyChunk {
		n := min(shapleyChunk, s.Permutations-first)
		err := e.o.run(ctx, n, 1, n, func(w, c int) {
			errs[c] = e.permutation(first+c, variance, &e.scratch[w], w, credit[c])
		})
		if err != nil {
			return nil, err
		}
		for c := range n {
			if errs[c] != nil {
				return nil, errs[c]
			}
			for x, v := range credit[c] {
				effects[x].merge(blockStats{n: 1, mean: v})
			}
		}
	}
	return effects, nil
}

// permutation draws permutation l and credits each input, in cr, with the rise of c
// for each output as it joins; the last input's rise is up to the variance.
func (e *estimator) permutation(l int, variance []float64, st *shapleyScratch, w int, cr []float64) error {
	perm := rand.New(rand.NewPCG(e.s.Seed, uint64(l))).Perm(e.d)
	var rng rand.PCG
	rng.Seed(e.s.Seed, 1<<62|uint64(l))
	prev := make([]float64, e.nout)
	m := uint64(0)
	for j, i := range perm {
		rise := variance
		if j < e.d-1 {
			m |= 1 << i
			cond, err := e.condOf(m)
			if err != nil {
				return err
			}
			rise = e.expected(&rng, cond, st, w)
		}
		for k := range e.nout {
			cr[k*e.d+i] = rise[k] - prev[k]
			prev[k] = rise[k]
		}
	}
	return nil
}

// invalid fails the run when any draw could not be valued, counted by reason.
func (e *estimator) invalid(reasons []string) error {
	var invalid []Invalid
	for k, reason := range reasons {
		n := 0
		for _, st := range e.scratch {
			n += st.invalid[k]
		}
		if n > 0 {
			invalid = append(invalid, Invalid{Reason: reason, Count: n})
		}
	}
	if len(invalid) == 0 {
		return nil
	}
	total, _ := e.s.Cost()
	return &fault.Error{Pkg: "sensitivity", Field: "shapley", Value: describeInvalid(invalid, total), Err: fault.ErrInvalidDraw}
}

// effects turns each output's variance and its inputs' credits into effects, with their
// normal intervals.
func (s Shapley) effects(variance []float64, credits []welford) ([]ShapleyEffects, error) {
	d := len(s.Inputs)
	zq := distuv.UnitNormal.Quantile(0.5 + s.Confidence/2)
	names := inputNames(s.Inputs)
	out := make([]ShapleyEffects, len(variance))
	for k, v := range variance {
		if !(v > 0) || math.IsInf(v, 0) {
			return nil, &fault.Error{Pkg: "sensitivity", Field: s.Outputs[k], Value: "variance " + ftoa(v) + " over the draws: no effects to estimate", Err: fault.ErrInvalidDraw}
		}
		x := ShapleyEffects{Output: s.Outputs[k], Variance: v, Permutations: s.Permutations, Names: names,
			Effects: make([]float64, d), Lo: make([]float64, d), Hi: make([]float64, d)}
		for i := range d {
			wf := credits[k*d+i]
			half := zq * math.Sqrt(wf.m2/(wf.n-1)/wf.n)
			x.Effects[i], x.Lo[i], x.Hi[i] = wf.mean/v, (wf.mean-half)/v, (wf.mean+half)/v
		}
		out[k] = x
	}
	return out, nil
}

// expected is c(J) for each output: the mean over s.Outer draws of the inputs outside
// J of the variance of the outputs over s.Inner draws of J given them.
func (e *estimator) expected(rng *rand.PCG, c *conditional, st *shapleyScratch, w int) []float64 {
	s := e.s
	nout, nj, nk := len(st.y), len(c.j), len(c.k)
	out := make([]float64, nout)
	mean := make([]float64, nj)
	fixed := make([]float64, len(st.z))
	for range s.Outer {
		e.normals(rng, fixed, st.zj)
		for a := range nj {
			v := 0.0
			for b, q := range c.k {
				v += c.a[a*nk+b] * fixed[q]
			}
			mean[a] = v
		}
		clear(st.sum) // each output's running mean and sum of squared deviations (Welford)
		clear(st.sq)
		for h := range s.Inner {
			copy(st.z, fixed)
			for a := range nj {
				st.zj[a] = mathext.NormalQuantile(uniform(rng))
			}
			for a, p := range c.j {
				v := mean[a]
				for b := 0; b <= a; b++ {
					v += c.l[a*nj+b] * st.zj[b]
				}
				st.z[p] = v
			}
			if !e.value(w, st) {
				continue // counted: the run fails
			}
			for k, v := range st.y {
				dv := v - st.sum[k]
				st.sum[k] += dv / float64(h+1)
				st.sq[k] += dv * (v - st.sum[k])
			}
		}
		for k := range nout {
			out[k] += st.sq[k] / float64(s.Inner-1) / float64(s.Outer)
		}
	}
	return out
}

// Text renders the effects as a plain-text table.
func (x ShapleyEffects) Text() string { return x.table().Text() }

// Markdown renders the effects as a Markdown table.
func (x ShapleyEffects) Markdown() string { return x.table().Markdown() }

func (x ShapleyEffects) table() table.Table {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) }
	t := table.Table{Labels: x.Labels, Title: "Shapley effects: " + x.Output + ", " + strconv.Itoa(x.Permutations) + " permutations",
		Header: []string{"input", "effect", "low", "high"}}
	for i, n := range x.Names {
		t.Rows = append(t.Rows, []string{n, f(x.Effects[i]), f(x.Lo[i]), f(x.Hi[i])})
	}
	t.Notes = append(t.Notes, "shares of the variance "+strconv.FormatFloat(x.Variance, 'g', 6, 64)+"; they sum to 1")
	return t
}

// MarshalJSON writes the effects in sotp's JSON contract: snake_case keys, NaN as null.
func (x ShapleyEffects) MarshalJSON() ([]byte, error) { return jsonx.Marshal(x) }
