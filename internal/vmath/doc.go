// Package vmath computes math.Exp, math.Log and math.Tanh over slices,
// several times faster than a loop over the math functions and with
// results bit-identical to theirs on the same machine.
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
// it.
package vmath
