package vmath_test

import (
	"fmt"

	"github.com/mlptrain/mlptrain/internal/vmath"
)

// A dense layer with a tanh activation on a batch of 2 rows of 3 units:
// the forward pass adds the bias and applies tanh in place, and the
// backward pass turns the output's signal into the pre-activation's and
// accumulates the bias's gradient.
func ExampleAddTanhGrad() {
	z := []float64{ // x·W, 2×3
		0.5, -1, 0,
		2, 0.25, -0.5,
	}
	b := []float64{0.1, 0.2, 0.3}
	vmath.AddRows(z, z, b)
	vmath.Tanh(z, z) // y

	yBar := []float64{1, 1, 1, -1, 0.5, 2}
	zBar := make([]float64, len(z))
	vmath.AddTanhGrad(zBar, yBar, z)
	bBar := make([]float64, len(b))
	vmath.AddColSums(bBar, zBar)
	fmt.Printf("y  = %.4f\nz̄  = %.4f\nb̄  = %.4f\n", z, zBar, bBar)
	// Output:
	// y  = [0.5370 -0.6640 0.2913 0.9705 0.4219 -0.1974]
	// z̄  = [0.7116 0.5591 0.9151 -0.0582 0.4110 1.9221]
	// b̄  = [0.6534 0.9701 2.8372]
}
