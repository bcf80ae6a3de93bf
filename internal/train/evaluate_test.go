package train

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"testing"

	"github.com/mlptrain/mlptrain/internal/data"
	"github.com/mlptrain/mlptrain/internal/jsonnum"
	"github.com/mlptrain/mlptrain/internal/layers"
	"github.com/mlptrain/mlptrain/internal/metric"
	"gonum.org/v1/gonum/mat"
)

// metricTol is the tolerance for metrics compared with hand-computed
// values.
const metricTol = 1e-14

// handModel returns a one-layer model with the given weights (inputs ×
// units), biases, activation and loss.
func handModel(t *testing.T, w [][]float64, b []float64, act, loss string) *layers.Model {
	t.Helper()
	m, err := layers.New(layers.Spec{Inputs: len(w), Units: []int{len(b)}, Acts: []string{act}, Loss: loss})
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range w {
		m.Layers[0].W.SetRow(i, row)
	}
	m.Layers[0].B.SetRow(0, b)
	return m
}

// dataset returns a Dataset of the rows x with class labels or regression
// targets y (one of them nil).
func dataset(x [][]float64, labels []int, classes []string, y [][]float64) *data.Dataset {
	ds := &data.Dataset{Labels: labels, Classes: classes, Lines: make([]int, len(x))}
	ds.X = mat.NewDense(len(x), len(x[0]), slices.Concat(x...))
	if y != nil {
		ds.Y = mat.NewDense(len(y), len(y[0]), slices.Concat(y...))
	}
	for i := range ds.Lines {
		ds.Lines[i] = i + 2
	}
	return ds
}

func eqFloat(a *jsonnum.Float, want float64) bool {
	return a != nil && math.Abs(float64(*a)-want) <= metricTol
}

func TestScoreClassification(t *testing.T) {
	t.Parallel()
	// The identity map into a softmax predicts the largest input. True
	// and predicted classes: (0,0) (0,0) (0,1) (1,1) (1,0) (2,0) (2,1);
	// class 2 is never predicted.
	eye := [][]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}
	m := handModel(t, eye, []float64{0, 0, 0}, "softmax", "cross_entropy")
	x := [][]float64{{2, 0, 0}, {1, 0.5, 0}, {0, 3, 1}, {0, 1, 0}, {4, 1, 2}, {1, 0, 0.5}, {0, 2, 1}}
	labels := []int{0, 0, 0, 1, 1, 2, 2}
	classes := []string{"a", "b", "c"}
	met, err := Score(m, dataset(x, labels, classes, nil), classes)
	if err != nil {
		t.Fatal(err)
	}
	if want := [][]int{{2, 1, 0}, {1, 1, 0}, {1, 1, 0}}; !slices.EqualFunc(met.ConfusionMatrix, want, slices.Equal) {
		t.Errorf("confusion matrix %v, want %v", met.ConfusionMatrix, want)
	}
	if met.N != 7 || !slices.Equal(met.Classes, classes) {
		t.Errorf("n %d, classes %v; want 7, %v", met.N, met.Classes, classes)
	}
	if !eqFloat(met.Accuracy, 3.0/7) {
		t.Errorf("accuracy %v, want 3/7", met.Accuracy)
	}
	if met.MSE != nil || met.MAE != nil || met.R2 != nil {
		t.Errorf("classification metrics have regression fields: %+v", met)
	}
	want := []struct {
		p, r, f1 float64
		support  int
	}{
		{2.0 / 4, 2.0 / 3, 4.0 / 7, 3},
		{1.0 / 3, 1.0 / 2, 2.0 / 5, 2},
		{0, 0, 0, 2}, // never predicted: precision 0, not NaN
	}
	if len(met.PerClass) != 3 {
		t.Fatalf("%d per-class entries, want 3", len(met.PerClass))
	}
	for c, w := range want {
		got := met.PerClass[c]
		if got.Class != classes[c] || got.Support != w.support ||
			math.Abs(float64(got.Precision)-w.p) > metricTol ||
			math.Abs(float64(got.Recall)-w.r) > metricTol ||
			math.Abs(float64(got.F1)-w.f1) > metricTol {
			t.Errorf("class %d: %+v, want precision %v, recall %v, F1 %v, support %d", c, got, w.p, w.r, w.f1, w.support)
		}
	}
	// The loss: the mean of −log softmax(x)[label].
	var loss float64
	for i, row := range x {
		var s float64
		for _, v := range row {
			s += math.Exp(v)
		}
		loss += math.Log(s) - row[labels[i]]
	}
	loss /= float64(len(x))
	if math.Abs(float64(met.Loss)-loss) > metricTol {
		t.Errorf("loss %v, want %v", met.Loss, loss)
	}
}

func TestScoreBinary(t *testing.T) {
	t.Parallel()
	// σ(x): −1 → 0.27 (class 0), 0 → ½ (class 1: ties go to 1), 2 → 0.88.
	m := handModel(t, [][]float64{{1}}, []float64{0}, "logistic", "binary_cross_entropy")
	x := [][]float64{{-1}, {0}, {2}}
	labels := []int{0, 0, 1}
	classes := []string{"no", "yes"}
	met, err := Score(m, dataset(x, labels, classes, nil), classes)
	if err != nil {
		t.Fatal(err)
	}
	if want := [][]int{{1, 1}, {0, 1}}; !slices.EqualFunc(met.ConfusionMatrix, want, slices.Equal) {
		t.Errorf("confusion matrix %v, want %v", met.ConfusionMatrix, want)
	}
	if !eqFloat(met.Accuracy, 2.0/3) {
		t.Errorf("accuracy %v, want 2/3", met.Accuracy)
	}
	// −log(1−σ(−1)) − log(1−σ(0)) − log σ(2), averaged.
	softplus := func(z float64) float64 { return math.Log1p(math.Exp(z)) }
	want := (softplus(-1) + softplus(0) + softplus(-2)) / 3
	if math.Abs(float64(met.Loss)-want) > metricTol {
		t.Errorf("loss %v, want %v", met.Loss, want)
	}
}

func TestScoreRegression(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name               string
		w                  [][]float64
		b                  []float64
		y                  [][]float64
		loss, mse, mae, r2 float64
	}{
		{
			// y = 2x + 1 on x = 0..3 gives 1, 3, 5, 7; errors 0, 1, −1, 0.
			// The targets' mean is 4, SS_tot = 26, SS_res = 2.
			name: "one output", w: [][]float64{{2}}, b: []float64{1},
			y:    [][]float64{{1}, {2}, {6}, {7}},
			loss: 2.0 / 8, mse: 2.0 / 4, mae: 2.0 / 4, r2: 1 - 2.0/26,
		},
		{
			// A second output predicts its constant targets exactly, which
			// counts as R² = 1.
			name: "two outputs, one constant", w: [][]float64{{2, 0}}, b: []float64{1, 5},
			y:    [][]float64{{1, 5}, {2, 5}, {6, 5}, {7, 5}},
			loss: 2.0 / 8, mse: 2.0 / 8, mae: 2.0 / 8, r2: (1 - 2.0/26 + 1) / 2,
		},
		{
			// A constant target predicted wrongly counts as R² = 0.
			name: "constant target missed", w: [][]float64{{0}}, b: []float64{1},
			y:    [][]float64{{3}, {3}, {3}, {3}},
			loss: 16.0 / 8, mse: 4, mae: 2, r2: 0,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := handModel(t, tc.w, tc.b, "identity", "squared_error")
			met, err := Score(m, dataset([][]float64{{0}, {1}, {2}, {3}}, nil, nil, tc.y), nil)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(float64(met.Loss)-tc.loss) > metricTol || !eqFloat(met.MSE, tc.mse) || !eqFloat(met.MAE, tc.mae) || !eqFloat(met.R2, tc.r2) {
				t.Errorf("loss %v, mse %v, mae %v, r2 %v; want %v, %v, %v, %v", met.Loss, ptrVal(met.MSE), ptrVal(met.MAE), ptrVal(met.R2), tc.loss, tc.mse, tc.mae, tc.r2)
			}
			if met.N != 4 || met.Accuracy != nil || met.ConfusionMatrix != nil || met.PerClass != nil {
				t.Errorf("regression metrics %+v: want n 4 and no classification fields", met)
			}
		})
	}
}

func ptrVal(f *jsonnum.Float) any {
	if f == nil {
		return nil
	}
	return float64(*f)
}

// TestForwardChunks compares Forward, which runs 1024 rows at a time, with
// one net over every row.
func TestForwardChunks(t *testing.T) {
	t.Parallel()
	const tol = 1e-13
	spec := layers.Spec{Inputs: 3, Units: []int{5, 4}, Acts: []string{"tanh", "softmax"}, Loss: "cross_entropy"}
	for _, n := range []int{1, 7, evalChunk, evalChunk + 1, 2 * evalChunk, 2*evalChunk + 452} {
		t.Run("n="+strconv.Itoa(n), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(uint64(n), 1))
			m, err := layers.New(spec)
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Init("xavier", rng); err != nil {
				t.Fatal(err)
			}
			for _, l := range m.Layers {
				for i := range l.B.RawMatrix().Data {
					l.B.RawMatrix().Data[i] = rng.NormFloat64()
				}
			}
			x := mat.NewDense(n, 3, nil)
			for i := range x.RawMatrix().Data {
				x.RawMatrix().Data[i] = 2 * rng.NormFloat64()
			}
			labels := make([]int, n)
			for i := range labels {
				labels[i] = rng.IntN(4)
			}
			tgt := mat.NewDense(n, 4, nil)
			data.OneHot(tgt, labels, 4)
			xCopy, tCopy := mat.DenseCopyOf(x), mat.DenseCopyOf(tgt)

			y, loss := Forward(m, x, tgt)
			net := m.Build(n, 0)
			net.X.Value().Copy(x)
			net.T.Value().Copy(tgt)
			net.G.Forward()
			want := net.Y.Value()
			if r, c := y.Dims(); r != n || c != 4 {
				t.Fatalf("Forward gave %d×%d, want %d×4", r, c, n)
			}
			for i := range n {
				for j := range 4 {
					if d := math.Abs(y.At(i, j) - want.At(i, j)); d > tol {
						t.Fatalf("row %d column %d: %v, want %v", i, j, y.At(i, j), want.At(i, j))
					}
				}
			}
			if relErr(loss, net.DataLoss.Scalar()) > tol {
				t.Errorf("loss %v, want %v", loss, net.DataLoss.Scalar())
			}
			if !mat.Equal(x, xCopy) || !mat.Equal(tgt, tCopy) {
				t.Error("Forward modified its inputs")
			}
			// Without targets, the same predictions.
			y2, _ := Forward(m, x, nil)
			if !mat.Equal(y, y2) {
				t.Error("Forward without targets gave other predictions")
			}
		})
	}
}

func TestPredictClass(t *testing.T) {
	t.Parallel()
	y := mat.NewDense(5, 1, []float64{0, 0.4999999, 0.5, 0.7, 1})
	for i, want := range []int{0, 0, 1, 1, 1} {
		if got := PredictClass(y, i); got != want {
			t.Errorf("PredictClass(logistic %v) = %d, want %d", y.At(i, 0), got, want)
		}
	}
	// Softmax rows: the most probable class, the first on a tie.
	y = mat.NewDense(3, 3, []float64{0.2, 0.5, 0.3, 0.4, 0.2, 0.4, 0.1, 0.1, 0.8})
	for i, want := range []int{1, 0, 2} {
		if got := PredictClass(y, i); got != want {
			t.Errorf("PredictClass(softmax %v) = %d, want %d", y.RawRowView(i), got, want)
		}
	}
}

// TestMetricsJSON checks the fields INTERFACE.md promises for each kind
// of metrics, and that a non-finite number becomes null.
func TestMetricsJSON(t *testing.T) {
	t.Parallel()
	eye := [][]float64{{1, 0}, {0, 1}}
	class, err := Score(handModel(t, eye, []float64{0, 0}, "softmax", "cross_entropy"),
		dataset([][]float64{{1, 0}, {0, 1}, {2, 1}}, []int{0, 1, 1}, []string{"a", "b"}, nil), []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	reg, err := Score(handModel(t, [][]float64{{1}}, []float64{0}, "identity", "squared_error"),
		dataset([][]float64{{1}, {2}}, nil, nil, [][]float64{{1}, {3}}), nil)
	if err != nil {
		t.Fatal(err)
	}
	diverged := reg
	diverged.Loss = jsonnum.Float(math.Inf(1))
	diverged.MSE = jsonnum.Ptr(math.NaN())
	for _, tc := range []struct {
		name string
		m    Metrics
		want []string // every key, sorted
		null []string // keys whose value is null
	}{
		{"classification", class, []string{"accuracy", "classes", "confusion_matrix", "loss", "n", "per_class", "pr_auc", "roc_auc"}, nil},
		{"regression", reg, []string{"loss", "mae", "mse", "n", "r2"}, nil},
		{"diverged", diverged, []string{"loss", "mae", "mse", "n", "r2"}, []string{"loss", "mse"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, err := json.Marshal(tc.m)
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			var keys, null []string
			for k, v := range got {
				keys = append(keys, k)
				if v == nil {
					null = append(null, k)
				}
			}
			slices.Sort(keys)
			slices.Sort(null)
			if !slices.Equal(keys, tc.want) || !slices.Equal(null, tc.null) {
				t.Errorf("%s: keys %v with null %v, want %v with null %v", b, keys, null, tc.want, tc.null)
			}
		})
	}
}

// TestPredictClassAgainstLoop checks the branch-free argmax against the
// plain loop it replaced, on rows with ties, NaN, infinities and signed
// zeros: the first largest entry wins and NaN never does.
func TestPredictClassAgainstLoop(t *testing.T) {
	ref := func(row []float64) int {
		best := 0
		for j, v := range row {
			if v > row[best] {
				best = j
			}
		}
		return best
	}
	special := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), 1, 1, -1, 0.5}
	rng := rand.New(rand.NewPCG(3, 3))
	for trial := range 20000 {
		k := 2 + rng.IntN(6)
		row := make([]float64, k)
		for j := range row {
			if rng.IntN(2) == 0 {
				row[j] = special[rng.IntN(len(special))]
			} else {
				row[j] = rng.NormFloat64()
			}
		}
		y := mat.NewDense(1, k, row)
		if got, want := PredictClass(y, 0), ref(row); got != want {
			t.Fatalf("trial %d: PredictClass(%v) = %d, want %d", trial, row, got, want)
		}
	}
}

// TestForwardInPlace checks that forward, which reads a contiguous x in
// place, gives the bits of the copying path (taken for an x with a wider
// stride), leaves x and the nets' own input buffers alone, and gives the
// same bits again, in float64 and float32, with categorical inputs.
func TestForwardInPlace(t *testing.T) {
	for _, f32 := range []bool{false, true} {
		spec := layers.Spec{Inputs: 4 + 3, Units: []int{9, 3}, Acts: []string{"relu", "softmax"}, Loss: "cross_entropy", Categorical: []int{3}}
		m, err := layers.New(spec)
		if err != nil {
			t.Fatal(err)
		}
		m.Float32 = f32
		if err := m.Init("xavier", rand.New(rand.NewPCG(13, 1))); err != nil {
			t.Fatal(err)
		}
		if f32 {
			m.Round32()
		}
		rng := rand.New(rand.NewPCG(13, 2))
		n := 2*evalChunk + 77
		wide := mat.NewDense(n, 5+3, nil) // x with a stride of 8
		tt := mat.NewDense(n, 3, nil)
		for i := range n {
			for j := range 4 {
				wide.Set(i, j, rng.NormFloat64())
			}
			wide.Set(i, 4, float64(rng.IntN(3)))
			tt.Set(i, rng.IntN(3), 1)
		}
		strided := wide.Slice(0, n, 0, 5).(*mat.Dense)
		x := mat.DenseCopyOf(strided)
		before := mat.DenseCopyOf(x)
		f := &forwarder{m: m}
		want, wantLoss := Forward(m, strided, tt)
		want = mat.DenseCopyOf(want)
		for run := range 2 {
			got, loss := f.forward(x, tt)
			if !mat.Equal(got, want) || math.Float64bits(loss) != math.Float64bits(wantLoss) {
				t.Fatalf("float32 %v, run %d: forward in place differs from the copying forward (loss %v, want %v)", f32, run, loss, wantLoss)
			}
			if !mat.Equal(x, before) {
				t.Fatalf("float32 %v: forward changed x", f32)
			}
			for _, net := range []*layers.Net{f.full, f.tail} {
				if v := net.X.Value(); v != nil && &v.RawMatrix().Data[0] == &x.RawMatrix().Data[0] {
					t.Fatalf("float32 %v: a net's input still points into x", f32)
				}
			}
		}
	}
}

// TestMacroRankingParallel checks that macroRanking gives
// metric.MacroRanking's bits on many rows at 1 and 3 goroutines, with
// ties, a class that never occurs and one that always wins.
func TestMacroRankingParallel(t *testing.T) {
	for _, procs := range []int{1, 3} {
		func() {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			rng := rand.New(rand.NewPCG(13, uint64(procs)))
			for _, k := range []int{3, 10} {
				n := parallelRanking + 123
				prob, labels := make([]float64, n*k), make([]int, n)
				for i := range n {
					labels[i] = rng.IntN(k - 1) // class k-1 never occurs
					for c := range k {
						prob[i*k+c] = float64(rng.IntN(50)) / 50 // ties
					}
				}
				want := metric.MacroRanking(prob, labels, k, nil)
				got := macroRanking(prob, labels, k)
				if math.Float64bits(got.ROCAUC) != math.Float64bits(want.ROCAUC) || math.Float64bits(got.AP) != math.Float64bits(want.AP) ||
					got.ROCOK != want.ROCOK || got.APOK != want.APOK {
					t.Errorf("procs %d, k %d: macroRanking = %+v, want %+v", procs, k, got, want)
				}
			}
		}()
	}
}
