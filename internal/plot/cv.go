package plot

import (
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// foldDashes are the dash patterns of the folds' curves, by fold, after
// the ten colors of classPalette: solid, then dashed, then dotted.
var foldDashes = [][]vg.Length{nil, {vg.Points(6), vg.Points(3)}, {vg.Points(2), vg.Points(2)}}

// Folds writes to path a PNG of the validation loss of each fold of a
// cross-validation by epoch, in the style of Loss: fold i's curve is
// values[i] at epochs[i], in the i-th color of the palette (solid, then
// dashed and dotted past ten folds), labelled "fold i". As in Loss, a
// curve stops at its first NaN or ±Inf, its legend entry naming that
// epoch; a fold with no epochs (not run) is left out of the plot and
// named in the legend "fold i (not run)"; the Y axis is logarithmic when
// the finite positive values span more than a factor of 50; a curve of at
// most 12 points has markers. If nothing is finite, the plot says so.
//
// Folds returns an error if epochs and values differ in shape, or if the
// file cannot be written; an existing file is then left as it was. It
// does not panic.
func Folds(path, title string, epochs [][]int, values [][]float64) error {
	p, err := foldsPlot(title, epochs, values)
	if err != nil {
		return err
	}
	return savePlot(p, path, lossWidth, lossHeight, "png")
}

// foldsPlot builds the plot that Folds writes.
func foldsPlot(title string, epochs [][]int, values [][]float64) (*plot.Plot, error) {
	if len(epochs) != len(values) {
		return nil, fmt.Errorf("plot folds: %d epoch lists but %d loss lists", len(epochs), len(values))
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	cut := make([]int, len(values))
	for i, v := range values {
		if len(v) != len(epochs[i]) {
			return nil, fmt.Errorf("plot folds: fold %d has %d epochs but %d losses", i, len(epochs[i]), len(v))
		}
		cut[i] = finitePrefix(v)
		for _, x := range v[:cut[i]] {
			if x > 0 {
				lo, hi = math.Min(lo, x), math.Max(hi, x)
			}
		}
	}
	logY := hi/lo > logSpan
	ylabel := "validation loss"
	if logY {
		ylabel += " (log scale)"
	}
	p := newPlot(title, "epoch", ylabel)
	p.X.Tick.Marker = epochTicks{}
	if logY {
		logAxis(&p.Y)
	}
	addGrid(p)
	var drawn []plotter.XYs
	xlo, xhi := math.Inf(1), math.Inf(-1)
	for i, v := range values {
		name := "fold " + strconv.Itoa(i)
		for _, e := range epochs[i] {
			xlo, xhi = math.Min(xlo, float64(e)), math.Max(xhi, float64(e))
		}
		switch {
		case len(v) == 0:
			p.Legend.Add(name + " (not run)")
			continue
		case cut[i] < len(v):
			name += " (diverged at epoch " + strconv.Itoa(epochs[i][cut[i]]) + ")"
		}
		xys := make(plotter.XYs, 0, cut[i])
		for j, x := range v[:cut[i]] {
			if logY && x <= 0 {
				continue
			}
			xys = append(xys, plotter.XY{X: float64(epochs[i][j]), Y: x})
		}
		xys = decimate(xys, maxLinePoints)
		if len(xys) == 0 {
			p.Legend.Add(name)
			continue
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return nil, fmt.Errorf("plot folds: %w", err) // not reached: xys are finite
		}
		c := classColor(i)
		l.LineStyle = draw.LineStyle{Color: c, Width: vg.Points(1.5), Dashes: foldDashes[(i/len(classPalette))%len(foldDashes)]}
		p.Add(l)
		thumbs := []plot.Thumbnailer{l}
		if len(xys) <= fewEpochs {
			sc, err := plotter.NewScatter(xys)
			if err != nil {
				return nil, fmt.Errorf("plot folds: %w", err)
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: c, Radius: vg.Points(3), Shape: classGlyph(i)}
			p.Add(sc)
			thumbs = append(thumbs, sc)
		}
		p.Legend.Add(name, thumbs...)
		drawn = append(drawn, xys)
	}
	if len(drawn) == 0 {
		p.Y.Min, p.Y.Max = 0, 1
		p.Y.Tick.Marker = plot.ConstantTicks{}
		p.X.Min, p.X.Max = 0, 1
		if xlo <= xhi {
			p.X.Min, p.X.Max = xlo, xhi
		}
		if p.X.Min == p.X.Max {
			p.X.Min, p.X.Max = p.X.Min-1, p.X.Max+1
		}
		note, err := plotter.NewLabels(plotter.XYLabels{
			XYs:    []plotter.XY{{X: (p.X.Min + p.X.Max) / 2, Y: 0.5}},
			Labels: []string{"no finite validation loss to plot"},
		})
		if err != nil {
			return nil, fmt.Errorf("plot folds: %w", err)
		}
		note.TextStyle[0].Font = sans(labelSize, false)
		note.TextStyle[0].XAlign = draw.XCenter
		note.TextStyle[0].YAlign = draw.YCenter
		p.Add(note)
		p.Legend.Top, p.Legend.YOffs, p.Legend.XOffs = true, -6, -6
		return p, nil
	}
	if p.X.Min == p.X.Max {
		p.X.Min, p.X.Max = p.X.Min-0.5, p.X.Max+0.5
	}
	p.X.Min, p.X.Max = math.Min(p.X.Min, xlo), math.Max(p.X.Max, xhi)
	padRange(&p.Y, 0.04)
	placeLegend(p, lossWidth, lossHeight, drawn, true)
	return p, nil
}
