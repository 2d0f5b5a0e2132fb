package segments

import (
	_ "embed"
	"encoding/json"
	"slices"
	"sync"
)

// kindsJSON is the driver models this package ships, in the format of a model file's
// "drivers" (valuation/modelfile): each kind's inputs with their units and ranges, and
// its lines with their formulas. A new shipped driver model is an entry here and a type
// whose Spec returns it.
//
//go:embed kinds.json
var kindsJSON []byte

// kindJSON is a Spec in the model file's format (Spec.MarshalJSON).
type kindJSON struct {
	Kind     string      `json:"kind"`
	UserBase Metric      `json:"user_base,omitempty"`
	Inputs   []inputJSON `json:"inputs"`
	Lines    []lineJSON  `json:"lines"`
}

type inputJSON struct {
	Name     Metric `json:"name"`
	Title    string `json:"title"`
	Unit     Unit   `json:"unit"`
	Range    Range  `json:"range"`
	Optional bool   `json:"optional,omitempty"`
}

type lineJSON struct {
	Name     Metric  `json:"name"`
	Title    string  `json:"title"`
	Unit     Unit    `json:"unit"`
	Places   int32   `json:"places,omitempty"`
	Display  Unit    `json:"display,omitempty"`
	OmitZero bool    `json:"omit_zero,omitempty"`
	Formula  Formula `json:"formula"`
}

// MarshalJSON writes the Spec as a model file defines a driver model (its "drivers"):
// kind, user_base, inputs (name, title, unit, range, optional) and lines (name, title,
// unit, places, display, omit_zero, formula), as the package's own kinds.json holds the
// shipped ones.
func (s Spec) MarshalJSON() ([]byte, error) {
	k := kindJSON{Kind: s.Kind, UserBase: s.UserBase, Inputs: []inputJSON{}, Lines: []lineJSON{}}
	for _, in := range s.Inputs {
		k.Inputs = append(k.Inputs, inputJSON{Name: in.Metric, Title: in.Label, Unit: in.Unit, Range: in.Range, Optional: in.Optional})
	}
	for _, l := range s.Lines {
		k.Lines = append(k.Lines, lineJSON{Name: l.Metric, Title: l.Label, Unit: l.Unit, Places: l.Places, Display: l.Display,
			OmitZero: l.OmitZero, Formula: l.Formula})
	}
	return json.Marshal(k)
}

// UnmarshalJSON reads a Spec as MarshalJSON writes it. It checks only the JSON's shape:
// Check, or a model file's reader, checks the Spec.
func (s *Spec) UnmarshalJSON(b []byte) error {
	var k kindJSON
	if err := json.Unmarshal(b, &k); err != nil {
		return err
	}
	out := Spec{Kind: k.Kind, UserBase: k.UserBase}
	for _, in := range k.Inputs {
		out.Inputs = append(out.Inputs, Input{Metric: in.Name, Label: in.Title, Unit: in.Unit, Range: in.Range, Optional: in.Optional})
	}
	for _, l := range k.Lines {
		out.Lines = append(out.Lines, LineSpec{Metric: l.Name, Label: l.Title, Unit: l.Unit, Places: l.Places, Display: l.Display,
			OmitZero: l.OmitZero, Formula: l.Formula})
	}
	*s = out
	return nil
}

// shippedKinds decodes kinds.json once; the Specs it holds are never handed out, only
// copies of them (kind). It is nil if the file does not decode, which a test rules out.
var shippedKinds = sync.OnceValue(func() []Spec {
	var f struct {
		Drivers []Spec `json:"drivers"`
	}
	if err := json.Unmarshal(kindsJSON, &f); err != nil {
		return nil
	}
	return f.Drivers
})

// kind returns a copy of the shipped Spec of that kind (the zero Spec, which does not
// check, for none).
func kind(name string) Spec {
	i := slices.IndexFunc(shippedKinds(), func(s Spec) bool { return s.Kind == name })
	if i < 0 {
		return Spec{}
	}
	return shippedKinds()[i].clone()
}

// clone returns a copy of s that shares no slice with it.
func (s Spec) clone() Spec {
	s.Inputs = slices.Clone(s.Inputs)
	s.Lines = slices.Clone(s.Lines)
	for i := range s.Lines {
		s.Lines[i].Formula = s.Lines[i].Formula.clone()
	}
	return s
}

// clone returns a copy of f that shares no slice with it.
func (f Formula) clone() Formula {
	if f.Args != nil {
		args := make([]Formula, len(f.Args))
		for i, a := range f.Args {
			args[i] = a.clone()
		}
		f.Args = args
	}
	return f
}

// Kinds returns the Spec of each driver model this package ships, in a fixed order:
// what a model file names in a segment's "driver" (see SpecOf). Each is read from the
// package's embedded kinds.json, in the model file's format.
func Kinds() []Spec {
	out := make([]Spec, len(shippedKinds()))
	for i, s := range shippedKinds() {
		out[i] = s.clone()
	}
	return out
}

// SpecOf returns the Spec of the shipped driver model of that kind; false when there is
// none.
func SpecOf(name string) (Spec, bool) {
	s := kind(name)
	return s, s.Kind != ""
}
