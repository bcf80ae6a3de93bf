//go:build !amd64 || purego

package vmath

func interleaveKernel([]float64, []int, [][]float64, int) float64 {
	panic("vmath: no Interleave kernel in this build")
}
