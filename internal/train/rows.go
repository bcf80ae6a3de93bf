package train

import (
	"fmt"
	"slices"

	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/data"
	"github.com/mlptrain/mlptrain/internal/inputerr"
)

// Rows are explicit training and validation rows of a config's training
// file, in place of data.validation: cv's folds. They index the rows that
// Prepare reads (0 for the first row with a target; rows whose target is
// missing are left out before counting), of which there must be N.
type Rows struct {
	N          int
	Train, Val []int
}

// PrepareRows is PrepareWithin, with the training file's rows split into
// training and validation as rows says rather than by data.validation
// (which is not read). The encoding, the normalization and the feature
// map are fitted on the training rows only, as for a fraction; the class
// list is the whole file's, as for a fraction. A file whose number of
// rows is not rows.N (it changed since the rows were dealt) is an
// *inputerr.Error naming it. PrepareRows panics if rows is nil.
func PrepareRows(cfg *config.Config, limit MemoryLimit, rows *Rows) (*Problem, error) {
	if rows == nil {
		panic("train: PrepareRows with no rows")
	}
	return prepare(cfg, limit, rows)
}

// split returns the training and validation rows of ds.
func (r *Rows) split(ds *data.Dataset, cfg *config.Config) (train, val *data.Dataset, err error) {
	n := ds.Len()
	if n != r.N {
		return nil, nil, &inputerr.Error{File: cfg.Data.Train, Err: fmt.Errorf("the file has %d rows with a target, but its folds were dealt for %d", n, r.N),
			Hint: "the file changed while it was being read: run again"}
	}
	seen := make([]bool, n)
	for _, part := range [][]int{r.Train, r.Val} {
		if len(part) == 0 {
			panic("train: Rows with an empty part")
		}
		for _, i := range part {
			if i < 0 || i >= n || seen[i] {
				panic(fmt.Sprintf("train: Rows: row %d out of range [0,%d) or given twice", i, n))
			}
			seen[i] = true
		}
	}
	if slices.IsSorted(r.Train) {
		// Increasing (no row is given twice): ds, read for this call
		// alone, is split in place, as for a fraction.
		train, val = ds.Partition(r.Train, r.Val)
		return train, val, nil
	}
	return ds.Subset(r.Train), ds.Subset(r.Val), nil
}

// TrainingTargets reads cfg's training file within limit, as Prepare
// does, and returns its number of rows (those with a target) and, for
// classification, each row's class index into classes, the class names
// in the model's order. Every error about the input is an
// *inputerr.Error.
func TrainingTargets(cfg *config.Config, limit MemoryLimit) (n int, labels []int, classes []string, err error) {
	opt := readOptions(cfg)
	opt.MaxBytes, opt.MaxBytesSource = limit.Bytes, limit.Source
	ds, err := data.ReadFile(cfg.Data.Train, opt)
	if err != nil {
		return 0, nil, nil, err
	}
	return ds.Len(), ds.Labels, ds.Classes, nil
}

// Value returns the metric of m by its name in reports (loss, accuracy,
// macro_f1, roc_auc, pr_auc; loss, mse, mae, r2), as the quality gates
// read it, and whether m has it: a classifier's roc_auc and pr_auc are
// NaN where undefined (a set of one class).
func (m *Metrics) Value(name string) (float64, bool) {
	return Gate{Metric: name}.value(m)
}
