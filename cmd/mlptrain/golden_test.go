package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/train"
)

// runDirPlaceholder replaces the temporary run folder in goldens.
const runDirPlaceholder = "RUN_DIR"

func TestHelpGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"root", []string{"--help"}},
		{"fit", []string{"fit", "--help"}},
		{"eval", []string{"eval", "--help"}},
		{"predict", []string{"predict", "--help"}},
		{"gradcheck", []string{"gradcheck", "--help"}},
		{"graph", []string{"graph", "--help"}},
		{"export", []string{"export", "--help"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mustRun(t, tc.args...)
			if r.stderr != "" {
				t.Errorf("mlptrain %s: stderr = %q, want empty", strings.Join(tc.args, " "), r.stderr)
			}
			checkGolden(t, "help_"+tc.name+".golden", []byte(r.stdout))
		})
	}
}

func TestGradcheckJSONGolden(t *testing.T) {
	chdirRoot(t)
	args := []string{"gradcheck", "configs/iris.yaml", "--json"}
	first := mustRun(t, args...)
	second := mustRun(t, args...)
	if first.stdout != second.stdout {
		t.Fatalf("mlptrain %s is not deterministic:\n%s", strings.Join(args, " "), lineDiff(first.stdout, second.stdout))
	}
	if first.stderr != "" {
		t.Errorf("stderr = %q, want empty", first.stderr)
	}
	var doc struct {
		Schema int  `json:"schema"`
		Pass   bool `json:"pass"`
	}
	if err := json.Unmarshal([]byte(first.stdout), &doc); err != nil {
		t.Fatalf("gradcheck --json: %v", err)
	}
	if doc.Schema != 1 || !doc.Pass {
		t.Errorf("gradcheck --json: schema %d, pass %v; want 1, true", doc.Schema, doc.Pass)
	}
	checkNumericGolden(t, "gradcheck_iris.json.golden", []byte(first.stdout), "worst_index", "analytic", "numeric")
}

func TestGraphGolden(t *testing.T) {
	chdirRoot(t)
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"graph_xor.golden", []string{"graph", "configs/xor.yaml"}},
		{"graph_xor.dot.golden", []string{"graph", "configs/xor.yaml", "--dot"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mustRun(t, tc.args...)
			if again := mustRun(t, tc.args...); again.stdout != r.stdout {
				t.Fatalf("mlptrain %s is not deterministic", strings.Join(tc.args, " "))
			}
			checkGolden(t, tc.name, []byte(r.stdout))
		})
	}
}

// normalizeFitReport parses a fit JSON report strictly, zeroes what varies
// between runs and machines (seconds, threads, gemm) and replaces the run folder
// dir by a placeholder, and re-marshals it with two-space indentation.
func normalizeFitReport(t *testing.T, doc []byte, dir string) []byte {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.DisallowUnknownFields()
	var rep train.Report
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("fit --json: %v\n%s", err, doc)
	}
	if rep.Dir != dir || rep.Model != filepath.Join(dir, "model.json") {
		t.Errorf("fit --json: dir %q, model %q; want %q and its model.json", rep.Dir, rep.Model, dir)
	}
	if rep.Seconds <= 0 {
		t.Errorf("fit --json: seconds = %v, want > 0", rep.Seconds)
	}
	if rep.Gemm == "" {
		t.Errorf("fit --json: gemm is empty, want the product backend")
	}
	rep.Seconds, rep.Threads, rep.Gemm = 0, 0, ""
	rep.Dir = runDirPlaceholder
	rep.Model = filepath.Join(runDirPlaceholder, "model.json")
	b, err := json.MarshalIndent(&rep, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// dropLastColumn removes the last CSV column (metrics.csv's seconds).
func dropLastColumn(csv string) string {
	lines := strings.Split(csv, "\n")
	for i, l := range lines {
		if j := strings.LastIndexByte(l, ','); j >= 0 {
			lines[i] = l[:j]
		}
	}
	return strings.Join(lines, "\n")
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestIrisRunGolden fits configs/iris.yaml once, then checks the report,
// eval and predict of its model against goldens.
func TestIrisRunGolden(t *testing.T) {
	chdirRoot(t)
	dir := filepath.Join(t.TempDir(), "iris")
	r := mustRun(t, "fit", "configs/iris.yaml", "--json", "--quiet", "--out", dir)
	if r.stderr != "" {
		t.Errorf("fit --quiet: stderr = %q, want empty", r.stderr)
	}
	model := filepath.Join(dir, "model.json")

	t.Run("fit_json", func(t *testing.T) {
		checkNumericGolden(t, "fit_iris.json.golden", normalizeFitReport(t, []byte(r.stdout), dir))
	})

	// What the model must achieve, whichever kernels trained it: goldens
	// pin the numbers, but -update rewrites them; these floors it cannot.
	t.Run("quality", func(t *testing.T) {
		type m struct {
			N        int      `json:"n"`
			Loss     float64  `json:"loss"`
			Accuracy *float64 `json:"accuracy"`
		}
		var rep struct {
			Stopped                 string `json:"stopped"`
			EpochsRun               int    `json:"epochs_run"`
			Train, Validation, Test *m
		}
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
			t.Fatal(err)
		}
		if rep.Stopped != "completed" || rep.EpochsRun != 200 {
			t.Errorf("stopped %q after %d epochs, want completed after 200", rep.Stopped, rep.EpochsRun)
		}
		for _, q := range []struct {
			name              string
			got               *m
			n                 int
			maxLoss, minAccur float64
		}{
			{"train", rep.Train, 96, 0.15, 0.95},
			{"validation", rep.Validation, 24, 0.15, 0.95},
			{"test", rep.Test, 30, 0.25, 0.9},
		} {
			if q.got == nil || q.got.Accuracy == nil {
				t.Errorf("%s: no metrics or no accuracy in %s", q.name, r.stdout)
				continue
			}
			if q.got.N != q.n || q.got.Loss > q.maxLoss || *q.got.Accuracy < q.minAccur {
				t.Errorf("%s: n %d, loss %.4g, accuracy %.4g; want n %d, loss ≤ %g, accuracy ≥ %g",
					q.name, q.got.N, q.got.Loss, *q.got.Accuracy, q.n, q.maxLoss, q.minAccur)
			}
		}
	})

	t.Run("run_folder", func(t *testing.T) {
		for _, f := range []string{"model.json", "metrics.csv", "loss.png", "loss.svg", "config.yaml", "report.json"} {
			if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
				t.Errorf("run folder: %v", err)
			}
		}
		if got := readFile(t, filepath.Join(dir, "report.json")); got != r.stdout {
			t.Errorf("report.json differs from what fit --json printed:\n%s", lineDiff(r.stdout, got))
		}
		header := headLines(readFile(t, filepath.Join(dir, "metrics.csv")), 1)
		if want := "epoch,train_loss,val_loss,train_accuracy,val_accuracy,seconds\n"; header != want {
			t.Errorf("metrics.csv header = %q, want %q", header, want)
		}
	})

	t.Run("same_seed_same_bytes", func(t *testing.T) {
		dir2 := filepath.Join(t.TempDir(), "iris")
		r2 := mustRun(t, "fit", "configs/iris.yaml", "--json", "--quiet", "--out", dir2)
		if a, b := normalizeFitReport(t, []byte(r.stdout), dir), normalizeFitReport(t, []byte(r2.stdout), dir2); !bytes.Equal(a, b) {
			t.Errorf("two fits with one seed give different reports:\n%s", lineDiff(string(a), string(b)))
		}
		if a, b := readFile(t, model), readFile(t, filepath.Join(dir2, "model.json")); a != b {
			t.Errorf("two fits with one seed give different model.json:\n%s", lineDiff(a, b))
		}
		a := dropLastColumn(readFile(t, filepath.Join(dir, "metrics.csv")))
		b := dropLastColumn(readFile(t, filepath.Join(dir2, "metrics.csv")))
		if a != b {
			t.Errorf("two fits with one seed give different metrics.csv (seconds aside):\n%s", lineDiff(a, b))
		}
	})

	t.Run("eval_text", func(t *testing.T) {
		e := mustRun(t, "eval", model, "datasets/iris_test.csv")
		checkNumericGolden(t, "eval_iris.golden", []byte(strings.ReplaceAll(e.stdout, dir, runDirPlaceholder)))
	})

	t.Run("eval_json", func(t *testing.T) {
		e := mustRun(t, "eval", model, "datasets/iris_test.csv", "--json")
		var doc map[string]any
		if err := json.Unmarshal([]byte(e.stdout), &doc); err != nil {
			t.Fatalf("eval --json: %v", err)
		}
		if doc["schema"] != 1.0 || doc["model"] != model {
			t.Errorf("eval --json: schema %v, model %v; want 1, %s", doc["schema"], doc["model"], model)
		}
		checkNumericGolden(t, "eval_iris.json.golden", []byte(strings.ReplaceAll(e.stdout, dir, runDirPlaceholder)))
	})

	t.Run("predict_head", func(t *testing.T) {
		p := mustRun(t, "predict", model, "datasets/iris_test.csv")
		if n, want := strings.Count(p.stdout, "\n"), 1+30; n != want {
			t.Errorf("predict: %d lines, want %d (a header and one per row)", n, want)
		}
		checkNumericGolden(t, "predict_iris_head.golden", []byte(headLines(p.stdout, 5)))

		out := filepath.Join(t.TempDir(), "pred.csv")
		o := mustRun(t, "predict", model, "datasets/iris_test.csv", "-o", out)
		if o.stdout != "" {
			t.Errorf("predict -o: stdout = %q, want empty", o.stdout)
		}
		if got := readFile(t, out); got != p.stdout {
			t.Errorf("predict -o wrote a different CSV than stdout:\n%s", lineDiff(p.stdout, got))
		}
	})
}
