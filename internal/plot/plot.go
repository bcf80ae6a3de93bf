package plot

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/mlptrain/mlptrain/internal/atomicfile"
	stdfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Plot sizes. At the PNG back end's 96 dpi, 6in × 4in is 576 × 384 pixels.
const (
	lossWidth, lossHeight         = 6 * vg.Inch, 4 * vg.Inch
	fitWidth, fitHeight           = 6 * vg.Inch, 4 * vg.Inch
	boundaryWidth, boundaryHeight = 7 * vg.Inch, 5 * vg.Inch

	// boundaryGrid is the number of cells along each axis at which
	// Boundary evaluates predict.
	boundaryGrid = 200
	// fitSamples is the number of points at which Fit samples curve.
	fitSamples = 400
	// fewEpochs is the largest number of points of a loss series drawn
	// with markers as well as a line.
	fewEpochs = 12
	// logSpan is the ratio max/min of the positive loss values above which
	// Loss uses a log scale.
	logSpan = 50
	// tintAlpha is the weight of a class color in its region's tint, the
	// rest being white.
	tintAlpha = 0.28
)

// Font sizes in points.
const (
	titleSize  = 13
	labelSize  = 12
	tickSize   = 10.5
	legendSize = 11
)

// classPalette is Tableau 10 (matplotlib's tab10), a qualitative palette
// whose colors stay distinct as light tints.
var classPalette = []color.RGBA{
	{0x1f, 0x77, 0xb4, 0xff}, // blue
	{0xff, 0x7f, 0x0e, 0xff}, // orange
	{0x2c, 0xa0, 0x2c, 0xff}, // green
	{0xd6, 0x27, 0x28, 0xff}, // red
	{0x94, 0x67, 0xbd, 0xff}, // purple
	{0x8c, 0x56, 0x4b, 0xff}, // brown
	{0xe3, 0x77, 0xc2, 0xff}, // pink
	{0x7f, 0x7f, 0x7f, 0xff}, // grey
	{0xbc, 0xbd, 0x22, 0xff}, // olive
	{0x17, 0xbe, 0xcf, 0xff}, // cyan
}

var (
	trainColor   = classPalette[0]
	valColor     = classPalette[1]
	outlineColor = color.RGBA{0x22, 0x22, 0x22, 0xff}
	gridColor    = color.Gray{0xdd}
)

// Loss writes dir/loss.png and dir/loss.svg: the training loss, and
// the validation loss when val is not nil and starts with a finite value,
// against epoch. epochs[i] is the epoch at which train[i] and val[i] were
// measured; val may be nil. When best is one of epochs, a dotted vertical
// line marks it, with the legend entry "best epoch N (model.json)": the
// epoch whose weights the model holds (early stopping's best, else the
// last); best 0 draws none.
//
// A diverged run does not make Loss fail: each series is drawn only up
// to its first NaN or ±Inf, its legend entry names that epoch ("train
// (diverged at epoch 37)"), and the X axis still spans every epoch. If no
// value at all is finite, the plot says so. When the finite positive
// values span more than a factor of 50 the Y axis is logarithmic, and
// values ≤ 0, which a log scale cannot show, are left out. A series of at
// most 12 points has markers on its points, so that a single epoch shows.
// The legend goes in a corner where it covers no curve, if need be above
// raised headroom.
//
// Loss returns an error if train or a non-nil val differs in length
// from epochs, or if a file cannot be written; an existing file is then
// left as it was. It does not panic.
func Loss(dir, title string, epochs []int, train, val []float64, best int) error {
	p, err := lossPlot(title, epochs, train, val, best)
	if err != nil {
		return err
	}
	for _, format := range []string{"png", "svg"} {
		if err := savePlot(p, filepath.Join(dir, "loss."+format), lossWidth, lossHeight, format); err != nil {
			return err
		}
	}
	return nil
}

// maxLinePoints bounds the points of a drawn curve: far more than the
// plot's width in pixels, far fewer than a long run's epochs.
const maxLinePoints = 1200

// decimate reduces a curve of more than max points to at most max, keeping
// its shape as drawn: the points are cut into max/2 buckets of consecutive
// points, and each bucket keeps its lowest and highest point, in order (and
// the curve keeps its first and last point). Short curves are returned as
// they are.
func decimate(xys plotter.XYs, max int) plotter.XYs {
	if len(xys) <= max {
		return xys
	}
	buckets := max/2 - 1
	out := make(plotter.XYs, 0, max)
	out = append(out, xys[0])
	inner := xys[1 : len(xys)-1]
	for b := range buckets {
		lo, hi := b*len(inner)/buckets, (b+1)*len(inner)/buckets
		if lo == hi {
			continue
		}
		iMin, iMax := lo, lo
		for i := lo; i < hi; i++ {
			if inner[i].Y < inner[iMin].Y {
				iMin = i
			}
			if inner[i].Y > inner[iMax].Y {
				iMax = i
			}
		}
		if iMin > iMax {
			iMin, iMax = iMax, iMin
		}
		out = append(out, inner[iMin])
		if iMax != iMin {
			out = append(out, inner[iMax])
		}
	}
	return append(out, xys[len(xys)-1])
}

// lossSeries is one curve of a loss plot.
type lossSeries struct {
	name   string
	values []float64
	color  color.Color
	dashes []vg.Length
	glyph  draw.GlyphDrawer
	// diverged is set when values has a NaN or ±Inf.
	diverged bool
	// optional is set for a series left out, legend entry and all, when
	// it has nothing to draw.
	optional bool
}

// lossPlot builds the plot that Loss writes.
func lossPlot(title string, epochs []int, train, val []float64, best int) (*plot.Plot, error) {
	if len(train) != len(epochs) {
		return nil, fmt.Errorf("plot loss: %d epochs but %d training losses", len(epochs), len(train))
	}
	if val != nil && len(val) != len(epochs) {
		return nil, fmt.Errorf("plot loss: %d epochs but %d validation losses", len(epochs), len(val))
	}
	series := []lossSeries{
		{name: "train", values: train, color: trainColor, glyph: draw.CircleGlyph{}},
		{name: "validation", values: val, color: valColor, dashes: []vg.Length{vg.Points(6), vg.Points(3)}, glyph: draw.BoxGlyph{}, optional: true},
	}
	if val == nil {
		series = series[:1]
	}

	// Keep each series' finite prefix and decide on the scale.
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range series {
		s := &series[i]
		n := finitePrefix(s.values)
		if n < len(s.values) {
			s.diverged = true
			s.name += " (diverged at epoch " + strconv.Itoa(epochs[n]) + ")"
		}
		s.values = s.values[:n]
		for _, v := range s.values {
			if v > 0 {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	logY := hi/lo > logSpan

	ylabel := "loss"
	if logY {
		ylabel = "loss (log scale)"
	}
	p := newPlot(title, "epoch", ylabel)
	p.X.Tick.Marker = epochTicks{}
	if logY {
		logAxis(&p.Y)
	}
	addGrid(p)

	var drawn []plotter.XYs
	for _, s := range series {
		xys := make(plotter.XYs, 0, len(s.values))
		for i, v := range s.values {
			if logY && v <= 0 {
				continue
			}
			xys = append(xys, plotter.XY{X: float64(epochs[i]), Y: v})
		}
		xys = decimate(xys, maxLinePoints)
		if len(xys) == 0 {
			if s.diverged && !s.optional {
				// Still name a training loss that diverged at once.
				p.Legend.Add(s.name)
			}
			continue
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return nil, fmt.Errorf("plot loss: %w", err) // not reached: xys are finite
		}
		l.LineStyle = draw.LineStyle{Color: s.color, Width: vg.Points(2), Dashes: s.dashes}
		p.Add(l)
		thumbs := []plot.Thumbnailer{l}
		if len(xys) <= fewEpochs {
			sc, err := plotter.NewScatter(xys)
			if err != nil {
				return nil, fmt.Errorf("plot loss: %w", err)
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: s.color, Radius: vg.Points(3), Shape: s.glyph}
			if len(xys) == 1 {
				sc.GlyphStyle.Radius = vg.Points(4)
			}
			p.Add(sc)
			thumbs = append(thumbs, sc)
		}
		p.Legend.Add(s.name, thumbs...)
		drawn = append(drawn, xys)
	}

	if len(drawn) == 0 {
		// Nothing finite to draw: say so rather than show empty axes.
		p.Y.Min, p.Y.Max = 0, 1
		p.Y.Tick.Marker = plot.ConstantTicks{}
		p.X.Min, p.X.Max = 0, 1
		if len(epochs) > 0 {
			a, b := float64(epochs[0]), float64(epochs[len(epochs)-1])
			p.X.Min, p.X.Max = math.Min(a, b), math.Max(a, b)
		}
		if p.X.Min == p.X.Max {
			p.X.Min, p.X.Max = p.X.Min-1, p.X.Max+1
		}
		msg := "no finite loss values to plot"
		if len(epochs) == 0 {
			msg = "no epochs to plot"
		}
		note, err := plotter.NewLabels(plotter.XYLabels{
			XYs:    []plotter.XY{{X: (p.X.Min + p.X.Max) / 2, Y: 0.5}},
			Labels: []string{msg},
		})
		if err != nil {
			return nil, fmt.Errorf("plot loss: %w", err)
		}
		note.TextStyle[0].Font = sans(labelSize, false)
		note.TextStyle[0].XAlign = draw.XCenter
		note.TextStyle[0].YAlign = draw.YCenter
		p.Add(note)
		p.Legend.Top, p.Legend.YOffs, p.Legend.XOffs = true, -6, -6
		return p, nil
	}
	if p.X.Min == p.X.Max {
		p.X.Min, p.X.Max = p.X.Min-0.5, p.X.Max+0.5 // a single epoch
	}
	// Show every epoch, so that a run that diverged visibly stops short.
	for _, e := range epochs {
		p.X.Min, p.X.Max = math.Min(p.X.Min, float64(e)), math.Max(p.X.Max, float64(e))
	}
	padRange(&p.Y, 0.04)
	if slices.Contains(epochs, best) {
		// After the Y range is final: the line spans it.
		x := float64(best)
		l, err := plotter.NewLine(plotter.XYs{{X: x, Y: p.Y.Min}, {X: x, Y: p.Y.Max}})
		if err != nil {
			return nil, fmt.Errorf("plot loss: %w", err) // not reached: the range is finite
		}
		l.LineStyle = draw.LineStyle{Color: bestColor, Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(2), vg.Points(2)}}
		p.Add(l)
		p.Legend.Add(fmt.Sprintf("best epoch %d (model.json)", best), l)
		// Vertical, so sampled densely for the legend's placement.
		var mark plotter.XYs
		for i := 0; i <= 16; i++ {
			mark = append(mark, plotter.XY{X: x, Y: p.Y.Min + (p.Y.Max-p.Y.Min)*float64(i)/16})
		}
		if _, isLog := p.Y.Scale.(plot.LogScale); isLog {
			for i := range mark {
				mark[i].Y = math.Exp(math.Log(p.Y.Min) + (math.Log(p.Y.Max)-math.Log(p.Y.Min))*float64(i)/16)
			}
		}
		drawn = append(drawn, mark)
	}
	placeLegend(p, lossWidth, lossHeight, drawn, true)
	return p, nil
}

// finitePrefix returns the length of the longest prefix of v holding only
// finite values.
func finitePrefix(v []float64) int {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return i
		}
	}
	return len(v)
}

// Classifier sets cls[i] to the class index of the point (x[i], y[i]),
// for every i: Boundary asks for its whole grid at once, so that a model
// can take it in as few forward passes as its memory allows.
type Classifier func(x, y []float64, cls []int)

// Curve sets y[i] to the model's value at x[i], for every i: Fit asks for
// all its samples at once.
type Curve func(x, y []float64)

// Boundary writes to path a PNG of the decision regions of a
// classifier with two inputs. predict is evaluated at the centers of a
// 200 × 200 grid over xr × yr, widened if needed to take in every point
// with a margin, and each cell is tinted with a light shade of the
// predicted class's color. The points are drawn on top in the full class color, with a
// glyph shape per class and a dark outline, and a legend to the right of
// the axes names classes. labels[i] is the class index, into classes, of
// points[i]; points with a NaN or infinite coordinate are skipped. Colors
// come from the Tableau 10 palette and repeat after 10 classes, though
// the glyph shapes keep the classes apart.
//
// Boundary returns an error if classes is empty, predict is nil, the
// lengths of points and labels differ, xr or yr is not an increasing pair
// of finite numbers, a label or a prediction is outside
// [0, len(classes)), or the file cannot be written. It does not panic
// unless predict does.
func Boundary(path, title string, xName, yName string, xr, yr [2]float64, predict Classifier, points [][2]float64, labels []int, classes []string) error {
	switch {
	case len(classes) == 0:
		return errors.New("plot boundary: no classes")
	case predict == nil:
		return errors.New("plot boundary: nil predict")
	case len(points) != len(labels):
		return fmt.Errorf("plot boundary: %d points but %d labels", len(points), len(labels))
	}
	if err := checkRange("x", xr); err != nil {
		return fmt.Errorf("plot boundary: %w", err)
	}
	if err := checkRange("y", yr); err != nil {
		return fmt.Errorf("plot boundary: %w", err)
	}
	k := len(classes)
	byClass := make([]plotter.XYs, k)
	bx, by := xr, yr // the bounding box of the points and the ranges
	for i, pt := range points {
		if labels[i] < 0 || labels[i] >= k {
			return fmt.Errorf("plot boundary: point %d has label %d, want 0 to %d", i, labels[i], k-1)
		}
		x, y := pt[0], pt[1]
		if !finite(x) || !finite(y) {
			continue
		}
		bx[0], bx[1] = math.Min(bx[0], x), math.Max(bx[1], x)
		by[0], by[1] = math.Min(by[0], y), math.Max(by[1], y)
		byClass[labels[i]] = append(byClass[labels[i]], plotter.XY{X: x, Y: y})
	}
	xr, yr = widen(xr, bx), widen(yr, by)
	if err := checkRange("x", xr); err != nil {
		return fmt.Errorf("plot boundary: points widen the %w", err)
	}
	if err := checkRange("y", yr); err != nil {
		return fmt.Errorf("plot boundary: points widen the %w", err)
	}

	// The regions, as an image whose row 0 is the top of the plot.
	const n = boundaryGrid
	img := image.NewRGBA(image.Rect(0, 0, n, n))
	dx, dy := (xr[1]-xr[0])/n, (yr[1]-yr[0])/n
	xs, ys, cls := make([]float64, n*n), make([]float64, n*n), make([]int, n*n)
	for r := range n {
		for c := range n {
			xs[r*n+c] = xr[0] + (float64(c)+0.5)*dx
			ys[r*n+c] = yr[1] - (float64(r)+0.5)*dy
		}
	}
	predict(xs, ys, cls)
	for i, cl := range cls {
		if cl < 0 || cl >= k {
			return fmt.Errorf("plot boundary: predict(%g, %g) = %d, want 0 to %d", xs[i], ys[i], cl, k-1)
		}
		img.SetRGBA(i%n, i/n, tint(classColor(cl)))
	}

	p := newPlot(title, xName, yName)
	p.Add(plotter.NewImage(img, xr[0], yr[0], xr[1], yr[1]))
	legend := plot.NewLegend()
	legend.TextStyle.Font = sans(legendSize, false)
	legend.Left, legend.Top = true, true
	for cls, xys := range byClass {
		s, err := plotter.NewScatter(xys)
		if err != nil {
			return fmt.Errorf("plot boundary: %w", err) // not reached: xys are finite
		}
		s.GlyphStyle = draw.GlyphStyle{Color: classColor(cls), Radius: vg.Points(4), Shape: classGlyph(cls)}
		p.Add(s)
		legend.Add(classes[cls], s)
	}
	p.X.Min, p.X.Max = xr[0], xr[1]
	p.Y.Min, p.Y.Max = yr[0], yr[1]
	p.X.Padding, p.Y.Padding = 0, 0 // the regions meet the axes
	return atomicfile.Write(path, func(w io.Writer) error {
		c, err := draw.NewFormattedCanvas(boundaryWidth, boundaryHeight, "png")
		if err != nil {
			return err
		}
		drawWithLegend(draw.New(c), p, &legend)
		_, err = c.WriteTo(w)
		return err
	})
}

// drawWithLegend draws p into dc with legend in a column to its right,
// level with the top of the axes.
func drawWithLegend(dc draw.Canvas, p *plot.Plot, legend *plot.Legend) {
	const gap = vg.Length(10)
	width := legend.Rectangle(dc).Size().X
	p.Draw(draw.Crop(dc, 0, -(width + 2*gap), 0, 0))
	top := dc.Max.Y - p.DataCanvas(draw.Crop(dc, 0, -(width+2*gap), 0, 0)).Max.Y
	legend.Draw(draw.Crop(dc, dc.Size().X-width-gap, -gap, 0, -top))
}

// Fit writes to path a PNG of a regression with one input: the data
// (xs[i], ts[i]) as points, and the model curve sampled at 400 points over
// xr as a line, with legend entries "data" and "model". Data points with a
// NaN or infinite coordinate are skipped, and the curve is broken where
// it is not finite. The Y axis covers the data and the curve, but no more
// than one data range beyond the data on either side, so that a curve
// shooting off outside the data does not flatten the plot; the curve is
// clipped there. The legend goes in a corner where it covers nothing, if
// need be above raised headroom.
//
// Fit returns an error if curve is nil, xs and ts differ in length,
// xr is not an increasing pair of finite numbers, or the file cannot be
// written. It does not panic unless curve does.
func Fit(path, title, xName, tName string, xs, ts []float64, curve Curve, xr [2]float64) error {
	if curve == nil {
		return errors.New("plot fit: nil curve")
	}
	if len(xs) != len(ts) {
		return fmt.Errorf("plot fit: %d inputs but %d targets", len(xs), len(ts))
	}
	if err := checkRange("x", xr); err != nil {
		return fmt.Errorf("plot fit: %w", err)
	}
	p := newPlot(title, xName, tName)
	addGrid(p)

	data := make(plotter.XYs, 0, len(xs))
	dlo, dhi := math.Inf(1), math.Inf(-1)
	for i, x := range xs {
		if finite(x) && finite(ts[i]) {
			data = append(data, plotter.XY{X: x, Y: ts[i]})
			dlo, dhi = math.Min(dlo, ts[i]), math.Max(dhi, ts[i])
		}
	}

	// Sample the curve and split it where it is not finite.
	var segments []plotter.XYs
	var seg plotter.XYs
	clo, chi := math.Inf(1), math.Inf(-1)
	sx, sy := make([]float64, fitSamples), make([]float64, fitSamples)
	for i := range sx {
		sx[i] = xr[0] + (xr[1]-xr[0])*float64(i)/(fitSamples-1)
	}
	curve(sx, sy)
	for i, x := range sx {
		y := sy[i]
		if !finite(y) {
			if len(seg) > 0 {
				segments = append(segments, seg)
				seg = nil
			}
			continue
		}
		seg = append(seg, plotter.XY{X: x, Y: y})
		clo, chi = math.Min(clo, y), math.Max(chi, y)
	}
	if len(seg) > 0 {
		segments = append(segments, seg)
	}

	var thumbs []plot.Thumbnailer
	if len(data) > 0 {
		s, err := plotter.NewScatter(data)
		if err != nil {
			return fmt.Errorf("plot fit: %w", err) // not reached: data are finite
		}
		dc := classPalette[0]
		dc.A = 0xc0
		s.GlyphStyle = draw.GlyphStyle{Color: dc, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}
		p.Add(s)
		p.Legend.Add("data", s)
	}
	for _, seg := range segments {
		l, err := plotter.NewLine(seg)
		if err != nil {
			return fmt.Errorf("plot fit: %w", err) // not reached: seg is finite
		}
		l.LineStyle = draw.LineStyle{Color: classPalette[3], Width: vg.Points(2)}
		p.Add(l)
		thumbs = []plot.Thumbnailer{l}
	}
	if thumbs != nil {
		p.Legend.Add("model", thumbs...)
	} else {
		p.Legend.Add("model (not finite)")
	}

	// Y range: the data and the curve, the curve limited to one data range
	// beyond the data.
	lo, hi := math.Min(dlo, clo), math.Max(dhi, chi)
	if len(data) > 0 {
		span := dhi - dlo
		if span == 0 {
			span = math.Max(math.Abs(dhi), 1)
		}
		lo, hi = math.Max(lo, dlo-span), math.Min(hi, dhi+span)
	}
	if !finite(lo) || !finite(hi) || !finite(hi-lo) {
		lo, hi = 0, 1
	}
	p.X.Min, p.X.Max = math.Min(xr[0], p.X.Min), math.Max(xr[1], p.X.Max)
	p.Y.Min, p.Y.Max = lo, hi
	padRange(&p.Y, 0.04)

	all := append([]plotter.XYs{data}, segments...)
	placeLegend(p, fitWidth, fitHeight, all, true)
	return savePlot(p, path, fitWidth, fitHeight, "png")
}

// widen returns r widened to take in the range b, which contains it, with
// a margin of 5% of b's span on the sides where b reaches beyond r, so that
// no point sits on the edge of the plot.
func widen(r, b [2]float64) [2]float64 {
	m := 0.05 * (b[1] - b[0])
	if b[0] < r[0] {
		r[0] = b[0] - m
	}
	if b[1] > r[1] {
		r[1] = b[1] + m
	}
	return r
}

// checkRange returns an error unless r is an increasing pair of finite
// numbers.
func checkRange(name string, r [2]float64) error {
	if !finite(r[0]) || !finite(r[1]) || r[0] >= r[1] {
		return fmt.Errorf("%s range [%g, %g] is not an increasing pair of finite numbers", name, r[0], r[1])
	}
	return nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// sans returns the sans-serif font of the given size in points.
func sans(size vg.Length, bold bool) font.Font {
	f := font.Font{Typeface: "Liberation", Variant: "Sans", Size: size}
	if bold {
		f.Weight = stdfont.WeightBold
	}
	return f
}

// newPlot returns a plot with the house fonts, linear ticks at round
// numbers and a legend with wide thumbnails.
// addGrid draws light grid lines in both directions.
func addGrid(p *plot.Plot) {
	line := draw.LineStyle{Color: gridColor, Width: vg.Points(0.5)}
	p.Add(&plotter.Grid{Vertical: line, Horizontal: line})
}

// logAxis makes a an axis on a log scale, with ticks at powers of ten.
func logAxis(a *plot.Axis) {
	a.Scale = plot.LogScale{}
	a.Tick.Marker = logTicks{}
}

func newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = sans(titleSize, true)
	p.Title.Padding = vg.Points(8)
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = sans(labelSize, false)
		a.Tick.Label.Font = sans(tickSize, false)
		a.Tick.Marker = linearTicks{}
		a.Padding = vg.Points(4)
	}
	p.Legend.TextStyle.Font = sans(legendSize, false)
	p.Legend.ThumbnailWidth = vg.Points(28)
	return p
}

// padRange widens a's range by frac of its span at each end, in a's own
// scale, or by 10% of its value if it is a single value.
func padRange(a *plot.Axis, frac float64) {
	_, isLog := a.Scale.(plot.LogScale)
	lo, hi := a.Min, a.Max
	if isLog {
		lo, hi = math.Log(lo), math.Log(hi)
	}
	d := frac * (hi - lo)
	if d == 0 {
		d = 0.1 * math.Abs(lo)
		if d == 0 || isLog {
			d = 0.1
		}
	}
	lo, hi = lo-d, hi+d
	if isLog {
		// Keep a log axis positive and finite.
		lo, hi = math.Max(math.Exp(lo), math.SmallestNonzeroFloat64), math.Min(math.Exp(hi), math.MaxFloat64)
		lo, hi = math.Min(lo, a.Min), math.Max(hi, a.Max)
	}
	if finite(lo) && finite(hi) {
		a.Min, a.Max = lo, hi
	}
}

// savePlot writes p to path in format, atomically.
func savePlot(p *plot.Plot, path string, w, h vg.Length, format string) error {
	return atomicfile.Write(path, func(out io.Writer) error {
		wt, err := p.WriterTo(w, h, format)
		if err != nil {
			return err
		}
		_, err = wt.WriteTo(out)
		return err
	})
}

// placeLegend puts p's legend in the first corner of the axes, in the
// order top right, bottom right, top left, bottom left, where it covers
// none of series (lines are checked between their points too). If every
// corner is taken and headroom is true, it raises the top of the Y axis
// until the top right corner is free. Otherwise it uses the corner that
// covers the fewest points. The axis ranges of p must be final, apart
// from the headroom added here. It returns the number of points (and
// samples of lines) that the legend covers where it ends up, before any
// headroom: 0 when a corner is free.
func placeLegend(p *plot.Plot, w, h vg.Length, series []plotter.XYs, headroom bool) (covered int) {
	const inset = vg.Length(6)
	// The size of the legend as a fraction of the axes, which are about
	// the plot less 70pt for the Y axis and 65pt for the title and the
	// X axis.
	lw := p.Legend.Rectangle(draw.Canvas{}).Size()
	bw := float64(lw.X+2*inset) / float64(w-70)
	bh := float64(lw.Y+2*inset) / float64(h-65)

	xmin, xmax, ymin, ymax := p.X.Min, p.X.Max, p.Y.Min, p.Y.Max
	if xmin == xmax {
		xmin, xmax = xmin-1, xmax+1 // as plot.Axis does
	}
	if ymin == ymax {
		ymin, ymax = ymin-1, ymax+1
	}
	norm := func(v plotter.XY) (float64, float64) {
		return p.X.Scale.Normalize(xmin, xmax, v.X), p.Y.Scale.Normalize(ymin, ymax, v.Y)
	}
	// The visible points in normalized coordinates, with lines sampled
	// between points; the axes clip the rest.
	var pts [][2]float64
	add := func(x, y float64) {
		if x >= 0 && x <= 1 && y >= 0 && y <= 1 {
			pts = append(pts, [2]float64{x, y})
		}
	}
	for _, s := range series {
		for i, v := range s {
			x, y := norm(v)
			if i > 0 {
				x0, y0 := norm(s[i-1])
				for j := 1; j < 8; j++ {
					f := float64(j) / 8
					add(x0+f*(x-x0), y0+f*(y-y0))
				}
			}
			add(x, y)
		}
	}
	corners := []struct{ top, left bool }{{true, false}, {false, false}, {true, true}, {false, true}}
	best, bestN := 0, len(pts)+1
	for i, c := range corners {
		n := 0
		for _, pt := range pts {
			inX := pt[0] >= 1-bw
			if c.left {
				inX = pt[0] <= bw
			}
			inY := pt[1] >= 1-bh
			if !c.top {
				inY = pt[1] <= bh
			}
			if inX && inY {
				n++
			}
		}
		if n < bestN {
			best, bestN = i, n
		}
	}
	if bestN > 0 && headroom && bh < 0.5 {
		// Raise the top so that the points under the top right corner
		// end below it.
		f := 1.0
		for _, pt := range pts {
			if pt[0] >= 1-bw {
				f = math.Max(f, pt[1]/(1-bh))
			}
		}
		if _, isLog := p.Y.Scale.(plot.LogScale); isLog {
			p.Y.Max = math.Min(math.Exp(math.Log(ymin)+f*(math.Log(ymax)-math.Log(ymin))), math.MaxFloat64)
		} else {
			if m := ymin + f*(ymax-ymin); finite(m) {
				p.Y.Max = m
			}
		}
		best = 0
	}
	c := corners[best]
	p.Legend.Top, p.Legend.Left = c.top, c.left
	p.Legend.XOffs, p.Legend.YOffs = -inset, -inset
	if c.left {
		p.Legend.XOffs = inset
	}
	if !c.top {
		p.Legend.YOffs = inset
	}
	return bestN
}

// epochTicks marks whole epochs only, at steps of 1, 2 or 5 × 10ⁿ.
type epochTicks struct{}

// Ticks implements plot.Ticker.
func (epochTicks) Ticks(min, max float64) []plot.Tick {
	lo, hi := math.Ceil(min), math.Floor(max)
	if hi < lo || !finite(hi-lo) {
		return nil
	}
	step := math.Max(1, niceStep((hi-lo)/6))
	minor := step
	if step >= 5 {
		minor = step / 5
	} else if step == 2 {
		minor = 1
	}
	var ticks []plot.Tick
	for k := math.Ceil(lo / minor); k*minor <= hi; k++ {
		if k+1 == k { // beyond float64's integers
			break
		}
		v := k * minor
		t := plot.Tick{Value: v}
		if math.Mod(v, step) == 0 {
			t.Label = strconv.FormatFloat(v, 'f', 0, 64)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// linearTicks labels 4 to 10 round numbers, at steps of 1, 2 or 5 × 10ⁿ,
// with a minor tick halfway between.
type linearTicks struct{}

// Ticks implements plot.Ticker.
func (linearTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || !finite(hi-lo) {
		return nil
	}
	step := niceStep((hi - lo) / 5)
	if math.Max(math.Abs(lo), math.Abs(hi))/step > 1e12 {
		// Too narrow a range to mark at round numbers.
		return []plot.Tick{{Value: lo, Label: strconv.FormatFloat(lo, 'g', -1, 64)}, {Value: hi, Label: strconv.FormatFloat(hi, 'g', -1, 64)}}
	}
	if math.Floor(hi/step)-math.Ceil(lo/step) < 3 {
		step = smallerStep(step)
	}
	prec := max(-int(math.Floor(math.Log10(step)+1e-9)), 0)
	format := func(v float64) string {
		if v == 0 {
			return "0"
		}
		if math.Abs(v) >= 1e6 || prec > 6 {
			return strconv.FormatFloat(v, 'g', 4, 64)
		}
		return strconv.FormatFloat(v, 'f', prec, 64)
	}
	var ticks []plot.Tick
	for k := math.Ceil(lo/step*2 - 1e-9); k <= math.Floor(hi/step*2+1e-9); k++ {
		v := k * step / 2
		if math.Mod(k, 2) == 0 {
			ticks = append(ticks, plot.Tick{Value: v, Label: format(v)})
		} else {
			ticks = append(ticks, plot.Tick{Value: v})
		}
	}
	return ticks
}

// smallerStep returns the next step below step in 1, 2, 5 × 10ⁿ.
func smallerStep(step float64) float64 {
	mag := math.Pow10(int(math.Floor(math.Log10(step) + 1e-9)))
	switch m := math.Round(step / mag); m {
	case 1:
		return mag / 2
	case 2:
		return mag
	default:
		return 2 * mag
	}
}

// niceStep returns the smallest step of 1, 2 or 5 × 10ⁿ that is at
// least x.
func niceStep(x float64) float64 {
	mag := math.Pow10(int(math.Floor(math.Log10(x))))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= x {
			return m * mag
		}
	}
	return 10 * mag
}

// logTicks marks a log axis at powers of ten, labelled, and their
// multiples 2…9, unlabelled. Unlike plot.LogTicks it starts at the power
// of ten at or below min (plot.LogTicks truncates toward zero, losing the
// ticks below the first power of ten under 1), keeps to the axis range, labels
// 2× and 5× too when the axis spans at most two decades, and labels at
// most about 7 powers of ten, without the multiples, when it spans many.
type logTicks struct{}

// Ticks implements plot.Ticker.
func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) || !(hi > lo) || math.IsInf(hi, 0) {
		return nil
	}
	e0, e1 := int(math.Floor(math.Log10(lo))), int(math.Ceil(math.Log10(hi)))
	decades := e1 - e0
	every := max((decades+5)/6, 1)
	few := math.Log10(hi)-math.Log10(lo) <= 2
	var ticks []plot.Tick
	for e := e0; e <= e1; e++ {
		base := math.Pow10(e)
		if base == 0 || math.IsInf(base, 0) {
			continue
		}
		for m := 1; m <= 9 && (m == 1 || decades <= 8); m++ {
			v := float64(m) * base
			if v < lo*(1-1e-9) || v > hi*(1+1e-9) {
				continue
			}
			t := plot.Tick{Value: v}
			switch {
			case m == 1 && ((e%every)+every)%every == 0:
				t.Label = strconv.FormatFloat(v, 'g', -1, 64)
			case few && (m == 2 || m == 5):
				t.Label = strconv.FormatFloat(v, 'g', 3, 64)
			case decades > 40:
				continue // too many ticks to tell apart
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

// classColor returns the saturated color of class i.
func classColor(i int) color.RGBA { return classPalette[i%len(classPalette)] }

// tint returns c mixed with white, tintAlpha parts of c.
func tint(c color.RGBA) color.RGBA {
	mix := func(v uint8) uint8 { return uint8(math.Round(255 - tintAlpha*(255-float64(v)))) }
	return color.RGBA{mix(c.R), mix(c.G), mix(c.B), 0xff}
}

// glyphShapes are the outlines of the class glyphs, as polygons on the
// unit circle; nil is a circle.
var glyphShapes = [][][2]float64{
	nil, // circle
	{{-0.85, -0.85}, {0.85, -0.85}, {0.85, 0.85}, {-0.85, 0.85}}, // square
	regular(3, 90, 1.15),                           // triangle up
	{{0, -1.15}, {1.15, 0}, {0, 1.15}, {-1.15, 0}}, // diamond
	regular(3, -90, 1.15),                          // triangle down
	regular(5, 90, 1.05),                           // pentagon
	star(5, 1.25, 0.55),                            // star
	regular(6, 0, 1.05),                            // hexagon
	plus(1.1, 0.38),                                // plus
	regular(3, 0, 1.15),                            // triangle right
}

// classGlyph returns the glyph of class i.
func classGlyph(i int) draw.GlyphDrawer {
	return outlinedGlyph{shape: glyphShapes[i%len(glyphShapes)]}
}

// outlinedGlyph is a filled glyph with a dark outline.
type outlinedGlyph struct {
	shape [][2]float64 // nil for a circle
}

// DrawGlyph implements draw.GlyphDrawer.
func (g outlinedGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius
	var path vg.Path
	if g.shape == nil {
		path.Move(vg.Point{X: pt.X + r, Y: pt.Y})
		path.Arc(pt, r, 0, 2*math.Pi)
	} else {
		for i, v := range g.shape {
			q := vg.Point{X: pt.X + r*vg.Length(v[0]), Y: pt.Y + r*vg.Length(v[1])}
			if i == 0 {
				path.Move(q)
			} else {
				path.Line(q)
			}
		}
	}
	path.Close()
	c.SetColor(sty.Color)
	c.Fill(path)
	c.SetLineStyle(draw.LineStyle{Color: outlineColor, Width: vg.Points(0.8)})
	c.Stroke(path)
}

// regular returns a regular n-gon of radius r with a vertex at deg degrees.
func regular(n int, deg, r float64) [][2]float64 {
	v := make([][2]float64, n)
	for i := range v {
		a := (deg + 360*float64(i)/float64(n)) * math.Pi / 180
		v[i] = [2]float64{r * math.Cos(a), r * math.Sin(a)}
	}
	return v
}

// star returns an n-pointed star with outer radius r and inner radius ri.
func star(n int, r, ri float64) [][2]float64 {
	v := make([][2]float64, 2*n)
	for i := range v {
		a := (90 + 180*float64(i)/float64(n)) * math.Pi / 180
		rr := r
		if i%2 == 1 {
			rr = ri
		}
		v[i] = [2]float64{rr * math.Cos(a), rr * math.Sin(a)}
	}
	return v
}

// plus returns a plus sign of half-length r and half-width a.
func plus(r, a float64) [][2]float64 {
	return [][2]float64{
		{a, a}, {a, r}, {-a, r}, {-a, a}, {-r, a}, {-r, -a},
		{-a, -a}, {-a, -r}, {a, -r}, {a, -a}, {r, -a}, {r, a},
	}
}
