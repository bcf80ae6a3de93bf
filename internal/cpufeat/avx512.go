//go:build !noavx512

package cpufeat

// noAVX512 is set by the noavx512 build tag: the AVX-512 kernels are off,
// as on a CPU with AVX2 only.
const noAVX512 = false
