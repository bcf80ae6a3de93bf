package plot

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/metric"
)

// scoredSplit returns the curves of a split of n examples, a share pos
// of them positive, whose scores are uniform on [0, 1) for negatives and
// on [shift, 1+shift) for positives. It uses the basic arithmetic
// operations only, so that the golden pictures do not depend on how an
// architecture computes math.Exp.
func scoredSplit(rng *rand.Rand, name string, n int, pos, shift float64) SplitCurves {
	scores, positive := make([]float64, n), make([]bool, n)
	for i := range n {
		positive[i] = rng.Float64() < pos
		scores[i] = rng.Float64()
		if positive[i] {
			scores[i] += shift
		}
	}
	s := SplitCurves{Name: name}
	s.FPR, s.TPR, _ = metric.ROCCurve(scores, positive, nil)
	s.AUC, _ = metric.ROCAUC(scores, positive, nil)
	s.Recall, s.Precision, _ = metric.PRCurve(scores, positive, nil)
	s.AP, _ = metric.AveragePrecision(scores, positive, nil)
	return s
}

// checkGolden compares got with testdata/name, or writes it there under
// -update.
func checkGolden(t *testing.T, got []byte, name, test string) {
	t.Helper()
	golden := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, test)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the SVG differs from %s; if the change is intended, run go test -run %s -update and look at the new plot", golden, test)
	}
}

// svgOf renders u as SVG.
func svgOf(t *testing.T, u *unitPicture) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := u.writeTo(&b, "svg"); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestROCPR(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(12, 1))
	train := scoredSplit(rng, "train", 600, 0.3, 0.6)
	val := scoredSplit(rng, "validation", 150, 0.3, 0.45)
	test := scoredSplit(rng, "test", 150, 0.28, 0.4)
	big := scoredSplit(rng, "test", 20000, 0.1, 0.5)
	perfect := scoredSplit(rng, "validation", 50, 0.5, 1)
	rare := scoredSplit(rng, "validation", 400, 0.03, 0.3)
	oneClass := SplitCurves{Name: "validation"}
	oneClass.Recall, oneClass.Precision, oneClass.AP = []float64{1, 0}, []float64{1, 1}, 1

	for _, tc := range []struct {
		name   string
		splits []SplitCurves
		golden bool
	}{
		{"train_validation_test", []SplitCurves{train, val, test}, true},
		{"validation_only", []SplitCurves{val}, false},
		{"large_test_set", []SplitCurves{big}, false},
		{"perfect", []SplitCurves{perfect}, false},
		{"rare_positives", []SplitCurves{train, rare}, false},
		{"validation_one_class", []SplitCurves{train, oneClass}, false},
		{"other_names", []SplitCurves{{Name: "fold 1", FPR: val.FPR, TPR: val.TPR, AUC: val.AUC, Recall: val.Recall, Precision: val.Precision, AP: val.AP}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := ROCPR(dir, strings.ReplaceAll(tc.name, "_", " "), "yes", tc.splits); err != nil {
				t.Fatalf("ROCPR: %v", err)
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			if want := []string{"pr.png", "roc.png"}; !slices.Equal(names, want) {
				t.Errorf("ROCPR wrote %q, want %q", names, want)
			}
			for _, f := range []string{"roc", "pr"} {
				checkPNG(t, filepath.Join(dir, f+".png"), 480, 480)
				keepPlot(t, filepath.Join(dir, f+".png"), f+"_"+tc.name+".png")
			}
			if !tc.golden {
				return
			}
			roc, err := rocPlot("test — golden", "yes", tc.splits)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, svgOf(t, roc), "plot_roc.svg.golden", "TestROCPR")
			pr, err := prPlot("test — golden", "yes", tc.splits)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, svgOf(t, pr), "plot_pr.svg.golden", "TestROCPR")
		})
	}
}

// TestPRStepsArea checks that the area under the drawn PR curve, before
// thinning, is the average precision, whichever way the points come.
func TestPRStepsArea(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(13, 1))
	for trial := range 20 {
		s := scoredSplit(rng, "x", 5+rng.IntN(200), 0.4, 0.3)
		for _, reverse := range []bool{false, true} {
			r, p := slices.Clone(s.Recall), slices.Clone(s.Precision)
			if reverse {
				slices.Reverse(r)
				slices.Reverse(p)
			}
			steps := prSteps(r, p)
			area := 0.0
			for i := 1; i < len(steps[0]); i++ {
				area += (steps[0][i-1] - steps[0][i]) * (steps[1][i-1] + steps[1][i]) / 2
			}
			if math.Abs(area-s.AP) > 1e-12 {
				t.Errorf("trial %d (reversed %t): area under the steps %v, AP %v", trial, reverse, area, s.AP)
			}
			if c, ok := chanceLevel(r, p); !ok || c != s.Precision[0] {
				t.Errorf("trial %d: chance level %v, %t, want %v", trial, c, ok, s.Precision[0])
			}
		}
	}
}

func TestThin(t *testing.T) {
	t.Parallel()
	n := 100001
	x, y := make([]float64, n), make([]float64, n)
	for i := range n {
		x[i] = float64(i) / float64(n-1)
		y[i] = x[i] * x[i]
	}
	got := thin(x, y, curveStep)
	if len(got) > 2000 {
		t.Errorf("thin kept %d of %d points, want at most 2000", len(got), n)
	}
	if got[0].X != 0 || got[len(got)-1].X != 1 {
		t.Errorf("thin lost an end: %v … %v", got[0], got[len(got)-1])
	}
	for i := 1; i < len(got); i++ {
		if d := math.Max(got[i].X-got[i-1].X, got[i].Y-got[i-1].Y); d > 2*curveStep {
			t.Fatalf("thin left a gap of %v at %v", d, got[i])
		}
	}
}

func TestROCPRErrors(t *testing.T) {
	t.Parallel()
	good := SplitCurves{Name: "validation", FPR: []float64{0, 0.5, 1}, TPR: []float64{0, 1, 1}, AUC: 0.75,
		Recall: []float64{1, 1, 0}, Precision: []float64{0.5, 1, 1}, AP: 1}
	with := func(f func(*SplitCurves)) []SplitCurves {
		s := good
		f(&s)
		return []SplitCurves{s}
	}
	missing := filepath.Join(t.TempDir(), "no", "such", "dir")
	for _, tc := range []struct {
		name   string
		dir    string
		splits []SplitCurves
		want   string
	}{
		{"no splits", t.TempDir(), nil, "plot roc: no curves"},
		{"ROC lengths", t.TempDir(), with(func(s *SplitCurves) { s.TPR = s.TPR[:2] }), `plot roc: split "validation": 3 ROC X values but 2 Y values`},
		{"ROC NaN", t.TempDir(), with(func(s *SplitCurves) { s.FPR = []float64{0, math.NaN(), 1} }), "ROC point 1 (NaN, 1) is outside the unit square"},
		{"ROC AUC", t.TempDir(), with(func(s *SplitCurves) { s.AUC = math.NaN() }), "ROC area NaN is outside [0, 1]"},
		{"PR outside", t.TempDir(), with(func(s *SplitCurves) { s.Precision = []float64{0.5, 1.5, 1} }), `plot pr: split "validation": PR point 1 (1, 1.5)`},
		{"PR AP", t.TempDir(), with(func(s *SplitCurves) { s.AP = 2 }), "PR area 2"},
		{"unwritable dir", missing, []SplitCurves{good}, "roc.png"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := ROCPR(tc.dir, "t", "yes", tc.splits)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %v, want one containing %q", err, tc.want)
			}
			if tc.dir == missing {
				return
			}
			if entries, _ := os.ReadDir(tc.dir); len(entries) != 0 {
				t.Errorf("a failed ROCPR left %d files", len(entries))
			}
		})
	}
}

// TestPROrder checks that a PR curve given in order of increasing recall
// is drawn as the same curve given the other way.
func TestPROrder(t *testing.T) {
	t.Parallel()
	s := scoredSplit(rand.New(rand.NewPCG(14, 1)), "validation", 80, 0.4, 0.3)
	r := s
	r.Recall, r.Precision = slices.Clone(s.Recall), slices.Clone(s.Precision)
	slices.Reverse(r.Recall)
	slices.Reverse(r.Precision)
	var svgs [2][]byte
	for i, split := range []SplitCurves{s, r} {
		u, err := prPlot("order", "yes", []SplitCurves{split})
		if err != nil {
			t.Fatal(err)
		}
		svgs[i] = svgOf(t, u)
	}
	if !bytes.Equal(svgs[0], svgs[1]) {
		t.Error("the PR picture depends on the order of the points")
	}
}
