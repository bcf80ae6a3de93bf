//go:build !amd64

package vmath

// The float32 kernels compute nothing; see vmath32_amd64.go for their
// contract.

func exp32Kernel(dst, x []float32, avx512 bool) int             { return 0 }
func tanh32Kernel(dst, x []float32, avx512 bool) int            { return 0 }
func logistic32Kernel(dst, x []float32, avx512 bool) int        { return 0 }
func log32Kernel(dst, x []float32, avx512 bool) int             { return 0 }
func addReLU32Kernel(h, z, x, b []float32, avx512 bool) int     { return 0 }
func addTanh32Kernel(h, z, x, b []float32, avx512 bool) int     { return 0 }
func addLogistic32Kernel(h, z, x, b []float32, avx512 bool) int { return 0 }
