package data

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/iotest"
)

// smallLimits are limits small enough to test at their edges.
var smallLimits = limits{lineBytes: 10, fields: 3, classes: 3, oneHot: 1 << 20, textBytes: MaxTextBytes}

// splitReaders are ways of cutting the same bytes into reads: what is read
// and every error must not depend on them.
var splitReaders = []struct {
	name string
	wrap func(io.Reader) io.Reader
}{
	{"whole", func(r io.Reader) io.Reader { return r }},
	{"one byte", iotest.OneByteReader},
	{"halves", iotest.HalfReader},
	{"EOF with data", iotest.DataErrReader},
}

// sameLimited checks that in gives the same result read by the fast path
// in chunks of several sizes and by the slow path with its reads cut in
// several ways, and returns the error.
func sameLimited(t *testing.T, in []byte, opt Options, lim limits) error {
	t.Helper()
	for _, chunk := range []int{1, 2, 3, 7, fastChunk} {
		sameReadLimits(t, in, opt, chunk, lim)
	}
	want, werr := readLimits(slowOnly{bytes.NewReader(in)}, "t.csv", opt, fastChunk, lim)
	for _, s := range splitReaders {
		got, err := readLimits(slowOnly{s.wrap(bytes.NewReader(in))}, "t.csv", opt, fastChunk, lim)
		if fmt.Sprint(err) != fmt.Sprint(werr) || err == nil && diffDatasets(got, want) != "" {
			t.Fatalf("input %q read in %s reads: %v, want %v", in, s.name, err, werr)
		}
	}
	return werr
}

// TestReadLimits checks the positions and messages of the line and field
// limits, on small limits, with every way of reading giving the same.
func TestReadLimits(t *testing.T) {
	t.Parallel()
	semi := Options{Delimiter: ';', Targets: []string{"y"}, Classify: true}
	e4 := Options{Delimiter: 'é', Targets: []string{"y"}, Classify: true}
	for _, tc := range []struct {
		name      string
		in        string
		opt       Options
		line, col int
		msg       string // the exact message; "" for success
		hint      string // a substring of the hint
	}{
		{name: "lines of 10 bytes", in: "a,b,y\n1234,567,x\n1,23456,z\r\n", opt: classify},
		{name: "line of 11 bytes", in: "a,b,y\n1234,5678,x\n", opt: classify, line: 2, col: 11,
			msg: "line too long: more than 10 bytes without a line end", hint: "not binary data or an endless stream"},
		{name: "CR counts", in: "a,b,y\r\n1234,567,x\r\n", opt: classify, line: 2, col: 11, msg: "line too long: more than 10 bytes without a line end"},
		{name: "at the end of the input", in: "a,b,y\n1,2,x\n1,2,345678x", opt: classify, line: 3, col: 11, msg: "line too long: more than 10 bytes without a line end"},
		{name: "header", in: "abcd,efgh,y\n1,2,3\n", opt: classify, line: 1, col: 11, msg: "line too long: more than 10 bytes without a line end"},
		{name: "byte order mark counts", in: "\uFEFFabc,defg\n1,2\n", opt: Options{}, line: 1, col: 11, msg: "line too long: more than 10 bytes without a line end"},
		{name: "blank lines", in: "\n\n\r\na,b,y\n\n\n1,2,x\n\r\n3,4,z\n", opt: classify},
		{name: "quoted field of 10 bytes", in: "a,y\n1,\"x\n\nyz\"\n2,w\n", opt: classify},
		{name: "quoted field over lines", in: "a,y\n1,\"xxxx\nxxxx\nxxxx\"\n", opt: classify, line: 3, col: 3,
			msg: "line too long: the record from line 2 on, in a quoted field, passes 10 bytes", hint: "close the quoted field"},
		{name: "closing quote", in: "a,y\n1,\"xxxxxxx\"\n2,w\n", opt: classify, line: 2, col: 11, msg: "line too long: more than 10 bytes without a line end"},
		{name: "delimiter in quotes", in: "a,y\n1,\"x,,,\"\n2,w\n", opt: classify},
		{name: "3 fields", in: "a,b,y\n1,2,x\n3,4,z\n", opt: classify},
		{name: "4 fields in the header", in: "a,b,c,y\n1,2,3,x\n", opt: classify, line: 1, col: 4,
			msg: "too many fields: more than 3 in one line", hint: "at most 3 fields; check the delimiter"},
		{name: "4 fields in a row", in: "a,y\n1,2,3,x\n", opt: classify, line: 2, col: 4,
			msg: "too many fields: more than 3 in one line", hint: "one field per header column (2 here)"},
		{name: "fields then bytes", in: "a,y\n,,,xxxxxxxxxx\n", opt: classify, line: 2, col: 4, msg: "too many fields: more than 3 in one line"},
		{name: "bytes then fields", in: "a,y\n1234567890,,,\n", opt: classify, line: 2, col: 11, msg: "line too long: more than 10 bytes without a line end"},
		{name: "fields at the byte limit", in: "a,y\n1234567,,,\n", opt: classify, line: 2, col: 4, msg: "too many fields: more than 3 in one line"},
		{name: "fields past the byte limit", in: "a,y\n12345678,,,\n", opt: classify, line: 2, col: 11, msg: "line too long: more than 10 bytes without a line end"},
		{name: "other delimiter", in: "a;y\n1;2,3,4\n5;x\n", opt: semi},
		{name: "other delimiter, 4 fields", in: "a;b;y\n1;2;3;x\n", opt: semi, line: 2, col: 4, msg: "too many fields: more than 3 in one line"},
		{name: "two-byte delimiter", in: "aébéy\n1é2éx\n3é4éz\n", opt: e4},
		{name: "two-byte delimiter, 4 fields", in: "aéy\néé\xc3é\n", opt: e4, line: 2, col: 4, msg: "too many fields: more than 3 in one line"},
		{name: "bare quote before the limit", in: "a,y\n1,2\"34567890123\n", opt: classify, line: 2, col: 4, msg: "bare \" in non-quoted-field"},
		{name: "gzip", in: string(gzipBytes("a,y\n" + strings.Repeat("0", 1000) + "\n")), opt: classify, line: 2, col: 11,
			msg: "line too long: more than 10 bytes without a line end"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := sameLimited(t, []byte(tc.in), tc.opt, smallLimits)
			if tc.msg == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			e := asInputErr(t, err)
			if e.Line != tc.line || e.Column != tc.col || e.Err.Error() != tc.msg || !strings.Contains(e.Hint, tc.hint) {
				t.Errorf("got %v, want %d:%d: %s (hint: …%s…)", err, tc.line, tc.col, tc.msg, tc.hint)
			}
		})
	}
}

// FuzzLimits checks that the fast and the slow path, with the slow path's
// reads cut in any way, give the same result on small limits.
func FuzzLimits(f *testing.F) {
	for _, s := range append(fastInputs, "a,y\n1,\"xxxx\nxxxx\nxxxx\"\n", "aéy\néé\xc3é\n", "a,y\n,,,xxxxxxxxxx\n") {
		f.Add([]byte(s), uint8(1), uint8(10), uint8(3))
	}
	f.Fuzz(func(t *testing.T, in []byte, mode, lineBytes, fields uint8) {
		lim := limits{lineBytes: 1 + int64(lineBytes%32), fields: 1 + int(fields%8), classes: 1 + int(mode%5), oneHot: 1 << 20, textBytes: MaxTextBytes}
		sameLimited(t, in, fastOptions[int(mode)%len(fastOptions)], lim)
	})
}

// limitBytesPerByte bounds the bytes reading an endless input may
// allocate per byte of the line limit: encoding/csv grows its line buffer
// by appending, then copies the line's fields into one string.
const limitBytesPerByte = 10

// TestReadDevZero reads issue 17's endless input: /dev/zero, a character
// device that never ends and holds no line end. It used to grow until
// "fatal error: out of memory"; now it ends after MaxLineBytes bytes with
// an error at line 1. Not parallel: it measures allocations.
func TestReadDevZero(t *testing.T) {
	const path = "/dev/zero"
	if fi, err := os.Stat(path); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
		t.Skipf("no %s here (%v)", path, err)
	}
	var err error
	alloc, d := measure(func() { _, err = ReadFile(path, classify) })
	t.Logf("%s: %v, allocated %d MB", path, d, alloc>>20)
	checkEndless(t, err, path, 1, MaxLineBytes+1, alloc)
}

// checkEndless checks the error of reading an endless input, and the
// bytes reading it allocated.
func checkEndless(t *testing.T, err error, path string, line, col int, alloc uint64) {
	t.Helper()
	e := asInputErr(t, err)
	const msg = "line too long: more than 67108864 bytes (64 MiB) without a line end"
	if e.File != path || e.Line != line || e.Column != col || e.Err.Error() != msg || !errors.Is(err, ErrLineTooLong) ||
		!strings.Contains(e.Hint, "endless stream") {
		t.Errorf("got %v, want %s:%d:%d: %s", err, path, line, col, msg)
	}
	if limit := uint64(limitBytesPerByte * MaxLineBytes); alloc > limit {
		t.Errorf("allocated %d MB, more than %d MB", alloc>>20, limit>>20)
	}
}

// fifo makes a named pipe that write writes into once a reader opens it,
// and returns its path and a channel closed when write has returned.
func fifo(t *testing.T, write func(w io.Writer) error) (string, <-chan struct{}) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "pipe.csv")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		w, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			t.Error(err)
			return
		}
		defer w.Close()
		if err := write(w); err != nil && !errors.Is(err, syscall.EPIPE) {
			t.Error(err)
		}
	}()
	return path, done
}

// TestReadFIFO reads named pipes, which can be read only once: the fast
// path, which reads a file twice, leaves them to the slow path. A CSV
// comes out as from a file; an endless line ends at the line limit, with
// the memory bounded. Not parallel: it measures allocations.
func TestReadFIFO(t *testing.T) {
	path, done := fifo(t, func(w io.Writer) error {
		_, err := io.WriteString(w, iris)
		return err
	})
	ds, err := ReadFile(path, Options{Targets: []string{"species"}, Classify: true})
	<-done
	if err != nil {
		t.Fatal(err)
	}
	checkIris(t, ds, path)

	// Endless bytes without a line end, after a header line: "1,777…".
	path, done = fifo(t, func(w io.Writer) error {
		if _, err := io.WriteString(w, "a,y\n1,"); err != nil {
			return err
		}
		buf := bytes.Repeat([]byte("7"), 64<<10)
		for {
			if _, err := w.Write(buf); err != nil {
				return err
			}
		}
	})
	alloc, d := measure(func() { _, err = ReadFile(path, classify) })
	<-done
	t.Logf("endless pipe: %v, allocated %d MB", d, alloc>>20)
	checkEndless(t, err, path, 2, MaxLineBytes+1, alloc)

	// Endless short lines inside a quoted field: one record that never ends.
	path, done = fifo(t, func(w io.Writer) error {
		if _, err := io.WriteString(w, "a,y\n1,\""); err != nil {
			return err
		}
		buf := bytes.Repeat([]byte("x\n"), 32<<10)
		for {
			if _, err := w.Write(buf); err != nil {
				return err
			}
		}
	})
	alloc, d = measure(func() { _, err = ReadFile(path, classify) })
	<-done
	t.Logf("endless quoted field: %v, allocated %d MB", d, alloc>>20)
	if !errors.Is(err, ErrLineTooLong) || !strings.Contains(err.Error(), "the record from line 2 on, in a quoted field, passes 67108864 bytes (64 MiB)") {
		t.Errorf("endless quoted field: got %v", err)
	}
	if limit := uint64(limitBytesPerByte * MaxLineBytes); alloc > limit {
		t.Errorf("endless quoted field: allocated %d MB, more than %d MB", alloc>>20, limit>>20)
	}
}
