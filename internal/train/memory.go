package train

import (
	"fmt"
	"math"

	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/gradcheck"
	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/mlptrain/mlptrain/internal/sysmem"
	"github.com/mlptrain/mlptrain/internal/vocab"
)

// MemoryLimit is the bound on the memory a run may plan to use: Prepare
// refuses a config whose estimate (memoryEstimate) is larger, before it
// allocates the data the estimate is mostly made of.
type MemoryLimit = sysmem.Limit

// DefaultMemoryLimit is sysmem.Default: 3/4 of the machine's memory, or of
// its cgroup's limit, or a third of the address-space limit.
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

// prod is the product of x in float64: it does not overflow.
func prod(x ...int) float64 {
	p := 1.0
	for _, v := range x {
		p *= float64(v)
	}
	return p
}

// netShape is what the memory of a model's graph depends on.
type netShape struct {
	x        int     // the width of the input fed (categorical inputs are codes)
	d, k     int     // inputs (W₁'s rows) and outputs
	sumUnits int     // the layers' widths, summed
	params   float64 // weights and biases
}

// shapeOf returns the shape of a model of d inputs and layers of the
// given widths, the last being the output.
func shapeOf(d int, units []int) netShape {
	s := netShape{x: d, d: d}
	in := d
	for _, u := range units {
		s.sumUnits += u
		s.params += prod(in, u) + float64(u)
		in = u
	}
	if len(units) > 0 {
		s.k = units[len(units)-1]
	}
	return s
}

// graphFloats is the float64s the graph of r rows holds: its input, its
// target, and for each layer a product, a bias sum and an activation, each
// with a value and an error signal; and a gradient for each parameter.
func (s netShape) graphFloats(r int) float64 {
	return prod(r, s.x) + prod(r, s.k) + 6*prod(r, s.sumUnits) + s.params
}

// estimateMemory returns what training cfg on nTrain training rows and
// nVal validation rows of rawD columns, x inputs fed to the model (after
// the feature map; a categorical column is one code), d rows of W₁ (a
// categorical column has one per level) and k outputs keeps in memory. It
// saturates instead of overflowing.
func estimateMemory(cfg *config.Config, nTrain, nVal, rawD, x, d, k int) memoryEstimate {
	units := make([]int, len(cfg.Model.Layers))
	for i, l := range cfg.Model.Layers {
		units[i] = l.Units
		if i == len(units)-1 || units[i] == 0 {
			units[i] = k
		}
	}
	s := shapeOf(d, units)
	s.x = x
	n := nTrain + nVal
	opt, _ := vocab.OptimizerNamed(cfg.Train.Optimizer)
	batch := cfg.Train.BatchSize
	if opt.FullBatch || batch <= 0 || batch > nTrain {
		batch = nTrain
	}
	eval := min(n, evalChunk)
	state := len(opt.State)
	const checkpointText = 48 // bytes of JSON per number, with the encoder's growth
	e := memoryEstimate{
		data:   clampBytes(8 * (prod(n, x) + prod(n, k) + prod(nTrain, k) + prod(n, rawD))),
		graphs: clampBytes(8 * (2*s.graphFloats(batch) + s.graphFloats(eval))),
		model:  clampBytes(s.params * (8*float64(4+state) + checkpointText)),
		rows:   n, features: x, params: int(min(s.params, math.MaxInt32)),
	}
	return e
}

// hvpVectors is the number of parameter-sized vectors gradcheck's
// Hessian-vector product check holds: hv, gp, gm, hu, u, v, x and hx, and
// the Lanczos iteration's.
const hvpVectors = 8 + gradcheck.LanczosVectors

// pointFloats is the float64s Point and GradCheck hold for a batch of r
// rows of a model of shape s: the batch (inputs, targets, and the
// targets, labels and lines they are made from), the graph of r rows,
// the weights with the buffers the graph and the initialization keep for
// them (measured: about 5 copies) and GradCheck's copy of the gradient;
// with hvp also the tangent buffers
// (a second value and error signal for every node of the graph) and
// hvpVectors parameter-sized vectors.
func pointFloats(s netShape, r int, hvp bool) float64 {
	f := s.graphFloats(r) + prod(r, s.d+2*s.k+2) + 6*s.params
	if hvp {
		f += s.graphFloats(r) - s.params + hvpVectors*s.params
	}
	return f
}

// checkPoint returns an *inputerr.Error if Point's batch of rows rows
// needs more memory than limit: naming key (the flag that sets the rows,
// shown as flagRows, e.g. "--random-data 100000x16" for n = 100000) or,
// if even no rows would fit, the config's model.layers.
func checkPoint(cfg *config.Config, s netShape, rows int, hvp bool, limit MemoryLimit, key string, flagRows func(n int) string) error {
	total := clampBytes(8 * pointFloats(s, rows, hvp))
	if limit.Bytes <= 0 || total <= limit.Bytes {
		return nil
	}
	what := "the graph"
	if hvp {
		what = "the graph with its Hessian-vector products"
	}
	err := fmt.Errorf("%s of %d rows needs about %s of memory (%d inputs, %d units, %.0f parameters), more than the limit of %s (%s)",
		what, rows, sysmem.Format(total), s.d, s.sumUnits, s.params, sysmem.Format(limit.Bytes), limit.Source)
	fixed := 8 * pointFloats(s, 0, hvp)
	perRow := 8*pointFloats(s, 1, hvp) - fixed
	fit := (float64(limit.Bytes) - fixed) / perRow
	if fit < 1 {
		return &inputerr.Error{File: cfg.File, Key: "model.layers", Err: err, Hint: "use narrower layers"}
	}
	n := int(min(fit, float64(rows-1)))
	return &inputerr.Error{Key: key, Err: err, Hint: fmt.Sprintf("use at most %d rows, e.g. %s", n, flagRows(n))}
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
