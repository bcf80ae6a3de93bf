package gemm

// packA copies rows [i0, i0+mb) and columns [p0, p0+kb) of op(a) into dst
// as panels of mr rows, each stored k-major (dst[ir·kb + p·mr + i]); a last
// panel of fewer than mr rows is padded with zeros.
func packA[T float](dst []T, a general[T], trans bool, i0, mb, p0, kb, mr int) {
	for ir := 0; ir < mb; ir += mr {
		rows := min(mr, mb-ir)
		d := dst[ir*kb:][:mr*kb]
		if trans {
			// op(a)[i, p] = a[p, i]: each p is a contiguous run of rows.
			if rows == mr && copyRun(d, a.Data[p0*a.Stride+i0+ir:], a.Stride, kb, mr) {
				continue
			}
			for p := range kb {
				src := a.Data[(p0+p)*a.Stride+i0+ir:][:rows]
				dp := d[p*mr:][:mr]
				copy(dp, src)
				clear(dp[rows:])
			}
			continue
		}
		for i := range rows {
			src := a.Data[(i0+ir+i)*a.Stride+p0:][:kb]
			for p, v := range src {
				d[p*mr+i] = v
			}
		}
		for i := rows; i < mr; i++ {
			for p := range kb {
				d[p*mr+i] = 0
			}
		}
	}
}

// packB copies rows [p0, p0+kb) and columns [j0, j0+nb) of op(b) into dst
// as panels of nr columns, each stored k-major (dst[jr·kb + p·nr + j]); a
// last panel of fewer than nr columns is padded with zeros. With skipFull
// set, it packs only that partial panel.
func packB[T float](kn *kern[T], dst []T, b general[T], trans bool, p0, kb, j0, nb int, skipFull bool) {
	nr := kn.nr
	for jr := 0; jr < nb; jr += nr {
		cols := min(nr, nb-jr)
		if skipFull && cols == nr {
			continue
		}
		d := dst[jr*kb:][:nr*kb]
		if !trans {
			for p := range kb {
				src := b.Data[(p0+p)*b.Stride+j0+jr:][:cols]
				dp := d[p*nr:][:nr]
				copy(dp, src)
				clear(dp[cols:])
			}
			continue
		}
		// op(b)[p, j] = b[j, p]: each j is a contiguous run of b's row.
		j := 0
		if w := kn.transW; kn.transB != nil && kb >= w {
			blocks := kb / w
			for ; j+w <= cols; j += w {
				kn.transB(d[j:], nr, b.Data[(j0+jr+j)*b.Stride+p0:], b.Stride, blocks)
				for jj := j; jj < j+w; jj++ {
					src := b.Data[(j0+jr+jj)*b.Stride+p0:][:kb]
					for p := blocks * w; p < kb; p++ {
						d[p*nr+jj] = src[p]
					}
				}
			}
		}
		for ; j < cols; j++ {
			src := b.Data[(j0+jr+j)*b.Stride+p0:][:kb]
			for p, v := range src {
				d[p*nr+j] = v
			}
		}
		for j := cols; j < nr; j++ {
			for p := range kb {
				d[p*nr+j] = 0
			}
		}
	}
}

// copyRun copies kb runs of mr values, stride apart in src, to dst one
// after the other, for the panel heights of the kernels, and reports
// whether it did.
func copyRun[T float](dst, src []T, stride, kb, mr int) bool {
	switch mr {
	case 12:
		for p := range kb {
			*(*[12]T)(dst[p*12:]) = *(*[12]T)(src[p*stride:])
		}
	case 8:
		for p := range kb {
			*(*[8]T)(dst[p*8:]) = *(*[8]T)(src[p*stride:])
		}
	case 6:
		for p := range kb {
			*(*[6]T)(dst[p*6:]) = *(*[6]T)(src[p*stride:])
		}
	default:
		return false
	}
	return true
}
