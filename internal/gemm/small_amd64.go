package gemm

// The small-product kernels, kernSmallRxV (AVX-512) and kernSmallAVX2RxV
// (AVX2), and smallTile and smallTileAVX2, which call them, are generated:
// kernel_amd64.s and kernel_gen_amd64.go.

// smallAVX512 computes the product of a small network's layer, c =
// alpha·op(a)·op(b) + beta·c with k ≤ 256 (one k-block), with the
// AVX-512 small kernels: A and B are read where they are, B's last columns
// and c's through masks, so nothing is packed and no edge tile is merged.
// Every entry is the same chain of fused multiply-adds over k, stored the
// same way, as in the tiled AVX-512 and AVX2 kernels, so the results are
// theirs bit for bit. It reports false, doing nothing, for a transposed B
// of more than smallBT entries.
func smallAVX512(aT, bT bool, m, n, k int, alpha float64, a, b general[float64], beta float64, c general[float64]) bool {
	return small(true, aT, bT, m, n, k, alpha, a, b, beta, c)
}

// smallAVX2 is smallAVX512 with the AVX2 small kernels, which mask B's and
// c's last columns through VMASKMOVPD.
func smallAVX2(aT, bT bool, m, n, k int, alpha float64, a, b general[float64], beta float64, c general[float64]) bool {
	return small(false, aT, bT, m, n, k, alpha, a, b, beta, c)
}

func small(avx512, aT, bT bool, m, n, k int, alpha float64, a, b general[float64], beta float64, c general[float64]) bool {
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
func smallTransB(avx512, aT bool, m, n, k int, alpha float64, a, b general[float64], beta float64, c general[float64]) {
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
func smallTiles(avx512, aT bool, m, n, k int, alpha float64, a general[float64], bd []float64, ldb int, beta float64, c general[float64]) {
	ais, aks := a.Stride, 1
	if aT {
		ais, aks = 1, a.Stride
	}
	lanes, regs := smallAVX512Lanes, smallAVX512Regs // columns per vector; accumulators
	if !avx512 {
		lanes, regs = smallAVX2Lanes, smallAVX2Regs
	}
	width := 2 * lanes // columns per tile
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
