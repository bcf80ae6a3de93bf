package data

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/mlptrain/mlptrain/internal/inputerr"
)

// slowOnly hides every method of a reader but Read, so that Read takes the
// slow path.
type slowOnly struct{ io.Reader }

// sameRead reads in with the fast path, in chunks of the given size, and
// with the slow path, and fails unless both give the same Dataset or the
// same error. It reports whether the read succeeded.
func sameRead(t *testing.T, in []byte, opt Options, chunk int) bool {
	t.Helper()
	return sameReadLimits(t, in, opt, chunk, defaultLimits)
}

// sameReadLimits is sameRead with the given limits.
func sameReadLimits(t *testing.T, in []byte, opt Options, chunk int, lim limits) bool {
	t.Helper()
	fast, ferr := readLimits(bytes.NewReader(in), "t.csv", opt, chunk, lim)
	slow, serr := readLimits(slowOnly{bytes.NewReader(in)}, "t.csv", opt, fastChunk, lim)
	if (ferr == nil) != (serr == nil) {
		t.Fatalf("chunk %d, options %+v, limits %+v, input %q:\nfast: %v\nslow: %v", chunk, opt, lim, in, ferr, serr)
	}
	if serr != nil {
		var fe, se *inputerr.Error
		if !errors.As(ferr, &fe) || !errors.As(serr, &se) || *fe != *se && (fe.Err.Error() != se.Err.Error() ||
			fe.File != se.File || fe.Line != se.Line || fe.Column != se.Column || fe.Key != se.Key || fe.Hint != se.Hint) {
			t.Fatalf("chunk %d, options %+v, limits %+v, input %q:\nfast error: %v\nslow error: %v", chunk, opt, lim, in, ferr, serr)
		}
		return false
	}
	if msg := diffDatasets(fast, slow); msg != "" {
		t.Fatalf("chunk %d, options %+v, limits %+v, input %q: fast and slow differ: %s", chunk, opt, lim, in, msg)
	}
	return true
}

// diffDatasets describes how a and b differ, bit for bit, or returns "".
func diffDatasets(a, b *Dataset) string {
	switch {
	case a.File != b.File || !slices.Equal(a.FeatureNames, b.FeatureNames) || !slices.Equal(a.TargetNames, b.TargetNames):
		return fmt.Sprintf("names %q %q %q, want %q %q %q", a.File, a.FeatureNames, a.TargetNames, b.File, b.FeatureNames, b.TargetNames)
	case !slices.Equal(a.Lines, b.Lines):
		return fmt.Sprintf("lines %v, want %v", a.Lines, b.Lines)
	case !slices.Equal(a.Labels, b.Labels) || (a.Labels == nil) != (b.Labels == nil):
		return fmt.Sprintf("labels %v, want %v", a.Labels, b.Labels)
	case !slices.Equal(a.Classes, b.Classes) || (a.Classes == nil) != (b.Classes == nil):
		return fmt.Sprintf("classes %q, want %q", a.Classes, b.Classes)
	case (a.Y == nil) != (b.Y == nil):
		return fmt.Sprintf("Y %v, want %v", a.Y, b.Y)
	case !slices.EqualFunc(a.Levels, b.Levels, func(u, v []string) bool { return slices.Equal(u, v) && (u == nil) == (v == nil) }) ||
		(a.Levels == nil) != (b.Levels == nil):
		return fmt.Sprintf("levels %q, want %q", a.Levels, b.Levels)
	case a.Dropped != b.Dropped || a.DroppedLine != b.DroppedLine:
		return fmt.Sprintf("dropped %d (line %d), want %d (line %d)", a.Dropped, a.DroppedLine, b.Dropped, b.DroppedLine)
	}
	for _, m := range [][2][]float64{{raw(a.X), raw(b.X)}, {raw(a.Y), raw(b.Y)}} {
		if !slices.EqualFunc(m[0], m[1], func(u, v float64) bool { return math.Float64bits(u) == math.Float64bits(v) }) {
			return fmt.Sprintf("values %v, want %v", m[0], m[1])
		}
	}
	if a.X != nil {
		if r, c := a.X.Dims(); r != len(a.Lines) || c != len(a.FeatureNames) {
			return fmt.Sprintf("X is %d×%d", r, c)
		}
	}
	return ""
}

// raw returns m's elements, or nil if m is nil.
func raw(m *mat.Dense) []float64 {
	if m == nil {
		return nil
	}
	return m.RawMatrix().Data
}

// fastInputs are inputs on which the fast and the slow path must agree:
// the fast path's own cases, and odd ones that it must leave to the slow
// path.
var fastInputs = []string{
	"a,b,y\n1,2,0\n3,4,1\n",
	"a,b,y\n1,2,0\n3,4,1",
	"a,b,y\r\n1,2,0\r\n3,4,1\r\n",
	"a,b,y\r\n1,2,0\r\n3,4,1\r",
	"a,b,y\n1,2,0\n3,4,1\r\r\n",
	"\uFEFFa,b,y\n1,2,0\n3,4,1\n",
	"\n\r\n\na,b,y\n\n1,2,0\r\n\r\n\n3,4,1\n\n\r\n",
	"a,b,y\n 1 ,\t2\t, 0 \n-0,+.5e-3,1\n1e22,1e-22,1\n1e23,1e-23,0\n",
	"a,b,y\n0x1p-2,1_0,1\n",
	"a,b,y\n12345678901234567890,0.12345678901234567891,1\n",
	"a,b,y\n4503599627370496,9007199254740993,1\n4503599627370495,2,0\n",
	"a,b,y\n1,2,setosa\n3,4,Virginica\n5,6,setosa\n7,8,10\n",
	"a,b,y\n1,2,ü\n3,4,\xff\n",
	"a,b,y\n1,2,x\r y\n3,4,z\n",
	"a,b,y\n1,2,3,4\n",
	"a,b,y\n1,2\n",
	"\"a\",\"b\",\"y\"\n\"1\",2,\"x\"\n3,\" 4 \",\"y z\"\n5,6,\"\"\n",
	"a,b,y\n1,2,\"x,y\"\n3,4,\"x\r\"\r\n5,6,\"x\"\r\r\n",
	"a,b,y\n1,2,\"x\"\"y\"\n3,4,\"x\"y\n5,6, \"x\"\n",
	"a,b,y\n1,2,\"x\ny\"\n3,\"4\n\",z\n",
	"a,b,y\n1,2,\"x\n",
	"\"a\nb\",c,y\n1,2,0\n",
	"\"a\",\"a\",y\n1,2,0\n",
	"\"a\"b,c,y\n1,2,0\n",
	"a,b,y\n1,,0\n",
	"a,b,y\n1,NaN,0\n",
	"a,b,y\n1,inf,0\n",
	"a,b,y\n1,1e400,0\n",
	"a,b,y\n1,2,\n",
	"a,b,y\n1,2,\"0\"\n",
	"a,b,y\n1,2,0\"\n",
	"a,\"b\",y\n1,2,0\n3,4,1\n",
	"a,b,y\n  \n",
	"a,b,y\n",
	"a,b,y",
	"",
	"\x1f\x8b",
	"a;b;y;z\n1;2;3;4\n5;6;7;8\n",
	"a\tb\ty\n1\t2\t0\n 3 \t4\t1\n",
	"a b y\n1 2 0\n3  4 1\n",
	"a.b.y\n1.2.0\n3.4.1\n",
	"id,a,b,y\nfoo,1,2,0\n\"bar\",3,4,1\n",
	"id,a,b,y\n\"foo\nbar\",1,2,0\nx,3,4,1\n",
	"a,a,y\n1,2,0\n",
	"a,b\n1,2\n3,4\n",
	"b,a,y\n1,2,0\n3,4,1\n",
	"y,b,a\n1,2,3\n",
}

// fastOptions are the options fastInputs are read with.
var fastOptions = append(slices.Clone(fuzzOptions),
	Options{Targets: []string{"y"}, Classify: true, Classes: []string{"1", "0"}},
	Options{Targets: []string{"y"}, Features: []string{"b", "a"}},
	Options{Delimiter: ' ', Targets: []string{"y"}, Classify: true},
	Options{Delimiter: '.', Targets: []string{"y"}, Classify: true},
	Options{Delimiter: 'é', Targets: []string{"y"}, Classify: true},
	Options{Targets: []string{"y"}, Classify: true, TargetOptional: true, Classes: []string{"0", "1"}},
)

func TestFastSameAsSlow(t *testing.T) {
	t.Parallel()
	for _, in := range fastInputs {
		for _, opt := range fastOptions {
			for _, chunk := range []int{1, 2, 3, 5, 8, 64, fastChunk} {
				sameRead(t, []byte(in), opt, chunk)
			}
		}
	}
}

// TestFastSameAsSlowRandom compares the two paths on larger random tables,
// with blank lines, CRLF line ends and spaces, split in chunks of many
// sizes and read on all the goroutines there are.
func TestFastSameAsSlowRandom(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 7))
	for trial := range 40 {
		var b strings.Builder
		d := 1 + rng.IntN(6)
		for j := range d {
			fmt.Fprintf(&b, "x%d,", j)
		}
		b.WriteString("y")
		nl := "\n"
		if trial%3 == 1 {
			nl = "\r\n"
		}
		b.WriteString(nl)
		for range 1 + rng.IntN(300) {
			if rng.IntN(10) == 0 {
				b.WriteString(nl)
			}
			for range d {
				switch rng.IntN(8) {
				case 0:
					fmt.Fprintf(&b, " %g ,", rng.NormFloat64()*math.Pow(10, float64(rng.IntN(60)-30)))
				case 1:
					fmt.Fprintf(&b, "%d,", rng.Int64()>>rng.IntN(64))
				case 2:
					fmt.Fprintf(&b, "%.3e,", rng.Float64())
				default:
					fmt.Fprintf(&b, "%.4f,", rng.Float64())
				}
			}
			if trial%5 == 2 {
				fmt.Fprintf(&b, "\"c %d\"%s", rng.IntN(3), nl) // quoted labels
			} else {
				fmt.Fprintf(&b, "%d%s", rng.IntN(3), nl)
			}
		}
		in := b.String()
		if trial%4 == 3 {
			in = strings.TrimSuffix(in, nl)
		}
		for _, opt := range []Options{classify, regress, {}} {
			for _, chunk := range []int{1 + rng.IntN(16), 1 + rng.IntN(300), fastChunk} {
				if !sameRead(t, []byte(in), opt, chunk) && opt.Targets == nil && trial%5 != 2 {
					t.Errorf("trial %d: no dataset", trial)
				}
			}
		}
	}
}

// TestFastPathTaken checks that the fast path reads simple input itself,
// rather than leaving it to the slow path.
func TestFastPathTaken(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"a,b,y\n1,2,0\n3,4,1\n",
		"\uFEFF\r\na,b,y\r\n1,2,x\r\n\r\n 3 , 4 ,z\r",
		"a,b,y\n1e5,-0.5,0\n0x1p3,7,1\n",
		"\"a\",\"b\",\"y\"\r\n\"1\",2,\"x\"\r\n3,\" 4 \",\"y,z\"\r\n",
	} {
		for _, chunk := range []int{1, 4, fastChunk} {
			p := &reader{name: "t.csv", opt: classify, lim: defaultLimits}
			if _, err := p.readFast(strings.NewReader(in), 0, int64(len(in)), chunk); err != nil {
				t.Errorf("readFast(%q) with chunks of %d: %v", in, chunk, err)
			}
		}
	}
}

// TestReadFileOffset reads a file whose read position is not at its start.
func TestReadFileOffset(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "t.csv")
	if err := os.WriteFile(path, []byte("junk\n"+iris), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Seek(5, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	ds, err := Read(f, path, Options{Targets: []string{"species"}, Classify: true})
	if err != nil {
		t.Fatal(err)
	}
	checkIris(t, ds, path)
	if off, _ := f.Seek(0, io.SeekCurrent); off != int64(len(iris)+5) {
		t.Errorf("read position %d after Read, want the end %d", off, len(iris)+5)
	}
}

// FuzzFastSameAsSlow checks that the fast and the slow path give the same
// Dataset, or the same error, on any input.
func FuzzFastSameAsSlow(f *testing.F) {
	for _, s := range fastInputs {
		f.Add([]byte(s), uint8(0), uint8(3))
		f.Add([]byte(s), uint8(1), uint8(1))
	}
	f.Fuzz(func(t *testing.T, in []byte, mode, chunk uint8) {
		sameRead(t, in, fastOptions[int(mode)%len(fastOptions)], 1+int(chunk))
	})
}

func TestParseSimple(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"0", "-0", "+0", "0.0", "-0.0", ".5", "5.", "1e5", "1E+5", "1e-5", "-1.25e-3", "7932e-4", "0.7932",
		"1e22", "1e-22", "9007199254740991", "4503599627370495", "4503599627370496", "123456789012345678",
		"1234567890123456789", "12345678901234567890", "0.1", "0.2", "0.3", "3.14159", "2.718281828459045",
		"1e", "1e+", ".", "-", "", "e5", "1.5x", "00000000000000000001", "1e0000000000000000000001", "0.000000000000000000001",
	} {
		checkParseSimple(t, []byte(s))
	}
	rng := rand.New(rand.NewPCG(1, 8))
	for range 100000 {
		v := rng.NormFloat64() * math.Pow(10, float64(rng.IntN(50)-25))
		for _, format := range []byte{'e', 'f', 'g'} {
			checkParseSimple(t, strconv.AppendFloat(nil, v, format, rng.IntN(20)-1, 64))
		}
		checkParseSimple(t, strconv.AppendInt(nil, rng.Int64()>>rng.IntN(64), 10))
	}
}

// checkParseSimple fails unless parseSimple, if it reads b whole, gives
// strconv.ParseFloat's value bit for bit.
func checkParseSimple(t *testing.T, b []byte) {
	t.Helper()
	v, n, ok := parseSimple(b)
	if !ok || n != len(b) {
		return
	}
	w, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.Float64bits(v) != math.Float64bits(w) {
		t.Fatalf("parseSimple(%q) = %v (%#x), ParseFloat gives %v (%#x), %v", b, v, math.Float64bits(v), w, math.Float64bits(w), err)
	}
}

func FuzzParseSimple(f *testing.F) {
	for _, s := range []string{"1.5", "-0", "1e22", "0.7932", "123456789012345678", "1e-5,"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, n, ok := parseSimple(b)
		if !ok {
			return
		}
		if n > len(b) {
			t.Fatalf("parseSimple(%q) read %d bytes", b, n)
		}
		w, err := strconv.ParseFloat(string(b[:n]), 64)
		if err != nil || math.Float64bits(v) != math.Float64bits(w) {
			t.Fatalf("parseSimple(%q) = %v, ParseFloat(%q) = %v, %v", b, v, b[:n], w, err)
		}
	})
}

// TestFastShortRows checks that a wide header over many short rows, which
// would make a huge matrix, is left to the slow path, which reports the
// first short row.
func TestFastShortRows(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	for j := range 100_000 {
		fmt.Fprintf(&b, "c%d,", j)
	}
	b.WriteString("y\n")
	b.WriteString(strings.Repeat("1\n", 100_000)) // as rows, 80 GB of float64
	p := &reader{name: "t.csv", opt: classify, lim: defaultLimits}
	in := b.String()
	if _, err := p.readFast(strings.NewReader(in), 0, int64(len(in)), fastChunk); err != errSlow {
		t.Errorf("readFast: %v, want errSlow", err)
	}
	_, err := Read(strings.NewReader(in), "t.csv", classify)
	if e := asInputErr(t, err); e.Line != 2 || e.Err.Error() != "expected 100001 fields, got 1" {
		t.Errorf("got %v", err)
	}
}
