package atomicfile

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// oldContent is what a file holds before a write that must not touch it.
const oldContent = "the old file, whole\n"

// atomicDir returns a fresh folder holding only name with oldContent.
func atomicDir(t *testing.T, name string) (dir, path string) {
	t.Helper()
	dir = t.TempDir()
	path = filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(oldContent), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, path
}

// dirNames lists the names in dir, sorted.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}

// checkUntouched fails unless path still holds oldContent and dir holds
// nothing but the names in want.
func checkUntouched(t *testing.T, dir, path string, want ...string) {
	t.Helper()
	if got := readString(t, path); got != oldContent {
		t.Errorf("%s holds %q, want the old content %q", path, headString(got), oldContent)
	}
	slices.Sort(want)
	if got := dirNames(t, dir); !slices.Equal(got, want) {
		t.Errorf("folder holds %q, want %q", got, want)
	}
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func headString(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// errHalfway is the error of a write function that gives up.
var errHalfway = errors.New("disk full (simulated)")

// TestWrite checks that Write replaces a file whole,
// and that every way of failing leaves the old file as it was and no
// temporary file behind.
func TestWrite(t *testing.T) {
	t.Parallel()
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB, past the 64 KiB buffer
	t.Run("success", func(t *testing.T) {
		t.Parallel()
		dir, path := atomicDir(t, "model.json")
		if err := Write(path, func(w io.Writer) error { _, err := w.Write(big); return err }); err != nil {
			t.Fatal(err)
		}
		if got := readString(t, path); got != string(big) {
			t.Errorf("the file holds %d bytes, want the %d written", len(got), len(big))
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
			t.Errorf("mode %v (%v), want 0644", fi.Mode(), err)
		}
		checkNames(t, dir, "model.json")
	})
	for _, tc := range []struct {
		name  string
		write func(w io.Writer) error
		want  string // substring of the error
	}{
		{"fails at once", func(io.Writer) error { return errHalfway }, "disk full"},
		{"fails halfway", func(w io.Writer) error {
			if _, err := w.Write(big[:len(big)/2]); err != nil {
				return err
			}
			return errHalfway
		}, "disk full"},
		{"fails after writing all", func(w io.Writer) error {
			if _, err := w.Write(big); err != nil {
				return err
			}
			return errHalfway
		}, "disk full"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir, path := atomicDir(t, "model.json")
			err := Write(path, tc.write)
			if err == nil || !errors.Is(err, errHalfway) || !strings.Contains(err.Error(), path) {
				t.Errorf("error %v, want one wrapping %q and naming %s", err, errHalfway, path)
			}
			checkUntouched(t, dir, path, "model.json")
		})
	}
	t.Run("panics halfway", func(t *testing.T) {
		t.Parallel()
		dir, path := atomicDir(t, "model.json")
		func() {
			defer func() {
				if recover() == nil {
					t.Error("the panic did not reach the caller")
				}
			}()
			Write(path, func(w io.Writer) error {
				w.Write(big[:len(big)/2])
				panic("write: a bug")
			})
		}()
		checkUntouched(t, dir, path, "model.json")
	})
	t.Run("target is a folder", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		path := filepath.Join(dir, "model.json")
		if err := os.Mkdir(path, 0o755); err != nil {
			t.Fatal(err)
		}
		err := Write(path, func(w io.Writer) error { _, err := w.Write(big); return err })
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("error %v, want one naming %s", err, path)
		}
		checkNames(t, dir, "model.json")
	})
	t.Run("folder missing", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "missing", "model.json")
		err := Write(path, func(io.Writer) error { t.Error("write called"); return nil })
		if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), path) {
			t.Errorf("error %v, want one wrapping %v and naming %s", err, os.ErrNotExist, path)
		}
	})
}

// checkNames fails unless dir holds exactly the names in want.
func checkNames(t *testing.T, dir string, want ...string) {
	t.Helper()
	slices.Sort(want)
	if got := dirNames(t, dir); !slices.Equal(got, want) {
		t.Errorf("folder holds %q, want %q", got, want)
	}
}

// Environment of the child process of TestWriteKilled.
const (
	envKillDir = "MLPTRAIN_TEST_ATOMIC_KILL_DIR"
	// killHalf is what the child writes before it says it is ready and
	// waits to be killed: 8 MiB, many times the write buffer, so that
	// some of it is surely in the temporary file.
	killHalf = 8 << 20
)

// TestWriteKilled runs a Write of 16 MiB in a child process (this test
// binary, run again), kills it with SIGKILL when half is written, and
// checks that the old file is intact. No deferred cleanup runs after
// SIGKILL, so the one thing a kill may leave behind is the temporary file,
// named ".model.json-*": the run folder holds it beside the intact
// model.json until RemoveTemps deletes it.
func TestWriteKilled(t *testing.T) {
	if dir := os.Getenv(envKillDir); dir != "" {
		killChild(dir)
		return
	}
	if testing.Short() {
		t.Skip("starts a child process")
	}
	t.Parallel()
	dir, path := atomicDir(t, "model.json")
	ready := filepath.Join(t.TempDir(), "ready")
	cmd := exec.Command(os.Args[0], "-test.run=^TestWriteKilled$", "-test.v")
	cmd.Env = append(os.Environ(), envKillDir+"="+dir, envKillDir+"_READY="+ready)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		if _, err := os.Stat(ready); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("the child never got halfway; its output:\n%s", out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child ended with %v, want killed by SIGKILL; its output:\n%s", err, out.String())
	}

	if got := readString(t, path); got != oldContent {
		t.Errorf("after the kill model.json holds %q, want the old content", headString(got))
	}
	var temps []string
	for _, name := range dirNames(t, dir) {
		switch {
		case name == "model.json":
		case strings.HasPrefix(name, ".model.json-"):
			temps = append(temps, name)
		default:
			t.Errorf("unexpected file %s after the kill", name)
		}
	}
	if len(temps) != 1 {
		t.Fatalf("temporary files %q, want exactly one stray .model.json-*", temps)
	}
	fi, err := os.Stat(filepath.Join(dir, temps[0]))
	if err != nil {
		t.Fatal(err)
	}
	// The kill came in the middle of the write: part of the data reached
	// the temporary file, not all.
	if fi.Size() == 0 || fi.Size() > 2*killHalf {
		t.Errorf("the stray temporary file holds %d bytes, want some of the %d written", fi.Size(), killHalf)
	}

	// RemoveTemps deletes the stray file and nothing else.
	RemoveTemps(dir, "config.yaml", "model.json")
	checkUntouched(t, dir, path, "model.json")
}

// killChild is the child of TestWriteKilled: it writes half of
// a large model.json, says so by creating the ready file, and waits.
func killChild(dir string) {
	ready := os.Getenv(envKillDir + "_READY")
	err := Write(filepath.Join(dir, "model.json"), func(w io.Writer) error {
		chunk := bytes.Repeat([]byte("x"), 1<<16)
		for n := 0; n < killHalf; n += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return err
			}
		}
		if err := os.WriteFile(ready, nil, 0o644); err != nil {
			return err
		}
		time.Sleep(time.Minute) // killed long before
		return errors.New("not killed")
	})
	// Reached only if the parent failed to kill: exit without the rest
	// of the test.
	os.Stderr.WriteString("child: Write returned " + errString(err) + "\n")
	os.Exit(3)
}

func errString(err error) string {
	if err == nil {
		return "nil"
	}
	return err.Error()
}
