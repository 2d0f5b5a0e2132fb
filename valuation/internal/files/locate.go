package files

import (
	"fmt"
	"iter"
	"maps"
	"strconv"

	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/key"
)

// Locate returns the JSON path in f, under root ("$", or "$.model" for a run's inline
// model), of what an error of valuing f's model names. The error's key (fault.Error.Key:
// the figure or input at fault, its innermost in the chain) is looked up among the paths
// of the keys f gives (paths); a key f does not give, or gives no path of its own (a
// tranche's count), is located at the nearest key that holds it (parent): a driver input
// at its segment's year, a comparable's field at the comparable, a part's figure at the
// part. An error without a key, or with one nothing in f holds, is at root.
func (f File) Locate(root string, err error) string {
	k := innermostKey(err)
	if k.Space == 0 {
		return root
	}
	at := f.paths(root)
	for {
		if path, ok := at[k]; ok {
			return path
		}
		var held bool
		if k, held = parent(k); !held {
			return root
		}
	}
}

// innermostKey returns the key of the innermost *fault.Error in err's tree that has one:
// the most closely located. Of an error that wraps several (fmt.Errorf with two %w), the
// first with a key counts.
func innermostKey(err error) key.Key {
	var inner key.Key
	switch e := err.(type) {
	case interface{ Unwrap() []error }:
		for _, x := range e.Unwrap() {
			if inner = innermostKey(x); inner.Space != 0 {
				break
			}
		}
	case interface{ Unwrap() error }:
		inner = innermostKey(e.Unwrap())
	}
	if fe, ok := err.(*fault.Error); ok && inner.Space == 0 {
		return fe.Key
	}
	return inner
}

// parent returns the key of what holds what k names in a model file, and false for a key
// only the file itself holds. A forecast figure is held by its segment's year (the
// year's users for a group figure), the year by the segment, a segment by the plan's
// segments, those by the plan; a comparable's field by the comparable, a comparable by
// its part's set ("comps"), a part's field by the part, a part by the parts; a P&L
// figure's year by the figure, the figure by the P&L; a growth or ratio by its figure; a
// bridge item's or tranche's field by the item, the item by the bridge or dilution.
func parent(k key.Key) (key.Key, bool) {
	yearLast := k.Space == key.SpacePnL || k.Space == key.SpacePnLLine // lines[i].years["2021"]
	switch {
	case k.Space == 0 || k.Space == key.SpaceScalar:
		return key.Key{}, false
	case k.Growth || k.Ratio:
		k.Growth, k.Ratio = false, false
	case k.Space == key.SpaceComp && k.Name == "":
		return key.Part(k.Segment, "comps"), true
	case yearLast && k.Year != 0:
		k.Year = 0
	case k.Name != "":
		k.Name = ""
	case k.Year != 0:
		k.Year = 0
	case k.Space == key.SpaceForecast && k.Segment != "":
		return key.Forecast(0, "", "segments"), true
	case k.Segment != "" || k.Item != "" || k.From != "" || k.To != "":
		return key.Key{Space: k.Space}, true
	default:
		return key.Key{}, false
	}
	return k, true
}

// paths returns the JSON path under root of each key f gives, or would give in a year of
// its plan that it leaves out (where the error of a missing figure is located): the
// model's fields, the plan's years, users and segments (a segment's name, driver, years
// of inputs and each input its driver reads, net margins), each part's fields, set and
// comparables (with their weights and exclusions), the P&L's share counts and lines by
// year, the bridge's items and holding-company discount, the dilution's tranches and
// basis, the horizon. Each key names what the error of valuing the model names (see the
// Key of the errors of segments, comps, earnings and valuation). A key given twice (two
// segments or bridge items of one name, which valuing refuses) keeps its first path.
//
// The paths are recorded from the decoded File, whose indices and map keys make them,
// when valuing fails: a file that values builds none.
func (f File) paths(root string) map[key.Key]string {
	at := map[key.Key]string{}
	add := func(k key.Key, path string) {
		if _, ok := at[k]; !ok {
			at[k] = path
		}
	}
	// byYear calls each with every year of the plan, then every year given: a figure
	// is located in each year the file gives it for, and in each year of the plan that
	// it is missing from.
	byYear := func(given iter.Seq[int], each func(y int, year string)) {
		for _, y := range f.Plan.Years {
			each(y, strconv.Itoa(y))
		}
		for y := range given {
			each(y, strconv.Itoa(y))
		}
	}

	for _, name := range []string{key.Shares, key.Price, "year", "currency", "display"} { // valuation's modelKey
		add(key.Scalar(name), ChildPath(root, name))
	}
	add(key.Key{Space: key.SpaceFX}, root+".fx") // a missing rate

	plan := root + ".plan"
	add(key.Key{Space: key.SpaceForecast}, plan)
	add(key.Forecast(0, "", "years"), plan+".years")
	add(key.Forecast(0, "", "segments"), plan+".segments")
	byYear(maps.Keys(f.Plan.Users), func(y int, year string) {
		users := ChildPath(plan+".users", year)
		add(key.Forecast(y, "", ""), users)
		add(key.Forecast(y, "", string(segments.MAU)), users+".mau")
		add(key.Forecast(y, "", string(segments.DAU)), users+".dau")
	})
	specOf, _ := f.specs(root) // Check has built them
	if specOf == nil {
		specOf = segments.SpecOf
	}
	for i, s := range f.Plan.Segments {
		seg := fmt.Sprintf("%s.segments[%d]", plan, i)
		add(key.Forecast(0, s.Name, ""), seg)
		add(key.Forecast(0, s.Name, "name"), seg+".name")
		for y := range s.NetMargin {
			add(key.Forecast(y, s.Name, string(segments.NetMarginRate)), ChildPath(seg+".net_margin", strconv.Itoa(y)))
		}
		spec, _ := specOf(s.Driver) // Decode checked it
		byYear(maps.Keys(s.Inputs), func(y int, year string) {
			inputs := ChildPath(seg+".inputs", year)
			add(key.Forecast(y, s.Name, ""), inputs)
			add(key.Forecast(y, s.Name, "driver"), seg+".driver") // the key of segments' errors of a driver
			for _, in := range spec.Inputs {
				add(key.Forecast(y, s.Name, string(in.Metric)), ChildPath(inputs, string(in.Metric)))
			}
		})
	}

	parts := root + ".parts"
	add(key.Key{Space: key.SpacePart}, parts)
	for i, p := range f.Parts {
		part := fmt.Sprintf("%s[%d]", parts, i)
		add(key.Part(p.Segment, ""), part)
		for _, field := range []string{"segment", "method", "metric", "value", "formula", "label"} {
			add(key.Part(p.Segment, field), part+"."+field)
		}
		if p.Comps == nil {
			continue // a fixed part
		}
		set := part + ".comps"
		if p.Comps.File != "" { // its comparables are the file's: an error of one is the file's
			add(key.Part(p.Segment, "comps"), set+".file")
		} else {
			add(key.Part(p.Segment, "comps"), set)
		}
		for _, field := range []string{"aggregate", "trim", "weights", "premium", "outlier_z"} {
			add(key.Part(p.Segment, field), set+"."+field)
		}
		comp := func(ticker, field string) key.Key {
			return key.Key{Space: key.SpaceComp, Segment: p.Segment, Ticker: ticker, Name: field}
		}
		for j, c := range p.Comps.Companies {
			add(comp(c.Ticker, ""), fmt.Sprintf("%s.companies[%d]", set, j))
		}
		for t := range p.Comps.Weights {
			add(comp(t, "weight"), ChildPath(set+".weights", t))
		}
		for t := range p.Comps.Exclude {
			add(comp(t, "exclude"), ChildPath(set+".exclude", t))
		}
	}

	if e := f.Earnings; e != nil {
		pnl := root + ".earnings"
		add(key.Key{Space: key.SpacePnL}, pnl)
		add(key.Key{Space: key.SpacePnLLine}, pnl)
		add(key.Key{Space: key.SpacePnL, Name: "shares"}, pnl+".shares")
		byYear(maps.Keys(e.Shares), func(y int, year string) {
			add(key.Key{Space: key.SpacePnL, Year: y, Name: "shares"}, ChildPath(pnl+".shares", year))
		})
		for i, l := range e.Lines {
			line := fmt.Sprintf("%s.lines[%d]", pnl, i)
			add(key.Key{Space: key.SpacePnLLine, Name: l.Name}, line)
			byYear(maps.Keys(l.Years), func(y int, year string) {
				value := ChildPath(line+".years", year)
				// The line's value in the year is at fault through its amount or, for a
				// ratio, through its base; a ratio's own key names the ratio.
				v, given := l.Years[y]
				switch {
				case given && v.Amount != nil:
					add(key.Key{Space: key.SpacePnLLine, Year: y, Name: l.Name}, value+".amount")
				case given && v.Of != "":
					add(key.Key{Space: key.SpacePnLLine, Year: y, Name: l.Name}, value+".of")
				default:
					add(key.Key{Space: key.SpacePnLLine, Year: y, Name: l.Name}, value)
				}
				if given && v.Ratio != nil {
					add(key.Key{Space: key.SpacePnLLine, Year: y, Name: l.Name, Ratio: true}, value+".ratio")
				}
			})
		}
	}

	if b := f.Bridge; b != nil {
		bridge := root + ".bridge"
		add(key.Key{Space: key.SpaceBridge}, bridge)
		add(key.Key{Space: key.SpaceBridge, Item: "holdco", Name: "discount"}, bridge+".holdco_discount")
		for i, it := range b.Items {
			item := fmt.Sprintf("%s.items[%d]", bridge, i)
			add(key.Key{Space: key.SpaceBridge, Item: it.Name}, item)
			for _, field := range []string{"name", "kind", "currency", "amount", "shares", "discount"} {
				add(key.Key{Space: key.SpaceBridge, Item: it.Name, Name: field}, item+"."+field)
			}
		}
	}

	if d := f.Dilution; d != nil {
		dilution := root + ".dilution"
		add(key.Key{Space: key.SpaceDilution}, dilution)
		add(key.Key{Space: key.SpaceDilution, Name: "basis"}, dilution+".basis")
		for i, t := range d.Tranches { // a tranche's count and strike are checked together: the tranche is at fault
			add(key.Key{Space: key.SpaceDilution, Item: t.Name}, fmt.Sprintf("%s.tranches[%d]", dilution, i))
		}
	}

	if f.Horizon != nil {
		horizon := root + ".horizon"
		add(key.Key{Space: key.SpaceHorizon}, horizon)
		add(key.Key{Space: key.SpaceHorizon, Name: "rate"}, horizon+".rate")
		add(key.Key{Space: key.SpaceHorizon, Name: "years"}, horizon+".years")
	}
	return at
}
