package gemm_test

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/mlptrain/mlptrain/internal/gemm"
)

func ExampleGemm() {
	// c = aᵀ·b + c, where a is 2×3 (so aᵀ is 3×2) and b is 2×2.
	a := blas64.General{Rows: 2, Cols: 3, Stride: 3, Data: []float64{
		1, 2, 3,
		4, 5, 6,
	}}
	b := blas64.General{Rows: 2, Cols: 2, Stride: 2, Data: []float64{
		1, 0,
		0, 1,
	}}
	c := blas64.General{Rows: 3, Cols: 2, Stride: 2, Data: []float64{
		10, 10,
		10, 10,
		10, 10,
	}}
	gemm.Gemm(blas.Trans, blas.NoTrans, 1, a, b, 1, c)
	for i := range c.Rows {
		fmt.Println(c.Data[i*c.Stride : i*c.Stride+c.Cols])
	}
	// Output:
	// [11 14]
	// [12 15]
	// [13 16]
}

func ExampleGemm32() {
	// c = a·bᵀ, in float32, where a is 2×3 and b is 2×3.
	a := blas32.General{Rows: 2, Cols: 3, Stride: 3, Data: []float32{
		1, 2, 3,
		4, 5, 6,
	}}
	b := blas32.General{Rows: 2, Cols: 3, Stride: 3, Data: []float32{
		1, 0, 0,
		0, 1, 1,
	}}
	c := blas32.General{Rows: 2, Cols: 2, Stride: 2, Data: make([]float32, 4)}
	gemm.Gemm32(blas.NoTrans, blas.Trans, 1, a, b, 0, c)
	fmt.Println(c.Data[0:2])
	fmt.Println(c.Data[2:4])
	// Output:
	// [1 5]
	// [4 11]
}
