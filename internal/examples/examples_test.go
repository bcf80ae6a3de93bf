package examples

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// datasetsDir is where the shipped files live, relative to this package.
const datasetsDir = "../../datasets"

// TestFilesShipped checks that the files in datasets/ are exactly what the
// generator writes, so that `go run ./internal/examples/gendata -out
// datasets` re-makes them byte for byte.
func TestFilesShipped(t *testing.T) {
	t.Parallel()
	for _, f := range Files() {
		t.Run(f.Name, func(t *testing.T) {
			t.Parallel()
			got, err := os.ReadFile(filepath.Join(datasetsDir, f.Name))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, f.Data) {
				t.Errorf("datasets/%s differs from the generator's output (%d bytes, want %d); "+
					"run: go run ./internal/examples/gendata -out datasets", f.Name, len(got), len(f.Data))
			}
		})
	}
}

func TestFilesDeterministic(t *testing.T) {
	t.Parallel()
	a, b := Files(), Files()
	if len(a) != len(b) {
		t.Fatalf("Files gave %d and then %d files", len(a), len(b))
	}
	names := map[string]bool{}
	for i := range a {
		if a[i].Name != b[i].Name || !bytes.Equal(a[i].Data, b[i].Data) {
			t.Errorf("file %d: %s differs between two calls", i, a[i].Name)
		}
		if names[a[i].Name] {
			t.Errorf("file name %s given twice", a[i].Name)
		}
		names[a[i].Name] = true
	}
}

func TestXOR(t *testing.T) {
	t.Parallel()
	tab := XOR()
	if got := string(tab.CSV()); got != "x1,x2,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n" {
		t.Errorf("XOR().CSV() = %q", got)
	}
	for _, r := range tab.Rows {
		if want := float64(int(r[0]) ^ int(r[1])); r[2] != want {
			t.Errorf("row %v: y = %v, want %v", r, r[2], want)
		}
	}
}

func TestPatternShift(t *testing.T) {
	t.Parallel()
	for _, p := range []Pattern{PatternA, PatternB, 1, 0x8001, 0xffff} {
		if p.Shift(Pixels) != p || p.Shift(0) != p || p.Shift(-Pixels) != p {
			t.Errorf("%v: a shift by 0 or ±16 pixels changed it", p)
		}
		for k := -20; k <= 20; k++ {
			s := p.Shift(k)
			if s.Black() != p.Black() {
				t.Errorf("%v.Shift(%d) has %d black pixels, want %d", p, k, s.Black(), p.Black())
			}
			if s.Shift(-k) != p {
				t.Errorf("%v.Shift(%d).Shift(%d) = %v", p, k, -k, s.Shift(-k))
			}
			for i := range Pixels {
				if j := ((i+k)%Pixels + Pixels) % Pixels; s.Pixel(j) != p.Pixel(i) {
					t.Errorf("%v.Shift(%d): pixel %d is %v, want pixel %d of p, %v", p, k, j, s.Pixel(j), i, p.Pixel(i))
				}
			}
		}
	}
	if got := Pattern(1).Shift(1); got != 2 {
		t.Errorf("Pattern(1).Shift(1) = %d, want 2", got)
	}
	if got := Pattern(0x8000).Shift(1); got != 1 {
		t.Errorf("pixel 15 shifted by 1 gives %d, want pixel 0 (1): the ring wraps", got)
	}
	if got, want := PatternA.String(), "■■■□■□□□□□□□□□□□"; got != want {
		t.Errorf("PatternA = %s, want %s", got, want)
	}
	if got, want := PatternB.String(), "■■□■■□□□□□□□□□□□"; got != want {
		t.Errorf("PatternB = %s, want %s", got, want)
	}
}

// TestTranslations checks the patterns table: every translation of A and
// of B exactly once, and the same average image for both classes.
func TestTranslations(t *testing.T) {
	t.Parallel()
	if PatternA.IsShiftOf(PatternB) || PatternB.IsShiftOf(PatternA) {
		t.Fatal("PatternA and PatternB are translations of each other")
	}
	if PatternA.Black() != PatternB.Black() {
		t.Fatalf("PatternA has %d black pixels, PatternB %d", PatternA.Black(), PatternB.Black())
	}
	tab, err := Translations(PatternA, PatternB)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9", "p10", "p11", "p12", "p13", "p14", "p15", "p16", "label"}
	if !slices.Equal(tab.Columns, want) {
		t.Errorf("columns %v, want %v", tab.Columns, want)
	}
	if len(tab.Rows) != 2*Pixels || len(tab.Classes) != 2*Pixels {
		t.Fatalf("%d rows and %d labels, want %d", len(tab.Rows), len(tab.Classes), 2*Pixels)
	}
	sum := map[string][]float64{"A": make([]float64, Pixels), "B": make([]float64, Pixels)}
	seen := map[string]map[Pattern]bool{"A": {}, "B": {}}
	for i, r := range tab.Rows {
		label := tab.Classes[i]
		if sum[label] == nil {
			t.Fatalf("row %d: label %q, want A or B", i, label)
		}
		var p Pattern
		for j, v := range r {
			if v != 0 && v != 1 {
				t.Fatalf("row %d: pixel %d is %v, want 0 or 1", i, j, v)
			}
			p |= Pattern(v) << j
			sum[label][j] += v
		}
		seen[label][p] = true
	}
	for label, base := range map[string]Pattern{"A": PatternA, "B": PatternB} {
		for k := range Pixels {
			if !seen[label][base.Shift(k)] {
				t.Errorf("class %s lacks the translation by %d, %v", label, k, base.Shift(k))
			}
		}
		if len(seen[label]) != Pixels {
			t.Errorf("class %s has %d distinct rows, want %d", label, len(seen[label]), Pixels)
		}
	}
	for p := range seen["A"] {
		if seen["B"][p] {
			t.Errorf("%v is in both classes", p)
		}
	}
	// The average image of each class: 4/16 on every pixel, exactly.
	for j := range Pixels {
		a, b := sum["A"][j]/Pixels, sum["B"][j]/Pixels
		if a != b || a != float64(PatternA.Black())/Pixels {
			t.Errorf("pixel %d: average %v over A's translations, %v over B's, want both %v", j+1, a, b, float64(PatternA.Black())/Pixels)
		}
	}
}

func TestTranslationsErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b Pattern
		want string
	}{
		{PatternA, 0b111, "have 4 and 3 black pixels"},
		{PatternA, PatternA.Shift(5), "is a translation of"},
		{PatternA, PatternA, "is a translation of"},
		{0, 0, "no translations that differ"},
		{0xffff, 0xffff, "no translations that differ"},
	} {
		_, err := Translations(tc.a, tc.b)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Translations(%v, %v) = %v, want an error containing %q", tc.a, tc.b, err, tc.want)
		}
	}
}

func TestSine(t *testing.T) {
	t.Parallel()
	// Without noise t is sin(2πx), to the 6 decimals kept.
	tab := Sine(11, true, 0, 1, 1)
	for i, r := range tab.Rows {
		if want := float64(i) / 10; math.Abs(r[0]-want) > 5e-7 {
			t.Errorf("row %d: x = %v, want %v", i, r[0], want)
		}
		if want := math.Sin(2 * math.Pi * r[0]); math.Abs(r[1]-want) > 5e-7 {
			t.Errorf("row %d: t = %v, want sin(2πx) = %v", i, r[1], want)
		}
	}
	// With noise: x uniform in [0, 1) and sorted, residuals of mean 0 and
	// standard deviation sd.
	const n, sd = 20000, 0.3
	tab = Sine(n, false, sd, 7, 3)
	var s, ss float64
	for i, r := range tab.Rows {
		if r[0] < 0 || r[0] > 1 || (i > 0 && r[0] < tab.Rows[i-1][0]) {
			t.Fatalf("row %d: x = %v, not sorted in [0, 1]", i, r[0])
		}
		e := r[1] - math.Sin(2*math.Pi*r[0])
		s, ss = s+e, ss+e*e
	}
	mean := s / n
	std := math.Sqrt(ss/n - mean*mean)
	if math.Abs(mean) > 4*sd/math.Sqrt(n) || math.Abs(std-sd) > 0.02 {
		t.Errorf("noise mean %v and sd %v, want 0 and %v", mean, std, sd)
	}
	if a, b := Sine(10, true, sd, 1, 1).CSV(), Sine(10, true, sd, 1, 2).CSV(); bytes.Equal(a, b) {
		t.Error("two streams gave the same noise")
	}
}

func TestBlobs(t *testing.T) {
	t.Parallel()
	const n, m, sd = 20000, 0.5, 0.8
	tab := Blobs(n, m, sd, 3, 1)
	if !slices.Equal(tab.Columns, []string{"x1", "x2", "class"}) {
		t.Errorf("columns %v", tab.Columns)
	}
	sum := map[string][2]float64{}
	count := map[string]int{}
	wrongSide := 0
	for i, r := range tab.Rows {
		c := tab.Classes[i]
		if want := []string{"a", "b"}[i%2]; c != want {
			t.Fatalf("row %d: class %q, want %q (classes alternate)", i, c, want)
		}
		s := sum[c]
		sum[c] = [2]float64{s[0] + r[0], s[1] + r[1]}
		count[c]++
		if (r[0]+r[1] > 0) != (c == "b") {
			wrongSide++
		}
	}
	for c, mu := range map[string]float64{"a": -m, "b": m} {
		for j := range 2 {
			if got := sum[c][j] / float64(count[c]); math.Abs(got-mu) > 4*sd/math.Sqrt(float64(count[c])) {
				t.Errorf("class %s: mean x%d = %v, want %v", c, j+1, got, mu)
			}
		}
	}
	// The best boundary, x1 + x2 = 0, misses Φ(−√2·m/sd) of the points.
	want := 0.5 * math.Erfc(m/sd)
	if got := float64(wrongSide) / n; math.Abs(got-want) > 0.01 {
		t.Errorf("%v of the points are on the wrong side of x1 + x2 = 0, want %v", got, want)
	}
}

func TestTableCSV(t *testing.T) {
	t.Parallel()
	tab := Table{Columns: []string{"a", "b", "c"}, Rows: [][]float64{{0.25, -1.5e-5}, {1e6, 0}}, Classes: []string{"x", "y"}}
	if got, want := string(tab.CSV()), "a,b,c\n0.25,-0.000015,x\n1000000,0,y\n"; got != want {
		t.Errorf("CSV() = %q, want %q", got, want)
	}
	if got := round(-1e-9, 4); got != 0 || math.Signbit(got) {
		t.Errorf("round(-1e-9, 4) = %v, want 0 without a sign", got)
	}
	for _, bad := range []Table{
		{Columns: []string{"a"}, Rows: [][]float64{{1, 2}}},
		{Columns: []string{"a", "c"}, Rows: [][]float64{{1}}, Classes: []string{}},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("CSV of %+v did not panic", bad)
				}
			}()
			bad.CSV()
		}()
	}
}
