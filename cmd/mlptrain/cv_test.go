package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestCVHelpGolden(t *testing.T) {
	r := mustRun(t, "cv", "--help")
	checkGolden(t, "help_cv.golden", []byte(r.stdout))
}

// TestCVJSON checks that cv --json prints cv.json, quietly, and that the
// table prints each metric's mean ± std.
func TestCVJSON(t *testing.T) {
	chdirRoot(t)
	out := filepath.Join(t.TempDir(), "cv")
	r := mustRun(t, "cv", "configs/iris.yaml", "--folds", "3", "--epochs", "5", "--out", out, "--json", "--quiet")
	if r.stderr != "" {
		t.Errorf("cv --quiet: stderr = %q, want empty", r.stderr)
	}
	if got := readFile(t, filepath.Join(out, "cv.json")); got != r.stdout {
		t.Errorf("cv --json printed\n%s\nbut cv.json holds\n%s", r.stdout, got)
	}
	var doc struct {
		Schema int `json:"schema"`
		Folds  int `json:"folds"`
		Loss   struct {
			Mean   *float64  `json:"mean"`
			Std    *float64  `json:"std"`
			Values []float64 `json:"values"`
		} `json:"loss"`
		Runs []string `json:"runs"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Schema != 1 || doc.Folds != 3 || len(doc.Runs) != 3 || len(doc.Loss.Values) != 3 || doc.Loss.Mean == nil || doc.Loss.Std == nil {
		t.Errorf("cv --json: %+v", doc)
	}
	r = mustRun(t, "cv", "configs/iris.yaml", "--folds", "3", "--epochs", "5", "--out", out, "--quiet")
	for _, want := range []string{"validation, mean ± std over 3 folds:", "\n  accuracy  ", "test (each fold's model), mean ± std over 3 folds:", "cv folder: " + out} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("cv table: no %q in\n%s", want, r.stdout)
		}
	}
}
