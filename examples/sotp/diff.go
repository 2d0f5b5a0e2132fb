package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/chart"
	"github.com/sotpkit/sotp/valuation/earnings"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/key"
	"github.com/sotpkit/sotp/valuation/modelfile"
	"github.com/sotpkit/sotp/valuation/sensitivity"
)

// The groups a change of the target is told in, in the order the steps are taken: the
// forecast's drivers segment by segment (the platform's users first), then the peers'
// multiples, the premiums on them, FX, the bridge, dilution and horizon, the share counts
// and, last, what is not an assumption.
var diffGroups = []string{"users", "drivers", "peer multiples", "premiums", "FX", "bridge, dilution and horizon", "shares"}

// diffGroup is the group an assumption's change is told in.
func diffGroup(k key.Key) string {
	switch {
	case k.Space == key.SpaceForecast && k.Segment == "":
		return "users"
	case k.Space == key.SpaceForecast:
		return "drivers"
	case k.Space == key.SpacePart && k.Name == "average":
		return "peer multiples"
	case k.Space == key.SpacePart:
		return "premiums"
	case k.Space == key.SpaceFX:
		return "FX"
	case k.Space == key.SpaceBridge || k.Space == key.SpaceDilution || k.Space == key.SpaceHorizon:
		return "bridge, dilution and horizon"
	}
	return "shares"
}

// diffReport is what sotp diff writes as JSON: the two targets, the change by group, and
// each assumption's step.
type diffReport struct {
	From    string                  `json:"from"`
	To      string                  `json:"to"`
	Old     string                  `json:"old"` // decimals as exact strings (fault.Plain)
	New     string                  `json:"new"`
	Groups  []diffGroupChange       `json:"groups"`
	Details sensitivity.Attribution `json:"steps"`
}

type diffGroupChange struct {
	Group  string `json:"group"`
	Change string `json:"change"`
}

// diff attributes the change of the target between two models to its causes. First the
// structural steps, each an exact revaluation of the old model as changed so far: the new
// model's years added to the plan with its figures for them (usually no change of the
// target), the valuation year rolled forward (the old model's parts and multiples priced
// on the new year's figures), the years the new model lacks dropped, each part (and its
// segment) the new model adds, at its value; each it no longer has, removed at minus its
// value (after the additions, so that a model whose every part is replaced is never
// left with none); each part whose method changed (P/MAU to P/S), at the difference. Then like for like:
// the assumptions are moved to the new model's values one at a time, group by group
// (diffGroups), so that the steps and the rest (what no assumption holds: a peer's
// market value moves the multiple, which is an assumption; a new peer's text, nothing)
// sum to the change exactly. Models that differ in other ways (bridge items, tranches)
// are refused.
//
// With -chart PATH (.svg or .png), it also draws the change as a waterfall of the groups,
// from the old target to the new.
func diff(ctx context.Context, args []string, w io.Writer) (string, error) {
	var chartPath string
	format, rest, err := flags("diff", args, []string{"text", "json"}, func(fs *flag.FlagSet) {
		fs.StringVar(&chartPath, "chart", "", "draw the change by group as a waterfall to this .svg or .png file")
	})
	if err != nil {
		return "", err
	}
	if len(rest) != 2 {
		return format, fmt.Errorf("%w: diff takes an old and a new model file", errUsage)
	}
	old, err := modelfile.LoadModel(rest[0])
	if err != nil {
		return format, err
	}
	nu, err := modelfile.LoadModel(rest[1])
	if err != nil {
		return format, err
	}
	oldTarget, err := targetOf(old)
	if err != nil {
		return format, err
	}
	old, structural, err := restructure(old, nu, rest[0], rest[1])
	if err != nil {
		return format, err
	}
	oldPrep, err := old.Prepare(valuation.PrepareOptions{})
	if err != nil {
		return format, err
	}
	newPrep, err := nu.Prepare(valuation.PrepareOptions{})
	if err != nil {
		return format, err
	}
	newValue := map[key.Key]decimal.Decimal{}
	for _, a := range newPrep.Assumptions() {
		newValue[a.Key] = a.Base
	}
	oldAs := oldPrep.Assumptions()
	if len(oldAs) != len(newValue) {
		return format, &fault.Error{Pkg: "sotp", File: rest[1], Field: "assumptions",
			Value: fmt.Sprintf("%d against the old model's %d: diff compares models of one structure (the same years, segments, parts and bridge)", len(newValue), len(oldAs)), Err: fault.ErrUnsupported}
	}
	var set []valuation.Override
	for _, g := range diffGroups {
		for _, a := range oldAs {
			v, ok := newValue[a.Key]
			if !ok {
				return format, &fault.Error{Pkg: "sotp", File: rest[1], Key: a.Key, Field: a.Key.String(),
					Value: "not in the new model: diff compares models of one structure", Err: fault.ErrUnsupported}
			}
			if diffGroup(a.Key) == g && !v.Equal(a.Base) {
				set = append(set, valuation.Override{Key: a.Key, Value: v})
			}
		}
	}
	e, err := sensitivity.New(old, sensitivity.Options{})
	if err != nil {
		return format, err
	}
	start := rest[0]
	if len(structural) > 0 { // like for like starts from the old model restructured
		start += " restructured"
	}
	att, err := e.Attribute(ctx, valuation.Scenario{Name: start}, valuation.Scenario{Name: rest[1], Set: set})
	if err != nil {
		return format, err
	}
	newTarget := newPrep.Result().Target
	rep := diffReport{From: rest[0], To: rest[1], Old: fault.Plain(oldTarget), New: fault.Plain(newTarget), Details: att}
	var changes []decimal.Decimal
	for _, st := range structural {
		rep.Groups = append(rep.Groups, diffGroupChange{Group: st.Name, Change: fault.Plain(st.Change)})
		changes = append(changes, st.Change)
	}
	for _, g := range diffGroups {
		change := decimal.Decimal{}
		for _, s := range att.Steps {
			if k, err := key.Parse(s.Name); err == nil && diffGroup(k) == g {
				change = change.Add(s.Change)
			}
		}
		if !change.IsZero() {
			rep.Groups = append(rep.Groups, diffGroupChange{Group: g, Change: fault.Plain(change)})
			changes = append(changes, change)
		}
	}
	if other := newTarget.Sub(att.End); !other.IsZero() {
		rep.Groups = append(rep.Groups, diffGroupChange{Group: "other (not an assumption)", Change: fault.Plain(other)})
		changes = append(changes, other)
	}
	if chartPath != "" {
		if err := diffChart(chartPath, rep, oldTarget, newTarget, changes); err != nil {
			return format, err
		}
	}
	if format == "json" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return format, err
		}
		_, err = fmt.Fprintln(w, string(b))
		return format, err
	}
	fmt.Fprintf(w, "Target from %s to %s: %s to %s (%s)\n", rest[0], rest[1], oldTarget.StringFixed(1), newTarget.StringFixed(1), signed(newTarget.Sub(oldTarget)))
	width := 0
	for _, g := range rep.Groups {
		width = max(width, len(g.Group))
	}
	for i, g := range rep.Groups {
		fmt.Fprintf(w, "  %-*s  %s\n", width, g.Group, signed(changes[i]))
	}
	fmt.Fprintln(w)
	_, err = fmt.Fprint(w, att.Text())
	return format, err
}

// targetOf is m's target.
func targetOf(m valuation.Model) (decimal.Decimal, error) {
	r, err := m.Value()
	return r.Target, err
}

// restructure changes old's structure into nu's, a step at a time, and returns the model
// so changed with each step's change of the target: the new model's years added (with
// their users, drivers and P&L), the valuation year rolled forward (the old parts priced
// on the new year's figures), the years the new model lacks dropped, then a part
// removed, a part added, a part's method changed (see diff).
// newFile names the new model in errors.
func restructure(old, nu valuation.Model, oldFile, newFile string) (valuation.Model, []sensitivity.Step, error) {
	m := old.Clone()
	cur, err := targetOf(m)
	if err != nil {
		return valuation.Model{}, nil, err
	}
	var steps []sensitivity.Step
	step := func(name string) error {
		t, err := targetOf(m)
		if err != nil {
			return fmt.Errorf("diff, at the step %q of %s restructured: %w", name, oldFile, err)
		}
		steps = append(steps, sensitivity.Step{Name: name, Change: t.Sub(cur)})
		cur = t
		return nil
	}
	years := func(name string, keep func(int) bool) error {
		before := m.Plan.Years
		if slices.Equal(before, nu.Plan.Years) {
			return nil
		}
		var err error
		if m, err = alignYears(m, nu, keep, newFile); err != nil {
			return err
		}
		if after := m.Plan.Years; !slices.Equal(after, before) {
			return step(name + ": " + yearSpan(before) + " to " + yearSpan(after))
		}
		return nil
	}
	// Years are added before the valuation year rolls onto one of them, and dropped after.
	if err := years("plan years added", func(y int) bool { return slices.Contains(m.Plan.Years, y) || slices.Contains(nu.Plan.Years, y) }); err != nil {
		return valuation.Model{}, nil, err
	}
	if m.Year != nu.Year {
		from := m.Year
		m.Year = nu.Year
		if err := step(fmt.Sprintf("valuation year: %d to %d", from, nu.Year)); err != nil {
			return valuation.Model{}, nil, err
		}
	}
	if err := years("plan years dropped", func(y int) bool { return slices.Contains(nu.Plan.Years, y) }); err != nil {
		return valuation.Model{}, nil, err
	}
	if m.Earnings.IsZero() != nu.Earnings.IsZero() { // a P&L prices no part: usually no change
		name := "P&L added"
		if nu.Earnings.IsZero() {
			name = "P&L dropped"
		}
		m.Earnings = nu.Earnings.Clone()
		if err := step(name); err != nil {
			return valuation.Model{}, nil, err
		}
	}
	partOf := func(m valuation.Model, seg string) int {
		return slices.IndexFunc(m.Parts, func(p valuation.Part) bool { return p.Segment == seg })
	}
	segOf := func(p segments.Plan, seg string) int {
		return slices.IndexFunc(p.Segments, func(s segments.Segment) bool { return s.Name == seg })
	}
	// parts added before those removed: a model whose every part is replaced keeps one
	for _, p := range nu.Parts {
		if partOf(m, p.Segment) >= 0 {
			continue
		}
		if i := segOf(nu.Plan, p.Segment); i >= 0 && segOf(m.Plan, p.Segment) < 0 {
			m.Plan.Segments = append(m.Plan.Segments, nu.Plan.Clone().Segments[i])
		}
		m.Parts = append(m.Parts, p)
		if err := step("added: " + p.Segment); err != nil {
			return valuation.Model{}, nil, err
		}
	}
	for _, p := range slices.Clone(m.Parts) {
		if partOf(nu, p.Segment) >= 0 {
			continue
		}
		m.Parts = slices.Delete(m.Parts, partOf(m, p.Segment), partOf(m, p.Segment)+1)
		if i := segOf(m.Plan, p.Segment); i >= 0 && segOf(nu.Plan, p.Segment) < 0 {
			m.Plan.Segments = slices.Delete(m.Plan.Segments, i, i+1)
		}
		if err := step("removed: " + p.Segment); err != nil {
			return valuation.Model{}, nil, err
		}
	}
	for _, p := range nu.Parts {
		i := partOf(m, p.Segment)
		if sameMethod(m.Parts[i].Method, p.Method) {
			continue
		}
		from := m.Parts[i].Method.Name()
		m.Parts[i].Method = p.Method
		if err := step("method: " + p.Segment + " " + from + " to " + p.Method.Name()); err != nil {
			return valuation.Model{}, nil, err
		}
	}
	return m, steps, nil
}

// sameMethod says two parts' methods are the same method, what moves in them aside: a
// multiple of the same label and figure on a set of the same metric, whatever its year
// (its peers' values and premiums are assumptions, told like for like: a set rolled from
// peers' 2021 MAU to their 2023 MAU moves the peer multiples), or a fixed amount (its
// value is an assumption too).
func sameMethod(a, b valuation.Method) bool {
	am, aok := a.(valuation.Multiple)
	bm, bok := b.(valuation.Multiple)
	if aok && bok {
		return am.Name() == bm.Name() && am.Metric == bm.Metric && am.Comps.Metric.Name == bm.Comps.Metric.Name
	}
	_, af := a.(valuation.Fixed)
	_, bf := b.(valuation.Fixed)
	return af && bf || !aok && !bok && !af && !bf && a.Name() == b.Name()
}

// alignYears gives m the plan years that keep says, in order: a year m has keeps its
// figures; a year only nu has comes with nu's users, each segment's driver and the P&L's
// lines, share count and equity for it (a model whose new years nu gives no P&L for
// loses its P&L, which prices no part). A segment of m that nu lacks cannot be carried
// into nu's years.
func alignYears(m, nu valuation.Model, keep func(int) bool, newFile string) (valuation.Model, error) {
	p, np := m.Plan, nu.Plan.Clone()
	var all []int
	for _, y := range slices.Concat(p.Years, np.Years) {
		if keep(y) && !slices.Contains(all, y) {
			all = append(all, y)
		}
	}
	slices.Sort(all)
	users, segs := map[int]segments.Users{}, slices.Clone(p.Segments)
	for i := range segs {
		segs[i].Drivers = map[int]segments.Driver{}
	}
	pnl := m.Earnings.Clone()
	for i := range pnl.Lines {
		pnl.Lines[i].Years = map[int]earnings.Value{}
	}
	shares, equity := map[int]decimal.Decimal{}, map[int]decimal.Decimal{}
	for _, y := range all {
		src, srcPnL := p, m.Earnings
		if !slices.Contains(p.Years, y) {
			src, srcPnL = np, nu.Earnings
			if srcPnL.IsZero() {
				pnl = earnings.PnL{}
			}
		}
		users[y] = src.Users[y]
		for i, s := range segs {
			j := slices.IndexFunc(src.Segments, func(o segments.Segment) bool { return o.Name == s.Name })
			if j < 0 {
				return valuation.Model{}, &fault.Error{Pkg: "sotp", File: newFile, Segment: s.Name, Year: y, Field: "plan years",
					Value: "the old model's segment is not in the new model, which adds the year", Err: fault.ErrUnsupported}
			}
			if d, ok := src.Segments[j].Drivers[y]; ok {
				segs[i].Drivers[y] = d
			}
		}
		for i, l := range pnl.Lines {
			j := slices.IndexFunc(srcPnL.Lines, func(o earnings.LineItem) bool { return o.Name == l.Name })
			if j >= 0 {
				if v, ok := srcPnL.Lines[j].Years[y]; ok {
					pnl.Lines[i].Years[y] = v
				}
			}
		}
		if v, ok := srcPnL.Shares[y]; ok {
			shares[y] = v
		}
		if v, ok := srcPnL.Equity[y]; ok {
			equity[y] = v
		}
	}
	if err := carryPrev(m, segs, all, newFile); err != nil {
		return valuation.Model{}, err
	}
	first := np.FirstEstimate
	if slices.Contains(p.Years, p.FirstEstimate) && keep(p.FirstEstimate) {
		first = p.FirstEstimate
	}
	m.Plan = segments.Plan{Currency: p.Currency, Years: all, FirstEstimate: first, Users: users, Segments: segs}
	m.Earnings = earnings.PnL{}
	if !pnl.IsZero() {
		pnl.Shares, pnl.Equity = shares, equity
		m.Earnings = pnl
	}
	return m, nil
}

// carryPrev keeps m's figures when its leading years are dropped: a line that reads the
// previous year (prev(revenue, base_revenue)) would read its first year's value in the
// new first year; that value, where it is an input, is set to the dropped year's line,
// so that the years step moves no figure. A first year's value of another shape is
// refused, naming the segment.
func carryPrev(m valuation.Model, segs []segments.Segment, years []int, newFile string) error {
	p := m.Plan
	i := slices.Index(p.Years, years[0])
	if i < 1 {
		return nil // the first year is as it was, or the new model's own
	}
	f, err := p.Forecast()
	if err != nil {
		return err
	}
	y0, before := years[0], p.Years[i-1]
	for k, s := range segs {
		d := s.Drivers[y0]
		if d == nil || p.Segments[k].Drivers[before] == nil {
			continue
		}
		for _, l := range d.Spec().Lines {
			var bad error
			l.Formula.Walk(func(g segments.Formula) {
				if g.Op != segments.OpPrev || bad != nil {
					return
				}
				v, err := f.Figure(before, s.Name, g.Ref)
				next, ok := d, g.Args[0].Op == segments.OpRef
				if ok && err == nil {
					next, ok = segments.With(d, g.Args[0].Ref, v)
				}
				if !ok || err != nil {
					bad = &fault.Error{Pkg: "sotp", File: newFile, Segment: s.Name, Year: y0, Field: "plan years",
						Value: fmt.Sprintf("prev(%s, ...) would read its first year's value once %d is dropped, and that is no input to set", g.Ref, before), Err: fault.ErrUnsupported}
					return
				}
				d = next
			})
			if bad != nil {
				return bad
			}
		}
		segs[k].Drivers[y0] = d
	}
	return nil
}

// yearSpan prints a plan's years: "2018-2022", or each year where one is missing
// ("2024, 2026").
func yearSpan(years []int) string {
	if len(years) == 0 {
		return "none"
	}
	if years[len(years)-1]-years[0] == len(years)-1 {
		return fmt.Sprintf("%d-%d", years[0], years[len(years)-1])
	}
	s := make([]string, len(years))
	for i, y := range years {
		s[i] = strconv.Itoa(y)
	}
	return strings.Join(s, ", ")
}

// diffChart draws the change of the target by group as a waterfall, to path: SVG or PNG
// by its extension.
func diffChart(path string, rep diffReport, from, to decimal.Decimal, changes []decimal.Decimal) error {
	a := sensitivity.Attribution{From: filepath.Base(rep.From), To: filepath.Base(rep.To), Start: from, End: to}
	for i, g := range rep.Groups {
		a.Steps = append(a.Steps, sensitivity.Step{Name: g.Group, Change: changes[i]})
	}
	if len(a.Steps) == 0 {
		return &fault.Error{Pkg: "sotp", File: path, Field: "chart", Value: "the target does not change: no waterfall to draw", Err: fault.ErrUnsupported}
	}
	ch, err := chart.Attribution(a, false, chart.Frame{Title: fmt.Sprintf("Target from %s to %s, by cause", a.From, a.To)})
	if err != nil {
		return err
	}
	var b bytes.Buffer
	switch filepath.Ext(path) {
	case ".svg":
		err = ch.SVG(&b)
	case ".png":
		err = ch.PNG(&b)
	default:
		return fmt.Errorf("%w: -chart %s, want a .svg or .png file", errUsage, path)
	}
	if err == nil {
		err = os.WriteFile(path, b.Bytes(), 0o644)
	}
	if err != nil {
		return &fault.Error{Pkg: "sotp", File: path, Err: err}
	}
	return nil
}

// signed prints a change of the target to one place with its sign.
func signed(d decimal.Decimal) string {
	s := d.StringFixed(1)
	if d.Sign() >= 0 && !slices.Contains([]string{"0.0", "-0.0"}, s) {
		s = "+" + s
	}
	return s
}
