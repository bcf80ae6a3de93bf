package graph_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mlptrain/mlptrain/internal/gemm"
	"github.com/mlptrain/mlptrain/internal/graph"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// refStep is a training step's graph of the reference network of
// bench/run.sh: 784-256-10, ReLU hidden layer, softmax output and
// cross-entropy, batch 128, built through the package's public API the
// way internal/layers builds it (MatMul, AddBias, the activation,
// Softmax, SoftmaxCrossEntropyOf).
type refStep struct {
	g    *graph.Graph
	loss *graph.Node
}

func newRefStep(f32 bool) refStep {
	const n, d, h, k = 128, 784, 256, 10
	rng := rand.New(rand.NewPCG(13, 1))
	g := graph.New()
	if f32 {
		g = graph.New32()
	}
	// random returns r×c values, N(0, scale²), rounded to float32 so that
	// both precisions start from the same numbers.
	random := func(r, c int, scale float64) []float64 {
		v := make([]float64, r*c)
		for i := range v {
			v[i] = float64(float32(scale * rng.NormFloat64()))
		}
		return v
	}
	to32 := func(v []float64) []float32 {
		out := make([]float32, len(v))
		for i, x := range v {
			out[i] = float32(x)
		}
		return out
	}
	param := func(name string, r, c int, scale float64) *graph.Node {
		v := random(r, c, scale)
		if f32 {
			return g.Param32(name, &blas32.General{Rows: r, Cols: c, Stride: c, Data: to32(v)})
		}
		return g.Param(name, mat.NewDense(r, c, v))
	}
	input := func(name string, v []float64, r, c int) *graph.Node {
		x := g.Input(name, r, c)
		if f32 {
			copy(x.Value32().Data, to32(v))
		} else {
			copy(x.Value().RawMatrix().Data, v)
		}
		return x
	}
	x := input("X", random(n, d, 1), n, d)
	oneHot := make([]float64, n*k)
	for i := range n {
		oneHot[i*k+rng.IntN(k)] = 1
	}
	w1, b1 := param("W1", d, h, 1/math.Sqrt(d)), param("b1", 1, h, 0.1)
	w2, b2 := param("W2", h, k, 1/math.Sqrt(h)), param("b2", 1, k, 0.1)
	hid := graph.ReLU(graph.AddBias(graph.MatMul(x, w1), b1))
	y := graph.Softmax(graph.AddBias(graph.MatMul(hid, w2), b2))
	t := input("t", oneHot, n, k)
	return refStep{g: g, loss: graph.SoftmaxCrossEntropyOf(y, t)}
}

// BenchmarkReferenceStep times the forward pass and the backward pass of
// the reference network's training step apart, in float64 and float32
// (sub-benchmarks float64/forward, float64/backward, float32/forward,
// float32/backward), for the lecture's accounting of backward against
// forward; bench/run.sh prints the ratio. Backward reuses the values of
// the Forward made before the loop, as a step's Backward does.
func BenchmarkReferenceStep(b *testing.B) {
	for _, prec := range []string{"float64", "float32"} {
		for _, pass := range []string{"forward", "backward"} {
			b.Run(prec+"/"+pass, func(b *testing.B) {
				s := newRefStep(prec == "float32")
				s.g.Forward()
				s.g.Backward(s.loss) // plans the signals outside the loop
				s.g.Forward()
				if l := s.loss.Scalar(); math.IsNaN(l) || math.IsInf(l, 0) {
					b.Fatalf("loss %v", l)
				}
				b.ReportAllocs()
				if pass == "forward" {
					for b.Loop() {
						s.g.Forward()
					}
					return
				}
				for b.Loop() {
					s.g.Backward(s.loss)
				}
			})
		}
	}
}

// BenchmarkPeakGemm times one 2048×2048·2048×2048 product through gemm's
// public Gemm and Gemm32 (sub-benchmarks float64/2048 and float32/2048),
// the kernels the graph's products run, and reports GFLOP/s: bench/run.sh
// takes the machine's GEMM peak per precision and thread count (-cpu) as
// the higher of this and numpy's matmul on the same size, and each
// epoch's share of it.
func BenchmarkPeakGemm(b *testing.B) {
	const n = 2048
	rng := rand.New(rand.NewPCG(13, 2))
	fill := func(v []float64) []float64 {
		for i := range v {
			v[i] = rng.Float64()
		}
		return v
	}
	b.Run("float64/2048", func(b *testing.B) {
		g := func() blas64.General {
			return blas64.General{Rows: n, Cols: n, Stride: n, Data: fill(make([]float64, n*n))}
		}
		x, y, c := g(), g(), g()
		gemm.Gemm(blas.NoTrans, blas.NoTrans, 1, x, y, 0, c)
		for b.Loop() {
			gemm.Gemm(blas.NoTrans, blas.NoTrans, 1, x, y, 0, c)
		}
		b.ReportMetric(2*n*n*n*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
	b.Run("float32/2048", func(b *testing.B) {
		g := func() blas32.General {
			v := make([]float32, n*n)
			for i := range v {
				v[i] = float32(rng.Float64())
			}
			return blas32.General{Rows: n, Cols: n, Stride: n, Data: v}
		}
		x, y, c := g(), g(), g()
		gemm.Gemm32(blas.NoTrans, blas.NoTrans, 1, x, y, 0, c)
		for b.Loop() {
			gemm.Gemm32(blas.NoTrans, blas.NoTrans, 1, x, y, 0, c)
		}
		b.ReportMetric(2*n*n*n*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
}
