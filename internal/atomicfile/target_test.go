package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// writeString writes s to path with Write.
func writeString(path, s string) error {
	return Write(path, func(w io.Writer) error { _, err := io.WriteString(w, s); return err })
}

// TestWriteFollowsLinks checks that Write replaces the file a symbolic
// link names, whole, and leaves the link a link: before, it renamed over
// the link, and the file it named kept its stale content.
func TestWriteFollowsLinks(t *testing.T) {
	t.Parallel()
	const content = "the new content\n"
	for _, tc := range []struct {
		name  string
		links [][2]string // link, destination as written in the link (relative to the link's folder)
		path  string      // what Write is given
		file  string      // the file that must end up holding content
		perm  os.FileMode // its permissions afterwards
	}{
		{"link to a file", [][2]string{{"out.csv", "real/p.csv"}}, "out.csv", "real/p.csv", 0o600},
		{"chain of links", [][2]string{{"a.csv", "b.csv"}, {"b.csv", "real/p.csv"}}, "a.csv", "real/p.csv", 0o600},
		{"link to an absolute path", [][2]string{{"out.csv", "ABS/real/p.csv"}}, "out.csv", "real/p.csv", 0o600},
		{"dangling link", [][2]string{{"out.csv", "real/new.csv"}}, "out.csv", "real/new.csv", 0o644},
		{"link into a linked folder", [][2]string{{"r", "real"}, {"out.csv", "r/p.csv"}}, "out.csv", "real/p.csv", 0o600},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := os.Mkdir(filepath.Join(dir, "real"), 0o755); err != nil {
				t.Fatal(err)
			}
			// An existing private file keeps its permissions.
			if err := os.WriteFile(filepath.Join(dir, "real", "p.csv"), []byte(oldContent), 0o600); err != nil {
				t.Fatal(err)
			}
			for _, l := range tc.links {
				dest := strings.Replace(l[1], "ABS", dir, 1)
				if err := os.Symlink(dest, filepath.Join(dir, l[0])); err != nil {
					t.Fatal(err)
				}
			}
			path := filepath.Join(dir, tc.path)
			if err := writeString(path, content); err != nil {
				t.Fatal(err)
			}
			for _, l := range tc.links {
				if fi, err := os.Lstat(filepath.Join(dir, l[0])); err != nil || fi.Mode()&os.ModeSymlink == 0 {
					t.Errorf("%s is no longer a link: %v, %v", l[0], fi.Mode(), err)
				}
			}
			file := filepath.Join(dir, tc.file)
			if got := readString(t, file); got != content {
				t.Errorf("%s holds %q, want %q", tc.file, got, content)
			}
			if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != tc.perm {
				t.Errorf("%s has mode %v (%v), want %v", tc.file, fi.Mode(), err, tc.perm)
			}
			if tc.file != "real/p.csv" {
				if got := readString(t, filepath.Join(dir, "real", "p.csv")); got != oldContent {
					t.Errorf("real/p.csv holds %q, want it untouched", got)
				}
			}
			for _, d := range []string{dir, filepath.Join(dir, "real")} {
				for _, name := range dirNames(t, d) {
					if strings.HasPrefix(name, ".") {
						t.Errorf("temporary file %s left in %s", name, d)
					}
				}
			}
		})
	}
}

// TestWriteRefuses checks the targets Write does not write over: each is
// left as it was, and the error is an *Error naming the path given, with
// a hint.
func TestWriteRefuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	folder := filepath.Join(dir, "folder")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	mustSymlink(t, "folder", filepath.Join(dir, "to-folder"))
	mustSymlink(t, "loop-b", filepath.Join(dir, "loop-a"))
	mustSymlink(t, "loop-a", filepath.Join(dir, "loop-b"))
	blocker := filepath.Join(dir, "blocker")
	if err := os.WriteFile(blocker, []byte(oldContent), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path string
		want       error
	}{
		{"folder", folder, ErrDirectory},
		{"link to a folder", filepath.Join(dir, "to-folder"), ErrDirectory},
		{"loop of links", filepath.Join(dir, "loop-a"), syscall.ELOOP},
		{"folder missing", filepath.Join(dir, "missing", "p.csv"), os.ErrNotExist},
		{"below a file", filepath.Join(blocker, "p.csv"), syscall.ENOTDIR},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := writeString(tc.path, "x")
			var fe *Error
			if !errors.As(err, &fe) || !errors.Is(err, tc.want) || fe.Path != tc.path || !strings.Contains(err.Error(), tc.path) || fe.Hint() == "" {
				t.Errorf("Write(%s) = %v, want an *Error naming it, wrapping %v, with a hint", tc.path, err, tc.want)
			}
		})
	}
	checkNames(t, folder)
	if got := readString(t, blocker); got != oldContent {
		t.Errorf("blocker holds %q", got)
	}
}

func mustSymlink(t *testing.T, dest, link string) {
	t.Helper()
	if err := os.Symlink(dest, link); err != nil {
		t.Fatal(err)
	}
}

// TestWriteErrorKinds checks which errors are the file system's (*Error)
// and which the write function's own (wrapped, naming the path).
func TestWriteErrorKinds(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "p.csv")
	err := Write(path, func(io.Writer) error { return errHalfway })
	var fe *Error
	if errors.As(err, &fe) || !errors.Is(err, errHalfway) || !strings.Contains(err.Error(), path) {
		t.Errorf("a write function's own error came back as %v (%T), want it wrapped, naming %s, and no *Error", err, err, path)
	}
	for _, tc := range []struct {
		err  error
		hint string
	}{
		{syscall.ENOSPC, "free some space"},
		{syscall.EDQUOT, "free some space"},
		{syscall.EROFS, "read-only"},
		{syscall.EACCES, "permissions"},
		{syscall.ENOENT, "folder exists"},
		{ErrDirectory, "not of a folder"},
		{ErrSocket, "character device"},
	} {
		e := &Error{Path: path, Err: tc.err}
		if !strings.Contains(e.Hint(), tc.hint) || e.Error() != "write "+path+": "+tc.err.Error() {
			t.Errorf("*Error of %v: %q with hint %q, want the hint to say %q", tc.err, e, e.Hint(), tc.hint)
		}
	}
}
