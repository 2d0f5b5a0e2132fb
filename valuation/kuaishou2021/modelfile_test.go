package kuaishou2021_test

import (
	"bytes"
	"flag"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/modelfile"
)

var update = flag.Bool("update", false, "rewrite kuaishou2021.json from the in-code model")

// TestModelFile: the shipped model file is the in-code model written by
// modelfile.Write, and reading it values to the identical result, figure for figure.
func TestModelFile(t *testing.T) {
	var b bytes.Buffer
	if err := modelfile.Write(&b, kuaishou2021.Model()); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("kuaishou2021.json", b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff(string(kuaishou2021.ModelFile()), b.String()); diff != "" {
		t.Errorf("kuaishou2021.json differs from the in-code model (-file +code); go test -update rewrites it\n%s", diff)
	}

	m, err := modelfile.Read(bytes.NewReader(kuaishou2021.ModelFile()), nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(value(t), got, decimalEqual); diff != "" {
		t.Errorf("file model values differently (-code +file)\n%s", diff)
	}
	// The report's figures reproduce through the file.
	if rc := got.Reconcile(kuaishou2021.Figures()); len(rc.Surprises()) != 0 {
		t.Errorf("surprises through the file: %v", rc.Surprises())
	}
	// Read and written again: the same bytes.
	var again bytes.Buffer
	if err := modelfile.Write(&again, m); err != nil || !bytes.Equal(again.Bytes(), kuaishou2021.ModelFile()) {
		t.Errorf("read and write does not round-trip (%v)", err)
	}
}
