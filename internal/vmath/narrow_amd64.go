//go:build amd64 && !purego

package vmath

import "github.com/mlptrain/mlptrain/internal/cpufeat"

var narrowAVX = cpufeat.AVX2FMA()

// narrowKernel converts the first multiple of 4 entries of src into dst
// with VCVTPD2PS (the same rounding as Go's conversion: the MXCSR's
// round to nearest even, which Go never changes), and returns how many it
// converted: 0 without AVX.
func narrowKernel(dst []float32, src []float64) int {
	if !narrowAVX || len(src) < 4 {
		return 0
	}
	n := len(src) &^ 3
	narrowAVX2(&dst[0], &src[0], n)
	return n
}

//go:noescape
func narrowAVX2(dst *float32, src *float64, n int)
