package layers

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/mlptrain/mlptrain/internal/graph"
	"github.com/mlptrain/mlptrain/internal/vocab"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/mat"
)

// Layer is one fully connected layer y = φ(xW + b), or, with batch
// normalization, y = φ(BN(xW)): BN's β replaces b, which is then left out
// of the graph and stays zero.
type Layer struct {
	Activation string
	W          *mat.Dense // d×k
	B          *mat.Dense // 1×k
	// Dropout is the rate p of inverted dropout on the layer's output
	// while training (hidden layers only); 0 for none.
	Dropout float64
	// BN is the layer's batch normalization of z = xW, or nil.
	BN *BatchNorm
}

// BatchNorm is a layer's batch normalization: the learnable scale γ and
// shift β and the running averages of the batch mean and variance that
// evaluation uses (graph.BatchNorm's conventions: PyTorch's BatchNorm1d,
// momentum 0.1, ε = 1e-5), each 1×k.
type BatchNorm struct {
	Gamma, Beta *mat.Dense
	Mean, Var   *mat.Dense
}

// newBatchNorm returns a batch normalization of k units in its initial
// state: γ = 1, β = 0, running mean 0 and variance 1.
func newBatchNorm(k int) *BatchNorm {
	ones := func() *mat.Dense {
		m := mat.NewDense(1, k, nil)
		for j := range k {
			m.Set(0, j, 1)
		}
		return m
	}
	return &BatchNorm{Gamma: ones(), Beta: mat.NewDense(1, k, nil), Mean: mat.NewDense(1, k, nil), Var: ones()}
}

// reset sets bn to its initial state.
func (bn *BatchNorm) reset() {
	fresh := newBatchNorm(bn.Gamma.RawMatrix().Cols)
	bn.Gamma.Copy(fresh.Gamma)
	bn.Beta.Zero()
	bn.Mean.Zero()
	bn.Var.Copy(fresh.Var)
}

// Units returns the layer's number of outputs k.
func (l Layer) Units() int { _, k := l.W.Dims(); return k }

// Spec describes a model's architecture.
type Spec struct {
	// Inputs is the number of rows of the first layer's W: the numeric
	// inputs plus, for each categorical input, its number of levels (the
	// width of its one-hot block).
	Inputs int
	// Categorical holds the level counts of the categorical inputs, in
	// order; nil for none. The model is fed their integer codes, one
	// column each after the numeric columns (see InputWidth).
	Categorical []int
	Units       []int    // per layer
	Acts        []string // per layer
	Loss        string
	// Dropout holds each layer's dropout rate, in [0, 1) and 0 on the
	// output layer; nil for none.
	Dropout []float64
	// BatchNorm says which layers normalize their z (not the output
	// layer); nil for none.
	BatchNorm []bool
	// InputDropout is the dropout rate on the inputs while training, in
	// [0, 1); the model must have no categorical inputs, whose codes
	// cannot be dropped.
	InputDropout float64
}

// InputWidth returns the number of columns of the input the model is fed:
// Inputs − Σ levels + len(Categorical), one column per numeric input and
// one code column per categorical input.
func (s Spec) InputWidth() int { return inputWidth(s.Inputs, s.Categorical) }

func inputWidth(inputs int, levels []int) int {
	w := inputs + len(levels)
	for _, l := range levels {
		w -= l
	}
	return w
}

// Model is a multilayer perceptron: its layers in order, the last one the
// output layer, and its loss.
type Model struct {
	// Inputs is the number of rows of the first layer's W, the one-hot
	// blocks of the categorical inputs included.
	Inputs int
	// Categorical holds the level counts of the categorical inputs, as in
	// Spec; nil for none.
	Categorical []int
	Layers      []Layer
	Loss        string
	// InputDropout is the dropout rate on the inputs while training.
	InputDropout float64
	// Float32 says the model computes in float32 (train.precision): its
	// nets are float32 graphs over float32 twins of its matrices
	// (Twins32), and its float64 matrices hold the same values, which
	// float32 represents exactly (Round32, Widen32).
	Float32 bool
	twins   map[*mat.Dense]*blas32.General
}

// InputWidth returns the number of columns of the input the model is fed:
// Inputs − Σ levels + len(Categorical).
func (m *Model) InputWidth() int { return inputWidth(m.Inputs, m.Categorical) }

// maxParams bounds the size of a model, so that a hostile config or model
// file cannot make the program allocate without limit.
const maxParams = 100_000_000

// New validates spec as Check does and returns a model with zero weights.
// The whole spec is checked before anything is allocated, so a spec over
// the parameter limit costs nothing.
func New(spec Spec) (*Model, error) {
	acts, err := check(spec)
	if err != nil {
		return nil, err
	}
	m := &Model{Inputs: spec.Inputs, Categorical: slices.Clone(spec.Categorical), Loss: spec.Loss, Layers: make([]Layer, len(acts)),
		InputDropout: spec.InputDropout}
	d := spec.Inputs
	for i, k := range spec.Units {
		m.Layers[i] = Layer{Activation: acts[i], W: mat.NewDense(d, k, nil), B: mat.NewDense(1, k, nil)}
		if spec.Dropout != nil {
			m.Layers[i].Dropout = spec.Dropout[i]
		}
		if spec.BatchNorm != nil && spec.BatchNorm[i] {
			m.Layers[i].BN = newBatchNorm(k)
		}
		d = k
	}
	return m, nil
}

// Check validates spec without allocating the model: the errors say which
// layer is wrong and what would fit.
func Check(spec Spec) error {
	_, err := check(spec)
	return err
}

// check validates spec and returns the canonical activations.
func check(spec Spec) ([]string, error) {
	if spec.Inputs < 1 {
		return nil, fmt.Errorf("model has %d inputs, need at least 1", spec.Inputs)
	}
	levels := 0
	for j, l := range spec.Categorical {
		if l < 1 {
			return nil, fmt.Errorf("categorical input %d has %d levels, need at least 1", j+1, l)
		}
		if levels += l; levels > spec.Inputs {
			return nil, fmt.Errorf("the categorical inputs have more levels (%d so far) than the model has inputs (%d)", levels, spec.Inputs)
		}
	}
	if len(spec.Units) == 0 || len(spec.Units) != len(spec.Acts) {
		return nil, fmt.Errorf("model needs at least one layer")
	}
	if err := checkRegularization(spec); err != nil {
		return nil, err
	}
	acts := make([]string, len(spec.Units))
	d, total := spec.Inputs, 0
	last := len(spec.Units) - 1
	for i, k := range spec.Units {
		act, ok := vocab.ActivationNamed(spec.Acts[i])
		switch {
		case !ok:
			return nil, fmt.Errorf("layer %d: unknown activation %q (want one of %v)", i+1, spec.Acts[i], vocab.ActivationNames())
		case k < 1:
			return nil, fmt.Errorf("layer %d: %d units, need at least 1", i+1, k)
		case act.OutputOnly && i != last:
			return nil, fmt.Errorf("layer %d: %s is only for the output layer", i+1, act.Name)
		}
		if k > maxParams/(d+1) || total+(d+1)*k > maxParams {
			return nil, fmt.Errorf("layer %d: the model would have more than %d parameters", i+1, maxParams)
		}
		total += (d + 1) * k
		acts[i] = act.Name
		d = k
	}
	out, k := acts[last], spec.Units[last]
	loss, ok := vocab.LossNamed(spec.Loss)
	if !ok {
		return nil, fmt.Errorf("unknown loss %q (want one of %v)", spec.Loss, vocab.LossNames())
	}
	if need := loss.Requirement(out, k); need != "" {
		return nil, fmt.Errorf("loss %s needs %s, got %d %s unit%s (%s)", spec.Loss, need, k, out, plural(k), loss.Fix)
	}
	return acts, nil
}

// checkRegularization checks the spec's dropout rates and batch
// normalizations.
func checkRegularization(spec Spec) error {
	last := len(spec.Units) - 1
	if (spec.Dropout != nil && len(spec.Dropout) != len(spec.Units)) || (spec.BatchNorm != nil && len(spec.BatchNorm) != len(spec.Units)) {
		return fmt.Errorf("dropout or batch_norm given for %d and %d layers, but the model has %d", len(spec.Dropout), len(spec.BatchNorm), len(spec.Units))
	}
	if p := spec.InputDropout; !(p >= 0 && p < 1) {
		return fmt.Errorf("input dropout %v not in [0, 1)", p)
	}
	if spec.InputDropout > 0 && len(spec.Categorical) > 0 {
		return fmt.Errorf("input dropout with %d categorical inputs: their codes cannot be dropped", len(spec.Categorical))
	}
	for i, p := range spec.Dropout {
		switch {
		case !(p >= 0 && p < 1):
			return fmt.Errorf("layer %d: dropout %v not in [0, 1)", i+1, p)
		case p > 0 && i == last:
			return fmt.Errorf("layer %d: dropout on the output layer", i+1)
		}
	}
	if spec.BatchNorm != nil && spec.BatchNorm[last] {
		return fmt.Errorf("layer %d: batch normalization of the output layer", last+1)
	}
	return nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Outputs returns the number of output units.
func (m *Model) Outputs() int { return m.Layers[len(m.Layers)-1].Units() }

// NumParams returns the number of trainable parameters: weights, biases
// and batch normalizations' γ and β.
func (m *Model) NumParams() int {
	n := 0
	for _, p := range m.Params() {
		n += p.RawMatrix().Rows * p.RawMatrix().Cols
	}
	return n
}

// Params returns the model's trainable matrices in the order of a Net's
// Params: per layer W, then b, or γ and β with batch normalization.
func (m *Model) Params() []*mat.Dense {
	var ps []*mat.Dense
	for _, l := range m.Layers {
		if l.BN != nil {
			ps = append(ps, l.W, l.BN.Gamma, l.BN.Beta)
		} else {
			ps = append(ps, l.W, l.B)
		}
	}
	return ps
}

// IsWeight says, for each of Params in order, whether it is a weight
// matrix W (true) or a bias, or batch normalization's γ or β (false):
// what weight decay and the L2 penalty apply to.
func (m *Model) IsWeight() []bool {
	var w []bool
	for _, l := range m.Layers {
		if l.BN != nil {
			w = append(w, true, false, false)
		} else {
			w = append(w, true, false)
		}
	}
	return w
}

// Stats returns the running averages of the batch normalizations, mean
// then variance per normalized layer in order; nil for none. Training
// updates them, but they are not trained by gradient.
func (m *Model) Stats() []*mat.Dense {
	var st []*mat.Dense
	for _, l := range m.Layers {
		if l.BN != nil {
			st = append(st, l.BN.Mean, l.BN.Var)
		}
	}
	return st
}

// Regularized reports whether the model has dropout or batch
// normalization, so that its training graph differs from Build's.
func (m *Model) Regularized() bool {
	if m.InputDropout > 0 {
		return true
	}
	for _, l := range m.Layers {
		if l.Dropout > 0 || l.BN != nil {
			return true
		}
	}
	return false
}

// inits are the initializations by the catalog's names (internal/vocab,
// whose help gives each formula): each returns the draw of one weight of a
// d×k layer from rng.
var inits = map[string]func(d, k int, rng *rand.Rand) func() float64{
	"xavier": func(d, k int, rng *rand.Rand) func() float64 {
		a := math.Sqrt(6 / float64(d+k))
		return func() float64 { return a * (2*rng.Float64() - 1) }
	},
	"he": func(d, _ int, rng *rand.Rand) func() float64 {
		s := math.Sqrt(2 / float64(d))
		return func() float64 { return s * rng.NormFloat64() }
	},
	"normal": func(_, _ int, rng *rand.Rand) func() float64 {
		return func() float64 { return 0.01 * rng.NormFloat64() }
	},
	"uniform": func(_, _ int, rng *rand.Rand) func() float64 {
		return func() float64 { return 0.05 * (2*rng.Float64() - 1) }
	},
	"zeros": func(_, _ int, _ *rand.Rand) func() float64 {
		return func() float64 { return 0 }
	},
}

// Init sets the weights by the named method from rng and zeroes the
// biases. It returns an error for an unknown method.
func (m *Model) Init(method string, rng *rand.Rand) error {
	init, ok := inits[method]
	if !ok {
		return fmt.Errorf("unknown init %q (want one of %v)", method, vocab.InitNames())
	}
	for _, l := range m.Layers {
		d, k := l.W.Dims()
		draw := init(d, k, rng)
		w := l.W.RawMatrix().Data
		for i := range w {
			w[i] = draw()
		}
		l.B.Zero()
		if l.BN != nil {
			l.BN.reset()
		}
	}
	return nil
}

// Net is a model's graph for one batch size. Its parameter nodes share the
// model's weight matrices, so training through any Net updates the Model.
type Net struct {
	G        *graph.Graph
	X        *graph.Node   // n×d input, to be filled before Forward
	T        *graph.Node   // n×k targets, to be filled before Forward
	R        *graph.Node   // n×1 row weights of the data loss, to be filled before Forward; nil unless from BuildWeighted
	Z        *graph.Node   // n×k output pre-activations (logits)
	Y        *graph.Node   // n×k predictions: output activations
	DataLoss *graph.Node   // the loss on the batch, without penalty
	Loss     *graph.Node   // DataLoss plus the L2 penalty, if any
	Params   []*graph.Node // W1, b1, W2, b2, ... in layer order (γ, β in place of b with batch normalization)
	Weights  []*graph.Node // W1, W2, ...
	// Masks are the dropout masks of a training net, in the order
	// DrawMasks fills them (the inputs', then each layer's); nil for none.
	Masks []*graph.Node
	rates []float64 // the dropout rate of each mask
}

// DrawMasks draws every dropout mask of the net from the stream src
// (graph.DrawMask), in order: the inputs', then each layer's, each row by
// row. It allocates nothing.
func (net *Net) DrawMasks(src *rand.PCG) {
	for i, m := range net.Masks {
		if net.G.Float32() {
			graph.DrawMask32(m.Value32(), net.rates[i], src)
			continue
		}
		graph.DrawMask(m.Value(), net.rates[i], src)
	}
}

// activate applies the named (canonical) activation.
func activate(act string, z *graph.Node) *graph.Node {
	f, ok := graph.Activation(act)
	if !ok {
		panic(fmt.Sprintf("layers: no graph op for activation %q", act))
	}
	return f(z)
}

// Build returns the model's graph for batches of n rows, with an L2
// penalty of strength l2 on the weights when l2 > 0. Its input X is
// n×InputWidth(); with categorical inputs, the first layer multiplies W by
// their one-hot blocks without building them (graph.OneHotMatMul). It
// panics if n < 1 or l2 < 0; New has validated everything else.
//
// Build is the evaluation graph: no dropout, and batch normalization by
// the running averages (graph.BatchNormEval).
func (m *Model) Build(n int, l2 float64) *Net { return m.build(n, l2, false, false) }

// BuildWeighted is Build with a weighted data loss: the net's R is an n×1
// input of row weights r (class weights looked up per row), to be filled
// with X and T before each Forward, and the data loss is
// Σ_i r_i ℓ_i / Σ_i r_i, the rows' losses ℓ_i averaged with the weights
// (PyTorch's convention for CrossEntropyLoss(weight=…)); with every
// r_i = 1 it is Build's. Σ r must be positive. It panics as Build does.
func (m *Model) BuildWeighted(n int, l2 float64) *Net { return m.build(n, l2, true, false) }

// BuildTraining is Build, or BuildWeighted if weighted, for training:
// with the model's dropout (masks for DrawMasks to fill before each
// Forward; until then they drop everything) and batch normalization by
// the batch statistics, each Forward updating the running averages
// (graph.BatchNorm). For a model without either it is Build's graph.
func (m *Model) BuildTraining(n int, l2 float64, weighted bool) *Net {
	return m.build(n, l2, weighted, true)
}

// dropout applies inverted dropout at rate p to h in a training net, with
// a new mask input named name.
func (net *Net) dropout(h *graph.Node, p float64, name string) *graph.Node {
	r, c := h.Dims()
	mask := net.G.Input(name, r, c)
	net.Masks = append(net.Masks, mask)
	net.rates = append(net.rates, p)
	return graph.Dropout(h, mask, p)
}

func (m *Model) build(n int, l2 float64, weighted, training bool) *Net {
	if n < 1 || l2 < 0 {
		panic(fmt.Sprintf("layers: Build(n=%d, l2=%g)", n, l2))
	}
	g := graph.New()
	param, konst := g.Param, g.Const
	if m.Float32 {
		g = graph.New32()
		m.Twins32()
		param = func(name string, w *mat.Dense) *graph.Node { return g.Param32(name, m.twins[w]) }
		konst = func(name string, w *mat.Dense) *graph.Node { return g.Const32(name, m.twins[w]) }
	}
	net := &Net{G: g}
	net.X = g.Input("x", n, m.InputWidth())
	h := net.X
	if training && m.InputDropout > 0 {
		h = net.dropout(h, m.InputDropout, "mask0").Named("x_drop")
	}
	for i, l := range m.Layers {
		w := param(fmt.Sprintf("W%d", i+1), l.W)
		net.Weights = append(net.Weights, w)
		var b, gamma, beta *graph.Node
		if l.BN != nil {
			gamma = param(fmt.Sprintf("gamma%d", i+1), l.BN.Gamma)
			beta = param(fmt.Sprintf("beta%d", i+1), l.BN.Beta)
			net.Params = append(net.Params, w, gamma, beta)
		} else {
			b = param(fmt.Sprintf("b%d", i+1), l.B)
			net.Params = append(net.Params, w, b)
		}
		var xw *graph.Node
		if i == 0 && len(m.Categorical) > 0 {
			xw = graph.OneHotMatMul(h, w, m.InputWidth()-len(m.Categorical), m.Categorical)
		} else {
			xw = graph.MatMul(h, w)
		}
		xw.Named(h.Name() + w.Name())
		var z *graph.Node
		if l.BN != nil {
			mean := konst(fmt.Sprintf("mean%d", i+1), l.BN.Mean)
			variance := konst(fmt.Sprintf("var%d", i+1), l.BN.Var)
			bn := graph.BatchNormEval
			if training {
				bn = graph.BatchNorm
			}
			z = bn(xw, gamma, beta, mean, variance)
		} else {
			z = graph.AddBias(xw, b)
		}
		z.Named(fmt.Sprintf("z%d", i+1))
		h = activate(l.Activation, z).Named(fmt.Sprintf("h%d", i+1))
		if training && l.Dropout > 0 {
			h = net.dropout(h, l.Dropout, fmt.Sprintf("mask%d", i+1)).Named(fmt.Sprintf("h%d_drop", i+1))
		}
		net.Z = z
	}
	net.Y = h.Named("y")
	net.T = g.Input("t", n, m.Outputs())
	if weighted {
		net.R = g.Input("r", n, 1)
	}
	switch {
	case m.Loss == "cross_entropy" && weighted:
		net.DataLoss = graph.WeightedSoftmaxCrossEntropyOf(net.Y, net.T, net.R)
	case m.Loss == "cross_entropy":
		// The loss of the logits z, reading softmax(z) from the output
		// y = softmax(z) (Check insists on it) instead of computing it
		// again.
		net.DataLoss = graph.SoftmaxCrossEntropyOf(net.Y, net.T)
	case m.Loss == "binary_cross_entropy" && weighted:
		net.DataLoss = graph.WeightedBinaryCrossEntropy(net.Z, net.T, net.R)
	case m.Loss == "binary_cross_entropy":
		// The loss of the logit z of the one logistic unit y = σ(z).
		net.DataLoss = graph.BinaryCrossEntropy(net.Z, net.T)
	case m.Loss == "squared_error" && weighted:
		net.DataLoss = graph.WeightedSquaredError(net.Y, net.T, net.R)
	case m.Loss == "squared_error":
		net.DataLoss = graph.SquaredError(net.Y, net.T)
	default:
		panic(fmt.Sprintf("layers: no graph op for loss %q", m.Loss))
	}
	net.DataLoss.Named("loss_data")
	net.Loss = net.DataLoss
	if l2 > 0 {
		net.Loss = graph.Add(net.DataLoss, graph.L2(l2, net.Weights...).Named("l2")).Named("loss")
	} else {
		net.DataLoss.Named("loss")
	}
	return net
}

// State returns Params, then Stats: every matrix training changes.
func (m *Model) State() []*mat.Dense { return append(m.Params(), m.Stats()...) }

// Twins32 returns the float32 twins of State, in its order, making them
// (by Round32) on the first call. A float32 model's nets share them: a
// float32 training run changes the twins, and Widen32 then writes them
// back into the float64 matrices.
func (m *Model) Twins32() []*blas32.General {
	st := m.State()
	if m.twins == nil {
		m.twins = make(map[*mat.Dense]*blas32.General, len(st))
		for _, w := range st {
			r, c := w.Dims()
			m.twins[w] = &blas32.General{Rows: r, Cols: c, Stride: c, Data: make([]float32, r*c)}
		}
		m.Round32()
	}
	out := make([]*blas32.General, len(st))
	for i, w := range st {
		out[i] = m.twins[w]
	}
	return out
}

// Round32 rounds the float64 matrices of State to float32, setting both
// them and their twins to the rounded values (the nearest float32, ties
// to even; beyond float32's range, ±Inf). A float32 model calls it once
// its float64 weights are set (initialized, read, resumed).
func (m *Model) Round32() {
	if m.twins == nil {
		m.Twins32()
		return
	}
	for _, w := range m.State() {
		t := m.twins[w]
		d := w.RawMatrix().Data[:len(t.Data)]
		for i, v := range d {
			t.Data[i] = float32(v)
			d[i] = float64(t.Data[i])
		}
	}
}

// Widen32 copies the float32 twins into the float64 matrices of State,
// exactly. It does nothing for a model without twins.
func (m *Model) Widen32() {
	for w, t := range m.twins {
		d := w.RawMatrix().Data[:len(t.Data)]
		for i, v := range t.Data {
			d[i] = float64(v)
		}
	}
}
