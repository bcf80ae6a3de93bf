// Package cpufeat tells the assembly kernels of internal/gemm and
// internal/vmath which vector instructions this CPU and its operating
// system support, so that each package picks its kernels at start-up from
// one detection. It reads CPUID and XGETBV itself, so GODEBUG settings such
// as cpu.avx512f=off, which turn off the standard library's own uses of
// those instructions, do not turn off these kernels. Build tags do: purego
// turns off every vector kernel (go test -tags purego ./... tests the
// portable kernels that arm64 and old x86 CPUs run), and noavx512 the
// AVX-512 ones (the suite as a CPU with AVX2 only runs it).
package cpufeat

// AVX2FMA reports whether the CPU and the OS support AVX2 with FMA3: the
// 256-bit kernels.
func AVX2FMA() bool { return avx2FMA }

// AVX512 reports whether they also support AVX-512 Foundation, with the
// ZMM and mask registers saved by the OS: the 512-bit kernels. It implies
// AVX2FMA.
func AVX512() bool { return avx512 }

var avx2FMA, avx512 = available()

// available is detect, less what the purego and noavx512 build tags turn
// off.
func available() (avx2FMA, avx512 bool) {
	if purego {
		return false, false
	}
	avx2FMA, avx512 = detect()
	return avx2FMA, avx512 && !noAVX512
}
