package plot

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

const (
	// sweepLogX is the ratio max/min of the swept values, all positive,
	// at and above which Sweep uses a log X axis: two decades.
	sweepLogX = 100
	// sweepValueTicks is the most swept values that Sweep marks as
	// ticks themselves.
	sweepValueTicks = 12
	// sweepTickGap is the smallest gap, as a fraction of the axis, between
	// swept values that Sweep marks as ticks themselves.
	sweepTickGap = 0.07
)

var (
	bestColor     = color.RGBA{0x2c, 0xa0, 0x2c, 0xff} // green
	divergedColor = color.RGBA{0xd6, 0x27, 0x28, 0xff} // red
)

// Sweep writes to path a PNG of the validation and training loss (or
// another metric, named metric; "" means "loss") of a sweep's points
// against the swept key's value xs[i]: each series as
// points joined in order of x, broken where a loss is missing (NaN, as for
// a diverged point). Points missing both losses are marked with a red × on
// the bottom of the axes, with the legend entry missing (if empty,
// "diverged (no loss)"). The point best
// (an index into xs, or −1 for none) gets a green ring on its validation
// loss and a dotted vertical line. The X axis is logarithmic when every x
// is positive and they span at least two decades; the Y axis of a loss
// when the positive losses span more than a factor of 50 (losses ≤ 0 are
// then left out). Up to 12 well-separated values are ticks themselves.
//
// Sweep returns an error if xs, train and val differ in length, an x
// is not finite, best is out of range, or the file cannot be written; an
// existing file is then left as it was. It does not panic.
func Sweep(path, title, xName, metric string, xs, train, val []float64, best int, missing string) error {
	p, _, err := sweepPlot(title, xName, metric, xs, train, val, best, missing)
	if err != nil {
		return err
	}
	return savePlot(p, path, lossWidth, lossHeight, "png")
}

// sweepPlot builds the plot that Sweep writes, and returns its legend
// entries too.
func sweepPlot(title, xName, metric string, xs, train, val []float64, best int, missingName string) (p *plot.Plot, legend []string, err error) {
	if metric == "" {
		metric = "loss"
	}
	if missingName == "" {
		missingName = "diverged (no " + metric + ")"
	}
	switch {
	case len(train) != len(xs) || len(val) != len(xs):
		return nil, nil, fmt.Errorf("plot sweep: %d values but %d training and %d validation losses", len(xs), len(train), len(val))
	case best < -1 || best >= len(xs):
		return nil, nil, fmt.Errorf("plot sweep: best point %d of %d", best, len(xs))
	case len(xs) == 0:
		return nil, nil, errors.New("plot sweep: no points")
	}
	for _, x := range xs {
		if !finite(x) {
			return nil, nil, fmt.Errorf("plot sweep: swept value %v is not finite", x)
		}
	}

	// The points in order of x.
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case xs[a] < xs[b]:
			return -1
		case xs[a] > xs[b]:
			return 1
		}
		return 0
	})
	xlo, xhi := xs[order[0]], xs[order[len(order)-1]]
	logX := xlo > 0 && xhi/xlo >= sweepLogX

	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range [][]float64{train, val} {
		for _, v := range s {
			if finite(v) && v > 0 {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	logY := metric == "loss" && hi/lo > logSpan
	usable := func(v float64) bool { return finite(v) && (!logY || v > 0) }

	xlabel, ylabel := xName, metric
	if logX {
		xlabel += " (log scale)"
	}
	if logY {
		ylabel += " (log scale)"
	}
	p = newPlot(title, xlabel, ylabel)
	addLegend := func(name string, thumbs ...plot.Thumbnailer) {
		p.Legend.Add(name, thumbs...)
		legend = append(legend, name)
	}
	if logX {
		logAxis(&p.X)
	}
	if logY {
		logAxis(&p.Y)
	}
	addGrid(p)

	// Each series: lines between consecutive usable points, and markers.
	var drawn []plotter.XYs
	var missing plotter.XYs
	for _, s := range []struct {
		name   string
		values []float64
		color  color.Color
		dashes []vg.Length
		glyph  draw.GlyphDrawer
	}{
		{"validation", val, valColor, []vg.Length{vg.Points(6), vg.Points(3)}, draw.BoxGlyph{}},
		{"train", train, trainColor, nil, draw.CircleGlyph{}},
	} {
		var all, seg plotter.XYs
		var thumbs []plot.Thumbnailer
		flush := func() error {
			if len(seg) > 1 {
				l, err := plotter.NewLine(seg)
				if err != nil {
					return err
				}
				l.LineStyle = draw.LineStyle{Color: s.color, Width: vg.Points(2), Dashes: s.dashes}
				p.Add(l)
				if thumbs == nil {
					thumbs = []plot.Thumbnailer{l}
				}
			}
			seg = nil
			return nil
		}
		for _, i := range order {
			v := s.values[i]
			if !usable(v) {
				if err := flush(); err != nil {
					return nil, nil, fmt.Errorf("plot sweep: %w", err)
				}
				continue
			}
			pt := plotter.XY{X: xs[i], Y: v}
			seg = append(seg, pt)
			all = append(all, pt)
		}
		if err := flush(); err != nil {
			return nil, nil, fmt.Errorf("plot sweep: %w", err)
		}
		if len(all) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(all)
		if err != nil {
			return nil, nil, fmt.Errorf("plot sweep: %w", err) // not reached: all is finite
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: s.color, Radius: vg.Points(3.5), Shape: s.glyph}
		p.Add(sc)
		addLegend(s.name+" "+metric, append(thumbs, sc)...)
		drawn = append(drawn, all)
	}
	for i := range xs {
		if !usable(val[i]) && !usable(train[i]) {
			missing = append(missing, plotter.XY{X: xs[i]})
		}
	}

	if len(drawn) == 0 {
		p.Y.Min, p.Y.Max = 0, 1
		p.Y.Tick.Marker = plot.ConstantTicks{}
		note, err := plotter.NewLabels(plotter.XYLabels{
			XYs:    []plotter.XY{{X: geoMid(xlo, xhi, logX), Y: 0.6}},
			Labels: []string{"no point has a " + metric + " to plot"},
		})
		if err != nil {
			return nil, nil, fmt.Errorf("plot sweep: %w", err)
		}
		note.TextStyle[0].Font = sans(labelSize, false)
		note.TextStyle[0].XAlign = draw.XCenter
		note.TextStyle[0].YAlign = draw.YCenter
		p.Add(note)
	}
	// X range: every swept value, with a margin so that no marker sits on
	// the frame.
	p.X.Min, p.X.Max = xlo, xhi
	if xlo == xhi {
		if logX || xlo > 0 && xlo-0.5 <= 0 {
			p.X.Min, p.X.Max = xlo/2, xlo*2
		} else {
			p.X.Min, p.X.Max = xlo-0.5, xlo+0.5
		}
	} else {
		padRange(&p.X, 0.08)
	}
	if len(drawn) > 0 {
		padRange(&p.Y, 0.06)
	}
	if n := countDistinct(xs); n <= sweepValueTicks && minGap(xs, p.X, logX) >= sweepTickGap {
		p.X.Tick.Marker = valueTicks(xs)
	}

	if best >= 0 && usable(val[best]) {
		ring := plotter.XYs{{X: xs[best], Y: val[best]}}
		sc, err := plotter.NewScatter(ring)
		if err != nil {
			return nil, nil, fmt.Errorf("plot sweep: %w", err)
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: bestColor, Radius: vg.Points(8), Shape: ringGlyph{width: vg.Points(2.5)}}
		p.Add(sc)
		addLegend("best: "+xName+" = "+strconv.FormatFloat(xs[best], 'g', -1, 64), sc)
	}
	if len(missing) > 0 {
		for i := range missing {
			missing[i].Y = p.Y.Min
		}
		sc, err := plotter.NewScatter(missing)
		if err != nil {
			return nil, nil, fmt.Errorf("plot sweep: %w", err)
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: divergedColor, Radius: vg.Points(5), Shape: thickCross{width: vg.Points(2.5)}}
		p.Add(sc)
		addLegend(missingName, sc)
		drawn = append(drawn, missing)
	}
	if best >= 0 && usable(val[best]) {
		// A dotted drop line from the best point to the X axis.
		drop := plotter.XYs{{X: xs[best], Y: p.Y.Min}, {X: xs[best], Y: val[best]}}
		l, err := plotter.NewLine(drop)
		if err != nil {
			return nil, nil, fmt.Errorf("plot sweep: %w", err)
		}
		l.LineStyle = draw.LineStyle{Color: bestColor, Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(2), vg.Points(3)}}
		p.Add(l)
		drawn = append(drawn, drop)
	}
	placeLegend(p, lossWidth, lossHeight, drawn, true)
	return p, legend, nil
}

// geoMid returns the middle of [lo, hi] on a linear or log axis.
func geoMid(lo, hi float64, log bool) float64 {
	if log {
		return math.Sqrt(lo * hi)
	}
	return (lo + hi) / 2
}

// countDistinct returns the number of distinct values in xs.
func countDistinct(xs []float64) int {
	s := slices.Clone(xs)
	slices.Sort(s)
	return len(slices.Compact(s))
}

// minGap returns the smallest gap between distinct values of xs as a
// fraction of the axis a, measured on its scale; 1 for a single value.
func minGap(xs []float64, a plot.Axis, log bool) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	s = slices.Compact(s)
	f := func(v float64) float64 { return v }
	if log {
		f = math.Log
	}
	gap := 1.0
	for i := 1; i < len(s); i++ {
		gap = math.Min(gap, (f(s[i])-f(s[i-1]))/(f(a.Max)-f(a.Min)))
	}
	return gap
}

// valueTicks returns labelled ticks at the distinct values of xs.
func valueTicks(xs []float64) plot.ConstantTicks {
	s := slices.Clone(xs)
	slices.Sort(s)
	s = slices.Compact(s)
	ticks := make(plot.ConstantTicks, len(s))
	for i, v := range s {
		ticks[i] = plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', -1, 64)}
	}
	return ticks
}

// ringGlyph is an unfilled circle with a thick outline.
type ringGlyph struct{ width vg.Length }

// DrawGlyph implements draw.GlyphDrawer.
func (g ringGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	var path vg.Path
	path.Move(vg.Point{X: pt.X + sty.Radius, Y: pt.Y})
	path.Arc(pt, sty.Radius, 0, 2*math.Pi)
	path.Close()
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: g.width})
	c.Stroke(path)
}

// thickCross is an × with thick strokes.
type thickCross struct{ width vg.Length }

// DrawGlyph implements draw.GlyphDrawer.
func (g thickCross) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: g.width})
	var a, b vg.Path
	a.Move(vg.Point{X: pt.X - r, Y: pt.Y - r})
	a.Line(vg.Point{X: pt.X + r, Y: pt.Y + r})
	b.Move(vg.Point{X: pt.X - r, Y: pt.Y + r})
	b.Line(vg.Point{X: pt.X + r, Y: pt.Y - r})
	c.Stroke(a)
	c.Stroke(b)
}
