package vmath

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// twin32 is a float32 function and its float64 twin, as calls on n
// inputs: rows of k = 256 where there is a bias. ios is how many slices
// of n elements a call reads and writes, for the bytes per second.
type twin32 struct {
	name string
	ios  int
	outs int // how many slices of n elements dst is
	f32  func(dst, x, b []float32)
	f64  func(dst, x, b []float64)
}

// logistic64s is the graph's float64 logistic pass (ops_activation.go):
// exp of −|x| by Exp, then 1/(1+e) or e/(1+e).
func logistic64s(y, x []float64) {
	for i, v := range x {
		if v >= 0 {
			y[i] = -v
		} else {
			y[i] = v
		}
	}
	Exp(y, y)
	for i, e := range y {
		if x[i] >= 0 {
			y[i] = 1 / (1 + e)
		} else {
			y[i] = e / (1 + e)
		}
	}
}

var twins32 = []twin32{
	{"Exp", 2, 1, func(d, x, _ []float32) { Exp32(d, x) }, func(d, x, _ []float64) { Exp(d, x) }},
	{"Log", 2, 1, func(d, x, _ []float32) { Log32(d, x) }, func(d, x, _ []float64) { Log(d, x) }},
	{"Tanh", 2, 1, func(d, x, _ []float32) { Tanh32(d, x) }, func(d, x, _ []float64) { Tanh(d, x) }},
	{"Logistic", 2, 1, func(d, x, _ []float32) { Logistic32(d, x) }, func(d, x, _ []float64) { logistic64s(d, x) }},
	{"AddRowsReLU", 3, 2, func(d, x, b []float32) { AddRowsReLU32(d[len(x):], d[:len(x)], x, b) },
		func(d, x, b []float64) { AddRows(d[:len(x)], x, b); ReLU(d[len(x):], d[:len(x)]) }},
	{"AddRowsTanh", 3, 2, func(d, x, b []float32) { AddRowsTanh32(d[len(x):], d[:len(x)], x, b) },
		func(d, x, b []float64) { AddRows(d[:len(x)], x, b); Tanh(d[len(x):], d[:len(x)]) }},
	{"AddRowsLogistic", 3, 2, func(d, x, b []float32) { AddRowsLogistic32(d[len(x):], d[:len(x)], x, b) },
		func(d, x, b []float64) { AddRows(d[:len(x)], x, b); logistic64s(d[len(x):], d[:len(x)]) }},
	{"Log1p", 2, 1, func(d, x, _ []float32) { Log1p32(d, x) }, func(d, x, _ []float64) {
		for i, v := range x {
			d[i] = math.Log1p(v)
		}
	}},
	{"Softplus", 2, 1, func(d, x, _ []float32) { Softplus32(d, x) }, func(d, x, _ []float64) {
		for i, v := range x {
			d[i] = softplus64(v)
		}
	}},
	{"AddRows", 2, 1, func(d, x, b []float32) { AddRows32(d, x, b) }, func(d, x, b []float64) { AddRows(d, x, b) }},
	{"ReLU", 2, 1, func(d, x, _ []float32) { ReLU32(d, x) }, func(d, x, _ []float64) { ReLU(d, x) }},
	{"AddReLUGrad", 4, 1, func(d, x, _ []float32) { AddReLUGrad32(d, x, x) }, func(d, x, _ []float64) { AddReLUGrad(d, x, x) }},
	{"AddTanhGrad", 4, 1, func(d, x, _ []float32) { AddTanhGrad32(d, x, x) }, func(d, x, _ []float64) { AddTanhGrad(d, x, x) }},
	{"AddLogisticGrad", 4, 1, func(d, x, _ []float32) { AddLogisticGrad32(d, x, x) }, func(d, x, _ []float64) { AddLogisticGrad(d, x, x) }},
	{"AddColSums", 1, 0, func(_, x, b []float32) { AddColSums32(b, x) }, func(_, x, b []float64) { AddColSums(b, x) }},
	{"Add", 3, 1, func(d, x, _ []float32) { Add32(d, x) }, func(d, x, _ []float64) { Add(d, x) }},
	{"SubScaled", 3, 1, func(w, g, _ []float32) { SubScaled32(w, g, 1e-3) }, func(w, g, _ []float64) { SubScaled(w, g, 1e-3) }},
	// The optimizer's SGD step as the plain loop that defines SubScaled.
	{"SubScaledLoop", 3, 1, func(w, g, _ []float32) {
		for j := range w {
			w[j] -= 1e-3 * g[j]
		}
	}, func(w, g, _ []float64) {
		for j := range w {
			w[j] -= 1e-3 * g[j]
		}
	}},
}

// BenchmarkTwins32 times each float32 function against its float64 twin
// on a 128×256 batch (32768 elements) and on 4096 elements (16 rows), on
// the best path; the bytes are those of the slices of n elements each
// call reads and writes.
//
//	go test -run '^$' -bench Twins32 -count 10 ./internal/vmath/
func BenchmarkTwins32(b *testing.B) {
	for _, tw := range twins32 {
		for _, n := range []int{128 * 256, 4096} {
			r := rand.New(rand.NewPCG(3, 32))
			x64 := make([]float64, n)
			b64 := make([]float64, 256)
			for i := range x64 {
				x64[i] = 2 * r.NormFloat64()
				switch tw.name {
				case "Log", "Log1p", "AddTanhGrad", "AddLogisticGrad":
					x64[i] = r.Float64() // in the domain, and an activation's output
				}
			}
			for i := range b64 {
				b64[i] = r.NormFloat64()
			}
			x32, b32 := make([]float32, n), make([]float32, 256)
			for i, v := range x64 {
				x32[i] = float32(v)
			}
			for i, v := range b64 {
				b32[i] = float32(v)
			}
			d64, d32 := make([]float64, 2*n), make([]float32, 2*n)
			b.Run(fmt.Sprintf("%s/n=%d/f32", tw.name, n), func(b *testing.B) {
				b.SetBytes(int64(4 * tw.ios * n))
				b.ReportAllocs()
				for b.Loop() {
					tw.f32(d32[:n*tw.outs], x32, b32)
				}
			})
			b.Run(fmt.Sprintf("%s/n=%d/f64", tw.name, n), func(b *testing.B) {
				b.SetBytes(int64(8 * tw.ios * n))
				b.ReportAllocs()
				for b.Loop() {
					tw.f64(d64[:n*tw.outs], x64, b64)
				}
			})
		}
	}
}
