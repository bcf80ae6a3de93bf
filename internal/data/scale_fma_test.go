package data

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/cpufeat"
)

// TestFitScalerByColumnV3 runs TestFitScalerByColumn in a GOAMD64=v3
// build, in which the compiler fuses x*y + z: meanStd's ss += (v−mean)²,
// a sum in a register, compiles to VFMADD231SD, but stats.columns'
// ss[k] += t*t, a sum in memory, did not fuse, so FitScaler's scales
// differed from the column-at-a-time loop (and from the binaries before
// it) in the last bit: iris' second scale 0.4413520892288453 became
// ...533, and with it model.json, the metrics and the checkpoint's data
// fingerprint (found by a review). stats.columns now calls math.FMA in
// such a build (fusedSquares).
func TestFitScalerByColumnV3(t *testing.T) {
	if os.Getenv("DATA_TEST_V3_CHILD") != "" {
		t.Skip("the child build")
	}
	if testing.Short() || runtime.GOARCH != "amd64" || !cpufeat.AVX2FMA() {
		t.Skip("needs an amd64 CPU with FMA, and not -short")
	}
	// go test puts its own GOROOT/bin first on the test's PATH.
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command: %v", err)
	}
	cmd := exec.Command(goBin, "test", "-count=1", "-run", "^TestFitScalerByColumn$", ".")
	cmd.Env = append(os.Environ(), "GOAMD64=v3", "DATA_TEST_V3_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("GOAMD64=v3 go test -run TestFitScalerByColumn: %v\n%s", err, strings.TrimSpace(string(out)))
	}
}
