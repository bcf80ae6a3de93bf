package train

import (
	"fmt"

	"github.com/mlptrain/mlptrain/internal/layers"
	"github.com/mlptrain/mlptrain/internal/vocab"
)

// batchSize returns the rows of a full minibatch of cfg's training on n
// rows: train.batch_size, or n for a full-batch optimizer, a batch size of
// 0 or one larger than n.
func batchSize(p *Problem) int {
	n, size := p.Train.Len(), p.Config.Train.BatchSize
	if opt, _ := vocab.OptimizerNamed(p.Config.Train.Optimizer); opt.FullBatch || size <= 0 || size > n {
		size = n
	}
	return size
}

// checkBatchNorm refuses to train a model with batch normalization on a
// minibatch of one row, whose variance is 0 and whose normalized values
// are all 0: every full batch and the last one must hold at least 2 rows.
// mlptrain refuses the config, naming train.batch_size and a size that
// works, rather than dropping the last batch (PyTorch's drop_last), so
// that every training row is used in every epoch.
func checkBatchNorm(p *Problem, m *layers.Model) error {
	if len(m.Stats()) == 0 {
		return nil
	}
	n, size := p.Train.Len(), batchSize(p)
	if size >= 2 && n%size != 1 {
		return nil
	}
	cfg := p.Config
	var err error
	switch {
	case n == 1:
		return cfg.KeyError("data.train", "batch normalization needs at least 2 training rows; turn batch_norm off or give more data",
			fmt.Errorf("batch normalization with 1 training row"))
	case size == 1:
		err = fmt.Errorf("batch normalization needs at least 2 rows in a batch, got batch size 1")
	default:
		err = fmt.Errorf("with %d training rows and batch size %d, the last batch of each epoch holds 1 row, which batch normalization cannot normalize", n, size)
	}
	hint := "turn batch_norm off"
	for d := 1; d < n; d++ {
		if s := size + d; s <= n && n%s != 1 {
			hint = fmt.Sprintf("use a batch size such as %d, which leaves no batch of 1 row", s)
			break
		}
		if s := size - d; s >= 2 && n%s != 1 {
			hint = fmt.Sprintf("use a batch size such as %d, which leaves no batch of 1 row", s)
			break
		}
	}
	return cfg.KeyError("train.batch_size", hint, err)
}
