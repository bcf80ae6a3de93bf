package graph

import (
	"fmt"

	"github.com/mlptrain/mlptrain/internal/vmath"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/mat"
)

// op32 is the float32 pass of an op, the ability every op of a float32
// graph (New32) must have. Its arithmetic follows the float64 passes
// beside it in the op's file, in float32, except that sums over a whole
// batch (the losses, Sum) accumulate in float64 and round once.
type op32 interface {
	// forward32 sets out from the input values.
	forward32(out *blas32.General, in []*blas32.General)
	// backward32 ADDS each input's vector-Jacobian product into inBar[i]
	// (nil: skip), except where set[i] is true, which it SETS. set is nil
	// for an op without the setter ability, which only adds.
	backward32(inBar []*blas32.General, set []bool, outBar, out *blas32.General, in []*blas32.General)
}

// new32 returns a zero r×c float32 matrix, contiguous.
func new32(r, c int) *blas32.General {
	return &blas32.General{Rows: r, Cols: c, Stride: c, Data: make([]float32, r*c)}
}

// raw32 returns the contiguous backing slice of a float32 graph buffer.
func raw32(m *blas32.General) []float32 { return m.Data[:m.Rows*m.Cols] }

// isSet reports whether backward32 should set, not add into, input i.
func isSet(set []bool, i int) bool { return set != nil && set[i] }

// precision panics if a float64 node (f32 false) is asked of a float32
// graph or the other way round.
func (g *Graph) precision(name string, f32 bool) {
	if g.f32 != f32 {
		want := "float64"
		if g.f32 {
			want = "float32"
		}
		panic(fmt.Sprintf("graph: %s: a %s graph", name, want))
	}
}

// contiguous32 panics unless m is contiguous.
func contiguous32(name string, m *blas32.General) {
	if m.Stride != m.Cols && m.Rows > 1 {
		panic(fmt.Sprintf("graph: %s: matrix must be contiguous (stride %d, cols %d)", name, m.Stride, m.Cols))
	}
}

// Const32 adds a constant node of a float32 graph that shares m's
// storage. It panics if m is not contiguous or the graph is a float64 one.
func (g *Graph) Const32(name string, m *blas32.General) *Node {
	g.precision(name, true)
	contiguous32(name, m)
	return g.add(&Node{name: name, kind: KindConst, value32: m})
}

// Param32 adds a trainable parameter of a float32 graph that shares w's
// storage, as Param does. Backward leaves ∂L/∂w in its Grad32. It panics
// if w is not contiguous or the graph is a float64 one.
func (g *Graph) Param32(name string, w *blas32.General) *Node {
	g.precision(name, true)
	contiguous32(name, w)
	n := g.add(&Node{name: name, kind: KindParam, value32: w, bar32: new32(w.Rows, w.Cols)})
	g.params = append(g.params, n)
	return n
}

// Value32 returns the node's value in a float32 graph, as Value does in a
// float64 one; nil in a float64 graph.
func (n *Node) Value32() *blas32.General { return n.value32 }

// Grad32 returns the node's error signal in a float32 graph, as Grad does
// in a float64 one; nil in a float64 graph or where no parameter flows in.
func (n *Node) Grad32() *blas32.General { return n.bar32 }

// Fill copies src into the node's value (an Input's, for a batch),
// rounding it to float32 in a float32 graph, so that callers feed either
// precision from float64 data. It panics if the shapes differ.
func (n *Node) Fill(src *mat.Dense) {
	r, c := src.Dims()
	if r != n.rows || c != n.cols {
		panic(fmt.Sprintf("graph: Fill %s %d×%d from %d×%d", n.name, n.rows, n.cols, r, c))
	}
	if v := n.value32; v != nil {
		s := src.RawMatrix()
		for i := range r {
			vmath.Narrow(v.Data[i*v.Stride:][:c], s.Data[i*s.Stride:][:c])
		}
		return
	}
	n.value.Copy(src)
}

// CopyValue copies the node's value into dst, widening a float32 one
// (exactly). It panics if the shapes differ.
func (n *Node) CopyValue(dst *mat.Dense) {
	r, c := dst.Dims()
	if r != n.rows || c != n.cols {
		panic(fmt.Sprintf("graph: CopyValue of %s %d×%d into %d×%d", n.name, n.rows, n.cols, r, c))
	}
	if v := n.value32; v != nil {
		d := dst.RawMatrix()
		for i := range r {
			dr, vr := d.Data[i*d.Stride:][:c], v.Data[i*v.Stride:][:c]
			for j, x := range vr {
				dr[j] = float64(x)
			}
		}
		return
	}
	dst.Copy(n.value)
}

// hasBar reports whether the node carries an error signal.
func (n *Node) hasBar() bool { return n.bar != nil || n.bar32 != nil }

// newOp32 is newOp for a float32 graph.
func newOp32(name string, o op, r, c int, in []*Node) *Node {
	if _, ok := o.(op32); !ok {
		panic(fmt.Sprintf("graph: op %s has no float32 pass", name))
	}
	n := &Node{kind: KindOp, opName: name, op: o, in: in, value32: new32(r, c)}
	n.inVal32 = make([]*blas32.General, len(in))
	n.inBar32 = make([]*blas32.General, len(in))
	grad := false
	for i, x := range in {
		n.inVal32[i] = x.value32
		n.inBar32[i] = x.bar32
		grad = grad || x.bar32 != nil
	}
	if grad {
		n.bar32 = new32(r, c)
	}
	if _, ok := o.(setter); ok {
		n.set = make([]bool, len(in))
	}
	return n.in[0].g.add(n)
}

// forward32 is Forward for a float32 graph.
func (g *Graph) forward32() {
	if g.fusedN != len(g.nodes) {
		g.planFusion()
	}
	for _, n := range g.nodes {
		switch {
		case n.fusion != nil:
			n.fusion.forward32()
		case n.op != nil && !n.fused:
			n.op.(op32).forward32(n.value32, n.inVal32)
		}
	}
}

// addInto32 adds alpha·x into dst elementwise.
func addInto32(dst, x []float32, alpha float32) {
	x = x[:len(dst)]
	if alpha == 1 {
		vmath.Add32(dst, x) // alpha·v is v, bit for bit
		return
	}
	for i, v := range x {
		dst[i] += alpha * v
	}
}

// setOrAdd32 sets dst to x (set) or adds x into it.
func setOrAdd32(dst, x []float32, set bool) {
	if set {
		copy(dst, x)
		return
	}
	addInto32(dst, x, 1)
}
