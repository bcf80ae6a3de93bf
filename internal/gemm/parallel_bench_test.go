package gemm

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas/blas64"
)

// BenchmarkProductSequence times products called one after another, as a
// training step calls them, so that the hand-over to the workers between
// products counts: "XW1x4" is four 128×784·784×256 products, "step" the
// five products of the reference network's step (benchShapes' first
// five). Run it with -cpu 1,2 for 1 and 2 threads; bench/contended.sh
// also runs it while another process keeps a core busy, which is why it
// runs with the governor on (the package's tests turn it off).
func BenchmarkProductSequence(b *testing.B) {
	defer Governed(Governed(true))
	type product struct{ x, y, c blas64.General }
	rng := rand.New(rand.NewPCG(7, 2))
	make1 := func(i int) product {
		s := benchShapes[i]
		ar, ac := dims(s.tA, s.m, s.k)
		br, bc := dims(s.tB, s.k, s.n)
		return product{randGeneral(rng, ar, ac, 0), randGeneral(rng, br, bc, 0), randGeneral(rng, s.m, s.n, 0)}
	}
	xw1 := make1(0)
	step := make([]product, 5)
	for i := range step {
		step[i] = make1(i)
	}
	run := func(b *testing.B, idx []int, ps []product) {
		flops := 0.0
		for _, i := range idx {
			s := benchShapes[i]
			flops += 2 * float64(s.m) * float64(s.n) * float64(s.k)
		}
		call := func() {
			for i, p := range ps {
				s := benchShapes[idx[i]]
				gemm(preferred(), s.tA, s.tB, 1, p.x, p.y, s.beta, p.c, nil)
			}
		}
		b.ReportAllocs()
		call()
		for b.Loop() {
			call()
		}
		b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	}
	b.Run("XW1x4", func(b *testing.B) {
		run(b, []int{0, 0, 0, 0}, []product{xw1, xw1, xw1, xw1})
	})
	b.Run("step", func(b *testing.B) {
		run(b, []int{0, 1, 2, 3, 4}, step)
	})
}
