//go:build !amd64.v3

package data

// fusedSquares: see scale_fused.go; false where the compiler fuses a sum
// of products read from memory as it fuses one kept in a register.
const fusedSquares = false
