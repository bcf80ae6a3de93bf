package vmath

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchArith times the arithmetic function name on each of benchLengths
// (for AddRows and AddColSums, len(x) rows of k, rounded down to whole
// rows) by each path this machine runs ("avx512", "avx2") and by the
// scalar loop ("scalar"), on ordinary values: y in (-1, 1) as tanh gives
// it, or (0, 1) as the logistic function does, and normal elsewhere.
func benchArith(b *testing.B, name string, k int) {
	benchArithLengths(b, name, k, benchLengths)
}

func benchArithLengths(b *testing.B, name string, k int, lengths []int) {
	fn := arithByName(name)
	for _, n := range lengths {
		r := rand.New(rand.NewPCG(3, 2))
		rows := n
		if fn.rows {
			rows = n / k
		}
		nDst, nIn := fn.lens(rows, k)
		draw := func(j int) float64 {
			switch {
			case j == 1 && name == "AddTanhGrad":
				return 2*r.Float64() - 1
			case j == 1 && name == "AddLogisticGrad":
				return r.Float64()
			}
			return r.NormFloat64()
		}
		dst := make([]float64, nDst)
		for i := range dst {
			dst[i] = draw(-1)
		}
		in := make([][]float64, len(nIn))
		for j, m := range nIn {
			in[j] = make([]float64, m)
			for i := range in[j] {
				in[j][i] = draw(j)
			}
		}
		for _, p := range append(arithPaths()[1:], pathGo) {
			pname := p.String()
			if p == pathGo {
				pname = "scalar"
			}
			b.Run(fmt.Sprintf("n=%d/%s", n, pname), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					fn.run(dst, in, p)
				}
			})
		}
	}
}

func BenchmarkAddRows(b *testing.B) {
	b.Run("k=16", func(b *testing.B) { benchArith(b, "AddRows", 16) })
	b.Run("k=3", func(b *testing.B) { benchArith(b, "AddRows", 3) })
}
func BenchmarkReLU(b *testing.B)        { benchArith(b, "ReLU", 0) }
func BenchmarkAddReLUGrad(b *testing.B) { benchArith(b, "AddReLUGrad", 0) }
func BenchmarkAddTanhGrad(b *testing.B) { benchArith(b, "AddTanhGrad", 0) }

// BenchmarkAddTanhGradShort shows the calls' fixed cost.
func BenchmarkAddTanhGradShort(b *testing.B) {
	benchArithLengths(b, "AddTanhGrad", 0, []int{3, 8, 22})
}
func BenchmarkAddLogisticGrad(b *testing.B) { benchArith(b, "AddLogisticGrad", 0) }
func BenchmarkAddColSums(b *testing.B) {
	b.Run("k=16", func(b *testing.B) { benchArith(b, "AddColSums", 16) })
	b.Run("k=3", func(b *testing.B) { benchArith(b, "AddColSums", 3) })
}
func BenchmarkAdd(b *testing.B) { benchArith(b, "Add", 0) }
