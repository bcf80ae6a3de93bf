package train

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/data"
	"github.com/mlptrain/mlptrain/internal/inputerr"
)

// TestBalancedClassWeights checks balanced weights on an imbalanced set
// against scikit-learn's formula n / (k · n_c), over the training split,
// and that report.json lists them by class.
func TestBalancedClassWeights(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	counts := []int{30, 10, 5}
	train := writeTestFile(t, dir, "train.csv", blobsCSV(51, counts, 1))
	p := prepareTest(t, dir, fmt.Sprintf("data: {train: %s, target: class, validation: 0}\nmodel: {layers: [{activation: softmax}]}\ntrain: {class_weight: balanced}\n", q(train)))
	w, err := p.ClassWeights()
	if err != nil {
		t.Fatal(err)
	}
	const n, k = 45.0, 3.0
	for c, nc := range counts {
		if want := n / (k * float64(nc)); math.Abs(w[c]-want) > statTol*want {
			t.Errorf("balanced weight of class %s = %v, want %v", p.Classes[c], w[c], want)
		}
	}
	// Over the training split only: 20% of each class held out.
	out := filepath.Join(dir, "run")
	cfg := parseTestConfig(t, dir, fmt.Sprintf("data: {train: %s, target: class, validation: 0.2}\nmodel: {layers: [{activation: softmax}]}\ntrain: {class_weight: balanced, epochs: 2}\noutput: {dir: %s}\n", q(train), q(out)))
	run, err := FitConfig(t.Context(), cfg, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	trainCounts := []int{24, 8, 4} // round(0.2·n_c) of each class held out
	rep, text := readReport(t, out)
	got, ok := rep["class_weight"].(map[string]any)
	if !ok {
		t.Fatalf("report.json has no class_weight mapping:\n%s", text)
	}
	for c, nc := range trainCounts {
		want := 36 / (k * float64(nc))
		if g, _ := got[fmt.Sprintf("c%d", c)].(float64); math.Abs(g-want) > statTol*want {
			t.Errorf("report.json class_weight c%d = %v, want %v", c, g, want)
		}
	}
	if len(run.Problem.Train.Labels) != 36 {
		t.Errorf("training split of %d rows, want 36", len(run.Problem.Train.Labels))
	}
	// None: no class_weight in report.json.
	out2 := filepath.Join(dir, "none")
	cfg = parseTestConfig(t, dir, fmt.Sprintf("data: {train: %s, target: class, validation: 0}\nmodel: {layers: [{activation: softmax}]}\ntrain: {epochs: 1}\noutput: {dir: %s}\n", q(train), q(out2)))
	if _, err := FitConfig(t.Context(), cfg, FitOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, text := readReport(t, out2); strings.Contains(text, "class_weight") {
		t.Errorf("report.json of a run without class weights has class_weight:\n%s", text)
	}
}

// TestClassWeightMapping checks a mapping's weights (1 for a class it does
// not name), and the error for a name that is not a class, which is
// refused before the run folder is made.
func TestClassWeightMapping(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	train := writeTestFile(t, dir, "train.csv", blobsCSV(52, []int{6, 6, 6}, 1))
	cfgText := func(cw string) string {
		return fmt.Sprintf("data: {train: %s, target: class, validation: 0}\nmodel: {layers: [{activation: softmax}]}\ntrain: {class_weight: %s}\noutput: {dir: %s}\n",
			q(train), cw, q(filepath.Join(dir, "run")))
	}
	p := prepareTest(t, dir, cfgText("{c2: 4, c0: 0.5}"))
	w, err := p.ClassWeights()
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{0.5, 1, 4}; !sameBits(w, want) {
		t.Errorf("ClassWeights = %v, want %v", w, want)
	}
	cfg := parseTestConfig(t, dir, cfgText("{c0: 2,\n    c9: 3}"))
	_, err = FitConfig(t.Context(), cfg, FitOptions{})
	var e *inputerr.Error
	if !errors.As(err, &e) {
		t.Fatalf("FitConfig with class c9: error %v, want an *inputerr.Error", err)
	}
	if e.Key != "train.class_weight.c9" || e.Line != 4 || e.Column != 9 || !strings.Contains(e.Err.Error(), `"c9" is not a class`) ||
		!strings.Contains(e.Hint, `"c0", "c1", "c2"`) {
		t.Errorf("error %q (line %d, column %d, key %q), want key train.class_weight.c9 at 4:9 listing the classes", e, e.Line, e.Column, e.Key)
	}
	if _, err := os.Stat(filepath.Join(dir, "run")); !os.IsNotExist(err) {
		t.Errorf("the run folder was made for a refused config: %v", err)
	}
}

// TestUnitClassWeightsBitIdentical checks that class weights of 1 change
// nothing: a mapping of ones gives model.json and metrics.csv identical
// to an unweighted run's, and so do the weighted nets with weights of 1.
func TestUnitClassWeightsBitIdentical(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	train := writeTestFile(t, dir, "train.csv", blobsCSV(53, []int{17, 9}, 2))
	text := func(cw, out string) string {
		return fmt.Sprintf(`data: {train: %s, target: class, validation: 0.25}
model: {layers: [{units: 5, activation: tanh}, {activation: softmax}]}
train: {optimizer: adam, learning_rate: 0.05, batch_size: 5, epochs: 6, l2: 0.001, class_weight: %s}
output: {dir: %s}
`, q(train), cw, q(filepath.Join(dir, out)))
	}
	for _, tc := range []struct{ name, cw string }{{"none", "none"}, {"ones", "{c0: 1, c1: 1}"}} {
		if _, err := FitConfig(t.Context(), parseTestConfig(t, dir, text(tc.cw, tc.name)), FitOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if mustRead(t, filepath.Join(dir, "none", "model.json")) != mustRead(t, filepath.Join(dir, "ones", "model.json")) {
		t.Error("model.json with class_weight {c0: 1, c1: 1} differs from the unweighted run's")
	}
	if withoutSeconds(t, filepath.Join(dir, "none", "metrics.csv")) != withoutSeconds(t, filepath.Join(dir, "ones", "metrics.csv")) {
		t.Error("metrics.csv with class_weight {c0: 1, c1: 1} differs from the unweighted run's")
	}
	// The weighted graph itself, with every r_i = 1.
	p := prepareTest(t, dir, text("{c0: 1, c1: 1}", "x"))
	plain, err := Fit(t.Context(), p, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	weighted, err := Fit(t.Context(), p, FitOptions{weighted: true})
	if err != nil {
		t.Fatal(err)
	}
	if !sameWeights(plain.Model, weighted.Model) {
		t.Error("weighted nets with unit weights train other weights than unweighted nets")
	}
	for i := range plain.History {
		a, b := plain.History[i], weighted.History[i]
		if !sameBits([]float64{a.TrainLoss, a.ValLoss, a.TrainAcc}, []float64{b.TrainLoss, b.ValLoss, b.TrainAcc}) {
			t.Errorf("epoch %d: unweighted %+v, weighted with ones %+v", i+1, a, b)
		}
	}
}

// TestClassWeightRaisesMinorityRecall trains a logistic regression on a
// seeded, overlapping set with one class ten times rarer: balanced class
// weights move the decision threshold towards the majority, so that the
// minority class's recall goes up, and so do larger weights for it.
func TestClassWeightRaisesMinorityRecall(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	train := writeTestFile(t, dir, "train.csv", blobsCSV(54, []int{300, 30}, 2.5))
	recall := func(cw string) float64 {
		_, res := fitTest(t, dir, fmt.Sprintf(`data: {train: %s, target: class, validation: 0}
model: {layers: [{activation: softmax}]}
train: {optimizer: adam, learning_rate: 0.05, batch_size: 32, epochs: 40, class_weight: %s}
`, q(train), cw))
		return float64(res.Train.PerClass[1].Recall)
	}
	none, balanced, heavy := recall("none"), recall("balanced"), recall("{c1: 30}")
	t.Logf("minority recall: none %.3f, balanced %.3f, {c1: 30} %.3f", none, balanced, heavy)
	if !(balanced > none) {
		t.Errorf("minority recall with balanced class weights %v, want more than without (%v)", balanced, none)
	}
	if !(heavy >= balanced) {
		t.Errorf("minority recall with weight 30 %v, want at least balanced's (weight 5.5) %v", heavy, balanced)
	}
}

// TestWeightedTrainLoss checks that metrics.csv's train_loss is the
// weighted objective Σ r_i ℓ_i / Σ r_i, and the validation loss and the
// reported losses the unweighted mean: with full-batch gd, epoch 1's
// train_loss is the weighted loss of the initial weights.
func TestWeightedTrainLoss(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	train := writeTestFile(t, dir, "train.csv", blobsCSV(55, []int{20, 7, 4}, 2))
	p, res := fitTest(t, dir, fmt.Sprintf(`data: {train: %s, target: class, validation: 0.3}
model: {layers: [{units: 4, activation: tanh}, {activation: softmax}]}
train: {optimizer: gd, learning_rate: 0.1, epochs: 1, class_weight: {c0: 0.25, c2: 3}}
`, q(train)))
	m := initialModel(t, p)
	w := []float64{0.25, 1, 3}
	losses := func(ds *data.Dataset) (weighted, mean float64) {
		y, _ := Forward(m, ds.X, nil)
		var s, r float64
		for i, l := range ds.Labels {
			li := -math.Log(y.At(i, l))
			s += w[l] * li
			r += w[l]
			mean += li
		}
		return s / r, mean / float64(len(ds.Labels))
	}
	weighted, unweighted := losses(p.Train)
	if got := res.History[0].TrainLoss; math.Abs(got-weighted) > 1e-12*weighted {
		t.Errorf("train_loss of epoch 1 = %v, want the weighted loss of the initial weights %v (unweighted: %v)", got, weighted, unweighted)
	}
	m = res.Model
	_, val := losses(p.Val)
	if got := res.History[0].ValLoss; math.Abs(got-val) > 1e-12*val {
		t.Errorf("val_loss = %v, want the unweighted mean %v", got, val)
	}
	if got := float64(res.Val.Loss); math.Abs(got-val) > 1e-12*val {
		t.Errorf("validation loss in the report = %v, want the unweighted mean %v", got, val)
	}
}
