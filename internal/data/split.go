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

// EmptySplitError returns the error for a Split of n rows by fraction that
// left a part empty: the validation part, as at least one row (of each
// class) stays in training. With labels, the split is stratified, and
// the message says that the fraction is taken of each class and why no
// class gives a row. It panics if labels is non-nil with a length other
// than n, or holds a negative label.
func EmptySplitError(fraction float64, n int, labels []int) error {
	if labels == nil {
		return fmt.Errorf("a fraction of %g of %d rows leaves an empty split", fraction, n)
	}
	if len(labels) != n {
		panic(fmt.Sprintf("data: EmptySplitError of %d rows with %d labels", n, len(labels)))
	}
	var counts []int
	for i, c := range labels {
		if c < 0 {
			panic(fmt.Sprintf("data: EmptySplitError label %d at row %d is negative", c, i))
		}
		if c >= len(counts) {
			counts = append(counts, make([]int, c+1-len(counts))...)
		}
		counts[c]++
	}
	k, most := 0, 0
	for _, m := range counts {
		if m > 0 {
			k++
			most = max(most, m)
		}
	}
	const what = "a fraction of %g of each class (the split is stratified) leaves an empty split: "
	if most <= 1 {
		return fmt.Errorf(what+"each of the %d classes has a single row, which stays in training (%d rows in all)", fraction, k, n)
	}
	return fmt.Errorf(what+"the largest of the %d classes has %d rows, and round(%g × %d) = %d (%d rows in all)",
		fraction, k, most, fraction, most, int(math.Round(fraction*float64(most))), n)
}
