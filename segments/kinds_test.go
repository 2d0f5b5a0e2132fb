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
}
