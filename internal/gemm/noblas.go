//go:build !openblas

package gemm

// library is the BLAS library Gemm calls in place of its own kernels: none
// without the openblas build tag.
var library *kernel

// library32 is library for Gemm32: none.
var library32 *kernel32
