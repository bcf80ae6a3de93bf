package graph

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestBatchNormHand checks BatchNorm's forward pass and running averages
// against a computation by hand on a 4×2 batch, and BatchNormEval's
// against the running averages it reads.
func TestBatchNormHand(t *testing.T) {
	t.Parallel()
	g := New()
	z := g.Param("z", mat.NewDense(4, 2, []float64{
		1, 10,
		2, 10,
		3, 10,
		6, 10, // column 2 is constant: variance 0, x̂ = 0, no NaN
	}))
	gamma := g.Param("gamma", mat.NewDense(1, 2, []float64{2, 3}))
	beta := g.Param("beta", mat.NewDense(1, 2, []float64{0.5, -1}))
	mean := g.Const("mean", mat.NewDense(1, 2, []float64{0, 0}))
	variance := g.Const("var", mat.NewDense(1, 2, []float64{1, 1}))
	y := BatchNorm(z, gamma, beta, mean, variance)
	ye := BatchNormEval(z, gamma, beta, mean, variance)
	g.Forward()

	// Column 1: μ = 3, biased σ² = (4+1+0+9)/4 = 3.5, unbiased 14/3.
	s := 1 / math.Sqrt(3.5+BNEps)
	for i, zv := range []float64{1, 2, 3, 6} {
		if got, want := y.Value().At(i, 0), 2*(zv-3)*s+0.5; math.Abs(got-want) > exactTol {
			t.Errorf("y[%d,0] = %v, want %v", i, got, want)
		}
		if got := y.Value().At(i, 1); got != -1 {
			t.Errorf("y[%d,1] = %v, want β = -1 (a constant column)", i, got)
		}
	}
	// Running averages after one batch: 0.9·old + 0.1·batch.
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"mean[0]", mean.Value().At(0, 0), 0.1 * 3},
		{"mean[1]", mean.Value().At(0, 1), 0.1 * 10},
		{"var[0]", variance.Value().At(0, 0), 0.9 + 0.1*14.0/3},
		{"var[1]", variance.Value().At(0, 1), 0.9},
	} {
		if math.Abs(c.got-c.want) > exactTol {
			t.Errorf("running %s = %v, want %v", c.name, c.got, c.want)
		}
	}
	// The eval node comes after the training node in the graph, so it read
	// the averages the training node had just updated.
	for i, zv := range []float64{1, 2, 3, 6} {
		m, v := 0.3, 0.9+0.1*14.0/3
		if got, want := ye.Value().At(i, 0), 2*(zv-m)/math.Sqrt(v+BNEps)+0.5; math.Abs(got-want) > exactTol {
			t.Errorf("eval y[%d,0] = %v, want %v", i, got, want)
		}
		if got, want := ye.Value().At(i, 1), 3*(10-1)/math.Sqrt(0.9+BNEps)-1; math.Abs(got-want) > exactTol {
			t.Errorf("eval y[%d,1] = %v, want %v", i, got, want)
		}
	}
}

// TestBatchNormOneRow checks that a batch of one row gives finite values
// and signals and leaves the running variance as it was.
func TestBatchNormOneRow(t *testing.T) {
	t.Parallel()
	g := New()
	z := g.Param("z", mat.NewDense(1, 3, []float64{1, -2, 1e6}))
	gamma := g.Param("gamma", mat.NewDense(1, 3, []float64{1, 1, 1}))
	beta := g.Param("beta", mat.NewDense(1, 3, []float64{0, 1, 2}))
	mean := g.Const("mean", mat.NewDense(1, 3, nil))
	variance := g.Const("var", mat.NewDense(1, 3, []float64{1, 1, 1}))
	loss := Sum(Square(BatchNorm(z, gamma, beta, mean, variance)))
	g.Forward()
	g.Backward(loss)
	for _, m := range []*mat.Dense{loss.Value(), z.Grad(), gamma.Grad(), beta.Grad(), mean.Value(), variance.Value()} {
		for _, v := range raw(m) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("non-finite value %v", v)
			}
		}
	}
	if got := raw(variance.Value()); got[0] != 1 || got[1] != 1 || got[2] != 1 {
		t.Errorf("running variance %v after a batch of one row, want it unchanged", got)
	}
}

// TestNormDropoutNoAllocs checks that Forward, Backward and HVP of a layer
// with batch normalization and dropout allocate nothing once built (and
// once HVP has made its tangent buffers).
func TestNormDropoutNoAllocs(t *testing.T) {
	rng := newRand(21, 0)
	g := New()
	x := g.Input("x", 8, 5)
	x.Value().Copy(normal(8, 5)(rng))
	w := g.Param("W", normal(5, 4)(rng))
	gamma := g.Param("gamma", uniform(1, 4, 0.5, 2)(rng))
	beta := g.Param("beta", normal(1, 4)(rng))
	m := g.Input("mask", 8, 4)
	mean, variance := g.Const("mean", mat.NewDense(1, 4, nil)), g.Const("var", mat.NewDense(1, 4, []float64{1, 1, 1, 1}))
	h := Dropout(Tanh(BatchNorm(MatMul(x, w), gamma, beta, mean, variance)), m, 0.5)
	loss := Sum(Square(h))
	params := []*Node{w, gamma, beta}
	v := randomLike(rng, values(params))
	dst := zerosLike(v)
	g.HVP(dst, loss, params, v)
	src := rand.NewPCG(22, 0)
	if a := testing.AllocsPerRun(20, func() {
		DrawMask(m.Value(), 0.5, src)
		g.Forward()
		g.Backward(loss)
	}); a != 0 {
		t.Errorf("DrawMask, Forward and Backward made %v allocations, want 0", a)
	}
	if a := testing.AllocsPerRun(20, func() { g.HVP(dst, loss, params, v) }); a != 0 {
		t.Errorf("HVP made %v allocations, want 0", a)
	}
}

// TestNormDropoutShapePanics checks the ops' panics on bad operands.
func TestNormDropoutShapePanics(t *testing.T) {
	t.Parallel()
	g := New()
	z := g.Param("z", mat.NewDense(3, 4, nil))
	row := g.Param("row", mat.NewDense(1, 4, nil))
	c := g.Const("c", mat.NewDense(1, 4, nil))
	short := g.Const("short", mat.NewDense(1, 3, nil))
	mask := g.Input("mask", 3, 4)
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"Dropout/shape", func() { Dropout(z, g.Input("m", 4, 3), 0.5) }},
		{"Dropout/p=1", func() { Dropout(z, mask, 1) }},
		{"Dropout/p<0", func() { Dropout(z, mask, -0.1) }},
		{"Dropout/NaN", func() { Dropout(z, mask, math.NaN()) }},
		{"DrawMask/p=1", func() { DrawMask(mask.Value(), 1, rand.NewPCG(1, 1)) }},
		{"BatchNorm/gamma", func() { BatchNorm(z, short, row, c, c) }},
		{"BatchNorm/stats", func() { BatchNorm(z, row, row, c, short) }},
		{"BatchNorm/stats with a signal", func() { BatchNorm(z, row, row, row, c) }},
		{"BatchNormEval/beta", func() { BatchNormEval(z, row, z, c, c) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := panicValue(tc.f)
			if s, ok := r.(string); !ok || len(s) < 7 || s[:7] != "graph: " {
				t.Errorf("%s panicked with %#v, want a string starting \"graph: \"", tc.name, r)
			}
		})
	}
}
