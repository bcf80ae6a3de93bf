package metric

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// propTol is the tolerance of the property tests, whose two sides sum
// the same terms in different orders.
const propTol = 1e-12

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func closeAll(a, b []float64, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !near(a[i], b[i], tol) {
			return false
		}
	}
	return true
}

func TestReferenceBinary(t *testing.T) {
	t.Parallel()
	for _, tc := range binaryCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got, ok := ROCAUC(tc.scores, tc.positive, tc.weights); !ok || !near(got, tc.auc, refTol) {
				t.Errorf("ROCAUC = %v, %t, want %v, true", got, ok, tc.auc)
			}
			if got, ok := AveragePrecision(tc.scores, tc.positive, tc.weights); !ok || !near(got, tc.ap, refTol) {
				t.Errorf("AveragePrecision = %v, %t, want %v, true", got, ok, tc.ap)
			}
			// The same problem as two classes of probabilities.
			prob := make([]float64, 2*len(tc.scores))
			labels := make([]int, len(tc.scores))
			for i, s := range tc.scores {
				prob[2*i], prob[2*i+1] = -s, s
				if tc.positive[i] {
					labels[i] = 1
				}
			}
			if got, ok := MacroROCAUC(prob, labels, 2, tc.weights); !ok || !near(got, tc.auc, refTol) {
				t.Errorf("MacroROCAUC(k=2) = %v, %t, want %v, true", got, ok, tc.auc)
			}
			if got, ok := MacroAveragePrecision(prob, labels, 2, tc.weights); !ok || !near(got, tc.ap, refTol) {
				t.Errorf("MacroAveragePrecision(k=2) = %v, %t, want %v, true", got, ok, tc.ap)
			}
		})
	}
}

func TestReferenceCurves(t *testing.T) {
	t.Parallel()
	for _, tc := range curveCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fpr, tpr, th := ROCCurve(tc.scores, tc.positive, tc.weights)
			if !closeAll(fpr, tc.fpr, refTol) || !closeAll(tpr, tc.tpr, refTol) {
				t.Errorf("ROCCurve = %v, %v, want %v, %v", fpr, tpr, tc.fpr, tc.tpr)
			}
			if len(th) == 0 || !math.IsInf(th[0], 1) || !slices.Equal(th[1:], tc.rocThresholds) {
				t.Errorf("ROCCurve thresholds = %v, want +Inf then %v", th, tc.rocThresholds)
			}
			r, p, th := PRCurve(tc.scores, tc.positive, tc.weights)
			if !closeAll(r, tc.recall, refTol) || !closeAll(p, tc.precision, refTol) {
				t.Errorf("PRCurve = %v, %v, want %v, %v", r, p, tc.recall, tc.precision)
			}
			if !slices.Equal(th, tc.prThresholds) {
				t.Errorf("PRCurve thresholds = %v, want %v", th, tc.prThresholds)
			}
		})
	}
}

func TestReferenceMulticlass(t *testing.T) {
	t.Parallel()
	for _, tc := range multiCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got, ok := MacroROCAUC(tc.prob, tc.labels, tc.k, tc.weights); !ok || !near(got, tc.auc, refTol) {
				t.Errorf("MacroROCAUC = %v, %t, want %v, true", got, ok, tc.auc)
			}
			if got, ok := MacroAveragePrecision(tc.prob, tc.labels, tc.k, tc.weights); !ok || !near(got, tc.ap, refTol) {
				t.Errorf("MacroAveragePrecision = %v, %t, want %v, true", got, ok, tc.ap)
			}
		})
	}
}

func TestUndefined(t *testing.T) {
	t.Parallel()
	scores := []float64{0.3, 0.9, 0.1}
	for _, tc := range []struct {
		name          string
		positive      []bool
		weights       []float64
		aucOK, apOK   bool
		ap            float64
		rocNil, prNil bool
	}{
		{name: "no positives", positive: []bool{false, false, false}, rocNil: true, prNil: true},
		{name: "no negatives", positive: []bool{true, true, true}, apOK: true, ap: 1, rocNil: true},
		{name: "positives of weight 0", positive: []bool{true, false, false}, weights: []float64{0, 1, 1}, rocNil: true, prNil: true},
		{name: "negatives of weight 0", positive: []bool{true, false, true}, weights: []float64{1, 0, 2}, apOK: true, ap: 1, rocNil: true},
		{name: "no examples", positive: []bool{}, rocNil: true, prNil: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := scores[:len(tc.positive)]
			if got, ok := ROCAUC(s, tc.positive, tc.weights); ok || got != 0 {
				t.Errorf("ROCAUC = %v, %t, want 0, false", got, ok)
			}
			if got, ok := AveragePrecision(s, tc.positive, tc.weights); ok != tc.apOK || got != tc.ap {
				t.Errorf("AveragePrecision = %v, %t, want %v, %t", got, ok, tc.ap, tc.apOK)
			}
			if fpr, tpr, th := ROCCurve(s, tc.positive, tc.weights); (fpr == nil) != tc.rocNil || (tpr == nil) != tc.rocNil || (th == nil) != tc.rocNil {
				t.Errorf("ROCCurve = %v, %v, %v, want nil: %t", fpr, tpr, th, tc.rocNil)
			}
			if r, p, th := PRCurve(s, tc.positive, tc.weights); (r == nil) != tc.prNil || (p == nil) != tc.prNil || (th == nil) != tc.prNil {
				t.Errorf("PRCurve = %v, %v, %v, want nil: %t", r, p, th, tc.prNil)
			}
		})
	}
}

func TestMacroUndefined(t *testing.T) {
	t.Parallel()
	prob := []float64{0.5, 0.3, 0.2, 0.1, 0.6, 0.3}
	// Every example of class 0: no one-vs-rest problem has both classes.
	if got, ok := MacroROCAUC(prob, []int{0, 0}, 3, nil); ok || got != 0 {
		t.Errorf("MacroROCAUC of one class = %v, %t, want 0, false", got, ok)
	}
	// The average precision of class 0 is 1; classes 1 and 2 are left out.
	if got, ok := MacroAveragePrecision(prob, []int{0, 0}, 3, nil); !ok || got != 1 {
		t.Errorf("MacroAveragePrecision of one class = %v, %t, want 1, true", got, ok)
	}
	if got, ok := MacroAveragePrecision(prob, []int{0, 1}, 3, []float64{0, 0}); ok || got != 0 {
		t.Errorf("MacroAveragePrecision of weight 0 = %v, %t, want 0, false", got, ok)
	}
	// Two classes: class 1 absent.
	if got, ok := MacroROCAUC(prob[:4], []int{0, 0}, 2, nil); ok || got != 0 {
		t.Errorf("MacroROCAUC(k=2) without class 1 = %v, %t, want 0, false", got, ok)
	}
	if got, ok := MacroAveragePrecision(prob[:4], []int{0, 0}, 2, nil); ok || got != 0 {
		t.Errorf("MacroAveragePrecision(k=2) without class 1 = %v, %t, want 0, false", got, ok)
	}
}

// randomProblem returns n seeded scores (with ties when ties is set),
// labels with about a third positive, and weights.
func randomProblem(rng *rand.Rand, n int, ties bool) (scores []float64, positive []bool, weights []float64) {
	scores, positive, weights = make([]float64, n), make([]bool, n), make([]float64, n)
	for i := range n {
		scores[i] = rng.NormFloat64()
		if ties {
			scores[i] = math.Round(4*scores[i]) / 4
		}
		positive[i] = rng.Float64() < 0.35
		weights[i] = 0.1 + 2*rng.Float64()
	}
	positive[0], positive[1] = true, false
	return scores, positive, weights
}

func TestROCAUCProperties(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 1))
	for trial := range 200 {
		n := 2 + rng.IntN(300)
		ties := trial%2 == 1
		scores, positive, weights := randomProblem(rng, n, ties)
		if trial%3 == 0 {
			weights = nil
		}
		auc, ok := ROCAUC(scores, positive, weights)
		if !ok || auc < 0 || auc > 1 {
			t.Fatalf("trial %d: ROCAUC = %v, %t", trial, auc, ok)
		}

		// Reversing the order reverses the area. Ties count half, so this
		// holds with ties too.
		neg := make([]float64, n)
		for i, s := range scores {
			neg[i] = -s
		}
		if rev, _ := ROCAUC(neg, positive, weights); !near(rev, 1-auc, propTol) {
			t.Errorf("trial %d (ties %t): ROCAUC(−s) = %v, want 1 − %v", trial, ties, rev, auc)
		}

		// A strictly increasing map of the scores leaves the area and the
		// average precision as they are.
		ap, _ := AveragePrecision(scores, positive, weights)
		mono := make([]float64, n)
		for i, s := range scores {
			mono[i] = math.Exp(s/2) + 3*s
		}
		if !sameOrder(scores, mono) {
			t.Fatalf("trial %d: the map does not keep the order", trial)
		}
		if got, _ := ROCAUC(mono, positive, weights); !near(got, auc, propTol) {
			t.Errorf("trial %d: ROCAUC(f(s)) = %v, want %v", trial, got, auc)
		}
		if got, _ := AveragePrecision(mono, positive, weights); !near(got, ap, propTol) {
			t.Errorf("trial %d: AveragePrecision(f(s)) = %v, want %v", trial, got, ap)
		}

		// The area is the weighted share of correctly ordered pairs, ties
		// counting half.
		if want := pairAUC(scores, positive, weights); !near(auc, want, 1e-9) {
			t.Errorf("trial %d: ROCAUC = %v, pair count %v", trial, auc, want)
		}

		// The curves agree with the areas.
		fpr, tpr, _ := ROCCurve(scores, positive, weights)
		if got := trapezoid(fpr, tpr); !near(got, auc, propTol) {
			t.Errorf("trial %d: area under ROCCurve = %v, ROCAUC %v", trial, got, auc)
		}
		r, p, _ := PRCurve(scores, positive, weights)
		step := 0.0
		for i := range len(r) - 1 {
			step += (r[i] - r[i+1]) * p[i]
		}
		if !near(step, ap, propTol) {
			t.Errorf("trial %d: step sum of PRCurve = %v, AveragePrecision %v", trial, step, ap)
		}
		if r[0] != 1 || fpr[len(fpr)-1] != 1 || tpr[len(tpr)-1] != 1 {
			t.Errorf("trial %d: the curves end at recall %v, (%v, %v), want 1 and (1, 1)", trial, r[0], fpr[len(fpr)-1], tpr[len(tpr)-1])
		}
	}
}

// TestMacroIsMeanOfBinary checks that a macro average is the mean of
// the binary metrics of the one-vs-rest problems.
func TestMacroIsMeanOfBinary(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(2, 1))
	const n, k = 50, 4
	prob := make([]float64, n*k)
	for i := range prob {
		prob[i] = math.Round(100*rng.Float64()) / 100
	}
	labels := make([]int, n)
	for i := range labels {
		labels[i] = rng.IntN(k - 1) // class 3 absent
	}
	auc, okAUC := MacroROCAUC(prob, labels, k, nil)
	ap, okAP := MacroAveragePrecision(prob, labels, k, nil)
	var sumAUC, sumAP float64
	for c := range k - 1 {
		s, pos := make([]float64, n), make([]bool, n)
		for i := range n {
			s[i], pos[i] = prob[i*k+c], labels[i] == c
		}
		a, _ := ROCAUC(s, pos, nil)
		p, _ := AveragePrecision(s, pos, nil)
		sumAUC, sumAP = sumAUC+a, sumAP+p
	}
	if !okAUC || !near(auc, sumAUC/(k-1), propTol) {
		t.Errorf("MacroROCAUC = %v, %t, want %v", auc, okAUC, sumAUC/(k-1))
	}
	if !okAP || !near(ap, sumAP/(k-1), propTol) {
		t.Errorf("MacroAveragePrecision = %v, %t, want %v", ap, okAP, sumAP/(k-1))
	}
}

func TestInputUnmodified(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 1))
	scores, positive, weights := randomProblem(rng, 40, true)
	s, p, w := slices.Clone(scores), slices.Clone(positive), slices.Clone(weights)
	ROCAUC(scores, positive, weights)
	AveragePrecision(scores, positive, weights)
	ROCCurve(scores, positive, weights)
	PRCurve(scores, positive, weights)
	if !slices.Equal(s, scores) || !slices.Equal(p, positive) || !slices.Equal(w, weights) {
		t.Error("a binary metric modified its input")
	}
	prob := make([]float64, 3*20)
	for i := range prob {
		prob[i] = rng.Float64()
	}
	labels := make([]int, 20)
	for i := range labels {
		labels[i] = i % 3
	}
	pr, l := slices.Clone(prob), slices.Clone(labels)
	MacroROCAUC(prob, labels, 3, weights[:20])
	MacroAveragePrecision(prob, labels, 3, weights[:20])
	if !slices.Equal(pr, prob) || !slices.Equal(l, labels) || !slices.Equal(w, weights) {
		t.Error("a macro metric modified its input")
	}
}

func TestAllocations(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 1))
	scores, positive, weights := randomProblem(rng, 1000, true)
	prob := make([]float64, 3*1000)
	for i := range prob {
		prob[i] = rng.Float64()
	}
	labels := make([]int, 1000)
	for i := range labels {
		labels[i] = i % 3
	}
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"ROCAUC", func() { ROCAUC(scores, positive, weights) }},
		{"AveragePrecision", func() { AveragePrecision(scores, positive, nil) }},
		{"MacroROCAUC", func() { MacroROCAUC(prob, labels, 3, nil) }},
		{"MacroAveragePrecision", func() { MacroAveragePrecision(prob, labels, 3, weights) }},
	} {
		// One index slice; the problem and the closures stay on the stack.
		if n := testing.AllocsPerRun(20, tc.f); n > 1 {
			t.Errorf("%s makes %v allocations, want 1", tc.name, n)
		}
	}
}

func TestPanics(t *testing.T) {
	t.Parallel()
	s, p := []float64{0.1, 0.2}, []bool{true, false}
	prob, labels := []float64{0.5, 0.5, 0.2, 0.8}, []int{0, 1}
	for _, tc := range []struct {
		name string
		f    func()
		want string
	}{
		{"lengths", func() { ROCAUC(s, p[:1], nil) }, "metric: 2 scores but 1 labels"},
		{"weights length", func() { AveragePrecision(s, p, []float64{1}) }, "metric: 1 weights for 2 examples"},
		{"NaN score", func() { ROCCurve([]float64{0, math.NaN()}, p, nil) }, "metric: score 1 is NaN"},
		{"infinite score", func() { PRCurve([]float64{math.Inf(-1), 0}, p, nil) }, "metric: score 0 is -Inf"},
		{"negative weight", func() { ROCAUC(s, p, []float64{1, -1}) }, "metric: weight 1 is -1"},
		{"NaN weight", func() { ROCAUC(s, p, []float64{math.NaN(), 1}) }, "metric: weight 0 is NaN"},
		{"infinite weight", func() { ROCAUC(s, p, []float64{math.Inf(1), 1}) }, "metric: weight 0 is +Inf"},
		{"one class", func() { MacroROCAUC(prob[:2], labels, 1, nil) }, "metric: 1 classes"},
		{"prob length", func() { MacroROCAUC(prob[:3], labels, 2, nil) }, "metric: 3 probabilities for 2 examples of 2 classes, want 4"},
		{"label range", func() { MacroAveragePrecision(prob, []int{0, 2}, 2, nil) }, "metric: label 2 of example 1"},
		{"negative label", func() { MacroAveragePrecision(prob, []int{-1, 0}, 2, nil) }, "metric: label -1 of example 0"},
		{"NaN probability", func() { MacroROCAUC([]float64{0, 1, math.NaN(), 0}, labels, 2, nil) }, "metric: probability of example 1, class 0 is NaN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			defer func() {
				r := recover()
				msg, _ := r.(string)
				if !strings.HasPrefix(msg, tc.want) {
					t.Errorf("panic %v, want one starting %q", r, tc.want)
				}
			}()
			tc.f()
		})
	}
}

// sameOrder reports whether a and b, of equal length, order their
// elements alike, ties included.
func sameOrder(a, b []float64) bool {
	for i := range a {
		for j := range a {
			if (a[i] < a[j]) != (b[i] < b[j]) || (a[i] == a[j]) != (b[i] == b[j]) {
				return false
			}
		}
	}
	return true
}

// pairAUC returns the weighted share of positive-negative pairs that
// scores orders correctly, ties counting half: O(n²), the definition.
func pairAUC(scores []float64, positive []bool, weights []float64) float64 {
	w := func(i int) float64 {
		if weights == nil {
			return 1
		}
		return weights[i]
	}
	var good, all float64
	for i := range scores {
		for j := range scores {
			if !positive[i] || positive[j] {
				continue
			}
			ww := w(i) * w(j)
			all += ww
			switch {
			case scores[i] > scores[j]:
				good += ww
			case scores[i] == scores[j]:
				good += ww / 2
			}
		}
	}
	return good / all
}

// trapezoid returns the trapezoid-rule area under the curve (x, y).
func trapezoid(x, y []float64) float64 {
	a := 0.0
	for i := 1; i < len(x); i++ {
		a += (x[i] - x[i-1]) * (y[i] + y[i-1]) / 2
	}
	return a
}

func BenchmarkROCAUC1e5(b *testing.B) { benchBinary(b, 100_000, ROCAUC) }

func BenchmarkAveragePrecision1e5(b *testing.B) { benchBinary(b, 100_000, AveragePrecision) }

func benchBinary(b *testing.B, n int, f func([]float64, []bool, []float64) (float64, bool)) {
	rng := rand.New(rand.NewPCG(5, 1))
	scores, positive, _ := randomProblem(rng, n, false)
	b.ReportAllocs()
	for b.Loop() {
		f(scores, positive, nil)
	}
}

// TestRanking checks that BinaryRanking and MacroRanking give the same
// bits as the functions they join.
func TestRanking(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 1))
	for _, k := range []int{2, 3, 5} {
		n := 200
		prob, labels := make([]float64, n*k), make([]int, n)
		for i := range n {
			labels[i] = rng.IntN(k)
			for c := range k {
				prob[i*k+c] = math.Round(rng.Float64()*20) / 20 // ties
			}
		}
		if k == 5 {
			for i := range labels {
				if labels[i] == 3 {
					labels[i] = 0 // a class absent
				}
			}
		}
		r := MacroRanking(prob, labels, k, nil)
		auc, okA := MacroROCAUC(prob, labels, k, nil)
		ap, okP := MacroAveragePrecision(prob, labels, k, nil)
		if r.ROCAUC != auc || r.ROCOK != okA || r.AP != ap || r.APOK != okP {
			t.Errorf("k=%d: MacroRanking %+v, want %v %v %v %v", k, r, auc, okA, ap, okP)
		}
		scores, pos := make([]float64, n), make([]bool, n)
		for i := range n {
			scores[i], pos[i] = prob[i*k], labels[i] == 0
		}
		b := BinaryRanking(scores, pos, nil)
		auc, okA = ROCAUC(scores, pos, nil)
		ap, okP = AveragePrecision(scores, pos, nil)
		if b.ROCAUC != auc || b.ROCOK != okA || b.AP != ap || b.APOK != okP {
			t.Errorf("k=%d: BinaryRanking %+v, want %v %v %v %v", k, b, auc, okA, ap, okP)
		}
	}
}

// TestSortScored compares the radix sort with the comparison sort on
// scores with many ties, both zeros, extremes and subnormals, at lengths
// on both sides of radixMin.
func TestSortScored(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	special := []float64{0, math.Copysign(0, -1), math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64,
		-math.SmallestNonzeroFloat64, 1, -1, 0.5, 1e-300, -1e300}
	for _, n := range []int{1, 2, 17, radixMin - 1, radixMin, radixMin + 1, 1000, 5000} {
		for trial := range 4 {
			idx := make([]scored, n)
			for i := range idx {
				var s float64
				switch r := rng.IntN(4); {
				case r == 0:
					s = special[rng.IntN(len(special))]
				case r == 1 && trial%2 == 0:
					s = float64(rng.IntN(5)) / 4 // many ties
				default:
					s = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(20)-10))
				}
				idx[i] = scored{s, i}
			}
			want := slices.Clone(idx)
			slices.SortFunc(want, byScore)
			sortScored(idx, nil)
			for i := range idx {
				if idx[i].i != want[i].i {
					t.Fatalf("n %d trial %d: position %d holds example %d (score %v), want %d (score %v)", n, trial, i, idx[i].i, idx[i].s, want[i].i, want[i].s)
				}
			}
		}
	}
}

func BenchmarkSortScored(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	src := make([]scored, 60000)
	for i := range src {
		src[i] = scored{rng.Float64(), i}
	}
	idx := make([]scored, len(src))
	for _, bc := range []struct {
		name string
		sort func([]scored)
	}{{"radix", func(s []scored) { sortScored(s, nil) }}, {"comparisons", func(s []scored) { slices.SortFunc(s, byScore) }}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				copy(idx, src)
				bc.sort(idx)
			}
		})
	}
}
