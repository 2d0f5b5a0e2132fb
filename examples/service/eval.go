package main

import (
	"bytes"
	"cmp"
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/chart"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/key"
	"github.com/sotpkit/sotp/valuation/modelfile"
	"github.com/sotpkit/sotp/valuation/sensitivity"
	"github.com/sotpkit/sotp/valuation/workbook"
)

// The what-if routes: a model is read and prepared once, kept in a cache by the hash
// of its bytes, and valued at any point of its assumptions by later requests that name
// it by that hash.
//
//	POST /v1/eval      a model (or its hash), assumptions set by key → the valuation there
//	POST /v1/chart     the same, and a chart kind → the chart around that point, as SVG
//	POST /v1/download  the same → the model file with the assumptions set
//	POST /v1/workbook  the same → the model's workbook with the assumptions set

// Bounds of a what-if request, beside the body's size.
const (
	maxSet       = 1000 // assumptions one request may set
	maxOutputs   = 100  // figures one request may ask for
	tornadoBars  = 10   // assumptions a tornado around a point swings, the base's widest first
	heatmapSteps = 7    // values of each axis of a heatmap around a point
)

// evalRequest is what the what-if routes read: a model inline or by the hash a previous
// answer gave, the assumptions set (key → decimal string), and for /v1/eval the
// figures wanted and whether to describe the assumptions; for /v1/chart the chart.
type evalRequest struct {
	Model     jsontext.Value    `json:"model,omitzero"`
	ModelHash string            `json:"model_hash,omitzero"`
	Set       map[string]string `json:"set,omitzero"`
	Outputs   []string          `json:"outputs,omitzero"`
	Describe  bool              `json:"describe,omitzero"`
	Chart     string            `json:"chart,omitzero"` // tornado, heatmap or waterfall
	X         string            `json:"x,omitzero"`     // the heatmap's axis across: an assumption key
	Y         string            `json:"y,omitzero"`     // and up
}

// evalAnswer is /v1/eval's answer.
type evalAnswer struct {
	ModelHash string            `json:"model_hash"`
	Outputs   map[string]string `json:"outputs,omitempty"`
	Result    valuation.Result  `json:"result"`
	// Assumptions, when asked for, are the model's movable assumptions with their
	// titles, units and base values, ranked by how far each moves the target at ±10%.
	Assumptions []assumptionJSON `json:"assumptions,omitempty"`
}

// MarshalJSON writes the answer; decimals are exact strings. The result, most of it, is
// written by its own encoder and spliced in, not encoded and then checked again as
// encoding/json would.
func (a evalAnswer) MarshalJSON() ([]byte, error) {
	result, err := a.Result.MarshalJSON()
	if err != nil {
		return nil, err
	}
	rest, err := json.Marshal(struct {
		ModelHash   string            `json:"model_hash"`
		Outputs     map[string]string `json:"outputs,omitempty"`
		Assumptions []assumptionJSON  `json:"assumptions,omitempty"`
	}{a.ModelHash, a.Outputs, a.Assumptions})
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(rest)+len(result)+16)
	out = append(out, rest[:len(rest)-1]...) // without its closing brace
	out = append(out, `,"result":`...)
	out = append(append(out, result...), '}')
	return out, nil
}

// assumptionJSON is one assumption as the page shows it.
type assumptionJSON struct {
	Key   string `json:"key"`
	Title string `json:"title"`
	Unit  string `json:"unit"`
	Kind  string `json:"kind"`
	Base  string `json:"base"`
	Group string `json:"group"` // "2021E Live streaming", "Comparables", ...
	Rank  int    `json:"rank"`  // 1 for the assumption that moves the target most
	// Effect is how far the target moves at ±10% of the base, as a share of the target;
	// zero for an assumption that does not move it.
	Effect float64 `json:"effect"`
}

// bytesAnswer is an answer of another media type than JSON: an SVG chart, a model file,
// a workbook.
type bytesAnswer struct {
	body        []byte
	contentType string
}

func (b bytesAnswer) MarshalJSON() ([]byte, error) { return b.body, nil }
func (b bytesAnswer) ContentType() string          { return b.contentType }

// prepared is a model read and prepared, as the cache keeps it.
type prepared struct {
	hash string
	heap int64 // estimated: heapPerByte × the model file's bytes, what the cache counts
	prep *valuation.Prepared

	ranked atomic.Pointer[[]assumptionJSON] // the assumptions described, by rank, once whole
}

// modelCache keeps prepared models by hash, at most entries of them and bytes of heap in
// all (estimated as heapPerByte times each model file's bytes), the least recently used
// going first. A model is read and prepared once while it is kept, however many requests
// ask for it at once; a model still being prepared is never let go.
type modelCache struct {
	entries int
	bytes   int64

	mu    sync.Mutex
	byKey map[string]*list.Element // of *cacheEntry
	order *list.List               // most recently used first
	held  int64                    // of the entries ready and listed

	prepares atomic.Int64 // models read and prepared, for tests
	// prepare reads and prepares a model file: the package's prepare, or a test's.
	prepare func(hash string, raw []byte) (*prepared, error)
}

// heapPerByte estimates a prepared model's heap from its file's size: a 268 KB model
// file held 10 MB prepared (about 37 bytes a byte), a 10 KB one 0.3 MB.
const heapPerByte = 40

type cacheEntry struct {
	hash  string
	ready chan struct{} // closed when p or err is set
	p     *prepared
	err   error
}

func newModelCache(entries int, bytes int64) *modelCache {
	return &modelCache{entries: max(entries, 1), bytes: max(bytes, 1), byKey: map[string]*list.Element{}, order: list.New(), prepare: prepare}
}

// errUnknownModel is a hash the cache does not hold: the client sends the model again.
var errUnknownModel = errors.New("unknown model hash: send the model itself")

// get returns the prepared model of hash, reading and preparing raw (when given) on a
// miss; without raw a miss is errUnknownModel.
func (c *modelCache) get(ctx context.Context, hash string, raw []byte) (*prepared, error) {
	c.mu.Lock()
	if el, ok := c.byKey[hash]; ok {
		c.order.MoveToFront(el)
		e := el.Value.(*cacheEntry)
		c.mu.Unlock()
		select {
		case <-e.ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return e.p, e.err
	}
	if raw == nil {
		c.mu.Unlock()
		return nil, errUnknownModel
	}
	e := &cacheEntry{hash: hash, ready: make(chan struct{})}
	el := c.order.PushFront(e)
	c.byKey[hash] = el
	c.mu.Unlock()

	c.prepares.Add(1)
	p, err := c.prepare(hash, raw)

	c.mu.Lock()
	defer c.mu.Unlock()
	e.p, e.err = p, err
	close(e.ready)
	if err != nil { // not kept: the next request reads it again and gets the error again
		c.remove(el)
		return nil, err
	}
	c.held += p.heap
	c.evict(el)
	return p, nil
}

// remove takes el off the cache, its heap with it when it was counted.
func (c *modelCache) remove(el *list.Element) {
	e := el.Value.(*cacheEntry)
	if c.byKey[e.hash] == el {
		delete(c.byKey, e.hash)
	}
	c.order.Remove(el)
	if e.p != nil {
		c.held -= e.p.heap
	}
}

// evict lets the least recently used ready models go until the bounds hold, keeping
// keep (the model just prepared, even alone above the bytes) and models still being
// prepared.
func (c *modelCache) evict(keep *list.Element) {
	for el := c.order.Back(); el != nil && (c.order.Len() > c.entries || c.held > c.bytes); {
		prev := el.Prev()
		if e := el.Value.(*cacheEntry); el != keep && e.p != nil {
			c.remove(el)
		}
		el = prev
	}
}

// prepare reads a model file and prepares its model.
func prepare(hash string, raw []byte) (*prepared, error) {
	m, err := modelfile.Read(bytes.NewReader(raw), nil)
	if err != nil {
		return nil, inModel(err)
	}
	p, err := m.Prepare(valuation.PrepareOptions{})
	if err != nil {
		return nil, err
	}
	return &prepared{hash: hash, heap: heapPerByte * int64(len(raw)), prep: p}, nil
}

// inModel puts a model file's JSON path under the request's "model".
func inModel(err error) error {
	var fe *fault.Error
	if errors.As(err, &fe) && strings.HasPrefix(fe.Path, "$") {
		c := *fe
		c.Path = "$.model" + fe.Path[1:]
		return &c
	}
	return err
}

// hashOf is the cache's key of a model file: the SHA-256 of its bytes.
func hashOf(raw []byte) string {
	sum := sha256.Sum256(raw)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// request reads a what-if request and finds its prepared model and point.
func (s *server) request(ctx context.Context, body []byte) (evalRequest, *prepared, []valuation.Override, error) {
	var rq evalRequest
	if err := jsonv2.Unmarshal(body, &rq, jsonv2.RejectUnknownMembers(true)); err != nil {
		return rq, nil, nil, &fault.Error{Pkg: "service", Err: fmt.Errorf("%w: %w", fault.ErrSyntax, err)}
	}
	switch {
	case (len(rq.Model) == 0) == (rq.ModelHash == ""):
		return rq, nil, nil, &fault.Error{Pkg: "service", Path: "$.model", Err: fmt.Errorf("%w: give model or model_hash, one of the two", fault.ErrInvalid)}
	case len(rq.Set) > maxSet:
		return rq, nil, nil, &fault.Error{Pkg: "service", Path: "$.set", Err: fmt.Errorf("%w: %d assumptions set, at most %d", fault.ErrTooLarge, len(rq.Set), maxSet)}
	case len(rq.Outputs) > maxOutputs:
		return rq, nil, nil, &fault.Error{Pkg: "service", Path: "$.outputs", Err: fmt.Errorf("%w: %d outputs, at most %d", fault.ErrTooLarge, len(rq.Outputs), maxOutputs)}
	}
	hash, raw := rq.ModelHash, []byte(nil)
	if len(rq.Model) > 0 {
		raw = rq.Model
		hash = hashOf(raw)
	}
	p, err := s.models.get(ctx, hash, raw)
	if err != nil {
		return rq, nil, nil, err
	}
	point := make([]valuation.Override, 0, len(rq.Set))
	for _, text := range slices.Sorted(maps.Keys(rq.Set)) {
		k, err := key.Parse(text)
		if err != nil {
			return rq, nil, nil, &fault.Error{Pkg: "service", Path: text, Err: err}
		}
		v, err := modelfile.ParseDecimal(rq.Set[text])
		if err != nil {
			return rq, nil, nil, &fault.Error{Pkg: "service", Path: text, Key: k, Err: err}
		}
		if _, err := p.prep.Assumption(k); err != nil {
			return rq, nil, nil, &fault.Error{Pkg: "service", Path: text, Key: k, Err: err}
		}
		point = append(point, valuation.Override{Key: k, Value: v})
	}
	return rq, p, point, nil
}

// eval values the model at the request's point.
func (s *server) eval(ctx context.Context, body []byte) (marshaler, error) {
	rq, p, point, err := s.request(ctx, body)
	if err != nil {
		return nil, err
	}
	r, err := p.prep.Value(point...)
	if err != nil {
		return nil, err
	}
	a := evalAnswer{ModelHash: p.hash, Result: r}
	if len(rq.Outputs) > 0 {
		a.Outputs = make(map[string]string, len(rq.Outputs))
		for _, o := range rq.Outputs {
			v, err := r.Figure(o)
			if err != nil {
				return nil, &fault.Error{Pkg: "service", Path: "$.outputs", Err: err}
			}
			a.Outputs[o] = fault.Plain(v)
		}
	}
	if rq.Describe {
		if a.Assumptions, err = p.assumptions(ctx); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// rankBudget bounds the work of ranking a model's assumptions by their effect, two
// valuations each: the assumptions times the model file's bytes (a valuation's cost grows
// with the file), counted before any is made. The report's model, 60 assumptions of 10 KB,
// is 0.6 M of it; a model past the budget lists its assumptions in its own order, each
// effect zero, unranked.
const rankBudget = 32 << 20

// assumptions describes the model's assumptions, once it has been done in full: titles,
// units, groups, and their rank by how far each moves the target at ±10% of its base
// (±10 points for a premium or margin). The work stops when ctx is done, and is kept only
// when it is whole.
func (p *prepared) assumptions(ctx context.Context) ([]assumptionJSON, error) {
	if done := p.ranked.Load(); done != nil {
		return *done, nil
	}
	r := p.prep.Result()
	all := p.prep.Assumptions()
	out := make([]assumptionJSON, len(all))
	for i, a := range all {
		title, unit := r.Label(a.Key)
		out[i] = assumptionJSON{Key: a.Key.String(), Title: title, Unit: unit, Kind: a.Kind.String(), Base: fault.Plain(a.Base), Group: group(r, a.Key)}
	}
	if p.rankable(len(all)) {
		for i, a := range all {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			out[i].Effect = effect(p.prep, r.Target, a)
		}
		slices.SortStableFunc(out, func(a, b assumptionJSON) int { return cmp.Compare(b.Effect, a.Effect) })
	}
	for i := range out {
		out[i].Rank = i + 1
	}
	p.ranked.Store(&out)
	return out, nil
}

// rankable reports whether n assumptions of the model are within rankBudget.
func (p *prepared) rankable(n int) bool { return int64(n)*(p.heap/heapPerByte) <= rankBudget }

// effect is how far a moves the target at ±10% of its base (±10 points for a premium or
// margin), as a share of the target (of 1 when the target is zero), worked out in
// decimal: the largest move of the two, 0 when neither end values.
func effect(prep *valuation.Prepared, target decimal.Decimal, a valuation.Assumption) float64 {
	one := decimal.NewFromInt(1)
	moved := decimal.Decimal{}
	for _, f := range []decimal.Decimal{decimal.New(9, -1), decimal.New(11, -1)} {
		v := a.Base.Mul(f)
		if a.Kind == valuation.KindPremium || a.Kind == valuation.KindMargin {
			v = a.Base.Add(f.Sub(one))
		}
		if at, err := prep.Value(valuation.Override{Key: a.Key, Value: v}); err == nil {
			moved = decimal.Max(moved, at.Target.Sub(target).Abs())
		}
	}
	if !target.IsZero() {
		moved = moved.DivRound(target.Abs(), segmentsDivPlaces)
	}
	e := moved.InexactFloat64()
	if math.IsInf(e, 0) || math.IsNaN(e) {
		return math.MaxFloat64
	}
	return e
}

// group is the heading an assumption is shown under: its year and segment, or what it
// belongs to.
func group(r valuation.Result, k key.Key) string {
	switch k.Space {
	case key.SpaceForecast:
		title := r.Forecast.Label(k.Year)
		if k.Segment == "" {
			return title + " users"
		}
		if y, err := r.Forecast.Year(k.Year); err == nil {
			if sy, err := y.Segment(k.Segment); err == nil {
				return title + " " + sy.Title
			}
		}
		return title + " " + k.Segment
	case key.SpacePart, key.SpaceComp:
		return "Comparables"
	case key.SpaceFX:
		return "FX"
	case key.SpaceBridge, key.SpaceDilution, key.SpaceHorizon:
		return "Bridge to the target"
	case key.SpacePnL:
		return "P&L"
	}
	return "Shares and price"
}

// chartAround draws a chart of the model at the request's point: the tornado of the
// target over the base's ten widest assumptions, each ±10% of its value at the point;
// the heatmap of the target over two assumptions (x and y, or the two widest), each
// ±20% around the point in seven steps; or the waterfall of the parts.
func (s *server) chartAround(ctx context.Context, body []byte) (marshaler, error) {
	rq, p, point, err := s.request(ctx, body)
	if err != nil {
		return nil, err
	}
	at, err := p.prep.Value(point...)
	if err != nil {
		return nil, err
	}
	o := chart.Frame{Width: 640, Height: 400, Label: func(text string) string {
		k, err := key.Parse(text)
		if err != nil {
			return text
		}
		return at.Caption(k)
	}}
	var ch chart.Chart
	switch rq.Chart {
	case "waterfall":
		ch, err = chart.Waterfall(at, o)
	case "tornado":
		var t sensitivity.Tornado
		if t, err = tornadoAround(ctx, p, point, at); err == nil {
			ch, err = chart.Tornado(t, o)
		}
	case "heatmap":
		var g sensitivity.Grid
		if g, err = heatmapAround(ctx, p, point, at, rq.X, rq.Y); err == nil {
			level := math.NaN()
			if at.Price.IsPositive() {
				level = at.Price.InexactFloat64()
			}
			ch, err = chart.Heatmap(g, "target", level, o)
		}
	default:
		return nil, &fault.Error{Pkg: "service", Path: "$.chart", Value: strconv.Quote(rq.Chart), Err: fmt.Errorf("%w: want tornado, heatmap or waterfall", fault.ErrInvalid)}
	}
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := ch.SVG(&b); err != nil {
		return nil, err
	}
	return bytesAnswer{body: b.Bytes(), contentType: "image/svg+xml"}, nil
}

// valueAt is the point with k set to v, its other overrides kept.
func valueAt(point []valuation.Override, k key.Key, v decimal.Decimal) []valuation.Override {
	out := slices.DeleteFunc(slices.Clone(point), func(o valuation.Override) bool { return o.Key == k })
	return append(out, valuation.Override{Key: k, Value: v})
}

// current is an assumption's value at the point.
func current(p *prepared, point []valuation.Override, k key.Key) (decimal.Decimal, error) {
	for _, o := range point {
		if o.Key == k {
			return o.Value, nil
		}
	}
	a, err := p.prep.Assumption(k)
	return a.Base, err
}

// cell values the target at a point, as a grid's or tornado's cell.
func cell(p *prepared, point []valuation.Override) sensitivity.Cell {
	r, err := p.prep.Value(point...)
	if err != nil {
		return sensitivity.Cell{Err: &sensitivity.PointError{Point: point, Err: err}}
	}
	return sensitivity.Cell{Values: []decimal.Decimal{r.Target}}
}

func tornadoAround(ctx context.Context, p *prepared, point []valuation.Override, at valuation.Result) (sensitivity.Tornado, error) {
	t := sensitivity.Tornado{Output: "target", Base: at.Target}
	ten := decimal.New(1, -1)
	ranked, err := p.assumptions(ctx)
	if err != nil {
		return t, err
	}
	unranked := !p.rankable(len(ranked))
	for _, a := range ranked {
		if len(t.Bars) == tornadoBars || a.Effect == 0 && !unranked {
			break
		}
		if err := ctx.Err(); err != nil {
			return t, err
		}
		k, err := key.Parse(a.Key) // the model's own: it parses
		if err != nil {
			return t, err
		}
		v, err := current(p, point, k)
		if err != nil {
			return t, err
		}
		lo, hi := v.Sub(v.Abs().Mul(ten)), v.Add(v.Abs().Mul(ten))
		if a.Kind == valuation.KindPremium.String() || a.Kind == valuation.KindMargin.String() || v.IsZero() {
			lo, hi = v.Sub(ten), v.Add(ten) // ±10 points, as the ranking swings them
		}
		b := sensitivity.Bar{Swing: sensitivity.Swing{Name: a.Key, Low: lo, High: hi}, Input: v,
			Low: cell(p, valueAt(point, k, lo)), High: cell(p, valueAt(point, k, hi))}
		if b.Low.Err == nil && b.High.Err == nil {
			b.Range = b.High.Values[0].Sub(b.Low.Values[0]).Abs()
		}
		t.Bars = append(t.Bars, b)
	}
	slices.SortStableFunc(t.Bars, func(a, b sensitivity.Bar) int {
		if va, vb := a.Low.Err == nil && a.High.Err == nil, b.Low.Err == nil && b.High.Err == nil; va != vb {
			if va {
				return -1
			}
			return 1
		}
		return b.Range.Cmp(a.Range)
	})
	return t, nil
}

func heatmapAround(ctx context.Context, p *prepared, point []valuation.Override, at valuation.Result, x, y string) (sensitivity.Grid, error) {
	if x == "" || y == "" { // the two assumptions that move the target most
		ranked, err := p.assumptions(ctx)
		if err != nil {
			return sensitivity.Grid{}, err
		}
		if x == "" && len(ranked) > 1 {
			x = ranked[1].Key
		}
		if y == "" && len(ranked) > 0 {
			y = ranked[0].Key
		}
	}
	if x == y {
		return sensitivity.Grid{}, &fault.Error{Pkg: "service", Path: "$.y", Value: strconv.Quote(y), Err: fmt.Errorf("%w: the heatmap's two axes are one assumption", fault.ErrInvalid)}
	}
	g := sensitivity.Grid{Outputs: []string{"target"}, Base: []decimal.Decimal{at.Target}}
	keys := make([]key.Key, 2)
	for i, name := range []string{y, x} {
		path := []string{"$.y", "$.x"}[i]
		k, err := key.Parse(name)
		if err != nil {
			return g, &fault.Error{Pkg: "service", Path: path, Value: strconv.Quote(name), Err: err}
		}
		v, err := current(p, point, k)
		if err != nil {
			return g, &fault.Error{Pkg: "service", Path: path, Key: k, Err: err}
		}
		if v.IsZero() {
			return g, &fault.Error{Pkg: "service", Path: path, Key: k, Value: "0: no range around a zero value", Err: fault.ErrInvalid}
		}
		keys[i] = k
		axis := sensitivity.Axis{Name: k.String()}
		half := heatmapSteps / 2
		for j := range heatmapSteps {
			// -20% of |v| to +20% in even steps: v + |v| × 0.2 × (j - half) / half.
			step := decimal.New(int64(j-half)*2, -1).DivRound(decimal.NewFromInt(int64(half)), segmentsDivPlaces)
			axis.Values = append(axis.Values, v.Add(v.Abs().Mul(step)))
		}
		g.Axes = append(g.Axes, axis)
		g.Bases = append(g.Bases, v)
	}
	for _, vy := range g.Axes[0].Values {
		for _, vx := range g.Axes[1].Values {
			if err := ctx.Err(); err != nil {
				return g, err
			}
			g.Cells = append(g.Cells, cell(p, valueAt(valueAt(point, keys[0], vy), keys[1], vx)))
		}
	}
	return g, nil
}

// download writes the model file with the request's assumptions set.
func (s *server) download(ctx context.Context, body []byte) (marshaler, error) {
	return s.moved(ctx, body, "application/json", func(b *bytes.Buffer, m valuation.Model) error { return modelfile.Write(b, m) })
}

// book writes the model's workbook with the request's assumptions set.
func (s *server) book(ctx context.Context, body []byte) (marshaler, error) {
	return s.moved(ctx, body, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		func(b *bytes.Buffer, m valuation.Model) error { return workbook.Write(b, m, workbook.Extras{}) })
}

// moved writes the request's model with its assumptions set (valuation.Prepared.With),
// as write writes it.
func (s *server) moved(ctx context.Context, body []byte, contentType string, write func(*bytes.Buffer, valuation.Model) error) (marshaler, error) {
	_, p, point, err := s.request(ctx, body)
	if err != nil {
		return nil, err
	}
	m, err := p.prep.With(point...)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := write(&b, m); err != nil {
		return nil, err
	}
	return bytesAnswer{body: b.Bytes(), contentType: contentType}, nil
}

// segmentsDivPlaces is the places sotp divides to (segments.DivPlaces).
const segmentsDivPlaces = 16
