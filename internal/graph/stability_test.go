package graph

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// extremes are pre-activations where a naive e^z or e^−z overflows
// (|z| ≥ 710), turns subnormal (745) or is far past both.
var extremes = []float64{1000, -1000, 745, -745, 710, -710}

// TestStability checks that every activation and loss, fed z = ±1000,
// ±745 and ±710, gives finite values, gradients and Hessian-vector
// products. Exp is left out: e^710 overflows by definition.
func TestStability(t *testing.T) {
	t.Parallel()
	col := mat.NewDense(6, 1, extremes)
	pairs := mat.NewDense(6, 2, []float64{ // one extreme and its negation or 0 per row
		1000, 0, -1000, 0, 745, -745, -710, 710, 1000, -1000, 0, 1000,
	})
	flatZ := mat.NewDense(1, 6, extremes)
	for _, tc := range []struct {
		name  string
		z     *mat.Dense
		t     *mat.Dense // targets, nil for an activation
		build func(z, t *Node) *Node
	}{
		{"Identity", flatZ, nil, func(z, _ *Node) *Node { return Identity(z) }},
		{"Threshold", flatZ, nil, func(z, _ *Node) *Node { return Threshold(z) }},
		{"Logistic", flatZ, nil, func(z, _ *Node) *Node { return Logistic(z) }},
		{"Tanh", flatZ, nil, func(z, _ *Node) *Node { return Tanh(z) }},
		{"ReLU", flatZ, nil, func(z, _ *Node) *Node { return ReLU(z) }},
		{"Softplus", flatZ, nil, func(z, _ *Node) *Node { return Softplus(z) }},
		{"Sin", flatZ, nil, func(z, _ *Node) *Node { return Sin(z) }},
		{"Cos", flatZ, nil, func(z, _ *Node) *Node { return Cos(z) }},
		{"Square", flatZ, nil, func(z, _ *Node) *Node { return Square(z) }},
		{"Softmax/pairs", pairs, nil, func(z, _ *Node) *Node { return Softmax(z) }},
		{"Softmax/column", col, nil, func(z, _ *Node) *Node { return Softmax(z) }},
		{"Softmax/row", flatZ, nil, func(z, _ *Node) *Node { return Softmax(z) }},
		{"SquaredError", flatZ, mat.NewDense(1, 6, []float64{1, 0, 1, 0, 1, 0}), SquaredError},
		{"Logistic+SquaredError", flatZ, mat.NewDense(1, 6, []float64{0, 1, 0, 1, 0, 1}),
			func(z, t *Node) *Node { return SquaredError(Logistic(z), t) }},
		{"SoftmaxCrossEntropy/one-hot", pairs, mat.NewDense(6, 2, []float64{0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0}), SoftmaxCrossEntropy},
		{"SoftmaxCrossEntropy/positive", pairs, mat.NewDense(6, 2, []float64{0.3, 1.2, 1, 0.5, 0.1, 0.9, 2, 0.2, 0.5, 0.5, 1, 1}), SoftmaxCrossEntropy},
		{"SoftmaxCrossEntropyOf/one-hot", pairs, mat.NewDense(6, 2, []float64{0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0}),
			func(z, t *Node) *Node { return SoftmaxCrossEntropyOf(Softmax(z), t) }},
		{"BinaryCrossEntropy/wrong", flatZ, mat.NewDense(1, 6, []float64{0, 1, 0, 1, 0, 1}), BinaryCrossEntropy},
		{"BinaryCrossEntropy/right", flatZ, mat.NewDense(1, 6, []float64{1, 0, 1, 0, 1, 0}), BinaryCrossEntropy},
		{"BinaryCrossEntropy/soft", flatZ, mat.NewDense(1, 6, []float64{0.3, 0.3, 0.7, 0.7, 0.5, 0.5}), BinaryCrossEntropy},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := New()
			z := g.Param("z", mat.DenseCopyOf(tc.z))
			params := []*Node{z}
			var tn *Node
			if tc.t != nil {
				// The targets are parameters too, so their signals and
				// tangents are checked as well.
				tn = g.Param("t", mat.DenseCopyOf(tc.t))
				params = append(params, tn)
			}
			out := tc.build(z, tn)
			loss := scalarLoss(newRand(4, 0), out)
			g.Forward()
			g.Backward(loss)
			v := randomLike(newRand(4, 1), values(params))
			dst := zerosLike(v)
			g.HVP(dst, loss, params, v)
			for _, n := range g.Nodes() {
				if !finite(n.Value()) {
					t.Errorf("value of %s (%s) = %v", n.Name(), n.Op(), mat.Formatted(n.Value(), mat.Squeeze()))
				}
				if n.Grad() != nil && !finite(n.Grad()) {
					t.Errorf("signal of %s (%s) = %v", n.Name(), n.Op(), mat.Formatted(n.Grad(), mat.Squeeze()))
				}
			}
			for i, h := range dst {
				if !finite(h) {
					t.Errorf("H·v for %s = %v", params[i].Name(), mat.Formatted(h, mat.Squeeze()))
				}
			}
		})
	}
}

func finite(m *mat.Dense) bool {
	for _, v := range raw(m) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// TestExtremeValues checks exact results at extreme logits.
func TestExtremeValues(t *testing.T) {
	t.Parallel()
	g := New()
	z := g.Input("z", 3, 2)
	z.Value().Copy(mat.NewDense(3, 2, []float64{1000, 0, 0, 1000, -1000, 0}))
	p := Softmax(z)
	oneHot := g.Const("t", mat.NewDense(3, 2, []float64{0, 1, 1, 0, 1, 0}))
	ce := SoftmaxCrossEntropy(z, oneHot)

	zb := g.Input("zb", 1, 2)
	zb.Value().Copy(mat.NewDense(1, 2, []float64{-1000, 1000}))
	bce := BinaryCrossEntropy(zb, g.Const("tb", mat.NewDense(1, 2, []float64{1, 0})))
	sig := Logistic(zb)
	g.Forward()

	if got, want := flat(p.Value()), []float64{1, 0, 0, 1, 0, 1}; !equalBits(got, want) {
		t.Errorf("Softmax([1000 0; 0 1000; −1000 0]) = %v, want %v", got, want)
	}
	// Each row's cross-entropy is 1000: −log softmax = lse − z = 1000 − 0.
	if got := ce.Scalar(); got != 1000 {
		t.Errorf("SoftmaxCrossEntropy at wrong logits ±1000 = %v, want 1000", got)
	}
	// softplus(−1000) + 1000 and softplus(1000) − 0, averaged over n = 1.
	if got := bce.Scalar(); got != 2000 {
		t.Errorf("BinaryCrossEntropy(z=[−1000 1000], t=[1 0]) = %v, want 2000", got)
	}
	if got, want := flat(sig.Value()), []float64{0, 1}; !equalBits(got, want) {
		t.Errorf("Logistic([−1000 1000]) = %v, want %v", got, want)
	}

	// The lecture's example: one logit, z = −1000, t = 1.
	g1 := New()
	z1 := g1.Param("z", mat.NewDense(1, 1, []float64{-1000}))
	l1 := BinaryCrossEntropy(z1, g1.Const("t", mat.NewDense(1, 1, []float64{1})))
	g1.Forward()
	g1.Backward(l1)
	if got := l1.Scalar(); got != 1000 {
		t.Errorf("BinaryCrossEntropy(z=−1000, t=1) = %v, want 1000", got)
	}
	if got := z1.Grad().At(0, 0); got != -1 { // σ(z) − t = 0 − 1
		t.Errorf("∂/∂z BinaryCrossEntropy(z=−1000, t=1) = %v, want −1", got)
	}
}
