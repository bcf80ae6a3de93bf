package data

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

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

	var warn []string
	col := make([]float64, n)
	for j := range d {
		mat.Col(col, j, x)
		lo, hi := col[0], col[0]
		for _, v := range col {
			lo, hi = min(lo, v), max(hi, v)
		}
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
			s.Offset[j], s.Scale[j] = meanStd(col)
		}
		if !finite(s.Offset[j]) || !finite(s.Scale[j]) || s.Scale[j] == 0 {
			return nil, nil, &inputerr.Error{Key: colKey(names[j]), Err: fmt.Errorf("cannot %s: values span too wide a range", method),
				Hint: "rescale the column so its values lie well within ±1e300"}
		}
	}
	return s, warn, nil
}

// meanStd returns the mean and the population standard deviation of x, by
// two passes for accuracy.
func meanStd(x []float64) (mean, std float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	var ss float64
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(ss / float64(len(x)))
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Apply writes (x − Offset)/Scale, column by column, into dst. dst may be x
// itself (in place). Apply panics if dst and x differ in shape or x's columns
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
	for i := range n {
		src, out := x.RawRowView(i), dst.RawRowView(i)
		for j, v := range src {
			out[j] = (v - s.Offset[j]) / s.Scale[j]
		}
	}
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
