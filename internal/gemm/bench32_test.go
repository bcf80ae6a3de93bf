package gemm

import (
	"math/rand/v2"
	"runtime"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/blas"
)

// benchShapes32 are the products of the reference network (784-256-10,
// batch 128) in float32: forward, the weights' gradients, and the input's
// gradient of the first layer.
var benchShapes32 = []struct {
	name    string
	tA, tB  blas.Transpose
	m, n, k int
	beta    float32
}{
	{"fwd_XW1_128x784x256", blas.NoTrans, blas.NoTrans, 128, 256, 784, 0},
	{"fwd_HW2_128x256x10", blas.NoTrans, blas.NoTrans, 128, 10, 256, 0},
	{"bwd_XtZ1_784x128x256", blas.Trans, blas.NoTrans, 784, 256, 128, 1},
	{"bwd_Z1W1t_128x256x784", blas.NoTrans, blas.Trans, 128, 784, 256, 0},
	{"iris_fwd_XW1_32x4x16", blas.NoTrans, blas.NoTrans, 32, 16, 4, 0},
	{"iris_fwd_HW2_32x16x3", blas.NoTrans, blas.NoTrans, 32, 3, 16, 0},
	{"iris_bwd_Z2W2t_32x3x16", blas.NoTrans, blas.Trans, 32, 16, 3, 0},
}

// BenchmarkGemm32 times each shape at 1 and 2 threads (GOMAXPROCS) with
// the float32 kernels Gemm32 picks on this CPU ("asm" where the CPU has
// them, "go" otherwise) and, in a build with the openblas tag, OpenBLAS's
// sgemm ("openblas"), reporting GFLOP/s. For comparison, "asm64" is Gemm
// on the same product in float64.
func BenchmarkGemm32(b *testing.B) {
	type impl struct {
		name string
		ks   []*kernel32
		ks64 []*kernel
	}
	impls := []impl{{"asm", preferred32(), nil}, {"asm64", nil, preferred()}}
	if preferred32()[0] == goKernel32 {
		impls = []impl{{"go", preferred32(), nil}}
	}
	if library32 != nil {
		impls = append(impls, impl{library32.name, []*kernel32{library32}, nil})
	}
	for _, s := range benchShapes32 {
		for _, threads := range []int{1, 2} {
			for _, im := range impls {
				b.Run(s.name+"/threads"+strconv.Itoa(threads)+"/"+im.name, func(b *testing.B) {
					defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(threads))
					if im.ks64 != nil {
						benchGemm(b, im.ks64, s.tA, s.tB, s.m, s.n, s.k, float64(s.beta))
						return
					}
					benchGemm32(b, im.ks, s.tA, s.tB, s.m, s.n, s.k, s.beta)
				})
			}
		}
	}
}

// BenchmarkKernels32 times every float32 kernel the CPU runs on the
// network's shapes, at one thread, to choose among them.
func BenchmarkKernels32(b *testing.B) {
	for _, s := range benchShapes32 {
		for _, kn := range kernels32() {
			b.Run(s.name+"/"+kn.name, func(b *testing.B) {
				// In each sub-benchmark: the testing package sets GOMAXPROCS
				// again before each run of one.
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
				benchGemm32(b, []*kernel32{kn}, s.tA, s.tB, s.m, s.n, s.k, s.beta)
			})
		}
	}
}

// benchGemm32 times gemm32 with ks on an m×k · k×n product.
func benchGemm32(b *testing.B, ks []*kernel32, tA, tB blas.Transpose, m, n, k int, beta float32) {
	rng := rand.New(rand.NewPCG(7, 32))
	ar, ac := dims(tA, m, k)
	br, bc := dims(tB, k, n)
	x, y, c := randGeneral32(rng, ar, ac, 0), randGeneral32(rng, br, bc, 0), randGeneral32(rng, m, n, 0)
	call := func() { gemm32(ks, tA, tB, 1, x, y, beta, c, nil) }
	b.ReportAllocs()
	call()
	for b.Loop() {
		call()
	}
	b.ReportMetric(2*float64(m)*float64(n)*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
