package gemm

import (
	"fmt"
	"runtime"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
)

// parallelFlops is the least work, in floating-point operations, that is
// worth a thread: products of less than twice this run on the calling
// goroutine alone.
const parallelFlops = 1 << 21

// smallWork is the most multiply-adds, m·n·k, of a product that the kernels'
// small path computes without packing.
const smallWork = 1 << 16

// kc32 is the k-block of every float32 kernel: the blocks over which an
// entry of c is one chain of fused multiply-adds, which must be the same
// in every kernel for them to give the same bits.
const kc32 = 512

// smallBT is the most entries of a transposed B that the small path copies
// into row-major order on its stack, and smallBT32 the most for float32:
// the same 4 KiB.
const (
	smallBT   = 512
	smallBT32 = 1024
)

// Gemm computes
//
//	c = alpha·op(a)·op(b) + beta·c,
//
// where op(x) is x for blas.NoTrans and xᵀ for blas.Trans or
// blas.ConjTrans, with the semantics of blas64.Gemm on row-major
// matrices: op(a) is m×k, op(b) is k×n and c is m×n; beta = 0 overwrites c
// even where it holds NaN or Inf; alpha = 0 or k = 0 only scales c by
// beta, reading neither a nor b; m = 0 or n = 0 does nothing. Strides may
// exceed the column counts (submatrix views). c must not share memory with
// a or b. Results differ from gonum's Dgemm by rounding only: the kernels
// fuse multiplies and adds and sum in another order.
//
// Gemm panics, with a message starting "gemm: ", on a transpose other than
// NoTrans, Trans or ConjTrans; on a negative dimension; on a stride less
// than max(1, Cols); on a Data slice too short for a non-empty matrix's
// Rows, Cols and Stride; and, unlike blas64.Gemm, which reads only a's
// dimensions and b's column count, on inner dimensions that differ or a c
// that is not m×n. Unlike gonum's Dgemm it accepts an empty a or b (k = 0)
// whose Data is shorter than its Rows and Stride would ask for.
//
// Gemm allocates nothing once warm. It splits products of at least 4
// MFLOP over up to GOMAXPROCS goroutines, which it keeps from one call to
// the next; it is safe for concurrent use. Built with the openblas tag, it
// calls OpenBLAS's dgemm instead, with GOMAXPROCS threads (see the package
// documentation).
func Gemm(tA, tB blas.Transpose, alpha float64, a, b blas64.General, beta float64, c blas64.General) {
	gemm(best, tA, tB, alpha, a, b, beta, c, nil)
}

// GemmThen is Gemm followed by then(i0, i1, j0, j1) on blocks
// c[i0:i1, j0:j1] that tile c, each called as soon as the block holds its
// final values, on the goroutine that computed it, while the block is
// still in that core's cache: work on c's entries done there (a bias and an
// activation in a network's forward pass) costs no pass of its own over c,
// and runs on as many threads as the product. Calls for different blocks
// may run at the same time; then must touch only its block of c, or
// entries at the same indices of other matrices. It is called once with
// the whole of c in a build with the openblas tag, and not at all when m
// or n is 0. GemmThen allocates nothing if then is a function value made
// once and kept.
func GemmThen(tA, tB blas.Transpose, alpha float64, a, b blas64.General, beta float64, c blas64.General, then func(i0, i1, j0, j1 int)) {
	gemm(best, tA, tB, alpha, a, b, beta, c, then)
}

// Gemm32 is Gemm for float32 matrices: it computes
//
//	c = alpha·op(a)·op(b) + beta·c
//
// with the semantics, the argument checks and the panics of Gemm, and
// blas32.Gemm's on row-major matrices. It accumulates in float32, as
// OpenBLAS's sgemm does: each entry of c is one chain of fused
// multiply-adds over k in float32 (see the package documentation for the
// error bound), and the bits do not depend on the thread count or on the
// path that computed the entry. Built with the openblas tag, it calls
// OpenBLAS's sgemm instead.
func Gemm32(tA, tB blas.Transpose, alpha float32, a, b blas32.General, beta float32, c blas32.General) {
	gemm32(best32, tA, tB, alpha, a, b, beta, c, nil)
}

// GemmThen32 is GemmThen for float32 matrices: Gemm32 followed by then on
// blocks that tile c, as GemmThen calls it.
func GemmThen32(tA, tB blas.Transpose, alpha float32, a, b blas32.General, beta float32, c blas32.General, then func(i0, i1, j0, j1 int)) {
	gemm32(best32, tA, tB, alpha, a, b, beta, c, then)
}

// gemm is Gemm with the kernels ks, chosen among by shape, and then as for
// GemmThen (nil: none).
func gemm(ks []*kernel, tA, tB blas.Transpose, alpha float64, a, b blas64.General, beta float64, c blas64.General, then func(i0, i1, j0, j1 int)) {
	multiply(ks, tA, tB, alpha, general[float64](a), general[float64](b), beta, general[float64](c), then)
}

// gemm32 is gemm for float32.
func gemm32(ks []*kernel32, tA, tB blas.Transpose, alpha float32, a, b blas32.General, beta float32, c blas32.General, then func(i0, i1, j0, j1 int)) {
	multiply(ks, tA, tB, alpha, from32(a), from32(b), beta, from32(c), then)
}

// from32 returns x as a general[float32]. (blas32.General orders its fields
// differently from blas64.General, so it does not convert.)
func from32(x blas32.General) general[float32] {
	return general[float32]{Rows: x.Rows, Cols: x.Cols, Data: x.Data, Stride: x.Stride}
}

// multiply is gemm and gemm32.
func multiply[T float](ks []*kern[T], tA, tB blas.Transpose, alpha T, a, b general[T], beta T, c general[T], then func(i0, i1, j0, j1 int)) {
	aT, bT := isTrans(tA), isTrans(tB)
	checkGeneral("a", a)
	checkGeneral("b", b)
	checkGeneral("c", c)
	m, k := a.Rows, a.Cols
	if aT {
		m, k = k, m
	}
	kb, n := b.Rows, b.Cols
	if bT {
		kb, n = n, kb
	}
	if k != kb || c.Rows != m || c.Cols != n {
		panic(fmt.Sprintf("gemm: %d×%d%s · %d×%d%s into %d×%d",
			a.Rows, a.Cols, tick(aT), b.Rows, b.Cols, tick(bT), c.Rows, c.Cols))
	}
	if m == 0 || n == 0 {
		return
	}
	if alpha == 0 || k == 0 {
		scale(beta, c)
		if then != nil {
			then(0, m, 0, n)
		}
		return
	}

	kn := choose(ks, m, n)
	if kn.product != nil {
		kn.product(tA, tB, m, n, k, alpha, a, b, beta, c)
		if then != nil {
			then(0, m, 0, n)
		}
		return
	}
	threads := 1
	if flops := 2 * float64(m) * float64(n) * float64(k); flops >= 2*parallelFlops {
		threads = threadsNow(min(runtime.GOMAXPROCS(0), int(flops/parallelFlops)))
	}
	if kn.small != nil && threads == 1 && k <= kn.kc && (m*n*k <= smallWork || n <= kn.smallN) &&
		kn.small(aT, bT, m, n, k, alpha, a, b, beta, c) {
		if then != nil {
			then(0, m, 0, n)
		}
		return
	}
	if threads == 1 {
		// On the calling goroutine alone: a mul of its own on the stack,
		// without the hand-over to workers, which costs more than the
		// product itself for a small network's.
		var p mul[T]
		p.set(kn, aT, bT, m, n, k, alpha, a, b, beta, c, then)
		p.split(1)
		p.run(0)
		return
	}
	// Split among workers: the job that hands them out runs parts of p.
	ps := mulsOf[T]()
	p := ps.get()
	p.set(kn, aT, bT, m, n, k, alpha, a, b, beta, c, then)
	p.split(threads)
	if p.part == nil {
		p.part = p.run // once for each mul, which is kept
	}
	j := jobs.get()
	j.fn, j.parts = p.part, p.parts
	j.do(min(threads, p.parts) - 1)
	p.a, p.b, p.c, p.then = general[T]{}, general[T]{}, general[T]{}, nil
	ps.put(p)
}

// set fills in j's product.
func (j *mul[T]) set(kn *kern[T], aT, bT bool, m, n, k int, alpha T, a, b general[T], beta T, c general[T], then func(i0, i1, j0, j1 int)) {
	j.kn, j.aT, j.bT, j.m, j.n, j.k = kn, aT, bT, m, n, k
	j.alpha, j.beta, j.a, j.b, j.c = alpha, beta, a, b, c
	j.then = then
	// The columns of a transposed A whose stride is a multiple of 2 KiB
	// fall into few sets of the L1 cache and evict each other: pack them
	// when there are enough panels of B to repay it.
	j.packA = aT && a.Stride%256 == 0 && n >= 4*kn.nr
	j.fuseB = !bT && kn.tilePackB != nil
}

func isTrans(t blas.Transpose) bool {
	switch t {
	case blas.NoTrans:
		return false
	case blas.Trans, blas.ConjTrans:
		return true
	}
	panic(fmt.Sprintf("gemm: bad transpose %d", t))
}

func checkGeneral[T float](name string, x general[T]) {
	if x.Rows < 0 || x.Cols < 0 {
		panic(fmt.Sprintf("gemm: %s is %d×%d", name, x.Rows, x.Cols))
	}
	if x.Stride < max(1, x.Cols) {
		panic(fmt.Sprintf("gemm: %s has stride %d, less than max(1, %d columns)", name, x.Stride, x.Cols))
	}
	if x.Rows > 0 && x.Cols > 0 && len(x.Data) < (x.Rows-1)*x.Stride+x.Cols {
		panic(fmt.Sprintf("gemm: %s has %d elements, too few for %d×%d with stride %d",
			name, len(x.Data), x.Rows, x.Cols, x.Stride))
	}
}

func tick(trans bool) string {
	if trans {
		return "ᵀ"
	}
	return ""
}

// scale computes c = beta·c, where beta = 0 overwrites c.
func scale[T float](beta T, c general[T]) {
	if beta == 1 {
		return
	}
	for i := range c.Rows {
		row := c.Data[i*c.Stride:][:c.Cols]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}
