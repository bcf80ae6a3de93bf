package graph

// KinkPattern appends to dst, for every input entry of every op with a
// kink (ReLU at 0, the hard threshold at 0), which side of the kink it lies
// on after the last Forward, and returns the extended slice. Two parameter
// points whose patterns are equal lie in the same smooth piece as far as
// any sampled kink can tell, so a difference quotient between them is
// meaningful; where they differ, it straddles a kink.
func (g *Graph) KinkPattern(dst []bool) []bool {
	for _, n := range g.nodes {
		e, ok := n.op.(*elementwise)
		if !ok || e.side == nil {
			continue
		}
		for _, x := range raw(n.inVal[0]) {
			dst = append(dst, e.side(x))
		}
	}
	return dst
}
