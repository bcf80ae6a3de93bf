package graph

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/mat"
)

// dropout is inverted dropout y = x ⊙ m / (1−p): m is a 0/1 keep mask,
// data drawn by the caller before each Forward (DrawMask), so that the op
// itself is deterministic and its passes are those of a fixed elementwise
// product. The mask has no signal.
//
// Backward: x̄ += ȳ ⊙ m/(1−p). Tangents: ẏ = ẋ ⊙ m/(1−p) and
// R{x̄} += R{ȳ} ⊙ m/(1−p): the op is linear in x.
type dropout struct {
	p, s float64 // the rate and the scale 1/(1−p) of the kept entries
}

// scaleMasked sets (add false) or adds (add true) x ⊙ m·s into dst.
func scaleMasked(dst, x, m []float64, s float64, add bool) {
	x, m = x[:len(dst)], m[:len(dst)]
	if add {
		for i, v := range x {
			dst[i] += v * (m[i] * s)
		}
		return
	}
	for i, v := range x {
		dst[i] = v * (m[i] * s)
	}
}

func (o dropout) forward(out *mat.Dense, in []*mat.Dense) {
	scaleMasked(raw(out), raw(in[0]), raw(in[1]), o.s, false)
}

func (o dropout) backward(inBar []*mat.Dense, outBar, _ *mat.Dense, in []*mat.Dense) {
	if inBar[0] != nil {
		scaleMasked(raw(inBar[0]), raw(outBar), raw(in[1]), o.s, true)
	}
}

func (o dropout) forwardDot(outDot, _ *mat.Dense, in, inDot []*mat.Dense) {
	scaleMasked(raw(outDot), raw(inDot[0]), raw(in[1]), o.s, false)
}

func (o dropout) backwardDot(inBarDot []*mat.Dense, _, outBarDot, _, _ *mat.Dense, in, _ []*mat.Dense) {
	if inBarDot[0] != nil {
		scaleMasked(raw(inBarDot[0]), raw(outBarDot), raw(in[1]), o.s, true)
	}
}

// Dropout returns inverted dropout y = x ⊙ m / (1−p) with the 0/1 keep
// mask m, an input of x's shape that DrawMask fills before each training
// step (a mask of ones makes it the identity scaled by 1/(1−p), so
// evaluation graphs leave the op out instead). The mask is data: no signal
// flows into it. Backward: x̄ += ȳ ⊙ m/(1−p). It panics if the shapes
// differ or p is not in [0, 1).
func Dropout(x, m *Node, p float64) *Node {
	r, c := sameDims("dropout", x, m)
	if !(p >= 0 && p < 1) {
		panic(fmt.Sprintf("graph: dropout rate %v not in [0, 1)", p))
	}
	return newOp(fmt.Sprintf("dropout(%g)", p), dropout{p: p, s: 1 / (1 - p)}, r, c, x, m)
}

// DrawMask fills the 0/1 keep mask m of Dropout from the stream src, each
// entry kept (1) with probability 1−p, row by row: one src.Uint64 gives
// two entries, each kept when its 32 bits are at least round(p·2³²) (p is
// thus taken to the nearest 2⁻³²). The draws depend only on src's state
// and m's size, so a seeded stream gives the same masks on every run. It
// panics if p is not in [0, 1).
func DrawMask(m *mat.Dense, p float64, src *rand.PCG) {
	if !(p >= 0 && p < 1) {
		panic(fmt.Sprintf("graph: dropout rate %v not in [0, 1)", p))
	}
	cut := uint64(math.Round(p * (1 << 32)))
	d := raw(m)
	i := 0
	for ; i+1 < len(d); i += 2 {
		u := src.Uint64()
		d[i] = keep(u&0xffffffff, cut)
		d[i+1] = keep(u>>32, cut)
	}
	if i < len(d) {
		d[i] = keep(src.Uint64()&0xffffffff, cut)
	}
}

// keep returns 1 if u ≥ cut, else 0, for u and cut below 2³², without a
// branch: at p = 0.5 a branch would be mispredicted every other entry.
func keep(u, cut uint64) float64 { return float64(1 - (u-cut)>>63) }

// scaleMasked32 is scaleMasked in float32.
func scaleMasked32(dst, x, m []float32, s float32, add bool) {
	x, m = x[:len(dst)], m[:len(dst)]
	if add {
		for i, v := range x {
			dst[i] += v * (m[i] * s)
		}
		return
	}
	for i, v := range x {
		dst[i] = v * (m[i] * s)
	}
}

func (o dropout) forward32(out *blas32.General, in []*blas32.General) {
	scaleMasked32(raw32(out), raw32(in[0]), raw32(in[1]), float32(o.s), false)
}

func (o dropout) backward32(inBar []*blas32.General, _ []bool, outBar, _ *blas32.General, in []*blas32.General) {
	if inBar[0] != nil {
		scaleMasked32(raw32(inBar[0]), raw32(outBar), raw32(in[1]), float32(o.s), true)
	}
}

// DrawMask32 is DrawMask for the mask of a float32 graph: the same draws
// from src, so the same mask as DrawMask gives for the same stream.
func DrawMask32(m *blas32.General, p float64, src *rand.PCG) {
	if !(p >= 0 && p < 1) {
		panic(fmt.Sprintf("graph: dropout rate %v not in [0, 1)", p))
	}
	cut := uint64(math.Round(p * (1 << 32)))
	d := raw32(m)
	i := 0
	for ; i+1 < len(d); i += 2 {
		u := src.Uint64()
		d[i] = float32(keep(u&0xffffffff, cut))
		d[i+1] = float32(keep(u>>32, cut))
	}
	if i < len(d) {
		d[i] = float32(keep(src.Uint64()&0xffffffff, cut))
	}
}
