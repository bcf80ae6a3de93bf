package graph

import (
	"fmt"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/mat"
)

// The weighted losses take a third input, the n×1 row weights r (class
// weights looked up per row, say), and average the rows' losses ℓ_i with
// them: L = Σ_i r_i ℓ_i / Σ_i r_i, the convention of PyTorch's
// CrossEntropyLoss(weight=…) with the mean reduction. With every r_i = 1
// this is the unweighted loss, bit for bit: each term is multiplied by
// r_i where the unweighted op adds it, and Σ_i r_i = n. r is data: it gets
// no signal (r̄ is left zero if r has one) and no tangent.

// weightSum returns Σ_i r_i.
func weightSum(r []float64) float64 {
	var s float64
	for _, v := range r {
		s += v
	}
	return s
}

// weightedShape panics unless r is an n×1 column for the n×k y, and
// returns n, k.
func weightedShape(name string, y, t, r *Node) (n, k int) {
	n, k = sameDims(name, y, t)
	if rr, rc := r.Dims(); rr != n || rc != 1 {
		panic(fmt.Sprintf("graph: %s row weights %s %d×%d, want %d×1", name, r.name, rr, rc, n))
	}
	return n, k
}

// weightedSE is L = 1/(2 Σ r) Σ_i r_i ‖y_i − t_i‖².
type weightedSE struct{}

func (weightedSE) forward(out *mat.Dense, in []*mat.Dense) {
	_, k := in[0].Dims()
	y, t, r := raw(in[0]), raw(in[1]), raw(in[2])
	var s float64
	for i, ri := range r {
		for j := i * k; j < (i+1)*k; j++ {
			d := y[j] - t[j]
			s += ri * (d * d)
		}
	}
	out.Set(0, 0, s/(2*weightSum(r)))
}

func (weightedSE) backward(inBar []*mat.Dense, outBar, _ *mat.Dense, in []*mat.Dense) {
	_, k := in[0].Dims()
	y, t, r := raw(in[0]), raw(in[1]), raw(in[2])
	g := outBar.At(0, 0) / weightSum(r)
	for i, ri := range r {
		lo, hi := i*k, (i+1)*k
		for s, sign := range [2]float64{1, -1} {
			if inBar[s] != nil {
				addDiff(raw(inBar[s])[lo:hi], sign*(g*ri), y[lo:hi], t[lo:hi])
			}
		}
	}
}

func (weightedSE) forwardDot(outDot, _ *mat.Dense, in, inDot []*mat.Dense) {
	_, k := in[0].Dims()
	y, t, r, yd, td := raw(in[0]), raw(in[1]), raw(in[2]), raw(inDot[0]), raw(inDot[1])
	var s float64
	for i, ri := range r {
		for j := i * k; j < (i+1)*k; j++ {
			s += ri * ((y[j] - t[j]) * (yd[j] - td[j]))
		}
	}
	outDot.Set(0, 0, s/weightSum(r))
}

func (weightedSE) backwardDot(inBarDot []*mat.Dense, outBar, outBarDot, _, _ *mat.Dense, in, inDot []*mat.Dense) {
	_, k := in[0].Dims()
	y, t, r, yd, td := raw(in[0]), raw(in[1]), raw(in[2]), raw(inDot[0]), raw(inDot[1])
	sr := weightSum(r)
	g, gd := outBar.At(0, 0)/sr, outBarDot.At(0, 0)/sr
	for i, ri := range r {
		lo, hi := i*k, (i+1)*k
		for s, sign := range [2]float64{1, -1} {
			if inBarDot[s] != nil {
				d := raw(inBarDot[s])[lo:hi]
				addDiff(d, sign*(gd*ri), y[lo:hi], t[lo:hi])
				addDiff(d, sign*(g*ri), yd[lo:hi], td[lo:hi])
			}
		}
	}
}

// WeightedSquaredError returns SquaredError with the n×1 row weights r:
// L = 1/(2 Σ_i r_i) Σ_i r_i ‖y_i − t_i‖², which is SquaredError(y, t) when
// every r_i = 1. Backward: ȳ_i += L̄ r_i (y_i − t_i)/Σ r, t̄_i −= the same;
// r gets no signal. Σ r must be positive (it is NaN for a batch whose
// weights are all 0). It panics if the shapes of y and t differ or r is
// not n×1.
func WeightedSquaredError(y, t, r *Node) *Node {
	weightedShape("weighted_squared_error", y, t, r)
	return newOp("weighted_squared_error", weightedSE{}, 1, 1, y, t, r)
}

// weightedBinaryCE is L = 1/Σ r Σ_i r_i Σ_j (softplus(z_ij) − t_ij z_ij).
type weightedBinaryCE struct{}

func (weightedBinaryCE) forward(out *mat.Dense, in []*mat.Dense) {
	_, k := in[0].Dims()
	z, t, r := raw(in[0]), raw(in[1]), raw(in[2])
	var s float64
	for i, ri := range r {
		for j := i * k; j < (i+1)*k; j++ {
			s += ri * (softplus(z[j]) - t[j]*z[j])
		}
	}
	out.Set(0, 0, s/weightSum(r))
}

func (weightedBinaryCE) backward(inBar []*mat.Dense, outBar, _ *mat.Dense, in []*mat.Dense) {
	_, k := in[0].Dims()
	z, t, r := raw(in[0]), raw(in[1]), raw(in[2])
	g := outBar.At(0, 0) / weightSum(r)
	for i, ri := range r {
		gi := g * ri
		if inBar[0] != nil {
			d := raw(inBar[0])
			for j := i * k; j < (i+1)*k; j++ {
				d[j] += gi * (logistic(z[j]) - t[j])
			}
		}
		if inBar[1] != nil {
			d := raw(inBar[1])
			for j := i * k; j < (i+1)*k; j++ {
				d[j] -= gi * z[j]
			}
		}
	}
}

func (weightedBinaryCE) forwardDot(outDot, _ *mat.Dense, in, inDot []*mat.Dense) {
	_, k := in[0].Dims()
	z, t, r, zd, td := raw(in[0]), raw(in[1]), raw(in[2]), raw(inDot[0]), raw(inDot[1])
	var s float64
	for i, ri := range r {
		for j := i * k; j < (i+1)*k; j++ {
			s += ri * ((logistic(z[j])-t[j])*zd[j] - z[j]*td[j])
		}
	}
	outDot.Set(0, 0, s/weightSum(r))
}

func (weightedBinaryCE) backwardDot(inBarDot []*mat.Dense, outBar, outBarDot, _, _ *mat.Dense, in, inDot []*mat.Dense) {
	_, k := in[0].Dims()
	z, t, r, zd, td := raw(in[0]), raw(in[1]), raw(in[2]), raw(inDot[0]), raw(inDot[1])
	sr := weightSum(r)
	g, gd := outBar.At(0, 0)/sr, outBarDot.At(0, 0)/sr
	for i, ri := range r {
		gi, gdi := g*ri, gd*ri
		if inBarDot[0] != nil {
			d := raw(inBarDot[0])
			for j := i * k; j < (i+1)*k; j++ {
				s := logistic(z[j])
				d[j] += gdi*(s-t[j]) + gi*(s*(1-s)*zd[j]-td[j])
			}
		}
		if inBarDot[1] != nil {
			d := raw(inBarDot[1])
			for j := i * k; j < (i+1)*k; j++ {
				d[j] -= gdi*z[j] + gi*zd[j]
			}
		}
	}
}

// WeightedBinaryCrossEntropy returns BinaryCrossEntropy with the n×1 row
// weights r: L = 1/Σ_i r_i Σ_i r_i Σ_j (softplus(z_ij) − t_ij z_ij), which
// is BinaryCrossEntropy(z, t) when every r_i = 1. Backward:
// z̄_i += L̄ r_i (σ(z_i) − t_i)/Σ r; r gets no signal. Σ r must be positive.
// It panics if the shapes of z and t differ or r is not n×1.
func WeightedBinaryCrossEntropy(z, t, r *Node) *Node {
	weightedShape("weighted_binary_cross_entropy", z, t, r)
	return newOp("weighted_binary_cross_entropy", weightedBinaryCE{}, 1, 1, z, t, r)
}

// weightedSoftmaxCE is L = 1/Σ r Σ_i r_i (S_i·lse(z_i) − t_i·z_i), S_i =
// Σ_j t_ij, reading p = softmax(z) and lse from a Softmax node of z.
type weightedSoftmaxCE struct {
	p   []float64 // n×k, the Softmax node's output
	lse []float64 // n, the Softmax node's log-sum-exps
	k   int
	// p32 and lse32 are p and lse in a float32 graph.
	p32   []float32
	lse32 []float32
}

func (o *weightedSoftmaxCE) forward(out *mat.Dense, in []*mat.Dense) {
	z, t, r := raw(in[0]), raw(in[1]), raw(in[2])
	var s float64
	for i, ri := range r {
		l := o.lse[i]
		zr, tr := z[i*o.k:][:o.k], t[i*o.k:][:o.k]
		for j, v := range zr {
			s += ri * (tr[j] * (l - v))
		}
	}
	out.Set(0, 0, s/weightSum(r))
}

func (o *weightedSoftmaxCE) backward(inBar []*mat.Dense, outBar, _ *mat.Dense, in []*mat.Dense) {
	z, t, r := raw(in[0]), raw(in[1]), raw(in[2])
	g := outBar.At(0, 0) / weightSum(r)
	for i, ri := range r {
		gi := g * ri
		lo := i * o.k
		if inBar[0] != nil {
			zr, pr, tr := raw(inBar[0])[lo:][:o.k], o.p[lo:][:o.k], t[lo:][:o.k]
			s := rowSum(t, i, o.k)
			for j, p := range pr {
				zr[j] += gi * (p*s - tr[j])
			}
		}
		if inBar[1] != nil {
			tr, zr := raw(inBar[1])[lo:][:o.k], z[lo:][:o.k]
			for j, v := range zr {
				tr[j] += gi * (o.lse[i] - v)
			}
		}
	}
}

func (o *weightedSoftmaxCE) forwardDot(outDot, _ *mat.Dense, in, inDot []*mat.Dense) {
	z, t, r, zd, td := raw(in[0]), raw(in[1]), raw(in[2]), raw(inDot[0]), raw(inDot[1])
	var s float64
	for i, ri := range r {
		si := rowSum(t, i, o.k)
		for j := i * o.k; j < (i+1)*o.k; j++ {
			s += ri * ((o.p[j]*si-t[j])*zd[j] + (o.lse[i]-z[j])*td[j])
		}
	}
	outDot.Set(0, 0, s/weightSum(r))
}

func (o *weightedSoftmaxCE) backwardDot(inBarDot []*mat.Dense, outBar, outBarDot, _, _ *mat.Dense, in, inDot []*mat.Dense) {
	z, t, r, zd, td := raw(in[0]), raw(in[1]), raw(in[2]), raw(inDot[0]), raw(inDot[1])
	sr := weightSum(r)
	g, gd := outBar.At(0, 0)/sr, outBarDot.At(0, 0)/sr
	for i, ri := range r {
		gi, gdi := g*ri, gd*ri
		lo, hi := i*o.k, (i+1)*o.k
		s, sd := rowSum(t, i, o.k), rowSum(td, i, o.k)
		var pz float64 // p·ż, the tangent of lse
		for j := lo; j < hi; j++ {
			pz += o.p[j] * zd[j]
		}
		if inBarDot[0] != nil {
			d := raw(inBarDot[0])
			for j := lo; j < hi; j++ {
				pd := o.p[j] * (zd[j] - pz) // ṗ
				d[j] += gdi*(o.p[j]*s-t[j]) + gi*(pd*s+o.p[j]*sd-td[j])
			}
		}
		if inBarDot[1] != nil {
			d := raw(inBarDot[1])
			for j := lo; j < hi; j++ {
				d[j] += gdi*(o.lse[i]-z[j]) + gi*(pz-zd[j])
			}
		}
	}
}

// WeightedSoftmaxCrossEntropyOf returns SoftmaxCrossEntropyOf(y, t) with
// the n×1 row weights r, for the node y = Softmax(z): the cross-entropy of
// the logits z, L = 1/Σ_i r_i Σ_i r_i (lse(z_i)·Σ_j t_ij − t_i·z_i), which
// is SoftmaxCrossEntropyOf(y, t) when every r_i = 1. With r_i the weight
// of row i's class this is PyTorch's CrossEntropyLoss(weight=…).
// Backward: z̄_i += L̄ r_i (p_i − t_i)/Σ r for rows of t summing to 1, p =
// softmax(z); r gets no signal. Σ r must be positive. It panics if y is
// not a Softmax node, the shapes of z and t differ or r is not n×1.
func WeightedSoftmaxCrossEntropyOf(y, t, r *Node) *Node {
	sm, ok := y.op.(*softmax)
	if !ok {
		panic(fmt.Sprintf("graph: WeightedSoftmaxCrossEntropyOf: %s is not a softmax", y.name))
	}
	z := y.in[0]
	n, k := weightedShape("weighted_softmax_cross_entropy", z, t, r)
	if z.g.f32 {
		if sm.lse32 == nil {
			sm.lse32 = make([]float32, 2*n)
		}
		return newOp("weighted_softmax_cross_entropy", &weightedSoftmaxCE{p32: raw32(y.value32), lse32: sm.lse32, k: k}, 1, 1, z, t, r)
	}
	if sm.lse == nil {
		sm.lse = make([]float64, 2*n)
	}
	return newOp("weighted_softmax_cross_entropy", &weightedSoftmaxCE{p: raw(y.value), lse: sm.lse, k: k}, 1, 1, z, t, r)
}

func (weightedSE) forward32(out *blas32.General, in []*blas32.General) {
	out.Data[0] = float32(seForward32(raw32(in[0]), raw32(in[1]), rowWeights32(in), in[0].Rows, in[0].Cols))
}

func (weightedSE) backward32(inBar []*blas32.General, _ []bool, outBar, _ *blas32.General, in []*blas32.General) {
	seBackward32(bar32(inBar, 0), bar32(inBar, 1), float64(outBar.Data[0]), raw32(in[0]), raw32(in[1]), rowWeights32(in), in[0].Rows, in[0].Cols)
}

func (weightedBinaryCE) forward32(out *blas32.General, in []*blas32.General) {
	out.Data[0] = float32(bceForward32(raw32(in[0]), raw32(in[1]), rowWeights32(in), in[0].Rows, in[0].Cols))
}

func (weightedBinaryCE) backward32(inBar []*blas32.General, _ []bool, outBar, _ *blas32.General, in []*blas32.General) {
	bceBackward32(bar32(inBar, 0), bar32(inBar, 1), float64(outBar.Data[0]), raw32(in[0]), raw32(in[1]), rowWeights32(in), in[0].Rows, in[0].Cols)
}

func (o *weightedSoftmaxCE) forward32(out *blas32.General, in []*blas32.General) {
	out.Data[0] = float32(ceForward32(raw32(in[0]), raw32(in[1]), o.lse32, rowWeights32(in), in[0].Rows, o.k))
}

func (o *weightedSoftmaxCE) backward32(inBar []*blas32.General, _ []bool, outBar, _ *blas32.General, in []*blas32.General) {
	ceBackward32(bar32(inBar, 0), bar32(inBar, 1), float64(outBar.Data[0]), raw32(in[0]), raw32(in[1]), o.p32, o.lse32, rowWeights32(in), in[0].Rows, o.k)
}
