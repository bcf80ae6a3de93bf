//go:build amd64 && !purego

package vmath

import "unsafe"

// interleaveKernel runs interleaveAVX2 on len(offs) rows (a multiple of 4)
// and len(cols) columns (a multiple of 4), with non-temporal stores if
// every row's run starts on a 32-byte boundary, and returns its sum of
// v−v.
func interleaveKernel(x []float64, offs []int, cols [][]float64, r0 int) float64 {
	return interleaveAVX2(&x[0], &offs[0], len(offs), &cols[0], len(cols), r0, interleaveAligned(x, offs))
}

// interleaveAligned reports whether every row's run, x[offs[t]:], starts
// on a 32-byte boundary.
func interleaveAligned(x []float64, offs []int) bool {
	if uintptr(unsafe.Pointer(&x[0]))%32 != 0 {
		return false
	}
	for _, o := range offs {
		if o%4 != 0 {
			return false
		}
	}
	return true
}

//go:noescape
func interleaveAVX2(x *float64, offs *int, rows int, cols *[]float64, ncols int, r0 int, nt bool) float64
