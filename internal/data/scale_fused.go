//go:build amd64.v3

package data

// fusedSquares says that the compiler fuses x*y + z in Go code into one
// fused multiply-add, as it does on amd64 from GOAMD64=v3 for a sum kept
// in a register, but not for one read from memory (ss[k] += t*t compiles
// to a product, rounded, and an ADDSD of ss[k]). stats.columns then calls
// math.FMA, so that its sums of squares round as a loop over a column
// does in such a build. Elsewhere the compiler treats both forms alike:
// it fuses neither (amd64 v1, v2) or both (arm64, ppc64le, s390x, …).
const fusedSquares = true
