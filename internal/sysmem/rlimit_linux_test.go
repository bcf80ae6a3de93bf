package sysmem

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

// TestDefaultAddressSpace checks, in a child process whose address space
// it limits to 8 GB, that the default limit is a third of that (the
// machine's memory alone let a run plan for more than ulimit -v allows,
// and it died out of memory).
func TestDefaultAddressSpace(t *testing.T) {
	const as = 8_000_000_000
	if os.Getenv("SYSMEM_TEST_CHILD") == "1" {
		r := syscall.Rlimit{Cur: as, Max: as}
		if err := syscall.Setrlimit(syscall.RLIMIT_AS, &r); err != nil {
			t.Skipf("cannot limit the address space: %v", err)
		}
		l := Default()
		if want := int64(2_666_666_666); l.Bytes != want || !strings.Contains(l.Source, "1/3 of the address-space limit") {
			t.Fatalf("Default() = %+v under an address-space limit of %d, want %d", l, as, want)
		}
		return
	}
	if testing.Short() {
		t.Skip("starts a child process")
	}
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^TestDefaultAddressSpace$", "-test.v")
	cmd.Env = append(os.Environ(), "SYSMEM_TEST_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: TestDefaultAddressSpace") {
		t.Errorf("the child did not pass:\n%s", out)
	}
}
