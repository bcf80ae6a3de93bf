package ortrun

import (
	"os"
	"testing"
)

// Require skips the test when Run cannot work here (no node, or
// onnxruntime-node not installed), saying what is missing and how to
// install it; with CI=true it fails the test instead, as CI must run these
// tests (.ci/run installs what they need).
func Require(t testing.TB) {
	t.Helper()
	err := Available()
	if err == nil {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%v (CI=true: the ONNX Runtime tests must run)", err)
	}
	t.Skipf("skipping: %v", err)
}
