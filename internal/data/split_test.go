package data

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// checkPartition checks that train and val are sorted, disjoint and cover 0..n−1.
func checkPartition(t *testing.T, n int, train, val []int) {
	t.Helper()
	if !slices.IsSorted(train) || !slices.IsSorted(val) {
		t.Errorf("parts not sorted: %v %v", train, val)
	}
	all := slices.Sorted(slices.Values(append(slices.Clone(train), val...)))
	for i, r := range all {
		if r != i {
			t.Fatalf("parts do not partition 0..%d: %v %v", n-1, train, val)
		}
	}
	if len(all) != n {
		t.Errorf("parts cover %d rows, want %d", len(all), n)
	}
}

func TestSplit(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		n        int
		fraction float64
		nval     int
	}{
		{"fifth", 10, 0.2, 2},
		{"rounds half up", 5, 0.5, 3},
		{"rounds down", 9, 0.1, 1},
		{"too few for any", 4, 0.1, 0},
		{"zero fraction", 7, 0, 0},
		{"no rows", 0, 0.3, 0},
		{"one row stays in training", 1, 0.9, 0},
		{"one row kept", 3, 0.99, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			train, val := Split(tc.n, tc.fraction, nil, rand.New(rand.NewPCG(1, 3)))
			checkPartition(t, tc.n, train, val)
			if len(val) != tc.nval || val == nil {
				t.Errorf("Split(%d, %g) gave %d validation rows (%v), want %d", tc.n, tc.fraction, len(val), val, tc.nval)
			}
		})
	}
}

func TestSplitStratified(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		counts   []int // rows per class
		fraction float64
		nval     []int // validation rows per class
	}{
		{"proportional", []int{50, 30, 20}, 0.2, []int{10, 6, 4}},
		{"rounding per class", []int{7, 3, 2}, 0.25, []int{2, 1, 1}},
		{"singleton class stays in training", []int{10, 1, 2}, 0.5, []int{5, 0, 1}},
		{"empty class index", []int{4, 0, 4}, 0.5, []int{2, 0, 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(2, 3))
			var labels []int
			for c, m := range tc.counts {
				for range m {
					labels = append(labels, c)
				}
			}
			rng.Shuffle(len(labels), func(i, j int) { labels[i], labels[j] = labels[j], labels[i] })
			train, val := Split(len(labels), tc.fraction, labels, rng)
			checkPartition(t, len(labels), train, val)
			nval := make([]int, len(tc.counts))
			for _, r := range val {
				nval[labels[r]]++
			}
			if !slices.Equal(nval, tc.nval) {
				t.Errorf("validation rows per class %v, want %v", nval, tc.nval)
			}
		})
	}
}

func TestSplitDeterministic(t *testing.T) {
	t.Parallel()
	labels := make([]int, 100)
	for i := range labels {
		labels[i] = i % 3
	}
	for _, lab := range [][]int{nil, labels} {
		t1, v1 := Split(100, 0.3, lab, rand.New(rand.NewPCG(5, 3)))
		t2, v2 := Split(100, 0.3, lab, rand.New(rand.NewPCG(5, 3)))
		if !slices.Equal(t1, t2) || !slices.Equal(v1, v2) {
			t.Errorf("same seed, different splits: %v vs %v", v1, v2)
		}
		_, v3 := Split(100, 0.3, lab, rand.New(rand.NewPCG(6, 3)))
		if slices.Equal(v1, v3) {
			t.Errorf("different seeds, same split %v", v1)
		}
	}
}

func TestSplitPanics(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 3))
	for _, tc := range []struct {
		name     string
		n        int
		fraction float64
		labels   []int
	}{
		{"fraction 1", 4, 1, nil},
		{"negative fraction", 4, -0.1, nil},
		{"NaN fraction", 4, math.NaN(), nil},
		{"negative n", -1, 0.1, nil},
		{"labels length", 4, 0.5, []int{0, 1}},
		{"negative label", 2, 0.5, []int{0, -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !panics(func() { Split(tc.n, tc.fraction, tc.labels, rng) }) {
				t.Errorf("Split did not panic")
			}
			if tc.labels != nil && !panics(func() { EmptySplitError(tc.fraction, tc.n, tc.labels) }) {
				t.Errorf("EmptySplitError did not panic")
			}
		})
	}
}

// TestEmptySplitError checks the messages for an empty validation split:
// with class labels, they say that the fraction is taken of each class,
// as in issue 17's id column of 100,000 single-row classes.
func TestEmptySplitError(t *testing.T) {
	t.Parallel()
	ids := make([]int, 100_000)
	for i := range ids {
		ids[i] = i
	}
	for _, tc := range []struct {
		name     string
		fraction float64
		labels   []int
		n        int
		want     string
	}{
		{"rows", 0.1, nil, 4, "a fraction of 0.1 of 4 rows leaves an empty split"},
		{"single-row classes", 0.2, ids, len(ids),
			"a fraction of 0.2 of each class (the split is stratified) leaves an empty split: each of the 100000 classes has a single row, which stays in training (100000 rows in all)"},
		{"small classes", 0.1, []int{0, 0, 1, 2, 2, 0, 3}, 7,
			"a fraction of 0.1 of each class (the split is stratified) leaves an empty split: the largest of the 4 classes has 3 rows, and round(0.1 × 3) = 0 (7 rows in all)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, val := Split(tc.n, tc.fraction, tc.labels, rand.New(rand.NewPCG(1, 3))); len(val) != 0 {
				t.Fatalf("Split gave %d validation rows, want none", len(val))
			}
			if got := EmptySplitError(tc.fraction, tc.n, tc.labels).Error(); got != tc.want {
				t.Errorf("EmptySplitError(%g, %d, …) = %q, want %q", tc.fraction, tc.n, got, tc.want)
			}
		})
	}
}
