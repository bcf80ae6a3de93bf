// Package vmath computes math.Exp, math.Log and math.Tanh over slices,
// several times faster than a loop over the math functions and with
// results bit-identical to theirs on the same machine, and the
// elementwise arithmetic of a training step (AddRows, ReLU, AddReLUGrad,
// AddTanhGrad, AddLogisticGrad, AddColSums, Add) several times faster
// than the plain loops that define it, with their bits; and it moves
// columns into rows (Interleave) for the Parquet reader.
//
// # Why bit-identical
//
// The trainer's tests hash the trained weights and compare them with golden
// hashes, and a fixed seed must give identical files from one release to
// the next. A faster exp that is off by one ulp in one lane in a million
// changes every weight after it. So vmath does not approximate math.Exp:
// it repeats, lane by lane, the very sequence of floating-point operations
// the standard library performs, with the same constants and the same
// roundings, and it leaves every input that the standard library treats
// specially to the standard library itself. Switching a loop over math.Exp
// to Exp changes no result, and so no golden file.
//
// # Notation
//
//	dst, x       output and input slices of equal length; dst may be x
//	lane         one float64 of a vector register: 4 in YMM, 8 in ZMM
//	group        4 consecutive elements, computed or left to Go together
//	kernel       the assembly loop of one function (vmath_amd64.s)
//	special      an input the scalar code handles by a separate branch
//
// # What is repeated
//
// On amd64, math.Exp is archExp (math/exp_amd64.s), which takes its FMA
// path on CPUs with AVX and FMA; math.Log is archLog (math/log_amd64.s),
// which uses no FMA; math.Tanh is Go code (math/tanh.go) that calls
// math.Exp. The kernels do the same operations on 4 lanes with AVX2 and
// FMA, or on 8 with AVX-512F when the CPU has it; x·y + z is fused exactly
// where the standard library fuses it, and nowhere else. Tanh computes
// both of math.tanh's formulas and gives each lane its own.
//
// The kernels run only if CPUID and XGETBV report AVX2 and FMA with OS
// support, and if they agree with math.Exp on a few probe arguments at
// start-up: GODEBUG=cpu.fma=off makes math.Exp take its other path, and
// then every function runs the scalar loop. Other architectures always
// run the scalar loop, and so does Tanh in GOAMD64=v3 or v4 builds, where
// the compiler fuses some of math.tanh's multiply-adds (see fused.go).
//
// # Specials
//
// A kernel stops before a group with a special lane, Go computes that
// group with the math function, and the kernel resumes after it. The
// specials are
//
//	Exp   NaN, ±Inf, and x whose exponent k = round(x·log2(e)) is outside
//	      [-1022, 1023] (results that overflow, or underflow below 2⁻¹⁰²²,
//	      including the range 709.44 < x <= 709.78 where math.Exp returns
//	      +Inf on amd64)
//	Log   ±0, negative numbers, subnormals, +Inf, NaN
//	Tanh  NaN
//
// and the last len(x)%4 elements are computed by Go too. Specials cost a
// few nanoseconds each; they never change a result.
//
// # Aliasing
//
// dst may be x itself, as in Exp(x, x), but must not otherwise overlap
// it. Each of the arithmetic functions says which of its slices may be
// the same.
//
// # Arithmetic
//
// AddRows, ReLU, AddReLUGrad, AddTanhGrad, AddLogisticGrad, AddColSums
// and Add are documented by the plain Go loop each repeats, compiled as
// with GOAMD64=v1, the default: every product and every sum rounded on
// its own. Their kernels (elementwise_amd64.s) do the same operations in
// the same order, 8 lanes at a time with AVX-512F or 4 with AVX2, and
// never fuse a multiply-add; the scalar loops that run elsewhere convert
// each product to float64, which keeps the compiler from fusing it on
// arm64 or with GOAMD64=v3. AddColSums adds the rows in order, each
// column a chain of additions as in the loop, so it is vectorized across
// columns only, and with 4 lanes on both paths (YMM additions have the
// shorter latency). The kernels compute every element themselves, Go none,
// and take the best path the CPU supports whatever math.Exp does; they
// neither allocate nor call Go.
//
// SubScaled and SubScaled32, the optimizer's SGD step w −= lr·g, are
// arithmetic of the same kind, with kernels of the same kind: the product
// rounded, then the difference, never an FMA. They also report whether
// every updated weight is finite, ORing w − w (+0 for a finite w, NaN
// otherwise) over the vectors, so the optimizer needs no second pass to
// notice a diverging run.
//
// Interleave is the transposition a columnar file needs to fill a
// row-major matrix (internal/data's Parquet reader): x[offs[t]+k] =
// cols[k][r0+t], reporting whether every number is finite, with an AVX2
// kernel on both kernel paths (interleave_amd64.s) that transposes 4×4
// blocks in registers and writes with non-temporal stores when the rows
// are aligned to 32 bytes, which saves reading x's lines into the cache
// only to overwrite them. It moves bits, so every path gives the same
// result, NaN payloads included. BenchmarkInterleave, 1024 rows of 64
// columns into rows of 784: 182 µs in Go, 45 µs in the kernel.
//
//	xb, g    the input's signal x̄ and the output's ȳ (g for gradient)
//	y        an activation's output: tanh(x), or 1/(1+exp(-x))
//	k        the row length: len(b) in AddRows, len(d) in AddColSums
//
// A call costs 1-2 ns more than a Go loop, so the kernels pay off from
// about 5 elements (BenchmarkAddTanhGradShort: 4.9 ns against 3.8 ns for
// the loop on 3 elements, 4.4 ns against 6.4 ns on 8).
//
// # NaN payloads
//
// An x86 operation with one NaN operand returns that NaN, quieted, in the
// vector kernels as in the scalar SSE code of a Go loop, so such results
// are bit-identical too. With two NaN operands it returns the first
// source operand's, and which operand of x + y or x·y is first in
// compiled Go code is not defined: the compiler picks it while
// allocating registers and folding loads. Go 1.26 compiles AddTanhGrad's
// loop with xb first, and the same loop with float64 conversions of the
// products, the scalar path here, with p first. The kernels fix it: the
// accumulator comes first in a sum (xb, d, dst, and x in x + b), and the
// factor computed from y in a product (1 - y·y in AddTanhGrad, y·(1 - y)
// in AddLogisticGrad), which is what Go 1.26 does with the plain loops
// above. So a result may differ from a given plain
// loop's only where both operands of one operation were NaN, and then
// only in which of the two NaNs it is. The tests demand the kernels'
// order bit for bit, and check every other result against the compiled
// loops.
//
// # Float32
//
// Exp32, Log32, Log1p32, Tanh32, Logistic32 and Softplus32 are the float32
// functions of float32 training, and AddRows32, ReLU32, AddReLUGrad32,
// AddTanhGrad32, AddLogisticGrad32, AddColSums32 and Add32 the float32
// twins of the arithmetic above, with the same loops in float32 (each
// operation rounded to float32 on its own). AddRowsReLU32, AddRowsTanh32
// and AddRowsLogistic32 do a layer's bias and activation in one pass.
//
// No standard library function computes exp or log in float32, so the
// float32 functions are not copies: each is defined by its scalar Go
// function (vmath32.go), float32 operations and fused multiply-adds
// rounded once, and every path gives that function's bits, on every call.
// Go has no float32 fused multiply-add; fma32 computes one exactly from a
// float64 product, which is exact, and a sum rounded to odd where a double
// rounding could otherwise differ (TestFMA32 checks it against big.Float).
//
// Their error bounds are integer ulp distances from the float64 function
// rounded to float32 (math.Exp(float64(x)) and so on; for Logistic32 and
// Softplus32, the graph's stable forms evaluated in float64):
//
//	Exp32       1 ulp   (99.6% of arguments correctly rounded)
//	Log32       1 ulp
//	Log1p32     1 ulp
//	Tanh32      1 ulp
//	Logistic32  2 ulps  (0.006% of arguments at 2)
//	Softplus32  2 ulps  (1705 arguments at 2)
//
// These are the maxima over every one of the 2³² float32 arguments
// (TestULP32Exhaustive, run with -args -exhaustive32: 13 minutes on two
// cores; the results are in bench/results/ulp32.md), and the sampled
// sweep of TestULP32 checks them on every run of the tests.
//
// Exp32, Log32, Tanh32, Logistic32 and the fused passes have AVX-512F and AVX2
// kernels (vmath32_amd64.s), chosen by internal/cpufeat as the arithmetic
// kernels are; the purego and noavx512 build tags turn them off. They
// use the same polynomials and the same operations in the same order, a
// VFMADD wherever the scalar function calls fma32, so AVX-512, AVX2 and
// the portable Go code give the same bits, and the tests demand it of
// every path. The float32 arithmetic has AVX-512F and AVX2 kernels too
// (elementwise32_amd64.s), the float64 kernels with 16 lanes (ZMM) or 8
// (YMM): the same operations in the same order, no FMA, the same operand
// order for NaN payloads (see "NaN payloads"; the float32 loops compiled
// by Go 1.26 put the product first in AddTanhGrad32's sum, so only the
// kernels' order is the documented one there), and AddColSums32 each
// column a chain of additions in row order, in YMM registers only. They
// compute every element, Go none. Log1p32 and Softplus32 are Go loops on
// every path for now.
//
// TestULP32 measures them on every 1021st bit pattern and TestEdges32 on
// the thresholds; TestULP32Exhaustive, run with -exhaustive32, on all 2³².
// The special values are those of IEEE 754 (Exp32(+Inf) = +Inf, Exp32(-Inf)
// = +0, Log32(±0) = -Inf, Log32(x < 0) = NaN, Tanh32(±Inf) = ±1), and a
// NaN argument gives that NaN back, bit for bit.
package vmath
