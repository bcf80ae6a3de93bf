package onnx

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// checkerScript checks each .onnx file named in argv with the onnx
// package's checker (full_check) and strict shape inference.
const checkerScript = `
import sys, onnx
from onnx import checker, shape_inference
for p in sys.argv[1:]:
    m = onnx.load(p)
    checker.check_model(m, full_check=True)
    shape_inference.infer_shapes(m, check_type=True, strict_mode=True)
`

// TestONNXChecker runs the ONNX project's own checker on the exported
// test models, where Python's onnx package is installed (Debian:
// python3-onnx); it is skipped elsewhere.
func TestONNXChecker(t *testing.T) {
	t.Parallel()
	py, err := exec.LookPath("python3")
	if err == nil {
		err = exec.Command(py, "-c", "import onnx").Run()
	}
	if err != nil {
		t.Skip("python3 with the onnx package not found (apt-get install python3-onnx)")
	}
	dir := t.TempDir()
	var paths []string
	write := func(name string, b []byte) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	for i, tm := range models {
		b, err := Marshal(tm.saved(t, uint64(i+1)), Options{})
		if err != nil {
			t.Fatal(err)
		}
		write(strconv.Itoa(i)+".onnx", b)
	}
	b, err := Marshal(reference(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	write("reference.onnx", b)
	if out, err := exec.Command(py, append([]string{"-c", checkerScript}, paths...)...).CombinedOutput(); err != nil {
		t.Errorf("onnx checker: %v\n%s", err, out)
	}
}
