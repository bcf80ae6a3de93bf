package train

import (
	"fmt"
	"math"

	"github.com/mlptrain/mlptrain/internal/gemm"
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
		o := &sgd{lr: lr}
		o.chunks.rule = o.update
		return o, nil
	case "momentum":
		o := &momentumOpt{lr: lr, mu: momentum}
		o.chunks.rule = o.update
		return o, nil
	case "adam":
		o := &adam{lr: lr}
		o.chunks.rule = o.update
		return o, nil
	}
	return nil, fmt.Errorf("unknown optimizer %q", name)
}

// The update loops check that the weights stay finite by OR-ing the bits
// of w − w, which is +0 (all bits clear) for every finite w and NaN
// otherwise: a subtraction and an integer OR per weight, without a branch
// or a chain of floating-point adds, cheaper than math.IsNaN and
// math.IsInf.

// chunkLen is the number of entries of a parameter one part of an update
// covers, and parallelEntries the least number of entries in all that is
// worth sharing among threads: below it, waking a helper costs more than
// the update.
const (
	chunkLen        = 1 << 14
	parallelEntries = 1 << 16
)

// chunked runs an optimizer's elementwise update rule over all parameters,
// split into chunks of at most chunkLen entries, on the threads of
// gemm.Parallel when there are at least parallelEntries entries. The
// update of an entry depends on that entry alone, so the result is the
// same bit for bit however the chunks are shared out.
type chunked struct {
	// rule updates entries [lo, hi) of parameter i from its gradient and
	// reports whether they are all finite afterwards.
	rule func(i, lo, hi int) bool

	params, grads []*mat.Dense // those of the Step in progress
	parts         []chunk
	bad           []bool         // per part: some updated entry is not finite
	run           func(part int) // c.part, made once; nil runs the parts serially
	noParallel    bool
}

type chunk struct{ i, lo, hi int }

// step updates every parameter by the rule and reports whether they are
// all finite.
func (c *chunked) step(params, grads []*mat.Dense) bool {
	if c.parts == nil {
		n := 0
		for i, p := range params {
			size := len(p.RawMatrix().Data)
			for lo := 0; lo < size; lo += chunkLen {
				c.parts = append(c.parts, chunk{i, lo, min(lo+chunkLen, size)})
			}
			n += size
		}
		c.bad = make([]bool, len(c.parts))
		if n >= parallelEntries && !c.noParallel {
			c.run = c.part
		}
	}
	c.params, c.grads = params, grads
	if c.run != nil {
		gemm.Parallel(len(c.parts), c.run)
	} else {
		for k := range c.parts {
			c.part(k)
		}
	}
	c.params, c.grads = nil, nil
	for _, b := range c.bad {
		if b {
			return false
		}
	}
	return true
}

// serial makes every later update run on the calling goroutine alone (for
// tests).
func (c *chunked) serial() { c.run = nil; c.noParallel = true }

func (c *chunked) part(k int) {
	ch := c.parts[k]
	c.bad[k] = !c.rule(ch.i, ch.lo, ch.hi)
}

type sgd struct {
	lr     float64
	steps  int
	chunks chunked
}

func (o *sgd) Step(params, grads []*mat.Dense) bool {
	o.steps++
	return o.chunks.step(params, grads)
}

func (o *sgd) update(i, lo, hi int) bool {
	w := o.chunks.params[i].RawMatrix().Data[lo:hi]
	g := o.chunks.grads[i].RawMatrix().Data[lo:hi]
	g = g[:len(w)]
	lr, nan := o.lr, uint64(0)
	for j := range w {
		w[j] -= lr * g[j]
		nan |= math.Float64bits(w[j] - w[j])
	}
	return nan == 0
}

func (o *sgd) serial() { o.chunks.serial() }

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
	chunks chunked
}

func (o *momentumOpt) Step(params, grads []*mat.Dense) bool {
	if o.v == nil {
		o.v = moments(params)
	}
	o.steps++
	return o.chunks.step(params, grads)
}

func (o *momentumOpt) update(i, lo, hi int) bool {
	w := o.chunks.params[i].RawMatrix().Data[lo:hi]
	g := o.chunks.grads[i].RawMatrix().Data[lo:hi]
	v := o.v[i][lo:hi]
	g, v = g[:len(w)], v[:len(w)]
	nan := uint64(0)
	for j := range w {
		v[j] = o.mu*v[j] - o.lr*g[j]
		w[j] += v[j]
		nan |= math.Float64bits(w[j] - w[j])
	}
	return nan == 0
}

func (o *momentumOpt) serial() { o.chunks.serial() }

func (o *momentumOpt) State() *OptimizerState { return &OptimizerState{Steps: o.steps, M: o.v} }

func (o *momentumOpt) SetState(s *OptimizerState) error {
	o.steps, o.v = s.Steps, s.M
	return nil
}

type adam struct {
	lr     float64
	steps  int
	m, v   [][]float64
	c1, c2 float64 // the bias corrections of the step in progress
	chunks chunked
}

func (o *adam) Step(params, grads []*mat.Dense) bool {
	if o.m == nil {
		o.m, o.v = moments(params), moments(params)
	}
	o.steps++
	o.c1 = 1 - math.Pow(adamBeta1, float64(o.steps))
	o.c2 = 1 - math.Pow(adamBeta2, float64(o.steps))
	return o.chunks.step(params, grads)
}

func (o *adam) update(i, lo, hi int) bool {
	w := o.chunks.params[i].RawMatrix().Data[lo:hi]
	g := o.chunks.grads[i].RawMatrix().Data[lo:hi]
	m, v := o.m[i][lo:hi], o.v[i][lo:hi]
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	c1, c2 := o.c1, o.c2
	nan := uint64(0)
	for j := range w {
		m[j] = adamBeta1*m[j] + (1-adamBeta1)*g[j]
		v[j] = adamBeta2*v[j] + (1-adamBeta2)*g[j]*g[j]
		w[j] -= o.lr * (m[j] / c1) / (math.Sqrt(v[j]/c2) + adamEps)
		nan |= math.Float64bits(w[j] - w[j])
	}
	return nan == 0
}

func (o *adam) serial() { o.chunks.serial() }

func (o *adam) State() *OptimizerState { return &OptimizerState{Steps: o.steps, M: o.m, V: o.v} }

func (o *adam) SetState(s *OptimizerState) error {
	o.steps, o.m, o.v = s.Steps, s.M, s.V
	return nil
}
