package vmath

import "math"

// The float32 functions do not repeat a standard library function (there
// is none for float32): each is defined by the scalar Go function below
// it, whose every operation is a float32 operation rounded once (fma32 for
// a fused multiply-add). Their error bounds are in the package
// documentation ("Float32"), and the tests measure them.

// Exp32 sets dst[i] = e^x[i] for every i, within 1 ulp of the exact
// result: the integer ulp distance to float32(math.Exp(float64(x[i]))) is
// at most 1 (and 0 for most arguments). Results above math.MaxFloat32,
// for x > 88.72284, are +Inf; results below 2⁻¹⁵⁰, for x < -103.97208,
// are +0; subnormal results in between are rounded once. Exp32(NaN) is
// that NaN, bit for bit. dst may be x itself but must not otherwise
// overlap it. Exp32 panics with ErrLength if len(dst) != len(x).
func Exp32(dst, x []float32) {
	checkLen32("Exp32", dst, x)
	exp32s(dst, x, best32)
}

// Log32 sets dst[i] = log x[i] (natural) for every i, within 1 ulp of the
// exact result (integer ulp distance to float32(math.Log(float64(x[i])))
// at most 1). Log32(+0) and Log32(-0) are -Inf, Log32(+Inf) is +Inf, a
// negative x or -Inf gives NaN (0x7FC00000) and a NaN x gives itself.
// Subnormal x are exact inputs like any other. dst may be x itself but
// must not otherwise overlap it. Log32 panics with ErrLength if len(dst)
// != len(x).
func Log32(dst, x []float32) {
	checkLen32("Log32", dst, x)
	log32s(dst, x, best32)
}

// Log1p32 sets dst[i] = log(1 + x[i]) for every i, within 1 ulp of the
// exact result (integer ulp distance to
// float32(math.Log1p(float64(x[i]))) at most 1), accurate for small x as
// log(1 + x) computed naively is not. Log1p32(-1) is -Inf, x < -1 gives
// NaN (0x7FC00000), ±0 give themselves, +Inf gives +Inf and a NaN x
// itself. dst may be x itself but must not otherwise overlap it. Log1p32
// panics with ErrLength if len(dst) != len(x).
func Log1p32(dst, x []float32) {
	checkLen32("Log1p32", dst, x)
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] = log1p32(v)
	}
}

// Tanh32 sets dst[i] = tanh x[i] for every i, within 1 ulp of the exact
// result (integer ulp distance to float32(math.Tanh(float64(x[i]))) at
// most 1, over all 2³² arguments: TestULP32Exhaustive). Tanh32(±Inf) is ±1, Tanh32(±0) is ±0 and
// a NaN gives itself. dst may be x itself but must not otherwise overlap
// it. Tanh32 panics with ErrLength if len(dst) != len(x).
func Tanh32(dst, x []float32) {
	checkLen32("Tanh32", dst, x)
	tanh32s(dst, x, best32)
}

// Logistic32 sets dst[i] = σ(x[i]) = 1/(1+e^−x[i]) for every i, within 2
// ulps of the exact result (integer ulp distance to the float64 logistic
// function, computed in its stable form and rounded to float32, at most
// 2). It takes the stable form for float32, 1/(1+e^−x) for x ≥ 0 and
// eˣ/(1+eˣ) for x < 0, as the graph's float64 logistic does, so it
// neither overflows nor loses the small results of negative x: it is 0
// only where σ(x) < 2⁻¹⁵⁰, and 1 where σ(x) rounds to 1. Logistic32(+Inf)
// is 1, Logistic32(-Inf) is +0 and a NaN gives itself. dst may be x
// itself but must not otherwise overlap it. Logistic32 panics with
// ErrLength if len(dst) != len(x).
func Logistic32(dst, x []float32) {
	checkLen32("Logistic32", dst, x)
	logistic32s(dst, x, best32)
}

// Softplus32 sets dst[i] = log(1 + e^x[i]) for every i, computed in the
// stable form max(x, 0) + log1p(e^−|x|) with Exp32's and Log1p32's
// arithmetic, within 2 ulps of the exact result (integer ulp distance to
// the float64 stable form rounded to float32 at most 2). It never
// overflows: Softplus32(x) is x for x > 17.33 or so, where log1p(e^−x) is
// less than half an ulp of x, and e^x where that is below an ulp of 1.
// Softplus32(+Inf) is +Inf, Softplus32(-Inf) is +0 and a NaN gives
// itself. dst may be x itself but must not otherwise overlap it.
// Softplus32 panics with ErrLength if len(dst) != len(x).
func Softplus32(dst, x []float32) {
	checkLen32("Softplus32", dst, x)
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] = softplus32(v)
	}
}

// best32 is the path the float32 functions take. Their kernels repeat no
// standard library function, only the scalar functions below, so only the
// CPU's features choose it.
var best32 = arithPath()

// exp32s, tanh32s, log32s and logistic32s run the kernel, unless p is pathGo,
// then the scalar function on whatever it leaves (the tail). The tests
// call them on every path.

func exp32s(dst, x []float32, p path) {
	i := 0
	if p != pathGo {
		i = exp32Kernel(dst, x, p == pathAVX512)
	}
	for ; i < len(x); i++ {
		dst[i] = exp32(x[i])
	}
}

func tanh32s(dst, x []float32, p path) {
	i := 0
	if p != pathGo {
		i = tanh32Kernel(dst, x, p == pathAVX512)
	}
	for ; i < len(x); i++ {
		dst[i] = tanh32(x[i])
	}
}

func log32s(dst, x []float32, p path) {
	i := 0
	if p != pathGo {
		i = log32Kernel(dst, x, p == pathAVX512)
	}
	for ; i < len(x); i++ {
		dst[i] = log32(x[i])
	}
}

func logistic32s(dst, x []float32, p path) {
	i := 0
	if p != pathGo {
		i = logistic32Kernel(dst, x, p == pathAVX512)
	}
	for ; i < len(x); i++ {
		dst[i] = logistic32(x[i])
	}
}

func checkLen32(name string, dst, x []float32) {
	if len(dst) != len(x) {
		panicLength(name, len(dst), len(x))
	}
}

// fma32 returns x·y + z rounded once to float32, as the kernels' VFMADD
// instructions compute it. The product is exact in float64 (24 + 24 bits
// fit in 53), so s = x·y + z is the exact sum rounded once to float64
// (whether or not the compiler fuses it), and float32(s) is the exact sum
// rounded once to float32 unless s is exactly halfway between two
// float32s while the exact sum was not (a double rounding), or s is a
// float32 subnormal, whose halfway points lie elsewhere. In those rare
// cases s is replaced by the exact sum rounded to odd at float64's
// precision, which float32 then rounds correctly (53 ≥ 24 + 2).
func fma32(x, y, z float32) float32 {
	p := float64(x) * float64(y)
	s := p + float64(z)
	u := math.Float64bits(s)
	if u&(1<<29-1) != 1<<28 && u&^(1<<63) >= 0x3810000000000000 { // |s| ≥ 2⁻¹²⁶
		return float32(s)
	}
	// The rounding error of s, exactly (Knuth's two-sum); NaN if s is
	// infinite or NaN.
	zz := float64(z)
	bv := s - p
	e := (p - (s - bv)) + (zz - bv)
	if e != 0 && e == e && u&1 == 0 {
		if (e > 0) == (s > 0) {
			u++
		} else {
			u--
		}
	}
	return float32(math.Float64frombits(u))
}

// Exp32's constants. exp32 computes e^x as 2^k · e^r, with k the integer
// nearest x·log2(e) and r = x − k·ln2 in [-0.3466, 0.3466] (a little more
// for the rounding of x·log2(e)), e^r = 1 + r + r²·P(r), P of degree 4
// fitted for the least maximum relative error on that interval.
const (
	exp32Log2e = 0x1.715476p+0 // log2(e) rounded to float32
	// ln2 = exp32Ln2Hi + exp32Ln2Lo to 48 bits; k·exp32Ln2Hi is exact
	// for every k used, and x − k·exp32Ln2Hi too, in one FMA.
	exp32Ln2Hi = 0x1.62e43p-1
	exp32Ln2Lo = -0x1.05c61p-29
	// The range in which exp32 computes: below exp32Min the result is +0,
	// above exp32Max it is +Inf, and exp32 clamps x to [exp32Min, exp32Max]
	// so that the same computation gives those results.
	exp32Round = 0x1.8p23
	exp32Min   = -104
	exp32Max   = 89
	exp32P2    = 0x1.fffffcp-2 // P's coefficients, of r⁰ ... r⁴
	exp32P3    = 0x1.555492p-3
	exp32P4    = 0x1.5558f2p-5
	exp32P5    = 0x1.1239e2p-7
	exp32P6    = 0x1.6a2434p-10
)

// exp32 is e^x, Exp32 on one element.
func exp32(x float32) float32 {
	if x != x {
		return x
	}
	x = min(max(x, exp32Min), exp32Max)
	// k = x·log2(e) rounded to an integer (to even), by adding and
	// taking away 1.5·2²³; the sum's low bits are k as an integer.
	t := float32(x*exp32Log2e) + exp32Round
	k := t - exp32Round
	ki := int32(math.Float32bits(t) - math.Float32bits(exp32Round))
	r := fma32(-k, exp32Ln2Hi, x)
	r = fma32(-k, exp32Ln2Lo, r)
	p := fma32(exp32P6, r, exp32P5)
	p = fma32(p, r, exp32P4)
	p = fma32(p, r, exp32P3)
	p = fma32(p, r, exp32P2)
	q := fma32(r*r, p, r) // r + r²·P(r)
	e := 1 + q
	// 2^k in two factors, each a normal float32 for k in [-150, 128]: the
	// first product is exact, the second rounds once, to a subnormal or
	// to +Inf where the result is one.
	k1 := ki >> 1
	k2 := ki - k1
	e *= math.Float32frombits(uint32(k1+127) << 23)
	return e * math.Float32frombits(uint32(k2+127)<<23)
}

// Tanh32's constants: tanh a = a + a³·Q(a²) for 0 ≤ a < tanh32Small, Q of
// degree 4 fitted for the least maximum relative error there, and 1 − 2/(e^2a + 1)
// above.
const (
	tanh32Small = 0.625
	tanh32Q0    = -0x1.555532p-2
	tanh32Q1    = 0x1.110726p-3
	tanh32Q2    = -0x1.b83c3ap-5
	tanh32Q3    = 0x1.5225cp-6
	tanh32Q4    = -0x1.75ddd0p-8
)

// tanh32 is tanh x, Tanh32 on one element.
func tanh32(x float32) float32 {
	if x != x {
		return x
	}
	a := abs32(x)
	var t float32
	if a < tanh32Small {
		z := a * a
		q := fma32(tanh32Q4, z, tanh32Q3)
		q = fma32(q, z, tanh32Q2)
		q = fma32(q, z, tanh32Q1)
		q = fma32(q, z, tanh32Q0)
		t = fma32(a*z, q, a)
	} else {
		t = 1 - 2/(exp32(2*a)+1)
	}
	return math.Float32frombits(math.Float32bits(t) | math.Float32bits(x)&(1<<31))
}

// logistic32 is σ(x), Logistic32 on one element.
func logistic32(x float32) float32 {
	if x != x {
		return x
	}
	e := exp32(-abs32(x))
	if x >= 0 {
		return 1 / (1 + e)
	}
	return e / (1 + e)
}

// Log32's constants. log32 writes x = 2^k · m with m in [√2/2, √2), f =
// m − 1, and log x = k·ln2 + log(1+f), where log(1+f) = 2·atanh(s) with s
// = f/(2+f) in [-0.1716, 0.1716], = f − f²/2 + s·(f²/2 + R(s²)) and
// R(z) = z·S(z), S of degree 2 fitted for the least maximum error of
// s·R(s²) relative to log(1+f).
const (
	log32SqrtHalf = 0x3F3504F3 // the bits of float32(√2/2)
	log32Ln2Hi    = 0x1.62e43p-1
	log32Ln2Lo    = -0x1.05c61p-29
	log32S0       = 0x1.55557ap-1
	log32S1       = 0x1.995eb4p-2
	log32S2       = 0x1.31e3a6p-2
	nan32Bits     = 0x7FC00000 // the NaN of a negative argument
)

// log32 is log x, Log32 on one element.
func log32(x float32) float32 {
	switch {
	case x != x:
		return x
	case x < 0:
		return math.Float32frombits(nan32Bits)
	case x == 0:
		return float32(math.Inf(-1))
	case x > math.MaxFloat32:
		return x
	}
	return logCore32(x, 0)
}

// logCore32 returns log w + c for a positive, finite w and a c that is
// small beside the ulp of log w, or beside w−1 when w is near 1 (log1p32's
// correction): c is added among the low-order terms, before the last
// roundings.
func logCore32(w, c float32) float32 {
	u := math.Float32bits(w)
	var k int32
	if u < 0x00800000 { // subnormal: scale by 2²³
		u = math.Float32bits(w * 0x1p23)
		k = -23
	}
	ix := u - log32SqrtHalf
	k += int32(ix) >> 23
	m := math.Float32frombits(ix&0x007FFFFF + log32SqrtHalf)
	f := m - 1 // exact
	s := f / (2 + f)
	z := s * s
	hfsq := 0.5 * float32(f*f)
	r := fma32(log32S2, z, log32S1)
	r = fma32(r, z, log32S0)
	r = z * r
	dk := float32(k)
	lo := float32(dk*log32Ln2Lo) + c
	t := fma32(s, hfsq+r, lo)
	return fma32(dk, log32Ln2Hi, f-(hfsq-t))
}

// log1p32 is log(1+x), Log1p32 on one element. It takes the logarithm of
// w = 1 + x rounded, adding (1+x−w)/w, the first-order effect of that
// rounding; 1+x−w is exact as x − (w−1) wherever it matters.
func log1p32(x float32) float32 {
	switch {
	case x != x || x == 0:
		return x
	case x < -1:
		return math.Float32frombits(nan32Bits)
	case x == -1:
		return float32(math.Inf(-1))
	case x > math.MaxFloat32:
		return x
	}
	w := 1 + x
	c := (x - (w - 1)) / w
	return logCore32(w, c)
}

// softplus32 is log(1+eˣ), Softplus32 on one element.
func softplus32(x float32) float32 {
	if x != x {
		return x
	}
	return max(x, 0) + log1p32(exp32(-abs32(x)))
}

func abs32(x float32) float32 {
	return math.Float32frombits(math.Float32bits(x) &^ (1 << 31))
}
