package sensitivity

// This file runs Monte Carlo to a precision: the run draws in rounds, and after each
// round it reckons the mean's confidence interval and each tracked percentile's, records
// them (Summary.Convergence) and stops once every precision asked for is met.

import (
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/table"
)

// Precision is one statistic of a Monte Carlo run's output, its mean or a percentile,
// with the confidence interval its draws give it, and the precision asked of it.
//
// The mean's interval is the normal approximation, mean ± z × SD / √n. A percentile's is
// distribution-free: the order statistics of ranks ⌈np − z√(np(1−p))⌉ and
// ⌈np + z√(np(1−p))⌉ of the n valid draws, the normal approximation of the binomial
// count of draws below the percentile (Conover, Practical Nonparametric Statistics, 3rd
// ed., 1999, §3.2; Hahn and Meeker, Statistical Intervals, 1991, §5.2). Its coverage
// is close to the confidence once np(1−p) is some tens, which the run's first look, at
// 100 valid draws or more, does not ensure for far tails: an interval whose ranks fall
// outside the draws is clamped to the least or greatest draw and never met. Both
// intervals assume independent draws: for quasi-random and Latin hypercube samples,
// whose errors are usually smaller, they are estimates on the side of caution.
type Precision struct {
	// P is the percentile, in (0, 1); 0 is the mean.
	P float64 `json:"p"`
	// HalfWidth (in the output's units) or Relative (a fraction of the statistic's
	// magnitude), one of the two or neither, is the precision asked: the interval's
	// half-width, (Hi − Lo) / 2, must come within it.
	HalfWidth float64 `json:"half_width,omitempty"`
	Relative  float64 `json:"relative,omitempty"`
	// Draws, Value, Lo and Hi are the run's: the draws made when it was reckoned, the
	// statistic over their valid draws (a percentile interpolated as Summary's are) and
	// its interval at the run's confidence.
	Draws int     `json:"draws"`
	Value float64 `json:"value"`
	Lo    float64 `json:"lo"`
	Hi    float64 `json:"hi"`
	// Met says the interval is within the precision asked, or that none was asked and the
	// interval is known (its ranks fall within the draws).
	Met bool `json:"met"`
}

// target is the half-width asked of the statistic at its value, 0 for none.
func (p Precision) target() float64 {
	if p.HalfWidth > 0 {
		return p.HalfWidth
	}
	return p.Relative * math.Abs(p.Value)
}

// asked says a precision is asked of the statistic.
func (p Precision) asked() bool { return p.HalfWidth > 0 || p.Relative > 0 }

// name is the statistic's name in tables: "mean" or "P5".
func (p Precision) name() string {
	if p.P == 0 {
		return "mean"
	}
	return "P" + strconv.FormatFloat(100*p.P, 'g', 4, 64)
}

// precision checks a run's precision options and returns the normal quantile of its
// confidence, and whether it looks at its draws in rounds, and stops at a precision.
func (mc MonteCarlo) precision() (z float64, looks, stops bool, err error) {
	if err := checkAsked(Precision{HalfWidth: mc.MeanHalfWidth, Relative: mc.MeanRelative}, "mean_half_width", "mean_relative"); err != nil {
		return 0, false, false, err
	}
	if notNumber(mc.Confidence) || mc.Confidence < 0 || mc.Confidence >= 1 {
		return 0, false, false, badOption("confidence", mc.Confidence, "in (0, 1), or 0 for 0.95")
	}
	asked, err := mc.checkPercentiles()
	if err != nil {
		return 0, false, false, err
	}
	stops = mc.MeanHalfWidth > 0 || mc.MeanRelative > 0 || asked
	if stops && mc.Sampling == LatinHypercube {
		return 0, false, false, &fault.Error{Pkg: "sensitivity", Field: "sampling", Value: "latin_hypercube with a precision: its strata depend on the draws", Err: fault.ErrOption}
	}
	if z, err = mc.z(); err != nil {
		return 0, false, false, err
	}
	return z, stops || len(mc.Percentiles) > 0, stops, nil
}

// checkPercentiles checks the percentiles a run tracks, and the draws it may make
// tracking them, and says whether a precision is asked of one.
func (mc MonteCarlo) checkPercentiles() (asked bool, err error) {
	if len(mc.Percentiles) > MaxPercentiles {
		return false, &fault.Error{Pkg: "sensitivity", Field: "percentiles", Value: strconv.Itoa(len(mc.Percentiles)) + ", want at most " + strconv.Itoa(MaxPercentiles), Err: fault.ErrOption}
	}
	for i, p := range mc.Percentiles {
		field := "percentiles[" + strconv.Itoa(i) + "]"
		if notNumber(p.P) || p.P <= 0 || p.P >= 1 {
			return false, badOption(field+".p", p.P, "in (0, 1)")
		}
		if err := checkAsked(p, field+".half_width", field+".relative"); err != nil {
			return false, err
		}
		asked = asked || p.asked()
	}
	if len(mc.Percentiles) > 0 && mc.Draws > bufferedDraws {
		return false, &fault.Error{Pkg: "sensitivity", Field: "draws", Value: strconv.Itoa(mc.Draws) + " with percentiles tracked, want at most " + strconv.Itoa(bufferedDraws) + ": they hold the outputs sorted", Err: fault.ErrOption}
	}
	return asked, nil
}

// z returns the normal quantile of the run's confidence (0.95 when it is 0): the
// half-width of its intervals in standard errors.
func (mc MonteCarlo) z() (float64, error) {
	c := mc.Confidence
	if c == 0 {
		c = 0.95
	}
	// The upper quantile as minus the lower one: 0.5 + c/2 rounds to 1 for c within 2^-53
	// of 1, whose quantile is infinite.
	z := -distuv.UnitNormal.Quantile((1 - c) / 2)
	if notNumber(z) {
		return 0, badOption("confidence", mc.Confidence, "in (0, 1), or 0 for 0.95")
	}
	return z, nil
}

// badOption is the error of a run's option field holding v where it wants want.
func badOption(field string, v float64, want string) error {
	return &fault.Error{Pkg: "sensitivity", Field: field, Value: ftoa(v) + ", want " + want, Err: fault.ErrOption}
}

// checkAsked checks the precision asked of a statistic: each 0 or more, not both.
func checkAsked(p Precision, half, rel string) error {
	switch {
	case notNumber(p.HalfWidth) || p.HalfWidth < 0:
		return badOption(half, p.HalfWidth, "0 or more")
	case notNumber(p.Relative) || p.Relative < 0:
		return badOption(rel, p.Relative, "0 or more")
	case p.HalfWidth > 0 && p.Relative > 0:
		return badOption(rel, p.Relative, "0 with a "+half+": one of the two")
	}
	return nil
}

// looker reckons a run's statistics after each round: the mean's from the rounds'
// block statistics (the mean as the summary sums it, the SD by Welford's merge), the
// percentiles' from the valid outputs so far, kept sorted in two runs: each round's are
// sorted and merged into the short run, which is merged into the long one when it
// passes an eighth of it, so that the merges cost a few passes over the draws in all
// rather than one a round; a rank is read across the two runs by bisection.
type looker struct {
	z       float64
	mean    Precision
	pcts    []Precision
	run     welford
	sum     float64   // of the valid draws, block by block: the mean is the summary's
	sorted  []float64 // the long run
	pending []float64 // the short run
	scratch []float64
	seen    []Precision // every look, for Summary.Convergence
	last    []Precision // the last look
	met     bool        // every statistic asked of was met at the last look
}

func newLooker(mc MonteCarlo, z float64) *looker {
	l := &looker{z: z, mean: Precision{HalfWidth: mc.MeanHalfWidth, Relative: mc.MeanRelative}, pcts: mc.Percentiles}
	if len(mc.Percentiles) > 0 {
		l.sorted = make([]float64, 0, mc.Draws)
		l.pending = make([]float64, 0, mc.Draws/8+2*precisionRound)
		l.scratch = make([]float64, 0, precisionRound)
	}
	return l
}

// look takes a round: the statistics of its blocks, and its outputs (NaN for an invalid
// draw) when percentiles are tracked; drawn is the draws made so far. It records the
// look once there are minPrecise valid draws.
func (l *looker) look(stats []blockStats, outputs []float64, drawn int) {
	for _, st := range stats {
		l.run.merge(st)
		l.sum += st.sum
	}
	if l.sorted != nil {
		l.scratch = l.scratch[:0]
		for _, v := range outputs {
			if !math.IsNaN(v) {
				l.scratch = append(l.scratch, v)
			}
		}
		slices.Sort(l.scratch)
		l.pending = mergeSorted(l.pending, l.scratch)
		if len(l.pending) > len(l.sorted)/8 {
			l.sorted, l.pending = mergeSorted(l.sorted, l.pending), l.pending[:0]
		}
	}
	if l.run.n < minPrecise {
		return
	}
	hw := l.z * math.Sqrt(l.run.m2/(l.run.n-1)/l.run.n)
	m := l.mean
	mean := l.sum / l.run.n
	m.Draws, m.Value, m.Lo, m.Hi = drawn, mean, mean-hw, mean+hw
	m.Met = !notNumber(hw) && (hw <= m.target() || !m.asked())
	l.last = append(l.last[:0], m)
	for _, p := range l.pcts {
		p.Draws = drawn
		p.Value, p.Lo, p.Hi, p.Met = quantileInterval(runs{l.sorted, l.pending}, p.P, l.z)
		p.Met = p.Met && (!p.asked() || (p.Hi-p.Lo)/2 <= p.target())
		l.last = append(l.last, p)
	}
	l.seen = append(l.seen, l.last...)
	l.met = !slices.ContainsFunc(l.last, func(p Precision) bool { return p.asked() && !p.Met })
}

// mergeSorted merges sorted add into sorted xs, in place from the back; xs has room.
func mergeSorted(xs, add []float64) []float64 {
	i, j := len(xs)-1, len(add)-1
	xs = xs[:len(xs)+len(add)]
	for w := len(xs) - 1; j >= 0; w-- {
		if i >= 0 && xs[i] > add[j] {
			xs[w] = xs[i]
			i--
		} else {
			xs[w] = add[j]
			j--
		}
	}
	return xs
}

// runs are two sorted runs of values, read as one.
type runs struct{ a, b []float64 }

func (r runs) len() int { return len(r.a) + len(r.b) }

// at is the value of rank k (from 0) of the two runs together: i of the k+1 least from
// a and the rest from b, the i found by bisection (a[i] below b's last taken means a
// gives more).
func (r runs) at(k int) float64 {
	a, b := r.a, r.b
	lo, hi := max(0, k+1-len(b)), min(k+1, len(a))
	for lo < hi {
		i := int(uint(lo+hi) >> 1)
		if a[i] < b[k-i] {
			lo = i + 1
		} else {
			hi = i
		}
	}
	i, j := lo, k+1-lo
	switch {
	case i == 0:
		return b[j-1]
	case j == 0:
		return a[i-1]
	}
	return max(a[i-1], b[j-1])
}

// quantileInterval is the p-quantile of the values (type 7, as Summary's) and its
// distribution-free interval at the normal quantile z (see Precision); known is false
// when a rank falls outside the draws, the interval then clamped to them.
func quantileInterval(xs runs, p, z float64) (v, lo, hi float64, known bool) {
	n := float64(xs.len())
	h := p * (n - 1)
	k := int(h)
	v = xs.at(k)
	if f := h - math.Floor(h); f > 0 {
		v += f * (xs.at(k+1) - v)
	}
	np, d := n*p, z*math.Sqrt(n*p*(1-p))
	r, s := math.Ceil(np-d), math.Ceil(np+d)
	known = r >= 1 && s <= n
	r, s = max(r, 1), min(s, n)
	return v, xs.at(int(r) - 1), xs.at(int(s) - 1), known
}

// precisionTable is the table of a summary's statistics at its last look.
func (s Summary) precisionTable() table.Table {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
	t := table.Table{Labels: s.Labels,
		Title:  "Precision after " + strconv.Itoa(s.Draws) + " draws",
		Header: []string{"statistic", "value", "lo", "hi", "±", "asked ±", "met"},
	}
	for _, p := range s.Precision {
		asked := "-"
		switch {
		case p.HalfWidth > 0:
			asked = strconv.FormatFloat(p.HalfWidth, 'g', 4, 64)
		case p.Relative > 0:
			asked = strconv.FormatFloat(100*p.Relative, 'g', 4, 64) + "%"
		}
		met := "yes"
		if !p.Met {
			met = "no"
		}
		t.Rows = append(t.Rows, []string{p.name(), f(p.Value), f(p.Lo), f(p.Hi), strconv.FormatFloat((p.Hi-p.Lo)/2, 'g', 3, 64), asked, met})
	}
	return t
}
