package graph

import (
	gemmpkg "github.com/mlptrain/mlptrain/internal/gemm"
	"github.com/mlptrain/mlptrain/internal/vmath"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/mat"
)

// fusion is a layer's forward pass in one sweep: the product xw = a·W
// (MatMul), then z = xw + 1·bᵀ (AddBias) and, if there is one, the
// elementwise activation h = φ(z), applied block by block as the product's
// blocks of rows and columns are finished (gemm.GemmThen), while they are
// in cache and on the threads that computed them. Every node keeps its own
// value, bit for bit what the nodes would compute one after the other:
// only the order of the work changes, so Dump, Backward and HVP see the
// same graph.
type fusion struct {
	mm   *Node      // the MatMul
	z    *Node      // the AddBias of mm
	bias *mat.Dense // z's bias row, computed before mm
	// bias32 is bias in a float32 graph.
	bias32 *blas32.General
	act    *elementwise // h's op, or nil
	h      *Node
	then   func(i0, i1, j0, j1 int) // f.block, made once
}

// planFusion finds the MatMul → AddBias (→ elementwise activation) chains
// of the graph. A chain fuses when the AddBias adds to the product a bias
// computed before it; the activation, when the AddBias feeds one, is the
// first elementwise op of it.
func (g *Graph) planFusion() {
	for _, n := range g.nodes {
		n.fusion, n.fused = nil, false
	}
	for _, z := range g.nodes {
		if _, ok := z.op.(addBias); !ok {
			continue
		}
		mm, b := z.in[0], z.in[1]
		if _, ok := mm.op.(matMul); !ok || mm.fusion != nil || b.id >= mm.id {
			continue
		}
		f := &fusion{mm: mm, z: z, bias: b.value, bias32: b.value32}
		for _, h := range g.nodes[z.id+1:] {
			if e, ok := h.op.(*elementwise); ok && h.in[0] == z {
				f.act, f.h = e, h
				break
			}
		}
		f.then = f.block
		if g.f32 {
			f.then = f.block32
		}
		mm.fusion = f
		z.fused = true
		if f.h != nil {
			f.h.fused = true
		}
	}
	g.fusedN = len(g.nodes)
}

func (f *fusion) forward() {
	o := f.mm.op.(matMul)
	a, w := f.mm.inVal[0], f.mm.inVal[1]
	gemmThen(o.tA, o.tB, a, w, f.mm.value, f.then)
}

// block computes z and h on the rows i0..i1 and columns j0..j1 of the
// product, which are final.
func (f *fusion) block(i0, i1, j0, j1 int) {
	_, k := f.z.value.Dims()
	xw, z, b := raw(f.mm.value), raw(f.z.value), raw(f.bias)[j0:j1]
	var h []float64
	if f.h != nil {
		h = raw(f.h.value)
	}
	if j0 == 0 && j1 == k && i1-i0 > 1 {
		// Whole rows: one contiguous stretch, one call of the activation.
		lo, hi := i0*k, i1*k
		zs := z[lo:hi]
		vmath.AddRows(zs, xw[lo:hi], b)
		if h != nil {
			f.activate(h[lo:hi], zs)
		}
		return
	}
	for i := i0; i < i1; i++ {
		zr := z[i*k+j0 : i*k+j1]
		vmath.AddRows(zr, xw[i*k+j0:i*k+j1], b)
		if h == nil {
			continue
		}
		f.activate(h[i*k+j0:i*k+j1], zr)
	}
}

// activate sets h = φ(z) entry by entry.
func (f *fusion) activate(h, z []float64) {
	if f.act.fwd != nil {
		f.act.fwd(h, z)
		return
	}
	for j, v := range z {
		h[j] = f.act.f(v)
	}
}

// gemmThen computes c = op(a)·op(b), then calls then on c's blocks as
// gemm.GemmThen does.
func gemmThen(tA, tB blas.Transpose, a, b, c *mat.Dense, then func(i0, i1, j0, j1 int)) {
	gemmpkg.GemmThen(tA, tB, 1, a.RawMatrix(), b.RawMatrix(), 0, c.RawMatrix(), then)
}

// forward32 is forward in a float32 graph.
func (f *fusion) forward32() {
	o := f.mm.op.(matMul)
	a, w := f.mm.inVal32[0], f.mm.inVal32[1]
	gemmpkg.GemmThen32(o.tA, o.tB, 1, *a, *w, 0, *f.mm.value32, f.then)
}

// block32 is block in a float32 graph.
func (f *fusion) block32(i0, i1, j0, j1 int) {
	k := f.z.cols
	xw, z, b := raw32(f.mm.value32), raw32(f.z.value32), raw32(f.bias32)[j0:j1]
	var h []float32
	if f.h != nil {
		h = raw32(f.h.value32)
	}
	if j0 == 0 && j1 == k && i1-i0 > 1 {
		lo, hi := i0*k, i1*k
		f.span32(h, z, xw, b, lo, hi)
		return
	}
	for i := i0; i < i1; i++ {
		f.span32(h, z, xw, b, i*k+j0, i*k+j1)
	}
}

// span32 sets z = xw + b and h = φ(z) on the entries lo..hi, whole rows
// of b's columns, in one pass where vmath has the fused kernel.
func (f *fusion) span32(h, z, xw, b []float32, lo, hi int) {
	switch {
	case h != nil && f.act.fused32 != nil:
		f.act.fused32(h[lo:hi], z[lo:hi], xw[lo:hi], b)
	case h != nil:
		addRows32(z[lo:hi], xw[lo:hi], b)
		f.act.forward32Slice(h[lo:hi], z[lo:hi])
	default:
		addRows32(z[lo:hi], xw[lo:hi], b)
	}
}
