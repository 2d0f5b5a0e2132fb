package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"maps"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/sotpkit/sotp/valuation/modelfile"
	"github.com/sotpkit/sotp/valuation/run"
)

var update = flag.Bool("update", false, "rewrite openapi.json from the code")

// describe builds the service's OpenAPI 3.1 description. The request and result schemas
// are sotp's own JSON Schemas (modelfile.ModelSchema, run.Schema, run.ReportSchema) with their
// $defs moved into components.schemas, so the description says what the decoders accept
// and the encoders write, and follows them when they change.
func describe(t testing.TB) []byte {
	schemas := map[string]any{}
	hoist := func(name string, doc []byte) {
		var s map[string]any
		if err := json.Unmarshal(doc, &s); err != nil {
			t.Fatal(err)
		}
		defs, _ := s["$defs"].(map[string]any)
		for k, v := range defs {
			if old, ok := schemas[k]; ok && !jsonEqual(old, v) {
				t.Fatalf("schema %s differs between sotp's schemas", k)
			}
			schemas[k] = v
		}
		for _, k := range []string{"$defs", "$schema", "$id"} {
			delete(s, k)
		}
		schemas[name] = s
	}
	hoist("ModelFile", modelfile.ModelSchema())
	hoist("RunFile", run.Schema())
	hoist("RunResult", run.ReportSchema())
	schemas["Problem"] = map[string]any{
		"type":        "object",
		"description": "An RFC 9457 problem detail, with sotp's code and the location of the value at fault as extension members.",
		"required":    []string{"type", "title", "status", "detail", "code"},
		"properties": map[string]any{
			"type":    map[string]any{"type": "string", "format": "uri", "description": "the problem type: a tag URI (RFC 4151) ending in the code"},
			"title":   map[string]any{"type": "string"},
			"status":  map[string]any{"type": "integer", "minimum": 400, "maximum": 599},
			"detail":  map[string]any{"type": "string"},
			"code":    map[string]any{"type": "string", "description": "sotp's code: a sentinel's (rate, too_many_points, too_large, syntax, ...), an error's class (file, deadline, canceled, internal) or the service's (busy, media_type, read_timeout, not_found, method, encode)"},
			"path":    map[string]any{"type": "string", "description": "the JSON path of the value at fault in the request, or the key of the assumption or figure"},
			"file":    map[string]any{"type": "string"},
			"set":     map[string]any{"type": "string"},
			"ticker":  map[string]any{"type": "string"},
			"segment": map[string]any{"type": "string"},
			"year":    map[string]any{"type": "integer"},
			"line":    map[string]any{"type": "string"},
			"method":  map[string]any{"type": "string"},
			"field":   map[string]any{"type": "string"},
			"value":   map[string]any{"type": "string"},
		},
	}
	ref := func(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }
	str := map[string]any{"type": "string"}
	decimalString := map[string]any{"type": "string", "pattern": `^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]{1,4})?$`}
	schemas["EvalRequest"] = map[string]any{
		"type":        "object",
		"description": "A model inline (a model file, comparables inline) or by the model_hash an answer gave, one of the two; the assumptions set, by key; for /v1/eval the figures wanted and whether to describe the assumptions; for /v1/chart the chart and a heatmap's axes.",
		"properties": map[string]any{
			"model":      ref("ModelFile"),
			"model_hash": map[string]any{"type": "string", "pattern": "^sha256:[0-9a-f]{64}$"},
			"set":        map[string]any{"type": "object", "maxProperties": maxSet, "additionalProperties": decimalString},
			"outputs":    map[string]any{"type": "array", "maxItems": maxOutputs, "items": str},
			"describe":   map[string]any{"type": "boolean"},
			"chart":      map[string]any{"enum": []string{"tornado", "heatmap", "waterfall"}},
			"x":          str,
			"y":          str,
		},
		"additionalProperties": false,
	}
	schemas["EvalAnswer"] = map[string]any{
		"type":     "object",
		"required": []string{"model_hash", "result"},
		"properties": map[string]any{
			"model_hash": str,
			"outputs":    map[string]any{"type": "object", "additionalProperties": decimalString},
			"result":     ref("valuation.Result"),
			"assumptions": map[string]any{"type": "array", "items": map[string]any{
				"type":     "object",
				"required": []string{"key", "title", "unit", "kind", "base", "group", "rank", "effect"},
				"properties": map[string]any{"key": str, "title": str, "unit": str, "kind": str, "base": decimalString, "group": str,
					"rank": map[string]any{"type": "integer", "minimum": 1}, "effect": map[string]any{"type": "number", "minimum": 0}},
				"additionalProperties": false,
			}},
		},
		"additionalProperties": false,
	}
	problemResponse := func(what string) map[string]any {
		return map[string]any{"description": what, "content": map[string]any{"application/problem+json": map[string]any{"schema": ref("Problem")}}}
	}
	busy := problemResponse("every slot taken and the queue full: retry after the seconds Retry-After gives")
	busy["headers"] = map[string]any{"Retry-After": map[string]any{"required": true, "schema": map[string]any{"type": "integer", "minimum": 1}}}
	errors := map[string]any{
		"400": problemResponse("bad input: the problem's path locates the value at fault"),
		"405": problemResponse("the route does not take the method"),
		"408": problemResponse("the body did not arrive before the request's deadline"),
		"413": problemResponse("a body above 1 MiB (code too_large)"),
		"415": problemResponse("a body not declared as JSON (code media_type)"),
		"500": problemResponse("a result that could not be encoded (code encode), or a bug (code internal)"),
		"503": busy,
		"504": problemResponse("the request's deadline passed (code deadline)"),
	}
	post := func(id, summary, in, out string) map[string]any {
		responses := map[string]any{"200": map[string]any{"description": "the result, encoded whole before it is sent",
			"content": map[string]any{"application/json": map[string]any{"schema": ref(out)}}}}
		maps.Copy(responses, errors)
		if in == "EvalRequest" {
			responses["404"] = problemResponse("a model_hash the server does not hold (code unknown_model): send the model itself")
		}
		return map[string]any{"post": map[string]any{"operationId": id, "summary": summary,
			"requestBody": map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": ref(in)}}},
			"responses":   responses}}
	}
	get := func(id, summary, mediaType string, schema map[string]any) map[string]any {
		return map[string]any{"get": map[string]any{"operationId": id, "summary": summary, "responses": map[string]any{
			"200": map[string]any{"description": summary, "content": map[string]any{mediaType: map[string]any{"schema": schema}}},
			"405": errors["405"],
		}}}
	}
	// binary makes a POST route's answer a document of another media type.
	binary := func(route map[string]any, mediaType string) map[string]any {
		responses := route["post"].(map[string]any)["responses"].(map[string]any)
		schema := map[string]any{"type": "string", "format": "binary"}
		if mediaType == "application/json" {
			schema = ref("ModelFile")
		}
		responses["200"] = map[string]any{"description": "the document", "content": map[string]any{mediaType: map[string]any{"schema": schema}}}
		return route
	}
	doc := map[string]any{
		"openapi":           "3.1.0",
		"jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
		"info": map[string]any{"title": "sotp service", "version": "1",
			"summary": "Sum-of-the-parts valuations of model files and sensitivity runs of run files.",
			"license": map[string]any{"name": "MIT", "identifier": "MIT"}},
		"paths": map[string]any{
			"/v1/value":               post("value", "Value a model file (its comparables inline)", "ModelFile", "valuation.Result"),
			"/v1/run":                 post("run", "Run a run file (its model inline)", "RunFile", "RunResult"),
			"/v1/eval":                post("eval", "Value a model at a point: assumptions set by key", "EvalRequest", "EvalAnswer"),
			"/v1/chart":               binary(post("chart", "Chart a model around a point, as SVG", "EvalRequest", ""), "image/svg+xml"),
			"/v1/download":            binary(post("download", "The model file with the assumptions set", "EvalRequest", ""), "application/json"),
			"/v1/workbook":            binary(post("workbook", "The model's workbook with the assumptions set", "EvalRequest", ""), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
			"/v1/models/kuaishou2021": get("model", "the report's model file", "application/json", ref("ModelFile")),
			"/":                       get("page", "the what-if page", "text/html", map[string]any{"type": "string"}),
			"/healthz":                get("healthz", "the server is up", "text/plain", map[string]any{"type": "string"}),
			"/openapi.json":           get("openapi", "this description", "application/json", map[string]any{"type": "object"}),
		},
		"components": map[string]any{"schemas": schemas},
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return bytes.ReplaceAll(append(b, '\n'), []byte(`"#/$defs/`), []byte(`"#/components/schemas/`))
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// TestOpenAPIUpToDate: the openapi.json the service embeds is the one the code describes,
// and a valid OpenAPI 3.1 document. go test ./examples/service -update rewrites it.
func TestOpenAPIUpToDate(t *testing.T) {
	want := describe(t)
	if *update {
		if err := os.WriteFile("openapi.json", want, 0o644); err != nil {
			t.Fatal(err)
		}
		openAPI = want
	}
	if !bytes.Equal(openAPI, want) {
		t.Error("openapi.json is not what the code describes: go test ./examples/service -update")
	}
	if _, err := loadSpec(t); err != nil {
		t.Fatal(err)
	}
}

// spec is the loaded description and its router, built once for the package's tests.
var spec struct {
	once   sync.Once
	doc    *openapi3.T
	router routers.Router
	err    error
}

// loadSpec loads and validates openapi.json.
func loadSpec(t testing.TB) (routers.Router, error) {
	t.Helper()
	spec.once.Do(func() {
		// The binary answers (charts, workbooks) are checked as files: kin-openapi
		// decodes only the media types it is told of.
		for _, mt := range []string{"image/svg+xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"} {
			openapi3filter.RegisterBodyDecoder(mt, openapi3filter.FileBodyDecoder)
		}
		doc, err := openapi3.NewLoader().LoadFromData(openAPI)
		if err == nil {
			err = doc.Validate(context.Background())
		}
		if err == nil {
			spec.router, err = legacy.NewRouter(doc)
		}
		spec.doc, spec.err = doc, err
	})
	return spec.router, spec.err
}

// conforms checks an answer against the OpenAPI description: its route, status, headers
// and body; a status the description does not list is an error.
func conforms(t testing.TB, req *http.Request, status int, header http.Header, body []byte) {
	t.Helper()
	router, err := loadSpec(t)
	if err != nil {
		t.Fatal(err)
	}
	r := req.Clone(context.Background())
	r.Body = io.NopCloser(strings.NewReader(""))
	route, params, err := router.FindRoute(r)
	if err != nil {
		if status != http.StatusNotFound && status != http.StatusMethodNotAllowed {
			t.Errorf("%s %s: no route in openapi.json: %v", req.Method, req.URL.Path, err)
		}
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("%s %s: %d does not conform to openapi.json: %.600v", req.Method, req.URL.Path, status, err)
	}
}
