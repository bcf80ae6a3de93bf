package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mlptrain/mlptrain/internal/gemm"
)

// TestResumeOldCheckpoint resumes checkpoints that mlptrain wrote at
// commit b7f5a08, before the vocabulary catalog, by interrupting a fit with
// SIGINT: adam in the middle of an epoch, with early stopping's best
// weights, and momentum at the start of one. Each must resume and end with
// the same model.json, byte for byte, and the same metrics.csv apart from
// seconds, as an uninterrupted run of today's code. The checkpoints hold
// the bits of the AVX2/AVX-512 kernels that wrote them, so on other
// kernels (go test -tags purego) the rest of the run rounds differently
// from an uninterrupted one, and only the resuming is checked.
func TestResumeOldCheckpoint(t *testing.T) {
	chdirRoot(t)
	for _, name := range []string{"adam", "momentum"} {
		t.Run(name, func(t *testing.T) {
			cfg := filepath.Join(testdataDir, "resume_b7f5a08", name+".yaml")
			ck, err := os.ReadFile(filepath.Join(testdataDir, "resume_b7f5a08", name, "checkpoint.json"))
			if err != nil {
				t.Fatal(err)
			}
			resumed, whole := filepath.Join(t.TempDir(), "resumed"), filepath.Join(t.TempDir(), "whole")
			if err := os.Mkdir(resumed, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(resumed, "checkpoint.json"), ck, 0o644); err != nil {
				t.Fatal(err)
			}
			mustRun(t, "fit", cfg, "--resume", resumed, "--quiet")
			if !runsGoldenFamily() {
				t.Logf("resumed; not compared with an uninterrupted run on the %s kernels", gemm.Kernel())
				return
			}
			mustRun(t, "fit", cfg, "--out", whole, "--quiet")
			if a, b := readFile(t, filepath.Join(resumed, "model.json")), readFile(t, filepath.Join(whole, "model.json")); a != b {
				t.Errorf("model.json of the resumed old checkpoint differs from an uninterrupted run's\n%s", lineDiff(b, a))
			}
			if a, b := dropLastColumn(readFile(t, filepath.Join(resumed, "metrics.csv"))), dropLastColumn(readFile(t, filepath.Join(whole, "metrics.csv"))); a != b {
				t.Errorf("metrics.csv of the resumed old checkpoint differs apart from seconds\n%s", lineDiff(b, a))
			}
		})
	}
}
