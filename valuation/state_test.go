package valuation_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoExportedVariables: the library keeps no package-level state an importer could
// change: no exported variable outside fault's sentinels (errors.Is compares them by
// identity, as the standard library's are). comps.MinRate and MaxRate, FX bounds any
// importer could move, were the last; they are comps.RateBounds now.
func TestNoExportedVariables(t *testing.T) {
	for _, root := range []string{".", filepath.Join("..", "segments"), filepath.Join("..", "comps")} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() && (d.Name() == "testdata" || d.Name() == "internal" && root != ".") {
				return err
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			for _, decl := range f.Decls {
				g, ok := decl.(*ast.GenDecl)
				if !ok || g.Tok != token.VAR {
					continue
				}
				for _, spec := range g.Specs {
					for _, name := range spec.(*ast.ValueSpec).Names {
						if name.IsExported() && !(f.Name.Name == "fault" && strings.HasPrefix(name.Name, "Err")) {
							t.Errorf("%s: exported variable %s.%s", path, f.Name.Name, name.Name)
						}
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
