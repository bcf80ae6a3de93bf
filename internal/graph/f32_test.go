package graph

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/mat"
)

// Tolerances of a float32 graph against the same graph in float64, on
// values of order 1: the loss, and each gradient entry relative to the
// largest entry of its matrix.
const (
	f32LossTol = 1e-5
	f32GradTol = 2e-4
)

// twin builds the same graph in float64 or float32 from float64 data:
// parameters and inputs are rounded to float32 in the float32 graph.
type twin struct {
	g      *Graph
	params []*Node
	rng    *rand.Rand
	data   map[*Node]*mat.Dense
}

func newTwin(f32 bool, seed uint64) *twin {
	g := New()
	if f32 {
		g = New32()
	}
	return &twin{g: g, rng: rand.New(rand.NewPCG(seed, 1)), data: map[*Node]*mat.Dense{}}
}

func (tw *twin) random(r, c int, scale float64) *mat.Dense {
	m := mat.NewDense(r, c, nil)
	for i := range r {
		for j := range c {
			// Values exactly representable in float32, so both graphs
			// start from the same numbers.
			m.Set(i, j, float64(float32(scale*tw.rng.NormFloat64())))
		}
	}
	return m
}

func to32(m *mat.Dense) *blas32.General {
	r, c := m.Dims()
	out := new32(r, c)
	for i := range r {
		for j := range c {
			out.Data[i*c+j] = float32(m.At(i, j))
		}
	}
	return out
}

func from32(m *blas32.General) *mat.Dense {
	out := mat.NewDense(m.Rows, m.Cols, nil)
	for i := range m.Rows {
		for j := range m.Cols {
			out.Set(i, j, float64(m.Data[i*m.Stride+j]))
		}
	}
	return out
}

func (tw *twin) param(name string, m *mat.Dense) *Node {
	var p *Node
	if tw.g.f32 {
		p = tw.g.Param32(name, to32(m))
	} else {
		p = tw.g.Param(name, mat.DenseCopyOf(m))
	}
	tw.params = append(tw.params, p)
	return p
}

func (tw *twin) konst(name string, m *mat.Dense) *Node {
	if tw.g.f32 {
		return tw.g.Const32(name, to32(m))
	}
	return tw.g.Const(name, mat.DenseCopyOf(m))
}

func (tw *twin) input(name string, m *mat.Dense) *Node {
	r, c := m.Dims()
	x := tw.g.Input(name, r, c)
	tw.data[x] = m
	return x
}

func (tw *twin) fill() {
	for x, m := range tw.data {
		if tw.g.f32 {
			copy(x.Value32().Data, to32(m).Data)
		} else {
			x.Value().Copy(m)
		}
	}
}

func (tw *twin) grad(p *Node) *mat.Dense {
	if tw.g.f32 {
		return from32(p.Grad32())
	}
	return p.Grad()
}

// oneHotT returns n one-hot rows of k classes.
func (tw *twin) oneHotT(n, k int) *mat.Dense {
	t := mat.NewDense(n, k, nil)
	for i := range n {
		t.Set(i, tw.rng.IntN(k), 1)
	}
	return t
}

// f32Cases build a loss on a twin; every op of the package appears.
var f32Cases = []struct {
	name  string
	build func(tw *twin) *Node
}{
	{"mlp softmax CE + l2", func(tw *twin) *Node {
		x := tw.input("x", tw.random(9, 5, 1))
		w1, b1 := tw.param("W1", tw.random(5, 7, 0.5)), tw.param("b1", tw.random(1, 7, 0.1))
		w2, b2 := tw.param("W2", tw.random(7, 4, 0.5)), tw.param("b2", tw.random(1, 4, 0.1))
		h := Tanh(AddBias(MatMul(x, w1), b1))
		y := Softmax(AddBias(MatMul(h, w2), b2))
		loss := SoftmaxCrossEntropyOf(y, tw.input("t", tw.oneHotT(9, 4)))
		return Add(loss, L2(0.01, w1, w2))
	}},
	{"activations", func(tw *twin) *Node {
		x := tw.input("x", tw.random(6, 4, 1))
		w := tw.param("W", tw.random(4, 5, 0.7))
		b := tw.param("b", tw.random(1, 5, 0.1))
		z := AddBias(MatMul(x, w), b)
		acts := []func(*Node) *Node{Identity, Logistic, ReLU, Softplus, Exp, Sin, Cos, Square, Threshold}
		s := Tanh(z)
		for _, f := range acts {
			s = Add(s, f(z))
		}
		return Mean(s)
	}},
	{"binary CE", func(tw *twin) *Node {
		x := tw.input("x", tw.random(8, 3, 1))
		w, b := tw.param("W", tw.random(3, 1, 1)), tw.param("b", tw.random(1, 1, 0.1))
		z := AddBias(MatMul(x, w), b)
		t := mat.NewDense(8, 1, []float64{0, 1, 1, 0, 1, 0, 0, 1})
		return BinaryCrossEntropy(z, tw.input("t", t))
	}},
	{"squared error, matmul transposes", func(tw *twin) *Node {
		a := tw.param("A", tw.random(5, 3, 1))
		b := tw.param("B", tw.random(4, 3, 1))
		c := tw.param("C", tw.random(5, 4, 0.3))
		y := Add(MatMulT(a, b), Scale(0.5, MatMul(c, TMatMul(c, c))))
		return SquaredError(y, tw.input("t", tw.random(5, 4, 1)))
	}},
	{"weighted losses", func(tw *twin) *Node {
		x := tw.input("x", tw.random(7, 3, 1))
		w, b := tw.param("W", tw.random(3, 3, 1)), tw.param("b", tw.random(1, 3, 0.1))
		z := AddBias(MatMul(x, w), b)
		r := tw.input("r", mat.NewDense(7, 1, []float64{1, 2, 0.5, 1, 3, 1, 0.25}))
		ce := WeightedSoftmaxCrossEntropyOf(Softmax(z), tw.input("t", tw.oneHotT(7, 3)), r)
		bce := WeightedBinaryCrossEntropy(z, tw.input("tb", tw.oneHotT(7, 3)), r)
		se := WeightedSquaredError(z, tw.input("ts", tw.random(7, 3, 1)), r)
		return Add(Add(ce, bce), se)
	}},
	{"dropout, batch norm", func(tw *twin) *Node {
		x := tw.input("x", tw.random(10, 4, 1))
		w := tw.param("W", tw.random(4, 6, 0.5))
		gamma, beta := tw.param("gamma", tw.random(1, 6, 1)), tw.param("beta", tw.random(1, 6, 0.1))
		mean, variance := tw.konst("mean", tw.random(1, 6, 0.1)), tw.konst("var", mat.NewDense(1, 6, []float64{1, 2, 0.5, 1, 1, 3}))
		h := ReLU(BatchNorm(MatMul(x, w), gamma, beta, mean, variance))
		m := mat.NewDense(10, 6, nil)
		for i := range 60 {
			m.RawMatrix().Data[i] = float64(i % 3 % 2)
		}
		d := Dropout(h, tw.input("mask", m), 0.25)
		// Eval reads other running averages than the ones BatchNorm
		// updates, so that a second run computes the same.
		mean2, var2 := tw.konst("mean2", tw.random(1, 6, 0.1)), tw.konst("var2", mat.NewDense(1, 6, []float64{1, 2, 0.5, 1, 1, 3}))
		e := BatchNormEval(MatMul(x, w), gamma, beta, mean2, var2)
		return Add(Mean(Mul(d, d)), Sum(Sub(e, Scale(2, e))))
	}},
	{"onehot matmul, unshared softmax CE", func(tw *twin) *Node {
		x := mat.NewDense(6, 4, []float64{
			0.5, -1, 0, 2,
			1, 0.25, 1, 0,
			-0.5, 2, 2, 1,
			0, 1, -1, 2,
			1.5, -2, 0, 1,
			-1, 0.5, 1, 0,
		})
		w := tw.param("W", tw.random(2+3+3, 3, 0.5))
		z := OneHotMatMul(tw.input("x", x), w, 2, []int{3, 3})
		return SoftmaxCrossEntropy(z, tw.input("t", tw.oneHotT(6, 3)))
	}},
}

// TestFloat32MatchesFloat64 builds each case in float64 and float32 from
// the same float32-representable numbers and checks that the loss and
// every parameter's gradient agree to float32 rounding.
func TestFloat32MatchesFloat64(t *testing.T) {
	for i, tc := range f32Cases {
		t.Run(tc.name, func(t *testing.T) {
			t64, t32 := newTwin(false, uint64(i+1)), newTwin(true, uint64(i+1))
			l64, l32 := tc.build(t64), tc.build(t32)
			for _, tw := range []*twin{t64, t32} {
				tw.fill()
				tw.g.Forward()
			}
			t64.g.Backward(l64)
			t32.g.Backward(l32)
			a, b := l64.Scalar(), l32.Scalar()
			if math.Abs(a-b) > f32LossTol*math.Max(1, math.Abs(a)) {
				t.Errorf("loss: float32 %v, float64 %v", b, a)
			}
			for k, p := range t64.params {
				g64, g32 := t64.grad(p), t32.grad(t32.params[k])
				scale := math.Max(1, mat.Norm(g64, math.Inf(1)))
				if d := maxAbsDiff(g64, g32); d > f32GradTol*scale {
					t.Errorf("%s: gradients differ by %g (scale %g)\nfloat64 %v\nfloat32 %v", p.Name(), d, scale, mat.Formatted(g64), mat.Formatted(g32))
				}
			}
		})
	}
}

func maxAbsDiff(a, b *mat.Dense) float64 {
	var d mat.Dense
	d.Sub(a, b)
	return mat.Norm(&d, math.Inf(1))
}

// TestFloat32Repeatable runs each float32 case twice: the same bits.
func TestFloat32Repeatable(t *testing.T) {
	for i, tc := range f32Cases {
		tw := newTwin(true, uint64(i+1))
		loss := tc.build(tw)
		tw.fill()
		var first []string
		for run := range 2 {
			tw.g.Forward()
			tw.g.Backward(loss)
			var got []string
			for _, p := range tw.params {
				got = append(got, fmt.Sprint(p.Grad32().Data))
			}
			got = append(got, fmt.Sprint(math.Float64bits(loss.Scalar())))
			if run == 0 {
				first = got
				continue
			}
			for k := range got {
				if got[k] != first[k] {
					t.Errorf("%s: second run differs", tc.name)
				}
			}
		}
	}
}

// TestFloat32NoAlloc: a float32 step allocates nothing once built.
func TestFloat32NoAlloc(t *testing.T) {
	tw := newTwin(true, 1)
	loss := f32Cases[0].build(tw)
	tw.fill()
	tw.g.Forward()
	tw.g.Backward(loss)
	if n := testing.AllocsPerRun(10, func() { tw.g.Forward(); tw.g.Backward(loss) }); n != 0 {
		t.Errorf("float32 Forward+Backward: %v allocations, want 0", n)
	}
}

// TestFloat32Misuse: float64 nodes in a float32 graph, and HVP, panic.
func TestFloat32Misuse(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"Param in float32", func() { New32().Param("w", mat.NewDense(1, 1, nil)) }},
		{"Const in float32", func() { New32().Const("c", mat.NewDense(1, 1, nil)) }},
		{"Param32 in float64", func() { New().Param32("w", new32(1, 1)) }},
		{"HVP of float32", func() {
			g := New32()
			w := g.Param32("w", new32(1, 1))
			l := Sum(Square(w))
			g.HVP([]*mat.Dense{mat.NewDense(1, 1, nil)}, l, []*Node{w}, []*mat.Dense{mat.NewDense(1, 1, nil)})
		}},
		{"custom op in float32", func() {
			g := New32()
			Custom("c", CustomOp{Forward: func(*mat.Dense, []*mat.Dense) {}, Backward: func([]*mat.Dense, *mat.Dense, *mat.Dense, []*mat.Dense) {}}, 1, 1, g.Input("x", 1, 1))
		}},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", tc.name)
				}
			}()
			tc.f()
		}()
	}
}

// TestFillCopyValue: Fill rounds float64 data into a float32 input and
// copies it into a float64 one; CopyValue widens exactly; wrong shapes
// panic.
func TestFillCopyValue(t *testing.T) {
	src := mat.NewDense(2, 3, []float64{0.1, -2, 1e-3, 3.5, 1e39, -0.25})
	for _, g := range []*Graph{New(), New32()} {
		x := g.Input("x", 2, 3)
		x.Fill(src)
		got := mat.NewDense(2, 3, nil)
		x.CopyValue(got)
		for i, v := range src.RawMatrix().Data {
			want := v
			if g.Float32() {
				want = float64(float32(v))
			}
			if w := got.RawMatrix().Data[i]; w != want {
				t.Errorf("float32 %v: entry %d = %v, want %v", g.Float32(), i, w, want)
			}
		}
		for _, f := range []func(){func() { x.Fill(mat.NewDense(3, 2, nil)) }, func() { x.CopyValue(mat.NewDense(1, 3, nil)) }} {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("float32 %v: a wrong shape did not panic", g.Float32())
					}
				}()
				f()
			}()
		}
	}
}
