package gradcheck

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/graph"
	"gonum.org/v1/gonum/mat"
)

func randDense(rng *rand.Rand, r, c int, scale float64) *mat.Dense {
	m := mat.NewDense(r, c, nil)
	for i := range m.RawMatrix().Data {
		m.RawMatrix().Data[i] = scale * rng.NormFloat64()
	}
	return m
}

// mlp builds a 2-layer network with the activation act on 5 examples of
// 3 inputs and a softmax cross-entropy loss with an L2 penalty.
func mlp(seed uint64, act func(*graph.Node) *graph.Node) (*graph.Graph, *graph.Node) {
	rng := rand.New(rand.NewPCG(seed, 1))
	g := graph.New()
	x := g.Const("x", randDense(rng, 5, 3, 1))
	w1 := g.Param("W1", randDense(rng, 3, 4, 0.7))
	b1 := g.Param("b1", randDense(rng, 1, 4, 0.3))
	w2 := g.Param("W2", randDense(rng, 4, 2, 0.7))
	b2 := g.Param("b2", randDense(rng, 1, 2, 0.3))
	t := mat.NewDense(5, 2, []float64{1, 0, 0, 1, 1, 0, 0, 1, 0, 1})
	h := act(graph.AddBias(graph.MatMul(x, w1), b1))
	z := graph.AddBias(graph.MatMul(h, w2), b2)
	loss := graph.Add(graph.SoftmaxCrossEntropy(z, g.Const("t", t)), graph.L2(0.1, w1, w2))
	return g, loss
}

func TestCheckPassesOnCorrectGraphs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		act  func(*graph.Node) *graph.Node
	}{
		{"tanh", graph.Tanh},
		{"logistic", graph.Logistic},
		{"softplus", graph.Softplus},
		{"relu", graph.ReLU},
		{"identity", graph.Identity},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, loss := mlp(1, tc.act)
			res := Check(g, loss, g.Params(), Options{Entries: -1, HVP: true, Seed: 2})
			if !res.Pass {
				t.Fatalf("Check failed: %+v hvp %+v", res.Params, res.HVP)
			}
			wantChecked := []int{12, 4, 8, 2}
			for i, p := range res.Params {
				if p.Checked+p.Skipped != wantChecked[i] {
					t.Errorf("%s: checked %d + skipped %d, want %d entries", p.Name, p.Checked, p.Skipped, wantChecked[i])
				}
				if p.MaxRelErr > 1e-7 {
					t.Errorf("%s: max rel err %g, want ≤ 1e-7 on a correct graph", p.Name, p.MaxRelErr)
				}
			}
			if res.HVP.MaxRelErr > 1e-6 || res.HVP.SymmetryErr > 1e-10 {
				t.Errorf("hvp: rel err %g, symmetry %g", res.HVP.MaxRelErr, res.HVP.SymmetryErr)
			}
		})
	}
}

// doubled is y = x² with a backward pass that is wrong by a factor of 2
// in entry (0, 1) alone.
func doubled(x *graph.Node) *graph.Node {
	r, c := x.Dims()
	return graph.Custom("buggy_square", graph.CustomOp{
		Forward: func(out *mat.Dense, in []*mat.Dense) {
			out.MulElem(in[0], in[0])
		},
		Backward: func(inBar []*mat.Dense, outBar, _ *mat.Dense, in []*mat.Dense) {
			if inBar[0] == nil {
				return
			}
			r, c := in[0].Dims()
			for i := 0; i < r; i++ {
				for j := 0; j < c; j++ {
					d := 2 * in[0].At(i, j)
					if i == 0 && j == 1 {
						d *= 2
					}
					inBar[0].Set(i, j, inBar[0].At(i, j)+outBar.At(i, j)*d)
				}
			}
		},
	}, r, c, x)
}

func TestCheckFindsTheWrongEntry(t *testing.T) {
	t.Parallel()
	g := graph.New()
	x := g.Param("x", mat.NewDense(2, 3, []float64{0.5, 1.5, -2, 3, 0.25, -1}))
	loss := graph.Sum(doubled(x))
	res := Check(g, loss, g.Params(), Options{Entries: -1})
	if res.Pass || res.Params[0].Pass {
		t.Fatalf("Check passed a wrong backward pass: %+v", res.Params[0])
	}
	p := res.Params[0]
	if p.WorstIndex != [2]int{0, 1} {
		t.Errorf("worst index %v, want [0 1]", p.WorstIndex)
	}
	// d(x²)/dx at 1.5 is 3; the buggy op says 6.
	if math.Abs(float64(p.Analytic)-6) > 1e-12 || math.Abs(float64(p.Numeric)-3) > 1e-6 {
		t.Errorf("analytic %v numeric %v, want 6 and 3", p.Analytic, p.Numeric)
	}
	if math.Abs(float64(p.MaxRelErr)-0.5) > 1e-6 {
		t.Errorf("max rel err %v, want 0.5 = |6−3|/6", p.MaxRelErr)
	}
}

func TestCheckSkipsKinksInsteadOfFailing(t *testing.T) {
	t.Parallel()
	// z = x·w with x = (1, −1) and w = (1, 1)ᵀ: z = 0, right at ReLU's kink.
	g := graph.New()
	x := g.Const("x", mat.NewDense(1, 2, []float64{1, -1}))
	w := g.Param("w", mat.NewDense(2, 1, []float64{1, 1}))
	loss := graph.Sum(graph.ReLU(graph.MatMul(x, w)))
	res := Check(g, loss, g.Params(), Options{Entries: -1})
	if !res.Pass {
		t.Fatalf("Check failed at a kink: %+v", res.Params)
	}
	if p := res.Params[0]; p.Skipped != 2 || p.Checked != 0 {
		t.Errorf("checked %d skipped %d, want both entries skipped", p.Checked, p.Skipped)
	}
	// A central difference there is meaningless: it gives 1/2, backprop 0.
	wv := w.Value().RawMatrix().Data
	wv[0] += 1e-6
	g.Forward()
	up := loss.Scalar()
	wv[0] -= 2e-6
	g.Forward()
	down := loss.Scalar()
	wv[0] += 1e-6
	if num := (up - down) / 2e-6; math.Abs(num-0.5) > 1e-6 {
		t.Errorf("difference quotient across the kink = %g, want 0.5", num)
	}
}

func TestCheckThresholdNetwork(t *testing.T) {
	t.Parallel()
	g, loss := mlp(3, graph.Threshold)
	res := Check(g, loss, g.Params(), Options{Entries: -1, HVP: true})
	if !res.Pass {
		t.Fatalf("Check failed on a threshold network: %+v %+v", res.Params, res.HVP)
	}
	// No signal passes a threshold: W1 and b1 get only the L2 term (b1 none).
	if p := res.Params[1]; p.Analytic != 0 {
		t.Errorf("b1's gradient %v, want 0 through a threshold", p.Analytic)
	}
}

func TestCheckSamplesEntries(t *testing.T) {
	t.Parallel()
	g, loss := mlp(1, graph.Tanh)
	a := Check(g, loss, g.Params(), Options{Entries: 3, Seed: 9})
	b := Check(g, loss, g.Params(), Options{Entries: 3, Seed: 9})
	for i, p := range a.Params {
		want := min(3, []int{12, 4, 8, 2}[i])
		if p.Checked+p.Skipped != want {
			t.Errorf("%s: %d entries, want %d", p.Name, p.Checked+p.Skipped, want)
		}
		if p != b.Params[i] {
			t.Errorf("%s: two runs with one seed differ: %+v and %+v", p.Name, p, b.Params[i])
		}
	}
}

func TestCheckLeavesParamsUnchanged(t *testing.T) {
	t.Parallel()
	g, loss := mlp(4, graph.Softplus)
	before := make([]*mat.Dense, len(g.Params()))
	for i, p := range g.Params() {
		before[i] = mat.DenseCopyOf(p.Value())
	}
	Check(g, loss, g.Params(), Options{Entries: -1, HVP: true})
	for i, p := range g.Params() {
		if !mat.Equal(before[i], p.Value()) {
			t.Errorf("%s changed by Check", p.Name())
		}
	}
}

func TestLambdaMax(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		diag []float64
		want float64
	}{
		{"positive definite", []float64{1, 4, 2.5}, 4},
		// The eigenvalue of largest magnitude is negative; λ_max is the
		// largest algebraic one.
		{"indefinite", []float64{-5, 1, 2}, 2},
		{"negative definite", []float64{-5, -1, -2}, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// f = ½ xᵀAx with A = Q diag Qᵀ for a rotation Q.
			n := len(tc.diag)
			rng := rand.New(rand.NewPCG(5, 5))
			var qr mat.QR
			qr.Factorize(randDense(rng, n, n, 1))
			var q, a mat.Dense
			qr.QTo(&q)
			a.Mul(&q, mat.NewDiagDense(n, tc.diag))
			a.Mul(&a, q.T())
			g := graph.New()
			x := g.Param("x", randDense(rng, n, 1, 1))
			loss := graph.Scale(0.5, graph.TMatMul(x, graph.MatMul(g.Const("A", &a), x)))
			res := Check(g, loss, g.Params(), Options{HVP: true, Seed: 1})
			if !res.Pass {
				t.Fatalf("Check failed: %+v %+v", res.Params, res.HVP)
			}
			if got := float64(res.HVP.LambdaMax); !res.HVP.Converged || math.Abs(got-tc.want) > 1e-6 {
				t.Errorf("λ_max = %v, want %v", got, tc.want)
			}
			if tc.want > 0 && math.Abs(*res.HVP.StepBound-2/tc.want) > 1e-6 {
				t.Errorf("step bound %v, want %v", *res.HVP.StepBound, 2/tc.want)
			}
			if tc.want < 0 && res.HVP.StepBound != nil {
				t.Errorf("step bound %v for a negative λ_max, want none", *res.HVP.StepBound)
			}
		})
	}
}

// regression builds a squared-error network with one tanh hidden layer of
// width h on 12 examples of 6 inputs, with targets of scale 50 (as
// unscaled regression targets are): 8h + 1 parameters, and a Hessian whose
// largest and most negative eigenvalues are close in magnitude.
func regression(seed uint64, h int) (*graph.Graph, *graph.Node) {
	rng := rand.New(rand.NewPCG(seed, 1))
	g := graph.New()
	x := g.Const("x", randDense(rng, 12, 6, 1))
	w1 := g.Param("W1", randDense(rng, 6, h, 0.5))
	b1 := g.Param("b1", randDense(rng, 1, h, 0.3))
	w2 := g.Param("W2", randDense(rng, h, 1, 0.5))
	b2 := g.Param("b2", randDense(rng, 1, 1, 0.3))
	y := graph.AddBias(graph.MatMul(graph.Tanh(graph.AddBias(graph.MatMul(x, w1), b1)), w2), b2)
	return g, graph.SquaredError(y, g.Const("t", randDense(rng, 12, 1, 50)))
}

// denseHessian builds the Hessian of loss from the products He_i with the
// unit vectors, symmetrized, and returns its eigenvalues in ascending
// order.
func denseHessian(t *testing.T, g *graph.Graph, loss *graph.Node) []float64 {
	t.Helper()
	params := g.Params()
	v, hv := make([]*mat.Dense, len(params)), make([]*mat.Dense, len(params))
	n := 0
	for i, p := range params {
		r, c := p.Dims()
		v[i], hv[i] = mat.NewDense(r, c, nil), mat.NewDense(r, c, nil)
		n += r * c
	}
	h := mat.NewDense(n, n, nil)
	col := 0
	for i := range params {
		e := v[i].RawMatrix().Data
		for j := range e {
			e[j] = 1
			g.HVP(hv, loss, params, v)
			e[j] = 0
			row := 0
			for _, m := range hv {
				for _, x := range m.RawMatrix().Data {
					h.Set(row, col, x)
					row++
				}
			}
			col++
		}
	}
	sym := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			sym.SetSym(i, j, (h.At(i, j)+h.At(j, i))/2)
		}
	}
	var es mat.EigenSym
	if !es.Factorize(sym, false) {
		t.Fatal("EigenSym failed on the dense Hessian")
	}
	return es.Values(nil)
}

func TestLambdaMaxMatchesDenseHessian(t *testing.T) {
	t.Parallel()
	type build func() (*graph.Graph, *graph.Node)
	for i, test := range []struct {
		name  string
		build build
	}{
		{"softmax tanh", func() (*graph.Graph, *graph.Node) { return mlp(1, graph.Tanh) }},
		{"softmax softplus", func() (*graph.Graph, *graph.Node) { return mlp(2, graph.Softplus) }},
		{"softmax relu", func() (*graph.Graph, *graph.Node) { return mlp(3, graph.ReLU) }},
		{"squared error, 97 params", func() (*graph.Graph, *graph.Node) { return regression(1, 12) }},
		{"squared error, 185 params", func() (*graph.Graph, *graph.Node) { return regression(2, 23) }},
		{"squared error, 281 params", func() (*graph.Graph, *graph.Node) { return regression(3, 35) }},
	} {
		t.Run(test.name, func(t *testing.T) {
			g, loss := test.build()
			res := Check(g, loss, g.Params(), Options{Entries: 1, HVP: true, Seed: 4})
			g.Forward()
			ev := denseHessian(t, g, loss)
			want, scale := ev[len(ev)-1], max(-ev[0], ev[len(ev)-1])
			h := res.HVP
			if got := float64(h.LambdaMax); !h.Converged || math.Abs(got-want) > lanczosTol*scale {
				t.Errorf("unexpected λ_max for test %d: got: %.12g (converged %v, %d steps) want: %.12g (dense Hessian, eigenvalues %.4g … %.4g)",
					i, got, h.Converged, h.Iterations, want, ev[0], want)
			}
			if h.Residual > h.ResidualTol {
				t.Errorf("test %d: residual %g > tol %g", i, h.Residual, h.ResidualTol)
			}
			t.Logf("%s: %d parameters, eigenvalues %.6g … %.6g, λ_max %.12g in %d steps", test.name, len(ev), ev[0], want, h.LambdaMax, h.Iterations)
		})
	}
}

// TestLambdaMaxRestartsOnNetwork forces thick restarts on a network's
// Hessian with small Krylov bases.
func TestLambdaMaxRestartsOnNetwork(t *testing.T) {
	t.Parallel()
	g, loss := regression(3, 35)
	g.Forward()
	ev := denseHessian(t, g, loss)
	want, scale := ev[len(ev)-1], max(-ev[0], ev[len(ev)-1])
	for i, dim := range []int{4, 8, 20} {
		c := &checker{g: g, loss: loss, params: g.Params()}
		e := c.lambdaMax(DefaultEigIters, dim, rand.New(rand.NewPCG(1, uint64(i))))
		if !e.converged || math.Abs(e.value-want) > lanczosTol*scale {
			t.Errorf("unexpected λ_max for Krylov dimension %d: got: %.12g (converged %v, %d steps) want: %.12g",
				dim, e.value, e.converged, e.iterations, want)
		}
		t.Logf("Krylov dimension %d: %d steps", dim, e.iterations)
	}
}

func TestLambdaMaxNotConverged(t *testing.T) {
	t.Parallel()
	g, loss := regression(3, 35)
	res := Check(g, loss, g.Params(), Options{Entries: 1, HVP: true, EigIters: 4})
	h := res.HVP
	if h.Converged || h.Iterations != 4 || !(h.Residual > h.ResidualTol) {
		t.Errorf("4 steps: converged %v, %d steps, residual %g, tol %g; want false, 4, residual > tol",
			h.Converged, h.Iterations, h.Residual, h.ResidualTol)
	}
	// Not converging is not a failed check: the HVPs themselves are right.
	if !h.Pass {
		t.Errorf("HVP check failed: %+v", h)
	}
}

func TestCheckHVPDeterministic(t *testing.T) {
	t.Parallel()
	run := func() []byte {
		g, loss := regression(5, 20)
		b, err := json.Marshal(Check(g, loss, g.Params(), Options{HVP: true, Seed: 8}))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if a, b := run(), run(); string(a) != string(b) {
		t.Errorf("two runs with one seed differ:\n%s\n%s", a, b)
	}
}

func TestFloatJSON(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(ParamResult{MaxRelErr: Float(math.NaN()), MaxAbsErr: Float(math.Inf(1)), Analytic: 1.5})
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`"max_rel_err":null`, `"max_abs_err":null`, `"analytic":1.5`} {
		if !strings.Contains(s, want) {
			t.Errorf("JSON %s lacks %s", s, want)
		}
	}
}
