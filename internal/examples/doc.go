// Package examples generates the datasets of the lecture's examples that
// ship in datasets/: XOR, the translated 16-pixel patterns, Bishop's noisy
// sine and a small noisy two-class set for the limits of universality.
//
// Every generator is a function of its arguments alone: randomness comes
// from rand.NewPCG(seed, stream) with the seed and stream passed in, so the
// same call gives the same table, and Files gives the same bytes on every
// run. The command gendata writes Files into a folder:
//
//	go run ./internal/examples/gendata -out datasets
//
// and a test checks that the files in datasets/ are exactly what Files
// gives.
//
// # Notation
//
//	x, x1, x2   inputs
//	t           regression target, t = sin(2πx) + ε with ε ~ N(0, σ²)
//	y, label    class column
//	p1..p16     the pixels of a pattern (1 black, 0 white)
package examples
