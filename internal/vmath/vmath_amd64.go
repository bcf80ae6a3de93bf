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
	// Log and Tanh repeat archLog and math.tanh as this Go release has
	// them: should a release change either, the kernels must stand down
	// rather than differ (the tests would say so, but a build made without
	// running them would not).
	log(dst, logProbes[:], p)
	for i, x := range logProbes {
		if math.Float64bits(dst[i]) != math.Float64bits(math.Log(x)) {
			return pathGo
		}
	}
	tanh(dst, tanhProbes[:], p)
	for i, x := range tanhProbes {
		if math.Float64bits(dst[i]) != math.Float64bits(math.Tanh(x)) {
			return pathGo
		}
	}
	return p
}

// logProbes and tanhProbes take every branch of the Log and Tanh kernels:
// f1 on either side of √2/2, and tanh's rational and exponential forms
// and its ±1 beyond 44.
var (
	logProbes  = [8]float64{0.3, 0.7071067811865476, 0.75, 1.4142135623730951, 3, 1e-10, 1e10, 123.456}
	tanhProbes = [8]float64{0.1, -0.5, 0.624, 0.625, -1.5, 3, 20, -50}
)

// expProbes are arguments for which archExp's FMA and non-FMA paths
// differ (TestExpProbes checks it).
var expProbes = [8]float64{-0.2, -0.4, -1.6, 1.7, -2.4, 3.2, 4.3, 5.1}

// cpuFeatures reports whether the CPU and the OS support AVX2 with FMA, and
// AVX-512 Foundation.
func cpuFeatures() (avx2FMA, avx512 bool) { return cpufeat.AVX2FMA(), cpufeat.AVX512() }
