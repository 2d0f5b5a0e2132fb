// Package shipped finds the model and run files the repository ships, for the tests of
// the example programs that read every one of them.
package shipped

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Files lists the JSON files below root, fuzzing corpora and .git left out, by their
// format: model files ("sotp/model/v1") and run files ("sotp/run/v1", which embed a
// model). It fails t when the walk fails or finds fewer than 5 models or 2 runs, which
// would mean it went wrong rather than that the files are gone.
func Files(t testing.TB, root string) (models, runs []string) {
	t.Helper()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() && (d.Name() == ".git" || d.Name() == "fuzz") || !strings.HasSuffix(path, ".json") {
			return err
		}
		b, err := os.ReadFile(path)
		switch {
		case err != nil:
			return err
		case bytes.Contains(b, []byte(`"format": "sotp/run/v1"`)):
			runs = append(runs, path)
		case bytes.Contains(b, []byte(`"format": "sotp/model/v1"`)):
			models = append(models, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(models) < 5 || len(runs) < 2 {
		t.Fatalf("found %d model and %d run files below %s: the walk went wrong", len(models), len(runs), root)
	}
	return models, runs
}
