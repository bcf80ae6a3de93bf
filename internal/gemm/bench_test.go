package gemm

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// benchShapes are the products of the reference network (784-256-10, batch
// 128) as its graph calls them, and square ones.
var benchShapes = []struct {
	name    string
	tA, tB  blas.Transpose
	m, n, k int
	beta    float64
}{
	{"fwd_XW1_128x784x256", blas.NoTrans, blas.NoTrans, 128, 256, 784, 0},
	{"fwd_HW2_128x256x10", blas.NoTrans, blas.NoTrans, 128, 10, 256, 0},
	{"bwd_XtZ1_784x128x256", blas.Trans, blas.NoTrans, 784, 256, 128, 1},
	{"bwd_Z2W2t_128x10x256", blas.NoTrans, blas.Trans, 128, 256, 10, 1},
	{"bwd_HtZ2_256x128x10", blas.Trans, blas.NoTrans, 256, 10, 128, 1},
	{"iris_fwd_XW1_32x4x16", blas.NoTrans, blas.NoTrans, 32, 16, 4, 0},
	{"iris_fwd_HW2_32x16x3", blas.NoTrans, blas.NoTrans, 32, 3, 16, 0},
	{"iris_bwd_XtZ1_4x32x16", blas.Trans, blas.NoTrans, 4, 16, 32, 0},
	{"iris_bwd_HtZ2_16x32x3", blas.Trans, blas.NoTrans, 16, 3, 32, 0},
	{"iris_bwd_Z2W2t_32x3x16", blas.NoTrans, blas.Trans, 32, 16, 3, 0},
	{"sq256", blas.NoTrans, blas.NoTrans, 256, 256, 256, 0},
	{"sq512", blas.NoTrans, blas.NoTrans, 512, 512, 512, 0},
	{"sq1024", blas.NoTrans, blas.NoTrans, 1024, 1024, 1024, 0},
}

// BenchmarkGemm times each shape with the kernels Gemm picks on this CPU
// ("asm" where the CPU has them), the portable Go kernel ("go"), gonum's
// Dgemm ("gonum") and, in a build with the openblas tag, OpenBLAS
// ("openblas"), reporting GFLOP/s.
func BenchmarkGemm(b *testing.B) {
	type impl struct {
		name string
		ks   []*kernel
	}
	impls := []impl{{"asm", preferred()}, {"go", []*kernel{goKernel}}, {"gonum", nil}}
	if preferred()[0] == goKernel {
		impls = impls[1:]
	}
	if library != nil {
		impls = append(impls, impl{library.name, []*kernel{library}})
	}
	for _, s := range benchShapes {
		for _, im := range impls {
			b.Run(s.name+"/"+im.name, func(b *testing.B) { benchGemm(b, im.ks, s.tA, s.tB, s.m, s.n, s.k, s.beta) })
		}
	}
}

// BenchmarkKernels times every kernel the CPU runs on the network's
// shapes, to choose among them.
func BenchmarkKernels(b *testing.B) {
	for _, s := range benchShapes {
		for _, kn := range kernels() {
			b.Run(s.name+"/"+kn.name, func(b *testing.B) { benchGemm(b, []*kernel{kn}, s.tA, s.tB, s.m, s.n, s.k, s.beta) })
		}
	}
}

// benchGemm times gemm with ks, or gonum's Dgemm for a nil ks, on an m×k ·
// k×n product.
func benchGemm(b *testing.B, ks []*kernel, tA, tB blas.Transpose, m, n, k int, beta float64) {
	rng := rand.New(rand.NewPCG(7, 1))
	ar, ac := dims(tA, m, k)
	br, bc := dims(tB, k, n)
	x, y, c := randGeneral(rng, ar, ac, 0), randGeneral(rng, br, bc, 0), randGeneral(rng, m, n, 0)
	call := func() { gemm(ks, tA, tB, 1, x, y, beta, c, nil) }
	if ks == nil {
		call = func() { blas64.Gemm(tA, tB, 1, x, y, beta, c) }
	}
	b.ReportAllocs()
	call()
	for b.Loop() {
		call()
	}
	b.ReportMetric(2*float64(m)*float64(n)*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
