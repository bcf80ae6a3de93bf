package gemm

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
)

// tol32 is the error bound of Gemm32, in units of |alpha|·|op(a)|·|op(b)| +
// |beta·c| elementwise, per term of k: (k + tol32Extra)·tol32. A chain of k
// fused multiply-adds in float32 errs by at most k·2^-24 of Σ|a||b| (to
// first order), a chain of separate multiplies and adds (the portable
// kernel's) by 2k·2^-24, and the k-blocks, alpha and beta add a few
// roundings more.
const (
	tol32      = 0x1p-23
	tol32Extra = 4
)

// pad32 fills the gaps between rows so that writes outside a view show.
const pad32 = float32(-12345.678)

// randGeneral32 returns an r×c view with stride c+extra into random data,
// with the gaps filled with pad32.
func randGeneral32(rng *rand.Rand, r, c, extra int) blas32.General {
	stride := max(1, c+extra)
	g := blas32.General{Rows: r, Cols: c, Stride: stride, Data: make([]float32, max(0, (r-1)*stride+c))}
	for i := range g.Data {
		if i%stride < c {
			g.Data[i] = rng.Float32()*2 - 1
		} else {
			g.Data[i] = pad32
		}
	}
	return g
}

func clone32(g blas32.General) blas32.General {
	g.Data = slices.Clone(g.Data)
	return g
}

// to64 returns g in float64, exactly.
func to64(g blas32.General) blas64.General {
	d := make([]float64, len(g.Data))
	for i, v := range g.Data {
		d[i] = float64(v)
	}
	return blas64.General{Rows: g.Rows, Cols: g.Cols, Stride: g.Stride, Data: d}
}

func equalGeneral32(x, y blas32.General) bool {
	if len(x.Data) != len(y.Data) {
		return false
	}
	for i := range x.Data {
		if math.Float32bits(x.Data[i]) != math.Float32bits(y.Data[i]) {
			return false
		}
	}
	return true
}

// testKernels32 is testKernels for the float32 kernels.
func testKernels32() []*kernel32 {
	ks := kernels32()
	for _, kn := range kernels32() {
		if kn.small != nil {
			ks = append(ks, tiledOnly32(kn))
		}
	}
	if library32 != nil {
		return append([]*kernel32{library32}, ks...)
	}
	return ks
}

// tiledOnly32 is tiledOnly for a float32 kernel.
func tiledOnly32(kn *kernel32) *kernel32 {
	cp := *kn
	cp.name += "/tiled"
	cp.small = nil
	return &cp
}

// checkGemm32 runs gemm32 with kn on one case and compares it with the
// product computed in float64 from the same float32 inputs: the result
// within the bound of tol32, the padding of c and the inputs untouched.
func checkGemm32(t *testing.T, kn *kernel32, rng *rand.Rand, tA, tB blas.Transpose, m, n, k, extra int, alpha, beta float32, nanC bool) {
	t.Helper()
	ar, ac := dims(tA, m, k)
	br, bc := dims(tB, k, n)
	a := randGeneral32(rng, ar, ac, extra)
	b := randGeneral32(rng, br, bc, 2*extra)
	c := randGeneral32(rng, m, n, 3*extra)
	if nanC {
		for i := range c.Data {
			if i%c.Stride < n {
				c.Data[i] = float32(math.NaN())
			}
		}
	}
	a0, b0 := clone32(a), clone32(b)
	want := to64(c)
	refGemm(tA, tB, float64(alpha), to64(a), to64(b), float64(beta), want)
	bound := absGeneral(to64(c))
	if nanC {
		clear(bound.Data)
	}
	refGemm(tA, tB, math.Abs(float64(alpha)), absGeneral(to64(a)), absGeneral(to64(b)), math.Abs(float64(beta)), bound)
	got := clone32(c)
	gemm32([]*kernel32{kn}, tA, tB, alpha, a, b, beta, got, nil)

	if !slices.Equal(a.Data, a0.Data) || !slices.Equal(b.Data, b0.Data) {
		t.Errorf("%s: inputs modified", kn.name)
		return
	}
	tol := float64(k+tol32Extra) * tol32
	for i := range got.Data {
		g, w := float64(got.Data[i]), want.Data[i]
		if i%c.Stride >= n {
			if float32(g) != pad32 {
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
		if d := math.Abs(g - w); d > tol*bound.Data[i] {
			t.Errorf("%s: c[%d, %d] = %v, want %v (tolerance %v)", kn.name, i/c.Stride, i%c.Stride, g, w, tol*bound.Data[i])
			return
		}
	}
}

// shapes32 are shapes that stress the float32 blocking (kc32, tiles 16 and
// 64 wide) on top of shapes.
var shapes32 = append(slices.Clone(shapes), []struct{ m, n, k int }{
	{12, 16, 7},     // one whole 12×16 tile
	{6, 64, 9},      // one whole 6×64 tile
	{6, 16, 513},    // k just over one k-block
	{40, 130, 1100}, // three k-blocks
	{128, 256, 784}, // the reference network's first layer
	{30, 33, 17},    // a transposed b with 8×8 blocks and remainders
}...)

// TestGemm32 compares every float32 kernel the CPU runs, the portable one
// included, and the BLAS library the build links, if any, with the product
// in float64.
func TestGemm32(t *testing.T) {
	t.Parallel()
	for _, kn := range testKernels32() {
		t.Run(kn.name, func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(1, 32))
			for _, s := range shapes32 {
				for _, tA := range transposes {
					for _, tB := range transposes {
						for _, extra := range []int{0, 3} {
							name := fmt.Sprintf("%s%s/%dx%dx%d/extra%d", tname(tA), tname(tB), s.m, s.n, s.k, extra)
							for _, ab := range []struct{ alpha, beta float32 }{{1, 0}, {-0.5, 1}, {2, 0.7}, {1, -1}} {
								t.Run(name, func(t *testing.T) {
									checkGemm32(t, kn, rng, tA, tB, s.m, s.n, s.k, extra, ab.alpha, ab.beta, false)
								})
							}
						}
					}
				}
			}
		})
	}
}

// TestGemm32Edges runs every size from 1 to 70 in each dimension in turn,
// the others random, with strides past the columns, for every edge a tile
// can leave.
func TestGemm32Edges(t *testing.T) {
	t.Parallel()
	for _, kn := range testKernels32() {
		t.Run(kn.name, func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(2, 32))
			for dim := range 3 {
				for size := 1; size <= 70; size++ {
					d := [3]int{1 + rng.IntN(70), 1 + rng.IntN(70), 1 + rng.IntN(70)}
					d[dim] = size
					m, n, k := d[0], d[1], d[2]
					tA, tB := transposes[rng.IntN(2)], transposes[rng.IntN(2)]
					extra := rng.IntN(3)
					alpha := []float32{1, -1, 0.3}[rng.IntN(3)]
					beta := []float32{0, 1, -0.25}[rng.IntN(3)]
					t.Run(fmt.Sprintf("%s%s/%dx%dx%d", tname(tA), tname(tB), m, n, k), func(t *testing.T) {
						checkGemm32(t, kn, rng, tA, tB, m, n, k, extra, alpha, beta, false)
					})
				}
			}
		})
	}
}

// TestGemm32Special covers beta = 0 over NaN, alpha = 0, k = 0 and empty
// products.
func TestGemm32Special(t *testing.T) {
	t.Parallel()
	for _, kn := range testKernels32() {
		rng := rand.New(rand.NewPCG(3, 32))
		for i, tc := range []struct {
			name        string
			m, n, k     int
			alpha, beta float32
			nanC        bool
		}{
			{"beta0 over NaN", 17, 19, 23, 1.5, 0, true},
			{"beta0 over NaN, large", 130, 300, 260, 1, 0, true},
			{"beta NaN", 9, 9, 9, 1, float32(math.NaN()), false},
			{"alpha0 beta0 over NaN", 5, 6, 7, 0, 0, true},
			{"alpha0", 5, 6, 7, 0, 0.5, false},
			{"alpha0 beta1", 5, 6, 7, 0, 1, false},
			{"k0", 5, 6, 0, 1, 0.5, false},
			{"k0 beta0 over NaN", 5, 6, 0, 1, 0, true},
			{"m0", 0, 6, 3, 1, 0, false},
			{"n0", 6, 0, 3, 1, 0, false},
			{"alpha NaN", 4, 4, 4, float32(math.NaN()), 1, false},
		} {
			for _, tA := range transposes {
				for _, tB := range transposes {
					t.Run(fmt.Sprintf("%s/%d/%s/%s%s", kn.name, i, tc.name, tname(tA), tname(tB)), func(t *testing.T) {
						checkGemm32(t, kn, rng, tA, tB, tc.m, tc.n, tc.k, 2, tc.alpha, tc.beta, tc.nanC)
					})
				}
			}
		}
	}
}

// TestGemm32Panics checks that Gemm32 panics where Gemm does.
func TestGemm32Panics(t *testing.T) {
	t.Parallel()
	g := func(r, c int) blas32.General {
		return blas32.General{Rows: r, Cols: c, Stride: max(1, c), Data: make([]float32, r*c)}
	}
	N, T := blas.NoTrans, blas.Trans
	for _, tc := range []struct {
		name    string
		tA, tB  blas.Transpose
		a, b, c blas32.General
	}{
		{"bad tA", 'X', N, g(2, 3), g(3, 4), g(2, 4)},
		{"bad tB", N, 0, g(2, 3), g(3, 4), g(2, 4)},
		{"inner", N, N, g(2, 3), g(4, 4), g(2, 4)},
		{"inner T", T, N, g(2, 3), g(3, 4), g(3, 4)},
		{"c rows", N, N, g(2, 3), g(3, 4), g(3, 4)},
		{"c cols", N, T, g(2, 3), g(4, 3), g(2, 3)},
		{"negative", N, N, blas32.General{Rows: -1, Cols: 3, Stride: 3}, g(3, 4), g(2, 4)},
		{"stride a", N, N, blas32.General{Rows: 2, Cols: 3, Stride: 2, Data: make([]float32, 6)}, g(3, 4), g(2, 4)},
		{"stride c", N, N, g(2, 3), g(3, 4), blas32.General{Rows: 2, Cols: 4, Stride: 3, Data: make([]float32, 8)}},
		{"zero stride", N, N, blas32.General{Rows: 0, Cols: 0, Stride: 0}, g(0, 4), g(0, 4)},
		{"short a", N, N, blas32.General{Rows: 2, Cols: 3, Stride: 3, Data: make([]float32, 5)}, g(3, 4), g(2, 4)},
		{"short b", N, N, g(2, 3), blas32.General{Rows: 3, Cols: 4, Stride: 5, Data: make([]float32, 13)}, g(2, 4)},
		{"short c", N, N, g(2, 3), g(3, 4), blas32.General{Rows: 2, Cols: 4, Stride: 4, Data: make([]float32, 7)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("Gemm32(%s) did not panic", tc.name)
				}
			}()
			Gemm32(tc.tA, tc.tB, 1, tc.a, tc.b, 0, tc.c)
		})
	}
}

// TestGemm32Threads checks that Gemm32's bits do not depend on the thread
// count: products split into parts by columns and by rows, at GOMAXPROCS
// 1 to 4, from several goroutines at once, against the same product at
// GOMAXPROCS 1 on one goroutine. (Not parallel: it sets GOMAXPROCS.)
func TestGemm32Threads(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	type tcase struct {
		tA, tB     blas.Transpose
		a, b, c, w blas32.General
	}
	for _, kn := range []*kernel32{best32[0], goKernel32} {
		if kn.product != nil {
			continue // OpenBLAS promises no such thing
		}
		rng := rand.New(rand.NewPCG(6, 32))
		var cases []tcase
		runtime.GOMAXPROCS(1)
		for _, s := range []struct{ m, n, k int }{{128, 256, 784}, {784, 256, 128}, {128, 784, 256}, {500, 40, 600}, {60, 1000, 70}} {
			for _, tA := range transposes {
				for _, tB := range transposes {
					ar, ac := dims(tA, s.m, s.k)
					br, bc := dims(tB, s.k, s.n)
					tc := tcase{tA: tA, tB: tB, a: randGeneral32(rng, ar, ac, 1), b: randGeneral32(rng, br, bc, 0), c: randGeneral32(rng, s.m, s.n, 2)}
					tc.w = clone32(tc.c)
					gemm32([]*kernel32{kn}, tA, tB, 1, tc.a, tc.b, 0.5, tc.w, nil)
					cases = append(cases, tc)
				}
			}
		}
		for _, procs := range []int{1, 2, 3, 4} {
			runtime.GOMAXPROCS(procs)
			t.Run(fmt.Sprintf("%s/procs%d", kn.name, procs), func(t *testing.T) {
				var wg sync.WaitGroup
				for range 3 {
					wg.Go(func() {
						for i, tc := range cases {
							c := clone32(tc.c)
							gemm32([]*kernel32{kn}, tc.tA, tc.tB, 1, tc.a, tc.b, 0.5, c, nil)
							if !equalGeneral32(c, tc.w) {
								t.Errorf("case %d (%dx%d %s%s): bits differ from GOMAXPROCS 1", i, c.Rows, c.Cols, tname(tc.tA), tname(tc.tB))
							}
						}
					})
				}
				wg.Wait()
			})
		}
	}
}

// TestGemmThen32 checks GemmThen32's blocks as TestGemmThen does
// GemmThen's.
func TestGemmThen32(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 32))
	for _, procs := range []int{1, 2} {
		prev := runtime.GOMAXPROCS(procs)
		for _, sh := range [][3]int{{1, 1, 1}, {7, 5, 3}, {32, 16, 4}, {128, 256, 784}, {128, 10, 256}, {784, 256, 128}, {300, 70, 1100}} {
			m, n, k := sh[0], sh[1], sh[2]
			for _, tr := range [][2]blas.Transpose{{blas.NoTrans, blas.NoTrans}, {blas.Trans, blas.NoTrans}, {blas.NoTrans, blas.Trans}} {
				for _, ab := range [][2]float32{{1, 0}, {1, 1}, {0, 1}} {
					name := fmt.Sprintf("procs=%d/%dx%dx%d/%s%s/alpha=%v,beta=%v", procs, m, n, k, tname(tr[0]), tname(tr[1]), ab[0], ab[1])
					ar, ac := dims(tr[0], m, k)
					br, bc := dims(tr[1], k, n)
					a, b := randGeneral32(rng, ar, ac, 1), randGeneral32(rng, br, bc, 0)
					c0 := randGeneral32(rng, m, n, 2)
					want := clone32(c0)
					Gemm32(tr[0], tr[1], ab[0], a, b, ab[1], want)
					got := clone32(c0)
					var mu sync.Mutex
					seen := make([]int, m*n)
					stale := 0
					GemmThen32(tr[0], tr[1], ab[0], a, b, ab[1], got, func(i0, i1, j0, j1 int) {
						mu.Lock()
						defer mu.Unlock()
						for i := i0; i < i1; i++ {
							for j := j0; j < j1; j++ {
								seen[i*n+j]++
								if math.Float32bits(got.Data[i*got.Stride+j]) != math.Float32bits(want.Data[i*want.Stride+j]) {
									stale++
								}
							}
						}
					})
					for i, s := range seen {
						if s != 1 {
							t.Fatalf("%s: c[%d, %d] in %d blocks, want 1", name, i/n, i%n, s)
						}
					}
					if stale > 0 {
						t.Errorf("%s: %d entries not final when their block was passed on", name, stale)
					}
					if !equalGeneral32(got, want) {
						t.Errorf("%s: c differs from Gemm32's", name)
					}
				}
			}
		}
		runtime.GOMAXPROCS(prev)
	}
}

// TestGemm32Allocs checks that Gemm32 allocates nothing once warm, serial
// and parallel, with a transposed b too. (Not parallel: AllocsPerRun
// counts every goroutine's allocations.)
func TestGemm32Allocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 32))
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	type run struct {
		name string
		ks   []*kernel32
	}
	runs := []run{{"Gemm32 (" + Kernel32() + ")", nil}}
	for _, cpu := range cpus() {
		ks := preferred32For(cpu.avx2FMA, cpu.avx512)
		runs = append(runs, run{names(ks) + " on a CPU with " + cpu.name, ks})
	}
	for _, r := range runs {
		for _, s := range []struct {
			m, n, k int
			tB      blas.Transpose
		}{{4, 16, 8, blas.NoTrans}, {4, 16, 8, blas.Trans}, {128, 256, 784, blas.NoTrans}, {128, 784, 256, blas.Trans}} {
			br, bc := dims(s.tB, s.k, s.n)
			a, b, c := randGeneral32(rng, s.m, s.k, 0), randGeneral32(rng, br, bc, 0), randGeneral32(rng, s.m, s.n, 0)
			call := func() { gemm32(r.ks, blas.NoTrans, s.tB, 1, a, b, 0, c, nil) }
			if r.ks == nil {
				call = func() { Gemm32(blas.NoTrans, s.tB, 1, a, b, 0, c) }
			}
			call()
			if n := testing.AllocsPerRun(20, call); n != 0 {
				t.Errorf("%s: %d×%d·%d×%d%s: %v allocations per call, want 0", r.name, s.m, s.k, s.k, s.n, tname(s.tB), n)
			}
		}
	}
}

// TestFMA32 checks fma32 against x·y + z computed exactly with math/big and
// rounded once to float32, on random operands, on sums that fall halfway
// between two float32s, and on subnormal results.
func TestFMA32(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(31, 32))
	exact := func(x, y, z float32) float32 {
		p := new(big.Float).SetPrec(300).Mul(big.NewFloat(float64(x)), big.NewFloat(float64(y)))
		s := new(big.Float).SetPrec(300).Add(p, big.NewFloat(float64(z)))
		f, _ := s.Float32()
		return f
	}
	check := func(x, y, z float32) {
		if got, want := fma32(x, y, z), exact(x, y, z); math.Float32bits(got) != math.Float32bits(want) && !(got == 0 && want == 0) {
			t.Errorf("fma32(%g, %g, %g) = %g, want %g", x, y, z, got, want)
		}
	}
	for range 100000 {
		x, y := rng.Float32()*2-1, rng.Float32()*2-1
		z := (rng.Float32()*2 - 1) * float32(math.Ldexp(1, rng.IntN(60)-30))
		check(x, y, z)
	}
	// Halfway cases: x·y whose low bits make s land on a float32 midpoint,
	// with a tiny z that decides the rounding, and products of two 12-bit
	// significands (exact in float32 + 1 bit) plus a float32.
	for range 100000 {
		x := float32(rng.IntN(1<<12)+1<<12) * 0x1p-12
		y := float32(rng.IntN(1<<12)+1<<12) * 0x1p-12
		z := []float32{0, 0x1p-40, -0x1p-40, 0x1p-60, float32(rng.IntN(1<<10)) * 0x1p-30}[rng.IntN(5)]
		check(x, y, z)
		check(x, -y, z)
	}
	// Subnormal results.
	for range 10000 {
		x := (rng.Float32()*2 - 1) * 0x1p-70
		y := (rng.Float32()*2 - 1) * 0x1p-60
		z := (rng.Float32()*2 - 1) * 0x1p-128
		check(x, y, z)
	}
	for _, v := range [][3]float32{{1, 1, float32(math.Inf(1))}, {float32(math.MaxFloat32), 2, 0}, {float32(math.MaxFloat32), 1, float32(math.MaxFloat32)}, {0, 0, 0}} {
		check(v[0], v[1], v[2])
	}
}
