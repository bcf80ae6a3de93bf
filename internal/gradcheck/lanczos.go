package gradcheck

import (
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Eigenvalue defaults.
const (
	// DefaultEigIters is the default budget of Lanczos steps, one
	// Hessian-vector product each, for λ_max.
	DefaultEigIters = 1000
	// eigTol is the convergence threshold on the residual ‖Hy − θy‖ of the
	// unit Ritz vector y with the largest Ritz value θ, relative to the
	// largest |Ritz value| seen, an estimate (from below) of ‖H‖.
	eigTol = 1e-8
	// krylovDim caps the Krylov basis at min(n, krylovDim) vectors, so
	// that memory stays about (3/2·krylovDim + 1)·n floats; at the cap the
	// iteration restarts, keeping the krylovDim/2 largest Ritz vectors.
	krylovDim = 64
)

// LanczosVectors is the most parameter-sized vectors the λ_max iteration
// holds at once: the Krylov basis, the Ritz vectors of a restart, and two
// more (callers that bound memory count them).
const LanczosVectors = krylovDim + krylovDim/2 + 2

// eigResult is the outcome of lanczosMax.
type eigResult struct {
	// value is the Rayleigh quotient θ = yᵀHy of the unit vector y found:
	// never above the largest eigenvalue (up to rounding), and within
	// residual of an eigenvalue of H.
	value float64
	// residual is ‖Hy − θy‖, computed with one more product after the
	// iteration; tol is the threshold it is held to.
	residual, tol float64
	// iterations counts Lanczos steps, one product with H each.
	iterations int
	// converged reports residual ≤ tol.
	converged bool
}

// lanczosMax estimates the largest (algebraic) eigenvalue of the symmetric
// operator H of order n = len(x0), which apply(dst, x) computes as
// dst = Hx, by the Lanczos iteration from x0 with full
// reorthogonalization and thick restarts, in at most maxIter steps (and one
// more product to verify the residual). x0 is not modified; if it is zero
// or not finite, the result is NaN and not converged.
//
// Each step extends an orthonormal basis V of the Krylov space
// span{x0, Hx0, H²x0, …} by Gram–Schmidt applied twice, which keeps V
// orthonormal to rounding, and records T = VᵀHV. The largest eigenvalue θ
// of T (the largest Ritz value) is the maximum of the Rayleigh quotient on
// span V, and its Ritz vector y = Vs has the residual
// ‖Hy − θy‖ = β·|s_last|, where β is the norm of the part of H·v_last
// outside span V. The iteration stops when that residual is at most
// eigTol·max|Ritz value|, or when V spans the whole space. At krylovDim
// vectors it restarts from the krylovDim/2 largest Ritz vectors and the
// next basis vector, with T = diag(their Ritz values) bordered by the
// couplings that the next step computes.
func lanczosMax(apply func(dst, x []float64), x0 []float64, maxIter int) eigResult {
	return lanczosMaxDim(apply, x0, maxIter, krylovDim)
}

// lanczosMaxDim is lanczosMax with the Krylov basis capped at dim vectors
// instead of krylovDim. It panics if dim < 2.
func lanczosMaxDim(apply func(dst, x []float64), x0 []float64, maxIter, dim int) eigResult {
	if dim < 2 {
		panic("gradcheck: Krylov dimension below 2")
	}
	n := len(x0)
	m := min(n, dim)
	keep := max(1, m/2)
	res := eigResult{value: math.NaN(), residual: math.NaN(), tol: math.NaN()}
	basis := make([][]float64, m)
	for i := range basis {
		basis[i] = make([]float64, n)
	}
	var scratch [][]float64 // for the Ritz vectors at a restart, made on the first
	w := make([]float64, n)
	copy(basis[0], x0)
	if nrm := floats.Norm(basis[0], 2); nrm > 0 && !math.IsInf(nrm, 0) {
		floats.Scale(1/nrm, basis[0])
	} else {
		return res
	}
	t := mat.NewSymDense(m, nil)
	var (
		es      mat.EigenSym
		s       mat.Dense
		normEst float64
	)
	j := 0
	for {
		apply(w, basis[j])
		res.iterations++
		for range 2 {
			for i := 0; i <= j; i++ {
				h := floats.Dot(basis[i], w)
				t.SetSym(i, j, t.At(i, j)+h)
				floats.AddScaled(w, -h, basis[i])
			}
		}
		beta := floats.Norm(w, 2)
		if !es.Factorize(t.SliceSym(0, j+1), true) {
			return res // NaN or Inf in T
		}
		theta := es.Values(nil)
		s.Reset()
		es.VectorsTo(&s)
		normEst = max(normEst, math.Abs(theta[0]), math.Abs(theta[j]))
		res.tol = eigTol * normEst
		est := beta * math.Abs(s.At(j, j))
		if math.IsNaN(est) || math.IsInf(normEst, 0) {
			return res
		}
		if est <= res.tol || j+1 == n || res.iterations >= maxIter {
			break
		}
		if j+1 < m {
			floats.ScaleTo(basis[j+1], 1/beta, w)
			j++
			continue
		}
		// Thick restart: the keep largest Ritz vectors, then the next
		// basis vector, which is orthogonal to all of them.
		if scratch == nil {
			scratch = make([][]float64, keep)
			for i := range scratch {
				scratch[i] = make([]float64, n)
			}
		}
		for c := range keep {
			ritzVector(scratch[c], basis[:j+1], &s, j-c)
		}
		t.Zero()
		for c := range keep {
			basis[c], scratch[c] = scratch[c], basis[c]
			t.SetSym(c, c, theta[j-c])
		}
		floats.ScaleTo(basis[keep], 1/beta, w)
		j = keep
	}
	// Verify: the Rayleigh quotient and residual of the Ritz vector.
	y := scratch0(scratch, n)
	ritzVector(y, basis[:j+1], &s, j)
	floats.Scale(1/floats.Norm(y, 2), y)
	apply(w, y)
	res.value = floats.Dot(y, w)
	floats.AddScaled(w, -res.value, y)
	res.residual = floats.Norm(w, 2)
	res.converged = res.residual <= res.tol
	return res
}

// ritzVector sets dst = Σᵢ basis[i]·s[i, col].
func ritzVector(dst []float64, basis [][]float64, s *mat.Dense, col int) {
	clear(dst)
	for i, v := range basis {
		floats.AddScaled(dst, s.At(i, col), v)
	}
}

// scratch0 returns scratch's first vector, or a new one of length n.
func scratch0(scratch [][]float64, n int) []float64 {
	if len(scratch) > 0 {
		return scratch[0]
	}
	return make([]float64, n)
}
