package graph

import (
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/mat"
)

// TestStepAllocs is the guarantee that our own code allocates nothing per
// step: on networks small enough that gonum's Dgemm runs serially, a
// Forward and Backward, and an HVP after the first, make no allocation.
// (Not parallel: AllocsPerRun counts every goroutine's allocations.)
func TestStepAllocs(t *testing.T) {
	for i, tc := range []struct {
		name string
		net  mlp
	}{
		{"relu+softmax-cross-entropy", mlp{n: 4, d: 8, m: 16, k: 3, act: ReLU, head: SoftmaxCrossEntropy, targets: oneHot}},
		{"tanh+binary-cross-entropy+L2", mlp{n: 4, d: 8, m: 16, k: 3, act: Tanh, head: BinaryCrossEntropy, targets: bits, lambda: 0.1}},
		{"softplus+softmax+squared-error", mlp{n: 4, d: 8, m: 16, k: 3, act: Softplus,
			head: func(y, t *Node) *Node { return SquaredError(Softmax(y), t) }, targets: oneHot}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := newRand(10, uint64(i))
			loss, params := tc.net.build(rng)
			g := loss.g
			if n := testing.AllocsPerRun(100, func() {
				g.Forward()
				g.Backward(loss)
			}); n != 0 {
				t.Errorf("Forward+Backward: %v allocations per step, want 0", n)
			}
			v := randomLike(rng, values(params))
			dst := zerosLike(v)
			g.HVP(dst, loss, params, v) // allocates the tangents
			if n := testing.AllocsPerRun(100, func() { g.HVP(dst, loss, params, v) }); n != 0 {
				t.Errorf("HVP: %v allocations per call, want 0", n)
			}
		})
	}
}

// bigMLP is the MNIST-sized benchmark network: 784-256-10 with a ReLU
// hidden layer and softmax cross-entropy, at batch 128.
var bigMLP = mlp{n: 128, d: 784, m: 256, k: 10, act: ReLU, head: SoftmaxCrossEntropy, targets: oneHot}

func benchMLP(b *testing.B, stage string) {
	rng := newRand(11, 0)
	loss, params := bigMLP.build(rng)
	g := loss.g
	v := randomLike(rng, values(params))
	dst := zerosLike(v)
	g.Forward()
	g.Backward(loss)
	g.HVP(dst, loss, params, v) // allocate the tangents outside the loop
	g.Forward()                 // Backward reuses the values kept from it
	b.ReportAllocs()
	switch stage {
	case "forward":
		for b.Loop() {
			g.Forward()
		}
	case "backward":
		for b.Loop() {
			g.Backward(loss)
		}
	case "step":
		for b.Loop() {
			g.Forward()
			g.Backward(loss)
		}
	case "hvp":
		for b.Loop() {
			g.HVP(dst, loss, params, v)
		}
	}
}

func BenchmarkForward(b *testing.B)  { benchMLP(b, "forward") }
func BenchmarkBackward(b *testing.B) { benchMLP(b, "backward") }
func BenchmarkStep(b *testing.B)     { benchMLP(b, "step") }
func BenchmarkHVP(b *testing.B)      { benchMLP(b, "hvp") }

// benchGemm runs just the matrix products of bigMLP's forward pass, its
// backward pass or both, with gemm as the graph calls them, to show that
// the step's allocations are all Dgemm's: gonum's Dgemm starts goroutines
// for a product with four or more 64×64 blocks of output, which here is
// every product but h·W2 (128×10).
func benchGemm(b *testing.B, fwd, bwd bool) {
	const n, d, m, k = 128, 784, 256, 10
	rng := newRand(11, 1)
	x, w1, w2 := normal(n, d)(rng), normal(d, m)(rng), normal(m, k)(rng)
	z, h, y := mat.NewDense(n, m, nil), normal(n, m)(rng), mat.NewDense(n, k, nil)
	yBar, hBar, zBar := normal(n, k)(rng), mat.NewDense(n, m, nil), normal(n, m)(rng)
	w1Bar, w2Bar := mat.NewDense(d, m, nil), mat.NewDense(m, k, nil)
	const N, T = blas.NoTrans, blas.Trans
	b.ReportAllocs()
	for b.Loop() {
		if fwd {
			gemm(N, N, 1, x, w1, 0, z) // z = X·W1: 2×4 blocks, parallel
			gemm(N, N, 1, h, w2, 0, y) // y = h·W2: 2×1 blocks, serial
		}
		if bwd {
			gemm(T, N, 1, h, yBar, 1, w2Bar) // W̄2 += hᵀ·ȳ: 4×1 blocks, parallel
			gemm(N, T, 1, yBar, w2, 1, hBar) // h̄ += ȳ·W2ᵀ: 2×4 blocks, parallel
			gemm(T, N, 1, x, zBar, 1, w1Bar) // W̄1 += Xᵀ·z̄: 13×4 blocks, parallel
		}
	}
}

func BenchmarkGemmForward(b *testing.B)  { benchGemm(b, true, false) }
func BenchmarkGemmBackward(b *testing.B) { benchGemm(b, false, true) }
func BenchmarkGemmStep(b *testing.B)     { benchGemm(b, true, true) }
