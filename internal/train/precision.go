package train

import (
	"fmt"
	"math"

	"github.com/mlptrain/mlptrain/internal/data"
	"github.com/mlptrain/mlptrain/internal/gemm"
	"github.com/mlptrain/mlptrain/internal/graph"
	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/mlptrain/mlptrain/internal/vmath"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/mat"
)

// A float32 model (train.precision: float32, layers.Model.Float32) trains
// and evaluates float32 graphs over float32 twins of its matrices. Its
// float64 matrices hold the same values (float32 represents them
// exactly), written back from the twins (Widen32) whenever something
// reads them: the snapshots of the run's state (the epoch's start, early
// stopping's best), a checkpoint, the end of the run; and the twins are
// set from them (Round32) whenever something writes them. So a float32
// run's snapshots, checkpoint and model.json are float64 files whose
// numbers are float32 values, and resuming one is exact.

// gather32 copies the rows idx of src into dst's first len(idx) rows,
// rounding to float32.
func gather32(dst *blas32.General, src *mat.Dense, idx []int) {
	s := src.RawMatrix()
	c := s.Cols
	for i, r := range idx {
		vmath.Narrow(dst.Data[i*dst.Stride:][:c], s.Data[r*s.Stride:][:c])
	}
}

// gatherInto is the gatherer's gather into a net's input node, in either
// precision.
func (g *gatherer) gatherInto(x *graph.Node, src *mat.Dense, idx []int) {
	if x.Value32() == nil {
		g.gather(x.Value(), src, idx)
		return
	}
	if _, c := src.Dims(); len(idx)*c < parallelEntries {
		gather32(x.Value32(), src, idx)
		return
	}
	if g.run == nil {
		g.run = g.part
	}
	g.dst32, g.src, g.idx = x.Value32(), src, idx
	gemm.Parallel(gatherParts, g.run)
	g.dst32, g.src, g.idx = nil, nil, nil
}

// gatherRows is gather into a net's node in either precision.
func gatherRows(x *graph.Node, src *mat.Dense, idx []int) {
	if v := x.Value32(); v != nil {
		gather32(v, src, idx)
		return
	}
	gather(x.Value(), src, idx)
}

// grads32Of returns the float32 gradients of the net's parameters.
func grads32Of(params []*graph.Node) []*blas32.General {
	g := make([]*blas32.General, len(params))
	for i, p := range params {
		g[i] = p.Grad32()
	}
	return g
}

// countCorrect32 is countCorrect for float32 predictions.
func countCorrect32(y *blas32.General, labels []int, idx []int, row []float64) int {
	n := 0
	for i, r := range idx {
		yr := y.Data[i*y.Stride:][:y.Cols]
		for j, v := range yr {
			row[j] = float64(v)
		}
		if predictRow(row[:y.Cols]) == labels[r] {
			n++
		}
	}
	return n
}

// narrowed returns x rounded to float32: a float32 run gathers its
// minibatches from it, reading half the bytes of x at every step (the
// gather of 128 random rows of a 377 MB matrix was a fifth of a float32
// step), for half of x's memory more.
func narrowed(x *mat.Dense) *blas32.General {
	r, c := x.Dims()
	out := &blas32.General{Rows: r, Cols: c, Stride: c, Data: make([]float32, r*c)}
	src := x.RawMatrix()
	parts := min(16, max(r, 1))
	gemm.Parallel(parts, func(p int) {
		lo, hi := p*r/parts, (p+1)*r/parts
		for i := lo; i < hi; i++ {
			vmath.Narrow(out.Data[i*c:][:c], src.Data[i*src.Stride:][:c])
		}
	})
	return out
}

// copyRows32 copies the rows idx of src into dst's first len(idx) rows.
func copyRows32(dst, src *blas32.General, idx []int) {
	c := src.Cols
	for i, r := range idx {
		copy(dst.Data[i*dst.Stride:][:c], src.Data[r*src.Stride:][:c])
	}
}

// gather32 is gather for a float32 source and destination, in parallel
// parts when the minibatch is large.
func (g *gatherer) gather32(dst, src *blas32.General, idx []int) {
	if len(idx)*src.Cols < parallelEntries {
		copyRows32(dst, src, idx)
		return
	}
	if g.run == nil {
		g.run = g.part
	}
	g.dst32, g.src32, g.idx = dst, src, idx
	gemm.Parallel(gatherParts, g.run)
	g.dst32, g.src32, g.idx = nil, nil, nil
}

// float32Data returns an input error if the inputs or regression targets
// of p's training or validation set, as the nets get them (after the
// preprocessing), hold a value beyond float32's range, which a float32
// run would round to ±Inf. A streamed training set is read later: its
// rows are checked batch by batch (trainStep).
func float32Data(p *Problem) error {
	if err := float32Rows(p.Train, "training", true); err != nil {
		return err
	}
	if err := float32Rows(p.Val, "validation", true); err != nil {
		return err
	}
	// Standardized targets are in range, but the model's outputs, with the
	// scaling folded in, are in the original units.
	if s := p.TargetScale; s != nil {
		for _, c := range []struct {
			ds   *data.Dataset
			what string
		}{{p.Train, "training"}, {p.Val, "validation"}} {
			if c.ds == nil || c.ds.Y == nil {
				continue
			}
			orig := mat.DenseCopyOf(c.ds.Y)
			unscale(orig, s)
			ds := *c.ds
			ds.X, ds.Y = nil, orig
			if err := float32Rows(&ds, c.what, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// float32Rows returns an input error naming ds's file and line if an
// input of ds (or a target, if targets), as a float32 model gets it after
// the preprocessing, lies beyond float32's range, where it would round
// to ±Inf; what names the set ("training", "test"; "" for a file read
// for a saved model, whose hint differs).
func float32Rows(ds *data.Dataset, what string, targets bool) error {
	if ds == nil {
		return nil
	}
	if err := float32Matrix(ds, ds.X, ds.FeatureNames, what, "input"); err != nil || !targets {
		return err
	}
	return float32Matrix(ds, ds.Y, ds.TargetNames, what, "target")
}

// float32Matrix is float32Rows for one matrix of ds, m (nil: nothing to
// check), whose columns names names; kind is "input" or "target".
func float32Matrix(ds *data.Dataset, m *mat.Dense, names []string, what, kind string) error {
	if m == nil {
		return nil
	}
	r, c := m.Dims()
	for i := range r {
		for j, v := range m.RawRowView(i)[:c] {
			if math.Abs(v) > math.MaxFloat32 && !math.IsNaN(v) {
				return float32RangeError(ds, names, what, kind, i, j, v)
			}
		}
	}
	return nil
}

// float32RangeError is float32Matrix's error for the value v of row i,
// column j.
func float32RangeError(ds *data.Dataset, names []string, what, kind string, i, j int, v float64) error {
	name := fmt.Sprintf("%s %d", kind, j+1)
	if j < len(names) {
		name = fmt.Sprintf("%s %q", kind, names[j])
	}
	line := 0
	if i < len(ds.Lines) {
		line = ds.Lines[i]
	}
	set := ""
	if what != "" {
		set = " of the " + what + " set"
	}
	hint, after := "use train.precision: float64, or data.normalize to scale the values", " after the preprocessing"
	if kind == "target" {
		hint, after = "use train.precision: float64: a float32 model's outputs cannot reach the value", ""
	}
	if what == "" {
		hint = "the model computes in float32 (trained with train.precision: float32): check the value, or train the model again with train.precision: float64"
	}
	return &inputerr.Error{File: ds.File, Line: line, Hint: hint,
		Err: fmt.Errorf("%s%s is %.7g%s, beyond float32's range (±%.4g), where a float32 model rounds it to infinity", name, set, v, after, math.MaxFloat32)}
}
