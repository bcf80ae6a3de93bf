//go:build !amd64

package gemm

// kernels lists the kernels this CPU runs: only the portable one.
func kernels() []*kernel { return []*kernel{goKernel} }

// preferred returns the kernels Gemm chooses among by shape.
func preferred() []*kernel { return []*kernel{goKernel} }
