// Package gradcheck compares the gradients that backpropagation computes
// on a graph with central finite differences, entry by entry, and checks
// Hessian-vector products the same way.
//
// # The error measure
//
// For an analytic value a and a numeric value m the error is
//
//	|a − m| / max(1, |a|, |m|)
//
// which is relative for entries larger than 1 and absolute below, so that a
// gradient entry of 1e-9 does not fail on finite-difference noise. An entry
// passes when its error is at most the tolerance.
//
// # Kinks
//
// ReLU (at 0) and the hard threshold are not differentiable everywhere.
// Before and after each perturbation the graph reports which side of its
// kink every such input lies on (graph.KinkPattern). When the two sides of
// a central difference differ, the difference quotient straddles a kink and
// means nothing: the entry is counted as skipped, never as failed.
//
// # Hessian-vector products
//
// With HVP set, Check compares graph.HVP along a random direction v with
// the central difference of exact gradients (∇L(θ+hv) − ∇L(θ−hv))/2h, and
// checks the symmetry uᵀHv = vᵀHu for random u, v.
//
// # λ_max and the stable step
//
// It also estimates λ_max, the largest algebraic eigenvalue of the Hessian
// H: the most positive curvature. On the quadratic model of the loss,
// gradient descent with step η multiplies the component of the error
// along an eigenvector of eigenvalue λ by 1 − ηλ, which shrinks for every
// λ > 0 exactly when η < 2/λ. A negative eigenvalue (a saddle direction)
// gives 1 − ηλ > 1 for every η > 0, so it bounds no step; the eigenvalue
// of largest magnitude is therefore not the one that matters, and the
// step bound is 2/λ_max (none when λ_max ≤ 0).
//
// The estimate is the Lanczos iteration on v ↦ Hv with full
// reorthogonalization and thick restarts (at most 64 basis vectors, so
// that the memory is about a hundred vectors of the parameters' size),
// from a random start drawn from the seeded stream. It stops when the
// residual ‖Hy − θy‖ of the Ritz pair (θ, y) with the largest θ is at most
// 1e-8 times the largest |Ritz value|. The reported λ_max is the Rayleigh
// quotient yᵀHy of the unit vector y: never above the true λ_max, up to
// rounding, and when converged within the residual of an eigenvalue, which
// is the largest one unless the random start is all but orthogonal to its
// eigenvector (the Krylov space finds the ends of the spectrum first). If
// the budget of Options.EigIters steps runs out first, the result says so
// (HVPResult.Converged false) and λ_max is only a lower bound. Unlike power
// iteration, whose error shrinks by (λ₂/λ₁)² per step, the Lanczos
// iteration is not slowed much by a negative eigenvalue of nearly the same
// magnitude as λ_max, such as 273.0 against −270.4.
package gradcheck

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/mlptrain/mlptrain/internal/graph"
	"github.com/mlptrain/mlptrain/internal/jsonnum"
	"gonum.org/v1/gonum/mat"
)

// Defaults.
const (
	DefaultTol     = 1e-6 // relative tolerance for float64
	DefaultEntries = 200  // entries sampled per tensor when it has more
	step           = 6e-6 // central-difference step, scaled by max(1, |θ|)
	hvpStep        = 1e-5 // step along a unit direction for HVP differences
)

// Options control a check. The zero value means the defaults.
type Options struct {
	Tol     float64 // pass threshold for the error measure; 0 means DefaultTol
	Entries int     // entries checked per tensor, sampled when it has more; 0 means DefaultEntries, <0 all
	Seed    uint64  // for the sample of entries and the HVP directions
	HVP     bool    // also check Hessian-vector products
	// EigIters bounds the Lanczos steps for λ_max; 0 means DefaultEigIters.
	EigIters int
}

// ParamResult is the outcome for one parameter tensor.
type ParamResult struct {
	Name       string `json:"name"`
	Shape      [2]int `json:"shape"`
	Checked    int    `json:"checked"`
	Skipped    int    `json:"skipped"`
	MaxAbsErr  Float  `json:"max_abs_err"`
	MaxRelErr  Float  `json:"max_rel_err"`
	WorstIndex [2]int `json:"worst_index"`
	Analytic   Float  `json:"analytic"`
	Numeric    Float  `json:"numeric"`
	Pass       bool   `json:"pass"`
}

// HVPResult is the outcome of the Hessian-vector product checks.
type HVPResult struct {
	Pass        bool   `json:"pass"`
	MaxRelErr   Float  `json:"max_rel_err"`
	WorstParam  string `json:"worst_param"`
	WorstIndex  [2]int `json:"worst_index"`
	SymmetryErr Float  `json:"symmetry_err"`
	Skipped     bool   `json:"skipped_at_kink"`
	// LambdaMax is the largest algebraic eigenvalue of the Hessian, the
	// most positive curvature (not the largest in magnitude: negative
	// eigenvalues do not bound the step). It is the Rayleigh quotient of
	// the unit vector the Lanczos iteration found, so it never exceeds the
	// true λ_max (up to rounding); when Converged, an eigenvalue lies within
	// Residual of it.
	LambdaMax Float `json:"lambda_max"`
	// StepBound is 2/λ_max, the largest stable gradient-descent step on
	// this loss near this point; +Inf (null in JSON) when λ_max ≤ 0. When
	// not Converged, λ_max may be larger and the true bound smaller.
	StepBound *float64 `json:"step_bound"`
	// Converged reports Residual ≤ ResidualTol.
	Converged bool `json:"converged"`
	// Iterations counts the Lanczos steps, one Hessian-vector product each
	// (and one more verifies the residual).
	Iterations int `json:"iterations"`
	// Residual is ‖Hy − λ_max·y‖ for the unit vector y found.
	Residual Float `json:"residual"`
	// ResidualTol is 1e-8 times the largest |Ritz value|, an estimate of
	// ‖H‖ from below.
	ResidualTol Float `json:"residual_tol"`
}

// Result is the outcome of a check.
type Result struct {
	Pass   bool          `json:"pass"`
	Tol    float64       `json:"tol"`
	Params []ParamResult `json:"params"`
	HVP    *HVPResult    `json:"hvp"`
}

// Float is a float64 that encodes as JSON null when it is not finite.
type Float = jsonnum.Float

func errMeasure(a, m float64) float64 {
	return math.Abs(a-m) / max(1, math.Abs(a), math.Abs(m))
}

// checker holds the graph under test and scratch space.
type checker struct {
	g       *graph.Graph
	loss    *graph.Node
	params  []*graph.Node
	pattern []bool
}

// eval runs the forward pass and returns the loss and kink pattern.
func (c *checker) eval(pat []bool) (float64, []bool) {
	c.g.Forward()
	return c.loss.Scalar(), c.g.KinkPattern(pat[:0])
}

// Check runs the gradient check of loss with respect to params at their
// current values, which it leaves as it found them. It panics if loss is
// not a 1×1 node of g.
func Check(g *graph.Graph, loss *graph.Node, params []*graph.Node, opts Options) Result {
	if opts.Tol <= 0 {
		opts.Tol = DefaultTol
	}
	if opts.Entries == 0 {
		opts.Entries = DefaultEntries
	}
	if opts.EigIters <= 0 {
		opts.EigIters = DefaultEigIters
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 7))
	c := &checker{g: g, loss: loss, params: params}
	res := Result{Pass: true, Tol: opts.Tol}

	g.Forward()
	g.Backward(loss)
	grads := make([]*mat.Dense, len(params))
	for i, p := range params {
		grads[i] = mat.DenseCopyOf(p.Grad())
	}
	base := g.KinkPattern(nil)
	var plus, minus []bool
	for i, p := range params {
		r, cols := p.Dims()
		pr := ParamResult{Name: p.Name(), Shape: [2]int{r, cols}, Pass: true}
		w := p.Value().RawMatrix().Data[:r*cols]
		idx := sample(len(w), opts.Entries, rng)
		for _, e := range idx {
			orig := w[e]
			h := step * max(1, math.Abs(orig))
			w[e] = orig + h
			var lp, lm float64
			lp, plus = c.eval(plus)
			w[e] = orig - h
			lm, minus = c.eval(minus)
			w[e] = orig
			if !slices.Equal(plus, base) || !slices.Equal(minus, base) {
				pr.Skipped++
				continue
			}
			pr.Checked++
			a := grads[i].RawMatrix().Data[e]
			m := (lp - lm) / (2 * h)
			abs, rel := math.Abs(a-m), errMeasure(a, m)
			if abs > float64(pr.MaxAbsErr) || math.IsNaN(abs) {
				pr.MaxAbsErr = Float(abs)
			}
			if rel > float64(pr.MaxRelErr) || math.IsNaN(rel) || pr.Checked == 1 {
				pr.MaxRelErr = Float(rel)
				pr.WorstIndex = [2]int{e / cols, e % cols}
				pr.Analytic, pr.Numeric = Float(a), Float(m)
			}
		}
		pr.Pass = pr.MaxRelErr <= Float(opts.Tol) && !math.IsNaN(float64(pr.MaxRelErr))
		res.Pass = res.Pass && pr.Pass
		res.Params = append(res.Params, pr)
	}
	g.Forward()
	if opts.HVP {
		h := c.checkHVP(opts.Tol, opts.EigIters, rng)
		res.HVP = &h
		res.Pass = res.Pass && h.Pass
	}
	return res
}

// sample returns min(k, n) distinct indices of [0, n) in increasing order,
// all of them when k < 0 or k ≥ n.
func sample(n, k int, rng *rand.Rand) []int {
	if k < 0 || k >= n {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	idx := rng.Perm(n)[:k]
	slices.Sort(idx)
	return idx
}

// vec is one matrix per parameter: a point or direction in parameter space.
type vec []*mat.Dense

func (c *checker) newVec() vec {
	v := make(vec, len(c.params))
	for i, p := range c.params {
		r, cols := p.Dims()
		v[i] = mat.NewDense(r, cols, nil)
	}
	return v
}

func (c *checker) randVec(rng *rand.Rand) vec {
	v := c.newVec()
	for _, m := range v {
		d := m.RawMatrix().Data
		for i := range d {
			d[i] = rng.NormFloat64()
		}
	}
	v.scale(1 / v.norm())
	return v
}

func (v vec) dot(u vec) float64 {
	var s float64
	for i := range v {
		a, b := v[i].RawMatrix().Data, u[i].RawMatrix().Data
		for j := range a {
			s += a[j] * b[j]
		}
	}
	return s
}

func (v vec) norm() float64 { return math.Sqrt(v.dot(v)) }

func (v vec) scale(s float64) {
	for _, m := range v {
		m.Scale(s, m)
	}
}

// axpy sets v += s·u.
func (v vec) axpy(s float64, u vec) {
	for i := range v {
		a, b := v[i].RawMatrix().Data, u[i].RawMatrix().Data
		for j := range a {
			a[j] += s * b[j]
		}
	}
}

func (c *checker) hvp(dst, v vec) { c.g.HVP(dst, c.loss, c.params, v) }

// gradAt sets dst to the gradient at θ + s·v and returns whether the kink
// pattern there equals base; the parameters are restored afterwards.
func (c *checker) gradAt(dst vec, s float64, v vec, base []bool) bool {
	vals := make(vec, len(c.params))
	for i, p := range c.params {
		vals[i] = p.Value()
	}
	vals.axpy(s, v)
	c.g.Forward()
	c.pattern = c.g.KinkPattern(c.pattern[:0])
	same := slices.Equal(c.pattern, base)
	c.g.Backward(c.loss)
	for i, p := range c.params {
		dst[i].Copy(p.Grad())
	}
	vals.axpy(-s, v)
	return same
}

func (c *checker) checkHVP(tol float64, maxIter int, rng *rand.Rand) HVPResult {
	var res HVPResult
	c.g.Forward()
	base := c.g.KinkPattern(nil)
	hv, gp, gm := c.newVec(), c.newVec(), c.newVec()
	// Against differences of exact gradients, along a few directions
	// until one does not cross a kink.
	checked := false
	for try := 0; try < 5 && !checked; try++ {
		v := c.randVec(rng)
		c.hvp(hv, v)
		okP := c.gradAt(gp, hvpStep, v, base)
		okM := c.gradAt(gm, -hvpStep, v, base)
		if !okP || !okM {
			continue
		}
		checked = true
		for i := range hv {
			a, p, m := hv[i].RawMatrix().Data, gp[i].RawMatrix().Data, gm[i].RawMatrix().Data
			_, cols := hv[i].Dims()
			for j := range a {
				num := (p[j] - m[j]) / (2 * hvpStep)
				if e := errMeasure(a[j], num); e > float64(res.MaxRelErr) || math.IsNaN(e) || res.WorstParam == "" {
					res.MaxRelErr = Float(e)
					res.WorstParam = c.params[i].Name()
					res.WorstIndex = [2]int{j / cols, j % cols}
				}
			}
		}
	}
	res.Skipped = !checked
	// Symmetry: uᵀHv = vᵀHu.
	u, v := c.randVec(rng), c.randVec(rng)
	hu := c.newVec()
	c.hvp(hv, v)
	c.hvp(hu, u)
	res.SymmetryErr = Float(errMeasure(u.dot(hv), v.dot(hu)))
	e := c.lambdaMax(maxIter, krylovDim, rng)
	res.LambdaMax, res.Iterations, res.Converged = Float(e.value), e.iterations, e.converged
	res.Residual, res.ResidualTol = Float(e.residual), Float(e.tol)
	if e.value > 0 {
		b := 2 / e.value
		res.StepBound = &b
	}
	res.Pass = float64(res.MaxRelErr) <= tol && float64(res.SymmetryErr) <= tol
	c.g.Forward()
	return res
}

// lambdaMax estimates the largest (algebraic) eigenvalue of the Hessian by
// lanczosMaxDim, with a Krylov basis of at most dim vectors, from a
// standard normal start vector drawn from rng, in at most maxIter steps.
func (c *checker) lambdaMax(maxIter, dim int, rng *rand.Rand) eigResult {
	x, hx := c.newVec(), c.newVec()
	var n int
	for _, m := range x {
		n += len(m.RawMatrix().Data)
	}
	x0 := make([]float64, n)
	for i := range x0 {
		x0[i] = rng.NormFloat64()
	}
	apply := func(dst, v []float64) {
		x.setFlat(v)
		c.hvp(hx, x)
		hx.flat(dst)
	}
	return lanczosMaxDim(apply, x0, maxIter, dim)
}

// setFlat copies the concatenated entries of all matrices from src.
func (v vec) setFlat(src []float64) {
	for _, m := range v {
		src = src[copy(m.RawMatrix().Data, src):]
	}
}

// flat copies the concatenated entries of all matrices into dst.
func (v vec) flat(dst []float64) {
	for _, m := range v {
		dst = dst[copy(dst, m.RawMatrix().Data):]
	}
}
