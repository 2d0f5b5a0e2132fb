// Package modelfile reads and writes sotp's file formats: model files (format
// "sotp/model/v1"), which hold a complete valuation.Model as JSON, the comparables files
// (CSV or JSON) they may name, and printed-figures files (CSV) that valuation.Result.Reconcile
// checks a model against. Run files, of analyses on a model, are package run's.
//
// Reading is strict, for files that come from outside: at most MaxBytes of valid UTF-8,
// no duplicate keys, unknown fields or nulls, every required field present, decimals as
// JSON strings within MaxDigits and MaxExponent. ModelSchema is the format's reference
// (schema/model.schema.json); testdata/model.json and valuation/kuaishou2021's file are
// examples. Read builds and values the model; every error is a *fault.Error with the
// file and the JSON path (or CSV line and column) of the offending value. Write writes a
// model as a file that Read gives back, figure for figure.
package modelfile
