package vmath

import (
	"fmt"
	"math"
)

// bestArith is the path AddRows, ReLU, AddReLUGrad, AddTanhGrad,
// AddLogisticGrad, AddColSums and Add take. Their kernels repeat no math
// function, so only the CPU's features choose it (see arithPath).
var bestArith = arithPath()

// AddRows adds the bias b to every row of x: with k = len(b), it does
//
//	for i := 0; i < len(x); i += k {
//		for j := range k {
//			z[i+j] = x[i+j] + b[j]
//		}
//	}
//
// bit for bit (see "NaN payloads" in the package documentation). x holds
// len(x)/k rows one after another, as a row-major matrix with k columns
// does. z may be x itself but must not otherwise overlap x, and must not
// overlap b. AddRows panics with ErrLength if len(z) != len(x) or if
// len(x) is not a multiple of len(b); len(b) = 0 is allowed with empty x
// only.
func AddRows(z, x, b []float64) {
	if len(z) != len(x) || notRows(len(x), len(b)) {
		panicRows("AddRows", "z", "b", len(z), len(x), len(b))
	}
	if bestArith == pathGo {
		addRowsGo(z, x, b)
		return
	}
	addRowsKernel(z, x, b, bestArith == pathAVX512)
}

// ReLU sets y = max(x, 0) elementwise: for every i it does
//
//	v := x[i]
//	var keep uint64
//	if !(v <= 0) {
//		keep = ^uint64(0)
//	}
//	y[i] = math.Float64frombits(math.Float64bits(v) & keep)
//
// bit for bit, so that positive numbers and NaNs keep their bits and
// everything else, -0 included, becomes +0. y may be x itself but must
// not otherwise overlap it. ReLU panics with ErrLength if len(y) !=
// len(x).
func ReLU(y, x []float64) {
	if len(y) != len(x) {
		panicLengths("ReLU", "y", len(y), "x", len(x))
	}
	if bestArith == pathGo {
		reluGo(y, x)
		return
	}
	reluKernel(y, x, bestArith == pathAVX512)
}

// AddReLUGrad adds ReLU's backward pass to xb, x̄ += ȳ ⊙ [x > 0]: for
// every i it does
//
//	var keep uint64
//	if x[i] > 0 {
//		keep = ^uint64(0)
//	}
//	xb[i] += g[i] * math.Float64frombits(math.Float64bits(1.0)&keep)
//
// bit for bit, the product (g·1 or g·0) rounded before the sum (see "NaN
// payloads" in the package documentation). g·0 is ±0, or NaN for an
// infinite or NaN g, as in the loop; a NaN x counts as not positive. The
// slices may be one another (xb may be g, for example) but must not
// otherwise overlap. AddReLUGrad panics with ErrLength unless the three
// lengths are equal.
func AddReLUGrad(xb, g, x []float64) {
	if len(g) != len(xb) || len(x) != len(xb) {
		panicLengths3("AddReLUGrad", "xb", len(xb), "g", len(g), "x", len(x))
	}
	if bestArith == pathGo {
		addReLUGradGo(xb, g, x)
		return
	}
	addReLUGradKernel(xb, g, x, bestArith == pathAVX512)
}

// AddTanhGrad adds tanh's backward pass to xb, given its output y:
// x̄ += ȳ ⊙ (1 − y²). For every i it does
//
//	t := y[i] * y[i]
//	u := 1 - t
//	p := g[i] * u
//	xb[i] = xb[i] + p
//
// bit for bit, each operation rounded on its own (see "NaN payloads" in
// the package documentation). The slices may be one another but must not
// otherwise overlap. AddTanhGrad panics with ErrLength unless the three
// lengths are equal.
func AddTanhGrad(xb, g, y []float64) {
	if len(g) != len(xb) || len(y) != len(xb) {
		panicLengths3("AddTanhGrad", "xb", len(xb), "g", len(g), "y", len(y))
	}
	if bestArith == pathGo {
		addTanhGradGo(xb, g, y)
		return
	}
	addTanhGradKernel(xb, g, y, bestArith == pathAVX512)
}

// AddLogisticGrad adds the logistic function's backward pass to xb, given
// its output y: x̄ += ȳ ⊙ y ⊙ (1 − y). For every i it does
//
//	u := 1 - y[i]
//	v := y[i] * u
//	p := g[i] * v
//	xb[i] = xb[i] + p
//
// bit for bit, each operation rounded on its own (see "NaN payloads" in
// the package documentation). The slices may be one another but must not
// otherwise overlap. AddLogisticGrad panics with ErrLength unless the
// three lengths are equal.
func AddLogisticGrad(xb, g, y []float64) {
	if len(g) != len(xb) || len(y) != len(xb) {
		panicLengths3("AddLogisticGrad", "xb", len(xb), "g", len(g), "y", len(y))
	}
	if bestArith == pathGo {
		addLogisticGradGo(xb, g, y)
		return
	}
	addLogisticGradKernel(xb, g, y, bestArith == pathAVX512)
}

// AddColSums adds the column sums of x to d, as a bias's backward pass
// does: with k = len(d), it does
//
//	for i := 0; i < len(x); i += k {
//		for j := range k {
//			d[j] += x[i+j]
//		}
//	}
//
// bit for bit (see "NaN payloads" in the package documentation): each
// column is summed in row order, starting from d[j], never reassociated.
// x holds len(x)/k rows one after another, as a row-major matrix with k
// columns does. d must not overlap x. AddColSums panics with ErrLength if
// len(x) is not a multiple of len(d); len(d) = 0 is allowed with empty x
// only.
func AddColSums(d, x []float64) {
	if notRows(len(x), len(d)) {
		panicRows("AddColSums", "", "d", 0, len(x), len(d))
	}
	if bestArith == pathGo {
		addColSumsGo(d, x)
		return
	}
	addColSumsKernel(d, x)
}

// Add does dst[i] += x[i] for every i, bit for bit (see "NaN payloads" in
// the package documentation). dst may be x itself but must not otherwise
// overlap it. Add panics with ErrLength if len(dst) != len(x).
func Add(dst, x []float64) {
	if len(dst) != len(x) {
		panicLengths("Add", "dst", len(dst), "x", len(x))
	}
	if bestArith == pathGo {
		addGo(dst, x)
		return
	}
	addKernel(dst, x, bestArith == pathAVX512)
}

// The scalar loops, which the exported functions run on the Go path. They
// convert each product to float64 explicitly, which keeps the compiler
// from fusing it with the sum where it would (GOAMD64=v3, arm64, ...).
// The exported functions call them or the kernels themselves, to save a
// call.

func addRowsGo(z, x, b []float64) {
	k := len(b)
	z = z[:len(x)]
	for i := 0; i < len(x); i += k {
		zi, xi := z[i:i+k], x[i:i+k]
		for j, bj := range b {
			zi[j] = xi[j] + bj
		}
	}
}

func reluGo(y, x []float64) {
	y = y[:len(x)]
	for i, v := range x {
		var keep uint64
		if !(v <= 0) {
			keep = ^uint64(0)
		}
		y[i] = math.Float64frombits(math.Float64bits(v) & keep)
	}
}

func addReLUGradGo(xb, g, x []float64) {
	g, x = g[:len(xb)], x[:len(xb)]
	for i := range xb {
		var keep uint64
		if x[i] > 0 {
			keep = ^uint64(0)
		}
		xb[i] += float64(g[i] * math.Float64frombits(math.Float64bits(1.0)&keep))
	}
}

func addTanhGradGo(xb, g, y []float64) {
	g, y = g[:len(xb)], y[:len(xb)]
	for i := range xb {
		xb[i] += float64(g[i] * (1 - float64(y[i]*y[i])))
	}
}

func addLogisticGradGo(xb, g, y []float64) {
	g, y = g[:len(xb)], y[:len(xb)]
	for i := range xb {
		xb[i] += float64(g[i] * (y[i] * (1 - y[i])))
	}
}

func addColSumsGo(d, x []float64) {
	k := len(d)
	for i := 0; i < len(x); i += k {
		xi := x[i : i+k]
		for j := range d {
			d[j] += xi[j]
		}
	}
}

func addGo(dst, x []float64) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] += x[i]
	}
}

// notRows reports whether n elements are not a whole number of rows of k.
func notRows(n, k int) bool {
	if k == 0 {
		return n != 0
	}
	return n%k != 0
}

func panicLengths(name, a string, na int, b string, nb int) {
	panic(fmt.Errorf("%w: %s: len(%s) = %d, len(%s) = %d", ErrLength, name, a, na, b, nb))
}

func panicLengths3(name, a string, na int, b string, nb int, c string, nc int) {
	panic(fmt.Errorf("%w: %s: len(%s) = %d, len(%s) = %d, len(%s) = %d", ErrLength, name, a, na, b, nb, c, nc))
}

// panicRows panics for AddRows (dst = "z") and AddColSums (dst = "").
func panicRows(name, dst, row string, nDst, nX, k int) {
	if dst != "" && nDst != nX {
		panicLengths(name, dst, nDst, "x", nX)
	}
	panic(fmt.Errorf("%w: %s: len(x) = %d is not a multiple of len(%s) = %d", ErrLength, name, nX, row, k))
}
