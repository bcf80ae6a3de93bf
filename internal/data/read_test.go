package data

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/mlptrain/mlptrain/internal/inputerr"
)

var (
	classify = Options{Targets: []string{"y"}, Classify: true}
	regress  = Options{Targets: []string{"y"}}
	// numeric reads every feature column as numbers, as for a model
	// trained on numeric columns: a cell that is not one is an error.
	numeric = Options{Targets: []string{"y"}, Classify: true, FixedKinds: true}
)

// asInputErr returns err as an *inputerr.Error, failing the test if it is not one.
func asInputErr(t *testing.T, err error) *inputerr.Error {
	t.Helper()
	var e *inputerr.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *inputerr.Error", err, err)
	}
	return e
}

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadErrors(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 100)
	for _, tc := range []struct {
		name      string
		in        string
		opt       Options
		line, col int
		key       string
		msg       string // the exact message
		hint      string // a substring of the hint
	}{
		{name: "empty file", in: "", opt: classify,
			msg: "empty file", hint: "the first line must be a header row naming the columns"},
		{name: "blank lines only", in: "\n\r\n\n", opt: classify,
			msg: "empty file", hint: "header row"},
		{name: "BOM only", in: "\uFEFF", opt: classify,
			msg: "empty file", hint: "header row"},
		{name: "header only", in: "a,b,y\n", opt: classify, line: 1,
			msg: "no data rows after the header", hint: "add data rows"},
		{name: "header then blank lines", in: "a,b,y\r\n\r\n\r\n", opt: classify, line: 1,
			msg: "no data rows after the header", hint: "add data rows"},
		{name: "duplicate column", in: "a,b,a,y\n1,2,3,x\n", opt: classify, line: 1, col: 3, key: `column "a"`,
			msg: "duplicate column name (columns 1 and 3)", hint: "rename one"},
		{name: "duplicate after trimming", in: "a, b,b ,y\n1,2,3,x\n", opt: classify, line: 1, col: 3, key: `column "b"`,
			msg: "duplicate column name (columns 2 and 3)", hint: "unique"},
		{name: "empty first column name", in: ",a,y\n0,1,x\n", opt: classify, line: 1, col: 1,
			msg: "empty column name", hint: "pandas index"},
		{name: "empty middle column name", in: "a, ,y\n0,1,x\n", opt: classify, line: 1, col: 2,
			msg: "empty column name", hint: "name every column"},
		{name: "trailing delimiter in header", in: "a,y,\n0,x,\n", opt: classify, line: 1, col: 3,
			msg: "empty column name", hint: "delimiter at the end"},
		{name: "header not UTF-8", in: "a,\xff,y\n0,1,x\n", opt: classify, line: 1, col: 2,
			msg: `column name "\xff" is not valid UTF-8`, hint: "UTF-8"},
		{name: "missing target", in: "a,specis\n1,x\n", opt: Options{Targets: []string{"species"}, Classify: true},
			line: 1, key: `column "species"`, msg: "target column not found in the header", hint: `did you mean "specis"?`},
		{name: "missing target case", in: "a,Species\n1,x\n", opt: Options{Targets: []string{"species"}, Classify: true},
			line: 1, key: `column "species"`, msg: "target column not found in the header", hint: `did you mean "Species"?`},
		{name: "missing target no suggestion", in: "a,b\n1,x\n", opt: Options{Targets: []string{"species"}},
			line: 1, key: `column "species"`, msg: "target column not found in the header", hint: `the header has "a", "b"`},
		{name: "missing feature", in: "sepal_length,y\n1,x\n",
			opt:  Options{Targets: []string{"y"}, Features: []string{"sepal_lenght"}, Classify: true},
			line: 1, key: `column "sepal_lenght"`, msg: "feature column not found in the header", hint: `did you mean "sepal_length"?`},
		{name: "partly present targets", in: "a,y1\n1,2\n", opt: Options{Targets: []string{"y1", "y2"}, TargetOptional: true},
			line: 1, key: `column "y2"`, msg: "target column not found in the header", hint: `did you mean "y1"?`},
		{name: "no features", in: "y\n1\n2\n", opt: regress, line: 1,
			msg: "no feature columns", hint: "besides the target"},
		{name: "two targets to classify", in: "a,y,z\n1,2,3\n", opt: Options{Targets: []string{"y", "z"}, Classify: true},
			key: `column "z"`, msg: "classification needs exactly one target column, got 2", hint: "regression"},
		{name: "target twice", in: "a,y\n1,2\n", opt: Options{Targets: []string{"y", "y"}},
			key: `column "y"`, msg: "target column named twice", hint: "once"},
		{name: "feature twice", in: "a,y\n1,2\n", opt: Options{Targets: []string{"y"}, Features: []string{"a", "a"}},
			key: `column "a"`, msg: "feature column listed twice", hint: "once"},
		{name: "feature is target", in: "a,y\n1,2\n", opt: Options{Targets: []string{"y"}, Features: []string{"a", "y"}},
			key: `column "y"`, msg: "column is both a target and a feature", hint: "remove"},
		{name: "model feature missing", in: "a,c,y\n1,2,x\n", opt: Options{Targets: []string{"y"}, Classify: true, Classes: []string{"x", "z"}, WantFeatures: []string{"a", "b"}},
			line: 1, key: `column "b"`, msg: `feature column of the model is missing (missing: "b")`, hint: `the model was trained on the feature columns "a", "b"`},
		{name: "model feature misspelt", in: "a,sepal_lenght,y\n1,2,x\n", opt: Options{Targets: []string{"y"}, WantFeatures: []string{"a", "sepal_length"}, TargetOptional: true},
			line: 1, key: `column "sepal_length"`, msg: `feature column of the model is missing (missing: "sepal_length")`, hint: `did you mean "sepal_lenght"?`},
		// A column that already has a role is never the suggestion.
		{name: "missing feature, used column not suggested", in: "x1,x2,y\n1,2,x\n", opt: Options{Targets: []string{"y"}, Features: []string{"x1", "x3"}, Classify: true},
			line: 1, key: `column "x3"`, msg: "feature column not found in the header", hint: `did you mean "x2"?`},
		{name: "model feature missing, used column not suggested", in: "x1,x3,y\n1,2,x\n", opt: Options{Targets: []string{"y"}, Features: []string{"x1", "x2"}, WantFeatures: []string{"x1", "x2"}, Classify: true, Classes: []string{"x", "z"}},
			line: 1, key: `column "x2"`, msg: `feature column of the model is missing (missing: "x2")`, hint: `did you mean "x3"? the model was trained on the feature columns "x1", "x2"`},
		{name: "too few fields", in: "a,b,y\n1,2,x\n1,2\n", opt: classify, line: 3, col: 3, key: `column "y"`,
			msg: "expected 3 fields, got 2", hint: "one field per header column"},
		{name: "too many fields", in: "a,b,y\n1,2,x\n1,2,x,4\n", opt: classify, line: 3, col: 4,
			msg: "expected 3 fields, got 4", hint: "one field per header column"},
		{name: "space-only line", in: "a,b,y\n1,2,x\n  \n", opt: classify, line: 3, col: 2, key: `column "b"`,
			msg: "expected 3 fields, got 1", hint: "delimiter"},
		{name: "not a number", in: "a,b,y\n1,2,x\n1,abc,z\n", opt: numeric, line: 3, col: 2, key: `column "b"`,
			msg: `not a number: "abc"`, hint: "reads this column as numbers"},
		{name: "long cell truncated", in: "a,b,y\n1," + long + ",x\n", opt: numeric, line: 2, col: 2, key: `column "b"`,
			msg: `not a number: "` + long[:40] + `"…`, hint: "reads this column as numbers"},
		{name: "leftmost bad cell first", in: "a,b,y\n1,2,x\nq,r,z\n", opt: numeric, line: 3, col: 1, key: `column "a"`,
			msg: `not a number: "q"`, hint: "number"},
		{name: "NaN", in: "a,b,y\n1,NaN,x\n", opt: classify, line: 2, col: 2, key: `column "b"`,
			msg: `not a finite number: "NaN"`, hint: "NaN and infinities are not allowed"},
		{name: "Inf", in: "a,b,y\n1,Inf,x\n", opt: classify, line: 2, col: 2, key: `column "b"`,
			msg: `not a finite number: "Inf"`, hint: "not allowed"},
		{name: "+Inf", in: "a,b,y\n+Inf,2,x\n", opt: classify, line: 2, col: 1, key: `column "a"`,
			msg: `not a finite number: "+Inf"`, hint: "not allowed"},
		{name: "-infinity", in: "a,b,y\n1,-infinity,x\n", opt: classify, line: 2, col: 2, key: `column "b"`,
			msg: `not a finite number: "-infinity"`, hint: "not allowed"},
		{name: "out of range", in: "a,b,y\n1,1e400,x\n", opt: classify, line: 2, col: 2, key: `column "b"`,
			msg: `number out of range: "1e400"`, hint: "rescale"},
		{name: "empty cell", in: "a,b,y\n1,,x\n", opt: classify, line: 2, col: 2, key: `column "b"`,
			msg: "missing value", hint: "fill in the cell"},
		{name: "blank cell", in: "a,b,y\n1, \t ,x\n", opt: classify, line: 2, col: 2, key: `column "b"`,
			msg: "missing value", hint: "fill in the cell"},
		{name: "regression target not a number", in: "a,y\n1,2\n3,abc\n", opt: regress, line: 3, col: 2, key: `column "y"`,
			msg: `not a number: "abc"`, hint: "train a classifier"},
		{name: "regression target NaN", in: "a,y\n1,2\n3,nan\n", opt: regress, line: 3, col: 2, key: `column "y"`,
			msg: `not a finite number: "nan"`, hint: "not allowed"},
		{name: "regression target missing", in: "y,a\n,2\n", opt: regress, line: 2, col: 1, key: `column "y"`,
			msg: "missing value", hint: "fill in"},
		{name: "one class", in: "a,y\n1,x\n2,x\n", opt: classify, line: 2, col: 2, key: `column "y"`,
			msg: `only one class ("x") in the target; need at least two`, hint: "at least two classes"},
		{name: "unknown class", in: "a,y\n1,x\n2,w\n", opt: Options{Targets: []string{"y"}, Classify: true, Classes: []string{"x", "z"}},
			line: 3, col: 2, key: `column "y"`, msg: `unknown class "w"`, hint: `the model knows the classes "x", "z"`},
		{name: "missing label", in: "a,y\n1,x\n2,\n", opt: classify, line: 3, col: 2, key: `column "y"`,
			msg: "missing value", hint: "class label"},
		{name: "label not UTF-8", in: "a,y\n1,x\n2,\xfe\n", opt: classify, line: 3, col: 2, key: `column "y"`,
			msg: `class label "\xfe" is not valid UTF-8`, hint: "UTF-8"},
		{name: "bare quote", in: "a,y\n1,x\"y\n", opt: classify, line: 2, col: 4,
			msg: `bare " in non-quoted-field`, hint: "quoted as a whole"},
		{name: "unterminated quote", in: "a,y\n1,\"x\n2,y\n", opt: classify, line: 3, col: 5,
			msg: `extraneous or missing " in quoted-field (the record starts on line 2)`, hint: "close the quoted field"},
		{name: "text after quote", in: "a,y\n1,\"x\"y\n", opt: classify, line: 2, col: 5,
			msg: `extraneous or missing " in quoted-field`, hint: "close the quoted field"},
		{name: "cell after a multi-line field", in: "a,y,b\n1,\"x\ny\",abc\n", opt: Options{Targets: []string{"y"}, Classify: true, FixedKinds: true},
			line: 3, col: 3, key: `column "b"`, msg: `not a number: "abc"`, hint: "number"},
		{name: "leading blank lines count", in: "\n\na,y\n\nq,x\n", opt: numeric, line: 5, col: 1, key: `column "a"`,
			msg: `not a number: "q"`, hint: "number"},
		{name: "CRLF lines count", in: "a,y\r\n1,x\r\n\r\n2,z\r\nq,x\r\n", opt: numeric, line: 5, col: 1, key: `column "a"`,
			msg: `not a number: "q"`, hint: "number"},
		{name: "BOM and CRLF header error", in: "\uFEFFa,a,y\r\n1,2,x\r\n", opt: classify, line: 1, col: 2, key: `column "a"`,
			msg: "duplicate column name (columns 1 and 2)", hint: "unique"},
		{name: "semicolon delimiter", in: "a;b;y\n1;2,5;x\n", opt: Options{Delimiter: ';', Targets: []string{"y"}, Classify: true, FixedKinds: true},
			line: 2, col: 2, key: `column "b"`, msg: `not a number: "2,5"`, hint: "number"},
		{name: "invalid delimiter", in: "a,y\n1,2\n", opt: Options{Delimiter: '"'}, key: "delimiter",
			msg: `invalid delimiter '"'`, hint: "tab"},
		{name: "corrupt gzip", in: "\x1f\x8bnot really gzip", opt: classify,
			msg: "corrupt gzip data: gzip: invalid header", hint: "compress it again"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ds, err := Read(strings.NewReader(tc.in), "t.csv", tc.opt)
			if err == nil {
				t.Fatalf("Read(%q) = %d rows, want an error", tc.in, ds.Len())
			}
			e := asInputErr(t, err)
			if e.File != "t.csv" || e.Line != tc.line || e.Column != tc.col || e.Key != tc.key {
				t.Errorf("Read(%q): got position %q:%d:%d key %q, want %q:%d:%d key %q (%v)",
					tc.in, e.File, e.Line, e.Column, e.Key, "t.csv", tc.line, tc.col, tc.key, err)
			}
			if got := e.Err.Error(); got != tc.msg {
				t.Errorf("Read(%q): message %q, want %q", tc.in, got, tc.msg)
			}
			if !strings.Contains(e.Hint, tc.hint) {
				t.Errorf("Read(%q): hint %q does not contain %q", tc.in, e.Hint, tc.hint)
			}
		})
	}
}

func TestReadGzipTruncated(t *testing.T) {
	t.Parallel()
	var csv strings.Builder
	csv.WriteString("a,y\n")
	for i := range 5000 {
		fmt.Fprintf(&csv, "%d,%d\n", i, i%2)
	}
	z := gz(t, csv.String())
	_, err := Read(bytes.NewReader(z[:len(z)/2]), "t.csv.gz", classify)
	if err == nil {
		t.Fatal("Read of truncated gzip succeeded")
	}
	e := asInputErr(t, err)
	if !strings.HasPrefix(e.Err.Error(), "corrupt gzip data") || e.Line < 2 || e.File != "t.csv.gz" {
		t.Errorf("truncated gzip: got %v", err)
	}
}

func TestReadFileErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct {
		name, path, msg, hint string
	}{
		{"missing", filepath.Join(dir, "nope.csv"), "cannot open file: no such file or directory", "check the path"},
		{"directory", dir, "is a directory, not a CSV file", ".csv or .csv.gz"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadFile(tc.path, classify)
			e := asInputErr(t, err)
			if e.File != tc.path || e.Line != 0 || e.Key != "" || e.Err.Error() != tc.msg || !strings.Contains(e.Hint, tc.hint) {
				t.Errorf("ReadFile(%q) = %#v (%v), want message %q", tc.path, e, err, tc.msg)
			}
		})
	}
}

const iris = "sepal_length,sepal_width,species\n" +
	"5.1,3.5,setosa\n" +
	"7.0,3.2,versicolor\n" +
	"\n" +
	" 6.3 , 3.3 , virginica \n" +
	"4.9,3.0,setosa\n"

func checkIris(t *testing.T, ds *Dataset, file string) {
	t.Helper()
	want := &Dataset{
		File:         file,
		FeatureNames: []string{"sepal_length", "sepal_width"},
		TargetNames:  []string{"species"},
		X:            mat.NewDense(4, 2, []float64{5.1, 3.5, 7.0, 3.2, 6.3, 3.3, 4.9, 3.0}),
		Labels:       []int{0, 1, 2, 0},
		Classes:      []string{"setosa", "versicolor", "virginica"},
		Lines:        []int{2, 3, 5, 6},
	}
	checkDataset(t, ds, want)
}

func checkDataset(t *testing.T, got, want *Dataset) {
	t.Helper()
	if got.File != want.File || !slices.Equal(got.FeatureNames, want.FeatureNames) || !slices.Equal(got.TargetNames, want.TargetNames) ||
		!slices.Equal(got.Labels, want.Labels) || !slices.Equal(got.Classes, want.Classes) || !slices.Equal(got.Lines, want.Lines) {
		t.Errorf("got dataset %+v, want %+v", got, want)
	}
	if (got.X == nil) != (want.X == nil) || got.X != nil && !mat.Equal(got.X, want.X) {
		t.Errorf("got X %v, want %v", mat.Formatted(got.X), mat.Formatted(want.X))
	}
	if (got.Y == nil) != (want.Y == nil) || got.Y != nil && !mat.Equal(got.Y, want.Y) {
		t.Errorf("got Y %v, want %v", got.Y, want.Y)
	}
}

func TestReadFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	crlf := strings.ReplaceAll(iris, "\n", "\r\n")
	for _, tc := range []struct {
		name string
		file string
		data []byte
	}{
		{"plain", "iris.csv", []byte(iris)},
		{"BOM", "bom.csv", []byte("\uFEFF" + iris)},
		{"CRLF", "crlf.csv", []byte(crlf)},
		{"BOM and CRLF", "bomcrlf.csv", []byte("\uFEFF" + crlf)},
		{"CRLF without final newline", "nofinal.csv", []byte(strings.TrimSuffix(crlf, "\r\n"))},
		{"gzip", "iris.csv.gz", gz(t, iris)},
		{"gzip with BOM and CRLF", "bomcrlf.csv.gz", gz(t, "\uFEFF"+crlf)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.file)
			if err := os.WriteFile(path, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			ds, err := ReadFile(path, Options{Targets: []string{"species"}, Classify: true})
			if err != nil {
				t.Fatalf("ReadFile(%q): %v", tc.file, err)
			}
			checkIris(t, ds, path)
		})
	}
}

func TestRead(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		in   string
		opt  Options
		want *Dataset
	}{
		{
			name: "regression, two targets, features in file order",
			in:   "y1,a,y2,b\n1,2,3,4\n5,6,7,8\n",
			opt:  Options{Targets: []string{"y2", "y1"}},
			want: &Dataset{FeatureNames: []string{"a", "b"}, TargetNames: []string{"y2", "y1"},
				X: mat.NewDense(2, 2, []float64{2, 4, 6, 8}), Y: mat.NewDense(2, 2, []float64{3, 1, 7, 5}), Lines: []int{2, 3}},
		},
		{
			name: "explicit features skip a text column",
			in:   "id,a,b,y\nfoo,1,2,3\nbar,4,5,6\n",
			opt:  Options{Targets: []string{"y"}, Features: []string{"b", "a"}},
			want: &Dataset{FeatureNames: []string{"b", "a"}, TargetNames: []string{"y"},
				X: mat.NewDense(2, 2, []float64{2, 1, 5, 4}), Y: mat.NewDense(2, 1, []float64{3, 6}), Lines: []int{2, 3}},
		},
		{
			name: "no target",
			in:   "a,b\n1,2\n",
			opt:  Options{},
			want: &Dataset{FeatureNames: []string{"a", "b"}, X: mat.NewDense(1, 2, []float64{1, 2}), Lines: []int{2}},
		},
		{
			name: "optional target absent, model order",
			in:   "b,a\n1,2\n",
			opt:  Options{Targets: []string{"y"}, TargetOptional: true, Classify: true, Classes: []string{"p", "q"}, WantFeatures: []string{"a", "b"}},
			want: &Dataset{FeatureNames: []string{"a", "b"}, X: mat.NewDense(1, 2, []float64{2, 1}), Classes: []string{"p", "q"}, Lines: []int{2}},
		},
		{
			name: "optional target present, known classes keep their order",
			in:   "b,y,a\n1,q,2\n3,p,4\n5,q,6\n",
			opt:  Options{Targets: []string{"y"}, TargetOptional: true, Classify: true, Classes: []string{"q", "p", "r"}, WantFeatures: []string{"a", "b"}},
			want: &Dataset{FeatureNames: []string{"a", "b"}, TargetNames: []string{"y"}, X: mat.NewDense(3, 2, []float64{2, 1, 4, 3, 6, 5}),
				Labels: []int{0, 1, 0}, Classes: []string{"q", "p", "r"}, Lines: []int{2, 3, 4}},
		},
		{
			name: "integer classes sort numerically",
			in:   "a,y\n1,10\n2,2\n3, 1\n4,2\n",
			opt:  classify,
			want: &Dataset{FeatureNames: []string{"a"}, TargetNames: []string{"y"}, X: mat.NewDense(4, 1, []float64{1, 2, 3, 4}),
				Labels: []int{2, 1, 0, 1}, Classes: []string{"1", "2", "10"}, Lines: []int{2, 3, 4, 5}},
		},
		{
			name: "mixed classes sort by bytes",
			in:   "a,y\n1,b\n2,10\n3,B\n4,9\n",
			opt:  classify,
			want: &Dataset{FeatureNames: []string{"a"}, TargetNames: []string{"y"}, X: mat.NewDense(4, 1, []float64{1, 2, 3, 4}),
				Labels: []int{3, 0, 2, 1}, Classes: []string{"10", "9", "B", "b"}, Lines: []int{2, 3, 4, 5}},
		},
		{
			name: "tab delimiter, quoted cells, number formats",
			in:   "a\tb\ty\n\"1.5\"\t-2e3\tno\n0x1p-2\t+.5\tyes\n",
			opt:  Options{Delimiter: '\t', Targets: []string{"y"}, Classify: true},
			want: &Dataset{FeatureNames: []string{"a", "b"}, TargetNames: []string{"y"}, X: mat.NewDense(2, 2, []float64{1.5, -2000, 0.25, 0.5}),
				Labels: []int{0, 1}, Classes: []string{"no", "yes"}, Lines: []int{2, 3}},
		},
		{
			name: "multi-line quoted label",
			in:   "a,y\n1,\"x\ny\"\n2,z\n",
			opt:  classify,
			want: &Dataset{FeatureNames: []string{"a"}, TargetNames: []string{"y"}, X: mat.NewDense(2, 1, []float64{1, 2}),
				Labels: []int{0, 1}, Classes: []string{"x\ny", "z"}, Lines: []int{2, 4}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ds, err := Read(strings.NewReader(tc.in), "t.csv", tc.opt)
			if err != nil {
				t.Fatalf("Read(%q): %v", tc.in, err)
			}
			tc.want.File = "t.csv"
			checkDataset(t, ds, tc.want)
		})
	}
}

// wideBytesPerByte bounds the bytes reading the wide file may allocate
// per byte of it (measured: 45 to read it, 32 to refuse a misspelt target).
const wideBytesPerByte = 100

// TestReadWide reads a file of 10^5 columns, then one whose target is
// misspelt among them. Not parallel: it measures allocations.
func TestReadWide(t *testing.T) {
	const d = 100_000
	var b strings.Builder
	for j := range d {
		if j > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "c%d", j)
	}
	b.WriteString("\n")
	for j := range d {
		if j > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%d", j)
	}
	b.WriteString("\n")
	var ds *Dataset
	var err error
	alloc, d0 := measure(func() { ds, err = Read(strings.NewReader(b.String()), "wide.csv", Options{}) })
	if err != nil {
		t.Fatal(err)
	}
	if r, c := ds.X.Dims(); r != 1 || c != d || ds.X.At(0, d-1) != d-1 {
		t.Errorf("wide: got %d×%d, last %v", r, c, ds.X.At(0, d-1))
	}
	// A misspelt column among many must still be reported, at a cost
	// linear in the header (BenchmarkReadWideMisspelt times it).
	missAlloc, d1 := measure(func() {
		_, err = Read(strings.NewReader(b.String()), "wide.csv", Options{Targets: []string{"c99999x"}})
	})
	if e := asInputErr(t, err); e.Hint != `did you mean "c99999"?` {
		t.Errorf("wide: got %v", err)
	}
	t.Logf("wide: read in %v allocating %d MB; misspelt target in %v allocating %d MB", d0, alloc>>20, d1, missAlloc>>20)
	if limit := uint64(wideBytesPerByte * b.Len()); alloc > limit || missAlloc > limit {
		t.Errorf("wide: allocated %d and %d MB, more than %d MB", alloc>>20, missAlloc>>20, limit>>20)
	}
}

func TestReadLongLine(t *testing.T) {
	t.Parallel()
	cell := strings.Repeat("7", 1<<20) // a line of 1 MiB; as a number, 7.7…e1048575 is out of range
	_, err := Read(strings.NewReader("a,y\n"+cell+",1\n"), "long.csv", regress)
	e := asInputErr(t, err)
	if e.Line != 2 || e.Column != 1 || !strings.HasPrefix(e.Err.Error(), "number out of range: \"7777") || len(e.Err.Error()) > 80 {
		t.Errorf("long line: got %v", err)
	}
}

func TestSortClasses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, want []string
	}{
		{[]string{"10", "2", "1", "-3", "0.5"}, []string{"-3", "0.5", "1", "2", "10"}},
		{[]string{"1.0", "1", "01"}, []string{"01", "1", "1.0"}},
		{[]string{"10", "2", "NaN"}, []string{"10", "2", "NaN"}},
		{[]string{"b", "a", "B", "10", "9"}, []string{"10", "9", "B", "a", "b"}},
		{[]string{"ü", "z", "a"}, []string{"a", "z", "ü"}},
	} {
		t.Run(strings.Join(tc.in, ","), func(t *testing.T) {
			if got := sortClasses(tc.in); !slices.Equal(got, tc.want) {
				t.Errorf("sortClasses(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestNearest(t *testing.T) {
	t.Parallel()
	cols := []string{"sepal_length", "sepal_width", "species", "x"}
	for _, tc := range []struct {
		name, want string
		ok         bool
	}{
		{"specis", "species", true},
		{"SPECIES", "species", true},
		{"sepal_lenght", "sepal_length", true},
		{"y", "x", true},
		{"petal_length", "sepal_length", true}, // two edits away
		{"zzzzzzz", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, ok := nearest(tc.name, cols); ok != tc.ok || ok && got != tc.want {
				t.Errorf("nearest(%q) = %q, %v, want %q, %v", tc.name, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestQuote(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"abc", `"abc"`},
		{strings.Repeat("é", 40), `"` + strings.Repeat("é", 40) + `"`},
		{strings.Repeat("é", 41), `"` + strings.Repeat("é", 40) + `"…`},
		{"a\"b\x00", `"a\"b\x00"`},
	} {
		if got := quote(tc.in); got != tc.want {
			t.Errorf("quote(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
