package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/mlptrain/mlptrain/internal/train"
)

// usageHint ends the one line of a usage error: a hint that points at the
// help of the command that was misused, after any hint of its own.
var usageHint = regexp.MustCompile(` \(hint: (.*[?;] )?run 'mlptrain( [a-z]+)? --help'\)$`)

// checkStderr checks that stderr is one "mlptrain: " message line (several
// if many is set), which ends in the usage hint if usage is set, with no
// panic or goroutine dump.
func checkStderr(t *testing.T, stderr string, usage, many bool) {
	t.Helper()
	if strings.Contains(stderr, "goroutine") || strings.Contains(stderr, "panic") {
		t.Fatalf("stderr has a panic or a stack:\n%s", stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	if !strings.HasSuffix(stderr, "\n") {
		t.Errorf("stderr %q does not end in a newline", stderr)
	}
	if usage && (len(lines) != 1 || !usageHint.MatchString(lines[0])) {
		t.Errorf("stderr = %q, want one line ending in %q", stderr, usageHint)
	}
	if len(lines) == 0 || (len(lines) > 1 && !many) {
		t.Errorf("stderr = %q, want exactly one message line", stderr)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "mlptrain: ") {
			t.Errorf("stderr line %q does not start with %q", l, "mlptrain: ")
		}
	}
}

func TestExitCodes(t *testing.T) {
	chdirRoot(t)
	tmp := t.TempDir()
	badYAML := filepath.Join(tmp, "bad.yaml")
	if err := os.WriteFile(badYAML, []byte("data:\n  train: datasets/iris.csv\n  target: [species\nmodel: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := func(name string) string { return filepath.Join(tmp, name) }
	for _, tc := range []struct {
		name  string
		args  []string
		code  int
		usage bool     // a usage error: the message is followed by the usage hint
		many  bool     // several "mlptrain: " lines are fine
		want  []string // substrings of stderr
	}{
		{name: "fit without args", args: []string{"fit"}, code: exitInput, usage: true, want: []string{"mlptrain: fit: takes 1 argument (CONFIG), got none (hint: run 'mlptrain fit --help')"}},
		{name: "eval with one arg", args: []string{"eval", "m.json"}, code: exitInput, usage: true, want: []string{`mlptrain: eval: takes 2 arguments (MODEL DATA), got 1: "m.json" (hint: run 'mlptrain eval --help')`}},
		{name: "predict with three args", args: []string{"predict", "a", "b", "c d"}, code: exitInput, usage: true, want: []string{`predict: takes 2 arguments (MODEL DATA), got 3: "a" "b" "c d"`}},
		{name: "fit with two args", args: []string{"fit", "configs/iris.yaml", "extra"}, code: exitInput, usage: true, want: []string{`fit: takes 1 argument (CONFIG), got 2: "configs/iris.yaml" "extra"`}},
		{name: "unknown command", args: []string{"bogus"}, code: exitInput, usage: true, want: []string{`mlptrain: unknown command "bogus" (hint: run 'mlptrain --help')`}},
		// cobra's suggestion, on its own lines in cobra's message, goes into the hint.
		{name: "misspelt command", args: []string{"fitt", "configs/iris.yaml"}, code: exitInput, usage: true, want: []string{`mlptrain: unknown command "fitt" (hint: did you mean "fit"? run 'mlptrain --help')`}},
		{name: "unknown flag", args: []string{"fit", "--bogus", "configs/iris.yaml"}, code: exitInput, usage: true, want: []string{"mlptrain: fit: unknown flag: --bogus (hint: run 'mlptrain fit --help')"}},
		{name: "unknown root flag", args: []string{"--bogus"}, code: exitInput, usage: true, want: []string{"mlptrain: unknown flag: --bogus (hint: run 'mlptrain --help')"}},
		{name: "unknown shorthand", args: []string{"sweep", "configs/iris.yaml", "-x"}, code: exitInput, usage: true, want: []string{"mlptrain: sweep: unknown shorthand flag: 'x' in -x"}},
		{name: "flag without its value", args: []string{"fit", "configs/iris.yaml", "--out"}, code: exitInput, usage: true, want: []string{"fit: flag needs an argument: --out"}},
		{name: "bad bool flag", args: []string{"fit", "configs/iris.yaml", "--json=maybe"}, code: exitInput, usage: true, want: []string{`fit: invalid argument "maybe" for "--json" flag`}},
		{name: "bad --fail-under metric", args: []string{"fit", "configs/iris.yaml", "--fail-under", "accurcy=0.9", "--out", out("metric")}, code: exitInput, usage: true, want: []string{`fit: --fail-under "accurcy=0.9": unknown metric "accurcy"`}},
		{name: "--fail-under without a number", args: []string{"eval", "m.json", "d.csv", "--fail-under", "accuracy"}, code: exitInput, usage: true, want: []string{`eval: --fail-under "accuracy": want METRIC=NUMBER`}},
		{name: "--resume with another --out", args: []string{"fit", "configs/iris.yaml", "--resume", out("a"), "--out", out("b")}, code: exitInput, usage: true, want: []string{"fit: --resume", "a resumed run continues in its own folder"}},
		{name: "sweep without --grid", args: []string{"sweep", "configs/iris.yaml", "--out", out("nogrid")}, code: exitInput, want: []string{"mlptrain: --grid: no grid to sweep (hint: give at least one --grid KEY=V1,V2,..., or --random N with --range KEY=SPEC)"}},
		{name: "sweep with an empty --grid", args: []string{"sweep", "configs/iris.yaml", "--grid", "", "--out", out("empty")}, code: exitInput, want: []string{"mlptrain: --grid : want KEY=V1,V2,..."}},
		{name: "sweep with a duplicate --grid", args: []string{"sweep", "configs/iris.yaml", "--grid", "train.l2=0", "--grid", "train.l2=1", "--out", out("dup")}, code: exitInput, want: []string{"mlptrain: --grid train.l2=1: train.l2 is also given by --grid train.l2=0 (hint: sweep a key or fix it, not both)"}},
		{name: "sweep with output.dir", args: []string{"sweep", "configs/iris.yaml", "--grid", "train.l2=0,1", "--set", "output.dir=x", "--out", out("outdir")}, code: exitInput, want: []string{"mlptrain: --set output.dir=x: output.dir is set per point by the sweep (hint: use --out DIR for the sweep's folder)\n"}},
		{name: "sweep with a value twice", args: []string{"sweep", "configs/iris.yaml", "--grid", "train.l2=0,0", "--out", out("twice")}, code: exitInput, want: []string{`mlptrain: --grid train.l2=0,0: value "0" is given twice (hint: give each value once)`}},
		{name: "missing config", args: []string{"fit", "nope.yaml", "--out", out("missing")}, code: exitInput, want: []string{"nope.yaml"}},
		{name: "bad YAML", args: []string{"fit", badYAML, "--out", out("bad")}, code: exitInput, want: []string{badYAML + ":", "invalid YAML"}},
		{name: "unknown key", args: []string{"fit", "configs/iris.yaml", "--set", "train.learning_rat=0.1", "--out", out("key")}, code: exitInput, want: []string{"train.learning_rat", `"train.learning_rate"`}},
		{name: "malformed --set", args: []string{"fit", "configs/iris.yaml", "--set", "epochs", "--out", out("set")}, code: exitInput, usage: true, want: []string{`mlptrain: fit: --set "epochs": want KEY=VALUE, e.g. --set train.epochs=50 (hint: run 'mlptrain fit --help')`}},
		{name: "malformed --set of gradcheck", args: []string{"gradcheck", "configs/iris.yaml", "--set", "=1"}, code: exitInput, usage: true, want: []string{`mlptrain: gradcheck: --set "=1": want KEY=VALUE`}},
		// Every failing tensor gets its own line.
		{name: "gradcheck fails", args: []string{"gradcheck", "configs/iris.yaml", "--tol", "1e-300"}, code: exitGradCheck, many: true, want: []string{"gradient check failed"}},
		// A bad number in a flag reads as config.Load's --epochs error.
		{name: "gradcheck bad tol", args: []string{"gradcheck", "configs/iris.yaml", "--tol", "0"}, code: exitInput, want: []string{"mlptrain: --tol: must be a finite number greater than 0, got 0 (hint: "}},
		{name: "negative --progress-every", args: []string{"fit", "configs/iris.yaml", "--progress-every", "-1", "--out", out("every")}, code: exitInput, want: []string{"mlptrain: --progress-every: must be at least 0, got -1 (hint: "}},
		{name: "sweep --by an unknown metric", args: []string{"sweep", "configs/iris.yaml", "--grid", "train.l2=0,1", "--by", "rmse", "--out", out("byr2")}, code: exitInput, want: []string{`mlptrain: --by: unknown metric "rmse" (hint: pick by loss (the default), accuracy, roc_auc or pr_auc (classifiers), or r2, mse or mae`}},
		{name: "sweep a classifier --by r2", args: []string{"sweep", "configs/iris.yaml", "--grid", "train.l2=0,1", "--by", "r2", "--out", out("byr2c")}, code: exitInput, want: []string{"mlptrain: configs/iris.yaml: --by r2: a classifier has no r2 (its loss is cross_entropy)"}},
		{name: "sweep a regression --by roc_auc", args: []string{"sweep", "configs/sine.yaml", "--grid", "train.l2=0,1", "--by", "roc_auc", "--out", out("byroc")}, code: exitInput, want: []string{"mlptrain: configs/sine.yaml: --by roc_auc: a regression has no roc_auc"}},
		{name: "negative --jobs", args: []string{"sweep", "configs/iris.yaml", "--grid", "train.l2=0,1", "--jobs", "-1", "--out", out("jobs")}, code: exitInput, want: []string{"mlptrain: --jobs: must be at least 0, got -1 (hint: "}},
		{name: "quality gate", args: []string{"fit", "configs/iris.yaml", "--quiet", "--fail-under", "accuracy=1.01", "--out", out("gate")}, code: exitGate, want: []string{"accuracy", "1.01"}},
		// A gate of a metric the model does not report is refused before
		// any training (it trained, printed and wrote the run folder first).
		{name: "gate on a metric a classifier lacks", args: []string{"fit", "configs/iris.yaml", "--fail-under", "r2=0.5", "--out", out("nogate")}, code: exitInput, usage: true,
			want: []string{"mlptrain: fit: --fail-under r2: a classifier has no r2 (it reports loss, accuracy, macro_f1, roc_auc, pr_auc) (hint: run 'mlptrain fit --help')"}},
		{name: "eval of a non-model", args: []string{"eval", "configs/iris.yaml", "datasets/iris_test.csv"}, code: exitInput, want: []string{"configs/iris.yaml:", "not a valid model file"}},
		{name: "diverged", args: []string{"fit", "configs/sine.yaml", "--quiet", "--lr", "1e8", "--set", "train.optimizer=sgd", "--out", out("diverged")}, code: exitDiverged, want: []string{"diverged", "smaller learning rate"}},
		{name: "eval of a missing model", args: []string{"predict", "testdata/no_such_model.json", "datasets/iris_test.csv"}, code: exitInput, want: []string{"no_such_model.json", "cannot open model"}},
		{name: "key twice", args: []string{"fit", "configs/iris.yaml", "--epochs", "3", "--set", "train.epochs=4", "--out", out("twice")}, code: exitInput, want: []string{"train.epochs", "--epochs", "twice"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, tc.args...)
			if r.code != tc.code {
				t.Fatalf("mlptrain %s: exit status %d, want %d\nstderr:\n%s", strings.Join(tc.args, " "), r.code, tc.code, r.stderr)
			}
			checkStderr(t, r.stderr, tc.usage, tc.many)
			for _, w := range tc.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr = %q, want it to mention %q", r.stderr, w)
				}
			}
			if tc.code == exitInput && r.stdout != "" {
				t.Errorf("stdout = %q, want nothing: bad input is refused before any work", r.stdout)
			}
		})
	}
	if _, err := os.Stat(out("nogate")); !os.IsNotExist(err) {
		t.Errorf("a fit with a gate on a metric it lacks wrote its run folder: %v", err)
	}
}

// TestGateAndDivergedKeepResults checks that a missed gate and a diverged
// run still print their results and write the run folder.
func TestGateAndDivergedKeepResults(t *testing.T) {
	chdirRoot(t)
	for _, tc := range []struct {
		name    string
		args    []string
		code    int
		stopped string
	}{
		{"gate", []string{"fit", "configs/iris.yaml", "--fail-under", "accuracy=1.01"}, exitGate, train.StopCompleted},
		{"diverged", []string{"fit", "configs/sine.yaml", "--lr", "1e8", "--set", "train.optimizer=sgd"}, exitDiverged, train.StopDiverged},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "run")
			r := runCLI(t, append(tc.args, "--quiet", "--json", "--out", dir)...)
			if r.code != tc.code {
				t.Fatalf("exit status %d, want %d\nstderr:\n%s", r.code, tc.code, r.stderr)
			}
			var rep train.Report
			if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
				t.Fatalf("stdout is not the JSON report: %v\n%s", err, r.stdout)
			}
			if rep.Stopped != tc.stopped {
				t.Errorf("stopped = %q, want %q", rep.Stopped, tc.stopped)
			}
			if got := readFile(t, filepath.Join(dir, "report.json")); got != r.stdout {
				t.Errorf("report.json differs from what --json printed")
			}
			if _, err := os.Stat(filepath.Join(dir, "model.json")); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestRecoverInternal(t *testing.T) {
	var stderr bytes.Buffer
	code := func() (code int) {
		defer recoverInternal(&stderr, &code)
		panic("boom")
	}()
	if code != exitInternal {
		t.Errorf("exit status after a panic = %d, want %d", code, exitInternal)
	}
	got := stderr.String()
	if !strings.HasPrefix(got, "mlptrain: internal error, please report: boom\n") {
		t.Errorf("stderr = %q, want it to start with the internal-error line", headLines(got, 1))
	}
	if !strings.Contains(got, "goroutine") || !strings.Contains(got, "TestRecoverInternal") {
		t.Errorf("stderr has no stack naming the panicking test:\n%s", got)
	}

	// Without a panic it leaves the status alone and prints nothing.
	stderr.Reset()
	code = func() (code int) {
		defer recoverInternal(&stderr, &code)
		return exitGate
	}()
	if code != exitGate || stderr.Len() != 0 {
		t.Errorf("without a panic: status %d, stderr %q; want %d and empty", code, stderr.String(), exitGate)
	}
}

// TestExitCodeInternal checks that an error no case claims is reported as
// a bug with exit status 1.
func TestExitCodeInternal(t *testing.T) {
	var stderr bytes.Buffer
	if code := exitCode(os.ErrClosed, &stderr); code != exitInternal {
		t.Errorf("exitCode(unclassified error) = %d, want %d", code, exitInternal)
	}
	if got := stderr.String(); !strings.HasPrefix(got, "mlptrain: internal error: ") {
		t.Errorf("stderr = %q, want an internal-error message", got)
	}
}

func TestVersion(t *testing.T) {
	r := runCLI(t, "--version")
	if r.code != exitOK {
		t.Fatalf("--version: exit status %d, want 0\nstderr:\n%s", r.code, r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "mlptrain version ") || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("--version printed %q, want one line starting %q", r.stdout, "mlptrain version ")
	}
	if r.stderr != "" {
		t.Errorf("--version: stderr = %q, want empty", r.stderr)
	}
}

func TestFitProgress(t *testing.T) {
	chdirRoot(t)
	t.Run("quiet", func(t *testing.T) {
		r := mustRun(t, "fit", "configs/iris.yaml", "--quiet", "--out", t.TempDir())
		if r.stderr != "" {
			t.Errorf("fit --quiet: stderr = %q, want empty", r.stderr)
		}
		if !strings.HasPrefix(r.stdout, "trained 200 epochs (completed)") {
			t.Errorf("fit --quiet: stdout = %q, want the summary", r.stdout)
		}
	})
	t.Run("progress", func(t *testing.T) {
		r := mustRun(t, "fit", "configs/iris.yaml", "--out", t.TempDir())
		lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
		if len(lines) < 2 || !strings.HasPrefix(lines[0], "epoch 1/200 ") || !strings.HasPrefix(lines[len(lines)-1], "epoch 200/200 ") {
			t.Errorf("fit: stderr = %q, want progress lines from epoch 1/200 to 200/200", r.stderr)
		}
		for _, l := range lines {
			if !strings.HasPrefix(l, "epoch ") {
				t.Errorf("fit: unexpected stderr line %q", l)
			}
		}
		if strings.Contains(r.stdout, "epoch 1/") {
			t.Errorf("fit: progress on stdout:\n%s", r.stdout)
		}
		if !strings.HasPrefix(r.stdout, "trained 200 epochs (completed)") || !strings.Contains(r.stdout, "run folder: ") {
			t.Errorf("fit: stdout = %q, want the summary only", r.stdout)
		}
	})
	t.Run("json", func(t *testing.T) {
		r := mustRun(t, "fit", "configs/iris.yaml", "--json", "--out", t.TempDir())
		if !json.Valid([]byte(r.stdout)) {
			t.Errorf("fit --json with progress: stdout is not one JSON document:\n%s", r.stdout)
		}
		if !strings.HasPrefix(r.stderr, "epoch 1/200 ") {
			t.Errorf("fit --json: stderr = %q, want progress", r.stderr)
		}
	})
}

// TestFitInterrupted runs fit with a context cancelled before it starts,
// as after a Ctrl-C while the data loads: INTERFACE.md wants exit status
// 130; with nothing trained, nothing is written. (A Ctrl-C during
// training writes the run folder: tests/e2e/resume.sh and train's
// TestFit tests.)
func TestFitInterrupted(t *testing.T) {
	chdirRoot(t)
	dir := filepath.Join(t.TempDir(), "run")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := runCLIContext(t, ctx, "fit", "configs/iris.yaml", "--quiet", "--json", "--out", dir)
	if r.code != exitInterrupt {
		t.Fatalf("exit status %d, want %d\nstderr:\n%s", r.code, exitInterrupt, r.stderr)
	}
	checkStderr(t, r.stderr, false, false)
	if want := "mlptrain: interrupted\n"; r.stderr != want { // a cancel without a signal
		t.Errorf("stderr = %q, want %q", r.stderr, want)
	}
	if r.stdout != "" {
		t.Errorf("stdout = %q, want empty", r.stdout)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the run folder was made: %v", err)
	}
}

// TestPredictOutputUnwritable checks that predict -o into a missing folder
// is bad input (2) naming the file, not an internal error (1).
func TestPredictOutputUnwritable(t *testing.T) {
	chdirRoot(t)
	dir := filepath.Join(t.TempDir(), "run")
	mustRun(t, "fit", "configs/xor.yaml", "--quiet", "--epochs", "2", "--out", dir)
	out := filepath.Join(t.TempDir(), "missing", "pred.csv")
	r := runCLI(t, "predict", filepath.Join(dir, "model.json"), "datasets/xor.csv", "-o", out)
	if r.code != exitInput {
		t.Fatalf("predict -o %s: exit status %d, want %d\nstderr:\n%s", out, r.code, exitInput, r.stderr)
	}
	checkStderr(t, r.stderr, false, false)
	if !strings.Contains(r.stderr, out+":") {
		t.Errorf("stderr = %q, want it to name %s", r.stderr, out)
	}
}

// TestFitTerminated sends SIGTERM to the test process, caught by
// signalContext as main does, and runs fit with that context:
// INTERFACE.md wants exit status 143 for SIGTERM, 130 for SIGINT.
func TestFitTerminated(t *testing.T) {
	chdirRoot(t)
	ctx, stop := signalContext()
	defer stop()
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-ctx.Done()
	dir := filepath.Join(t.TempDir(), "run")
	r := runCLIContext(t, ctx, "fit", "configs/iris.yaml", "--quiet", "--out", dir)
	if r.code != exitTerminated {
		t.Errorf("fit after SIGTERM: exit status %d, want %d\nstderr:\n%s", r.code, exitTerminated, r.stderr)
	}
	checkStderr(t, r.stderr, false, false)
	if want := "mlptrain: interrupted by SIGTERM while reading the config; nothing was written\n"; r.stderr != want {
		t.Errorf("stderr = %q, want %q", r.stderr, want)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the run folder was made: %v", err)
	}
}
