// Package cv runs K-fold cross-validation of a config: it deals the
// training file's rows into K folds (stratified by class for a
// classifier), trains one fit per fold with internal/train, each
// validated on its own fold and trained on the others, and summarizes the
// folds' validation metrics by their mean and sample standard deviation.
// It writes the cv folder: cv.json and the cv.png picture (drawn by
// internal/plot), beside each fold's run folder fold_<i>.
//
// # Folds
//
// The rows are those a fit reads from data.train (rows whose target is
// missing are left out first), numbered from 0 in file order. They are
// dealt from the stream Stream of the config's seed, rand.NewPCG(seed,
// Stream), as follows. The rows are grouped by class, in the model's
// class order (a regression has one group of all rows). Each group is
// shuffled in turn with rand.Rand.Shuffle, and its rows are dealt in
// that order to folds 0, 1, …, K−1, 0, 1, …, the count running on from
// one group to the next. So every fold holds ⌊m/K⌋ or ⌈m/K⌉ of a class
// of m rows, and the folds' sizes differ by at most one. Fold i's run
// trains on every other fold and validates on fold i; the folds depend
// on the seed, K and the file alone, never on --jobs.
//
// # Notation
//
//	K        the number of folds (--folds)
//	n        the training file's rows with a target
//	fold i   the rows fold i validates on; its run trains on the rest
//	mean     (1/K') Σ vᵢ over the K' folds with a value
//	std      the sample standard deviation, √(Σ (vᵢ − mean)² / (K' − 1))
package cv
