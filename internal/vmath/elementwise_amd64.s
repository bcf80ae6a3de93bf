//go:build amd64

#include "textflag.h"

// The arithmetic kernels of elementwise.go. Each lane repeats the scalar
// loop's operations in its order, every product and sum rounded on its
// own (VMULPD, VADDPD, VSUBPD; no FMA), so a lane gets the loop's bits.
//
// NaN payloads: x86 arithmetic returns a NaN operand, quieted, and the
// first source operand's when both are NaN. The kernels put first the
// accumulator in a sum (xb, d, dst, and x in x + b) and the factor made
// from y in a product (1 - y·y, y·(1 - y)), as Go 1.26 compiles the plain
// loops of the documentation (the compiler does not always: see doc.go).
// Operands are in Go order, the reverse of Intel's: VADDPD a, b, c is
// c = b + a, b being the first source; a memory operand is always the
// second source.
//
// The kernels compute every element, Go none, so that no result depends
// on the compiler's choice of operand order. The elementwise kernels
// need no masks (see ELEMENTWISE). Where a vector of addRowsKernel or
// addColSumsKernel would reach past the end of a row or of the slice,
// they load it with a mask that zeroes the other lanes (opmasks in
// AVX-512, VMASKMOVPD in AVX2) and store it with the same mask: the other
// lanes compute on zeros and are never stored.

DATA elemOne<>+0(SB)/8, $1.0
GLOBL elemOne<>(SB), RODATA|NOPTR, $8

// elemLanes is 16 qwords of all ones and 16 of zeros: the 32 bytes at
// elemLanes<>+8·(16-r) are a VMASKMOVPD mask of the first r lanes
// (0 <= r <= 16), and the next 32 bytes that of the following 4 lanes.
DATA elemLanes<>+0(SB)/8, $-1
DATA elemLanes<>+8(SB)/8, $-1
DATA elemLanes<>+16(SB)/8, $-1
DATA elemLanes<>+24(SB)/8, $-1
DATA elemLanes<>+32(SB)/8, $-1
DATA elemLanes<>+40(SB)/8, $-1
DATA elemLanes<>+48(SB)/8, $-1
DATA elemLanes<>+56(SB)/8, $-1
DATA elemLanes<>+64(SB)/8, $-1
DATA elemLanes<>+72(SB)/8, $-1
DATA elemLanes<>+80(SB)/8, $-1
DATA elemLanes<>+88(SB)/8, $-1
DATA elemLanes<>+96(SB)/8, $-1
DATA elemLanes<>+104(SB)/8, $-1
DATA elemLanes<>+112(SB)/8, $-1
DATA elemLanes<>+120(SB)/8, $-1
GLOBL elemLanes<>(SB), RODATA|NOPTR, $256

// elemPattern holds, for k = 1, 2, 3, 4, the VPERMPD indices l mod k of
// lanes l = 0..7: they repeat the k elements of b over a ZMM register.
#define PATTERN(off, a, b, c, d) \
	DATA elemPattern<>+off+0(SB)/8, $a; \
	DATA elemPattern<>+off+8(SB)/8, $b; \
	DATA elemPattern<>+off+16(SB)/8, $c; \
	DATA elemPattern<>+off+24(SB)/8, $d

PATTERN(0, 0, 0, 0, 0)
PATTERN(32, 0, 0, 0, 0)
PATTERN(64, 0, 1, 0, 1)
PATTERN(96, 0, 1, 0, 1)
PATTERN(128, 0, 1, 2, 0)
PATTERN(160, 1, 2, 0, 1)
PATTERN(192, 0, 1, 2, 3)
PATTERN(224, 0, 1, 2, 3)
GLOBL elemPattern<>(SB), RODATA|NOPTR, $256

// KMASK sets the opmask K to the first R lanes, 0 <= R <= 8 (R is CX, the
// shift count); T is scratch.
#define KMASK(T, K) \
	MOVL  $1, T; \
	SHLL  CX, T; \
	DECL  T; \
	KMOVW T, K

// The loads and stores of the elementwise kernels' bodies: whole
// vectors, or, with HOLDZ and HOLDY, the result kept in Z9 or Y9 instead
// of stored.
#define LDZ(m, r) VMOVUPD m, r
#define STZ(r, m) VMOVUPD r, m
#define HOLDZ(r, m) VMOVAPD r, Z9
#define LDY(m, r) VMOVUPD m, r
#define STY(r, m) VMOVUPD r, m
#define HOLDY(r, m) VMOVAPD r, Y9

// ELEMENTWISE is the loop of an elementwise kernel: DI = dst, BX = n,
// AX = i, R8 = avx512. ZMM(off, LD, ST) computes the 8 elements at off
// bytes after element i, loading with LD and storing with ST; YMM(off,
// LD, ST) the 4 elements there, and SCALAR element i alone, with the
// same operations. They may use Z0-Z3/Y0-Y3/X0-X3 and K2, and find +0 in
// Z15/Y15/X15 and 1.0 in Z14/Y14/X14. DX is scratch.
//
// When n is not a multiple of 8 (AVX2: 4), it computes the last 8 (4)
// elements first, keeps them in Z9 (Y9), computes the whole vectors from
// the start, and stores Z9 last, over the end of the last whole vector
// with the same values. Loading the last vector before any store keeps
// this right when dst is an input. AVX-512 takes the AVX2 loop below 8
// elements, and AVX2 the scalar one below 4. (Masked tails measured
// slower, 9.0 ns against 6.7 ns for AddTanhGrad on 22 elements, and a
// later load of the elements cannot forward from a masked store.)
#define ELEMENTWISE(ZMM, YMM, SCALAR) \
	XORQ         AX, AX; \
	TESTQ        R8, R8; \
	JZ           ymm; \
	CMPQ         BX, $8; \
	JLT          ymm; \
	VPXORQ       Z15, Z15, Z15; \
	VBROADCASTSD elemOne<>(SB), Z14; \
	TESTQ        $7, BX; \
	JZ           zmmWhole; \
	LEAQ         -8(BX), AX; \
	ZMM(0, LDZ, HOLDZ); \
	XORQ         AX, AX; \
zmmWhole: \
	MOVQ         BX, DX; \
	ANDQ         $-16, DX; \
	JZ           zmm8; \
zmm16: \
	ZMM(0, LDZ, STZ); \
	ZMM(64, LDZ, STZ); \
	ADDQ         $16, AX; \
	CMPQ         AX, DX; \
	JLT          zmm16; \
zmm8: \
	MOVQ         BX, DX; \
	SUBQ         AX, DX; \
	CMPQ         DX, $8; \
	JLT          zmmLast; \
	ZMM(0, LDZ, STZ); \
zmmLast: \
	TESTQ        $7, BX; \
	JZ           done; \
	VMOVUPD      Z9, -64(DI)(BX*8); \
	JMP          done; \
ymm: \
	VXORPD       Y15, Y15, Y15; \
	VBROADCASTSD elemOne<>(SB), Y14; \
	CMPQ         BX, $4; \
	JLT          scalar; \
	TESTQ        $3, BX; \
	JZ           ymmWhole; \
	LEAQ         -4(BX), AX; \
	YMM(0, LDY, HOLDY); \
	XORQ         AX, AX; \
ymmWhole: \
	MOVQ         BX, DX; \
	ANDQ         $-8, DX; \
	JZ           ymm4; \
ymm8: \
	YMM(0, LDY, STY); \
	YMM(32, LDY, STY); \
	ADDQ         $8, AX; \
	CMPQ         AX, DX; \
	JLT          ymm8; \
ymm4: \
	MOVQ         BX, DX; \
	SUBQ         AX, DX; \
	CMPQ         DX, $4; \
	JLT          ymmLast; \
	YMM(0, LDY, STY); \
ymmLast: \
	TESTQ        $3, BX; \
	JZ           done; \
	VMOVUPD      Y9, -32(DI)(BX*8); \
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

// ReLU: y = DI, x = SI. NLE_US (6) is !(x <= 0), true for NaN.
#define RELU_ZMM(off, LD, ST) \
	LD(off(SI)(AX*8), Z0); \
	VCMPPD    $6, Z15, Z0, K2; \
	VMOVAPD.Z Z0, K2, Z0; \
	ST(Z0, off(DI)(AX*8))

#define RELU_YMM(off, LD, ST) \
	LD(off(SI)(AX*8), Y0); \
	VCMPPD $6, Y15, Y0, Y1; \
	VANDPD Y0, Y1, Y1; \
	ST(Y1, off(DI)(AX*8))

#define RELU_SCALAR \
	VMOVSD (SI)(AX*8), X0; \
	VCMPSD $6, X15, X0, X1; \
	VANDPD X0, X1, X1; \
	VMOVSD X1, (DI)(AX*8)

// func reluKernel(y, x []float64, avx512 bool)
TEXT ·reluKernel(SB), NOSPLIT, $0-49
	MOVQ    y_base+0(FP), DI
	MOVQ    x_base+24(FP), SI
	MOVQ    x_len+32(FP), BX
	MOVBLZX avx512+48(FP), R8
	ELEMENTWISE(RELU_ZMM, RELU_YMM, RELU_SCALAR)
	VZEROUPPER
	RET

// AddReLUGrad: xb = DI, g = SI, x = R10. GT_OS (14) is x > 0, false for
// NaN; one = 1.0 or +0; p = one·g; xb + p.
#define RELUGRAD_ZMM(off, LD, ST) \
	LD(off(R10)(AX*8), Z0); \
	VCMPPD    $14, Z15, Z0, K2; \
	VMOVAPD.Z Z14, K2, Z0; \
	LD(off(SI)(AX*8), Z1); \
	VMULPD    Z1, Z0, Z0; \
	LD(off(DI)(AX*8), Z1); \
	VADDPD    Z0, Z1, Z1; \
	ST(Z1, off(DI)(AX*8))

#define RELUGRAD_YMM(off, LD, ST) \
	LD(off(R10)(AX*8), Y0); \
	VCMPPD $14, Y15, Y0, Y0; \
	VANDPD Y14, Y0, Y0; \
	LD(off(SI)(AX*8), Y1); \
	VMULPD Y1, Y0, Y0; \
	LD(off(DI)(AX*8), Y1); \
	VADDPD Y0, Y1, Y1; \
	ST(Y1, off(DI)(AX*8))

#define RELUGRAD_SCALAR \
	VMOVSD (R10)(AX*8), X0; \
	VCMPSD $14, X15, X0, X0; \
	VANDPD X14, X0, X0; \
	VMOVSD (SI)(AX*8), X1; \
	VMULSD X1, X0, X0; \
	VMOVSD (DI)(AX*8), X1; \
	VADDSD X0, X1, X1; \
	VMOVSD X1, (DI)(AX*8)

// func addReLUGradKernel(xb, g, x []float64, avx512 bool)
TEXT ·addReLUGradKernel(SB), NOSPLIT, $0-73
	MOVQ    xb_base+0(FP), DI
	MOVQ    xb_len+8(FP), BX
	MOVQ    g_base+24(FP), SI
	MOVQ    x_base+48(FP), R10
	MOVBLZX avx512+72(FP), R8
	ELEMENTWISE(RELUGRAD_ZMM, RELUGRAD_YMM, RELUGRAD_SCALAR)
	VZEROUPPER
	RET

// AddTanhGrad: xb = DI, g = SI, y = R10. t = y·y; u = 1 - t; p = u·g;
// xb + p.
#define TANHGRAD_ZMM(off, LD, ST) \
	LD(off(R10)(AX*8), Z0); \
	VMULPD Z0, Z0, Z0; \
	VSUBPD Z0, Z14, Z0; \
	LD(off(SI)(AX*8), Z1); \
	VMULPD Z1, Z0, Z0; \
	LD(off(DI)(AX*8), Z1); \
	VADDPD Z0, Z1, Z1; \
	ST(Z1, off(DI)(AX*8))

#define TANHGRAD_YMM(off, LD, ST) \
	LD(off(R10)(AX*8), Y0); \
	VMULPD Y0, Y0, Y0; \
	VSUBPD Y0, Y14, Y0; \
	LD(off(SI)(AX*8), Y1); \
	VMULPD Y1, Y0, Y0; \
	LD(off(DI)(AX*8), Y1); \
	VADDPD Y0, Y1, Y1; \
	ST(Y1, off(DI)(AX*8))

#define TANHGRAD_SCALAR \
	VMOVSD (R10)(AX*8), X0; \
	VMULSD X0, X0, X0; \
	VSUBSD X0, X14, X0; \
	VMOVSD (SI)(AX*8), X1; \
	VMULSD X1, X0, X0; \
	VMOVSD (DI)(AX*8), X1; \
	VADDSD X0, X1, X1; \
	VMOVSD X1, (DI)(AX*8)

// func addTanhGradKernel(xb, g, y []float64, avx512 bool)
TEXT ·addTanhGradKernel(SB), NOSPLIT, $0-73
	MOVQ    xb_base+0(FP), DI
	MOVQ    xb_len+8(FP), BX
	MOVQ    g_base+24(FP), SI
	MOVQ    y_base+48(FP), R10
	MOVBLZX avx512+72(FP), R8
	ELEMENTWISE(TANHGRAD_ZMM, TANHGRAD_YMM, TANHGRAD_SCALAR)
	VZEROUPPER
	RET

// AddLogisticGrad: xb = DI, g = SI, y = R10. u = 1 - y; v = u·y;
// p = v·g; xb + p.
#define LOGISTICGRAD_ZMM(off, LD, ST) \
	LD(off(R10)(AX*8), Z0); \
	VSUBPD Z0, Z14, Z1; \
	VMULPD Z0, Z1, Z1; \
	LD(off(SI)(AX*8), Z2); \
	VMULPD Z2, Z1, Z1; \
	LD(off(DI)(AX*8), Z2); \
	VADDPD Z1, Z2, Z2; \
	ST(Z2, off(DI)(AX*8))

#define LOGISTICGRAD_YMM(off, LD, ST) \
	LD(off(R10)(AX*8), Y0); \
	VSUBPD Y0, Y14, Y1; \
	VMULPD Y0, Y1, Y1; \
	LD(off(SI)(AX*8), Y2); \
	VMULPD Y2, Y1, Y1; \
	LD(off(DI)(AX*8), Y2); \
	VADDPD Y1, Y2, Y2; \
	ST(Y2, off(DI)(AX*8))

#define LOGISTICGRAD_SCALAR \
	VMOVSD (R10)(AX*8), X0; \
	VSUBSD X0, X14, X1; \
	VMULSD X0, X1, X1; \
	VMOVSD (SI)(AX*8), X2; \
	VMULSD X2, X1, X1; \
	VMOVSD (DI)(AX*8), X2; \
	VADDSD X1, X2, X2; \
	VMOVSD X2, (DI)(AX*8)

// func addLogisticGradKernel(xb, g, y []float64, avx512 bool)
TEXT ·addLogisticGradKernel(SB), NOSPLIT, $0-73
	MOVQ    xb_base+0(FP), DI
	MOVQ    xb_len+8(FP), BX
	MOVQ    g_base+24(FP), SI
	MOVQ    y_base+48(FP), R10
	MOVBLZX avx512+72(FP), R8
	ELEMENTWISE(LOGISTICGRAD_ZMM, LOGISTICGRAD_YMM, LOGISTICGRAD_SCALAR)
	VZEROUPPER
	RET

// Add: dst = DI, x = SI. dst + x.
#define ADD_ZMM(off, LD, ST) \
	LD(off(DI)(AX*8), Z0); \
	LD(off(SI)(AX*8), Z1); \
	VADDPD Z1, Z0, Z0; \
	ST(Z0, off(DI)(AX*8))

#define ADD_YMM(off, LD, ST) \
	LD(off(DI)(AX*8), Y0); \
	LD(off(SI)(AX*8), Y1); \
	VADDPD Y1, Y0, Y0; \
	ST(Y0, off(DI)(AX*8))

#define ADD_SCALAR \
	VMOVSD (DI)(AX*8), X0; \
	VMOVSD (SI)(AX*8), X1; \
	VADDSD X1, X0, X0; \
	VMOVSD X0, (DI)(AX*8)

// func addKernel(dst, x []float64, avx512 bool)
TEXT ·addKernel(SB), NOSPLIT, $0-49
	MOVQ    dst_base+0(FP), DI
	MOVQ    dst_len+8(FP), BX
	MOVQ    x_base+24(FP), SI
	MOVBLZX avx512+48(FP), R8
	ELEMENTWISE(ADD_ZMM, ADD_YMM, ADD_SCALAR)
	VZEROUPPER
	RET

// func addRowsKernel(z, x, b []float64, avx512 bool)
//
// z = DI, x = SI, n = len(x) = BX, b = DX, k = len(b) = R10; z = x + b.
//
// For k <= 4 (AVX-512) or k <= 2 (AVX2), a register P holds b repeated,
// P[l] = b[l mod k], and the kernel adds it to consecutive m-element
// chunks of x, m the largest multiple of k that fits in the register
// (8, 8, 6, 8 lanes for k = 1..4; 4 for k = 1, 2 in AVX2), each chunk
// being m/k whole rows, the last one possibly fewer.
//
// For larger k the kernel goes through the columns in blocks of 8 (4),
// the last one masked: it loads the block of b once and adds it to the
// block of every row. So that x and z stay in the L1 cache from one
// block to the next, it does so on tiles of R14 elements, whole rows
// making 1024 elements or fewer (or one row), if n > 2048.
TEXT ·addRowsKernel(SB), NOSPLIT, $0-73
	MOVQ    z_base+0(FP), DI
	MOVQ    x_base+24(FP), SI
	MOVQ    x_len+32(FP), BX
	MOVQ    b_len+56(FP), R10
	TESTQ   BX, BX
	JZ      rowsDone
	MOVQ    BX, R14
	CMPQ    BX, $2048
	JLE     rowsTiled
	MOVQ    $1024, AX
	XORL    DX, DX
	DIVQ    R10
	MOVQ    $1, R9
	CMPQ    AX, R9
	CMOVQLT R9, AX
	IMULQ   R10, AX
	MOVQ    AX, R14

rowsTiled:
	MOVQ    b_base+48(FP), DX
	MOVBLZX avx512+72(FP), R8
	XORQ    AX, AX
	TESTQ   R8, R8
	JZ      rowsYMM
	CMPQ    R10, $4
	JGT     rowsZMMCols

	// P = b[l mod k] in Z0; m in R11 and its mask in K2.
	MOVQ      R10, CX
	KMASK(R9, K1)
	VMOVUPD.Z (DX), K1, Z0
	MOVQ      R10, R11
	SHLQ      $6, R11
	LEAQ      elemPattern<>(SB), R9
	VMOVDQU64 -64(R9)(R11*1), Z1
	VPERMPD   Z0, Z1, Z0
	MOVQ      $8, R11
	MOVQ      $6, R12
	CMPQ      R10, $3
	CMOVQEQ   R12, R11
	MOVQ      R11, CX
	KMASK(R9, K2)

	// With m = 8 and n >= 8, as ELEMENTWISE: the last 8 elements first
	// (8 - n mod 8 is a multiple of k), held in Z2, then whole vectors
	// without masks, then Z2. Otherwise whole chunks with the mask while
	// at least m elements remain, then the rest.
	CMPQ    R11, $8
	JNE     rowsZMMPatternChunks
	CMPQ    BX, $8
	JLT     rowsZMMPatternTail
	VMOVUPD -64(SI)(BX*8), Z2
	VADDPD  Z0, Z2, Z2
	MOVQ    BX, R12
	ANDQ    $-8, R12

rowsZMMPattern8:
	VMOVUPD (SI)(AX*8), Z1
	VADDPD  Z0, Z1, Z1
	VMOVUPD Z1, (DI)(AX*8)
	ADDQ    $8, AX
	CMPQ    AX, R12
	JLT     rowsZMMPattern8
	VMOVUPD Z2, -64(DI)(BX*8)
	JMP     rowsDone

rowsZMMPatternChunks:
	MOVQ BX, R12
	SUBQ R11, R12 // last start of a whole chunk
	JLT  rowsZMMPatternTail

rowsZMMPattern:
	VMOVUPD.Z (SI)(AX*8), K2, Z1
	VADDPD    Z0, Z1, Z1
	VMOVUPD   Z1, K2, (DI)(AX*8)
	ADDQ      R11, AX
	CMPQ      AX, R12
	JLE       rowsZMMPattern

rowsZMMPatternTail:
	MOVQ      BX, CX
	SUBQ      AX, CX
	JZ        rowsDone
	KMASK(R9, K2)
	VMOVUPD.Z (SI)(AX*8), K2, Z1
	VADDPD    Z0, Z1, Z1
	VMOVUPD   Z1, K2, (DI)(AX*8)
	JMP       rowsDone

	// Tiles from R11 to R13, column blocks from R12 with the block of b
	// in Z0: whole blocks without masks, the last one, of r < 8 columns,
	// with the mask K1. (Masked moves measured slower even with every lane
	// set.)
rowsZMMCols:
	XORQ R11, R11

rowsZMMTile:
	LEAQ    (R11)(R14*1), R13
	CMPQ    R13, BX
	CMOVQGT BX, R13
	XORQ    R12, R12

rowsZMMBlock:
	MOVQ      R10, CX
	SUBQ      R12, CX
	LEAQ      (R11)(R12*1), AX
	CMPQ      CX, $8
	JLT       rowsZMMPart
	VMOVUPD   (DX)(R12*8), Z0

rowsZMMWholeRow:
	VMOVUPD   (SI)(AX*8), Z1
	VADDPD    Z0, Z1, Z1
	VMOVUPD   Z1, (DI)(AX*8)
	ADDQ      R10, AX
	CMPQ      AX, R13
	JLT       rowsZMMWholeRow
	ADDQ      $8, R12
	CMPQ      R12, R10
	JLT       rowsZMMBlock
	JMP       rowsZMMNextTile

rowsZMMPart:
	KMASK(R9, K1)
	VMOVUPD.Z (DX)(R12*8), K1, Z0

rowsZMMRow:
	VMOVUPD.Z (SI)(AX*8), K1, Z1
	VADDPD    Z0, Z1, Z1
	VMOVUPD   Z1, K1, (DI)(AX*8)
	ADDQ      R10, AX
	CMPQ      AX, R13
	JLT       rowsZMMRow

rowsZMMNextTile:
	MOVQ      R13, R11
	CMPQ      R11, BX
	JLT       rowsZMMTile
	JMP       rowsDone

rowsYMM:
	CMPQ R10, $2
	JGT  rowsYMMCols

	// P in Y0: b[0] four times, or b[0], b[1] twice.
	VBROADCASTSD   (DX), Y0
	CMPQ           R10, $1
	JEQ            rowsYMMPatternStart
	VBROADCASTF128 (DX), Y0

rowsYMMPatternStart:
	MOVQ BX, R12
	ANDQ $-4, R12
	JZ   rowsYMMPatternTail

rowsYMMPattern:
	VMOVUPD (SI)(AX*8), Y1
	VADDPD  Y0, Y1, Y1
	VMOVUPD Y1, (DI)(AX*8)
	ADDQ    $4, AX
	CMPQ    AX, R12
	JLT     rowsYMMPattern

rowsYMMPatternTail:
	MOVQ       BX, R12
	SUBQ       AX, R12
	JZ         rowsDone
	NEGQ       R12
	LEAQ       elemLanes<>+128(SB), R9
	VMOVDQU    (R9)(R12*8), Y2
	VMASKMOVPD (SI)(AX*8), Y2, Y1
	VADDPD     Y0, Y1, Y1
	VMASKMOVPD Y1, Y2, (DI)(AX*8)
	JMP        rowsDone

	// Tiles from R11 to R13, column blocks from R12: whole blocks with
	// plain moves, the last one, of r < 4 columns, with the mask in Y2.
rowsYMMCols:
	XORQ R11, R11

rowsYMMTile:
	LEAQ    (R11)(R14*1), R13
	CMPQ    R13, BX
	CMOVQGT BX, R13
	XORQ    R12, R12

rowsYMMBlock:
	MOVQ    R10, CX
	SUBQ    R12, CX
	CMPQ    CX, $4
	JLT     rowsYMMPart
	VMOVUPD (DX)(R12*8), Y0
	LEAQ    (R11)(R12*1), AX

rowsYMMRow:
	VMOVUPD (SI)(AX*8), Y1
	VADDPD  Y0, Y1, Y1
	VMOVUPD Y1, (DI)(AX*8)
	ADDQ    R10, AX
	CMPQ    AX, R13
	JLT     rowsYMMRow
	ADDQ    $4, R12
	CMPQ    R12, R10
	JLT     rowsYMMBlock
	JMP     rowsYMMNextTile

rowsYMMPart:
	NEGQ       CX
	LEAQ       elemLanes<>+128(SB), R9
	VMOVDQU    (R9)(CX*8), Y2
	VMASKMOVPD (DX)(R12*8), Y2, Y0
	LEAQ       (R11)(R12*1), AX

rowsYMMPartRow:
	VMASKMOVPD (SI)(AX*8), Y2, Y1
	VADDPD     Y0, Y1, Y1
	VMASKMOVPD Y1, Y2, (DI)(AX*8)
	ADDQ       R10, AX
	CMPQ       AX, R13
	JLT        rowsYMMPartRow

rowsYMMNextTile:
	MOVQ R13, R11
	CMPQ R11, BX
	JLT  rowsYMMTile

rowsDone:
	VZEROUPPER
	RET

// func addColSumsKernel(d, x []float64)
//
// d = DI, x = SI, n = len(x) = BX, k = len(d) = R10; d = d + x.
//
// The kernel goes through the columns in groups of 16, the last one
// masked: it loads the group of d into 4 YMM registers, adds the group
// of every row in row order, and stores it. Each column is one chain of
// dependent additions in row order, as in the scalar loop, and the
// 4 registers' chains overlap. There is no AVX-512 loop: YMM additions
// have the shorter latency on recent Intel cores (3 cycles against 4 on
// Sapphire Rapids), and ZMM ones measured slower.
TEXT ·addColSumsKernel(SB), NOSPLIT, $0-48
	MOVQ d_base+0(FP), DI
	MOVQ d_len+8(FP), R10
	MOVQ x_base+24(FP), SI
	MOVQ x_len+32(FP), BX
	TESTQ BX, BX
	JZ    colsDone
	XORQ R12, R12                 // first column of the group
	LEAQ elemLanes<>+128(SB), R13 // R13 - 8·r: the mask of r lanes

colsGroup:
	LEAQ    (DI)(R12*8), R11
	MOVQ    R10, CX
	SUBQ    R12, CX
	CMPQ    CX, $16
	JLT     colsPart
	VMOVUPD (R11), Y0
	VMOVUPD 32(R11), Y1
	VMOVUPD 64(R11), Y2
	VMOVUPD 96(R11), Y3
	MOVQ    R12, AX

colsRow:
	VADDPD  (SI)(AX*8), Y0, Y0
	VADDPD  32(SI)(AX*8), Y1, Y1
	VADDPD  64(SI)(AX*8), Y2, Y2
	VADDPD  96(SI)(AX*8), Y3, Y3
	ADDQ    R10, AX
	CMPQ    AX, BX
	JLT     colsRow
	VMOVUPD Y0, (R11)
	VMOVUPD Y1, 32(R11)
	VMOVUPD Y2, 64(R11)
	VMOVUPD Y3, 96(R11)
	ADDQ    $16, R12
	CMPQ    R12, R10
	JLT     colsGroup
	JMP     colsDone

	// The last group, of r < 16 columns: the mask of block i at
	// 32·i(R9). One block if r <= 4, else four, the first two whole.
colsPart:
	NEGQ       CX
	LEAQ       (R13)(CX*8), R9
	VMOVDQU    (R9), Y8
	CMPQ       CX, $-4
	JLT        colsPart4
	VMASKMOVPD (R11), Y8, Y0
	MOVQ       R12, AX

colsPart1Row:
	VMASKMOVPD (SI)(AX*8), Y8, Y4
	VADDPD     Y4, Y0, Y0
	ADDQ       R10, AX
	CMPQ       AX, BX
	JLT        colsPart1Row
	VMASKMOVPD Y0, Y8, (R11)
	JMP        colsDone

colsPart4:
	VMOVDQU    32(R9), Y9
	VMOVDQU    64(R9), Y10
	VMOVDQU    96(R9), Y11
	VMASKMOVPD (R11), Y8, Y0
	VMASKMOVPD 32(R11), Y9, Y1
	VMASKMOVPD 64(R11), Y10, Y2
	VMASKMOVPD 96(R11), Y11, Y3
	MOVQ       R12, AX

colsPart4Row:
	VMASKMOVPD (SI)(AX*8), Y8, Y4
	VMASKMOVPD 32(SI)(AX*8), Y9, Y5
	VMASKMOVPD 64(SI)(AX*8), Y10, Y6
	VMASKMOVPD 96(SI)(AX*8), Y11, Y7
	VADDPD     Y4, Y0, Y0
	VADDPD     Y5, Y1, Y1
	VADDPD     Y6, Y2, Y2
	VADDPD     Y7, Y3, Y3
	ADDQ       R10, AX
	CMPQ       AX, BX
	JLT        colsPart4Row
	VMASKMOVPD Y0, Y8, (R11)
	VMASKMOVPD Y1, Y9, 32(R11)
	VMASKMOVPD Y2, Y10, 64(R11)
	VMASKMOVPD Y3, Y11, 96(R11)

colsDone:
	VZEROUPPER
	RET

// SubScaled: w = DI, g = SI, lr in Z13/Y13/X13. p = g·lr; w - p; and the
// OR of w - w over the new w into Z12/Y12/X12, which stays +0 while
// every w is finite (w - w is +0 for finite w, NaN otherwise).
#define SUBSCALED_ZMM(off, LD, ST) \
	LD(off(SI)(AX*8), Z0); \
	VMULPD Z13, Z0, Z0; \
	LD(off(DI)(AX*8), Z1); \
	VSUBPD Z0, Z1, Z1; \
	VSUBPD Z1, Z1, Z2; \
	VPORQ  Z2, Z12, Z12; \
	ST(Z1, off(DI)(AX*8))

#define SUBSCALED_YMM(off, LD, ST) \
	LD(off(SI)(AX*8), Y0); \
	VMULPD Y13, Y0, Y0; \
	LD(off(DI)(AX*8), Y1); \
	VSUBPD Y0, Y1, Y1; \
	VSUBPD Y1, Y1, Y2; \
	VORPD  Y2, Y12, Y12; \
	ST(Y1, off(DI)(AX*8))

#define SUBSCALED_SCALAR \
	VMOVSD (SI)(AX*8), X0; \
	VMULSD X13, X0, X0; \
	VMOVSD (DI)(AX*8), X1; \
	VSUBSD X0, X1, X1; \
	VSUBSD X1, X1, X2; \
	VORPD  X2, X12, X12; \
	VMOVSD X1, (DI)(AX*8)

// func subScaledKernel(w, g []float64, lr float64, avx512 bool) bool
TEXT ·subScaledKernel(SB), NOSPLIT, $0-65
	MOVQ         w_base+0(FP), DI
	MOVQ         w_len+8(FP), BX
	MOVQ         g_base+24(FP), SI
	MOVBLZX      avx512+56(FP), R8
	VXORPD       Y12, Y12, Y12
	VBROADCASTSD lr+48(FP), Y13
	TESTQ        R8, R8
	JZ           lrSet
	VBROADCASTSD lr+48(FP), Z13

lrSet:
	ELEMENTWISE(SUBSCALED_ZMM, SUBSCALED_YMM, SUBSCALED_SCALAR)
	// Fold the upper half of Z12 if the AVX-512 loop ran.
	TESTQ         R8, R8
	JZ            fold
	CMPQ          BX, $8
	JLT           fold
	VEXTRACTF64X4 $1, Z12, Y13
	VORPD         Y13, Y12, Y12

fold:
	VPTEST Y12, Y12
	SETEQ  ret+64(FP)
	VZEROUPPER
	RET
