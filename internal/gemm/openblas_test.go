//go:build openblas && cgo

package gemm

import (
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/blas"

	"github.com/mlptrain/mlptrain/internal/gemm/openblas"
)

// TestKernelOpenBLAS checks that a build with the openblas tag says so and
// sends Gemm's and Gemm32's products to OpenBLAS.
func TestKernelOpenBLAS(t *testing.T) {
	t.Parallel()
	if got := Kernel(); got != "openblas" {
		t.Errorf("Kernel() = %q, want %q", got, "openblas")
	}
	if len(best) != 1 || best[0] != library || library.product == nil {
		t.Errorf("Gemm chooses among %v, want only OpenBLAS", Kernel())
	}
	if got := Kernel32(); got != "openblas" {
		t.Errorf("Kernel32() = %q, want %q", got, "openblas")
	}
	if len(best32) != 1 || best32[0] != library32 || library32.product == nil {
		t.Errorf("Gemm32 chooses among %v, want only OpenBLAS", Kernel32())
	}
}

// TestOpenBLASThreads checks that OpenBLAS's thread count follows
// GOMAXPROCS, which train.threads sets. (Not parallel: it sets
// GOMAXPROCS.)
func TestOpenBLASThreads(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	rng := rand.New(rand.NewPCG(8, 1))
	a, b, c := randGeneral(rng, 64, 64, 0), randGeneral(rng, 64, 64, 0), randGeneral(rng, 64, 64, 0)
	for _, procs := range []int{1, 3, 2} {
		runtime.GOMAXPROCS(procs)
		Gemm(blas.NoTrans, blas.NoTrans, 1, a, b, 0, c)
		if got := openblas.Threads(); got != procs {
			t.Errorf("GOMAXPROCS %d: OpenBLAS has %d threads, want %d", procs, got, procs)
		}
	}
}
