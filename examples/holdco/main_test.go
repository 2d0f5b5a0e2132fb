package main

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/key"
	"github.com/sotpkit/sotp/valuation/sensitivity"
)

// TestConglomo works every figure of the bridge out by hand.
//
// Parts: cloud EBITDA 300m MAU × US$20 × 25% = 1,500; its peers' EV/EBITDA (30,000 + 6,000)
// / 3,000 = 12x and (20,000 − 2,000) / 2,000 = 9x, mean 10.5x: an enterprise value of
// 15,750. Social: 150m DAU × the peers' mean P/DAU, (160 + 120) / 2 = 140: 21,000.
// Sum 36,750.
//
// Bridge: cash +5,000; bonds −2,500; the HK stake 200m × HK$40 × 0.128 × (1 − 20%) =
// +819.2; minorities −1,100; before the discount 38,969.2; holdco 10% of it −3,896.92;
// equity 35,072.28.
//
// Shares, by the treasury stock method: at 2,000m basic shares the price would be 17.536,
// above both strikes (0 for the units, 15 for the options), so both are in the money and
// price = (35,072.28 + 100 × 15) / (2,000 + 30 + 100) = 36,572.28 / 2,130 = 17.1700845;
// diluted shares 2,000 + 30 + 100 × (1 − 15 / 17.1700845) = 2,042.63875. Upside over
// US$14: 22.6%.
func TestConglomo(t *testing.T) {
	r, err := Model().Value()
	if err != nil {
		t.Fatal(err)
	}
	d := decimal.RequireFromString
	for key, want := range map[string]string{
		"forecast/2025/cloud/ebitda": "1500", "part/cloud/multiple": "10.5", "part/cloud/value": "15750",
		"part/social/average": "140", "part/social/value": "21000", "sum": "36750",
		"bridge/cash": "5000", "bridge/bonds": "-2500", "bridge/stake_hk": "819.2", "bridge/minorities": "-1100",
		"bridge/holdco_discount": "-3896.92", "equity": "35072.28",
	} {
		if got, err := r.Figure(key); err != nil || !got.Equal(d(want)) {
			t.Errorf("%s = %s, %v; want %s", key, got, err, want)
		}
	}
	if got := r.Target.StringFixed(6); got != "17.170085" {
		t.Errorf("target %s, want 17.170085", got)
	}
	if got := r.Diluted.StringFixed(4); got != "2042.6388" {
		t.Errorf("diluted %s, want 2042.6388", got)
	}
	if !r.Parts[0].Enterprise || r.Parts[1].Enterprise {
		t.Error("cloud is an enterprise value, social equity")
	}
	// The claims (cash, bonds, minorities: +1,400) are the cloud business's: 15,750 +
	// 1,400 = 17,150 of equity from it; the social network's 21,000 is equity already, so
	// the result warns of nothing.
	if !r.EnterpriseParts.Equal(d("15750")) || !r.EquityParts.Equal(d("21000")) || len(r.Warnings) != 0 {
		t.Errorf("enterprise parts %s, equity parts %s, warnings %v", r.EnterpriseParts, r.EquityParts, r.Warnings)
	}
	if got := r.Upside.Decimal.StringFixed(3); got != "0.226" {
		t.Errorf("upside %s, want 0.226", got)
	}
}

// TestConglomoKernel values 1,000 random points of Conglomo (users, driver inputs,
// premiums, the HK$ rate, bridge items, the holding-company discount, the tranches, the
// share count and the price, one to three at a time) through a query's evaluator, and
// finds every output identical, value and exponent, to the prepared model's decimal
// valuation of the same point, and every valid point valued by the exact kernel itself:
// its evaluator hands none to the decimal path.
func TestConglomoKernel(t *testing.T) {
	p, err := Model().Prepare(valuation.PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var list []valuation.Assumption
	for _, a := range p.Assumptions() {
		if a.Key.Name != "average" {
			list = append(list, a)
		}
	}
	outputs := []key.Key{key.Scalar(key.Target), key.Scalar(key.Sum), key.Scalar(key.Equity), key.Scalar(key.Upside),
		key.Scalar(key.Diluted), key.Part("cloud", "value"), key.Part("social", "value")}
	engine, err := sensitivity.New(Model(), sensitivity.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(25, 2025))
	var valid, invalid int
	for i := range 1000 {
		var point []valuation.Override
		var moves []key.Key
		var vals []decimal.Decimal
		for _, j := range r.Perm(len(list))[:1+r.IntN(3)] {
			a := list[j]
			v := a.Base.Mul(decimal.NewFromFloat(0.6 + 0.8*r.Float64())).Round(int32(r.IntN(6)))
			if r.IntN(25) == 0 {
				v = v.Neg() // an invalid point now and then: both paths must refuse it
			}
			point = append(point, valuation.Override{Key: a.Key, Value: v})
			moves, vals = append(moves, a.Key), append(vals, v)
		}
		want, wantErr := p.Value(point...)
		q, err := p.Query(moves, outputs)
		if err != nil {
			t.Fatal(err)
		}
		ev := q.Evaluator()
		out := make([]decimal.Decimal, len(outputs))
		err = ev.Eval(vals, out)
		if wantErr != nil {
			invalid++
			if err == nil {
				t.Fatalf("%d %v: the query valued a point the model refuses (%v)", i, point, wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%d %v: %v", i, point, err)
		}
		valid++
		if q.Exact() != nil || ev.Fallbacks() != 0 {
			t.Fatalf("%d %v: %v, %d points left to the decimal path", i, point, q.Exact(), ev.Fallbacks())
		}
		for j, k := range outputs {
			w, _ := want.Lookup(k)
			if !out[j].Equal(w) || out[j].Exponent() != w.Exponent() {
				t.Fatalf("%d %v: %s = %s (exp %d), the decimal valuation %s (exp %d)", i, point, k, out[j], out[j].Exponent(), w, w.Exponent())
			}
		}
		// the float64 program at the point: a Monte Carlo run of point masses
		var inputs []sensitivity.Variable
		for j, k := range moves {
			inputs = append(inputs, sensitivity.Variable{Name: k.String(), Dist: pointMass(vals[j].InexactFloat64())})
		}
		s, err := engine.MonteCarlo(context.Background(), sensitivity.MonteCarlo{Output: "target", Inputs: inputs, Draws: 2, Seed: 1})
		if w := want.Target.InexactFloat64(); err != nil || math.Abs(s.Mean-w) > 1e-12*math.Abs(w) {
			t.Fatalf("%d %v: float64 target %v (%v), decimal %v", i, point, s.Mean, err, w)
		}
	}
	t.Logf("%d valid points valued by the kernel alone, identical, and by the float64 program to 1e-12; %d invalid points refused by both", valid, invalid)
	if valid < 800 || invalid < 20 {
		t.Errorf("%d valid and %d invalid points: too few to mean much", valid, invalid)
	}
}

// pointMass is a distribution of one value: a Monte Carlo run of it evaluates the float64
// program at that value. Its CDF counts the mass just above the value, so that a mass at
// the lower bound of its kind (a strike of 0) is inside the bounds the run truncates to.
type pointMass float64

func (p pointMass) CDF(x float64) float64 {
	if x <= float64(p) {
		return 0
	}
	return 1
}

func (p pointMass) Quantile(float64) float64 { return float64(p) }
