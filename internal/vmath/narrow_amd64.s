//go:build amd64 && !purego

#include "textflag.h"

// func narrowAVX2(dst *float32, src *float64, n int)
// n is a positive multiple of 4: 16 entries a round, then 4.
TEXT ·narrowAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
loop16:
	CMPQ CX, $16
	JLT  loop4
	VCVTPD2PSY 0(SI), X0
	VCVTPD2PSY 32(SI), X1
	VCVTPD2PSY 64(SI), X2
	VCVTPD2PSY 96(SI), X3
	VMOVUPS X0, 0(DI)
	VMOVUPS X1, 16(DI)
	VMOVUPS X2, 32(DI)
	VMOVUPS X3, 48(DI)
	ADDQ $128, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  loop16
loop4:
	CMPQ CX, $0
	JEQ  done
	VCVTPD2PSY 0(SI), X0
	VMOVUPS X0, 0(DI)
	ADDQ $32, SI
	ADDQ $16, DI
	SUBQ $4, CX
	JMP  loop4
done:
	VZEROUPPER
	RET
