package vmath

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestNarrow checks Narrow against Go's conversion bit for bit, on every
// length 0..70 and offset 0..3 (the vector loop, its tail and the Go
// remainder) and on the values where rounding is delicate: halfway
// cases, float32's range limits, subnormals, infinities and NaNs.
func TestNarrow(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	special := []float64{0, math.Copysign(0, -1), 1, -1, math.MaxFloat32, -math.MaxFloat32,
		math.MaxFloat32 * (1 + 0x1p-25), math.MaxFloat32 * (1 + 0x1p-23), math.SmallestNonzeroFloat32,
		math.SmallestNonzeroFloat32 / 2, math.SmallestNonzeroFloat32 * 0.75, 0x1p-126, 1 + 0x1p-24, 1 + 0x1p-24 + 0x1p-52,
		1 + 3*0x1p-24, math.Inf(1), math.Inf(-1), math.NaN(), math.MaxFloat64, math.SmallestNonzeroFloat64, 1e300, -1e-300}
	src := make([]float64, 80)
	for i := range src {
		switch i % 3 {
		case 0:
			src[i] = special[rng.IntN(len(special))]
		case 1:
			src[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(80)-40))
		default:
			src[i] = float64(float32(rng.NormFloat64())) + 0x1p-25*rng.Float64() // near float32 values
		}
	}
	for off := range 4 {
		for n := 0; off+n <= 74; n++ {
			s := src[off : off+n]
			got := make([]float32, n+1)
			got[n] = 7 // a sentinel past the end
			Narrow(got[:n], s)
			for i, v := range s {
				want := float32(v)
				if math.Float32bits(got[i]) != math.Float32bits(want) && !(want != want && got[i] != got[i]) {
					t.Fatalf("Narrow(%v) at offset %d, length %d, entry %d = %v (%#x), want %v (%#x)", v, off, n, i, got[i], math.Float32bits(got[i]), want, math.Float32bits(want))
				}
			}
			if got[n] != 7 {
				t.Fatalf("Narrow wrote past the end at length %d", n)
			}
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("Narrow of different lengths did not panic")
		}
	}()
	Narrow(make([]float32, 2), make([]float64, 3))
}

func BenchmarkNarrow(b *testing.B) {
	src := make([]float64, 128*784)
	for i := range src {
		src[i] = float64(i) / 7
	}
	dst := make([]float32, len(src))
	b.SetBytes(int64(len(src) * 12))
	for b.Loop() {
		Narrow(dst, src)
	}
}
