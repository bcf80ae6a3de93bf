package cpufeat

import (
	"os"
	"runtime"
	"strings"
	"testing"
)

// TestAgreesWithCPUInfo checks the detection against the flags Linux
// reports for the first CPU in /proc/cpuinfo, where there is one: AVX2FMA
// needs avx2 and fma, and AVX512 needs avx512f as well (the kernel lists a
// flag only if it also saves the registers).
func TestAgreesWithCPUInfo(t *testing.T) {
	if AVX512() && !AVX2FMA() {
		t.Fatal("AVX512 without AVX2FMA")
	}
	if runtime.GOARCH != "amd64" || purego {
		if AVX2FMA() || AVX512() {
			t.Fatalf("on %s (purego %v): AVX2FMA %v, AVX512 %v, want false", runtime.GOARCH, purego, AVX2FMA(), AVX512())
		}
		return
	}
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		t.Skipf("no /proc/cpuinfo: %v", err)
	}
	var flags map[string]bool
	for _, line := range strings.Split(string(b), "\n") {
		if name, val, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "flags" {
			flags = map[string]bool{}
			for _, f := range strings.Fields(val) {
				flags[f] = true
			}
			break
		}
	}
	if flags == nil {
		t.Skip("no flags line in /proc/cpuinfo")
	}
	if want := flags["avx2"] && flags["fma"]; AVX2FMA() != want {
		t.Errorf("AVX2FMA() = %v, /proc/cpuinfo says avx2 %v, fma %v", AVX2FMA(), flags["avx2"], flags["fma"])
	}
	if want := flags["avx2"] && flags["fma"] && flags["avx512f"] && !noAVX512; AVX512() != want {
		t.Errorf("AVX512() = %v, /proc/cpuinfo says avx512f %v", AVX512(), flags["avx512f"])
	}
}
