//go:build amd64

package vmath

import (
	"math"

	"github.com/mlptrain/mlptrain/internal/cpufeat"
)

// The kernels in vmath_amd64.s compute dst[i] for the longest prefix of x
// made of whole groups of 4 that they can compute bit-identically, and
// return its length: they stop when fewer than 4 elements remain or before
// the first group of 4 with a lane that the scalar function treats
// specially. They never store into a group they do not finish, so dst may
// be x. With avx512 set they take 8 lanes at a time where they can.
//
//go:noescape
func expKernel(dst, x []float64, avx512 bool) int

//go:noescape
func logKernel(dst, x []float64, avx512 bool) int

//go:noescape
func tanhKernel(dst, x []float64, avx512 bool) int

// bestPath returns the fastest path this machine runs bit-identically.
//
// The kernels repeat math.Exp's FMA path, which math takes according to
// its own CPU flags; GODEBUG=cpu.fma=off or cpu.avx=off turns those off
// but not ours, so the kernels are used only if they agree with math.Exp
// on expProbes.
func bestPath() path {
	avx2FMA, avx512 := cpuFeatures()
	if !avx2FMA {
		return pathGo
	}
	p := pathAVX2
	if avx512 {
		p = pathAVX512
	}
	dst := make([]float64, len(expProbes))
	exp(dst, expProbes[:], p)
	for i, x := range expProbes {
		if math.Float64bits(dst[i]) != math.Float64bits(math.Exp(x)) {
			return pathGo
		}
	}
	return p
}

// expProbes are arguments for which archExp's FMA and non-FMA paths
// differ (TestExpProbes checks it).
var expProbes = [8]float64{-0.2, -0.4, -1.6, 1.7, -2.4, 3.2, 4.3, 5.1}

// cpuFeatures reports whether the CPU and the OS support AVX2 with FMA, and
// AVX-512 Foundation.
func cpuFeatures() (avx2FMA, avx512 bool) { return cpufeat.AVX2FMA(), cpufeat.AVX512() }
