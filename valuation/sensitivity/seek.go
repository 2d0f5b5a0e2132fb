package sensitivity

import (
	"context"
	"strconv"

	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/jsonx"
)

// Goal asks for the value of one assumption at which an output reaches a target.
type Goal struct {
	Assumption string          `json:"assumption"`
	Output     string          `json:"output"`
	Target     decimal.Decimal `json:"target"`
	// Low and High bracket the answer: the output minus the target must change sign
	// between them.
	Low  decimal.Decimal `json:"low"`
	High decimal.Decimal `json:"high"`
	// Tolerance is how close to the target the output must come; zero means 1e-9.
	Tolerance decimal.Decimal `json:"tolerance"`
	// MaxIterations bounds the search; zero means 200.
	MaxIterations int `json:"max_iterations"`
}

// Solution is a goal reached.
type Solution struct {
	Value      decimal.Decimal `json:"value"`      // the assumption's value
	Output     decimal.Decimal `json:"output"`     // the output there, within the tolerance of the target
	Iterations int             `json:"iterations"` // model evaluations after the two ends of the bracket
}

// Cost returns the most points a search for g counts against Options.MaxPoints: the two
// ends of the bracket and MaxIterations (200 when zero); or the *fault.Error of a negative
// MaxIterations or a count past 2^31 - 1.
func (g Goal) Cost() (int, error) {
	n := g.MaxIterations
	switch {
	case n == 0:
		n = 200
	case n < 0:
		return 0, &fault.Error{Pkg: "sensitivity", Field: "max_iterations", Value: strconv.Itoa(n), Err: fault.ErrOption}
	}
	return count(n, 1, 2)
}

// Seek finds the assumption's value in [Low, High] at which the output comes within the
// tolerance of the target, by regula falsi with the Illinois modification in decimal
// arithmetic (divisions to 16 places). An output linear in the assumption, as the P/MAU
// target is in MAU, is solved in one step. It fails with fault.ErrNoBracket when the output
// minus the target has the same sign at both ends, and with a *PointError when an end
// cannot be valued.
func (e *Engine) Seek(ctx context.Context, g Goal) (Solution, error) {
	q, err := e.query([]string{g.Output})
	if err != nil {
		return Solution{}, err
	}
	r, err := e.resolve(g.Assumption)
	if err != nil {
		return Solution{}, err
	}
	for _, v := range []decimal.Decimal{g.Low, g.High, g.Target, g.Tolerance} {
		if err := checkValue(g.Assumption, v); err != nil {
			return Solution{}, err
		}
	}
	tol := g.Tolerance
	if tol.IsZero() {
		tol = decimal.New(1, -9)
	}
	if tol.Sign() < 0 {
		return Solution{}, &fault.Error{Pkg: "sensitivity", Field: "tolerance", Value: fault.Plain(tol), Err: fault.ErrOption}
	}
	points, err := g.Cost()
	if err != nil {
		return Solution{}, err
	}
	if err := e.opts.admit(ctx, points); err != nil {
		return Solution{}, err
	}
	maxIter := points - 2
	vq, err := e.compile(q, []ref{r})
	if err != nil {
		return Solution{}, err
	}
	ev := vq.Evaluator()
	f := func(x decimal.Decimal) (decimal.Decimal, error) {
		out := make([]decimal.Decimal, 1)
		if err := ev.Eval([]decimal.Decimal{x}, out); err != nil {
			return decimal.Decimal{}, &PointError{Point: Point{{Key: r.Key, Value: x}}, Err: err}
		}
		return out[0].Sub(g.Target), nil
	}
	a, b := g.Low, g.High
	fa, err := f(a)
	if err != nil {
		return Solution{}, err
	}
	if fa.Abs().LessThanOrEqual(tol) {
		return Solution{Value: a, Output: fa.Add(g.Target)}, nil
	}
	fb, err := f(b)
	if err != nil {
		return Solution{}, err
	}
	if fb.Abs().LessThanOrEqual(tol) {
		return Solution{Value: b, Output: fb.Add(g.Target)}, nil
	}
	if fa.Sign() == fb.Sign() {
		return Solution{}, &fault.Error{Pkg: "sensitivity", Field: g.Assumption,
			Value: "[" + fault.Plain(a) + ", " + fault.Plain(b) + "] gives " + g.Output + " " + fault.Plain(fa.Add(g.Target)) + " to " + fault.Plain(fb.Add(g.Target)) + ", target " + fault.Plain(g.Target),
			Err:   fault.ErrNoBracket}
	}
	half := decimal.New(5, -1)
	side := 0
	for i := 1; i <= maxIter; i++ {
		if err := ctx.Err(); err != nil {
			return Solution{}, err
		}
		// The secant through (a, fa) and (b, fb) crosses zero at (a·fb - b·fa) / (fb - fa).
		x := a.Mul(fb).Sub(b.Mul(fa)).DivRound(fb.Sub(fa), segments.DivPlaces)
		fx, err := f(x)
		if err != nil {
			return Solution{}, err
		}
		if fx.Abs().LessThanOrEqual(tol) {
			return Solution{Value: x, Output: fx.Add(g.Target), Iterations: i}, nil
		}
		// Illinois: halve the value kept at an end that survives twice running, so that
		// the bracket closes from both sides.
		if fx.Sign() == fb.Sign() {
			b, fb = x, fx
			if side == -1 {
				fa = fa.Mul(half)
			}
			side = -1
		} else {
			a, fa = x, fx
			if side == 1 {
				fb = fb.Mul(half)
			}
			side = 1
		}
	}
	return Solution{}, &fault.Error{Pkg: "sensitivity", Field: g.Assumption, Value: "after " + strconv.Itoa(maxIter) + " evaluations", Err: fault.ErrNoConvergence}
}

// MarshalJSON writes the solution in sotp's JSON contract: snake_case keys, decimals as exact
// strings, NaN as null, invalid cells as their errors.
func (s Solution) MarshalJSON() ([]byte, error) { return jsonx.Marshal(s) }
