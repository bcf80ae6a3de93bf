package data

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadMaxBytes checks Options.MaxBytes: the row that passes it is
// refused at its line by both paths alike, a table that fits exactly is
// read, and an earlier error in the rows comes first.
func TestReadMaxBytes(t *testing.T) {
	t.Parallel()
	reg := Options{Targets: []string{"y"}, MaxBytes: 3 * RowBytes(2, 1, false), MaxBytesSource: "--max-memory"}
	cls := Options{Targets: []string{"y"}, Classify: true, MaxBytes: 3 * RowBytes(2, 0, true)}
	for i, test := range []struct {
		in   string
		opt  Options
		line int    // 0: no error
		msg  string // the error's message, if line > 0
	}{
		{"a,b,y\n1,2,3\n4,5,6\n7,8,9\n", reg, 0, ""},
		{"a,b,y\n1,2,3\n\n4,5,6\n7,8,9\n\n1,1,1\n", reg, 7,
			"the data needs more than 96 bytes of memory (the limit, --max-memory) at 32 bytes a row"},
		{"a,b,y\n1,2,3\n4,5,6\n7,8,9\n1,1\n", reg, 5, ""},   // the budget before the field count
		{"a,b,y\n1,2,3\n4,5,x\n7,8,9\n1,1,1\n", reg, 3, ""}, // an earlier error first
		{"a,b,y\n1,2,a\n4,5,b\n7,8,a\n1,1,b\n", cls, 5,
			"the data needs more than 96 bytes of memory (the limit, the memory limit) at 32 bytes a row"},
		{"a,b,y\n1,2,a\n4,5,b\n7,8,a\n", cls, 0, ""},
	} {
		for _, chunk := range []int{1, 4, fastChunk} {
			sameRead(t, []byte(test.in), test.opt, chunk)
		}
		ds, err := Read(strings.NewReader(test.in), "t.csv", test.opt)
		if test.line == 0 {
			if err != nil || ds.Len() != 3 {
				t.Errorf("unexpected result for test %d: got: %v want: 3 rows", i, err)
			}
			continue
		}
		e := asInputErr(t, err)
		if e.Line != test.line || test.msg != "" && (e.Err.Error() != test.msg || !errors.Is(err, ErrDataTooLarge) ||
			e.Hint != "use fewer rows or columns, or raise the limit with --max-memory SIZE") {
			t.Errorf("unexpected error for test %d: got: %v want: line %d, %q", i, err, test.line, test.msg)
		}
	}
}

// TestReadMaxBytesBomb reads a gzip bomb, 3 million rows of 6 bytes in
// 65 KB, with a budget of 1 MiB: the read stops at the row past it having
// allocated a few times the budget, not the 100 MB the table would take
// (it used to read it all; the estimate came after).
func TestReadMaxBytesBomb(t *testing.T) {
	const rows = 3_000_000
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	zw.Write([]byte("x1,x2,y\n"))
	zw.Write(bytes.Repeat([]byte("0,1,1\n"), rows))
	zw.Close()
	path := filepath.Join(t.TempDir(), "b.csv.gz")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	const budget = 1 << 20
	opt := Options{Targets: []string{"y"}, MaxBytes: budget, MaxBytesSource: "--max-memory"}
	var err error
	alloc, d := measure(func() { _, err = ReadFile(path, opt) })
	t.Logf("%d bytes allocated in %v", alloc, d)
	e := asInputErr(t, err)
	if want := budget/32 + 2; e.File != path || e.Line != want || !errors.Is(err, ErrDataTooLarge) {
		t.Errorf("got: %v want: %s:%d: the data needs more than 1 MiB…", err, path, want)
	}
	if alloc > 8*budget {
		t.Errorf("reading the bomb allocated %d bytes, want at most %d", alloc, 8*budget)
	}
	// The fast path, on the same rows uncompressed, counts them first and
	// allocates nothing for them.
	plain := filepath.Join(t.TempDir(), "b.csv")
	if err := os.WriteFile(plain, append([]byte("x1,x2,y\n"), bytes.Repeat([]byte("0,1,1\n"), rows)...), 0o644); err != nil {
		t.Fatal(err)
	}
	alloc, d = measure(func() { _, err = ReadFile(plain, opt) })
	t.Logf("plain: %d bytes allocated in %v", alloc, d)
	if e := asInputErr(t, err); e.Line != budget/32+2 || alloc > 8*budget {
		t.Errorf("plain: got: %v, %d bytes allocated", err, alloc)
	}
}
