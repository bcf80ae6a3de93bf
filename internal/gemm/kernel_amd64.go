package gemm

import "github.com/mlptrain/mlptrain/internal/cpufeat"

// The microkernels in kernel_amd64.s; see kernel.tile for the contract.
//
//go:noescape
func kernAVX2x6x8(k int, a *float64, ais, aks int, b, c *float64, ldc int, alpha, beta float64)

//go:noescape
func kernAVX512x8x16(k int, a *float64, ais, aks int, b, c *float64, ldc int, alpha, beta float64)

//go:noescape
func kernAVX512x6x32(k int, a *float64, ais, aks int, b, c *float64, ldc int, alpha, beta float64)

//go:noescape
func kernAVX2x6x8PackB(k int, a *float64, ais, aks int, b *float64, ldb int, bp, c *float64, ldc int, alpha, beta float64)

//go:noescape
func kernAVX512x8x16PackB(k int, a *float64, ais, aks int, b *float64, ldb int, bp, c *float64, ldc int, alpha, beta float64)

//go:noescape
func kernAVX512x6x32PackB(k int, a *float64, ais, aks int, b *float64, ldb int, bp, c *float64, ldc int, alpha, beta float64)

// The tile functions check the extents of a, bp and c once, so that the
// assembly cannot touch memory outside them. (ais and aks are never
// negative.)

func tileAVX2x6x8(k int, a []float64, ais, aks int, bp, c []float64, ldc int, alpha, beta float64) {
	_, _, _ = a[5*ais+(k-1)*aks], bp[8*k-1], c[5*ldc+7]
	kernAVX2x6x8(k, &a[0], ais, aks, &bp[0], &c[0], ldc, alpha, beta)
}

func tileAVX512x8x16(k int, a []float64, ais, aks int, bp, c []float64, ldc int, alpha, beta float64) {
	_, _, _ = a[7*ais+(k-1)*aks], bp[16*k-1], c[7*ldc+15]
	kernAVX512x8x16(k, &a[0], ais, aks, &bp[0], &c[0], ldc, alpha, beta)
}

func tileAVX512x6x32(k int, a []float64, ais, aks int, bp, c []float64, ldc int, alpha, beta float64) {
	_, _, _ = a[5*ais+(k-1)*aks], bp[32*k-1], c[5*ldc+31]
	kernAVX512x6x32(k, &a[0], ais, aks, &bp[0], &c[0], ldc, alpha, beta)
}

func tileAVX2x6x8PackB(k int, a []float64, ais, aks int, b []float64, ldb int, bp, c []float64, ldc int, alpha, beta float64) {
	_, _, _, _ = a[5*ais+(k-1)*aks], b[(k-1)*ldb+7], bp[8*k-1], c[5*ldc+7]
	kernAVX2x6x8PackB(k, &a[0], ais, aks, &b[0], ldb, &bp[0], &c[0], ldc, alpha, beta)
}

func tileAVX512x8x16PackB(k int, a []float64, ais, aks int, b []float64, ldb int, bp, c []float64, ldc int, alpha, beta float64) {
	_, _, _, _ = a[7*ais+(k-1)*aks], b[(k-1)*ldb+15], bp[16*k-1], c[7*ldc+15]
	kernAVX512x8x16PackB(k, &a[0], ais, aks, &b[0], ldb, &bp[0], &c[0], ldc, alpha, beta)
}

func tileAVX512x6x32PackB(k int, a []float64, ais, aks int, b []float64, ldb int, bp, c []float64, ldc int, alpha, beta float64) {
	_, _, _, _ = a[5*ais+(k-1)*aks], b[(k-1)*ldb+31], bp[32*k-1], c[5*ldc+31]
	kernAVX512x6x32PackB(k, &a[0], ais, aks, &b[0], ldb, &bp[0], &c[0], ldc, alpha, beta)
}

//go:noescape
func transpose8x8AVX512(dst *float64, nr int, src *float64, ldb, blocks int)

//go:noescape
func transpose4x4AVX(dst *float64, nr int, src *float64, ldb, blocks int)

// transpose8 and transpose4 check the extents of dst and src once, like the
// tile functions.

func transpose8(dst []float64, nr int, src []float64, ldb, blocks int) {
	_, _ = dst[(8*blocks-1)*nr+7], src[7*ldb+8*blocks-1]
	transpose8x8AVX512(&dst[0], nr, &src[0], ldb, blocks)
}

func transpose4(dst []float64, nr int, src []float64, ldb, blocks int) {
	_, _ = dst[(4*blocks-1)*nr+3], src[3*ldb+4*blocks-1]
	transpose4x4AVX(&dst[0], nr, &src[0], ldb, blocks)
}

var (
	avx2Kernel       = &kernel{name: "avx2x6x8", mr: 6, nr: 8, kc: 256, mc: 144, nc: 512, tile: tileAVX2x6x8, fused: true, tilePackB: tileAVX2x6x8PackB, transB: transpose4, transW: 4, small: smallAVX2}
	avx512Kernel     = &kernel{name: "avx512x8x16", mr: 8, nr: 16, kc: 256, mc: 128, nc: 512, tile: tileAVX512x8x16, fused: true, tilePackB: tileAVX512x8x16PackB, transB: transpose8, transW: 8, small: smallAVX512}
	avx512WideKernel = &kernel{name: "avx512x6x32", mr: 6, nr: 32, kc: 256, mc: 144, nc: 512, tile: tileAVX512x6x32, fused: true, tilePackB: tileAVX512x6x32PackB, transB: transpose8, transW: 8, small: smallAVX512}
)

// kernels lists the kernels this CPU runs, fastest first; the last is the
// portable one.
func kernels() []*kernel {
	var ks []*kernel
	if cpufeat.AVX512() {
		ks = append(ks, avx512WideKernel, avx512Kernel)
	}
	if cpufeat.AVX2FMA() {
		ks = append(ks, avx2Kernel)
	}
	return append(ks, goKernel)
}

// preferred returns the kernels Gemm chooses among by shape.
func preferred() []*kernel {
	ks := kernels()
	if ks[0] == avx512WideKernel {
		return ks[:2]
	}
	return ks[:1]
}
