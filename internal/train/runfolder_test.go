package train

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/mlptrain/mlptrain/internal/atomicfile"
	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/mlptrain/mlptrain/internal/runfolder"
)

// snapshot returns the run folder's files (not the hidden ones) and
// their contents.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	for _, name := range dirNames(t, dir) {
		if !strings.HasPrefix(name, ".") {
			files[name] = mustRead(t, filepath.Join(dir, name))
		}
	}
	return files
}

// checkSnapshot fails unless the run folder dir holds exactly the files
// of want, with the same contents.
func checkSnapshot(t *testing.T, dir string, want map[string]string, what string) {
	t.Helper()
	got := snapshot(t, dir)
	if names, wantNames := slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)); !slices.Equal(names, wantNames) {
		t.Errorf("the run folder holds %q, want %s: %q", names, what, wantNames)
		return
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s is not %s's", name, what)
		}
	}
}

// pictures returns a Pictures hook that writes each of names, holding
// text, into the folder its Run's config names, and then returns err.
func pictures(text string, err error, names ...string) func(*Run) error {
	return func(r *Run) error {
		for _, name := range names {
			path := filepath.Join(r.Problem.Config.Output.Dir, name)
			if werr := atomicfile.Write(path, func(w io.Writer) error { _, e := io.WriteString(w, text); return e }); werr != nil {
				return werr
			}
		}
		return err
	}
}

// runFolderConfig is a small classification fit into out, with seed.
func runFolderConfig(t *testing.T, dir, out string, seed int) string {
	t.Helper()
	train := filepath.Join(dir, "train.csv")
	if _, err := os.Stat(train); err != nil {
		writeTestFile(t, dir, "train.csv", blobsCSV(45, []int{12, 12}, 1))
	}
	return fmt.Sprintf(`data: {train: %s, target: class, validation: 0.25}
model: {layers: [{units: 3, activation: tanh}, {activation: softmax}]}
train: {optimizer: adam, learning_rate: 0.05, batch_size: 6, epochs: 4, seed: %d}
output: {dir: %s}
`, q(train), seed, q(out))
}

// fitInto runs FitConfig on the config text with o.
func fitInto(t *testing.T, dir, text string, o FitOptions) (*Run, error) {
	t.Helper()
	return FitConfig(t.Context(), parseTestConfig(t, dir, text), o)
}

// TestFitConfigFailedRunKeepsFolder makes a run fail while writing its
// files (its pictures, written last, fail after one is written): the run
// folder still holds the previous run, whole, and no file of the failed
// one. Before, the folder held the failed run's model.json, metrics.csv,
// config.yaml, report.json and checkpoint.json beside the previous run's
// pictures. A run that succeeds then replaces the previous run whole,
// including the pictures that it does not draw.
func TestFitConfigFailedRunKeepsFolder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "run")
	if _, err := fitInto(t, dir, runFolderConfig(t, dir, out, 1), FitOptions{Pictures: pictures("run A\n", nil, "loss.png", "boundary.png")}); err != nil {
		t.Fatal(err)
	}
	a := snapshot(t, out)

	errPictures := errors.New("cannot draw")
	run, err := fitInto(t, dir, runFolderConfig(t, dir, out, 2), FitOptions{Pictures: pictures("run B\n", errPictures, "loss.png")})
	if !errors.Is(err, errPictures) || run != nil {
		t.Fatalf("FitConfig = %v, %v; want its pictures' error", run, err)
	}
	checkSnapshot(t, out, a, "the previous run")
	// The failed run's last checkpoint stays, for --resume, hidden.
	if names := dirNames(t, filepath.Join(out, runfolder.MetaDir, runfolder.NextName)); !slices.Equal(names, []string{"checkpoint.json"}) {
		t.Errorf("the staging folder holds %q, want only the failed run's checkpoint.json", names)
	}

	run, err = fitInto(t, dir, runFolderConfig(t, dir, out, 3), FitOptions{Pictures: pictures("run C\n", nil, "loss.png")})
	if err != nil {
		t.Fatal(err)
	}
	c := snapshot(t, out)
	if _, ok := c["boundary.png"]; ok || c["loss.png"] != "run C\n" {
		t.Errorf("after run C the folder holds boundary.png %v and loss.png %q, want only C's loss.png", ok, c["loss.png"])
	}
	s, err := LoadModel(filepath.Join(out, "model.json"))
	if err != nil || WeightsSHA256(s.Model) != run.Report.WeightsSHA256 || !strings.Contains(c["report.json"], run.Report.WeightsSHA256) {
		t.Errorf("model.json and report.json are not run C's (%v)", err)
	}
	checkNoTemps(t, out)
}

// TestFitConfigSwitchFinished kills a switch in the middle, as a second
// Ctrl-C or a power cut can: after two files are moved, the folder holds
// them beside the old run's others. The next fit into the folder
// finishes the switch first, so that the folder holds the new run's
// files only, the old run's pictures that the new one lacks removed.
func TestFitConfigSwitchFinished(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out, other := filepath.Join(dir, "run"), filepath.Join(dir, "other")
	if _, err := fitInto(t, dir, runFolderConfig(t, dir, out, 1), FitOptions{Pictures: pictures("run A\n", nil, "loss.png", "boundary.png")}); err != nil {
		t.Fatal(err)
	}
	if _, err := fitInto(t, dir, runFolderConfig(t, dir, other, 2), FitOptions{Pictures: pictures("run B\n", nil, "loss.png")}); err != nil {
		t.Fatal(err)
	}
	a, b := snapshot(t, out), snapshot(t, other)

	f, err := runfolder.Open(out, "")
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range b {
		writeTestFile(t, f.Staged(""), name, text)
	}
	errKilled := errors.New("killed")
	moved := 0
	f.Moved = func(string) {
		if moved++; moved == 2 {
			panic(errKilled)
		}
	}
	func() {
		defer func() {
			if r := recover(); r != errKilled {
				t.Fatalf("the switch was not cut short: %v", r)
			}
		}()
		f.Commit()
	}()
	f.Close()
	mix := snapshot(t, out)
	fromB := 0
	for name, text := range mix {
		if text == b[name] && text != a[name] {
			fromB++
		}
	}
	if fromB != 2 {
		t.Fatalf("the cut switch moved %d files of run B, want 2", fromB)
	}

	f, err = runfolder.Open(out, "")
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	checkSnapshot(t, out, b, "the switched-in run")
	checkNoTemps(t, out)
}

// TestFitConfigConcurrent starts a second fit into a folder while a first
// trains there: it is refused, naming the folder and the first's process,
// before it trains or touches a file. Before, both ran. Once the first
// ends, a fit into the folder runs.
func TestFitConfigConcurrent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "run")
	training, release := make(chan struct{}), make(chan struct{})
	type result struct {
		run *Run
		err error
	}
	first := make(chan result, 1)
	go func() {
		o := FitOptions{afterStep: func(epoch, step int) {
			if epoch == 2 && step == 1 {
				close(training)
				<-release
			}
		}}
		run, err := FitConfig(context.Background(), parseTestConfig(t, dir, runFolderConfig(t, dir, out, 1)), o)
		first <- result{run, err}
	}()
	<-training
	before := snapshot(t, out)
	trained := false
	run, err := fitInto(t, dir, runFolderConfig(t, dir, out, 2), FitOptions{Progress: func(EpochStats, int) { trained = true }})
	var e *inputerr.Error
	if !errors.As(err, &e) || run != nil || e.File != out || !strings.Contains(err.Error(), fmt.Sprintf("in use by another fit (process %d)", os.Getpid())) {
		t.Errorf("the second FitConfig = %v, %v; want an input error naming %s and process %d", run, err, out, os.Getpid())
	}
	if trained {
		t.Error("the second fit trained")
	}
	checkSnapshot(t, out, before, "what it held before the second fit")
	close(release)
	if r := <-first; r.err != nil || r.run == nil {
		t.Fatalf("the first FitConfig = %v, %v", r.run, r.err)
	}
	if _, err := fitInto(t, dir, runFolderConfig(t, dir, out, 2), FitOptions{}); err != nil {
		t.Errorf("a fit after the first ended: %v", err)
	}
}

// envKilledFit names the folder of TestFitConfigKilled's child.
const envKilledFit = "MLPTRAIN_TEST_KILLED_FIT"

// TestFitConfigKilled has a child process (this test binary) train into a
// run folder that holds a finished run, and kills it with SIGKILL while
// it trains: no cleanup runs, yet the lock it held does not block the
// next fit, and the folder still holds the finished run.
func TestFitConfigKilled(t *testing.T) {
	if dir := os.Getenv(envKilledFit); dir != "" {
		killedFitChild(t, dir)
		return
	}
	if testing.Short() {
		t.Skip("starts a child process")
	}
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "run")
	if _, err := fitInto(t, dir, runFolderConfig(t, dir, out, 1), FitOptions{}); err != nil {
		t.Fatal(err)
	}
	a := snapshot(t, out)

	cmd := exec.Command(os.Args[0], "-test.run=^TestFitConfigKilled$")
	cmd.Env = append(os.Environ(), envKilledFit+"="+dir)
	stdin, err := cmd.StdinPipe() // the child waits on it, until killed
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "training\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the child said %q (%v), want training", line, err)
	}
	_, err = fitInto(t, dir, runFolderConfig(t, dir, out, 3), FitOptions{})
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("(process %d)", cmd.Process.Pid)) {
		t.Errorf("a fit while the child trains: %v, want it refused naming process %d", err, cmd.Process.Pid)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	checkSnapshot(t, out, a, "the finished run")
	if _, err := fitInto(t, dir, runFolderConfig(t, dir, out, 3), FitOptions{}); err != nil {
		t.Errorf("a fit after the child was killed: %v", err)
	}
	checkNoTemps(t, out)
}

// killedFitChild is the child of TestFitConfigKilled: it trains into
// dir/run, says so at the first step of epoch 2, and waits for its stdin
// to close.
func killedFitChild(t *testing.T, dir string) {
	o := FitOptions{afterStep: func(epoch, step int) {
		if epoch == 2 && step == 1 {
			os.Stdout.WriteString("training\n")
			io.Copy(io.Discard, os.Stdin)
			os.Exit(0)
		}
	}}
	if _, err := fitInto(t, dir, runFolderConfig(t, dir, filepath.Join(dir, "run"), 2), o); err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
	}
	os.Exit(3)
}

// TestResumeUnfinishedRun resumes a run folder whose last run did not
// finish (killed while training, or its files could not be written),
// which left its checkpoint in .mlptrain/next: fit --resume continues
// that run, not the finished one whose files the folder holds, and ends
// with the model of an uninterrupted run. Resuming it with the finished
// run's config is refused with a hint to remove it.
func TestResumeUnfinishedRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out, whole, part := filepath.Join(dir, "run"), filepath.Join(dir, "whole"), filepath.Join(dir, "part")
	if _, err := fitInto(t, dir, runFolderConfig(t, dir, out, 1), FitOptions{}); err != nil {
		t.Fatal(err)
	}
	configB := func(out string) string { return runFolderConfig(t, dir, out, 2) }
	fitUntil(t, strings.TrimSuffix(configB(whole), fmt.Sprintf("output: {dir: %s}\n", q(whole))), whole, false, stopAt{})
	fitUntil(t, strings.TrimSuffix(configB(part), fmt.Sprintf("output: {dir: %s}\n", q(part))), part, false, stopAt{2, 1})
	// What a run B killed while training in out leaves there.
	if err := os.MkdirAll(filepath.Join(out, runfolder.MetaDir, runfolder.NextName), 0o755); err != nil {
		t.Fatal(err)
	}
	writeTestFile(t, filepath.Join(out, runfolder.MetaDir, runfolder.NextName), "checkpoint.json", mustRead(t, filepath.Join(part, "checkpoint.json")))

	ck, err := LoadCheckpoint(filepath.Join(out, "checkpoint.json"))
	if err != nil || ck.path != filepath.Join(out, runfolder.MetaDir, runfolder.NextName, "checkpoint.json") {
		t.Fatalf("LoadCheckpoint = %v (read %s), want the unfinished run's", err, ck.path)
	}
	_, err = fitInto(t, dir, runFolderConfig(t, dir, out, 1), FitOptions{Resume: ck})
	if err == nil || !strings.Contains(err.Error(), "another config") || !strings.Contains(err.Error(), "remove "+filepath.Join(out, runfolder.MetaDir, runfolder.NextName)) {
		t.Errorf("resuming the unfinished run with the finished one's config: %v, want a hint to remove it", err)
	}
	run, err := fitInto(t, dir, configB(out), FitOptions{Resume: ck})
	if err != nil || run.Report.Stopped != StopCompleted {
		t.Fatalf("FitConfig = %v, %v", run, err)
	}
	if mustRead(t, filepath.Join(out, "model.json")) != mustRead(t, filepath.Join(whole, "model.json")) {
		t.Error("the resumed unfinished run's model.json differs from an uninterrupted run's")
	}
	checkNoTemps(t, out)
}

// TestFitConfigNotARunFolder fits into folders that hold files a fit does
// not write (a project's sources, a sweep's files): each is refused,
// naming the folder and what it holds, and left as it was. Before, a fit
// wrote its files among them. An empty folder, an earlier run's and one
// with a killed write's temporary file are run folders.
func TestFitConfigNotARunFolder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct {
		name  string
		files []string
		want  string // in the message; "" for a run folder
	}{
		{"sources", []string{"main.go", "go.mod"}, `not a run folder: it holds "go.mod", "main.go", which a fit does not write`},
		{"a sweep's folder", []string{"sweep.csv", "sweep.json", "sweep.png", "a", "b"}, `not a run folder: it holds "a", "b", "sweep.csv" and 2 more`},
		{"a hidden file", []string{".bashrc"}, `".bashrc"`},
		{"a folder named as a run file", []string{"model.json/x"}, `"model.json" (a folder)`},
		{"empty", nil, ""},
		{"an earlier run's", []string{"model.json", "metrics.csv", "loss.png", "boundary.png"}, ""},
		{"a killed write's temporary file", []string{"model.json", ".model.json-12345"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_"))
			if err := os.MkdirAll(out, 0o755); err != nil {
				t.Fatal(err)
			}
			for _, f := range tc.files {
				if err := os.MkdirAll(filepath.Join(out, filepath.Dir(f)), 0o755); err != nil {
					t.Fatal(err)
				}
				writeTestFile(t, out, f, "x")
			}
			before := dirNames(t, out)
			_, err := fitInto(t, dir, runFolderConfig(t, dir, out, 1), FitOptions{})
			if tc.want == "" {
				if err != nil {
					t.Fatalf("fit into %v: %v", tc.files, err)
				}
				return
			}
			var e *inputerr.Error
			if !errors.As(err, &e) || e.File != out || e.Key != "output.dir" || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("fit into %v: %v, want an input error naming %s and saying %q", tc.files, err, out, tc.want)
			}
			if after := dirNames(t, out); !slices.Equal(after, before) {
				t.Errorf("the folder changed: %v, was %v", after, before)
			}
		})
	}
}
