//go:build amd64 && !purego

#include "textflag.h"

// TILE transposes the 4×4 block of the columns at DX (a byte offset into
// the slice headers at R8) and the rows at R10 (a byte offset into each
// column), adds v−v of each number to Y11, and stores the block's rows at
// R11, R12, R13 and BX with STORE.
#define TILE(STORE) \
	MOVQ    0(R8)(DX*1), AX  \
	VMOVUPD (AX)(R10*1), Y0  \
	MOVQ    24(R8)(DX*1), AX \
	VMOVUPD (AX)(R10*1), Y1  \
	MOVQ    48(R8)(DX*1), AX \
	VMOVUPD (AX)(R10*1), Y2  \
	MOVQ    72(R8)(DX*1), AX \
	VMOVUPD (AX)(R10*1), Y3  \
	VSUBPD  Y0, Y0, Y8       \
	VSUBPD  Y1, Y1, Y9       \
	VADDPD  Y9, Y8, Y8       \
	VSUBPD  Y2, Y2, Y9       \
	VSUBPD  Y3, Y3, Y10      \
	VADDPD  Y10, Y9, Y9      \
	VADDPD  Y9, Y8, Y8       \
	VADDPD  Y8, Y11, Y11     \
	VUNPCKLPD Y1, Y0, Y4     \
	VUNPCKHPD Y1, Y0, Y5     \
	VUNPCKLPD Y3, Y2, Y6     \
	VUNPCKHPD Y3, Y2, Y7     \
	VPERM2F128 $0x20, Y6, Y4, Y0 \
	VPERM2F128 $0x20, Y7, Y5, Y1 \
	VPERM2F128 $0x31, Y6, Y4, Y2 \
	VPERM2F128 $0x31, Y7, Y5, Y3 \
	STORE   Y0, (R11)        \
	STORE   Y1, (R12)        \
	STORE   Y2, (R13)        \
	STORE   Y3, (BX)         \
	ADDQ    $32, R11         \
	ADDQ    $32, R12         \
	ADDQ    $32, R13         \
	ADDQ    $32, BX          \
	ADDQ    $96, DX

// ROWS loads the next four rows' starts from SI into R11, R12, R13 and BX.
#define ROWS \
	MOVQ 0(SI), R11          \
	LEAQ (DI)(R11*8), R11    \
	MOVQ 8(SI), R12          \
	LEAQ (DI)(R12*8), R12    \
	MOVQ 16(SI), R13         \
	LEAQ (DI)(R13*8), R13    \
	MOVQ 24(SI), BX          \
	LEAQ (DI)(BX*8), BX      \
	XORQ DX, DX

// func interleaveAVX2(x *float64, offs *int, rows int, cols *[]float64, ncols int, r0 int, nt bool) float64
// rows and ncols are positive multiples of 4; with nt, every row's start
// x+8·offs[t] is a multiple of 32 and the stores are non-temporal.
TEXT ·interleaveAVX2(SB), NOSPLIT, $0-64
	MOVQ    x+0(FP), DI
	MOVQ    offs+8(FP), SI
	MOVQ    rows+16(FP), CX
	MOVQ    cols+24(FP), R8
	MOVQ    ncols+32(FP), R9
	IMULQ   $24, R9
	MOVQ    r0+40(FP), R10
	SHLQ    $3, R10
	VXORPD  Y11, Y11, Y11
	MOVBLZX nt+48(FP), AX
	TESTQ   AX, AX
	JNZ     ntRows

rows:
	ROWS
cols:
	TILE(VMOVUPD)
	CMPQ DX, R9
	JLT  cols
	ADDQ $32, SI
	ADDQ $32, R10
	SUBQ $4, CX
	JNZ  rows
	JMP  sum

ntRows:
	ROWS
ntCols:
	TILE(VMOVNTPD)
	CMPQ DX, R9
	JLT  ntCols
	ADDQ $32, SI
	ADDQ $32, R10
	SUBQ $4, CX
	JNZ  ntRows
	SFENCE

sum:
	VEXTRACTF128 $1, Y11, X0
	VADDPD       X11, X0, X0
	VPERMILPD    $1, X0, X1
	VADDSD       X1, X0, X0
	MOVSD        X0, ret+56(FP)
	VZEROUPPER
	RET
