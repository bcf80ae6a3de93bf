//go:build amd64

#include "textflag.h"

// The float32 kernels of vmath32_amd64.go. Each lane does the scalar
// function's operations (vmath32.go) in its order, with a VFMADD or
// VFNMADD where it calls fma32 and separate roundings everywhere else,
// so that every lane has the scalar function's bits. Operands are in Go
// order, the reverse of Intel's: VSUBPS a, b, c is c = b - a, and
// VFMADD213PS a, b, c is c = b·c + a. The constants are 16 copies of a
// float32 (one ZMM; a YMM operand reads the first 8).

#define VEC16(name, val) \
	DATA name<>+0(SB)/4, val; \
	DATA name<>+4(SB)/4, val; \
	DATA name<>+8(SB)/4, val; \
	DATA name<>+12(SB)/4, val; \
	DATA name<>+16(SB)/4, val; \
	DATA name<>+20(SB)/4, val; \
	DATA name<>+24(SB)/4, val; \
	DATA name<>+28(SB)/4, val; \
	DATA name<>+32(SB)/4, val; \
	DATA name<>+36(SB)/4, val; \
	DATA name<>+40(SB)/4, val; \
	DATA name<>+44(SB)/4, val; \
	DATA name<>+48(SB)/4, val; \
	DATA name<>+52(SB)/4, val; \
	DATA name<>+56(SB)/4, val; \
	DATA name<>+60(SB)/4, val; \
	GLOBL name<>(SB), RODATA|NOPTR, $64

// The constants of vmath32.go, as bits.
VEC16(one32, $0x3F800000)
VEC16(two32, $0x40000000)
VEC16(sign32, $0x80000000)
VEC16(abs32, $0x7FFFFFFF)
VEC16(bias32, $127)
VEC16(exp32Log2e, $0x3FB8AA3B)
VEC16(exp32Round, $0x4B400000)
VEC16(exp32Ln2Hi, $0x3F317218)
VEC16(exp32Ln2Lo, $0xB102E308)
VEC16(exp32Min, $0xC2D00000)
VEC16(exp32Max, $0x42B20000)
VEC16(exp32P2, $0x3EFFFFFE)
VEC16(exp32P3, $0x3E2AAA49)
VEC16(exp32P4, $0x3D2AAC79)
VEC16(exp32P5, $0x3C091CF1)
VEC16(exp32P6, $0x3AB5121A)
VEC16(tanh32Small, $0x3F200000)
VEC16(tanh32Q0, $0xBEAAAA99)
VEC16(tanh32Q1, $0x3E088393)
VEC16(tanh32Q2, $0xBD5C1E1D)
VEC16(tanh32Q3, $0x3CA912E0)
VEC16(tanh32Q4, $0xBBBAEEE8)
VEC16(log32SqrtHalf, $0x3F3504F3)
VEC16(log32Mant, $0x007FFFFF)
VEC16(log32MinNormal, $0x00800000)
VEC16(log32Scale, $0x4B000000)
VEC16(log32ScaleK, $-23)
VEC16(log32Half, $0x3F000000)
VEC16(log32S0, $0x3F2AAABD)
VEC16(log32S1, $0x3ECCAF5A)
VEC16(log32S2, $0x3E98F1D3)
VEC16(negInf32, $0xFF800000)
VEC16(posInf32, $0x7F800000)
VEC16(nan32, $0x7FC00000)

// EXP32 sets P to exp32 of X, which is not NaN, as exp32 does after its
// NaN test; it clobbers X, R, K, T and U. The same instructions serve
// YMM (AVX2) and ZMM (AVX-512F) registers.
#define EXP32(X, P, R, K, T, U) \
	VMAXPS       exp32Min<>(SB), X, X; \
	VMINPS       exp32Max<>(SB), X, X; \
	VMULPS       exp32Log2e<>(SB), X, T; \
	VADDPS       exp32Round<>(SB), T, T; \
	VSUBPS       exp32Round<>(SB), T, K; \
	VPSUBD       exp32Round<>(SB), T, T; \
	VMOVAPS      X, R; \
	VFNMADD231PS exp32Ln2Hi<>(SB), K, R; \
	VFNMADD231PS exp32Ln2Lo<>(SB), K, R; \
	VMOVUPS      exp32P6<>(SB), P; \
	VFMADD213PS  exp32P5<>(SB), R, P; \
	VFMADD213PS  exp32P4<>(SB), R, P; \
	VFMADD213PS  exp32P3<>(SB), R, P; \
	VFMADD213PS  exp32P2<>(SB), R, P; \
	VMULPS       R, R, K; \
	VFMADD213PS  R, K, P; \
	VADDPS       one32<>(SB), P, P; \
	VPSRAD       $1, T, U; \
	VPSUBD       U, T, T; \
	VPADDD       bias32<>(SB), U, U; \
	VPSLLD       $23, U, U; \
	VPADDD       bias32<>(SB), T, T; \
	VPSLLD       $23, T, T; \
	VMULPS       U, P, P; \
	VMULPS       T, P, P

// The bodies compute the 16 (Z) or 8 (Y) elements at AX of x (SI) into
// h (DI), and, in the fused kernels, first z = x + b (b at DX) into z
// (R10). ST(r, m) stores r to m, or holds it: in Z11/Y11 for h and
// Z12/Y12 for z. They find 1.0 in Z14/Y14 and +0 in Z15/Y15.
#define STH(r, m) VMOVUPS r, m
#define HOLDH(r, m) VMOVAPS r, Z11
#define HOLDHY(r, m) VMOVAPS r, Y11
#define STZ(r, m) VMOVUPS r, m
#define HOLDZ(r, m) VMOVAPS r, Z12
#define HOLDZY(r, m) VMOVAPS r, Y12

// NAN blends x (V0) back into the result V in the lanes where x is NaN.
#define NANZ(V) \
	VCMPPS  $3, Z0, Z0, K3; \
	VMOVAPS Z0, K3, V
#define NANY(V) \
	VCMPPS    $3, Y0, Y0, Y9; \
	VBLENDVPS Y9, Y0, V, V

// Exp.
#define EXPZ(ST, STZ_) \
	VMOVUPS (SI)(AX*4), Z0; \
	VMOVAPS Z0, Z1; \
	EXP32(Z1, Z2, Z3, Z4, Z5, Z6); \
	NANZ(Z2); \
	ST(Z2, (DI)(AX*4))
#define EXPY(ST, STZ_) \
	VMOVUPS (SI)(AX*4), Y0; \
	VMOVAPS Y0, Y1; \
	EXP32(Y1, Y2, Y3, Y4, Y5, Y6); \
	NANY(Y2); \
	ST(Y2, (DI)(AX*4))

// Logistic, of x in Z0/Y0: e = exp32(-|x|), then 1/(1+e) where x >= 0
// and e/(1+e) elsewhere.
#define LOGISTICZ_BODY(ST) \
	VPORD       sign32<>(SB), Z0, Z1; \
	EXP32(Z1, Z2, Z3, Z4, Z5, Z6); \
	VADDPS      Z14, Z2, Z5; \
	VCMPPS      $13, Z15, Z0, K2; \
	VMOVAPS     Z14, K2, Z2; \
	VDIVPS      Z5, Z2, Z2; \
	NANZ(Z2); \
	ST(Z2, (DI)(AX*4))
#define LOGISTICY_BODY(ST) \
	VORPS     sign32<>(SB), Y0, Y1; \
	EXP32(Y1, Y2, Y3, Y4, Y5, Y6); \
	VADDPS    Y14, Y2, Y5; \
	VCMPPS    $13, Y15, Y0, Y6; \
	VBLENDVPS Y6, Y14, Y2, Y2; \
	VDIVPS    Y5, Y2, Y2; \
	NANY(Y2); \
	ST(Y2, (DI)(AX*4))

// Tanh, of x in Z0/Y0: a = |x|, a + (a·a²)·Q(a²) where a < 0.625 and
// 1 - 2/(exp32(2a) + 1) elsewhere, with x's sign.
#define TANHZ_BODY(ST) \
	VPANDD      abs32<>(SB), Z0, Z1; \
	VMULPS      Z1, Z1, Z2; \
	VMOVUPS     tanh32Q4<>(SB), Z3; \
	VFMADD213PS tanh32Q3<>(SB), Z2, Z3; \
	VFMADD213PS tanh32Q2<>(SB), Z2, Z3; \
	VFMADD213PS tanh32Q1<>(SB), Z2, Z3; \
	VFMADD213PS tanh32Q0<>(SB), Z2, Z3; \
	VMULPS      Z2, Z1, Z2; \
	VFMADD213PS Z1, Z2, Z3; \
	VADDPS      Z1, Z1, Z4; \
	EXP32(Z4, Z7, Z5, Z6, Z8, Z10); \
	VADDPS      Z14, Z7, Z7; \
	VMOVUPS     two32<>(SB), Z8; \
	VDIVPS      Z7, Z8, Z8; \
	VSUBPS      Z8, Z14, Z7; \
	VCMPPS      $1, tanh32Small<>(SB), Z1, K2; \
	VMOVAPS     Z3, K2, Z7; \
	VPANDD      sign32<>(SB), Z0, Z8; \
	VPORD       Z8, Z7, Z7; \
	NANZ(Z7); \
	ST(Z7, (DI)(AX*4))
#define TANHY_BODY(ST) \
	VANDPS      abs32<>(SB), Y0, Y1; \
	VMULPS      Y1, Y1, Y2; \
	VMOVUPS     tanh32Q4<>(SB), Y3; \
	VFMADD213PS tanh32Q3<>(SB), Y2, Y3; \
	VFMADD213PS tanh32Q2<>(SB), Y2, Y3; \
	VFMADD213PS tanh32Q1<>(SB), Y2, Y3; \
	VFMADD213PS tanh32Q0<>(SB), Y2, Y3; \
	VMULPS      Y2, Y1, Y2; \
	VFMADD213PS Y1, Y2, Y3; \
	VADDPS      Y1, Y1, Y4; \
	EXP32(Y4, Y7, Y5, Y6, Y8, Y10); \
	VADDPS      Y14, Y7, Y7; \
	VMOVUPS     two32<>(SB), Y8; \
	VDIVPS      Y7, Y8, Y8; \
	VSUBPS      Y8, Y14, Y7; \
	VCMPPS      $1, tanh32Small<>(SB), Y1, Y9; \
	VBLENDVPS   Y9, Y3, Y7, Y7; \
	VANDPS      sign32<>(SB), Y0, Y8; \
	VORPS       Y8, Y7, Y7; \
	NANY(Y7); \
	ST(Y7, (DI)(AX*4))

// ReLU, of z in Z0/Y0: z's bits where !(z <= 0), else +0.
#define RELUZ_BODY(ST) \
	VCMPPS    $6, Z15, Z0, K2; \
	VMOVAPS.Z Z0, K2, Z1; \
	ST(Z1, (DI)(AX*4))
#define RELUY_BODY(ST) \
	VCMPPS $6, Y15, Y0, Y1; \
	VANDPS Y1, Y0, Y1; \
	ST(Y1, (DI)(AX*4))

#define LOGISTICZ(ST, STZ_) \
	VMOVUPS (SI)(AX*4), Z0; \
	LOGISTICZ_BODY(ST)
#define LOGISTICY(ST, STZ_) \
	VMOVUPS (SI)(AX*4), Y0; \
	LOGISTICY_BODY(ST)
#define TANHZ(ST, STZ_) \
	VMOVUPS (SI)(AX*4), Z0; \
	TANHZ_BODY(ST)
#define TANHY(ST, STZ_) \
	VMOVUPS (SI)(AX*4), Y0; \
	TANHY_BODY(ST)

// The fused bodies: z = x + b (x first, as in AddRows32's loop), stored,
// then h = φ(z).
#define ADDBZ(STZ_) \
	VMOVUPS (SI)(AX*4), Z0; \
	VADDPS  (DX)(AX*4), Z0, Z0; \
	STZ_(Z0, (R10)(AX*4))
#define ADDBY(STZ_) \
	VMOVUPS (SI)(AX*4), Y0; \
	VADDPS  (DX)(AX*4), Y0, Y0; \
	STZ_(Y0, (R10)(AX*4))
#define ARELUZ(ST, STZ_) ADDBZ(STZ_); RELUZ_BODY(ST)
#define ARELUY(ST, STZ_) ADDBY(STZ_); RELUY_BODY(ST)
#define ATANHZ(ST, STZ_) ADDBZ(STZ_); TANHZ_BODY(ST)
#define ATANHY(ST, STZ_) ADDBY(STZ_); TANHY_BODY(ST)
#define ALOGISTICZ(ST, STZ_) ADDBZ(STZ_); LOGISTICZ_BODY(ST)
#define ALOGISTICY(ST, STZ_) ADDBY(STZ_); LOGISTICY_BODY(ST)

// The last vectors held, stored: h only, or z and then h (which wins if
// h is z).
#define LASTH(n) VMOVUPS Z11, -64(DI)(BX*4)
#define LASTHY(n) VMOVUPS Y11, -32(DI)(BX*4)
#define LASTHZ(n) VMOVUPS Z12, -64(R10)(BX*4); VMOVUPS Z11, -64(DI)(BX*4)
#define LASTHZY(n) VMOVUPS Y12, -32(R10)(BX*4); VMOVUPS Y11, -32(DI)(BX*4)

// LOOP32 runs a kernel: BX = n, R8 = avx512, the result in CX. With
// AVX-512 and n >= 16 it computes the last 16 elements first and holds
// them, then the whole vectors of 16 from the start, then stores the held
// ones over the end (the same values where they overlap); AVX2, and
// AVX-512 for n in 8..15, do the same by 8. Below 8 it does nothing.
#define LOOP32(ZB, YB, LASTZ, LASTY) \
	XORQ         CX, CX; \
	TESTQ        R8, R8; \
	JZ           ymm; \
	CMPQ         BX, $16; \
	JLT          ymm; \
	VPXORD       Z15, Z15, Z15; \
	VBROADCASTSS one32<>(SB), Z14; \
	LEAQ         -16(BX), AX; \
	ZB(HOLDH, HOLDZ); \
	MOVQ         BX, R9; \
	ANDQ         $-16, R9; \
	XORQ         AX, AX; \
zloop: \
	ZB(STH, STZ); \
	ADDQ         $16, AX; \
	CMPQ         AX, R9; \
	JLT          zloop; \
	LASTZ(0); \
	MOVQ         BX, CX; \
	JMP          done; \
ymm: \
	CMPQ         BX, $8; \
	JLT          done; \
	VXORPS       Y15, Y15, Y15; \
	VBROADCASTSS one32<>(SB), Y14; \
	LEAQ         -8(BX), AX; \
	YB(HOLDHY, HOLDZY); \
	MOVQ         BX, R9; \
	ANDQ         $-8, R9; \
	XORQ         AX, AX; \
yloop: \
	YB(STH, STZ); \
	ADDQ         $8, AX; \
	CMPQ         AX, R9; \
	JLT          yloop; \
	LASTY(0); \
	MOVQ         BX, CX; \
done: \
	VZEROUPPER

// func exp32Kernel(dst, x []float32, avx512 bool) int
TEXT ·exp32Kernel(SB), NOSPLIT, $0-64
	MOVQ    dst_base+0(FP), DI
	MOVQ    x_base+24(FP), SI
	MOVQ    x_len+32(FP), BX
	MOVBLZX avx512+48(FP), R8
	LOOP32(EXPZ, EXPY, LASTH, LASTHY)
	MOVQ    CX, ret+56(FP)
	RET

// func tanh32Kernel(dst, x []float32, avx512 bool) int
TEXT ·tanh32Kernel(SB), NOSPLIT, $0-64
	MOVQ    dst_base+0(FP), DI
	MOVQ    x_base+24(FP), SI
	MOVQ    x_len+32(FP), BX
	MOVBLZX avx512+48(FP), R8
	LOOP32(TANHZ, TANHY, LASTH, LASTHY)
	MOVQ    CX, ret+56(FP)
	RET

// func logistic32Kernel(dst, x []float32, avx512 bool) int
TEXT ·logistic32Kernel(SB), NOSPLIT, $0-64
	MOVQ    dst_base+0(FP), DI
	MOVQ    x_base+24(FP), SI
	MOVQ    x_len+32(FP), BX
	MOVBLZX avx512+48(FP), R8
	LOOP32(LOGISTICZ, LOGISTICY, LASTH, LASTHY)
	MOVQ    CX, ret+56(FP)
	RET

// func addReLU32Kernel(h, z, x, b []float32, avx512 bool) int
TEXT ·addReLU32Kernel(SB), NOSPLIT, $0-112
	MOVQ    h_base+0(FP), DI
	MOVQ    z_base+24(FP), R10
	MOVQ    x_base+48(FP), SI
	MOVQ    x_len+56(FP), BX
	MOVQ    b_base+72(FP), DX
	MOVBLZX avx512+96(FP), R8
	LOOP32(ARELUZ, ARELUY, LASTHZ, LASTHZY)
	MOVQ    CX, ret+104(FP)
	RET

// func addTanh32Kernel(h, z, x, b []float32, avx512 bool) int
TEXT ·addTanh32Kernel(SB), NOSPLIT, $0-112
	MOVQ    h_base+0(FP), DI
	MOVQ    z_base+24(FP), R10
	MOVQ    x_base+48(FP), SI
	MOVQ    x_len+56(FP), BX
	MOVQ    b_base+72(FP), DX
	MOVBLZX avx512+96(FP), R8
	LOOP32(ATANHZ, ATANHY, LASTHZ, LASTHZY)
	MOVQ    CX, ret+104(FP)
	RET

// func addLogistic32Kernel(h, z, x, b []float32, avx512 bool) int
TEXT ·addLogistic32Kernel(SB), NOSPLIT, $0-112
	MOVQ    h_base+0(FP), DI
	MOVQ    z_base+24(FP), R10
	MOVQ    x_base+48(FP), SI
	MOVQ    x_len+56(FP), BX
	MOVQ    b_base+72(FP), DX
	MOVBLZX avx512+96(FP), R8
	LOOP32(ALOGISTICZ, ALOGISTICY, LASTHZ, LASTHZY)
	MOVQ    CX, ret+104(FP)
	RET

// LOGCORE32 is logCore32(w, C) from f = m - 1 in F and k as integers in
// K, for YMM or ZMM registers: the result in F; it clobbers K, S, Z, H,
// R and L. One (1.0) is in Z14/Y14.
#define LOGCORE32(F, K, S, Z, H, R, L, C) \
	VADDPS       two32<>(SB), F, S; \
	VDIVPS       S, F, S; \
	VMULPS       S, S, Z; \
	VMULPS       F, F, H; \
	VMULPS       log32Half<>(SB), H, H; \
	VMOVUPS      log32S2<>(SB), R; \
	VFMADD213PS  log32S1<>(SB), Z, R; \
	VFMADD213PS  log32S0<>(SB), Z, R; \
	VMULPS       R, Z, R; \
	VCVTDQ2PS    K, K; \
	VMULPS       exp32Ln2Lo<>(SB), K, L; \
	VADDPS       C, L, L; \
	VADDPS       R, H, R; \
	VFMADD213PS  L, R, S; \
	VSUBPS       S, H, H; \
	VSUBPS       H, F, F; \
	VFMADD231PS  exp32Ln2Hi<>(SB), K, F

// Log, of x in Z0/Y0: w = x, or x·2²³ with k = -23 where x is subnormal
// (or negative: a special), then m and k from w's bits as log32 takes
// them, the core, and the specials: -Inf for ±0, NaN for x < 0, x for
// NaN and +Inf.
#define LOGZ(ST, STZ_) \
	VMOVUPS          (SI)(AX*4), Z0; \
	VMOVAPS          Z0, Z2; \
	VPCMPGTD         Z0, Z13, K2; \
	VMULPS           log32Scale<>(SB), Z0, K2, Z2; \
	VMOVDQU32.Z      log32ScaleK<>(SB), K2, Z3; \
	VPSUBD           log32SqrtHalf<>(SB), Z2, Z4; \
	VPSRAD           $23, Z4, Z5; \
	VPADDD           Z5, Z3, Z3; \
	VPANDD           log32Mant<>(SB), Z4, Z4; \
	VPADDD           log32SqrtHalf<>(SB), Z4, Z4; \
	VSUBPS           Z14, Z4, Z4; \
	LOGCORE32(Z4, Z3, Z5, Z6, Z7, Z8, Z9, Z15); \
	VCMPPS           $0, Z15, Z0, K2; \
	VMOVUPS          negInf32<>(SB), K2, Z4; \
	VCMPPS           $1, Z15, Z0, K2; \
	VMOVUPS          nan32<>(SB), K2, Z4; \
	VCMPPS           $5, posInf32<>(SB), Z0, K2; \
	VMOVAPS          Z0, K2, Z4; \
	ST(Z4, (DI)(AX*4))
#define LOGY(ST, STZ_) \
	VMOVUPS   (SI)(AX*4), Y0; \
	VMOVUPS   log32MinNormal<>(SB), Y2; \
	VPCMPGTD  Y0, Y2, Y2; \
	VMULPS    log32Scale<>(SB), Y0, Y1; \
	VBLENDVPS Y2, Y1, Y0, Y1; \
	VANDPS    log32ScaleK<>(SB), Y2, Y3; \
	VPSUBD    log32SqrtHalf<>(SB), Y1, Y4; \
	VPSRAD    $23, Y4, Y5; \
	VPADDD    Y5, Y3, Y3; \
	VPAND     log32Mant<>(SB), Y4, Y4; \
	VPADDD    log32SqrtHalf<>(SB), Y4, Y4; \
	VSUBPS    Y14, Y4, Y4; \
	LOGCORE32(Y4, Y3, Y5, Y6, Y7, Y8, Y9, Y15); \
	VCMPPS    $0, Y15, Y0, Y1; \
	VMOVUPS   negInf32<>(SB), Y2; \
	VBLENDVPS Y1, Y2, Y4, Y4; \
	VCMPPS    $1, Y15, Y0, Y1; \
	VMOVUPS   nan32<>(SB), Y2; \
	VBLENDVPS Y1, Y2, Y4, Y4; \
	VCMPPS    $5, posInf32<>(SB), Y0, Y1; \
	VBLENDVPS Y1, Y0, Y4, Y4; \
	ST(Y4, (DI)(AX*4))

// func log32Kernel(dst, x []float32, avx512 bool) int
TEXT ·log32Kernel(SB), NOSPLIT, $0-64
	MOVQ    dst_base+0(FP), DI
	MOVQ    x_base+24(FP), SI
	MOVQ    x_len+32(FP), BX
	MOVBLZX avx512+48(FP), R8
	TESTQ   R8, R8
	JZ      logSet
	VMOVUPS log32MinNormal<>(SB), Z13

logSet:
	LOOP32(LOGZ, LOGY, LASTH, LASTHY)
	MOVQ    CX, ret+56(FP)
	RET
