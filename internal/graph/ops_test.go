package graph

import (
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func unaryCase(op string, f func(*Node) *Node, g gen) opCase {
	return opCase{name: op, op: op, in: []gen{g}, build: func(in []*Node) *Node { return f(in[0]) }}
}

// opCases covers every exported op, some several times, and the fan-out
// of an input used twice by one op.
var opCases = []opCase{
	{name: "MatMul", op: "MatMul", in: []gen{normal(3, 4), normal(4, 2)},
		build: func(in []*Node) *Node { return MatMul(in[0], in[1]) }},
	{name: "MatMul/row", op: "MatMul", in: []gen{normal(1, 4), normal(4, 5)},
		build: func(in []*Node) *Node { return MatMul(in[0], in[1]) }},
	{name: "MatMulT", op: "MatMulT", in: []gen{normal(3, 4), normal(2, 4)},
		build: func(in []*Node) *Node { return MatMulT(in[0], in[1]) }},
	{name: "TMatMul", op: "TMatMul", in: []gen{normal(4, 3), normal(4, 2)},
		build: func(in []*Node) *Node { return TMatMul(in[0], in[1]) }},
	{name: "Add", op: "Add", in: []gen{normal(3, 4), normal(3, 4)},
		build: func(in []*Node) *Node { return Add(in[0], in[1]) }},
	{name: "Sub", op: "Sub", in: []gen{normal(3, 4), normal(3, 4)},
		build: func(in []*Node) *Node { return Sub(in[0], in[1]) }},
	{name: "Mul", op: "Mul", in: []gen{normal(3, 4), normal(3, 4)},
		build: func(in []*Node) *Node { return Mul(in[0], in[1]) }},
	{name: "Scale", op: "Scale", in: []gen{normal(3, 4)},
		build: func(in []*Node) *Node { return Scale(-1.7, in[0]) }},
	{name: "AddBias", op: "AddBias", in: []gen{normal(3, 4), normal(1, 4)},
		build: func(in []*Node) *Node { return AddBias(in[0], in[1]) }},
	unaryCase("Sum", Sum, normal(3, 4)),
	unaryCase("Mean", Mean, normal(3, 4)),
	unaryCase("Identity", Identity, normal(3, 4)),
	unaryCase("Threshold", Threshold, awayFromKink(3, 4)),
	unaryCase("Logistic", Logistic, normal(3, 4)),
	unaryCase("Tanh", Tanh, normal(3, 4)),
	unaryCase("ReLU", ReLU, awayFromKink(3, 4)),
	unaryCase("Softplus", Softplus, normal(3, 4)),
	unaryCase("Exp", Exp, normal(3, 4)),
	unaryCase("Sin", Sin, normal(3, 4)),
	unaryCase("Cos", Cos, normal(3, 4)),
	unaryCase("Square", Square, normal(3, 4)),
	unaryCase("Softmax", Softmax, normal(3, 4)),
	{name: "Softmax/one column", op: "Softmax", in: []gen{normal(3, 1)},
		build: func(in []*Node) *Node { return Softmax(in[0]) }},
	{name: "SquaredError", op: "SquaredError", in: []gen{normal(3, 4), normal(3, 4)},
		build: func(in []*Node) *Node { return SquaredError(in[0], in[1]) }},
	{name: "SoftmaxCrossEntropy/one-hot", op: "SoftmaxCrossEntropy", in: []gen{normal(3, 4), oneHot(3, 4)},
		build: func(in []*Node) *Node { return SoftmaxCrossEntropy(in[0], in[1]) }},
	{name: "SoftmaxCrossEntropy/positive", op: "SoftmaxCrossEntropy", in: []gen{normal(3, 4), uniform(3, 4, 0.1, 2)},
		build: func(in []*Node) *Node { return SoftmaxCrossEntropy(in[0], in[1]) }},
	{name: "SoftmaxCrossEntropyOf/one-hot", op: "SoftmaxCrossEntropyOf", in: []gen{normal(3, 4), oneHot(3, 4)},
		build: func(in []*Node) *Node { return SoftmaxCrossEntropyOf(Softmax(in[0]), in[1]) }},
	{name: "SoftmaxCrossEntropyOf/positive", op: "SoftmaxCrossEntropyOf", in: []gen{normal(3, 4), uniform(3, 4, 0.1, 2)},
		build: func(in []*Node) *Node { return SoftmaxCrossEntropyOf(Softmax(in[0]), in[1]) }},
	{name: "BinaryCrossEntropy/bits", op: "BinaryCrossEntropy", in: []gen{normal(3, 4), bits(3, 4)},
		build: func(in []*Node) *Node { return BinaryCrossEntropy(in[0], in[1]) }},
	{name: "BinaryCrossEntropy/soft", op: "BinaryCrossEntropy", in: []gen{normal(3, 4), uniform(3, 4, 0, 1)},
		build: func(in []*Node) *Node { return BinaryCrossEntropy(in[0], in[1]) }},
	{name: "L2/one", op: "L2", in: []gen{normal(3, 4)},
		build: func(in []*Node) *Node { return L2(0.3, in[0]) }},
	{name: "L2/three", op: "L2", in: []gen{normal(3, 4), normal(1, 4), normal(4, 2)},
		build: func(in []*Node) *Node { return L2(0.3, in...) }},
	{name: "Custom", op: "Custom", in: []gen{normal(3, 4), normal(3, 4)}, noHVP: true,
		build: func(in []*Node) *Node { return Custom("cubeMul", cubeMul, 3, 4, in...) }},

	// Fan-out: one input used twice by one op gets the summed gradient.
	{name: "fan-out/Mul(x,x)", op: "Mul", in: []gen{normal(3, 4)},
		build: func(in []*Node) *Node { return Mul(in[0], in[0]) }},
	{name: "fan-out/Add(x,x)", op: "Add", in: []gen{normal(3, 4)},
		build: func(in []*Node) *Node { return Add(in[0], in[0]) }},
	{name: "fan-out/Sub(x,x)", op: "Sub", in: []gen{normal(3, 4)},
		build: func(in []*Node) *Node { return Sub(in[0], in[0]) }},
	{name: "fan-out/MatMul(x,x)", op: "MatMul", in: []gen{normal(3, 3)},
		build: func(in []*Node) *Node { return MatMul(in[0], in[0]) }},
	{name: "fan-out/MatMulT(x,x)", op: "MatMulT", in: []gen{normal(3, 4)},
		build: func(in []*Node) *Node { return MatMulT(in[0], in[0]) }},
	{name: "fan-out/TMatMul(x,x)", op: "TMatMul", in: []gen{normal(4, 3)},
		build: func(in []*Node) *Node { return TMatMul(in[0], in[0]) }},
	{name: "fan-out/L2(x,x)", op: "L2", in: []gen{normal(3, 4)},
		build: func(in []*Node) *Node { return L2(0.3, in[0], in[0]) }},
	{name: "fan-out/SquaredError(x,x)", op: "SquaredError", in: []gen{normal(3, 4)},
		build: func(in []*Node) *Node { return SquaredError(in[0], in[0]) }},
	{name: "fan-out/diamond", op: "Add", in: []gen{normal(3, 4)},
		build: func(in []*Node) *Node {
			h := Logistic(in[0])
			return Add(Square(h), Sin(h))
		}},

	// OneHotMatMul's codes (x's last columns) are held fixed: they have
	// no signal.
	{name: "OneHotMatMul/x has a signal", op: "OneHotMatMul",
		in:    []gen{codes(5, 2, oneHotLevels), normal(width(2, oneHotLevels), 3)},
		held:  codesHeld(2),
		build: func(in []*Node) *Node { return OneHotMatMul(in[0], in[1], 2, oneHotLevels) }},
	{name: "OneHotMatMul/x is data", op: "OneHotMatMul",
		in: []gen{codes(5, 2, oneHotLevels), normal(width(2, oneHotLevels), 3)},
		// The op reads a copy of x with no signal; x's Param is unused.
		held: codesHeld(2),
		build: func(in []*Node) *Node {
			x := in[0].g.Const("X", mat.DenseCopyOf(in[0].Value()))
			return OneHotMatMul(x, in[1], 2, oneHotLevels)
		}},
	{name: "OneHotMatMul/all categorical", op: "OneHotMatMul",
		in:    []gen{codes(6, 0, []int{2, 5}), normal(7, 2)},
		held:  codesHeld(0),
		build: func(in []*Node) *Node { return OneHotMatMul(in[0], in[1], 0, []int{2, 5}) }},
	{name: "OneHotMatMul/no categorical", op: "OneHotMatMul",
		in:    []gen{normal(3, 4), normal(4, 2)},
		build: func(in []*Node) *Node { return OneHotMatMul(in[0], in[1], 4, nil) }},
	{name: "fan-out/OneHotMatMul twice", op: "OneHotMatMul",
		in:   []gen{codes(4, 1, oneHotLevels), normal(width(1, oneHotLevels), 3)},
		held: codesHeld(1),
		build: func(in []*Node) *Node {
			z := OneHotMatMul(in[0], in[1], 1, oneHotLevels)
			return Add(z, Tanh(OneHotMatMul(in[0], in[1], 1, oneHotLevels)))
		}},

	// The weighted losses' row weights (input 2) are data, held fixed.
	{name: "WeightedSquaredError", op: "WeightedSquaredError", held: rowWeights,
		in:    []gen{normal(3, 4), normal(3, 4), uniform(3, 1, 0.2, 2)},
		build: func(in []*Node) *Node { return WeightedSquaredError(in[0], in[1], in[2]) }},
	{name: "WeightedSoftmaxCrossEntropyOf/one-hot", op: "WeightedSoftmaxCrossEntropyOf", held: rowWeights,
		in:    []gen{normal(3, 4), oneHot(3, 4), uniform(3, 1, 0.2, 2)},
		build: func(in []*Node) *Node { return WeightedSoftmaxCrossEntropyOf(Softmax(in[0]), in[1], in[2]) }},
	{name: "WeightedSoftmaxCrossEntropyOf/positive", op: "WeightedSoftmaxCrossEntropyOf", held: rowWeights,
		in:    []gen{normal(3, 4), uniform(3, 4, 0.1, 2), uniform(3, 1, 0.2, 2)},
		build: func(in []*Node) *Node { return WeightedSoftmaxCrossEntropyOf(Softmax(in[0]), in[1], in[2]) }},
	{name: "WeightedBinaryCrossEntropy/bits", op: "WeightedBinaryCrossEntropy", held: rowWeights,
		in:    []gen{normal(3, 4), bits(3, 4), uniform(3, 1, 0.2, 2)},
		build: func(in []*Node) *Node { return WeightedBinaryCrossEntropy(in[0], in[1], in[2]) }},
	{name: "WeightedBinaryCrossEntropy/soft", op: "WeightedBinaryCrossEntropy", held: rowWeights,
		in:    []gen{normal(3, 4), uniform(3, 4, 0, 1), uniform(3, 1, 0.2, 2)},
		build: func(in []*Node) *Node { return WeightedBinaryCrossEntropy(in[0], in[1], in[2]) }},
	// Dropout's mask (input 1) is data, held fixed.
	{name: "Dropout", op: "Dropout", in: []gen{normal(4, 5), bits(4, 5)}, held: func(i, _, _ int) bool { return i == 1 },
		build: func(in []*Node) *Node { return Dropout(in[0], in[1], 0.3) }},
	{name: "Dropout/in a layer", op: "Dropout", in: []gen{normal(4, 3), normal(3, 5), bits(4, 5)}, held: func(i, _, _ int) bool { return i == 2 },
		build: func(in []*Node) *Node { return Tanh(Dropout(Tanh(MatMul(in[0], in[1])), in[2], 0.5)) }},
	// Batch normalization of z (input 0) with γ and β (inputs 1, 2); the
	// running statistics are constants made by the row.
	{name: "BatchNorm", op: "BatchNorm", in: []gen{normal(5, 3), uniform(1, 3, 0.5, 2), normal(1, 3)},
		build: func(in []*Node) *Node { return bn(BatchNorm, in[0], in[1], in[2]) }},
	{name: "BatchNorm/in a layer", op: "BatchNorm", in: []gen{normal(6, 4), normal(4, 3), normal(1, 3), normal(1, 3)},
		build: func(in []*Node) *Node {
			return Softmax(Tanh(bn(BatchNorm, MatMul(in[0], in[1]), in[2], in[3])))
		}},
	{name: "BatchNorm/one row", op: "BatchNorm", in: []gen{normal(1, 3), normal(1, 3), normal(1, 3)},
		build: func(in []*Node) *Node { return bn(BatchNorm, in[0], in[1], in[2]) }},
	{name: "fan-out/BatchNorm(x,x,x)", op: "BatchNorm", in: []gen{normal(1, 4)},
		build: func(in []*Node) *Node { return bn(BatchNorm, in[0], in[0], in[0]) }},
	{name: "fan-out/BatchNorm diamond", op: "BatchNorm", in: []gen{normal(5, 3), normal(1, 3), normal(1, 3)},
		build: func(in []*Node) *Node { return Mul(bn(BatchNorm, in[0], in[1], in[2]), Tanh(in[0])) }},
	{name: "BatchNormEval", op: "BatchNormEval", in: []gen{normal(5, 3), normal(1, 3), normal(1, 3)},
		build: func(in []*Node) *Node { return bn(BatchNormEval, in[0], in[1], in[2]) }},
	{name: "BatchNormEval/in a layer", op: "BatchNormEval", in: []gen{normal(6, 4), normal(4, 3), normal(1, 3), normal(1, 3)},
		build: func(in []*Node) *Node {
			return Tanh(bn(BatchNormEval, MatMul(in[0], in[1]), in[2], in[3]))
		}},
	{name: "fan-out/WeightedSquaredError(x,x,r)", op: "WeightedSquaredError",
		in: []gen{normal(3, 4), uniform(3, 1, 0.2, 2)}, held: func(i, _, _ int) bool { return i == 1 },
		build: func(in []*Node) *Node { return WeightedSquaredError(in[0], in[0], in[1]) }},
}

// runningStats returns constant running averages for batch normalization
// of x's columns, drawn from a generator of their own: a mean of small
// normal values and a variance in [0.5, 2).
func runningStats(x *Node) (mean, variance *Node) {
	_, k := x.Dims()
	rng := newRand(99, uint64(k))
	return x.g.Const("mean", normal(1, k)(rng)), x.g.Const("var", uniform(1, k, 0.5, 2)(rng))
}

// bn applies the batch normalization op f to z with γ, β and the running
// statistics of runningStats.
func bn(f func(z, gamma, beta, mean, variance *Node) *Node, z, gamma, beta *Node) *Node {
	m, v := runningStats(z)
	return f(z, gamma, beta, m, v)
}

// rowWeights holds fixed the n×1 row weights, input 2, of a weighted loss.
func rowWeights(i, _, _ int) bool { return i == 2 }

// oneHotLevels are the level counts of OneHotMatMul's rows in opCases,
// one of them a column of a single level.
var oneHotLevels = []int{3, 1, 4}

// cubeMul is a custom op y = a³ ⊙ b with its VJPs ā += 3a² ⊙ b ⊙ ȳ and
// b̄ += a³ ⊙ ȳ.
var cubeMul = CustomOp{
	Forward: func(out *mat.Dense, in []*mat.Dense) {
		y, a, b := raw(out), raw(in[0]), raw(in[1])
		for i := range y {
			y[i] = a[i] * a[i] * a[i] * b[i]
		}
	},
	Backward: func(inBar []*mat.Dense, outBar, _ *mat.Dense, in []*mat.Dense) {
		yb, a, b := raw(outBar), raw(in[0]), raw(in[1])
		if inBar[0] != nil {
			for i, ab := range raw(inBar[0]) {
				raw(inBar[0])[i] = ab + 3*a[i]*a[i]*b[i]*yb[i]
			}
		}
		if inBar[1] != nil {
			for i, bb := range raw(inBar[1]) {
				raw(inBar[1])[i] = bb + a[i]*a[i]*a[i]*yb[i]
			}
		}
	},
}

func TestOps(t *testing.T) {
	t.Parallel()
	for i, tc := range opCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			testOp(t, uint64(i), tc)
		})
	}
}

// TestOpsCoverEveryExported parses the package and fails if an exported
// function returning *Node has no row in opCases.
func TestOpsCoverEveryExported(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var exported []string
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !fn.Name.IsExported() || fn.Type.Results == nil {
				continue
			}
			if res := fn.Type.Results.List; len(res) == 1 {
				if star, ok := res[0].Type.(*ast.StarExpr); ok {
					if id, ok := star.X.(*ast.Ident); ok && id.Name == "Node" {
						exported = append(exported, fn.Name.Name)
					}
				}
			}
		}
	}
	if len(exported) == 0 {
		t.Fatal("found no exported ops")
	}
	for _, op := range exported {
		if !slices.ContainsFunc(opCases, func(tc opCase) bool { return tc.op == op }) {
			t.Errorf("exported op %s has no row in opCases", op)
		}
	}
}

// TestShapePanics checks that building an op from operands of the wrong
// shape, or misusing a graph, panics with a message starting "graph:".
func TestShapePanics(t *testing.T) {
	t.Parallel()
	g := New()
	a := g.Param("a", mat.NewDense(3, 4, nil))
	b := g.Param("b", mat.NewDense(3, 2, nil))
	row := g.Param("row", mat.NewDense(1, 3, nil))
	other := New().Param("other", mat.NewDense(3, 4, nil))
	loss := Sum(a)
	dense := mat.NewDense(6, 6, nil)
	strided := dense.Slice(0, 3, 0, 4).(*mat.Dense)
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"MatMul", func() { MatMul(a, b) }},
		{"MatMulT", func() { MatMulT(a, b) }},
		{"TMatMul", func() { TMatMul(a, row) }},
		{"Add", func() { Add(a, b) }},
		{"Sub", func() { Sub(a, b) }},
		{"Mul", func() { Mul(a, b) }},
		{"AddBias/wide", func() { AddBias(a, row) }},
		{"AddBias/tall", func() { AddBias(b, g.Param("col", mat.NewDense(3, 1, nil))) }},
		{"SquaredError", func() { SquaredError(a, b) }},
		{"SoftmaxCrossEntropy", func() { SoftmaxCrossEntropy(a, b) }},
		{"SoftmaxCrossEntropyOf/shapes", func() { SoftmaxCrossEntropyOf(Softmax(a), b) }},
		{"SoftmaxCrossEntropyOf/not a softmax", func() { SoftmaxCrossEntropyOf(Tanh(a), a) }},
		{"BinaryCrossEntropy", func() { BinaryCrossEntropy(a, b) }},
		{"L2/none", func() { L2(1) }},
		{"L2/negative", func() { L2(-1, a) }},
		{"two graphs", func() { Add(a, other) }},
		{"Custom/no inputs", func() { Custom("c", cubeMul, 1, 1) }},
		{"Custom/no Backward", func() { Custom("c", CustomOp{Forward: cubeMul.Forward}, 3, 4, a, a) }},
		{"Param strided", func() { g.Param("s", strided) }},
		{"Const strided", func() { g.Const("s", strided) }},
		{"Scalar", func() { _ = a.Scalar() }},
		{"Backward not 1×1", func() { g.Backward(a) }},
		{"Backward other graph", func() { g.Backward(Sum(other)) }},
		{"HVP direction", func() {
			g.HVP([]*mat.Dense{mat.NewDense(3, 4, nil)}, loss, []*Node{a}, []*mat.Dense{mat.NewDense(4, 3, nil)})
		}},
		{"HVP destination", func() {
			g.HVP([]*mat.Dense{mat.NewDense(1, 1, nil)}, loss, []*Node{a}, []*mat.Dense{mat.NewDense(3, 4, nil)})
		}},
		{"HVP count", func() { g.HVP(nil, loss, []*Node{a}, nil) }},
		{"HVP not a param", func() {
			g.HVP([]*mat.Dense{mat.NewDense(1, 1, nil)}, loss, []*Node{loss}, []*mat.Dense{mat.NewDense(1, 1, nil)})
		}},
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

// TestElementwiseSlicePaths checks that the slice-at-a-time forward and
// backward passes of the hot activations give the bits of the per-entry
// definitions (f, and x̄ += ȳ·φ′), at special values too.
func TestElementwiseSlicePaths(t *testing.T) {
	special := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, -0.5, 1e-300, -1e-300, 20, -20, 40, -40,
		709.7, -709.7, 745.2, -745.2, 1000, -1000, math.MaxFloat64, -math.MaxFloat64,
		math.Inf(1), math.Inf(-1), math.NaN()}
	rng := newRand(12, 0)
	x := append([]float64(nil), special...)
	for range 200 {
		x = append(x, 10*rng.NormFloat64())
	}
	// Signals, crossed with the inputs: finite, zero and non-finite.
	yb := make([]float64, len(x))
	for i := range yb {
		yb[i] = special[(i*7+3)%len(special)]
		if i%3 == 0 {
			yb[i] = rng.NormFloat64()
		}
	}
	ops := map[string]*elementwise{"identity": identityOp, "logistic": logisticOp, "tanh": tanhOp, "relu": reluOp, "softplus": softplusOp, "exp": expOp}
	for name, o := range ops {
		if o.fwd == nil || (o.bwd == nil && o != expOp) {
			t.Errorf("%s: no slice path", name)
			continue
		}
		y := make([]float64, len(x))
		o.fwd(y, x)
		xb := make([]float64, len(x))
		for i := range xb {
			xb[i] = float64(i%5) - 2 // accumulate into non-zero signals
		}
		want := append([]float64(nil), xb...)
		if o.bwd != nil {
			o.bwd(xb, yb, x, y)
		} else {
			o.backward([]*mat.Dense{mat.NewDense(1, len(xb), xb)}, mat.NewDense(1, len(yb), yb), mat.NewDense(1, len(y), y), []*mat.Dense{mat.NewDense(1, len(x), x)})
		}
		for i, v := range x {
			if f := o.f(v); math.Float64bits(y[i]) != math.Float64bits(f) {
				t.Errorf("%s forward at x=%v: %v, per entry %v", name, v, y[i], f)
			}
			want[i] += yb[i] * o.d1(v, o.f(v))
			if math.Float64bits(xb[i]) != math.Float64bits(want[i]) && !(math.IsNaN(xb[i]) && math.IsNaN(want[i])) {
				t.Errorf("%s backward at x=%v, ȳ=%v: %v, per entry %v", name, v, yb[i], xb[i], want[i])
			}
		}
	}
}

// TestSoftmaxCrossEntropyOfSame checks that the loss reading a softmax
// node's output is the loss of the logits bit for bit: value, signals of
// the logits and targets, and the Hessian-vector product.
func TestSoftmaxCrossEntropyOfSame(t *testing.T) {
	rng := newRand(13, 0)
	z0, t0 := normal(5, 4)(rng), uniform(5, 4, 0, 1)(rng)
	v := []*mat.Dense{normal(5, 4)(rng), normal(5, 4)(rng)}
	run := func(of bool) (loss float64, grads, hv []*mat.Dense) {
		g := New()
		z, tn := g.Param("z", mat.DenseCopyOf(z0)), g.Param("t", mat.DenseCopyOf(t0))
		var l *Node
		if of {
			y := Softmax(z)
			l = SoftmaxCrossEntropyOf(y, tn)
		} else {
			l = SoftmaxCrossEntropy(z, tn)
		}
		g.Forward()
		g.Backward(l)
		grads = []*mat.Dense{mat.DenseCopyOf(z.Grad()), mat.DenseCopyOf(tn.Grad())}
		hv = []*mat.Dense{mat.NewDense(5, 4, nil), mat.NewDense(5, 4, nil)}
		g.HVP(hv, l, []*Node{z, tn}, v)
		return l.Scalar(), grads, hv
	}
	l1, g1, h1 := run(false)
	l2, g2, h2 := run(true)
	if math.Float64bits(l1) != math.Float64bits(l2) {
		t.Errorf("loss %v, from the softmax node %v", l1, l2)
	}
	for i := range g1 {
		if !slices.Equal(raw(g1[i]), raw(g2[i])) {
			t.Errorf("signal %d differs:\n%v\n%v", i, raw(g1[i]), raw(g2[i]))
		}
		if !slices.Equal(raw(h1[i]), raw(h2[i])) {
			t.Errorf("HVP %d differs:\n%v\n%v", i, raw(h1[i]), raw(h2[i]))
		}
	}
}

// TestRowMax checks rowMax against a fold of math.Max, bit for bit, on
// rows of special values.
func TestRowMax(t *testing.T) {
	special := []float64{0, math.Copysign(0, -1), 1, -1, math.Inf(1), math.Inf(-1), math.NaN(), math.Float64frombits(0x7ff4000000000123), math.MaxFloat64}
	rng := newRand(15, 0)
	for range 20000 {
		row := make([]float64, 1+rng.IntN(5))
		for i := range row {
			row[i] = special[rng.IntN(len(special))]
		}
		want := row[0]
		for _, v := range row[1:] {
			want = math.Max(want, v)
		}
		got := rowMax(row)
		if math.Float64bits(got) != math.Float64bits(want) && !(runtime.GOARCH != "amd64" && math.IsNaN(got) && math.IsNaN(want)) {
			t.Fatalf("rowMax(%v) = %v (%#x), math.Max folds to %v (%#x)", row, got, math.Float64bits(got), want, math.Float64bits(want))
		}
	}
}

// TestSoftmaxRowsPerEntry checks softmaxRows, which takes the exponentials
// and logarithms a vector at a time, against the per-entry arithmetic it
// replaced, bit for bit (any NaN for a NaN), for rows of 1 to 12
// classes holding large, tiny, infinite and NaN logits.
func TestSoftmaxRowsPerEntry(t *testing.T) {
	ref := func(y, z []float64, k int, lse []float64) {
		for i := 0; i < len(z); i += k {
			zr, yr := z[i:i+k], y[i:i+k]
			m := zr[0]
			for _, v := range zr[1:] {
				m = math.Max(m, v)
			}
			var s float64
			for j, v := range zr {
				yr[j] = math.Exp(v - m)
				s += yr[j]
			}
			for j := range yr {
				yr[j] /= s
			}
			if lse != nil {
				lse[i/k] = m + math.Log(s)
			}
		}
	}
	special := []float64{0, math.Copysign(0, -1), 800, -800, 1e-300, 745, -745, math.Inf(1), math.Inf(-1), math.NaN(), math.MaxFloat64}
	rng := newRand(14, 0)
	for trial := range 400 {
		k, n := 1+rng.IntN(12), 1+rng.IntN(40)
		z := make([]float64, n*k)
		for i := range z {
			z[i] = 5 * rng.NormFloat64()
			if trial%4 == 0 && rng.IntN(8) == 0 {
				z[i] = special[rng.IntN(len(special))]
			}
		}
		got, want := make([]float64, n*k), make([]float64, n*k)
		gl, wl := make([]float64, 2*n), make([]float64, n)
		softmaxRows(got, z, k, gl)
		gl = gl[:n]
		ref(want, z, k, wl)
		same := func(a, b []float64) bool {
			for i := range a {
				// A NaN's payload after NaN + NaN depends on which operand
				// the compiler puts first, which Go leaves open.
				if math.IsNaN(a[i]) && math.IsNaN(b[i]) {
					continue
				}
				if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
					return false
				}
			}
			return true
		}
		if !same(got, want) || !same(gl, wl) {
			for i := range got {
				if !same(got[i:i+1], want[i:i+1]) {
					t.Errorf("y[%d] (row %v): %v (%#x), want %v (%#x)", i, z[i/k*k:i/k*k+k], got[i], math.Float64bits(got[i]), want[i], math.Float64bits(want[i]))
				}
			}
			for i := range gl {
				if !same(gl[i:i+1], wl[i:i+1]) {
					t.Errorf("lse[%d] (row %v): %v (%#x), want %v (%#x)", i, z[i*k:i*k+k], gl[i], math.Float64bits(gl[i]), wl[i], math.Float64bits(wl[i]))
				}
			}
			t.Fatalf("trial %d (%d×%d): softmaxRows differs from the per-entry arithmetic", trial, n, k)
		}
		softmaxRows(got, z, k, nil)
		if !same(got, want) {
			t.Fatalf("trial %d: without lse, softmaxRows differs", trial)
		}
	}
}
