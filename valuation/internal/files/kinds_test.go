package files

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"testing"

	"github.com/sotpkit/sotp/segments"
)

// TestShippedKindsAreFileDrivers: segments' kinds.json, the shipped driver models, is in
// the format of a model file's drivers and passes every check a file-defined kind does
// (names, units of every formula), giving the Specs segments ships.
func TestShippedKindsAreFileDrivers(t *testing.T) {
	b, err := os.ReadFile("../../../segments/kinds.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ Drivers []Driver }
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Drivers) != len(segments.Kinds()) {
		t.Fatalf("%d drivers, segments ships %d", len(f.Drivers), len(segments.Kinds()))
	}
	for i, d := range f.Drivers {
		got, err := d.spec(fmt.Sprintf("$.drivers[%d]", i))
		if err != nil {
			t.Fatalf("%s: %v", d.Kind, err)
		}
		want, _ := segments.SpecOf(d.Kind)
		if !reflect.DeepEqual(specShape(got), specShape(want)) {
			t.Errorf("%s: %v, segments ships %v", d.Kind, specShape(got), specShape(want))
		}
	}
}
