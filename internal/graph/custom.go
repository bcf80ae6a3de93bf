package graph

import "gonum.org/v1/gonum/mat"

// CustomOp is an operation defined by the caller, for experiments and for
// testing gradient checkers with a deliberately wrong backward pass.
// Forward sets out from the input values. Backward must ADD each input's
// vector-Jacobian product into inBar[i], skipping the nil ones. A custom op
// has no tangents, so a graph holding one does not support HVP.
type CustomOp struct {
	Forward  func(out *mat.Dense, in []*mat.Dense)
	Backward func(inBar []*mat.Dense, outBar, out *mat.Dense, in []*mat.Dense)
}

type customOp struct{ c CustomOp }

func (o customOp) forward(out *mat.Dense, in []*mat.Dense) { o.c.Forward(out, in) }

func (o customOp) backward(inBar []*mat.Dense, outBar, out *mat.Dense, in []*mat.Dense) {
	o.c.Backward(inBar, outBar, out, in)
}

// Custom adds the caller's operation with an r×c output on the inputs in.
// It panics if in is empty or a function is nil.
func Custom(name string, c CustomOp, r, cols int, in ...*Node) *Node {
	if len(in) == 0 || c.Forward == nil || c.Backward == nil {
		panic("graph: Custom needs inputs, Forward and Backward")
	}
	return newOp(name, customOp{c}, r, cols, in...)
}
