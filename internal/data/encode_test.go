package data

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func TestEncoding(t *testing.T) {
	t.Parallel()
	train := "a,plan,y\n1,basic,x\nNA,pro,z\n3,basic,x\n5,NA,z\n2,max,x\n"
	opt := Options{Targets: []string{"y"}, Classify: true, Missing: DefaultMissing}
	ds, err := readBoth(t, train, opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		o       EncodeOptions
		impute  float64
		levels  []string
		other   bool
		num     []float64
		ind     []float64
		codes   []float64
		unknown map[string]int
	}{
		{name: "mean", o: EncodeOptions{}, impute: 2.75, levels: []string{"basic", "max", "pro"},
			num: []float64{1, 2.75, 3, 5, 2}, codes: []float64{0, 2, 0, 3, 1}},
		{name: "median and indicator", o: EncodeOptions{Impute: ImputeMedian, Indicator: true}, impute: 2.5, levels: []string{"basic", "max", "pro"},
			num: []float64{1, 2.5, 3, 5, 2}, ind: []float64{0, 1, 0, 0, 0}, codes: []float64{0, 2, 0, 3, 1}},
		{name: "zero, two categories", o: EncodeOptions{Impute: ImputeZero, MaxCategories: 2}, impute: 0, levels: []string{"basic"}, other: true,
			num: []float64{1, 0, 3, 5, 2}, codes: []float64{0, 2, 0, 1, 2}, unknown: map[string]int{"plan": 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, _, err := FitEncoding(ds, tc.o)
			if err != nil {
				t.Fatal(err)
			}
			if err := e.Check(); err != nil {
				t.Fatal(err)
			}
			a, p := e.Columns[0], e.Columns[1]
			if a.Type != Numeric || *a.Impute != tc.impute || a.Indicator != tc.o.Indicator {
				t.Errorf("numeric column %+v, want impute %g", a, tc.impute)
			}
			if p.Type != Categorical || !slices.Equal(p.Levels, tc.levels) || !p.MissingLevel || p.OtherLevel != tc.other {
				t.Errorf("categorical column %+v, want levels %q, other %v", p, tc.levels, tc.other)
			}
			enc := e.Apply(ds)
			if got := enc.Numeric.RawMatrix().Data; !slices.Equal(got, tc.num) {
				t.Errorf("numeric %v, want %v", got, tc.num)
			}
			if got := enc.Codes.RawMatrix().Data; !slices.Equal(got, tc.codes) {
				t.Errorf("codes %v, want %v", got, tc.codes)
			}
			if tc.ind != nil && !slices.Equal(enc.Indicators.RawMatrix().Data, tc.ind) || tc.ind == nil && enc.Indicators != nil {
				t.Errorf("indicators %v, want %v", enc.Indicators, tc.ind)
			}
			if len(enc.Unknown) != len(tc.unknown) || enc.Unknown["plan"] != tc.unknown["plan"] {
				t.Errorf("unknown %v, want %v", enc.Unknown, tc.unknown)
			}
		})
	}

	// A test file read for the model: a level never seen, a missing cell.
	e, _, _ := FitEncoding(ds, EncodeOptions{})
	o := Options{Targets: []string{"y"}, Classify: true, Missing: DefaultMissing, Classes: ds.Classes}
	e.ReadOptions(&o)
	test, err := readBoth(t, "plan,a,y,extra\ngold,1,x,q\n?,NA,z,r\nbasic,2,x,s\n", o)
	if err != nil {
		t.Fatal(err)
	}
	enc := e.Apply(test)
	if got, want := enc.Codes.RawMatrix().Data, []float64{-1, 3, 0}; !slices.Equal(got, want) {
		t.Errorf("test codes %v, want %v", got, want)
	}
	if got, want := enc.Numeric.RawMatrix().Data, []float64{1, 2.75, 2}; !slices.Equal(got, want) {
		t.Errorf("test numeric %v, want %v", got, want)
	}
	if enc.Unknown["plan"] != 1 {
		t.Errorf("unknown %v, want plan: 1", enc.Unknown)
	}
}

func TestEncodingErrors(t *testing.T) {
	t.Parallel()
	ds, err := Read(strings.NewReader("a,b,y\nNA,1,x\n,2,z\n"), "t.csv", Options{Targets: []string{"y"}, Classify: true, Missing: DefaultMissing})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = FitEncoding(ds, EncodeOptions{})
	e := asInputErr(t, err)
	if e.Key != `column "a"` || !strings.Contains(e.Hint, "data.ignore") {
		t.Errorf("got %v", err)
	}
	// A numeric table with no missing cell is its own encoding.
	ds, _ = Read(strings.NewReader("a,b,y\n1,1,x\n2,2,z\n"), "t.csv", classify)
	enc, _, _ := FitEncoding(ds, EncodeOptions{})
	if !enc.Plain() || enc.Apply(ds).Numeric != ds.X {
		t.Errorf("a plain table is copied")
	}
}

func TestEncodingIDWarning(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("id,x,y\n")
	for i := range 25 {
		b.WriteString("C" + string(rune('A'+i)) + ",1,q\n")
	}
	b.WriteString("ZZ,2,r\n")
	ds, err := Read(strings.NewReader(b.String()), "t.csv", classify)
	if err != nil {
		t.Fatal(err)
	}
	_, warn, err := FitEncoding(ds, EncodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(warn) != 1 || !strings.Contains(warn[0], `column "id" has a value of its own in every training row (26 levels)`) || !strings.Contains(warn[0], "data.ignore") {
		t.Errorf("warnings %q, want one about the id column", warn)
	}
}

// TestEncodingThreads fits the encoding of a table large enough to be
// split over goroutines (5,000 rows × 64 columns: numbers with missing
// cells, categorical columns) at GOMAXPROCS 1, 2 and 4, which split it
// into 1, 2 and 4 runs of columns, and wants the same encoding, bit for
// bit, and the same warnings. (Not parallel: it sets GOMAXPROCS.)
func TestEncodingThreads(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 4))
	var b strings.Builder
	const n, d = 5000, 64
	for j := range d {
		fmt.Fprintf(&b, "c%02d,", j)
	}
	b.WriteString("y\n")
	for range n {
		for j := range d {
			switch {
			case rng.IntN(10) == 0:
				b.WriteString("NA,")
			case j%9 == 4:
				fmt.Fprintf(&b, "L%d,", rng.IntN(5))
			default:
				fmt.Fprintf(&b, "%g,", rng.NormFloat64()*math.Pow(10, float64(j%7-3)))
			}
		}
		fmt.Fprintf(&b, "%d\n", rng.IntN(2))
	}
	ds, err := readBoth(t, b.String(), Options{Targets: []string{"y"}, Classify: true, Missing: DefaultMissing})
	if err != nil {
		t.Fatal(err)
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var want *Encoding
	var wantWarn []string
	for _, procs := range []int{1, 2, 4} {
		runtime.GOMAXPROCS(procs)
		e, warn, err := FitEncoding(ds, EncodeOptions{Indicator: true})
		if err != nil {
			t.Fatal(err)
		}
		if want == nil {
			want, wantWarn = e, warn
			continue
		}
		if !reflect.DeepEqual(e, want) || !slices.Equal(warn, wantWarn) {
			t.Fatalf("GOMAXPROCS %d: encoding or warnings differ from GOMAXPROCS 1's", procs)
		}
		for j, c := range e.Columns {
			if c.Impute != nil && math.Float64bits(*c.Impute) != math.Float64bits(*want.Columns[j].Impute) {
				t.Fatalf("GOMAXPROCS %d: column %d imputes %v, want %v", procs, j, *c.Impute, *want.Columns[j].Impute)
			}
		}
	}
}
