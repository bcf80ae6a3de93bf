package vmath

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
)

var exhaustive32 = flag.Bool("exhaustive32", false, "check the float32 functions on all 2³² inputs (minutes)")

// function32 is one of the float32 transcendental functions with its
// scalar definition, its float64 reference and its documented bound.
type function32 struct {
	name   string
	vector func(dst, x []float32, p path)
	scalar func(float32) float32
	ref    func(float64) float64
	// bound is the documented bound: the integer ulp distance from the
	// result to ref rounded to float32.
	bound int64
}

// scalarLoop32 makes a vector function of a scalar one, for the functions
// that have no kernels.
func scalarLoop32(f func(float32) float32) func(dst, x []float32, p path) {
	return func(dst, x []float32, _ path) {
		for i, v := range x {
			dst[i] = f(v)
		}
	}
}

func logistic64(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

func softplus64(x float64) float64 {
	return math.Max(x, 0) + math.Log1p(math.Exp(-math.Abs(x)))
}

var functions32 = []function32{
	{"Exp32", exp32s, exp32, math.Exp, 1},
	{"Log32", log32s, log32, math.Log, 1},
	{"Log1p32", scalarLoop32(log1p32), log1p32, math.Log1p, 1},
	{"Tanh32", tanh32s, tanh32, math.Tanh, 1},
	{"Logistic32", logistic32s, logistic32, logistic64, 2},
	{"Softplus32", scalarLoop32(softplus32), softplus32, softplus64, 2},
}

func function32ByName(name string) function32 {
	for _, f := range functions32 {
		if f.name == name {
			return f
		}
	}
	panic("no float32 function " + name)
}

// paths32 returns the paths of the float32 functions that run on this
// machine.
func paths32() []path {
	return []path{pathGo, pathAVX2, pathAVX512}[:best32+1]
}

// ordered32 maps float32 bits to integers in the order of the values, -0
// and +0 adjacent, so that the difference of two is their distance in
// ulps.
func ordered32(v float32) int64 {
	u := math.Float32bits(v)
	if u&(1<<31) != 0 {
		return -int64(u &^ (1 << 31))
	}
	return int64(u) + 1
}

// ulps32 returns the integer ulp distance from got to want, both not NaN
// (±Inf count as one ulp beyond ±MaxFloat32).
func ulps32(got, want float32) int64 {
	d := ordered32(got) - ordered32(want)
	if d < 0 {
		d = -d
	}
	if got == 0 && want == 0 {
		return 0
	}
	return d
}

// ulpErr32 returns |got − exact| in ulps of float32 at exact: the
// fractional error, which ulps32 rounds.
func ulpErr32(got float32, exact float64) float64 {
	if math.IsInf(float64(got), 0) || math.Abs(exact) > math.MaxFloat32 {
		if float64(got) == exact || math.IsInf(float64(float32(exact)), 0) && float32(exact) == got {
			return 0
		}
		return math.Inf(1)
	}
	_, e := math.Frexp(exact) // exact = f·2^e, 0.5 ≤ |f| < 1
	ulp := math.Ldexp(1, max(e-24, -149))
	return math.Abs(float64(got)-exact) / ulp
}

// stat32 is what the sweeps of one function found.
type stat32 struct {
	n        int     // values compared
	maxULP   int64   // largest ulps32
	maxErr   float64 // largest ulpErr32
	argULP   float32 // an argument with the largest ulps32
	argErr   float32
	histo    [4]int // how many results were 0, 1, 2, more ulps away
	mismatch int    // path results that differ from the scalar function's bits
}

func (s *stat32) merge(o stat32) {
	s.n += o.n
	if o.maxULP > s.maxULP {
		s.maxULP, s.argULP = o.maxULP, o.argULP
	}
	if o.maxErr > s.maxErr {
		s.maxErr, s.argErr = o.maxErr, o.argErr
	}
	for i := range s.histo {
		s.histo[i] += o.histo[i]
	}
	s.mismatch += o.mismatch
}

func (s stat32) String() string {
	return fmt.Sprintf("%d values: max %d ulp (at %v [%#08x]), max error %.3f ulp (at %v [%#08x]); 0/1/2/more ulps: %v",
		s.n, s.maxULP, s.argULP, math.Float32bits(s.argULP), s.maxErr, s.argErr, math.Float32bits(s.argErr), s.histo)
}

// measure32 computes fn on x by every kernel path in ps, checks that each
// gives the scalar function's bits, and measures the scalar results
// against the float64 reference. NaN results must come from NaN
// references and vice versa.
func measure32(t *testing.T, fn function32, x []float32, ps []path) stat32 {
	var s stat32
	dst := make([]float32, len(x))
	want := make([]float32, len(x))
	for i, v := range x {
		want[i] = fn.scalar(v)
	}
	for _, p := range ps {
		if p == pathGo {
			continue // fn.vector's Go path is the scalar loop
		}
		fn.vector(dst, x, p)
		for i := range x {
			if math.Float32bits(dst[i]) != math.Float32bits(want[i]) {
				if s.mismatch++; s.mismatch <= 5 {
					t.Errorf("%s (%s): %s(%v [%#08x]) = %#08x, scalar %#08x", fn.name, p, fn.name, x[i], math.Float32bits(x[i]), math.Float32bits(dst[i]), math.Float32bits(want[i]))
				}
			}
		}
	}
	for i, v := range x {
		g := want[i]
		r := fn.ref(float64(v))
		if math.IsNaN(r) || g != g {
			if !(math.IsNaN(r) && g != g) {
				t.Errorf("%s(%v [%#08x]) = %v, reference %v", fn.name, v, math.Float32bits(v), g, r)
			}
			continue
		}
		s.n++
		u := ulps32(g, float32(r))
		e := ulpErr32(g, r)
		if u > s.maxULP {
			s.maxULP, s.argULP = u, v
		}
		if e > s.maxErr {
			s.maxErr, s.argErr = e, v
		}
		s.histo[min(u, 3)]++
		if u > fn.bound {
			t.Errorf("%s(%v [%#08x]) = %v [%#08x], reference %v: %d ulps, bound %d", fn.name, v, math.Float32bits(v), g, math.Float32bits(g), r, u, fn.bound)
		}
	}
	return s
}

// sweep32 measures fn on the bit patterns lo, lo+stride, ... below hi
// (as uint64s), in chunks, on every core.
func sweep32(t *testing.T, fn function32, lo, hi, stride uint64, ps []path) stat32 {
	const chunk = 1 << 14
	var mu sync.Mutex
	var total stat32
	var wg sync.WaitGroup
	next := make(chan uint64)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x := make([]float32, 0, chunk)
			var s stat32
			for start := range next {
				x = x[:0]
				for b := start; b < hi && len(x) < chunk; b += stride {
					x = append(x, math.Float32frombits(uint32(b)))
				}
				s.merge(measure32(t, fn, x, ps))
			}
			mu.Lock()
			total.merge(s)
			mu.Unlock()
		}()
	}
	for start := lo; start < hi; start += chunk * stride {
		next <- start
	}
	close(next)
	wg.Wait()
	return total
}

// TestULP32 measures every float32 function on every 1021st bit pattern
// of both signs (4.2 million arguments; every 16381st with -short), by
// every path, against its float64 reference and its documented bound.
func TestULP32(t *testing.T) {
	stride := uint64(1021)
	if testing.Short() {
		stride = 16381
	}
	for _, fn := range functions32 {
		t.Run(fn.name, func(t *testing.T) {
			s := sweep32(t, fn, 0, 1<<32, stride, paths32())
			t.Logf("%s: %v", fn.name, s)
		})
	}
}

// TestULP32Exhaustive is TestULP32 on all 2³² arguments, by the best path
// and the scalar function. It runs only with -exhaustive32:
//
//	go test -run TestULP32Exhaustive -exhaustive32 -timeout 2h ./internal/vmath/
func TestULP32Exhaustive(t *testing.T) {
	if !*exhaustive32 {
		t.Skip("run with -exhaustive32")
	}
	ps := []path{best32}
	for _, fn := range functions32 {
		t.Run(fn.name, func(t *testing.T) {
			s := sweep32(t, fn, 0, 1<<32, 1, ps)
			t.Logf("%s: %v", fn.name, s)
		})
	}
}

// around32 returns the 2n+1 float32s nearest v, in order.
func around32(v float32, n int) []float32 {
	s := make([]float32, 0, 2*n+1)
	lo := v
	for range n {
		lo = math.Nextafter32(lo, float32(math.Inf(-1)))
	}
	for x := lo; len(s) < 2*n+1; x = math.Nextafter32(x, float32(math.Inf(1))) {
		s = append(s, x)
	}
	return s
}

var (
	inf32    = float32(math.Inf(1))
	negZero  = math.Float32frombits(1 << 31)
	qnan32   = math.Float32frombits(0x7FC00000)
	payload  = math.Float32frombits(0xFFC0ABCD) // a negative quiet NaN with a payload
	snan32   = math.Float32frombits(0x7F800001) // signaling
	maxSub32 = math.Float32frombits(0x007FFFFF)
	minSub32 = math.Float32frombits(1)
	minNorm  = float32(0x1p-126)
)

// edges32 are arguments every function is measured on, with their
// neighbours: the ends of the ranges, the thresholds of each function's
// branches, and where Exp32's k changes.
func edges32() []float32 {
	var s []float32
	for _, v := range []float32{
		0, 1, -1, 0.5, 2, minSub32, maxSub32, minNorm, math.MaxFloat32,
		88.72284, 88.7228394, -87.33654, -103.97208, -103.2789, 89, -104, // Exp32
		float32(math.Sqrt2 / 2), float32(math.Sqrt2), 1 - 0x1p-24, // Log32
		0x1p-24, 0x1p-12, -0.5, -1 + 0x1p-24, 0x1p24, 0x1p25, // Log1p32
		0.625, 0.3125, 9.01, 9.1, 10, 44, 0x1p-12, // Tanh32
		17.3, 16.6, 15.9, -87.3, -88.7, -103.9, -104, // Logistic32, Softplus32
	} {
		s = append(s, around32(v, 300)...)
		s = append(s, around32(-v, 300)...)
	}
	for k := -151; k <= 129; k++ {
		s = append(s, around32(float32((float64(k)+0.5)/math.Log2E), 5)...)
	}
	return s
}

func TestEdges32(t *testing.T) {
	x := edges32()
	for _, fn := range functions32 {
		s := measure32(t, fn, x, paths32())
		t.Logf("%s: %v", fn.name, s)
	}
}

// TestSpecials32 checks the results the documentation promises, bit for
// bit (NaN inputs give themselves).
func TestSpecials32(t *testing.T) {
	type tc struct{ x, want float32 }
	nanCases := func() []tc { return []tc{{qnan32, qnan32}, {payload, payload}, {snan32, snan32}} }
	for _, c := range []struct {
		name  string
		cases []tc
	}{
		{"Exp32", append(nanCases(), []tc{
			{0, 1}, {negZero, 1}, {inf32, inf32}, {-inf32, 0}, {89, inf32}, {88.72284, inf32},
			{math.MaxFloat32, inf32}, {-math.MaxFloat32, 0}, {-104, 0}, {-103.97209, 0},
			{-103.97207, minSub32}, {88.72283, math.Float32frombits(0x7F7FFF84)},
			{minSub32, 1}, {-minSub32, 1}, {1, math.E},
		}...)},
		{"Log32", append(nanCases(), []tc{
			{0, -inf32}, {negZero, -inf32}, {inf32, inf32}, {-inf32, qnan32}, {-1, qnan32},
			{-minSub32, qnan32}, {1, 0}, {math.E, 1}, {minSub32, float32(math.Log(0x1p-149))},
			{math.MaxFloat32, float32(math.Log(math.MaxFloat32))},
		}...)},
		{"Log1p32", append(nanCases(), []tc{
			{0, 0}, {negZero, negZero}, {inf32, inf32}, {-1, -inf32}, {-2, qnan32}, {-inf32, qnan32},
			{minSub32, minSub32}, {-minSub32, -minSub32}, {0x1p-30, 0x1p-30}, {math.E - 1, 1},
		}...)},
		{"Tanh32", append(nanCases(), []tc{
			{0, 0}, {negZero, negZero}, {inf32, 1}, {-inf32, -1}, {10, 1}, {-10, -1}, {100, 1},
			{math.MaxFloat32, 1}, {-math.MaxFloat32, -1}, {minSub32, minSub32}, {-maxSub32, -maxSub32},
		}...)},
		{"Logistic32", append(nanCases(), []tc{
			{0, 0.5}, {negZero, 0.5}, {inf32, 1}, {-inf32, 0}, {20, 1}, {math.MaxFloat32, 1},
			{-math.MaxFloat32, 0}, {-104, 0}, {-103.97207, minSub32}, {-90, float32(logistic64(-90))},
		}...)},
		{"Softplus32", append(nanCases(), []tc{
			{inf32, inf32}, {-inf32, 0}, {math.MaxFloat32, math.MaxFloat32}, {-math.MaxFloat32, 0},
			{0, float32(math.Ln2)}, {20, 20}, {-104, 0}, {-90, float32(math.Exp(-90))},
		}...)},
	} {
		fn := function32ByName(c.name)
		x := make([]float32, len(c.cases))
		for i, cs := range c.cases {
			x[i] = cs.x
		}
		dst := make([]float32, len(x))
		for _, p := range paths32() {
			fn.vector(dst, x, p)
			for i, cs := range c.cases {
				for _, got := range []float32{dst[i], fn.scalar(cs.x)} {
					if math.Float32bits(got) != math.Float32bits(cs.want) {
						t.Errorf("%s (%s): %s(%v [%#08x]) = %v [%#08x], want %v [%#08x]", c.name, p, c.name,
							cs.x, math.Float32bits(cs.x), got, math.Float32bits(got), cs.want, math.Float32bits(cs.want))
					}
				}
			}
		}
	}
}

// fmaExact is x·y + z rounded once to float32, by big.Float.
func fmaExact(x, y, z float32) float32 {
	p := new(big.Float).SetPrec(600).Mul(big.NewFloat(float64(x)), big.NewFloat(float64(y)))
	p.Add(p, big.NewFloat(float64(z)))
	f, _ := p.Float32()
	if f == 0 && (x == 0 || y == 0) && z == 0 {
		// big.Float's zero has its sign rules; IEEE's are those of the sum.
		return float32(float64(x)*float64(y) + float64(z))
	}
	return f
}

// TestFMA32 checks fma32 against exact arithmetic on random triples and
// on triples built to make double rounding likely: a product that is
// exactly halfway between float32s at float64 precision, plus a z far
// below it, and products and sums in the subnormal range.
func TestFMA32(t *testing.T) {
	r := rand.New(rand.NewPCG(32, 1))
	bad := 0
	check := func(x, y, z float32) {
		if x != x || y != y || z != z || math.IsInf(float64(x), 0) || math.IsInf(float64(y), 0) || math.IsInf(float64(z), 0) {
			return
		}
		if math.IsInf(float64(x)*float64(y)+float64(z), 0) {
			return
		}
		got, want := fma32(x, y, z), fmaExact(x, y, z)
		if math.Float32bits(got) != math.Float32bits(want) {
			if bad++; bad <= 10 {
				t.Errorf("fma32(%v, %v, %v) = %v [%#08x], want %v [%#08x]", x, y, z, got, math.Float32bits(got), want, math.Float32bits(want))
			}
		}
	}
	midpoints := 0
	for range 1 << 18 {
		x := math.Float32frombits(r.Uint32())
		y := math.Float32frombits(r.Uint32())
		z := math.Float32frombits(r.Uint32())
		check(x, y, z)
		// Small and subnormal.
		check(float32(r.NormFloat64())*0x1p-70, float32(r.NormFloat64())*0x1p-70, float32(r.NormFloat64())*0x1p-140)
		// x·y exactly halfway between float32s: x odd with 13 bits, y odd
		// with 12, so the product has 25 bits and a last 1; z tiny.
		xi := r.Uint32N(1<<12) | 1<<12 | 1
		yi := r.Uint32N(1<<11) | 1<<11 | 1
		xs, ys := float32(xi), float32(yi)
		if float64(xs)*float64(ys) >= 1<<24 {
			midpoints++
			tiny := math.Float32frombits(r.Uint32N(0x30000000))
			if r.IntN(2) == 0 {
				tiny = -tiny
			}
			check(xs, ys, tiny)
			check(xs, -ys, tiny)
			check(xs*0x1p-140, ys*0x1p-10, tiny*0x1p-150)
		}
		check(float32(r.NormFloat64()), float32(r.NormFloat64()), float32(r.NormFloat64()))
	}
	if bad > 10 {
		t.Errorf("%d mismatches in all", bad)
	}
	t.Logf("%d midpoint products", midpoints)
}

// TestLengths32 checks every length 0..70 at every offset 0..7 into a
// guarded buffer, against the scalar function bit for bit and the float64
// function of the package within the bound, in place and not, by every
// path.
func TestLengths32(t *testing.T) {
	r := rand.New(rand.NewPCG(32, 2))
	f64 := map[string]func(dst, x []float64){
		"Exp32": Exp, "Log32": Log, "Tanh32": Tanh,
		"Log1p32": func(dst, x []float64) {
			for i, v := range x {
				dst[i] = math.Log1p(v)
			}
		},
		"Logistic32": func(dst, x []float64) {
			for i, v := range x {
				dst[i] = logistic64(v)
			}
		},
		"Softplus32": func(dst, x []float64) {
			for i, v := range x {
				dst[i] = softplus64(v)
			}
		},
	}
	const guard32 = 0x7F80DEAD
	for _, fn := range functions32 {
		for n := range 71 {
			for off := range 8 {
				buf := make([]float32, off+n+3)
				for i := range buf {
					buf[i] = math.Float32frombits(guard32)
				}
				x := buf[off : off+n]
				for i := range x {
					x[i] = float32(8 * r.NormFloat64())
					if fn.name == "Log32" {
						x[i] = abs32(x[i])
					}
				}
				x64 := make([]float64, n)
				for i, v := range x {
					x64[i] = float64(v)
				}
				want64 := make([]float64, n)
				f64[fn.name](want64, x64)
				orig := append([]float32(nil), buf...)
				for _, p := range paths32() {
					dst := make([]float32, n+2)
					dst[n], dst[n+1] = 7, 8
					fn.vector(dst[:n], x, p)
					for i := range n {
						if g, w := math.Float32bits(dst[i]), math.Float32bits(fn.scalar(x[i])); g != w {
							t.Errorf("%s (%s) n=%d off=%d: element %d of %v: %#08x, scalar %#08x", fn.name, p, n, off, i, x[i], g, w)
						}
						if u := ulps32(dst[i], float32(want64[i])); u > fn.bound {
							t.Errorf("%s (%s) n=%d off=%d: element %d of %v: %v, float64 %v: %d ulps", fn.name, p, n, off, i, x[i], dst[i], want64[i], u)
						}
					}
					if dst[n] != 7 || dst[n+1] != 8 {
						t.Errorf("%s (%s) n=%d off=%d: wrote past dst", fn.name, p, n, off)
					}
					fn.vector(x, x, p)
					for i := range buf {
						w := orig[i]
						if i >= off && i < off+n {
							w = fn.scalar(orig[i])
						}
						if math.Float32bits(buf[i]) != math.Float32bits(w) {
							t.Errorf("%s (%s) n=%d off=%d in place: buf[%d] = %#08x, want %#08x", fn.name, p, n, off, i, math.Float32bits(buf[i]), math.Float32bits(w))
						}
					}
					copy(buf, orig)
				}
			}
		}
	}
}

// TestExported32 checks the exported functions, which take the best path,
// and their panics.
func TestExported32(t *testing.T) {
	x := make([]float32, 600)
	for i := range x {
		x[i] = float32(i-300) / 16
	}
	for _, tc := range []struct {
		name string
		f    func(dst, x []float32)
	}{
		{"Exp32", Exp32}, {"Log32", Log32}, {"Log1p32", Log1p32}, {"Tanh32", Tanh32},
		{"Logistic32", Logistic32}, {"Softplus32", Softplus32},
	} {
		fn := function32ByName(tc.name)
		dst := make([]float32, len(x))
		tc.f(dst, x)
		for i, v := range x {
			if g, w := math.Float32bits(dst[i]), math.Float32bits(fn.scalar(v)); g != w {
				t.Errorf("%s(%v) = %#08x, want %#08x", tc.name, v, g, w)
			}
		}
		for _, n := range [][2]int{{0, 1}, {1, 0}, {4, 5}, {17, 16}} {
			func() {
				defer func() {
					if err, _ := recover().(error); err == nil || !errorsIsLength(err) {
						t.Errorf("%s with len(dst) = %d, len(x) = %d: recovered %v, want ErrLength", tc.name, n[0], n[1], err)
					}
				}()
				tc.f(make([]float32, n[0]), make([]float32, n[1]))
			}()
		}
	}
	t.Logf("best32 path: %v", best32)
}

func errorsIsLength(err error) bool { return errors.Is(err, ErrLength) }
