package graph

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"testing"
)

// unfusedForward runs every op's forward pass one node after the other,
// as Forward did before layers were fused.
func unfusedForward(g *Graph) {
	for _, n := range g.nodes {
		if n.op != nil {
			n.op.forward(n.value, n.inVal)
		}
	}
}

func nodeValues(g *Graph) [][]float64 {
	var out [][]float64
	for _, n := range g.nodes {
		out = append(out, slices.Clone(raw(n.value)))
	}
	return out
}

// TestFusion checks that Forward fuses each layer's product, bias and
// activation, and that every node's value is then bit for bit the value of
// the ops run one by one: for every activation, a softmax output (bias
// only), serial and parallel products, and a graph grown after a Forward.
func TestFusion(t *testing.T) {
	acts := map[string]func(*Node) *Node{"identity": Identity, "threshold": Threshold, "logistic": Logistic,
		"tanh": Tanh, "relu": ReLU, "softplus": Softplus, "sin": Sin, "square": Square}
	for _, procs := range []int{1, 2} {
		prev := runtime.GOMAXPROCS(procs)
		for name, act := range acts {
			for _, sh := range []mlp{{n: 5, d: 3, m: 7, k: 4}, {n: 128, d: 300, m: 256, k: 10}} {
				sh.act, sh.head, sh.targets = act, func(y, t *Node) *Node { return SoftmaxCrossEntropyOf(Softmax(y), t) }, oneHot
				label := fmt.Sprintf("procs=%d/%s/%dx%d-%d-%d", procs, name, sh.n, sh.d, sh.m, sh.k)
				loss, _ := sh.build(newRand(22, 0))
				g := loss.g
				unfusedForward(g)
				want := nodeValues(g)
				for _, n := range g.nodes {
					clear(raw(n.value)) // keep the inputs and parameters
					if n.op == nil {
						copy(raw(n.value), want[n.id])
					}
				}
				g.Forward()
				fusions := 0
				for _, n := range g.nodes {
					if n.fusion != nil {
						fusions++
					}
				}
				// Layer 1: product, bias, activation; layer 2: product and
				// bias (the softmax is not elementwise).
				if fusions != 2 {
					t.Errorf("%s: %d fused layers, want 2", label, fusions)
				}
				for i, v := range nodeValues(g) {
					if !sameFloats(v, want[i]) {
						t.Errorf("%s: node %s differs from the unfused forward pass", label, g.nodes[i].name)
					}
				}
				// A node added after the plan is planned for on the next
				// Forward.
				extra := Sum(Tanh(AddBias(MatMul(g.nodes[0], g.params[0]), g.params[1])))
				g.Forward()
				got := extra.Scalar()
				unfusedForward(g)
				if math.Float64bits(got) != math.Float64bits(extra.Scalar()) {
					t.Errorf("%s: grown graph: %v, unfused %v", label, got, extra.Scalar())
				}
			}
		}
		runtime.GOMAXPROCS(prev)
	}
}

// sameFloats reports whether a and b hold the same bits, NaNs aside.
func sameFloats(a, b []float64) bool {
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return false
		}
	}
	return len(a) == len(b)
}
