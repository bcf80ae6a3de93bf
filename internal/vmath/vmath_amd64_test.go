//go:build amd64

package vmath

import (
	"math"
	"testing"
)

// archExp's constants, for the emulations below.
const (
	log2e = 1.4426950408889634073599246810018920
	ln2U  = 0.69314718055966295651160180568695068359375
	ln2L  = 0.28235290563031577122588448175013436025525412068e-12
)

var expTaylor = [...]float64{
	2.4801587301587301587e-5, 1.9841269841269841270e-4, 1.3888888888888888889e-3,
	8.3333333333333333333e-3, 4.1666666666666666667e-2, 1.6666666666666666667e-1, 0.5, 1.0,
}

// expEmulated is archExp on arguments without special cases, by its FMA
// path (math.FMA) or its other path (explicit conversions keep the
// compiler from fusing).
func expEmulated(x float64, fma bool) float64 {
	k := math.RoundToEven(x * log2e)
	var r float64
	if fma {
		r = math.FMA(-k, ln2L, math.FMA(-k, ln2U, x))
	} else {
		r = float64(x-float64(k*ln2U)) - float64(k*ln2L)
	}
	r *= 0.0625
	p := expTaylor[0]
	for _, c := range expTaylor[1:] {
		if fma {
			p = math.FMA(r, p, c)
		} else {
			p = float64(p*r) + c
		}
	}
	r *= p
	for range 3 {
		r *= r + 2
	}
	if fma {
		r = math.FMA(r+2, r, 1)
	} else {
		r = float64(r*(r+2)) + 1
	}
	return r * math.Float64frombits(uint64(int64(k)+0x3FF)<<52)
}

// TestExpProbes checks that expProbes tell archExp's two paths apart, and
// that the kernels are used on this machine when math.Exp takes the FMA
// path and the CPU has AVX2.
func TestExpProbes(t *testing.T) {
	t.Parallel()
	fmaPath := true
	for _, x := range arange(-20, 20, 0.01) {
		if expEmulated(x, true) != math.Exp(x) {
			fmaPath = false
		}
	}
	for _, x := range expProbes {
		if expEmulated(x, true) == expEmulated(x, false) {
			t.Errorf("archExp's paths agree on probe %v", x)
		}
	}
	avx2FMA, avx512 := cpuFeatures()
	want := pathGo
	if fmaPath && avx2FMA {
		want = pathAVX2
		if avx512 {
			want = pathAVX512
		}
	}
	if best != want {
		t.Errorf("best = %v, want %v (math.Exp takes the FMA path: %v)", best, want, fmaPath)
	}
}
