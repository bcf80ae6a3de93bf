package data

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"
)

// writeBig writes the parts to a file in a fresh folder and returns its
// path and size.
func writeBig(t *testing.T, parts ...string) (string, int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "big.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range parts {
		m, err := f.WriteString(p)
		if err != nil {
			t.Fatal(err)
		}
		n += m
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path, n
}

// measure runs f and returns the bytes it allocated, an upper bound of
// the memory it needed, and its duration, which tests log but do not
// bound (time belongs in benchmarks: BenchmarkReadHostile). Tests calling
// it are not parallel.
func measure(f func()) (uint64, time.Duration) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	f()
	d := time.Since(start)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, d
}

// TestReadHugeLine reads files with one line of 50 MB, or of just over
// MaxLineBytes: each must give a positioned error with a short message, or
// a dataset, in bounded memory, without a crash. perByte bounds the bytes
// allocated per byte of the file: about 10 for long cells. encoding/csv
// keeps some 40 bytes per field (its offset, its position and its string)
// and grows those slices by appending, so a line of millions of one-byte
// fields cost about 85 before MaxFields: 1.7 GB for the 20 MB line here,
// which now stops at field 2097153 (the test used to expect "expected 2
// fields, got 10485761").
func TestReadHugeLine(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads files of 50 and 64 MB")
	}
	const size = 50 << 20
	digits := strings.Repeat("7", size)
	for _, tc := range []struct {
		name      string
		parts     []string
		opt       Options
		perByte   int
		line, col int
		msg       string // prefix of the message; "" for success
	}{
		{name: "one huge number", parts: []string{"a,y\n", digits, ",1\n1,2\n"}, opt: regress, perByte: 16,
			line: 2, col: 1, msg: `number out of range: "7777777777777777777777777777777777777777"…`},
		{name: "one huge label", parts: []string{"a,y\n1,", digits, "\n2,", digits, "\n"}, opt: classify, perByte: 16,
			line: 2, col: 2, msg: `only one class ("7777777777777777777777777777777777777777"…) in the target`},
		// encoding/csv reports the column where the input ended.
		{name: "unclosed quote", parts: []string{"a,y\n1,\"", digits, "\n"}, opt: classify, perByte: 16,
			line: 2, col: size + 5, msg: `extraneous or missing " in quoted-field`},
		{name: "millions of fields", parts: []string{"a,y\n", strings.Repeat("1,", 10<<20), "1\n"}, opt: regress, perByte: 24,
			line: 2, col: MaxFields + 1, msg: "too many fields: more than 2097152 in one line"},
		{name: "huge header name", parts: []string{"a", digits, ",y\n1,2\n3,4\n"}, opt: regress, perByte: 16},
		// The fast path leaves a line over the limit to the slow one.
		{name: "row over the limit", parts: []string{"a,y\n1,", strings.Repeat("7", MaxLineBytes), "\n2,3\n"}, opt: regress, perByte: 16,
			line: 2, col: MaxLineBytes + 1, msg: "line too long: more than 67108864 bytes (64 MiB) without a line end"},
		{name: "header over the limit", parts: []string{"a", strings.Repeat("b", MaxLineBytes), ",y\n1,2\n"}, opt: regress, perByte: 16,
			line: 1, col: MaxLineBytes + 1, msg: "line too long: more than 67108864 bytes (64 MiB) without a line end"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, n := writeBig(t, tc.parts...)
			var err error
			var ds *Dataset
			alloc, d := measure(func() { ds, err = ReadFile(path, tc.opt) })
			t.Logf("%d MB file: %v, allocated %d MB", n>>20, d, alloc>>20)
			if limit := uint64(tc.perByte * n); alloc > limit {
				t.Errorf("reading allocated %d MB, more than %d MB", alloc>>20, limit>>20)
			}
			if tc.msg == "" {
				if err != nil {
					t.Fatal(err)
				}
				if ds.Len() != 2 || len(ds.FeatureNames[0]) != size+1 {
					t.Errorf("got %d rows, feature name of %d bytes", ds.Len(), len(ds.FeatureNames[0]))
				}
				return
			}
			e := asInputErr(t, err)
			if e.Line != tc.line || e.Column != tc.col || !strings.HasPrefix(e.Err.Error(), tc.msg) {
				t.Errorf("got %v, want %d:%d: %s", err, tc.line, tc.col, tc.msg)
			}
			if len(err.Error()) > 1000 {
				t.Errorf("message of %d bytes", len(err.Error()))
			}
		})
	}
}

// TestReadMillionColumns reads a header of 10^6 columns: the whole file,
// a misspelt target among them, and a model's feature list against it.
func TestReadMillionColumns(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads a 10^6-column file")
	}
	const d = 1_000_000
	var b strings.Builder
	for j := range d {
		fmt.Fprintf(&b, "c%d,", j)
	}
	b.WriteString("y\n")
	for i := range 2 {
		for j := range d {
			fmt.Fprintf(&b, "%d,", (i+j)%10)
		}
		fmt.Fprintf(&b, "%d\n", i)
	}
	path, n := writeBig(t, b.String())
	want := make([]string, d)
	for j := range want {
		want[j] = fmt.Sprint("c", j)
	}
	for _, tc := range []struct {
		name string
		opt  Options
		msg  string // prefix of the message; "" for success
		hint string
	}{
		{name: "all columns", opt: classify},
		{name: "misspelt target", opt: Options{Targets: []string{"c999999x"}}, msg: "target column not found in the header", hint: `did you mean "c999999"?`},
		{name: "model features", opt: Options{Targets: []string{"y"}, Classify: true, Classes: []string{"0", "1"}, Features: want, WantFeatures: want}},
		{name: "model feature missing", opt: Options{Targets: []string{"y"}, Classify: true, Classes: []string{"0", "1"}, Features: append(want[:d:d], "zz"), WantFeatures: append(want[:d:d], "zz")},
			msg: `feature column of the model is missing (missing: "zz")`, hint: "the model was trained on the feature columns"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			var ds *Dataset
			alloc, dur := measure(func() { ds, err = ReadFile(path, tc.opt) })
			t.Logf("%d MB file: %v, allocated %d MB", n>>20, dur, alloc>>20)
			if limit := uint64(64 * n); alloc > limit {
				t.Errorf("reading allocated %d MB, more than %d MB", alloc>>20, limit>>20)
			}
			if tc.msg == "" {
				if err != nil {
					t.Fatal(err)
				}
				if r, c := ds.X.Dims(); r != 2 || c != d || ds.X.At(1, d-1) != 0 {
					t.Errorf("got %d×%d, last %v", r, c, ds.X.At(1, d-1))
				}
				return
			}
			e := asInputErr(t, err)
			if !strings.HasPrefix(e.Err.Error(), tc.msg) || !strings.Contains(e.Hint, tc.hint) || e.Line != 1 {
				t.Errorf("got %v, want line 1: %s (hint: %s)", err, tc.msg, tc.hint)
			}
			if len(err.Error()) > 1000 {
				t.Errorf("message of %d bytes", len(err.Error()))
			}
		})
	}
}

// TestLongNamesShort checks that column names of any length are cut short
// in messages, which are one line: the fuzzer found a 2000-character name
// repeated in full.
func TestLongNamesShort(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("n", 5000)
	for _, tc := range []struct {
		name, in string
		opt      Options
	}{
		{"duplicate", long + "," + long + ",y\n1,2,3\n", regress},
		{"missing value", "a," + long + "\n1,\n", Options{Targets: []string{long}}},
		{"misspelt target", "a," + long + "x\n1,2\n", Options{Targets: []string{long}}},
		{"model feature missing", "a," + long + "x,y\n1,2,3\n", Options{Targets: []string{"y"}, WantFeatures: []string{"a", long}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tc.in), "t.csv", tc.opt)
			asInputErr(t, err)
			if len(err.Error()) > 600 {
				t.Errorf("message of %d bytes: %.200s…", len(err.Error()), err)
			}
		})
	}
	x := mat.NewDense(2, 1, []float64{5, 5})
	_, warn, err := FitScaler(Standardize, x, []string{long})
	if err != nil || len(warn) != 1 || len(warn[0]) > 200 {
		t.Errorf("FitScaler of a constant column with a long name: %v, %.200q", err, warn)
	}
}
