package graph

import "math"

// exp32 sets dst = eˣ in float32.
func exp32(dst, x []float32) {
	for i, v := range x[:len(dst)] {
		dst[i] = float32(math.Exp(float64(v)))
	}
}

// log32 sets dst = log x in float32.
func log32(dst, x []float32) {
	for i, v := range x[:len(dst)] {
		dst[i] = float32(math.Log(float64(v)))
	}
}

// tanh32 sets y = tanh x in float32.
func tanh32(y, x []float32) {
	for i, v := range x[:len(y)] {
		y[i] = float32(math.Tanh(float64(v)))
	}
}
