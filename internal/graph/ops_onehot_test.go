package graph

import (
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Tolerances of OneHotMatMul against MatMul on the built one-hot matrix
// (relErr): the same products and sums, added in another order.
const (
	// oneHotEqTol bounds the outputs and x̄: MatMul's kernels may split
	// the inner dimension into blocks.
	oneHotEqTol = 1e-14
	// oneHotSumTol bounds w̄, whose one-hot rows are sums over up to n
	// rows of z̄ that the scatter adds one by one and gemm in blocks
	// (7.4e-15 measured for n = 300).
	oneHotSumTol = 1e-13
)

// codes gives n rows of dense standard normal entries followed by one
// code per categorical column j, an integer in [0, levels[j]), or about
// one time in six no level: −1, −2.5 or NaN.
func codes(n, dense int, levels []int) gen {
	return func(rng *rand.Rand) *mat.Dense {
		x := mat.NewDense(n, dense+len(levels), nil)
		for i := range n {
			for j := range dense {
				x.Set(i, j, rng.NormFloat64())
			}
			for j, l := range levels {
				v := float64(rng.IntN(l))
				switch rng.IntN(18) {
				case 0:
					v = -1
				case 1:
					v = -2.5
				case 2:
					v = math.NaN()
				}
				x.Set(i, dense+j, v)
			}
		}
		return x
	}
}

// width returns dense + Σ levels, the rows of OneHotMatMul's w.
func width(dense int, levels []int) int {
	for _, l := range levels {
		dense += l
	}
	return dense
}

// codesHeld holds fixed the code columns of input 0 (x) of a
// OneHotMatMul with dense numeric columns.
func codesHeld(dense int) func(i, row, col int) bool {
	return func(i, _, col int) bool { return i == 0 && col >= dense }
}

// expandOneHot returns the matrix OneHotMatMul stands for: x's dense
// columns, then each code column's one-hot block.
func expandOneHot(x *mat.Dense, dense int, levels []int) *mat.Dense {
	n, _ := x.Dims()
	e := mat.NewDense(n, width(dense, levels), nil)
	for i := range n {
		for j := range dense {
			e.Set(i, j, x.At(i, j))
		}
		off := dense
		for j, l := range levels {
			if v := x.At(i, dense+j); v >= 0 {
				e.Set(i, off+int(v), 1)
			}
			off += l
		}
	}
	return e
}

// TestOneHotMatMulIsMatMul checks OneHotMatMul against MatMul on the
// one-hot matrix built in full, with unknown codes, a column of one level
// and shapes that take gemm's small path and its tiles. It compares the
// output and the gradient of w, through the op set (one contributor) and
// added (two), and the gradient of x's dense part.
func TestOneHotMatMulIsMatMul(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		name      string
		n, dense  int
		levels    []int
		k         int
		xHasBar   bool
		twoCopies bool
	}{
		{name: "small", n: 7, dense: 3, levels: []int{4, 1, 2}, k: 5},
		{name: "small/x has a signal", n: 7, dense: 3, levels: []int{4, 1, 2}, k: 5, xHasBar: true},
		{name: "small/added", n: 7, dense: 3, levels: []int{4, 1, 2}, k: 5, twoCopies: true},
		{name: "no dense", n: 9, dense: 0, levels: []int{1, 6}, k: 3},
		{name: "tiles", n: 300, dense: 40, levels: []int{250, 1, 30}, k: 70, xHasBar: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := newRand(20, uint64(i))
			xv := codes(tc.n, tc.dense, tc.levels)(rng)
			wv := normal(width(tc.dense, tc.levels), tc.k)(rng)
			r := normal(tc.n, tc.k)(rng)

			g := New()
			var x *Node
			if tc.xHasBar {
				x = g.Param("x", xv)
			} else {
				x = g.Input("x", tc.n, tc.dense+len(tc.levels))
				x.Value().Copy(xv)
			}
			w := g.Param("w", wv)
			z := OneHotMatMul(x, w, tc.dense, tc.levels)
			out := z
			if tc.twoCopies {
				out = Add(z, OneHotMatMul(x, w, tc.dense, tc.levels))
			}
			loss := Sum(Mul(out, g.Const("R", r)))

			h := New()
			e := expandOneHot(xv, tc.dense, tc.levels)
			var xe *Node
			if tc.xHasBar {
				xe = h.Param("x", e)
			} else {
				xe = h.Input("x", tc.n, e.RawMatrix().Cols)
				xe.Value().Copy(e)
			}
			we := h.Param("w", mat.DenseCopyOf(wv))
			ze := MatMul(xe, we)
			oute := ze
			if tc.twoCopies {
				oute = Add(ze, MatMul(xe, we))
			}
			losse := Sum(Mul(oute, h.Const("R", r)))

			g.Forward()
			g.Backward(loss)
			h.Forward()
			h.Backward(losse)
			if e := relErr(raw(z.Value()), raw(ze.Value())); e > oneHotEqTol {
				t.Errorf("OneHotMatMul differs from MatMul by %.3g > %g", e, oneHotEqTol)
			} else {
				t.Logf("output: relErr %.3g, bit-identical %v", e, equalBits(raw(z.Value()), raw(ze.Value())))
			}
			if e := relErr(raw(w.Grad()), raw(we.Grad())); e > oneHotSumTol {
				t.Errorf("w̄ differs from MatMul's by %.3g > %g", e, oneHotSumTol)
			} else {
				t.Logf("w̄: relErr %.3g, bit-identical %v", e, equalBits(raw(w.Grad()), raw(we.Grad())))
			}
			if !tc.xHasBar {
				return
			}
			for row := range tc.n {
				for col := range tc.dense + len(tc.levels) {
					got := x.Grad().At(row, col)
					if col >= tc.dense {
						if got != 0 {
							t.Fatalf("x̄[%d, %d] = %v on a code column, want 0", row, col, got)
						}
						continue
					}
					if want := xe.Grad().At(row, col); relErrScalar(got, want) > oneHotEqTol {
						t.Fatalf("x̄[%d, %d] = %v, MatMul's %v", row, col, got, want)
					}
				}
			}
		})
	}
}

// TestOneHotMatMulThreads checks that the output and gradients do not
// depend on the number of threads (to rounding with OpenBLAS: threadDiff). With 64 dense columns the products
// (2·512·64·64 flops) are large enough for gemm to split them.
func TestOneHotMatMulThreads(t *testing.T) {
	const n, dense, k = 512, 64, 64
	run := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		rng := newRand(21, 0)
		levels := []int{250, 250}
		g := New()
		x := g.Input("x", n, dense+len(levels))
		x.Value().Copy(codes(n, dense, levels)(rng))
		w := g.Param("w", normal(width(dense, levels), k)(rng))
		z := OneHotMatMul(x, w, dense, levels)
		loss := Sum(Mul(Tanh(z), g.Const("R", normal(n, k)(rng))))
		g.Forward()
		g.Backward(loss)
		return flat(z.Value(), w.Grad())
	}
	one := run(1)
	if msg := threadDiff(run(max(4, runtime.NumCPU())), one); msg != "" {
		t.Errorf("results with several threads against 1: %s", msg)
	}
}

// TestOneHotMatMulAllocs checks that Forward, Backward and HVP through
// OneHotMatMul allocate nothing after the first. (Not parallel:
// AllocsPerRun counts every goroutine's allocations.)
func TestOneHotMatMulAllocs(t *testing.T) {
	rng := newRand(22, 0)
	levels := []int{5, 3}
	g := New()
	x := g.Input("x", 8, 2+len(levels))
	x.Value().Copy(codes(8, 2, levels)(rng))
	w := g.Param("w", normal(width(2, levels), 6)(rng))
	b := g.Param("b", normal(1, 6)(rng))
	loss := Sum(Mul(Tanh(AddBias(OneHotMatMul(x, w, 2, levels), b)), g.Const("R", normal(8, 6)(rng))))
	params := []*Node{w, b}
	if n := testing.AllocsPerRun(100, func() {
		g.Forward()
		g.Backward(loss)
	}); n != 0 {
		t.Errorf("Forward+Backward: %v allocations per step, want 0", n)
	}
	v := randomLike(rng, values(params))
	dst := zerosLike(v)
	g.HVP(dst, loss, params, v)
	if n := testing.AllocsPerRun(100, func() { g.HVP(dst, loss, params, v) }); n != 0 {
		t.Errorf("HVP: %v allocations per call, want 0", n)
	}
}

// TestOneHotMatMulPanics checks the shape panics of OneHotMatMul and the
// Forward panic on a code out of range or not an integer.
func TestOneHotMatMulPanics(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"x columns", func() {
			g := New()
			OneHotMatMul(g.Input("x", 2, 5), g.Param("w", mat.NewDense(5, 2, nil)), 2, []int{2, 1})
		}},
		{"w rows", func() {
			g := New()
			OneHotMatMul(g.Input("x", 2, 4), g.Param("w", mat.NewDense(6, 2, nil)), 2, []int{2, 1, 1})
		}},
		{"negative dense", func() {
			g := New()
			OneHotMatMul(g.Input("x", 2, 1), g.Param("w", mat.NewDense(1, 2, nil)), -1, []int{2})
		}},
		{"zero levels", func() {
			g := New()
			OneHotMatMul(g.Input("x", 2, 3), g.Param("w", mat.NewDense(3, 2, nil)), 1, []int{2, 0})
		}},
		{"code too large", func() { oneHotForward(2) }},
		{"code not an integer", func() { oneHotForward(0.5) }},
		{"code infinite", func() { oneHotForward(math.Inf(1)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := panicValue(tc.f)
			if r == nil {
				t.Fatalf("%s did not panic", tc.name)
			}
			if s, ok := r.(string); !ok || !strings.HasPrefix(s, "graph: ") {
				t.Errorf("%s panicked with %#v, want a string starting \"graph: \"", tc.name, r)
			}
		})
	}
}

// oneHotForward runs OneHotMatMul forward with one code column of 2
// levels holding code.
func oneHotForward(code float64) {
	g := New()
	x := g.Input("x", 1, 2)
	x.Value().Set(0, 1, code)
	OneHotMatMul(x, g.Param("w", mat.NewDense(3, 2, nil)), 1, []int{2})
	g.Forward()
}

// benchOneHot times the forward and backward passes of a first layer
// alone, n = 512 rows, 4 numeric columns and 2 categorical columns of 250
// levels, 64 units: OneHotMatMul on the codes or, if dense, MatMul on the
// one-hot matrix of width 504. The backward pass sets w̄, as Backward does
// for a first layer's weights.
func benchOneHot(b *testing.B, dense bool) {
	const n, d, k = 512, 4, 64
	levels := []int{250, 250}
	rng := newRand(23, 0)
	xv := codes(n, d, levels)(rng)
	g := New()
	w := g.Param("w", normal(width(d, levels), k)(rng))
	var z *Node
	if dense {
		x := g.Input("x", n, width(d, levels))
		x.Value().Copy(expandOneHot(xv, d, levels))
		z = MatMul(x, w)
	} else {
		x := g.Input("x", n, d+len(levels))
		x.Value().Copy(xv)
		z = OneHotMatMul(x, w, d, levels)
	}
	zBar := normal(n, k)(rng)
	set := []bool{false, true}
	o := z.op.(setter)
	b.ReportAllocs()
	for b.Loop() {
		z.op.forward(z.value, z.inVal)
		o.backwardSet(z.inBar, set, zBar, z.value, z.inVal)
	}
}

func BenchmarkOneHotMatMul(b *testing.B)      { benchOneHot(b, false) }
func BenchmarkOneHotMatMulDense(b *testing.B) { benchOneHot(b, true) }
