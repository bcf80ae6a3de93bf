//go:build linux

package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// outputDevice returns a character device node for predict -o: as root, a
// node made in a fresh folder (before the fix, root's predict -o
// /dev/full renamed a regular file over the device node, and a test of
// the system's own node would have replaced it); other users get the
// system's node, which they cannot replace.
func outputDevice(t *testing.T, name string, major, minor uint32) string {
	t.Helper()
	if os.Geteuid() != 0 {
		return "/dev/" + name
	}
	path := filepath.Join(t.TempDir(), name)
	if err := syscall.Mknod(path, syscall.S_IFCHR|0o666, int(major<<8|minor)); err != nil {
		t.Skipf("cannot make a device node: %v", err)
	}
	return path
}

// TestPredictOutputTargets runs predict -o into what is not a plain file
// path: a device, a full device, a FIFO with a reader, a link, a folder.
// Each is written through, followed, or refused with exit 2 and one
// stderr line naming it, and is left what it was.
func TestPredictOutputTargets(t *testing.T) {
	chdirRoot(t)
	run := filepath.Join(t.TempDir(), "run")
	mustRun(t, "fit", "configs/xor.yaml", "--quiet", "--epochs", "2", "--out", run)
	model := filepath.Join(run, "model.json")
	want := mustRun(t, "predict", model, "datasets/xor.csv").stdout
	predict := func(out string) result { return runCLI(t, "predict", model, "datasets/xor.csv", "-o", out) }
	isMode := func(path string, m os.FileMode) bool {
		fi, err := os.Lstat(path)
		return err == nil && fi.Mode()&m != 0
	}

	t.Run("/dev/null", func(t *testing.T) {
		null := outputDevice(t, "null", 1, 3)
		if r := predict(null); r.code != exitOK {
			t.Errorf("predict -o %s: exit status %d, want 0\nstderr:\n%s", null, r.code, r.stderr)
		}
		if !isMode(null, os.ModeCharDevice) {
			t.Errorf("%s is no longer a character device", null)
		}
	})
	t.Run("/dev/full", func(t *testing.T) {
		full := outputDevice(t, "full", 1, 7)
		r := predict(full)
		if r.code != exitInput {
			t.Errorf("predict -o %s: exit status %d, want %d\nstderr:\n%s", full, r.code, exitInput, r.stderr)
		}
		checkStderr(t, r.stderr, false, false)
		if !strings.Contains(r.stderr, full+": cannot write the predictions: no space left on device (hint: the disk is full; free some space") {
			t.Errorf("stderr = %q, want it to name %s, the full disk and a hint", r.stderr, full)
		}
		if !isMode(full, os.ModeCharDevice) {
			t.Errorf("%s is no longer a character device", full)
		}
	})
	t.Run("FIFO", func(t *testing.T) {
		fifo := filepath.Join(t.TempDir(), "fifo")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Skipf("cannot make a FIFO: %v", err)
		}
		// keep, a writer, lets the reader open the FIFO now; closing it
		// after predict ends the reader's input however predict went.
		keep, err := os.OpenFile(fifo, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		reader, err := os.Open(fifo)
		if err != nil {
			keep.Close()
			t.Fatal(err)
		}
		defer reader.Close()
		got := make(chan string, 1)
		go func() { b, _ := io.ReadAll(reader); got <- string(b) }()
		r := predict(fifo)
		keep.Close()
		if r.code != exitOK {
			t.Errorf("predict -o %s: exit status %d, want 0\nstderr:\n%s", fifo, r.code, r.stderr)
		}
		if s := <-got; s != want {
			t.Errorf("the FIFO's reader got %q, want the predictions %q", s, want)
		}
		if !isMode(fifo, os.ModeNamedPipe) {
			t.Errorf("%s is no longer a FIFO", fifo)
		}
	})
	t.Run("link", func(t *testing.T) {
		dir := t.TempDir()
		file, link := filepath.Join(dir, "p.csv"), filepath.Join(dir, "latest.csv")
		if err := os.WriteFile(file, []byte("stale\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("p.csv", link); err != nil {
			t.Fatal(err)
		}
		if r := predict(link); r.code != exitOK {
			t.Errorf("predict -o %s: exit status %d, want 0\nstderr:\n%s", link, r.code, r.stderr)
		}
		if !isMode(link, os.ModeSymlink) {
			t.Errorf("%s is no longer a link", link)
		}
		if got := readFile(t, file); got != want {
			t.Errorf("the file the link names holds %q, want the predictions", got)
		}
	})
	t.Run("folder", func(t *testing.T) {
		dir := t.TempDir()
		r := predict(dir)
		if r.code != exitInput {
			t.Errorf("predict -o %s: exit status %d, want %d\nstderr:\n%s", dir, r.code, exitInput, r.stderr)
		}
		checkStderr(t, r.stderr, false, false)
		if !strings.Contains(r.stderr, dir+": cannot write the predictions: is a directory (hint: give the path of a file") {
			t.Errorf("stderr = %q, want it to name %s as a folder, with a hint", r.stderr, dir)
		}
		if entries, err := os.ReadDir(dir); err != nil || len(entries) != 0 {
			t.Errorf("the folder holds %v (%v), want it empty", entries, err)
		}
	})
}
