package chart

import "gonum.org/v1/plot/vg/draw"

// Draw draws ch on c, for the layout test.
func Draw(ch Chart, c draw.Canvas) { ch.draw(c) }

// Size is ch's size in points.
func Size(ch Chart) (w, h float64) { return float64(ch.w), float64(ch.h) }
