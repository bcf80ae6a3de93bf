//go:build amd64

#include "textflag.h"

// The kernels repeat, 4 or 8 lanes at a time, the operations of the
// standard library's archExp (math/exp_amd64.s, its FMA path), archLog
// (math/log_amd64.s) and tanh (math/tanh.go), in the same order and with
// the same roundings, so that every lane they store is bit-identical to
// the scalar function. The decimal constants are the literals of those
// files, which the assembler and the compiler both round to nearest; the
// exceptions are written as bits. A kernel stops before the first group
// of 4 with a lane that the scalar code treats specially and leaves that
// group to Go (see vmath.go). Operands are in Go order, the reverse of
// Intel's: VSUBPD a, b, c is c = b - a.

// VEC4 defines name<> as four copies of the 64-bit value val (one YMM).
#define VEC4(name, val) \
	DATA name<>+0(SB)/8, val; \
	DATA name<>+8(SB)/8, val; \
	DATA name<>+16(SB)/8, val; \
	DATA name<>+24(SB)/8, val; \
	GLOBL name<>(SB), RODATA|NOPTR, $32

// INT4 defines name<> as four copies of the 32-bit value val (one XMM).
#define INT4(name, val) \
	DATA name<>+0(SB)/4, val; \
	DATA name<>+4(SB)/4, val; \
	DATA name<>+8(SB)/4, val; \
	DATA name<>+12(SB)/4, val; \
	GLOBL name<>(SB), RODATA|NOPTR, $16

// Shared.
VEC4(half, $0.5)
VEC4(one, $1.0)
VEC4(two, $2.0)
VEC4(signMask, $0x8000000000000000)
VEC4(absMask, $0x7FFFFFFFFFFFFFFF)
VEC4(minusTwo, $-2.0)

// archExp.
VEC4(expLog2e, $1.4426950408889634073599246810018920)
VEC4(expLn2U, $0.69314718055966295651160180568695068359375)
VEC4(expLn2L, $0.28235290563031577122588448175013436025525412068e-12)
VEC4(expSixteenth, $0.0625)
VEC4(expC3, $1.6666666666666666667e-1)
VEC4(expC4, $4.1666666666666666667e-2)
VEC4(expC5, $8.3333333333333333333e-3)
VEC4(expC6, $1.3888888888888888889e-3)
VEC4(expC7, $1.9841269841269841270e-4)
VEC4(expC8, $2.4801587301587301587e-5)
INT4(expBias, $0x3FF)
INT4(expMinE, $1)
INT4(expMaxE, $0x7FE)

// archLog.
VEC4(logMant, $0x000FFFFFFFFFFFFF)
VEC4(logMaxSubnormal, $0x000FFFFFFFFFFFFF)
VEC4(logPosInf, $0x7FF0000000000000)
VEC4(logMagic, $0x4330000000000000)          // 2⁵²
VEC4(logMagicBias, $4503599627371518.0)       // 2⁵² + 0x3FE
VEC4(logHSqrt2, $7.07106781186547524401e-01)
VEC4(logLn2Hi, $6.93147180369123816490e-01)
VEC4(logLn2Lo, $1.90821492927058770002e-10)
VEC4(logL1, $6.666666666666735130e-01)
VEC4(logL2, $3.999999999940941908e-01)
VEC4(logL3, $2.857142874366239149e-01)
VEC4(logL4, $2.222219843214978396e-01)
VEC4(logL5, $1.818357216161805012e-01)
VEC4(logL6, $1.531383769920937332e-01)
VEC4(logL7, $1.479819860511658591e-01)

// tanh.
VEC4(tanhP0, $-9.64399179425052238628e-1)
VEC4(tanhP1, $-9.92877231001918586564e1)
VEC4(tanhP2, $-1.61468768441708447952e3)
VEC4(tanhQ0, $1.12811678491632931402e2)
VEC4(tanhQ1, $2.23548839060100448583e3)
VEC4(tanhQ2, $4.84406305325125486048e3)
VEC4(tanhSmall, $0.625)
VEC4(tanhHuge, $0x404601e678fc457b)           // 0.5*MAXLOG = 44.014845965556525

// EXP_REDUCED finishes archExp's avxfma path: given r = x - k·ln2 in R
// (k = float64 of the rounded exponent), it leaves the polynomial result
// in R, before the multiplication by 2ᵏ. P is scratch.
#define EXP_REDUCED(R, P) \
	VMULPD      expSixteenth<>(SB), R, R; \
	VMOVUPD     expC8<>(SB), P; \
	VFMADD213PD expC7<>(SB), R, P; \
	VFMADD213PD expC6<>(SB), R, P; \
	VFMADD213PD expC5<>(SB), R, P; \
	VFMADD213PD expC4<>(SB), R, P; \
	VFMADD213PD expC3<>(SB), R, P; \
	VFMADD213PD half<>(SB), R, P; \
	VFMADD213PD one<>(SB), R, P; \
	VMULPD      P, R, R; \
	VADDPD      two<>(SB), R, P; \
	VMULPD      P, R, R; \
	VADDPD      two<>(SB), R, P; \
	VMULPD      P, R, R; \
	VADDPD      two<>(SB), R, P; \
	VMULPD      P, R, R; \
	VADDPD      two<>(SB), R, P; \
	VFMADD213PD one<>(SB), P, R

// EXP_REDUCED512 is EXP_REDUCED on ZMM registers, with broadcast constants.
#define EXP_REDUCED512(R, P) \
	VMULPD.BCST      expSixteenth<>(SB), R, R; \
	VBROADCASTSD     expC8<>(SB), P; \
	VFMADD213PD.BCST expC7<>(SB), R, P; \
	VFMADD213PD.BCST expC6<>(SB), R, P; \
	VFMADD213PD.BCST expC5<>(SB), R, P; \
	VFMADD213PD.BCST expC4<>(SB), R, P; \
	VFMADD213PD.BCST expC3<>(SB), R, P; \
	VFMADD213PD.BCST half<>(SB), R, P; \
	VFMADD213PD.BCST one<>(SB), R, P; \
	VMULPD           P, R, R; \
	VADDPD.BCST      two<>(SB), R, P; \
	VMULPD           P, R, R; \
	VADDPD.BCST      two<>(SB), R, P; \
	VMULPD           P, R, R; \
	VADDPD.BCST      two<>(SB), R, P; \
	VMULPD           P, R, R; \
	VADDPD.BCST      two<>(SB), R, P; \
	VFMADD213PD.BCST one<>(SB), P, R

// Each kernel has the same loops. Registers: SI = x, DI = dst, CX = n,
// AX = i, DX = n - i, R8 = avx512.
//
//	next:   if avx512 goto zmm8, else goto ymm8 (or ymm4)
//	zmm8:   8 lanes in a ZMM register (AVX-512F)
//	ymm8:   8 lanes in two YMM registers (exp only)
//	ymm4:   4 lanes in a YMM register (AVX2 and FMA)
//
// zmm8 and ymm8 go to ymm4 when fewer than 8 elements remain or a lane of
// their 8 is special; ymm4 returns i when fewer than 4 remain or a lane of
// its 4 is special, and otherwise goes back to next.

// func expKernel(dst, x []float64, avx512 bool) int
//
// Per lane, as archExp: k = round(x·log2e); e = k + 0x3FF must lie in
// [1, 0x7FE], else archExp takes its non-finite, overflow or denormal
// path and the group goes to Go. (A NaN, ±Inf or huge x converts to the
// integer 0x80000000 and fails the same test; x > Overflow has k >= 1024.)
TEXT ·expKernel(SB), NOSPLIT, $0-64
	MOVQ         dst_base+0(FP), DI
	MOVQ         x_base+24(FP), SI
	MOVQ         x_len+32(FP), CX
	MOVBLZX      avx512+48(FP), R8
	XORQ         AX, AX
	VPBROADCASTD expMinE<>(SB), Y13
	VPBROADCASTD expMaxE<>(SB), Y14
	VPBROADCASTD expBias<>(SB), Y15

expNext:
	MOVQ  CX, DX
	SUBQ  AX, DX
	TESTQ R8, R8
	JZ    expYMM8

	CMPQ         DX, $8
	JLT          expYMM4
	VMOVUPD      (SI)(AX*8), Z0
	VMULPD.BCST  expLog2e<>(SB), Z0, Z1
	VCVTPD2DQ    Z1, Y1                    // k
	VPADDD       Y15, Y1, Y2               // e
	VPMAXSD      Y13, Y2, Y3
	VPMINSD      Y14, Y3, Y3
	VPCMPEQD     Y2, Y3, Y3                // e in [1, 0x7FE]
	VMOVMSKPS    Y3, DX
	CMPL         DX, $0xFF
	JNE          expYMM1
	VCVTDQ2PD    Y1, Z1
	VFNMADD231PD.BCST expLn2U<>(SB), Z1, Z0
	VFNMADD231PD.BCST expLn2L<>(SB), Z1, Z0
	EXP_REDUCED512(Z0, Z1)
	VPMOVZXDQ    Y2, Z2
	VPSLLQ       $52, Z2, Z2               // 2ᵏ
	VMULPD       Z2, Z0, Z0
	VMOVUPD      Z0, (DI)(AX*8)
	ADDQ         $8, AX
	JMP          expNext

expYMM8:
	CMPQ       DX, $8
	JLT        expYMM4
	VMOVUPD    (SI)(AX*8), Y0
	VMOVUPD    32(SI)(AX*8), Y8
	VMULPD     expLog2e<>(SB), Y0, Y1
	VMULPD     expLog2e<>(SB), Y8, Y9
	VCVTPD2DQY Y1, X1
	VCVTPD2DQY Y9, X9
	VPADDD     X15, X1, X2
	VPADDD     X15, X9, X10
	VPMAXSD    X13, X2, X3
	VPMAXSD    X13, X10, X11
	VPMINSD    X14, X3, X3
	VPMINSD    X14, X11, X11
	VPCMPEQD   X2, X3, X3
	VPCMPEQD   X10, X11, X11
	VPAND      X3, X11, X3
	VMOVMSKPS  X3, DX
	CMPL       DX, $15
	JNE        expYMM1
	VCVTDQ2PD  X1, Y1
	VCVTDQ2PD  X9, Y9
	VFNMADD231PD expLn2U<>(SB), Y1, Y0
	VFNMADD231PD expLn2U<>(SB), Y9, Y8
	VFNMADD231PD expLn2L<>(SB), Y1, Y0
	VFNMADD231PD expLn2L<>(SB), Y9, Y8
	EXP_REDUCED(Y0, Y1)
	EXP_REDUCED(Y8, Y9)
	VPMOVZXDQ  X2, Y2
	VPMOVZXDQ  X10, Y10
	VPSLLQ     $52, Y2, Y2
	VPSLLQ     $52, Y10, Y10
	VMULPD     Y2, Y0, Y0
	VMULPD     Y10, Y8, Y8
	VMOVUPD    Y0, (DI)(AX*8)
	VMOVUPD    Y8, 32(DI)(AX*8)
	ADDQ       $8, AX
	JMP        expNext

expYMM4:
	CMPQ DX, $4
	JLT  expDone

expYMM1:
	VMOVUPD    (SI)(AX*8), Y0
	VMULPD     expLog2e<>(SB), Y0, Y1
	VCVTPD2DQY Y1, X1
	VPADDD     X15, X1, X2
	VPMAXSD    X13, X2, X3
	VPMINSD    X14, X3, X3
	VPCMPEQD   X2, X3, X3
	VMOVMSKPS  X3, DX
	CMPL       DX, $15
	JNE        expDone
	VCVTDQ2PD  X1, Y1
	VFNMADD231PD expLn2U<>(SB), Y1, Y0
	VFNMADD231PD expLn2L<>(SB), Y1, Y0
	EXP_REDUCED(Y0, Y1)
	VPMOVZXDQ  X2, Y2
	VPSLLQ     $52, Y2, Y2
	VMULPD     Y2, Y0, Y0
	VMOVUPD    Y0, (DI)(AX*8)
	ADDQ       $4, AX
	JMP        expNext

expDone:
	MOVQ AX, ret+56(FP)
	VZEROUPPER
	RET

// func logKernel(dst, x []float64, avx512 bool) int
//
// Per lane, as archLog. A lane whose bits, as an int64, are not in
// (0x000FFFFFFFFFFFFF, 0x7FF0000000000000), that is ±0, a negative number,
// a subnormal, +Inf or NaN, sends its group to Go. (archLog handles
// subnormals with the same bit operations, but they are rare, and Go
// keeps us right if the standard library starts to normalize them.)
TEXT ·logKernel(SB), NOSPLIT, $0-64
	MOVQ    dst_base+0(FP), DI
	MOVQ    x_base+24(FP), SI
	MOVQ    x_len+32(FP), CX
	MOVBLZX avx512+48(FP), R8
	XORQ    AX, AX
	VMOVDQU logPosInf<>(SB), Y15
	TESTQ   R8, R8
	JZ      logNext
	VPBROADCASTQ logPosInf<>(SB), Z15

logNext:
	MOVQ  CX, DX
	SUBQ  AX, DX
	TESTQ R8, R8
	JZ    logYMM4

	CMPQ          DX, $8
	JLT           logYMM4
	VMOVUPD       (SI)(AX*8), Z0
	VPCMPGTQ.BCST logMaxSubnormal<>(SB), Z0, K1 // bits > max subnormal
	VPCMPGTQ      Z0, Z15, K1, K1               // and +Inf > bits
	KMOVW         K1, DX
	CMPL          DX, $0xFF
	JNE           logYMM1
	VPANDQ.BCST   logMant<>(SB), Z0, Z1
	VPORQ.BCST    half<>(SB), Z1, Z1            // f1
	VPSRLQ        $52, Z0, Z2
	VPORQ.BCST    logMagic<>(SB), Z2, Z2
	VSUBPD.BCST   logMagicBias<>(SB), Z2, Z2    // k
	VCMPPD.BCST   $2, logHSqrt2<>(SB), Z1, K2   // LE_OS: f1 <= HSqrt2
	VSUBPD.BCST   one<>(SB), Z2, K2, Z2         // k -= 1 (k - 0 elsewhere is k)
	VMULPD.BCST   two<>(SB), Z1, K2, Z1         // f1 *= 2 (f1 * 1 elsewhere is f1)
	VSUBPD.BCST   one<>(SB), Z1, Z1             // f
	VADDPD.BCST   two<>(SB), Z1, Z4
	VDIVPD        Z4, Z1, Z4                    // s
	VMULPD        Z4, Z4, Z5                    // s2
	VMULPD        Z5, Z5, Z6                    // s4
	VMULPD.BCST   logL7<>(SB), Z6, Z7
	VADDPD.BCST   logL5<>(SB), Z7, Z7
	VMULPD        Z6, Z7, Z7
	VADDPD.BCST   logL3<>(SB), Z7, Z7
	VMULPD        Z6, Z7, Z7
	VADDPD.BCST   logL1<>(SB), Z7, Z7
	VMULPD        Z7, Z5, Z5                    // t1
	VMULPD.BCST   logL6<>(SB), Z6, Z7
	VADDPD.BCST   logL4<>(SB), Z7, Z7
	VMULPD        Z6, Z7, Z7
	VADDPD.BCST   logL2<>(SB), Z7, Z7
	VMULPD        Z7, Z6, Z6                    // t2
	VADDPD        Z6, Z5, Z5                    // R
	VMULPD.BCST   half<>(SB), Z1, Z6
	VMULPD        Z1, Z6, Z6                    // hfsq
	VADDPD        Z6, Z5, Z5
	VMULPD        Z5, Z4, Z4
	VMULPD.BCST   logLn2Lo<>(SB), Z2, Z5
	VADDPD        Z5, Z4, Z4
	VSUBPD        Z4, Z6, Z6
	VSUBPD        Z1, Z6, Z6
	VMULPD.BCST   logLn2Hi<>(SB), Z2, Z2
	VSUBPD        Z6, Z2, Z2
	VMOVUPD       Z2, (DI)(AX*8)
	ADDQ          $8, AX
	JMP           logNext

logYMM4:
	CMPQ DX, $4
	JLT  logDone

logYMM1:
	VMOVUPD   (SI)(AX*8), Y0
	VPCMPGTQ  logMaxSubnormal<>(SB), Y0, Y1 // bits > max subnormal
	VPCMPGTQ  Y0, Y15, Y2                   // +Inf > bits
	VPAND     Y1, Y2, Y1
	VMOVMSKPD Y1, DX
	CMPL      DX, $15
	JNE       logDone

	// f1, ki := math.Frexp(x); k := float64(ki), by bit masks:
	// f1 = mantissa | 0.5, k = exponent field - 0x3FE, converted
	// exactly as float64(2⁵² + field) - (2⁵² + 0x3FE).
	VANDPD logMant<>(SB), Y0, Y1
	VORPD  half<>(SB), Y1, Y1 // Y1 = f1
	VPSRLQ $52, Y0, Y2
	VPOR   logMagic<>(SB), Y2, Y2
	VSUBPD logMagicBias<>(SB), Y2, Y2 // Y2 = k

	// archLog's CMPSD computes !(HSqrt2 < f1), that is f1 <= HSqrt2:
	// then k -= 1 and f1 *= 2, by subtracting 0 or 1 and multiplying by
	// 1 or 2 as archLog does.
	VCMPPD $2, logHSqrt2<>(SB), Y1, Y3 // LE_OS: f1 <= HSqrt2
	VANDPD one<>(SB), Y3, Y3          // 0 or 1
	VSUBPD Y3, Y2, Y2
	VADDPD one<>(SB), Y3, Y3          // 1 or 2
	VMULPD Y3, Y1, Y1
	VSUBPD one<>(SB), Y1, Y1          // Y1 = f = f1 - 1

	// s := f / (2 + f); s2 := s * s; s4 := s2 * s2
	VADDPD two<>(SB), Y1, Y4
	VDIVPD Y4, Y1, Y4 // Y4 = s
	VMULPD Y4, Y4, Y5 // Y5 = s2
	VMULPD Y5, Y5, Y6 // Y6 = s4

	// t1 := s2 * (L1 + s4*(L3+s4*(L5+s4*L7)))
	VMULPD logL7<>(SB), Y6, Y7
	VADDPD logL5<>(SB), Y7, Y7
	VMULPD Y6, Y7, Y7
	VADDPD logL3<>(SB), Y7, Y7
	VMULPD Y6, Y7, Y7
	VADDPD logL1<>(SB), Y7, Y7
	VMULPD Y7, Y5, Y5 // Y5 = t1

	// t2 := s4 * (L2 + s4*(L4+s4*L6))
	VMULPD logL6<>(SB), Y6, Y7
	VADDPD logL4<>(SB), Y7, Y7
	VMULPD Y6, Y7, Y7
	VADDPD logL2<>(SB), Y7, Y7
	VMULPD Y7, Y6, Y6 // Y6 = t2
	VADDPD Y6, Y5, Y5 // Y5 = R = t1 + t2

	// hfsq := 0.5 * f * f
	VMULPD half<>(SB), Y1, Y6
	VMULPD Y1, Y6, Y6 // Y6 = hfsq

	// return k*Ln2Hi - ((hfsq - (s*(hfsq+R) + k*Ln2Lo)) - f)
	VADDPD  Y6, Y5, Y5
	VMULPD  Y5, Y4, Y4
	VMULPD  logLn2Lo<>(SB), Y2, Y5
	VADDPD  Y5, Y4, Y4
	VSUBPD  Y4, Y6, Y6
	VSUBPD  Y1, Y6, Y6
	VMULPD  logLn2Hi<>(SB), Y2, Y2
	VSUBPD  Y6, Y2, Y2
	VMOVUPD Y2, (DI)(AX*8)
	ADDQ    $4, AX
	JMP     logNext

logDone:
	MOVQ AX, ret+56(FP)
	VZEROUPPER
	RET

// func tanhKernel(dst, x []float64, avx512 bool) int
//
// Per lane, as math.tanh compiled without fused multiply-adds (see
// fused.go), on z = |x|, with the sign of x put back at the end: every
// operation involved is odd under round-to-nearest (-a·b = (-a)·b and so
// on), and math.tanh's result has the sign of x, or is ±1, or is x = ±0,
// which the rational formula on z = 0 turns into +0 | sign(x) = x. Both
// formulas are computed; each ends in a division, so the kernel divides
// once by selecting numerator and denominator per lane:
//
//	z >= 0.625:  q = -2/(exp(2z)+1), result 1 + q  (1 - 2/(...) is 1 + -(2/(...)))
//	otherwise:   q = ((z·s)·P(s))/Q(s), s = z·z, result z + q
//
// then z > 0.5·MAXLOG gives 1. exp(2z) is archExp inlined: for
// 0.625 <= z <= 0.5·MAXLOG its exponent is in range, and other lanes
// discard it. A NaN lane sends its group to Go.
TEXT ·tanhKernel(SB), NOSPLIT, $0-64
	MOVQ         dst_base+0(FP), DI
	MOVQ         x_base+24(FP), SI
	MOVQ         x_len+32(FP), CX
	MOVBLZX      avx512+48(FP), R8
	XORQ         AX, AX
	VPBROADCASTD expBias<>(SB), Y15

tanhNext:
	MOVQ  CX, DX
	SUBQ  AX, DX
	TESTQ R8, R8
	JZ    tanhYMM4

	CMPQ         DX, $8
	JLT          tanhYMM4
	VMOVUPD      (SI)(AX*8), Z0
	VCMPPD       $3, Z0, Z0, K1                // UNORD_Q: x is NaN
	KORTESTW     K1, K1
	JNZ          tanhYMM1
	VPANDQ.BCST  absMask<>(SB), Z0, Z1         // z
	VPXORQ       Z1, Z0, Z7                    // sign of x
	VADDPD       Z1, Z1, Z2                    // 2z
	VMULPD.BCST  expLog2e<>(SB), Z2, Z3
	VCVTPD2DQ    Z3, Y4
	VCVTDQ2PD    Y4, Z3
	VFNMADD231PD.BCST expLn2U<>(SB), Z3, Z2
	VFNMADD231PD.BCST expLn2L<>(SB), Z3, Z2
	EXP_REDUCED512(Z2, Z3)
	VPADDD       Y15, Y4, Y4
	VPMOVZXDQ    Y4, Z4
	VPSLLQ       $52, Z4, Z4
	VMULPD       Z4, Z2, Z2                    // exp(2z)
	VADDPD.BCST  one<>(SB), Z2, Z2             // exp(2z) + 1
	VMULPD       Z1, Z1, Z3                    // s
	VMULPD       Z3, Z1, Z4                    // z·s
	VMULPD.BCST  tanhP0<>(SB), Z3, Z5
	VADDPD.BCST  tanhP1<>(SB), Z5, Z5
	VMULPD       Z3, Z5, Z5
	VADDPD.BCST  tanhP2<>(SB), Z5, Z5
	VMULPD       Z5, Z4, Z4                    // z·s·P
	VADDPD.BCST  tanhQ0<>(SB), Z3, Z5
	VMULPD       Z3, Z5, Z5
	VADDPD.BCST  tanhQ1<>(SB), Z5, Z5
	VMULPD       Z3, Z5, Z5
	VADDPD.BCST  tanhQ2<>(SB), Z5, Z5          // Q
	VCMPPD.BCST  $13, tanhSmall<>(SB), Z1, K2  // GE_OS: z >= 0.625
	VCMPPD.BCST  $14, tanhHuge<>(SB), Z1, K3   // GT_OS: z > 0.5*MAXLOG
	VBROADCASTSD minusTwo<>(SB), K2, Z4
	VMOVAPD      Z2, K2, Z5
	VDIVPD       Z5, Z4, Z4                    // q
	VBROADCASTSD one<>(SB), K2, Z1
	VADDPD       Z4, Z1, Z4
	VBROADCASTSD one<>(SB), K3, Z4
	VPORQ        Z7, Z4, Z4
	VMOVUPD      Z4, (DI)(AX*8)
	ADDQ         $8, AX
	JMP          tanhNext

tanhYMM4:
	CMPQ DX, $4
	JLT  tanhDone

tanhYMM1:
	VMOVUPD   (SI)(AX*8), Y0
	VCMPPD    $3, Y0, Y0, Y1 // UNORD_Q: x is NaN
	VMOVMSKPD Y1, DX
	TESTL     DX, DX
	JNZ       tanhDone
	VANDPD    absMask<>(SB), Y0, Y1 // z
	VXORPD    Y1, Y0, Y7            // sign of x

	// Y2 = Exp(2*z) + 1
	VADDPD     Y1, Y1, Y2
	VMULPD     expLog2e<>(SB), Y2, Y3
	VCVTPD2DQY Y3, X4
	VCVTDQ2PD  X4, Y3
	VFNMADD231PD expLn2U<>(SB), Y3, Y2
	VFNMADD231PD expLn2L<>(SB), Y3, Y2
	EXP_REDUCED(Y2, Y3)
	VPADDD     X15, X4, X4
	VPMOVZXDQ  X4, Y4
	VPSLLQ     $52, Y4, Y4
	VMULPD     Y4, Y2, Y2
	VADDPD     one<>(SB), Y2, Y2

	// s := z * z; Y4 = z*s*P(s), Y5 = Q(s)
	VMULPD Y1, Y1, Y3
	VMULPD Y3, Y1, Y4
	VMULPD tanhP0<>(SB), Y3, Y5
	VADDPD tanhP1<>(SB), Y5, Y5
	VMULPD Y3, Y5, Y5
	VADDPD tanhP2<>(SB), Y5, Y5
	VMULPD Y5, Y4, Y4
	VADDPD tanhQ0<>(SB), Y3, Y5
	VMULPD Y3, Y5, Y5
	VADDPD tanhQ1<>(SB), Y5, Y5
	VMULPD Y3, Y5, Y5
	VADDPD tanhQ2<>(SB), Y5, Y5

	VCMPPD    $13, tanhSmall<>(SB), Y1, Y6 // GE_OS: z >= 0.625
	VCMPPD    $14, tanhHuge<>(SB), Y1, Y8  // GT_OS: z > 0.5*MAXLOG
	VBLENDVPD Y6, minusTwo<>(SB), Y4, Y4  // numerator
	VBLENDVPD Y6, Y2, Y5, Y5              // denominator
	VDIVPD    Y5, Y4, Y4                  // q
	VBLENDVPD Y6, one<>(SB), Y1, Y1       // 1 or z
	VADDPD    Y4, Y1, Y4
	VBLENDVPD Y8, one<>(SB), Y4, Y4
	VORPD     Y7, Y4, Y4
	VMOVUPD   Y4, (DI)(AX*8)
	ADDQ      $4, AX
	JMP       tanhNext

tanhDone:
	MOVQ AX, ret+56(FP)
	VZEROUPPER
	RET
