// Package train joins the other packages: it resolves a config against its
// data (Prepare: read the CSV files, split off validation, apply the
// feature map and the normalization fitted on the training split), builds
// the model, and runs gradient checks (GradCheck) on it.
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
