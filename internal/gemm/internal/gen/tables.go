package gen

import (
	"fmt"
	"strings"
)

// The tables below are the kernel set: the assembly emits one function for
// each entry and the Go side declares it, checks its extents and lists it,
// so that adding a kernel here adds it everywhere.

// elem is the element type of the matrices a kernel multiplies.
type elem struct {
	goType string // "float64" or "float32"
	size   int    // bytes
	shift  int    // log2(size)
	p      string // the last letter of the packed and scalar instructions: "D" (VFMADD231PD, VBROADCASTSD) or "S"
	kernel string // gemm's type of the kernel: "kernel" or "kernel32"
}

var (
	f64 = elem{goType: "float64", size: 8, shift: 3, p: "D", kernel: "kernel"}
	f32 = elem{goType: "float32", size: 4, shift: 2, p: "S", kernel: "kernel32"}
)

// op returns the instruction for the element type: op("VFMADD231P") is
// VFMADD231PD for float64 and VFMADD231PS for float32.
func (e elem) op(prefix string) string { return prefix + e.p }

// isa is a vector extension that kernels are written for, and the element
// type they multiply.
type isa struct {
	elem
	reg     string // vector registers: "Y" (YMM) or "Z" (ZMM)
	w       int    // elements per vector
	feature string // what the CPU must support, in words
	list    string // the Go list of its tiled kernels
	small   string // the Go function of its small-product path
	smallN  int    // if not 0, the small path also takes products of at most smallN columns and one k-block, however many rows
}

var (
	avx2    = isa{elem: f64, reg: "Y", w: 4, feature: "AVX2 and FMA", list: "avx2Kernels", small: "smallAVX2"}
	avx512  = isa{elem: f64, reg: "Z", w: 8, feature: "AVX-512F", list: "avx512Kernels", small: "smallAVX512"}
	avx2s   = isa{elem: f32, reg: "Y", w: 8, feature: "AVX2 and FMA", list: "avx2Kernels32", small: "smallAVX2F32", smallN: 8}
	avx512s = isa{elem: f32, reg: "Z", w: 16, feature: "AVX-512F", list: "avx512Kernels32", small: "smallAVX512F32", smallN: 16}
)

// isas lists the extensions in the order the Go side declares their
// lists: the better first, float64's before float32's.
var isas = []isa{avx512, avx2, avx512s, avx2s}

// tile describes one microkernel: mr rows of C by nv vectors of w
// elements.
type tile struct {
	isa
	name       string // the assembly function, with "F32" at the end for float32; with "PackB", the variant that packs B
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
	{isa: avx2s, name: "kernAVX2x6x16F32", mr: 6, nv: 2, acc0: 4, bc: []int{2, 3}, kc: 512, mc: 144, nc: 512},
	{isa: avx512s, name: "kernAVX512x6x64F32", mr: 6, nv: 4, acc0: 8, bc: []int{4, 5, 6, 7}, kc: 512, mc: 144, nc: 512},
	{isa: avx512s, name: "kernAVX512x12x32F32", mr: 12, nv: 2, acc0: 8, bc: []int{2, 3, 4, 5, 6, 7}, kc: 512, mc: 144, nc: 512},
	{isa: avx512s, name: "kernAVX512x12x16F32", mr: 12, nv: 1, acc0: 16, bc: []int{2, 3, 4, 5}, kc: 512, mc: 144, nc: 512},
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
		return strings.ReplaceAll("k int, a *T, ais, aks int, b *T, ldb int, bp, c *T, ldc int, alpha, beta T", "T", t.goType)
	}
	return strings.ReplaceAll("k int, a *T, ais, aks int, b, c *T, ldc int, alpha, beta T", "T", t.goType)
}

// goName is the kernel's name in gemm (Kernel and Kernel32 report it),
// such as "avx2x6x8".
func (t tile) goName() string {
	return strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(t.name, "kern"), "F32"))
}

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
	{isa: avx512s, name: "kernSmallS", regs: 16, mask: "uint64", dispatch: "smallTile32", emit: (*emitter).small},
	{isa: avx2s, name: "kernSmallAVX2S", regs: 12, mask: "*uint32", dispatch: "smallTile32AVX2", emit: (*emitter).smallAVX2},
}

// asmName is the assembly function for mr rows by nv vectors.
func (s smallKernels) asmName(mr, nv int) string { return fmt.Sprintf("%s%dx%d", s.name, mr, nv) }

// args are the assembly functions' Go parameters.
func (s smallKernels) args() string {
	return strings.ReplaceAll("k int, a *T, ais, aks int, b *T, ldb int, c *T, ldc int, mask ", "T", s.goType) + s.mask + ", alpha, beta " + s.goType
}

// transpose is an assembly function that packs w columns of a transposed
// B of elements e at a time.
type transpose struct {
	e      elem
	name   string // the assembly function
	w      int
	goFunc string // gemm's function that checks the extents and calls it
	emit   func(e *emitter, tr transpose)
}

var transposes = []transpose{
	{e: f64, name: "transpose8x8AVX512", w: 8, goFunc: "transpose8", emit: (*emitter).transpose8},
	{e: f64, name: "transpose4x4AVX", w: 4, goFunc: "transpose4", emit: (*emitter).transpose4},
	{e: f32, name: "transpose8x8F32AVX", w: 8, goFunc: "transpose8F32", emit: (*emitter).transpose8F32},
}

// args are the transpose's Go parameters.
func (tr transpose) args() string {
	return strings.ReplaceAll("dst *T, nr int, src *T, ldb, blocks int", "T", tr.e.goType)
}

// transposeFor returns the widest transpose of elements e that packs at
// most w columns at a time, for kernels whose vectors hold w of them, or
// false if there is none.
func transposeFor(e elem, w int) (transpose, bool) {
	for _, tr := range transposes {
		if tr.e == e && tr.w <= w {
			return tr, true
		}
	}
	return transpose{}, false
}
