package vmath

import "math"

// SubScaled is the SGD step, w −= lr·g: for every j it does
//
//	w[j] -= lr * g[j]
//
// bit for bit, compiled as with GOAMD64=v1: the product rounded, then the
// difference, never fused into one FMA, whatever the architecture (see
// "NaN payloads" in the package documentation; g[j] is the product's
// first operand). It reports whether every updated w[j] is finite, which
// lets the optimizer stop a diverging run without a second pass over the
// weights. w and g may be the same slice but must not otherwise overlap.
// SubScaled panics with ErrLength if len(w) != len(g).
func SubScaled(w, g []float64, lr float64) (finite bool) {
	if len(w) != len(g) {
		panicLengths("SubScaled", "w", len(w), "g", len(g))
	}
	return subScaled(w, g, lr, bestArith)
}

// SubScaled32 is SubScaled for float32: w[j] -= lr * g[j] for every j,
// the product rounded to float32 and then the difference, with no FMA,
// and it reports whether every updated w[j] is finite. The aliasing
// rules and panics are SubScaled's.
func SubScaled32(w, g []float32, lr float32) (finite bool) {
	if len(w) != len(g) {
		panicLengths("SubScaled32", "w", len(w), "g", len(g))
	}
	return subScaled32(w, g, lr, best32)
}

// subScaled and subScaled32 run the kernel unless p is pathGo, then the
// scalar loop. The tests call them on every path.

func subScaled(w, g []float64, lr float64, p path) bool {
	if p != pathGo {
		return subScaledKernel(w, g, lr, p == pathAVX512)
	}
	const exp = 0x7FF << 52
	g = g[:len(w)]
	finite := true
	for j := range w {
		v := w[j] - float64(lr*g[j])
		w[j] = v
		if math.Float64bits(v)&exp == exp {
			finite = false
		}
	}
	return finite
}

func subScaled32(w, g []float32, lr float32, p path) bool {
	if p != pathGo {
		return subScaled32Kernel(w, g, lr, p == pathAVX512)
	}
	const exp = 0xFF << 23
	g = g[:len(w)]
	finite := true
	for j := range w {
		v := w[j] - float32(lr*g[j])
		w[j] = v
		if math.Float32bits(v)&exp == exp {
			finite = false
		}
	}
	return finite
}
