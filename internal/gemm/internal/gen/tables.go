package gen

import (
	"fmt"
	"strings"
)

// The tables below are the kernel set: the assembly emits one function for
// each entry and the Go side declares it, checks its extents and lists it,
// so that adding a kernel here adds it everywhere.

// isa is a vector extension that kernels are written for.
type isa struct {
	reg     string // vector registers: "Y" (YMM) or "Z" (ZMM)
	w       int    // doubles per vector
	feature string // what the CPU must support, in words
	list    string // the Go list of its tiled kernels
	small   string // the Go function of its small-product path
}

var (
	avx2   = isa{reg: "Y", w: 4, feature: "AVX2 and FMA", list: "avx2Kernels", small: "smallAVX2"}
	avx512 = isa{reg: "Z", w: 8, feature: "AVX-512F", list: "avx512Kernels", small: "smallAVX512"}
)

// isas lists the extensions in the order the Go side declares their
// lists: the better first.
var isas = []isa{avx512, avx2}

// tile describes one microkernel: mr rows of C by nv vectors of w doubles.
type tile struct {
	isa
	name       string // the assembly function; with "PackB", the variant that packs B
	mr         int
	nv         int
	acc0       int   // first accumulator register
	bc         []int // registers for the broadcast A values, used in turn
	kc, mc, nc int   // its block sizes in gemm (the k, m and n extents of a packed block)
}

var tiles = []tile{
	{isa: avx2, name: "kernAVX2x6x8", mr: 6, nv: 2, acc0: 4, bc: []int{2, 3}, kc: 256, mc: 144, nc: 512},
	{isa: avx512, name: "kernAVX512x8x16", mr: 8, nv: 2, acc0: 16, bc: []int{2, 3, 4, 5}, kc: 256, mc: 128, nc: 512},
	{isa: avx512, name: "kernAVX512x6x32", mr: 6, nv: 4, acc0: 8, bc: []int{4, 5, 6, 7}, kc: 256, mc: 144, nc: 512},
}

// nr is the tile's width in columns.
func (t tile) nr() int { return t.nv * t.w }

// asmName is the assembly function of the tile, or of its variant that
// packs B.
func (t tile) asmName(packB bool) string {
	if packB {
		return t.name + "PackB"
	}
	return t.name
}

// args are the assembly function's Go parameters.
func (t tile) args(packB bool) string {
	if packB {
		return "k int, a *float64, ais, aks int, b *float64, ldb int, bp, c *float64, ldc int, alpha, beta float64"
	}
	return "k int, a *float64, ais, aks int, b, c *float64, ldc int, alpha, beta float64"
}

// goName is the kernel's name in gemm (Kernel reports it), such as
// "avx2x6x8".
func (t tile) goName() string { return strings.ToLower(strings.TrimPrefix(t.name, "kern")) }

// tileFunc is gemm's function that checks the extents of the tile's
// arguments and calls asmName(packB).
func (t tile) tileFunc(packB bool) string {
	return "tile" + strings.TrimPrefix(t.asmName(packB), "kern")
}

// smallKernels is a family of small-product kernels, one for each shape
// of R rows by V = 1 or 2 vectors of columns with R·V ≤ regs.
type smallKernels struct {
	isa
	name     string // the prefix of the assembly functions: name + "RxV"
	regs     int    // vector registers for accumulators
	mask     string // the Go type of the mask argument
	dispatch string // gemm's function that calls the kernel for R and V
	emit     func(e *emitter, s smallKernels, mr, nv int)
}

var smalls = []smallKernels{
	{isa: avx512, name: "kernSmall", regs: 16, mask: "uint64", dispatch: "smallTile", emit: (*emitter).small},
	{isa: avx2, name: "kernSmallAVX2", regs: 12, mask: "*uint64", dispatch: "smallTileAVX2", emit: (*emitter).smallAVX2},
}

// asmName is the assembly function for mr rows by nv vectors.
func (s smallKernels) asmName(mr, nv int) string { return fmt.Sprintf("%s%dx%d", s.name, mr, nv) }

// args are the assembly functions' Go parameters.
func (s smallKernels) args() string {
	return "k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask " + s.mask + ", alpha, beta float64"
}

// transpose is an assembly function that packs w columns of a transposed
// B at a time, for the kernels whose vectors hold w doubles.
type transpose struct {
	name   string // the assembly function
	w      int
	goFunc string // gemm's function that checks the extents and calls it
	emit   func(e *emitter, name string)
}

var transposes = []transpose{
	{name: "transpose8x8AVX512", w: 8, goFunc: "transpose8", emit: (*emitter).transpose8},
	{name: "transpose4x4AVX", w: 4, goFunc: "transpose4", emit: (*emitter).transpose4},
}

// transposeArgs are the transposes' Go parameters.
const transposeArgs = "dst *float64, nr int, src *float64, ldb, blocks int"

// transposeFor returns the transpose for vectors of w doubles.
func transposeFor(w int) transpose {
	for _, tr := range transposes {
		if tr.w == w {
			return tr
		}
	}
	panic(fmt.Sprintf("gen: no transpose of %d columns", w))
}
