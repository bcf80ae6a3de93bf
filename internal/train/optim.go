package train

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/mlptrain/mlptrain/internal/gemm"
	"github.com/mlptrain/mlptrain/internal/vmath"
	"github.com/mlptrain/mlptrain/internal/vocab"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/mat"
)

// Optimizer updates parameters in place from their gradients.
type Optimizer interface {
	// Step applies one update to params from grads (same shapes, in the
	// same order on every call) and reports whether every updated
	// parameter, and the state kept for it, is finite: the divergence check rides on the update's
	// pass over the weights instead of making one of its own.
	Step(params, grads []*mat.Dense) (finite bool)
	// Step32 is Step for a float32 model (Hyper.Float32): parameters,
	// gradients and the optimizer's state are float32.
	Step32(params, grads []*blas32.General) (finite bool)
	// State returns the optimizer's state (step count, and the buffers
	// the catalog names) for a checkpoint.
	State() *OptimizerState
	// SetState restores a checkpoint's state, returning an error if it
	// does not fit.
	SetState(*OptimizerState) error
	// SetLearningRate sets the step size α of the steps that follow (a
	// learning-rate schedule calls it at the start of each epoch).
	SetLearningRate(lr float64)
}

// Hyper holds the hyperparameters an optimizer may read; the catalog
// (vocab.Optimizer.Reads) says which one reads which, by its key under
// train.
type Hyper struct {
	LearningRate float64 // learning_rate: the step size α
	Momentum     float64 // momentum: μ
	WeightDecay  float64 // weight_decay: adamw's decoupled decay λ
	// Decayed says, per parameter in Step's order, whether weight decay
	// applies to it (the weights W, not the biases b); nil means every
	// parameter.
	Decayed []bool
	// Float32 makes an optimizer for Step32, whose state is float32.
	Float32 bool
}

// updateRule is one optimizer's update, as the catalog names it.
type updateRule interface {
	// buffers returns the optimizer's state arrays, in the order of the
	// catalog's Optimizer.State: one entry per parameter, each as long
	// as the parameter. They are nil until the first step or SetState.
	buffers() []*[][]float64
	// buffers32 is buffers for a float32 optimizer.
	buffers32() []*[][]float32
	// begin prepares the step-th step (1, 2, ...), such as Adam's bias
	// corrections.
	begin(step int)
	// apply updates w, entries [lo, lo+len(w)) of parameter i, from g,
	// the same entries of its gradient, and reports whether they are all
	// finite afterwards. (Each rule reslices its arrays to len(w), which
	// lets the compiler drop the bounds checks of its loop.)
	apply(i, lo int, w, g []float64) bool
	// apply32 is apply in float32.
	apply32(i, lo int, w, g []float32) bool
	// setLR sets the step size α.
	setLR(lr float64)
}

// rate is the step size every rule has.
type rate struct{ lr float64 }

func (r *rate) setLR(lr float64) { r.lr = lr }

// updateRules makes each optimizer's update by the catalog's name.
var updateRules = map[string]func(Hyper) updateRule{
	"gd":       func(h Hyper) updateRule { return &sgd{rate: rate{h.LearningRate}} },
	"sgd":      func(h Hyper) updateRule { return &sgd{rate: rate{h.LearningRate}} },
	"momentum": func(h Hyper) updateRule { return &momentumOpt{rate: rate{h.LearningRate}, mu: h.Momentum} },
	"nesterov": func(h Hyper) updateRule { return &nesterov{rate: rate{h.LearningRate}, mu: h.Momentum} },
	"rmsprop":  func(h Hyper) updateRule { return &rmsprop{rate: rate{h.LearningRate}} },
	"adam":     func(h Hyper) updateRule { return &adam{rate: rate{h.LearningRate}} },
	"adamw": func(h Hyper) updateRule {
		return &adam{rate: rate{h.LearningRate}, wd: h.WeightDecay, decayed: h.Decayed}
	},
}

// NewOptimizer returns the named optimizer of the catalog (internal/vocab,
// whose help says what each does) with the hyperparameters h. It returns
// an error for a name the catalog does not list.
func NewOptimizer(name string, h Hyper) (Optimizer, error) {
	spec, ok := vocab.OptimizerNamed(name)
	newRule, has := updateRules[name]
	if !ok || !has {
		return nil, fmt.Errorf("unknown optimizer %q", name)
	}
	o := &optimizer{spec: spec, u: newRule(h), f32: h.Float32}
	o.bufs = o.u.buffers()
	o.bufs32 = o.u.buffers32()
	o.chunks.rule = o.part
	o.chunks.rule32 = o.part32
	return o, nil
}

// optimizer runs an update rule: it counts the steps, allocates the
// state, shares the work out in chunks and converts the state for
// checkpoints.
type optimizer struct {
	spec   vocab.Optimizer
	u      updateRule
	bufs   []*[][]float64 // u.buffers(), asked once: Step allocates nothing
	steps  int
	chunks chunked
	f32    bool           // Hyper.Float32: the state is bufs32
	bufs32 []*[][]float32 // u.buffers32()
}

func (o *optimizer) Step32(params, grads []*blas32.General) bool {
	for _, b := range o.bufs32 {
		if *b == nil {
			*b = moments32(params)
		}
	}
	o.steps++
	o.u.begin(o.steps)
	return o.chunks.step32(params, grads)
}

// part32 updates entries [lo, hi) of float32 parameter i.
func (o *optimizer) part32(i, lo, hi int) bool {
	return o.u.apply32(i, lo, o.chunks.params32[i].Data[lo:hi], o.chunks.grads32[i].Data[lo:hi])
}

// moments32 allocates zeroed float32 buffers shaped like params.
func moments32(params []*blas32.General) [][]float32 {
	m := make([][]float32, len(params))
	for i, p := range params {
		m[i] = make([]float32, len(p.Data))
	}
	return m
}

func (o *optimizer) Step(params, grads []*mat.Dense) bool {
	for _, b := range o.bufs {
		if *b == nil {
			*b = moments(params)
		}
	}
	o.steps++
	o.u.begin(o.steps)
	return o.chunks.step(params, grads)
}

// part updates entries [lo, hi) of parameter i.
func (o *optimizer) part(i, lo, hi int) bool {
	w := o.chunks.params[i].RawMatrix().Data[lo:hi]
	g := o.chunks.grads[i].RawMatrix().Data[lo:hi]
	return o.u.apply(i, lo, w, g)
}

// serial makes every later update run on the calling goroutine alone (for
// tests).
func (o *optimizer) serial() { o.chunks.serial() }

func (o *optimizer) SetLearningRate(lr float64) { o.u.setLR(lr) }

func (o *optimizer) State() *OptimizerState {
	s := &OptimizerState{Steps: o.steps}
	for i, b := range o.bufs {
		data := *b
		if o.f32 {
			data = widen(*o.bufs32[i])
		}
		s.Buffers = append(s.Buffers, StateBuffer{Name: o.spec.State[i].Name, Data: data})
	}
	return s
}

// SetState restores s, which must hold the buffers the catalog names for
// the optimizer after a step, and none before the first. Their shapes are
// the caller's to check.
func (o *optimizer) SetState(s *OptimizerState) error {
	bufs := o.bufs
	data := make([][][]float64, len(bufs))
	have := 0
	for _, b := range s.Buffers {
		i := -1
		for j, sb := range o.spec.State {
			if sb.Name == b.Name {
				i = j
			}
		}
		switch {
		case i < 0:
			return fmt.Errorf("optimizer %s keeps no state %q", o.spec.Name, b.Name)
		case data[i] != nil:
			return fmt.Errorf("optimizer state %q given twice", b.Name)
		case b.Data == nil:
			continue
		}
		data[i] = b.Data
		have++
	}
	if s.Steps < 0 {
		return fmt.Errorf("optimizer step %d", s.Steps)
	}
	want := 0
	if s.Steps > 0 {
		want = len(bufs)
	}
	if have != want {
		return fmt.Errorf("optimizer %s after %d steps has %d of its state buffers %v", o.spec.Name, s.Steps, have, o.spec.StateNames())
	}
	o.steps = s.Steps
	for i, b := range bufs {
		if o.f32 {
			*o.bufs32[i] = narrow(data[i])
			continue
		}
		*b = data[i]
	}
	return nil
}

// widen returns the float32 buffers as float64, exactly (nil for nil).
func widen(b [][]float32) [][]float64 {
	if b == nil {
		return nil
	}
	out := make([][]float64, len(b))
	for i, r := range b {
		out[i] = make([]float64, len(r))
		for j, v := range r {
			out[i][j] = float64(v)
		}
	}
	return out
}

// narrow rounds the buffers to float32 (exact for what widen wrote).
func narrow(b [][]float64) [][]float32 {
	if b == nil {
		return nil
	}
	out := make([][]float32, len(b))
	for i, r := range b {
		out[i] = make([]float32, len(r))
		for j, v := range r {
			out[i][j] = float32(v)
		}
	}
	return out
}

// OptimizerState is what an optimizer carries from step to step: the
// number of steps and the buffers the catalog names for it (momentum's
// velocity "m", Adam's moments "m" and "v"), none before the first step.
// In checkpoint.json it is one object, {"steps": n, "m": [...], ...}.
type OptimizerState struct {
	Steps   int
	Buffers []StateBuffer
}

// StateBuffer is one named array of an optimizer's state: an entry per
// parameter, each as long as the parameter.
type StateBuffer struct {
	Name string
	Data [][]float64
}

// MarshalJSON writes s as {"steps": n, "<name>": [...], ...}, buffers in
// order, leaving out empty ones.
func (s OptimizerState) MarshalJSON() ([]byte, error) {
	b := []byte(`{"steps":`)
	b = strconv.AppendInt(b, int64(s.Steps), 10)
	for _, buf := range s.Buffers {
		if len(buf.Data) == 0 {
			continue
		}
		name, err := json.Marshal(buf.Name)
		if err != nil {
			return nil, err
		}
		data, err := json.Marshal(buf.Data)
		if err != nil {
			return nil, err
		}
		b = append(append(append(append(b, ','), name...), ':'), data...)
	}
	return append(b, '}'), nil
}

// UnmarshalJSON reads what MarshalJSON writes, keeping the buffers in the
// file's order. Which buffers fit is for SetState to say.
func (s *OptimizerState) UnmarshalJSON(b []byte) error {
	*s = OptimizerState{}
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return errors.New("optimizer state is not an object")
	}
	steps := false
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		name, _ := t.(string)
		if name == "steps" {
			if steps {
				return errors.New(`optimizer state has "steps" twice`)
			}
			steps = true
			if err := dec.Decode(&s.Steps); err != nil {
				return fmt.Errorf("optimizer steps: %w", err)
			}
			continue
		}
		var data [][]float64
		if err := dec.Decode(&data); err != nil {
			return fmt.Errorf("optimizer state %q: %w", name, err)
		}
		s.Buffers = append(s.Buffers, StateBuffer{Name: name, Data: data})
	}
	if !steps {
		return errors.New(`optimizer state without "steps"`)
	}
	_, err := dec.Token()
	return err
}

// Adam's constants (Kingma and Ba, 2015), which adamw shares, and
// RMSprop's (PyTorch's defaults: the decay α of its running mean of g², and
// ε added outside the square root).
const (
	adamBeta1    = 0.9
	adamBeta2    = 0.999
	adamEps      = 1e-8
	rmspropAlpha = 0.99
	rmspropEps   = 1e-8
)

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
	// rule32, params32 and grads32 are rule, params and grads for Step32.
	rule32            func(i, lo, hi int) bool
	params32, grads32 []*blas32.General
	parts             []chunk
	bad               []bool         // per part: some updated entry is not finite
	run               func(part int) // c.part, made once; nil runs the parts serially
	noParallel        bool
}

type chunk struct{ i, lo, hi int }

// step updates every parameter by the rule and reports whether they are
// all finite.
func (c *chunked) step(params, grads []*mat.Dense) bool {
	if c.parts == nil {
		sizes := make([]int, len(params))
		for i, p := range params {
			sizes[i] = len(p.RawMatrix().Data)
		}
		c.plan(sizes)
	}
	c.params, c.grads = params, grads
	finite := c.runParts()
	c.params, c.grads = nil, nil
	return finite
}

// step32 is step for float32 parameters.
func (c *chunked) step32(params, grads []*blas32.General) bool {
	if c.parts == nil {
		sizes := make([]int, len(params))
		for i, p := range params {
			sizes[i] = len(p.Data)
		}
		c.plan(sizes)
	}
	c.params32, c.grads32 = params, grads
	finite := c.runParts()
	c.params32, c.grads32 = nil, nil
	return finite
}

// plan splits parameters of the given sizes into the chunks of every
// step, once.
func (c *chunked) plan(sizes []int) {
	n := 0
	for i, size := range sizes {
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

// runParts updates every chunk, in parallel when planned so, and reports
// whether they all stayed finite.
func (c *chunked) runParts() bool {
	if c.run != nil {
		gemm.Parallel(len(c.parts), c.run)
	} else {
		for k := range c.parts {
			c.part(k)
		}
	}
	for _, b := range c.bad {
		if b {
			return false
		}
	}
	return true
}

// serial makes every later update run on the calling goroutine alone.
func (c *chunked) serial() { c.run = nil; c.noParallel = true }

func (c *chunked) part(k int) {
	ch := c.parts[k]
	if c.params32 != nil {
		c.bad[k] = !c.rule32(ch.i, ch.lo, ch.hi)
		return
	}
	c.bad[k] = !c.rule(ch.i, ch.lo, ch.hi)
}

// sgd is θ ← θ − α∇ (gd and sgd differ in their batches, not in the
// update).
type sgd struct{ rate }

func (o *sgd) buffers() []*[][]float64 { return nil }

func (o *sgd) begin(int) {}

func (o *sgd) apply(_, _ int, w, g []float64) bool {
	// w[j] -= lr·g[j] and the finiteness check, a vector at a time.
	return vmath.SubScaled(w, g[:len(w)], o.lr)
}

// moments allocates zeroed buffers shaped like params.
func moments(params []*mat.Dense) [][]float64 {
	m := make([][]float64, len(params))
	for i, p := range params {
		m[i] = make([]float64, len(p.RawMatrix().Data))
	}
	return m
}

// momentumOpt keeps a velocity p ← μp − α∇ and steps θ ← θ + p.
type momentumOpt struct {
	rate
	mu  float64
	v   [][]float64 // the velocity p, "m" in checkpoints
	v32 [][]float32
}

func (o *momentumOpt) buffers() []*[][]float64 { return []*[][]float64{&o.v} }

func (o *momentumOpt) begin(int) {}

func (o *momentumOpt) apply(i, lo int, w, g []float64) bool {
	v := o.v[i][lo:]
	g, v = g[:len(w)], v[:len(w)]
	nan := uint64(0)
	for j := range w {
		v[j] = o.mu*v[j] - o.lr*g[j]
		w[j] += v[j]
		nan |= math.Float64bits(w[j] - w[j])
	}
	return nan == 0
}

// nesterov is PyTorch's SGD with nesterov=True (dampening 0): a buffer
// b ← μb + ∇ (b = ∇ at the first step), and θ ← θ − α(∇ + μb).
type nesterov struct {
	rate
	mu  float64
	b   [][]float64 // the buffer b, "m" in checkpoints
	b32 [][]float32
}

func (o *nesterov) buffers() []*[][]float64 { return []*[][]float64{&o.b} }

func (o *nesterov) begin(int) {}

func (o *nesterov) apply(i, lo int, w, g []float64) bool {
	b := o.b[i][lo:]
	g, b = g[:len(w)], b[:len(w)]
	lr, mu, nan := o.lr, o.mu, uint64(0)
	for j := range w {
		// b starts at 0, so μ·0 + ∇ is PyTorch's first-step b = ∇.
		b[j] = mu*b[j] + g[j]
		w[j] -= lr * (g[j] + mu*b[j])
		nan |= math.Float64bits(w[j]-w[j]) | math.Float64bits(b[j]-b[j])
	}
	return nan == 0
}

// rmsprop is PyTorch's RMSprop (α 0.99, ε 1e−8, not centered, no
// momentum): v ← αv + (1−α)∇², θ ← θ − α_lr ∇/(√v + ε).
type rmsprop struct {
	rate
	v   [][]float64 // the running mean of ∇², "v" in checkpoints
	v32 [][]float32
}

func (o *rmsprop) buffers() []*[][]float64 { return []*[][]float64{&o.v} }

func (o *rmsprop) begin(int) {}

func (o *rmsprop) apply(i, lo int, w, g []float64) bool {
	v := o.v[i][lo:]
	g, v = g[:len(w)], v[:len(w)]
	lr, nan := o.lr, uint64(0)
	for j := range w {
		v[j] = rmspropAlpha*v[j] + (1-rmspropAlpha)*g[j]*g[j]
		w[j] -= lr * g[j] / (math.Sqrt(v[j]) + rmspropEps)
		// As for Adam: an overflowed v would stall the run unnoticed.
		nan |= math.Float64bits(w[j]-w[j]) | math.Float64bits(v[j]-v[j])
	}
	return nan == 0
}

// adam scales the step by bias-corrected moment estimates. With wd > 0 it
// is adamw (Loshchilov and Hutter; PyTorch's AdamW): first the decoupled
// decay θ ← θ − α·λ·θ of the parameters decayed marks, then Adam's step.
type adam struct {
	rate
	m, v     [][]float64
	m32, v32 [][]float32
	c1, c2   float64 // the bias corrections of the step in progress
	wd       float64 // λ, adamw's weight decay
	decayed  []bool  // which parameters decay; nil: all
}

func (o *adam) buffers() []*[][]float64 { return []*[][]float64{&o.m, &o.v} }

func (o *adam) begin(step int) {
	o.c1 = 1 - math.Pow(adamBeta1, float64(step))
	o.c2 = 1 - math.Pow(adamBeta2, float64(step))
}

func (o *adam) apply(i, lo int, w, g []float64) bool {
	m, v := o.m[i][lo:], o.v[i][lo:]
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	c1, c2 := o.c1, o.c2
	// PyTorch's param.mul_(1 − lr·wd) before the step; × 1 (adam, or a
	// parameter that does not decay) changes no bit.
	keep := 1.0
	if o.decayed == nil || o.decayed[i] {
		keep = 1 - o.lr*o.wd
	}
	nan := uint64(0)
	for j := range w {
		w[j] *= keep
		m[j] = adamBeta1*m[j] + (1-adamBeta1)*g[j]
		v[j] = adamBeta2*v[j] + (1-adamBeta2)*g[j]*g[j]
		w[j] -= o.lr * (m[j] / c1) / (math.Sqrt(v[j]/c2) + adamEps)
		// v overflows (g² > MaxFloat64) while w stays finite, its update
		// m/√v then 0: a diverged run that would otherwise stall.
		nan |= math.Float64bits(w[j]-w[j]) | math.Float64bits(v[j]-v[j])
	}
	return nan == 0
}
