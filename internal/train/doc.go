// Package train fits a model to a config's data: it prepares the problem
// (Prepare: read the CSV files, split off validation, apply the feature
// map and the normalization fitted on the training split), trains it with
// its optimizers, early stopping and checkpoints (Fit), scores it with
// metrics and quality gates, writes the run folder with model.json
// (FitConfig, through internal/runfolder's lock and staging), and runs
// gradient checks on the model (GradCheck). It
// draws no pictures and runs no sweeps: FitConfig hands the finished Run
// to FitOptions.Pictures, which internal/plot fills, and internal/sweep
// runs many fits.
//
// # Randomness
//
// The config's seed is the only source of randomness. Each consumer draws
// from its own stream of rand.NewPCG(seed, stream):
//
//	1  weight initialization
//	2  minibatch shuffling
//	3  the train/validation split
//	4  gradient checks: the random point, the batch and the random data
package train
