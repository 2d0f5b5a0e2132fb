package sensitivity

// This file is the float64 form of what follows equity in valuation: the dilution
// (valuation.Dilution: the treasury stock method for options and the if-converted method
// for convertibles at the model's basis) and the horizon's discount, run after the
// program of equity as valuation works them out in decimal. The dilution is piecewise in
// equity (which tranches are in the money) and the discount a power of drawn variables,
// so they are a stage after the polynomial, not a polynomial.

import (
	"math"
	"strconv"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/key"
)

// maxFloatTranches bounds the tranches the float64 dilution sorts on the stack at each
// evaluation; a model with more is valued by the decimal engine only (fault.ErrFloat).
const maxFloatTranches = 32

// operand is a figure of the stage: the variable v when it is drawn, else c.
type operand struct {
	c float64
	v int
}

func (o operand) at(x []float64) float64 {
	if o.v >= 0 {
		return x[o.v]
	}
	return o.c
}

// diluting is the stage of a program after equity (after the bridge, before any
// convertible's face is deducted) to the output named by out: the dilution, then the
// horizon's discount.
type diluting struct {
	basic, price  operand
	count, strike []operand
	convertible   []bool
	basis         valuation.DilutionBasis
	discount      float64 // the horizon's factor, 1 without one, when it is not drawn
	// rate and years are the horizon's, when either is drawn (drawn is set): the factor
	// is then (1 + rate)^-years at each evaluation.
	rate, years operand
	drawn       bool
	out         string // key.Target, key.Upside or key.Equity
}

// stage compiles what follows equity for output out, or refuses a model it cannot
// follow: more tranches than maxFloatTranches.
func (c *compiler) stage(out string) (*diluting, error) {
	m := c.e.base
	if n := len(m.Dilution.Tranches); n > maxFloatTranches {
		return nil, &fault.Error{Pkg: "sensitivity", Field: out, Value: strconv.Itoa(n) + " tranches of dilution, more than " + strconv.Itoa(maxFloatTranches), Err: fault.ErrFloat}
	}
	if out == key.Upside && m.Price.Sign() <= 0 && !c.drawn(key.Scalar(key.Price)) {
		return nil, &fault.Error{Pkg: "sensitivity", Field: out, Value: "no price", Err: fault.ErrFloat}
	}
	operandOf := func(k key.Key, base float64) operand {
		if i := c.index(k); i >= 0 {
			return operand{v: i}
		}
		return operand{c: base, v: -1}
	}
	rate, years := key.Key{Space: key.SpaceHorizon, Name: "rate"}, key.Key{Space: key.SpaceHorizon, Name: "years"}
	d := &diluting{basic: operandOf(key.Scalar(key.Shares), f64(m.Shares)), price: operandOf(key.Scalar(key.Price), f64(m.Price)),
		basis: m.Dilution.Basis, discount: f64(c.e.result.Discount), out: out,
		rate: operandOf(rate, f64(m.Horizon.Rate)), years: operandOf(years, f64(m.Horizon.Years)),
		drawn: c.drawn(rate) || c.drawn(years)}
	for _, t := range m.Dilution.Tranches {
		d.count = append(d.count, operandOf(key.Key{Space: key.SpaceDilution, Item: t.Name, Name: "count"}, f64(t.Count)))
		d.strike = append(d.strike, operandOf(key.Key{Space: key.SpaceDilution, Item: t.Name, Name: "strike"}, f64(t.Strike)))
		d.convertible = append(d.convertible, t.Convertible)
	}
	return d, nil
}

// eval returns the output at x, given equity at x.
func (d *diluting) eval(equity float64, x []float64) float64 {
	discount := d.discount
	if d.drawn { // valuation.Horizon's factor, (1 + rate)^-years
		discount = math.Pow(1+d.rate.at(x), -d.years.at(x))
	}
	u, eq := equity/d.basic.at(x), equity // without a dilution
	if len(d.count) > 0 {
		u, eq = d.dilute(equity, discount, x)
	}
	switch d.out {
	case key.Equity:
		return eq
	case key.Undiscounted:
		return u
	case key.Upside:
		return u*discount/d.price.at(x) - 1
	}
	return u * discount
}

// dilute returns the value a share of the year priced and the equity it divides, as
// valuation's dilution works them out at the model's basis.
func (d *diluting) dilute(equity, discount float64, x []float64) (u, eq float64) {
	var t drawnTranches
	face := d.tranches(&t, discount, x)
	base, basic := equity-face, d.basic.at(x)
	if d.basis == valuation.AtPrice {
		return d.atPrice(&t, base, basic, d.price.at(x))
	}
	return d.fixedPoint(&t, base, basic)
}

// drawnTranches are the first n tranches' counts and strikes at a draw, and their
// effective strikes, on the scale of the value a share (at the target, an option's strike
// undiscounted), held on the stack.
type drawnTranches struct {
	n                  int
	count, strike, eff [maxFloatTranches]float64
}

// tranches fills t with the tranches' figures at x, the horizon's factor being discount,
// and returns the face of the convertibles.
func (d *diluting) tranches(t *drawnTranches, discount float64, x []float64) (face float64) {
	t.n = len(d.count)
	for i := range t.n {
		t.count[i], t.strike[i] = d.count[i].at(x), d.strike[i].at(x)
		t.eff[i] = t.strike[i]
		if d.convertible[i] {
			face += t.count[i] * t.strike[i]
		} else if d.basis == valuation.AtTarget {
			t.eff[i] = t.strike[i] / discount
		}
	}
	return face
}

// atPrice returns the value a share and the equity it divides, base and basic shares
// diluted at the price: each tranche struck below it in the money, a convertible
// converted and an option's cost buying shares back at it.
func (d *diluting) atPrice(t *drawnTranches, base, basic, price float64) (u, eq float64) {
	shares := basic
	eq = base
	for i := range t.n {
		switch {
		case !(t.strike[i] < price):
		case d.convertible[i]:
			shares += t.count[i]
			eq += t.count[i] * t.strike[i]
		default:
			shares += t.count[i] - t.count[i]*t.strike[i]/price
		}
	}
	return eq / shares, eq
}

// fixedPoint returns the value a share and the equity it divides, base and basic shares
// diluted at the value itself: the first k tranches by effective strike in the money at
// the k whose value leaves them on either side. The value is NaN, an invalid draw, if no
// k is found (valuation errs then).
func (d *diluting) fixedPoint(t *drawnTranches, base, basic float64) (u, eq float64) {
	n, count, strike, eff := t.n, &t.count, &t.strike, &t.eff
	order := t.byStrike()
	num, den := base, basic
	eq, u = base, math.NaN()
	for k := 0; k <= n; k++ {
		if k > 0 {
			i := order[k-1]
			num, den = num+count[i]*eff[i], den+count[i]
		}
		if k > 0 && k < n && eff[order[k]] == eff[order[k-1]] {
			continue // tranches of one effective strike are in or out together
		}
		v := num / den
		if (k == 0 || eff[order[k-1]] < v) && (k == n || !(eff[order[k]] < v)) {
			for _, i := range order[:k] {
				if d.convertible[i] {
					eq += count[i] * strike[i]
				}
			}
			return v, eq
		}
	}
	return u, math.NaN()
}

// byStrike returns the tranches' indices by effective strike, stably, as valuation sorts
// them.
func (t *drawnTranches) byStrike() [maxFloatTranches]int {
	var order [maxFloatTranches]int
	for i := range t.n {
		j := i
		for ; j > 0 && t.eff[order[j-1]] > t.eff[i]; j-- {
			order[j] = order[j-1]
		}
		order[j] = i
	}
	return order
}
