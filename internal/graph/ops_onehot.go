package graph

import (
	"fmt"

	gemmpkg "github.com/mlptrain/mlptrain/internal/gemm"
	"github.com/mlptrain/mlptrain/internal/vmath"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// oneHotMatMul is z = x[:, :d]·w[:d] + Σ_j w[off_j + code_ij]: the product
// of w with the matrix whose first d columns are x's and whose other
// columns are the one-hot blocks of x's last columns, integer codes, which
// is never built.
type oneHotMatMul struct {
	d      int   // x's dense (numeric) columns
	levels []int // levels of each code column
	off    []int // off[j] = d + Σ_{i<j} levels[i]: w's row of code 0 of column j
	// rows[i·c+j] is w's row for x[i, d+j] after the last forward, or −1
	// for no level: the codes, decoded and checked once per pass.
	rows []int
}

// denseCols returns the first d columns of m as a view, without
// allocating.
func denseCols(m *mat.Dense, d int) blas64.General {
	r := m.RawMatrix()
	return blas64.General{Rows: r.Rows, Cols: d, Stride: r.Stride, Data: r.Data}
}

// topRows returns the first d rows of the contiguous m as a view, without
// allocating.
func topRows(m *mat.Dense, d int) blas64.General {
	r := m.RawMatrix()
	return blas64.General{Rows: d, Cols: r.Cols, Stride: r.Stride, Data: r.Data[:d*r.Stride]}
}

// decode sets o.rows from x's code columns. A negative or NaN code is no
// level; a code that is not an integer below its column's level count is
// a bug in the caller and panics.
func (o *oneHotMatMul) decode(x *mat.Dense) {
	c := len(o.levels)
	if c == 0 {
		return
	}
	xs := x.RawMatrix()
	for i := range xs.Rows {
		codes := xs.Data[i*xs.Stride+o.d:][:c]
		rows := o.rows[i*c:][:c]
		for j, v := range codes {
			if !(v >= 0) { // negative or NaN: no level
				rows[j] = -1
				continue
			}
			code := int(v)
			if v >= float64(o.levels[j]) || float64(code) != v {
				panic(fmt.Sprintf("graph: onehot_matmul: row %d, categorical column %d: code %v is not an integer in [0, %d)", i, j, v, o.levels[j]))
			}
			rows[j] = o.off[j] + code
		}
	}
}

// gather adds to each row i of dst the rows of w that row i's codes pick.
func (o *oneHotMatMul) gather(dst, w *mat.Dense) {
	c := len(o.levels)
	_, k := dst.Dims()
	zs, ws := raw(dst), raw(w)
	for i := 0; i*c < len(o.rows); i++ {
		zr := zs[i*k:][:k]
		for _, r := range o.rows[i*c:][:c] {
			if r >= 0 {
				vmath.Add(zr, ws[r*k:][:k])
			}
		}
	}
}

// scatter adds each row i of src to the rows of dst that row i's codes
// pick, serially, so the sums do not depend on the threads.
func (o *oneHotMatMul) scatter(dst, src *mat.Dense) {
	c := len(o.levels)
	_, k := src.Dims()
	ds, ss := raw(dst), raw(src)
	for i := 0; i*c < len(o.rows); i++ {
		sr := ss[i*k:][:k]
		for _, r := range o.rows[i*c:][:c] {
			if r >= 0 {
				vmath.Add(ds[r*k:][:k], sr)
			}
		}
	}
}

func (o *oneHotMatMul) forward(out *mat.Dense, in []*mat.Dense) {
	o.decode(in[0])
	// With d = 0 the product has k = 0 and only zeroes out.
	gemmpkg.Gemm(blas.NoTrans, blas.NoTrans, 1, denseCols(in[0], o.d), topRows(in[1], o.d), 0, out.RawMatrix())
	o.gather(out, in[1])
}

func (o *oneHotMatMul) backward(inBar []*mat.Dense, outBar, _ *mat.Dense, in []*mat.Dense) {
	o.backwardSet(inBar, noSet[:], outBar, nil, in)
}

// gradX adds z̄·w[:d]ᵀ into x̄[:, :d] (beta = 1) or sets it (beta = 0).
func (o *oneHotMatMul) gradX(xBar, zBar, w *mat.Dense, beta float64) {
	gemmpkg.Gemm(blas.NoTrans, blas.Trans, 1, zBar.RawMatrix(), topRows(w, o.d), beta, denseCols(xBar, o.d))
}

// gradW adds x[:, :d]ᵀ·z̄ into w̄[:d] (beta = 1) or sets it (beta = 0), as
// MatMul's b̄ does.
func (o *oneHotMatMul) gradW(wBar, x, zBar *mat.Dense, beta float64) {
	gemmpkg.Gemm(blas.Trans, blas.NoTrans, 1, denseCols(x, o.d), zBar.RawMatrix(), beta, topRows(wBar, o.d))
}

func (o *oneHotMatMul) backwardSet(inBar []*mat.Dense, set []bool, outBar, _ *mat.Dense, in []*mat.Dense) {
	if xBar := inBar[0]; xBar != nil {
		o.gradX(xBar, outBar, in[1], accumulate(set[0]))
		if set[0] { // the code columns carry no signal
			xs := xBar.RawMatrix()
			for i := range xs.Rows {
				clear(xs.Data[i*xs.Stride+o.d : (i+1)*xs.Stride])
			}
		}
	}
	if wBar := inBar[1]; wBar != nil {
		o.gradW(wBar, in[0], outBar, accumulate(set[1]))
		if set[1] {
			_, k := wBar.Dims()
			clear(raw(wBar)[o.d*k:])
		}
		o.scatter(wBar, outBar)
	}
}

func (o *oneHotMatMul) forwardDot(outDot, _ *mat.Dense, in, inDot []*mat.Dense) {
	// ż = ẋ[:, :d]·w[:d] + x[:, :d]·ẇ[:d] + the rows of ẇ the codes pick;
	// the codes have no tangent.
	gemmpkg.Gemm(blas.NoTrans, blas.NoTrans, 1, denseCols(inDot[0], o.d), topRows(in[1], o.d), 0, outDot.RawMatrix())
	gemmpkg.Gemm(blas.NoTrans, blas.NoTrans, 1, denseCols(in[0], o.d), topRows(inDot[1], o.d), 1, outDot.RawMatrix())
	o.gather(outDot, inDot[1])
}

func (o *oneHotMatMul) backwardDot(inBarDot []*mat.Dense, outBar, outBarDot, _, _ *mat.Dense, in, inDot []*mat.Dense) {
	if inBarDot[0] != nil {
		o.gradX(inBarDot[0], outBarDot, in[1], 1)
		o.gradX(inBarDot[0], outBar, inDot[1], 1)
	}
	if inBarDot[1] != nil {
		o.gradW(inBarDot[1], inDot[0], outBar, 1)
		o.gradW(inBarDot[1], in[0], outBarDot, 1)
		o.scatter(inBarDot[1], outBarDot)
	}
}

// OneHotMatMul returns z = x₁·w, where x₁ is x with its last len(levels)
// columns replaced by their one-hot blocks, without building them: the
// first dense columns of the n×(dense+len(levels)) x are numbers, and
// column dense+j holds an integer code in [0, levels[j]) of categorical
// column j, or a negative value or NaN for no level (an all-zero block).
// w has the full width dense+Σ levels rows. So
// z_i = x_i[:dense]·w[:dense] + Σ_j w[dense + off_j + code_ij], with
// off_j = Σ_{l<j} levels[l].
//
// Backward: w̄[:dense] += x[:, :dense]ᵀ·z̄ and, for each code,
// w̄[dense + off_j + code_ij] += z̄_i (a scatter-add). The codes have no
// signal: x should be an input without one; if x has a signal, only
// x̄[:, :dense] += z̄·w[:dense]ᵀ is added and the code columns' signal is
// left zero. HVP treats the codes as constants likewise.
//
// It panics if dense < 0, a level count is below 1, x does not have
// dense+len(levels) columns or w dense+Σ levels rows; and, in Forward, on
// a code that is not an integer below its level count, which the data
// pipeline rules out.
func OneHotMatMul(x, w *Node, dense int, levels []int) *Node {
	n, xc := x.Dims()
	wr, k := w.Dims()
	width := dense
	bad := dense < 0
	for _, l := range levels {
		bad = bad || l < 1
		width += l
	}
	if bad || xc != dense+len(levels) || wr != width {
		panic(fmt.Sprintf("graph: onehot_matmul %s %d×%d · %s %d×%d with %d dense columns and levels %v (want x %d columns, w %d rows)",
			x.name, n, xc, w.name, wr, k, dense, levels, dense+len(levels), width))
	}
	o := &oneHotMatMul{d: dense, levels: append([]int(nil), levels...), off: make([]int, len(levels)), rows: make([]int, n*len(levels))}
	off := dense
	for j, l := range levels {
		o.off[j] = off
		off += l
	}
	return newOp("onehot_matmul", o, n, k, x, w)
}

// The float32 passes: the codes read from float32 (exact below 2^24, far
// above MaxLevels), the dense block through Gemm32, the gathers and
// scatters in float32.

func denseCols32(m *blas32.General, d int) blas32.General {
	return blas32.General{Rows: m.Rows, Cols: d, Stride: m.Stride, Data: m.Data}
}

func topRows32(m *blas32.General, d int) blas32.General {
	return blas32.General{Rows: d, Cols: m.Cols, Stride: m.Stride, Data: m.Data[:d*m.Stride]}
}

func (o *oneHotMatMul) decode32(x *blas32.General) {
	c := len(o.levels)
	for i := 0; c > 0 && i < x.Rows; i++ {
		codes := x.Data[i*x.Stride+o.d:][:c]
		rows := o.rows[i*c:][:c]
		for j, v := range codes {
			if !(v >= 0) {
				rows[j] = -1
				continue
			}
			code := int(v)
			if v >= float32(o.levels[j]) || float32(code) != v {
				panic(fmt.Sprintf("graph: onehot_matmul: row %d, categorical column %d: code %v is not an integer in [0, %d)", i, j, v, o.levels[j]))
			}
			rows[j] = o.off[j] + code
		}
	}
}

func (o *oneHotMatMul) forward32(out *blas32.General, in []*blas32.General) {
	o.decode32(in[0])
	gemmpkg.Gemm32(blas.NoTrans, blas.NoTrans, 1, denseCols32(in[0], o.d), topRows32(in[1], o.d), 0, *out)
	c, k := len(o.levels), out.Cols
	zs, ws := raw32(out), raw32(in[1])
	for i := 0; i*c < len(o.rows); i++ {
		zr := zs[i*k:][:k]
		for _, r := range o.rows[i*c:][:c] {
			if r >= 0 {
				addInto32(zr, ws[r*k:][:k], 1)
			}
		}
	}
}

func (o *oneHotMatMul) backward32(inBar []*blas32.General, set []bool, outBar, _ *blas32.General, in []*blas32.General) {
	if xBar := inBar[0]; xBar != nil {
		gemmpkg.Gemm32(blas.NoTrans, blas.Trans, 1, *outBar, topRows32(in[1], o.d), float32(accumulate(isSet(set, 0))), denseCols32(xBar, o.d))
		if isSet(set, 0) {
			for i := range xBar.Rows {
				clear(xBar.Data[i*xBar.Stride+o.d : (i+1)*xBar.Stride])
			}
		}
	}
	if wBar := inBar[1]; wBar != nil {
		gemmpkg.Gemm32(blas.Trans, blas.NoTrans, 1, denseCols32(in[0], o.d), *outBar, float32(accumulate(isSet(set, 1))), topRows32(wBar, o.d))
		k := wBar.Cols
		ds := raw32(wBar)
		if isSet(set, 1) {
			clear(ds[o.d*k:])
		}
		c, ss := len(o.levels), raw32(outBar)
		for i := 0; i*c < len(o.rows); i++ {
			sr := ss[i*k:][:k]
			for _, r := range o.rows[i*c:][:c] {
				if r >= 0 {
					addInto32(ds[r*k:][:k], sr, 1)
				}
			}
		}
	}
}
