package vmath

import (
	"errors"
	"fmt"
	"math"
)

// ErrLength is the error that the functions panic with, wrapped with the
// lengths, when their slices' lengths do not match.
var ErrLength = errors.New("vmath: length mismatch")

// lanes is the size of the groups the kernels compute or leave to Go.
const lanes = 4

// A path is a way to compute a slice.
type path uint8

const (
	pathGo     path = iota // a loop over the math function
	pathAVX2               // the kernels, 4 lanes at a time (AVX2 and FMA)
	pathAVX512             // the kernels, 8 lanes at a time where they can (AVX-512F)
)

// best is the path Exp, Log and Tanh take.
var best = bestPath()

// Exp sets dst[i] = math.Exp(x[i]) for every i, bit for bit. dst may be x
// itself but must not otherwise overlap it. Exp panics with ErrLength if
// len(dst) != len(x).
func Exp(dst, x []float64) {
	checkLen("Exp", dst, x)
	exp(dst, x, best)
}

// Log sets dst[i] = math.Log(x[i]) for every i, bit for bit. dst may be x
// itself but must not otherwise overlap it. Log panics with ErrLength if
// len(dst) != len(x).
func Log(dst, x []float64) {
	checkLen("Log", dst, x)
	log(dst, x, best)
}

// Tanh sets dst[i] = math.Tanh(x[i]) for every i, bit for bit. dst may be
// x itself but must not otherwise overlap it. Tanh panics with ErrLength
// if len(dst) != len(x).
func Tanh(dst, x []float64) {
	checkLen("Tanh", dst, x)
	tanh(dst, x, best)
}

// exp, log and tanh run the kernel, unless p is pathGo, and the scalar
// function for each group of 4 the kernel leaves and for the last
// len(x)%4 elements. The tests call them on every path.

func exp(dst, x []float64, p path) {
	i := 0
	for p != pathGo {
		i += expKernel(dst[i:], x[i:], p == pathAVX512)
		if len(x)-i < lanes {
			break
		}
		for end := i + lanes; i < end; i++ {
			dst[i] = math.Exp(x[i])
		}
	}
	for ; i < len(x); i++ {
		dst[i] = math.Exp(x[i])
	}
}

func log(dst, x []float64, p path) {
	i := 0
	for p != pathGo {
		i += logKernel(dst[i:], x[i:], p == pathAVX512)
		if len(x)-i < lanes {
			break
		}
		for end := i + lanes; i < end; i++ {
			dst[i] = math.Log(x[i])
		}
	}
	for ; i < len(x); i++ {
		dst[i] = math.Log(x[i])
	}
}

func tanh(dst, x []float64, p path) {
	i := 0
	for p != pathGo && !goFusesFMA {
		i += tanhKernel(dst[i:], x[i:], p == pathAVX512)
		if len(x)-i < lanes {
			break
		}
		for end := i + lanes; i < end; i++ {
			dst[i] = math.Tanh(x[i])
		}
	}
	for ; i < len(x); i++ {
		dst[i] = math.Tanh(x[i])
	}
}

func checkLen(name string, dst, x []float64) {
	if len(dst) != len(x) {
		panicLength(name, len(dst), len(x))
	}
}

func panicLength(name string, nDst, nX int) {
	panic(fmt.Errorf("%w: %s: len(dst) = %d, len(x) = %d", ErrLength, name, nDst, nX))
}
