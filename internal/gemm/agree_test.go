package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
)

// TestAsmKernelsAgree checks that the assembly kernels give the same bits
// for the graph's products (alpha 1, beta 0 or 1): each accumulates an
// entry as one chain of fused multiply-adds over k, in the same k-blocks,
// so a run's results do not depend on whether the CPU has AVX-512 or only
// AVX2 (the shipped goldens, weights hashes included, hold on both). The
// portable Go kernel rounds products separately on amd64 and is left out.
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
			for _, beta := range []float64{0, 1} {
				ar, ac := dims(tr[0], m, k)
				br, bc := dims(tr[1], k, n)
				a, b := randGeneral(rng, ar, ac, 1), randGeneral(rng, br, bc, 2)
				c0 := randGeneral(rng, m, n, 3)
				var want []float64
				for i, kn := range ks {
					c := clone(c0)
					gemm(ks[i:i+1], tr[0], tr[1], 1, a, b, beta, c, nil)
					if i == 0 {
						want = c.Data
						continue
					}
					for x := range want {
						if math.Float64bits(want[x]) != math.Float64bits(c.Data[x]) {
							t.Fatalf("%s: %s and %s differ at %d: %v, %v", fmt.Sprintf("%dx%dx%d %s%s beta=%v", m, n, k, tname(tr[0]), tname(tr[1]), beta),
								ks[0].name, kn.name, x, want[x], c.Data[x])
						}
					}
				}
			}
		}
	}
}
