//go:build !amd64.v3

package vmath

// goFusesFMA says that the compiler may fuse x*y + z in Go code into one
// fused multiply-add. It does not for GOAMD64=v1 and v2 (the default is
// v1): math.tanh then rounds every product and sum, as tanhKernel does.
// (On other architectures there are no kernels.)
const goFusesFMA = false
