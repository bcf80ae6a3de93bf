package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sweepDoc is the part of sweep --json that the tests read.
type sweepDoc struct {
	Schema int      `json:"schema"`
	Dir    string   `json:"dir"`
	Keys   []string `json:"keys"`
	Points []struct {
		Index     int                `json:"index"`
		Params    map[string]float64 `json:"params"`
		Dir       string             `json:"dir"`
		TrainLoss *float64           `json:"train_loss"`
		ValLoss   *float64           `json:"val_loss"`
		Stopped   string             `json:"stopped"`
		EpochsRun int                `json:"epochs_run"`
	} `json:"points"`
	Best *int   `json:"best"`
	By   string `json:"by"`
}

func TestSweepCommand(t *testing.T) {
	chdirRoot(t)
	out := filepath.Join(t.TempDir(), "sw")
	args := []string{"sweep", "configs/sine.yaml", "--grid", "train.learning_rate=0.001,0.01,0.1", "--set", "train.epochs=20", "--out", out, "--jobs", "2"}

	r := mustRun(t, append(args, "--json", "--quiet")...)
	if r.stderr != "" {
		t.Errorf("--quiet: stderr = %q, want empty", r.stderr)
	}
	var doc sweepDoc
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("sweep --json: %v\n%s", err, r.stdout)
	}
	if doc.Schema != 1 || doc.By != "val_loss" || doc.Dir != out || len(doc.Keys) != 1 || doc.Keys[0] != "train.learning_rate" || len(doc.Points) != 3 {
		t.Fatalf("sweep --json: %+v", doc)
	}
	best := -1
	for i, p := range doc.Points {
		if p.Index != i || p.Stopped != "completed" || p.EpochsRun != 20 || p.ValLoss == nil || p.TrainLoss == nil {
			t.Errorf("point %d: %+v", i, p)
			continue
		}
		if want := []float64{0.001, 0.01, 0.1}[i]; p.Params["train.learning_rate"] != want {
			t.Errorf("point %d: params %v, want learning rate %g", i, p.Params, want)
		}
		if best < 0 || *p.ValLoss < *doc.Points[best].ValLoss {
			best = i
		}
		if _, err := os.Stat(filepath.Join(p.Dir, "model.json")); err != nil {
			t.Errorf("point %d: %v", i, err)
		}
	}
	if doc.Best == nil || *doc.Best != best {
		t.Errorf("best = %v, want %d (the lowest val_loss)", doc.Best, best)
	}
	for _, name := range []string{"sweep.json", "sweep.csv", "sweep.png"} {
		if fi, err := os.Stat(filepath.Join(out, name)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	file, err := os.ReadFile(filepath.Join(out, "sweep.json"))
	if err != nil {
		t.Fatal(err)
	}
	if string(file) != r.stdout {
		t.Errorf("sweep.json differs from what --json printed")
	}

	// The table, and progress on stderr.
	r = mustRun(t, args...)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 6 || !strings.HasPrefix(lines[0], "#  train.learning_rate  stopped") {
		t.Fatalf("table:\n%s", r.stdout)
	}
	for i, l := range lines[1:4] {
		if strings.HasSuffix(l, "<- best") != (i == best) {
			t.Errorf("table row %d %q: best marked wrongly (best is %d)", i, l, best)
		}
		if l != strings.TrimRight(l, " ") {
			t.Errorf("table row %d has trailing spaces", i)
		}
	}
	if !strings.HasPrefix(lines[4], "best by validation loss: #") || lines[5] != "sweep folder: "+out {
		t.Errorf("table footer:\n%s\n%s", lines[4], lines[5])
	}
	if n := strings.Count(r.stderr, "completed after 20 epochs"); n != 3 || !strings.HasPrefix(r.stderr, "sweep of configs/sine.yaml over train.learning_rate: 3 points, 2 at a time") {
		t.Errorf("progress on stderr:\n%s", r.stderr)
	}
}

func TestSweepCommandErrors(t *testing.T) {
	chdirRoot(t)
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string // on stderr
	}{
		{"no grid", []string{}, exitInput, "no grid to sweep"},
		{"no equals", []string{"--grid", "train.learning_rate"}, exitInput, "--grid train.learning_rate: want KEY=V1,V2"},
		{"empty values", []string{"--grid", "train.learning_rate="}, exitInput, "no values"},
		{"empty value", []string{"--grid", "train.learning_rate=0.1,,1"}, exitInput, "empty value"},
		{"duplicate key", []string{"--grid", "train.l2=0", "--grid", "train.l2=0.1"}, exitInput, "train.l2 is also given by --grid"},
		{"key also given by --set", []string{"--grid", "train.epochs=5,6", "--set", "train.epochs=3"}, exitInput, "also given by --set train.epochs=3"},
		{"key also given by --epochs", []string{"--grid", "train.epochs=5,6", "--epochs", "3"}, exitInput, "also given by --epochs"},
		{"unknown key", []string{"--grid", "train.learnin_rate=0.1"}, exitInput, `--grid train.learnin_rate=0.1: unknown key`},
		{"bad value", []string{"--grid", "train.epochs=5,ten"}, exitInput, "--grid train.epochs=ten: expected a whole number"},
		{"no validation", []string{"--grid", "train.epochs=5", "--set", "data.validation=0"}, exitInput, "training loss would reward"},
		{"threads with jobs", []string{"--grid", "train.epochs=5,6", "--set", "train.threads=2", "--jobs", "2"}, exitInput, "--jobs: train.threads is 2"},
		{"negative jobs", []string{"--grid", "train.epochs=5", "--jobs", "-1"}, exitInput, "--jobs: must be at least 0, got -1"},
		{"output.dir by --set", []string{"--grid", "train.epochs=5", "--set", "output.dir=x"}, exitInput, "use --out DIR"},
		{"all diverged", []string{"--grid", "train.learning_rate=1e5,1e6", "--set", "train.optimizer=gd", "--set", "train.epochs=100", "-q"}, exitDiverged, "all 2 points of the sweep diverged"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "sw")
			args := append([]string{"sweep", "configs/sine.yaml", "--out", out}, tc.args...)
			r := runCLI(t, args...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("mlptrain %s: exit %d, stderr %q; want exit %d and %q", strings.Join(args, " "), r.code, r.stderr, tc.code, tc.want)
			}
			if tc.code == exitInput {
				if _, err := os.Stat(out); err == nil {
					t.Errorf("%s: the sweep folder was created before the error", tc.name)
				}
			}
		})
	}
}

func TestSweepHelpGolden(t *testing.T) {
	r := mustRun(t, "sweep", "--help")
	checkGolden(t, "help_sweep.golden", []byte(r.stdout))
}

func TestSweepOutputDirFromEnv(t *testing.T) {
	chdirRoot(t)
	out := filepath.Join(t.TempDir(), "x")
	t.Setenv("MLPTRAIN_OUTPUT_DIR", out)
	r := runCLI(t, "sweep", "configs/sine.yaml", "--grid", "train.l2=0,1", "--epochs", "1", "--out", filepath.Join(t.TempDir(), "sw"))
	want := "mlptrain: MLPTRAIN_OUTPUT_DIR: output.dir is set per point by the sweep (hint: unset MLPTRAIN_OUTPUT_DIR, and use --out DIR for the sweep's folder)\n"
	if r.code != exitInput || r.stderr != want || r.stdout != "" {
		t.Errorf("sweep with MLPTRAIN_OUTPUT_DIR set: exit %d, stderr %q, stdout %q; want exit %d and %q", r.code, r.stderr, r.stdout, exitInput, want)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("the sweep wrote into MLPTRAIN_OUTPUT_DIR")
	}
}

func TestSweepRefusesFolder(t *testing.T) {
	chdirRoot(t)
	tmp := t.TempDir()
	run := filepath.Join(tmp, "run")
	mustRun(t, "fit", "configs/sine.yaml", "--epochs", "1", "-q", "--out", run)
	foreign := filepath.Join(tmp, "foreign")
	if err := os.MkdirAll(foreign, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(foreign, "notes.txt"), []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ dir, want string }{
		{run, "mlptrain: " + run + ": --out: not a sweep folder but a fit's run folder: it holds "},
		{foreign, "mlptrain: " + foreign + `: --out: not a sweep folder: it holds "notes.txt", which a sweep does not write (hint: choose a new or empty folder, or an earlier sweep's, with --out DIR)` + "\n"},
	} {
		r := runCLI(t, "sweep", "configs/sine.yaml", "--grid", "train.l2=0,1", "--epochs", "1", "-q", "--out", tc.dir)
		if r.code != exitInput || !strings.HasPrefix(r.stderr, tc.want) || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("sweep --out %s: exit %d, stderr %q; want exit %d and one line starting %q", tc.dir, r.code, r.stderr, exitInput, tc.want)
		}
		if _, err := os.Stat(filepath.Join(tc.dir, "sweep.json")); err == nil {
			t.Errorf("sweep --out %s wrote sweep.json", tc.dir)
		}
	}
}
