package segments

// drivers lists the driver models this package ships, by kind, in a fixed order: a new
// driver model is one line here. Each kind is also its Spec's Kind (a test holds the two
// together), so that Kind builds only the Spec it is asked for: a model file names a
// driver for every segment, and a Spec is a tree of formulas.
func drivers() []struct {
	kind string
	spec func() Spec
} {
	return []struct {
		kind string
		spec func() Spec
	}{
		{"live_streaming", LiveStreaming{}.Spec},
		{"advertising", Advertising{}.Spec},
		{"ecommerce", Ecommerce{}.Spec},
		{"subscription", Subscription{}.Spec},
	}
}

// Kinds returns the Spec of each driver model this package ships, in a fixed order:
// what a model file names in a segment's "driver" (see Kind).
func Kinds() []Spec {
	var out []Spec
	for _, k := range drivers() {
		out = append(out, k.spec())
	}
	return out
}

// SpecOf returns the Spec of the shipped driver model of that kind; false when there is
// none.
func SpecOf(name string) (Spec, bool) {
	for _, k := range drivers() {
		if k.kind == name {
			return k.spec(), true
		}
	}
	return Spec{}, false
}
