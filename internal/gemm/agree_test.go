package gemm

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/cpufeat"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// TestAsmKernelsAgree checks that the assembly kernels give the same bits
// for the graph's products (alpha 1, beta 0 or 1) and any other alpha and
// beta: each accumulates an entry as one chain of fused multiply-adds over
// k, in the same k-blocks, and stores fma(alpha, AB, beta·c), edge tiles
// included, so a run's results do not depend on whether the CPU has
// AVX-512 or only AVX2 (the shipped goldens, weights hashes included, hold
// on both). It compares with fmaRef, which computes those bits in plain Go,
// every assembly kernel the CPU runs, through its small path and through
// its tiles, and the kernels Gemm chooses among on each CPU this one can
// stand in for (with AVX-512, with AVX2 only): so a CPU with AVX2 only
// checks its kernels against the bits that the AVX-512 ones are checked
// against where they run. The portable Go kernel rounds products
// separately on amd64 and is left out.
func TestAsmKernelsAgree(t *testing.T) {
	type run struct {
		name string
		ks   []*kernel
	}
	var runs []run
	for _, kn := range testKernels() {
		if kn.fused && kn.product == nil {
			runs = append(runs, run{kn.name, []*kernel{kn}})
		}
	}
	for _, cpu := range cpus() {
		if ks := preferredFor(cpu.avx2FMA, cpu.avx512); ks[0].fused {
			runs = append(runs, run{"Gemm on a CPU with " + cpu.name, ks})
		}
	}
	if len(runs) == 0 {
		t.Skipf("no assembly kernels run here, only %s (%s): nothing to check", kernelNames(kernels()), noVectors)
	}
	kc := runs[0].ks[0].kc
	for _, r := range runs {
		for _, kn := range r.ks {
			if kn.kc != kc {
				t.Fatalf("%s has kc = %d, %s %d: k-blocks of different sizes round differently", kn.name, kn.kc, runs[0].ks[0].name, kc)
			}
		}
	}
	rng := rand.New(rand.NewPCG(23, 1))
	for _, sh := range [][3]int{{1, 1, 1}, {7, 5, 3}, {32, 16, 4}, {13, 37, 300}, {128, 256, 784}, {128, 10, 256}, {256, 10, 128}} {
		m, n, k := sh[0], sh[1], sh[2]
		for _, tr := range [][2]blas.Transpose{{blas.NoTrans, blas.NoTrans}, {blas.Trans, blas.NoTrans}, {blas.NoTrans, blas.Trans}, {blas.Trans, blas.Trans}} {
			for _, ab := range [][2]float64{{1, 0}, {1, 1}, {1.0 / 3, 0.3}, {-2, 1}} {
				alpha, beta := ab[0], ab[1]
				ar, ac := dims(tr[0], m, k)
				br, bc := dims(tr[1], k, n)
				a, b := randGeneral(rng, ar, ac, 1), randGeneral(rng, br, bc, 2)
				c0 := randGeneral(rng, m, n, 3)
				want := clone(c0)
				fmaRef(kc, tr[0], tr[1], alpha, a, b, beta, want)
				for _, r := range runs {
					c := clone(c0)
					gemm(r.ks, tr[0], tr[1], alpha, a, b, beta, c, nil)
					for x := range want.Data {
						if math.Float64bits(want.Data[x]) != math.Float64bits(c.Data[x]) {
							t.Fatalf("%dx%dx%d %s%s alpha=%v beta=%v: %s gives %v at %d, fmaRef %v",
								m, n, k, tname(tr[0]), tname(tr[1]), alpha, beta, r.name, c.Data[x], x, want.Data[x])
						}
					}
				}
			}
		}
	}
	var names []string
	for _, r := range runs {
		names = append(names, r.name)
	}
	t.Logf("the same bits as fmaRef: %s", strings.Join(names, "; "))
	if !cpufeat.AVX512() {
		t.Log("not run here: the AVX-512 kernels (cpufeat reports no AVX-512F)")
	}
}

// fmaRef computes c = alpha·op(a)·op(b) + beta·c as the assembly kernels
// do, in plain Go: each entry of a k-block (blocks of at most kc, as equal
// as blockSize makes them) is one chain of math.FMA over the block, from
// zero, stored as alpha·sum where beta = 0 and as fma(alpha, sum, beta·c)
// otherwise, with beta = 1 after the first block. math.FMA rounds once on
// every platform, so these are the bits wherever the kernels run.
func fmaRef(kc int, tA, tB blas.Transpose, alpha float64, a, b blas64.General, beta float64, c blas64.General) {
	aT, bT := isTrans(tA), isTrans(tB)
	m, n, k := c.Rows, c.Cols, a.Cols
	if aT {
		k = a.Rows
	}
	at := func(x blas64.General, trans bool, i, j int) float64 {
		if trans {
			return x.Data[j*x.Stride+i]
		}
		return x.Data[i*x.Stride+j]
	}
	kb := blockSize(k, kc, 1)
	for p0 := 0; p0 < k; p0 += kb {
		for i := range m {
			for j := range n {
				var sum float64
				for p := p0; p < min(k, p0+kb); p++ {
					sum = math.FMA(at(a, aT, i, p), at(b, bT, p, j), sum)
				}
				cij := &c.Data[i*c.Stride+j]
				if beta == 0 {
					*cij = alpha * sum
				} else {
					*cij = math.FMA(alpha, sum, beta**cij)
				}
			}
		}
		beta = 1
	}
}

// cpu is a set of the features the kernels are chosen by.
type cpu struct {
	name            string
	avx2FMA, avx512 bool
}

// cpus returns this CPU and each with fewer features, down to none (the
// portable kernel alone): those whose kernels this one runs.
func cpus() []cpu {
	var cs []cpu
	for _, c := range []cpu{{"AVX-512", true, true}, {"AVX2 only", true, false}, {"no AVX2", false, false}} {
		if (!c.avx512 || cpufeat.AVX512()) && (!c.avx2FMA || cpufeat.AVX2FMA()) {
			cs = append(cs, c)
		}
	}
	return cs
}

// noVectors says why the assembly kernels may not run.
const noVectors = "cpufeat reports no AVX2 with FMA: not amd64, an older CPU, or the purego tag"

func kernelNames(ks []*kernel) string {
	names := make([]string, len(ks))
	for i, kn := range ks {
		names[i] = kn.name
	}
	return strings.Join(names, ", ")
}

// TestSmallMatchesTiles checks each kernel's small-product path (AVX-512
// and AVX2) against the tiles it stands in for, bit for bit, on random
// small products of every transpose case, with padded strides, alpha 1
// (the graph's) or not, and beta 0, 1 or neither: a small network's
// products must not depend on which path or which CPU computes them.
func TestSmallMatchesTiles(t *testing.T) {
	ran := 0
	for _, small := range kernels() {
		if small.small == nil {
			continue
		}
		ran++
		t.Run(small.name, func(t *testing.T) { checkSmallMatchesTiles(t, small) })
	}
	if ran == 0 {
		t.Skipf("no small-product path runs here, only %s (%s)", kernelNames(kernels()), noVectors)
	}
}

func checkSmallMatchesTiles(t *testing.T, small *kernel) {
	tiled := tiledOnly(small)
	rng := rand.New(rand.NewPCG(29, 1))
	took := 0
	for i := range 3000 {
		m, n, k := 1+rng.IntN(40), 1+rng.IntN(40), 1+rng.IntN(70)
		if i%4 == 0 {
			m, n = 1+rng.IntN(17), 1+rng.IntN(17)
		}
		tA, tB := transposes[rng.IntN(2)], transposes[rng.IntN(2)]
		alpha := []float64{1, 1, 1.0 / 3, -2}[rng.IntN(4)]
		beta := []float64{0, 1, 0.5, 0.3}[rng.IntN(4)]
		ar, ac := dims(tA, m, k)
		br, bc := dims(tB, k, n)
		a, b := randGeneral(rng, ar, ac, rng.IntN(3)), randGeneral(rng, br, bc, rng.IntN(3))
		c0 := randGeneral(rng, m, n, rng.IntN(3))
		want, got := clone(c0), clone(c0)
		gemm([]*kernel{tiled}, tA, tB, alpha, a, b, beta, want, nil)
		gemm([]*kernel{small}, tA, tB, alpha, a, b, beta, got, nil)
		if !equalGeneral(got, want) {
			t.Fatalf("%dx%dx%d %s%s alpha=%v beta=%v: the small path differs from the tiles", m, n, k, tname(tA), tname(tB), alpha, beta)
		}
		if m*n*k <= smallWork && (tB == blas.NoTrans || k*n <= smallBT) {
			took++
		}
	}
	if took < 1000 {
		t.Fatalf("only %d of 3000 products took the small path", took)
	}
}
