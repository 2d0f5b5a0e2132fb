package chart_test

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"sort"
	"strings"
	"testing"

	xfont "golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/sotpkit/sotp/valuation/chart"
)

// affine is a 2-D transform: x' = a x + c y + e, y' = b x + d y + f.
type affine struct{ a, b, c, d, e, f float64 }

func (m affine) apply(x, y float64) (float64, float64) {
	return m.a*x + m.c*y + m.e, m.b*x + m.d*y + m.f
}

// then is m followed, in local coordinates, by n: points are mapped by n first.
func (m affine) then(n affine) affine {
	return affine{
		a: m.a*n.a + m.c*n.b, b: m.b*n.a + m.d*n.b,
		c: m.a*n.c + m.c*n.d, d: m.b*n.c + m.d*n.d,
		e: m.a*n.e + m.c*n.f + m.e, f: m.b*n.e + m.d*n.f + m.f,
	}
}

// box is a text drawn and the rectangle of its ink on the canvas: four corners, in
// order, turned as the text is.
type box struct {
	text    string
	corners [4][2]float64
}

// overlap is how far two boxes overlap along the axis that separates them best (the
// separating-axis test for convex polygons): at most zero when they do not touch.
func overlap(p, q box) float64 {
	least := math.Inf(1)
	for _, b := range []box{p, q} {
		for i := range 2 { // two edge directions of a rectangle
			ex, ey := b.corners[i+1][0]-b.corners[i][0], b.corners[i+1][1]-b.corners[i][1]
			n := math.Hypot(ex, ey)
			if n == 0 {
				continue
			}
			ax, ay := -ey/n, ex/n
			plo, phi := project(p, ax, ay)
			qlo, qhi := project(q, ax, ay)
			least = min(least, min(phi, qhi)-max(plo, qlo))
		}
	}
	return least
}

// project is the extent of b along the unit axis (ax, ay).
func project(b box, ax, ay float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, c := range b.corners {
		v := c[0]*ax + c[1]*ay
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi
}

// recorder is a vg.Canvas that draws nothing and records where each text would be
// drawn, with the font drawn, through the transforms in force.
type recorder struct {
	w, h  vg.Length
	m     affine
	stack []affine
	boxes []box
}

func newRecorder(w, h float64) *recorder {
	return &recorder{w: vg.Length(w), h: vg.Length(h), m: affine{a: 1, d: 1}}
}

func (r *recorder) Size() (vg.Length, vg.Length)     { return r.w, r.h }
func (*recorder) SetLineWidth(vg.Length)             {}
func (*recorder) SetLineDash([]vg.Length, vg.Length) {}
func (*recorder) SetColor(color.Color)               {}
func (r *recorder) Rotate(rad float64) {
	s, c := math.Sincos(rad)
	r.m = r.m.then(affine{a: c, b: s, c: -s, d: c})
}
func (r *recorder) Translate(pt vg.Point) {
	r.m = r.m.then(affine{a: 1, d: 1, e: float64(pt.X), f: float64(pt.Y)})
}
func (r *recorder) Scale(x, y float64)                { r.m = r.m.then(affine{a: x, d: y}) }
func (r *recorder) Push()                             { r.stack = append(r.stack, r.m) }
func (r *recorder) Pop()                              { r.m, r.stack = r.stack[len(r.stack)-1], r.stack[:len(r.stack)-1] }
func (*recorder) Stroke(vg.Path)                      {}
func (*recorder) Fill(vg.Path)                        {}
func (*recorder) DrawImage(vg.Rectangle, image.Image) {}
func (r *recorder) FillString(f font.Face, pt vg.Point, text string) {
	if f.Font.Size == 0 || strings.TrimSpace(text) == "" {
		return
	}
	// The ink of the glyphs, as the font draws them at 72 dpi (a point a pixel), from the
	// baseline's start; x/image's y runs down.
	ink, _ := xfont.BoundString(f.FontFace(72), text)
	x0, x1 := float64(pt.X)+fix(ink.Min.X), float64(pt.X)+fix(ink.Max.X)
	y0, y1 := float64(pt.Y)-fix(ink.Max.Y), float64(pt.Y)-fix(ink.Min.Y)
	b := box{text: text}
	for i, p := range [4][2]float64{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}} {
		b.corners[i][0], b.corners[i][1] = r.m.apply(p[0], p[1])
	}
	r.boxes = append(r.boxes, b)
}

// fix converts a 26.6 fixed-point length to points.
func fix(v fixed.Int26_6) float64 { return float64(v) / 64 }

// layoutFaults lists the texts of ch that leave the canvas or overlap another text by
// more than slack points each way.
func layoutFaults(ch chart.Chart, slack float64) []string {
	w, h := chart.Size(ch)
	r := newRecorder(w, h)
	chart.Draw(ch, draw.New(r))
	var faults []string
	for i, b := range r.boxes {
		for _, c := range b.corners {
			if c[0] < -slack || c[1] < -slack || c[0] > w+slack || c[1] > h+slack {
				faults = append(faults, fmt.Sprintf("%q reaches (%.1f, %.1f), off the %g × %g canvas", b.text, c[0], c[1], w, h))
				break
			}
		}
		for _, o := range r.boxes[i+1:] {
			if d := overlap(b, o); d > slack {
				faults = append(faults, fmt.Sprintf("%q overlaps %q by %.1f points", b.text, o.text, d))
			}
		}
	}
	sort.Strings(faults)
	return faults
}

// TestLayout: no text of any chart kind leaves the canvas or overlaps another by more
// than half a point, its ink measured with the font the chart is drawn in, turned as it
// is drawn; as drawn for the golden files, and with a long title, subtitle and source
// line and long labels for every figure.
func TestLayout(t *testing.T) {
	for name, ch := range charts(t) {
		for _, f := range layoutFaults(ch, 0.5) {
			t.Errorf("%s: %s", name, f)
		}
	}
	long := chart.Frame{
		Title:    "Kuaishou (1024.HK): sum-of-the-parts valuation at the report's assumptions, with the sensitivity an analyst asks for",
		Subtitle: "Peers' multiples as of 2021-03-03; live e-commerce at a 20% discount to Pinduoduo, Alibaba and JD; HK$ per share",
		Source:   "Source: Western Securities initiation of 2021-03-03, company filings, Bloomberg consensus; sotp calculations",
		Label:    func(k string) string { return "A rather long caption for " + k + " (HK$ m)" },
	}
	for name, ch := range chartsWith(t, long) {
		for _, f := range layoutFaults(ch, 0.5) {
			t.Errorf("%s, long words: %s", name, f)
		}
	}
}
