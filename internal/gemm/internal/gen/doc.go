// Package gen generates internal/gemm's assembly kernels, kernel_amd64.s,
// and their Go side, kernel_gen_amd64.go: the functions' declarations, the
// functions that check their extents, and the lists of kernels that gemm
// chooses among. Both come from the tables in tables.go (asm.go emits the
// assembly, gocode.go the Go), so a kernel added there is added
// everywhere. gemm's gen_kernels.go writes the files that Files returns
// (go generate ./internal/gemm), and gemm's TestGenerated fails while the
// files checked in differ from them.
package gen
