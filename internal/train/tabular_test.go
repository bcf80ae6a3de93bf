package train

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// churnCSV returns a seeded CSV of n rows with an id, two categorical
// columns, a numeric column with gaps and a binary target that depends
// on all of them.
func churnCSV(seed uint64, n int) string {
	rng := rand.New(rand.NewPCG(seed, 1))
	plans, countries := []string{"basic", "pro", "max"}, []string{"DE", "FR", "US", "UK"}
	var b strings.Builder
	b.WriteString("id,plan,country,tenure,churn\n")
	for i := range n {
		p, c := plans[rng.IntN(3)], countries[rng.IntN(4)]
		tenure := 1 + rng.Float64()*70
		z := -1 + 2*b2f(p == "basic") - 0.04*tenure + b2f(c == "US")
		y := "no"
		if rng.Float64() < 1/(1+math.Exp(-z)) {
			y = "yes"
		}
		ts := fmt.Sprintf("%.1f", tenure)
		if rng.Float64() < 0.1 {
			ts = "NA"
		}
		fmt.Fprintf(&b, "C%d,%s,%s,%s,%s\n", i, p, c, ts, y)
	}
	return b.String()
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func TestFitCategorical(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	train := writeTestFile(t, dir, "churn.csv", churnCSV(1, 600))
	test := writeTestFile(t, dir, "test.csv", "id,plan,country,tenure,churn\nX,gold,JP,NA,yes\nY,basic,US,3,yes\nZ,max,DE,60,no\n")
	cfg := parseTestConfig(t, dir, fmt.Sprintf(`
data: {train: %s, test: %s, target: churn, ignore: [id], missing_indicator: true}
model: {layers: [{units: 8, activation: tanh}, {activation: softmax}]}
train: {optimizer: adam, learning_rate: 0.02, epochs: 40, batch_size: 32}
output: {dir: %s}
`, q(train), q(test), q(filepath.Join(dir, "run"))))
	run, err := FitConfig(context.Background(), cfg, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p, rep := run.Problem, run.Report
	// plan 3 levels, country 4, tenure with its indicator.
	if got, want := p.Spec.Categorical, []int{3, 4}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Categorical = %v, want %v", got, want)
	}
	if got := p.Spec.Inputs; got != 2+3+4 {
		t.Errorf("Inputs = %d, want 9 (tenure, its indicator, 3 + 4 levels)", got)
	}
	if w, _ := p.Train.X.Dims(); w == 0 {
		t.Fatal("no training rows")
	}
	if _, c := p.Train.X.Dims(); c != 4 {
		t.Errorf("X has %d columns, want 4 (tenure, indicator, two codes)", c)
	}
	if rep.Validation == nil || rep.Validation.ROCAUC == nil || float64(*rep.Validation.ROCAUC) < 0.7 {
		t.Errorf("validation roc_auc %v, want ≥ 0.7", rep.Validation)
	}
	if rep.Test == nil || rep.Test.UnknownCategories["plan"] != 1 || rep.Test.UnknownCategories["country"] != 1 {
		t.Errorf("test unknown categories %v, want plan 1, country 1", rep.Test)
	}
	// The saved model predicts the test file as fit scored it.
	s, err := LoadModel(filepath.Join(dir, "run", "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	ds, err := s.Read(test, 0, true)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Score(s.Model, ds, s.Classes)
	if err != nil {
		t.Fatal(err)
	}
	if m.Loss != rep.Test.Loss || *m.Accuracy != *rep.Test.Accuracy {
		t.Errorf("eval of the saved model: loss %v accuracy %v, fit said %v %v", m.Loss, *m.Accuracy, rep.Test.Loss, *rep.Test.Accuracy)
	}
	// The one-hot product equals the dense one: the first layer applied to
	// the explicit one-hot encoding of the codes.
	y, _ := Forward(s.Model, ds.X, nil)
	dense := mat.NewDense(ds.Len(), s.Model.Inputs, nil)
	for i := range ds.Len() {
		dense.Set(i, 0, ds.X.At(i, 0))
		dense.Set(i, 1, ds.X.At(i, 1))
		off := 2
		for j, l := range s.Model.Categorical {
			if c := ds.X.At(i, 2+j); c >= 0 {
				dense.Set(i, off+int(c), 1)
			}
			off += l
		}
	}
	flat := *s.Model
	flat.Categorical = nil
	if yd, _ := Forward(&flat, dense, nil); !mat.EqualApprox(y, yd, 1e-12) {
		t.Errorf("predictions through the one-hot product differ from the dense product:\n%v\n%v", mat.Formatted(y), mat.Formatted(yd))
	}
}

func TestNormalizeTarget(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("x,y\n")
	rng := rand.New(rand.NewPCG(3, 1))
	for range 200 {
		x := 2*rng.Float64() - 1
		fmt.Fprintf(&b, "%g,%g\n", x, 50000+20000*x+100*rng.NormFloat64())
	}
	train := writeTestFile(t, dir, "big.csv", b.String())
	text := func(norm string) string {
		return fmt.Sprintf(`
data: {train: %s, target: y, normalize_target: %s, validation: 0.25}
model: {layers: [{units: 4, activation: tanh}, {activation: identity}], loss: squared_error}
train: {optimizer: adam, learning_rate: 0.05, epochs: 60, batch_size: 16}
output: {dir: %s}
`, q(train), norm, q(filepath.Join(dir, norm)))
	}
	run, err := FitConfig(context.Background(), parseTestConfig(t, dir, text("standardize")), FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r2 := float64(*run.Report.Validation.R2); r2 < 0.99 {
		t.Errorf("standardized targets: validation r2 %.4f, want ≥ 0.99", r2)
	}
	// The metrics are in the original units: they are the saved model's
	// on the original targets.
	s, err := LoadModel(filepath.Join(dir, "standardize", "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	ds, err := s.Read(train, 0, true)
	if err != nil {
		t.Fatal(err)
	}
	if y, _ := Forward(s.Model, ds.X, nil); math.Abs(mat.Sum(y)/float64(ds.Len())-50000) > 2000 {
		t.Errorf("the saved model predicts a mean of %g, want about 50000", mat.Sum(y)/float64(ds.Len()))
	}
	if got := run.Problem.Val.Y.At(0, 0); got < 10000 {
		t.Errorf("validation targets left standardized: %g", got)
	}
	// Without it, the same config learns far worse in as many epochs.
	run0, err := FitConfig(context.Background(), parseTestConfig(t, dir, text("none")), FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r2 := float64(*run0.Report.Validation.R2); r2 > 0.9 {
		t.Errorf("raw targets: validation r2 %.4f, want the standardized run to be the one that learns", r2)
	}

	// A classifier or a bounded output cannot be unscaled.
	for _, bad := range []string{
		"model: {layers: [{units: 4, activation: tanh}, {activation: logistic}], loss: squared_error}",
	} {
		cfg := parseTestConfig(t, dir, strings.Replace(text("standardize"), "model: {layers: [{units: 4, activation: tanh}, {activation: identity}], loss: squared_error}", bad, 1))
		if _, err := Prepare(cfg); err == nil || !strings.Contains(err.Error(), "data.normalize_target") {
			t.Errorf("%s: error %v, want one naming data.normalize_target", bad, err)
		}
	}
}

// TestDecayedMatchesParams checks that weight decay has a flag for every
// parameter, batch normalization's γ and β included: adamw with
// batch_norm once indexed past the flags (internal error).
func TestDecayedMatchesParams(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	train := writeTestFile(t, dir, "blobs.csv", blobsCSV(5, []int{30, 30}, 1))
	cfg := parseTestConfig(t, dir, fmt.Sprintf(`
data: {train: %s, target: class, validation: 0.2}
model: {layers: [{units: 4, activation: relu, batch_norm: true}, {units: 3, activation: tanh}, {activation: softmax}]}
train: {optimizer: adamw, weight_decay: 0.1, learning_rate: 0.01, epochs: 3, batch_size: 8}
output: {dir: %s}
`, q(train), q(filepath.Join(dir, "run"))))
	if _, err := FitConfig(context.Background(), cfg, FitOptions{}); err != nil {
		t.Fatal(err)
	}
	p, err := Prepare(cfg)
	if err != nil {
		t.Fatal(err)
	}
	m := initialModel(t, p)
	if d, ps := decayed(m), params(m); len(d) != len(ps) || !d[0] || d[1] || d[2] || !d[3] || d[4] {
		t.Errorf("decayed %v for %d parameters", d, len(ps))
	}
}
