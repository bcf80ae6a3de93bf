package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// TestGemmThen checks GemmThen's blocks: they tile c exactly once, and each
// holds its final values (those of Gemm, bit for bit) when then sees it,
// for serial and parallel products, several k-blocks, edges that are not
// whole tiles, beta 0 and 1, and alpha = 0.
func TestGemmThen(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 1))
	for _, procs := range []int{1, 2} {
		prev := runtime.GOMAXPROCS(procs)
		for _, sh := range [][3]int{{1, 1, 1}, {7, 5, 3}, {32, 16, 4}, {128, 256, 784}, {128, 10, 256}, {784, 256, 128}, {300, 70, 600}} {
			m, n, k := sh[0], sh[1], sh[2]
			for _, tr := range [][2]blas.Transpose{{blas.NoTrans, blas.NoTrans}, {blas.Trans, blas.NoTrans}, {blas.NoTrans, blas.Trans}} {
				for _, ab := range [][2]float64{{1, 0}, {1, 1}, {0, 1}} {
					name := fmt.Sprintf("procs=%d/%dx%dx%d/%s%s/alpha=%v,beta=%v", procs, m, n, k, tname(tr[0]), tname(tr[1]), ab[0], ab[1])
					ar, ac := dims(tr[0], m, k)
					br, bc := dims(tr[1], k, n)
					a, b := randGeneral(rng, ar, ac, 1), randGeneral(rng, br, bc, 0)
					c0 := randGeneral(rng, m, n, 2)
					want := clone(c0)
					Gemm(tr[0], tr[1], ab[0], a, b, ab[1], want)
					got := clone(c0)
					var mu sync.Mutex
					seen := make([]int, m*n)
					stale := 0
					GemmThen(tr[0], tr[1], ab[0], a, b, ab[1], got, func(i0, i1, j0, j1 int) {
						mu.Lock()
						defer mu.Unlock()
						for i := i0; i < i1; i++ {
							for j := j0; j < j1; j++ {
								seen[i*n+j]++
								if math.Float64bits(got.Data[i*got.Stride+j]) != math.Float64bits(want.Data[i*want.Stride+j]) {
									stale++
								}
							}
						}
					})
					for i, s := range seen {
						if s != 1 {
							t.Fatalf("%s: c[%d, %d] in %d blocks, want 1", name, i/n, i%n, s)
						}
					}
					if stale > 0 {
						t.Errorf("%s: %d entries not final when their block was passed on", name, stale)
					}
					if !equalGeneral(got, want) {
						t.Errorf("%s: c differs from Gemm's", name)
					}
				}
			}
		}
		runtime.GOMAXPROCS(prev)
	}
}

// equalGeneral reports whether x and y hold the same bits, padding
// included.
func equalGeneral(x, y blas64.General) bool {
	if len(x.Data) != len(y.Data) {
		return false
	}
	for i := range x.Data {
		if math.Float64bits(x.Data[i]) != math.Float64bits(y.Data[i]) {
			return false
		}
	}
	return true
}
