package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain runs the command line itself when GO_TEST_RUN_MLPTRAIN is set, so
// that tests can start the test binary as separate mlptrain processes
// (the shards of a sweep).
func TestMain(m *testing.M) {
	if os.Getenv("GO_TEST_RUN_MLPTRAIN") == "1" {
		main()
	}
	os.Exit(m.Run())
}

// startCLI starts mlptrain args as a separate process (the test binary).
func startCLI(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), "GO_TEST_RUN_MLPTRAIN=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &stderr
}

// sameFiles fails t unless each file names is the same in folders a and b,
// the folders' own paths replaced.
func sameFiles(t *testing.T, a, b string, names ...string) {
	t.Helper()
	for _, name := range names {
		x := strings.ReplaceAll(readFile(t, filepath.Join(a, name)), a, "DIR")
		y := strings.ReplaceAll(readFile(t, filepath.Join(b, name)), b, "DIR")
		if x != y {
			t.Errorf("%s: one process and the collected shards differ:\n%s", name, lineDiff(x, y))
		}
	}
}

// TestShardedSweep runs a sweep as three shard processes at once into one
// folder, then collects it: the same sweep.json, sweep.csv and sweep.png
// as one process.
func TestShardedSweep(t *testing.T) {
	chdirRoot(t)
	tmp := t.TempDir()
	args := []string{"sweep", "configs/sine.yaml", "--grid", "train.learning_rate=0.001,0.01,0.1", "--grid", "model.width=4,8", "--epochs", "15", "--quiet"}
	sharded, one := filepath.Join(tmp, "sharded"), filepath.Join(tmp, "one")
	var cmds []*exec.Cmd
	var errs []*bytes.Buffer
	for k := range 3 {
		c, e := startCLI(t, append(args, "--out", sharded, "--shard", fmt.Sprintf("%d/3", k))...)
		cmds, errs = append(cmds, c), append(errs, e)
	}
	for k, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("shard %d/3: %v\n%s", k, err, errs[k])
		}
	}
	if _, err := os.Stat(filepath.Join(sharded, "sweep.json")); err == nil {
		t.Errorf("the shards wrote sweep.json; only collect may")
	}
	r := runCLI(t, "sweep", "collect", sharded, "--json")
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("sweep collect: exit %d, want 0 and a quiet stderr\n%s", r.code, r.stderr)
	}
	mustRun(t, append(args, "--out", one)...)
	sameFiles(t, one, sharded, "sweep.json", "sweep.csv")
	if readFile(t, filepath.Join(one, "sweep.png")) != readFile(t, filepath.Join(sharded, "sweep.png")) {
		t.Errorf("sweep.png: one process and the collected shards differ")
	}
	if got := strings.ReplaceAll(r.stdout, sharded, "DIR"); got != strings.ReplaceAll(readFile(t, filepath.Join(one, "sweep.json")), one, "DIR") {
		t.Errorf("collect --json is not sweep.json:\n%s", got)
	}
	// A collect of a folder whose shards are all there, again: the same.
	mustRun(t, "sweep", "collect", sharded, "--quiet")
	sameFiles(t, one, sharded, "sweep.json")
}

// TestShardMissing collects before every shard has run: the index is
// written with the missing points not_run, listed on stderr, exit 4 (0
// with --allow-missing); the missing shard then runs, and collect is whole.
func TestShardMissing(t *testing.T) {
	chdirRoot(t)
	dir := filepath.Join(t.TempDir(), "sw")
	args := []string{"sweep", "configs/sine.yaml", "--grid", "train.learning_rate=0.001,0.01,0.1", "--epochs", "3", "--quiet", "--out", dir}
	mustRun(t, append(args, "--shard", "0/2")...)
	r := runCLI(t, "sweep", "collect", dir, "--json")
	if r.code != exitGate || !strings.Contains(r.stderr, "#1 train.learning_rate=0.01: shard 1 of 2 has not run") || !strings.Contains(r.stderr, "1 points without a result") {
		t.Fatalf("collect with shard 1/2 missing: exit %d, want 4\n%s", r.code, r.stderr)
	}
	var doc sweepDoc
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || doc.Points[1].Stopped != "not_run" || doc.Best == nil {
		t.Fatalf("collect with shard 1/2 missing: %v %+v", err, doc)
	}
	if r := runCLI(t, "sweep", "collect", dir, "--allow-missing", "--quiet"); r.code != exitOK || r.stderr != "" {
		t.Errorf("collect --allow-missing --quiet: exit %d, stderr %q", r.code, r.stderr)
	}
	mustRun(t, append(args, "--shard", "1/2")...)
	if r := runCLI(t, "sweep", "collect", dir); r.code != exitOK {
		t.Errorf("collect of both shards: exit %d\n%s", r.code, r.stderr)
	}
	// An unsharded sweep into the folder replaces the shards' state.
	mustRun(t, args...)
	if _, err := os.Stat(filepath.Join(dir, ".mlptrain")); err == nil {
		t.Errorf("an unsharded sweep left the shards' state")
	}
}

// TestShardResume kills a shard with SIGKILL while it trains its second
// point: run again, it keeps the first point (its files are not written
// again) and trains the others, and collect gives one process's
// sweep.json.
func TestShardResume(t *testing.T) {
	chdirRoot(t)
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "sw")
	// The second point trains for seconds, the others for a fraction of
	// one: the kill lands in the second point's fit, however fast the
	// machine (sine's epochs took microseconds, and the shard could end
	// before the kill).
	args := []string{"sweep", "configs/cells_plain.yaml", "--grid", "train.epochs=2,500,3", "--quiet", "--jobs", "1"}
	c, stderr := startCLI(t, append(args, "--out", dir, "--shard", "0/1")...)
	exited := make(chan error, 1)
	go func() { exited <- c.Wait() }()
	manifest := filepath.Join(dir, ".mlptrain", "shard-0-of-1.json")
	deadline := time.Now().Add(2 * time.Minute)
	for {
		b, _ := os.ReadFile(manifest)
		if bytes.Contains(b, []byte(`"stopped": "completed"`)) {
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("the shard ended before it was killed: %v\n%s", err, stderr)
		default:
		}
		if time.Now().After(deadline) {
			c.Process.Kill()
			t.Fatalf("no point finished within 2 minutes\n%s", stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // into the second point's fit
	if err := c.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if err := <-exited; err == nil {
		t.Fatalf("the shard ended before it was killed (make its points longer)")
	}
	first := filepath.Join(dir, "0_train.epochs=2", "model.json")
	before, err := os.Stat(first)
	if err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, append(args, "--out", dir, "--shard", "0/1")...)
	if r.code != exitOK {
		t.Fatalf("the shard run again: exit %d\n%s", r.code, r.stderr)
	}
	after, err := os.Stat(first)
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(before, after) || !before.ModTime().Equal(after.ModTime()) {
		t.Errorf("the finished point was trained again")
	}
	mustRun(t, "sweep", "collect", dir, "--quiet")
	one := filepath.Join(tmp, "one")
	mustRun(t, append(args, "--out", one)...)
	sameFiles(t, one, dir, "sweep.json", "sweep.csv")
}

// TestShardedCV runs a cross-validation as two shards, then collects it:
// the cv.json and cv.png of one process.
func TestShardedCV(t *testing.T) {
	chdirRoot(t)
	tmp := t.TempDir()
	args := []string{"cv", "configs/iris.yaml", "--folds", "5", "--epochs", "10", "--quiet"}
	sharded, one := filepath.Join(tmp, "sharded"), filepath.Join(tmp, "one")
	for k := range 2 {
		mustRun(t, append(args, "--out", sharded, "--shard", fmt.Sprintf("%d/2", k))...)
	}
	if _, err := os.Stat(filepath.Join(sharded, "cv.json")); err == nil {
		t.Errorf("the shards wrote cv.json; only collect may")
	}
	mustRun(t, "cv", "collect", sharded)
	mustRun(t, append(args, "--out", one)...)
	sameFiles(t, one, sharded, "cv.json")
	if readFile(t, filepath.Join(one, "cv.png")) != readFile(t, filepath.Join(sharded, "cv.png")) {
		t.Errorf("cv.png: one process and the collected shards differ")
	}
}

// TestShardAuto reads the shard from Slurm's and Kubernetes' variables.
func TestShardAuto(t *testing.T) {
	chdirRoot(t)
	dir := filepath.Join(t.TempDir(), "sw")
	args := []string{"sweep", "configs/sine.yaml", "--grid", "train.learning_rate=0.001,0.01,0.1", "--epochs", "2", "--out", dir, "--json", "--quiet", "--shard", "auto"}
	for _, tc := range []struct {
		name  string
		env   map[string]string
		extra []string
		want  string
	}{
		{"slurm", map[string]string{"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_MIN": "3", "SLURM_ARRAY_TASK_COUNT": "2"}, nil, `"shard": {"index": 1, "count": 2}`},
		{"kubernetes", map[string]string{"JOB_COMPLETION_INDEX": "0"}, []string{"--shards", "2"}, `"shard": {"index": 0, "count": 2}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_STEP", "JOB_COMPLETION_INDEX"} {
				t.Setenv(k, tc.env[k])
			}
			r := mustRun(t, append(args, tc.extra...)...)
			var doc struct {
				Shard struct{ Index, Count int }
			}
			if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprintf(`"shard": {"index": %d, "count": %d}`, doc.Shard.Index, doc.Shard.Count); got != tc.want {
				t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
			}
		})
	}
	mustRun(t, "sweep", "collect", dir, "--quiet")
}
