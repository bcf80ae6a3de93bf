//go:build !amd64

package vmath

// arithPath returns pathGo: there are kernels only for amd64.
func arithPath() path { return pathGo }

// The kernels compute nothing; see elementwise_amd64.go for their contract.

func addRowsKernel(z, x, b []float64, avx512 bool)          {}
func reluKernel(y, x []float64, avx512 bool)                {}
func addReLUGradKernel(xb, g, x []float64, avx512 bool)     {}
func addTanhGradKernel(xb, g, y []float64, avx512 bool)     {}
func addLogisticGradKernel(xb, g, y []float64, avx512 bool) {}
func addColSumsKernel(d, x []float64)                       {}
func addKernel(dst, x []float64, avx512 bool)               {}
