package examples

import (
	"math/rand/v2"
)

// Blobs returns n noisy points of a two-class problem in the plane:
// columns x1, x2 and class. Rows alternate between class "a", drawn from a
// normal distribution about (−m, −m), and class "b", about (m, m), both
// with standard deviation sd in each coordinate. The classes overlap, so no
// boundary classifies every new point correctly (the best, the line
// x1 + x2 = 0, misses the share Φ(−√2·m/sd) of them), and a model that gets
// every training point right has learned the noise too. The numbers come
// from rand.NewPCG(seed, stream); coordinates are rounded to 4 decimals.
// Blobs panics if n < 1 or sd ≤ 0.
func Blobs(n int, m, sd float64, seed, stream uint64) Table {
	if n < 1 || !(sd > 0) {
		panic("examples: Blobs needs n ≥ 1 and sd > 0")
	}
	rng := rand.New(rand.NewPCG(seed, stream))
	t := Table{Columns: []string{"x1", "x2", "class"}}
	for i := range n {
		mu, class := -m, "a"
		if i%2 == 1 {
			mu, class = m, "b"
		}
		x1 := round(mu+sd*rng.NormFloat64(), 4)
		x2 := round(mu+sd*rng.NormFloat64(), 4)
		t.Rows = append(t.Rows, []float64{x1, x2})
		t.Classes = append(t.Classes, class)
	}
	return t
}
