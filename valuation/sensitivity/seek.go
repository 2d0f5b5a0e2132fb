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
	tol, err := g.check()
	if err != nil {
		return Solution{}, err
	}
	points, err := g.Cost()
	if err != nil {
		return Solution{}, err
	}
	if err := e.opts.admit(ctx, points); err != nil {
		return Solution{}, err
	}
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
	return g.solve(ctx, f, tol, points-2)
}

// check returns the goal's tolerance, 1e-9 when zero; or the error of a bound, the target
// or the tolerance beyond MaxValueDigits or MaxValueExponent, or of a negative tolerance.
func (g Goal) check() (decimal.Decimal, error) {
	for _, v := range []decimal.Decimal{g.Low, g.High, g.Target, g.Tolerance} {
		if err := checkValue(g.Assumption, v); err != nil {
			return decimal.Decimal{}, err
		}
	}
	tol := g.Tolerance
	if tol.IsZero() {
		tol = decimal.New(1, -9)
	}
	if tol.Sign() < 0 {
		return decimal.Decimal{}, &fault.Error{Pkg: "sensitivity", Field: "tolerance", Value: fault.Plain(tol), Err: fault.ErrOption}
	}
	return tol, nil
}

// solve finds where f, the output less the target at a value of the assumption, comes
// within tol of zero: at an end of [Low, High], or else within maxIter steps of regula
// falsi from them.
func (g Goal) solve(ctx context.Context, f func(x decimal.Decimal) (decimal.Decimal, error), tol decimal.Decimal, maxIter int) (Solution, error) {
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
	k := bracket{a: a, b: b, fa: fa, fb: fb}
	for i := 1; i <= maxIter; i++ {
		if err := ctx.Err(); err != nil {
			return Solution{}, err
		}
		x := k.secant()
		fx, err := f(x)
		if err != nil {
			return Solution{}, err
		}
		if fx.Abs().LessThanOrEqual(tol) {
			return Solution{Value: x, Output: fx.Add(g.Target), Iterations: i}, nil
		}
		k.narrow(x, fx)
	}
	return Solution{}, &fault.Error{Pkg: "sensitivity", Field: g.Assumption, Value: "after " + strconv.Itoa(maxIter) + " evaluations", Err: fault.ErrNoConvergence}
}

// bracket is the interval regula falsi narrows: its ends a and b, the output less the
// target at each, fa and fb, of opposite signs, and the end moved last (side: -1 for b,
// 1 for a, 0 for neither yet).
type bracket struct {
	a, b, fa, fb decimal.Decimal
	side         int
}

// secant returns where the secant through (a, fa) and (b, fb) crosses zero, (a·fb -
// b·fa) / (fb - fa), to 16 decimal places.
func (k *bracket) secant() decimal.Decimal {
	return k.a.Mul(k.fb).Sub(k.b.Mul(k.fa)).DivRound(k.fb.Sub(k.fa), segments.DivPlaces)
}

// narrow moves the end at which the output less the target has the sign of fx to x.
// Illinois: it halves the value kept at an end that survives twice running, so that the
// bracket closes from both sides.
func (k *bracket) narrow(x, fx decimal.Decimal) {
	if fx.Sign() == k.fb.Sign() {
		k.b, k.fb = x, fx
		if k.side == -1 {
			k.fa = k.fa.Mul(decimal.New(5, -1))
		}
		k.side = -1
	} else {
		k.a, k.fa = x, fx
		if k.side == 1 {
			k.fb = k.fb.Mul(decimal.New(5, -1))
		}
		k.side = 1
	}
}

// MarshalJSON writes the solution in sotp's JSON contract: snake_case keys, decimals as exact
// strings, NaN as null, invalid cells as their errors.
func (s Solution) MarshalJSON() ([]byte, error) { return jsonx.Marshal(s) }
