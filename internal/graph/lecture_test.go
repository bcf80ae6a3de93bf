package graph

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// scalarParam adds a 1×1 parameter.
func scalarParam(g *Graph, name string, v float64) *Node {
	return g.Param(name, mat.NewDense(1, 1, []float64{v}))
}

// grad1 returns the 1×1 signal of n.
func grad1(n *Node) float64 { return n.Grad().At(0, 0) }

// TestLectureSumTimes is the lecture's first circuit, f = (x + y)·z at
// x = −1, y = 2, z = 3: q = x + y = 1, f = q·z = 3, and backwards
// ∂f/∂z = q = 1, ∂f/∂q = z = 3, ∂f/∂x = ∂f/∂y = ∂f/∂q · 1 = 3.
func TestLectureSumTimes(t *testing.T) {
	t.Parallel()
	g := New()
	x, y, z := scalarParam(g, "x", -1), scalarParam(g, "y", 2), scalarParam(g, "z", 3)
	q := Add(x, y).Named("q")
	f := Mul(q, z).Named("f")
	g.Forward()
	g.Backward(f)
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"q", q.Scalar(), 1},
		{"f", f.Scalar(), 3},
		{"∂f/∂f", grad1(f), 1},
		{"∂f/∂z", grad1(z), 1},
		{"∂f/∂q", grad1(q), 3},
		{"∂f/∂x", grad1(x), 3},
		{"∂f/∂y", grad1(y), 3},
	} {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

// TestLectureMultivariateChain is the lecture's multivariate chain rule
// example, f(x, y) = y + e^{xy} with x = cos t and y = t²: t fans out to x
// and y, and
//
//	df/dt = ∂f/∂x·dx/dt + ∂f/∂y·dy/dt = y e^{xy}·(−sin t) + (1 + x e^{xy})·2t.
func TestLectureMultivariateChain(t *testing.T) {
	t.Parallel()
	for _, tv := range []float64{0, 0.3, 1, -1.7, 2.5} {
		g := New()
		tn := scalarParam(g, "t", tv)
		x := Cos(tn).Named("x")
		y := Square(tn).Named("y")
		f := Add(y, Exp(Mul(x, y))).Named("f")
		g.Forward()
		g.Backward(f)

		xv, yv := math.Cos(tv), tv*tv
		e := math.Exp(xv * yv)
		if got, want := f.Scalar(), yv+e; relErrScalar(got, want) > exactTol {
			t.Errorf("f(t=%v) = %v, want %v", tv, got, want)
		}
		want := -math.Sin(tv)*(yv*e) + 2*tv*(1+xv*e)
		if got := grad1(tn); relErrScalar(got, want) > exactTol {
			t.Errorf("df/dt(t=%v) = %v, want %v", tv, got, want)
		}
		// The signals of the two paths: x̄ = y e^{xy}, ȳ = 1 + x e^{xy}.
		if got := grad1(x); relErrScalar(got, yv*e) > exactTol {
			t.Errorf("x̄(t=%v) = %v, want %v", tv, got, yv*e)
		}
		if got := grad1(y); relErrScalar(got, 1+xv*e) > exactTol {
			t.Errorf("ȳ(t=%v) = %v, want %v", tv, got, 1+xv*e)
		}
	}
}

// TestLectureLogisticUnit is the univariate logistic least-squares unit
// z = wx + b, y = σ(z), L = ½(y − t)², whose backward pass is
// ȳ = y − t, z̄ = ȳ σ′(z) = ȳ y(1 − y), w̄ = z̄ x, b̄ = z̄.
// At w = 2, b = −1, x = 1.5, t = 1 (numbers from 40-digit arithmetic):
//
//	z = 2, y = σ(2) = 0.880797077977882444
//	L = ½(y − t)²   = 0.00710466830930551930
//	ȳ = y − t       = −0.119202922022117556
//	σ′(z) = y(1−y)  = 0.104993585403506517
//	z̄ = ȳ σ′(z)     = −0.0125155421736767274
//	w̄ = 1.5 z̄       = −0.0187733132605150911
//	b̄ = z̄           = −0.0125155421736767274
func TestLectureLogisticUnit(t *testing.T) {
	t.Parallel()
	g, w, b, z, y, loss := logisticUnit(2, -1, 1.5, 1)
	g.Forward()
	g.Backward(loss)
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"z", z.Scalar(), 2},
		{"y", y.Scalar(), 0.880797077977882444},
		{"L", loss.Scalar(), 0.00710466830930551930},
		{"ȳ", grad1(y), -0.119202922022117556},
		{"z̄", grad1(z), -0.0125155421736767274},
		{"w̄", grad1(w), -0.0187733132605150911},
		{"b̄", grad1(b), -0.0125155421736767274},
	} {
		if relErrScalar(c.got, c.want) > exactTol {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

// logisticUnit builds z = wx + b, y = σ(z), L = ½(y − t)² with w and b
// parameters and x and t inputs.
func logisticUnit(w, b, x, t float64) (g *Graph, wn, bn, z, y, loss *Node) {
	g = New()
	wn, bn = scalarParam(g, "w", w), scalarParam(g, "b", b)
	xn, tn := g.Input("x", 1, 1), g.Input("t", 1, 1)
	xn.Value().Set(0, 0, x)
	tn.Value().Set(0, 0, t)
	z = Add(Mul(wn, xn).Named("wx"), bn).Named("z")
	y = Logistic(z).Named("y")
	loss = SquaredError(y, tn).Named("L")
	return g, wn, bn, z, y, loss
}

// TestLectureMLPMatrixForm checks the graph's gradients of the two-layer
// perceptron z = XW1 + 1b1, h = σ(z), y = hW2 + 1b2, L = 1/(2n)‖y − T‖²
// against the lecture's vectorized backward pass computed directly with
// mat:
//
//	ȳ = (y − T)/n, W̄2 = hᵀȳ, b̄2 = 1ᵀȳ, h̄ = ȳW2ᵀ,
//	z̄ = h̄ ⊙ σ′(z), W̄1 = Xᵀz̄, b̄1 = 1ᵀz̄.
func TestLectureMLPMatrixForm(t *testing.T) {
	t.Parallel()
	const n, d, m, k = 7, 4, 5, 3
	rng := newRand(5, 0)
	g := New()
	x := g.Input("X", n, d)
	x.Value().Copy(normal(n, d)(rng))
	tn := g.Input("T", n, k)
	tn.Value().Copy(normal(n, k)(rng))
	w1 := g.Param("W1", normal(d, m)(rng))
	b1 := g.Param("b1", normal(1, m)(rng))
	w2 := g.Param("W2", normal(m, k)(rng))
	b2 := g.Param("b2", normal(1, k)(rng))
	z := AddBias(MatMul(x, w1), b1).Named("z")
	h := Logistic(z).Named("h")
	y := AddBias(MatMul(h, w2), b2).Named("y")
	loss := SquaredError(y, tn).Named("L")
	g.Forward()
	g.Backward(loss)

	// The forward pass, by hand.
	var zw, hw, yw mat.Dense
	zw.Mul(x.Value(), w1.Value())
	addRow(&zw, b1.Value())
	hw.Apply(func(_, _ int, v float64) float64 { return 1 / (1 + math.Exp(-v)) }, &zw)
	yw.Mul(&hw, w2.Value())
	addRow(&yw, b2.Value())

	// The backward pass, by the lecture's formulas.
	var yBar, w2Bar, hBar, dSig, zBar, w1Bar mat.Dense
	yBar.Sub(&yw, tn.Value())
	yBar.Scale(1.0/n, &yBar)
	w2Bar.Mul(hw.T(), &yBar)
	b2Bar := colSums(&yBar)
	hBar.Mul(&yBar, w2.Value().T())
	dSig.Apply(func(_, _ int, v float64) float64 { return v * (1 - v) }, &hw)
	zBar.MulElem(&hBar, &dSig)
	w1Bar.Mul(x.Value().T(), &zBar)
	b1Bar := colSums(&zBar)

	var ldiff float64
	for _, v := range raw(&yBar) {
		ldiff += v * v
	}
	for _, c := range []struct {
		name      string
		got, want *mat.Dense
	}{
		{"z", z.Value(), &zw},
		{"h", h.Value(), &hw},
		{"y", y.Value(), &yw},
		{"ȳ", y.Grad(), &yBar},
		{"W̄2", w2.Grad(), &w2Bar},
		{"b̄2", b2.Grad(), b2Bar},
		{"h̄", h.Grad(), &hBar},
		{"z̄", z.Grad(), &zBar},
		{"W̄1", w1.Grad(), &w1Bar},
		{"b̄1", b1.Grad(), b1Bar},
	} {
		if e := relErr(flat(c.got), flat(mat.DenseCopyOf(c.want))); e > exactTol {
			t.Errorf("%s = %v, want %v (error %.3g)", c.name, mat.Formatted(c.got), mat.Formatted(c.want), e)
		}
	}
	// L = 1/(2n)‖y − T‖² = n/2 ‖ȳ‖².
	if got, want := loss.Scalar(), n/2.0*ldiff; relErrScalar(got, want) > exactTol {
		t.Errorf("L = %v, want %v", got, want)
	}
}

// addRow adds the row b to every row of m.
func addRow(m, b *mat.Dense) {
	r, _ := m.Dims()
	for i := range r {
		row := m.RawRowView(i)
		for j := range row {
			row[j] += b.At(0, j)
		}
	}
}

// colSums returns 1ᵀm as a row.
func colSums(m *mat.Dense) *mat.Dense {
	r, c := m.Dims()
	ones := mat.NewDense(1, r, nil)
	for i := range r {
		ones.Set(0, i, 1)
	}
	s := mat.NewDense(1, c, nil)
	s.Mul(ones, m)
	return s
}
