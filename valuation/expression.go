package valuation

import (
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/key"
)

var _ Method = Expression{}

// Expression values a part by a formula of its segment's figures in the valuation year:
// value = Formula × FX, the formula's result money in the forecast's reporting currency,
// converted to the model's: "8 × ebitda − capex", "2.5 × revenue" with a note. It is a
// method given as data, as a driver is (segments.Spec): Model.Value, the exact kernel of
// a Query, the float64 program of Monte Carlo, Sobol and Morris runs and the workbook's
// formulas all compute it from the one formula, so a method written as an Expression
// needs no code in any of them.
//
// The formula's references name the segment's lines (its driver's lines, and the
// platform's mau and dau, as a Multiple finds the figure it prices); its constants are
// the method's parameters; a division rounds to segments.DivPlaces, as a driver's does,
// and a division by zero is an error; prev() has no year before and takes its default.
// The value may be negative: a business worth less than nothing comes off the sum. A
// Label may not be a multiple's name ("P/E", "EV/EBITDA": fault.ErrLabel), which would
// print a formula as if it were that multiple.
type Expression struct {
	Label      string           // as tables print it; empty means the formula's text
	Formula    segments.Formula // money in the forecast's reporting currency
	Note       string           // where the formula's parameters come from
	Enterprise bool             // the value is an enterprise value, not equity
}

// Name implements Method.
func (e Expression) Name() string {
	if e.Label != "" {
		return e.Label
	}
	return e.Formula.String()
}

// Value implements Method: the formula over the segment's lines, converted. An error of
// the formula (a line the segment lacks, a division by zero) is the formula's: its key is
// part/SEGMENT/formula, whatever figure it names.
func (e Expression) Value(in Subject) (PartValue, error) {
	formulaKey := key.Part(in.Segment, "formula")
	bad := func(err error) error {
		if fe, ok := err.(*fault.Error); ok {
			c := *fe
			c.Key = formulaKey // the formula is at fault, not the figure it reads
			return &c
		}
		return &fault.Error{Pkg: "valuation", Err: err, Key: formulaKey}
	}
	switch {
	case e.Formula.Op == 0:
		return PartValue{}, &fault.Error{Pkg: "valuation", Field: "formula", Value: "none given", Err: fault.ErrMissing, Key: formulaKey}
	case labelMetrics[knownLabel(e.Label)] != nil:
		return PartValue{}, &fault.Error{Pkg: "valuation", Field: "label", Value: strconv.Quote(e.Label) + ", a multiple's name, on a formula",
			Err: fault.ErrLabel, Key: key.Part(in.Segment, "label")}
	}
	var missing error
	get := func(m segments.Metric) decimal.Decimal {
		l, err := in.line(m)
		if err != nil && missing == nil {
			missing = bad(err)
		}
		return l.Value
	}
	v, err := e.Formula.Eval(get, nil, "value")
	switch {
	case missing != nil:
		return PartValue{}, missing
	case err != nil:
		return PartValue{}, bad(err)
	}
	rate, err := in.FX.Pair(in.Reporting, in.Currency)
	if err != nil {
		return PartValue{}, err
	}
	return PartValue{Method: e.Name(), FX: rate, Value: v.Mul(rate.Rate), Note: e.Note, Formula: e.Formula.String(), Enterprise: e.Enterprise}, nil
}
