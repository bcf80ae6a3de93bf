package cpufeat

// cpuid and xgetbv are in cpufeat_amd64.s.
func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
func xgetbv() (eax, edx uint32)

// detect reads CPUID leaves 1 and 7 and the XCR0 register: the CPU must
// have the instructions and the OS must save their registers.
func detect() (avx2FMA, avx512 bool) {
	maxID, _, _, _ := cpuid(0, 0)
	if maxID < 7 {
		return false, false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if ecx1&(fma|osxsave|avx) != fma|osxsave|avx {
		return false, false
	}
	xcr0, _ := xgetbv()
	const sseAVXState, avx512State = 1<<1 | 1<<2, 1<<5 | 1<<6 | 1<<7
	if xcr0&sseAVXState != sseAVXState {
		return false, false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	const avx2, avx512f = 1 << 5, 1 << 16
	avx2FMA = ebx7&avx2 != 0
	avx512 = avx2FMA && ebx7&avx512f != 0 && xcr0&avx512State == avx512State
	return avx2FMA, avx512
}
