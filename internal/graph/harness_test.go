package graph

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// Tolerances, all on the metric of relErr unless said otherwise.
const (
	// gradTol bounds Backward against fd.Central differences of the loss.
	gradTol = 1e-6
	// hvpFDTol bounds HVP against central differences of exact gradients,
	// (∇L(θ+hv) − ∇L(θ−hv))/2h.
	hvpFDTol = 1e-6
	// hvpStep is the h of those differences. Their error is about
	// h²·|∇⁴L| + ε|∇L|/h, so 1e-8 to 1e-10 at best.
	hvpStep = 1e-5
	// exactTol bounds Backward against the lecture's hand-derived formulas
	// and other closed forms, exact up to rounding.
	exactTol = 1e-12
	// hessTol bounds HVP against closed-form Hessians, relative with no
	// floor (normRelErr). HVP is exact up to rounding; a central difference
	// of gradients is not, and fails this bound.
	hessTol = 1e-13
	// symTol bounds |uᵀHv − vᵀHu| / max(1, |uᵀHv|, |vᵀHu|).
	symTol = 1e-10
	// kinkGap is how far from 0 the inputs of ReLU and the threshold are
	// sampled, so that no difference quotient straddles the kink.
	kinkGap = 0.1
)

// newRand returns the seeded generator of one test or table row.
func newRand(seed, stream uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, stream)) }

// gen makes one seeded input matrix.
type gen func(rng *rand.Rand) *mat.Dense

func fill(r, c int, f func() float64) *mat.Dense {
	m := mat.NewDense(r, c, nil)
	for i := range raw(m) {
		raw(m)[i] = f()
	}
	return m
}

// normal gives r×c standard normal entries.
func normal(r, c int) gen {
	return func(rng *rand.Rand) *mat.Dense { return fill(r, c, rng.NormFloat64) }
}

// uniform gives r×c entries uniform in [lo, hi).
func uniform(r, c int, lo, hi float64) gen {
	return func(rng *rand.Rand) *mat.Dense {
		return fill(r, c, func() float64 { return lo + (hi-lo)*rng.Float64() })
	}
}

// awayFromKink gives r×c entries of either sign with |x| > kinkGap.
func awayFromKink(r, c int) gen {
	return func(rng *rand.Rand) *mat.Dense {
		return fill(r, c, func() float64 {
			x := kinkGap + 0.05 + math.Abs(rng.NormFloat64())
			if rng.IntN(2) == 0 {
				return -x
			}
			return x
		})
	}
}

// oneHot gives n one-hot rows of width k.
func oneHot(n, k int) gen {
	return func(rng *rand.Rand) *mat.Dense {
		m := mat.NewDense(n, k, nil)
		for i := range n {
			m.Set(i, rng.IntN(k), 1)
		}
		return m
	}
}

// bits gives r×c entries that are 0 or 1.
func bits(r, c int) gen {
	return func(rng *rand.Rand) *mat.Dense {
		return fill(r, c, func() float64 { return float64(rng.IntN(2)) })
	}
}

// relErr returns max_i |a_i − b_i| / max(1, |a_i|, |b_i|), or +Inf if the
// lengths differ or an entry is NaN.
func relErr(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	var e float64
	for i := range a {
		d := math.Abs(a[i]-b[i]) / math.Max(1, math.Max(math.Abs(a[i]), math.Abs(b[i])))
		if math.IsNaN(d) {
			return math.Inf(1)
		}
		e = math.Max(e, d)
	}
	return e
}

// relErrScalar is relErr for one pair.
func relErrScalar(a, b float64) float64 { return relErr([]float64{a}, []float64{b}) }

// flat concatenates the entries of ms.
func flat(ms ...*mat.Dense) []float64 {
	var s []float64
	for _, m := range ms {
		s = append(s, raw(m)...)
	}
	return s
}

// setFlat copies x back into the matrices ms, the inverse of flat.
func setFlat(ms []*mat.Dense, x []float64) {
	for _, m := range ms {
		x = x[copy(raw(m), x):]
	}
	if len(x) != 0 {
		panic("setFlat: length mismatch")
	}
}

func values(ns []*Node) []*mat.Dense {
	ms := make([]*mat.Dense, len(ns))
	for i, n := range ns {
		ms[i] = n.Value()
	}
	return ms
}

func grads(ns []*Node) []*mat.Dense {
	ms := make([]*mat.Dense, len(ns))
	for i, n := range ns {
		ms[i] = n.Grad()
	}
	return ms
}

// zerosLike returns zero matrices shaped like ms.
func zerosLike(ms []*mat.Dense) []*mat.Dense {
	z := make([]*mat.Dense, len(ms))
	for i, m := range ms {
		z[i] = mat.NewDense(m.RawMatrix().Rows, m.RawMatrix().Cols, nil)
	}
	return z
}

// randomLike returns standard normal matrices shaped like ms.
func randomLike(rng *rand.Rand, ms []*mat.Dense) []*mat.Dense {
	v := make([]*mat.Dense, len(ms))
	for i, m := range ms {
		v[i] = normal(m.Dims())(rng)
	}
	return v
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// scalarLoss returns out itself if it is 1×1, else Sum(Mul(out, R)) for a
// random constant R, whose gradient with respect to out is R.
func scalarLoss(rng *rand.Rand, out *Node) *Node {
	if r, c := out.Dims(); r == 1 && c == 1 {
		return out
	}
	return Sum(Mul(out, out.g.Const("R", normal(out.Dims())(rng))))
}

// checker runs loss's graph at other parameter values, failing the test if
// a kink lies between them and the point where it was made.
type checker struct {
	t      testing.TB
	g      *Graph
	loss   *Node
	params []*Node
	kinks  []bool // KinkPattern at the base point
	buf    []bool
}

// newChecker runs Forward at the current parameter values and records the
// kink pattern there.
func newChecker(t testing.TB, loss *Node, params []*Node) *checker {
	g := loss.g
	g.Forward()
	return &checker{t: t, g: g, loss: loss, params: params, kinks: g.KinkPattern(nil)}
}

func (c *checker) forwardAt(theta []float64) {
	setFlat(values(c.params), theta)
	c.g.Forward()
	c.buf = c.g.KinkPattern(c.buf[:0])
	if !slices.Equal(c.buf, c.kinks) {
		c.t.Fatalf("a difference quotient straddles a kink: pick another seed or keep inputs away from 0")
	}
}

// lossAt returns the loss at the flattened parameters theta.
func (c *checker) lossAt(theta []float64) float64 {
	c.forwardAt(theta)
	return c.loss.Scalar()
}

// gradAt returns the flattened exact gradient at theta.
func (c *checker) gradAt(theta []float64) []float64 {
	c.forwardAt(theta)
	c.g.Backward(c.loss)
	return flat(grads(c.params)...)
}

// numGrad returns fd.Central's gradient at theta and restores theta.
func (c *checker) numGrad(theta []float64) []float64 { return c.numGradHeld(theta, nil) }

// numGradHeld is numGrad with the entries where held is true kept at
// theta's values; their components are 0.
func (c *checker) numGradHeld(theta []float64, held []bool) []float64 {
	if held == nil {
		num := fd.Gradient(nil, c.lossAt, theta, &fd.Settings{Formula: fd.Central})
		c.forwardAt(theta)
		return num
	}
	var free []int
	for i, h := range held {
		if !h {
			free = append(free, i)
		}
	}
	x := slices.Clone(theta)
	u := make([]float64, len(free))
	for k, i := range free {
		u[k] = theta[i]
	}
	f := func(u []float64) float64 {
		for k, i := range free {
			x[i] = u[k]
		}
		return c.lossAt(x)
	}
	g := fd.Gradient(nil, f, u, &fd.Settings{Formula: fd.Central})
	num := make([]float64, len(theta))
	for k, i := range free {
		num[i] = g[k]
	}
	c.forwardAt(theta)
	return num
}

// numHVP returns the central difference of exact gradients
// (∇L(θ+hv) − ∇L(θ−hv))/2h and restores theta.
func (c *checker) numHVP(theta, v []float64, h float64) []float64 {
	x := make([]float64, len(theta))
	for i := range x {
		x[i] = theta[i] + h*v[i]
	}
	gp := c.gradAt(x)
	for i := range x {
		x[i] = theta[i] - h*v[i]
	}
	gm := c.gradAt(x)
	for i := range gp {
		gp[i] = (gp[i] - gm[i]) / (2 * h)
	}
	c.forwardAt(theta)
	return gp
}

// hvp returns the graph's exact flattened H·v at the current parameters.
func hvp(loss *Node, params []*Node, v []float64) []float64 {
	vs := zerosLike(values(params))
	setFlat(vs, v)
	dst := zerosLike(vs)
	loss.g.HVP(dst, loss, params, vs)
	return flat(dst...)
}

// opCase is a row of the op harness: the inputs' generators and how to
// build the op from them. Every input is a Param.
type opCase struct {
	name  string
	op    string // the exported function under test
	in    []gen
	build func(in []*Node) *Node
	noHVP bool // the op has no tangents: HVP must panic
	// held, if set, reports the entries of input i that the checks hold
	// fixed, leaving them out of the difference quotients and the HVP
	// direction: data the op defines no signal for, such as
	// OneHotMatMul's codes or a loss's row weights. Their gradient and
	// HVP must be zero, which is what the differences give.
	held func(i, row, col int) bool
}

// heldMask flattens tc.held over the inputs in, in the order of flat; it
// is nil if tc holds nothing.
func heldMask(tc opCase, in []*mat.Dense) []bool {
	if tc.held == nil {
		return nil
	}
	var mask []bool
	for i, m := range in {
		r, c := m.Dims()
		for row := range r {
			for col := range c {
				mask = append(mask, tc.held(i, row, col))
			}
		}
	}
	return mask
}

func equalBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// testOp is the op harness, as testTwoInput is for gonum/mat. With every
// input a seeded Param and loss = Σ R ⊙ out for a random constant R (or out
// itself if 1×1), it checks that
//   - Forward, Backward and HVP leave the inputs unmodified;
//   - a second Forward and Backward gives bit-identical values and gradients;
//   - Backward's gradient matches fd.Central within gradTol (and is zero
//     on the entries tc.held holds fixed);
//   - HVP along a random direction over all inputs matches central
//     differences of Backward's gradients within hvpFDTol, and leaves the
//     same gradient in Grad as Backward does; or, for an op without
//     tangents, panics.
func testOp(t *testing.T, stream uint64, tc opCase) {
	t.Helper()
	rng := newRand(1, stream)
	g := New()
	in := make([]*Node, len(tc.in))
	for i, gen := range tc.in {
		in[i] = g.Param(fmt.Sprintf("x%d", i), gen(rng))
	}
	out := tc.build(in)
	loss := scalarLoss(rng, out)
	vals := values(in)
	orig := flat(vals...)
	held := heldMask(tc, vals)

	g.Forward()
	g.Backward(loss)
	if got := flat(vals...); !equalBits(got, orig) {
		t.Fatalf("Forward or Backward modified the inputs")
	}
	val, l, grad := flat(out.Value()), loss.Scalar(), flat(grads(in)...)
	for _, x := range append(append([]float64{l}, val...), grad...) {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			t.Fatalf("non-finite value or gradient: loss %v, out %v, grad %v", l, val, grad)
		}
	}

	g.Forward()
	g.Backward(loss)
	if !equalBits(flat(out.Value()), val) || loss.Scalar() != l || !equalBits(flat(grads(in)...), grad) {
		t.Errorf("second Forward and Backward differ from the first")
	}

	c := newChecker(t, loss, in)
	num := c.numGradHeld(orig, held)
	if e := relErr(grad, num); e > gradTol {
		t.Errorf("gradient error %.3g > %g:\nBackward %v\nfd.Central %v", e, gradTol, grad, num)
	} else {
		t.Logf("gradient error %.3g", e)
	}
	if !equalBits(flat(vals...), orig) {
		t.Fatalf("inputs not restored after the difference quotients")
	}

	v := flat(randomLike(rng, vals)...)
	for i, h := range held {
		if h {
			v[i] = 0
		}
	}
	if tc.noHVP {
		if r := panicValue(func() { hvp(loss, in, v) }); r == nil {
			t.Errorf("HVP through %s did not panic", tc.op)
		} else if s, ok := r.(string); !ok || !strings.HasPrefix(s, "graph: ") {
			t.Errorf("HVP through %s panicked with %#v, want a \"graph: \" message", tc.op, r)
		}
		return
	}
	hv := hvp(loss, in, v)
	if !equalBits(flat(vals...), orig) {
		t.Errorf("HVP modified the inputs")
	}
	if got := flat(grads(in)...); !equalBits(got, grad) {
		t.Errorf("HVP left gradient %v, Backward %v", got, grad)
	}
	if again := hvp(loss, in, v); !equalBits(again, hv) {
		t.Errorf("second HVP differs from the first: %v, %v", again, hv)
	}
	numHv := c.numHVP(orig, v, hvpStep)
	if e := relErr(hv, numHv); e > hvpFDTol {
		t.Errorf("HVP error %.3g > %g:\nHVP %v\ndifferences %v", e, hvpFDTol, hv, numHv)
	} else {
		t.Logf("HVP error %.3g", e)
	}
}

// mlp is a two-layer perceptron y = act(X·W1 + b1)·W2 + b2 with the loss
// head(y, T), plus an L2 penalty on W1 and W2 if lambda > 0.
type mlp struct {
	n, d, m, k int
	act        func(*Node) *Node
	head       func(y, t *Node) *Node
	targets    func(n, k int) gen
	lambda     float64
	w1Gen      func(d, m int) gen // nil means N(0, 1/d)
}

// build returns the graph's loss and its parameters W1, b1, W2, b2, with
// X and T filled.
func (s mlp) build(rng *rand.Rand) (loss *Node, params []*Node) {
	g := New()
	x := g.Input("X", s.n, s.d)
	x.Value().Copy(normal(s.n, s.d)(rng))
	t := g.Input("T", s.n, s.k)
	t.Value().Copy(s.targets(s.n, s.k)(rng))
	scaled := func(r, c int) *mat.Dense {
		m := normal(r, c)(rng)
		m.Scale(1/math.Sqrt(float64(r)), m)
		return m
	}
	var w1m *mat.Dense
	if s.w1Gen != nil {
		w1m = s.w1Gen(s.d, s.m)(rng)
	} else {
		w1m = scaled(s.d, s.m)
	}
	w1 := g.Param("W1", w1m)
	b1 := g.Param("b1", scaled(1, s.m))
	w2 := g.Param("W2", scaled(s.m, s.k))
	b2 := g.Param("b2", scaled(1, s.k))
	h := s.act(AddBias(MatMul(x, w1), b1)).Named("h")
	y := AddBias(MatMul(h, w2), b2).Named("y")
	loss = s.head(y, t)
	if s.lambda > 0 {
		loss = Add(loss, L2(s.lambda, w1, w2))
	}
	return loss.Named("L"), []*Node{w1, b1, w2, b2}
}

// panicValue returns what f panics with, or nil.
func panicValue(f func()) (r any) {
	defer func() { r = recover() }()
	f()
	return nil
}
