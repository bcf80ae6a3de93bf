package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// What Write refuses to write over, wrapped in an *Error.
var (
	ErrDirectory   = errors.New("is a directory")
	ErrBlockDevice = errors.New("is a block device")
	ErrSocket      = errors.New("is a socket")
	ErrIrregular   = errors.New("is not a regular file, a character device or a FIFO")
)

// Error is a file that could not be written: the file system refused
// (no space left, no permission, a read-only file system, a missing
// folder), or Path names something that Write does not write over (a
// directory, a block device, a socket).
type Error struct {
	Path string // the path given to Write
	// Err is the cause: an errno such as syscall.ENOSPC, or one of
	// ErrDirectory, ErrBlockDevice, ErrSocket, ErrIrregular.
	Err error
}

func (e *Error) Error() string { return "write " + e.Path + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Hint says, in a few words for a message to the user, what to do about
// the error.
func (e *Error) Hint() string {
	switch {
	case errors.Is(e.Err, ErrDirectory):
		return "give the path of a file, not of a folder"
	case errors.Is(e.Err, ErrBlockDevice), errors.Is(e.Err, ErrSocket), errors.Is(e.Err, ErrIrregular):
		return "give the path of a regular file, a character device such as /dev/null, or a FIFO"
	case errors.Is(e.Err, syscall.ELOOP):
		return "the path is a loop of symbolic links"
	}
	if hint, ok := ErrnoHint(e.Err); ok {
		return hint
	}
	return "check that its folder exists and is writable"
}

// fileErrnos are the failures of a file system that are no bug of the
// program that writes, with what to do about each.
var fileErrnos = []struct {
	errno syscall.Errno
	hint  string
}{
	{syscall.ENOSPC, "the disk is full; free some space, or write somewhere else"},
	{syscall.EDQUOT, "the disk quota is used up; free some space, or write somewhere else"},
	{syscall.EFBIG, "the file is too large for its file system or for the file size limit (ulimit -f); write somewhere else"},
	{syscall.EROFS, "the file system is read-only; write somewhere else"},
	{syscall.EACCES, "check the permissions of the file and its folder, which must be writable"},
	{syscall.EPERM, "check the permissions of the file and its folder, which must be writable"},
	{syscall.EIO, "the device reported an input/output error; check the disk or the network file system, then run again"},
	{syscall.ENOENT, "check that its folder exists and is writable (it may have been removed while the program ran)"},
	{syscall.ENOTDIR, "a folder in the path is a file"},
	{syscall.EISDIR, "the path is a folder"},
	{syscall.ENAMETOOLONG, "use a shorter path"},
	{syscall.EMFILE, "too many open files; raise the limit (ulimit -n)"},
	{syscall.ENFILE, "the system has too many open files; close some programs, then run again"},
	{syscall.ESTALE, "the network file system lost the file; run again"},
}

// KnownErrnos returns the failures ErrnoHint knows.
func KnownErrnos() []syscall.Errno {
	list := make([]syscall.Errno, len(fileErrnos))
	for i, e := range fileErrnos {
		list[i] = e.errno
	}
	return list
}

// ErrnoHint returns what to do about err when it is a failure of the file
// system that is no bug (a full disk, a read-only file system, a missing
// folder...), and whether it is one.
func ErrnoHint(err error) (string, bool) {
	for _, e := range fileErrnos {
		if errors.Is(err, e.errno) {
			return e.hint, true
		}
	}
	return "", false
}

// fsError returns an *Error for a failure of the file system: the cause
// without the operation and path that *fs.PathError and friends add (the
// operation may name a temporary file the user never sees).
func fsError(path string, err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	var se *os.SyscallError
	switch {
	case errors.As(err, &pe):
		err = pe.Err
	case errors.As(err, &le):
		err = le.Err
	case errors.As(err, &se):
		err = se.Err
	}
	return &Error{Path: path, Err: err}
}

// How Write writes its target.
type how int

const (
	replace    how = iota // a temporary file renamed over path, which need not exist
	through               // opened and written in place: a character device, a FIFO
	descriptor            // an open file descriptor of this process: /dev/stdout
)

// target is what Write writes.
type target struct {
	how  how
	path string      // replace: the file (links followed); through: what to open
	perm fs.FileMode // replace: the existing file's permissions, or 0644
	fd   int         // descriptor
}

// maxLinks is the most symbolic links Write follows, as Linux's open(2).
const maxLinks = 40

// fdPrefixes begin the names of this process's own open file descriptors.
var fdPrefixes = []string{"/dev/fd/", "/proc/self/fd/", "/proc/thread-self/fd/"}

// ownDescriptor returns the file descriptor that p names, if it is one of
// this process's: /dev/fd/N or /proc/self/fd/N (where the links
// /dev/stdout and /dev/stderr lead).
func ownDescriptor(p string) (int, bool) {
	for _, prefix := range fdPrefixes {
		if rest, ok := strings.CutPrefix(p, prefix); ok {
			if n, err := strconv.Atoi(rest); err == nil && n >= 0 {
				return n, true
			}
		}
	}
	return 0, false
}

// resolve finds out how to write path, following symbolic links.
func resolve(path string) (target, error) {
	p := path
	for range maxLinks {
		if fd, ok := ownDescriptor(filepath.Clean(p)); ok {
			return target{how: descriptor, fd: fd}, nil
		}
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return target{how: replace, path: p, perm: 0o644}, nil
		}
		if err != nil {
			return target{}, err
		}
		m := fi.Mode()
		switch {
		case m&fs.ModeSymlink != 0:
			dest, err := os.Readlink(p)
			if err != nil {
				return target{}, err
			}
			if !filepath.IsAbs(dest) {
				dest = filepath.Join(filepath.Dir(p), dest)
			}
			p = dest
			continue
		case m.IsRegular():
			return target{how: replace, path: p, perm: m.Perm()}, nil
		case m.IsDir():
			return target{}, ErrDirectory
		case m&fs.ModeCharDevice != 0, m&fs.ModeNamedPipe != 0:
			return target{how: through, path: p}, nil
		case m&fs.ModeDevice != 0:
			return target{}, ErrBlockDevice
		case m&fs.ModeSocket != 0:
			return target{}, ErrSocket
		}
		return target{}, ErrIrregular
	}
	return target{}, syscall.ELOOP
}

// Write writes the file path with write, by the one rule for every file
// mlptrain writes:
//
//   - A regular file, or a path where nothing is yet, appears whole or not
//     at all: write fills a temporary file in the same folder, which is
//     synced, closed and renamed over path. An existing file keeps its
//     permission bits; a new one gets 0644.
//   - A symbolic link is followed to the file it names, which is replaced
//     so (the link stays a link, and the file it names is no longer stale).
//   - A character device (/dev/null) or a FIFO is opened and written
//     through, and so is one of this process's open file descriptors
//     (/dev/stdout, /dev/fd/N, /proc/self/fd/N), through the descriptor
//     itself. What reached such a target before an error stays there.
//   - A directory, a block device or a socket is refused.
//
// On any error, or a panic in write, the temporary file is removed and an
// existing file at path is left as it was. Only a process killed
// mid-write leaves its temporary file, ".BASE-" and digits, beside path,
// for RemoveTemps. A failure of the file system, including one that write
// meets writing to its io.Writer, is an *Error; any other error of write
// is returned wrapped, naming path.
func Write(path string, write func(w io.Writer) error) error {
	t, err := resolve(path)
	if err != nil {
		return fsError(path, err)
	}
	switch t.how {
	case through:
		// O_TRUNC means nothing to a device or a FIFO; if a regular file
		// has replaced the one resolve saw, it does what a shell's > does.
		f, err := os.OpenFile(t.path, os.O_WRONLY|os.O_TRUNC, 0)
		if err != nil {
			return fsError(path, err)
		}
		return writeThrough(path, f, write)
	case descriptor:
		f, err := dupFile(t.fd)
		if err != nil {
			return fsError(path, err)
		}
		return writeThrough(path, f, write)
	}
	return writeReplace(path, t, write)
}

// recorder passes writes on to w, keeping the first error, which is the
// file system's.
type recorder struct {
	w   io.Writer
	err error
}

func (r *recorder) Write(p []byte) (int, error) {
	n, err := r.w.Write(p)
	if err != nil && r.err == nil {
		r.err = err
	}
	return n, err
}

// fill runs write into a buffer over f and flushes it. An error of the
// file system comes back as an *Error, any other of write's wrapped.
func fill(path string, f *os.File, write func(w io.Writer) error) error {
	rec := &recorder{w: f}
	bw := bufio.NewWriterSize(rec, 1<<16)
	err := write(bw)
	if err == nil {
		err = bw.Flush()
	}
	switch {
	case rec.err != nil:
		return fsError(path, rec.err)
	case err != nil:
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// writeThrough writes into the open file f in place and closes it, also
// when write panics.
func writeThrough(path string, f *os.File, write func(w io.Writer) error) (err error) {
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fsError(path, cerr)
		}
	}()
	return fill(path, f, write)
}

// writeReplace writes a temporary file beside t.path and renames it over.
func writeReplace(path string, t target, write func(w io.Writer) error) (err error) {
	dir, base := filepath.Split(t.path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+"-*")
	if err != nil {
		return fsError(path, err)
	}
	renamed := false
	defer func() {
		if !renamed {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := fill(path, f, write); err != nil {
		return err
	}
	for _, step := range []func() error{func() error { return f.Chmod(t.perm) }, f.Sync, f.Close} {
		if err := step(); err != nil {
			return fsError(path, err)
		}
	}
	if err := os.Rename(f.Name(), t.path); err != nil {
		return fsError(path, err)
	}
	renamed = true
	return nil
}

// RemoveTemps removes from dir the temporary files that a Write of each of
// names (base names, such as "model.json") left when its process was
// killed mid-write. It must not run while such a Write is under way, and
// it ignores errors: a file it cannot remove stays.
func RemoveTemps(dir string, names ...string) {
	for _, name := range names {
		stale, _ := filepath.Glob(filepath.Join(dir, "."+name+"-*"))
		for _, f := range stale {
			os.Remove(f)
		}
	}
}

// SyncDir flushes dir's entries (the names that renames and removals in
// it changed) to its storage. Its error is an *Error naming dir.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fsError(dir, err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil && !errors.Is(err, syscall.EINVAL) { // some file systems cannot sync a folder
		return fsError(dir, err)
	}
	return nil
}
