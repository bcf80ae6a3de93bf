package plot

import (
	"fmt"
	"math"
	"path/filepath"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// LearningRate writes dir/lr.png: the learning rate each epoch trained
// at (train.schedule), against epoch, on a log scale when its values span
// more than a factor of 50. epochs[i] is the epoch that trained at
// rates[i]. It returns an error if the lengths differ, a rate is not
// finite and positive, or the file cannot be written (an existing file
// is then left as it was). It does not panic.
func LearningRate(dir, title string, epochs []int, rates []float64) error {
	if len(rates) != len(epochs) {
		return fmt.Errorf("plot learning rate: %d epochs but %d rates", len(epochs), len(rates))
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	xys := make(plotter.XYs, len(rates))
	for i, r := range rates {
		if !(r > 0) || math.IsInf(r, 0) {
			return fmt.Errorf("plot learning rate: epoch %d at %v", epochs[i], r)
		}
		lo, hi = math.Min(lo, r), math.Max(hi, r)
		xys[i] = plotter.XY{X: float64(epochs[i]), Y: r}
	}
	logY := hi/lo > logSpan
	ylabel := "learning rate"
	if logY {
		ylabel = "learning rate (log scale)"
	}
	p := newPlot(title, "epoch", ylabel)
	p.X.Tick.Marker = epochTicks{}
	if logY {
		logAxis(&p.Y)
	}
	addGrid(p)
	xys = decimate(xys, maxLinePoints)
	if len(xys) > 0 {
		l, err := plotter.NewLine(xys)
		if err != nil {
			return fmt.Errorf("plot learning rate: %w", err) // not reached: xys are finite
		}
		l.LineStyle = draw.LineStyle{Color: trainColor, Width: vg.Points(2)}
		p.Add(l)
		if len(xys) <= fewEpochs {
			sc, err := plotter.NewScatter(xys)
			if err != nil {
				return fmt.Errorf("plot learning rate: %w", err)
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: trainColor, Radius: vg.Points(3), Shape: draw.CircleGlyph{}}
			p.Add(sc)
		}
		if p.X.Min == p.X.Max {
			p.X.Min, p.X.Max = p.X.Min-0.5, p.X.Max+0.5
		}
		padRange(&p.Y, 0.04)
	}
	return savePlot(p, filepath.Join(dir, "lr.png"), lossWidth, lossHeight, "png")
}
