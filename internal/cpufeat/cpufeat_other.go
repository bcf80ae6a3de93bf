//go:build !amd64

package cpufeat

// detect reports no vector kernels: they are amd64 assembly.
func detect() (avx2FMA, avx512 bool) { return false, false }
