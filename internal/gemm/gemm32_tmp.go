package gemm

// TEMPORARY (wt-f32): gonum's Sgemm until the float32 kernels land.

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/gonum"
)

func Gemm32(tA, tB blas.Transpose, alpha float32, a, b blas32.General, beta float32, c blas32.General) {
	m, n := c.Rows, c.Cols
	k := a.Cols
	if tA == blas.Trans {
		k = a.Rows
	}
	gonum.Implementation{}.Sgemm(tA, tB, m, n, k, alpha, a.Data, max(1, a.Stride), b.Data, max(1, b.Stride), beta, c.Data, max(1, c.Stride))
}

func GemmThen32(tA, tB blas.Transpose, alpha float32, a, b blas32.General, beta float32, c blas32.General, then func(i0, i1, j0, j1 int)) {
	Gemm32(tA, tB, alpha, a, b, beta, c)
	then(0, c.Rows, 0, c.Cols)
}
