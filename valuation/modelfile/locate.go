package modelfile

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/fault"
)

// locate returns the JSON path in f of what an error of valuing f's model names: a part
// and the comparable, figure or label at fault; a driver input, the users of a year or
// the plan's shape; a P&L line, share count or equity; a field of the model. It reads the
// innermost *fault.Error of the chain, the one that knows most of where: its part (Op,
// the part's method, is set when the error came through valuing a part), P&L line,
// segment or field.
func (f File) locate(err error) string {
	var fe *fault.Error
	for e := err; e != nil; e = errors.Unwrap(e) {
		if x, ok := e.(*fault.Error); ok {
			fe = x
		}
	}
	switch {
	case fe == nil:
		return "$"
	case fe.Op != "" && fe.Segment != "":
		return f.locatePart(fe, err)
	case strings.HasPrefix(fe.Line, "bridge"):
		return f.locateBridge(fe)
	case strings.HasPrefix(fe.Line, "dilution"):
		return f.locateDilution(fe)
	case fe.Line != "" && f.Earnings != nil:
		return f.locateEarnings(fe)
	case fe.Pkg == "segments":
		return f.locateSegment(fe)
	case fe.Pkg == "comps":
		return "$.fx"
	case strings.HasPrefix(fe.Field, "horizon "):
		return "$.horizon." + strings.TrimPrefix(fe.Field, "horizon ")
	}
	return childPath("$", fe.Field)
}

func (f File) locatePart(pe *fault.Error, err error) string {
	for i, p := range f.Parts {
		if p.Segment != pe.Segment {
			continue
		}
		at := fmt.Sprintf("$.parts[%d]", i)
		ce := pe
		switch {
		case errors.Is(err, fault.ErrUnknownSegment):
			return at + ".segment"
		case errors.Is(err, fault.ErrLabel):
			return at + ".method"
		case errors.Is(err, fault.ErrMetric) || errors.Is(err, fault.ErrMismatch):
			return at + ".metric"
		case ce.Pkg == "comps":
			for j, c := range p.Comps.Companies {
				if c.Ticker == ce.Ticker {
					return fmt.Sprintf("%s.comps.companies[%d]", at, j)
				}
			}
			switch {
			case ce.Field == "weight" && ce.Ticker != "":
				return childPath(at+".comps.weights", ce.Ticker)
			case ce.Field == "exclude":
				return childPath(at+".comps.exclude", ce.Ticker)
			case ce.Field == "premium" || ce.Field == "outlier_z" || ce.Field == "trim":
				return at + ".comps." + ce.Field
			case p.Comps.File != "":
				return at + ".comps.file"
			case errors.Is(err, fault.ErrNoRate):
				return "$.fx"
			}
			return at + ".comps"
		}
		return at
	}
	return "$.parts"
}

func (f File) locateSegment(se *fault.Error) string {
	year := strconv.Itoa(se.Year)
	switch {
	case se.Segment == "" && se.Field == "mau" || se.Segment == "" && se.Field == "dau":
		return childPath(childPath("$.plan.users", year), se.Field)
	case se.Segment == "" && se.Field == "users":
		return childPath("$.plan.users", year)
	case se.Segment == "" && (se.Field == "years" || se.Field == "segments"):
		return "$.plan." + se.Field
	case se.Segment == "" && se.Field == "" && errors.Is(se, fault.ErrUnknownYear):
		return "$.year"
	}
	for i, s := range f.Plan.Segments {
		if s.Name != se.Segment {
			continue
		}
		at := fmt.Sprintf("$.plan.segments[%d]", i)
		switch {
		case se.Year == 0 || se.Field == "name":
			return childPath(at, "name")
		case se.Field == string(segments.NetMarginRate):
			return childPath(childPath(at, "net_margin"), year)
		}
		if strings.HasPrefix(se.Field, "driver ") { // the driver's Spec
			return childPath(at, "driver")
		}
		at = childPath(childPath(at, "inputs"), year) // a year without inputs, or one of them
		spec, _ := segments.SpecOf(s.Driver)
		if slices.ContainsFunc(spec.Inputs, func(in segments.Input) bool { return string(in.Metric) == se.Field }) {
			return childPath(at, se.Field)
		}
		return at
	}
	if se.Segment == "" {
		return "$.plan"
	}
	return "$.plan.segments"
}

func (f File) locateEarnings(ee *fault.Error) string {
	year := strconv.Itoa(ee.Year)
	switch ee.Line {
	case "shares", "equity":
		if ee.Year == 0 {
			return "$.earnings." + ee.Line
		}
		return childPath("$.earnings."+ee.Line, year)
	}
	for i, l := range f.Earnings.Lines {
		if l.Name != ee.Line {
			continue
		}
		at := fmt.Sprintf("$.earnings.lines[%d]", i)
		if ee.Year == 0 {
			if ee.Field != "" {
				return at + "." + ee.Field
			}
			return at
		}
		at = childPath(at+".years", year)
		if ee.Field != "" {
			return at + "." + ee.Field
		}
		return at
	}
	return "$.earnings"
}

// locateBridge is the path of a bridge item's field, or of the holdco discount.
func (f File) locateBridge(fe *fault.Error) string {
	name, item := strings.CutPrefix(fe.Line, "bridge ")
	if f.Bridge == nil {
		return "$"
	}
	if !item {
		return childPath("$.bridge", fe.Field)
	}
	for i, it := range f.Bridge.Items {
		if it.Name == name {
			at := fmt.Sprintf("$.bridge.items[%d]", i)
			switch fe.Field {
			case "amount", "discount", "name", "kind":
				return at + "." + fe.Field
			case "shares and price":
				return at + ".shares"
			}
			if fe.Pkg == "comps" {
				return at + ".currency"
			}
			return at
		}
	}
	return "$.bridge"
}

// locateDilution is the path of a tranche, or of the dilution.
func (f File) locateDilution(fe *fault.Error) string {
	name, _ := strings.CutPrefix(fe.Line, "dilution ")
	if f.Dilution != nil {
		for i, t := range f.Dilution.Tranches {
			if t.Name == name {
				return fmt.Sprintf("$.dilution.tranches[%d]", i)
			}
		}
	}
	return "$.dilution"
}
