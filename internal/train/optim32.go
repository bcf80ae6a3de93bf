package train

import (
	"math"

	"github.com/mlptrain/mlptrain/internal/vmath"
)

// The float32 updates: each rule's apply in float32 arithmetic, with the
// hyperparameters rounded to float32 and the same finiteness check on
// the bits of w − w (and of the state that could overflow).

func (o *sgd) buffers32() []*[][]float32 { return nil }

func (o *sgd) apply32(_, _ int, w, g []float32) bool {
	return vmath.SubScaled32(w, g[:len(w)], float32(o.lr))
}

func (o *momentumOpt) buffers32() []*[][]float32 { return []*[][]float32{&o.v32} }

func (o *momentumOpt) apply32(i, lo int, w, g []float32) bool {
	v := o.v32[i][lo:]
	g, v = g[:len(w)], v[:len(w)]
	mu, lr, nan := float32(o.mu), float32(o.lr), uint32(0)
	for j := range w {
		v[j] = mu*v[j] - lr*g[j]
		w[j] += v[j]
		nan |= math.Float32bits(w[j] - w[j])
	}
	return nan == 0
}

func (o *nesterov) buffers32() []*[][]float32 { return []*[][]float32{&o.b32} }

func (o *nesterov) apply32(i, lo int, w, g []float32) bool {
	b := o.b32[i][lo:]
	g, b = g[:len(w)], b[:len(w)]
	lr, mu, nan := float32(o.lr), float32(o.mu), uint32(0)
	for j := range w {
		b[j] = mu*b[j] + g[j]
		w[j] -= lr * (g[j] + mu*b[j])
		nan |= math.Float32bits(w[j]-w[j]) | math.Float32bits(b[j]-b[j])
	}
	return nan == 0
}

func (o *rmsprop) buffers32() []*[][]float32 { return []*[][]float32{&o.v32} }

func (o *rmsprop) apply32(i, lo int, w, g []float32) bool {
	v := o.v32[i][lo:]
	g, v = g[:len(w)], v[:len(w)]
	lr, nan := float32(o.lr), uint32(0)
	const alpha, eps = float32(rmspropAlpha), float32(rmspropEps)
	for j := range w {
		v[j] = alpha*v[j] + (1-alpha)*g[j]*g[j]
		w[j] -= lr * g[j] / (float32(math.Sqrt(float64(v[j]))) + eps)
		nan |= math.Float32bits(w[j]-w[j]) | math.Float32bits(v[j]-v[j])
	}
	return nan == 0
}

func (o *adam) buffers32() []*[][]float32 { return []*[][]float32{&o.m32, &o.v32} }

func (o *adam) apply32(i, lo int, w, g []float32) bool {
	m, v := o.m32[i][lo:], o.v32[i][lo:]
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	// PyTorch's form: the step α/c1 and the bias correction √c2 folded
	// into scalars (rounded once to float32), then per entry
	// θ −= step·m/(√v/√c2 + ε).
	step, sc2 := float32(o.lr/o.c1), float32(math.Sqrt(o.c2))
	keep := float32(1)
	if o.decayed == nil || o.decayed[i] {
		keep = float32(1 - o.lr*o.wd)
	}
	const b1, b2, eps = float32(adamBeta1), float32(adamBeta2), float32(adamEps)
	nan := uint32(0)
	for j := range w {
		w[j] *= keep
		m[j] = b1*m[j] + (1-b1)*g[j]
		v[j] = b2*v[j] + (1-b2)*g[j]*g[j]
		w[j] -= step * m[j] / (float32(math.Sqrt(float64(v[j])))/sc2 + eps)
		nan |= math.Float32bits(w[j]-w[j]) | math.Float32bits(v[j]-v[j])
	}
	return nan == 0
}
