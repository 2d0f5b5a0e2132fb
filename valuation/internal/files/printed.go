package files

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
)

// printedHeader is the header of a printed-figures file, in order.
var printedHeader = []string{"table", "row", "column", "key", "printed", "places", "shift", "exception"}

// ReadPrinted is modelfile.ReadPrinted.
func ReadPrinted(r io.Reader) ([]valuation.Printed, error) {
	data, err := readAll(r, MaxBytes)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(bytes.NewReader(data))
	header, err := cr.Read()
	if err != nil {
		return nil, csvError(err)
	}
	if strings.Join(header, ",") != strings.Join(printedHeader, ",") {
		return nil, &fault.Error{Pkg: "modelfile", Path: "line 1", Err: fmt.Errorf("%w: want the header %s", fault.ErrInvalid, strings.Join(printedHeader, ","))}
	}
	var out []valuation.Printed
	for {
		row, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		at := func(col string, err error) error {
			return &fault.Error{Pkg: "modelfile", Path: fmt.Sprintf("line %d, column %s", line, col), Err: err}
		}
		if len(out) == MaxRows {
			return nil, at("table", fmt.Errorf("%w: more than %d figures", fault.ErrTooLarge, MaxRows))
		}
		v, err := ParseDecimal(row[4])
		if err != nil {
			return nil, at("printed", err)
		}
		places, err := strconv.Atoi(row[5])
		if err != nil || places < 0 || places > valuation.MaxPlaces {
			return nil, at("places", fmt.Errorf("%w: %s, want 0 to %d", fault.ErrInvalid, strconv.Quote(Clip(row[5])), valuation.MaxPlaces))
		}
		shift, err := strconv.Atoi(row[6])
		if err != nil || shift < -valuation.MaxPlaces || shift > valuation.MaxPlaces {
			return nil, at("shift", fmt.Errorf("%w: %s, want -%d to %d", fault.ErrInvalid, strconv.Quote(Clip(row[6])), valuation.MaxPlaces, valuation.MaxPlaces))
		}
		out = append(out, valuation.Printed{Table: row[0], Row: row[1], Column: row[2], Key: row[3], Value: v.Decimal,
			Places: int32(places), Shift: int32(shift), Exception: row[7]})
	}
}
