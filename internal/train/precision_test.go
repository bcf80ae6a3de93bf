package train

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/inputerr"
	"gonum.org/v1/gonum/mat"
)

// wideCSV returns a CSV of n rows, d features and a class among k: wide
// enough that a layer of 64 units on batches of 100 makes products that
// gemm splits across threads.
func wideCSV(seed uint64, n, d, k int) string {
	rng := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	for j := range d {
		fmt.Fprintf(&b, "x%d,", j)
	}
	b.WriteString("class\n")
	for range n {
		c := rng.IntN(k)
		for j := range d {
			fmt.Fprintf(&b, "%.4g,", rng.NormFloat64()+float64(c*(j%3))*0.3)
		}
		fmt.Fprintf(&b, "c%d\n", c)
	}
	return b.String()
}

// TestFloat32Reproducible is not parallel (train.threads sets GOMAXPROCS):
// one float32 config and seed, at 1 and 2 threads and twice at 2, gives
// the same model.json bytes and metrics; the model records float32, its
// weights are float32 values, and it loads back as a float32 model that
// scores as the run did.
func TestFloat32Reproducible(t *testing.T) {
	dir := t.TempDir()
	train := writeTestFile(t, dir, "train.csv", wideCSV(5, 400, 300, 4))
	var models, metrics []string
	for i, threads := range []int{1, 2, 2} {
		out := filepath.Join(dir, fmt.Sprint("run", i))
		cfg := parseTestConfig(t, dir, fmt.Sprintf(`data: {train: %s, target: class, validation: 0.25}
model: {layers: [{units: 64, activation: relu}, {units: 32, activation: tanh}, {activation: softmax}]}
train: {optimizer: adam, learning_rate: 0.003, batch_size: 100, epochs: 3, precision: float32, threads: %d, clip_norm: 5}
output: {dir: %s}
`, q(train), threads, q(out)))
		run, err := FitConfig(t.Context(), cfg, FitOptions{})
		if err != nil {
			t.Fatal(err)
		}
		models = append(models, mustRead(t, filepath.Join(out, "model.json")))
		metrics = append(metrics, withoutSeconds(t, filepath.Join(out, "metrics.csv")))
		s, err := LoadModel(filepath.Join(out, "model.json"))
		if err != nil {
			t.Fatal(err)
		}
		if !s.Model.Float32 || !strings.Contains(models[i], `"precision": "float32"`) {
			t.Fatalf("the model of a float32 run does not say float32")
		}
		for _, w := range s.Model.State() {
			for _, v := range w.RawMatrix().Data {
				if float64(float32(v)) != v {
					t.Fatalf("weight %v of a float32 model is not a float32 value", v)
				}
			}
		}
		if i == 0 {
			ds, err := s.Read(train, 0, true)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Score(s.Model, ds, s.Classes)
			if err != nil {
				t.Fatal(err)
			}
			all := float64(*m.Accuracy)
			if math.IsNaN(all) || all < 0.5 {
				t.Errorf("the float32 model's accuracy on its training file is %v", all)
			}
			if want := float64(*run.Result.Train.Accuracy)*0.75 + float64(*run.Result.Val.Accuracy)*0.25; math.Abs(all-want) > 1e-9 {
				t.Errorf("the loaded model scores %v on the training file, the run %v", all, want)
			}
		}
	}
	for i := 1; i < len(models); i++ {
		if models[i] != models[0] {
			t.Errorf("run %d: model.json differs from run 0's (threads 1, 2, 2)", i)
		}
		if metrics[i] != metrics[0] {
			t.Errorf("run %d: metrics differ:\n%s\n%s", i, metrics[i], metrics[0])
		}
	}
}

// TestFloat32CloseToFloat64: the same run in float32 and float64 ends
// with close losses and the same accuracy on well separated blobs.
func TestFloat32CloseToFloat64(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	train := writeTestFile(t, dir, "train.csv", blobsCSV(3, []int{40, 40, 40}, 1))
	var runs []*Run
	for _, precision := range []string{"float64", "float32"} {
		cfg := parseTestConfig(t, dir, fmt.Sprintf(`data: {train: %s, target: class, validation: 0.25}
model: {layers: [{units: 8, activation: tanh}, {activation: softmax}]}
train: {optimizer: momentum, learning_rate: 0.05, batch_size: 10, epochs: 20, precision: %s}
output: {dir: %s}
`, q(train), precision, q(filepath.Join(dir, precision))))
		run, err := FitConfig(t.Context(), cfg, FitOptions{})
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, run)
	}
	a, b := runs[0].Result, runs[1].Result
	if d := math.Abs(float64(a.Train.Loss) - float64(b.Train.Loss)); d > 1e-4*math.Max(1, float64(a.Train.Loss)) {
		t.Errorf("train loss: float64 %v, float32 %v", a.Train.Loss, b.Train.Loss)
	}
	if *a.Val.Accuracy != *b.Val.Accuracy {
		t.Errorf("validation accuracy: float64 %v, float32 %v", *a.Val.Accuracy, *b.Val.Accuracy)
	}
}

// TestRankMetricsNonFinite: predictions with a NaN or an infinity (a
// diverged float32 model's: its last finite weights overflow float32 in
// the forward pass) leave roc_auc and pr_auc undefined. Before, the
// ranking panicked, and the diverged run ended in "internal error".
func TestRankMetricsNonFinite(t *testing.T) {
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		for _, k := range []int{1, 3} {
			y := mat.NewDense(4, k, nil)
			for i := range 4 {
				y.Set(i, 0, float64(i)/4)
			}
			y.Set(2, k-1, bad)
			var met Metrics
			classes := max(k, 2)
			rankMetrics(&met, y, []int{0, 1, 0, 1}, classes)
			if met.ROCAUC != nil || met.PRAUC != nil {
				t.Errorf("%v in %d-column predictions: roc_auc %v, pr_auc %v, want undefined", bad, k, met.ROCAUC, met.PRAUC)
			}
		}
	}
}

// TestFloat32NormalizeTarget: a float32 regression with standardized
// targets folds the scaling into its output layer as float32 values, and
// scores the folded model. Before, the float32 twins kept the standardized
// layer: the run reported r² ≈ −8 for a fit of r² ≈ 0.97, and model.json
// held weights that are not float32 values.
func TestFloat32NormalizeTarget(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	train := writeTestFile(t, dir, "train.csv", regressionCSV(11, 200, 300, 2))
	var r2 [2]float64
	for i, precision := range []string{"float64", "float32"} {
		out := filepath.Join(dir, precision)
		cfg := parseTestConfig(t, dir, fmt.Sprintf(`data: {train: %s, target: y, validation: 0.2, normalize_target: standardize}
model: {layers: [{units: 8, activation: tanh}, {activation: identity}], loss: squared_error}
train: {optimizer: adam, learning_rate: 0.01, batch_size: 16, epochs: 30, precision: %s}
output: {dir: %s}
`, q(train), precision, q(out)))
		run, err := FitConfig(t.Context(), cfg, FitOptions{})
		if err != nil {
			t.Fatal(err)
		}
		r2[i] = float64(*run.Result.Val.R2)
		s, err := LoadModel(filepath.Join(out, "model.json"))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range s.Model.State() {
			for _, v := range w.RawMatrix().Data {
				if s.Model.Float32 && float64(float32(v)) != v {
					t.Fatalf("weight %v of a float32 model is not a float32 value", v)
				}
			}
		}
	}
	if math.Abs(r2[0]-r2[1]) > 1e-3 || r2[1] < 0.9 {
		t.Errorf("validation r²: float64 %v, float32 %v", r2[0], r2[1])
	}
}

// TestFloat32DataRange: a float32 run refuses training or validation
// inputs or targets beyond float32's range, which would round to ±Inf.
// Before, the run "diverged" at its first steps (exit 3, with the hint to
// lower the learning rate); a float64 run takes them.
func TestFloat32DataRange(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for i, test := range []struct {
		csv, target, loss, norm, precision string
		want                               string // "" for no error
	}{
		{"x,c\n1e39,a\n0,b\n1,a\n2,b\n3,a\n4,b\n5,a\n6,b\n7,a\n8,b\n", "c", "cross_entropy", "none", "float32", "beyond float32's range"},
		{"x,c\n1e39,a\n0,b\n1,a\n2,b\n3,a\n4,b\n5,a\n6,b\n7,a\n8,b\n", "c", "cross_entropy", "none", "float64", ""},
		{"x,c\n1e39,a\n0,b\n1,a\n2,b\n3,a\n4,b\n5,a\n6,b\n7,a\n8,b\n", "c", "cross_entropy", "minmax", "float32", ""},
		{"x,y\n0,1e39\n1,0\n2,1\n3,2\n4,3\n5,4\n6,5\n7,6\n8,7\n9,8\n", "y", "squared_error", "none", "float32", "beyond float32's range"},
		{"x,y\n0,1e15\n1,0\n2,1\n3,2\n4,3\n5,4\n6,5\n7,6\n8,7\n9,8\n", "y", "squared_error", "none", "float32", ""},
	} {
		train := writeTestFile(t, dir, fmt.Sprintf("train%d.csv", i), test.csv)
		out := "{units: 2, activation: softmax}"
		if test.loss == "squared_error" {
			out = "{activation: identity}"
		}
		cfg := parseTestConfig(t, dir, fmt.Sprintf(`data: {train: %s, target: %s, validation: 0.3, normalize: %s}
model: {layers: [%s], loss: %s}
train: {optimizer: sgd, learning_rate: 1e-80, batch_size: 4, epochs: 2, precision: %s}
output: {dir: %s}
`, q(train), test.target, test.norm, out, test.loss, test.precision, q(filepath.Join(dir, fmt.Sprint("run", i)))))
		_, err := FitConfig(t.Context(), cfg, FitOptions{})
		if test.want == "" {
			if err != nil {
				t.Errorf("unexpected error for test %d: %v", i, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), test.want) || !inputerr.Is(err) || !strings.HasPrefix(err.Error(), train+":2: ") {
			t.Errorf("unexpected error for test %d: got: %v want: an input error at %s:2 containing %q", i, err, train, test.want)
		}
	}
}

// TestFloat32DataRangeElsewhere: the test set of a float32 run, and the
// files eval and predict give a float32 model, are checked as the
// training set is, naming the file and line. Before, the test metrics and
// the predictions of such a row were NaN.
func TestFloat32DataRangeElsewhere(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := "x,c\n0,a\n1,b\n2,a\n3,b\n4,a\n5,b\n6,a\n7,b\n"
	bad := "x,c\n0,a\n1,b\n-2e39,a\n3,b\n"
	train := writeTestFile(t, dir, "train.csv", good)
	test := writeTestFile(t, dir, "test.csv", bad)
	text := "data: {train: %s, test: %s, target: c, validation: 0, normalize: none}\nmodel: {layers: [{units: 2, activation: softmax}], loss: cross_entropy}\ntrain: {optimizer: sgd, learning_rate: 0.1, batch_size: 4, epochs: 2, precision: %s}\noutput: {dir: %s}\n"
	out := filepath.Join(dir, "run")
	_, err := FitConfig(t.Context(), parseTestConfig(t, dir, fmt.Sprintf(text, q(train), q(test), "float32", q(out))), FitOptions{})
	if err == nil || !inputerr.Is(err) || !strings.HasPrefix(err.Error(), test+":4: ") || !strings.Contains(err.Error(), `input "x" of the test set is -2e+39`) {
		t.Errorf("a float32 fit with a test value beyond float32's range: %v, want an input error at %s:4", err, test)
	}
	if _, err := FitConfig(t.Context(), parseTestConfig(t, dir, fmt.Sprintf(text, q(train), q(test), "float64", q(out+"64"))), FitOptions{}); err != nil {
		t.Errorf("a float64 fit refused the test set: %v", err)
	}
	if _, err := FitConfig(t.Context(), parseTestConfig(t, dir, fmt.Sprintf(text, q(train), q(train), "float32", q(out))), FitOptions{}); err != nil {
		t.Fatal(err)
	}
	s, err := LoadModel(filepath.Join(out, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, needTarget := range []bool{true, false} {
		_, err := s.Read(test, 0, needTarget)
		if err == nil || !inputerr.Is(err) || !strings.HasPrefix(err.Error(), test+":4: ") || !strings.Contains(err.Error(), "beyond float32's range") {
			t.Errorf("reading %s for a float32 model (target %v): %v, want an input error at line 4", test, needTarget, err)
		}
	}
	if _, err := s.Read(train, 0, true); err != nil {
		t.Errorf("reading %s for a float32 model: %v", train, err)
	}

	// A streamed training set, row by row as its batches come (the value
	// is on line 30 of 40, past the first batches; no validation rows).
	var b strings.Builder
	b.WriteString("x,c\n")
	for i := range 39 {
		v := fmt.Sprint(i % 7)
		if i == 28 {
			v = "5e38"
		}
		fmt.Fprintf(&b, "%s,%c\n", v, "ab"[i%2])
	}
	streamed := writeTestFile(t, dir, "streamed.csv", b.String())
	cfg := parseTestConfig(t, dir, fmt.Sprintf("data: {train: %s, target: c, validation: 0, normalize: none, stream: true, shuffle_buffer: 8}\nmodel: {layers: [{units: 2, activation: softmax}], loss: cross_entropy}\ntrain: {optimizer: sgd, learning_rate: 0.1, batch_size: 4, epochs: 2, precision: float32}\noutput: {dir: %s}\n", q(streamed), q(filepath.Join(dir, "srun"))))
	if _, err := FitConfig(t.Context(), cfg, FitOptions{}); err == nil || !inputerr.Is(err) || !strings.HasPrefix(err.Error(), streamed+":30: ") {
		t.Errorf("a streamed float32 fit with a value beyond float32's range: %v, want an input error at %s:30", err, streamed)
	}
}

// TestNarrowed: narrowed rounds every row of x to float32, for any number
// of rows. Before, a matrix of fewer than 16 rows came back with only its
// first row (the parts were divided by 16, not by their number), so a
// float32 run on a small training set (xor's 4 rows) trained on zeros.
func TestNarrowed(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(2, 3))
	for _, r := range []int{0, 1, 2, 4, 15, 16, 17, 31, 100} {
		x := mat.NewDense(max(r, 1), 3, nil)
		if r == 0 {
			x = &mat.Dense{}
		}
		for i := range r {
			for j := range 3 {
				x.Set(i, j, rng.NormFloat64())
			}
		}
		got := narrowed(x)
		if got.Rows != r || got.Cols != x.RawMatrix().Cols {
			t.Fatalf("%d rows: narrowed is %d×%d", r, got.Rows, got.Cols)
		}
		for i := range r {
			for j := range 3 {
				if g, w := got.Data[i*got.Stride+j], float32(x.At(i, j)); g != w {
					t.Fatalf("%d rows: entry (%d, %d) is %v, want %v", r, i, j, g, w)
				}
			}
		}
	}
}

// TestFloat32SmallTrainingSet: xor, 4 rows, learns in float32 as it does
// in float64.
func TestFloat32SmallTrainingSet(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	train := writeTestFile(t, dir, "xor.csv", "x1,x2,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
	for _, precision := range []string{"float64", "float32"} {
		cfg := parseTestConfig(t, dir, fmt.Sprintf(`data: {train: %s, target: y, validation: 0, normalize: none}
model: {layers: [{units: 4, activation: tanh}, {activation: logistic}], loss: binary_cross_entropy}
train: {optimizer: momentum, learning_rate: 0.5, batch_size: 4, epochs: 500, seed: 1, precision: %s}
output: {dir: %s}
`, q(train), precision, q(filepath.Join(dir, precision))))
		run, err := FitConfig(t.Context(), cfg, FitOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if acc := *run.Result.Train.Accuracy; acc != 1 || run.Result.Train.Loss > 0.05 {
			t.Errorf("%s: xor's training accuracy %v, loss %v; want 1 and below 0.05", precision, acc, run.Result.Train.Loss)
		}
	}
}

// TestScoreFromX32: a float32 model scores the training set from the
// run's float32 copy of it (read in place, chunk by chunk, with a tail
// chunk) exactly as from the float64 matrix, which it rounds chunk by
// chunk; and the run's report gives those metrics.
func TestScoreFromX32(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	train := writeTestFile(t, dir, "train.csv", blobsCSV(5, []int{1100, 1000, 900}, 1))
	cfg := parseTestConfig(t, dir, fmt.Sprintf(`data: {train: %s, target: class, validation: 0}
model: {layers: [{units: 6, activation: relu}, {activation: softmax}]}
train: {optimizer: sgd, learning_rate: 0.1, batch_size: 64, epochs: 2, precision: float32}
output: {dir: %s}
`, q(train), q(filepath.Join(dir, "run"))))
	run, err := FitConfig(t.Context(), cfg, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p, m := run.Problem, run.Result.Model
	want, err := Score(m, p.Train, p.Classes)
	if err != nil {
		t.Fatal(err)
	}
	got, err := scoreWith(m, p.Train, p.Classes, narrowed(p.Train.X))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("scored from the float32 copy: %+v\nfrom the float64 matrix: %+v", got, want)
	}
	if !reflect.DeepEqual(run.Result.Train, want) {
		t.Errorf("the run's train metrics: %+v\nScore: %+v", run.Result.Train, want)
	}
	// The copy is what is read: one of zeros scores otherwise.
	r, c := p.Train.X.Dims()
	if got, _ := scoreWith(m, p.Train, p.Classes, narrowed(mat.NewDense(r, c, nil))); reflect.DeepEqual(got, want) {
		t.Error("a float32 copy of zeros scores as the data")
	}
	// A copy of another shape is not used.
	if got, _ := scoreWith(m, p.Train, p.Classes, narrowed(mat.NewDense(3, p.Train.X.RawMatrix().Cols, nil))); !reflect.DeepEqual(got, want) {
		t.Errorf("with a float32 copy of 3 rows: %+v, want %+v", got, want)
	}
}

// TestFloat32StandardizedTargets: with data.normalize_target the float32
// nets train on standardized targets, which are in range, but the model's
// outputs are in the original units; a target beyond float32's range
// there is refused up front. Before, the run trained and then failed to
// write model.json ("json: unsupported value: +Inf", exit 1), its folded
// output layer infinite.
func TestFloat32StandardizedTargets(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("x,y\n")
	for i := range 20 {
		y := fmt.Sprint(i)
		if i == 2 {
			y = "6e38"
		}
		fmt.Fprintf(&b, "%d,%s\n", i, y)
	}
	train := writeTestFile(t, dir, "train.csv", b.String())
	for _, precision := range []string{"float32", "float64"} {
		cfg := parseTestConfig(t, dir, fmt.Sprintf(`data: {train: %s, target: y, validation: 0, normalize_target: standardize}
model: {layers: [{units: 3, activation: tanh}, {activation: identity}], loss: squared_error}
train: {optimizer: sgd, learning_rate: 0.01, batch_size: 5, epochs: 2, precision: %s}
output: {dir: %s}
`, q(train), precision, q(filepath.Join(dir, precision))))
		_, err := FitConfig(t.Context(), cfg, FitOptions{})
		if precision == "float64" {
			if err != nil {
				t.Errorf("float64: %v", err)
			}
			continue
		}
		if err == nil || !inputerr.Is(err) || !strings.HasPrefix(err.Error(), train+":4: ") || !strings.Contains(err.Error(), `target "y" of the training set is 6e+38`) || !strings.Contains(err.Error(), "hint: use train.precision: float64") {
			t.Errorf("float32: %v, want an input error at %s:4 about the target, hinting float64", err, train)
		}
	}

	// Targets within range whose scale, folded into a trained output
	// layer, takes a weight beyond it.
	b.Reset()
	b.WriteString("x,y\n")
	for i := range 20 {
		fmt.Fprintf(&b, "%d,%d5e36\n", i, i)
	}
	big := writeTestFile(t, dir, "big.csv", b.String())
	cfg := parseTestConfig(t, dir, fmt.Sprintf(`data: {train: %s, target: y, validation: 0, normalize_target: standardize}
model: {layers: [{units: 3, activation: tanh}, {activation: identity}], loss: squared_error}
train: {optimizer: sgd, learning_rate: 2, batch_size: 5, epochs: 50, seed: 1, precision: float32}
output: {dir: %s}
`, q(big), q(filepath.Join(dir, "big"))))
	if _, err := FitConfig(t.Context(), cfg, FitOptions{}); err == nil || !inputerr.Is(err) || !strings.Contains(err.Error(), "folding the targets' scale") {
		t.Errorf("float32, a folded weight beyond float32's range: %v, want an input error", err)
	}
}
