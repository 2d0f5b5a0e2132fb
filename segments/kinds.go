package segments

// Kinds returns the Spec of each driver model this package ships, in a fixed order:
// what a model file names in a segment's "driver" (see Kind).
func Kinds() []Spec {
	return []Spec{LiveStreaming{}.Spec(), Advertising{}.Spec(), Ecommerce{}.Spec(), Subscription{}.Spec()}
}

// Kind returns the Spec of the shipped driver model of that kind; false when there is
// none.
func Kind(name string) (Spec, bool) {
	for _, s := range Kinds() {
		if s.Kind == name {
			return s, true
		}
	}
	return Spec{}, false
}
