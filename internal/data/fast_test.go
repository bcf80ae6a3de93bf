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
	// Categorical columns, missing cells and missing targets.
	"a,b,y\n1,x,0\n2,y,1\n3,x,0\n",
	"a,b,y\n1,2,0\n2,3.0,1\n3,x,0\n4,2,1\n5,-0,0\n6,0,1\n7,3,0\n",
	"a,b,y\n1,NA,0\n,2,1\n?,x,0\n4,,1\n",
	"a,b,y\n1,2,NA\n3,4,\n5,6,1\n7,8,0\n",
	"a,b,y\n1,2,NA\n3,4,?\n",
	"a,b,y\n1,2,NA,4\n3,4,1\n",
	"a,b,y\n1,2,NA\n3,4\n5,6,1\n",
	"a,b,y\n1,x,0\n2,inf,1\n3,,0\n4,1e400,1\n5,NaN,0\n",
	"a,b,y\n1,inf,0\n2,x,1\n",
	"a,b,y\n1,,0\n2,x,1\n",
	"a,b,y\n1,\"x\",0\n2,\"NA\",1\n3,4,\"NA\"\n5,\"\",0\n",
	"a,b,y\n1,c1,0\n2,c2,1\n3,c3,0\n4,c4,1\n5,c5,0\n6,c1,1\n",
	"a,b,y\n1,c1,0\n2,c2,1\n3,c1,0\n4,c3,1\n5,c2,0\n6,c3,1\n",
	"a,b,y\n1,\xff,0\n2,x,1\n",
	"a,b,y\n1,x,0\n2,\xff,1\n",
	"a,b,y\n-999,1,0\n2,-999,1\n3,x,-999\n",
	"a,b,y\n1,01,0\n2,1.0,1\n3,1e0,0\n4,b,1\n5,0x1p0,0\n6,+1,1\n",
	"a,b,y\r\n1,2,0\r\n3,NA,NA\r\n\r\n5,6,1\r\n7, NA ,\r\n",
	"a,b,y\n 1 , x ,0\n2,\tx,1\n3,y ,0\n",
	"a,b,y\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n9,10,0\n11,12,1\n13,14,0\n15,16,1\n17,z,0\n",
	"a;b;y;z\n1;x;2;NA\n3;y;NA;4\n5;x;6;7\n8;NA;9;10\n",
	"a\tb\ty\n1\tx\tNA\n2\ty\t1\n3\tNA\t0\n",
}

// fastOptions are the options fastInputs are read with.
var fastOptions = append(slices.Clone(fuzzOptions),
	Options{Targets: []string{"y"}, Classify: true, Classes: []string{"1", "0"}},
	Options{Targets: []string{"y"}, Features: []string{"b", "a"}},
	Options{Delimiter: ' ', Targets: []string{"y"}, Classify: true},
	Options{Delimiter: '.', Targets: []string{"y"}, Classify: true},
	Options{Delimiter: 'é', Targets: []string{"y"}, Classify: true},
	Options{Targets: []string{"y"}, Classify: true, TargetOptional: true, Classes: []string{"0", "1"}},
	Options{Targets: []string{"y"}, Classify: true, Missing: DefaultMissing},
	Options{Targets: []string{"y"}, Missing: DefaultMissing},
	Options{Missing: DefaultMissing},
	Options{Targets: []string{"y"}, Classify: true, Missing: DefaultMissing, Categorical: []string{"a"}},
	Options{Targets: []string{"y"}, Classify: true, Categorical: []string{"b"}, MaxLevels: 3},
	Options{Targets: []string{"y"}, Classify: true, Missing: DefaultMissing, MaxLevels: 2},
	Options{Targets: []string{"y"}, Classify: true, Missing: []string{"-999", "NA"}},
	Options{Targets: []string{"y"}, Classify: true, Missing: []string{"-999", "NA"}, FixedKinds: true},
	Options{Targets: []string{"y"}, Classify: true, Missing: DefaultMissing, Categorical: []string{"b"}, FixedKinds: true},
	Options{Targets: []string{"y"}, Classify: true, TargetOptional: true, Missing: DefaultMissing, Classes: []string{"0", "1"}},
	Options{Delimiter: ';', Targets: []string{"y", "z"}, Missing: DefaultMissing},
	Options{Delimiter: '\t', Targets: []string{"y"}, Classify: true, Missing: DefaultMissing},
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
		// Categorical columns, missing cells, rows left out.
		"a,b,y\n1,x,0\n2,NA,1\n,y,NA\n3,2.0,1\n",
		"a,b,y\n1,2,0\n2,3,1\n3,x,0\n4,2,NA\n",
		"a,b,y\n1,\"x\",0\r\n2,\"\",1\r\nNA,\"x,y\",1\r\n",
	} {
		for _, chunk := range []int{1, 4, 7, fastChunk} {
			p := &reader{name: "t.csv", opt: Options{Targets: []string{"y"}, Classify: true, Missing: DefaultMissing}, lim: defaultLimits}
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

// TestFastSameAsSlowCategorical compares the two paths on random tables
// of numeric, categorical and mixed columns (numbers, then text), with
// missing cells and missing targets, in chunks of 1, 7, a random size and
// the default.
func TestFastSameAsSlowCategorical(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 9))
	tokens := []string{"NA", "", "?", " nan "}
	for trial := range 40 {
		var b strings.Builder
		d := 1 + rng.IntN(5)
		kinds := make([]int, d) // 0 numeric, 1 categorical, 2 numbers then text, 3 number codes
		for j := range d {
			kinds[j] = rng.IntN(4)
			fmt.Fprintf(&b, "x%d,", j)
		}
		b.WriteString("y\n")
		n := 1 + rng.IntN(400)
		for i := range n {
			if rng.IntN(20) == 0 {
				b.WriteString("\n")
			}
			for j := range d {
				switch {
				case rng.IntN(12) == 0:
					b.WriteString(tokens[rng.IntN(len(tokens))])
				case kinds[j] == 1 || kinds[j] == 2 && i > n*2/3 && rng.IntN(3) == 0:
					fmt.Fprintf(&b, "lvl%d", rng.IntN(1+trial))
				case kinds[j] == 3:
					fmt.Fprintf(&b, "%d", rng.IntN(1+trial%7))
				default:
					fmt.Fprintf(&b, "%.3f", rng.NormFloat64())
				}
				b.WriteString(",")
			}
			if rng.IntN(15) == 0 {
				b.WriteString(tokens[rng.IntN(2)])
			} else {
				fmt.Fprintf(&b, "%d", rng.IntN(3))
			}
			b.WriteString("\n")
		}
		in := []byte(b.String())
		for _, opt := range []Options{
			{Targets: []string{"y"}, Classify: true, Missing: DefaultMissing},
			{Targets: []string{"y"}, Missing: DefaultMissing},
			{Targets: []string{"y"}, Classify: true, Missing: DefaultMissing, Categorical: []string{"x0"}},
			{Targets: []string{"y"}, Classify: true, Missing: DefaultMissing, MaxLevels: 5 + trial/2},
		} {
			for _, chunk := range []int{1, 7, 1 + rng.IntN(500), fastChunk} {
				sameRead(t, in, opt, chunk)
			}
		}
	}
}

// TestFastManyLevels checks that a column of a million distinct levels
// stops at the limit in the fast path, allocating for them no more than
// the slow path, which reports it.
func TestFastManyLevels(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a file of 10⁶ rows")
	}
	var b strings.Builder
	b.WriteString("a,id,y\n")
	for i := range 1_000_000 {
		fmt.Fprintf(&b, "%d,id%d,%d\n", i%10, i, i%2)
	}
	in := b.String()
	opt := Options{Targets: []string{"y"}, Classify: true, Missing: DefaultMissing}
	var err error
	fast, _ := measure(func() {
		p := &reader{name: "t.csv", opt: opt, lim: defaultLimits}
		_, err = p.readFast(strings.NewReader(in), 0, int64(len(in)), fastChunk)
	})
	if err != errSlow {
		t.Fatalf("readFast: %v, want errSlow", err)
	}
	slow, _ := measure(func() { _, err = Read(slowOnly{strings.NewReader(in)}, "t.csv", opt) })
	if !errors.Is(err, ErrTooManyLevels) {
		t.Fatalf("slow path: %v, want ErrTooManyLevels", err)
	}
	// The fast path makes the Dataset's slices for every row first, as
	// for any input it leaves to the slow path; beyond them, the levels
	// must stop at the limit.
	table := uint64(1_000_000 * RowBytes(2, 0, true))
	t.Logf("fast path gave up having allocated %d MB (%d MB for the rows); the slow path allocated %d MB", fast>>20, table>>20, slow>>20)
	if fast-table > slow {
		t.Errorf("the fast path allocated %d MB besides the rows, more than the slow path's %d MB", (fast-table)>>20, slow>>20)
	}
}
