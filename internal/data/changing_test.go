package data

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestStatSizeZeroFile reads a regular file whose stat size is 0
// although it has content (procfs; some FUSE and network file systems
// behave alike). Before the fast path, ReadFile read it like any stream;
// now randomAccess trusts the stat size, the fast path gives up, and the
// slow path is handed io.NewSectionReader(f, 0, 0), which reads nothing:
// "empty file".
func TestStatSizeZeroFile(t *testing.T) {
	t.Parallel()
	const path = "/proc/self/mountinfo"
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != 0 {
		t.Skipf("%s: no regular file of stat size 0 here (%v)", path, err)
	}
	content, err := os.ReadFile(path)
	if err != nil || len(content) == 0 {
		t.Skipf("%s: unreadable or empty (%v)", path, err)
	}
	opt := Options{Delimiter: ' '}
	_, want := Read(slowOnly{bytes.NewReader(content)}, path, opt)
	_, got := ReadFile(path, opt)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("ReadFile(%s) = %v\nreading the same bytes as a stream = %v", path, got, want)
	}
}

// shifty is an input whose bytes change after a number of reads, as a
// file being rewritten in place while it is read: it returns old's bytes
// for the first after reads and new's afterwards (shorter: EOF early),
// always reporting old's size.
type shifty struct {
	old, new []byte
	after    int64
	reads    atomic.Int64
}

func (s *shifty) ReadAt(p []byte, off int64) (int, error) {
	src := s.old
	if s.reads.Add(1) > s.after {
		src = s.new
	}
	if off >= int64(len(src)) {
		return 0, io.EOF
	}
	n := copy(p, src[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (s *shifty) Len() int                 { return len(s.old) }
func (s *shifty) Size() int64              { return int64(len(s.old)) }
func (s *shifty) Read([]byte) (int, error) { panic("not used") }

// TestFileChangesBetweenPasses rewrites, shrinks and grows the input
// between (and during) the fast path's two passes: Read must neither panic
// nor hang.
func TestFileChangesBetweenPasses(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("a,b,y\n")
	for i := range 400 {
		fmt.Fprintf(&b, "%d.5,%d,%d\n", i, i*7, i%3)
	}
	base := b.String()
	variants := map[string]string{
		"shorter":     base[:len(base)/2],
		"longer":      base + base[6:],
		"more lines":  strings.ReplaceAll(base, ",", "\n"),
		"fewer lines": strings.ReplaceAll(base, "\n", ";"),
		"blank lines": strings.ReplaceAll(base, "5,", "\n\n"),
		"same size":   strings.ReplaceAll(base, "1", "2"),
		"quotes":      strings.ReplaceAll(base, "2", "\""),
		"empty":       "",
	}
	for name, v := range variants {
		var panicked atomic.Bool // report the first panic of a variant only
		for _, chunk := range []int{7, 64, 1000, fastChunk} {
			for after := int64(0); after < 40 && !panicked.Load(); after++ {
				s := &shifty{old: []byte(base), new: []byte(v), after: after}
				done := make(chan struct{})
				go func() {
					defer close(done)
					defer func() {
						if r := recover(); r != nil {
							panicked.Store(true)
							t.Errorf("%s, chunk %d, change after %d reads: panic %v", name, chunk, after, r)
						}
					}()
					read(s, "t.csv", classify, chunk)
				}()
				select {
				case <-done:
				case <-time.After(2 * time.Minute): // a hang guard, not a speed bound
					t.Fatalf("%s, chunk %d, change after %d reads: hangs", name, chunk, after)
				}
			}
		}
	}
}

// TestRewrittenBetweenPassesZeros rewrites the file between the
// count pass and the parse pass (the header read, then one read per pass
// with a single chunk) with content that has no line end in the chunk.
// fastWorker.chunk returns ok at once when no line starts in a chunk
// ("if q < 0 { return buf, true }", fast.go) without checking that the
// count pass found none there either, so the rows the count pass saw are
// never filled: Read returns a Dataset of zero rows at line 0 instead of
// falling back to the slow path (for a classifier, the same cause
// panics in classes with an index out of range on seen[0]).
func TestRewrittenBetweenPassesZeros(t *testing.T) {
	t.Parallel()
	old := "a,b,y\n1,2,3\n4,5,6\n"
	new := strings.ReplaceAll(old, "\n", ";") // same size, no line end
	opt := Options{Targets: []string{"y"}}
	s := &shifty{old: []byte(old), new: []byte(new), after: 2}
	ds, err := read(s, "t.csv", opt, fastChunk)
	if n := s.reads.Load(); n < 3 {
		t.Fatalf("%d reads, want at least 3 (header, count, parse): the test's premise is off", n)
	}
	if err != nil {
		return // an error is fine: the file changed under us
	}
	want, werr := Read(slowOnly{strings.NewReader(old)}, "t.csv", opt)
	if werr != nil || diffDatasets(ds, want) != "" {
		t.Errorf("file rewritten between the passes: got X = %v, Y = %v, lines %v; want an error or the original's X = %v, Y = %v, lines %v",
			raw(ds.X), raw(ds.Y), ds.Lines, raw(want.X), raw(want.Y), want.Lines)
	}
}

// TestOddInputsSameAsSlow compares the two paths on the odd inputs
// that the fast path must read as the slow one does, or leave to it.
func TestOddInputsSameAsSlow(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("7", 3000)
	for _, in := range []string{
		"a,b,y\n1e5,-0,0\n.5,5.,1\n+1,-.5e-3,0\n",
		"a,b,y\n0x10,1,0\n", "a,b,y\n1_000,1,0\n", "a,b,y\nInf,1,0\n", "a,b,y\n-Infinity,1,0\n",
		"a,b,y\n" + long + ",1,0\n" + long + "." + long + ",2,1\n",
		"a,b,y\n1,2,0\x00\n", "a,b,y\n1\x00,2,0\n", "a,b\x00,y\n1,2,0\n3,4,1\n",
		"a,b,y\r1,2,0\r3,4,1\r", "a,b,y\n1,2,0\r3,4,1\n", "a,b,y\n1,2,0\r\r\n3,4,1\n",
		"a,b,y\n", "a,b,y", "a,b,y\n1,2,0\n3,4,1",
		"\uFEFFa,b,y\n1,2,0\n3,4,1\n", "\uFEFF\uFEFFa,b,y\n1,2,0\n3,4,1\n",
		"a,b,y\n\"1e5\",\" -0 \",\"1\"\n\"\",2,0\n",
		"a,b,y\n1,2," + strings.Repeat("x", 100000) + "\n3,4,y\n",
		"a;b;y\n1,5;2;0\n3;4;1\n",
	} {
		for _, opt := range []Options{classify, {Targets: []string{"y"}}, {Delimiter: ';', Targets: []string{"y"}}} {
			for _, chunk := range []int{1, 3, 17, 4096, fastChunk} {
				sameRead(t, []byte(in), opt, chunk)
			}
		}
	}
}
