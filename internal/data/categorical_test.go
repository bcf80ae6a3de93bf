package data

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

// readBoth reads in by the fast and the slow path, checks that they agree,
// and returns the result.
func readBoth(t *testing.T, in string, opt Options) (*Dataset, error) {
	t.Helper()
	for _, chunk := range []int{1, 7, fastChunk} {
		sameRead(t, []byte(in), opt, chunk)
	}
	return Read(strings.NewReader(in), "t.csv", opt)
}

func TestReadCategorical(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	for _, tc := range []struct {
		name    string
		in      string
		opt     Options
		x       []float64
		levels  [][]string
		classes []string
		labels  []int
		dropped int
	}{
		{name: "strings are categorical", in: "a,plan,y\n1,basic,x\n2,pro,z\n3,basic,x\n", opt: classify,
			x: []float64{1, 0, 2, 1, 3, 0}, levels: [][]string{nil, {"basic", "pro"}}, classes: []string{"x", "z"}, labels: []int{0, 1, 0}},
		{name: "numbers before the first string become levels", in: "a,c,y\n1,10,x\n2,1e1,z\n3,A,x\n4,2.50,z\n", opt: classify,
			x: []float64{1, 0, 2, 0, 3, 1, 4, 2}, levels: [][]string{nil, {"10", "A", "2.5"}}, classes: []string{"x", "z"}, labels: []int{0, 1, 0, 1}},
		{name: "forced categorical keeps first-seen order", in: "m,y\n12,x\n3,z\n12.0,x\n", opt: Options{Targets: []string{"y"}, Classify: true, Categorical: []string{"m"}},
			x: []float64{0, 1, 0}, levels: [][]string{{"12", "3"}}, classes: []string{"x", "z"}, labels: []int{0, 1, 0}},
		{name: "missing cells are NaN", in: "a,b,y\n1,NA,x\n,basic,z\n?,,x\n", opt: Options{Targets: []string{"y"}, Classify: true, Missing: DefaultMissing},
			x: []float64{1, nan, nan, 0, nan, nan}, levels: [][]string{nil, {"basic"}}, classes: []string{"x", "z"}, labels: []int{0, 1, 0}},
		{name: "a missing target drops the row", in: "a,y\n1,x\n2,NA\n3,z\n4,\n", opt: Options{Targets: []string{"y"}, Classify: true, Missing: DefaultMissing},
			x: []float64{1, 3}, classes: []string{"x", "z"}, labels: []int{0, 1}, dropped: 2},
		{name: "0 and 0.0 are one class", in: "a,y\n1,0\n2,0.0\n3,1\n4,1.00\n5,-0\n", opt: classify,
			x: []float64{1, 2, 3, 4, 5}, classes: []string{"0", "1"}, labels: []int{0, 0, 1, 1, 0}},
		{name: "a missing regression target drops the row", in: "a,y\n1,2\n2,NA\n3,4\n", opt: Options{Targets: []string{"y"}, Missing: DefaultMissing},
			x: []float64{1, 3}, dropped: 1},
		{name: "a level holding the delimiter, quoted", in: "a,city,y\n1,\"Paris, TX\",x\n2,Paris,z\n3,\"Paris, TX\",x\n", opt: classify,
			x: []float64{1, 0, 2, 1, 3, 0}, levels: [][]string{nil, {"Paris, TX", "Paris"}}, classes: []string{"x", "z"}, labels: []int{0, 1, 0}},
		{name: "ignored columns", in: "id,a,name,y\nA1,1,bob,x\nA2,2,al,z\n", opt: Options{Targets: []string{"y"}, Classify: true, Ignore: []string{"id", "name"}},
			x: []float64{1, 2}, classes: []string{"x", "z"}, labels: []int{0, 1}},
		{name: "decimal comma", in: "a;y\n1,5;x\n-2,25;z\n", opt: Options{Delimiter: ';', Targets: []string{"y"}, Classify: true, Decimal: ','},
			x: []float64{1.5, -2.25}, classes: []string{"x", "z"}, labels: []int{0, 1}},
		{name: "a model's features, other columns ignored", in: "id,b,a,y\nq,1,2,x\nr,3,4,z\n", opt: Options{Targets: []string{"y"}, Classify: true, WantFeatures: []string{"a", "b"}},
			x: []float64{2, 1, 4, 3}, classes: []string{"x", "z"}, labels: []int{0, 1}},
		{name: "a model's class 1.0 takes 1", in: "a,y\n1,1\n2,2.0\n", opt: Options{Targets: []string{"y"}, Classify: true, Classes: []string{"1.0", "2.0"}},
			x: []float64{1, 2}, classes: []string{"1.0", "2.0"}, labels: []int{0, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds, err := readBoth(t, tc.in, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if got := ds.X.RawMatrix().Data; !slices.EqualFunc(got, tc.x, func(a, b float64) bool { return a == b || a != a && b != b }) {
				t.Errorf("X = %v, want %v", got, tc.x)
			}
			if !slices.EqualFunc(ds.Levels, tc.levels, slices.Equal) {
				t.Errorf("Levels = %q, want %q", ds.Levels, tc.levels)
			}
			if !slices.Equal(ds.Classes, tc.classes) || !slices.Equal(ds.Labels, tc.labels) {
				t.Errorf("Classes, Labels = %q %v, want %q %v", ds.Classes, ds.Labels, tc.classes, tc.labels)
			}
			if ds.Dropped != tc.dropped {
				t.Errorf("Dropped = %d, want %d", ds.Dropped, tc.dropped)
			}
		})
	}
}

func TestReadCategoricalErrors(t *testing.T) {
	t.Parallel()
	miss := Options{Targets: []string{"y"}, Classify: true, Missing: DefaultMissing}
	many := "id,y\n" + strings.Repeat("", 0)
	for i := range 6 {
		many += "c" + string(rune('a'+i)) + ",x\n"
	}
	for _, tc := range []struct {
		name      string
		in        string
		opt       Options
		line, col int
		key, msg  string
		is        error
	}{
		{name: "every target missing", in: "a,y\n1,NA\n2,\n", opt: miss, line: 2, key: `column "y"`, msg: "every row's target is missing (2 rows)"},
		{name: "too many levels", in: many, opt: Options{Targets: []string{"y"}, Classify: true, MaxLevels: 4, LevelsHint: "add it to data.ignore"},
			line: 6, col: 1, key: `column "id"`, msg: "too many categories: more than 4 distinct values in a categorical column (5 in the first 5 rows)", is: ErrTooManyLevels},
		{name: "ignored column not in header", in: "a,y\n1,x\n", opt: Options{Targets: []string{"y"}, Ignore: []string{"b"}},
			line: 1, key: `column "b"`, msg: "column listed in data.ignore is not in the header"},
		{name: "empty cell not missing", in: "a,y\n,x\n", opt: classify, line: 2, col: 1, key: `column "a"`, msg: "missing value"},
		{name: "infinity in a numeric column", in: "a,y\ninf,x\n", opt: classify, line: 2, col: 1, key: `column "a"`, msg: `not a finite number: "inf"`},
		{name: "text in a model's numeric column", in: "a,y\nabc,x\n", opt: Options{Targets: []string{"y"}, Classify: true, FixedKinds: true},
			line: 2, col: 1, key: `column "a"`, msg: `not a number: "abc"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readBoth(t, tc.in, tc.opt)
			e := asInputErr(t, err)
			if e.Line != tc.line || e.Column != tc.col || e.Key != tc.key || e.Err.Error() != tc.msg {
				t.Errorf("got %d:%d key %q %q, want %d:%d key %q %q", e.Line, e.Column, e.Key, e.Err, tc.line, tc.col, tc.key, tc.msg)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v is not %v", err, tc.is)
			}
		})
	}
}

func TestLevel(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cell string
		dec  rune
		want string
	}{
		{"1", '.', "1"}, {"1.0", '.', "1"}, {"1e0", '.', "1"}, {"-0", '.', "0"}, {"0.10", '.', "0.1"},
		{"02139", '.', "2139"}, {"abc", '.', "abc"}, {"inf", '.', "inf"}, {"NaN", '.', "NaN"}, {"", '.', ""},
		{"1,5", ',', "1.5"}, {"1.5", ',', "1.5"}, {"1,5", '.', "1,5"}, {"+3", '.', "3"}, {".5", '.', "0.5"},
	} {
		if got := Level(tc.cell, tc.dec); got != tc.want {
			t.Errorf("Level(%q, %q) = %q, want %q", tc.cell, tc.dec, got, tc.want)
		}
	}
}

// TestReadTextBytes checks that long distinct levels, which a small gzip
// file can hold in great number, stop at MaxTextBytes (here lowered).
func TestReadTextBytes(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("name,y\n")
	long := strings.Repeat("x", 100)
	for i := range 20 {
		b.WriteString(long + string(rune('a'+i)) + ",y" + string(rune('a'+i%2)) + "\n")
	}
	lim := defaultLimits
	lim.textBytes = 1000
	for _, chunk := range []int{1, fastChunk} {
		sameReadLimits(t, []byte(b.String()), classify, chunk, lim)
	}
	_, err := readLimits(strings.NewReader(b.String()), "t.csv", classify, fastChunk, lim)
	e := asInputErr(t, err)
	if !errors.Is(err, ErrTooManyLevels) || e.Line != 10 || e.Key != `column "name"` {
		t.Errorf("got %v, want an error at line 10 of column name wrapping ErrTooManyLevels", err)
	}
}
