package valuation_test

import (
	"maps"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/key"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/modelfile"
)

// TestResultKeys: every figure the report prints is among Result.Keys, and every key
// Keys lists writes and reads back as itself.
func TestResultKeys(t *testing.T) {
	r, err := kuaishou2021.Model().Value()
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, k := range r.Keys() {
		s := k.String()
		if back, err := key.Parse(s); err != nil || back != k {
			t.Errorf("%s reads back as %+v, %v", s, back, err)
		}
		keys[s] = true
	}
	for _, p := range kuaishou2021.Figures() {
		if !keys[p.Key] {
			t.Errorf("printed figure %s (%s, %s) is not among Keys", p.Key, p.Table, p.Row)
		}
	}
}

// TestKeyTable: the key grammar's table (kindOfKey) has a row for every space a key of
// a result or an assumption of a model is in: every figure Keys lists of the report's
// model, of holdco-tech (a bridge), of the currencies model (FX rates) and of bridge.json
// (a dilution, and a horizon of half a year at 10% set here)
// looks up to its value and is compiled by the kernel (a query of each figure at once is
// exact), and every assumption of theirs is moved by Prepared.Value as the model with it set
// values (an average, which the model holds no field of, to the result's average).
func TestKeyTable(t *testing.T) {
	all := map[key.Space]bool{}
	for _, path := range []string{"kuaishou2021/kuaishou2021.json", "../examples/models/holdco-tech.json", "workbook/testdata/currencies.json", "modelfile/testdata/bridge.json"} {
		m, err := modelfile.LoadModel(path)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(path, "bridge.json") {
			m.Horizon = valuation.Horizon{Rate: decimal.New(1, -1), Years: decimal.New(5, -1)}
		}
		p, err := m.Prepare(valuation.PrepareOptions{})
		if err != nil {
			t.Fatal(err)
		}
		r := p.Result()
		var keys []key.Key
		spaces := map[key.Space]bool{}
		for _, k := range r.Keys() {
			if _, err := r.Lookup(k); err != nil {
				continue // a figure without a value: a first year's growth
			}
			keys = append(keys, k)
			spaces[k.Space] = true
			if title, _ := r.Label(k); title == k.String() {
				t.Errorf("%s: %s has no label of its own", path, k)
			}
		}
		var moves []key.Key
		for _, a := range p.Assumptions() {
			spaces[a.Key.Space] = true
			moves = append(moves, a.Key)
			moved := a.Base.Add(decimal.New(1, -3))
			got, err := p.Value(valuation.Override{Key: a.Key, Value: moved})
			if err != nil {
				continue // out of its range: the move is checked, not made
			}
			back, err := p.With(valuation.Override{Key: a.Key, Value: moved})
			if err != nil { // an average: the model has no field of it, the result has
				if v, err := got.Lookup(a.Key); err != nil || !v.Equal(moved) {
					t.Errorf("%s: %s moved to %s: the result has %s (%v)", path, a.Key, moved, v, err)
				}
				continue
			}
			if want, err := back.Value(); err != nil || !got.Target.Equal(want.Target) {
				t.Errorf("%s: %s moved: target %s, want %s (%v)", path, a.Key, got.Target, want.Target, err)
			}
		}
		q, err := p.Query(moves, keys)
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Exact(); err != nil {
			t.Errorf("%s: every figure and assumption at once: %v", path, err)
		}
		t.Logf("%s: %d figures, %d assumptions, %d spaces", path, len(keys), len(moves), len(spaces))
		maps.Copy(all, spaces)
	}
	if len(all) != int(key.SpaceHorizon) {
		t.Errorf("the models hold keys of %d spaces, want every one of the grammar's %d", len(all), key.SpaceHorizon)
	}
}
