package data

import (
	"bytes"
	"compress/gzip"
	"errors"
	"math"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/mlptrain/mlptrain/internal/inputerr"
)

// fuzzOptions are the ways FuzzReadCSV reads its input, chosen by a byte.
var fuzzOptions = []Options{
	{},
	{Targets: []string{"y"}, Classify: true},
	{Targets: []string{"y"}},
	{Targets: []string{"y"}, Classify: true, Classes: []string{"0", "1"}, TargetOptional: true, WantFeatures: []string{"a", "b"}},
	{Delimiter: ';', Targets: []string{"y", "z"}},
	{Targets: []string{"y"}, Features: []string{"b"}, Classify: true},
	{Delimiter: '\t', TargetOptional: true, Targets: []string{"y"}},
	{Targets: []string{"y"}, Classify: true, Missing: DefaultMissing, Ignore: []string{"id"}},
	{Targets: []string{"y"}, Missing: DefaultMissing, Categorical: []string{"a"}, MaxLevels: 3},
	{Targets: []string{"y"}, Classify: true, Missing: DefaultMissing, Classes: []string{"0", "1"}, WantFeatures: []string{"a", "b"},
		Categorical: []string{"b"}, FixedKinds: true},
	{Delimiter: ';', Decimal: ',', Targets: []string{"y"}, Missing: DefaultMissing},
}

func gzipBytes(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

// FuzzReadCSV checks that Read never panics, that every error is a
// positioned *inputerr.Error with a proper message, and that every Dataset
// is consistent.
func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{
		"",
		"a,b,y\n1,2,0\n3,4,1\n",
		"\uFEFFa,b,y\r\n1,2,0\r\n3,4,1\r\n",
		"a,b,y\n1,2,x\n\n3,\"4\",y\n",
		"a;b;y;z\n1;2;3;4\n",
		"a\tb\n1\t2\n",
		"a,y\n1,\"x\ny\"\n2,\"q\"\"r\"\n",
		"a,a\n1,2\n",
		"b,a,y\n1,NaN,0\n",
		"a,b,y\n1,2\n",
		"a,b,y\n1,\"2\n",
		"a,b,y\n1, 2 ,1e400\n",
		"a,b,y\n,,\n",
		"id,a,b,y\nq,1,x,0\nr,NA,y,1\ns,2,,NA\n",
		"a,b,y\n1,2,0\n3,x,1\n4,5,0.0\n",
		"a;b;y\n1,5;2;3\nNA;x;4\n",
		string(gzipBytes("a,b,y\n1,2,0\n3,4,1\n")),
	} {
		for m := range fuzzOptions {
			f.Add([]byte(s), uint8(m))
		}
	}
	f.Fuzz(func(t *testing.T, in []byte, mode uint8) {
		opt := fuzzOptions[int(mode)%len(fuzzOptions)]
		ds, err := Read(bytes.NewReader(in), "fuzz.csv", opt)
		if err != nil {
			var e *inputerr.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T) is not an *inputerr.Error", err, err)
			}
			msg := e.Err.Error()
			if e.File != "fuzz.csv" || e.Line < 0 || e.Column < 0 || e.Hint == "" || msg == "" {
				t.Fatalf("badly formed error %#v: %v", e, err)
			}
			if r, _ := utf8.DecodeRuneInString(msg); unicode.IsUpper(r) || strings.HasSuffix(msg, ".") {
				t.Fatalf("message %q must start lowercase and not end in a period", msg)
			}
			// The command line prints it as one line of stderr.
			if s := err.Error(); strings.ContainsAny(s, "\r\n") || len(s) > 2000 {
				t.Fatalf("message %q is not one short line", s)
			}
			return
		}
		n := ds.Len()
		d := len(ds.FeatureNames)
		if n == 0 || d == 0 {
			t.Fatalf("Dataset with %d rows and %d features", n, d)
		}
		if r, c := ds.X.Dims(); r != n || c != d {
			t.Fatalf("X is %d×%d, want %d×%d", r, c, n, d)
		}
		for i := 1; i < n; i++ {
			if ds.Lines[i] <= ds.Lines[i-1] || ds.Lines[0] < 2 {
				t.Fatalf("lines not increasing: %v", ds.Lines)
			}
		}
		for i, v := range ds.X.RawMatrix().Data {
			j := i % d
			switch {
			case math.IsNaN(v) && opt.Missing == nil:
				t.Fatalf("a missing feature without missing cells")
			case math.IsInf(v, 0):
				t.Fatalf("non-finite feature %v", v)
			case ds.Categorical(j) && !math.IsNaN(v) && (v != math.Trunc(v) || v < 0 || int(v) >= len(ds.Levels[j])):
				t.Fatalf("column %d: level %v of %d", j, v, len(ds.Levels[j]))
			}
		}
		for j, l := range ds.Levels {
			if l != nil && len(l) > max(opt.MaxLevels, 0) && opt.MaxLevels > 0 {
				t.Fatalf("column %d has %d levels, more than %d", j, len(l), opt.MaxLevels)
			}
		}
		if ds.Y != nil {
			if r, c := ds.Y.Dims(); r != n || c != len(ds.TargetNames) {
				t.Fatalf("Y is %d×%d, want %d×%d", r, c, n, len(ds.TargetNames))
			}
		}
		if ds.Labels != nil {
			if len(ds.Labels) != n || (opt.Classes == nil && len(ds.Classes) < 2) {
				t.Fatalf("%d labels, classes %q", len(ds.Labels), ds.Classes)
			}
			for _, l := range ds.Labels {
				if l < 0 || l >= len(ds.Classes) {
					t.Fatalf("label %d outside %q", l, ds.Classes)
				}
			}
		}
	})
}
