package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/mlptrain/mlptrain/internal/atomicfile"
)

// failingWriter fails every write as an *os.File does when the system
// refuses it.
type failingWriter struct{ errno syscall.Errno }

func (w failingWriter) Write([]byte) (int, error) {
	return 0, &fs.PathError{Op: "write", Path: "/dev/stdout", Err: w.errno}
}

// runTo runs args in process with stdout going to w.
func runTo(t *testing.T, w io.Writer, args ...string) result {
	t.Helper()
	var stderr bytes.Buffer
	code := run(context.Background(), args, w, &stderr)
	return result{code: code, stderr: stderr.String()}
}

// stdoutCommands are command lines that print results on stdout, one of
// each kind of output; model is a model trained on XOR.
func stdoutCommands(model, tmp string) [][]string {
	return [][]string{
		{"fit", "configs/xor.yaml", "--quiet", "--epochs", "2", "--out", filepath.Join(tmp, "fit")},
		{"fit", "configs/xor.yaml", "--quiet", "--epochs", "2", "--json", "--out", filepath.Join(tmp, "fit-json")},
		// A missed gate (exit 4) whose report did not reach stdout: the
		// failed write wins.
		{"fit", "configs/xor.yaml", "--quiet", "--epochs", "2", "--json", "--fail-under", "accuracy=1.01", "--out", filepath.Join(tmp, "fit-gate")},
		{"eval", model, "datasets/xor.csv"},
		{"eval", model, "datasets/xor.csv", "--json"},
		{"predict", model, "datasets/xor.csv"},
		{"gradcheck", "configs/xor.yaml"},
		{"gradcheck", "configs/xor.yaml", "--json"},
		{"graph", "configs/xor.yaml"},
		{"graph", "configs/xor.yaml", "--dot"},
		{"sweep", "configs/sine.yaml", "--grid", "train.l2=0,0.01", "--epochs", "2", "--quiet", "--out", filepath.Join(tmp, "sweep")},
		{"sweep", "configs/sine.yaml", "--grid", "train.l2=0,0.01", "--epochs", "2", "--quiet", "--json", "--out", filepath.Join(tmp, "sweep-json")},
		{"--help"},
		{"fit", "--help"},
		{"--version"},
	}
}

// trainXOR trains a model on XOR for the commands that read one.
func trainXOR(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "xor")
	mustRun(t, "fit", "configs/xor.yaml", "--quiet", "--epochs", "2", "--out", dir)
	return filepath.Join(dir, "model.json")
}

// TestStdoutFull checks that every command whose stdout goes to a full
// device (/dev/full) exits 2 with one line naming stdout, not 1 with a
// request to report a bug: issue 17, item 8.
func TestStdoutFull(t *testing.T) {
	chdirRoot(t)
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no /dev/full to write to: %v", err)
	}
	defer full.Close()
	model, tmp := trainXOR(t), t.TempDir()
	for _, args := range stdoutCommands(model, tmp) {
		t.Run(strings.Join(args[:min(2, len(args))], " "), func(t *testing.T) {
			r := runTo(t, full, args...)
			if r.code != exitInput {
				t.Fatalf("mlptrain %s > /dev/full: exit status %d, want %d\nstderr:\n%s", strings.Join(args, " "), r.code, exitInput, r.stderr)
			}
			checkStderr(t, r.stderr, false, false)
			const want = "mlptrain: stdout: cannot write: no space left on device (hint: stdout goes to a full disk or device; "
			if !strings.HasPrefix(r.stderr, want) {
				t.Errorf("stderr = %q, want it to start with %q", r.stderr, want)
			}
		})
	}
}

// ioFailure is a failure of a file system or device with its hints for a
// file and for stdout.
type ioFailure struct {
	errno       syscall.Errno
	file, stdio string
}

// ioFailures returns every failure atomicfile.ErrnoHint knows, with its
// hints, and fails t if stdout's table does not know the same ones.
func ioFailures(t *testing.T) []ioFailure {
	t.Helper()
	var list []ioFailure
	for _, errno := range atomicfile.KnownErrnos() {
		file, _ := atomicfile.ErrnoHint(errno)
		stdio, ok := stdioHints[errno]
		if !ok {
			t.Errorf("%v: a file's failure that stdout's table (stdioHints) does not know", errno)
		}
		list = append(list, ioFailure{errno, file, stdio})
	}
	if len(list) != len(stdioHints) {
		t.Errorf("stdioHints knows %d failures, atomicfile %d", len(stdioHints), len(list))
	}
	return list
}

// TestStdoutFailures checks the other ways a write to stdout fails: each
// is exit status 2 with one line naming stdout, the cause and its hint.
func TestStdoutFailures(t *testing.T) {
	chdirRoot(t)
	model, tmp := trainXOR(t), t.TempDir()
	cmds := stdoutCommands(model, tmp)
	for _, e := range ioFailures(t) {
		for _, args := range [][]string{cmds[1], cmds[5]} { // fit --json, predict
			t.Run(e.errno.Error()+"/"+args[0], func(t *testing.T) {
				args := append([]string(nil), args...)
				if args[0] == "fit" {
					args[len(args)-1] = filepath.Join(t.TempDir(), "run")
				}
				r := runTo(t, failingWriter{e.errno}, args...)
				if r.code != exitInput {
					t.Fatalf("exit status %d, want %d\nstderr:\n%s", r.code, exitInput, r.stderr)
				}
				checkStderr(t, r.stderr, false, false)
				want := fmt.Sprintf("mlptrain: stdout: cannot write: %v (hint: %s)\n", e.errno, e.stdio)
				if r.stderr != want {
					t.Errorf("stderr = %q, want %q", r.stderr, want)
				}
			})
		}
	}
}

// TestStdoutClosed checks that a reader that closes stdout early, as
// "| head -1" does, ends the command quietly with status 141, the status
// of a process that SIGPIPE ended: no message, and fit's run folder whole.
// (The built binary is ended by SIGPIPE itself; tests/e2e/faults.sh checks
// it.)
func TestStdoutClosed(t *testing.T) {
	chdirRoot(t)
	model, tmp := trainXOR(t), t.TempDir()
	for _, args := range stdoutCommands(model, tmp) {
		t.Run(strings.Join(args[:min(2, len(args))], " "), func(t *testing.T) {
			pr, pw, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			pr.Close()
			r := runTo(t, pw, args...)
			pw.Close()
			if r.code != exitBrokenPipe || r.stderr != "" {
				t.Errorf("mlptrain %s | (closed): exit status %d, stderr %q; want %d and nothing", strings.Join(args, " "), r.code, r.stderr, exitBrokenPipe)
			}
			if args[0] == "fit" && args[len(args)-2] == "--out" {
				if _, err := os.Stat(filepath.Join(args[len(args)-1], "report.json")); err != nil {
					t.Errorf("the run folder was not written: %v", err)
				}
			}
		})
	}
}

// TestExitCodeIOFailure checks the message and status of a file that
// cannot be written, for every cause mlptrain expects of a file system,
// wrapped as internal/atomicfile wraps it: exit status 2, one line naming
// the file (not the temporary one) with the cause and a hint.
func TestExitCodeIOFailure(t *testing.T) {
	const path = "runs/x/model.json"
	for _, e := range ioFailures(t) {
		for _, tc := range []struct {
			name string
			err  error
			want string
		}{
			{"create", fmt.Errorf("write %s: %w", path, &fs.PathError{Op: "open", Path: "runs/x/.model.json-123", Err: e.errno}),
				"mlptrain: write runs/x/model.json: " + e.errno.Error()},
			{"rename", fmt.Errorf("write %s: %w", path, &os.LinkError{Op: "rename", Old: "runs/x/.model.json-123", New: path, Err: e.errno}),
				"mlptrain: write runs/x/model.json: " + e.errno.Error()},
			{"sweep point", fmt.Errorf("sweep point train.l2=0: %w", fmt.Errorf("write %s: %w", path, &fs.PathError{Op: "sync", Path: "runs/x/.model.json-123", Err: e.errno})),
				"mlptrain: sweep point train.l2=0: write runs/x/model.json: " + e.errno.Error()},
			// An error that is nothing but the *fs.PathError keeps its path.
			{"bare", &fs.PathError{Op: "open", Path: path, Err: e.errno},
				"mlptrain: open runs/x/model.json: " + e.errno.Error()},
		} {
			t.Run(e.errno.Error()+"/"+tc.name, func(t *testing.T) {
				var stderr bytes.Buffer
				if code := exitCode(tc.err, &stderr); code != exitInput {
					t.Errorf("exitCode(%v) = %d, want %d", tc.err, code, exitInput)
				}
				if want := tc.want + " (hint: " + e.file + ")\n"; stderr.String() != want {
					t.Errorf("stderr = %q, want %q", stderr.String(), want)
				}
			})
		}
	}
	// A closed pipe is quiet.
	var stderr bytes.Buffer
	if code := exitCode(fmt.Errorf("write x: %w", syscall.EPIPE), &stderr); code != exitBrokenPipe || stderr.Len() != 0 {
		t.Errorf("exitCode(EPIPE) = %d, stderr %q; want %d and nothing", code, stderr.String(), exitBrokenPipe)
	}
	// Other errors of the os package stay bugs.
	stderr.Reset()
	if code := exitCode(&fs.PathError{Op: "write", Path: path, Err: os.ErrClosed}, &stderr); code != exitInternal {
		t.Errorf("exitCode(write on a closed file) = %d, want %d", code, exitInternal)
	}
}

// mountOrSkip mounts a file system of type fstype (data its options) on
// dir with flags, or skips t when this user may not mount (it takes root);
// the mount is undone when t ends, unless flags remount dir.
func mountOrSkip(t *testing.T, source, dir, fstype string, flags uintptr, data string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a file system takes root")
	}
	if err := syscall.Mount(source, dir, fstype, flags, data); err != nil {
		t.Skipf("cannot mount %q on %s: %v", source+fstype, dir, err)
	}
	if flags&syscall.MS_REMOUNT != 0 {
		return
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
}

// fillDisk writes a file in dir until its file system is full.
func fillDisk(t *testing.T, dir string) {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	block := make([]byte, 4096)
	for {
		if _, err := f.Write(block); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling %s: %v, want ENOSPC", dir, err)
			}
			return
		}
	}
}

// TestFullDisk writes a run folder, a sweep folder and predictions on a
// full tmpfs: exit status 2 and one line naming the file and the cause,
// not 1 with a request to report a bug. It needs root to mount the tmpfs.
func TestFullDisk(t *testing.T) {
	chdirRoot(t)
	model := trainXOR(t)
	dir := t.TempDir()
	mountOrSkip(t, "tmpfs", dir, "tmpfs", 0, "size=64k")
	fillDisk(t, dir)
	for _, tc := range []struct {
		name string
		args []string
		want string // the start of the message, after "mlptrain: "
	}{
		{"fit", []string{"fit", "configs/iris.yaml", "--quiet", "--out", filepath.Join(dir, "run")}, filepath.Join(dir, "run") + ": output.dir: cannot write the run folder: "},
		{"fit --json", []string{"fit", "configs/iris.yaml", "--quiet", "--json", "--out", filepath.Join(dir, "run-json")}, filepath.Join(dir, "run-json") + ": output.dir: cannot write the run folder: "},
		{"sweep", []string{"sweep", "configs/sine.yaml", "--grid", "train.l2=0,0.01", "--epochs", "2", "--quiet", "--out", filepath.Join(dir, "sweep")}, ""},
		{"predict -o", []string{"predict", model, "datasets/xor.csv", "-o", filepath.Join(dir, "p.csv")}, filepath.Join(dir, "p.csv") + ": cannot write the predictions: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkIOFailure(t, tc.args, tc.want, dir, "no space left on device (hint: the disk is full; ")
		})
	}
}

// checkIOFailure runs args and wants the I/O failure's exit status 2, one
// line starting "mlptrain: "+want, naming a file in dir and saying cause,
// and nothing on stdout.
func checkIOFailure(t *testing.T, args []string, want, dir, cause string) {
	t.Helper()
	r := runCLI(t, args...)
	if r.code != exitInput {
		t.Fatalf("mlptrain %s: exit status %d, want %d\nstderr:\n%s", strings.Join(args, " "), r.code, exitInput, r.stderr)
	}
	t.Log(strings.TrimSpace(r.stderr))
	checkStderr(t, r.stderr, false, false)
	if !strings.HasPrefix(r.stderr, "mlptrain: "+want) || !strings.Contains(r.stderr, dir+"/") || !strings.Contains(r.stderr, cause) {
		t.Errorf("stderr = %q, want it to start %q, name a file in %s and say %q", r.stderr, "mlptrain: "+want, dir, cause)
	}
	if r.stdout != "" {
		t.Errorf("stdout = %q, want empty", r.stdout)
	}
}

// TestReadOnlyMount writes a run folder, a sweep folder and predictions
// on a read-only bind mount, where root is refused too: exit status 2 and
// one line naming the folder or file. It needs root to mount.
func TestReadOnlyMount(t *testing.T) {
	chdirRoot(t)
	model := trainXOR(t)
	src, dir := t.TempDir(), t.TempDir()
	// An earlier run's folder, which a new fit would replace.
	mustRun(t, "fit", "configs/xor.yaml", "--quiet", "--epochs", "2", "--out", filepath.Join(src, "old"))
	mountOrSkip(t, src, dir, "", syscall.MS_BIND, "")
	mountOrSkip(t, "", dir, "", syscall.MS_BIND|syscall.MS_REMOUNT|syscall.MS_RDONLY, "")
	for _, tc := range []struct {
		name string
		args []string
		want string // the start of the message, after "mlptrain: "
	}{
		{"fit into a new folder", []string{"fit", "configs/xor.yaml", "--quiet", "--out", filepath.Join(dir, "run")}, filepath.Join(dir, "run") + ": output.dir: cannot write the run folder: read-only file system"},
		{"fit over an earlier run", []string{"fit", "configs/xor.yaml", "--quiet", "--json", "--out", filepath.Join(dir, "old")}, filepath.Join(dir, "old") + ": output.dir: cannot write the run folder: read-only file system"},
		{"fit --resume", []string{"fit", "configs/xor.yaml", "--quiet", "--resume", filepath.Join(dir, "old")}, filepath.Join(dir, "old") + ": output.dir: cannot write the run folder: read-only file system"},
		{"sweep", []string{"sweep", "configs/sine.yaml", "--grid", "train.l2=0,0.01", "--epochs", "2", "--quiet", "--out", filepath.Join(dir, "sweep")}, ""},
		{"predict -o", []string{"predict", model, "datasets/xor.csv", "-o", filepath.Join(dir, "p.csv")}, filepath.Join(dir, "p.csv") + ": cannot write the predictions: read-only file system (hint: the file system is read-only; "},
	} {
		t.Run(tc.name, func(t *testing.T) { checkIOFailure(t, tc.args, tc.want, dir, "read-only file system") })
	}
}
