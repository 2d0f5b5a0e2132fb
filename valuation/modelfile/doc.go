// Package modelfile reads and writes sotp's file formats: model files (format
// "sotp/model/v1", a valuation.Model as JSON), the comparables and market files (CSV or
// JSON; LoadMarket) they may name, and printed-figures files (CSV) to reconcile a model
// with; run files are package run's.
//
// Reading is strict, for files from outside: at most MaxBytes of valid UTF-8, no
// duplicate keys, unknown fields or nulls, required fields present, decimals as JSON
// strings within MaxDigits and MaxExponent. ModelSchema is the format's reference
// (schema/model.schema.json; examples in testdata). A file may define driver models
// ("drivers": inputs with units and ranges, lines as formulas over inputs, mau, dau and
// earlier lines, in segments.Formula's grammar: + - * /, prev, min, max), checked for
// names and units when read. Read builds and values the model; every error is a
// *fault.Error with the file and the JSON path (or CSV line and column) of the offending
// value. Write writes a model as a file that Read gives back, figure for figure.
package modelfile
