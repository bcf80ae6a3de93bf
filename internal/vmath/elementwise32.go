package vmath

import "math"

// AddRows32 is AddRows for float32: with k = len(b), it does
//
//	for i := 0; i < len(x); i += k {
//		for j := range k {
//			z[i+j] = x[i+j] + b[j]
//		}
//	}
//
// bit for bit. z may be x itself but must not otherwise overlap x, and
// must not overlap b. AddRows32 panics with ErrLength if len(z) != len(x)
// or if len(x) is not a multiple of len(b); len(b) = 0 is allowed with
// empty x only.
func AddRows32(z, x, b []float32) {
	if len(z) != len(x) || notRows(len(x), len(b)) {
		panicRows("AddRows32", "z", "b", len(z), len(x), len(b))
	}
	addRows32(z, x, b, best32)
}

// ReLU32 is ReLU for float32: y = max(x, 0) elementwise, for every i
//
//	v := x[i]
//	var keep uint32
//	if !(v <= 0) {
//		keep = ^uint32(0)
//	}
//	y[i] = math.Float32frombits(math.Float32bits(v) & keep)
//
// bit for bit: positive numbers and NaNs keep their bits, everything else,
// -0 included, becomes +0. y may be x itself but must not otherwise
// overlap it. ReLU32 panics with ErrLength if len(y) != len(x).
func ReLU32(y, x []float32) {
	if len(y) != len(x) {
		panicLengths("ReLU32", "y", len(y), "x", len(x))
	}
	relu32(y, x, best32)
}

// AddReLUGrad32 is AddReLUGrad for float32, x̄ += ȳ ⊙ [x > 0]: for every
// i it does
//
//	var keep uint32
//	if x[i] > 0 {
//		keep = ^uint32(0)
//	}
//	xb[i] += g[i] * math.Float32frombits(math.Float32bits(1.0)&keep)
//
// bit for bit, the product (g·1 or g·0) rounded before the sum. The
// slices may be one another but must not otherwise overlap. AddReLUGrad32
// panics with ErrLength unless the three lengths are equal.
func AddReLUGrad32(xb, g, x []float32) {
	if len(g) != len(xb) || len(x) != len(xb) {
		panicLengths3("AddReLUGrad32", "xb", len(xb), "g", len(g), "x", len(x))
	}
	addReLUGrad32(xb, g, x, best32)
}

// AddTanhGrad32 is AddTanhGrad for float32, x̄ += ȳ ⊙ (1 − y²) given
// tanh's output y: for every i it does
//
//	t := y[i] * y[i]
//	u := 1 - t
//	p := g[i] * u
//	xb[i] = xb[i] + p
//
// bit for bit, each operation rounded to float32 on its own. The slices
// may be one another but must not otherwise overlap. AddTanhGrad32 panics
// with ErrLength unless the three lengths are equal.
func AddTanhGrad32(xb, g, y []float32) {
	if len(g) != len(xb) || len(y) != len(xb) {
		panicLengths3("AddTanhGrad32", "xb", len(xb), "g", len(g), "y", len(y))
	}
	addTanhGrad32(xb, g, y, best32)
}

// AddLogisticGrad32 is AddLogisticGrad for float32, x̄ += ȳ ⊙ y ⊙ (1 − y)
// given the logistic function's output y: for every i it does
//
//	u := 1 - y[i]
//	v := y[i] * u
//	p := g[i] * v
//	xb[i] = xb[i] + p
//
// bit for bit, each operation rounded to float32 on its own. The slices
// may be one another but must not otherwise overlap. AddLogisticGrad32
// panics with ErrLength unless the three lengths are equal.
func AddLogisticGrad32(xb, g, y []float32) {
	if len(g) != len(xb) || len(y) != len(xb) {
		panicLengths3("AddLogisticGrad32", "xb", len(xb), "g", len(g), "y", len(y))
	}
	addLogisticGrad32(xb, g, y, best32)
}

// AddColSums32 is AddColSums for float32: with k = len(d), it does
//
//	for i := 0; i < len(x); i += k {
//		for j := range k {
//			d[j] += x[i+j]
//		}
//	}
//
// bit for bit: each column is summed in row order, in float32, starting
// from d[j]. (A float32 sum of n terms can lose about n/2 ulps to
// rounding; a caller that needs better sums a float64 d.) d must not
// overlap x. AddColSums32 panics with ErrLength if len(x) is not a
// multiple of len(d); len(d) = 0 is allowed with empty x only.
func AddColSums32(d, x []float32) {
	if notRows(len(x), len(d)) {
		panicRows("AddColSums32", "", "d", 0, len(x), len(d))
	}
	addColSums32(d, x, best32)
}

// Add32 does dst[i] += x[i] for every i, bit for bit. dst may be x itself
// but must not otherwise overlap it. Add32 panics with ErrLength if
// len(dst) != len(x).
func Add32(dst, x []float32) {
	if len(dst) != len(x) {
		panicLengths("Add32", "dst", len(dst), "x", len(x))
	}
	add32(dst, x, best32)
}

// AddRowsReLU32 is a layer's bias and ReLU activation in one pass: it
// sets z as AddRows32(z, x, b) does and h as ReLU32(h, z) then does, bit
// for bit, reading each element of x once. z may be x, and h may be x or
// z (then it ends up holding h), but no slice may otherwise overlap
// another or b. AddRowsReLU32 panics with ErrLength if len(h), len(z) and
// len(x) are not equal or len(x) is not a multiple of len(b).
func AddRowsReLU32(h, z, x, b []float32) {
	checkFused32("AddRowsReLU32", h, z, x, b)
	addRowsAct32(h, z, x, b, actReLU, best32)
}

// AddRowsTanh32 is a layer's bias and tanh activation in one pass: z as
// AddRows32(z, x, b) sets it and h as Tanh32(h, z) then does, bit for bit.
// The aliasing rules and panics are AddRowsReLU32's.
func AddRowsTanh32(h, z, x, b []float32) {
	checkFused32("AddRowsTanh32", h, z, x, b)
	addRowsAct32(h, z, x, b, actTanh, best32)
}

// AddRowsLogistic32 is a layer's bias and logistic activation in one
// pass: z as AddRows32(z, x, b) sets it and h as Logistic32(h, z) then
// does, bit for bit. The aliasing rules and panics are AddRowsReLU32's.
func AddRowsLogistic32(h, z, x, b []float32) {
	checkFused32("AddRowsLogistic32", h, z, x, b)
	addRowsAct32(h, z, x, b, actLogistic, best32)
}

func checkFused32(name string, h, z, x, b []float32) {
	if len(h) != len(x) {
		panicLengths(name, "h", len(h), "x", len(x))
	}
	if len(z) != len(x) || notRows(len(x), len(b)) {
		panicRows(name, "z", "b", len(z), len(x), len(b))
	}
}

// The activations of the fused passes.
const (
	actReLU = iota
	actTanh
	actLogistic
)

// addRowsAct32 does a fused pass by path p: a row at a time in one
// kernel call if the rows have 8 elements or more (the kernels' least),
// else AddRows32's loop on all of x and then the activation's. The tests
// call it on every path.
func addRowsAct32(h, z, x, b []float32, act int, p path) {
	k := len(b)
	if p == pathGo || k < 8 {
		addRows32(z, x, b, p)
		switch act {
		case actReLU:
			relu32(h, z, p)
		case actTanh:
			tanh32s(h, z, p)
		case actLogistic:
			logistic32s(h, z, p)
		}
		return
	}
	kernel := [...]func(h, z, x, b []float32, avx512 bool) int{
		actReLU:     addReLU32Kernel,
		actTanh:     addTanh32Kernel,
		actLogistic: addLogistic32Kernel,
	}[act]
	avx512 := p == pathAVX512
	for i := 0; i < len(x); i += k {
		kernel(h[i:i+k], z[i:i+k], x[i:i+k], b, avx512)
	}
}

// addRows32, relu32, addReLUGrad32, addTanhGrad32, addLogisticGrad32,
// addColSums32 and add32 run the kernel (elementwise32_amd64.s) unless p
// is pathGo, then the scalar loop. The tests call them on every path.

func addRows32(z, x, b []float32, p path) {
	if p == pathGo {
		addRows32Go(z, x, b)
		return
	}
	addRows32Kernel(z, x, b, p == pathAVX512)
}

func relu32(y, x []float32, p path) {
	if p == pathGo {
		relu32Go(y, x)
		return
	}
	relu32Kernel(y, x, p == pathAVX512)
}

func addReLUGrad32(xb, g, x []float32, p path) {
	if p == pathGo {
		addReLUGrad32Go(xb, g, x)
		return
	}
	addReLUGrad32Kernel(xb, g, x, p == pathAVX512)
}

func addTanhGrad32(xb, g, y []float32, p path) {
	if p == pathGo {
		addTanhGrad32Go(xb, g, y)
		return
	}
	addTanhGrad32Kernel(xb, g, y, p == pathAVX512)
}

func addLogisticGrad32(xb, g, y []float32, p path) {
	if p == pathGo {
		addLogisticGrad32Go(xb, g, y)
		return
	}
	addLogisticGrad32Kernel(xb, g, y, p == pathAVX512)
}

func addColSums32(d, x []float32, p path) {
	if p == pathGo {
		addColSums32Go(d, x)
		return
	}
	addColSums32Kernel(d, x)
}

func add32(dst, x []float32, p path) {
	if p == pathGo {
		add32Go(dst, x)
		return
	}
	add32Kernel(dst, x, p == pathAVX512)
}

// The scalar loops. As the float64 ones do, they convert each product
// explicitly, which keeps the compiler from fusing it with a sum.

func addRows32Go(z, x, b []float32) {
	k := len(b)
	z = z[:len(x)]
	for i := 0; i < len(x); i += k {
		zi, xi := z[i:i+k], x[i:i+k]
		for j, bj := range b {
			zi[j] = xi[j] + bj
		}
	}
}

func relu32Go(y, x []float32) {
	y = y[:len(x)]
	for i, v := range x {
		var keep uint32
		if !(v <= 0) {
			keep = ^uint32(0)
		}
		y[i] = math.Float32frombits(math.Float32bits(v) & keep)
	}
}

func addReLUGrad32Go(xb, g, x []float32) {
	g, x = g[:len(xb)], x[:len(xb)]
	for i := range xb {
		var keep uint32
		if x[i] > 0 {
			keep = ^uint32(0)
		}
		xb[i] += float32(g[i] * math.Float32frombits(math.Float32bits(1.0)&keep))
	}
}

func addTanhGrad32Go(xb, g, y []float32) {
	g, y = g[:len(xb)], y[:len(xb)]
	for i := range xb {
		xb[i] += float32(g[i] * (1 - float32(y[i]*y[i])))
	}
}

func addLogisticGrad32Go(xb, g, y []float32) {
	g, y = g[:len(xb)], y[:len(xb)]
	for i := range xb {
		xb[i] += float32(g[i] * float32(y[i]*(1-y[i])))
	}
}

func addColSums32Go(d, x []float32) {
	k := len(d)
	for i := 0; i < len(x); i += k {
		xi := x[i : i+k]
		for j := range d {
			d[j] += xi[j]
		}
	}
}

func add32Go(dst, x []float32) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] += x[i]
	}
}
