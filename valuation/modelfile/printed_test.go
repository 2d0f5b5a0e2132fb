package modelfile_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/modelfile"
)

// TestReadPrinted: the walkthrough's printed figures read as the CLI's reconcile reads
// them; what is not such a file is an error at its line and column, and a file above
// MaxBytes is fault.ErrTooLarge (the CLI once read its first MaxBytes and went on).
func TestReadPrinted(t *testing.T) {
	f, err := os.Open("../../examples/sotp/walkthrough/printed.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	figures, err := modelfile.ReadPrinted(f)
	if err != nil || len(figures) == 0 || figures[0].Key == "" || figures[0].Places < 0 {
		t.Fatalf("%+v, %v", figures, err)
	}
	const header = "table,row,column,key,printed,places,shift,exception\n"
	for _, c := range []struct {
		name, doc, path string
		want            error
	}{
		{"header", "table,row\nT,R\n", "line 1", fault.ErrInvalid},
		{"decimal", header + "T,R,C,target,4o4.6,1,0,\n", "line 2, column printed", fault.ErrDecimal},
		{"places", header + "T,R,C,target,404.6,99999999999,0,\n", "line 2, column places", fault.ErrInvalid},
		{"shift", header + "T,R,C,target,404.6,1,-41,\n", "line 2, column shift", fault.ErrInvalid},
		{"columns", header + "T,R,C,target,404.6,1\n", "line 2, column 1", fault.ErrSyntax},
		{"too large", header + strings.Repeat("T,R,C,target,404.6,1,0,\n", modelfile.MaxBytes/20), "", fault.ErrTooLarge},
	} {
		_, err := modelfile.ReadPrinted(strings.NewReader(c.doc))
		var fe *fault.Error
		if !errors.Is(err, c.want) || c.path != "" && (!errors.As(err, &fe) || fe.Path != c.path) {
			t.Errorf("%s: %v, want %v at %q", c.name, err, c.want, c.path)
		}
	}
}
