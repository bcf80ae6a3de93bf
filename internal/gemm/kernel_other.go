//go:build !amd64

package gemm

// kernelsFor lists the kernels of a CPU with the features given: only the
// portable one, since the assembly kernels are amd64's (and cpufeat
// reports no features elsewhere).
func kernelsFor(avx2FMA, avx512 bool) []*kernel { return []*kernel{goKernel} }

// preferredFor returns the kernels Gemm chooses among on such a CPU.
func preferredFor(avx2FMA, avx512 bool) []*kernel { return []*kernel{goKernel} }
