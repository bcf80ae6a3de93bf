package atomicfile

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// Lock is an exclusive lock on a file, which this process holds until
// Unlock or its end. Where flock(2) exists (Linux, the BSDs, macOS) the
// kernel releases it when the process ends, however it ends, so that a
// killed holder leaves no stale lock; elsewhere TryLock takes no lock.
type Lock struct {
	f *os.File
}

// LockedError says that another process holds a lock.
type LockedError struct {
	Path string // the lock file
	PID  int    // the holder's process ID; 0 if it could not be read
}

func (e *LockedError) Error() string {
	if e.PID == 0 {
		return fmt.Sprintf("%s is locked by another process", e.Path)
	}
	return fmt.Sprintf("%s is locked by process %d", e.Path, e.PID)
}

// TryLock takes the lock on the file path, creating it if need be, without
// waiting, and writes this process's ID into it for others to read. It
// returns a *LockedError if another process (or another TryLock of this
// one) holds the lock, and an *Error if the file cannot be opened.
func TryLock(path string) (*Lock, error) {
	for {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fsError(path, err)
		}
		held, err := flock(f)
		if err != nil {
			f.Close()
			return nil, fsError(path, err)
		}
		if held {
			pid := holder(f)
			f.Close()
			return nil, &LockedError{Path: path, PID: pid}
		}
		// A holder that ended between our open and our lock removed the
		// file: the lock is on a file without a name. Try the name again.
		if !named(f, path) {
			f.Close()
			continue
		}
		// The file may hold the ID of an earlier holder, who was killed.
		if err := f.Truncate(0); err != nil {
			f.Close()
			return nil, fsError(path, err)
		}
		if _, err := f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0); err != nil {
			f.Close()
			return nil, fsError(path, err)
		}
		return &Lock{f: f}, nil
	}
}

// named reports whether path names the open file f.
func named(f *os.File, path string) bool {
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	pi, err := os.Stat(path)
	return err == nil && os.SameFile(fi, pi)
}

// holder reads the holder's process ID from the lock file f. A holder
// writes it just after taking the lock, so an empty file is read again a
// few times before giving up.
func holder(f *os.File) int {
	for range 50 {
		b, err := io.ReadAll(io.NewSectionReader(f, 0, 32))
		if err != nil {
			return 0
		}
		if s := strings.TrimSpace(string(b)); s != "" {
			pid, _ := strconv.Atoi(s)
			return pid
		}
		time.Sleep(10 * time.Millisecond)
	}
	return 0
}

// Unlock removes the lock file and releases the lock. (The file is
// removed while the lock is held, and TryLock checks that the file it
// locked still has its name, so that two processes never hold locks on
// two files of one name.) A process killed while holding it leaves the
// file, naming it, for the next TryLock to take over.
func (l *Lock) Unlock() error {
	err := os.Remove(l.f.Name())
	if uerr := funlock(l.f); err == nil {
		err = uerr
	}
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fsError(l.f.Name(), err)
	}
	return nil
}
