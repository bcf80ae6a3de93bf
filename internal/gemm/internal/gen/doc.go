// Package gen generates internal/gemm's assembly kernels, kernel_amd64.s,
// from the tables and emitters in asm.go. gemm's gen_kernels.go writes
// the files that Files returns (go generate ./internal/gemm), and gemm's
// TestGenerated fails while the files checked in differ from them.
package gen
