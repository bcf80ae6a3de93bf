// The ONNX Runtime check of export, through internal/ortrun's harness:
// ortrun.Require skips it where ONNX Runtime is not installed, and fails
// it in CI (CI=true), where .ci/run installs it.

package main

import (
	"testing"

	"github.com/mlptrain/mlptrain/internal/onnx/onnxref"
	"github.com/mlptrain/mlptrain/internal/ortrun"
)

// ortRunner runs a graph in ONNX Runtime.
func ortRunner(t *testing.T, path string, inputs map[string]onnxref.Tensor) map[string]onnxref.Tensor {
	t.Helper()
	in := make(map[string]ortrun.Tensor, len(inputs))
	for name, v := range inputs {
		in[name] = ortrun.Tensor{Type: v.Type, Dims: v.Dims, Float: v.Float, String: v.String, Int: v.Int}
	}
	out, _, err := ortrun.Run(path, in)
	if err != nil {
		t.Fatalf("onnxruntime %s: %v", path, err)
	}
	got := make(map[string]onnxref.Tensor, len(out))
	for name, v := range out {
		got[name] = onnxref.Tensor{Type: v.Type, Dims: v.Dims, Float: v.Float, String: v.String, Int: v.Int}
	}
	return got
}

// TestExportMatchesPredictORT fits each of exportConfigs, exports it, and
// runs the file in ONNX Runtime on the config's test file (or its
// training file's first 50 rows): labels identical to predict's,
// probabilities and predictions within exportRelTol (exportAbsTol near 0).
func TestExportMatchesPredictORT(t *testing.T) {
	ortrun.Require(t)
	checkExports(t, ortRunner)
}
