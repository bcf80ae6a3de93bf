package graph

import (
	"fmt"
	"runtime"

	gemmpkg "github.com/mlptrain/mlptrain/internal/gemm"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/mat"
)

// Kind says what a node is: a variable (input, parameter, constant) or an
// operation.
type Kind int

// The kinds of node.
const (
	KindInput Kind = iota // data fed in before each Forward; no error signal
	KindParam             // a trainable parameter; Backward leaves ∂L/∂θ in Grad
	KindConst             // a fixed matrix; no error signal
	KindOp                // the result of an operation on other nodes
)

func (k Kind) String() string {
	switch k {
	case KindInput:
		return "input"
	case KindParam:
		return "param"
	case KindConst:
		return "const"
	default:
		return "op"
	}
}

// op is one operation. Its buffers (saved context such as softmax
// probabilities) are allocated when the op is made, never in a pass.
type op interface {
	// forward sets out from the input values.
	forward(out *mat.Dense, in []*mat.Dense)
	// backward ADDS each input's vector-Jacobian product into inBar[i];
	// fan-out sums. It never assigns. inBar[i] is nil for an input that
	// carries no error signal (data, constants): skip its work.
	backward(inBar []*mat.Dense, outBar, out *mat.Dense, in []*mat.Dense)
}

// setter is the optional ability of an op to set an input's signal
// instead of adding to it. Backward asks for it where the op is the only
// contributor to that signal in the pass, which then need not be zeroed
// first: for a first layer's weights, W̄ = Xᵀ·z̄ is the only contribution,
// and zeroing W̄ before adding it was a pass over the largest matrix of the
// step (and the product then read it back).
type setter interface {
	// backwardSet is backward, except that it SETS inBar[i] to the
	// input's vector-Jacobian product where set[i] is true.
	backwardSet(inBar []*mat.Dense, set []bool, outBar, out *mat.Dense, in []*mat.Dense)
}

// tangentOp is the optional ability to run the Pearlmutter R-operator of an
// op: the directional derivative of forward and of backward along the
// input tangents. HVP needs every op on the path to the loss to have it.
type tangentOp interface {
	// forwardDot sets outDot = J·inDot (a Jacobian-vector product).
	forwardDot(outDot, out *mat.Dense, in, inDot []*mat.Dense)
	// backwardDot ADDS R{inBar[i]}, the tangent of backward's result, into
	// inBarDot[i] (nil where inBar[i] is nil).
	backwardDot(inBarDot []*mat.Dense, outBar, outBarDot, out, outDot *mat.Dense, in, inDot []*mat.Dense)
}

// Graph is a computation graph over dense float64 matrices whose rows are
// the examples of a minibatch. Nodes are kept in creation order, which is a
// topological order: Forward walks it forwards, Backward backwards.
//
// A Graph is built once and run many times. It is not safe for concurrent
// use.
type Graph struct {
	nodes  []*Node
	params []*Node
	tanN   int    // nodes[:tanN] have tangent buffers
	live   []bool // scratch for onPath, reused
	// planned is the loss whose backward pass live and the set flags
	// describe, or nil: the nodes a loss depends on never change, since a
	// graph only grows, so a training loop plans its loss once.
	planned *Node
	zeros   zeroer // Backward's zeroing of the signals

	fusedN int // nodes[:fusedN] are planned for fusion in Forward

	// Scratch for Backward, reused: each signal's number of contributions
	// in the pass and the op and input slot of the last one.
	contrib  []int32
	by       []*Node
	slot     []int32
	toZero   []*mat.Dense
	toZero32 []*blas32.General

	// f32: the graph computes in float32 (New32): its nodes hold value32
	// and bar32 in place of value and bar, and its ops run their float32
	// passes (op32).
	f32 bool
}

// Node is a variable or an operation in a Graph.
type Node struct {
	g      *Graph
	id     int
	name   string
	kind   Kind
	opName string
	op     op
	in     []*Node
	value  *mat.Dense
	bar    *mat.Dense // x̄ = ∂L/∂x; nil where no parameter is upstream
	rows   int        // the shape of value (or value32)
	cols   int

	// The float32 twins of value, bar, inVal and inBar, in a graph made
	// by New32 (which leaves the float64 ones nil).
	value32, bar32   *blas32.General
	inVal32, inBar32 []*blas32.General

	inVal []*mat.Dense // in[i].value, built once
	inBar []*mat.Dense // in[i].bar, built once
	// set[i]: this op is the only contributor to in[i]'s signal in the
	// backward pass in progress, and sets it (ops that are setters only).
	set []bool
	// fusion, on a MatMul, computes it and the bias and activation after
	// it in one pass; fused marks those two, which Forward then skips.
	fusion *fusion
	fused  bool

	// Tangents for HVP, allocated on the first HVP call.
	dot, barDot     *mat.Dense
	inDot, inBarDot []*mat.Dense
}

// New returns an empty graph.
func New() *Graph { return &Graph{} }

// New32 returns an empty graph that computes in float32: values, error
// signals and the ops' saved context are float32 (Value32, Grad32,
// Param32), while each loss accumulates its sum in float64 before
// rounding it. Every op has a float32 pass (op32) except HVP's tangents:
// HVP, like a gradient check, runs in float64 only.
func New32() *Graph { return &Graph{f32: true} }

// Float32 reports whether the graph computes in float32 (New32).
func (g *Graph) Float32() bool { return g.f32 }

// Nodes returns the nodes in topological (creation) order. The slice must
// not be modified.
func (g *Graph) Nodes() []*Node { return g.nodes }

// Params returns the parameter nodes in creation order.
func (g *Graph) Params() []*Node { return g.params }

func (g *Graph) add(n *Node) *Node {
	n.g = g
	switch {
	case n.value != nil:
		n.rows, n.cols = n.value.Dims()
	case n.value32 != nil:
		n.rows, n.cols = n.value32.Rows, n.value32.Cols
	}
	n.id = len(g.nodes)
	if n.name == "" {
		n.name = fmt.Sprintf("%s%d", n.kindName(), n.id)
	}
	g.nodes = append(g.nodes, n)
	return n
}

func contiguous(name string, m *mat.Dense) {
	r, c := m.Dims()
	if raw := m.RawMatrix(); raw.Stride != c && r > 1 {
		panic(fmt.Sprintf("graph: %s: matrix must be contiguous (stride %d, cols %d)", name, raw.Stride, c))
	}
}

// Input adds a data node of r×c values, zero until the caller fills Value.
// No error signal is computed for it.
func (g *Graph) Input(name string, r, c int) *Node {
	if g.f32 {
		return g.add(&Node{name: name, kind: KindInput, value32: new32(r, c)})
	}
	return g.add(&Node{name: name, kind: KindInput, value: mat.NewDense(r, c, nil)})
}

// Const adds a constant node that shares m's storage. It panics if m is
// not contiguous, or if the graph is a float32 one (use Const32).
func (g *Graph) Const(name string, m *mat.Dense) *Node {
	g.precision(name, false)
	contiguous(name, m)
	return g.add(&Node{name: name, kind: KindConst, value: m})
}

// Param adds a trainable parameter that shares w's storage, so several
// graphs (say, for two batch sizes) can train the same weights. Backward
// leaves ∂L/∂w in its Grad. It panics if w is not contiguous.
func (g *Graph) Param(name string, w *mat.Dense) *Node {
	g.precision(name, false)
	contiguous(name, w)
	r, c := w.Dims()
	n := g.add(&Node{name: name, kind: KindParam, value: w, bar: mat.NewDense(r, c, nil)})
	g.params = append(g.params, n)
	return n
}

// newOp adds an operation node with an r×c output. The output carries an
// error signal if any input does.
func newOp(name string, o op, r, c int, in ...*Node) *Node {
	g := in[0].g
	for _, x := range in[1:] {
		if x.g != g {
			panic(fmt.Sprintf("graph: %s: inputs from different graphs", name))
		}
	}
	if g.f32 {
		return newOp32(name, o, r, c, in)
	}
	n := &Node{kind: KindOp, opName: name, op: o, in: in, value: mat.NewDense(r, c, nil)}
	n.inVal = make([]*mat.Dense, len(in))
	n.inBar = make([]*mat.Dense, len(in))
	grad := false
	for i, x := range in {
		n.inVal[i] = x.value
		n.inBar[i] = x.bar
		grad = grad || x.bar != nil
	}
	if grad {
		n.bar = mat.NewDense(r, c, nil)
	}
	if _, ok := o.(setter); ok {
		n.set = make([]bool, len(in))
	}
	return g.add(n)
}

// Named sets the node's name, for dumps and messages, and returns the node.
func (n *Node) Named(name string) *Node { n.name = name; return n }

// Name returns the node's name.
func (n *Node) Name() string { return n.name }

// ID returns the node's position in topological order.
func (n *Node) ID() int { return n.id }

// Kind returns what the node is.
func (n *Node) Kind() Kind { return n.kind }

// Op returns the operation's name ("matmul", "tanh", ...), or the kind for
// a variable.
func (n *Node) Op() string {
	if n.kind == KindOp {
		return n.opName
	}
	return n.kind.String()
}

func (n *Node) kindName() string {
	if n.kind == KindOp {
		return n.opName
	}
	return n.kind.String()
}

// Inputs returns the node's operands.
func (n *Node) Inputs() []*Node { return n.in }

// Dims returns the shape of the node's value.
func (n *Node) Dims() (r, c int) { return n.rows, n.cols }

// Value returns the node's value: the buffer to fill for an Input, the
// shared matrix of a Param or Const, the result of the last Forward for an
// op. It is nil in a float32 graph (Value32).
func (n *Node) Value() *mat.Dense { return n.value }

// Grad returns the error signal x̄ = ∂L/∂x left by the last Backward, or nil
// for a node no parameter flows into. It is nil in a float32 graph (Grad32).
func (n *Node) Grad() *mat.Dense { return n.bar }

// Scalar returns the value of a 1×1 node. It panics for any other shape.
func (n *Node) Scalar() float64 {
	if r, c := n.Dims(); r != 1 || c != 1 {
		panic(fmt.Sprintf("graph: Scalar of %s, a %d×%d node", n.name, r, c))
	}
	if n.value32 != nil {
		return float64(n.value32.Data[0])
	}
	return n.value.At(0, 0)
}

// Forward evaluates every operation in topological order.
func (g *Graph) Forward() {
	if g.f32 {
		g.forward32()
		return
	}
	if g.fusedN != len(g.nodes) {
		g.planFusion()
	}
	for _, n := range g.nodes {
		switch {
		case n.fusion != nil:
			n.fusion.forward()
		case n.op != nil && !n.fused:
			n.op.forward(n.value, n.inVal)
		}
	}
}

func checkLoss(g *Graph, loss *Node) {
	if loss.g != g {
		panic("graph: loss from another graph")
	}
	if r, c := loss.Dims(); r != 1 || c != 1 {
		panic(fmt.Sprintf("graph: loss %s is %d×%d, want 1×1", loss.name, r, c))
	}
}

// onPath marks the nodes loss depends on, loss included, reusing g.live.
func (g *Graph) onPath(loss *Node) []bool {
	g.planned = nil
	if cap(g.live) < len(g.nodes) {
		g.live = make([]bool, len(g.nodes))
	}
	live := g.live[:loss.id+1]
	clear(live)
	live[loss.id] = true
	for i := loss.id; i >= 0; i-- {
		if live[i] {
			for _, x := range g.nodes[i].in {
				live[x.id] = true
			}
		}
	}
	return live
}

// zeroParamsAfter zeroes the signals of the parameters made after loss,
// which loss cannot depend on.
func (g *Graph) zeroParamsAfter(loss *Node) {
	for _, p := range g.params {
		switch {
		case p.id <= loss.id:
		case p.bar32 != nil:
			clear(raw32(p.bar32))
		default:
			p.bar.Zero()
			if p.barDot != nil {
				p.barDot.Zero()
			}
		}
	}
}

// Backward computes the error signals x̄ = ∂loss/∂x of every node up to loss
// by walking the graph in reverse topological order; each op adds its
// inputs' vector-Jacobian products, so fan-out sums. It zeroes the signals
// itself and needs a preceding Forward. The ops loss does not depend on are
// skipped; their signals, and the Grad of every parameter loss does not
// depend on, are left zero (ops made after loss are not touched). It panics
// if loss is not 1×1.
func (g *Graph) Backward(loss *Node) {
	checkLoss(g, loss)
	g.zeroParamsAfter(loss)
	nodes := g.nodes[:loss.id+1]
	if !loss.hasBar() { // no parameter reaches the loss
		g.planned = nil
		g.toZero, g.toZero32 = g.toZero[:0], g.toZero32[:0]
		for _, n := range nodes {
			switch {
			case n.bar != nil:
				g.toZero = append(g.toZero, n.bar)
			case n.bar32 != nil:
				g.toZero32 = append(g.toZero32, n.bar32)
			}
		}
		g.zeroSignals()
		return
	}
	live := g.live
	if g.planned == loss {
		g.zeroSignals()
	} else {
		live = g.onPath(loss)
		g.planSignals(nodes, live)
		g.planned = loss
	}
	if loss.bar32 != nil {
		loss.bar32.Data[0] = 1
	} else {
		loss.bar.Set(0, 0, 1)
	}
	for i := loss.id; i >= 0; i-- {
		if n := g.nodes[i]; live[i] && n.op != nil && n.hasBar() {
			n.backward()
		}
	}
}

// backward runs the node's op's backward pass, in the graph's precision,
// setting the signals planSignals marked and adding into the others.
func (n *Node) backward() {
	switch {
	case n.bar32 != nil:
		n.op.(op32).backward32(n.inBar32, n.set, n.bar32, n.value32, n.inVal32)
	case n.set != nil:
		n.op.(setter).backwardSet(n.inBar, n.set, n.bar, n.value, n.inVal)
	default:
		n.op.backward(n.inBar, n.bar, n.value, n.inVal)
	}
}

// zeroSignals zeroes the signals planned to be zeroed, of either
// precision.
func (g *Graph) zeroSignals() {
	g.zeros.zero(g.toZero)
	g.zeros.zero32(g.toZero32)
}

// planSignals prepares the signals of nodes for a backward pass over the
// live ones: a signal with exactly one contribution, from an op that can
// set it, is left to that op; every other signal is zeroed, so that its
// contributions add up from 0 (and one with none reads 0).
func (g *Graph) planSignals(nodes []*Node, live []bool) {
	n := len(nodes)
	if cap(g.contrib) < len(g.nodes) {
		g.contrib = make([]int32, len(g.nodes))
		g.by = make([]*Node, len(g.nodes))
		g.slot = make([]int32, len(g.nodes))
	}
	contrib, by, slot := g.contrib[:n], g.by[:n], g.slot[:n]
	clear(contrib)
	for i, u := range nodes {
		clear(u.set)
		if !live[i] || u.op == nil || !u.hasBar() {
			continue
		}
		for k, x := range u.in {
			if x.hasBar() {
				contrib[x.id]++
				by[x.id], slot[x.id] = u, int32(k)
			}
		}
	}
	g.toZero, g.toZero32 = g.toZero[:0], g.toZero32[:0]
	for i, x := range nodes {
		if !x.hasBar() {
			continue
		}
		if contrib[i] == 1 && by[i].set != nil {
			by[i].set[slot[i]] = true
			continue
		}
		if g.f32 {
			g.toZero32 = append(g.toZero32, x.bar32)
		} else {
			g.toZero = append(g.toZero, x.bar)
		}
	}
	clear(by) // drop the references to the nodes
	g.zeroSignals()
}

// zeroer zeroes the error signals of nodes before a backward pass: the
// small ones at once, the large ones (a first layer's weight signal is
// 784×256 for MNIST) in chunks shared with gemm's workers.
type zeroer struct {
	chunks []chunk
	run    func(part int) // z.part, made once
}

type chunk struct {
	data   []float64
	data32 []float32
	lo, hi int
}

// Signals of at least parallelZero entries are zeroed in parallel chunks
// of zeroChunk entries.
const (
	parallelZero = 1 << 16
	zeroChunk    = 1 << 14
)

// zero zeroes the matrices ms.
func (z *zeroer) zero(ms []*mat.Dense) {
	z.chunks = z.chunks[:0]
	serial := runtime.GOMAXPROCS(0) == 1
	for _, m := range ms {
		d := raw(m)
		if serial || len(d) < parallelZero {
			clear(d)
			continue
		}
		for lo := 0; lo < len(d); lo += zeroChunk {
			z.chunks = append(z.chunks, chunk{data: d, lo: lo, hi: min(lo+zeroChunk, len(d))})
		}
	}
	if len(z.chunks) == 0 {
		return
	}
	if z.run == nil {
		z.run = z.part
	}
	gemmpkg.Parallel(len(z.chunks), z.run)
	clear(z.chunks) // drop the references to the signals
}

func (z *zeroer) part(k int) {
	c := z.chunks[k]
	if c.data32 != nil {
		clear(c.data32[c.lo:c.hi])
		return
	}
	clear(c.data[c.lo:c.hi])
}

// zero32 zeroes the float32 matrices ms, as zero does.
func (z *zeroer) zero32(ms []*blas32.General) {
	z.chunks = z.chunks[:0]
	serial := runtime.GOMAXPROCS(0) == 1
	for _, m := range ms {
		d := raw32(m)
		if serial || len(d) < parallelZero {
			clear(d)
			continue
		}
		for lo := 0; lo < len(d); lo += zeroChunk {
			z.chunks = append(z.chunks, chunk{data32: d, lo: lo, hi: min(lo+zeroChunk, len(d))})
		}
	}
	if len(z.chunks) == 0 {
		return
	}
	if z.run == nil {
		z.run = z.part
	}
	gemmpkg.Parallel(len(z.chunks), z.run)
	clear(z.chunks)
}

// allocTangents gives the nodes made since its last call their tangent
// buffers.
func (g *Graph) allocTangents() {
	added := g.nodes[g.tanN:]
	for _, n := range added {
		if n.op != nil {
			if _, ok := n.op.(tangentOp); !ok {
				panic(fmt.Sprintf("graph: op %s has no tangent: HVP unsupported", n.opName))
			}
		}
		r, c := n.Dims()
		n.dot = mat.NewDense(r, c, nil)
		if n.bar != nil {
			n.barDot = mat.NewDense(r, c, nil)
		}
	}
	for _, n := range added {
		n.inDot = make([]*mat.Dense, len(n.in))
		n.inBarDot = make([]*mat.Dense, len(n.in))
		for i, x := range n.in {
			n.inDot[i] = x.dot
			n.inBarDot[i] = x.barDot
		}
	}
	g.tanN = len(g.nodes)
}

// HVP computes the Hessian-vector products dst[i] = Σ_j ∂²loss/∂θ_i∂θ_j · v[j]
// for the parameters params with direction v, exactly and without forming
// the Hessian: it runs the forward and backward passes together with their
// directional derivatives along v (Pearlmutter's R-operator, i.e.
// forward-over-reverse differentiation). Parameters not in params have a
// zero direction. It also leaves the gradient in each node's Grad, as
// Backward does. The first call allocates the tangent buffers.
//
// It panics if the shapes of v or dst differ from the parameters', if a
// node in params is not a parameter, or if loss is not 1×1.
func (g *Graph) HVP(dst []*mat.Dense, loss *Node, params []*Node, v []*mat.Dense) {
	checkLoss(g, loss)
	if g.f32 {
		panic("graph: HVP of a float32 graph")
	}
	if len(v) != len(params) || len(dst) != len(params) {
		panic("graph: HVP needs one direction and one destination per parameter")
	}
	g.allocTangents()
	for _, n := range g.nodes {
		if n.op == nil {
			n.dot.Zero()
		}
	}
	for i, p := range params {
		if p.kind != KindParam || p.g != g {
			panic(fmt.Sprintf("graph: HVP: %s is not a parameter of this graph", p.name))
		}
		sameShape("HVP direction", p.value, v[i])
		sameShape("HVP destination", p.value, dst[i])
		p.dot.Copy(v[i])
	}
	for _, n := range g.nodes[:loss.id+1] {
		if n.op != nil {
			n.op.forward(n.value, n.inVal)
			n.op.(tangentOp).forwardDot(n.dot, n.value, n.inVal, n.inDot)
		}
		if n.bar != nil {
			n.bar.Zero()
			n.barDot.Zero()
		}
	}
	g.zeroParamsAfter(loss)
	if loss.bar != nil {
		live := g.onPath(loss)
		loss.bar.Set(0, 0, 1)
		for i := loss.id; i >= 0; i-- {
			n := g.nodes[i]
			if live[i] && n.op != nil && n.bar != nil {
				n.op.backward(n.inBar, n.bar, n.value, n.inVal)
				n.op.(tangentOp).backwardDot(n.inBarDot, n.bar, n.barDot, n.value, n.dot, n.inVal, n.inDot)
			}
		}
	}
	for i, p := range params {
		dst[i].Copy(p.barDot)
	}
}

func sameShape(what string, a, b mat.Matrix) {
	ar, ac := a.Dims()
	br, bc := b.Dims()
	if ar != br || ac != bc {
		panic(fmt.Sprintf("graph: %s: %d×%d and %d×%d", what, ar, ac, br, bc))
	}
}

// raw returns the contiguous backing slice of a graph buffer.
func raw(m *mat.Dense) []float64 {
	r, c := m.Dims()
	return m.RawMatrix().Data[:r*c]
}
