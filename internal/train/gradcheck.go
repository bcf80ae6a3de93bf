package train

import (
	"fmt"
	"math/rand/v2"

	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/data"
	"github.com/mlptrain/mlptrain/internal/gradcheck"
	"github.com/mlptrain/mlptrain/internal/layers"
	"github.com/mlptrain/mlptrain/internal/vocab"
	"gonum.org/v1/gonum/mat"
)

// CheckOptions configure GradCheck.
type CheckOptions struct {
	gradcheck.Options
	// Rows is the number of training rows, sampled with the seed, that
	// form the batch; 0 means 16.
	Rows int
	// RandomRows and RandomCols, when both positive, replace the CSV data
	// with RandomRows×RandomCols standard normal inputs and random targets.
	RandomRows, RandomCols int
	// UseWeights starts from the config's model.weights, when it names a
	// file, instead of a random point (for printing a hand-built network).
	UseWeights bool
}

// CheckReport is a gradient check's result with what it ran on.
type CheckReport struct {
	gradcheck.Result
	Rows         int     `json:"rows"`
	Data         string  `json:"data"` // the CSV path, or "random"
	LearningRate float64 `json:"learning_rate"`
	// Precision is always float64, the precision the check runs in;
	// TrainPrecision is the config's train.precision, which a float32
	// model trains in.
	Precision      string      `json:"precision"`
	TrainPrecision string      `json:"train_precision"`
	Net            *layers.Net `json:"-"`
}

// randomClasses is the number of classes of random data for a softmax
// output whose units the config leaves out.
const randomClasses = 3

// Point builds cfg's model at a random point of its parameter space
// (weights drawn by the configured initialization, xavier for zeros, and
// biases from U(−0.5, 0.5)) with a batch of the training data, or random
// data, in its inputs: what GradCheck checks. It returns the net and the
// name of the data ("random" for random data). Errors about the input are
// *inputerr.Errors.
func Point(cfg *config.Config, o CheckOptions) (*layers.Net, string, error) {
	return point(cfg, o, DefaultMemoryLimit())
}

// point is Point, refusing a batch whose graph needs more memory than
// limit (checkPoint) before it makes it.
func point(cfg *config.Config, o CheckOptions, limit MemoryLimit) (*layers.Net, string, error) {
	defer useThreads(cfg.Train.Threads)() // for the data loading
	if o.Rows <= 0 {
		o.Rows = 16
	}
	rng := rand.New(rand.NewPCG(cfg.Train.Seed, streamCheck))
	var (
		spec   layers.Spec
		x, t   *mat.Dense
		source = "random"
		err    error
	)
	if o.RandomRows > 0 && o.RandomCols > 0 {
		rows, cols := o.RandomRows, o.RandomCols
		if rows > MaxRandomEntries/cols {
			return nil, "", fmt.Errorf("random data of %d×%d is too large (at most %d entries)", rows, cols, MaxRandomEntries)
		}
		var k int
		if spec, k, err = randomSpec(cfg, cols); err != nil {
			return nil, "", err
		}
		if err := checkPoint(cfg, shapeOf(cols, spec.Units), rows, o.HVP, limit, "--random-data",
			func(n int) string { return fmt.Sprintf("--random-data %dx%d", n, cols) }); err != nil {
			return nil, "", err
		}
		x, t, err = randomData(cfg, rows, cols, k, rng)
	} else {
		source = cfg.Data.Train
		spec, x, t, err = dataBatch(cfg, o.Rows, o.HVP, limit, rng)
	}
	if err != nil {
		return nil, "", err
	}
	m, err := layers.New(spec)
	if err != nil {
		return nil, "", err
	}
	init := cfg.Model.Init
	if init == "zeros" {
		init = "xavier"
	}
	if err := m.Init(init, rand.New(rand.NewPCG(cfg.Train.Seed, streamInit))); err != nil {
		return nil, "", err
	}
	for _, l := range m.Layers {
		b := l.B.RawMatrix().Data
		if l.BN != nil { // β in place of b, and γ away from 1
			b = l.BN.Beta.RawMatrix().Data
			for i, g := range l.BN.Gamma.RawMatrix().Data {
				l.BN.Gamma.RawMatrix().Data[i] = g + rng.Float64() - 0.5
			}
		}
		for i := range b {
			b[i] = rng.Float64() - 0.5
		}
	}
	if o.UseWeights && cfg.Model.Weights != "" {
		w, err := layers.LoadWeights(cfg.Model.Weights)
		if err == nil {
			err = m.SetWeights(w)
		}
		if err != nil {
			return nil, "", err
		}
	}
	n, _ := x.Dims()
	// The training graph: batch normalization by the batch statistics,
	// and dropout with masks drawn once from the seed and then fixed, so
	// that finite differences see one smooth function.
	net := m.BuildTraining(n, cfg.Train.L2, false)
	net.DrawMasks(rand.NewPCG(cfg.Train.Seed, streamMask))
	net.X.Value().Copy(x)
	net.T.Value().Copy(t)
	return net, source, nil
}

// GradCheck compares backprop with finite differences on the loss,
// including the L2 penalty, at the point that Point builds. Errors about
// the input are *inputerr.Errors.
func GradCheck(cfg *config.Config, o CheckOptions) (*CheckReport, error) {
	defer useThreads(cfg.Train.Threads)()
	net, source, err := point(cfg, o, DefaultMemoryLimit())
	if err != nil {
		return nil, err
	}
	o.Options.Seed = cfg.Train.Seed
	res := gradcheck.Check(net.G, net.Loss, net.Params, o.Options)
	n, _ := net.X.Dims()
	return &CheckReport{Result: res, Rows: n, Data: source, LearningRate: cfg.Train.LearningRate,
		Precision: config.PrecisionFloat64, TrainPrecision: cfg.Train.Precision}, nil
}

// dataBatch prepares cfg's data and samples rows of its training split,
// refusing a batch whose graph needs more than limit (checkPoint).
func dataBatch(cfg *config.Config, rows int, hvp bool, limit MemoryLimit, rng *rand.Rand) (layers.Spec, *mat.Dense, *mat.Dense, error) {
	p, err := Prepare(cfg)
	if err != nil {
		return layers.Spec{}, nil, nil, err
	}
	n := min(rows, p.Train.Len())
	if err := checkPoint(cfg, shapeOf(p.Spec.Inputs, p.Spec.Units), n, hvp, limit, "--rows",
		func(n int) string { return fmt.Sprintf("--rows %d", n) }); err != nil {
		return layers.Spec{}, nil, nil, err
	}
	idx := rng.Perm(p.Train.Len())[:n]
	batch := p.Train.Subset(idx)
	t, err := Targets(batch, cfg.Model.Loss, p.Spec.Units[len(p.Spec.Units)-1])
	if err != nil {
		return layers.Spec{}, nil, nil, err
	}
	return p.Spec, batch.X, t, nil
}

// MaxRandomEntries is the most entries of random data a gradient check
// makes (CheckOptions.RandomRows × RandomCols): 2^26, 512 MiB of float64s.
const MaxRandomEntries = 1 << 26

// randomSpec returns the architecture of cfg's model for random data of
// cols columns, and its output width.
func randomSpec(cfg *config.Config, cols int) (layers.Spec, int, error) {
	k := cfg.Model.Layers[len(cfg.Model.Layers)-1].Units
	if k == 0 {
		k = 1
		if loss, ok := vocab.LossNamed(cfg.Model.Loss); ok && loss.Target == vocab.Classes {
			k = randomClasses // units inferred from the classes; otherwise the loss has one output
		}
	}
	spec, err := SpecFor(cfg, cols, k)
	return spec, k, err
}

// randomData makes rows×cols standard normal inputs and random targets of
// k outputs that fit cfg's loss.
func randomData(cfg *config.Config, rows, cols, k int, rng *rand.Rand) (*mat.Dense, *mat.Dense, error) {
	x := mat.NewDense(rows, cols, nil)
	for i := range x.RawMatrix().Data {
		x.RawMatrix().Data[i] = rng.NormFloat64()
	}
	ds := &data.Dataset{Y: mat.NewDense(rows, k, nil), Labels: make([]int, rows), Lines: make([]int, rows)}
	for i := range ds.Labels {
		ds.Labels[i] = rng.IntN(max(k, 2))
	}
	for i := range ds.Y.RawMatrix().Data {
		ds.Y.RawMatrix().Data[i] = rng.NormFloat64()
	}
	ds.X = x
	t, err := Targets(ds, cfg.Model.Loss, k)
	return x, t, err
}
