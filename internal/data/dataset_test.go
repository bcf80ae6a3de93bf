package data

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// panics reports whether f panics.
func panics(f func()) (p bool) {
	defer func() { p = recover() != nil }()
	f()
	return false
}

func TestSubset(t *testing.T) {
	t.Parallel()
	ds, err := Read(strings.NewReader(iris), "iris.csv", Options{Targets: []string{"species"}, Classify: true})
	if err != nil {
		t.Fatal(err)
	}
	reg, err := Read(strings.NewReader("a,y\n1,10\n2,20\n3,30\n"), "r.csv", regress)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		ds   *Dataset
		rows []int
		want *Dataset
	}{
		{"reorder and repeat", ds, []int{3, 0, 3}, &Dataset{File: "iris.csv", FeatureNames: ds.FeatureNames, TargetNames: ds.TargetNames,
			X: mat.NewDense(3, 2, []float64{4.9, 3.0, 5.1, 3.5, 4.9, 3.0}), Labels: []int{0, 0, 0}, Classes: ds.Classes, Lines: []int{6, 2, 6}}},
		{"empty", ds, nil, &Dataset{File: "iris.csv", FeatureNames: ds.FeatureNames, TargetNames: ds.TargetNames,
			Labels: []int{}, Classes: ds.Classes, Lines: []int{}}},
		{"regression", reg, []int{2, 1}, &Dataset{File: "r.csv", FeatureNames: []string{"a"}, TargetNames: []string{"y"},
			X: mat.NewDense(2, 1, []float64{3, 2}), Y: mat.NewDense(2, 1, []float64{30, 20}), Lines: []int{4, 3}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.ds.Subset(tc.rows)
			checkDataset(t, s, tc.want)
			if s.Len() != len(tc.rows) {
				t.Errorf("Subset(%v).Len() = %d", tc.rows, s.Len())
			}
			if s.Len() > 0 {
				// A copy: changing it leaves the original alone.
				before := mat.DenseCopyOf(tc.ds.X)
				s.X.Set(0, 0, -99)
				if !mat.Equal(before, tc.ds.X) {
					t.Errorf("Subset(%v) shares X with the original", tc.rows)
				}
			}
		})
	}
	for _, rows := range [][]int{{-1}, {4}, {0, 9}} {
		if !panics(func() { ds.Subset(rows) }) {
			t.Errorf("Subset(%v) did not panic", rows)
		}
	}
}

func TestOneHot(t *testing.T) {
	t.Parallel()
	dst := mat.NewDense(4, 3, nil)
	dst.Set(0, 2, 7) // stale content is overwritten
	OneHot(dst, []int{1, 0, 2, 1}, 3)
	want := mat.NewDense(4, 3, []float64{0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0})
	if !mat.Equal(dst, want) {
		t.Errorf("OneHot = %v, want %v", mat.Formatted(dst), mat.Formatted(want))
	}
	for i, tc := range []struct {
		r, c   int
		labels []int
		k      int
	}{
		{3, 3, []int{0, 1}, 3},
		{2, 2, []int{0, 1}, 3},
		{2, 3, []int{0, 3}, 3},
		{2, 3, []int{-1, 0}, 3},
	} {
		if !panics(func() { OneHot(mat.NewDense(tc.r, tc.c, nil), tc.labels, tc.k) }) {
			t.Errorf("OneHot test %d did not panic", i)
		}
	}
}

func ExampleRead() {
	const csv = "x1,x2,species\n" +
		"1,2,setosa\n" +
		"3,4,virginica\n" +
		"5,6,setosa\n"
	ds, err := Read(strings.NewReader(csv), "iris.csv", Options{Targets: []string{"species"}, Classify: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ds.FeatureNames, ds.Classes, ds.Labels)
	fmt.Printf("%v\n", mat.Formatted(ds.X))

	_, err = Read(strings.NewReader("x1,x2,species\n1,abc,setosa\n"), "iris.csv", Options{Targets: []string{"species"}, Classify: true, FixedKinds: true})
	fmt.Println(err)
	_, err = Read(strings.NewReader(csv), "iris.csv", Options{Targets: []string{"specis"}, Classify: true})
	fmt.Println(err)
	// Output:
	// [x1 x2] [setosa virginica] [0 1 0]
	// ⎡1  2⎤
	// ⎢3  4⎥
	// ⎣5  6⎦
	// iris.csv:2:2: column "x2": not a number: "abc" (hint: the model reads this column as numbers; fix the cell, or list it in data.missing if it marks a missing value)
	// iris.csv:1: column "specis": target column not found in the header (hint: did you mean "species"?)
}

func TestReadLines(t *testing.T) {
	t.Parallel()
	ds, err := Read(strings.NewReader("a\n1\n\n2\n\"3\n\"\n4\n"), "t.csv", Options{Features: []string{"a"}, FixedKinds: true})
	if err == nil {
		t.Fatalf("want an error for the cell \"3\\n\", got %v", ds.Lines)
	}
	ds, err = Read(strings.NewReader("a\n1\n\n2\n\n\n4\n"), "t.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{2, 4, 7}; !slices.Equal(ds.Lines, want) {
		t.Errorf("Lines = %v, want %v", ds.Lines, want)
	}
}

// TestPartition checks Partition against Subset: the same training and
// validation parts, for classification and regression, for every split
// Split draws of a few sizes and fractions, and the edge cases (no
// validation row; no training row); that the training part shares d's
// memory; and that rows not increasing panic.
func TestPartition(t *testing.T) {
	t.Parallel()
	iris, err := Read(strings.NewReader(iris), "iris.csv", Options{Targets: []string{"species"}, Classify: true})
	if err != nil {
		t.Fatal(err)
	}
	reg, err := Read(strings.NewReader("a,b,y,z\n1,2,10,5\n2,3,20,6\n3,4,30,7\n4,5,40,8\n5,6,50,9\n6,7,60,1\n"), "r.csv",
		Options{Targets: []string{"y", "z"}})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(23, 1))
	for _, ds := range []*Dataset{iris, reg} {
		n := ds.Len()
		var splits [][2][]int
		for _, frac := range []float64{0.2, 0.5, 0.9} {
			for range 5 {
				tr, va := Split(n, frac, ds.Labels, rng)
				splits = append(splits, [2][]int{tr, va})
			}
		}
		all := make([]int, n)
		for i := range all {
			all[i] = i
		}
		splits = append(splits, [2][]int{all, nil}, [2][]int{nil, all}, [2][]int{all[1:], all[:1]})
		for i, sp := range splits {
			wantTr, wantVa := ds.Subset(sp[0]), ds.Subset(sp[1])
			d := ds.Subset(all) // a copy for Partition to consume
			tr, va := d.Partition(sp[0], sp[1])
			checkDataset(t, tr, wantTr)
			checkDataset(t, va, wantVa)
			if tr.X != nil && &tr.X.RawMatrix().Data[0] != &d.X.RawMatrix().Data[0] {
				t.Errorf("%s split %d: the training part's X is a copy, want d's memory", ds.File, i)
			}
			if tr.X != nil && tr.X.RawMatrix().Stride != len(ds.FeatureNames) {
				t.Errorf("%s split %d: stride %d", ds.File, i, tr.X.RawMatrix().Stride)
			}
		}
	}
	for _, rows := range [][]int{{1, 0}, {0, 0}, {-1}, {3}} {
		if !panics(func() { iris.Subset([]int{0, 1, 2}).Partition(rows, nil) }) {
			t.Errorf("Partition(%v) of 3 rows: no panic", rows)
		}
	}
}
