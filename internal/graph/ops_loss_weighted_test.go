package graph

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// weightedLosses pairs each weighted loss with its unweighted op: build
// makes the loss of the n×k logits z (through a Softmax for the
// cross-entropy) and targets t, with the row weights r if r is not nil.
var weightedLosses = []struct {
	name    string
	targets func(n, k int) gen
	build   func(z, t, r *Node) *Node
}{
	{"SquaredError", func(n, k int) gen { return normal(n, k) }, func(z, t, r *Node) *Node {
		if r == nil {
			return SquaredError(z, t)
		}
		return WeightedSquaredError(z, t, r)
	}},
	{"BinaryCrossEntropy", bits, func(z, t, r *Node) *Node {
		if r == nil {
			return BinaryCrossEntropy(z, t)
		}
		return WeightedBinaryCrossEntropy(z, t, r)
	}},
	{"SoftmaxCrossEntropyOf", oneHot, func(z, t, r *Node) *Node {
		if r == nil {
			return SoftmaxCrossEntropyOf(Softmax(z), t)
		}
		return WeightedSoftmaxCrossEntropyOf(Softmax(z), t, r)
	}},
}

// TestWeightedLossesUnitWeights checks that with every row weight 1 the
// weighted losses give the unweighted ones' loss, gradient and HVP bit for
// bit, on a two-layer network.
func TestWeightedLossesUnitWeights(t *testing.T) {
	t.Parallel()
	for i, tc := range weightedLosses {
		t.Run(tc.name, func(t *testing.T) {
			run := func(weighted bool) []float64 {
				const n, d, m, k = 6, 3, 5, 4
				rng := newRand(30, uint64(i))
				g := New()
				x := g.Const("X", normal(n, d)(rng))
				tt := g.Const("T", tc.targets(n, k)(rng))
				w1, w2 := g.Param("W1", normal(d, m)(rng)), g.Param("W2", normal(m, k)(rng))
				z := MatMul(Tanh(MatMul(x, w1)), w2)
				var r *Node
				if weighted {
					ones := mat.NewDense(n, 1, nil)
					for j := range n {
						ones.Set(j, 0, 1)
					}
					r = g.Const("r", ones)
				}
				loss := tc.build(z, tt, r)
				params := []*Node{w1, w2}
				g.Forward()
				g.Backward(loss)
				out := append([]float64{loss.Scalar()}, flat(grads(params)...)...)
				v := flat(randomLike(rng, values(params))...)
				return append(out, hvp(loss, params, v)...)
			}
			plain, weighted := run(false), run(true)
			if !equalBits(plain, weighted) {
				t.Errorf("with unit weights: loss, gradient and HVP %v, unweighted %v (relErr %.3g)", weighted, plain, relErr(weighted, plain))
			}
		})
	}
}

// TestWeightedLossesKnownAnswers checks the weighted losses and their
// gradients against hand computations of L = Σ r_i ℓ_i / Σ r_i.
func TestWeightedLossesKnownAnswers(t *testing.T) {
	t.Parallel()
	ln2 := math.Ln2
	for _, tc := range []struct {
		name     string
		z, t, r  []float64
		k        int
		build    func(z, t, r *Node) *Node
		loss     float64
		gradient []float64 // z̄
	}{
		// ℓ = ½(1), ½(4); L = (1·0.5 + 3·2)/4.
		{"SquaredError", []float64{1, 2, 3, 5}, []float64{0, 2, 3, 3}, []float64{1, 3}, 2,
			WeightedSquaredError, 1.625, []float64{0.25, 0, 0, 1.5}},
		// ℓ = softplus(0) − 0 = ln 2, softplus(ln 3) = ln 4; L = (2 ln 2 + ln 4)/3.
		// z̄ = 2/3·(½ − 1), 1/3·(¾ − 0).
		{"BinaryCrossEntropy", []float64{0, math.Log(3)}, []float64{1, 0}, []float64{2, 1}, 1,
			WeightedBinaryCrossEntropy, 4 * ln2 / 3, []float64{-1.0 / 3, 0.25}},
		// p = (½, ½), (¾, ¼); ℓ = ln 2, ln 4; L = (ln 2 + 2 ln 4)/3.
		// z̄ = 1/3·(p₁ − t₁), 2/3·(p₂ − t₂).
		{"SoftmaxCrossEntropyOf", []float64{0, 0, math.Log(3), 0}, []float64{1, 0, 0, 1}, []float64{1, 2}, 2,
			func(z, t, r *Node) *Node { return WeightedSoftmaxCrossEntropyOf(Softmax(z), t, r) },
			5 * ln2 / 3, []float64{-1.0 / 6, 1.0 / 6, 0.5, -0.5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := len(tc.r)
			g := New()
			z := g.Param("z", mat.NewDense(n, tc.k, tc.z))
			tt := g.Const("t", mat.NewDense(n, tc.k, tc.t))
			r := g.Param("r", mat.NewDense(n, 1, tc.r)) // a signal, left zero
			loss := tc.build(z, tt, r)
			g.Forward()
			g.Backward(loss)
			if e := relErrScalar(loss.Scalar(), tc.loss); e > exactTol {
				t.Errorf("loss = %v, want %v", loss.Scalar(), tc.loss)
			}
			if e := relErr(raw(z.Grad()), tc.gradient); e > exactTol {
				t.Errorf("z̄ = %v, want %v", raw(z.Grad()), tc.gradient)
			}
			if rb := raw(r.Grad()); !equalBits(rb, make([]float64, n)) {
				t.Errorf("r̄ = %v, want zeros", rb)
			}
		})
	}
}

// TestWeightedLossesPanics checks that a row-weight node of the wrong
// shape panics with a "graph: " message.
func TestWeightedLossesPanics(t *testing.T) {
	t.Parallel()
	g := New()
	z, tt := g.Param("z", mat.NewDense(3, 2, nil)), g.Const("t", mat.NewDense(3, 2, nil))
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"SquaredError/wide", func() { WeightedSquaredError(z, tt, g.Const("r", mat.NewDense(3, 2, nil))) }},
		{"SquaredError/short", func() { WeightedSquaredError(z, tt, g.Const("r", mat.NewDense(2, 1, nil))) }},
		{"BinaryCrossEntropy", func() { WeightedBinaryCrossEntropy(z, tt, g.Const("r", mat.NewDense(1, 3, nil))) }},
		{"SoftmaxCrossEntropyOf/shape", func() {
			WeightedSoftmaxCrossEntropyOf(Softmax(z), tt, g.Const("r", mat.NewDense(4, 1, nil)))
		}},
		{"SoftmaxCrossEntropyOf/not a softmax", func() {
			WeightedSoftmaxCrossEntropyOf(Tanh(z), tt, g.Const("r", mat.NewDense(3, 1, nil)))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := panicValue(tc.f)
			if s, ok := r.(string); !ok || !strings.HasPrefix(s, "graph: ") {
				t.Errorf("%s panicked with %#v, want a string starting \"graph: \"", tc.name, r)
			}
		})
	}
}
