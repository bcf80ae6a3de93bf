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
// # The model's inputs
//
// Prepare reads the training file's feature columns raw (numbers,
// categories, missing cells: see package data), fits a data.Encoding on
// the training split, and gives the network
//
//	[ ψ(numeric columns, imputed) | missing indicators | categorical codes ]
//
// The first two blocks, the dense inputs, are normalized with statistics
// of the training split. Each categorical column is a single code, the
// index of its level in the column's one-hot block: the first layer adds
// the row of W₁ that each code selects (graph.OneHotMatMul), so W₁ has a
// row per dense input and per level, and the one-hot matrix is never
// built. With data.normalize_target: standardize, a regression is trained
// on standardized targets and the scaling is then folded into the linear
// output layer (target.go), so the saved model predicts in the target's
// own units. Problem.Columns describes the columns as read, for the table
// fit prints and report.json's "columns".
//
// # model.json
//
// Version 2 (ModelVersion) holds, besides the layers and the
// normalization, each feature column's encoding ("columns": type, levels,
// "(missing)"/"(other)", impute value, indicator), the one-hot widths
// ("categorical") and how the training file was read ("read": delimiter,
// decimal separator, missing markers), so that eval and predict take raw
// files as the training file was. A version 1 file is read as an
// all-numeric model with no missing cells; a newer version is refused.
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
//	5  dropout masks (training, and gradcheck's fixed mask)
//	6  cv's folds (internal/cv.Stream)
//	7  gradcheck's Lanczos start vector (internal/gradcheck)
//	8  the shuffle buffer of data.stream (stream.go)
//	9  sweep's random points (internal/sweep)
package train
