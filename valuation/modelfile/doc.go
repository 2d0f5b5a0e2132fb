// Package modelfile reads and writes sotp's file formats: model files (format
// "sotp/model/v1", a valuation.Model as JSON), the comparables files (CSV or JSON) they
// may name, and printed-figures files (CSV) to reconcile a model with; run files are
// package run's.
//
// Reading is strict, for files that come from outside: at most MaxBytes of valid UTF-8,
// no duplicate keys, unknown fields or nulls, every required field present, decimals as
// JSON strings within MaxDigits and MaxExponent. ModelSchema is the format's reference
// (schema/model.schema.json); testdata/model.json and valuation/kuaishou2021's file are
// examples. A file may define driver models of its own ("drivers": inputs with units and
// ranges, lines as formulas of + - * / and parentheses over inputs, mau, dau and earlier
// lines; testdata/delivery.json), checked for names and units when read. Read builds and
// values the model; every error is a *fault.Error with the file and the JSON path (or CSV
// line and column) of the offending value. Write writes a model as a file that Read
// gives back, figure for figure.
package modelfile
