//go:build openblas && cgo

package openblas

// netlib's cgo bindings declare the CBLAS functions but link no library:
// this package links OpenBLAS for them and for its own entry points below.

/*
#cgo LDFLAGS: -lopenblas
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
*/
import "C"

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/netlib/blas/netlib"
)

// Dgemm computes c = alpha·op(a)·op(b) + beta·c on row-major matrices with
// cblas_dgemm, where op(a) is m×k, op(b) is k×n and c is m×n. It panics,
// as gonum's Dgemm does, on a bad transpose, a negative dimension, a
// stride too small or a slice too short.
func Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	netlib.Implementation{}.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Sgemm is Dgemm for float32, with cblas_sgemm.
func Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	netlib.Implementation{}.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// SetThreads sets the number of threads OpenBLAS may use for a call, n ≥ 1
// (openblas_set_num_threads). It must not run while a call to OpenBLAS
// does.
func SetThreads(n int) {
	C.openblas_set_num_threads(C.int(n))
}

// Threads returns the number of threads OpenBLAS may use for a call
// (openblas_get_num_threads).
func Threads() int {
	return int(C.openblas_get_num_threads())
}
