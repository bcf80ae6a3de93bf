package train

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/mlptrain/mlptrain/internal/data"
	"github.com/mlptrain/mlptrain/internal/jsonnum"
	"github.com/mlptrain/mlptrain/internal/layers"
	"github.com/mlptrain/mlptrain/internal/metric"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Metrics score a model on a dataset. Classification fills Accuracy,
// Classes, ConfusionMatrix (rows: true class, columns: predicted) and
// PerClass; regression fills MSE, MAE and R2. Loss is the data loss
// without the L2 penalty.
type Metrics struct {
	N               int            `json:"n"`
	Loss            jsonnum.Float  `json:"loss"`
	Accuracy        *jsonnum.Float `json:"accuracy,omitempty"`
	Classes         []string       `json:"classes,omitempty"`
	ConfusionMatrix [][]int        `json:"confusion_matrix,omitempty"`
	PerClass        []ClassMetrics `json:"per_class,omitempty"`
	// ROCAUC and PRAUC (average precision) are the binary metrics of the
	// second class (in the model's order) against the first, or the macro
	// one-vs-rest averages over the classes present; nil where undefined
	// (one class only).
	ROCAUC *jsonnum.Float `json:"roc_auc,omitempty"`
	PRAUC  *jsonnum.Float `json:"pr_auc,omitempty"`
	MSE    *jsonnum.Float `json:"mse,omitempty"`
	MAE    *jsonnum.Float `json:"mae,omitempty"`
	R2     *jsonnum.Float `json:"r2,omitempty"`
	// PerTarget holds each target's MSE, MAE and R² when there are
	// several (multi-output regression); MSE, MAE and R2 above pool them.
	PerTarget []TargetMetrics `json:"per_target,omitempty"`
	// UnknownCategories counts, per categorical column, the cells whose
	// level the model did not see in training (encoded as "(other)" or
	// as no level); DroppedRows the rows left out, their target missing.
	UnknownCategories map[string]int `json:"unknown_categories,omitempty"`
	DroppedRows       int            `json:"dropped_rows,omitempty"`
}

// TargetMetrics are one regression target's metrics.
type TargetMetrics struct {
	Target string        `json:"target"`
	MSE    jsonnum.Float `json:"mse"`
	MAE    jsonnum.Float `json:"mae"`
	R2     jsonnum.Float `json:"r2"`
}

// ClassMetrics are one class's precision, recall and F1 (0 where
// undefined, as scikit-learn's zero_division=0) and its number of examples.
type ClassMetrics struct {
	Class     string        `json:"class"`
	Precision jsonnum.Float `json:"precision"`
	Recall    jsonnum.Float `json:"recall"`
	F1        jsonnum.Float `json:"f1"`
	Support   int           `json:"support"`
}

// evalChunk is the batch size for evaluation: big enough for efficient
// products, small enough to bound memory on large files.
const evalChunk = 1024

// forwarder runs a model over many rows chunk by chunk, keeping its
// graphs (one for full chunks, one for the last) and output buffer, so
// that scoring every epoch builds them once.
type forwarder struct {
	m          *layers.Model
	full, tail *layers.Net
	y          *mat.Dense
	// x32, if not nil, is x rounded to float32 (a float32 run's copy of
	// its training matrix), which a float32 net reads in place instead of
	// rounding x chunk by chunk: the same numbers, without a pass over x.
	x32 *blas32.General
}

// forward returns the n×k predictions for x and, if t is not nil, the mean
// data loss against the targets t. The result is reused by the next call.
func (f *forwarder) forward(x, t *mat.Dense) (*mat.Dense, float64) {
	n, _ := x.Dims()
	k := f.m.Outputs()
	if f.y == nil || f.y.RawMatrix().Rows != n {
		f.y = mat.NewDense(n, k, nil)
	}
	var loss float64
	for lo := 0; lo < n; lo += evalChunk {
		hi := min(lo+evalChunk, n)
		var net *layers.Net
		if hi-lo == evalChunk {
			if f.full == nil {
				f.full = f.m.Build(evalChunk, 0)
			}
			net = f.full
		} else {
			if r, _ := dimsOrZero(f.tail); r != hi-lo {
				f.tail = f.m.Build(hi-lo, 0)
			}
			net = f.tail
		}
		// A float64 net reads the chunk's rows of x in place: its input
		// node's matrix is pointed at them for the Forward (the products
		// read their operands through it), saving a copy of every row.
		in, own, view := net.X.Value(), blas64.General{}, false
		in32, own32, view32 := net.X.Value32(), blas32.General{}, false
		raw := x.RawMatrix()
		switch {
		case in != nil && raw.Stride == raw.Cols:
			own, view = in.RawMatrix(), true
			in.SetRawMatrix(blas64.General{Rows: hi - lo, Cols: raw.Cols, Stride: raw.Stride, Data: raw.Data[lo*raw.Stride : hi*raw.Stride]})
		case in32 != nil && f.x32 != nil && f.x32.Rows == n && f.x32.Cols == raw.Cols && f.x32.Stride == raw.Cols:
			own32, view32 = *in32, true
			s := f.x32.Stride
			*in32 = blas32.General{Rows: hi - lo, Cols: raw.Cols, Stride: s, Data: f.x32.Data[lo*s : (hi-1)*s+raw.Cols]}
		default:
			net.X.Fill(x.Slice(lo, hi, 0, raw.Cols).(*mat.Dense))
		}
		if t != nil {
			net.T.Fill(t.Slice(lo, hi, 0, t.RawMatrix().Cols).(*mat.Dense))
		}
		net.G.Forward()
		if view {
			in.SetRawMatrix(own)
		}
		if view32 {
			*in32 = own32
		}
		net.Y.CopyValue(f.y.Slice(lo, hi, 0, k).(*mat.Dense))
		loss += net.DataLoss.Scalar() * float64(hi-lo)
	}
	return f.y, loss / float64(max(n, 1))
}

// dimsOrZero returns the batch size of net's input, or 0 for no net.
func dimsOrZero(net *layers.Net) (int, int) {
	if net == nil {
		return 0, 0
	}
	return net.X.Dims()
}

// Forward runs the model on every row of x, chunk by chunk, and returns
// the n×k predictions (output activations). If t is not nil it also
// returns the mean data loss against the targets t.
func Forward(m *layers.Model, x, t *mat.Dense) (*mat.Dense, float64) {
	return (&forwarder{m: m}).forward(x, t)
}

// PredictClass returns the predicted class of row i of the predictions y:
// the most probable class of a softmax, or class 1 when a single logistic
// output is at least ½.
func PredictClass(y *mat.Dense, i int) int {
	raw := y.RawMatrix()
	return predictRow(raw.Data[i*raw.Stride : i*raw.Stride+raw.Cols])
}

// predictRow is PredictClass for one row of predictions.
func predictRow(row []float64) int {
	if len(row) == 1 {
		if row[0] >= 0.5 {
			return 1
		}
		return 0
	}
	return argmax(row)
}

// argmax returns the index of the first largest entry of row, as a loop of
// "if v > max" would; NaN never wins. It selects by arithmetic rather than
// by branching, so an unpredictable argmax costs no mispredicted branches
// (a small network's accuracy count spent more time in them than in its
// products).
func argmax(row []float64) int {
	best, bv := 0, math.Float64bits(row[0])
	for j := 1; j < len(row); j++ {
		v := row[j]
		var gt int
		if v > math.Float64frombits(bv) {
			gt = 1
		}
		mask := -uint64(gt)
		bv ^= mask & (bv ^ math.Float64bits(v))
		best += gt * (j - best)
	}
	return best
}

// countCorrect returns how many rows i of y PredictClass assigns the
// class labels[idx[i]].
func countCorrect(y *mat.Dense, labels []int, idx []int) int {
	raw := y.RawMatrix()
	n := 0
	for i, r := range idx {
		if predictRow(raw.Data[i*raw.Stride:][:raw.Cols]) == labels[r] {
			n++
		}
	}
	return n
}

// Score computes the metrics of model m on ds, whose features are already
// transformed; classes are the model's classes for classification.
func Score(m *layers.Model, ds *data.Dataset, classes []string) (Metrics, error) {
	return scoreWith(m, ds, classes, nil)
}

// scoreWith is Score, with x32, if not nil, ds.X rounded to float32 for a
// float32 model to read in place (forwarder.x32).
func scoreWith(m *layers.Model, ds *data.Dataset, classes []string, x32 *blas32.General) (Metrics, error) {
	sc, err := newScorer(m, ds, classes)
	if err != nil {
		return Metrics{}, err
	}
	sc.x32 = x32
	met := sc.score()
	if Classify(m.Loss) {
		rankMetrics(&met, sc.y, ds.Labels, len(classes))
	} else if len(ds.TargetNames) > 1 {
		met.PerTarget = perTarget(sc.y, ds.Y, ds.TargetNames)
	}
	met.UnknownCategories, met.DroppedRows = ds.Unknown, ds.Dropped
	return met, nil
}

// rankMetrics fills ROCAUC and PRAUC from the predictions y (k class
// probabilities a row, or one logistic output: the second class's). A
// prediction that is not finite (a diverged model's, whose finite weights
// overflow its outputs) ranks nothing: both stay undefined.
func rankMetrics(met *Metrics, y *mat.Dense, labels []int, k int) {
	n, c := y.Dims()
	raw := y.RawMatrix()
	for i := range n {
		for _, v := range raw.Data[i*raw.Stride:][:c] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return
			}
		}
	}
	var r metric.Ranking
	if c == 1 || k == 2 {
		scores, pos := make([]float64, n), make([]bool, n)
		for i := range n {
			scores[i] = raw.Data[i*raw.Stride+c-1]
			pos[i] = labels[i] == 1
		}
		r = metric.BinaryRanking(scores, pos, nil)
	} else {
		prob := raw.Data[:n*c]
		if raw.Stride != c {
			prob = make([]float64, 0, n*c)
			for i := range n {
				prob = append(prob, raw.Data[i*raw.Stride:i*raw.Stride+c]...)
			}
		}
		r = macroRanking(prob, labels, c)
	}
	if r.ROCOK {
		met.ROCAUC = jsonnum.Ptr(r.ROCAUC)
	}
	if r.APOK {
		met.PRAUC = jsonnum.Ptr(r.AP)
	}
}

// perTarget returns each target's metrics.
func perTarget(y, t *mat.Dense, names []string) []TargetMetrics {
	_, k := t.Dims()
	out := make([]TargetMetrics, k)
	for j := range k {
		var m Metrics
		regressionMetrics(&m, colView(y, j), colView(t, j))
		out[j] = TargetMetrics{Target: names[j], MSE: *m.MSE, MAE: *m.MAE, R2: *m.R2}
	}
	return out
}

// colView returns column j of m as an n×1 matrix.
func colView(m *mat.Dense, j int) *mat.Dense {
	n, _ := m.Dims()
	return m.Slice(0, n, j, j+1).(*mat.Dense)
}

// scorer scores a model on one dataset again and again (every epoch),
// building its targets, graphs and buffers once.
type scorer struct {
	forwarder
	ds      *data.Dataset
	t       *mat.Dense
	classes []string
	// rank computes ROCAUC and PRAUC too (classification), which costs a
	// sort: for early stopping on them.
	rank bool
}

func newScorer(m *layers.Model, ds *data.Dataset, classes []string) (*scorer, error) {
	t, err := Targets(ds, m.Loss, m.Outputs())
	if err != nil {
		return nil, err
	}
	return &scorer{forwarder: forwarder{m: m}, ds: ds, t: t, classes: classes}, nil
}

// score returns the metrics of the model's current weights.
func (sc *scorer) score() Metrics {
	y, loss := sc.forward(sc.ds.X, sc.t)
	met := Metrics{N: sc.ds.Len(), Loss: jsonnum.Float(loss)}
	if Classify(sc.m.Loss) {
		classMetrics(&met, y, sc.ds.Labels, sc.classes)
		if sc.rank {
			rankMetrics(&met, y, sc.ds.Labels, len(sc.classes))
		}
	} else {
		regressionMetrics(&met, y, sc.ds.Y)
	}
	return met
}

func classMetrics(met *Metrics, y *mat.Dense, labels []int, classes []string) {
	k := len(classes)
	cm := make([][]int, k)
	for i := range cm {
		cm[i] = make([]int, k)
	}
	correct := 0
	for i, l := range labels {
		p := PredictClass(y, i)
		cm[l][p]++
		if p == l {
			correct++
		}
	}
	met.Accuracy = jsonnum.Ptr(float64(correct) / float64(max(len(labels), 1)))
	met.Classes, met.ConfusionMatrix = classes, cm
	for c := range k {
		tp, predicted, support := cm[c][c], 0, 0
		for j := range k {
			predicted += cm[j][c]
			support += cm[c][j]
		}
		cl := ClassMetrics{Class: classes[c], Support: support}
		if predicted > 0 {
			cl.Precision = jsonnum.Float(float64(tp) / float64(predicted))
		}
		if support > 0 {
			cl.Recall = jsonnum.Float(float64(tp) / float64(support))
		}
		if s := cl.Precision + cl.Recall; s > 0 {
			cl.F1 = 2 * cl.Precision * cl.Recall / s
		}
		met.PerClass = append(met.PerClass, cl)
	}
}

// regressionMetrics fills MSE and MAE (over all outputs) and R², the mean
// over the outputs of 1 − SS_res/SS_tot (as scikit-learn's r2_score with
// uniform averaging; an output with constant targets counts as 1 when
// predicted exactly, else 0).
func regressionMetrics(met *Metrics, y, t *mat.Dense) {
	n, k := t.Dims()
	var se, ae, r2 float64
	for j := range k {
		var mean float64
		for i := range n {
			mean += t.At(i, j)
		}
		mean /= float64(n)
		var ssRes, ssTot float64
		for i := range n {
			d := y.At(i, j) - t.At(i, j)
			se += d * d
			ae += math.Abs(d)
			ssRes += d * d
			ssTot += (t.At(i, j) - mean) * (t.At(i, j) - mean)
		}
		switch {
		case ssTot > 0:
			r2 += 1 - ssRes/ssTot
		case ssRes == 0:
			r2++
		}
	}
	cells := float64(n * k)
	met.MSE = jsonnum.Ptr(se / cells)
	met.MAE = jsonnum.Ptr(ae / cells)
	met.R2 = jsonnum.Ptr(r2 / float64(k))
}

// parallelRanking is the least number of rows whose macro ranking
// metrics macroRanking computes on several goroutines.
const parallelRanking = 1 << 13

// macroRanking is metric.MacroRanking(prob, labels, k, nil) with, on
// GOMAXPROCS > 1 and many rows, the classes' one-vs-rest problems ranked
// on several goroutines (each sorts its n scores: a tenth of the final
// Score of the reference training set). Each problem is
// metric.BinaryRanking's, which sorts and sums as MacroRanking does, and
// the averages add them up in the same order, so the bits are the same.
func macroRanking(prob []float64, labels []int, k int) metric.Ranking {
	n := len(labels)
	procs := min(runtime.GOMAXPROCS(0), k)
	if procs < 2 || n < parallelRanking || len(prob) != n*k {
		return metric.MacroRanking(prob, labels, k, nil)
	}
	rs := make([]metric.Ranking, k)
	var wg sync.WaitGroup
	next := atomic.Int64{}
	for range procs {
		wg.Go(func() {
			scores, pos := make([]float64, n), make([]bool, n)
			for c := int(next.Add(1) - 1); c < k; c = int(next.Add(1) - 1) {
				for i := range n {
					scores[i], pos[i] = prob[i*k+c], labels[i] == c
				}
				rs[c] = metric.BinaryRanking(scores, pos, nil)
			}
		})
	}
	wg.Wait()
	var r metric.Ranking
	var aucSum, apSum float64
	var aucN, apN int
	for _, rc := range rs {
		if rc.ROCOK {
			aucSum += rc.ROCAUC
			aucN++
		}
		if rc.APOK {
			apSum += rc.AP
			apN++
		}
	}
	if aucN > 0 {
		r.ROCAUC, r.ROCOK = aucSum/float64(aucN), true
	}
	if apN > 0 {
		r.AP, r.APOK = apSum/float64(apN), true
	}
	return r
}
