package plot

import (
	"math"
	"path/filepath"
	"slices"

	"github.com/mlptrain/mlptrain/internal/layers"
	"github.com/mlptrain/mlptrain/internal/metric"
	"github.com/mlptrain/mlptrain/internal/train"
	"gonum.org/v1/gonum/mat"
)

// Run draws a finished fit's pictures into its run folder: the loss
// curves (loss.png and loss.svg) always, with the best epoch marked; the
// learning rate by epoch (lr.png) when train.schedule is not a constant
// rate without warmup; the ROC and precision-recall
// curves (roc.png and pr.png) of the training, validation and test sets
// for a binary classifier; the decision regions (boundary.png) for a
// classifier of 2 input columns; the learned curve (fit.png) for a
// regression of 1 input column on 1 target. It is what
// train.FitOptions.Pictures takes, and returns the first error of Loss,
// ROCPR, Boundary or Fit.
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
	if err := Loss(dir, cfg.Name+" — loss", epochs, tr, va, r.Result.BestEpoch); err != nil {
		return err
	}
	if sc := cfg.Train.Schedule; sc.Kind != "constant" || sc.WarmupEpochs > 0 {
		rates := make([]float64, len(hist))
		for i, s := range hist {
			rates[i] = s.LearningRate
		}
		if err := LearningRate(dir, cfg.Name+" — learning rate ("+sc.Kind+")", epochs, rates); err != nil {
			return err
		}
	}
	if splits := binaryCurves(r); splits != nil {
		if err := ROCPR(dir, cfg.Name, p.Classes[1], splits); err != nil {
			return err
		}
	}
	s := p.Saved(r.Result.Model)
	// The pictures of the inputs draw numeric columns with no missing
	// cells only, whose inputs are the columns themselves.
	plain := p.Encoding == nil || p.Encoding.Plain()
	switch {
	case !plain:
	case len(p.Features) == 2 && p.Classes != nil:
		pts, xr, yr := rawInputs(r, 2)
		if !drawable(xr) || !drawable(yr) {
			return nil // inputs near ±MaxFloat64: no grid spans them
		}
		bp := newBatchPredictor(s, boundaryGrid*boundaryGrid)
		predict := func(xs, ys []float64, cls []int) {
			bp.each(len(cls), func(lo, hi int, y *mat.Dense) {
				for i := lo; i < hi; i++ {
					cls[i] = train.PredictClass(y, i-lo)
				}
			}, xs, ys)
		}
		return Boundary(filepath.Join(dir, "boundary.png"), cfg.Name+" — decision regions", p.Features[0], p.Features[1],
			xr, yr, predict, pts, p.Train.Labels, p.Classes)
	case len(p.Features) == 1 && p.Classes == nil && len(p.Train.TargetNames) == 1:
		pts, xr, _ := rawInputs(r, 1)
		if !drawable(xr) {
			return nil
		}
		xs := make([]float64, len(pts))
		for i, pt := range pts {
			xs[i] = pt[0]
		}
		bp := newBatchPredictor(s, fitSamples)
		curve := func(xs, ys []float64) {
			bp.each(len(ys), func(lo, hi int, y *mat.Dense) {
				for i := lo; i < hi; i++ {
					ys[i] = y.At(i-lo, 0)
				}
			}, xs)
		}
		return Fit(filepath.Join(dir, "fit.png"), cfg.Name+" — fit", p.Features[0], p.Train.TargetNames[0],
			xs, mat.Col(nil, 0, p.Train.Y), curve, xr)
	}
	return nil
}

// binaryCurves returns the ROC and PR curves of the run's training,
// validation and test sets (those it has) when its model is a binary
// classifier (2 classes, scored by a softmax of 2 or one logistic
// output), else nil. A set the model scores NaN is left out. The positive class is the second, and the score
// the model's probability of it, as train.Score takes them.
func binaryCurves(r *train.Run) []SplitCurves {
	p, m := r.Problem, r.Result.Model
	if !train.Classify(m.Loss) || len(p.Classes) != 2 || m.Outputs() > 2 {
		return nil
	}
	var splits []SplitCurves
	type split struct {
		name   string
		x      *mat.Dense
		labels []int
	}
	sets := []split{{"train", p.Train.X, p.Train.Labels}}
	if p.Val != nil {
		sets = append(sets, split{"validation", p.Val.X, p.Val.Labels})
	}
	if r.Test != nil {
		sets = append(sets, split{"test", r.Test.X, r.Test.Labels})
	}
	for _, s := range sets {
		if s.x == nil || len(s.labels) == 0 {
			continue
		}
		y, _ := train.Forward(m, s.x, nil)
		_, k := y.Dims()
		scores, pos := mat.Col(nil, k-1, y), make([]bool, len(s.labels))
		if slices.ContainsFunc(scores, math.IsNaN) {
			continue // a diverged model's: no order to draw
		}
		for i, l := range s.labels {
			pos[i] = l == 1
		}
		c := SplitCurves{Name: s.name}
		c.FPR, c.TPR, _ = metric.ROCCurve(scores, pos, nil)
		c.AUC, _ = metric.ROCAUC(scores, pos, nil)
		c.Recall, c.Precision, _ = metric.PRCurve(scores, pos, nil)
		c.AP, _ = metric.AveragePrecision(scores, pos, nil)
		splits = append(splits, c)
	}
	return splits
}

// drawable reports whether a picture can span r: finite ends, and a
// finite width to divide into cells.
func drawable(r [2]float64) bool {
	return !math.IsInf(r[1]-r[0], 0) && !math.IsNaN(r[1]-r[0])
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

// batchPredictor applies a saved model to raw (untransformed) input rows
// a batch at a time, reusing one graph: as many rows a forward pass as
// predictBytes of graph buffers hold (a deep network costs its depth in
// every pass, so a pass per point would cost points × depth).
type batchPredictor struct {
	s      *train.Saved
	raw    *mat.Dense // rows×features
	mapped *mat.Dense // rows×inputs after the feature map
	net    *layers.Net
	// A float32 model's net has float32 nodes only: in is its input
	// before rounding, out its output widened; nil for float64.
	in, out *mat.Dense
}

// predictBytes bounds the graph buffers of a batchPredictor.
const predictBytes = 64 << 20

// newBatchPredictor makes a predictor for up to n rows at a time, fewer
// if the network is too wide for n rows in predictBytes.
func newBatchPredictor(s *train.Saved, n int) *batchPredictor {
	width := len(s.Features) + s.Model.Inputs
	for _, l := range s.Model.Layers {
		width += 3 * l.Units() // product, bias and activation
	}
	rows := max(1, min(n, predictBytes/(8*width)))
	bp := &batchPredictor{s: s, raw: mat.NewDense(rows, len(s.Features), nil),
		mapped: mat.NewDense(rows, s.Model.Inputs, nil), net: s.Model.Build(rows, 0)}
	if bp.net.G.Float32() {
		bp.in, bp.out = mat.NewDense(rows, s.Model.Inputs, nil), mat.NewDense(rows, s.Model.Outputs(), nil)
	}
	return bp
}

// each runs the model on the n raw input rows whose columns are cols
// (each of length n, one per feature), a batch at a time, and calls f
// with each batch's rows lo..hi−1 and their outputs (row i−lo is row i's).
func (bp *batchPredictor) each(n int, f func(lo, hi int, y *mat.Dense), cols ...[]float64) {
	rows, _ := bp.raw.Dims()
	for lo := 0; lo < n; lo += rows {
		hi := min(lo+rows, n)
		for j, c := range cols {
			for i := lo; i < hi; i++ {
				bp.raw.Set(i-lo, j, c[i])
			}
		}
		if bp.s.Poly.Degree > 1 {
			bp.s.Poly.Apply(bp.mapped, bp.raw)
		} else {
			bp.mapped.Copy(bp.raw)
		}
		if bp.in == nil {
			bp.s.Scaler.Apply(bp.net.X.Value(), bp.mapped)
			bp.net.G.Forward()
			f(lo, hi, bp.net.Y.Value())
			continue
		}
		bp.s.Scaler.Apply(bp.in, bp.mapped)
		bp.net.X.Fill(bp.in)
		bp.net.G.Forward()
		bp.net.Y.CopyValue(bp.out)
		f(lo, hi, bp.out)
	}
}
