package examples

import (
	"math"
	"math/rand/v2"
	"slices"
)

// Sine returns n points of Bishop's curve-fitting example: columns x and
// t = sin(2πx) + ε, the noise ε drawn from N(0, sd²). With even, x runs
// over n equally spaced points from 0 to 1 (x = i/(n−1), as in Bishop's
// figure 1.2); otherwise x is drawn uniformly from [0, 1) and sorted. The
// numbers come from rand.NewPCG(seed, stream) and are rounded to 6
// decimals. Sine panics if n < 2 or sd < 0.
func Sine(n int, even bool, sd float64, seed, stream uint64) Table {
	if n < 2 || !(sd >= 0) {
		panic("examples: Sine needs n ≥ 2 and sd ≥ 0")
	}
	rng := rand.New(rand.NewPCG(seed, stream))
	xs := make([]float64, n)
	for i := range xs {
		if even {
			xs[i] = float64(i) / float64(n-1)
		} else {
			xs[i] = rng.Float64()
		}
	}
	slices.Sort(xs)
	t := Table{Columns: []string{"x", "t"}}
	for _, x := range xs {
		x = round(x, 6)
		t.Rows = append(t.Rows, []float64{x, round(math.Sin(2*math.Pi*x)+sd*rng.NormFloat64(), 6)})
	}
	return t
}
