package files

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/segments"
)

// Schema URLs: the $id of each schema, which a file may name in its "$schema" field.
const (
	ModelSchemaID = "https://sotpkit.github.io/schema/model-v1.json"
)

// ModelSchema returns the JSON Schema (draft 2020-12) of model files, derived from File
// by the rules Decode applies: every field without omitempty required, no other field,
// decimals as strings of the decimal grammar, years as keys without leading zeros, the
// max tags as maxItems and maxProperties. Decode checks more than a schema can say (the
// inputs a driver kind takes, the decimal bounds); what the schema refuses, Decode
// refuses too.
func ModelSchema() []byte {
	return Schema(reflect.TypeFor[File](), ModelSchemaID, "sotp model file", ModelFormat, true)
}

// decimalPattern is the grammar of decimals in files (ParseDecimal), as a regular
// expression; exact decimals written by sotp match it too.
const decimalPattern = `^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]{1,4})?$`

var (
	fileDecimal = reflect.TypeFor[Decimal]()
	plainDec    = reflect.TypeFor[decimal.Decimal]()
	nullDec     = reflect.TypeFor[decimal.NullDecimal]()
	textMarsh   = reflect.TypeFor[encoding.TextMarshaler]()
	jsonMarsh   = reflect.TypeFor[json.Marshaler]()
	errType     = reflect.TypeFor[error]()
)

// Schema derives the schema of t, with its $id, title and format (the const of its
// "format" field; none when empty). A strict schema (for files read) requires every field
// without omitempty and forbids others; a result schema allows what encoders add.
func Schema(t reflect.Type, id, title, format string, strict bool) []byte {
	g := &schemaGen{strict: strict, defs: map[string]any{}}
	root := g.object(t) // the document itself, not a reference
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["$id"] = id
	root["title"] = title
	if format != "" {
		root["properties"].(map[string]any)["format"] = map[string]any{"const": format}
	}
	if seg, ok := g.defs["modelfile.Segment"].(map[string]any); ok && strict {
		drivers(seg)
	}
	if len(g.defs) > 0 {
		root["$defs"] = g.defs
	}
	b, _ := json.MarshalIndent(root, "", "  ") // maps marshal in key order: stable bytes
	return append(b, '\n')
}

type schemaGen struct {
	strict bool
	defs   map[string]any
}

// of is the schema of a value of type t whose field carries max (0: none).
func (g *schemaGen) of(t reflect.Type, max int) map[string]any {
	switch t {
	case fileDecimal, plainDec:
		return map[string]any{"type": "string", "pattern": decimalPattern}
	case nullDec:
		return map[string]any{"type": []string{"string", "null"}, "pattern": decimalPattern}
	}
	if t.Kind() == reflect.Interface && t.Implements(errType) {
		return map[string]any{"type": "string"}
	}
	if t.Kind() == reflect.Pointer {
		return g.of(t.Elem(), max)
	}
	if !g.strict && (t.Implements(textMarsh) || t.Kind() != reflect.Struct && reflect.PointerTo(t).Implements(textMarsh)) {
		return map[string]any{"type": "string"}
	}
	if !g.strict && t.Kind() == reflect.Struct && t.Implements(jsonMarsh) && t.PkgPath() == "github.com/sotpkit/sotp/valuation/sensitivity" && t.Name() == "Cell" {
		return g.ref(t, func() map[string]any {
			return map[string]any{"type": "object", "properties": map[string]any{
				"values": map[string]any{"type": "array", "items": map[string]any{"type": "string", "pattern": decimalPattern}},
				"error":  map[string]any{"type": "object", "required": []string{"error"}},
			}, "additionalProperties": false}
		})
	}
	out := map[string]any{}
	switch t.Kind() {
	case reflect.String:
		out["type"] = "string"
	case reflect.Bool:
		out["type"] = "boolean"
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint8, reflect.Uint64:
		out["type"] = "integer"
	case reflect.Float64:
		out["type"] = []string{"number", "null"} // NaN is written null
	case reflect.Slice, reflect.Array:
		out["type"] = "array"
		out["items"] = g.of(t.Elem(), 0)
		if max > 0 {
			out["maxItems"] = max
		}
	case reflect.Map:
		out["type"] = "object"
		out["additionalProperties"] = g.of(t.Elem(), 0)
		if t.Key().Kind() == reflect.Int {
			out["propertyNames"] = map[string]any{"pattern": `^(0|[1-9][0-9]*)$`}
		}
		if max > 0 {
			out["maxProperties"] = max
		}
	case reflect.Struct:
		return g.ref(t, func() map[string]any { return g.object(t) })
	}
	return out
}

// ref is a reference to the named struct's schema in $defs, made once.
func (g *schemaGen) ref(t reflect.Type, build func() map[string]any) map[string]any {
	name := strings.ToUpper(t.Name()[:1]) + t.Name()[1:] // run's types are unexported
	if p := t.PkgPath(); p != "" {
		pkg := p[strings.LastIndex(p, "/")+1:]
		if pkg == "files" {
			pkg = "modelfile" // the types of model files, as the format's package names them
		}
		name = pkg + "." + name
	}
	if _, ok := g.defs[name]; !ok {
		g.defs[name] = map[string]any{} // a placeholder, for types that hold themselves
		g.defs[name] = build()
	}
	return map[string]any{"$ref": "#/$defs/" + name}
}

// object is the schema of a struct's fields, as Decode reads them (strict) or as sotp
// writes them.
func (g *schemaGen) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		max, _ := strconv.Atoi(f.Tag.Get("max"))
		props[name] = g.of(f.Type, max)
		if enum := f.Tag.Get("enum"); enum != "" {
			props[name].(map[string]any)["enum"] = strings.Split(enum, "|")
		}
		if opts != "omitempty" && opts != "omitzero" {
			required = append(required, name)
		}
	}
	out := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		out["required"] = required
	}
	if g.strict {
		out["additionalProperties"] = false
	}
	return out
}

// drivers makes a segment's schema as strict as it can be about its driver: each year's
// inputs of a shipped kind exactly those of the kind's Spec, the optional ones optional.
// A kind the file's drivers define is checked by Decode alone. A driver model added to
// segments appears here without a change.
func drivers(seg map[string]any) {
	props := seg["properties"].(map[string]any)
	var kinds []string
	var rules []any
	for _, spec := range segments.Kinds() {
		kinds = append(kinds, spec.Kind)
		in := map[string]any{}
		var required []string
		for _, i := range spec.Inputs {
			in[string(i.Metric)] = map[string]any{"type": "string", "pattern": decimalPattern}
			if !i.Optional {
				required = append(required, string(i.Metric))
			}
		}
		year := map[string]any{"type": "object", "properties": in, "additionalProperties": false}
		if len(required) > 0 {
			year["required"] = required
		}
		rules = append(rules, map[string]any{
			"if":   map[string]any{"properties": map[string]any{"driver": map[string]any{"const": spec.Kind}}},
			"then": map[string]any{"properties": map[string]any{"inputs": map[string]any{"additionalProperties": year}}},
		})
	}
	// A kind the file's drivers define is any other name: Read checks it is defined.
	props["driver"] = map[string]any{"type": "string", "minLength": 1, "examples": kinds}
	seg["allOf"] = rules
}
