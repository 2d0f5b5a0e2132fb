package modelfile_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/modelfile"
	"github.com/sotpkit/sotp/valuation/run"
)

var update = flag.Bool("update", false, "rewrite the schema files in schema/")

// schemas are the schema files kept in schema/, and what each is made from.
var schemas = []struct {
	file, id string
	make     func() []byte
}{
	{"model.schema.json", modelfile.ModelSchemaID, modelfile.ModelSchema},
	{"run.schema.json", run.SchemaID, run.Schema},
	{"run-result.schema.json", run.ReportSchemaID, run.ReportSchema},
}

// compile compiles the schema files of schema/ with a real JSON Schema validator
// (santhosh-tekuri/jsonschema, draft 2020-12).
func compile(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	for _, s := range schemas {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(s.make()))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.AddResource(s.id, doc); err != nil {
			t.Fatal(err)
		}
	}
	out := map[string]*jsonschema.Schema{}
	for _, s := range schemas {
		sch, err := c.Compile(s.id)
		if err != nil {
			t.Fatalf("%s: %v", s.file, err)
		}
		out[s.id] = sch
	}
	return out
}

func valid(t *testing.T, sch *jsonschema.Schema, doc []byte) error {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return err
	}
	return sch.Validate(v)
}

// TestSchemaFiles: the schema files in schema/ are what modelfile.ModelSchema, run.Schema and
// ResultSchema derive from the Go types (go test -update rewrites them).
func TestSchemaFiles(t *testing.T) {
	for _, s := range schemas {
		path := filepath.Join("schema", s.file)
		if *update {
			if err := os.WriteFile(path, s.make(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, s.make()) {
			t.Errorf("%s differs from what the types give: go test ./valuation/modelfile -update rewrites it", path)
		}
	}
}

// TestShippedFilesValidate: every model and run file the repository ships validates
// against its schema, and so does the JSON of what they give.
func TestShippedFilesValidate(t *testing.T) {
	sch := compile(t)
	for _, f := range []struct{ path, id string }{
		{"../kuaishou2021/kuaishou2021.json", modelfile.ModelSchemaID},
		{"testdata/model.json", modelfile.ModelSchemaID},
		{"testdata/bridge.json", modelfile.ModelSchemaID},
		{"../../segments/testdata/streamco.json", modelfile.ModelSchemaID},
		{"../../examples/sotp/walkthrough/model.json", modelfile.ModelSchemaID},
		{"testdata/run.json", run.SchemaID},
		{"../../examples/sotp/walkthrough/run.json", run.SchemaID},
	} {
		b, err := os.ReadFile(f.path)
		if err != nil {
			t.Fatal(err)
		}
		if err := valid(t, sch[f.id], b); err != nil {
			t.Errorf("%s: %v", f.path, err)
		}
	}
	b, err := os.ReadFile("testdata/run.json")
	if err != nil {
		t.Fatal(err)
	}
	r, err := run.Read(context.Background(), bytes.NewReader(b), os.DirFS("testdata"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := valid(t, sch[run.ReportSchemaID], out); err != nil {
		t.Errorf("the run's result: %v", err)
	}
	kr, err := kuaishou2021.Model().Value()
	if err != nil {
		t.Fatal(err)
	}
	out, err = json.Marshal(run.Report{Result: kr})
	if err != nil {
		t.Fatal(err)
	}
	if err := valid(t, sch[run.ReportSchemaID], out); err != nil {
		t.Errorf("the Kuaishou result: %v", err)
	}
}

// TestSchemaAgreesWithDecoder: on a table of bad model files, the schema and the strict
// reader both refuse each; on the good one, both accept. (Decode checks more than a
// schema can say, such as a driver kind's inputs; the table holds what both can.)
func TestSchemaAgreesWithDecoder(t *testing.T) {
	sch := compile(t)[modelfile.ModelSchemaID]
	good := string(kuaishou2021.ModelFile())
	edit := func(from, to string) string {
		if !strings.Contains(good, from) {
			t.Fatalf("no %q", from)
		}
		return strings.Replace(good, from, to, 1)
	}
	withSchema := edit(`"format": "sotp/model/v1",`, `"$schema": "`+modelfile.ModelSchemaID+`", "format": "sotp/model/v1",`)
	for _, doc := range []string{good, withSchema} {
		if _, err := modelfile.Read(strings.NewReader(doc), nil); err != nil {
			t.Fatalf("Read refuses a good file: %v", err)
		}
		if err := valid(t, sch, []byte(doc)); err != nil {
			t.Fatalf("the schema refuses a good file: %v", err)
		}
	}
	for name, doc := range map[string]string{
		"unknown field":          edit(`"year": 2021,`, `"year": 2021, "yaer": 2021,`),
		"missing field":          edit(`"shares": "4159",`, ``),
		"number for a decimal":   edit(`"shares": "4159"`, `"shares": 4159`),
		"null":                   edit(`"shares": "4159"`, `"shares": null`),
		"not a decimal":          edit(`"shares": "4159"`, `"shares": "4,159"`),
		"NaN":                    edit(`"shares": "4159"`, `"shares": "NaN"`),
		"string for a year":      edit(`"year": 2021`, `"year": "2021"`),
		"year key not a year":    edit(`"2018": {`, `"02018": {`),
		"wrong format":           edit(`"sotp/model/v1"`, `"sotp/model/v9"`),
		"boolean for a string":   edit(`"name": "Kuaishou"`, `"name": true`),
		"array for an object":    edit(`"rating": {`, `"rating": [], "x": {`),
		"unknown field in a set": edit(`"metric": "mau_2021",`, `"metric": "mau_2021", "mettric": "x",`),
		"input of another kind":  edit(`"revenue_per_dau": "136.5459"`, `"revenue_per_dau": "136.5459", "take_rate": "0.1"`),
		"required input missing": edit(`"penetration": "0.45",`, ``),
	} {
		_, derr := modelfile.Read(strings.NewReader(doc), nil)
		serr := valid(t, sch, []byte(doc))
		if derr == nil || serr == nil {
			t.Errorf("%s: Read %v; schema %v: both should refuse", name, derr, serr)
		}
	}
	// A driver kind the file neither ships nor defines: the schema cannot know the kinds a
	// file defines, so Read alone refuses it.
	if _, err := modelfile.Read(strings.NewReader(edit(`"driver": "advertising"`, `"driver": "adverts"`)), nil); !errors.Is(err, fault.ErrInvalid) {
		t.Errorf("an unknown driver kind: %v, want fault.ErrInvalid", err)
	}
}

// TestRunSchemaAgreesOnSampling: run.Decode and the run schema both take the three
// samplings by name and both refuse another, in a Monte Carlo run and in a Sobol one.
func TestRunSchemaAgreesOnSampling(t *testing.T) {
	sch := compile(t)[run.SchemaID]
	raw, err := os.ReadFile("testdata/run.json")
	if err != nil {
		t.Fatal(err)
	}
	good := string(raw)
	for _, c := range []struct {
		from, to string
		ok       bool
	}{
		{`"sampling": "latin_hypercube"`, `"sampling": "quasi_random"`, true},
		{`"sampling": "latin_hypercube"`, `"sampling": "plain"`, true},
		{`"sampling": "latin_hypercube"`, `"sampling": "quasi-random"`, false},
		{`"sampling": "latin_hypercube"`, `"sampling": ""`, false},
		{`"samples": 256`, `"samples": 256, "sampling": "sobol"`, false},
		{`"samples": 256`, `"samples": 256, "sampling": "quasi_random", "replicates": 8, "second": true`, true},
	} {
		if !strings.Contains(good, c.from) {
			t.Fatalf("no %q in testdata/run.json", c.from)
		}
		doc := strings.Replace(good, c.from, c.to, 1)
		_, derr := run.Decode(strings.NewReader(doc))
		serr := valid(t, sch, []byte(doc))
		if (derr == nil) != c.ok || (serr == nil) != c.ok {
			t.Errorf("%s: run.Decode %v; schema %v: want both to accept: %v", c.to, derr, serr, c.ok)
		}
	}
}
