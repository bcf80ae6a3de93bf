//go:build openblas && cgo

package gemm

import (
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas"

	"github.com/mlptrain/mlptrain/internal/gemm/openblas"
)

// library is OpenBLAS's dgemm, which Gemm calls in place of its own
// kernels in a build with the openblas tag.
var library = &kernel{name: "openblas", mr: 1, nr: 1, product: dgemmOpenBLAS}

// library32 is OpenBLAS's sgemm, which Gemm32 calls in a build with the
// openblas tag.
var library32 = &kernel32{name: "openblas", mr: 1, nr: 1, product: sgemmOpenBLAS}

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
func dgemmOpenBLAS(tA, tB blas.Transpose, m, n, k int, alpha float64, a, b general[float64], beta float64, c general[float64]) {
	setBLASThreads()
	openblas.Dgemm(tA, tB, m, n, k, alpha, a.Data, a.Stride, b.Data, b.Stride, beta, c.Data, c.Stride)
	blasThreads.RUnlock()
}

// sgemmOpenBLAS is dgemmOpenBLAS for float32, with OpenBLAS's sgemm.
func sgemmOpenBLAS(tA, tB blas.Transpose, m, n, k int, alpha float32, a, b general[float32], beta float32, c general[float32]) {
	setBLASThreads()
	openblas.Sgemm(tA, tB, m, n, k, alpha, a.Data, a.Stride, b.Data, b.Stride, beta, c.Data, c.Stride)
	blasThreads.RUnlock()
}

// setBLASThreads sets OpenBLAS's threads to GOMAXPROCS if that has changed
// and returns holding blasThreads for reading, which the caller releases
// when its product is done.
func setBLASThreads() {
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
}
