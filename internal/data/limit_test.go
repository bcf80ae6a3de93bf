package data

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// idTarget writes a CSV of n rows whose target, "id", is a different
// number on every row: an id column chosen as the target by mistake.
func idTarget(n int) string {
	var b strings.Builder
	b.WriteString("x1,x2,id\n")
	for i := range n {
		fmt.Fprintf(&b, "%d.%d,%d,%d\n", i%7, i%10, i%3, 100000+i)
	}
	return b.String()
}

// classBytesPerByte bounds the bytes reading a file with too many classes
// may allocate per byte of it: the rows read before the limit is passed,
// twice (the fast path, then the slow one).
const classBytesPerByte = 16

// TestReadManyClasses reads issue 17's files: an id column of 20,000 and
// of 100,000 values as a classification target. Training used to crash
// with "fatal error: out of memory" making the n×k one-hot target (3.2 GB,
// then 80 GB); Read now refuses the 1001st class, at its row, before
// anything of the rows' size is made. Not parallel: it measures
// allocations.
func TestReadManyClasses(t *testing.T) {
	opt := Options{Targets: []string{"id"}, Classify: true}
	for _, n := range []int{20_000, 100_000} {
		in := idTarget(n)
		path, size := writeBig(t, in)
		for _, how := range []struct {
			name string
			read func() (*Dataset, error)
		}{
			{"file", func() (*Dataset, error) { return ReadFile(path, opt) }},
			{"reader", func() (*Dataset, error) { return Read(strings.NewReader(in), path, opt) }},
			{"stream", func() (*Dataset, error) { return Read(slowOnly{strings.NewReader(in)}, path, opt) }},
		} {
			var err error
			alloc, d := measure(func() { _, err = how.read() })
			t.Logf("%d labels, %d KB, %s: %v, allocated %d KB", n, size>>10, how.name, d, alloc>>10)
			e := asInputErr(t, err)
			const msg = "too many classes: more than 1000 distinct labels (1001 in the first 1001 rows)"
			if e.File != path || e.Line != 1002 || e.Column != 3 || e.Key != `column "id"` || e.Err.Error() != msg ||
				!errors.Is(err, ErrTooManyClasses) {
				t.Errorf("%d labels, %s: got %v, want %s:1002:3: column \"id\": %s", n, how.name, err, path, msg)
			}
			for _, h := range []string{"id column", "choose another data.target", "squared_error", "at most 1000 classes"} {
				if !strings.Contains(e.Hint, h) {
					t.Errorf("%d labels, %s: hint %q does not say %q", n, how.name, e.Hint, h)
				}
			}
			if limit := uint64(classBytesPerByte * size); alloc > limit {
				t.Errorf("%d labels, %s: allocated %d KB, more than %d KB", n, how.name, alloc>>10, limit>>10)
			}
		}
	}
}

// TestReadClassLimit reads targets at the limit and just past it: 1000
// classes are read, 1001 are not, whatever their order, and a saved
// model's classes are not limited.
func TestReadClassLimit(t *testing.T) {
	t.Parallel()
	table := func(k, reps int) string {
		var b strings.Builder
		b.WriteString("a,y\n")
		for r := range reps {
			for c := range k {
				fmt.Fprintf(&b, "%d,c%d\n", r, (c*3+r)%k)
			}
		}
		return b.String()
	}
	ds, err := Read(strings.NewReader(table(MaxClasses, 3)), "t.csv", classify)
	if err != nil || len(ds.Classes) != MaxClasses || ds.Len() != 3*MaxClasses {
		t.Fatalf("%d classes: %v", MaxClasses, err)
	}
	// The 1001st class first shows on the row 1001 of the first round.
	_, err = Read(strings.NewReader(table(MaxClasses+1, 3)), "t.csv", classify)
	if e := asInputErr(t, err); e.Line != MaxClasses+2 || e.Column != 2 || !errors.Is(err, ErrTooManyClasses) ||
		strings.Contains(e.Hint, "squared_error") || !strings.Contains(e.Hint, "id column") {
		t.Errorf("%d classes: got %v", MaxClasses+1, err)
	}
	// A label seen before is no new class: the limit is passed on the
	// first row of a class too many, not on a later row.
	in := "a,y\n1,a\n2,b\n3,a\n4,b\n5,c\n6,a\n"
	lim := limits{lineBytes: 100, fields: 10, classes: 2, oneHot: 1 << 20, textBytes: MaxTextBytes}
	for _, chunk := range []int{1, 4, fastChunk} {
		sameReadLimits(t, []byte(in), classify, chunk, lim)
	}
	_, err = readLimits(strings.NewReader(in), "t.csv", classify, fastChunk, lim)
	if e := asInputErr(t, err); e.Line != 6 || e.Err.Error() != "too many classes: more than 2 distinct labels (3 in the first 5 rows)" ||
		!strings.Contains(e.Hint, "is it an id or a free-text column?") {
		t.Errorf("3 classes, limit 2: got %v", err)
	}
	// A model's classes (eval, predict) are as many as it has.
	many := make([]string, MaxClasses+1)
	for i := range many {
		many[i] = fmt.Sprint("c", i)
	}
	ds, err = Read(strings.NewReader(table(MaxClasses+1, 1)), "t.csv", Options{Targets: []string{"y"}, Classify: true, Classes: many})
	if err != nil || len(ds.Classes) != MaxClasses+1 {
		t.Errorf("a model of %d classes: %v", MaxClasses+1, err)
	}
}

// TestReadOneHotLimit reads a target of 1000 classes over 134,218 rows of
// one feature: its one-hot target would take 1.0000002 GiB, 1000 times as
// much as the features. A file of 800 KB must not make training
// allocate a gigabyte.
func TestReadOneHotLimit(t *testing.T) {
	t.Parallel()
	const n = MaxOneHotBytes/(8*MaxClasses) + 1
	var b strings.Builder
	b.WriteString("a,y\n")
	for i := range n {
		fmt.Fprintf(&b, "%d,%d\n", i%10, i%MaxClasses)
	}
	in := b.String()
	for _, r := range []io.Reader{strings.NewReader(in), slowOnly{strings.NewReader(in)}} {
		_, err := Read(r, "t.csv", classify)
		e := asInputErr(t, err)
		want := fmt.Sprintf("one-hot target too large: %d rows × 1000 classes take 1.001 GiB as one-hot rows, over the limit of 1 GiB, with more classes than feature columns (1)", n)
		if e.Line != 1 || e.Column != 2 || e.Key != `column "y"` || e.Err.Error() != want || !errors.Is(err, ErrOneHotTooLarge) {
			t.Errorf("got %v, want t.csv:1:2: column \"y\": %s", err, want)
		}
	}
	// One row fewer fits.
	in = in[:strings.LastIndexByte(in[:len(in)-1], '\n')+1]
	if _, err := Read(strings.NewReader(in), "t.csv", classify); err != nil {
		t.Errorf("%d rows: %v", n-1, err)
	}
}

// TestOneHotLimitSmall checks the one-hot limit's rule on small limits:
// the target may take more than the limit only if it has no more classes
// than there are features, a model's classes count too (eval makes the
// same one-hot target), and prediction, which makes none, is not limited.
func TestOneHotLimitSmall(t *testing.T) {
	t.Parallel()
	lim := limits{lineBytes: 100, fields: 10, classes: 10, oneHot: 64, textBytes: MaxTextBytes}
	for _, tc := range []struct {
		name string
		in   string
		opt  Options
		ok   bool
	}{
		{"3 rows × 2 classes", "a,y\n1,x\n2,z\n3,x\n", classify, true},                             // 48 bytes
		{"3 rows × 3 classes", "a,y\n1,x\n2,z\n3,w\n", classify, false},                            // 72 bytes
		{"3 rows × 3 classes, 3 features", "a,b,c,y\n1,1,1,x\n2,2,2,z\n3,3,3,w\n", classify, true}, // as large as X
		{"a model's 3 classes", "a,y\n1,x\n2,x\n3,x\n", Options{Targets: []string{"y"}, Classify: true, Classes: []string{"x", "z", "w"}}, false},
		{"prediction without the target", "a\n1\n2\n3\n", Options{Targets: []string{"y"}, Classify: true, Classes: []string{"x", "z", "w"}, TargetOptional: true}, true},
		{"prediction with the target", "a,y\n1,x\n2,x\n3,x\n", Options{Targets: []string{"y"}, Classify: true, Classes: []string{"x", "z", "w"}, TargetOptional: true}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, chunk := range []int{1, 5, fastChunk} {
				sameReadLimits(t, []byte(tc.in), tc.opt, chunk, lim)
			}
			_, err := readLimits(strings.NewReader(tc.in), "t.csv", tc.opt, fastChunk, lim)
			if tc.ok != (err == nil) || err != nil && !errors.Is(err, ErrOneHotTooLarge) {
				t.Errorf("got %v, want ok %v", err, tc.ok)
			}
		})
	}
}

// TestByteSize checks the sizes in the limits' messages.
func TestByteSize(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{10: "10 bytes", 1024: "1 KiB", 3 << 20: "3 MiB", 64 << 20: "64 MiB", 1 << 30: "1 GiB", 1<<20 + 1: "1048577 bytes"} {
		if got := byteSize(n); got != want {
			t.Errorf("byteSize(%d) = %q, want %q", n, got, want)
		}
	}
	for n, want := range map[int64]string{72: "72 bytes", 1 << 30: "1 GiB", 1<<30 + 1: "1.001 GiB", 80e9: "74.506 GiB"} {
		if got := gib(n); got != want {
			t.Errorf("gib(%d) = %q, want %q", n, got, want)
		}
	}
}
