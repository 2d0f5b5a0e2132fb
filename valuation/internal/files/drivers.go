package files

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/fault"
)

// Driver is a driver model defined in a model file, as segments.Spec defines one in Go:
// its kind (the name segments give as their "driver"), its inputs, and its lines, each
// a formula of the inputs, the platform's users and the lines before it. A kind the file
// defines is valued, swept, drawn and written to a workbook as a shipped one is.
//
//	{"kind": "delivery",
//	 "inputs": [{"name": "orders", "title": "Orders", "unit": "million_orders", "range": "non_negative"},
//	            {"name": "aov", "title": "Average order value", "unit": "per_order", "range": "non_negative"},
//	            {"name": "take_rate", "title": "Take rate", "unit": "fraction", "range": "rate"}],
//	 "lines":  [{"name": "gmv", "title": "GMV", "unit": "millions", "formula": "orders * aov"},
//	            {"name": "revenue", "title": "Revenue", "unit": "millions", "formula": "gmv * take_rate"}]}
type Driver struct {
	Kind   string        `json:"kind"`
	Inputs []DriverInput `json:"inputs" max:"50"`
	Lines  []DriverLine  `json:"lines" max:"100"`
	// UserBase names the line counting the segment's own users (a Multiple of users
	// prices it); none means the platform's MAU.
	UserBase string `json:"user_base,omitempty"`
}

// DriverInput is one input of a file-defined driver.
type DriverInput struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	Unit  string `json:"unit" enum:"million_users|million_orders|million_transactions|fraction|per_user|per_order|per_transaction|millions"`
	// Range is non_negative (money, counts), rate (in [0, 1]) or signed_rate (in [-1, 1]).
	Range string `json:"range" enum:"non_negative|rate|signed_rate"`
	// Optional inputs may be left out of a segment's year, meaning zero.
	Optional bool `json:"optional,omitempty"`
}

// DriverLine is one line of a file-defined driver: a figure of the forecast and its
// formula, in the grammar of segments.Formula.UnmarshalText. Display is the unit a table
// prints the line in when not its own (hundred_millions: GMV in 亿); OmitZero leaves the
// line out of a year where it is zero.
type DriverLine struct {
	Name     string `json:"name"`
	Title    string `json:"title"`
	Unit     string `json:"unit" enum:"million_users|million_orders|million_transactions|fraction|per_user|per_order|per_transaction|millions"`
	Places   int    `json:"places,omitempty"`                           // digits a table prints: of the percentage for a fraction
	Display  string `json:"display,omitempty" enum:"|hundred_millions"` // "": none, as Read takes it
	OmitZero bool   `json:"omit_zero,omitempty"`
	Formula  string `json:"formula"`
}

// reserved are the names a driver's input or line may not take: the key grammar's
// words (forecast/YEAR/SEGMENT/NAME/growth, .../share), a segment's driver and its own
// users.
var reserved = []string{"growth", "share", "driver", "users", "line"}

// maxName is the longest name of a kind, an input or a line, in bytes, as a formula's
// names are bounded too.
const maxName = 64

// checkName refuses a kind, input or line name that is not a lower-case identifier of at
// most maxName bytes, or is reserved: a name becomes a key (forecast/2021/SEGMENT/NAME)
// and a formula's word.
func checkName(name string) error {
	ok := name != "" && len(name) <= maxName && !slices.Contains(reserved, name) && (name[0] == '_' || name[0] >= 'a' && name[0] <= 'z')
	for i := 0; ok && i < len(name); i++ {
		c := name[i]
		ok = c == '_' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
	}
	if !ok {
		return fmt.Errorf("%w: %s: want a lower-case name of letters, digits and _ (at most %d bytes), not %s", fault.ErrInvalid,
			strconv.Quote(Clip(name)), maxName, strings.Join(reserved, ", "))
	}
	return nil
}

// unitOf reads a unit's file name; hundred_millions is a display unit only.
func unitOf(name string) (segments.Unit, bool) {
	var u segments.Unit
	if err := u.UnmarshalText([]byte(name)); err != nil || u == segments.HundredMillions {
		return 0, false
	}
	return u, true
}

// spec builds the driver's segments.Spec, its formulas parsed and their units checked;
// errors are located under at ($.drivers[i]).
func (d Driver) spec(at string) (segments.Spec, error) {
	bad := func(path string, err error) (segments.Spec, error) {
		return segments.Spec{}, &fault.Error{Pkg: "modelfile", Path: path, Err: err}
	}
	if err := checkName(d.Kind); err != nil {
		return bad(at+".kind", err)
	}
	s := segments.Spec{Kind: d.Kind, UserBase: segments.Metric(d.UserBase)}
	units := map[segments.Metric]dims{segments.MAU: usersDims, segments.DAU: usersDims}
	for i, in := range d.Inputs {
		path := fmt.Sprintf("%s.inputs[%d]", at, i)
		if err := checkName(in.Name); err != nil {
			return bad(path+".name", err)
		}
		u, ok := unitOf(in.Unit)
		if !ok {
			return bad(path+".unit", fmt.Errorf("%w: %s", fault.ErrUnknownUnit, strconv.Quote(Clip(in.Unit))))
		}
		var r segments.Range
		if err := r.UnmarshalText([]byte(in.Range)); err != nil {
			return bad(path+".range", fmt.Errorf("%w: %s, want non_negative, rate or signed_rate", fault.ErrInvalid, strconv.Quote(Clip(in.Range))))
		}
		m := segments.Metric(in.Name)
		s.Inputs = append(s.Inputs, segments.Input{Metric: m, Label: in.Title, Unit: u, Range: r, Optional: in.Optional})
		units[m] = dimsOf(u)
	}
	lines := map[segments.Metric]dims{} // every line's unit as declared: prev may read any
	for _, l := range d.Lines {
		if u, ok := unitOf(l.Unit); ok {
			lines[segments.Metric(l.Name)] = dimsOf(u)
		}
	}
	for i, l := range d.Lines {
		path := fmt.Sprintf("%s.lines[%d]", at, i)
		if err := checkName(l.Name); err != nil {
			return bad(path+".name", err)
		}
		u, ok := unitOf(l.Unit)
		if !ok {
			return bad(path+".unit", fmt.Errorf("%w: %s", fault.ErrUnknownUnit, strconv.Quote(Clip(l.Unit))))
		}
		if l.Places < 0 || l.Places > 10 {
			return bad(path+".places", fmt.Errorf("%w: %d, want 0 to 10", fault.ErrInvalid, l.Places))
		}
		var f segments.Formula
		if err := f.UnmarshalText([]byte(l.Formula)); err != nil {
			return bad(path+".formula", err)
		}
		var display segments.Unit
		if l.Display != "" {
			if err := display.UnmarshalText([]byte(l.Display)); err != nil || display != segments.HundredMillions {
				return bad(path+".display", fmt.Errorf("%w: %s, want hundred_millions", fault.ErrUnknownUnit, strconv.Quote(Clip(l.Display))))
			}
		}
		got, err := unitsOf(f, units, lines)
		if err != nil {
			return bad(path+".formula", err)
		}
		if want := dimsOf(u); got != want {
			return bad(path+".formula", fmt.Errorf("%w: the formula gives %s, the line is in %s", fault.ErrSpec, got, want))
		}
		m := segments.Metric(l.Name)
		s.Lines = append(s.Lines, segments.LineSpec{Metric: m, Label: l.Title, Unit: u, Places: int32(l.Places), Display: display, OmitZero: l.OmitZero, Formula: f})
		units[m] = dimsOf(u)
	}
	if err := s.Check(); err != nil {
		return bad(at, err)
	}
	return s, nil
}

// specs returns the driver models a file's segments may name: the shipped ones and those
// the file defines, under root; a file's kind may not be a shipped one's.
func (f File) specs(root string) (func(string) (segments.Spec, bool), error) {
	own := map[string]segments.Spec{}
	for i, d := range f.Drivers {
		at := fmt.Sprintf("%s.drivers[%d]", root, i)
		if _, shipped := segments.SpecOf(d.Kind); shipped || own[d.Kind].Kind != "" {
			return nil, &fault.Error{Pkg: "modelfile", Path: at + ".kind", Err: fmt.Errorf("%w: driver kind %s defined twice, or a shipped kind", fault.ErrDuplicateKey, strconv.Quote(Clip(d.Kind)))}
		}
		s, err := d.spec(at)
		if err != nil {
			return nil, err
		}
		own[d.Kind] = s
	}
	return func(kind string) (segments.Spec, bool) {
		if s, ok := own[kind]; ok {
			return s, true
		}
		return segments.SpecOf(kind)
	}, nil
}

// dims are a unit's dimensions: the powers of money, users, orders and transactions
// (millions of each, and currency units a user, order or transaction, agree in scale:
// millions of users × currency a user is millions of currency).
type dims [4]int

var (
	usersDims  = dims{0, 1, 0, 0}
	numberDims dims // a fraction, a constant
)

func dimsOf(u segments.Unit) dims {
	switch u {
	case segments.MillionUsers:
		return usersDims
	case segments.MillionOrders:
		return dims{0, 0, 1, 0}
	case segments.MillionTransactions:
		return dims{0, 0, 0, 1}
	case segments.PerUser:
		return dims{1, -1, 0, 0}
	case segments.PerOrder:
		return dims{1, 0, -1, 0}
	case segments.PerTransaction:
		return dims{1, 0, 0, -1}
	case segments.Millions:
		return dims{1, 0, 0, 0}
	}
	return numberDims
}

// String names the dimensions as a unit, or as their powers when no unit has them.
func (d dims) String() string {
	for _, u := range []segments.Unit{segments.Fraction, segments.MillionUsers, segments.MillionOrders, segments.MillionTransactions,
		segments.PerUser, segments.PerOrder, segments.PerTransaction, segments.Millions} {
		if dimsOf(u) == d {
			return u.String()
		}
	}
	return fmt.Sprintf("money^%d users^%d orders^%d transactions^%d", d[0], d[1], d[2], d[3])
}

// unitsOf works out the dimensions of a formula of named figures of known units: a sum
// needs equal ones, a product adds them, a quotient subtracts them (users × money a
// user is money; money ÷ users is money a user; money × a rate is money); a min or max
// needs equal ones too, a number among them taking theirs (a floor at 0).
func unitsOf(f segments.Formula, units, lines map[segments.Metric]dims) (dims, error) {
	switch f.Op {
	case segments.OpConst:
		return numberDims, nil
	case segments.OpPrev: // a line's unit, which the first year's value must have too
		d, ok := lines[f.Ref]
		if !ok {
			return dims{}, fmt.Errorf("%w: prev(%s, ...): not a line of the driver", fault.ErrSpec, strconv.Quote(string(f.Ref)))
		}
		first, err := unitsOf(f.Args[0], units, lines)
		if err != nil {
			return dims{}, err
		}
		if first != d {
			return dims{}, fmt.Errorf("%w: prev(%s, ...) is in %s, its first year's value in %s", fault.ErrSpec, f.Ref, d, first)
		}
		return d, nil
	case segments.OpMin, segments.OpMax: // of one unit; a number takes the others': max(ebitda, 0)
		out, seen := numberDims, false
		for _, a := range f.Args {
			if a.Op == segments.OpConst {
				continue
			}
			d, err := unitsOf(a, units, lines)
			switch {
			case err != nil:
				return dims{}, err
			case seen && d != out:
				return dims{}, fmt.Errorf("%w: a min or max of %s and %s", fault.ErrSpec, out, d)
			}
			out, seen = d, true
		}
		return out, nil
	case segments.OpRef:
		d, ok := units[f.Ref]
		if !ok {
			return dims{}, fmt.Errorf("%w: %s is not an input, mau, dau or a line before this one", fault.ErrSpec, strconv.Quote(string(f.Ref)))
		}
		return d, nil
	}
	var out dims
	for i, a := range f.Args {
		d, err := unitsOf(a, units, lines)
		if err != nil {
			return dims{}, err
		}
		switch {
		case i == 0:
			out = d
		case f.Op == segments.OpAdd && d != out:
			return dims{}, fmt.Errorf("%w: a sum of %s and %s", fault.ErrSpec, out, d)
		case f.Op == segments.OpMul:
			for j := range out {
				out[j] += d[j]
			}
		case f.Op == segments.OpQuo:
			for j := range out {
				out[j] -= d[j]
			}
		}
	}
	return out, nil
}
