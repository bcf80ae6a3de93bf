package train

import (
	"fmt"
	"math"

	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/mlptrain/mlptrain/internal/sysmem"
	"github.com/mlptrain/mlptrain/internal/vocab"
)

// MemoryLimit is the bound on the memory a run may plan to use: Prepare
// refuses a config whose estimate (memoryEstimate) is larger, before it
// allocates the data the estimate is mostly made of.
type MemoryLimit = sysmem.Limit

// DefaultMemoryLimit is sysmem.Default: 3/4 of the machine's memory, or of
// its cgroup's limit.
func DefaultMemoryLimit() MemoryLimit { return sysmem.Default() }

// memoryEstimate is what training a config keeps in memory at once, in
// bytes, by what it is for. It counts the matrices the program allocates
// (float64 everywhere), not the Go runtime's headroom between garbage
// collections.
type memoryEstimate struct {
	// data: the training and validation rows after the feature map, their
	// targets, and the raw rows while the map is applied.
	data int64
	// graphs: the training graph's values and error signals (a full
	// batch and a shorter last one) and the evaluation graph's (evalChunk
	// rows).
	graphs int64
	// model: the weights, their gradients in each graph, the optimizer's
	// state, the best epoch's and the epoch start's copies, and the
	// checkpoint's text.
	model int64

	rows, features int // after the feature map, for messages
	params         int
}

func (e memoryEstimate) total() int64 { return e.data + e.graphs + e.model }

// estimateMemory returns what training cfg on nTrain training rows and
// nVal validation rows of rawD columns, d inputs after the feature map,
// and k outputs keeps in memory. It saturates instead of overflowing.
func estimateMemory(cfg *config.Config, nTrain, nVal, rawD, d, k int) memoryEstimate {
	f := func(x ...int) float64 { // the product, in float64: no overflow
		p := 1.0
		for _, v := range x {
			p *= float64(v)
		}
		return p
	}
	units := make([]int, len(cfg.Model.Layers))
	sumUnits, params, in := 0, 0.0, d
	for i, l := range cfg.Model.Layers {
		units[i] = l.Units
		if i == len(units)-1 || units[i] == 0 {
			units[i] = k
		}
		sumUnits += units[i]
		params += f(in, units[i]) + float64(units[i])
		in = units[i]
	}
	n := nTrain + nVal
	batch := cfg.Train.BatchSize
	if opt, _ := vocab.OptimizerNamed(cfg.Train.Optimizer); opt.FullBatch || batch <= 0 || batch > nTrain {
		batch = nTrain
	}
	eval := min(n, evalChunk)
	// A graph of r rows: its input, its target, and for each layer a
	// product, a bias sum and an activation, each with a value and an
	// error signal; and a gradient for each parameter.
	graph := func(r int) float64 { return f(r, d) + f(r, k) + 6*f(r, sumUnits) + params }
	state := 0
	if opt, ok := vocab.OptimizerNamed(cfg.Train.Optimizer); ok {
		state = len(opt.State)
	}
	const checkpointText = 48 // bytes of JSON per number, with the encoder's growth
	e := memoryEstimate{
		data:   clampBytes(8 * (f(n, d) + f(n, k) + f(nTrain, k) + f(n, rawD))),
		graphs: clampBytes(8 * (2*graph(batch) + graph(eval))),
		model:  clampBytes(params * (8*float64(4+state) + checkpointText)),
		rows:   n, features: d, params: int(min(params, math.MaxInt32)),
	}
	return e
}

func clampBytes(b float64) int64 {
	if b >= math.MaxInt64/4 {
		return math.MaxInt64 / 4
	}
	return int64(b)
}

// checkMemory returns an *inputerr.Error naming the config key most to
// blame if training cfg needs more memory than limit.
func checkMemory(cfg *config.Config, limit MemoryLimit, e memoryEstimate, poly bool) error {
	if limit.Bytes <= 0 || e.total() <= limit.Bytes {
		return nil
	}
	key, fix := "data.train", "use fewer rows or columns"
	switch {
	case poly && e.data+e.graphs >= e.model: // the map's width makes both
		key, fix = "data.feature_map.polynomial", "lower data.feature_map.polynomial (or set interactions_only)"
	case e.graphs >= e.data && e.graphs >= e.model && cfg.Train.BatchSize > evalChunk:
		key, fix = "train.batch_size", "lower train.batch_size"
	case e.model >= e.data && e.model >= e.graphs:
		key, fix = "model.layers", "use narrower layers"
	}
	return &inputerr.Error{File: cfg.File, Key: key,
		Err: fmt.Errorf("training needs about %s of memory (data %s: %d rows × %d inputs; graphs %s; model %s: %d parameters), more than the limit of %s (%s)",
			sysmem.Format(e.total()), sysmem.Format(e.data), e.rows, e.features, sysmem.Format(e.graphs), sysmem.Format(e.model), e.params,
			sysmem.Format(limit.Bytes), limit.Source),
		Hint: fmt.Sprintf("%s, or raise the limit with --max-memory SIZE (e.g. --max-memory %dGiB) if the machine has it", fix, (e.total()+1<<30-1)>>30)}
}
