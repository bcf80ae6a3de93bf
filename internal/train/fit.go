package train

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"strconv"
	"time"

	"github.com/mlptrain/mlptrain/internal/data"
	"github.com/mlptrain/mlptrain/internal/layers"
	"gonum.org/v1/gonum/mat"
)

// Why training stopped.
const (
	StopCompleted     = "completed"
	StopEarlyStopping = "early_stopping"
	StopDiverged      = "diverged"
	StopInterrupted   = "interrupted"
)

// ErrDiverged is returned (wrapped in a *DivergedError) when the loss or
// the weights become NaN or infinite.
var ErrDiverged = errors.New("training diverged")

// DivergedError says where training diverged and what to try.
type DivergedError struct {
	Epoch, Step  int
	What         string
	LearningRate float64
}

func (e *DivergedError) Error() string {
	return fmt.Sprintf("training diverged at epoch %d, step %d: %s; kept the weights of the last finite step (hint: try a smaller learning rate, such as --lr %g)",
		e.Epoch, e.Step, e.What, e.LearningRate/10)
}

// Unwrap returns ErrDiverged.
func (e *DivergedError) Unwrap() error { return ErrDiverged }

// EpochStats is one row of metrics.csv. Val fields and accuracies are NaN
// where they do not apply.
type EpochStats struct {
	Epoch              int
	TrainLoss, ValLoss float64
	TrainAcc, ValAcc   float64
	Seconds            float64 // wall time of the epoch's training steps
}

// FitOptions control Fit's progress reports.
type FitOptions struct {
	// Progress receives one report per epoch; nil means none.
	Progress func(s EpochStats, epochs int)
}

// Result is the outcome of Fit.
type Result struct {
	Model     *layers.Model
	History   []EpochStats
	BestEpoch int // the epoch whose weights Model holds
	Stopped   string
	Err       error // a *DivergedError when Stopped is StopDiverged
	Train     Metrics
	Val       *Metrics
	Seconds   float64
	Threads   int
}

// batchPlan holds the graphs of one training run: one for full
// minibatches and, when the batch size does not divide the training set,
// one for the last, smaller batch. They share the model's weights.
type batchPlan struct {
	size       int
	full, tail *layers.Net
	fullGrads  []*mat.Dense // the full net's parameter gradients
	tailGrads  []*mat.Dense
}

func (p *batchPlan) net(rows int) *layers.Net {
	if rows == p.size {
		return p.full
	}
	return p.tail
}

func (p *batchPlan) grads(net *layers.Net) []*mat.Dense {
	if net == p.full {
		return p.fullGrads
	}
	return p.tailGrads
}

// gather copies the rows idx of src into dst's first len(idx) rows.
func gather(dst, src *mat.Dense, idx []int) {
	for i, r := range idx {
		copy(dst.RawRowView(i), src.RawRowView(r))
	}
}

func finiteAll(ms []*mat.Dense) bool {
	for _, m := range ms {
		for _, v := range m.RawMatrix().Data {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return false
			}
		}
	}
	return true
}

func copyAll(dst, src []*mat.Dense) {
	for i := range dst {
		dst[i].Copy(src[i])
	}
}

func cloneAll(src []*mat.Dense) []*mat.Dense {
	out := make([]*mat.Dense, len(src))
	for i, m := range src {
		out[i] = mat.DenseCopyOf(m)
	}
	return out
}

// params returns the model's weight and bias matrices in graph order.
func params(m *layers.Model) []*mat.Dense {
	var ps []*mat.Dense
	for _, l := range m.Layers {
		ps = append(ps, l.W, l.B)
	}
	return ps
}

// Fit trains a model on the problem by the config's optimizer, from a
// seeded initialization, with early stopping on the validation loss when
// its patience is positive (restoring the best weights) and a divergence
// guard. Cancelling ctx stops training after the current step with
// Stopped = StopInterrupted. The returned error is for failures other than
// divergence, which Result.Err reports.
func Fit(ctx context.Context, p *Problem, o FitOptions) (*Result, error) {
	cfg := p.Config
	if cfg.Train.Threads > 0 {
		prev := runtime.GOMAXPROCS(cfg.Train.Threads)
		defer runtime.GOMAXPROCS(prev)
	}
	m, err := layers.New(p.Spec)
	if err != nil {
		return nil, err
	}
	if err := m.Init(cfg.Model.Init, rand.New(rand.NewPCG(cfg.Train.Seed, streamInit))); err != nil {
		return nil, err
	}
	if p.Weights != nil {
		if err := m.SetWeights(p.Weights); err != nil {
			return nil, err
		}
	}
	k := m.Outputs()
	n := p.Train.Len()
	tTrain, err := Targets(p.Train, m.Loss, k)
	if err != nil {
		return nil, err
	}
	plan := &batchPlan{size: cfg.Train.BatchSize}
	if cfg.Train.Optimizer == "gd" || plan.size <= 0 || plan.size > n {
		plan.size = n
	}
	plan.full = m.Build(plan.size, cfg.Train.L2)
	plan.fullGrads = gradsOf(plan.full)
	if r := n % plan.size; r != 0 {
		plan.tail = m.Build(r, cfg.Train.L2)
		plan.tailGrads = gradsOf(plan.tail)
	}
	opt, err := NewOptimizer(cfg.Train.Optimizer, cfg.Train.LearningRate, cfg.Train.Momentum)
	if err != nil {
		return nil, err
	}
	shuffle := cfg.Train.Optimizer != "gd" && plan.size < n
	rng := rand.New(rand.NewPCG(cfg.Train.Seed, streamShuffle))
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}

	ws := params(m)
	prev := cloneAll(ws)       // the weights before the current step
	epochStart := cloneAll(ws) // the weights at the end of the last whole epoch
	var best []*mat.Dense
	res := &Result{Model: m, Stopped: StopCompleted, Threads: runtime.GOMAXPROCS(0)}
	bestLoss := math.Inf(1)
	classify := Classify(m.Loss)
	started := time.Now()

	// step trains on the rows idx and returns the batch's data loss and
	// the number it classified correctly, or an error on divergence.
	step := func(epoch, s int, idx []int) (float64, int, error) {
		net := plan.net(len(idx))
		gather(net.X.Value(), p.Train.X, idx)
		gather(net.T.Value(), tTrain, idx)
		net.G.Forward()
		loss, obj := net.DataLoss.Scalar(), net.Loss.Scalar()
		if math.IsNaN(obj) || math.IsInf(obj, 0) {
			return 0, 0, &DivergedError{Epoch: epoch, Step: s, What: fmt.Sprintf("the loss is %v", obj), LearningRate: cfg.Train.LearningRate}
		}
		net.G.Backward(net.Loss)
		copyAll(prev, ws)
		opt.Step(ws, plan.grads(net))
		if !finiteAll(ws) {
			copyAll(ws, prev)
			return 0, 0, &DivergedError{Epoch: epoch, Step: s, What: "a weight became infinite or NaN", LearningRate: cfg.Train.LearningRate}
		}
		correct := 0
		if classify {
			for i, r := range idx {
				if PredictClass(net.Y.Value(), i) == p.Train.Labels[r] {
					correct++
				}
			}
		}
		return loss, correct, nil
	}

epochs:
	for epoch := 1; epoch <= cfg.Train.Epochs; epoch++ {
		if shuffle {
			rng.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		}
		copyAll(epochStart, ws)
		t0 := time.Now()
		var sum float64
		correct := 0
		for s, lo := 1, 0; lo < n; s, lo = s+1, lo+plan.size {
			if ctx.Err() != nil {
				// Keep the weights of the last whole epoch, which
				// metrics.csv describes.
				copyAll(ws, epochStart)
				res.Stopped = StopInterrupted
				break epochs
			}
			idx := perm[lo:min(lo+plan.size, n)]
			loss, c, err := step(epoch, s, idx)
			if err != nil {
				res.Stopped, res.Err = StopDiverged, err
				break epochs
			}
			sum += loss * float64(len(idx))
			correct += c
		}
		st := EpochStats{Epoch: epoch, TrainLoss: sum / float64(n), ValLoss: math.NaN(), TrainAcc: math.NaN(), ValAcc: math.NaN(),
			Seconds: time.Since(t0).Seconds()}
		if classify {
			st.TrainAcc = float64(correct) / float64(n)
		}
		monitor := st.TrainLoss
		if p.Val != nil {
			vm, err := Score(m, p.Val, p.Classes)
			if err != nil {
				return nil, err
			}
			st.ValLoss = float64(vm.Loss)
			if vm.Accuracy != nil {
				st.ValAcc = float64(*vm.Accuracy)
			}
			monitor = st.ValLoss
		}
		res.History = append(res.History, st)
		if o.Progress != nil {
			o.Progress(st, cfg.Train.Epochs)
		}
		patience := cfg.Train.EarlyStopping.Patience
		if p.Val != nil && patience > 0 {
			if monitor < bestLoss {
				bestLoss, res.BestEpoch = monitor, epoch
				if best == nil {
					best = cloneAll(ws)
				} else {
					copyAll(best, ws)
				}
			} else if epoch-res.BestEpoch >= patience {
				res.Stopped = StopEarlyStopping
				break
			}
		} else {
			res.BestEpoch = epoch
		}
	}
	if best != nil && res.Stopped != StopDiverged {
		copyAll(ws, best)
	} else {
		res.BestEpoch = len(res.History)
	}
	res.Seconds = time.Since(started).Seconds()
	if res.Train, err = Score(m, p.Train, p.Classes); err != nil {
		return nil, err
	}
	if p.Val != nil {
		vm, err := Score(m, p.Val, p.Classes)
		if err != nil {
			return nil, err
		}
		res.Val = &vm
	}
	return res, nil
}

// gradsOf returns the gradients of the net's parameters, in the order of
// params(m).
func gradsOf(net *layers.Net) []*mat.Dense {
	g := make([]*mat.Dense, len(net.Params))
	for i, p := range net.Params {
		g[i] = p.Grad()
	}
	return g
}

// WriteMetricsCSV writes metrics.csv: epoch,train_loss,val_loss,
// train_accuracy,val_accuracy,seconds, with empty cells for values that
// do not apply (NaN).
func WriteMetricsCSV(path string, hist []EpochStats) error {
	return WriteFileAtomic(path, func(w io.Writer) error {
		if _, err := io.WriteString(w, "epoch,train_loss,val_loss,train_accuracy,val_accuracy,seconds\n"); err != nil {
			return err
		}
		for _, s := range hist {
			if _, err := fmt.Fprintf(w, "%d,%s,%s,%s,%s,%s\n", s.Epoch, cell(s.TrainLoss), cell(s.ValLoss),
				cell(s.TrainAcc), cell(s.ValAcc), cell(s.Seconds)); err != nil {
				return err
			}
		}
		return nil
	})
}

// cell formats v exactly (shortest round-trip form), or empty for NaN.
func cell(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// Transform applies a saved model's feature map and normalization to ds
// in place.
func (s *Saved) Transform(ds *data.Dataset) { transform(s.Poly, s.Scaler, ds) }

// transform applies the feature map poly and then the scaler (if not nil)
// to ds's features in place; nil ds stays nil.
func transform(poly data.Polynomial, scaler *data.Scaler, ds *data.Dataset) {
	if ds == nil {
		return
	}
	if poly.Degree > 1 {
		x := mat.NewDense(ds.Len(), poly.Outputs(), nil)
		poly.Apply(x, ds.X)
		ds.FeatureNames = poly.Names(ds.FeatureNames)
		ds.X = x
	}
	if scaler != nil {
		scaler.Apply(ds.X, ds.X)
	}
}
