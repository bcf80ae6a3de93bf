package layers

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/gradcheck"
	"github.com/mlptrain/mlptrain/internal/vocab"
	"gonum.org/v1/gonum/mat"
)

func TestNewRejectsBadSpecs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		spec Spec
		want string
	}{
		{"no inputs", Spec{Inputs: 0, Units: []int{1}, Acts: []string{"identity"}, Loss: "squared_error"}, "0 inputs"},
		{"no layers", Spec{Inputs: 2, Loss: "squared_error"}, "at least one layer"},
		{"zero units", Spec{Inputs: 2, Units: []int{0, 1}, Acts: []string{"tanh", "identity"}, Loss: "squared_error"}, "layer 1: 0 units"},
		{"unknown activation", Spec{Inputs: 2, Units: []int{1}, Acts: []string{"swish"}, Loss: "squared_error"}, `unknown activation "swish"`},
		{"hidden softmax", Spec{Inputs: 2, Units: []int{3, 2}, Acts: []string{"softmax", "softmax"}, Loss: "cross_entropy"}, "only for the output layer"},
		{"ce without softmax", Spec{Inputs: 2, Units: []int{3}, Acts: []string{"logistic"}, Loss: "cross_entropy"}, "needs a softmax output"},
		{"ce one unit", Spec{Inputs: 2, Units: []int{1}, Acts: []string{"softmax"}, Loss: "cross_entropy"}, "at least 2 output units"},
		{"bce two units", Spec{Inputs: 2, Units: []int{2}, Acts: []string{"logistic"}, Loss: "binary_cross_entropy"}, "needs a logistic output layer with 1 unit"},
		{"bce tanh", Spec{Inputs: 2, Units: []int{1}, Acts: []string{"tanh"}, Loss: "binary_cross_entropy"}, "needs a logistic output layer with 1 unit"},
		{"unknown loss", Spec{Inputs: 2, Units: []int{1}, Acts: []string{"identity"}, Loss: "hinge"}, `unknown loss "hinge"`},
		{"too large", Spec{Inputs: 1 << 20, Units: []int{1 << 20}, Acts: []string{"identity"}, Loss: "squared_error"}, "more than"},
		{"categorical zero levels", Spec{Inputs: 5, Categorical: []int{2, 0}, Units: []int{1}, Acts: []string{"identity"}, Loss: "squared_error"},
			"categorical input 2 has 0 levels"},
		{"categorical too many levels", Spec{Inputs: 5, Categorical: []int{3, 3}, Units: []int{1}, Acts: []string{"identity"}, Loss: "squared_error"},
			"more levels (6 so far) than the model has inputs (5)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.spec)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New(%+v) error %v, want one containing %q", tc.spec, err, tc.want)
			}
		})
	}
}

func TestAliases(t *testing.T) {
	t.Parallel()
	m, err := New(Spec{Inputs: 2, Units: []int{3, 1}, Acts: []string{"soft_relu", "sigmoid"}, Loss: "binary_cross_entropy"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Layers[0].Activation != "softplus" || m.Layers[1].Activation != "logistic" {
		t.Errorf("activations %s, %s; want softplus, logistic", m.Layers[0].Activation, m.Layers[1].Activation)
	}
	if m.NumParams() != 2*3+3+3*1+1 {
		t.Errorf("NumParams = %d, want 13", m.NumParams())
	}
}

func TestInit(t *testing.T) {
	t.Parallel()
	spec := Spec{Inputs: 50, Units: []int{30, 3}, Acts: []string{"relu", "softmax"}, Loss: "cross_entropy"}
	for _, tc := range []struct {
		method string
		check  func(w []float64, d, k int) string
	}{
		{"xavier", func(w []float64, d, k int) string {
			a := math.Sqrt(6 / float64(d+k))
			for _, v := range w {
				if math.Abs(v) > a {
					return "entry outside ±√(6/(d+k))"
				}
			}
			return ""
		}},
		{"he", func(w []float64, d, _ int) string {
			if s := std(w); math.Abs(s-math.Sqrt(2/float64(d))) > 0.25*math.Sqrt(2/float64(d)) {
				return "std far from √(2/d)"
			}
			return ""
		}},
		{"normal", func(w []float64, _, _ int) string {
			if s := std(w); math.Abs(s-0.01) > 0.003 {
				return "std far from 0.01"
			}
			return ""
		}},
		{"uniform", func(w []float64, _, _ int) string {
			for _, v := range w {
				if math.Abs(v) > 0.05 {
					return "entry outside ±0.05"
				}
			}
			return ""
		}},
		{"zeros", func(w []float64, _, _ int) string {
			for _, v := range w {
				if v != 0 {
					return "nonzero entry"
				}
			}
			return ""
		}},
	} {
		t.Run(tc.method, func(t *testing.T) {
			a, _ := New(spec)
			b, _ := New(spec)
			if err := a.Init(tc.method, rand.New(rand.NewPCG(1, 1))); err != nil {
				t.Fatal(err)
			}
			b.Init(tc.method, rand.New(rand.NewPCG(1, 1)))
			for i, l := range a.Layers {
				d, k := l.W.Dims()
				if msg := tc.check(l.W.RawMatrix().Data, d, k); msg != "" {
					t.Errorf("layer %d: %s", i+1, msg)
				}
				if !mat.Equal(l.W, b.Layers[i].W) {
					t.Errorf("layer %d: same seed, different weights", i+1)
				}
				if mat.Sum(l.B) != 0 {
					t.Errorf("layer %d: biases not zero", i+1)
				}
			}
		})
	}
	m, _ := New(spec)
	if err := m.Init("glorot", rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("Init(glorot) succeeded, want an error")
	}
}

func std(w []float64) float64 {
	var s, s2 float64
	for _, v := range w {
		s += v
		s2 += v * v
	}
	n := float64(len(w))
	return math.Sqrt(s2/n - (s/n)*(s/n))
}

// TestNetGradients checks every hidden activation of the catalog under
// every loss, with the output layer the loss needs or, for a loss that
// takes any, several.
func TestNetGradients(t *testing.T) {
	t.Parallel()
	type output struct {
		act  string
		loss vocab.Loss
		k    int
	}
	var outputs []output
	for _, l := range vocab.Losses() {
		if l.Output != "" {
			k := l.Units
			if k == 0 {
				k = max(l.MinUnits, 3)
			}
			outputs = append(outputs, output{l.Output, l, k})
			continue
		}
		for _, act := range []string{"identity", "tanh", "softmax"} {
			outputs = append(outputs, output{act, l, 2})
		}
	}
	for _, a := range vocab.Activations() {
		if a.OutputOnly {
			continue
		}
		hidden := a.Name
		for _, out := range outputs {
			t.Run(hidden+"/"+out.act+"/"+out.loss.Name, func(t *testing.T) {
				rng := rand.New(rand.NewPCG(2, 2))
				m, err := New(Spec{Inputs: 3, Units: []int{4, out.k}, Acts: []string{hidden, out.act}, Loss: out.loss.Name})
				if err != nil {
					t.Fatal(err)
				}
				m.Init("xavier", rng)
				for _, l := range m.Layers {
					for i := range l.B.RawMatrix().Data {
						l.B.RawMatrix().Data[i] = rng.Float64() - 0.5
					}
				}
				net := m.Build(5, 0.01)
				for i := range net.X.Value().RawMatrix().Data {
					net.X.Value().RawMatrix().Data[i] = rng.NormFloat64()
				}
				tv := net.T.Value()
				for i := 0; i < 5; i++ {
					switch out.loss.Target {
					case vocab.Classes:
						tv.Set(i, rng.IntN(out.k), 1)
					case vocab.BinaryClass:
						tv.Set(i, 0, float64(rng.IntN(2)))
					default:
						for j := 0; j < out.k; j++ {
							tv.Set(i, j, rng.NormFloat64())
						}
					}
				}
				res := gradcheck.Check(net.G, net.Loss, net.Params, gradcheck.Options{Entries: -1, HVP: true})
				if !res.Pass {
					t.Errorf("gradient check failed: %+v %+v", res.Params, res.HVP)
				}
				// The prediction is the output activation of the logits.
				net.G.Forward()
				if r, c := net.Y.Dims(); r != 5 || c != out.k {
					t.Errorf("Y is %d×%d, want 5×%d", r, c, out.k)
				}
			})
		}
	}
}

func TestBuildSharesWeights(t *testing.T) {
	t.Parallel()
	m, _ := New(Spec{Inputs: 2, Units: []int{2, 1}, Acts: []string{"tanh", "identity"}, Loss: "squared_error"})
	a, b := m.Build(4, 0), m.Build(1, 0)
	m.Layers[0].W.Set(0, 0, 7)
	if a.Params[0].Value().At(0, 0) != 7 || b.Params[0].Value().At(0, 0) != 7 {
		t.Error("nets do not share the model's weights")
	}
	if a.Loss != a.DataLoss {
		t.Error("without l2 the loss is the data loss")
	}
	if c := m.Build(4, 0.1); c.Loss == c.DataLoss {
		t.Error("with l2 the loss adds the penalty")
	}
}

func TestInputWidth(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		inputs int
		levels []int
		want   int
	}{
		{"numeric", 4, nil, 4},
		{"mixed", 4 + 250 + 250, []int{250, 250}, 6},
		{"all categorical", 7, []int{3, 1, 3}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := Spec{Inputs: tc.inputs, Categorical: tc.levels, Units: []int{2}, Acts: []string{"identity"}, Loss: "squared_error"}
			m, err := New(spec)
			if err != nil {
				t.Fatal(err)
			}
			if got := m.InputWidth(); got != tc.want {
				t.Errorf("Model.InputWidth() = %d, want %d", got, tc.want)
			}
			if got := spec.InputWidth(); got != tc.want {
				t.Errorf("Spec.InputWidth() = %d, want %d", got, tc.want)
			}
			if r, c := m.Build(3, 0).X.Dims(); r != 3 || c != tc.want {
				t.Errorf("X is %d×%d, want 3×%d", r, c, tc.want)
			}
		})
	}
}

// buildTol bounds a categorical model against the same weights fed the
// one-hot matrix (the products add the same terms in another order).
const buildTol = 1e-13

// TestBuildCategorical checks that a model with categorical inputs, fed
// their codes, gives the loss and gradients of the same weights in a model
// without them fed the one-hot matrix, and passes the gradient check.
func TestBuildCategorical(t *testing.T) {
	t.Parallel()
	const n, dense = 6, 2
	levels := []int{3, 1, 4}
	rng := rand.New(rand.NewPCG(3, 1))
	spec := Spec{Inputs: dense + 8, Categorical: levels, Units: []int{5, 3}, Acts: []string{"tanh", "softmax"}, Loss: "cross_entropy"}
	cat, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	cat.Init("xavier", rng)
	spec.Categorical = nil
	plain, _ := New(spec)
	for i, l := range cat.Layers {
		plain.Layers[i].W.Copy(l.W)
		plain.Layers[i].B.Copy(l.B)
	}
	a, b := cat.Build(n, 0.01), plain.Build(n, 0.01)
	for i := range n {
		for j := range dense {
			v := rng.NormFloat64()
			a.X.Value().Set(i, j, v)
			b.X.Value().Set(i, j, v)
		}
		off := dense
		for j, l := range levels {
			code := rng.IntN(l+1) - 1 // −1: no level
			a.X.Value().Set(i, dense+j, float64(code))
			if code >= 0 {
				b.X.Value().Set(i, off+code, 1)
			}
			off += l
		}
		c := rng.IntN(3)
		a.T.Value().Set(i, c, 1)
		b.T.Value().Set(i, c, 1)
	}
	for _, node := range a.G.Nodes() {
		if slices.Contains(node.Inputs(), a.Weights[0]) {
			if node.Op() != "onehot_matmul" {
				t.Errorf("first layer's product is %s, want onehot_matmul", node.Op())
			}
			break
		}
	}
	for _, net := range []*Net{a, b} {
		net.G.Forward()
		net.G.Backward(net.Loss)
	}
	if got, want := a.Loss.Value().At(0, 0), b.Loss.Value().At(0, 0); math.Abs(got-want) > buildTol*math.Max(1, math.Abs(want)) {
		t.Errorf("loss %v, one-hot model %v", got, want)
	}
	for i, p := range a.Params {
		if !mat.EqualApprox(p.Grad(), b.Params[i].Grad(), buildTol) {
			t.Errorf("%s: gradient differs from the one-hot model's", p.Name())
		}
	}
	res := gradcheck.Check(a.G, a.Loss, a.Params, gradcheck.Options{Entries: -1, HVP: true})
	if !res.Pass {
		t.Errorf("gradient check failed: %+v %+v", res.Params, res.HVP)
	}
}

// TestBuildWeighted checks that BuildWeighted's R is an n×1 input whose
// unit weights give Build's loss and gradients bit for bit, for every
// loss, and that Build has no R.
func TestBuildWeighted(t *testing.T) {
	t.Parallel()
	for i, spec := range []Spec{
		{Inputs: 3, Units: []int{4, 3}, Acts: []string{"relu", "softmax"}, Loss: "cross_entropy"},
		{Inputs: 3, Units: []int{4, 1}, Acts: []string{"tanh", "logistic"}, Loss: "binary_cross_entropy"},
		{Inputs: 3, Units: []int{4, 2}, Acts: []string{"tanh", "identity"}, Loss: "squared_error"},
	} {
		t.Run(spec.Loss, func(t *testing.T) {
			const n = 5
			rng := rand.New(rand.NewPCG(4, uint64(i)))
			m, _ := New(spec)
			m.Init("xavier", rng)
			a, b := m.Build(n, 0.1), m.BuildWeighted(n, 0.1)
			if a.R != nil {
				t.Error("Build's R is not nil")
			}
			if r, c := b.R.Dims(); r != n || c != 1 {
				t.Fatalf("R is %d×%d, want %d×1", r, c, n)
			}
			for j := range a.X.Value().RawMatrix().Data {
				v := rng.NormFloat64()
				a.X.Value().RawMatrix().Data[j] = v
				b.X.Value().RawMatrix().Data[j] = v
			}
			k := m.Outputs()
			for j := range n {
				c := rng.IntN(max(k, 2))
				if k == 1 {
					a.T.Value().Set(j, 0, float64(c))
					b.T.Value().Set(j, 0, float64(c))
				} else {
					a.T.Value().Set(j, c%k, 1)
					b.T.Value().Set(j, c%k, 1)
				}
				b.R.Value().Set(j, 0, 1)
			}
			for _, net := range []*Net{a, b} {
				net.G.Forward()
				net.G.Backward(net.Loss)
			}
			if a.Loss.Value().At(0, 0) != b.Loss.Value().At(0, 0) {
				t.Errorf("unit weights: loss %v, Build's %v", b.Loss.Value().At(0, 0), a.Loss.Value().At(0, 0))
			}
			for j, p := range a.Params {
				if !mat.Equal(p.Grad(), b.Params[j].Grad()) {
					t.Errorf("unit weights: %s's gradient differs from Build's", p.Name())
				}
			}
		})
	}
}

// TestIsWeight checks that IsWeight has a flag for each of Params, in
// its order, batch normalization's γ and β included.
func TestIsWeight(t *testing.T) {
	m, err := New(Spec{Inputs: 3, Units: []int{4, 2, 1}, Acts: []string{"relu", "tanh", "identity"}, Loss: "squared_error", BatchNorm: []bool{true, false, false}})
	if err != nil {
		t.Fatal(err)
	}
	ps, w := m.Params(), m.IsWeight()
	if len(ps) != len(w) {
		t.Fatalf("%d flags for %d parameters", len(w), len(ps))
	}
	for i, p := range ps {
		isW := false
		for _, l := range m.Layers {
			isW = isW || p == l.W
		}
		if w[i] != isW {
			t.Errorf("parameter %d: IsWeight %v, want %v", i, w[i], isW)
		}
	}
}
