package cv

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/mlptrain/mlptrain/internal/inputerr"
)

// Stream is the random stream of the config's seed that deals the folds
// (train's streams 1 to 4 initialize, shuffle, split and check).
const Stream = 6

// Deal returns the fold, from 0 to k−1, of each of the rows 0..n−1,
// dealt as the package documentation says: grouped by class (labels, one
// class index per row; nil for one group of all rows), each group
// shuffled by rng in turn and dealt round-robin, the count running on
// from group to group. It panics if k < 1, n < 0, labels is non-nil with
// a length other than n, or a label is negative.
func Deal(n, k int, labels []int, rng *rand.Rand) []int {
	if k < 1 || n < 0 {
		panic(fmt.Sprintf("cv: Deal(%d, %d): want k ≥ 1 and n ≥ 0", n, k))
	}
	if labels != nil && len(labels) != n {
		panic(fmt.Sprintf("cv: Deal of %d rows with %d labels", n, len(labels)))
	}
	var groups [][]int
	for i := range n {
		g := 0
		if labels != nil {
			g = labels[i]
			if g < 0 {
				panic(fmt.Sprintf("cv: Deal label %d at row %d is negative", g, i))
			}
		}
		if g >= len(groups) {
			groups = append(groups, make([][]int, g+1-len(groups))...)
		}
		groups[g] = append(groups[g], i)
	}
	fold := make([]int, n)
	next := 0
	for _, g := range groups {
		rng.Shuffle(len(g), func(i, j int) { g[i], g[j] = g[j], g[i] })
		for _, r := range g {
			fold[r] = next % k
			next++
		}
	}
	return fold
}

// Rows returns the rows of fold i (ascending) and those of the other
// folds (ascending), from each row's fold.
func Rows(fold []int, i int) (train, val []int) {
	for r, f := range fold {
		if f == i {
			val = append(val, r)
		} else {
			train = append(train, r)
		}
	}
	return train, val
}

// CheckFolds returns an *inputerr.Error naming --folds unless k folds can
// be dealt from n rows (labels and classes as Deal takes them, or nil for
// a regression): k must be at least 2 and at most n, and for a classifier
// at most the rows of its smallest class, so that every fold validates on
// every class and trains on every class. file names the training file.
func CheckFolds(k, n int, labels []int, classes []string, file string) error {
	switch {
	case k < 2:
		return &inputerr.Error{Key: "--folds", Err: fmt.Errorf("want at least 2 folds, got %d", k),
			Hint: "each fold validates the model trained on the others: use --folds 5 or 10"}
	case k > n:
		return &inputerr.Error{Key: "--folds", Err: fmt.Errorf("%d folds of %s, which has %d rows with a target: a fold would be empty", k, file, n),
			Hint: "use at most --folds " + strconv.Itoa(max(n, 2))}
	}
	if labels == nil {
		return nil
	}
	counts := make([]int, len(classes))
	for _, c := range labels {
		counts[c]++
	}
	least := slices.Min(counts)
	c := slices.Index(counts, least)
	if k > least {
		hint := fmt.Sprintf("use at most --folds %d (the smallest class's rows), or gather more rows of %q", least, classes[c])
		if least < 2 {
			hint = fmt.Sprintf("gather more rows of %q, or leave the class out of the file", classes[c])
		}
		return &inputerr.Error{Key: "--folds",
			Err:  fmt.Errorf("%d folds of %s, whose class %q has %d rows: the folds are stratified, so each needs a row of every class", k, file, classes[c], least),
			Hint: hint}
	}
	return nil
}
