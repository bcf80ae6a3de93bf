package graph

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// normRelErr returns max_i |a_i − b_i| / max_i |b_i|, a relative error
// with no floor, for comparing with closed forms of any magnitude.
func normRelErr(a, b []float64) float64 {
	var d, m float64
	for i := range b {
		d = math.Max(d, math.Abs(a[i]-b[i]))
		m = math.Max(m, math.Abs(b[i]))
	}
	if math.IsNaN(d) || len(a) != len(b) {
		return math.Inf(1)
	}
	return d / m
}

// checkExactHVP compares the graph's H·v with the closed form want within
// hessTol relative, and shows that the central difference of exact
// gradients, (∇L(θ+hv) − ∇L(θ−hv))/2h, could not have passed that test:
// its relative error is above hessTol (2e-12 to 1e-10 on these small,
// smooth problems, and worse on larger ones) though within hvpFDTol, while
// HVP's is a few ulps (0 to 3e-16).
func checkExactHVP(t *testing.T, loss *Node, params []*Node, v, want []float64) {
	t.Helper()
	got := hvp(loss, params, v)
	if e := normRelErr(got, want); e > hessTol {
		t.Errorf("H·v = %v, want %v (relative error %.3g > %g)", got, want, e, hessTol)
	}
	theta := flat(values(params)...)
	num := newChecker(t, loss, params).numHVP(theta, v, hvpStep)
	e := normRelErr(num, want)
	t.Logf("H·v relative error: exact %.3g, central difference of gradients %.3g", normRelErr(got, want), e)
	if e <= hessTol || relErr(num, want) > hvpFDTol {
		t.Errorf("central difference of gradients has relative error %.3g, expected between %g and %g", e, hessTol, hvpFDTol)
	}
}

// TestHVPQuartic checks f = Σ x⁴, built as Sum(Square(Square(x))), whose
// Hessian is diag(12x²).
func TestHVPQuartic(t *testing.T) {
	t.Parallel()
	rng := newRand(6, 0)
	g := New()
	x := g.Param("x", uniform(3, 2, -3, 3)(rng))
	loss := Sum(Square(Square(x)))
	for range 3 {
		v := flat(normal(3, 2)(rng))
		want := make([]float64, len(v))
		for i, xi := range raw(x.Value()) {
			want[i] = 12 * xi * xi * v[i]
		}
		checkExactHVP(t, loss, []*Node{x}, v, want)
	}
}

// TestHVPQuadraticForm checks f = ½ xᵀAx for a non-symmetric constant A,
// whose Hessian is (A + Aᵀ)/2.
func TestHVPQuadraticForm(t *testing.T) {
	t.Parallel()
	const d = 5
	rng := newRand(6, 1)
	g := New()
	a := normal(d, d)(rng)
	x := g.Param("x", normal(d, 1)(rng))
	loss := Scale(0.5, TMatMul(x, MatMul(g.Const("A", a), x)))
	var h mat.Dense
	h.Add(a, a.T())
	h.Scale(0.5, &h)
	for range 3 {
		v := normal(d, 1)(rng)
		var want mat.Dense
		want.Mul(&h, v)
		checkExactHVP(t, loss, []*Node{x}, flat(v), flat(&want))
	}
	// The gradient is (A + Aᵀ)x/2 = Hx.
	g.Forward()
	g.Backward(loss)
	var want mat.Dense
	want.Mul(&h, x.Value())
	if e := relErr(flat(x.Grad()), flat(&want)); e > exactTol {
		t.Errorf("∇f = %v, want %v", flat(x.Grad()), flat(&want))
	}
}

// TestHVPLogisticUnit checks the Hessian in (w, b) of the logistic
// least-squares unit z = wx + b, s = σ(z), L = ½(s − t)². With
// dL/dz = (s − t)s(1 − s) and dz/dw = x, dz/db = 1,
//
//	d²L/dz² = s²(1 − s)² + (s − t)s(1 − s)(1 − 2s),
//	H = d²L/dz² · [x² x; x 1],
//
// so H·e_w and H·e_b are its columns.
func TestHVPLogisticUnit(t *testing.T) {
	t.Parallel()
	for _, p := range []struct{ w, b, x, t float64 }{
		{2, -1, 1.5, 1},
		{-0.7, 0.3, 2.5, 0},
		{0.5, 4, -3, 0},   // saturated, wrong: s ≈ 0.9, t = 0
		{1, 0, 0.25, 0.5}, // near the inflection of σ
	} {
		_, w, b, _, _, loss := logisticUnit(p.w, p.b, p.x, p.t)
		s := 1 / (1 + math.Exp(-(p.w*p.x + p.b)))
		d2 := s*s*(1-s)*(1-s) + (s-p.t)*s*(1-s)*(1-2*s)
		params := []*Node{w, b}
		checkExactHVP(t, loss, params, []float64{1, 0}, []float64{d2 * p.x * p.x, d2 * p.x})
		checkExactHVP(t, loss, params, []float64{0, 1}, []float64{d2 * p.x, d2})
	}
}

// TestHVPSubset checks that parameters left out of HVP's list have a zero
// direction: H·v over a subset is that block of the full product with v
// zero elsewhere.
func TestHVPSubset(t *testing.T) {
	t.Parallel()
	rng := newRand(6, 2)
	loss, params := mlp{n: 4, d: 3, m: 5, k: 2, act: Tanh, head: SquaredError, targets: normal}.build(rng)
	v := randomLike(rng, values(params))
	vFull := randomLike(rng, values(params))
	vFull[0].Copy(v[0])
	vFull[2].Copy(v[2])
	vFull[1].Zero()
	vFull[3].Zero()
	full := zerosLike(vFull)
	loss.g.HVP(full, loss, params, vFull)
	sub := zerosLike([]*mat.Dense{v[2], v[0]})
	loss.g.HVP(sub, loss, []*Node{params[2], params[0]}, []*mat.Dense{v[2], v[0]})
	if e := relErr(flat(sub[1], sub[0]), flat(full[0], full[2])); e > exactTol {
		t.Errorf("H·v over (W2, W1) differs from the full product by %.3g", e)
	}
}

// mlpCases are two-layer perceptrons with every activation and loss head.
var mlpCases = []struct {
	name string
	net  mlp
}{
	{"identity", mlp{n: 6, d: 3, m: 5, k: 2, act: Identity, head: SquaredError, targets: normal}},
	{"logistic", mlp{n: 6, d: 3, m: 5, k: 2, act: Logistic, head: SquaredError, targets: normal}},
	{"tanh", mlp{n: 6, d: 3, m: 5, k: 2, act: Tanh, head: SquaredError, targets: normal}},
	{"relu", mlp{n: 6, d: 3, m: 5, k: 2, act: ReLU, head: SquaredError, targets: normal}},
	{"softplus", mlp{n: 6, d: 3, m: 5, k: 2, act: Softplus, head: SquaredError, targets: normal}},
	{"sin", mlp{n: 6, d: 3, m: 5, k: 2, act: Sin, head: SquaredError, targets: normal}},
	{"tanh+softmax-cross-entropy", mlp{n: 6, d: 3, m: 5, k: 4, act: Tanh, head: SoftmaxCrossEntropy, targets: oneHot}},
	{"relu+softmax-cross-entropy", mlp{n: 6, d: 3, m: 5, k: 4, act: ReLU, head: SoftmaxCrossEntropy, targets: oneHot}},
	{"softmax+squared-error", mlp{n: 6, d: 3, m: 5, k: 4, act: Tanh, head: func(y, t *Node) *Node { return SquaredError(Softmax(y), t) }, targets: oneHot}},
	{"logistic+binary-cross-entropy", mlp{n: 6, d: 3, m: 5, k: 3, act: Logistic, head: BinaryCrossEntropy, targets: bits}},
	{"logistic-output+squared-error", mlp{n: 6, d: 3, m: 5, k: 3, act: Softplus, head: func(y, t *Node) *Node { return SquaredError(Logistic(y), t) }, targets: bits}},
	{"tanh+L2", mlp{n: 6, d: 3, m: 5, k: 2, act: Tanh, head: SquaredError, targets: normal, lambda: 0.1}},
	{"softplus+softmax-cross-entropy+L2", mlp{n: 6, d: 3, m: 5, k: 4, act: Softplus, head: SoftmaxCrossEntropy, targets: oneHot, lambda: 0.05}},
	{"mean-loss", mlp{n: 6, d: 3, m: 5, k: 2, act: Tanh, head: func(y, t *Node) *Node { return Mean(Square(Sub(y, t))) }, targets: normal}},
}

// TestMLPGradients checks Backward on whole networks against fd.Central.
func TestMLPGradients(t *testing.T) {
	t.Parallel()
	for i, tc := range mlpCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			loss, params := tc.net.build(newRand(7, uint64(i)))
			c := newChecker(t, loss, params)
			theta := flat(values(params)...)
			grad := c.gradAt(theta)
			num := c.numGrad(theta)
			if e := relErr(grad, num); e > gradTol {
				t.Errorf("gradient error %.3g > %g", e, gradTol)
			}
			t.Logf("gradient error %.3g", relErr(grad, num))
		})
	}
}

// TestMLPHVP checks HVP on whole networks against central differences of
// exact gradients, and the symmetry of the Hessian, uᵀHv = vᵀHu.
func TestMLPHVP(t *testing.T) {
	t.Parallel()
	for i, tc := range mlpCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rng := newRand(8, uint64(i))
			loss, params := tc.net.build(rng)
			c := newChecker(t, loss, params)
			theta := flat(values(params)...)
			u := flat(randomLike(rng, values(params))...)
			v := flat(randomLike(rng, values(params))...)
			hu, hv := hvp(loss, params, u), hvp(loss, params, v)
			num := c.numHVP(theta, v, hvpStep)
			if e := relErr(hv, num); e > hvpFDTol {
				t.Errorf("HVP error %.3g > %g", e, hvpFDTol)
			}
			uhv, vhu := dot(u, hv), dot(v, hu)
			if e := relErrScalar(uhv, vhu); e > symTol {
				t.Errorf("uᵀHv = %v, vᵀHu = %v: asymmetry %.3g > %g", uhv, vhu, e, symTol)
			}
			t.Logf("HVP error %.3g, asymmetry %.3g", relErr(hv, num), relErrScalar(uhv, vhu))
		})
	}
}
