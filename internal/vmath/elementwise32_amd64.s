//go:build amd64

#include "textflag.h"

// The float32 arithmetic kernels of elementwise32.go and the SGD step of
// sgd.go in float32: elementwise_amd64.s's kernels with 16 lanes in ZMM
// and 8 in YMM. Each lane repeats the scalar loop's operations in its
// order, every product and sum rounded on its own (VMULPS, VADDPS,
// VSUBPS; no FMA), with the operand order of the float64 kernels (see
// "NaN payloads" there). Operands are in Go order, the reverse of
// Intel's: VADDPS a, b, c is c = b + a, b being the first source.

DATA arith32One<>+0(SB)/4, $0x3F800000
GLOBL arith32One<>(SB), RODATA|NOPTR, $4

// arith32Lanes is 32 dwords of all ones and 32 of zeros: the 32 bytes at
// arith32Lanes<>+4·(32-r) are a VMASKMOVPS mask of the first r lanes
// (0 <= r <= 32), and the next 32 bytes each that of the following 8.
DATA arith32Lanes<>+0(SB)/8, $-1
DATA arith32Lanes<>+8(SB)/8, $-1
DATA arith32Lanes<>+16(SB)/8, $-1
DATA arith32Lanes<>+24(SB)/8, $-1
DATA arith32Lanes<>+32(SB)/8, $-1
DATA arith32Lanes<>+40(SB)/8, $-1
DATA arith32Lanes<>+48(SB)/8, $-1
DATA arith32Lanes<>+56(SB)/8, $-1
DATA arith32Lanes<>+64(SB)/8, $-1
DATA arith32Lanes<>+72(SB)/8, $-1
DATA arith32Lanes<>+80(SB)/8, $-1
DATA arith32Lanes<>+88(SB)/8, $-1
DATA arith32Lanes<>+96(SB)/8, $-1
DATA arith32Lanes<>+104(SB)/8, $-1
DATA arith32Lanes<>+112(SB)/8, $-1
DATA arith32Lanes<>+120(SB)/8, $-1
GLOBL arith32Lanes<>(SB), RODATA|NOPTR, $256

// The loads and stores of the bodies: whole vectors, or, with HOLDZ and
// HOLDY, the result kept in Z9 or Y9 instead of stored.
#define LDZ(m, r) VMOVUPS m, r
#define STZ(r, m) VMOVUPS r, m
#define HOLDZ(r, m) VMOVAPS r, Z9
#define LDY(m, r) VMOVUPS m, r
#define STY(r, m) VMOVUPS r, m
#define HOLDY(r, m) VMOVAPS r, Y9

// ELEMENTWISE32 is elementwise_amd64.s's ELEMENTWISE for float32: DI =
// dst, BX = n, AX = i, R8 = avx512. ZMM(off, LD, ST) computes the 16
// elements at off bytes after element i, YMM(off, LD, ST) the 8 there,
// and SCALAR element i alone, with the same operations. They may use
// Z0-Z3/Y0-Y3/X0-X3 and K2, and find +0 in Z15/Y15/X15 and 1.0 in
// Z14/Y14/X14; DX is scratch.
//
// When n is not a multiple of 16 (AVX2: 8), it computes the last 16 (8)
// elements first, keeps them in Z9 (Y9), computes the whole vectors from
// the start, and stores Z9 last, over the end of the last whole vector
// with the same values; loading the last vector before any store keeps
// this right when dst is an input. AVX-512 takes the AVX2 loop below 16
// elements, and AVX2 the scalar one below 8.
#define ELEMENTWISE32(ZMM, YMM, SCALAR) \
	XORQ         AX, AX; \
	TESTQ        R8, R8; \
	JZ           ymm; \
	CMPQ         BX, $16; \
	JLT          ymm; \
	VPXORD       Z15, Z15, Z15; \
	VBROADCASTSS arith32One<>(SB), Z14; \
	TESTQ        $15, BX; \
	JZ           zmmWhole; \
	LEAQ         -16(BX), AX; \
	ZMM(0, LDZ, HOLDZ); \
	XORQ         AX, AX; \
zmmWhole: \
	MOVQ         BX, DX; \
	ANDQ         $-32, DX; \
	JZ           zmm16; \
zmm32: \
	ZMM(0, LDZ, STZ); \
	ZMM(64, LDZ, STZ); \
	ADDQ         $32, AX; \
	CMPQ         AX, DX; \
	JLT          zmm32; \
zmm16: \
	MOVQ         BX, DX; \
	SUBQ         AX, DX; \
	CMPQ         DX, $16; \
	JLT          zmmLast; \
	ZMM(0, LDZ, STZ); \
zmmLast: \
	TESTQ        $15, BX; \
	JZ           done; \
	VMOVUPS      Z9, -64(DI)(BX*4); \
	JMP          done; \
ymm: \
	VXORPS       Y15, Y15, Y15; \
	VBROADCASTSS arith32One<>(SB), Y14; \
	CMPQ         BX, $8; \
	JLT          scalar; \
	TESTQ        $7, BX; \
	JZ           ymmWhole; \
	LEAQ         -8(BX), AX; \
	YMM(0, LDY, HOLDY); \
	XORQ         AX, AX; \
ymmWhole: \
	MOVQ         BX, DX; \
	ANDQ         $-16, DX; \
	JZ           ymm8; \
ymm16: \
	YMM(0, LDY, STY); \
	YMM(32, LDY, STY); \
	ADDQ         $16, AX; \
	CMPQ         AX, DX; \
	JLT          ymm16; \
ymm8: \
	MOVQ         BX, DX; \
	SUBQ         AX, DX; \
	CMPQ         DX, $8; \
	JLT          ymmLast; \
	YMM(0, LDY, STY); \
ymmLast: \
	TESTQ        $7, BX; \
	JZ           done; \
	VMOVUPS      Y9, -32(DI)(BX*4); \
	JMP          done; \
scalar: \
	TESTQ        BX, BX; \
	JZ           done; \
scalar1: \
	SCALAR; \
	INCQ         AX; \
	CMPQ         AX, BX; \
	JLT          scalar1; \
done:

// ReLU32: y = DI, x = SI. NLE_US (6) is !(x <= 0), true for NaN.
#define RELU32_ZMM(off, LD, ST) \
	LD(off(SI)(AX*4), Z0); \
	VCMPPS    $6, Z15, Z0, K2; \
	VMOVAPS.Z Z0, K2, Z0; \
	ST(Z0, off(DI)(AX*4))

#define RELU32_YMM(off, LD, ST) \
	LD(off(SI)(AX*4), Y0); \
	VCMPPS $6, Y15, Y0, Y1; \
	VANDPS Y0, Y1, Y1; \
	ST(Y1, off(DI)(AX*4))

#define RELU32_SCALAR \
	VMOVSS (SI)(AX*4), X0; \
	VCMPSS $6, X15, X0, X1; \
	VANDPS X0, X1, X1; \
	VMOVSS X1, (DI)(AX*4)

// func relu32Kernel(y, x []float32, avx512 bool)
TEXT ·relu32Kernel(SB), NOSPLIT, $0-49
	MOVQ    y_base+0(FP), DI
	MOVQ    x_base+24(FP), SI
	MOVQ    x_len+32(FP), BX
	MOVBLZX avx512+48(FP), R8
	ELEMENTWISE32(RELU32_ZMM, RELU32_YMM, RELU32_SCALAR)
	VZEROUPPER
	RET

// AddReLUGrad32: xb = DI, g = SI, x = R10. GT_OS (14) is x > 0, false
// for NaN; one = 1.0 or +0; p = one·g; xb + p.
#define RELUGRAD32_ZMM(off, LD, ST) \
	LD(off(R10)(AX*4), Z0); \
	VCMPPS    $14, Z15, Z0, K2; \
	VMOVAPS.Z Z14, K2, Z0; \
	LD(off(SI)(AX*4), Z1); \
	VMULPS    Z1, Z0, Z0; \
	LD(off(DI)(AX*4), Z1); \
	VADDPS    Z0, Z1, Z1; \
	ST(Z1, off(DI)(AX*4))

#define RELUGRAD32_YMM(off, LD, ST) \
	LD(off(R10)(AX*4), Y0); \
	VCMPPS $14, Y15, Y0, Y0; \
	VANDPS Y14, Y0, Y0; \
	LD(off(SI)(AX*4), Y1); \
	VMULPS Y1, Y0, Y0; \
	LD(off(DI)(AX*4), Y1); \
	VADDPS Y0, Y1, Y1; \
	ST(Y1, off(DI)(AX*4))

#define RELUGRAD32_SCALAR \
	VMOVSS (R10)(AX*4), X0; \
	VCMPSS $14, X15, X0, X0; \
	VANDPS X14, X0, X0; \
	VMOVSS (SI)(AX*4), X1; \
	VMULSS X1, X0, X0; \
	VMOVSS (DI)(AX*4), X1; \
	VADDSS X0, X1, X1; \
	VMOVSS X1, (DI)(AX*4)

// func addReLUGrad32Kernel(xb, g, x []float32, avx512 bool)
TEXT ·addReLUGrad32Kernel(SB), NOSPLIT, $0-73
	MOVQ    xb_base+0(FP), DI
	MOVQ    xb_len+8(FP), BX
	MOVQ    g_base+24(FP), SI
	MOVQ    x_base+48(FP), R10
	MOVBLZX avx512+72(FP), R8
	ELEMENTWISE32(RELUGRAD32_ZMM, RELUGRAD32_YMM, RELUGRAD32_SCALAR)
	VZEROUPPER
	RET

// AddTanhGrad32: xb = DI, g = SI, y = R10. t = y·y; u = 1 - t; p = u·g;
// xb + p.
#define TANHGRAD32_ZMM(off, LD, ST) \
	LD(off(R10)(AX*4), Z0); \
	VMULPS Z0, Z0, Z0; \
	VSUBPS Z0, Z14, Z0; \
	LD(off(SI)(AX*4), Z1); \
	VMULPS Z1, Z0, Z0; \
	LD(off(DI)(AX*4), Z1); \
	VADDPS Z0, Z1, Z1; \
	ST(Z1, off(DI)(AX*4))

#define TANHGRAD32_YMM(off, LD, ST) \
	LD(off(R10)(AX*4), Y0); \
	VMULPS Y0, Y0, Y0; \
	VSUBPS Y0, Y14, Y0; \
	LD(off(SI)(AX*4), Y1); \
	VMULPS Y1, Y0, Y0; \
	LD(off(DI)(AX*4), Y1); \
	VADDPS Y0, Y1, Y1; \
	ST(Y1, off(DI)(AX*4))

#define TANHGRAD32_SCALAR \
	VMOVSS (R10)(AX*4), X0; \
	VMULSS X0, X0, X0; \
	VSUBSS X0, X14, X0; \
	VMOVSS (SI)(AX*4), X1; \
	VMULSS X1, X0, X0; \
	VMOVSS (DI)(AX*4), X1; \
	VADDSS X0, X1, X1; \
	VMOVSS X1, (DI)(AX*4)

// func addTanhGrad32Kernel(xb, g, y []float32, avx512 bool)
TEXT ·addTanhGrad32Kernel(SB), NOSPLIT, $0-73
	MOVQ    xb_base+0(FP), DI
	MOVQ    xb_len+8(FP), BX
	MOVQ    g_base+24(FP), SI
	MOVQ    y_base+48(FP), R10
	MOVBLZX avx512+72(FP), R8
	ELEMENTWISE32(TANHGRAD32_ZMM, TANHGRAD32_YMM, TANHGRAD32_SCALAR)
	VZEROUPPER
	RET

// AddLogisticGrad32: xb = DI, g = SI, y = R10. u = 1 - y; v = u·y;
// p = v·g; xb + p.
#define LOGISTICGRAD32_ZMM(off, LD, ST) \
	LD(off(R10)(AX*4), Z0); \
	VSUBPS Z0, Z14, Z1; \
	VMULPS Z0, Z1, Z1; \
	LD(off(SI)(AX*4), Z2); \
	VMULPS Z2, Z1, Z1; \
	LD(off(DI)(AX*4), Z2); \
	VADDPS Z1, Z2, Z2; \
	ST(Z2, off(DI)(AX*4))

#define LOGISTICGRAD32_YMM(off, LD, ST) \
	LD(off(R10)(AX*4), Y0); \
	VSUBPS Y0, Y14, Y1; \
	VMULPS Y0, Y1, Y1; \
	LD(off(SI)(AX*4), Y2); \
	VMULPS Y2, Y1, Y1; \
	LD(off(DI)(AX*4), Y2); \
	VADDPS Y1, Y2, Y2; \
	ST(Y2, off(DI)(AX*4))

#define LOGISTICGRAD32_SCALAR \
	VMOVSS (R10)(AX*4), X0; \
	VSUBSS X0, X14, X1; \
	VMULSS X0, X1, X1; \
	VMOVSS (SI)(AX*4), X2; \
	VMULSS X2, X1, X1; \
	VMOVSS (DI)(AX*4), X2; \
	VADDSS X1, X2, X2; \
	VMOVSS X2, (DI)(AX*4)

// func addLogisticGrad32Kernel(xb, g, y []float32, avx512 bool)
TEXT ·addLogisticGrad32Kernel(SB), NOSPLIT, $0-73
	MOVQ    xb_base+0(FP), DI
	MOVQ    xb_len+8(FP), BX
	MOVQ    g_base+24(FP), SI
	MOVQ    y_base+48(FP), R10
	MOVBLZX avx512+72(FP), R8
	ELEMENTWISE32(LOGISTICGRAD32_ZMM, LOGISTICGRAD32_YMM, LOGISTICGRAD32_SCALAR)
	VZEROUPPER
	RET

// Add32: dst = DI, x = SI. dst + x.
#define ADD32_ZMM(off, LD, ST) \
	LD(off(DI)(AX*4), Z0); \
	LD(off(SI)(AX*4), Z1); \
	VADDPS Z1, Z0, Z0; \
	ST(Z0, off(DI)(AX*4))

#define ADD32_YMM(off, LD, ST) \
	LD(off(DI)(AX*4), Y0); \
	LD(off(SI)(AX*4), Y1); \
	VADDPS Y1, Y0, Y0; \
	ST(Y0, off(DI)(AX*4))

#define ADD32_SCALAR \
	VMOVSS (DI)(AX*4), X0; \
	VMOVSS (SI)(AX*4), X1; \
	VADDSS X1, X0, X0; \
	VMOVSS X0, (DI)(AX*4)

// func add32Kernel(dst, x []float32, avx512 bool)
TEXT ·add32Kernel(SB), NOSPLIT, $0-49
	MOVQ    dst_base+0(FP), DI
	MOVQ    dst_len+8(FP), BX
	MOVQ    x_base+24(FP), SI
	MOVBLZX avx512+48(FP), R8
	ELEMENTWISE32(ADD32_ZMM, ADD32_YMM, ADD32_SCALAR)
	VZEROUPPER
	RET

// SubScaled32: w = DI, g = SI, lr in Z13/Y13/X13. p = g·lr; w - p; and
// the OR of w - w over the new w into Z12/Y12/X12, which stays +0 while
// every w is finite (w - w is +0 for finite w, NaN otherwise).
#define SUBSCALED32_ZMM(off, LD, ST) \
	LD(off(SI)(AX*4), Z0); \
	VMULPS Z13, Z0, Z0; \
	LD(off(DI)(AX*4), Z1); \
	VSUBPS Z0, Z1, Z1; \
	VSUBPS Z1, Z1, Z2; \
	VPORD  Z2, Z12, Z12; \
	ST(Z1, off(DI)(AX*4))

#define SUBSCALED32_YMM(off, LD, ST) \
	LD(off(SI)(AX*4), Y0); \
	VMULPS Y13, Y0, Y0; \
	LD(off(DI)(AX*4), Y1); \
	VSUBPS Y0, Y1, Y1; \
	VSUBPS Y1, Y1, Y2; \
	VORPS  Y2, Y12, Y12; \
	ST(Y1, off(DI)(AX*4))

#define SUBSCALED32_SCALAR \
	VMOVSS (SI)(AX*4), X0; \
	VMULSS X13, X0, X0; \
	VMOVSS (DI)(AX*4), X1; \
	VSUBSS X0, X1, X1; \
	VSUBSS X1, X1, X2; \
	VORPS  X2, X12, X12; \
	VMOVSS X1, (DI)(AX*4)

// func subScaled32Kernel(w, g []float32, lr float32, avx512 bool) bool
TEXT ·subScaled32Kernel(SB), NOSPLIT, $0-57
	MOVQ         w_base+0(FP), DI
	MOVQ         w_len+8(FP), BX
	MOVQ         g_base+24(FP), SI
	MOVBLZX      avx512+52(FP), R8
	VXORPS       Y12, Y12, Y12
	VBROADCASTSS lr+48(FP), Y13
	TESTQ        R8, R8
	JZ           lrSet
	VBROADCASTSS lr+48(FP), Z13

lrSet:
	ELEMENTWISE32(SUBSCALED32_ZMM, SUBSCALED32_YMM, SUBSCALED32_SCALAR)
	// Fold the upper half of Z12 if the AVX-512 loop ran.
	TESTQ         R8, R8
	JZ            fold
	CMPQ          BX, $16
	JLT           fold
	VEXTRACTF64X4 $1, Z12, Y13
	VORPS         Y13, Y12, Y12

fold:
	VPTEST Y12, Y12
	SETEQ  ret+56(FP)
	VZEROUPPER
	RET

// func addRows32Kernel(z, x, b []float32, avx512 bool)
//
// z = DI, x = SI, n = len(x) = BX, b = DX, k = len(b) = R10; z = x + b,
// x first. It goes through x a row at a time. Rows of 16 elements or
// more (AVX2: 8) are done as ELEMENTWISE32 does a slice: the last vector
// of the row first, held in Z9 (Y9) if k is not a multiple of 16 (8), the
// whole vectors, then the held one. Shorter rows are one vector each,
// loaded and stored with a mask of k lanes (opmask K1 in AVX-512,
// VMASKMOVPS in AVX2), the other lanes computing on zeros, never stored.
TEXT ·addRows32Kernel(SB), NOSPLIT, $0-73
	MOVQ    z_base+0(FP), DI
	MOVQ    x_base+24(FP), SI
	MOVQ    x_len+32(FP), BX
	MOVQ    b_base+48(FP), DX
	MOVQ    b_len+56(FP), R10
	MOVBLZX avx512+72(FP), R8
	TESTQ   BX, BX
	JZ      rowsDone
	LEAQ    (SI)(BX*4), R13 // end of x
	MOVQ    R10, R11
	SHLQ    $2, R11         // bytes per row
	TESTQ   R8, R8
	JZ      rowsYMM
	CMPQ    R10, $16
	JLT     rowsZMMShort
	MOVQ    R10, R12
	ANDQ    $-16, R12       // whole vectors of a row

rowsZMM:
	TESTQ   $15, R10
	JZ      rowsZMMWhole
	VMOVUPS -64(SI)(R10*4), Z9
	VADDPS  -64(DX)(R10*4), Z9, Z9

rowsZMMWhole:
	XORQ AX, AX

rowsZMMVec:
	VMOVUPS (SI)(AX*4), Z0
	VADDPS  (DX)(AX*4), Z0, Z0
	VMOVUPS Z0, (DI)(AX*4)
	ADDQ    $16, AX
	CMPQ    AX, R12
	JLT     rowsZMMVec
	TESTQ   $15, R10
	JZ      rowsZMMNext
	VMOVUPS Z9, -64(DI)(R10*4)

rowsZMMNext:
	ADDQ R11, SI
	ADDQ R11, DI
	CMPQ SI, R13
	JLT  rowsZMM
	JMP  rowsDone

rowsZMMShort:
	MOVQ      R10, CX
	MOVL      $1, AX
	SHLL      CX, AX
	DECL      AX
	KMOVW     AX, K1
	VMOVUPS.Z (DX), K1, Z1

rowsZMMShortRow:
	VMOVUPS.Z (SI), K1, Z0
	VADDPS    Z1, Z0, Z0
	VMOVUPS   Z0, K1, (DI)
	ADDQ      R11, SI
	ADDQ      R11, DI
	CMPQ      SI, R13
	JLT       rowsZMMShortRow
	JMP       rowsDone

rowsYMM:
	CMPQ R10, $8
	JLT  rowsYMMShort
	MOVQ R10, R12
	ANDQ $-8, R12

rowsYMMRow:
	TESTQ   $7, R10
	JZ      rowsYMMWhole
	VMOVUPS -32(SI)(R10*4), Y9
	VADDPS  -32(DX)(R10*4), Y9, Y9

rowsYMMWhole:
	XORQ AX, AX

rowsYMMVec:
	VMOVUPS (SI)(AX*4), Y0
	VADDPS  (DX)(AX*4), Y0, Y0
	VMOVUPS Y0, (DI)(AX*4)
	ADDQ    $8, AX
	CMPQ    AX, R12
	JLT     rowsYMMVec
	TESTQ   $7, R10
	JZ      rowsYMMNext
	VMOVUPS Y9, -32(DI)(R10*4)

rowsYMMNext:
	ADDQ R11, SI
	ADDQ R11, DI
	CMPQ SI, R13
	JLT  rowsYMMRow
	JMP  rowsDone

rowsYMMShort:
	LEAQ       arith32Lanes<>+128(SB), R9
	MOVQ       R10, CX
	NEGQ       CX
	VMOVDQU    (R9)(CX*4), Y2
	VMASKMOVPS (DX), Y2, Y1

rowsYMMShortRow:
	VMASKMOVPS (SI), Y2, Y0
	VADDPS     Y1, Y0, Y0
	VMASKMOVPS Y0, Y2, (DI)
	ADDQ       R11, SI
	ADDQ       R11, DI
	CMPQ       SI, R13
	JLT        rowsYMMShortRow

rowsDone:
	VZEROUPPER
	RET

// func addColSums32Kernel(d, x []float32)
//
// d = DI, x = SI, n = len(x) = BX, k = len(d) = R10; d = d + x, d first.
//
// addColSumsKernel for float32: the columns in groups of 32, the last
// one masked, each group of d in 4 YMM registers to which the group of
// every row is added in row order, so that each column is one chain of
// additions in row order, as in the scalar loop. There is no AVX-512
// loop, as in float64.
TEXT ·addColSums32Kernel(SB), NOSPLIT, $0-48
	MOVQ  d_base+0(FP), DI
	MOVQ  d_len+8(FP), R10
	MOVQ  x_base+24(FP), SI
	MOVQ  x_len+32(FP), BX
	TESTQ BX, BX
	JZ    colsDone
	XORQ  R12, R12                    // first column of the group
	LEAQ  arith32Lanes<>+128(SB), R13 // R13 - 4·r: the mask of r lanes

colsGroup:
	LEAQ    (DI)(R12*4), R11
	MOVQ    R10, CX
	SUBQ    R12, CX
	CMPQ    CX, $32
	JLT     colsPart
	VMOVUPS (R11), Y0
	VMOVUPS 32(R11), Y1
	VMOVUPS 64(R11), Y2
	VMOVUPS 96(R11), Y3
	MOVQ    R12, AX

colsRow:
	VADDPS  (SI)(AX*4), Y0, Y0
	VADDPS  32(SI)(AX*4), Y1, Y1
	VADDPS  64(SI)(AX*4), Y2, Y2
	VADDPS  96(SI)(AX*4), Y3, Y3
	ADDQ    R10, AX
	CMPQ    AX, BX
	JLT     colsRow
	VMOVUPS Y0, (R11)
	VMOVUPS Y1, 32(R11)
	VMOVUPS Y2, 64(R11)
	VMOVUPS Y3, 96(R11)
	ADDQ    $32, R12
	CMPQ    R12, R10
	JLT     colsGroup
	JMP     colsDone

	// The last group, of r < 32 columns: the mask of block i at
	// 32·i(R9). One block if r <= 8, else four.
colsPart:
	NEGQ       CX
	LEAQ       (R13)(CX*4), R9
	VMOVDQU    (R9), Y8
	CMPQ       CX, $-8
	JLT        colsPart4
	VMASKMOVPS (R11), Y8, Y0
	MOVQ       R12, AX

colsPart1Row:
	VMASKMOVPS (SI)(AX*4), Y8, Y4
	VADDPS     Y4, Y0, Y0
	ADDQ       R10, AX
	CMPQ       AX, BX
	JLT        colsPart1Row
	VMASKMOVPS Y0, Y8, (R11)
	JMP        colsDone

colsPart4:
	VMOVDQU    32(R9), Y9
	VMOVDQU    64(R9), Y10
	VMOVDQU    96(R9), Y11
	VMASKMOVPS (R11), Y8, Y0
	VMASKMOVPS 32(R11), Y9, Y1
	VMASKMOVPS 64(R11), Y10, Y2
	VMASKMOVPS 96(R11), Y11, Y3
	MOVQ       R12, AX

colsPart4Row:
	VMASKMOVPS (SI)(AX*4), Y8, Y4
	VMASKMOVPS 32(SI)(AX*4), Y9, Y5
	VMASKMOVPS 64(SI)(AX*4), Y10, Y6
	VMASKMOVPS 96(SI)(AX*4), Y11, Y7
	VADDPS     Y4, Y0, Y0
	VADDPS     Y5, Y1, Y1
	VADDPS     Y6, Y2, Y2
	VADDPS     Y7, Y3, Y3
	ADDQ       R10, AX
	CMPQ       AX, BX
	JLT        colsPart4Row
	VMASKMOVPS Y0, Y8, (R11)
	VMASKMOVPS Y1, Y9, 32(R11)
	VMASKMOVPS Y2, Y10, 64(R11)
	VMASKMOVPS Y3, Y11, 96(R11)

colsDone:
	VZEROUPPER
	RET
