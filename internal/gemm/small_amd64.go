package gemm

import "gonum.org/v1/gonum/blas/blas64"

// The small-product kernels in kernel_amd64.s: kernSmallRxV computes R
// rows (up to 16/V) by V vectors of 8 columns of c with AVX-512, and
// kernSmallAVX2RxV R rows (up to 12/V) by V vectors of 4 with AVX2; their
// contracts are in gen_kernels.go and above each in kernel_amd64.s.

//go:noescape
func kernSmall1x1(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask uint64, alpha, beta float64)

//go:noescape
func kernSmall2x1(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask uint64, alpha, beta float64)

//go:noescape
func kernSmall3x1(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask uint64, alpha, beta float64)

//go:noescape
func kernSmall4x1(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask uint64, alpha, beta float64)

//go:noescape
func kernSmall5x1(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask uint64, alpha, beta float64)

//go:noescape
func kernSmall6x1(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask uint64, alpha, beta float64)

//go:noescape
func kernSmall7x1(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask uint64, alpha, beta float64)

//go:noescape
func kernSmall8x1(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask uint64, alpha, beta float64)

//go:noescape
func kernSmall9x1(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask uint64, alpha, beta float64)

//go:noescape
func kernSmall10x1(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask uint64, alpha, beta float64)

//go:noescape
func kernSmall11x1(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask uint64, alpha, beta float64)

//go:noescape
func kernSmall12x1(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask uint64, alpha, beta float64)

//go:noescape
func kernSmall13x1(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask uint64, alpha, beta float64)

//go:noescape
func kernSmall14x1(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask uint64, alpha, beta float64)

//go:noescape
func kernSmall15x1(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask uint64, alpha, beta float64)

//go:noescape
func kernSmall16x1(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask uint64, alpha, beta float64)

//go:noescape
func kernSmall1x2(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask uint64, alpha, beta float64)

//go:noescape
func kernSmall2x2(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask uint64, alpha, beta float64)

//go:noescape
func kernSmall3x2(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask uint64, alpha, beta float64)

//go:noescape
func kernSmall4x2(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask uint64, alpha, beta float64)

//go:noescape
func kernSmall5x2(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask uint64, alpha, beta float64)

//go:noescape
func kernSmall6x2(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask uint64, alpha, beta float64)

//go:noescape
func kernSmall7x2(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask uint64, alpha, beta float64)

//go:noescape
func kernSmall8x2(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask uint64, alpha, beta float64)

//go:noescape
func kernSmallAVX21x1(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask *uint64, alpha, beta float64)

//go:noescape
func kernSmallAVX22x1(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask *uint64, alpha, beta float64)

//go:noescape
func kernSmallAVX23x1(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask *uint64, alpha, beta float64)

//go:noescape
func kernSmallAVX24x1(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask *uint64, alpha, beta float64)

//go:noescape
func kernSmallAVX25x1(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask *uint64, alpha, beta float64)

//go:noescape
func kernSmallAVX26x1(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask *uint64, alpha, beta float64)

//go:noescape
func kernSmallAVX27x1(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask *uint64, alpha, beta float64)

//go:noescape
func kernSmallAVX28x1(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask *uint64, alpha, beta float64)

//go:noescape
func kernSmallAVX29x1(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask *uint64, alpha, beta float64)

//go:noescape
func kernSmallAVX210x1(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask *uint64, alpha, beta float64)

//go:noescape
func kernSmallAVX211x1(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask *uint64, alpha, beta float64)

//go:noescape
func kernSmallAVX212x1(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask *uint64, alpha, beta float64)

//go:noescape
func kernSmallAVX21x2(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask *uint64, alpha, beta float64)

//go:noescape
func kernSmallAVX22x2(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask *uint64, alpha, beta float64)

//go:noescape
func kernSmallAVX23x2(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask *uint64, alpha, beta float64)

//go:noescape
func kernSmallAVX24x2(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask *uint64, alpha, beta float64)

//go:noescape
func kernSmallAVX25x2(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask *uint64, alpha, beta float64)

//go:noescape
func kernSmallAVX26x2(k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask *uint64, alpha, beta float64)

// smallTile runs kernSmallRxV for rows = R and nv = V: a direct call for
// each, since a call through a function value would make the compiler
// assume that the pointers escape, moving smallAVX512's buffer to the heap.
func smallTile(rows, nv, k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask uint64, alpha, beta float64) {
	switch nv {
	case 1:
		switch rows {
		case 1:
			kernSmall1x1(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 2:
			kernSmall2x1(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 3:
			kernSmall3x1(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 4:
			kernSmall4x1(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 5:
			kernSmall5x1(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 6:
			kernSmall6x1(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 7:
			kernSmall7x1(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 8:
			kernSmall8x1(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 9:
			kernSmall9x1(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 10:
			kernSmall10x1(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 11:
			kernSmall11x1(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 12:
			kernSmall12x1(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 13:
			kernSmall13x1(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 14:
			kernSmall14x1(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 15:
			kernSmall15x1(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 16:
			kernSmall16x1(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		}
	case 2:
		switch rows {
		case 1:
			kernSmall1x2(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 2:
			kernSmall2x2(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 3:
			kernSmall3x2(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 4:
			kernSmall4x2(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 5:
			kernSmall5x2(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 6:
			kernSmall6x2(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 7:
			kernSmall7x2(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 8:
			kernSmall8x2(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		}
	}
}

// smallTileAVX2 runs kernSmallAVX2RxV for rows = R and nv = V, as
// smallTile does the AVX-512 kernels.
func smallTileAVX2(rows, nv, k int, a *float64, ais, aks int, b *float64, ldb int, c *float64, ldc int, mask *uint64, alpha, beta float64) {
	switch nv {
	case 1:
		switch rows {
		case 1:
			kernSmallAVX21x1(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 2:
			kernSmallAVX22x1(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 3:
			kernSmallAVX23x1(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 4:
			kernSmallAVX24x1(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 5:
			kernSmallAVX25x1(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 6:
			kernSmallAVX26x1(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 7:
			kernSmallAVX27x1(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 8:
			kernSmallAVX28x1(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 9:
			kernSmallAVX29x1(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 10:
			kernSmallAVX210x1(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 11:
			kernSmallAVX211x1(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 12:
			kernSmallAVX212x1(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		}
	case 2:
		switch rows {
		case 1:
			kernSmallAVX21x2(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 2:
			kernSmallAVX22x2(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 3:
			kernSmallAVX23x2(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 4:
			kernSmallAVX24x2(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 5:
			kernSmallAVX25x2(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		case 6:
			kernSmallAVX26x2(k, a, ais, aks, b, ldb, c, ldc, mask, alpha, beta)
		}
	}
}

// smallAVX512 computes the product of a small network's layer, c =
// alpha·op(a)·op(b) + beta·c with k ≤ 256 (one k-block), with the
// AVX-512 small kernels: A and B are read where they are, B's last columns
// and c's through masks, so nothing is packed and no edge tile is merged.
// Every entry is the same chain of fused multiply-adds over k, stored the
// same way, as in the tiled AVX-512 and AVX2 kernels, so the results are
// theirs bit for bit. It reports false, doing nothing, for a transposed B
// of more than smallBT entries.
func smallAVX512(aT, bT bool, m, n, k int, alpha float64, a, b blas64.General, beta float64, c blas64.General) bool {
	return small(true, aT, bT, m, n, k, alpha, a, b, beta, c)
}

// smallAVX2 is smallAVX512 with the AVX2 small kernels, which mask B's and
// c's last columns through VMASKMOVPD.
func smallAVX2(aT, bT bool, m, n, k int, alpha float64, a, b blas64.General, beta float64, c blas64.General) bool {
	return small(false, aT, bT, m, n, k, alpha, a, b, beta, c)
}

func small(avx512, aT, bT bool, m, n, k int, alpha float64, a, b blas64.General, beta float64, c blas64.General) bool {
	if bT {
		if k*n > smallBT {
			return false
		}
		smallTransB(avx512, aT, m, n, k, alpha, a, b, beta, c)
		return true
	}
	smallTiles(avx512, aT, m, n, k, alpha, a, b.Data, b.Stride, beta, c)
	return true
}

// smallTransB is small for a transposed B of at most smallBT entries,
// which it copies into row-major order on its stack first. (A function of
// its own, so that the other products do not clear the buffer.)
func smallTransB(avx512, aT bool, m, n, k int, alpha float64, a, b blas64.General, beta float64, c blas64.General) {
	var buf [smallBT]float64
	for j := range n {
		row := b.Data[j*b.Stride:][:k]
		for p, v := range row {
			buf[p*n+j] = v
		}
	}
	smallTiles(avx512, aT, m, n, k, alpha, a, buf[:k*n], n, beta, c)
}

// avx2Masks[8-cols:][:8] is the VMASKMOVPD mask of the first cols of 8
// columns: all bits set in the lanes in use.
var avx2Masks = [16]uint64{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}

// smallTiles runs the small kernels over c, with B = bd row-major with
// stride ldb: the AVX-512 ones 8 rows by 16 columns or 16 rows by 8 at a
// time, the AVX2 ones 6 rows by 8 columns or 12 rows by 4.
func smallTiles(avx512, aT bool, m, n, k int, alpha float64, a blas64.General, bd []float64, ldb int, beta float64, c blas64.General) {
	ais, aks := a.Stride, 1
	if aT {
		ais, aks = 1, a.Stride
	}
	width, lanes, regs := 16, 8, 16 // columns per tile, per vector; accumulators
	if !avx512 {
		width, lanes, regs = 8, 4, 12
	}
	for jc := 0; jc < n; jc += width {
		cols := min(width, n-jc)
		nv, mr := 1, regs // one vector of columns, or two of half as many rows
		if cols > lanes {
			nv, mr = 2, regs/2
		}
		for ic := 0; ic < m; ic += mr {
			rows := min(mr, m-ic)
			ao := ic * ais
			co := ic*c.Stride + jc
			// The kernel's extents, checked once, as the tile functions do.
			_, _, _ = a.Data[ao+(rows-1)*ais+(k-1)*aks], bd[jc+(k-1)*ldb+cols-1], c.Data[co+(rows-1)*c.Stride+cols-1]
			if avx512 {
				smallTile(rows, nv, k, &a.Data[ao], ais, aks, &bd[jc], ldb, &c.Data[co], c.Stride, uint64(1)<<cols-1, alpha, beta)
			} else {
				smallTileAVX2(rows, nv, k, &a.Data[ao], ais, aks, &bd[jc], ldb, &c.Data[co], c.Stride, &avx2Masks[8-cols], alpha, beta)
			}
		}
	}
}
