//go:build linux

package atomicfile

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// deviceNode makes a character device node in a fresh folder with
// mknod(2), Linux's major and minor numbers, as root; other users get
// the system's own node at fallback, which they cannot replace (before
// the fix, root's Write renamed a regular file over the device).
func deviceNode(t *testing.T, name string, major, minor uint32, fallback string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Logf("not root: writing to %s itself", fallback)
		return fallback
	}
	path := filepath.Join(t.TempDir(), name)
	dev := int((major << 8) | minor)
	if err := syscall.Mknod(path, syscall.S_IFCHR|0o666, dev); err != nil {
		t.Skipf("cannot make a device node: %v", err)
	}
	return path
}

// checkCharDevice fails unless path is still a character device.
func checkCharDevice(t *testing.T, path string) {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Errorf("%s is no longer a character device: mode %v, %v", path, fi.Mode(), err)
	}
}

// TestWriteDevices writes to /dev/null, which takes everything, and to
// /dev/full, which answers every write with ENOSPC: Write writes through
// to both, leaves them devices, and reports /dev/full's error as an
// *Error wrapping ENOSPC and naming the path.
func TestWriteDevices(t *testing.T) {
	t.Parallel()
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // past the buffer
	null := deviceNode(t, "null", 1, 3, "/dev/null")
	if err := Write(null, func(w io.Writer) error { _, err := w.Write(big); return err }); err != nil {
		t.Errorf("Write(%s) = %v", null, err)
	}
	checkCharDevice(t, null)

	full := deviceNode(t, "full", 1, 7, "/dev/full")
	for _, n := range []int{10, len(big)} { // at the final flush, and within write
		err := Write(full, func(w io.Writer) error { _, err := w.Write(big[:n]); return err })
		var fe *Error
		if !errors.As(err, &fe) || !errors.Is(err, syscall.ENOSPC) || fe.Path != full || !strings.Contains(fe.Hint(), "space") {
			t.Errorf("Write(%s) of %d bytes = %v, want an *Error wrapping ENOSPC naming it", full, n, err)
		}
	}
	checkCharDevice(t, full)
}

// TestWriteBlockDevice checks that a block device is refused, as root,
// who could otherwise overwrite a disk: the node made here is never
// opened.
func TestWriteBlockDevice(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("making a block device node needs root")
	}
	path := filepath.Join(t.TempDir(), "disk")
	if err := syscall.Mknod(path, syscall.S_IFBLK|0o600, int(7<<8|200)); err != nil {
		t.Skipf("cannot make a device node: %v", err)
	}
	if err := writeString(path, "x"); !errors.Is(err, ErrBlockDevice) {
		t.Errorf("Write(%s) = %v, want %v", path, err, ErrBlockDevice)
	}
	if fi, err := os.Lstat(path); err != nil || fi.Mode()&os.ModeDevice == 0 || fi.Mode()&os.ModeCharDevice != 0 {
		t.Errorf("%s is no longer a block device: %v, %v", path, fi.Mode(), err)
	}
}

// TestWriteFIFO writes to a FIFO, through a link, that a goroutine reads: the reader gets
// everything, and the FIFO stays a FIFO (before, Write renamed a regular
// file over it and the reader got nothing).
func TestWriteFIFO(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("cannot make a FIFO: %v", err)
	}
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // more than a pipe holds
	// keep, a writer, lets the reader open the FIFO at once; closing it
	// after Write ends the reader's input however Write went.
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
	type result struct {
		b   []byte
		err error
	}
	got := make(chan result, 1)
	go func() {
		b, err := io.ReadAll(reader)
		got <- result{b, err}
	}()
	// Through a link too: the link is followed to the FIFO.
	link := filepath.Join(dir, "link")
	mustSymlink(t, "fifo", link)
	err = Write(link, func(w io.Writer) error { _, err := w.Write(big); return err })
	keep.Close()
	if err != nil {
		t.Errorf("Write(%s) = %v", link, err)
	}
	r := <-got
	if r.err != nil || !bytes.Equal(r.b, big) {
		t.Errorf("the reader got %d bytes (%v), want the %d written", len(r.b), r.err, len(big))
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("%s is no longer a FIFO: %v, %v", fifo, fi.Mode(), err)
	}
	checkNames(t, dir, "fifo", "link")
}

// TestWriteDescriptor writes to names of this process's open file
// descriptors: a pipe, read at its other end, and a file opened for
// appending, as a shell's >> opens stdout, which must keep what it held
// (opening /proc/self/fd/N anew would start at offset 0, and renaming
// over the file would cut it off from the descriptor).
func TestWriteDescriptor(t *testing.T) {
	t.Parallel()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got := make(chan string, 1)
	go func() { b, _ := io.ReadAll(r); got <- string(b) }()
	const content = "predicted_class\nsetosa\n"
	path := "/dev/fd/" + strconv.Itoa(int(w.Fd()))
	if err := writeString(path, content); err != nil {
		t.Fatalf("Write(%s) = %v", path, err)
	}
	// The descriptor stays open: Write closed its duplicate only.
	if _, err := w.WriteString("more\n"); err != nil {
		t.Errorf("the pipe was closed: %v", err)
	}
	w.Close()
	if s := <-got; s != content+"more\n" {
		t.Errorf("the pipe's reader got %q, want %q", s, content+"more\n")
	}

	file := filepath.Join(t.TempDir(), "out.csv")
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString("# header\n"); err != nil {
		t.Fatal(err)
	}
	path = "/proc/self/fd/" + strconv.Itoa(int(f.Fd()))
	if err := writeString(path, content); err != nil {
		t.Fatalf("Write(%s) = %v", path, err)
	}
	if _, err := f.WriteString("# footer\n"); err != nil {
		t.Fatal(err)
	}
	if s, want := readString(t, file), "# header\n"+content+"# footer\n"; s != want {
		t.Errorf("%s holds %q, want %q", file, s, want)
	}
}
