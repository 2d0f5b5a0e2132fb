package segments

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/shopspring/decimal"
)

// TestKinds: kinds.json decodes to the four shipped driver models, in its order, each a
// Spec that checks and is the Spec of its Go type; a Spec handed out is a copy, so that
// changing one changes no other.
func TestKinds(t *testing.T) {
	want := []Driver{LiveStreaming{}, Advertising{}, Ecommerce{}, Subscription{}}
	kinds := Kinds()
	if len(kinds) != len(want) {
		t.Fatalf("%d kinds, want %d: kinds.json does not decode?", len(kinds), len(want))
	}
	for i, s := range kinds {
		if err := s.Check(); err != nil {
			t.Errorf("%s: %v", s.Kind, err)
		}
		if got := want[i].Spec(); got.Kind != s.Kind {
			t.Errorf("kind %d is %s, its Go type's %s", i, s.Kind, got.Kind)
		}
	}
	a := Ecommerce{}.Spec()
	a.Lines[5].Formula.Args[0] = Const(decimal.NewFromInt(7))
	a.Inputs[0].Label = "changed"
	if b := (Ecommerce{}).Spec(); b.Lines[5].Formula.Args[0].Op != OpRef || b.Inputs[0].Label != "Shopping penetration" {
		t.Errorf("a Spec changed by its holder changed the next: %+v", b.Lines[5].Formula)
	}
	if _, ok := SpecOf("streaming"); ok {
		t.Error("an unknown kind")
	}
}

// TestKindsJSON: the shipped kinds written by Spec.MarshalJSON are kinds.json, as data.
func TestKindsJSON(t *testing.T) {
	b, err := json.Marshal(map[string][]Spec{"drivers": Kinds()})
	if err != nil {
		t.Fatal(err)
	}
	var got, want any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(kindsJSON, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Kinds as JSON:\n%s\nwant kinds.json", b)
	}
	// And back: a Spec written reads back to the same Spec (a review found the names,
	// labels and user base lost, with no error).
	for _, s := range Kinds() {
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var back Spec
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if back.Kind != s.Kind || back.UserBase != s.UserBase || !reflect.DeepEqual(back.Inputs, s.Inputs) || len(back.Lines) != len(s.Lines) {
			t.Fatalf("%s read back as %+v", s.Kind, back)
		}
		for i, l := range s.Lines {
			g := back.Lines[i]
			if g.Metric != l.Metric || g.Label != l.Label || g.Unit != l.Unit || g.Places != l.Places || g.Display != l.Display || g.OmitZero != l.OmitZero || !sameFormula(g.Formula, l.Formula) {
				t.Errorf("%s line %d read back as %+v, want %+v", s.Kind, i, g, l)
			}
		}
	}
}
