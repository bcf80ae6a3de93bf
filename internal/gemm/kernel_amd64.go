package gemm

import "github.com/mlptrain/mlptrain/internal/cpufeat"

// The assembly kernels, their Go declarations and the lists avx512Kernels
// and avx2Kernels are generated: kernel_amd64.s and kernel_gen_amd64.go.

// kernels lists the kernels this CPU runs, fastest first; the last is the
// portable one.
func kernels() []*kernel {
	var ks []*kernel
	if cpufeat.AVX512() {
		ks = append(ks, avx512Kernels...)
	}
	if cpufeat.AVX2FMA() {
		ks = append(ks, avx2Kernels...)
	}
	return append(ks, goKernel)
}

// preferred returns the kernels Gemm chooses among by shape: those of the
// best extension this CPU has.
func preferred() []*kernel {
	switch {
	case cpufeat.AVX512():
		return avx512Kernels
	case cpufeat.AVX2FMA():
		return avx2Kernels
	}
	return []*kernel{goKernel}
}
