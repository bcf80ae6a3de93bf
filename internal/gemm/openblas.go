//go:build openblas && cgo

package gemm

import (
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/mlptrain/mlptrain/internal/gemm/openblas"
)

// library is OpenBLAS's dgemm, which Gemm calls in place of its own
// kernels in a build with the openblas tag.
var library = &kernel{name: "openblas", mr: 1, nr: 1, product: dgemmOpenBLAS}

// blasThreads is the thread count last given to OpenBLAS. It must not
// change while a product runs, so products hold the lock for reading and a
// change holds it for writing.
var blasThreads struct {
	sync.RWMutex
	n int
}

// dgemmOpenBLAS computes c = alpha·op(a)·op(b) + beta·c with OpenBLAS,
// first setting its threads to GOMAXPROCS if that has changed since the
// last call (train.threads sets GOMAXPROCS). OpenBLAS decides by itself
// how many of them a product of that size is worth.
func dgemmOpenBLAS(tA, tB blas.Transpose, m, n, k int, alpha float64, a, b blas64.General, beta float64, c blas64.General) {
	procs := runtime.GOMAXPROCS(0)
	blasThreads.RLock()
	if blasThreads.n != procs {
		blasThreads.RUnlock()
		blasThreads.Lock()
		if blasThreads.n != procs {
			openblas.SetThreads(procs)
			blasThreads.n = procs
		}
		blasThreads.Unlock()
		blasThreads.RLock()
	}
	openblas.Dgemm(tA, tB, m, n, k, alpha, a.Data, a.Stride, b.Data, b.Stride, beta, c.Data, c.Stride)
	blasThreads.RUnlock()
}
