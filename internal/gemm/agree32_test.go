package gemm

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/cpufeat"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// TestAsmKernelsAgree32 is TestAsmKernelsAgree for the float32 kernels:
// every float32 assembly kernel the CPU runs, through its small path and
// through its tiles, and the kernels Gemm32 chooses among on each CPU this
// one can stand in for, give the bits of fmaRef32, whatever the tile, the
// edges and the alpha and beta.
func TestAsmKernelsAgree32(t *testing.T) {
	type run struct {
		name string
		ks   []*kernel32
	}
	var runs []run
	for _, kn := range testKernels32() {
		if kn.fused && kn.product == nil {
			runs = append(runs, run{kn.name, []*kernel32{kn}})
		}
	}
	for _, cpu := range cpus() {
		if ks := preferred32For(cpu.avx2FMA, cpu.avx512); ks[0].fused {
			runs = append(runs, run{"Gemm32 on a CPU with " + cpu.name, ks})
		}
	}
	if len(runs) == 0 {
		t.Skipf("no float32 assembly kernels run here, only %s (%s): nothing to check", names(kernels32()), noVectors)
	}
	for _, r := range runs {
		for _, kn := range r.ks {
			if kn.kc != kc32 {
				t.Fatalf("%s has kc = %d, not kc32 = %d: k-blocks of different sizes round differently", kn.name, kn.kc, kc32)
			}
		}
	}
	rng := rand.New(rand.NewPCG(23, 32))
	for _, sh := range [][3]int{{1, 1, 1}, {7, 5, 3}, {32, 16, 4}, {13, 37, 300}, {12, 70, 600}, {128, 256, 784}, {128, 10, 256}, {256, 10, 128}, {70, 33, 1100}} {
		m, n, k := sh[0], sh[1], sh[2]
		for _, tr := range [][2]blas.Transpose{{blas.NoTrans, blas.NoTrans}, {blas.Trans, blas.NoTrans}, {blas.NoTrans, blas.Trans}, {blas.Trans, blas.Trans}} {
			for _, ab := range [][2]float32{{1, 0}, {1, 1}, {1.0 / 3, 0.3}, {-2, 1}} {
				alpha, beta := ab[0], ab[1]
				ar, ac := dims(tr[0], m, k)
				br, bc := dims(tr[1], k, n)
				a, b := randGeneral32(rng, ar, ac, 1), randGeneral32(rng, br, bc, 2)
				c0 := randGeneral32(rng, m, n, 3)
				want := clone32(c0)
				fmaRef32(tr[0], tr[1], alpha, a, b, beta, want)
				for _, r := range runs {
					c := clone32(c0)
					gemm32(r.ks, tr[0], tr[1], alpha, a, b, beta, c, nil)
					for x := range want.Data {
						if math.Float32bits(want.Data[x]) != math.Float32bits(c.Data[x]) {
							t.Fatalf("%dx%dx%d %s%s alpha=%v beta=%v: %s gives %v at %d, fmaRef32 %v",
								m, n, k, tname(tr[0]), tname(tr[1]), alpha, beta, r.name, c.Data[x], x, want.Data[x])
						}
					}
				}
			}
		}
	}
	var ns []string
	for _, r := range runs {
		ns = append(ns, r.name)
	}
	t.Logf("the same bits as fmaRef32: %s", strings.Join(ns, "; "))
	if !cpufeat.AVX512() {
		t.Log("not run here: the AVX-512 kernels (cpufeat reports no AVX-512F)")
	}
}

// fmaRef32 is fmaRef for float32, with k-blocks of kc32: each entry of a
// k-block is one chain of fma32 over the block, from zero, stored as
// alpha·sum where beta = 0 and as fma32(alpha, sum, beta·c) otherwise,
// with beta = 1 after the first block.
func fmaRef32(tA, tB blas.Transpose, alpha float32, a, b blas32.General, beta float32, c blas32.General) {
	aT, bT := isTrans(tA), isTrans(tB)
	m, n, k := c.Rows, c.Cols, a.Cols
	if aT {
		k = a.Rows
	}
	at := func(x blas32.General, trans bool, i, j int) float32 {
		if trans {
			return x.Data[j*x.Stride+i]
		}
		return x.Data[i*x.Stride+j]
	}
	kb := blockSize(k, kc32, 1)
	for p0 := 0; p0 < k; p0 += kb {
		for i := range m {
			for j := range n {
				var sum float32
				for p := p0; p < min(k, p0+kb); p++ {
					sum = fma32(at(a, aT, i, p), at(b, bT, p, j), sum)
				}
				cij := &c.Data[i*c.Stride+j]
				if beta == 0 {
					*cij = alpha * sum
				} else {
					*cij = fma32(alpha, sum, beta**cij)
				}
			}
		}
		beta = 1
	}
}

// TestSmallMatchesTiles32 is TestSmallMatchesTiles for the float32 small
// path.
func TestSmallMatchesTiles32(t *testing.T) {
	ran := 0
	for _, small := range kernels32() {
		if small.small == nil {
			continue
		}
		ran++
		t.Run(small.name, func(t *testing.T) { checkSmallMatchesTiles32(t, small) })
	}
	if ran == 0 {
		t.Skipf("no float32 small-product path runs here, only %s", names(kernels32()))
	}
}

func checkSmallMatchesTiles32(t *testing.T, small *kernel32) {
	tiled := tiledOnly32(small)
	rng := rand.New(rand.NewPCG(29, 32))
	took := 0
	for i := range 3000 {
		m, n, k := 1+rng.IntN(40), 1+rng.IntN(40), 1+rng.IntN(70)
		if i%4 == 0 {
			m, n = 1+rng.IntN(33), 1+rng.IntN(33)
		}
		tA, tB := transposes[rng.IntN(2)], transposes[rng.IntN(2)]
		alpha := []float32{1, 1, 1.0 / 3, -2}[rng.IntN(4)]
		beta := []float32{0, 1, 0.5, 0.3}[rng.IntN(4)]
		ar, ac := dims(tA, m, k)
		br, bc := dims(tB, k, n)
		a, b := randGeneral32(rng, ar, ac, rng.IntN(3)), randGeneral32(rng, br, bc, rng.IntN(3))
		c0 := randGeneral32(rng, m, n, rng.IntN(3))
		want, got := clone32(c0), clone32(c0)
		gemm32([]*kernel32{tiled}, tA, tB, alpha, a, b, beta, want, nil)
		gemm32([]*kernel32{small}, tA, tB, alpha, a, b, beta, got, nil)
		if !equalGeneral32(got, want) {
			t.Fatalf("%dx%dx%d %s%s alpha=%v beta=%v: the small path differs from the tiles", m, n, k, tname(tA), tname(tB), alpha, beta)
		}
		if m*n*k <= smallWork && (tB == blas.NoTrans || k*n <= smallBT32) {
			took++
		}
	}
	if took < 1000 {
		t.Fatalf("only %d of 3000 products took the small path", took)
	}
}
