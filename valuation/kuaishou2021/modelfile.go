package kuaishou2021

import _ "embed"

//go:embed kuaishou2021.json
var modelFile []byte

// ModelFile returns the model as a sotp model file (see package valuation/modelfile):
// the same drivers, comparables, FX and share count as Model, as data. A test holds the
// two identical.
func ModelFile() []byte { return append([]byte(nil), modelFile...) }
