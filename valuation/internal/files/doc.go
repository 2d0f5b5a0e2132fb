// Package files holds sotp's file formats as Go types and their strict codec, shared by
// the public packages that read them: modelfile (model and comparables files) and run
// (run files, whose model may be inline). Doc reads a document of any of the formats'
// types by a plan worked out once; Schema derives a type's JSON Schema by the rules Doc
// applies; File.Locate finds the JSON path of what a valuation error names.
package files
