package data

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Split divides the row indices 0..n−1 into a training and a validation
// part, drawing from rng. Each part is sorted ascending; the result depends
// only on the arguments and rng's state.
//
// Without labels, round(fraction·n) random rows go to validation. With
// labels (class indices, one per row), the split is stratified: each class
// contributes round(fraction·count) of its rows to validation. Either way at
// least one row (of each class) stays in training, so validation can come
// out smaller than the fraction asks, or empty for tiny data. fraction 0
// puts every row in training and leaves rng unused.
//
// Split panics if fraction is not in [0, 1), n < 0, labels is non-nil with a
// length other than n, or a label is negative.
func Split(n int, fraction float64, labels []int, rng *rand.Rand) (train, val []int) {
	if !(fraction >= 0 && fraction < 1) || n < 0 {
		panic(fmt.Sprintf("data: Split(%d, %g): want n ≥ 0 and fraction in [0, 1)", n, fraction))
	}
	if labels != nil && len(labels) != n {
		panic(fmt.Sprintf("data: Split of %d rows with %d labels", n, len(labels)))
	}
	if fraction == 0 || n == 0 {
		train = make([]int, n)
		for i := range train {
			train[i] = i
		}
		return train, []int{}
	}

	// Rows by group: one group for all rows, or one per class.
	var groups [][]int
	if labels == nil {
		all := make([]int, n)
		for i := range all {
			all[i] = i
		}
		groups = [][]int{all}
	} else {
		for i, c := range labels {
			if c < 0 {
				panic(fmt.Sprintf("data: Split label %d at row %d is negative", c, i))
			}
			if c >= len(groups) {
				groups = append(groups, make([][]int, c+1-len(groups))...)
			}
			groups[c] = append(groups[c], i)
		}
	}

	train, val = make([]int, 0, n), []int{}
	for _, g := range groups {
		m := len(g)
		if m == 0 {
			continue
		}
		v := min(int(math.Round(fraction*float64(m))), m-1)
		rng.Shuffle(m, func(i, j int) { g[i], g[j] = g[j], g[i] })
		val = append(val, g[:v]...)
		train = append(train, g[v:]...)
	}
	slices.Sort(train)
	slices.Sort(val)
	return train, val
}
