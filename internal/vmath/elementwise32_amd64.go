//go:build amd64

package vmath

// The kernels in elementwise32_amd64.s compute the functions of
// elementwise32.go and sgd.go in float32, on every element, 16 lanes at a
// time with avx512 set and 8 at a time otherwise. They need the lengths
// that the exported functions check.

//go:noescape
func addRows32Kernel(z, x, b []float32, avx512 bool)

//go:noescape
func relu32Kernel(y, x []float32, avx512 bool)

//go:noescape
func addReLUGrad32Kernel(xb, g, x []float32, avx512 bool)

//go:noescape
func addTanhGrad32Kernel(xb, g, y []float32, avx512 bool)

//go:noescape
func addLogisticGrad32Kernel(xb, g, y []float32, avx512 bool)

//go:noescape
func addColSums32Kernel(d, x []float32)

//go:noescape
func add32Kernel(dst, x []float32, avx512 bool)

// subScaled32Kernel and subScaledKernel (elementwise_amd64.s) do
// SubScaled32's and SubScaled's update and report whether every updated
// element is finite.
//
//go:noescape
func subScaled32Kernel(w, g []float32, lr float32, avx512 bool) bool

//go:noescape
func subScaledKernel(w, g []float64, lr float64, avx512 bool) bool
