package files_test

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/files"
)

// TestActualsFile reads the walkthrough's model, which carries four actuals: each
// becomes a review line, the file encodes back and reads again to the same review, and a
// bad actual is an error at its JSON path.
func TestActualsFile(t *testing.T) {
	m, err := files.LoadModel("../../../examples/sotp/walkthrough/model.json")
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Review) != 4 || r.Review[0].Key.String() != "forecast/2025/dau" || !r.Review[0].Tolerance.Equal(d("0.05")) ||
		r.Review[2].Derived == "" {
		t.Fatalf("review %+v", r.Review)
	}
	f, err := files.FromModel(m)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := files.Encode(&out, f); err != nil {
		t.Fatal(err)
	}
	back, err := files.Read(&out, nil)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := back.Value()
	if err != nil || len(r2.Review) != 4 || !r2.Review[0].Target.Decimal.Equal(r.Review[0].Target.Decimal) {
		t.Errorf("re-read: %+v, %v", r2.Review, err)
	}

	b, err := os.ReadFile("../../../segments/testdata/streamco.json")
	if err != nil {
		t.Fatal(err)
	}
	with := func(actuals string) string {
		return strings.Replace(string(b), `"format": "sotp/model/v1",`, `"format": "sotp/model/v1", "actuals": [`+actuals+`],`, 1)
	}
	for _, c := range []struct {
		name, doc string
		want      error
		at        string
	}{
		{"a key outside the grammar", with(`{"key": "forecast/two/mau", "value": "1", "source": "x"}`), fault.ErrUnknownFigure, "$.actuals[0].key"},
		{"a key given twice", with(`{"key": "forecast/2025/mau", "value": "1", "source": "x"}, {"key": "forecast/2025/mau", "value": "2", "source": "y"}`),
			fault.ErrDuplicateAssumption, "$.actuals[1].key"},
		{"a negative tolerance", with(`{"key": "forecast/2025/mau", "value": "1", "source": "x", "tolerance": "-0.1"}`), fault.ErrNegative, "$.actuals[0].tolerance"},
		{"no source", with(`{"key": "forecast/2025/mau", "value": "1"}`), fault.ErrMissingField, "$.actuals[0].source"},
	} {
		_, err := files.Read(strings.NewReader(c.doc), nil)
		var fe *fault.Error
		if !errors.Is(err, c.want) || !errors.As(err, &fe) || fe.Path != c.at {
			t.Errorf("%s: %v, want %v at %s", c.name, err, c.want, c.at)
		}
	}
}
