package plot

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/mlptrain/mlptrain/internal/atomicfile"
)

const (
	// heatWidth and heatHeight are the size of SweepHeat's picture.
	heatWidth, heatHeight = 7 * vg.Inch, 5 * vg.Inch
	// heatBarWidth is the width of its colour bar, axis and label included.
	heatBarWidth = 1.25 * vg.Inch
	// heatLabelCells is the most cells that SweepHeat writes values in.
	heatLabelCells = 64
	// heatBarSteps is the number of colour steps of the bar.
	heatBarSteps = 128
)

// missingColor fills a grid cell with no value.
var missingColor = color.Gray{Y: 0xe4}

// HeatOptions are SweepHeat's inputs beside the points.
type HeatOptions struct {
	Title, XName, YName string
	// Metric names the values, as "validation loss".
	Metric string
	// LogX and LogY put an axis of random points on a log scale; every
	// value on it must be positive.
	LogX, LogY bool
	// LowerBetter says that the lowest value is the best (a loss): the
	// colour scale runs from dark (worst) to light (best) either way.
	LowerBetter bool
	// Best is the index of the best point, ringed, or −1.
	Best int
}

// SweepHeat writes to path a PNG heat map of a sweep over two numeric
// keys: vs[i] is the value of the point (xs[i], ys[i]), NaN for one that
// has none (diverged, not finished). When the points are a full grid,
// each distinct x once with each distinct y, every point is a cell, all
// of one size in the order of the values, which label the ticks (so LogX
// and LogY do not apply), with its value written in it if there are at
// most 64 cells; a cell with no value is grey with a red ×. Otherwise
// each point is a coloured disc (a red × without a value) on axes of the
// values, log or linear as asked. A colour bar beside the axes maps values to
// colours, on a log scale when the values are positive and span more than
// a factor of 50, light for the best end. The best point is ringed in
// green: its cell framed, or its disc ringed.
//
// SweepHeat returns an error if the slices differ in length or are
// empty, an x or y is not finite, or not positive on a log axis, Best is
// out of range, or the file cannot be written; an existing file is then
// left as it was.
func SweepHeat(path string, xs, ys, vs []float64, o HeatOptions) error {
	main, bar, err := heatPlots(xs, ys, vs, o)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		c := vgimg.PngCanvas{Canvas: vgimg.New(heatWidth, heatHeight)}
		dc := draw.New(c)
		main.Draw(draw.Crop(dc, 0, -heatBarWidth, 0, 0))
		// The bar beside the axes: below the title, above the X axis.
		bar.Draw(draw.Crop(dc, heatWidth-heatBarWidth, 0, vg.Points(38), -vg.Points(24)))
		_, err := c.WriteTo(w)
		return err
	})
}

// heatPlots builds SweepHeat's plot and its colour bar.
func heatPlots(xs, ys, vs []float64, o HeatOptions) (main, bar *plot.Plot, err error) {
	n := len(xs)
	switch {
	case len(ys) != n || len(vs) != n:
		return nil, nil, fmt.Errorf("plot sweep heat map: %d x, %d y and %d values", len(xs), len(ys), len(vs))
	case n == 0:
		return nil, nil, errors.New("plot sweep heat map: no points")
	case o.Best < -1 || o.Best >= n:
		return nil, nil, fmt.Errorf("plot sweep heat map: best point %d of %d", o.Best, n)
	}
	for i := range xs {
		for _, a := range []struct {
			v   float64
			log bool
		}{{xs[i], o.LogX}, {ys[i], o.LogY}} {
			if !finite(a.v) || (a.log && a.v <= 0) {
				return nil, nil, fmt.Errorf("plot sweep heat map: point %d at (%v, %v) cannot be placed", i, xs[i], ys[i])
			}
		}
	}

	// The colour scale: the finite values' range, log when they are
	// positive and span more than logSpan.
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range vs {
		if finite(v) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	logV := lo > 0 && hi/lo > logSpan
	cmap := moreland.ExtendedBlackBody()
	cmap.SetMin(0)
	cmap.SetMax(1)
	colorOf := func(v float64) color.Color {
		t := 0.5
		switch {
		case hi > lo && logV:
			t = math.Log(v/lo) / math.Log(hi/lo)
		case hi > lo:
			t = (v - lo) / (hi - lo)
		}
		if o.LowerBetter {
			t = 1 - t
		}
		// The light end of the black-body scale is nearly white: stop short.
		c, err := cmap.At(0.1 + 0.8*math.Min(math.Max(t, 0), 1))
		if err != nil {
			return missingColor // not reached: t is in [0, 1]
		}
		return c
	}

	ux, uy := distinct(xs), distinct(ys)
	grid := len(ux)*len(uy) == n && uniquePairs(xs, ys)
	logX, logY := o.LogX && !grid, o.LogY && !grid
	xlabel, ylabel := o.XName, o.YName
	if logX {
		xlabel += " (log scale)"
	}
	if logY {
		ylabel += " (log scale)"
	}
	title := o.Title
	if slices.ContainsFunc(vs, func(v float64) bool { return !finite(v) }) {
		title += " (× no value: diverged or not finished)"
	}
	main = newPlot(title, xlabel, ylabel)
	if logX {
		logAxis(&main.X)
	}
	if logY {
		logAxis(&main.Y)
	}
	h := &heat{xs: xs, ys: ys, vs: vs, color: colorOf, best: o.Best, grid: grid}
	text := main.Title.TextStyle
	text.Font = sans(tickSize, false)
	text.XAlign, text.YAlign = draw.XCenter, draw.YCenter
	h.text = text
	if grid {
		// Cells of one size, in the order of the values, which label
		// the ticks: the grid's values need not be evenly spaced.
		h.xs, h.ys = ranks(xs, ux), ranks(ys, uy)
		h.xe, h.ye = cellEdges(len(ux)), cellEdges(len(uy))
		h.labels = n <= heatLabelCells
		main.X.Min, main.X.Max = h.xe[0], h.xe[len(h.xe)-1]
		main.Y.Min, main.Y.Max = h.ye[0], h.ye[len(h.ye)-1]
		main.X.Tick.Marker, main.Y.Tick.Marker = rankTicks(ux), rankTicks(uy)
	} else {
		addGrid(main)
		main.X.Min, main.X.Max = ux[0], ux[len(ux)-1]
		main.Y.Min, main.Y.Max = uy[0], uy[len(uy)-1]
		for _, a := range []*plot.Axis{&main.X, &main.Y} {
			if a.Min == a.Max {
				a.Min, a.Max = a.Min/2, a.Min*2
				if _, log := a.Scale.(plot.LogScale); !log && a.Min == 0 {
					a.Min, a.Max = -1, 1
				}
			}
			padRange(a, 0.06)
		}
	}
	main.Add(h)

	// The colour bar: heatBarSteps bands from lo to hi.
	bar = newPlot("", "", o.Metric)
	bar.HideX()
	bar.Y.Label.Padding = vg.Points(2)
	if !finite(lo) {
		lo, hi = 0, 1
		bar.Y.Tick.Marker = plot.ConstantTicks{}
	} else if lo == hi {
		d := math.Max(math.Abs(lo)*0.05, 1e-9)
		lo, hi = lo-d, hi+d
		logV = false
	}
	if logV {
		logAxis(&bar.Y)
	}
	bar.Y.Min, bar.Y.Max = lo, hi
	b := &bands{color: colorOf}
	for i := range heatBarSteps {
		f0, f1 := float64(i)/heatBarSteps, float64(i+1)/heatBarSteps
		v0, v1 := lo+f0*(hi-lo), lo+f1*(hi-lo)
		if logV {
			v0, v1 = lo*math.Pow(hi/lo, f0), lo*math.Pow(hi/lo, f1)
		}
		b.lo, b.hi = append(b.lo, v0), append(b.hi, v1)
	}
	bar.Add(b)
	bar.X.Min, bar.X.Max = 0, 1
	// The bar is a narrow plot: its own margin on the right.
	bar.Y.Padding = 0
	return main, bar, nil
}

// distinct returns the distinct values of v in increasing order.
func distinct(v []float64) []float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return slices.Compact(s)
}

// uniquePairs reports whether no (x, y) pair is given twice.
func uniquePairs(xs, ys []float64) bool {
	seen := map[[2]float64]bool{}
	for i := range xs {
		k := [2]float64{xs[i], ys[i]}
		if seen[k] {
			return false
		}
		seen[k] = true
	}
	return true
}

// ranks returns the index in u, the distinct sorted values, of each of v.
func ranks(v, u []float64) []float64 {
	r := make([]float64, len(v))
	for i, x := range v {
		j, _ := slices.BinarySearch(u, x)
		r[i] = float64(j)
	}
	return r
}

// cellEdges returns the edges of k cells of width 1 centred on 0..k−1.
func cellEdges(k int) []float64 {
	e := make([]float64, k+1)
	for i := range e {
		e[i] = float64(i) - 0.5
	}
	return e
}

// rankTicks labels the cells 0..len(u)−1 with the values u, every one of
// them up to 12, else about 12 of them.
func rankTicks(u []float64) plot.ConstantTicks {
	step := max(1, (len(u)+sweepValueTicks-1)/sweepValueTicks)
	var ticks plot.ConstantTicks
	for i, v := range u {
		label := ""
		if i%step == 0 {
			label = strconv.FormatFloat(v, 'g', 4, 64)
		}
		ticks = append(ticks, plot.Tick{Value: float64(i), Label: label})
	}
	return ticks
}

// heat draws the points of SweepHeat: cells of a grid, or discs.
type heat struct {
	xs, ys, vs []float64
	color      func(float64) color.Color
	best       int
	grid       bool
	xe, ye     []float64 // grid: the cell edges
	labels     bool      // grid: write the values in the cells
	text       draw.TextStyle
}

// Plot implements plot.Plotter.
func (h *heat) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	cross := draw.GlyphStyle{Color: divergedColor, Radius: vg.Points(5), Shape: thickCross{width: vg.Points(2.5)}}
	for i := range h.xs {
		pt := vg.Point{X: trX(h.xs[i]), Y: trY(h.ys[i])}
		v := h.vs[i]
		if h.grid {
			xi := cellIndex(h.xe, h.xs[i])
			yi := cellIndex(h.ye, h.ys[i])
			x0, x1 := trX(h.xe[xi]), trX(h.xe[xi+1])
			y0, y1 := trY(h.ye[yi]), trY(h.ye[yi+1])
			fill := color.Color(missingColor)
			if finite(v) {
				fill = h.color(v)
			}
			c.FillPolygon(fill, c.ClipPolygonXY([]vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}}))
			if !finite(v) {
				c.DrawGlyph(cross, pt)
				continue
			}
			if h.labels {
				t := h.text
				t.Color = color.Black
				if luminance(fill) < 0.45 {
					t.Color = color.White
				}
				c.FillText(t, pt, strconv.FormatFloat(v, 'g', 3, 64))
			}
			continue
		}
		if !finite(v) {
			c.DrawGlyph(cross, pt)
			continue
		}
		c.DrawGlyph(draw.GlyphStyle{Color: h.color(v), Radius: vg.Points(6), Shape: draw.CircleGlyph{}}, pt)
		c.DrawGlyph(draw.GlyphStyle{Color: color.Gray{Y: 0x40}, Radius: vg.Points(6), Shape: draw.RingGlyph{}}, pt)
	}
	if h.best < 0 {
		return
	}
	pt := vg.Point{X: trX(h.xs[h.best]), Y: trY(h.ys[h.best])}
	if !h.grid {
		c.DrawGlyph(draw.GlyphStyle{Color: bestColor, Radius: vg.Points(10), Shape: ringGlyph{width: vg.Points(3)}}, pt)
		return
	}
	// The best cell framed, inside its edges.
	const w = 3
	xi, yi := cellIndex(h.xe, h.xs[h.best]), cellIndex(h.ye, h.ys[h.best])
	x0, x1 := trX(h.xe[xi])+w, trX(h.xe[xi+1])-w
	y0, y1 := trY(h.ye[yi])+w, trY(h.ye[yi+1])-w
	c.StrokeLines(draw.LineStyle{Color: bestColor, Width: vg.Points(w)},
		c.ClipLinesXY([]vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}, {X: x0, Y: y0 - w/2}})...)
}

// cellIndex returns the cell of edges e that holds v.
func cellIndex(e []float64, v float64) int {
	i, _ := slices.BinarySearch(e, v)
	return min(max(i-1, 0), len(e)-2)
}

// luminance returns the relative luminance of c in [0, 1], roughly.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	return (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)) / 0xffff
}

// bands draws the colour bar: band i from lo[i] to hi[i] on Y, across X.
type bands struct {
	lo, hi []float64
	color  func(float64) color.Color
}

// Plot implements plot.Plotter.
func (b *bands) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	x0, x1 := trX(0), trX(1)
	for i := range b.lo {
		y0, y1 := trY(b.lo[i]), trY(b.hi[i])
		// Overlap a hair so that no seam shows between bands.
		c.FillPolygon(b.color((b.lo[i]+b.hi[i])/2), c.ClipPolygonXY([]vg.Point{{X: x0, Y: y0 - 0.3}, {X: x1, Y: y0 - 0.3}, {X: x1, Y: y1 + 0.3}, {X: x0, Y: y1 + 0.3}}))
	}
}
