package plot

import (
	"math"
	"path/filepath"

	"github.com/mlptrain/mlptrain/internal/layers"
	"github.com/mlptrain/mlptrain/internal/train"
	"gonum.org/v1/gonum/mat"
)

// Run draws a finished fit's pictures into its run folder: the loss
// curves (loss.png and loss.svg) always; the decision regions
// (boundary.png) for a classifier of 2 input columns; the learned curve
// (fit.png) for a regression of 1 input column on 1 target. It is what
// train.FitOptions.Pictures takes, and returns the first error of Loss,
// Boundary or Fit.
func Run(r *train.Run) error {
	p, cfg := r.Problem, r.Problem.Config
	dir := cfg.Output.Dir
	hist := r.Result.History
	epochs := make([]int, len(hist))
	tr, va := make([]float64, len(hist)), make([]float64, len(hist))
	for i, s := range hist {
		epochs[i], tr[i], va[i] = s.Epoch, s.TrainLoss, s.ValLoss
	}
	if p.Val == nil {
		va = nil
	}
	if err := Loss(dir, cfg.Name+" — loss", epochs, tr, va); err != nil {
		return err
	}
	pp := newPointPredictor(p.Saved(r.Result.Model))
	switch {
	case len(p.Features) == 2 && p.Classes != nil:
		pts, xr, yr := rawInputs(r, 2)
		x := mat.NewDense(1, 2, nil)
		predict := func(a, b float64) int {
			x.Set(0, 0, a)
			x.Set(0, 1, b)
			return train.PredictClass(pp.predict(x), 0)
		}
		return Boundary(filepath.Join(dir, "boundary.png"), cfg.Name+" — decision regions", p.Features[0], p.Features[1],
			xr, yr, predict, pts, p.Train.Labels, p.Classes)
	case len(p.Features) == 1 && p.Classes == nil && len(p.Train.TargetNames) == 1:
		pts, xr, _ := rawInputs(r, 1)
		xs := make([]float64, len(pts))
		for i, pt := range pts {
			xs[i] = pt[0]
		}
		x := mat.NewDense(1, 1, nil)
		curve := func(a float64) float64 {
			x.Set(0, 0, a)
			return pp.predict(x).At(0, 0)
		}
		return Fit(filepath.Join(dir, "fit.png"), cfg.Name+" — fit", p.Features[0], p.Train.TargetNames[0],
			xs, mat.Col(nil, 0, p.Train.Y), curve, xr)
	}
	return nil
}

// rawInputs returns the training rows' first k input columns in the
// data's own units (undoing the normalization; the feature map keeps the
// inputs themselves as its first columns) and their ranges.
func rawInputs(r *train.Run, k int) (pts [][2]float64, xr, yr [2]float64) {
	p := r.Problem
	xr = [2]float64{math.Inf(1), math.Inf(-1)}
	yr = xr
	for i := range p.Train.Len() {
		var pt [2]float64
		for j := range k {
			pt[j] = p.Train.X.At(i, j)*p.Scaler.Scale[j] + p.Scaler.Offset[j]
		}
		xr = [2]float64{min(xr[0], pt[0]), max(xr[1], pt[0])}
		yr = [2]float64{min(yr[0], pt[1]), max(yr[1], pt[1])}
		pts = append(pts, pt)
	}
	pad := func(r [2]float64) [2]float64 {
		m := 0.1 * (r[1] - r[0])
		if m == 0 {
			m = 1
		}
		return [2]float64{r[0] - m, r[1] + m}
	}
	return pts, pad(xr), pad(yr)
}

// pointPredictor applies a saved model to one raw (untransformed) input
// row at a time, reusing one graph.
type pointPredictor struct {
	s      *train.Saved
	mapped *mat.Dense // 1×inputs after the feature map and scaling
	net    *layers.Net
}

func newPointPredictor(s *train.Saved) *pointPredictor {
	return &pointPredictor{s: s, mapped: mat.NewDense(1, s.Model.Inputs, nil), net: s.Model.Build(1, 0)}
}

// predict returns the output row for the raw input row x (1×features).
func (pp *pointPredictor) predict(x *mat.Dense) *mat.Dense {
	if pp.s.Poly.Degree > 1 {
		pp.s.Poly.Apply(pp.mapped, x)
	} else {
		pp.mapped.Copy(x)
	}
	pp.s.Scaler.Apply(pp.net.X.Value(), pp.mapped)
	pp.net.G.Forward()
	return pp.net.Y.Value()
}
