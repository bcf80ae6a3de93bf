package vmath_test

import (
	"fmt"
	"math"

	"github.com/mlptrain/mlptrain/internal/vmath"
)

func ExampleTanh() {
	x := []float64{-2, -0.5, 0, 0.5, 2}
	y := make([]float64, len(x))
	vmath.Tanh(y, x)
	for i, v := range x {
		fmt.Printf("tanh(%4.1f) = %7.4f  same bits as math.Tanh: %v\n", v, y[i], y[i] == math.Tanh(v))
	}
	vmath.Exp(x, x) // in place
	fmt.Printf("%.4f\n", x)
	// Output:
	// tanh(-2.0) = -0.9640  same bits as math.Tanh: true
	// tanh(-0.5) = -0.4621  same bits as math.Tanh: true
	// tanh( 0.0) =  0.0000  same bits as math.Tanh: true
	// tanh( 0.5) =  0.4621  same bits as math.Tanh: true
	// tanh( 2.0) =  0.9640  same bits as math.Tanh: true
	// [0.1353 0.6065 1.0000 1.6487 7.3891]
}
