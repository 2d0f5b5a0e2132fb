package segments

import (
	"fmt"
	"maps"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/key"
)

// Users is a platform's user base in one year, in millions of users.
type Users struct {
	MAU decimal.Decimal `json:"mau"` // average monthly active users; must be positive
	DAU decimal.Decimal `json:"dau"` // average daily active users; in [0, MAU]
}

// Validate reports users that no platform can have: MAU not above zero, DAU below zero or
// above MAU. The error's Key is the group figure's with no year: Plan.Forecast fills it in.
func (u Users) Validate() error {
	switch {
	case u.MAU.Sign() <= 0:
		return &fault.Error{Pkg: "segments", Field: string(MAU), Value: fault.Plain(u.MAU), Err: fault.ErrNonPositive, Key: unplaced(MAU)}
	case u.DAU.Sign() < 0:
		return &fault.Error{Pkg: "segments", Field: string(DAU), Value: fault.Plain(u.DAU), Err: fault.ErrNegative, Key: unplaced(DAU)}
	case u.DAU.GreaterThan(u.MAU):
		return &fault.Error{Pkg: "segments", Field: string(DAU), Value: fault.Plain(u.DAU) + " > MAU " + fault.Plain(u.MAU), Err: fault.ErrDAUAboveMAU, Key: unplaced(DAU)}
	}
	return nil
}

// Segment is one business segment of a plan: its name and its driver for each year.
type Segment struct {
	Name    string         // stable key, e.g. "live_streaming"; unique in a plan
	Title   string         // as tables print it, e.g. "Live streaming"
	Drivers map[int]Driver // one per plan year from the segment's first: it may start after the plan's
}

// Plan is a company's forecast inputs: for each year the platform's users and each
// segment's driver. Forecast reads a Plan and never modifies it.
type Plan struct {
	Currency      string        // reporting currency of revenue, e.g. "CNY"
	Years         []int         // ascending, without gaps in meaning: growth compares neighbours
	FirstEstimate int           // first forecast year; earlier years are reported actuals
	Users         map[int]Users // one per year
	Segments      []Segment
}

// Forecast is a plan worked out: every segment's lines for every year, and the group view
// (total revenue, its growth, each segment's growth and share of revenue).
type Forecast struct {
	Currency      string `json:"currency"`
	FirstEstimate int    `json:"first_estimate"`
	Years         []Year `json:"years"`
}

// Year is one year of a Forecast.
type Year struct {
	Year     int                 `json:"year"`
	Users    Users               `json:"users"`
	Segments []SegmentYear       `json:"segments"`
	Revenue  decimal.Decimal     `json:"revenue"` // total of the segments' revenue, currency millions
	Growth   decimal.NullDecimal `json:"growth"`  // Revenue / previous year's - 1; not valid in the first year
}

// SegmentYear is one segment's forecast for one year.
type SegmentYear struct {
	Name    string              `json:"name"`
	Title   string              `json:"title"`
	Lines   []Line              `json:"lines"`
	Revenue decimal.Decimal     `json:"revenue"` // currency millions
	Growth  decimal.NullDecimal `json:"growth"`  // Revenue / previous year's - 1; not valid in the first year or after zero
	// UserBase is the metric of the segment's own users, which OwnUsers names: the
	// driver's (Spec.UserBase), or the platform's MAU.
	UserBase Metric              `json:"user_base"`
	Share    decimal.NullDecimal `json:"share"` // Revenue / total revenue; not valid when the total is zero
	// Inputs are the inputs of the year's driver, as its Spec lists them: how a label
	// names an input that no line shows. They are not written as JSON.
	Inputs []Input `json:"-"`
}

// Started reports whether the segment runs in the year: a segment that starts in a
// later year of its plan has no driver, no lines and no revenue before it.
func (s SegmentYear) Started() bool { return len(s.Lines) > 0 }

// Forecast works out every year of the plan. It fails with a *fault.Error on the first bad
// input it meets, naming the segment, year and field.
func (p Plan) Forecast() (Forecast, error) {
	if err := p.check(); err != nil {
		return Forecast{}, err
	}
	f := Forecast{Currency: p.Currency, FirstEstimate: p.FirstEstimate, Years: make([]Year, len(p.Years))}
	last := make([]map[Metric]decimal.Decimal, len(p.Segments)) // each segment's lines last year, for prev
	for i, y := range p.Years {
		yr := Year{Year: y, Users: p.Users[y], Segments: make([]SegmentYear, len(p.Segments))}
		if err := yr.Users.Validate(); err != nil { // the platform's, before any segment's
			return Forecast{}, locate(err, "", y)
		}
		for j, s := range p.Segments {
			if s.Drivers[y] == nil { // not started: no lines, no revenue
				yr.Segments[j] = SegmentYear{Name: s.Name, Title: s.Title}
				continue
			}
			lines, base, inputs, values, err := forecast(s.Drivers[y], yr.Users, last[j])
			if err != nil {
				return Forecast{}, locate(err, s.Name, y)
			}
			last[j] = values
			sy := SegmentYear{Name: s.Name, Title: s.Title, Lines: lines, UserBase: base, Inputs: inputs}
			rev, ok := lineValue(lines, Revenue)
			if !ok {
				return Forecast{}, &fault.Error{Pkg: "segments", Segment: s.Name, Year: y, Field: string(Revenue), Err: fault.ErrMissing,
					Key: key.Forecast(y, s.Name, string(Revenue))}
			}
			sy.Revenue = rev
			if i > 0 {
				sy.Growth = growth(rev, f.Years[i-1].Segments[j].Revenue)
			}
			yr.Segments[j] = sy
			yr.Revenue = yr.Revenue.Add(rev)
		}
		for j := range yr.Segments {
			if !yr.Revenue.IsZero() {
				yr.Segments[j].Share = decimal.NewNullDecimal(yr.Segments[j].Revenue.DivRound(yr.Revenue, DivPlaces))
			}
		}
		if i > 0 {
			yr.Growth = growth(yr.Revenue, f.Years[i-1].Revenue)
		}
		f.Years[i] = yr
	}
	return f, nil
}

// check reports a plan that cannot be forecast. Its errors' keys name the plan's parts
// as forecast keys that no figure has, for a caller to locate them by: the plan itself
// (no year, no segment) named "years" or "segments", a year's users (a year, no name),
// a segment's name (no year) and a segment's year (no name).
func (p Plan) check() error {
	if err := p.checkYears(); err != nil {
		return err
	}
	if len(p.Segments) == 0 {
		return &fault.Error{Pkg: "segments", Field: "segments", Err: fault.ErrPlan, Key: unplaced("segments")}
	}
	seen := make(map[string]bool, len(p.Segments))
	for _, s := range p.Segments {
		if s.Name == "" || seen[s.Name] {
			return &fault.Error{Pkg: "segments", Segment: s.Name, Field: "name", Value: fmt.Sprintf("%q", s.Name), Err: fault.ErrPlan,
				Key: key.Forecast(0, s.Name, "name")}
		}
		seen[s.Name] = true
		if err := p.checkDrivers(s); err != nil {
			return err
		}
	}
	return nil
}

// checkYears reports a plan with no years, years not ascending, or a year without users.
func (p Plan) checkYears() error {
	if len(p.Years) == 0 {
		return &fault.Error{Pkg: "segments", Field: "years", Err: fault.ErrPlan, Key: unplaced("years")}
	}
	for i, y := range p.Years {
		if i > 0 && y <= p.Years[i-1] {
			return &fault.Error{Pkg: "segments", Field: "years", Value: fmt.Sprint(p.Years), Err: fault.ErrPlan, Key: unplaced("years")}
		}
		if _, ok := p.Users[y]; !ok {
			return &fault.Error{Pkg: "segments", Year: y, Field: "users", Err: fault.ErrMissing, Key: key.Forecast(y, "", "")}
		}
	}
	return nil
}

// checkDrivers reports a segment with no driver in a year of the plan from its first on,
// or with none in any year. A segment may start after the plan's first year, and runs to
// its last.
func (p Plan) checkDrivers(s Segment) error {
	started := false
	for _, y := range p.Years {
		has := s.Drivers[y] != nil
		if started && !has || !started && !has && y == p.Years[len(p.Years)-1] {
			value := "(none; a segment runs from its first year to the plan's last)"
			if !started {
				value = "(none in any year)"
			}
			return &fault.Error{Pkg: "segments", Segment: s.Name, Year: y, Field: "driver", Value: value, Err: fault.ErrMissing, Key: key.Forecast(y, s.Name, "")}
		}
		started = started || has
	}
	return nil
}

// locate fills in the segment and year of a *fault.Error a driver returned, in its
// location and in its key (unplaced) when it has one.
func locate(err error, segment string, year int) error {
	if e, ok := err.(*fault.Error); ok {
		c := *e
		c.Segment, c.Year = segment, year
		if c.Key.Space == key.SpaceForecast {
			c.Key.Segment, c.Key.Year = segment, year
		}
		return &c
	}
	return fmt.Errorf("segments: %s %d: %w", segment, year, err)
}

func growth(cur, prev decimal.Decimal) decimal.NullDecimal {
	if prev.IsZero() {
		return decimal.NullDecimal{}
	}
	return decimal.NewNullDecimal(cur.DivRound(prev, DivPlaces).Sub(decimal.NewFromInt(1)))
}

func lineValue(lines []Line, m Metric) (decimal.Decimal, bool) {
	for _, l := range lines {
		if l.Metric == m {
			return l.Value, true
		}
	}
	return decimal.Decimal{}, false
}

// Label returns a year as tables print it: "2021E" for a forecast year, "2019" otherwise.
func (f Forecast) Label(year int) string {
	if f.FirstEstimate != 0 && year >= f.FirstEstimate {
		return fmt.Sprintf("%dE", year)
	}
	return fmt.Sprint(year)
}

// Year returns the forecast for one year.
func (f Forecast) Year(year int) (Year, error) {
	for _, y := range f.Years {
		if y.Year == year {
			return y, nil
		}
	}
	return Year{}, &fault.Error{Pkg: "segments", Year: year, Err: fault.ErrUnknownYear}
}

// Segment returns one segment's forecast for the year.
func (y Year) Segment(name string) (SegmentYear, error) {
	for _, s := range y.Segments {
		if s.Name == name {
			return s, nil
		}
	}
	return SegmentYear{}, &fault.Error{Pkg: "segments", Segment: name, Year: y.Year, Err: fault.ErrUnknownSegment}
}

// Metric returns a segment's figure for the year: one of the segment's lines, or else the
// platform's MAU or DAU, which every segment can be valued on.
func (y Year) Metric(segment string, m Metric) (decimal.Decimal, error) {
	l, err := y.Line(segment, m)
	return l.Value, err
}

// Line returns a segment's line for the year, as Metric finds it; the platform's MAU and
// DAU come back as lines of the segment when it has none of its own, and OwnUsers as the
// line of the segment's UserBase (shopping MAU for e-commerce, else MAU).
func (y Year) Line(segment string, m Metric) (Line, error) {
	s, err := y.Segment(segment)
	if err != nil {
		return Line{}, err
	}
	return y.LineOf(s, m)
}

// LineOf is Line for a segment already found (by Segment, or by position in Segments):
// a caller that values every segment finds each once, not once per line it reads.
func (y Year) LineOf(s SegmentYear, m Metric) (Line, error) {
	if !s.Started() { // not the platform's users either: the segment has none yet
		return Line{}, &fault.Error{Pkg: "segments", Segment: s.Name, Year: y.Year, Field: string(m), Value: "the segment starts in a later year",
			Err: fault.ErrUnknownMetric, Key: key.Forecast(y.Year, s.Name, string(m))}
	}
	if m == OwnUsers {
		m = s.UserBase
		if m == "" {
			m = MAU
		}
	}
	for _, l := range s.Lines {
		if l.Metric == m {
			return l, nil
		}
	}
	switch m {
	case MAU:
		return Line{MAU, "Average MAU", MillionUsers, 0, y.Users.MAU, 0}, nil
	case DAU:
		return Line{DAU, "Average DAU", MillionUsers, 0, y.Users.DAU, 0}, nil
	}
	return Line{}, &fault.Error{Pkg: "segments", Segment: s.Name, Year: y.Year, Field: string(m), Err: fault.ErrUnknownMetric}
}

// Figure returns one figure of the forecast by segment and metric; with segment "" it
// returns the group's figures: MAU, DAU or total Revenue.
func (f Forecast) Figure(year int, segment string, m Metric) (decimal.Decimal, error) {
	y, err := f.Year(year)
	if err != nil {
		return decimal.Decimal{}, err
	}
	if segment != "" {
		return y.Metric(segment, m)
	}
	switch m {
	case MAU:
		return y.Users.MAU, nil
	case DAU:
		return y.Users.DAU, nil
	case Revenue:
		return y.Revenue, nil
	}
	return decimal.Decimal{}, &fault.Error{Pkg: "segments", Year: year, Field: string(m), Err: fault.ErrUnknownMetric}
}

// Growth returns a figure's growth over the previous year of the forecast: this year's
// value / last year's - 1. It fails for the first year and when last year's value is zero.
func (f Forecast) Growth(year int, segment string, m Metric) (decimal.Decimal, error) {
	cur, err := f.Figure(year, segment, m)
	if err != nil {
		return decimal.Decimal{}, err
	}
	for i := 1; i < len(f.Years); i++ {
		if f.Years[i].Year != year {
			continue
		}
		prev, err := f.Figure(f.Years[i-1].Year, segment, m)
		if err != nil {
			return decimal.Decimal{}, err
		}
		if g := growth(cur, prev); g.Valid {
			return g.Decimal, nil
		}
		break
	}
	return decimal.Decimal{}, &fault.Error{Pkg: "segments", Segment: segment, Year: year, Field: string(m) + " growth", Err: fault.ErrNoGrowth}
}

// Clone returns a deep copy of the plan: its years, users, segments and driver maps are
// its own, so that writing to one of them leaves p as it was. Drivers are copied as
// values; a driver of a pointer type is shared.
func (p Plan) Clone() Plan {
	out := p
	out.Years = slices.Clone(p.Years)
	out.Users = maps.Clone(p.Users)
	out.Segments = make([]Segment, len(p.Segments))
	for i, s := range p.Segments {
		s.Drivers = maps.Clone(s.Drivers)
		out.Segments[i] = s
	}
	if p.Segments == nil {
		out.Segments = nil
	}
	return out
}
