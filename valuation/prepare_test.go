package valuation_test

import (
	"context"
	"errors"
	"maps"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/key"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/modelfile"
	"github.com/sotpkit/sotp/valuation/sensitivity"
)

// identical reports equal values with equal exponents: the same decimal, digit for digit.
func identical(a, b decimal.Decimal) bool { return a.Equal(b) && a.Exponent() == b.Exponent() }

// moved is the oracle of the identity test: the model with one assumption set by hand,
// written independently of the prepared model's own code. Averages have no field in a
// Model, so the oracle moves every assumption but those.
func moved(t *testing.T, m valuation.Model, a valuation.Assumption, v decimal.Decimal) (valuation.Model, error) {
	k := a.Key
	switch {
	case k == key.Scalar(key.Shares):
		m.Shares = v
	case k == key.Scalar(key.Price):
		m.Price = v
	case k.Space == key.SpaceFX:
		rates := m.FX.Rates()
		for i := range rates {
			if string(rates[i].From) == k.From && string(rates[i].To) == k.To {
				rates[i].Rate = v
			}
		}
		fx, err := comps.NewFX(rates...)
		if err != nil {
			return m, err
		}
		m.FX = fx
	case k.Space == key.SpacePart && k.Name == "premium":
		for i, p := range m.Parts {
			if p.Segment == k.Segment {
				mm := p.Method.(valuation.Multiple)
				mm.Comps.Premium = v
				m.Parts[i].Method = mm
			}
		}
	case k.Space == key.SpacePnL:
		m.Earnings.Shares[k.Year] = v
	case k.Space == key.SpaceBridge && k.Item == "holdco":
		m.Bridge.HoldcoDiscount = v
	case k.Space == key.SpaceBridge:
		m.Bridge.Items = slices.Clone(m.Bridge.Items)
		for i, it := range m.Bridge.Items {
			if it.Name != k.Item {
				continue
			}
			switch k.Name {
			case "amount":
				m.Bridge.Items[i].Amount = v
			case "shares":
				m.Bridge.Items[i].Shares = v
			case "price":
				m.Bridge.Items[i].Price = v
			case "discount":
				m.Bridge.Items[i].Discount = v
			}
		}
	case k.Space == key.SpaceDilution:
		m.Dilution.Tranches = slices.Clone(m.Dilution.Tranches)
		for i, tr := range m.Dilution.Tranches {
			if tr.Name == k.Item && k.Name == "count" {
				m.Dilution.Tranches[i].Count = v
			} else if tr.Name == k.Item {
				m.Dilution.Tranches[i].Strike = v
			}
		}
	case k.Space == key.SpaceHorizon && k.Name == "rate":
		m.Horizon.Rate = v
	case k.Space == key.SpaceHorizon:
		m.Horizon.Years = v
	case k.Segment == "":
		u := m.Plan.Users[k.Year]
		if k.Name == "mau" {
			u.MAU = v
		} else {
			u.DAU = v
		}
		m.Plan.Users[k.Year] = u
	default:
		for _, s := range m.Plan.Segments {
			if s.Name == k.Segment {
				d, ok := segments.With(s.Drivers[k.Year], segments.Metric(k.Name), v)
				if !ok {
					t.Fatalf("%s: not an input", k)
				}
				s.Drivers[k.Year] = d
			}
		}
	}
	return m, nil
}

// figureKeys lists every figure key of a result.
func figureKeys(r valuation.Result) []key.Key { return r.Keys() }

// draw returns a value for an assumption: mostly within 40% of its base, rounded to a
// random number of places, sometimes outside its kind's range (an FX rate a billion
// times off) so that errors are compared too.
func draw(r *rand.Rand, a valuation.Assumption) decimal.Decimal {
	f := decimal.NewFromFloat(0.6 + 0.8*r.Float64())
	v := a.Base.Mul(f).Round(int32(r.IntN(8)))
	switch r.IntN(20) {
	case 0:
		return v.Neg()
	case 1:
		return decimal.Zero
	case 2:
		return v.Add(decimal.NewFromInt(1))
	case 3, 4: // an FX rate a billion times off: crossed, past comps.RateBounds
		if a.Kind == valuation.KindFX {
			return v.Shift(int32(18*r.IntN(2) - 9))
		}
	}
	if a.Base.IsZero() {
		return decimal.NewFromFloat(r.Float64()).Round(3)
	}
	return v
}

// TestPreparedIdentity values 1,000 random points through the prepared model and through
// Model.Value of the model moved by hand, and finds every figure of the result identical
// (value and exponent), and every point refused by one refused by the other (with the
// same error where the point has one fault). It then evaluates the target,
// sum, upside and every part's value through a Query at each point, whose exact kernel
// must give the same digits and must itself have valued every valid point (whatever it
// moves: users, driver inputs, premiums, FX rates, bridge items, tranches, the horizon,
// share counts and the price). It does so for the Kuaishou model, and for it with a bridge (cash in CNY,
// debt in HKD, a listed stake in USD, an unlisted stake, minorities, a holding-company
// discount on the stakes), a horizon and an FX table whose CNY/HKD is crossed through
// USD, so that FX rates, bridge items and the horizon move too; and for that model
// diluted by options and a convertible at the target, so that tranches move too and the
// kernel's stage after equity (the dilution's fixed point, the horizon's discount) is
// held to Model.Value's; and for a model whose comparables an FX rate converts
// (valuation/workbook/testdata/currencies.json), with a loss-making comparable its sets
// skip; and for one whose FX table gives a pair the other way round (holdco-tech.json).
func TestPreparedIdentity(t *testing.T) {
	identity(t, kuaishou2021.Model(), 12, 1000, 300)
	bridged := kuaishou2021.Model()
	fx, err := comps.NewFX(comps.Rate{From: comps.USD, To: comps.HKD, Rate: decimal.RequireFromString("7.7")},
		comps.Rate{From: comps.CNY, To: comps.USD, Rate: decimal.RequireFromString("0.1565")})
	if err != nil {
		t.Fatal(err)
	}
	bridged.FX = fx
	bridged.Bridge = valuation.Bridge{Items: []valuation.Item{
		{Kind: valuation.Cash, Name: "cash", Currency: "CNY", Amount: d("40000")},
		{Kind: valuation.Debt, Name: "debt", Currency: "HKD", Amount: d("9000")},
		{Kind: valuation.ListedStake, Name: "stake", Currency: "USD", Shares: d("50"), Price: d("40"), Discount: d("0.2")},
		{Kind: valuation.UnlistedStake, Name: "venture", Currency: "HKD", Amount: d("3000"), Discount: d("0.3")},
		{Kind: valuation.Minority, Name: "minorities", Currency: "HKD", Amount: d("1200")},
	}, HoldcoDiscount: d("0.1"), HoldcoBase: valuation.OnStakes}
	bridged.Horizon = valuation.Horizon{Rate: d("0.1"), Years: d("0.5")}
	identity(t, bridged, 13, 1000, 300)
	bridged.Dilution = valuation.Dilution{Basis: valuation.AtTarget, Tranches: []valuation.Tranche{
		{Name: "options", Count: d("120"), Strike: d("300")},
		{Name: "rsu", Count: d("60")},
		{Name: "bond", Count: d("40"), Strike: d("420"), Convertible: true},
	}}
	identity(t, bridged, 14, 1000, 300)
	// Comparables in HK$ and US$ in a US$ set, revenue in CNY, an FX rate crossed: a moved
	// rate converts comparables, and the kernel's head works their aggregates out again.
	cur, err := modelfile.LoadModel(filepath.Join("workbook", "testdata", "currencies.json"))
	if err != nil {
		t.Fatal(err)
	}
	identity(t, cur, 15, 1000, 300)
	// An FX table that gives a pair the other way round: the kernel takes the inverse as
	// comps.FX.Pair takes it (comps.Rate.Inverse), with its places.
	tech, err := modelfile.LoadModel(filepath.Join("..", "examples", "models", "holdco-tech.json"))
	if err != nil {
		t.Fatal(err)
	}
	identity(t, tech, 16, 1000, 300)
	// A set that skips comparables without a positive metric (a loss-maker in a peer
	// file): the kernel's set leaves them out as comps does.
	skip, err := modelfile.LoadModel(filepath.Join("workbook", "testdata", "currencies.json"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range skip.Parts {
		mm := skip.Parts[i].Method.(valuation.Multiple)
		mm.Comps = mm.Comps.Clone()
		mm.Comps.SkipUnpriced = true
		loss := comps.Company{Ticker: "LOSS", Currency: "HKD", Reporting: "CNY", MarketValue: d("5000"),
			Metrics: map[comps.MetricYear]decimal.Decimal{mm.Comps.Metric: d("-40")}}
		mm.Comps.Companies = append(mm.Comps.Companies, loss)
		skip.Parts[i].Method = mm
	}
	identity(t, skip, 17, 1000, 300)
}

// TestPreparedIdentityVariants is TestPreparedIdentity, 500 points each, on what the
// models there lack: the example and test model files (a late start, a fixed part, a
// formula driver, a prev chain, a dilution of bridge.json); the report's model with a
// bridge of leases, preferred equity and a holding-company discount on equity; it
// diluted at each basis (the price, the value, the target) by two option tranches of
// equal strike, one past the target and two convertibles, with a horizon of a year;
// currencies.json's sets aggregated by median and by harmonic mean, at moved FX rates
// (the kernel's head works them out); growth.json's cloud on a driver model of its own
// in 2026 (prev reads the other model's line); and a part at a fixed negative amount
// beside one at a formula dividing by DAU + 1.
func TestPreparedIdentityVariants(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "examples", "models", "*co*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"bridge.json", "capped.json", "delivery.json", "growth.json"} {
		files = append(files, filepath.Join("modelfile", "testdata", f))
	}
	for i, f := range files {
		if strings.HasSuffix(f, "-run.json") || strings.HasSuffix(f, "holdco-tech.json") { // TestPreparedIdentity's
			continue
		}
		m, err := modelfile.LoadModel(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(f), func(t *testing.T) { identity(t, m, uint64(100+i), 500, 150) })
	}
	bridged := func() valuation.Model {
		m := kuaishou2021.Model().Clone()
		m.Bridge = valuation.Bridge{Items: []valuation.Item{
			{Kind: valuation.Cash, Name: "cash", Currency: "CNY", Amount: d("40000")},
			{Kind: valuation.Leases, Name: "leases", Currency: "HKD", Amount: d("900")},
			{Kind: valuation.Preferred, Name: "pref", Currency: "USD", Amount: d("100")},
			{Kind: valuation.ListedStake, Name: "stake", Currency: "USD", Shares: d("50"), Price: d("40"), Discount: d("0.2")},
		}, HoldcoDiscount: d("0.1"), HoldcoBase: valuation.OnEquity}
		return m
	}
	t.Run("on equity", func(t *testing.T) { identity(t, bridged(), 31, 500, 150) })
	for _, basis := range []valuation.DilutionBasis{valuation.AtPrice, valuation.AtValue, valuation.AtTarget} {
		m := bridged()
		m.Horizon = valuation.Horizon{Rate: d("0.12"), Years: d("1")}
		m.Dilution = valuation.Dilution{Basis: basis, Tranches: []valuation.Tranche{
			{Name: "a", Count: d("100"), Strike: d("350")},
			{Name: "b", Count: d("100"), Strike: d("350")},
			{Name: "c", Count: d("30"), Strike: d("404")},
			{Name: "bond", Count: d("40"), Strike: d("380"), Convertible: true},
			{Name: "bond2", Count: d("10"), Strike: d("500"), Convertible: true},
		}}
		t.Run("diluted "+basis.String(), func(t *testing.T) { identity(t, m, 40+uint64(basis), 500, 150) })
	}
	cur, err := modelfile.LoadModel(filepath.Join("workbook", "testdata", "currencies.json"))
	if err != nil {
		t.Fatal(err)
	}
	for i, agg := range []comps.Aggregate{comps.Median{}, comps.Harmonic{}} {
		m := cur.Clone()
		for j := range m.Parts {
			mm := m.Parts[j].Method.(valuation.Multiple)
			mm.Comps = mm.Comps.Clone()
			mm.Comps.Aggregate = agg
			m.Parts[j].Method = mm
		}
		t.Run(agg.Name(), func(t *testing.T) { identity(t, m, 50+uint64(i), 500, 150) })
	}
	g, err := modelfile.LoadModel(filepath.Join("modelfile", "testdata", "growth.json"))
	if err != nil {
		t.Fatal(err)
	}
	g = g.Clone()
	s := &g.Plan.Segments[0]
	s.Drivers = maps.Clone(s.Drivers)
	s.Drivers[2026] = segments.Generic{Model: segments.Spec{Kind: "mature", Inputs: []segments.Input{
		{Metric: "revenue_growth", Label: "Growth", Unit: segments.Fraction, Range: segments.SignedRate},
		{Metric: "ebitda_margin", Label: "Margin", Unit: segments.Fraction, Range: segments.SignedRate}},
		Lines: []segments.LineSpec{
			{Metric: "revenue", Label: "Revenue", Unit: segments.Millions, Formula: formula(t, "prev(revenue, 0) * (1 + revenue_growth)")},
			{Metric: "ebitda", Label: "EBITDA", Unit: segments.Millions, Formula: formula(t, "revenue * ebitda_margin")}}},
		In: []decimal.Decimal{d("0.1"), d("0.2")}}
	t.Run("driver model change", func(t *testing.T) { identity(t, g, 60, 500, 150) })
	e := bridged()
	e.Parts[0].Method = valuation.Fixed{Amount: d("-5000")}
	e.Parts[1].Method = valuation.Expression{Label: "3x revenue a daily user", Formula: formula(t, "3 * revenue / (dau + 1)")}
	t.Run("fixed and formula", func(t *testing.T) { identity(t, e, 70, 500, 150) })
}

// identity is TestPreparedIdentity on one model, points drawn from seed: the kernel in value and
// exponent, and its float64 program (Evaluator.Float) to 1e-12 relative, refusing what
// Model.Value refuses. The kernel must value at least minKernel points, in a model that
// has them a fifth of them moving an FX rate, a bridge item, a tranche or the horizon,
// and one point in twenty must be invalid. A compiled kernel leaves no valid point to the decimal path: not even
// one that moves the holding-company discount to zero, where the bridge has no line of it
// (a select keeps equity's exponent).
func identity(t *testing.T, base valuation.Model, seed uint64, points, minKernel int) {
	t.Helper()
	p, err := base.Prepare(valuation.PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var list []valuation.Assumption
	for _, a := range p.Assumptions() {
		if a.Key.Name != "average" {
			list = append(list, a)
		}
	}
	outputs := []key.Key{key.Scalar("target"), key.Scalar("sum"), key.Scalar("upside"), key.Scalar("equity")}
	for _, part := range base.Parts {
		outputs = append(outputs, key.Part(part.Segment, "value"), key.Part(part.Segment, "metric"), key.Part(part.Segment, "fx"))
	}
	for _, s := range base.Plan.Segments {
		outputs = append(outputs, key.Forecast(base.Year, s.Name, "revenue"))
	}
	outputs = slices.DeleteFunc(outputs, func(k key.Key) bool { _, err := p.Result().Lookup(k); return err != nil }) // a fixed part's metric, an upside without a price
	// The P&L, growths, shares of revenue, comparables' figures and the bridge's lines, a
	// query of their own: a point may leave one without a value.
	var pnl []key.Key
	for _, k := range figureKeys(p.Result()) {
		if _, err := p.Result().Lookup(k); err == nil && (k.Space == key.SpacePnL || k.Space == key.SpacePnLLine || k.Space == key.SpaceComp ||
			k.Space == key.SpaceBridge || k.Space == key.SpaceForecast && (k.Growth || k.Name == "share")) {
			pnl = append(pnl, k)
		}
	}
	var every []key.Key // every figure the base result holds a value of: the kernel compiles them all
	for _, k := range figureKeys(p.Result()) {
		if _, err := p.Result().Lookup(k); err == nil {
			every = append(every, k)
		}
	}
	if q, err := p.Query([]key.Key{list[0].Key}, every); err != nil || q.Exact() != nil {
		t.Fatalf("a query of all %d figures: %v, kernel: %v", len(every), err, q.Exact())
	}
	r := rand.New(rand.NewPCG(seed, 2021))
	var checked, kernel, invalid, newer, pnlValued int
	for i := range points {
		n := 1 + r.IntN(3)
		m := base.Clone()
		var point []valuation.Override
		var keys []key.Key
		var fxErr error
		for _, j := range r.Perm(len(list))[:n] {
			a := list[j]
			v := draw(r, a)
			var err error
			if m, err = moved(t, m, a, v); err != nil {
				fxErr = err
			}
			point = append(point, valuation.Override{Key: a.Key, Value: v})
			keys = append(keys, a.Key)
		}
		want, wantErr := m.Value()
		if fxErr != nil {
			want, wantErr = valuation.Result{}, fxErr
		}
		got, gotErr := p.Value(point...)
		// The same error at a point of one fault; at a point of several, both refuse it, but
		// the prepared path works the moved comparables out before Model.value checks the
		// rest, so which fault is reported first may differ (a crossed rate against shares).
		if (wantErr == nil) != (gotErr == nil) || (wantErr != nil && len(point) == 1 && gotErr.Error() != wantErr.Error()) {
			t.Fatalf("%d %v: prepared error %v, Model.Value error %v", i, point, gotErr, wantErr)
		}
		if wantErr != nil {
			invalid++
		} else {
			for _, k := range figureKeys(want) {
				w, werr := want.Lookup(k)
				g, gerr := got.Lookup(k)
				if (werr == nil) != (gerr == nil) || !identical(w, g) {
					t.Fatalf("%d %v: %s = %s (exp %d, %v), Model.Value %s (exp %d, %v)", i, point, k, g, g.Exponent(), gerr, w, w.Exponent(), werr)
				}
				checked++
			}
		}
		if queryAgrees(t, p, point, outputs, want, wantErr) {
			kernel++
			if slices.ContainsFunc(keys, func(k key.Key) bool {
				return k.Space == key.SpaceFX || k.Space == key.SpaceBridge || k.Space == key.SpaceDilution || k.Space == key.SpaceHorizon
			}) {
				newer++
			}
		}
		if len(pnl) > 0 && queryAgrees(t, p, point, pnl, want, wantErr) {
			pnlValued++
		}
	}
	t.Logf("%d figures identical; %d valid points through the exact kernel (%d moving an FX rate, a bridge item, a tranche or the horizon, %d with the %d figures reported beside: P&L, growths, comparables', bridge lines); %d invalid points refused alike",
		checked, kernel, newer, pnlValued, len(pnl), invalid)
	rare := slices.ContainsFunc(list, func(a valuation.Assumption) bool { // a model with an FX rate, a bridge, a dilution or a horizon
		return a.Key.Space == key.SpaceFX || a.Key.Space == key.SpaceBridge || a.Key.Space == key.SpaceDilution || a.Key.Space == key.SpaceHorizon
	})
	if kernel < minKernel || invalid < points/20 || rare && newer < minKernel/5 {
		t.Errorf("the draw exercised %d kernel points and %d invalid ones: too few to mean much", kernel, invalid)
	}
}

// queryAgrees is identity's check of one point on a query of outputs: the query, its
// exact kernel alone and its float64 program refuse the point when Model.Value refuses it
// (wantErr) or leaves an output without a value; else the kernel values it identically,
// value and exponent, and the float64 program to 1e-12 relative. It reports whether the
// kernel valued the point.
func queryAgrees(t *testing.T, p *valuation.Prepared, point []valuation.Override, outputs []key.Key, want valuation.Result, wantErr error) bool {
	t.Helper()
	keys := make([]key.Key, len(point))
	vals := make([]decimal.Decimal, len(point))
	x, y := make([]float64, len(point)), make([]float64, len(outputs))
	for j, o := range point {
		keys[j], vals[j], x[j] = o.Key, o.Value, o.Value.InexactFloat64()
	}
	q, err := p.Query(keys, outputs)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]decimal.Decimal, len(outputs))
	qErr := q.Eval(vals, out)
	reasons, err := q.Float()
	if err != nil {
		t.Fatalf("%v: no float64 form: %v", point, err)
	}
	fk := q.Evaluator().Float(x, y)
	if wantErr != nil {
		if qErr == nil || valuation.KernelOnly(q, vals, out) || fk < 0 {
			t.Fatalf("%v: query (%v), its kernel or its float64 program (%d) valued a point Model.Value refuses (%v)", point, qErr, fk, wantErr)
		}
		return false
	}
	wantOut := make([]decimal.Decimal, len(outputs))
	for j, k := range outputs {
		if wantOut[j], err = want.Lookup(k); err != nil {
			if qErr == nil || fk < 0 {
				t.Fatalf("%v: query (%v) or float64 program (%d) read an output Model.Value's result does not hold (%v)", point, qErr, fk, err)
			}
			return false
		}
	}
	switch {
	case fk >= 0:
		t.Fatalf("%v: the float64 program refused a point Model.Value values: %s", point, reasons[fk])
	case qErr != nil:
		t.Fatalf("%v: query: %v", point, qErr)
	case !valuation.KernelOnly(q, vals, out):
		t.Fatalf("%v (kernel refused: %v): the exact kernel did not value a valid point", point, q.Exact())
	}
	for j, k := range outputs {
		if w := wantOut[j]; !identical(out[j], w) {
			t.Fatalf("%v: query %s = %s (exp %d), Model.Value %s (exp %d)", point, k, out[j], out[j].Exponent(), w, w.Exponent())
		}
		w, scale := wantOut[j].InexactFloat64(), math.Abs(wantOut[j].InexactFloat64())
		if k == key.Scalar(key.Upside) || k.Growth {
			scale++ // a ratio − 1 (target / price, this year / last): the ratio's precision (floatAgrees in sensitivity)
		}
		// Model.Value rounds a quotient to 16 places (segments.DivPlaces): at an FX
		// rate a billion times off, a figure near 1e-7 (a target in HK$ at 5.5e-9
		// USD/HKD) has 9 digits of its own there, and a comparable's multiple, value
		// over a metric converted a billion times up, a few, which the rate then
		// multiplies back (currencies.json at CNY/HKD 857,930,000: a target of
		// 128.6967990 in decimal, 128.6967989 in float64). Such points are held to be
		// valued or refused alike, not to 12 digits.
		// And a quotient is rounded to the 16th place, so a small one (a segment's share
		// of 6.1e-6) has that place's precision, 5e-17, not 12 digits: 1e-15 more.
		if !offScale(point, p) && math.Abs(y[j]-w) > 1e-12*scale+1e-15 {
			t.Fatalf("%v: float64 %s = %v, Model.Value %v", point, k, y[j], w)
		}
	}
	return true
}

// offScale reports a point that moves an FX rate a thousand times or more off its base.
func offScale(point []valuation.Override, p *valuation.Prepared) bool {
	for _, o := range point {
		if a, err := p.Assumption(o.Key); err == nil && a.Kind == valuation.KindFX {
			if r := o.Value.InexactFloat64() / a.Base.InexactFloat64(); r > 1e3 || r < 1e-3 {
				return true
			}
		}
	}
	return false
}

// TestPreparedDoesNotShare: the prepared model is its own copy.
func TestPreparedDoesNotShare(t *testing.T) {
	m := kuaishou2021.Model()
	p, err := m.Prepare(valuation.PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	before := p.Result().Target
	u := m.Plan.Users[2021]
	u.MAU = decimal.NewFromInt(1)
	m.Plan.Users[2021] = u
	again, err := p.Value()
	if err != nil || !identical(again.Target, before) {
		t.Errorf("after the caller's map changed: %s, %v; want %s", again.Target, err, before)
	}
	if maps.Equal(m.Plan.Users, p.Model().Plan.Users) {
		t.Error("the prepared model shares the caller's users")
	}
}

func TestPreparedRefuses(t *testing.T) {
	p, err := kuaishou2021.Model().Prepare(valuation.PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mau := key.Forecast(2021, "", "mau")
	target := []key.Key{key.Scalar("target")}
	for _, c := range []struct {
		name    string
		moves   []key.Key
		outputs []key.Key
		want    error
	}{
		{"unknown assumption", []key.Key{key.Forecast(2021, "", "wau")}, target, fault.ErrUnknownAssumption},
		{"twice", []key.Key{mau, mau}, target, fault.ErrDuplicateAssumption},
		{"no outputs", []key.Key{mau}, nil, fault.ErrNoOutput},
		{"unknown output", []key.Key{mau}, []key.Key{key.Scalar("sums")}, fault.ErrUnknownFigure},
	} {
		if _, err := p.Query(c.moves, c.outputs); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	q, err := p.Query([]key.Key{mau}, target)
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Eval(nil, make([]decimal.Decimal, 1)); !errors.Is(err, fault.ErrPoint) {
		t.Errorf("no values: %v, want ErrPoint", err)
	}
	out := make([]decimal.Decimal, 1)
	if err := q.Eval([]decimal.Decimal{decimal.Zero}, out); !errors.Is(err, fault.ErrNonPositive) {
		t.Errorf("zero MAU: %v, want ErrNonPositive", err)
	}
}

// TestWith: the model With gives values as Prepared.Value does at the same point, a
// premium included, and leaves the prepared model as it was; a peers' average, which no
// model holds, is fault.ErrUnsupported.
func TestWith(t *testing.T) {
	p, err := kuaishou2021.Model().Prepare(valuation.PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	point := []valuation.Override{{Key: key.Forecast(2021, "", "mau"), Value: d("500")},
		{Key: key.Part("ecommerce", "premium"), Value: d("-0.3")}, {Key: key.FX("USD", "HKD"), Value: d("7.8")}}
	want, err := p.Value(point...)
	if err != nil {
		t.Fatal(err)
	}
	m, err := p.With(point...)
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	if !got.Target.Equal(want.Target) || got.Target.Equal(p.Result().Target) {
		t.Errorf("With values to %s, Value to %s (base %s)", got.Target, want.Target, p.Result().Target)
	}
	if again, err := p.Value(); err != nil || !again.Target.Equal(p.Result().Target) {
		t.Errorf("the prepared model moved: %s, %v", again.Target, err)
	}
	if _, err := p.With(valuation.Override{Key: key.Part("ecommerce", "average"), Value: d("400")}); !errors.Is(err, fault.ErrUnsupported) {
		t.Errorf("an average: %v, want fault.ErrUnsupported", err)
	}
}

// TestLaterStart: examples/models/localco.json's grocery starts in 2026 (no 2025
// inputs) and is valued at a fixed loss. It values with 2025's group revenue the other
// segments' alone; a sweep of its 2026 orders and the 2025 and 2026 group revenue runs
// through the exact kernel and gives Model.Value's figures, digit for digit; a Monte Carlo
// of the target runs. A part priced in a year before its segment starts is refused, never
// priced on the platform's users.
func TestLaterStart(t *testing.T) {
	m, err := modelfile.LoadModel(filepath.Join("..", "examples", "models", "localco.json"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	y25, _ := r.Forecast.Year(2025)
	if s, _ := y25.Segment("grocery"); s.Started() {
		t.Errorf("grocery 2025: %+v, want not started", s)
	}
	p, err := m.Prepare(valuation.PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	orders := key.Forecast(2026, "grocery", "orders")
	outs := []key.Key{key.Scalar(key.Target), key.Forecast(2025, "", "revenue"), key.Forecast(2026, "", "revenue")}
	q, err := p.Query([]key.Key{orders}, outs)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"0", "15", "40"} {
		out := make([]decimal.Decimal, len(outs))
		if !valuation.KernelOnly(q, []decimal.Decimal{d(v)}, out) {
			t.Fatalf("orders %s: the kernel refused the point", v)
		}
		want, err := p.Value(valuation.Override{Key: orders, Value: d(v)})
		if err != nil {
			t.Fatal(err)
		}
		for i, k := range outs {
			if w, _ := want.Lookup(k); !identical(out[i], w) {
				t.Errorf("orders %s: %s = %s, Model.Value %s", v, k, out[i], w)
			}
		}
	}
	e, err := sensitivity.New(m, sensitivity.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.MonteCarlo(context.Background(), sensitivity.MonteCarlo{Output: "target", Draws: 2000, Seed: 1, Inputs: []sensitivity.Variable{
		{Name: "forecast/2026/delivery/take_rate", Dist: distuv.Uniform{Min: 0.13, Max: 0.17}},
		{Name: "forecast/2026/grocery/orders", Dist: distuv.Uniform{Min: 10, Max: 30}}}}); err != nil {
		t.Errorf("Monte Carlo: %v", err)
	}
	early := m.Clone()
	early.Parts = slices.Clone(early.Parts)
	early.Parts[0].Method = early.Parts[2].Method // ads' P/MAU set, on grocery
	early.Year = 2025
	if _, err := early.Value(); !errors.Is(err, fault.ErrMetric) || !strings.Contains(err.Error(), "starts in a later year") {
		t.Errorf("grocery priced in 2025: %v, want ErrMetric: it starts in a later year", err)
	}
}

// TestPrevChained: valuation/modelfile/testdata/growth.json grows cloud revenue from a
// 2024 base by each year's growth (prev(revenue, base_revenue) × (1 + revenue_growth)):
// 1,000 × 1.1 × 1.2 × 1.1 = 1,452 in 2026, priced on 2026 EBITDA. Moving 2024's growth
// moves 2026's target, through the exact kernel and through the decimal path of a query
// that reads 2026 alone (which keeps the years before it), both identical to Model.Value
// of the model moved by hand.
func TestPrevChained(t *testing.T) {
	m, err := modelfile.LoadModel(filepath.Join("modelfile", "testdata", "growth.json"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := r.Figure("forecast/2026/cloud/revenue"); !got.Equal(d("1452")) {
		t.Fatalf("2026 cloud revenue %s, want 1452", got)
	}
	p, err := m.Prepare(valuation.PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	g24, margin := key.Forecast(2024, "cloud", "revenue_growth"), key.Forecast(2026, "cloud", "ebitda_margin")
	outs := []key.Key{key.Scalar(key.Target), key.Forecast(2026, "cloud", "revenue")}
	for _, v := range []string{"0", "0.3", "-0.2"} {
		moved := m.Clone()
		seg := moved.Plan.Segments[0]
		seg.Drivers[2024], _ = segments.With(seg.Drivers[2024], "revenue_growth", d(v))
		want, err := moved.Value()
		if err != nil {
			t.Fatal(err)
		}
		for _, moves := range [][]key.Key{{g24}, {g24, margin}} {
			q, err := p.Query(moves, outs)
			if err != nil {
				t.Fatal(err)
			}
			vals := []decimal.Decimal{d(v), d("0.2")}[:len(moves)]
			out := make([]decimal.Decimal, len(outs))
			if !valuation.KernelOnly(q, vals, out) {
				t.Fatalf("growth %s: the kernel refused the point", v)
			}
			dec := make([]decimal.Decimal, len(outs))
			if err := q.Eval(vals, dec); err != nil {
				t.Fatal(err)
			}
			for i, k := range outs {
				w, _ := want.Lookup(k)
				if !identical(out[i], w) || !identical(dec[i], w) {
					t.Errorf("growth %s, moves %v: %s kernel %s, decimal %s; Model.Value %s", v, moves, k, out[i], dec[i], w)
				}
			}
		}
	}
	// A query moving 2026's margin alone, reading the target: its decimal path cuts the
	// plan to 2026, and must keep 2024 and 2025, whose revenue 2026's grows from.
	q, err := p.Query([]key.Key{margin}, []key.Key{key.Scalar(key.Target)})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]decimal.Decimal, 1)
	if err := q.Eval([]decimal.Decimal{d("0.2")}, out); err != nil || !identical(out[0], r.Target) {
		t.Errorf("2026 margin at its base: target %s, %v; want %s", out[0], err, r.Target)
	}
}

// TestKernelRefusesAsDecimal: points the decimal path refuses, which the kernel once
// valued (found by a review): a crossed FX rate moved out of comps.RateBounds where a
// formula part converts at it, or where the P&L does at the price; an average moved
// with an FX rate that converts its comparables, whose set fails at the moved rate; a
// formula reading a line the forecast leaves out at zero, moved to zero, by its name or
// as the segment's users; a P&L at a crossed rate at a price the base model has none
// of. The kernel
// leaves each to the decimal path, which reports the error Prepared.Value reports.
func TestKernelRefusesAsDecimal(t *testing.T) {
	crossed := func() valuation.Model {
		m := kuaishou2021.Model()
		fx, err := comps.NewFX(comps.Rate{From: comps.USD, To: comps.HKD, Rate: d("7.7")}, comps.Rate{From: comps.CNY, To: comps.USD, Rate: d("0.1565")})
		if err != nil {
			t.Fatal(err)
		}
		m.FX = fx
		return m
	}
	expr := crossed()
	expr.Parts[1].Method = valuation.Expression{Formula: formula(t, "3 * revenue")}
	cur, err := modelfile.LoadModel(filepath.Join("workbook", "testdata", "currencies.json"))
	if err != nil {
		t.Fatal(err)
	}
	omit := kuaishou2021.Model()
	for i, s := range omit.Plan.Segments {
		if s.Name == "ecommerce" {
			dr, ok := segments.With(s.Drivers[2021], "other_revenue", d("100"))
			if !ok {
				t.Fatal("ecommerce has no other_revenue input")
			}
			omit.Plan.Segments[i].Drivers[2021] = dr
		}
	}
	omit.Parts[2].Method = valuation.Expression{Formula: formula(t, "revenue + 2 * other_revenue")}
	unpriced := crossed()
	unpriced.Price = decimal.Decimal{}
	for _, c := range []struct {
		name   string
		m      valuation.Model
		point  []valuation.Override
		output key.Key
	}{
		{"a formula part at a crossed rate", expr, []valuation.Override{{Key: key.FX("CNY", "USD"), Value: d("1e9")}}, key.Scalar(key.Target)},
		{"the P&L at a crossed rate", crossed(), []valuation.Override{{Key: key.Key{Space: key.SpacePnL, Year: 2019, Name: "shares"}, Value: d("1000")},
			{Key: key.FX("CNY", "USD"), Value: d("1e9")}}, key.Scalar(key.Upside)},
		{"an average with its set's rate", cur, []valuation.Override{{Key: key.Part("ads", "average"), Value: d("3")}, {Key: key.FX("USD", "HKD"), Value: d("1e-9")}}, key.Scalar(key.Target)},
		{"a line left out at zero", omit, []valuation.Override{{Key: key.Forecast(2021, "ecommerce", "other_revenue"), Value: d("0")}}, key.Scalar(key.Target)},
		{"users left out at zero", games(t), []valuation.Override{{Key: key.Forecast(2025, "ads", "game_payers"), Value: d("0.5")}}, key.Scalar(key.Target)},
		{"the P&L at a price moved from none", unpriced, []valuation.Override{{Key: key.Key{Space: key.SpacePnL, Year: 2021, Name: "shares"}, Value: d("4000")},
			{Key: key.Scalar(key.Price), Value: d("300")}, {Key: key.FX("CNY", "USD"), Value: d("1e9")}}, key.Scalar(key.Price)},
	} {
		p, err := c.m.Prepare(valuation.PrepareOptions{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		_, want := p.Value(c.point...)
		var moves []key.Key
		var vals []decimal.Decimal
		for _, o := range c.point {
			moves, vals = append(moves, o.Key), append(vals, o.Value)
		}
		q, err := p.Query(moves, []key.Key{c.output})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		out := make([]decimal.Decimal, 1)
		if want == nil || valuation.KernelOnly(q, vals, out) {
			t.Errorf("%s: the kernel valued it (%s); Prepared.Value: %v", c.name, out[0], want)
		}
		if err := q.Evaluator().Eval(vals, out); err == nil || err.Error() != want.Error() {
			t.Errorf("%s: the query: %v; Prepared.Value: %v", c.name, err, want)
		}
	}
}

// games is the made-up platform with its segment a games business whose paying users,
// the segment's own users, are left out of the forecast at zero: max(game_payers − 1% of
// MAU, 0), valued at 3 × revenue + 10 × users.
func games(t *testing.T) valuation.Model {
	m := platform()
	spec := segments.Spec{Kind: "games", UserBase: "payers",
		Inputs: []segments.Input{{Metric: "game_payers", Label: "Game payers", Unit: segments.MillionUsers, Range: segments.NonNegative},
			{Metric: "arppu", Label: "ARPPU", Unit: segments.PerUser, Range: segments.NonNegative}},
		Lines: []segments.LineSpec{
			{Metric: "payers", Label: "Payers", Unit: segments.MillionUsers, OmitZero: true, Formula: formula(t, "max(game_payers - mau * 0.01, 0)")},
			{Metric: segments.Revenue, Label: "Revenue", Unit: segments.Millions, Formula: formula(t, "payers * arppu")}}}
	m.Plan.Segments[0].Drivers = map[int]segments.Driver{2025: segments.Generic{Model: spec, In: []decimal.Decimal{d("5"), d("30")}}}
	m.Parts[0].Method = valuation.Expression{Formula: formula(t, "3 * revenue + 10 * users")}
	return m
}
