//go:build openblas && !cgo

package gemm

// library would be OpenBLAS, but the openblas build tag calls it through
// cgo: build with CGO_ENABLED=1 and a C compiler. The undefined name below
// stops a build without cgo, rather than let it fall back to the Go
// kernels unnoticed.
var (
	library   *kernel
	library32 *kernel32
)

var _ = openblasTagNeedsCgo
