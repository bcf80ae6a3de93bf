//go:build amd64

package vmath

// The float32 kernels in vmath32_amd64.s compute every element of dst if
// len(x) >= 8 and return len(x), or compute nothing and return 0: 16
// lanes at a time with avx512 set (and 8 for a slice of 8 to 15), else 8.
// A slice that is not a whole number of vectors ends with a vector that
// overlaps the one before it; the kernels compute it first and store it
// last, so dst may be x. Each lane does the operations of the scalar
// function (exp32, tanh32, logistic32, log32) in its order, fused where it calls
// fma32 and nowhere else, so every path gives the same bits.
//
//go:noescape
func exp32Kernel(dst, x []float32, avx512 bool) int

//go:noescape
func tanh32Kernel(dst, x []float32, avx512 bool) int

//go:noescape
func logistic32Kernel(dst, x []float32, avx512 bool) int

//go:noescape
func log32Kernel(dst, x []float32, avx512 bool) int

// The fused kernels set z = x + b and h = φ(z) elementwise, for slices
// of one length (a row, or the part of one, with its part of the bias),
// with the same contract: all of it if len(x) >= 8, else nothing.
//
//go:noescape
func addReLU32Kernel(h, z, x, b []float32, avx512 bool) int

//go:noescape
func addTanh32Kernel(h, z, x, b []float32, avx512 bool) int

//go:noescape
func addLogistic32Kernel(h, z, x, b []float32, avx512 bool) int
