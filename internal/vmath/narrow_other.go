//go:build !amd64 || purego

package vmath

func narrowKernel([]float32, []float64) int { return 0 }
