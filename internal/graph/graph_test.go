package graph

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"

	gemmpkg "github.com/mlptrain/mlptrain/internal/gemm"
)

// TestFanOut checks against closed forms that a node used twice gets the
// sum of both uses' signals, with loss = Σ R ⊙ y.
func TestFanOut(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		name  string
		n     int // x is n×n
		build func(x *Node) *Node
		// want returns x̄ for x and R.
		want func(x, r *mat.Dense) *mat.Dense
	}{
		{"Mul(x,x)", 3, func(x *Node) *Node { return Mul(x, x) }, func(x, r *mat.Dense) *mat.Dense {
			var w mat.Dense
			w.MulElem(r, x)
			w.Scale(2, &w) // x̄ = 2 R ⊙ x
			return &w
		}},
		{"Add(x,x)", 3, func(x *Node) *Node { return Add(x, x) }, func(_, r *mat.Dense) *mat.Dense {
			var w mat.Dense
			w.Scale(2, r) // x̄ = 2R
			return &w
		}},
		{"MatMul(x,x)", 4, func(x *Node) *Node { return MatMul(x, x) }, func(x, r *mat.Dense) *mat.Dense {
			var a, b mat.Dense
			a.Mul(r, x.T()) // from the left operand: R·xᵀ
			b.Mul(x.T(), r) // from the right operand: xᵀ·R
			a.Add(&a, &b)
			return &a
		}},
		{"diamond", 3, func(x *Node) *Node {
			h := Logistic(x).Named("h")
			return Add(Square(h), Sin(h)) // h feeds two branches, summed
		}, func(x, r *mat.Dense) *mat.Dense {
			var w mat.Dense
			w.Apply(func(i, j int, v float64) float64 {
				h := 1 / (1 + math.Exp(-v))
				hBar := r.At(i, j) * (2*h + math.Cos(h)) // Σ of both branches
				return hBar * h * (1 - h)
			}, x)
			return &w
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := newRand(2, uint64(i))
			g := New()
			x := g.Param("x", normal(tc.n, tc.n)(rng))
			r := normal(tc.n, tc.n)(rng)
			loss := Sum(Mul(tc.build(x), g.Const("R", r)))
			g.Forward()
			g.Backward(loss)
			want := tc.want(x.Value(), r)
			if e := relErr(flat(x.Grad()), flat(want)); e > exactTol {
				t.Errorf("x̄ = %v, want %v (error %.3g)", mat.Formatted(x.Grad()), mat.Formatted(want), e)
			}
		})
	}
}

// TestDiamondSignal checks the signal of the node that fans out, not just
// the parameter's.
func TestDiamondSignal(t *testing.T) {
	t.Parallel()
	g := New()
	x := g.Param("x", mat.NewDense(1, 2, []float64{0.5, -1.5}))
	h := Tanh(x).Named("h")
	loss := Sum(Add(Scale(3, h), Square(h)))
	g.Forward()
	g.Backward(loss)
	for j := range 2 {
		hv := math.Tanh(x.Value().At(0, j))
		want := 3 + 2*hv // h̄ = 3 + 2h from the two branches
		if got := h.Grad().At(0, j); relErrScalar(got, want) > exactTol {
			t.Errorf("h̄[%d] = %v, want %v", j, got, want)
		}
		if got, want := x.Grad().At(0, j), want*(1-hv*hv); relErrScalar(got, want) > exactTol {
			t.Errorf("x̄[%d] = %v, want %v", j, got, want)
		}
	}
}

// TestBackwardTwice checks that Backward zeroes the signals itself: two
// calls in a row, or with a Forward between, give the same gradients,
// not twice them.
func TestBackwardTwice(t *testing.T) {
	t.Parallel()
	loss, params := mlp{n: 5, d: 3, m: 4, k: 2, act: Tanh, head: SquaredError, targets: normal}.build(newRand(3, 0))
	g := loss.g
	g.Forward()
	g.Backward(loss)
	once := flat(grads(params)...)
	var all [][]float64
	for _, n := range g.Nodes() {
		if n.Grad() != nil {
			all = append(all, flat(n.Grad()))
		}
	}
	g.Backward(loss)
	if twice := flat(grads(params)...); !equalBits(twice, once) {
		t.Errorf("Backward twice gave %v, once %v", twice, once)
	}
	i := 0
	for _, n := range g.Nodes() {
		if n.Grad() != nil {
			if !equalBits(flat(n.Grad()), all[i]) {
				t.Errorf("signal of %s changed on the second Backward", n.Name())
			}
			i++
		}
	}
	g.Forward()
	g.Backward(loss)
	if again := flat(grads(params)...); !equalBits(again, once) {
		t.Errorf("Forward and Backward again gave %v, first %v", again, once)
	}
}

// TestNoSignal checks that inputs, constants and ops no parameter flows
// into carry no signal, and that Backward of such a loss does nothing.
func TestNoSignal(t *testing.T) {
	t.Parallel()
	g := New()
	x := g.Input("x", 2, 2)
	c := g.Const("c", mat.NewDense(2, 2, []float64{1, 2, 3, 4}))
	w := g.Param("w", mat.NewDense(2, 2, []float64{1, 0, 0, 1}))
	xc := Mul(x, c)
	dataOnly := Sum(xc)
	loss := Sum(MatMul(xc, w))
	for _, n := range []*Node{x, c, xc, dataOnly} {
		if n.Grad() != nil {
			t.Errorf("%s has a signal, want none", n.Name())
		}
	}
	x.Value().Copy(mat.NewDense(2, 2, []float64{1, 1, 1, 1}))
	g.Forward()
	g.Backward(dataOnly) // no parameter reaches it: a no-op
	g.Backward(loss)
	// L = Σ_ij (xc·w)_ij, so w̄ = xcᵀ·1.
	want := []float64{4, 4, 6, 6}
	if got := flat(w.Grad()); relErr(got, want) > exactTol {
		t.Errorf("w̄ = %v, want %v", got, want)
	}
}

// TestGrowAfterHVP checks that nodes added after an HVP get tangents: a
// graph is usually built once, but nothing stops adding a penalty later.
func TestGrowAfterHVP(t *testing.T) {
	t.Parallel()
	g := New()
	x := g.Param("x", mat.NewDense(1, 2, []float64{1, 2}))
	loss := Sum(Square(x))
	dst := []*mat.Dense{mat.NewDense(1, 2, nil)}
	v := []*mat.Dense{mat.NewDense(1, 2, []float64{1, 1})}
	g.HVP(dst, loss, []*Node{x}, v)
	loss2 := Add(loss, L2(2, x)) // H = 2I + 2I
	g.HVP(dst, loss2, []*Node{x}, v)
	if got, want := flat(dst[0]), []float64{4, 4}; relErr(got, want) > exactTol {
		t.Errorf("HVP after growing the graph = %v, want %v", got, want)
	}
}

// TestLaterParamGrad checks that Backward leaves no stale gradient in a
// parameter the loss does not depend on because it was made after the
// loss, as when one graph holds two losses.
func TestLaterParamGrad(t *testing.T) {
	t.Parallel()
	g := New()
	x := g.Param("x", mat.NewDense(1, 1, []float64{3}))
	loss1 := Sum(Square(x))
	u := g.Param("u", mat.NewDense(1, 1, []float64{5}))
	loss2 := Sum(Mul(x, u))
	g.Forward()
	g.Backward(loss2)
	g.Backward(loss1)
	if got := u.Grad().At(0, 0); got != 0 {
		t.Errorf("ū = %v after Backward(loss1), want 0: loss1 does not depend on u", got)
	}
	dst := []*mat.Dense{mat.NewDense(1, 1, nil), mat.NewDense(1, 1, nil)}
	v := []*mat.Dense{mat.NewDense(1, 1, []float64{1}), mat.NewDense(1, 1, []float64{1})}
	g.HVP(dst, loss2, []*Node{x, u}, v)
	g.HVP(dst, loss1, []*Node{x, u}, v)
	if got := flat(dst...); got[0] != 2 || got[1] != 0 {
		t.Errorf("H·v of loss1 = %v, want [2 0]", got)
	}
}

// TestOffPathOverflow checks that an op the loss does not depend on cannot
// spoil the gradient: here a prediction head Exp(x) overflows to +Inf, and
// 0·∞ would be NaN if Backward ran its VJP with a zero signal.
func TestOffPathOverflow(t *testing.T) {
	t.Parallel()
	g := New()
	x := g.Param("x", mat.NewDense(1, 2, []float64{1000, 1}))
	Exp(x) // a side output, made before the loss
	loss := Sum(Square(x))
	g.Forward()
	g.Backward(loss)
	if got, want := flat(x.Grad()), []float64{2000, 2}; relErr(got, want) > exactTol {
		t.Errorf("x̄ = %v, want %v", got, want)
	}
	dst := []*mat.Dense{mat.NewDense(1, 2, nil)}
	g.HVP(dst, loss, []*Node{x}, []*mat.Dense{mat.NewDense(1, 2, []float64{1, 1})})
	if got, want := flat(dst[0]), []float64{2, 2}; relErr(got, want) > exactTol {
		t.Errorf("H·v = %v, want %v", got, want)
	}
}

// TestBackwardLargeSignals checks the parallel zeroing of large signals:
// repeated backward passes at 2 threads give the bits of one pass at 2
// threads (a signal left unzeroed would accumulate), and, in the default
// build, the bits of one pass at 1 thread too. OpenBLAS promises no
// thread-independence (how it splits a product, and with
// OPENBLAS_CORETYPE which kernel it runs, changes the rounding), so with
// the openblas tag 1 and 2 threads need only agree to rounding.
func TestBackwardLargeSignals(t *testing.T) {
	net := mlp{n: 8, d: 300, m: 260, k: 3, act: Tanh, head: SoftmaxCrossEntropy, targets: oneHot} // W1: 78,000 entries
	grads := func(procs, passes int) [][]float64 {
		prev := runtime.GOMAXPROCS(procs)
		defer runtime.GOMAXPROCS(prev)
		loss, params := net.build(newRand(17, 0))
		for range passes {
			loss.g.Forward()
			loss.g.Backward(loss)
		}
		var out [][]float64
		for _, p := range params {
			out = append(out, slices.Clone(raw(p.Grad())))
		}
		return out
	}
	once := grads(2, 1)
	for i, g := range grads(2, 3) {
		if !slices.Equal(g, once[i]) {
			t.Errorf("parameter %d: 3 passes at 2 threads differ from 1 pass at 2 threads", i)
		}
	}
	serial := grads(1, 1)
	for i := range once {
		if msg := threadDiff(once[i], serial[i]); msg != "" {
			t.Errorf("parameter %d: 2 threads against 1: %s", i, msg)
		}
	}
}

// threadDiff says how results at several threads (many) and at one
// (one) differ beyond what the build promises, or returns "": the same
// bits with mlptrain's gemm, which splits its products the same whatever
// the threads; agreement to openblasThreadTol with the openblas tag, as
// OpenBLAS's split (and, with OPENBLAS_CORETYPE, its kernel) changes the
// rounding.
func threadDiff(many, one []float64) string {
	if gemmpkg.Kernel() != "openblas" {
		if !equalBits(many, one) {
			return fmt.Sprintf("not the same bits (relative difference %.3g)", relErr(one, many))
		}
		return ""
	}
	for j := range many {
		if !scalar.EqualWithinAbsOrRel(many[j], one[j], openblasThreadTol, openblasThreadTol) {
			return fmt.Sprintf("entry %d: %v against %v (OpenBLAS), want within %g", j, many[j], one[j], openblasThreadTol)
		}
	}
	return ""
}

// openblasThreadTol bounds how far OpenBLAS's products at 1 and 2 threads
// may differ: a few roundings of sums of a few hundred terms.
const openblasThreadTol = 1e-12

// TestSetSignals checks the signals an op sets rather than adds to (the
// only contribution to them in the pass) against ones it must add to,
// alternating losses in which a weight has one contribution and two, one
// in which it has two from one op (W·W), and one the bias is not on.
func TestSetSignals(t *testing.T) {
	rng := newRand(18, 0)
	g := New()
	x := g.Input("x", 3, 4)
	x.Value().Copy(normal(3, 4)(rng))
	y := g.Input("y", 2, 4)
	y.Value().Copy(normal(2, 4)(rng))
	w := g.Param("W", normal(4, 4)(rng))
	b := g.Param("b", normal(1, 4)(rng))
	c := g.Const("C", normal(4, 4)(rng))
	one := Sum(AddBias(MatMul(x, w), b)) // W̄ = xᵀ·1, b̄ = 1ᵀ·1: one contribution each
	two := Add(one, Sum(MatMul(y, w)))   // W̄ = xᵀ·1 + yᵀ·1: two
	self := Sum(Mul(MatMul(w, w), c))    // W̄ = C·Wᵀ + Wᵀ·C: two, from one op; b̄ = 0
	filled := func(r, c int, v float64) *mat.Dense {
		m := mat.NewDense(r, c, nil)
		for i := range raw(m) {
			raw(m)[i] = v
		}
		return m
	}
	var wOne, wTwo, wSelf, tmp mat.Dense
	wOne.Mul(x.Value().T(), filled(3, 4, 1))
	wTwo.Mul(y.Value().T(), filled(2, 4, 1))
	wTwo.Add(&wTwo, &wOne)
	wSelf.Mul(c.Value(), w.Value().T())
	tmp.Mul(w.Value().T(), c.Value())
	wSelf.Add(&wSelf, &tmp)
	g.Forward()
	for round := range 2 {
		for _, tc := range []struct {
			name         string
			loss         *Node
			wantW, wantB *mat.Dense
		}{
			{"one", one, &wOne, filled(1, 4, 3)},
			{"two", two, &wTwo, filled(1, 4, 3)},
			{"one again", one, &wOne, filled(1, 4, 3)},
			{"W·W", self, &wSelf, filled(1, 4, 0)},
		} {
			g.Backward(tc.loss)
			if !mat.EqualApprox(w.Grad(), tc.wantW, 1e-12) {
				t.Errorf("round %d, %s: W̄ =\n%v\nwant\n%v", round, tc.name, mat.Formatted(w.Grad()), mat.Formatted(tc.wantW))
			}
			if !mat.Equal(b.Grad(), tc.wantB) {
				t.Errorf("round %d, %s: b̄ = %v, want %v", round, tc.name, raw(b.Grad()), raw(tc.wantB))
			}
		}
	}
}
