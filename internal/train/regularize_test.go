package train

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/gradcheck"
	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/mlptrain/mlptrain/internal/layers"
)

// regModel is a model section with dropout and batch normalization, for
// the tests of this file.
const regModel = "model: {input_dropout: 0.1, layers: [{units: 8, activation: tanh, batch_norm: true, dropout: 0.3}, {units: 5, activation: relu, dropout: 0.5}, {activation: softmax}]}\n"

// TestResumeIsExactRegularized interrupts runs with dropout and batch
// normalization in the middle of epochs and resumes them: the run folder
// equals an uninterrupted run's (model.json byte for byte, metrics.csv
// apart from seconds), which needs the dropout masks' stream and the
// running averages in the checkpoint.
func TestResumeIsExactRegularized(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	train := writeTestFile(t, dir, "train.csv", blobsCSV(41, []int{15, 13, 17}, 2.5))
	for _, tc := range []struct {
		name, model, train string
		stops              []stopAt
	}{
		{"dropout sgd", "model: {layers: [{units: 6, activation: tanh, dropout: 0.5}, {activation: softmax}]}\n",
			"{optimizer: sgd, learning_rate: 0.1, batch_size: 8, epochs: 5}", []stopAt{{2, 3}}},
		{"batch_norm momentum", "model: {layers: [{units: 6, activation: relu, batch_norm: true}, {activation: softmax}]}\n",
			"{optimizer: momentum, learning_rate: 0.05, batch_size: 10, epochs: 5}", []stopAt{{1, 2}, {3, 1}}},
		{"both adam early stopping", regModel,
			"{optimizer: adam, learning_rate: 0.05, batch_size: 8, epochs: 30, early_stopping: {patience: 2}}", []stopAt{{2, 2}, {3, 4}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			text := fmt.Sprintf("data: {train: %s, target: class, validation: 0.2}\n%strain: %s\n", q(train), tc.model, tc.train)
			sub := t.TempDir()
			whole := fitUntil(t, text, filepath.Join(sub, "whole"), false, stopAt{})
			out := filepath.Join(sub, "parts")
			for i, at := range tc.stops {
				if run := fitUntil(t, text, out, i > 0, at); run.Report.Stopped != StopInterrupted {
					t.Fatalf("run stopped %q, want interrupted at %v", run.Report.Stopped, at)
				}
			}
			last := fitUntil(t, text, out, true, stopAt{})
			if last.Report.Stopped != whole.Report.Stopped || last.Report.BestEpoch != whole.Report.BestEpoch {
				t.Errorf("resumed run: stopped %q at best epoch %d, whole run %q at %d",
					last.Report.Stopped, last.Report.BestEpoch, whole.Report.Stopped, whole.Report.BestEpoch)
			}
			if mustRead(t, filepath.Join(out, "model.json")) != mustRead(t, filepath.Join(sub, "whole", "model.json")) {
				t.Errorf("model.json of the resumed run differs from the uninterrupted run's")
			}
			if a, b := withoutSeconds(t, filepath.Join(out, "metrics.csv")), withoutSeconds(t, filepath.Join(sub, "whole", "metrics.csv")); a != b {
				t.Errorf("metrics.csv differs apart from seconds:\nresumed:\n%s\nwhole:\n%s", a, b)
			}
		})
	}
}

// TestRegularizedFit trains with dropout and batch normalization, and
// checks that the run is reproducible and independent of the thread
// count, that evaluation is deterministic and has no dropout (the model
// with its rates set to 0 predicts the same), and that model.json keeps
// the batch normalization (version 3) with its running averages.
func TestRegularizedFit(t *testing.T) {
	dir := t.TempDir()
	train := writeTestFile(t, dir, "train.csv", blobsCSV(43, []int{20, 22, 18}, 2))
	text := func(threads int) string {
		return fmt.Sprintf("data: {train: %s, target: class, validation: 0.25}\n%strain: {optimizer: adam, learning_rate: 0.05, batch_size: 9, epochs: 8, threads: %d}\n",
			q(train), regModel, threads)
	}
	p, res := fitTest(t, dir, text(1))
	if runtime.NumCPU() > 1 {
		_, res4 := fitTest(t, dir, text(4))
		if !sameWeights(res.Model, res4.Model) || WeightsSHA256(res.Model) != WeightsSHA256(res4.Model) {
			t.Errorf("1 and 4 threads give different models")
		}
	}
	m := res.Model
	if m.Layers[0].BN == nil || m.Layers[1].BN != nil || m.InputDropout != 0.1 || m.Layers[1].Dropout != 0.5 {
		t.Fatalf("model layers %+v, %+v, input dropout %v: not the config's", m.Layers[0], m.Layers[1], m.InputDropout)
	}
	if mv := raw(m.Layers[0].BN.Mean); allZero(mv) {
		t.Errorf("running mean %v: never updated", mv)
	}
	for _, n := range m.Build(4, 0).G.Nodes() {
		if strings.HasPrefix(n.Op(), "dropout") || n.Op() == "batchnorm" {
			t.Errorf("evaluation graph has node %s (%s)", n.Name(), n.Op())
		}
	}
	a, err := Score(m, p.Val, p.Classes)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Score(m, p.Val, p.Classes)
	if a.Loss != b.Loss {
		t.Errorf("scoring twice gives losses %v and %v", a.Loss, b.Loss)
	}
	// The rates only matter in training: without them, the same scores.
	plain := *m
	plain.InputDropout = 0
	plain.Layers = append([]layers.Layer(nil), m.Layers...)
	for i := range plain.Layers {
		plain.Layers[i].Dropout = 0
	}
	if c, _ := Score(&plain, p.Val, p.Classes); c.Loss != a.Loss {
		t.Errorf("the model without dropout scores %v, with %v", c.Loss, a.Loss)
	}

	path := filepath.Join(dir, "model.json")
	if err := WriteModel(path, p.Saved(m)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(mustRead(t, path), `"version": 3`) {
		t.Errorf("model.json of a model with batch normalization is not version 3")
	}
	s, err := LoadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	if WeightsSHA256(s.Model) != WeightsSHA256(m) || s.Model.Layers[0].BN == nil {
		t.Errorf("model.json does not round-trip the batch normalization")
	}
	if c, _ := Score(s.Model, p.Val, p.Classes); c.Loss != a.Loss {
		t.Errorf("the loaded model scores %v, the trained one %v", c.Loss, a.Loss)
	}
}

func allZero(v []float64) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}

func raw(m interface{ RawRowView(int) []float64 }) []float64 { return m.RawRowView(0) }

// TestEvalByRunningAverages checks a trained layer's evaluation against a
// hand computation with its running averages: z = xW, then
// γ(z − mean)/√(var + ε) + β.
func TestEvalByRunningAverages(t *testing.T) {
	dir := t.TempDir()
	train := writeTestFile(t, dir, "train.csv", blobsCSV(44, []int{12, 12}, 2))
	_, res := fitTest(t, dir, fmt.Sprintf("data: {train: %s, target: class, validation: 0}\nmodel: {layers: [{units: 3, activation: identity, batch_norm: true}, {activation: softmax}]}\ntrain: {batch_size: 6, epochs: 3}\n", q(train)))
	m := res.Model
	net := m.Build(1, 0)
	x := []float64{0.7, -1.3}
	copy(net.X.Value().RawRowView(0), x)
	net.G.Forward()
	l, bn := m.Layers[0], m.Layers[0].BN
	h := net.G.Nodes()
	var got []float64
	for _, n := range h {
		if n.Name() == "h1" {
			got = n.Value().RawRowView(0)
		}
	}
	for j := range 3 {
		z := x[0]*l.W.At(0, j) + x[1]*l.W.At(1, j)
		want := bn.Gamma.At(0, j)*(z-bn.Mean.At(0, j))/math.Sqrt(bn.Var.At(0, j)+1e-5) + bn.Beta.At(0, j)
		if math.Abs(got[j]-want) > 1e-12 {
			t.Errorf("h1[%d] = %v, want %v", j, got[j], want)
		}
	}
}

// TestBatchNormRefusesBatchOfOne checks the positioned errors for a
// training batch of one row with batch normalization.
func TestBatchNormRefusesBatchOfOne(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	train := writeTestFile(t, dir, "train.csv", blobsCSV(45, []int{20, 17}, 2)) // 37 rows
	for _, tc := range []struct{ batch, msg, hint string }{
		{"1", "got batch size 1", "such as 5"},
		{"4", "the last batch of each epoch holds 1 row", "such as 5"},
		{"12", "the last batch of each epoch holds 1 row", "such as 13"},
	} {
		p := prepareTest(t, dir, fmt.Sprintf("data: {train: %s, target: class, validation: 0}\nmodel: {layers: [{units: 3, activation: relu, batch_norm: true}, {activation: softmax}]}\ntrain: {batch_size: %s}\n", q(train), tc.batch))
		_, err := Fit(t.Context(), p, FitOptions{})
		var ie *inputerr.Error
		if !errors.As(err, &ie) || ie.Key != "train.batch_size" || !strings.Contains(err.Error(), tc.msg) || !strings.Contains(ie.Hint, tc.hint) {
			t.Errorf("batch size %s: error %v, want one at train.batch_size saying %q with a hint %q", tc.batch, err, tc.msg, tc.hint)
		}
	}
}

// TestGradCheckRegularized runs the gradient and HVP checks on a config
// with dropout and batch normalization.
func TestGradCheckRegularized(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	train := writeTestFile(t, dir, "train.csv", blobsCSV(46, []int{10, 12, 9}, 2))
	cfg := parseTestConfig(t, dir, fmt.Sprintf("data: {train: %s, target: class, validation: 0}\n%s", q(train), regModel))
	rep, err := GradCheck(cfg, CheckOptions{Options: gradcheck.Options{HVP: true, Entries: -1}, Rows: 12})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Pass || rep.HVP == nil || !rep.HVP.Pass {
		t.Errorf("gradcheck failed: %+v, HVP %+v", rep.Params, rep.HVP)
	}
	net, _, err := Point(cfg, CheckOptions{Rows: 12})
	if err != nil {
		t.Fatal(err)
	}
	var masks int
	for _, n := range net.G.Nodes() {
		if strings.HasPrefix(n.Name(), "mask") {
			masks++
		}
	}
	if masks != 3 {
		t.Errorf("the checked graph has %d dropout masks, want 3", masks)
	}
}
