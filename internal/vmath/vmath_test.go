package vmath

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// function is one of the package's functions with its kernel and its
// scalar reference.
type function struct {
	name   string
	vector func(dst, x []float64, p path)
	kernel func(dst, x []float64, avx512 bool) int
	scalar func(float64) float64
}

var functions = []function{
	{"Exp", exp, expKernel, math.Exp},
	{"Log", log, logKernel, math.Log},
	{"Tanh", tanh, tanhKernel, math.Tanh},
}

// paths returns the paths that run on this machine: every one up to best.
func paths() []path {
	return []path{pathGo, pathAVX2, pathAVX512}[:best+1]
}

func (p path) String() string {
	if p == pathExported {
		return "exported"
	}
	return [...]string{"go", "avx2", "avx512"}[p]
}

// tally counts the values check compares, by all paths and by the kernel
// paths, and how many of the latter the kernels computed rather than left
// to the scalar function.
type tally struct{ compared, asm, byKernel int }

func (c *tally) add(d tally) {
	c.compared += d.compared
	c.asm += d.asm
	c.byKernel += d.byKernel
}

func (c tally) String() string {
	return fmt.Sprintf("compared %d values; the kernels computed %d of the %d on their paths (%.0f%%)",
		c.compared, c.byKernel, c.asm, 100*float64(c.byKernel)/max(1, float64(c.asm)))
}

// check compares fn on x, and on x sorted (which puts most specials in
// groups of their own, so that the kernels see the other values), with the
// scalar function, by each path, into a separate dst and in place. Every
// element must have the bits of the scalar result (NaNs included: the
// kernels leave them to the scalar function).
func check(t *testing.T, fn function, x []float64) tally {
	t.Helper()
	sorted := append([]float64(nil), x...)
	slices.SortFunc(sorted, func(a, b float64) int {
		return cmp.Compare(math.Float64bits(a)+1<<63, math.Float64bits(b)+1<<63) // -0 ... -Inf, -NaN, then 0 ... Inf, NaN
	})
	var c tally
	c.add(checkOne(t, fn, x))
	c.add(checkOne(t, fn, sorted))
	return c
}

func checkOne(t *testing.T, fn function, x []float64) tally {
	t.Helper()
	dst := make([]float64, len(x))
	inPlace := make([]float64, len(x))
	var c tally
	for _, p := range paths() {
		fn.vector(dst, x, p)
		copy(inPlace, x)
		fn.vector(inPlace, inPlace, p)
		bad := 0
		for i, v := range x {
			want := math.Float64bits(fn.scalar(v))
			for _, got := range []float64{dst[i], inPlace[i]} {
				if math.Float64bits(got) != want {
					if bad++; bad <= 10 {
						t.Errorf("%s (%s): %s(%v [%#016x]) = %v [%#016x], want %v [%#016x]",
							fn.name, p, fn.name, v, math.Float64bits(v),
							got, math.Float64bits(got), math.Float64frombits(want), want)
					}
				}
			}
		}
		if bad > 10 {
			t.Errorf("%s (%s): %d mismatches in all", fn.name, p, bad)
		}
		c.compared += len(x)
		if p != pathGo {
			c.asm += len(x)
			c.byKernel += byKernel(fn, dst, x, p)
		}
	}
	return c
}

// byKernel returns how many elements of x fn's kernel computes when
// fn.vector runs it.
func byKernel(fn function, dst, x []float64, p path) int {
	if fn.name == "Tanh" && goFusesFMA {
		return 0
	}
	n := 0
	for i := 0; ; i += lanes {
		k := fn.kernel(dst[i:], x[i:], p == pathAVX512)
		n += k
		if i += k; len(x)-i < lanes {
			return n
		}
	}
}

// around returns the 2n+1 floats nearest v, in order.
func around(v float64, n int) []float64 {
	s := make([]float64, 0, 2*n+1)
	lo := v
	for range n {
		lo = math.Nextafter(lo, math.Inf(-1))
	}
	for x := lo; len(s) < 2*n+1; x = math.Nextafter(x, math.Inf(1)) {
		s = append(s, x)
	}
	return s
}

// arange returns lo, lo+step, ... below hi.
func arange(lo, hi, step float64) []float64 {
	var s []float64
	for i := 0; ; i++ {
		x := lo + float64(i)*step
		if x >= hi {
			return s
		}
		s = append(s, x)
	}
}

// withNeg returns s followed by the negation of each element.
func withNeg(s []float64) []float64 {
	out := append([]float64(nil), s...)
	for _, v := range s {
		out = append(out, -v)
	}
	return out
}

// binades returns, for every exponent field 0..0x7FF and both signs, the
// floats with the given mantissas.
func binades(mantissas ...uint64) []float64 {
	var s []float64
	for e := range uint64(0x800) {
		for _, m := range mantissas {
			b := e<<52 | m&(1<<52-1)
			s = append(s, math.Float64frombits(b), math.Float64frombits(b|1<<63))
		}
	}
	return s
}

// specials are inputs every function is checked on.
var specials = []float64{
	0, math.Copysign(0, -1), 1, -1, 0.5, 2,
	math.Inf(1), math.Inf(-1), math.NaN(), math.Float64frombits(0x7FF0000000000001),
	math.Float64frombits(0xFFF8000000000123), math.Float64frombits(0x7FF4000000000000),
	math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64,
	0x1p-1022, -0x1p-1022, math.Nextafter(0x1p-1022, 0), math.Nextafter(-0x1p-1022, 0),
	math.Pi, math.E, math.Ln2, math.Sqrt2 / 2,
}

// sweeps are the dense, deterministic inputs of each function.
var sweeps = map[string]func() [][]float64{
	"Exp": func() [][]float64 {
		s := [][]float64{
			specials,
			arange(-750, 750, 1.0/1024),
			arange(-750, 750, 0.0012345),
			arange(-2, 2, 1.0/(1<<16)),
			binades(0, 1, 1<<51, 0x000FFFFFFFFFFFFF, 0x0006A09E667F3BCD),
		}
		// The ends of the kernels' range and of archExp's paths, and where
		// k = round(x·log2e) changes (halfway cases of the conversion).
		for _, v := range []float64{
			7.09782712893384e+02, 709.78, 709.7827128933840, 708.39, 709.43,
			-708.39, -708.3964185322641, -708.40, -745.1332191019411, -745.2,
			1023.5 / math.Log2E, 1022.5 / math.Log2E, -1021.5 / math.Log2E, -1022.5 / math.Log2E,
			-1074.5 / math.Log2E, -1075.5 / math.Log2E, 0x1p-1022, 0x1p-53, 0x1p-30,
		} {
			s = append(s, withNeg(around(v, 2000)))
		}
		for k := -1080; k <= 1030; k++ {
			s = append(s, around((float64(k)+0.5)/math.Log2E, 3))
		}
		return s
	},
	"Log": func() [][]float64 {
		s := [][]float64{
			specials,
			arange(-1, 100, 1.0/4096),
			arange(0, 4, 1.0/(1<<18)),
			around(1, 50000),
			around(math.Sqrt2/2, 1000),
			around(math.Sqrt2, 1000),
			around(0x1p-1022, 1000),
			around(math.MaxFloat64, 1000),
			around(math.SmallestNonzeroFloat64, 1000),
			// f1 = HSqrt2 exactly, where archLog's comparison is f1 <= HSqrt2.
			binades(0, 1, 2, 1<<51, 0x0006A09E667F3BCD, 0x0006A09E667F3BCC,
				0x0006A09E667F3BCE, 0x000FFFFFFFFFFFFF, 0x000FFFFFFFFFFFFE, 0x0005555555555555),
		}
		for e := -1074; e <= 1023; e++ {
			s = append(s, around(math.Ldexp(1, e), 20))
		}
		return s
	},
	"Tanh": func() [][]float64 {
		s := [][]float64{
			specials,
			arange(-50, 50, 1.0/8192),
			arange(-1, 1, 1.0/(1<<19)),
			binades(0, 1, 1<<51, 0x000FFFFFFFFFFFFF, 0x0004000000000000),
		}
		for _, v := range []float64{0.625, 0.5 * 8.8029691931113054295988e+01, 22, 44.01, 0x1p-26, 0x1p-1022, 1, 0.5} {
			s = append(s, withNeg(around(v, 5000)))
		}
		return s
	},
}

func TestSweeps(t *testing.T) {
	t.Parallel()
	for _, fn := range functions {
		t.Run(fn.name, func(t *testing.T) {
			t.Parallel()
			var c tally
			for _, x := range sweeps[fn.name]() {
				c.add(check(t, fn, x))
			}
			t.Logf("%s: %v", fn.name, c)
		})
	}
}

// distributions are the random inputs, by name, for each function.
var distributions = []struct {
	name string
	draw func(r *rand.Rand) float64
}{
	{"bits", func(r *rand.Rand) float64 { return math.Float64frombits(r.Uint64()) }},
	{"normal", func(r *rand.Rand) float64 { return r.NormFloat64() }},
	{"normal*30", func(r *rand.Rand) float64 { return 30 * r.NormFloat64() }},
	{"normal*300", func(r *rand.Rand) float64 { return 300 * r.NormFloat64() }},
	{"uniform(0,1)", func(r *rand.Rand) float64 { return r.Float64() }},
	{"uniform(-800,800)", func(r *rand.Rand) float64 { return 1600*r.Float64() - 800 }},
	{"exp(normal*100)", func(r *rand.Rand) float64 { return math.Exp(100 * r.NormFloat64()) }},
	{"logUniformBits", func(r *rand.Rand) float64 {
		// Any sign and binade, but rarely NaN or Inf: exponent field < 0x7FF.
		return math.Float64frombits(r.Uint64N(0x7FF<<52) | r.Uint64()&(1<<63))
	}},
}

func TestRandom(t *testing.T) {
	t.Parallel()
	size := 1 << 18
	if testing.Short() {
		size = 1 << 14
	}
	for fi, fn := range functions {
		t.Run(fn.name, func(t *testing.T) {
			t.Parallel()
			var c tally
			for di, d := range distributions {
				r := rand.New(rand.NewPCG(uint64(fi), uint64(di)))
				x := make([]float64, size)
				for i := range x {
					x[i] = d.draw(r)
				}
				c.add(check(t, fn, x))
			}
			t.Logf("%s: %v", fn.name, c)
		})
	}
}

// TestLengths checks every length 0..40 at every offset 0..7 into a
// buffer, so that groups of 4 start at every alignment and every tail
// length is covered, with specials placed at random in some runs.
func TestLengths(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(2, 1))
	for _, fn := range functions {
		t.Run(fn.name, func(t *testing.T) {
			for n := range 41 {
				for off := range 8 {
					for trial := range 4 {
						buf := make([]float64, off+n+3)
						for i := range buf {
							buf[i] = 4*r.Float64() - 1
						}
						x := buf[off : off+n]
						if trial >= 2 && n > 0 {
							x[r.IntN(n)] = specials[r.IntN(len(specials))]
						}
						for _, p := range paths() {
							orig := append([]float64(nil), buf...)
							dst := make([]float64, n+2)
							dst[n], dst[n+1] = 7, 8
							fn.vector(dst[:n], x, p)
							for i := range n {
								if g, w := math.Float64bits(dst[i]), math.Float64bits(fn.scalar(x[i])); g != w {
									t.Errorf("%s (%s) n=%d off=%d: element %d of %v: got %#016x, want %#016x", fn.name, p, n, off, i, x[i], g, w)
								}
							}
							if dst[n] != 7 || dst[n+1] != 8 {
								t.Errorf("%s (%s) n=%d off=%d: wrote past dst", fn.name, p, n, off)
							}
							for i := range buf {
								if math.Float64bits(buf[i]) != math.Float64bits(orig[i]) {
									t.Errorf("%s (%s) n=%d off=%d: modified x", fn.name, p, n, off)
									break
								}
							}
							// In place, leaving the buffer around x alone.
							fn.vector(x, x, p)
							for i := range buf {
								w := orig[i]
								if i >= off && i < off+n {
									w = fn.scalar(orig[i])
								}
								if math.Float64bits(buf[i]) != math.Float64bits(w) {
									t.Errorf("%s (%s) n=%d off=%d in place: element %d = %#016x, want %#016x", fn.name, p, n, off, i-off, math.Float64bits(buf[i]), math.Float64bits(w))
								}
							}
							copy(buf, orig)
						}
					}
				}
			}
		})
	}
}

// TestKernels checks the kernels' contract: on ordinary inputs they do
// every whole group of 4, and they stop before, without writing, the group
// of the first special lane.
func TestKernels(t *testing.T) {
	if best == pathGo {
		t.Skip("no kernels on this machine")
	}
	t.Parallel()
	for _, tc := range []struct {
		fn      function
		special []float64
	}{
		{functions[0], []float64{math.NaN(), math.Inf(1), math.Inf(-1), 709.5, 710, -709, -745.2, 1e300, -1e300}},
		{functions[1], []float64{0, math.Copysign(0, -1), -1, math.Inf(1), math.Inf(-1), math.NaN(), 0x1p-1030, math.Nextafter(0x1p-1022, 0)}},
		{functions[2], []float64{math.NaN(), math.Float64frombits(0xFFF0000000000001)}},
	} {
		for _, p := range paths()[1:] {
			t.Run(tc.fn.name+"/"+p.String(), func(t *testing.T) {
				kernel := func(dst, x []float64) int { return tc.fn.kernel(dst, x, p == pathAVX512) }
				for n := range 30 {
					x := make([]float64, n)
					for i := range x {
						x[i] = 0.1 + float64(i)*0.37
					}
					dst := make([]float64, n)
					if got, want := kernel(dst, x), n/4*4; got != want {
						t.Errorf("kernel on %d ordinary values did %d, want %d", n, got, want)
					}
					for i := range x {
						if math.Float64bits(dst[i]) != math.Float64bits(tc.fn.scalar(x[i])) && i < n/4*4 {
							t.Errorf("kernel: %s(%v) = %v, want %v", tc.fn.name, x[i], dst[i], tc.fn.scalar(x[i]))
						}
					}
					for sp := range n {
						for _, v := range tc.special {
							x[sp] = v
							for i := range dst {
								dst[i] = -7
							}
							got := kernel(dst, x)
							if want := min(sp/4*4, n/4*4); got != want {
								t.Errorf("kernel with %v at %d of %d did %d, want %d", v, sp, n, got, want)
							}
							for i := got; i < n; i++ {
								if dst[i] != -7 {
									t.Errorf("kernel with %v at %d of %d wrote dst[%d]", v, sp, n, i)
									break
								}
							}
						}
						x[sp] = 0.1 + float64(sp)*0.37
					}
				}
			})
		}
	}
}

func TestPanics(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		f    func(dst, x []float64)
	}{{"Exp", Exp}, {"Log", Log}, {"Tanh", Tanh}} {
		for _, n := range [][2]int{{0, 1}, {1, 0}, {4, 5}, {9, 8}} {
			t.Run(fmt.Sprintf("%s/%d,%d", tc.name, n[0], n[1]), func(t *testing.T) {
				defer func() {
					err, _ := recover().(error)
					if !errors.Is(err, ErrLength) {
						t.Errorf("%s with len(dst) = %d, len(x) = %d: recovered %v, want ErrLength", tc.name, n[0], n[1], err)
					}
				}()
				tc.f(make([]float64, n[0]), make([]float64, n[1]))
			})
		}
	}
}

// TestExported checks Exp, Log and Tanh themselves, which take the best
// path.
func TestExported(t *testing.T) {
	t.Parallel()
	x := arange(-3, 3, 0.01)
	for _, tc := range []struct {
		name   string
		f      func(dst, x []float64)
		scalar func(float64) float64
	}{{"Exp", Exp, math.Exp}, {"Log", Log, math.Log}, {"Tanh", Tanh, math.Tanh}} {
		dst := make([]float64, len(x))
		tc.f(dst, x)
		for i, v := range x {
			if g, w := math.Float64bits(dst[i]), math.Float64bits(tc.scalar(v)); g != w {
				t.Errorf("%s(%v) = %#016x, want %#016x", tc.name, v, g, w)
			}
		}
	}
	t.Logf("best path: %v", best)
}
