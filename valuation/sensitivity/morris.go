package sensitivity

import (
	"cmp"
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/jsonx"
	"github.com/sotpkit/sotp/valuation/internal/pad"
	"github.com/sotpkit/sotp/valuation/internal/table"
)

// Morris describes an elementary-effects screening (Morris 1991; mu* as Campolongo,
// Cariboni and Saltelli 2007 give it) of outputs over inputs, run in float64: a cheap
// first look at which of many assumptions matter, r (k + 1) evaluations for k factors
// (inputs, or groups of them), before precise Sobol indices on the few that do.
type Morris struct {
	// Outputs names the outputs: the model's, for Engine.Morris; for a MorrisDesign,
	// labels of the function's outputs, in the order it returns them.
	Outputs []string
	// Inputs give each input's range as a distribution (truncated by Min and Max, and for
	// Engine.Morris by the assumption's kind): the grid's levels are its quantiles. Inputs
	// sharing a Group are one factor: they step together, all up or all down, and share
	// one effect.
	Inputs []Variable
	// Trajectories is the number r of one-at-a-time paths through the grid; zero means 10.
	Trajectories int
	// Levels is the number p of grid levels of each input, even; zero means 4. Level l is
	// the input's (l + ½) / p quantile, and a step moves p / 2 levels: half the
	// probability range.
	Levels int
	Seed   uint64
	// Bootstrap is the number of resamples of the trajectories behind mu*'s percentile
	// interval; zero means 200, NoBootstrap none (NaN).
	Bootstrap int
	// Confidence is the interval's level, in (0, 1); zero means 0.95.
	Confidence float64
	// FailOnInvalid makes a trajectory with a point the decimal engine would refuse (or,
	// for a MorrisDesign, an output not finite) fail the run with fault.ErrInvalidDraw;
	// otherwise such trajectories are left out and counted in Screening.Invalid.
	FailOnInvalid bool
}

// Screening is one output's elementary effects.
type Screening struct {
	Output string `json:"output"`
	// Trajectories is the number of valid trajectories the statistics come from.
	Trajectories int      `json:"trajectories"`
	Intervals    string   `json:"intervals"` // "bootstrap" or "none"
	Inputs       []Effect `json:"inputs"`    // one a factor, in the order of Morris.Inputs
	// Invalid counts the trajectories left out, by the first reason one of their points
	// failed.
	Invalid []Invalid `json:"invalid"`
	// Labels, when the engine was asked for Options.Captions, are the captions its text
	// tables print in place of keys; not written as JSON.
	Labels map[string]string `json:"-"`
}

// Effect is one input's elementary-effect statistics over the trajectories. An elementary
// effect is the output's change over one step of the input divided by the step in
// probability (½), so for an output linear in a uniform input it is the change over the
// input's whole range; effects of inputs of any unit compare.
type Effect struct {
	Name     string   `json:"name"`    // the input's name, or its group's
	Members  []string `json:"members"` // the inputs the factor moves
	Mu       float64  `json:"mu"`      // mean effect: signed, so opposite effects cancel
	MuStar   float64  `json:"mu_star"` // mean absolute effect: the importance measure
	Sigma    float64  `json:"sigma"`   // sample standard deviation: nonlinearity or interaction
	MuStarLo float64  `json:"mu_star_lo"`
	MuStarHi float64  `json:"mu_star_hi"`
}

// Ranked returns the effects by mu*, greatest first (ties in input order).
func (s Screening) Ranked() []Effect {
	out := slices.Clone(s.Inputs)
	slices.SortStableFunc(out, func(a, b Effect) int { return cmp.Compare(b.MuStar, a.MuStar) })
	return out
}

// MorrisDesign is the trajectories of a Morris screening, for a model that is not a sotp
// model: Run evaluates a Go function at its points; Points and Analyze let the outputs
// be computed elsewhere. Engine.Morris runs the same design on a sotp model. A design is
// immutable and safe for concurrent use.
type MorrisDesign struct {
	m       Morris // defaults filled in
	o       Options
	smp     *sampler
	factors []Index // Name and Members
	cols    [][]int // each factor's inputs' columns
	start   [][]int // each trajectory's starting level of each input
	order   [][]int // the order in which each trajectory steps the factors
}

// NewMorrisDesign checks m and lays out its trajectories; o bounds its points
// (MaxPoints) and gives Run its workers and progress. Inputs are bounded only by their
// own Min and Max.
func NewMorrisDesign(m Morris, o Options) (*MorrisDesign, error) {
	return newMorrisDesign(context.Background(), m, o, openBounds(len(m.Inputs)))
}

// openBounds are n inputs' bounds when nothing but their own Min and Max bounds them.
func openBounds(n int) [][2]float64 {
	bounds := make([][2]float64, n)
	for i := range bounds {
		bounds[i] = [2]float64{math.Inf(-1), math.Inf(1)}
	}
	return bounds
}

// Cost returns the points a screening of m counts against Options.MaxPoints: r (k + 1)
// evaluations for r trajectories over k factors, r more for each bootstrap resample; or
// the *fault.Error of an option out of range or a count past 2^31 - 1. It draws nothing.
func (m Morris) Cost() (int, error) {
	m, err := m.defaults()
	if err != nil {
		return 0, err
	}
	factors, _, err := factorsOf(m.Inputs)
	if err != nil {
		return 0, err
	}
	return m.cost(len(factors))
}

// cost is Cost of m with its defaults filled in, for k factors.
func (m Morris) cost(k int) (int, error) {
	per, err := count(1, k+1, m.Bootstrap)
	if err != nil {
		return 0, err
	}
	return count(m.Trajectories, per, 0)
}

// defaults returns m with its defaults filled in, or the error of an option out of
// range.
func (m Morris) defaults() (Morris, error) {
	if m.Trajectories == 0 {
		m.Trajectories = 10
	}
	if m.Levels == 0 {
		m.Levels = 4
	}
	if m.Confidence == 0 {
		m.Confidence = 0.95
	}
	switch m.Bootstrap {
	case 0:
		m.Bootstrap = 200
	case NoBootstrap:
		m.Bootstrap = 0
	}
	switch {
	case m.Trajectories < 2:
		return Morris{}, optionError("trajectories", strconv.Itoa(m.Trajectories)+", want 2 or more")
	case m.Levels < 2 || m.Levels%2 != 0 || m.Levels > 1<<20:
		return Morris{}, optionError("levels", strconv.Itoa(m.Levels)+", want an even number from 2 to 2^20")
	case m.Bootstrap < 0:
		return Morris{}, optionError("bootstrap", strconv.Itoa(m.Bootstrap))
	case !(m.Confidence > 0 && m.Confidence < 1):
		return Morris{}, optionError("confidence", ftoa(m.Confidence)+", want a level in (0, 1)")
	case len(m.Inputs) == 0:
		return Morris{}, optionError("inputs", "none")
	case len(m.Outputs) == 0:
		return Morris{}, optionError("outputs", "none")
	}
	return m, nil
}

func newMorrisDesign(ctx context.Context, m Morris, o Options, bounds [][2]float64) (*MorrisDesign, error) {
	m, err := m.defaults()
	if err != nil {
		return nil, err
	}
	factors, cols, err := factorsOf(m.Inputs)
	if err != nil {
		return nil, err
	}
	k := len(factors)
	n, err := m.cost(k)
	if err != nil {
		return nil, err
	}
	if err := o.admit(ctx, n); err != nil {
		return nil, err
	}
	smp, err := newSampler(ctx, m.Inputs, bounds, nil, m.Trajectories, m.Seed, Plain, 1, 1)
	if err != nil {
		return nil, err
	}
	d := &MorrisDesign{m: m, o: o, smp: smp, factors: factors, cols: cols, start: make([][]int, m.Trajectories), order: make([][]int, m.Trajectories)}
	half := m.Levels / 2
	for t := range d.start {
		rng := rand.New(rand.NewPCG(m.Seed, uint64(t)))
		d.start[t] = make([]int, len(m.Inputs))
		for _, c := range cols {
			if len(c) == 1 { // a level of all p; the step goes up from the lower half
				d.start[t][c[0]] = rng.IntN(m.Levels)
				continue
			}
			down := rng.IntN(2) * half // a group: one direction, each member a level in its half
			for _, j := range c {
				d.start[t][j] = down + rng.IntN(half)
			}
		}
		d.order[t] = rng.Perm(k)
	}
	return d, nil
}

// Len returns the number of points in the design: r (k + 1) for k factors.
func (d *MorrisDesign) Len() int { return d.m.Trajectories * (len(d.factors) + 1) }

// Points returns the design's points, each a value of every input in the order of
// Morris.Inputs: trajectory t is points t (k + 1) to t (k + 1) + k, each one factor's step
// from the one before.
func (d *MorrisDesign) Points() [][]float64 {
	k := len(d.m.Inputs)
	out := make([][]float64, 0, d.Len())
	for t := range d.start {
		d.walk(t, func(_ int, x []float64) { out = append(out, slices.Clone(x)) }, make([]float64, k), make([]int, k))
	}
	return out
}

// walk visits trajectory t's points in order, with the index of the factor stepped to
// reach each (-1 for the first); x and lv are scratch of the inputs' length.
func (d *MorrisDesign) walk(t int, visit func(stepped int, x []float64), x []float64, lv []int) {
	p := d.m.Levels
	copy(lv, d.start[t])
	for i, l := range lv {
		x[i] = d.smp.at(i, l, p)
	}
	visit(-1, x)
	for _, f := range d.order[t] {
		for _, i := range d.cols[f] {
			if lv[i] < p/2 {
				lv[i] += p / 2
			} else {
				lv[i] -= p / 2
			}
			x[i] = d.smp.at(i, lv[i], p)
		}
		visit(f, x)
	}
}

// at is input j's value at level l of p: its (l + ½) / p quantile within its bounds.
func (s *sampler) at(j, l, p int) float64 {
	return s.dists[j].Quantile(math.Min(s.lo[j]+(float64(l)+0.5)/float64(p)*s.wid[j], 1))
}

// effects are one output's elementary effects: ee[t][f] for trajectory t and factor f.
type effects [][]float64

// evaluate runs a model of m outputs along every trajectory on o's workers (see
// SobolDesign.evaluate for eval) and returns each output's elementary effects, and each
// trajectory's reason for being left out (-1: none).
func (d *MorrisDesign) evaluate(ctx context.Context, o Options, m int, eval func(w int, x, y []float64) int) ([]effects, []int, error) {
	r, k, in := d.m.Trajectories, len(d.factors), len(d.m.Inputs)
	out, bad := d.newEffects(m)
	type scratch struct {
		_          [64]byte
		x, y, prev []float64
		lv         []int
		_          [64]byte
	}
	ws := make([]scratch, o.workers(r))
	for w := range ws {
		ws[w] = scratch{x: pad.Slice[float64](in), y: pad.Slice[float64](m), prev: pad.Slice[float64](m), lv: pad.Slice[int](in)}
	}
	err := o.run(ctx, r, k+1, r*(k+1), func(w, t int) {
		st := &ws[w]
		bad[t] = -1
		d.walk(t, func(i int, x []float64) {
			if bad[t] >= 0 {
				return
			}
			if bad[t] = eval(w, x, st.y); bad[t] >= 0 {
				return
			}
			if i >= 0 {
				d.effect(out, t, i, st.prev, st.y)
			}
			copy(st.prev, st.y)
		}, st.x, st.lv)
	})
	return out, bad, err
}

// newEffects allocates the elementary effects of m outputs, and the trajectories'
// reasons.
func (d *MorrisDesign) newEffects(m int) ([]effects, []int) {
	out := make([]effects, m)
	for c := range out {
		out[c] = make(effects, d.m.Trajectories)
		for t := range out[c] {
			out[c][t] = make([]float64, len(d.factors))
		}
	}
	return out, make([]int, d.m.Trajectories)
}

// effect records the elementary effects of trajectory t's step of factor f, from
// outputs prev to y.
func (d *MorrisDesign) effect(out []effects, t, f int, prev, y []float64) {
	step := 0.5 // in probability; negative when the step went down (a group's members all go one way)
	if d.start[t][d.cols[f][0]] >= d.m.Levels/2 {
		step = -0.5
	}
	i := f
	for c := range out {
		out[c][t][i] = (y[c] - prev[c]) / step
	}
}

// Run evaluates f at every point of the design on the design's workers, and analyses its
// outputs; f is called as in SobolDesign.Run.
func (d *MorrisDesign) Run(ctx context.Context, f func(x []float64) []float64) ([]Screening, error) {
	if err := d.o.admit(ctx, 0); err != nil {
		return nil, err
	}
	ctx, eval, failed, cancel := callFunc(ctx, f, len(d.m.Outputs))
	defer cancel()
	ee, bad, err := d.evaluate(ctx, d.o, len(d.m.Outputs), eval)
	if err := failed(); err != nil {
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	return d.analyze(ctx, d.o, ee, bad, []string{notFinite})
}

// Analyze screens the inputs from outputs computed elsewhere: y[p] holds the outputs at
// point p of Points, one for each of Morris.Outputs. A value not finite makes its
// trajectory invalid.
func (d *MorrisDesign) Analyze(ctx context.Context, y [][]float64) ([]Screening, error) {
	if err := d.o.admit(ctx, 0); err != nil {
		return nil, err
	}
	if err := checkOutputs(y, d.Len(), len(d.m.Outputs)); err != nil {
		return nil, err
	}
	k := len(d.factors)
	ee, bad := d.newEffects(len(d.m.Outputs))
	for t := range bad {
		pts := y[t*(k+1) : (t+1)*(k+1)]
		bad[t] = -1
		for _, p := range pts {
			if slices.ContainsFunc(p, notNumber) {
				bad[t] = 0
			}
		}
		for q, f := range d.order[t] {
			if bad[t] < 0 {
				d.effect(ee, t, f, pts[q], pts[q+1])
			}
		}
	}
	return d.analyze(ctx, d.o, ee, bad, []string{notFinite})
}

// Morris screens the inputs for each output along r seeded trajectories through a grid
// of p levels (trajectory t's start and order are drawn from a PCG stream seeded with
// (Seed, t), so results do not depend on the workers): each input's mu, mu* and sigma of
// its elementary effects, with a bootstrap interval for mu*. A trajectory with a point
// the decimal engine would refuse is left out (or fails the run, with FailOnInvalid).
func (e *Engine) Morris(ctx context.Context, m Morris) ([]Screening, error) {
	r, err := e.morris(ctx, m)
	return labelled(r, err, func(s *Screening) { s.Labels = e.labels(s.Output) })
}

// morris is Morris without the captions of Options.Captions.
func (e *Engine) morris(ctx context.Context, m Morris) ([]Screening, error) {
	if _, err := e.query(m.Outputs); err != nil {
		return nil, err
	}
	bounds, err := e.bounds(m.Inputs)
	if err != nil {
		return nil, err
	}
	d, err := newMorrisDesign(ctx, m, e.opts, bounds)
	if err != nil {
		return nil, err
	}
	eval, reasons, err := e.floatModel(m.Outputs, m.Inputs)
	if err != nil {
		return nil, err
	}
	ee, bad, err := d.evaluate(ctx, e.opts, len(m.Outputs), eval)
	if err != nil {
		return nil, err
	}
	return d.analyze(ctx, e.opts, ee, bad, reasons)
}

// analyze works out each output's statistics over the valid trajectories.
func (d *MorrisDesign) analyze(ctx context.Context, o Options, ee []effects, bad []int, reasons []string) ([]Screening, error) {
	valid, counts := tally(bad, reasons)
	if len(counts) > 0 && (d.m.FailOnInvalid || len(valid) < 2) {
		return nil, &fault.Error{Pkg: "sensitivity", Field: "morris", Value: describeInvalid(counts, d.m.Trajectories) + " trajectories", Err: fault.ErrInvalidDraw}
	}
	out := make([]Screening, len(ee))
	for c, e := range ee {
		s := Screening{Output: d.m.Outputs[c], Trajectories: len(valid), Intervals: "none", Invalid: counts}
		if err := d.screen(ctx, o, e, valid, &s); err != nil {
			return nil, err
		}
		out[c] = s
	}
	return out, nil
}

// screen works out the statistics of s's output from its effects e over the valid
// trajectories, each factor's in s.Inputs, with bootstrap intervals for mu* unless
// NoBootstrap.
func (d *MorrisDesign) screen(ctx context.Context, o Options, e effects, valid []int, s *Screening) error {
	scale := make([]float64, len(d.factors)) // each factor's effects are summed over a power of two above them
	for i := range d.factors {
		eff, sc, err := d.statistics(e, valid, i, s.Output)
		if err != nil {
			return err
		}
		s.Inputs, scale[i] = append(s.Inputs, eff), sc
	}
	if d.m.Bootstrap <= 0 {
		return nil
	}
	s.Intervals = "bootstrap"
	boot, err := d.resample(ctx, o, e, valid, scale)
	if err != nil {
		return err
	}
	tail := (1 - d.m.Confidence) / 2
	for i := range boot {
		q, err := o.quantiles(ctx, boot[i], tail, 1-tail)
		if err != nil {
			return err
		}
		s.Inputs[i].MuStarLo, s.Inputs[i].MuStarHi = q[0], q[1]
	}
	return nil
}

// statistics returns factor i's statistics of its effects e over the valid trajectories
// (the interval of mu* NaN), and the power of two they were summed over; or the error of
// effects of output, or statistics of them, beyond the range of float64.
func (d *MorrisDesign) statistics(e effects, valid []int, i int, output string) (Effect, float64, error) {
	fc := d.factors[i]
	scale := 0.0
	for _, t := range valid {
		scale = max(scale, math.Abs(e[t][i]))
	}
	if notNumber(scale) {
		return Effect{}, 0, &fault.Error{Pkg: "sensitivity", Field: fc.Name, Value: "elementary effects of " + output + " beyond the range of float64", Err: fault.ErrInvalidDraw}
	}
	// A power of two, so that scaling is exact: the statistics are those of the effects
	// themselves, bit for bit, but cannot overflow on the way.
	_, exp := math.Frexp(scale)
	scale = math.Ldexp(1, min(exp, 1023)) // 2^1024 is not a float64
	mu, star, ss := 0.0, 0.0, 0.0
	for _, t := range valid {
		mu += e[t][i] / scale
		star += math.Abs(e[t][i]) / scale
	}
	n := float64(len(valid))
	mu, star = mu/n, star/n
	for _, t := range valid {
		ss += (e[t][i]/scale - mu) * (e[t][i]/scale - mu)
	}
	eff := Effect{Name: fc.Name, Members: fc.Members, Mu: mu * scale, MuStar: star * scale, Sigma: math.Sqrt(ss/(n-1)) * scale, MuStarLo: math.NaN(), MuStarHi: math.NaN()}
	if notNumber(eff.Mu) || notNumber(eff.MuStar) || notNumber(eff.Sigma) { // effects near the largest float64, spread wider still
		return Effect{}, 0, &fault.Error{Pkg: "sensitivity", Field: fc.Name, Value: "statistics of the elementary effects of " + output + " beyond the range of float64", Err: fault.ErrInvalidDraw}
	}
	return eff, scale, nil
}

// resample returns each factor's mu* over Bootstrap resamples of the valid trajectories,
// boot[i][r] for factor i in resample r, on o's workers: resample r draws its
// trajectories from a PCG stream seeded with (Seed, r), and factor i's effects are
// summed over scale[i].
func (d *MorrisDesign) resample(ctx context.Context, o Options, e effects, valid []int, scale []float64) ([][]float64, error) {
	k, b := len(d.factors), d.m.Bootstrap
	boot := make([][]float64, k) // boot[i][resample]
	for i := range boot {
		boot[i] = make([]float64, b)
	}
	err := o.run(ctx, b, len(valid), b*len(valid), func(_, r int) {
		rng := rand.New(rand.NewPCG(d.m.Seed, math.MaxUint64-uint64(r)))
		pick := make([]int, len(valid))
		for j := range pick {
			pick[j] = valid[rng.IntN(len(valid))]
		}
		for i := range k {
			star := 0.0
			for _, t := range pick {
				star += math.Abs(e[t][i]) / scale[i]
			}
			boot[i][r] = star / float64(len(pick)) * scale[i]
		}
	})
	if err != nil {
		return nil, err
	}
	return boot, nil
}

// Text renders the screening as a plain-text table, greatest mu* first.
func (s Screening) Text() string { return s.table().Text() }

// Markdown renders the screening as a Markdown table, greatest mu* first.
func (s Screening) Markdown() string { return s.table().Markdown() }

func (s Screening) table() table.Table {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }
	t := table.Table{Labels: s.Labels, Title: "Morris screening of " + s.Output + " (" + strconv.Itoa(s.Trajectories) + " trajectories)",
		Header: []string{"input", "mu*", "interval", "mu", "sigma"}}
	for _, in := range s.Invalid {
		t.Notes = append(t.Notes, strconv.Itoa(in.Count)+" trajectories left out: "+in.Reason)
	}
	var none []string
	for _, e := range s.Ranked() {
		if e.MuStar == 0 && e.Sigma == 0 {
			none = append(none, e.Name)
			continue
		}
		t.Rows = append(t.Rows, []string{e.Name, f(e.MuStar), "[" + f(e.MuStarLo) + ", " + f(e.MuStarHi) + "]", f(e.Mu), f(e.Sigma)})
		if len(e.Members) > 1 {
			t.Notes = append(t.Notes, "group "+e.Name+": "+strings.Join(e.Members, ", "))
		}
	}
	t.Notes = append(t.Notes, "an effect is the change in "+s.Output+" over a step of half an input's probability range, doubled: for a uniform input and a linear effect, the change over the whole range")
	if len(none) > 0 {
		what := " inputs with no effect at all: "
		if len(none) == 1 {
			what = " input with no effect at all: "
		}
		t.Notes = append(t.Notes, strconv.Itoa(len(none))+what+strings.Join(none, ", "))
	}
	return t
}

// MarshalJSON writes the screening in sotp's JSON contract: snake_case keys, NaN as null.
func (s Screening) MarshalJSON() ([]byte, error) { return jsonx.Marshal(s) }
