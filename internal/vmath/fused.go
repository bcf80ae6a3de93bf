//go:build amd64.v3

package vmath

// goFusesFMA says that the compiler may fuse x*y + z in Go code into one
// fused multiply-add, as it does on amd64 from GOAMD64=v3. Which of
// math.tanh's products it fuses depends on the order of its rewrite rules
// (Go 1.26 fuses x*x + Q0 but none of P's), so in such a build Tanh takes
// the scalar path instead of a kernel that would copy that choice.
const goFusesFMA = true
