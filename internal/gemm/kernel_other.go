//go:build !amd64

package gemm

// kernelsFor lists the kernels of a CPU with the features given: only the
// portable one, since the assembly kernels are amd64's (and cpufeat
// reports no features elsewhere).
func kernelsFor(avx2FMA, avx512 bool) []*kernel { return []*kernel{goKernel} }

// preferredFor returns the kernels Gemm chooses among on such a CPU.
func preferredFor(avx2FMA, avx512 bool) []*kernel { return []*kernel{goKernel} }

// kernels32For is kernelsFor for the float32 kernels.
func kernels32For(avx2FMA, avx512 bool) []*kernel32 { return []*kernel32{goKernel32} }

// preferred32For is preferredFor for the float32 kernels.
func preferred32For(avx2FMA, avx512 bool) []*kernel32 { return []*kernel32{goKernel32} }
