package plot

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"path/filepath"
	"strconv"

	"github.com/mlptrain/mlptrain/internal/atomicfile"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// rocWidth and rocHeight make the axes of the ROC and PR pictures about
// square (480 × 480 pixels): both axes run over 0…1.
const rocWidth, rocHeight = 5 * vg.Inch, 5 * vg.Inch

// curveStep is the smallest move, as a fraction of an axis, between the
// drawn points of a ROC or PR curve: under a third of a pixel, so that a
// curve of a large test set keeps its look with a few thousand points.
const curveStep = 0.001

// chanceColor is the color of the chance lines.
var chanceColor = color.RGBA{0x7f, 0x7f, 0x7f, 0xff}

// SplitCurves is one split's ROC and precision-recall curves, as
// metric.ROCCurve and metric.PRCurve return them, with the areas
// metric.ROCAUC and metric.AveragePrecision give.
type SplitCurves struct {
	// Name names the split in the legend: "train", "validation" and "test"
	// take loss.png's colors (blue, orange, green) and line styles.
	Name string
	// FPR and TPR are the ROC curve's points, in order; nil when the split
	// lacks a class and so has no ROC curve.
	FPR, TPR []float64
	// AUC is the area under the ROC curve.
	AUC float64
	// Recall and Precision are the PR curve's points, in order of recall
	// (either way); nil when the split has no positives. Its points of
	// recall 1 include that of calling every example positive, whose
	// precision, the share of positives, is the split's chance level.
	Recall, Precision []float64
	// AP is the average precision.
	AP float64
}

// ROCPR writes dir/roc.png and dir/pr.png, and nothing else: the ROC and
// the precision-recall curves of a binary classifier whose positive class
// is positive, one curve per split, with the area under the ROC curve
// ("validation  AUC 0.913") or the average precision ("validation  AP
// 0.874") in the legend. The titles are name, if not empty, then "ROC"
// or "precision-recall" and the positive class. Both axes run over 0…1.
// The ROC picture has the chance diagonal; the PR picture has each
// split's chance level, the share of positives (the precision at recall
// 1 that is lowest), as a dotted horizontal line. A ROC curve joins its
// points by straight lines, as the trapezoid rule of its AUC does; a PR
// curve steps (each recall interval at the precision of its upper end),
// so that the area under it is the average precision. A split without a
// curve is named in the legend ("validation  no ROC curve (one class)").
// The legend goes in a corner where it covers no line, or else below the
// axes.
//
// ROCPR returns an error if splits is empty, a curve's two slices differ
// in length, a point is outside [0, 1] × [0, 1] or NaN, an area is not
// in [0, 1] where its curve is given, or a file cannot be written; an
// existing file is then left as it was (though roc.png may be new when
// pr.png fails). It does not panic.
func ROCPR(dir, name, positive string, splits []SplitCurves) error {
	roc, err := rocPlot(name, positive, splits)
	if err != nil {
		return err
	}
	pr, err := prPlot(name, positive, splits)
	if err != nil {
		return err
	}
	if err := roc.save(filepath.Join(dir, "roc.png"), "png"); err != nil {
		return err
	}
	return pr.save(filepath.Join(dir, "pr.png"), "png")
}

// unitPicture is a ROC or PR picture: a plot with its legend in a corner
// of the axes, or below them (in below) when every corner would cover a
// curve.
type unitPicture struct {
	p     *plot.Plot
	below *plot.Legend
}

// finish places the legend of the plot of curves drawn.
func finish(p *plot.Plot, drawn []plotter.XYs) *unitPicture {
	if placeLegend(p, rocWidth, rocHeight, drawn, false) == 0 {
		return &unitPicture{p: p}
	}
	below := p.Legend
	below.Top, below.Left, below.XOffs, below.YOffs = true, true, 0, 0
	p.Legend = plot.NewLegend() // no entries: not drawn
	return &unitPicture{p: p, below: &below}
}

// writeTo draws the picture to w in format ("png", "svg").
func (u *unitPicture) writeTo(w io.Writer, format string) error {
	c, err := draw.NewFormattedCanvas(rocWidth, rocHeight, format)
	if err != nil {
		return err
	}
	dc := draw.New(c)
	if u.below == nil {
		u.p.Draw(dc)
	} else {
		// The legend in a strip under the X axis's label, level with the
		// left of the axes.
		const gap = vg.Length(8)
		h := u.below.Rectangle(dc).Size().Y + 2*gap
		top := draw.Crop(dc, 0, 0, h, 0)
		u.p.Draw(top)
		left := u.p.DataCanvas(top).Min.X - dc.Min.X
		u.below.Draw(draw.Crop(dc, left, 0, gap, -(dc.Size().Y - h + gap)))
	}
	_, err = c.WriteTo(w)
	return err
}

// save writes the picture to path in format, atomically.
func (u *unitPicture) save(path, format string) error {
	return atomicfile.Write(path, func(w io.Writer) error { return u.writeTo(w, format) })
}

// splitStyle returns the line style of split i named name: loss.png's
// for train and validation, then green and the rest of the palette.
func splitStyle(i int, name string) draw.LineStyle {
	s := draw.LineStyle{Width: vg.Points(2)}
	switch name {
	case "train":
		s.Color = trainColor
	case "validation":
		s.Color = valColor
		s.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
	case "test":
		s.Color = classPalette[2]
		s.Dashes = []vg.Length{vg.Points(9), vg.Points(3), vg.Points(2), vg.Points(3)}
	default:
		s.Color = classPalette[(3+i)%len(classPalette)]
	}
	return s
}

// chanceStyle is the style of the chance lines.
var chanceStyle = draw.LineStyle{Color: chanceColor, Width: vg.Points(1.2), Dashes: []vg.Length{vg.Points(2), vg.Points(3)}}

// curveTitle returns the title of a picture of kind: a line naming the
// run and the kind, and one naming the positive class.
func curveTitle(name, kind, positive string) string {
	t := kind + "\npositive class: " + positive
	if name != "" {
		t = name + " — " + t
	}
	return t
}

// checkCurve returns an error unless x and y are a curve of equal
// lengths in the unit square and area, if the curve is given, is in
// [0, 1].
func checkCurve(what, split string, x, y []float64, area float64) error {
	if len(x) != len(y) {
		return fmt.Errorf("split %q: %d %s X values but %d Y values", split, len(x), what, len(y))
	}
	for i := range x {
		if !(x[i] >= 0 && x[i] <= 1 && y[i] >= 0 && y[i] <= 1) {
			return fmt.Errorf("split %q: %s point %d (%v, %v) is outside the unit square", split, what, i, x[i], y[i])
		}
	}
	if len(x) > 0 && !(area >= 0 && area <= 1) {
		return fmt.Errorf("split %q: %s area %v is outside [0, 1]", split, what, area)
	}
	return nil
}

// unitPlot returns a plot whose axes run over 0…1.
func unitPlot(title, xLabel, yLabel string) *plot.Plot {
	p := newPlot(title, xLabel, yLabel)
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	addGrid(p)
	return p
}

// addCurve adds xys to p in style, with a legend entry label.
func addCurve(p *plot.Plot, xys plotter.XYs, style draw.LineStyle, label string) error {
	l, err := plotter.NewLine(xys)
	if err != nil {
		return err // not reached: the points are checked
	}
	l.LineStyle = style
	p.Add(l)
	p.Legend.Add(label, l)
	return nil
}

// rocPlot builds the ROC picture of ROCPR.
func rocPlot(name, positive string, splits []SplitCurves) (*unitPicture, error) {
	if len(splits) == 0 {
		return nil, errors.New("plot roc: no curves")
	}
	p := unitPlot(curveTitle(name, "ROC curve", positive), "false positive rate", "true positive rate")
	diagonal := plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}}
	drawn := []plotter.XYs{diagonal}
	for i, s := range splits {
		if err := checkCurve("ROC", s.Name, s.FPR, s.TPR, s.AUC); err != nil {
			return nil, fmt.Errorf("plot roc: %w", err)
		}
		if len(s.FPR) == 0 {
			p.Legend.Add(s.Name + "  no ROC curve (one class)")
			continue
		}
		xys := thin(s.FPR, s.TPR, curveStep)
		if err := addCurve(p, xys, splitStyle(i, s.Name), s.Name+"  AUC "+strconv.FormatFloat(s.AUC, 'f', 3, 64)); err != nil {
			return nil, fmt.Errorf("plot roc: %w", err)
		}
		drawn = append(drawn, xys)
	}
	if err := addCurve(p, diagonal, chanceStyle, "chance"); err != nil {
		return nil, fmt.Errorf("plot roc: %w", err)
	}
	return finish(p, drawn), nil
}

// prPlot builds the precision-recall picture of ROCPR.
func prPlot(name, positive string, splits []SplitCurves) (*unitPicture, error) {
	if len(splits) == 0 {
		return nil, errors.New("plot pr: no curves")
	}
	p := unitPlot(curveTitle(name, "precision-recall curve", positive), "recall", "precision")
	var drawn []plotter.XYs
	var chance []float64
	for i, s := range splits {
		if err := checkCurve("PR", s.Name, s.Recall, s.Precision, s.AP); err != nil {
			return nil, fmt.Errorf("plot pr: %w", err)
		}
		if len(s.Recall) == 0 {
			p.Legend.Add(s.Name + "  no PR curve (no positives)")
			continue
		}
		steps := prSteps(s.Recall, s.Precision)
		xys := thin(steps[0], steps[1], curveStep)
		if err := addCurve(p, xys, splitStyle(i, s.Name), s.Name+"  AP "+strconv.FormatFloat(s.AP, 'f', 3, 64)); err != nil {
			return nil, fmt.Errorf("plot pr: %w", err)
		}
		drawn = append(drawn, xys)
		if c, ok := chanceLevel(s.Recall, s.Precision); ok {
			chance = append(chance, c)
		}
	}
	if len(chance) > 0 {
		lo, hi := chance[0], chance[0]
		for _, c := range chance {
			lo, hi = math.Min(lo, c), math.Max(hi, c)
			xys := plotter.XYs{{X: 0, Y: c}, {X: 1, Y: c}}
			l, err := plotter.NewLine(xys)
			if err != nil {
				return nil, fmt.Errorf("plot pr: %w", err) // not reached: c is in [0, 1]
			}
			l.LineStyle = chanceStyle
			p.Add(l)
			drawn = append(drawn, xys)
		}
		pct := func(v float64) string { return strconv.FormatFloat(100*v, 'f', 0, 64) }
		label := "chance (" + pct(lo) + "% positive)"
		if pct(lo) != pct(hi) {
			label = "chance (" + pct(lo) + "–" + pct(hi) + "% positive)"
		}
		l, _ := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 0}}) // a thumbnail only
		l.LineStyle = chanceStyle
		p.Legend.Add(label, l)
	}
	return finish(p, drawn), nil
}

// chanceLevel returns the lowest precision at recall 1, the share of
// positives when the curve has the point of calling every example
// positive, and false if no point has recall 1.
func chanceLevel(recall, precision []float64) (float64, bool) {
	c, ok := 1.0, false
	for i, r := range recall {
		if r == 1 {
			c, ok = math.Min(c, precision[i]), true
		}
	}
	return c, ok
}

// prSteps returns the step path of a PR curve, in order of decreasing
// recall: from each point (Rⱼ, Pⱼ) level to the next recall, then to the
// next point. The area under it is Σ (Rⱼ − Rⱼ₊₁)·Pⱼ, the average
// precision.
func prSteps(recall, precision []float64) [2][]float64 {
	n := len(recall)
	at := func(i int) (float64, float64) { return recall[i], precision[i] }
	if recall[0] < recall[n-1] {
		at = func(i int) (float64, float64) { return recall[n-1-i], precision[n-1-i] }
	}
	xs, ys := make([]float64, 0, 2*n), make([]float64, 0, 2*n)
	add := func(x, y float64) {
		if k := len(xs); k > 0 && xs[k-1] == x && ys[k-1] == y {
			return
		}
		xs, ys = append(xs, x), append(ys, y)
	}
	for i := range n {
		r, p := at(i)
		if i > 0 {
			_, p0 := at(i - 1)
			add(r, p0)
		}
		add(r, p)
	}
	return [2][]float64{xs, ys}
}

// thin returns the points (x[i], y[i]) less those that move less than
// step along both axes from the last point kept; the first and last
// points are kept.
func thin(x, y []float64, step float64) plotter.XYs {
	xys := make(plotter.XYs, 0, len(x))
	for i := range x {
		if k := len(xys); k > 0 && i < len(x)-1 && math.Abs(x[i]-xys[k-1].X) < step && math.Abs(y[i]-xys[k-1].Y) < step {
			continue
		}
		xys = append(xys, plotter.XY{X: x[i], Y: y[i]})
	}
	return xys
}
