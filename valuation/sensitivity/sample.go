package sensitivity

import (
	"context"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/mathext"
)

// Distribution is a univariate distribution, as gonum's distuv types implement it:
// distuv.Normal, LogNormal, Uniform, Triangle and Beta all qualify. Draws go through the
// quantile function, so that truncation, Latin hypercube strata and correlation all act on
// uniform draws the package makes from its own seeded source; a Src field is not used.
type Distribution interface {
	CDF(x float64) float64
	Quantile(p float64) float64
}

// Input is an assumption drawn at random in a Monte Carlo or Sobol run.
type Input struct {
	Name string
	Dist Distribution
	// Min and Max truncate the distribution to [Min, Max]; Min == Max means no bounds but
	// the assumption's kind's: a rate stays in [0, 1], a margin in [-1, 1], a premium above
	// -1, and counts, money, multiples, FX rates, shares and prices at or above 0.
	Min, Max float64
}

// blockSize is the number of draws made from one seeded stream. A block's draws depend
// only on the seed and the block's index, so results do not depend on the workers.
const blockSize = 1024

// sampler turns uniform draws into draws of the inputs.
type sampler struct {
	n       int // draws
	dists   []Distribution
	lo, wid []float64 // each input's CDF at its lower bound, and the mass within bounds
	chol    []float64 // lower Cholesky factor of the correlation, row-major; nil when independent
	perms   [][]int32 // Latin hypercube: the stratum of draw i of input j; nil when plain
	seed    uint64
}

// sampler checks the inputs and prepares their draws; Latin hypercube strata are laid out
// here, checking ctx as they are.
func (e *Engine) sampler(ctx context.Context, inputs []Input, corr *mat.SymDense, n int, seed uint64, lhs bool) (*sampler, []string, error) {
	s := &sampler{n: n, seed: seed}
	names := make([]string, len(inputs))
	for j, in := range inputs {
		r, err := e.resolve(in.Name)
		if err != nil {
			return nil, nil, err
		}
		for _, prev := range names[:j] {
			if prev == in.Name {
				return nil, nil, &fault.Error{Pkg: "sensitivity", Field: in.Name, Err: fault.ErrDuplicateAssumption}
			}
		}
		names[j] = in.Name
		if in.Dist == nil {
			return nil, nil, &fault.Error{Pkg: "sensitivity", Field: in.Name, Value: "no distribution", Err: fault.ErrDistribution}
		}
		lo, hi := kindBounds(r.Kind)
		if math.IsNaN(in.Min) || math.IsNaN(in.Max) || in.Min > in.Max {
			return nil, nil, &fault.Error{Pkg: "sensitivity", Field: in.Name, Value: "bounds [" + ftoa(in.Min) + ", " + ftoa(in.Max) + "]", Err: fault.ErrDistribution}
		}
		if in.Min != in.Max {
			lo, hi = math.Max(lo, in.Min), math.Min(hi, in.Max)
		}
		cl, ch, ok := mass(in.Dist, lo, hi)
		if !ok {
			return nil, nil, &fault.Error{Pkg: "sensitivity", Field: in.Name, Value: "no probability in [" + ftoa(lo) + ", " + ftoa(hi) + "]", Err: fault.ErrDistribution}
		}
		s.dists = append(s.dists, in.Dist)
		s.lo, s.wid = append(s.lo, cl), append(s.wid, ch-cl)
	}
	d := len(inputs)
	if corr != nil {
		if r, c := corr.Dims(); r != d || c != d {
			return nil, nil, &fault.Error{Pkg: "sensitivity", Field: "correlation", Value: strconv.Itoa(r) + "×" + strconv.Itoa(c) + " for " + strconv.Itoa(d) + " inputs", Err: fault.ErrDistribution}
		}
		for j := range d {
			if corr.At(j, j) != 1 {
				return nil, nil, &fault.Error{Pkg: "sensitivity", Field: "correlation", Value: "diagonal " + ftoa(corr.At(j, j)), Err: fault.ErrDistribution}
			}
		}
		var ch mat.Cholesky
		if !ch.Factorize(corr) {
			return nil, nil, &fault.Error{Pkg: "sensitivity", Field: "correlation", Value: "not positive definite", Err: fault.ErrDistribution}
		}
		var l mat.TriDense
		ch.LTo(&l)
		s.chol = make([]float64, d*d)
		for i := range d {
			for j := 0; j <= i; j++ {
				s.chol[i*d+j] = l.At(i, j)
			}
		}
	}
	if lhs {
		rng := rand.New(rand.NewPCG(seed, math.MaxUint64))
		s.perms = make([][]int32, d)
		for j := range s.perms {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
			p := make([]int32, n)
			for i := range p {
				p[i] = int32(i)
			}
			// Fisher-Yates, as rand.Shuffle does, checking ctx every 2^16 swaps.
			for i := n - 1; i > 0; i-- {
				if i&0xffff == 0 {
					if err := ctx.Err(); err != nil {
						return nil, nil, err
					}
				}
				k := int(rng.Uint64N(uint64(i + 1)))
				p[i], p[k] = p[k], p[i]
			}
			s.perms[j] = p
		}
	}
	return s, names, nil
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
	return cl, ch, ch-cl > 0 && !math.IsNaN(mid) && !math.IsInf(mid, 0)
}

// kindBounds are the values an assumption of kind k can take.
func kindBounds(k valuation.Kind) (lo, hi float64) {
	switch k {
	case valuation.KindRate:
		return 0, 1
	case valuation.KindMargin:
		return -1, 1
	case valuation.KindPremium:
		return -1, math.Inf(1)
	}
	return 0, math.Inf(1)
}

// uniform returns a float64 in (0, 1) from 53 random bits, never 0 or 1.
func uniform(r *rand.PCG) float64 {
	return (float64(r.Uint64()>>11) + 0.5) / (1 << 53)
}

// draw fills x with draw i of the inputs from rng; u and z are scratch of the same length.
func (s *sampler) draw(rng *rand.PCG, i int, x, u, z []float64) {
	for j := range u {
		u[j] = uniform(rng)
		if s.perms != nil {
			u[j] = (float64(s.perms[j][i]) + u[j]) / float64(s.n)
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
	for j, dist := range s.dists {
		x[j] = dist.Quantile(math.Min(s.lo[j]+u[j]*s.wid[j], 1))
	}
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
