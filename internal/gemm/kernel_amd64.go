package gemm

// The assembly kernels, their Go declarations and the lists avx512Kernels
// and avx2Kernels are generated: kernel_amd64.s and kernel_gen_amd64.go.

// kernelsFor lists the kernels that a CPU with AVX2 and FMA (avx2FMA),
// and AVX-512F too (avx512), runs, fastest first; the last is the portable
// one.
func kernelsFor(avx2FMA, avx512 bool) []*kernel {
	var ks []*kernel
	if avx512 {
		ks = append(ks, avx512Kernels...)
	}
	if avx2FMA {
		ks = append(ks, avx2Kernels...)
	}
	return append(ks, goKernel)
}

// preferredFor returns the kernels Gemm chooses among by shape on such a
// CPU: those of the best extension it has.
func preferredFor(avx2FMA, avx512 bool) []*kernel {
	switch {
	case avx512:
		return avx512Kernels
	case avx2FMA:
		return avx2Kernels
	}
	return []*kernel{goKernel}
}

// kernels32For is kernelsFor for the float32 kernels.
func kernels32For(avx2FMA, avx512 bool) []*kernel32 {
	var ks []*kernel32
	if avx512 {
		ks = append(ks, avx512Kernels32...)
	}
	if avx2FMA {
		ks = append(ks, avx2Kernels32...)
	}
	return append(ks, goKernel32)
}

// preferred32For is preferredFor for the float32 kernels.
func preferred32For(avx2FMA, avx512 bool) []*kernel32 {
	switch {
	case avx512 && len(avx512Kernels32) > 0:
		return avx512Kernels32
	case avx2FMA && len(avx2Kernels32) > 0:
		return avx2Kernels32
	}
	return []*kernel32{goKernel32}
}
