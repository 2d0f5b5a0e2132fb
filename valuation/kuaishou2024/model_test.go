package kuaishou2024_test

import (
	"bytes"
	"flag"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sotpkit/sotp/valuation/kuaishou2024"
	"github.com/sotpkit/sotp/valuation/modelfile"
)

var update = flag.Bool("update", false, "rewrite kuaishou2024.json from the in-code model")

// TestModelFile: kuaishou2024.json is the in-code model written by modelfile.Write, and
// reads back to the same target.
func TestModelFile(t *testing.T) {
	var b bytes.Buffer
	if err := modelfile.Write(&b, kuaishou2024.Model()); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("kuaishou2024.json", b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	file, err := os.ReadFile("kuaishou2024.json")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(file), b.String()); diff != "" {
		t.Errorf("kuaishou2024.json differs from the in-code model (-file +code); go test -update rewrites it\n%s", diff)
	}
}
