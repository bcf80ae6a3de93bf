package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
)

// TestAsmKernelsAgree checks that the assembly kernels give the same bits
// for the graph's products (alpha 1, beta 0 or 1) and any other alpha and
// beta: each accumulates an entry as one chain of fused multiply-adds over
// k, in the same k-blocks, and stores fma(alpha, AB, beta·c), edge tiles
// included, so a run's results do not depend on whether the CPU has
// AVX-512 or only AVX2 (the shipped goldens, weights hashes included, hold
// on both). The portable Go kernel rounds products separately on amd64 and
// is left out.
func TestAsmKernelsAgree(t *testing.T) {
	var ks []*kernel
	for _, kn := range testKernels() {
		if kn.tile != nil && kn != goKernel {
			ks = append(ks, kn)
		}
	}
	if len(ks) < 2 {
		t.Skipf("%d assembly kernels on this CPU: nothing to compare", len(ks))
	}
	rng := rand.New(rand.NewPCG(23, 1))
	for _, sh := range [][3]int{{1, 1, 1}, {7, 5, 3}, {32, 16, 4}, {13, 37, 300}, {128, 256, 784}, {128, 10, 256}, {256, 10, 128}} {
		m, n, k := sh[0], sh[1], sh[2]
		for _, tr := range [][2]blas.Transpose{{blas.NoTrans, blas.NoTrans}, {blas.Trans, blas.NoTrans}, {blas.NoTrans, blas.Trans}, {blas.Trans, blas.Trans}} {
			for _, ab := range [][2]float64{{1, 0}, {1, 1}, {1.0 / 3, 0.3}, {-2, 1}} {
				alpha, beta := ab[0], ab[1]
				ar, ac := dims(tr[0], m, k)
				br, bc := dims(tr[1], k, n)
				a, b := randGeneral(rng, ar, ac, 1), randGeneral(rng, br, bc, 2)
				c0 := randGeneral(rng, m, n, 3)
				var want []float64
				for i, kn := range ks {
					c := clone(c0)
					gemm(ks[i:i+1], tr[0], tr[1], alpha, a, b, beta, c, nil)
					if i == 0 {
						want = c.Data
						continue
					}
					for x := range want {
						if math.Float64bits(want[x]) != math.Float64bits(c.Data[x]) {
							t.Fatalf("%s: %s and %s differ at %d: %v, %v", fmt.Sprintf("%dx%dx%d %s%s alpha=%v beta=%v", m, n, k, tname(tr[0]), tname(tr[1]), alpha, beta),
								ks[0].name, kn.name, x, want[x], c.Data[x])
						}
					}
				}
			}
		}
	}
}

// TestSmallMatchesTiles checks each kernel's small-product path (AVX-512
// and AVX2) against the tiles it stands in for, bit for bit, on random
// small products of every transpose case, with padded strides, alpha 1
// (the graph's) or not, and beta 0, 1 or neither: a small network's
// products must not depend on which path or which CPU computes them.
func TestSmallMatchesTiles(t *testing.T) {
	ran := 0
	for _, small := range kernels() {
		if small.small == nil {
			continue
		}
		ran++
		t.Run(small.name, func(t *testing.T) { checkSmallMatchesTiles(t, small) })
	}
	if ran == 0 {
		t.Skip("no small-product path on this CPU")
	}
}

func checkSmallMatchesTiles(t *testing.T, small *kernel) {
	tiled := tiledOnly(small)
	rng := rand.New(rand.NewPCG(29, 1))
	took := 0
	for i := range 3000 {
		m, n, k := 1+rng.IntN(40), 1+rng.IntN(40), 1+rng.IntN(70)
		if i%4 == 0 {
			m, n = 1+rng.IntN(17), 1+rng.IntN(17)
		}
		tA, tB := transposes[rng.IntN(2)], transposes[rng.IntN(2)]
		alpha := []float64{1, 1, 1.0 / 3, -2}[rng.IntN(4)]
		beta := []float64{0, 1, 0.5, 0.3}[rng.IntN(4)]
		ar, ac := dims(tA, m, k)
		br, bc := dims(tB, k, n)
		a, b := randGeneral(rng, ar, ac, rng.IntN(3)), randGeneral(rng, br, bc, rng.IntN(3))
		c0 := randGeneral(rng, m, n, rng.IntN(3))
		want, got := clone(c0), clone(c0)
		gemm([]*kernel{tiled}, tA, tB, alpha, a, b, beta, want, nil)
		gemm([]*kernel{small}, tA, tB, alpha, a, b, beta, got, nil)
		if !equalGeneral(got, want) {
			t.Fatalf("%dx%dx%d %s%s alpha=%v beta=%v: the small path differs from the tiles", m, n, k, tname(tA), tname(tB), alpha, beta)
		}
		if m*n*k <= smallWork && (tB == blas.NoTrans || k*n <= smallBT) {
			took++
		}
	}
	if took < 1000 {
		t.Fatalf("only %d of 3000 products took the small path", took)
	}
}
