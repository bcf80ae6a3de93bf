package gemm

import (
	"strings"

	"github.com/mlptrain/mlptrain/internal/cpufeat"
	"gonum.org/v1/gonum/blas"
)

// gen_kernels.go writes the generated files, kernel_amd64.s and
// kernel_gen_amd64.go, on any platform.
//
//go:generate go run gen_kernels.go

// float is the element type of the matrices: Gemm's float64 or Gemm32's
// float32.
type float interface{ float32 | float64 }

// general is a row-major matrix of T: blas64.General or blas32.General,
// which convert to it.
type general[T float] struct {
	Rows, Cols int
	Data       []T
	Stride     int
}

// kernel is a float64 microkernel, and kernel32 a float32 one.
type (
	kernel   = kern[float64]
	kernel32 = kern[float32]
)

// kern is a register-tiled microkernel together with the cache blocking
// that suits it.
//
// tile computes the mr×nr block c = alpha·A·B + beta·c, where the mr×k
// block A is read in place, A[i,p] = a[i·ais + p·aks], so that it is a
// row-major view (ais = stride, aks = 1), a column-major one (ais = 1,
// aks = stride) or a packed panel (ais = 1, aks = mr); B is a k×nr panel
// packed row by row (bp[p·nr+j] = B[p,j]), and c is row-major with stride
// ldc. beta = 0 overwrites c, NaN or not. k ≥ 1.
type kern[T float] struct {
	name       string
	mr, nr     int
	kc, mc, nc int // block sizes: the k, m and n extents of one packed block
	tile       func(k int, a []T, ais, aks int, bp, c []T, ldc int, alpha, beta T)
	// fused: tile stores fma(alpha, AB, beta·c), rounding once, as the
	// assembly kernels do; edge tiles are merged the same way.
	fused bool

	// tilePackB, if not nil, is tile for a B read in place, B[p,j] =
	// b[p·ldb + j], that also stores the panel packed at bp for the
	// following tiles.
	tilePackB func(k int, a []T, ais, aks int, b []T, ldb int, bp, c []T, ldc int, alpha, beta T)

	// transB, if not nil, packs transW columns of a transposed B at a
	// time: it stores src[j·ldb + p] at dst[p·nr + j] for j < transW and
	// p < transW·blocks. blocks ≥ 1.
	transB func(dst []T, nr int, src []T, ldb, blocks int)
	transW int

	// small, if not nil, computes a product of one k-block (k ≤ kc) that
	// is too small to repay packing, bit for bit as the tiles would, and
	// reports whether it did.
	small func(aT, bT bool, m, n, k int, alpha T, a, b general[T], beta T, c general[T]) bool
	// smallN, if not 0, sends to small the products of one k-block with at
	// most smallN columns too, however many rows (128×256·256×10): the tiles
	// would pad c to a whole tile's width and merge every tile as an edge.
	smallN int

	// product, if not nil, computes the whole product in place of the
	// blocking and the tiles: a BLAS library linked in by a build tag. gemm
	// calls it with the arguments checked, m, n, k ≥ 1 and alpha ≠ 0.
	product func(tA, tB blas.Transpose, m, n, k int, alpha T, a, b general[T], beta T, c general[T])
}

// goKernel is the portable fallback, used where no assembly kernel fits the
// CPU.
var goKernel = &kernel{name: "go2x4", mr: 2, nr: 4, kc: 256, mc: 128, nc: 1024, tile: tileGo2x4[float64]}

// goKernel32 is goKernel for float32, blocked as the float32 assembly
// kernels are.
var goKernel32 = &kernel32{name: "go2x4", mr: 2, nr: 4, kc: kc32, mc: 128, nc: 1024, tile: tileGo2x4[float32]}

// best holds the kernels Gemm chooses among: the BLAS library the build
// links, if any (library, set by the openblas build tag), or this CPU's
// fastest.
var best = linked()

// best32 holds the kernels Gemm32 chooses among, as best does Gemm's.
var best32 = linked32()

func linked() []*kernel {
	if library != nil {
		return []*kernel{library}
	}
	return preferred()
}

func linked32() []*kernel32 {
	if library32 != nil {
		return []*kernel32{library32}
	}
	return preferred32()
}

// kernels lists the kernels this CPU runs, fastest first; the last is the
// portable one.
func kernels() []*kernel { return kernelsFor(cpufeat.AVX2FMA(), cpufeat.AVX512()) }

// preferred returns the kernels Gemm chooses among by shape on this CPU.
func preferred() []*kernel { return preferredFor(cpufeat.AVX2FMA(), cpufeat.AVX512()) }

// kernels32 lists the float32 kernels this CPU runs, fastest first; the
// last is the portable one.
func kernels32() []*kernel32 { return kernels32For(cpufeat.AVX2FMA(), cpufeat.AVX512()) }

// preferred32 returns the kernels Gemm32 chooses among by shape on this
// CPU.
func preferred32() []*kernel32 { return preferred32For(cpufeat.AVX2FMA(), cpufeat.AVX512()) }

// Kernel returns the names of the microkernels Gemm chooses among on this
// CPU, such as "avx512x6x32,avx512x8x16", "avx2x6x8" or the portable
// "go2x4", or "openblas" in a build with the openblas tag.
func Kernel() string { return names(best) }

// Kernel32 returns the names of the microkernels Gemm32 chooses among on
// this CPU, such as "avx512x6x64,avx512x12x32,avx512x12x16", "avx2x6x16"
// or the portable "go2x4", or "openblas" in a build with the openblas
// tag.
func Kernel32() string { return names(best32) }

func names[T float](ks []*kern[T]) string {
	names := make([]string, len(ks))
	for i, kn := range ks {
		names[i] = kn.name
	}
	return strings.Join(names, ",")
}

// choose returns the kernel of ks for an m×n product: the first, unless
// another pads c to a block of tiles at least 5% smaller.
func choose[T float](ks []*kern[T], m, n int) *kern[T] {
	padded := func(kn *kern[T]) int {
		return (m + kn.mr - 1) / kn.mr * kn.mr * ((n + kn.nr - 1) / kn.nr * kn.nr)
	}
	best, area := ks[0], padded(ks[0])
	for _, kn := range ks[1:] {
		if a := padded(kn); 20*a < 19*area {
			best, area = kn, a
		}
	}
	return best
}

// tileGo2x4 is the pure-Go 2×4 microkernel: 8 accumulators, 2 values of A
// and 4 of B stay within the 15 floating-point registers the compiler
// allocates on amd64, and unrolling by 2 halves the loop overhead.
func tileGo2x4[T float](k int, a []T, ais, aks int, bp, c []T, ldc int, alpha, beta T) {
	n := (k-1)*aks + 1
	a0, a1 := a[:n], a[ais:][:n]
	bp = bp[:4*k]
	var c00, c01, c02, c03 T
	var c10, c11, c12, c13 T
	o := 0
	for ; len(bp) >= 8; o += 2 * aks {
		b := bp[:8]
		x, y := a0[o], a1[o]
		c00 += x * b[0]
		c01 += x * b[1]
		c02 += x * b[2]
		c03 += x * b[3]
		c10 += y * b[0]
		c11 += y * b[1]
		c12 += y * b[2]
		c13 += y * b[3]
		x, y = a0[o+aks], a1[o+aks]
		c00 += x * b[4]
		c01 += x * b[5]
		c02 += x * b[6]
		c03 += x * b[7]
		c10 += y * b[4]
		c11 += y * b[5]
		c12 += y * b[6]
		c13 += y * b[7]
		bp = bp[8:]
	}
	if len(bp) >= 4 {
		x, y := a0[o], a1[o]
		c00 += x * bp[0]
		c01 += x * bp[1]
		c02 += x * bp[2]
		c03 += x * bp[3]
		c10 += y * bp[0]
		c11 += y * bp[1]
		c12 += y * bp[2]
		c13 += y * bp[3]
	}
	storeRow4(c[:4], alpha, beta, c00, c01, c02, c03)
	storeRow4(c[ldc:ldc+4], alpha, beta, c10, c11, c12, c13)
}

func storeRow4[T float](c []T, alpha, beta, v0, v1, v2, v3 T) {
	c = c[:4]
	if beta == 0 {
		c[0] = alpha * v0
		c[1] = alpha * v1
		c[2] = alpha * v2
		c[3] = alpha * v3
		return
	}
	c[0] = alpha*v0 + beta*c[0]
	c[1] = alpha*v1 + beta*c[1]
	c[2] = alpha*v2 + beta*c[2]
	c[3] = alpha*v3 + beta*c[3]
}
