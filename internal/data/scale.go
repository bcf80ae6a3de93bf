package data

import (
	"fmt"
	"math"
	"runtime"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/mlptrain/mlptrain/internal/gemm"
	"github.com/mlptrain/mlptrain/internal/inputerr"
)

// The normalization methods.
const (
	Standardize = "standardize" // x' = (x − mean)/std, population std
	MinMax      = "minmax"      // x' = (x − min)/(max − min), into [0, 1]
	NoScaling   = "none"        // x' = x
)

// Scaler is a fitted column-wise affine normalization x' = (x − Offset)/Scale.
// Its exported fields are what a model file stores.
type Scaler struct {
	Method string    `json:"method"`
	Offset []float64 `json:"offset"`
	Scale  []float64 `json:"scale"`
}

// FitScaler fits a Scaler of the given method (Standardize, MinMax or
// NoScaling) to the columns of x, named by names for warnings and errors.
// A constant column gets scale 1 (as in scikit-learn), so it maps to 0, and
// a warning naming it. FitScaler returns an *inputerr.Error with Key
// "data.normalize" for an unknown method, and one naming the column if its
// statistics overflow. It panics if len(names) differs from x's columns.
func FitScaler(method string, x *mat.Dense, names []string) (*Scaler, []string, error) {
	n, d := x.Dims()
	if len(names) != d {
		panic(fmt.Sprintf("data: FitScaler with %d names for %d columns", len(names), d))
	}
	s := &Scaler{Method: method, Offset: make([]float64, d), Scale: make([]float64, d)}
	switch method {
	case Standardize, MinMax:
	case NoScaling:
		for j := range s.Scale {
			s.Scale[j] = 1
		}
		return s, nil, nil
	default:
		hint := `use "standardize", "minmax" or "none"`
		if m, ok := nearest(method, []string{Standardize, MinMax, NoScaling}); ok {
			hint = fmt.Sprintf("did you mean %s? %s", quote(m), hint)
		}
		return nil, nil, &inputerr.Error{Key: "data.normalize", Err: fmt.Errorf("unknown normalization %s", quote(method)), Hint: hint}
	}

	st := columnStats(x, method == Standardize)
	var warn []string
	for j := range d {
		lo, hi := st.lo[j], st.hi[j]
		if lo == hi {
			// Testing max == min, not std == 0: rounding can leave a tiny
			// nonzero std for a constant column.
			s.Offset[j], s.Scale[j] = lo, 1
			warn = append(warn, fmt.Sprintf("column %s is constant (every value is %g); its scale is set to 1", quote(names[j]), lo))
			continue
		}
		if method == MinMax {
			s.Offset[j], s.Scale[j] = lo, hi-lo
		} else {
			s.Offset[j], s.Scale[j] = st.mean[j], math.Sqrt(st.ss[j]/float64(n))
		}
		if !finite(s.Offset[j]) || !finite(s.Scale[j]) || s.Scale[j] == 0 {
			return nil, nil, &inputerr.Error{Key: colKey(names[j]), Err: fmt.Errorf("cannot %s: values span too wide a range", method),
				Hint: "rescale the column so its values lie well within ±1e300"}
		}
	}
	return s, warn, nil
}

// stats are the columns' statistics that FitScaler needs.
type stats struct {
	lo, hi   []float64 // each column's least and greatest value
	mean, ss []float64 // with moments: its mean and its sum of squared deviations from the mean
}

// columnStats returns the least and greatest value of each column of x
// and, if moments, each column's mean and sum of squared deviations from
// it, by two passes (one without moments): the mean is the sum over the
// rows in order divided by their number, and the sum of (v − mean)·(v −
// mean) is over the rows in order too, the roundings of a loop over a
// column (each term fused into one multiply-add where the compiler fuses
// that loop's: fusedSquares). It reads x row by row, each of GOMAXPROCS
// goroutines a run of the columns (at least 16): reading a column at a
// time, or narrow blocks of columns, would fetch a cache line for every
// number, or start a new stream in a new page for every row. x has at
// least one row.
func columnStats(x *mat.Dense, moments bool) stats {
	n, d := x.Dims()
	raw := x.RawMatrix()
	st := stats{lo: make([]float64, d), hi: make([]float64, d)}
	if moments {
		st.mean, st.ss = make([]float64, d), make([]float64, d)
	}
	inRuns(d, d/16, n*d, func(j0, j1 int) { st.columns(raw, j0, j1) })
	return st
}

// columns fills in st's statistics of x's columns j0 to j1 (see
// columnStats).
func (st stats) columns(x blas64.General, j0, j1 int) {
	n := x.Rows
	lo, hi := st.lo[j0:j1], st.hi[j0:j1]
	copy(lo, x.Data[j0:j1])
	copy(hi, x.Data[j0:j1])
	if st.mean == nil {
		for i := range n {
			for k, v := range x.Data[i*x.Stride+j0 : i*x.Stride+j1] {
				lo[k], hi[k] = min(lo[k], v), max(hi[k], v)
			}
		}
		return
	}
	mean, ss := st.mean[j0:j1], st.ss[j0:j1]
	for i := range n {
		for k, v := range x.Data[i*x.Stride+j0 : i*x.Stride+j1] {
			lo[k], hi[k] = min(lo[k], v), max(hi[k], v)
			mean[k] += v
		}
	}
	for k := range mean {
		mean[k] /= float64(n)
	}
	for i := range n {
		for k, v := range x.Data[i*x.Stride+j0 : i*x.Stride+j1] {
			t := v - mean[k]
			if fusedSquares {
				ss[k] = math.FMA(t, t, ss[k])
			} else {
				ss[k] += t * t
			}
		}
	}
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Apply writes (x − Offset)/Scale, column by column, into dst, on up to
// GOMAXPROCS goroutines for a large x. dst may be x itself (in place), but
// must not otherwise overlap it. Apply panics if dst and x differ in shape or x's columns
// differ from len(Offset) or len(Scale).
func (s *Scaler) Apply(dst, x *mat.Dense) {
	n, d := x.Dims()
	if r, c := dst.Dims(); r != n || c != d {
		panic(fmt.Sprintf("data: Scaler.Apply into %d×%d from %d×%d", r, c, n, d))
	}
	if len(s.Offset) != d || len(s.Scale) != d {
		panic(fmt.Sprintf("data: Scaler.Apply with %d offsets and %d scales to %d columns", len(s.Offset), len(s.Scale), d))
	}
	if s.identity() {
		// (x − 0)/1 is x: skip a pass over a large matrix.
		if dst != x {
			dst.Copy(x)
		}
		return
	}
	// Runs of rows on the threads inRuns shares: the same operations on
	// every number as one loop.
	inRuns(n, n, n*d, func(i0, i1 int) {
		for i := i0; i < i1; i++ {
			src, out := x.RawRowView(i), dst.RawRowView(i)
			for j, v := range src {
				out[j] = (v - s.Offset[j]) / s.Scale[j]
			}
		}
	})
}

// identity reports whether every offset is +0 and every scale 1, so that
// Apply maps every x to x itself (an offset of −0 would turn −0 into +0).
func (s *Scaler) identity() bool {
	for j, o := range s.Offset {
		if math.Float64bits(o) != 0 || s.Scale[j] != 1 {
			return false
		}
	}
	return true
}

// Check reports whether s is usable on d columns: a known method, d offsets
// and scales, all finite, scales nonzero. It is for a Scaler loaded from a
// model file; the caller adds the file's position to the error.
func (s *Scaler) Check(d int) error {
	switch s.Method {
	case Standardize, MinMax, NoScaling:
	default:
		return fmt.Errorf("unknown normalization %s", quote(s.Method))
	}
	if len(s.Offset) != d || len(s.Scale) != d {
		return fmt.Errorf("normalization has %d offsets and %d scales for %d features", len(s.Offset), len(s.Scale), d)
	}
	for j := range d {
		if !finite(s.Offset[j]) || !finite(s.Scale[j]) {
			return fmt.Errorf("normalization of feature %d is not finite", j+1)
		}
		if s.Scale[j] == 0 {
			return fmt.Errorf("normalization scale of feature %d is zero", j+1)
		}
	}
	return nil
}

// inRuns calls f(lo, hi) on the runs of [0, n) of up to GOMAXPROCS equal
// parts, at most most of them and each of at least 64Ki of the entries
// (the numbers the whole pass touches), on the threads gemm.Parallel
// shares: a pass over a large table that splits without starting
// goroutines, and that uses fewer threads while other processes keep
// cores busy.
func inRuns(n, most, entries int, f func(lo, hi int)) {
	parts := max(1, min(runtime.GOMAXPROCS(0), most, entries/(1<<16)))
	gemm.Parallel(parts, func(p int) { f(p*n/parts, (p+1)*n/parts) })
}
