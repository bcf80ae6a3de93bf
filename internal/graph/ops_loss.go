package graph

import (
	"fmt"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/mat"
)

// Every loss here is a 1×1 node averaged over the n rows (examples) of its
// inputs, so learning rates do not depend on the batch size.

// squaredError is L = 1/(2n) Σ_i ‖y_i − t_i‖².
type squaredError struct{}

func (squaredError) forward(out *mat.Dense, in []*mat.Dense) {
	n, _ := in[0].Dims()
	var s float64
	t := raw(in[1])
	for i, y := range raw(in[0]) {
		d := y - t[i]
		s += d * d
	}
	out.Set(0, 0, s/(2*float64(n)))
}

// addDiff adds c·(a − b) into dst.
func addDiff(dst []float64, c float64, a, b []float64) {
	for i := range dst {
		dst[i] += c * (a[i] - b[i])
	}
}

func (squaredError) backward(inBar []*mat.Dense, outBar, _ *mat.Dense, in []*mat.Dense) {
	n, _ := in[0].Dims()
	g := outBar.At(0, 0) / float64(n)
	y, t := raw(in[0]), raw(in[1])
	if inBar[0] != nil {
		addDiff(raw(inBar[0]), g, y, t)
	}
	if inBar[1] != nil {
		addDiff(raw(inBar[1]), -g, y, t)
	}
}

func (squaredError) forwardDot(outDot, _ *mat.Dense, in, inDot []*mat.Dense) {
	n, _ := in[0].Dims()
	y, t, yd, td := raw(in[0]), raw(in[1]), raw(inDot[0]), raw(inDot[1])
	var s float64
	for i := range y {
		s += (y[i] - t[i]) * (yd[i] - td[i])
	}
	outDot.Set(0, 0, s/float64(n))
}

func (squaredError) backwardDot(inBarDot []*mat.Dense, outBar, outBarDot, _, _ *mat.Dense, in, inDot []*mat.Dense) {
	n, _ := in[0].Dims()
	g, gd := outBar.At(0, 0)/float64(n), outBarDot.At(0, 0)/float64(n)
	y, t, yd, td := raw(in[0]), raw(in[1]), raw(inDot[0]), raw(inDot[1])
	for k, sign := range [2]float64{1, -1} {
		if inBarDot[k] != nil {
			d := raw(inBarDot[k])
			addDiff(d, sign*gd, y, t)
			addDiff(d, sign*g, yd, td)
		}
	}
}

// SquaredError returns L = 1/(2n) Σ_i ‖y_i − t_i‖², half the squared error
// averaged over the n rows. Backward: ȳ += L̄ (y − t)/n, t̄ −= the same.
// It panics if the shapes differ.
func SquaredError(y, t *Node) *Node {
	sameDims("squared_error", y, t)
	return newOp("squared_error", squaredError{}, 1, 1, y, t)
}

// softmaxCE is L = 1/n Σ_i (S_i·lse(z_i) − t_i·z_i) with S_i = Σ_j t_ij: the
// cross-entropy −Σ_j t_ij log softmax(z_i)_j, taken from the logits through
// the log-sum-exp. It keeps p = softmax(z) and lse for its backward pass.
type softmaxCE struct {
	p   []float64 // n×k
	lse []float64 // n, and n more for softmaxRows
	k   int
	// p32 and lse32 are p and lse in a float32 graph.
	p32   []float32
	lse32 []float32
	// shared: p and lse are the output and log-sum-exps of a Softmax node
	// of the same logits, computed before this op in the forward pass.
	shared bool
}

func (o *softmaxCE) forward(out *mat.Dense, in []*mat.Dense) {
	n, _ := in[0].Dims()
	z, t := raw(in[0]), raw(in[1])
	if !o.shared {
		softmaxRows(o.p, z, o.k, o.lse)
	}
	var s float64
	for i, l := range o.lse[:n] {
		zr, tr := z[i*o.k:][:o.k], t[i*o.k:][:o.k]
		for j, v := range zr {
			s += tr[j] * (l - v)
		}
	}
	out.Set(0, 0, s/float64(n))
}

// rowSum returns Σ_j x_ij for row i.
func rowSum(x []float64, i, k int) float64 {
	var s float64
	for _, v := range x[i*k : i*k+k] {
		s += v
	}
	return s
}

func (o *softmaxCE) backward(inBar []*mat.Dense, outBar, _ *mat.Dense, in []*mat.Dense) {
	n, _ := in[0].Dims()
	g := outBar.At(0, 0) / float64(n)
	z, t := raw(in[0]), raw(in[1])
	if inBar[0] != nil {
		zb := raw(inBar[0])
		for i := range n {
			lo := i * o.k
			zr, pr, tr := zb[lo:][:o.k], o.p[lo:][:o.k], t[lo:][:o.k]
			s := rowSum(t, i, o.k)
			for j, p := range pr {
				zr[j] += g * (p*s - tr[j])
			}
		}
	}
	if inBar[1] != nil {
		tb := raw(inBar[1])
		for i, l := range o.lse[:n] {
			tr, zr := tb[i*o.k:][:o.k], z[i*o.k:][:o.k]
			for j, v := range zr {
				tr[j] += g * (l - v)
			}
		}
	}
}

func (o *softmaxCE) forwardDot(outDot, _ *mat.Dense, in, inDot []*mat.Dense) {
	n, _ := in[0].Dims()
	z, t, zd, td := raw(in[0]), raw(in[1]), raw(inDot[0]), raw(inDot[1])
	var s float64
	for i := 0; i < n; i++ {
		si := rowSum(t, i, o.k)
		for j := i * o.k; j < (i+1)*o.k; j++ {
			s += (o.p[j]*si-t[j])*zd[j] + (o.lse[i]-z[j])*td[j]
		}
	}
	outDot.Set(0, 0, s/float64(n))
}

func (o *softmaxCE) backwardDot(inBarDot []*mat.Dense, outBar, outBarDot, _, _ *mat.Dense, in, inDot []*mat.Dense) {
	n, _ := in[0].Dims()
	g, gd := outBar.At(0, 0)/float64(n), outBarDot.At(0, 0)/float64(n)
	z, t, zd, td := raw(in[0]), raw(in[1]), raw(inDot[0]), raw(inDot[1])
	for i := 0; i < n; i++ {
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
				d[j] += gd*(o.p[j]*s-t[j]) + g*(pd*s+o.p[j]*sd-td[j])
			}
		}
		if inBarDot[1] != nil {
			d := raw(inBarDot[1])
			for j := lo; j < hi; j++ {
				d[j] += gd*(o.lse[i]-z[j]) + g*(pz-zd[j])
			}
		}
	}
}

// SoftmaxCrossEntropy returns the cross-entropy between softmax(z) and the
// target rows t, averaged over the n rows, computed from the logits z
// through the log-sum-exp so that it is finite at any z:
// L = 1/n Σ_i (lse(z_i)·Σ_j t_ij − t_i·z_i). For one-hot or probability rows
// t this is −1/n Σ_ij t_ij log softmax(z)_ij. Backward: z̄ += L̄ (p − t)/n
// for rows of t summing to 1, p = softmax(z). It panics if the shapes differ.
func SoftmaxCrossEntropy(z, t *Node) *Node {
	n, k := sameDims("softmax_cross_entropy", z, t)
	if z.g.f32 {
		return newOp("softmax_cross_entropy", &softmaxCE{p32: make([]float32, n*k), lse32: make([]float32, 2*n), k: k}, 1, 1, z, t)
	}
	return newOp("softmax_cross_entropy", &softmaxCE{p: make([]float64, n*k), lse: make([]float64, 2*n), k: k}, 1, 1, z, t)
}

// SoftmaxCrossEntropyOf is SoftmaxCrossEntropy(z, t) for the node
// y = Softmax(z): the same loss of the logits z, node for node and bit for
// bit, but it takes softmax(z) and the log-sum-exps from y's forward pass
// instead of computing them a second time. A network with a softmax output
// and a cross-entropy loss needs both y and the loss at every step. It
// panics if y is not a Softmax node or the shapes differ.
func SoftmaxCrossEntropyOf(y, t *Node) *Node {
	sm, ok := y.op.(*softmax)
	if !ok {
		panic(fmt.Sprintf("graph: SoftmaxCrossEntropyOf: %s is not a softmax", y.name))
	}
	z := y.in[0]
	n, k := sameDims("softmax_cross_entropy", z, t)
	if z.g.f32 {
		if sm.lse32 == nil {
			sm.lse32 = make([]float32, 2*n)
		}
		return newOp("softmax_cross_entropy", &softmaxCE{p32: raw32(y.value32), lse32: sm.lse32, k: k, shared: true}, 1, 1, z, t)
	}
	if sm.lse == nil {
		sm.lse = make([]float64, 2*n)
	}
	return newOp("softmax_cross_entropy", &softmaxCE{p: raw(y.value), lse: sm.lse, k: k, shared: true}, 1, 1, z, t)
}

// binaryCE is L = 1/n Σ_ij (softplus(z_ij) − t_ij z_ij).
type binaryCE struct{}

func (binaryCE) forward(out *mat.Dense, in []*mat.Dense) {
	n, _ := in[0].Dims()
	z, t := raw(in[0]), raw(in[1])
	var s float64
	for i := range z {
		s += softplus(z[i]) - t[i]*z[i]
	}
	out.Set(0, 0, s/float64(n))
}

func (binaryCE) backward(inBar []*mat.Dense, outBar, _ *mat.Dense, in []*mat.Dense) {
	n, _ := in[0].Dims()
	g := outBar.At(0, 0) / float64(n)
	z, t := raw(in[0]), raw(in[1])
	if inBar[0] != nil {
		d := raw(inBar[0])
		for i := range d {
			d[i] += g * (logistic(z[i]) - t[i])
		}
	}
	if inBar[1] != nil {
		d := raw(inBar[1])
		for i := range d {
			d[i] -= g * z[i]
		}
	}
}

func (binaryCE) forwardDot(outDot, _ *mat.Dense, in, inDot []*mat.Dense) {
	n, _ := in[0].Dims()
	z, t, zd, td := raw(in[0]), raw(in[1]), raw(inDot[0]), raw(inDot[1])
	var s float64
	for i := range z {
		s += (logistic(z[i])-t[i])*zd[i] - z[i]*td[i]
	}
	outDot.Set(0, 0, s/float64(n))
}

func (binaryCE) backwardDot(inBarDot []*mat.Dense, outBar, outBarDot, _, _ *mat.Dense, in, inDot []*mat.Dense) {
	n, _ := in[0].Dims()
	g, gd := outBar.At(0, 0)/float64(n), outBarDot.At(0, 0)/float64(n)
	z, t, zd, td := raw(in[0]), raw(in[1]), raw(inDot[0]), raw(inDot[1])
	if inBarDot[0] != nil {
		d := raw(inBarDot[0])
		for i := range d {
			s := logistic(z[i])
			d[i] += gd*(s-t[i]) + g*(s*(1-s)*zd[i]-td[i])
		}
	}
	if inBarDot[1] != nil {
		d := raw(inBarDot[1])
		for i := range d {
			d[i] -= gd*z[i] + g*zd[i]
		}
	}
}

// BinaryCrossEntropy returns the logistic cross-entropy between σ(z) and
// the 0/1 targets t, averaged over the n rows and computed from the logits
// z so that it is finite at any z: L = 1/n Σ_ij (softplus(z_ij) − t_ij z_ij)
// = −1/n Σ_ij (t log σ(z) + (1−t) log(1−σ(z))). Backward: z̄ += L̄ (σ(z) − t)/n.
// It panics if the shapes differ.
func BinaryCrossEntropy(z, t *Node) *Node {
	sameDims("binary_cross_entropy", z, t)
	return newOp("binary_cross_entropy", binaryCE{}, 1, 1, z, t)
}

// l2 is L = λ/2 Σ_p ‖W_p‖² over its inputs.
type l2 struct{ lambda float64 }

func (o l2) forward(out *mat.Dense, in []*mat.Dense) {
	var s float64
	for _, w := range in {
		for _, v := range raw(w) {
			s += v * v
		}
	}
	out.Set(0, 0, o.lambda/2*s)
}

func (o l2) backward(inBar []*mat.Dense, outBar, _ *mat.Dense, in []*mat.Dense) {
	g := o.lambda * outBar.At(0, 0)
	for i, b := range inBar {
		if b != nil {
			addInto(b, in[i], g)
		}
	}
}

func (o l2) forwardDot(outDot, _ *mat.Dense, in, inDot []*mat.Dense) {
	var s float64
	for i, w := range in {
		wd := raw(inDot[i])
		for j, v := range raw(w) {
			s += v * wd[j]
		}
	}
	outDot.Set(0, 0, o.lambda*s)
}

func (o l2) backwardDot(inBarDot []*mat.Dense, outBar, outBarDot, _, _ *mat.Dense, in, inDot []*mat.Dense) {
	g, gd := o.lambda*outBar.At(0, 0), o.lambda*outBarDot.At(0, 0)
	for i, b := range inBarDot {
		if b != nil {
			addInto(b, in[i], gd)
			addInto(b, inDot[i], g)
		}
	}
}

// L2 returns the penalty L = λ/2 Σ_p ‖W_p‖² (squared Frobenius norms) on
// the given nodes, usually weight matrices. Backward: W̄_p += L̄ λ W_p.
// It panics if no node is given or λ is negative.
func L2(lambda float64, ws ...*Node) *Node {
	if len(ws) == 0 || lambda < 0 {
		panic(fmt.Sprintf("graph: L2 with λ=%g on %d nodes", lambda, len(ws)))
	}
	return newOp(fmt.Sprintf("l2(%g)", lambda), l2{lambda}, 1, 1, ws...)
}

// The float32 passes of the losses. Each loss is the weighted form
// Σ_i r_i ℓ_i / Σ_i r_i of the weighted ops (ops_loss_weighted.go), with
// r = nil for the unweighted ones (every r_i = 1, divisor n). The sums
// over the batch accumulate in float64; the loss is rounded once.

// weight32 returns r_i, 1 when r is nil.
func weight32(r []float32, i int) float64 {
	if r == nil {
		return 1
	}
	return float64(r[i])
}

// divisor32 returns Σ r_i in float64, n when r is nil.
func divisor32(r []float32, n int) float64 {
	if r == nil {
		return float64(n)
	}
	var s float64
	for _, v := range r {
		s += float64(v)
	}
	return s
}

// rowWeights32 returns the row weights of a loss's inputs: in[2], or nil.
func rowWeights32(in []*blas32.General) []float32 {
	if len(in) < 3 {
		return nil
	}
	return raw32(in[2])
}

// seForward32 returns Σ_i r_i ‖y_i − t_i‖² / (2 Σ r).
func seForward32(y, t, r []float32, n, k int) float64 {
	var s float64
	for i := range n {
		var si float64
		for j := i * k; j < (i+1)*k; j++ {
			d := float64(y[j] - t[j])
			si += d * d
		}
		s += weight32(r, i) * si
	}
	return s / (2 * divisor32(r, n))
}

// seBackward32 adds the squared error's VJPs into yb and tb (nil: skip):
// ±g·r_i·(y − t), g = L̄/Σ r.
func seBackward32(yb, tb []float32, lBar float64, y, t, r []float32, n, k int) {
	g := lBar / divisor32(r, n)
	for i := range n {
		gi := float32(g * weight32(r, i))
		for j := i * k; j < (i+1)*k; j++ {
			d := gi * (y[j] - t[j])
			if yb != nil {
				yb[j] += d
			}
			if tb != nil {
				tb[j] -= d
			}
		}
	}
}

// bceForward32 returns Σ_i r_i Σ_j (softplus(z_ij) − t_ij z_ij) / Σ r.
func bceForward32(z, t, r []float32, n, k int) float64 {
	var s float64
	for i := range n {
		var si float64
		for j := i * k; j < (i+1)*k; j++ {
			v := float64(z[j])
			si += softplus(v) - float64(t[j])*v
		}
		s += weight32(r, i) * si
	}
	return s / divisor32(r, n)
}

// bceBackward32 adds the binary cross-entropy's VJPs into zb and tb
// (nil: skip): zb += g·r_i·(σ(z) − t), tb −= g·r_i·z.
func bceBackward32(zb, tb []float32, lBar float64, z, t, r []float32, n, k int) {
	g := lBar / divisor32(r, n)
	for i := range n {
		gi := float32(g * weight32(r, i))
		for j := i * k; j < (i+1)*k; j++ {
			if zb != nil {
				zb[j] += gi * (float32(logistic(float64(z[j]))) - t[j])
			}
			if tb != nil {
				tb[j] -= gi * z[j]
			}
		}
	}
}

// ceForward32 returns Σ_i r_i Σ_j t_ij (lse_i − z_ij) / Σ r.
func ceForward32(z, t, lse, r []float32, n, k int) float64 {
	var s float64
	for i := range n {
		l := lse[i]
		var si float64
		zr, tr := z[i*k:][:k], t[i*k:][:k]
		for j, v := range zr {
			si += float64(tr[j] * (l - v))
		}
		s += weight32(r, i) * si
	}
	return s / divisor32(r, n)
}

// ceBackward32 adds the softmax cross-entropy's VJPs into zb and tb (nil:
// skip): zb += g·r_i·(p·S_i − t), tb += g·r_i·(lse − z).
func ceBackward32(zb, tb []float32, lBar float64, z, t, p, lse, r []float32, n, k int) {
	g := lBar / divisor32(r, n)
	for i := range n {
		gi := float32(g * weight32(r, i))
		lo := i * k
		if zb != nil {
			zr, pr, tr := zb[lo:][:k], p[lo:][:k], t[lo:][:k]
			var s float32
			for _, v := range tr {
				s += v
			}
			for j, pj := range pr {
				zr[j] += gi * (pj*s - tr[j])
			}
		}
		if tb != nil {
			tr, zr := tb[lo:][:k], z[lo:][:k]
			for j, v := range zr {
				tr[j] += gi * (lse[i] - v)
			}
		}
	}
}

// bar32 returns the float32 signal in[i]'s VJP goes to, or nil.
func bar32(inBar []*blas32.General, i int) []float32 {
	if inBar[i] == nil {
		return nil
	}
	return raw32(inBar[i])
}

func (squaredError) forward32(out *blas32.General, in []*blas32.General) {
	out.Data[0] = float32(seForward32(raw32(in[0]), raw32(in[1]), nil, in[0].Rows, in[0].Cols))
}

func (squaredError) backward32(inBar []*blas32.General, _ []bool, outBar, _ *blas32.General, in []*blas32.General) {
	seBackward32(bar32(inBar, 0), bar32(inBar, 1), float64(outBar.Data[0]), raw32(in[0]), raw32(in[1]), nil, in[0].Rows, in[0].Cols)
}

func (o *softmaxCE) forward32(out *blas32.General, in []*blas32.General) {
	z := raw32(in[0])
	if !o.shared {
		softmaxRows32(o.p32, z, o.k, o.lse32)
	}
	out.Data[0] = float32(ceForward32(z, raw32(in[1]), o.lse32, nil, in[0].Rows, o.k))
}

func (o *softmaxCE) backward32(inBar []*blas32.General, _ []bool, outBar, _ *blas32.General, in []*blas32.General) {
	ceBackward32(bar32(inBar, 0), bar32(inBar, 1), float64(outBar.Data[0]), raw32(in[0]), raw32(in[1]), o.p32, o.lse32, nil, in[0].Rows, o.k)
}

func (binaryCE) forward32(out *blas32.General, in []*blas32.General) {
	out.Data[0] = float32(bceForward32(raw32(in[0]), raw32(in[1]), nil, in[0].Rows, in[0].Cols))
}

func (binaryCE) backward32(inBar []*blas32.General, _ []bool, outBar, _ *blas32.General, in []*blas32.General) {
	bceBackward32(bar32(inBar, 0), bar32(inBar, 1), float64(outBar.Data[0]), raw32(in[0]), raw32(in[1]), nil, in[0].Rows, in[0].Cols)
}

func (o l2) forward32(out *blas32.General, in []*blas32.General) {
	var s float64
	for _, w := range in {
		for _, v := range raw32(w) {
			s += float64(v) * float64(v)
		}
	}
	out.Data[0] = float32(o.lambda / 2 * s)
}

func (o l2) backward32(inBar []*blas32.General, _ []bool, outBar, _ *blas32.General, in []*blas32.General) {
	g := float32(o.lambda * float64(outBar.Data[0]))
	for i, b := range inBar {
		if b != nil {
			addInto32(raw32(b), raw32(in[i]), g)
		}
	}
}
