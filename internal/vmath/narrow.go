package vmath

// Narrow sets dst[i] = float32(src[i]) for every i: each float64 rounded
// to the nearest float32, ties to even (±Inf beyond float32's range, a
// NaN staying a NaN), exactly as Go's conversion, a vector at a time
// where the CPU has AVX2. It is how a float32 graph is fed float64 data.
// dst and src must not overlap. Narrow panics with ErrLength if
// len(dst) != len(src).
func Narrow(dst []float32, src []float64) {
	if len(dst) != len(src) {
		panicLengths("Narrow", "dst", len(dst), "src", len(src))
	}
	n := narrowKernel(dst, src)
	narrowGo(dst[n:], src[n:])
}

func narrowGo(dst []float32, src []float64) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] = float32(v)
	}
}
