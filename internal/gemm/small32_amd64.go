package gemm

// The float32 small-product kernels, kernSmallSRxV (AVX-512) and
// kernSmallAVX2SRxV (AVX2), and smallTile32 and smallTile32AVX2, which
// call them, are generated: kernel_amd64.s and kernel_gen_amd64.go.

// smallAVX512F32 is smallAVX512 for float32: up to 16 rows by 16 columns
// or 8 by 32 at a time, each entry the same chain of fused multiply-adds
// and the same store as in the float32 tiles. It reports false, doing
// nothing, for a transposed B of more than smallBT32 entries.
func smallAVX512F32(aT, bT bool, m, n, k int, alpha float32, a, b general[float32], beta float32, c general[float32]) bool {
	return small32(true, aT, bT, m, n, k, alpha, a, b, beta, c)
}

// smallAVX2F32 is smallAVX512F32 with the AVX2 small kernels, which mask
// B's and c's last columns through VMASKMOVPS: up to 12 rows by 8 columns
// or 6 by 16.
func smallAVX2F32(aT, bT bool, m, n, k int, alpha float32, a, b general[float32], beta float32, c general[float32]) bool {
	return small32(false, aT, bT, m, n, k, alpha, a, b, beta, c)
}

func small32(avx512, aT, bT bool, m, n, k int, alpha float32, a, b general[float32], beta float32, c general[float32]) bool {
	if bT {
		if k*n > smallBT32 {
			return false
		}
		smallTransB32(avx512, aT, m, n, k, alpha, a, b, beta, c)
		return true
	}
	smallTiles32(avx512, aT, m, n, k, alpha, a, b.Data, b.Stride, beta, c)
	return true
}

// smallTransB32 is smallTransB for float32.
func smallTransB32(avx512, aT bool, m, n, k int, alpha float32, a, b general[float32], beta float32, c general[float32]) {
	var buf [smallBT32]float32
	for j := range n {
		row := b.Data[j*b.Stride:][:k]
		for p, v := range row {
			buf[p*n+j] = v
		}
	}
	smallTiles32(avx512, aT, m, n, k, alpha, a, buf[:k*n], n, beta, c)
}

// avx2Masks32[16-cols:][:16] is the VMASKMOVPS mask of the first cols of
// 16 columns: all bits set in the lanes in use.
var avx2Masks32 = [32]uint32{
	^uint32(0), ^uint32(0), ^uint32(0), ^uint32(0), ^uint32(0), ^uint32(0), ^uint32(0), ^uint32(0),
	^uint32(0), ^uint32(0), ^uint32(0), ^uint32(0), ^uint32(0), ^uint32(0), ^uint32(0), ^uint32(0),
}

// smallTiles32 is smallTiles for float32.
func smallTiles32(avx512, aT bool, m, n, k int, alpha float32, a general[float32], bd []float32, ldb int, beta float32, c general[float32]) {
	ais, aks := a.Stride, 1
	if aT {
		ais, aks = 1, a.Stride
	}
	lanes, regs := smallAVX512F32Lanes, smallAVX512F32Regs // columns per vector; accumulators
	if !avx512 {
		lanes, regs = smallAVX2F32Lanes, smallAVX2F32Regs
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
				smallTile32(rows, nv, k, &a.Data[ao], ais, aks, &bd[jc], ldb, &c.Data[co], c.Stride, uint64(1)<<cols-1, alpha, beta)
			} else {
				smallTile32AVX2(rows, nv, k, &a.Data[ao], ais, aks, &bd[jc], ldb, &c.Data[co], c.Stride, &avx2Masks32[16-cols], alpha, beta)
			}
		}
	}
}
