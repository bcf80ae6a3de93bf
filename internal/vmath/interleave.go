package vmath

import "fmt"

// Interleave copies columns into rows, the transposition that a columnar
// file (Parquet) needs to fill a row-major matrix: for every row t of offs
// and every column k of cols,
//
//	x[offs[t]+k] = cols[k][r0+t]
//
// so offs[t] is where row t's run of len(cols) numbers starts in x. It
// reports whether every number it copied is finite. The numbers are copied
// bit for bit (a NaN keeps its payload) on every path.
//
// The kernels (AVX2, on CPUs with AVX2 or AVX-512) go four rows and four
// columns at a time, transposing each 4×4 block in registers, and write
// with non-temporal stores, which skip reading x's lines into the cache
// before overwriting them, when all four rows' runs are aligned to 32
// bytes; Go copies the rest. Rows must not overlap one another in x.
//
// Interleave panics with ErrLength if a column has fewer than r0+len(offs)
// numbers or a row's run does not fit in x.
func Interleave(x []float64, offs []int, cols [][]float64, r0 int) (finite bool) {
	return interleave(x, offs, cols, r0, bestArith)
}

func interleave(x []float64, offs []int, cols [][]float64, r0 int, p path) bool {
	m, n := len(offs), len(cols)
	if m == 0 || n == 0 {
		return true
	}
	if r0 < 0 {
		panic(fmt.Errorf("%w: Interleave: r0 = %d", ErrLength, r0))
	}
	for k, c := range cols {
		if len(c)-r0 < m {
			panic(fmt.Errorf("%w: Interleave: len(cols[%d]) = %d, r0+len(offs) = %d", ErrLength, k, len(c), r0+m))
		}
	}
	for t, o := range offs {
		if o < 0 || o > len(x)-n {
			panic(fmt.Errorf("%w: Interleave: offs[%d] = %d, len(cols) = %d, len(x) = %d", ErrLength, t, o, n, len(x)))
		}
	}
	rows, n4 := 0, 0
	var bad float64 // a sum of v−v: 0 if every v is finite, NaN otherwise
	if p != pathGo && m >= 4 && n >= 4 {
		rows, n4 = m&^3, n&^3
		bad = interleaveKernel(x, offs[:rows], cols[:n4], r0)
	}
	// Go copies the columns the kernel left of its rows, then every column
	// of the other rows.
	bad += interleaveGo(x, offs[:rows], cols[n4:], r0, n4)
	bad += interleaveGo(x, offs[rows:], cols, r0+rows, 0)
	return bad == 0
}

// interleaveGo is Interleave in Go for the columns cols, which start at
// column k0 of each row, and returns the sum of v−v of the numbers.
func interleaveGo(x []float64, offs []int, cols [][]float64, r0, k0 int) float64 {
	var bad float64
	for t, o := range offs {
		row := x[o+k0 : o+k0+len(cols)]
		r := r0 + t
		k := 0
		for ; k+4 <= len(row); k += 4 {
			v0, v1, v2, v3 := cols[k][r], cols[k+1][r], cols[k+2][r], cols[k+3][r]
			row[k], row[k+1], row[k+2], row[k+3] = v0, v1, v2, v3
			bad += (v0 - v0) + (v1 - v1) + ((v2 - v2) + (v3 - v3))
		}
		for ; k < len(row); k++ {
			v := cols[k][r]
			row[k] = v
			bad += v - v
		}
	}
	return bad
}
