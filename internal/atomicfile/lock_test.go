//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestTryLock takes a lock twice: the second is refused with the
// holder's process ID until the first is released.
func TestTryLock(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "lock")
	first, err := TryLock(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := readString(t, path); got != fmt.Sprintf("%d\n", os.Getpid()) {
		t.Errorf("the lock file holds %q, want this process's ID", got)
	}
	second, err := TryLock(path)
	var le *LockedError
	if !errors.As(err, &le) || le.PID != os.Getpid() || le.Path != path || second != nil {
		t.Errorf("second TryLock = %v, %v; want a *LockedError naming %s and process %d", second, err, path, os.Getpid())
	}
	if err := first.Unlock(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after Unlock the lock file is still there: %v", err)
	}
	again, err := TryLock(path)
	if err != nil {
		t.Fatalf("TryLock after Unlock: %v", err)
	}
	again.Unlock()
}

// TestTryLockRemovedFile opens the lock file as a second TryLock does,
// then lets the holder Unlock (removing the file) before taking the lock
// on what it opened: that lock is on a file without a name, and must not
// count, or a third TryLock would lock a new file of the same name at
// the same time.
func TestTryLockRemovedFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "lock")
	first, err := TryLock(path)
	if err != nil {
		t.Fatal(err)
	}
	opened, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer opened.Close()
	if err := first.Unlock(); err != nil {
		t.Fatal(err)
	}
	if held, err := flock(opened); held || err != nil {
		t.Fatalf("flock on the removed file: %v, %v", held, err)
	}
	if named(opened, path) {
		t.Fatal("the removed lock file still counts as named")
	}
	second, err := TryLock(path)
	if err != nil {
		t.Fatalf("TryLock beside a lock on the removed file: %v", err)
	}
	second.Unlock()
}

// envLockPath names the lock file that TestTryLockKilled's child takes.
const envLockPath = "MLPTRAIN_TEST_LOCK_PATH"

// TestTryLockKilled has a child process (this test binary) take a lock
// and kills it with SIGKILL, which runs no cleanup: the kernel releases
// the lock, so the next TryLock succeeds although the file still names
// the dead holder.
func TestTryLockKilled(t *testing.T) {
	if path := os.Getenv(envLockPath); path != "" {
		lockChild(path)
		return
	}
	if testing.Short() {
		t.Skip("starts a child process")
	}
	t.Parallel()
	path := filepath.Join(t.TempDir(), "lock")
	cmd := exec.Command(os.Args[0], "-test.run=^TestTryLockKilled$")
	cmd.Env = append(os.Environ(), envLockPath+"="+path)
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
	if err != nil || line != "locked\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the child said %q (%v), want locked", line, err)
	}
	_, err = TryLock(path)
	var le *LockedError
	if !errors.As(err, &le) || le.PID != cmd.Process.Pid {
		t.Errorf("TryLock while the child holds it = %v, want a *LockedError naming process %d", err, cmd.Process.Pid)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if got := strings.TrimSpace(readString(t, path)); got != fmt.Sprint(cmd.Process.Pid) {
		t.Errorf("the lock file holds %q, want the dead child's ID (no cleanup ran)", got)
	}
	l, err := TryLock(path)
	if err != nil {
		t.Fatalf("TryLock after the holder was killed: %v", err)
	}
	l.Unlock()
}

// lockChild is the child of TestTryLockKilled: it takes the lock, says
// so, and waits for its stdin to close.
func lockChild(path string) {
	if _, err := TryLock(path); err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(3)
	}
	os.Stdout.WriteString("locked\n")
	io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}
