package train

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Optimizer updates parameters in place from their gradients.
type Optimizer interface {
	// Step applies one update to params from grads (same shapes, in the
	// same order on every call) and reports whether every updated
	// parameter is finite: the divergence check rides on the update's
	// pass over the weights instead of making one of its own.
	Step(params, grads []*mat.Dense) (finite bool)
	// State returns the optimizer's state (moments, step count) for a
	// checkpoint; nil for plain gradient descent.
	State() *OptimizerState
	// SetState restores a checkpoint's state, returning an error if it
	// does not fit.
	SetState(*OptimizerState) error
}

// OptimizerState is what an optimizer carries from step to step.
type OptimizerState struct {
	Steps int         `json:"steps"`
	M     [][]float64 `json:"m,omitempty"` // momentum velocity, or Adam's first moment
	V     [][]float64 `json:"v,omitempty"` // Adam's second moment
}

// Adam's constants (Kingma and Ba, 2015).
const (
	adamBeta1 = 0.9
	adamBeta2 = 0.999
	adamEps   = 1e-8
)

// NewOptimizer returns the named optimizer: gd and sgd take θ ← θ − α∇;
// momentum keeps a velocity p ← μp − α∇, θ ← θ + p; adam scales by bias-
// corrected moment estimates. (gd and sgd differ in their batches, not in
// the update.)
func NewOptimizer(name string, lr, momentum float64) (Optimizer, error) {
	switch name {
	case "gd", "sgd":
		return &sgd{lr: lr}, nil
	case "momentum":
		return &momentumOpt{lr: lr, mu: momentum}, nil
	case "adam":
		return &adam{lr: lr}, nil
	}
	return nil, fmt.Errorf("unknown optimizer %q", name)
}

type sgd struct {
	lr    float64
	steps int
}

// notFinite reports whether v is ±Inf or NaN: v − v is 0 for every
// finite v and NaN otherwise. One subtraction and compare, cheaper in the
// update loops than math.IsNaN and math.IsInf.
func notFinite(v float64) bool { return v-v != 0 }

func (o *sgd) Step(params, grads []*mat.Dense) bool {
	bad := false
	for i, p := range params {
		w, g := p.RawMatrix().Data, grads[i].RawMatrix().Data
		g = g[:len(w)]
		for j := range w {
			w[j] -= o.lr * g[j]
			bad = bad || notFinite(w[j])
		}
	}
	o.steps++
	return !bad
}

func (o *sgd) State() *OptimizerState { return &OptimizerState{Steps: o.steps} }

func (o *sgd) SetState(s *OptimizerState) error { o.steps = s.Steps; return nil }

// moments allocates zeroed buffers shaped like params.
func moments(params []*mat.Dense) [][]float64 {
	m := make([][]float64, len(params))
	for i, p := range params {
		m[i] = make([]float64, len(p.RawMatrix().Data))
	}
	return m
}

type momentumOpt struct {
	lr, mu float64
	steps  int
	v      [][]float64
}

func (o *momentumOpt) Step(params, grads []*mat.Dense) bool {
	if o.v == nil {
		o.v = moments(params)
	}
	bad := false
	for i, p := range params {
		w, g, v := p.RawMatrix().Data, grads[i].RawMatrix().Data, o.v[i]
		g, v = g[:len(w)], v[:len(w)]
		for j := range w {
			v[j] = o.mu*v[j] - o.lr*g[j]
			w[j] += v[j]
			bad = bad || notFinite(w[j])
		}
	}
	o.steps++
	return !bad
}

func (o *momentumOpt) State() *OptimizerState { return &OptimizerState{Steps: o.steps, M: o.v} }

func (o *momentumOpt) SetState(s *OptimizerState) error {
	o.steps, o.v = s.Steps, s.M
	return nil
}

type adam struct {
	lr    float64
	steps int
	m, v  [][]float64
}

func (o *adam) Step(params, grads []*mat.Dense) bool {
	if o.m == nil {
		o.m, o.v = moments(params), moments(params)
	}
	o.steps++
	c1 := 1 - math.Pow(adamBeta1, float64(o.steps))
	c2 := 1 - math.Pow(adamBeta2, float64(o.steps))
	bad := false
	for i, p := range params {
		w, g, m, v := p.RawMatrix().Data, grads[i].RawMatrix().Data, o.m[i], o.v[i]
		for j := range w {
			m[j] = adamBeta1*m[j] + (1-adamBeta1)*g[j]
			v[j] = adamBeta2*v[j] + (1-adamBeta2)*g[j]*g[j]
			w[j] -= o.lr * (m[j] / c1) / (math.Sqrt(v[j]/c2) + adamEps)
			bad = bad || notFinite(w[j])
		}
	}
	return !bad
}

func (o *adam) State() *OptimizerState { return &OptimizerState{Steps: o.steps, M: o.m, V: o.v} }

func (o *adam) SetState(s *OptimizerState) error {
	o.steps, o.m, o.v = s.Steps, s.M, s.V
	return nil
}
