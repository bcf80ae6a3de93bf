package graph

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/mat"
)

// Batch normalization's constants, PyTorch's BatchNorm1d defaults.
const (
	// BNEps is the ε added to the variance: x̂ = (z − μ)/√(σ² + ε).
	BNEps = 1e-5
	// BNMomentum is the weight of a batch in the running averages:
	// r ← (1 − BNMomentum)·r + BNMomentum·batch, PyTorch's convention
	// (Keras's momentum 0.99 is 1 − this).
	BNMomentum = 0.1
)

// batchNorm normalizes each column j of the n×k z and scales and shifts
// it: y = γ_j·x̂ + β_j.
//
// Training (train true): x̂ = (z − μ)·s with the batch mean μ_j and the
// biased batch variance σ²_j, s = 1/√(σ² + ε). Forward also updates the
// running averages in[3] (mean) and in[4] (variance, from the unbiased
// batch variance σ²·n/(n−1), as PyTorch does; not updated when n = 1). With
// A = Σ_i ȳ_i and B = Σ_i ȳ_i·x̂_i per column, the VJP through the batch
// statistics is
//
//	β̄ += A,  γ̄ += B,  z̄ += γ·s·(ȳ − A/n − x̂·B/n).
//
// Tangents: with c = mean(x̂ ⊙ ż), x̂̇ = s·(ż − mean(ż) − x̂·c), ṡ = −s²·c,
// ẏ = γ̇·x̂ + γ·x̂̇ + β̇, and R{z̄} differentiates z̄'s formula along them.
//
// Evaluation (train false): x̂ = (z − running mean)·s with
// s = 1/√(running variance + ε), affine in z; the running averages are
// only read.
type batchNorm struct {
	train bool
	xhat  []float64 // n×k, saved by forward
	s     []float64 // k: 1/√(σ² + ε)
	// Per-column scratch of k each: the batch mean and variance, and the
	// sums of the backward and tangent passes.
	mu, v, a, b, ad, bd, mzd, c, coef []float64
	// xhat32 is xhat in a float32 graph, made on its first forward32;
	// the column statistics stay float64.
	xhat32 []float32
}

func (o *batchNorm) forward(out *mat.Dense, in []*mat.Dense) {
	n, k := out.Dims()
	y, z, g, be := raw(out), raw(in[0]), raw(in[1]), raw(in[2])
	rm, rv := raw(in[3]), raw(in[4])
	mu, v, s, xh := o.mu[:k], o.v[:k], o.s[:k], o.xhat
	g, be = g[:k], be[:k]
	if o.train {
		bnColSums(mu, nil, z, nil, n, k)
		for j := range mu {
			mu[j] /= float64(n)
		}
		clear(v)
		for i := range n {
			zr := z[i*k:][:k]
			for j, x := range zr {
				d := x - mu[j]
				v[j] += d * d
			}
		}
		for j := range v {
			v[j] /= float64(n)
			s[j] = 1 / math.Sqrt(v[j]+BNEps)
		}
		for j := range rm {
			rm[j] = (1-BNMomentum)*rm[j] + BNMomentum*mu[j]
		}
		if n > 1 {
			unbiased := float64(n) / float64(n-1)
			for j := range rv {
				rv[j] = (1-BNMomentum)*rv[j] + BNMomentum*(v[j]*unbiased)
			}
		}
	} else {
		copy(mu, rm)
		for j := range s {
			s[j] = 1 / math.Sqrt(rv[j]+BNEps)
		}
	}
	for i := range n {
		zr, xr, yr := z[i*k:][:k], xh[i*k:][:k], y[i*k:][:k]
		for j, x := range zr {
			t := (x - mu[j]) * s[j]
			xr[j] = t
			yr[j] = g[j]*t + be[j]
		}
	}
}

// colSums sets a to the column sums of the n×k u and, if b is not nil,
// b to those of u ⊙ w.
func bnColSums(a, b, u, w []float64, n, k int) {
	a = a[:k]
	clear(a)
	if b != nil {
		b = b[:k]
		clear(b)
	}
	for i := range n {
		ur := u[i*k:][:k]
		if b == nil {
			for j, x := range ur {
				a[j] += x
			}
			continue
		}
		wr := w[i*k:][:k]
		for j, x := range ur {
			a[j] += x
			b[j] += x * wr[j]
		}
	}
}

func (o *batchNorm) backward(inBar []*mat.Dense, outBar, out *mat.Dense, in []*mat.Dense) {
	n, k := out.Dims()
	gb, g, a, b := raw(outBar), raw(in[1]), o.a, o.b
	bnColSums(a, b, gb, o.xhat, n, k)
	if inBar[2] != nil {
		addTo(raw(inBar[2]), a)
	}
	if inBar[1] != nil {
		addTo(raw(inBar[1]), b)
	}
	if inBar[0] == nil {
		return
	}
	// z̄ += c·(ȳ − a − x̂·b) with c = γs and, in training, a and b the
	// column sums over n (0 in evaluation).
	zb, xh, c := raw(inBar[0]), o.xhat, o.coef[:k]
	a, b = a[:k], b[:k]
	fn := float64(n)
	for j := range c {
		c[j] = g[j] * o.s[j]
		if o.train {
			a[j], b[j] = a[j]/fn, b[j]/fn
		} else {
			a[j], b[j] = 0, 0
		}
	}
	for i := range n {
		zr, gr, xr := zb[i*k:][:k], gb[i*k:][:k], xh[i*k:][:k]
		for j, v := range gr {
			zr[j] += c[j] * (v - a[j] - xr[j]*b[j])
		}
	}
}

func addTo(dst, x []float64) {
	for j, v := range x[:len(dst)] {
		dst[j] += v
	}
}

// xhatDots sets o.mzd to mean(ż) and o.c to mean(x̂ ⊙ ż) per column
// (training), for xhatDot.
func (o *batchNorm) xhatDots(zd []float64, n, k int) {
	bnColSums(o.mzd, o.c, zd, o.xhat, n, k)
	for j := range o.c {
		o.mzd[j] /= float64(n)
		o.c[j] /= float64(n)
	}
}

// xhatDot returns x̂̇ at row i, column j: s·(ż − mean(ż) − x̂·c) in
// training, s·ż in evaluation. Training needs xhatDots first.
func (o *batchNorm) xhatDot(zd []float64, i, j, k int) float64 {
	if o.train {
		return o.s[j] * (zd[i*k+j] - o.mzd[j] - o.xhat[i*k+j]*o.c[j])
	}
	return o.s[j] * zd[i*k+j]
}

func (o *batchNorm) forwardDot(outDot, out *mat.Dense, in, inDot []*mat.Dense) {
	n, k := out.Dims()
	yd, zd, g, gd, bd := raw(outDot), raw(inDot[0]), raw(in[1]), raw(inDot[1]), raw(inDot[2])
	if o.train {
		o.xhatDots(zd, n, k)
	}
	for i := range n {
		for j := range k {
			yd[i*k+j] = gd[j]*o.xhat[i*k+j] + g[j]*o.xhatDot(zd, i, j, k) + bd[j]
		}
	}
}

func (o *batchNorm) backwardDot(inBarDot []*mat.Dense, outBar, outBarDot, out, _ *mat.Dense, in, inDot []*mat.Dense) {
	n, k := out.Dims()
	gb, gbd, zd := raw(outBar), raw(outBarDot), raw(inDot[0])
	g, gd := raw(in[1]), raw(inDot[1])
	s, xh, a, b, ad, bd := o.s, o.xhat, o.a, o.b, o.ad, o.bd
	bnColSums(a, b, gb, xh, n, k)
	bnColSums(ad, bd, gbd, xh, n, k) // Ḃ's first term, Σ ġ·x̂
	if o.train {
		o.xhatDots(zd, n, k)
	}
	for i := range n {
		for j := range k {
			bd[j] += gb[i*k+j] * o.xhatDot(zd, i, j, k) // Ḃ += Σ ȳ·x̂̇
		}
	}
	if inBarDot[2] != nil {
		addTo(raw(inBarDot[2]), ad)
	}
	if inBarDot[1] != nil {
		addTo(raw(inBarDot[1]), bd)
	}
	if inBarDot[0] == nil {
		return
	}
	zbd := raw(inBarDot[0])
	fn := float64(n)
	for i := range n {
		for j := range k {
			e := i*k + j
			if !o.train {
				zbd[e] += s[j] * (gbd[e]*g[j] + gb[e]*gd[j])
				continue
			}
			sd := -s[j] * s[j] * o.c[j]
			u := gb[e] - a[j]/fn - xh[e]*b[j]/fn
			ud := gbd[e] - ad[j]/fn - o.xhatDot(zd, i, j, k)*b[j]/fn - xh[e]*bd[j]/fn
			zbd[e] += (gd[j]*s[j]+g[j]*sd)*u + g[j]*s[j]*ud
		}
	}
}

func batchNormOp(name string, train bool, z, gamma, beta, mean, variance *Node) *Node {
	n, k := z.Dims()
	for _, p := range []*Node{gamma, beta, mean, variance} {
		if r, c := p.Dims(); r != 1 || c != k {
			panic(fmt.Sprintf("graph: %s %s %d×%d with %s %d×%d (want 1×%d)", name, z.name, n, k, p.name, r, c, k))
		}
	}
	if mean.hasBar() || variance.hasBar() {
		panic(fmt.Sprintf("graph: %s: the running statistics %s and %s must carry no signal (constants)", name, mean.name, variance.name))
	}
	col := func() []float64 { return make([]float64, k) }
	o := &batchNorm{train: train, xhat: make([]float64, n*k), s: col(), mu: col(), v: col(),
		a: col(), b: col(), ad: col(), bd: col(), mzd: col(), c: col(), coef: col()}
	return newOp(name, o, n, k, z, gamma, beta, mean, variance)
}

// BatchNorm returns batch normalization in training mode of the n×k z,
// per column j: y = γ_j·(z − μ_j)/√(σ²_j + BNEps) + β_j, with μ and σ² the
// batch mean and biased variance. Each Forward also updates the running
// averages mean and variance (1×k constants, read by BatchNormEval) with
// momentum BNMomentum, the variance from the unbiased batch variance, as
// PyTorch's BatchNorm1d does (a batch of one row leaves the variance as
// it is). Backward runs through the batch statistics:
// β̄ += Σ ȳ, γ̄ += Σ ȳ⊙x̂, z̄ += γ/√(σ²+ε)·(ȳ − mean(ȳ) − x̂⊙mean(ȳ⊙x̂)).
// It panics if γ, β, mean or variance is not 1×k, or if mean or variance
// carries a signal.
func BatchNorm(z, gamma, beta, mean, variance *Node) *Node {
	return batchNormOp("batchnorm", true, z, gamma, beta, mean, variance)
}

// BatchNormEval returns batch normalization in evaluation mode: per
// column, y = γ_j·(z − mean_j)/√(variance_j + BNEps) + β_j with the
// running averages, which it only reads. Backward: z̄ += γ·ȳ/√(var+ε),
// γ̄ += Σ ȳ⊙x̂, β̄ += Σ ȳ. It panics as BatchNorm does.
func BatchNormEval(z, gamma, beta, mean, variance *Node) *Node {
	return batchNormOp("batchnorm(eval)", false, z, gamma, beta, mean, variance)
}

// forward32 is forward in float32: the statistics and 1/√(σ²+ε) in
// float64 from the float32 values, x̂ and y in float32, the running
// averages (the model's float32 twins) rounded after each update.
func (o *batchNorm) forward32(out *blas32.General, in []*blas32.General) {
	n, k := out.Rows, out.Cols
	y, z, g, be := raw32(out), raw32(in[0]), raw32(in[1])[:k], raw32(in[2])[:k]
	rm, rv := raw32(in[3])[:k], raw32(in[4])[:k]
	mu, v, s := o.mu[:k], o.v[:k], o.s[:k]
	if o.xhat32 == nil {
		o.xhat32 = make([]float32, n*k)
	}
	if o.train {
		clear(mu)
		clear(v)
		for i := range n {
			for j, x := range z[i*k:][:k] {
				mu[j] += float64(x)
			}
		}
		for j := range mu {
			mu[j] /= float64(n)
		}
		for i := range n {
			for j, x := range z[i*k:][:k] {
				d := float64(x) - mu[j]
				v[j] += d * d
			}
		}
		for j := range v {
			v[j] /= float64(n)
			s[j] = 1 / math.Sqrt(v[j]+BNEps)
			rm[j] = float32((1-BNMomentum)*float64(rm[j]) + BNMomentum*mu[j])
			if n > 1 {
				rv[j] = float32((1-BNMomentum)*float64(rv[j]) + BNMomentum*(v[j]*float64(n)/float64(n-1)))
			}
		}
	} else {
		for j := range s {
			mu[j] = float64(rm[j])
			s[j] = 1 / math.Sqrt(float64(rv[j])+BNEps)
		}
	}
	for i := range n {
		zr, xr, yr := z[i*k:][:k], o.xhat32[i*k:][:k], y[i*k:][:k]
		for j, x := range zr {
			t := float32((float64(x) - mu[j]) * s[j])
			xr[j] = t
			yr[j] = g[j]*t + be[j]
		}
	}
}

// backward32 is backward in float32, with the column sums in float64.
func (o *batchNorm) backward32(inBar []*blas32.General, _ []bool, outBar, out *blas32.General, in []*blas32.General) {
	n, k := out.Rows, out.Cols
	gb, g, xh := raw32(outBar), raw32(in[1]), o.xhat32
	a, b := o.a[:k], o.b[:k]
	clear(a)
	clear(b)
	for i := range n {
		xr := xh[i*k:][:k]
		for j, v := range gb[i*k:][:k] {
			a[j] += float64(v)
			b[j] += float64(v) * float64(xr[j])
		}
	}
	if inBar[2] != nil {
		d := raw32(inBar[2])
		for j := range d {
			d[j] += float32(a[j])
		}
	}
	if inBar[1] != nil {
		d := raw32(inBar[1])
		for j := range d {
			d[j] += float32(b[j])
		}
	}
	if inBar[0] == nil {
		return
	}
	zb, c := raw32(inBar[0]), o.coef[:k]
	a32, b32 := o.ad[:k], o.bd[:k] // scratch: a/n and b/n (0 in eval)
	fn := float64(n)
	for j := range c {
		c[j] = float64(g[j]) * o.s[j]
		if o.train {
			a32[j], b32[j] = a[j]/fn, b[j]/fn
		} else {
			a32[j], b32[j] = 0, 0
		}
	}
	for i := range n {
		zr, gr, xr := zb[i*k:][:k], gb[i*k:][:k], xh[i*k:][:k]
		for j, v := range gr {
			zr[j] += float32(c[j] * (float64(v) - a32[j] - float64(xr[j])*b32[j]))
		}
	}
}
