package sensitivity

import (
	"context"
	"math"
	"math/rand/v2"
	"strconv"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/mathext"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/sensitivity/internal/qmc"
)

// Distribution is a univariate distribution, as gonum's distuv types implement it:
// distuv.Normal, LogNormal, Uniform, Triangle and Beta all qualify. Draws go through the
// quantile function, so that truncation, Latin hypercube strata and correlation all act on
// uniform draws the package makes from its own seeded source; a Src field is not used.
type Distribution interface {
	CDF(x float64) float64
	Quantile(p float64) float64
}

// Variable is an assumption drawn at random in a Monte Carlo or Sobol run (or, in a
// SobolDesign or MorrisDesign, an input of a function, by any name).
type Variable struct {
	Name string
	Dist Distribution
	// Group, in a Sobol or Morris run, names the factor the input belongs to: inputs of one
	// Group move together and share one index or effect (all of e-commerce, say). Empty,
	// the input is a factor of its own. Monte Carlo runs do not use it.
	Group string
	// Min and Max truncate the distribution to [Min, Max]; Min == Max means no bounds but
	// the assumption's kind's: a rate stays in [0, 1], a margin in [-1, 1], a premium above
	// -1, and counts, money, multiples, FX rates, shares and prices at or above 0. Every
	// draw is within them, even far in a tail, where float64 quantiles are imprecise.
	Min, Max float64
}

// blockSize is the number of draws made from one seeded stream. A block's draws depend
// only on the seed and the block's index, so results do not depend on the workers.
const blockSize = 1024

// Sampling is how a Monte Carlo or Sobol run makes the uniform draws behind its inputs'
// draws (each goes through its distribution's quantile function).
type Sampling int

const (
	// Plain draws are independent pseudo-random uniforms from seeded PCG streams.
	Plain Sampling = iota
	// LatinHypercube stratifies each input's n draws into n equal-probability strata,
	// one draw in each. The strata count against MaxPoints: n per input.
	LatinHypercube
	// QuasiRandom draws the points of a scrambled Sobol' sequence: Joe and Kuo's direction
	// numbers (new-joe-kuo-6.21201), a linear matrix scramble and a digital shift seeded
	// with the run's seed, as SciPy's qmc.Sobol makes them. A run of 2^m draws is
	// stratified in every input at once, and estimates converge at nearly 1/n rather than
	// 1/√n. At most 1,024 uniforms a draw: 1,024 inputs for Monte Carlo, 512 for Sobol.
	QuasiRandom
)

// String returns the sampling's name: plain, latin_hypercube or quasi_random.
func (s Sampling) String() string {
	switch s {
	case Plain:
		return "plain"
	case LatinHypercube:
		return "latin_hypercube"
	case QuasiRandom:
		return "quasi_random"
	}
	return "Sampling(" + strconv.Itoa(int(s)) + ")"
}

// UnmarshalText reads a sampling by the name String gives it.
func (s *Sampling) UnmarshalText(name []byte) error {
	for x := Plain; x <= QuasiRandom; x++ {
		if x.String() == string(name) {
			*s = x
			return nil
		}
	}
	return &fault.Error{Pkg: "sensitivity", Field: "sampling", Value: strconv.Quote(string(name)) + ", want plain, latin_hypercube or quasi_random", Err: fault.ErrOption}
}

// sampler turns uniform draws into draws of the inputs. A draw is one of n, and each has
// halves sets of d inputs (Sobol's A and B: 2), each set with uniforms of its own.
type sampler struct {
	n, d    int // draws, inputs
	dists   []Distribution
	lo, wid []float64 // each input's CDF at its lower bound, and the mass within bounds
	min     []float64 // each input's bounds, which a draw is kept within
	max     []float64
	chol    []float64 // lower Cholesky factor of the correlation, row-major; nil when independent
	perms   [][]int32 // Latin hypercube: the stratum of draw i of uniform j; nil when plain
	// seqs are the quasi-random scrambles, each giving per consecutive draws; nil otherwise.
	seqs []*qmc.Sobol
	per  int
	seed uint64
}

// bounds resolves the inputs' assumptions and returns the values each kind can take.
func (e *Engine) bounds(inputs []Variable) ([][2]float64, error) {
	bounds := make([][2]float64, len(inputs))
	for j, in := range inputs {
		r, err := e.resolve(in.Name)
		if err != nil {
			return nil, err
		}
		bounds[j][0], bounds[j][1] = kindBounds(r.Kind)
	}
	return bounds, nil
}

// inputNames returns the inputs' names, in order.
func inputNames(inputs []Variable) []string {
	names := make([]string, len(inputs))
	for i, in := range inputs {
		names[i] = in.Name
	}
	return names
}

// newSampler checks the inputs and prepares n draws of halves sets of them: each input
// bounded by bounds and by its own Min and Max, Latin hypercube strata laid out (checking
// ctx as they are), and with QuasiRandom, replicates independent scrambles of n /
// replicates draws each.
func newSampler(ctx context.Context, inputs []Variable, bounds [][2]float64, corr *mat.SymDense, n int, seed uint64, how Sampling, halves, replicates int) (*sampler, error) {
	d := len(inputs)
	s := &sampler{n: n, d: d, seed: seed}
	for j, in := range inputs {
		if err := s.add(inputs[:j], in, bounds[j]); err != nil {
			return nil, err
		}
	}
	if corr != nil {
		chol, err := cholesky(corr, d)
		if err != nil {
			return nil, err
		}
		s.chol = chol
	}
	switch how {
	case Plain:
	case LatinHypercube:
		perms, err := strata(ctx, halves*d, n, seed)
		if err != nil {
			return nil, err
		}
		s.perms = perms
	case QuasiRandom:
		s.per = n / replicates
		base, err := qmc.New(halves * d)
		if err != nil {
			return nil, &fault.Error{Pkg: "sensitivity", Field: "sampling", Value: err.Error(), Err: fault.ErrOption}
		}
		for r := range replicates { // the direction numbers once, a scramble a replicate
			s.seqs = append(s.seqs, base.Scramble(seed, uint64(r)))
		}
	default:
		return nil, &fault.Error{Pkg: "sensitivity", Field: "sampling", Value: how.String(), Err: fault.ErrOption}
	}
	return s, nil
}

// add checks input in, after the inputs prev, and adds it to the sampler: its
// distribution, and the CDF at its lower bound and the mass within its bounds (bounds,
// narrowed by its own Min and Max).
func (s *sampler) add(prev []Variable, in Variable, bounds [2]float64) error {
	for _, p := range prev {
		if p.Name == in.Name {
			return &fault.Error{Pkg: "sensitivity", Field: in.Name, Err: fault.ErrDuplicateAssumption}
		}
	}
	if in.Dist == nil {
		return &fault.Error{Pkg: "sensitivity", Field: in.Name, Value: "no distribution", Err: fault.ErrDistribution}
	}
	lo, hi := bounds[0], bounds[1]
	if math.IsNaN(in.Min) || math.IsNaN(in.Max) || in.Min > in.Max {
		return &fault.Error{Pkg: "sensitivity", Field: in.Name, Value: "bounds [" + ftoa(in.Min) + ", " + ftoa(in.Max) + "]", Err: fault.ErrDistribution}
	}
	if in.Min != in.Max {
		lo, hi = math.Max(lo, in.Min), math.Min(hi, in.Max)
	}
	cl, ch, ok := mass(in.Dist, lo, hi)
	if !ok {
		return &fault.Error{Pkg: "sensitivity", Field: in.Name, Value: "no probability in [" + ftoa(lo) + ", " + ftoa(hi) + "]", Err: fault.ErrDistribution}
	}
	s.dists = append(s.dists, in.Dist)
	s.lo, s.wid = append(s.lo, cl), append(s.wid, ch-cl)
	s.min, s.max = append(s.min, lo), append(s.max, hi)
	return nil
}

// cholesky checks corr, a correlation of d inputs, and returns its lower Cholesky factor,
// row-major.
func cholesky(corr *mat.SymDense, d int) ([]float64, error) {
	if r, c := corr.Dims(); r != d || c != d {
		return nil, &fault.Error{Pkg: "sensitivity", Field: "correlation", Value: strconv.Itoa(r) + "×" + strconv.Itoa(c) + " for " + strconv.Itoa(d) + " inputs", Err: fault.ErrDistribution}
	}
	for j := range d {
		if corr.At(j, j) != 1 {
			return nil, &fault.Error{Pkg: "sensitivity", Field: "correlation", Value: "diagonal " + ftoa(corr.At(j, j)), Err: fault.ErrDistribution}
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(corr) {
		return nil, &fault.Error{Pkg: "sensitivity", Field: "correlation", Value: "not positive definite", Err: fault.ErrDistribution}
	}
	var l mat.TriDense
	ch.LTo(&l)
	chol := make([]float64, d*d)
	for i := range d {
		for j := 0; j <= i; j++ {
			chol[i*d+j] = l.At(i, j)
		}
	}
	return chol, nil
}

// strata lays out the Latin hypercube strata of count uniforms over n draws, checking ctx
// as it goes: for each uniform, a permutation of the n strata shuffled by a stream seeded
// with seed.
func strata(ctx context.Context, count, n int, seed uint64) ([][]int32, error) {
	rng := rand.New(rand.NewPCG(seed, math.MaxUint64))
	perms := make([][]int32, count)
	for j := range perms {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p := make([]int32, n)
		for i := range p {
			p[i] = int32(i)
		}
		// Fisher-Yates, as rand.Shuffle does, checking ctx every 2^16 swaps.
		for i := n - 1; i > 0; i-- {
			if i&0xffff == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			k := int(rng.Uint64N(uint64(i + 1)))
			p[i], p[k] = p[k], p[i]
		}
		perms[j] = p
	}
	return perms, nil
}

// mass returns the distribution's CDF at lo and hi, and whether the distribution is
// usable there: finite, increasing, with probability between the bounds. A distuv
// distribution with bad parameters may panic; that is caught here, once, before any draw.
func mass(d Distribution, lo, hi float64) (cl, ch float64, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	cl, ch = 0, 1
	if !math.IsInf(lo, -1) {
		cl = d.CDF(lo)
	}
	if !math.IsInf(hi, 1) {
		ch = d.CDF(hi)
	}
	mid := d.Quantile(cl + (ch-cl)/2)
	return cl, ch, ch-cl > 0 && !notNumber(mid)
}

// kindBounds are the values an assumption of kind k can take.
func kindBounds(k valuation.Kind) (lo, hi float64) {
	switch k {
	case valuation.KindRate:
		return 0, 1
	case valuation.KindMargin:
		return -1, 1
	case valuation.KindPremium:
		return math.Nextafter(-1, 0), math.Inf(1) // above -1
	}
	return 0, math.Inf(1)
}

// uniform returns a float64 in (0, 1) from 53 random bits, never 0 or 1.
func uniform(r *rand.PCG) float64 {
	return (float64(r.Uint64()>>11) + 0.5) / (1 << 53)
}

// draw fills x with set half of draw i of the inputs, its uniforms from rng unless they
// are quasi-random; u and z are scratch of the inputs' length.
func (s *sampler) draw(rng *rand.PCG, i, half int, x, u, z []float64) {
	switch {
	case s.seqs != nil:
		seq, k := s.seqs[i/s.per], uint64(i%s.per)
		for j := range u {
			u[j] = (float64(seq.Bits(k, half*s.d+j)>>11) + 0.5) / (1 << 53)
		}
	case s.perms != nil:
		for j := range u {
			u[j] = (float64(s.perms[half*s.d+j][i]) + uniform(rng)) / float64(s.n)
		}
	default:
		for j := range u {
			u[j] = uniform(rng)
		}
	}
	if s.chol != nil {
		d := len(u)
		for j := range u {
			z[j] = mathext.NormalQuantile(u[j])
		}
		for j := range d { // u = Φ(L z): normal scores correlated, back to uniforms
			v := 0.0
			for k := 0; k <= j; k++ {
				v += s.chol[j*d+k] * z[k]
			}
			u[j] = 0.5 * math.Erfc(-v/math.Sqrt2)
		}
	}
	// Truncated far in a tail, the CDF at a bound is within a few ulps of 0 or 1: the
	// probability may round to 1 (whose quantile is +Inf), and the quantile of one so
	// close to 1 falls a little outside the bounds. A draw is kept within them.
	for j, dist := range s.dists {
		p := math.Min(s.lo[j]+u[j]*s.wid[j], math.Nextafter(1, 0))
		x[j] = math.Min(math.Max(dist.Quantile(p), s.min[j]), s.max[j]) // NaN stays NaN: a refused draw
	}
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
