package modelfile

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/files"
)

// Limits of the formats and the names of what a file holds.
const (
	// ModelFormat and CompsFormat name a model file and a JSON comparables file in
	// their "format" field; ModelSchemaID is the $id of ModelSchema, which a model file
	// may name in its "$schema" field.
	ModelFormat   = files.ModelFormat
	CompsFormat   = files.CompsFormat
	ModelSchemaID = files.ModelSchemaID
	// MaxBytes is the size limit of a model, run or comparables file.
	MaxBytes = files.MaxBytes
	// MaxRows is the most companies a comparables file may hold; MaxCompanies the most
	// one model may price in all its parts, a comparables file counted once for each
	// part that names it.
	MaxRows      = files.MaxRows
	MaxCompanies = files.MaxCompanies
	// MaxDigits is the most significant digits a decimal may have; MaxExponent bounds
	// the decimal exponent of its leading digit: values lie in [1e-MaxExponent,
	// 1e+MaxExponent] in magnitude, or are zero. A hostile "1e1000000000" is an error
	// rather than a billion-digit number that hangs whatever formats it.
	MaxDigits   = files.MaxDigits
	MaxExponent = files.MaxExponent
)

// Read reads a model file from r, builds its model with the comparables files it names
// read from fsys, and values the model once, so that bad drivers, comparables or rates
// are reported at once. Every error is a *fault.Error located at the JSON path of what
// it names (a comparables file's errors also name that file). With a nil fsys a model
// that names a comparables file is an error saying none was given. Files are read only
// if they are regular files: a FIFO or device named as comparables is refused rather
// than read. A file named by several parts is read once.
//
// Read is the entry point for a service, and these are the limits it can rely on: each is
// an error (errors.Is a sentinel, located at the JSON path or CSV line), never a panic, a
// hang or a silently wrong number, and each has a regression test.
//
//   - a model or comparables file: MaxBytes (1 MiB) of valid UTF-8, a leading BOM
//     dropped; peak heap while decoding under 32 times the input plus 4 MiB
//     (TestDecodeMemoryBounded, TestManyPartsOneBigFile);
//   - rows of a comparables file: MaxRows; comparables priced by one model in all its
//     parts: MaxCompanies;
//   - arrays and maps of a model file: years and driver maps 50; segments, parts, FX
//     rates, P&L lines 100; metrics of a company 1,000; companies, weights and
//     exclusions 10,000; nesting only as deep as the format's types allow;
//   - decimals: strings only, at most MaxDigits significant digits, the leading digit
//     within 1e±MaxExponent (a zero's exponent too); FX rates in [1e-9, 1e9] between
//     ISO 4217 codes;
//   - comparables files named by a model: relative paths inside the model's directory,
//     read through os.Root (LoadModel): links out of it, FIFOs and devices are refused;
//   - a run file's points: its analyses in all, counted in overflow-safe steps before
//     the model is built (run.File.Run; sensitivity.Options.MaxPoints); goroutines at
//     most sensitivity.MaxWorkers; histogram bins sensitivity.MaxBins; a reconciliation's
//     printed places valuation.MaxPlaces.
func Read(r io.Reader, fsys fs.FS) (valuation.Model, error) { return files.Read(r, fsys) }

// Value reads a model file as Read does and returns its valuation: the Result Read
// computes to check the model, so that a caller who wants only the result (a service)
// values the model once.
func Value(r io.Reader, fsys fs.FS) (valuation.Result, error) { return files.Value(r, fsys) }

// LoadModel reads the model file at name with Read. Comparables files it names are read
// from its directory through an os.Root: a path or symbolic link that leads out of the
// directory is refused, and so is anything but a regular file. Errors carry the file's
// name.
func LoadModel(name string) (valuation.Model, error) { return files.LoadModel(name) }

// Write writes m as an indented model file, its comparables inline. Read gives back a
// model that values as m does, figure for figure (a decimal is written without trailing
// zeros: 319.00 is written 319); a model read from a file Write wrote writes to the same
// bytes. A model a file cannot hold (a custom Method or Aggregate, a driver kind
// segments does not ship, or anything else Read would refuse, such as a symbol of more
// than 8 characters: Write reads its file back first) is an error naming what,
// fault.ErrUnsupported.
func Write(w io.Writer, m valuation.Model) error {
	f, err := files.FromModel(m)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := files.Encode(&b, f); err != nil {
		return err
	}
	// What Read would refuse is not written: a model Go can build that a file cannot
	// hold (a symbol of more than 8 characters, a comparable priced only by a market).
	if _, err := Read(bytes.NewReader(b.Bytes()), nil); err != nil {
		return fmt.Errorf("%w: the model's file would not read back: %w", fault.ErrUnsupported, err)
	}
	_, err = w.Write(b.Bytes())
	return err
}

// ModelSchema returns the JSON Schema (draft 2020-12) of model files, derived from the
// format's types by the rules Read applies: every field without omitempty required, no
// other field, decimals as strings of the decimal grammar, years as keys without leading
// zeros, sizes as maxItems and maxProperties. Read checks more than a schema can say (the
// inputs a driver kind takes, the decimal bounds); what the schema refuses, Read refuses
// too.
func ModelSchema() []byte { return files.ModelSchema() }

// ReadCompanies reads comparables in the format of a file extension: ".csv" or ".json"
// (format CompsFormat), as strictly as Read reads a model file.
func ReadCompanies(r io.Reader, ext string) ([]comps.Company, error) {
	return files.ReadCompanies(r, ext)
}

// LoadCompanies reads the comparables file at name: CSV (.csv) or JSON (.json).
func LoadCompanies(name string) ([]comps.Company, error) { return files.LoadCompanies(name) }

// LoadMarket reads the market file at name (comps.Market), as a model file's "market"
// reads it: CSV (.csv) with a header row of the columns date, ticker, currency, close,
// shares, ads_ratio, market_value, from, to, rate and source (date required), one quote
// a row: a company's (ticker, currency, close or market_value) or an FX rate's (from,
// to, rate), an empty cell a value not given; or JSON (.json) with "format"
// "sotp/market/v1" and "quotes", objects of the same names. At most MaxBytes and 100,000
// quotes; errors name the line or JSON path.
func LoadMarket(name string) (comps.Market, error) { return files.LoadMarket(name) }

// ParseDecimal parses a decimal as the formats accept it: an optional minus, digits, an
// optional fraction and exponent ("-12.5", "3e2"), within MaxDigits and MaxExponent; a
// zero's written exponent must lie within the bounds too ("0e-9999" is refused). It
// reads none of shopspring's package variables (MaxDecodeExponent among them). Errors
// wrap fault.ErrDecimal.
func ParseDecimal(s string) (decimal.Decimal, error) {
	d, err := files.ParseDecimal(s)
	return d.Decimal, err
}

// ReadPrinted reads a printed-figures file: CSV with the header
// table,row,column,key,printed,places,shift,exception and one figure a row, as
// valuation.Printed holds it (printed is the figure as the source printed it, a decimal;
// places and shift integers within ±valuation.MaxPlaces; exception empty or the reason the
// source is known to be inconsistent there). At most MaxBytes and MaxRows; errors name the
// line and column.
func ReadPrinted(r io.Reader) ([]valuation.Printed, error) { return files.ReadPrinted(r) }
