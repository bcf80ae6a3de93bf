package vmath

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// benchLengths are the slice lengths benchmarked: a small layer, a batch
// of 128 by 4, and a larger block.
var benchLengths = []int{96, 512, 4096}

// benchInput returns n values typical of each function's use in training:
// softmax and sigmoid arguments for Exp, probabilities and positive
// values for Log, pre-activations for Tanh (about half of them below
// 0.625 in magnitude, so both of its formulas matter).
func benchInput(name string, n int) []float64 {
	r := rand.New(rand.NewPCG(3, 1))
	x := make([]float64, n)
	for i := range x {
		switch name {
		case "Exp":
			x[i] = 40*r.Float64() - 30
		case "Log":
			x[i] = math.Ldexp(r.Float64()+0.5, r.IntN(20)-15)
		case "Tanh":
			x[i] = r.NormFloat64()
		}
	}
	return x
}

// bench times fn on each length by each path this machine runs ("avx512",
// "avx2") and as a loop over the math function ("math"), and reports
// ns/elem.
func bench(b *testing.B, fn function) {
	for _, n := range benchLengths {
		x := benchInput(fn.name, n)
		dst := make([]float64, n)
		for _, p := range append(paths()[1:], pathGo) {
			name := p.String()
			f := func() { fn.vector(dst, x, p) }
			if p == pathGo {
				name = "math"
				f = func() {
					for i, v := range x {
						dst[i] = fn.scalar(v)
					}
				}
			}
			b.Run(fmt.Sprintf("n=%d/%s", n, name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					f()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/elem")
			})
		}
	}
}

func BenchmarkExp(b *testing.B)  { bench(b, functions[0]) }
func BenchmarkLog(b *testing.B)  { bench(b, functions[1]) }
func BenchmarkTanh(b *testing.B) { bench(b, functions[2]) }
