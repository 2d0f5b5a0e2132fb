// Package modelfile reads and writes sotp's file formats: model files, which hold a
// complete valuation.Model as JSON, and the comparables files (CSV or JSON) they may
// reference.
//
// A model file (format "sotp/model/v1", see File) gives the forecast years, the users and
// each segment's drivers by year, the method and comparable set of each part, the FX
// table, share count, price and target currency, and optionally the rating scale and the
// currency symbols tables print. A set lists its companies inline or
// names a comparables file beside the model file. Decode, DecodeCompanies and ReadCSV are
// strict, for files that come from outside (Read is the one entry point that also builds
// and values the model, locating every error): at most MaxBytes, valid UTF-8, no duplicate keys, unknown
// fields or nulls, every required field present, decimals as JSON strings ("0.118", never
// 0.118) of at most MaxDigits digits within ±MaxExponent. Each error is a *fault.Error with
// the file and the JSON path (or CSV line and column) of the offending value, wrapping a
// fault sentinel or the *fault.Error of valuing the model (which names its segment, part,
// comparable or line).
//
// Encode writes a File back; a decoded file encodes to the bytes it was decoded from when
// those were written by Encode, since decimals keep their text. FromModel turns an
// in-code model into a File. The Kuaishou 2021 model ships as such a file
// (kuaishou2021.ModelFile) and a test holds it identical to the in-code dataset.
package modelfile
