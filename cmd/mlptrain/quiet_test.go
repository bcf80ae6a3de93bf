package main

import (
	"path/filepath"
	"slices"
	"testing"
)

// TestQuietEverywhere checks that every command that reads data accepts
// --quiet and -q, as fit and sweep do, so that a script can pass it to
// all of them, and that it changes neither the output nor the exit
// status.
func TestQuietEverywhere(t *testing.T) {
	chdirRoot(t)
	model := filepath.Join(t.TempDir(), "run", "model.json")
	mustRun(t, "fit", "configs/xor.yaml", "--quiet", "--out", filepath.Dir(model))
	for _, args := range [][]string{
		{"eval", model, "datasets/xor.csv"},
		{"predict", model, "datasets/xor.csv"},
		{"gradcheck", "configs/xor.yaml", "--entries", "5"},
		{"graph", "configs/xor.yaml"},
		{"export", model, "-o", filepath.Join(t.TempDir(), "m.onnx")},
		{"fit", "configs/xor.yaml", "--epochs", "2", "--out", filepath.Join(t.TempDir(), "fit"), "--json"},
	} {
		plain := mustRun(t, args...)
		for _, q := range []string{"--quiet", "-q"} {
			r := mustRun(t, slices.Concat(args, []string{q})...)
			if args[0] == "fit" {
				continue // its report holds the seconds
			}
			if r.stdout != plain.stdout {
				t.Errorf("%v %s: stdout differs from without it:\n%s", args, q, lineDiff(plain.stdout, r.stdout))
			}
			if r.stderr != "" {
				t.Errorf("%v %s: stderr = %q, want empty", args, q, r.stderr)
			}
		}
	}
}
