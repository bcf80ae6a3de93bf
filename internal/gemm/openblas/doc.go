// Package openblas calls OpenBLAS's dgemm and sgemm, through gonum's netlib cgo
// bindings, and sets OpenBLAS's thread count. It is built only with the
// openblas build tag and cgo (go build -tags openblas), and links
// -lopenblas (Debian: libopenblas-dev); without the tag it is empty.
//
// It is a package of its own because a package that uses cgo cannot hold
// Go assembly, which package gemm's kernels are.
package openblas
