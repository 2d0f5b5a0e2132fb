// Package modelfile reads and writes sotp's file formats: model files (format
// "sotp/model/v1", File), which hold a complete valuation.Model as JSON, the comparables
// files (CSV or JSON) they may name, and run files (RunFile) of analyses on a model.
//
// Reading is strict, for files that come from outside: at most MaxBytes of valid UTF-8,
// no duplicate keys, unknown fields or nulls, every required field present, decimals as
// JSON strings within MaxDigits and MaxExponent. Read is the one entry point that also
// builds and values the model; every error is a *fault.Error with the file and the JSON
// path (or CSV line and column) of the offending value. Encode writes a File back to the
// bytes it was decoded from when Encode wrote them; FromModel turns an in-code model into
// a File.
package modelfile
