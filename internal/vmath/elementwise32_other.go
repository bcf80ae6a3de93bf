//go:build !amd64

package vmath

// The kernels compute nothing; see elementwise32_amd64.go for their
// contract (the exported functions never call them on these systems).

func addRows32Kernel(z, x, b []float32, avx512 bool)                 {}
func relu32Kernel(y, x []float32, avx512 bool)                       {}
func addReLUGrad32Kernel(xb, g, x []float32, avx512 bool)            {}
func addTanhGrad32Kernel(xb, g, y []float32, avx512 bool)            {}
func addLogisticGrad32Kernel(xb, g, y []float32, avx512 bool)        {}
func addColSums32Kernel(d, x []float32)                              {}
func add32Kernel(dst, x []float32, avx512 bool)                      {}
func subScaled32Kernel(w, g []float32, lr float32, avx512 bool) bool { return false }
func subScaledKernel(w, g []float64, lr float64, avx512 bool) bool   { return false }
