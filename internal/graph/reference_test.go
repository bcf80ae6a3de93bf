package graph

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// refBackward is Backward as it was before signals could be set: zero
// every signal up to loss, zero the parameters made after it, and let the
// live ops add their VJPs.
func refBackward(g *Graph, loss *Node) {
	checkLoss(g, loss)
	for _, n := range g.nodes[:loss.id+1] {
		if n.bar != nil {
			n.bar.Zero()
		}
	}
	g.zeroParamsAfter(loss)
	if loss.bar == nil {
		return
	}
	live := make([]bool, loss.id+1)
	live[loss.id] = true
	for i := loss.id; i >= 0; i-- {
		if live[i] {
			for _, x := range g.nodes[i].in {
				live[x.id] = true
			}
		}
	}
	loss.bar.Set(0, 0, 1)
	for i := loss.id; i >= 0; i-- {
		n := g.nodes[i]
		if live[i] && n.op != nil && n.bar != nil {
			n.op.backward(n.inBar, n.bar, n.value, n.inVal)
		}
	}
}

// randNet grows the same random graph in two Graphs, op by op, from one
// stream of choices, so that they stay node for node identical.
type randNet struct {
	rng    *rand.Rand
	gs     [2]*Graph
	n, k   int
	rows   [][2]*Node // n×k nodes
	sq     [][2]*Node // k×k nodes
	bias   [][2]*Node // 1×k nodes
	losses [][2]*Node // 1×1 nodes
	custom bool       // allow Custom ops (no HVP then)
}

func (r *randNet) pick(pool [][2]*Node) [2]*Node { return pool[r.rng.IntN(len(pool))] }

func (r *randNet) both(f func(g int) *Node) [2]*Node { return [2]*Node{f(0), f(1)} }

func (r *randNet) param(rows, cols int) [2]*Node {
	m := normal(rows, cols)(r.rng)
	m.Scale(0.5, m)
	return r.both(func(g int) *Node { return r.gs[g].Param("p", mat.DenseCopyOf(m)) })
}

func (r *randNet) input(rows, cols int) [2]*Node {
	m := normal(rows, cols)(r.rng)
	return r.both(func(g int) *Node {
		x := r.gs[g].Input("x", rows, cols)
		x.Value().Copy(m)
		return x
	})
}

var customDouble = CustomOp{
	Forward: func(out *mat.Dense, in []*mat.Dense) { out.Scale(2, in[0]) },
	Backward: func(inBar []*mat.Dense, outBar, _ *mat.Dense, _ []*mat.Dense) {
		if inBar[0] != nil {
			addInto(inBar[0], outBar, 2)
		}
	},
}

// grow adds about steps random nodes.
func (r *randNet) grow(steps int) {
	acts := []func(*Node) *Node{Identity, Tanh, Logistic, ReLU, Softplus, Sin}
	for range steps {
		switch r.rng.IntN(16) {
		case 0:
			r.rows = append(r.rows, r.input(r.n, r.k))
		case 1:
			r.sq = append(r.sq, r.param(r.k, r.k))
		case 2:
			r.bias = append(r.bias, r.param(1, r.k))
		case 3, 4:
			a, w := r.pick(r.rows), r.pick(r.sq)
			r.rows = append(r.rows, r.both(func(g int) *Node { return MatMul(a[g], w[g]) }))
		case 5:
			a, b := r.pick(r.rows), r.pick(r.rows)
			r.sq = append(r.sq, r.both(func(g int) *Node { return TMatMul(a[g], b[g]) }))
		case 6:
			a, w := r.pick(r.rows), r.pick(r.sq)
			r.rows = append(r.rows, r.both(func(g int) *Node { return MatMulT(a[g], w[g]) }))
		case 7, 8:
			a, b := r.pick(r.rows), r.pick(r.bias)
			r.rows = append(r.rows, r.both(func(g int) *Node { return AddBias(a[g], b[g]) }))
		case 9:
			a := r.pick(r.rows)
			act := acts[r.rng.IntN(len(acts))]
			r.rows = append(r.rows, r.both(func(g int) *Node { return act(a[g]) }))
		case 10:
			a, b := r.pick(r.rows), r.pick(r.rows)
			op := []func(a, b *Node) *Node{Add, Sub, Mul}[r.rng.IntN(3)]
			r.rows = append(r.rows, r.both(func(g int) *Node { return op(a[g], b[g]) }))
		case 11:
			a, b := r.pick(r.sq), r.pick(r.sq)
			r.sq = append(r.sq, r.both(func(g int) *Node { return MatMul(a[g], b[g]) }))
		case 12:
			a := r.pick(r.rows)
			if r.custom {
				r.rows = append(r.rows, r.both(func(g int) *Node { return Custom("double", customDouble, r.n, r.k, a[g]) }))
			} else {
				r.rows = append(r.rows, r.both(func(g int) *Node { return Scale(2, a[g]) }))
			}
		case 13:
			a, b := r.pick(r.rows), r.pick(r.rows)
			r.losses = append(r.losses, r.both(func(g int) *Node { return SquaredError(a[g], b[g]) }))
		case 14:
			a := r.pick(r.rows)
			r.losses = append(r.losses, r.both(func(g int) *Node { return Sum(a[g]) }))
		case 15:
			switch r.rng.IntN(3) {
			case 0:
				a, t := r.pick(r.rows), r.pick(r.rows)
				r.losses = append(r.losses, r.both(func(g int) *Node { return SoftmaxCrossEntropyOf(Softmax(a[g]), t[g]) }))
			case 1:
				w, v := r.pick(r.sq), r.pick(r.sq)
				r.losses = append(r.losses, r.both(func(g int) *Node { return L2(0.1, w[g], v[g]) }))
			default:
				if len(r.losses) > 0 {
					a, b := r.pick(r.losses), r.pick(r.losses)
					r.losses = append(r.losses, r.both(func(g int) *Node { return Add(a[g], b[g]) }))
				}
			}
		}
	}
	a := r.pick(r.rows)
	r.losses = append(r.losses, r.both(func(g int) *Node { return Mean(a[g]) }))
}

func sameBits(a, b *mat.Dense) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return sameFloats(raw(a), raw(b))
}

// compare fails unless the two graphs hold the same values and signals.
func (r *randNet) compare(t *testing.T, what string) {
	t.Helper()
	for i, n := range r.gs[0].nodes {
		m := r.gs[1].nodes[i]
		if !sameBits(n.value, m.value) {
			t.Fatalf("%s: value of node %d (%s) differs: %v, reference %v", what, i, n.opName, raw(n.value), raw(m.value))
		}
		if !sameBits(n.bar, m.bar) {
			t.Fatalf("%s: signal of node %d (%s %s) differs: %v, reference %v", what, i, n.Op(), n.name, raw(n.bar), raw(m.bar))
		}
	}
}

// TestSignalsAgainstReference runs random sequences of Forward,
// Backward on various losses, HVP, parameter changes and graph growth on
// one graph with the new Backward and fused Forward, and on a twin with the
// old zero-then-add Backward and op-by-op forward, and wants the same bits
// in every value and every signal after each step.
func TestSignalsAgainstReference(t *testing.T) {
	for _, procs := range []int{1, 2} {
		prev := runtime.GOMAXPROCS(procs)
		for trial := range 40 {
			rng := newRand(uint64(trial), 77)
			r := &randNet{rng: rng, gs: [2]*Graph{New(), New()}, n: 3, k: 4, custom: trial%3 == 0}
			if trial%10 == 9 { // big enough for parallel products and zeroing
				r.n, r.k = 300, 260
			}
			r.rows = append(r.rows, r.input(r.n, r.k))
			r.sq = append(r.sq, r.param(r.k, r.k))
			r.bias = append(r.bias, r.param(1, r.k))
			steps := 25
			if r.n > 3 {
				steps = 8
			}
			r.grow(steps)
			hvpOK := !r.custom
			for step := range 30 {
				what := fmt.Sprintf("procs %d trial %d step %d", procs, trial, step)
				switch rng.IntN(6) {
				case 0, 1, 2:
					loss := r.pick(r.losses)
					r.gs[0].Forward()
					unfusedForward(r.gs[1])
					r.compare(t, what+" forward")
					r.gs[0].Backward(loss[0])
					refBackward(r.gs[1], loss[1])
					r.compare(t, what+" backward "+loss[0].name)
				case 3:
					if !hvpOK {
						continue
					}
					loss := r.pick(r.losses)
					for g := range 2 {
						ps := r.gs[g].params
						v := make([]*mat.Dense, len(ps))
						dst := make([]*mat.Dense, len(ps))
						vr := newRand(uint64(step), 5)
						for i, p := range ps {
							pr, pc := p.Dims()
							v[i] = normal(pr, pc)(vr)
							dst[i] = mat.NewDense(pr, pc, nil)
						}
						r.gs[g].HVP(dst, loss[g], ps, v)
					}
					r.compare(t, what+" hvp")
				case 4: // a parameter moves (an optimizer step, a gradient check)
					ps := r.gs[0].params
					i := rng.IntN(len(ps))
					e := rng.IntN(len(raw(ps[i].value)))
					d := rng.NormFloat64() * 1e-3
					raw(ps[i].value)[e] += d
					raw(r.gs[1].params[i].value)[e] += d
				case 5: // the graph grows
					if r.custom && hvpOK {
						hvpOK = false
					}
					r.grow(1 + rng.IntN(4))
				}
			}
		}
		runtime.GOMAXPROCS(prev)
	}
}

// TestFusionOddPlaces checks fused layers in odd places against the op
// by op forward pass: a bias computed by an op, an activation with other
// consumers, two AddBias on one product, a product whose bias comes after
// it, and a graph grown after Forward with a second activation.
func TestFusionOddPlaces(t *testing.T) {
	for _, procs := range []int{1, 2} {
		prev := runtime.GOMAXPROCS(procs)
		for _, sz := range [][2]int{{3, 5}, {200, 300}} {
			n, k := sz[0], sz[1]
			rng := newRand(3, 3)
			g := New()
			x := g.Input("x", n, k)
			x.Value().Copy(normal(n, k)(rng))
			w := g.Param("W", normal(k, k)(rng))
			b0 := g.Param("b0", normal(1, k)(rng))
			bb := Tanh(AddBias(MatMul(g.Const("one", mat.NewDense(1, k, nil)), w), b0)) // a computed bias
			mm := MatMul(x, w)
			z := AddBias(mm, bb)
			h := ReLU(z)
			z2 := AddBias(mm, b0)
			h2 := Sin(z)
			late := g.Param("late", normal(1, k)(rng))
			z3 := AddBias(MatMul(h, w), late)
			mm4 := MatMul(h2, w)
			bb4 := Logistic(AddBias(MatMul(g.Const("one4", mat.NewDense(1, k, nil)), w), late)) // computed after mm4
			z4 := AddBias(mm4, bb4)
			loss := Add(Sum(Mul(h, h2)), Add(Sum(z2), Add(Sum(Logistic(z3)), Sum(Tanh(z4)))))
			want := func() [][]float64 {
				unfusedForward(g)
				return nodeValues(g)
			}
			check := func(label string) {
				w := want()
				for _, n := range g.nodes {
					if n.op != nil {
						clear(raw(n.value))
					}
				}
				g.Forward()
				for i, v := range nodeValues(g) {
					if !sameFloats(v, w[i]) {
						t.Errorf("procs %d %d×%d %s: node %d %s differs from op by op", procs, n, k, label, i, g.nodes[i].Op())
					}
				}
			}
			check("first")
			_ = Softplus(z2)
			_ = Square(z3)
			check("grown")
			g.Backward(loss)
			got := slices.Clone(raw(w.Grad()))
			refBackward(g, loss)
			if !sameFloats(got, raw(w.Grad())) {
				t.Errorf("procs %d %d×%d: W̄ differs from the reference backward", procs, n, k)
			}
		}
		runtime.GOMAXPROCS(prev)
	}
}
