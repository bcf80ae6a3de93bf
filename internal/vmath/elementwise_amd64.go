//go:build amd64

package vmath

// The kernels in elementwise_amd64.s compute the functions of
// elementwise.go, on every element, 8 lanes at a time with avx512 set and
// 4 at a time otherwise. They need the lengths that the exported
// functions check.

//go:noescape
func addRowsKernel(z, x, b []float64, avx512 bool)

//go:noescape
func reluKernel(y, x []float64, avx512 bool)

//go:noescape
func addReLUGradKernel(xb, g, x []float64, avx512 bool)

//go:noescape
func addTanhGradKernel(xb, g, y []float64, avx512 bool)

//go:noescape
func addLogisticGradKernel(xb, g, y []float64, avx512 bool)

//go:noescape
func addColSumsKernel(d, x []float64)

//go:noescape
func addKernel(dst, x []float64, avx512 bool)

// arithPath returns the fastest path of the arithmetic kernels on this
// machine: AVX-512F if the CPU and the OS support it, else AVX2 (cpuFeatures
// asks for FMA too, which these kernels do not use, but every CPU with
// AVX2 has it).
func arithPath() path {
	avx2FMA, avx512 := cpuFeatures()
	switch {
	case avx512:
		return pathAVX512
	case avx2FMA:
		return pathAVX2
	}
	return pathGo
}
