package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
)

// relTol bounds |got − want| relative to |alpha|·|op(a)|·|op(b)| + |beta·c|
// elementwise: the kernels' FMAs and summation order round differently
// from gonum's.
const relTol = 1e-12

// pad fills the gaps between rows so that writes outside a view show.
const pad = -12345.678

// randGeneral returns an r×c view with stride c+extra into random data,
// with the gaps filled with pad.
func randGeneral(rng *rand.Rand, r, c, extra int) blas64.General {
	stride := max(1, c+extra)
	g := blas64.General{Rows: r, Cols: c, Stride: stride, Data: make([]float64, max(0, (r-1)*stride+c))}
	for i := range g.Data {
		if i%stride < c {
			g.Data[i] = rng.Float64()*2 - 1
		} else {
			g.Data[i] = pad
		}
	}
	return g
}

func clone(g blas64.General) blas64.General {
	g.Data = slices.Clone(g.Data)
	return g
}

func absGeneral(g blas64.General) blas64.General {
	g = clone(g)
	for i, v := range g.Data {
		g.Data[i] = math.Abs(v)
	}
	return g
}

func dims(t blas.Transpose, r, c int) (int, int) {
	if t == blas.NoTrans {
		return r, c
	}
	return c, r
}

func refGemm(tA, tB blas.Transpose, alpha float64, a, b blas64.General, beta float64, c blas64.General) {
	m, k := dims(tA, a.Rows, a.Cols)
	_, n := dims(tB, b.Rows, b.Cols)
	gonum.Implementation{}.Dgemm(tA, tB, m, n, k, alpha, a.Data, a.Stride, b.Data, b.Stride, beta, c.Data, c.Stride)
}

var transposes = []blas.Transpose{blas.NoTrans, blas.Trans}

func tname(t blas.Transpose) string {
	if t == blas.NoTrans {
		return "N"
	}
	return "T"
}

// checkGemm runs gemm with kn on one case and compares it with gonum's
// Dgemm: the result within relTol, the padding of c and the inputs
// untouched.
func checkGemm(t *testing.T, kn *kernel, rng *rand.Rand, tA, tB blas.Transpose, m, n, k, extra int, alpha, beta float64, nanC bool) {
	t.Helper()
	ar, ac := dims(tA, m, k)
	br, bc := dims(tB, k, n)
	a := randGeneral(rng, ar, ac, extra)
	b := randGeneral(rng, br, bc, 2*extra)
	c := randGeneral(rng, m, n, 3*extra)
	if nanC {
		for i := range c.Data {
			if i%c.Stride < n {
				c.Data[i] = math.NaN()
			}
		}
	}
	a0, b0 := clone(a), clone(b)
	want := clone(c)
	refGemm(tA, tB, alpha, a, b, beta, want)
	bound := absGeneral(c)
	if nanC {
		clear(bound.Data)
	}
	refGemm(tA, tB, math.Abs(alpha), absGeneral(a), absGeneral(b), math.Abs(beta), bound)
	got := clone(c)
	gemm([]*kernel{kn}, tA, tB, alpha, a, b, beta, got, nil)

	if !slices.Equal(a.Data, a0.Data) || !slices.Equal(b.Data, b0.Data) {
		t.Errorf("%s: inputs modified", kn.name)
		return
	}
	for i := range got.Data {
		g, w := got.Data[i], want.Data[i]
		if i%c.Stride >= n {
			if g != pad {
				t.Errorf("%s: padding of c at %d overwritten: got %v", kn.name, i, g)
				return
			}
			continue
		}
		if math.IsNaN(w) != math.IsNaN(g) {
			t.Errorf("%s: c[%d, %d] = %v, want %v", kn.name, i/c.Stride, i%c.Stride, g, w)
			return
		}
		if math.IsNaN(w) {
			continue
		}
		if d := math.Abs(g - w); d > relTol*bound.Data[i] {
			t.Errorf("%s: c[%d, %d] = %v, want %v (tolerance %v)", kn.name, i/c.Stride, i%c.Stride, g, w, relTol*bound.Data[i])
			return
		}
	}
}

// testKernels returns the kernels the CPU runs, the portable one included,
// and the BLAS library the build links, if any.
func testKernels() []*kernel {
	ks := kernels()
	for _, kn := range kernels() {
		if kn.small != nil {
			ks = append(ks, tiledOnly(kn))
		}
	}
	if library != nil {
		return append([]*kernel{library}, ks...)
	}
	return ks
}

// tiledOnly returns kn without its small-product path, named kn's name
// with "/tiled" appended.
func tiledOnly(kn *kernel) *kernel {
	cp := *kn
	cp.name += "/tiled"
	cp.small = nil
	return &cp
}

var shapes = []struct{ m, n, k int }{
	{1, 1, 1},
	{7, 5, 13},   // 7×13 · 13×5
	{2, 3, 1},    // k = 1
	{1, 40, 17},  // one row
	{33, 1, 9},   // one column
	{500, 3, 2},  // tall and skinny
	{3, 600, 5},  // wide
	{17, 19, 23}, // edges everywhere
	{128, 10, 256},
	{128, 256, 10},
	{64, 48, 300},   // more than one k block
	{300, 35, 600},  // k blocks, m blocks, parallel by rows
	{37, 700, 260},  // parallel by columns, more than one k block
	{130, 2100, 70}, // more than one n block
	{8, 16, 5},      // one whole tile of each kernel but the AVX-512 wide one
	{6, 32, 9},      // one whole tile of that one
	{256, 40, 30},   // a transposed a with a stride of 2 KiB, packed
	{24, 600, 12},   // a transposed b with whole 8×8 blocks and a remainder
}

// TestGemm compares every kernel the CPU runs, the portable one included,
// and the BLAS library the build links, if any, with gonum's Dgemm.
func TestGemm(t *testing.T) {
	t.Parallel()
	for _, kn := range testKernels() {
		t.Run(kn.name, func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(1, 1))
			for _, s := range shapes {
				for _, tA := range transposes {
					for _, tB := range transposes {
						for _, extra := range []int{0, 3} {
							name := fmt.Sprintf("%s%s/%dx%dx%d/extra%d", tname(tA), tname(tB), s.m, s.n, s.k, extra)
							for _, ab := range []struct{ alpha, beta float64 }{{1, 0}, {-0.5, 1}, {2, 0.7}, {1, -1}} {
								t.Run(name, func(t *testing.T) {
									checkGemm(t, kn, rng, tA, tB, s.m, s.n, s.k, extra, ab.alpha, ab.beta, false)
								})
							}
						}
					}
				}
			}
		})
	}
}

// TestGemmRandom compares random shapes with gonum's Dgemm.
func TestGemmRandom(t *testing.T) {
	t.Parallel()
	for _, kn := range testKernels() {
		t.Run(kn.name, func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(2, 1))
			for i := range 300 {
				m, n, k := 1+rng.IntN(70), 1+rng.IntN(70), 1+rng.IntN(70)
				if i%10 == 0 {
					m, n, k = 1+rng.IntN(400), 1+rng.IntN(400), 1+rng.IntN(400)
				}
				tA, tB := transposes[rng.IntN(2)], transposes[rng.IntN(2)]
				extra := rng.IntN(3)
				alpha := []float64{1, -1, 0.3}[rng.IntN(3)]
				beta := []float64{0, 1, -0.25}[rng.IntN(3)]
				t.Run(fmt.Sprintf("%d:%s%s/%dx%dx%d", i, tname(tA), tname(tB), m, n, k), func(t *testing.T) {
					checkGemm(t, kn, rng, tA, tB, m, n, k, extra, alpha, beta, false)
				})
			}
		})
	}
}

// TestGemmSpecial covers beta = 0 over NaN, alpha = 0, k = 0 and empty
// products.
func TestGemmSpecial(t *testing.T) {
	t.Parallel()
	for _, kn := range testKernels() {
		rng := rand.New(rand.NewPCG(3, 1))
		for i, tc := range []struct {
			name        string
			m, n, k     int
			alpha, beta float64
			nanC        bool
		}{
			{"beta0 over NaN", 17, 19, 23, 1.5, 0, true},
			{"beta0 over NaN, large", 130, 300, 260, 1, 0, true},
			{"beta NaN", 9, 9, 9, 1, math.NaN(), false},
			{"alpha0 beta0 over NaN", 5, 6, 7, 0, 0, true},
			{"alpha0", 5, 6, 7, 0, 0.5, false},
			{"alpha0 beta1", 5, 6, 7, 0, 1, false},
			{"k0", 5, 6, 0, 1, 0.5, false},
			{"k0 beta0 over NaN", 5, 6, 0, 1, 0, true},
			{"m0", 0, 6, 3, 1, 0, false},
			{"n0", 6, 0, 3, 1, 0, false},
			{"alpha NaN", 4, 4, 4, math.NaN(), 1, false},
		} {
			for _, tA := range transposes {
				for _, tB := range transposes {
					t.Run(fmt.Sprintf("%s/%d/%s/%s%s", kn.name, i, tc.name, tname(tA), tname(tB)), func(t *testing.T) {
						checkGemm(t, kn, rng, tA, tB, tc.m, tc.n, tc.k, 2, tc.alpha, tc.beta, tc.nanC)
					})
				}
			}
		}
	}
}

// TestGemmNaNInputs checks that a NaN or Inf in a or b propagates as in
// gonum's Dgemm.
func TestGemmNaNInputs(t *testing.T) {
	t.Parallel()
	for _, kn := range testKernels() {
		rng := rand.New(rand.NewPCG(4, 1))
		a := randGeneral(rng, 9, 11, 0)
		b := randGeneral(rng, 11, 10, 0)
		a.Data[3*11+4] = math.NaN()
		b.Data[2*10+7] = math.Inf(1)
		want := randGeneral(rng, 9, 10, 0)
		got := clone(want)
		refGemm(blas.NoTrans, blas.NoTrans, 1, a, b, 0, want)
		gemm([]*kernel{kn}, blas.NoTrans, blas.NoTrans, 1, a, b, 0, got, nil)
		for i := range want.Data {
			w, g := want.Data[i], got.Data[i]
			if math.IsNaN(w) != math.IsNaN(g) || math.IsInf(w, 0) != math.IsInf(g, 0) {
				t.Errorf("%s: c[%d] = %v, want %v", kn.name, i, g, w)
			}
		}
	}
}

// TestGemmPanics checks that illegal shapes panic, as gonum's Dgemm does,
// and that mismatched ones, which blas64.Gemm lets through, do too.
func TestGemmPanics(t *testing.T) {
	t.Parallel()
	g := func(r, c int) blas64.General {
		return blas64.General{Rows: r, Cols: c, Stride: max(1, c), Data: make([]float64, r*c)}
	}
	N, T := blas.NoTrans, blas.Trans
	for _, tc := range []struct {
		name    string
		tA, tB  blas.Transpose
		a, b, c blas64.General
	}{
		{"bad tA", 'X', N, g(2, 3), g(3, 4), g(2, 4)},
		{"bad tB", N, 0, g(2, 3), g(3, 4), g(2, 4)},
		{"inner", N, N, g(2, 3), g(4, 4), g(2, 4)},
		{"inner T", T, N, g(2, 3), g(3, 4), g(3, 4)},
		{"c rows", N, N, g(2, 3), g(3, 4), g(3, 4)},
		{"c cols", N, T, g(2, 3), g(4, 3), g(2, 3)},
		{"negative", N, N, blas64.General{Rows: -1, Cols: 3, Stride: 3}, g(3, 4), g(2, 4)},
		{"stride a", N, N, blas64.General{Rows: 2, Cols: 3, Stride: 2, Data: make([]float64, 6)}, g(3, 4), g(2, 4)},
		{"stride c", N, N, g(2, 3), g(3, 4), blas64.General{Rows: 2, Cols: 4, Stride: 3, Data: make([]float64, 8)}},
		{"zero stride", N, N, blas64.General{Rows: 0, Cols: 0, Stride: 0}, g(0, 4), g(0, 4)},
		{"short a", N, N, blas64.General{Rows: 2, Cols: 3, Stride: 3, Data: make([]float64, 5)}, g(3, 4), g(2, 4)},
		{"short b", N, N, g(2, 3), blas64.General{Rows: 3, Cols: 4, Stride: 5, Data: make([]float64, 13)}, g(2, 4)},
		{"short c", N, N, g(2, 3), g(3, 4), blas64.General{Rows: 2, Cols: 4, Stride: 4, Data: make([]float64, 7)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("Gemm(%s) did not panic", tc.name)
				}
			}()
			Gemm(tc.tA, tc.tB, 1, tc.a, tc.b, 0, tc.c)
		})
	}
}

// TestGemmThreads runs products that are split into parts, by columns and
// by rows, at several GOMAXPROCS, from several goroutines at once. (Not
// parallel: it sets GOMAXPROCS.)
func TestGemmThreads(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 3, 4} {
		runtime.GOMAXPROCS(procs)
		for _, kn := range []*kernel{best[0], goKernel} {
			t.Run(fmt.Sprintf("%s/procs%d", kn.name, procs), func(t *testing.T) {
				done := make(chan struct{})
				for g := range 3 {
					go func() {
						defer func() { done <- struct{}{} }()
						rng := rand.New(rand.NewPCG(6, uint64(g)))
						for _, s := range []struct{ m, n, k int }{{128, 256, 300}, {500, 40, 200}, {60, 1000, 70}} {
							for _, tA := range transposes {
								for _, tB := range transposes {
									checkGemm(t, kn, rng, tA, tB, s.m, s.n, s.k, 1, 1, 0.5, false)
								}
							}
						}
					}()
				}
				for range 3 {
					<-done
				}
			})
		}
	}
}

// TestGemmAllocs checks that Gemm allocates nothing once warm, serial and
// parallel, on the small path with a transposed b too, and so do the
// kernels it chooses among on each CPU this one can stand in for. (Not
// parallel: AllocsPerRun counts every goroutine's allocations.)
func TestGemmAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 1))
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	type run struct {
		name string
		ks   []*kernel
	}
	runs := []run{{"Gemm (" + Kernel() + ")", nil}}
	for _, cpu := range cpus() {
		ks := preferredFor(cpu.avx2FMA, cpu.avx512)
		runs = append(runs, run{kernelNames(ks) + " on a CPU with " + cpu.name, ks})
	}
	for _, r := range runs {
		for _, s := range []struct {
			m, n, k int
			tB      blas.Transpose
		}{{4, 16, 8, blas.NoTrans}, {4, 16, 8, blas.Trans}, {128, 256, 784, blas.NoTrans}} {
			br, bc := dims(s.tB, s.k, s.n)
			a, b, c := randGeneral(rng, s.m, s.k, 0), randGeneral(rng, br, bc, 0), randGeneral(rng, s.m, s.n, 0)
			call := func() { gemm(r.ks, blas.NoTrans, s.tB, 1, a, b, 0, c, nil) }
			if r.ks == nil {
				call = func() { Gemm(blas.NoTrans, s.tB, 1, a, b, 0, c) }
			}
			call()
			if n := testing.AllocsPerRun(50, call); n != 0 {
				t.Errorf("%s: %d×%d·%d×%d%s: %v allocations per call, want 0", r.name, s.m, s.k, s.k, s.n, tname(s.tB), n)
			}
		}
	}
}
