package graph_test

import (
	"fmt"
	"os"

	"github.com/mlptrain/mlptrain/internal/graph"
	"gonum.org/v1/gonum/mat"
)

func scalar(g *graph.Graph, name string, v float64) *graph.Node {
	return g.Param(name, mat.NewDense(1, 1, []float64{v}))
}

// The lecture's first circuit, f = (x + y)·z at x = −1, y = 2, z = 3.
func ExampleGraph_Backward() {
	g := graph.New()
	x, y, z := scalar(g, "x", -1), scalar(g, "y", 2), scalar(g, "z", 3)
	q := graph.Add(x, y).Named("q")
	f := graph.Mul(q, z).Named("f")

	g.Forward()
	g.Backward(f)
	fmt.Printf("q = %g, f = %g\n", q.Scalar(), f.Scalar())
	for _, n := range []*graph.Node{q, x, y, z} {
		fmt.Printf("∂f/∂%s = %g\n", n.Name(), n.Grad().At(0, 0))
	}
	// Output:
	// q = 1, f = 3
	// ∂f/∂q = 3
	// ∂f/∂x = 3
	// ∂f/∂y = 3
	// ∂f/∂z = 1
}

// f = Σ x⁴ has the Hessian diag(12x²), so H·v for v = (1, 1, 1) is 12x².
func ExampleGraph_HVP() {
	g := graph.New()
	x := g.Param("x", mat.NewDense(1, 3, []float64{1, 2, -0.5}))
	f := graph.Sum(graph.Square(graph.Square(x)))

	hv := mat.NewDense(1, 3, nil)
	v := mat.NewDense(1, 3, []float64{1, 1, 1})
	g.HVP([]*mat.Dense{hv}, f, []*graph.Node{x}, []*mat.Dense{v})
	fmt.Println("∇f  =", x.Grad().RawRowView(0))
	fmt.Println("H·v =", hv.RawRowView(0))
	// Output:
	// ∇f  = [4 32 -0.5]
	// H·v = [12 48 3]
}

// A logistic unit trained by hand with gradient descent: the loss falls.
func ExampleGraph_Forward() {
	g := graph.New()
	w := g.Param("w", mat.NewDense(2, 1, []float64{0, 0}))
	b := g.Param("b", mat.NewDense(1, 1, []float64{0}))
	x := g.Input("x", 4, 2)
	t := g.Input("t", 4, 1)
	x.Value().Copy(mat.NewDense(4, 2, []float64{0, 0, 0, 1, 1, 0, 1, 1}))
	t.Value().Copy(mat.NewDense(4, 1, []float64{0, 0, 0, 1})) // AND
	loss := graph.BinaryCrossEntropy(graph.AddBias(graph.MatMul(x, w), b), t)

	for epoch := range 1001 {
		g.Forward()
		g.Backward(loss)
		if epoch%500 == 0 {
			fmt.Printf("epoch %4d: loss %.4f\n", epoch, loss.Scalar())
		}
		for _, p := range g.Params() { // θ ← θ − 2θ̄
			p.Value().Sub(p.Value(), scaled(2, p.Grad()))
		}
	}
	// Output:
	// epoch    0: loss 0.6931
	// epoch  500: loss 0.0174
	// epoch 1000: loss 0.0087
}

func scaled(s float64, m *mat.Dense) *mat.Dense {
	var d mat.Dense
	d.Scale(s, m)
	return &d
}

// The structure of a graph, in topological order.
func ExampleGraph_Dump() {
	g := graph.New()
	x := g.Input("X", 32, 4)
	w := g.Param("W", mat.NewDense(4, 3, nil))
	b := g.Param("b", mat.NewDense(1, 3, nil))
	t := g.Input("T", 32, 3)
	z := graph.AddBias(graph.MatMul(x, w).Named("XW"), b).Named("z")
	graph.SoftmaxCrossEntropy(z, t).Named("L")
	if err := g.Dump(os.Stdout, graph.DumpOptions{}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// #    node  op                      shape      inputs
	// 0    X     input                   32×4       -
	// 1    W     param                   4×3        -
	// 2    b     param                   1×3        -
	// 3    T     input                   32×3       -
	// 4    XW    matmul                  32×3       X, W
	// 5    z     addbias                 32×3       XW, b
	// 6    L     softmax_cross_entropy   1×1        z, T
	// forward: nodes 0 → 6 in topological order
	// backward: nodes 6 → 0 in reverse; each op adds its inputs' error signals x̄ += (∂y/∂x)ᵀ·ȳ, so fan-out sums
}
