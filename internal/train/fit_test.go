package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/layers"
	"gonum.org/v1/gonum/mat"
)

// fitTest prepares the config text and fits it, failing on any error
// other than divergence.
func fitTest(t *testing.T, dir, text string) (*Problem, *Result) {
	t.Helper()
	p := prepareTest(t, dir, text)
	res, err := Fit(t.Context(), p, FitOptions{})
	if err != nil {
		t.Fatalf("Fit: %v", err)
	}
	return p, res
}

// sameBits reports whether a and b hold bit-identical numbers.
func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// sameWeights reports whether two models hold bit-identical parameters.
func sameWeights(a, b *layers.Model) bool {
	if len(a.Layers) != len(b.Layers) {
		return false
	}
	for i := range a.Layers {
		if !sameBits(a.Layers[i].W.RawMatrix().Data, b.Layers[i].W.RawMatrix().Data) ||
			!sameBits(a.Layers[i].B.RawMatrix().Data, b.Layers[i].B.RawMatrix().Data) {
			return false
		}
	}
	return true
}

// allFinite reports whether every parameter of m is finite.
func allFinite(m *layers.Model) bool {
	for _, w := range params(m) {
		for _, v := range w.RawMatrix().Data {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return false
			}
		}
	}
	return true
}

// initialModel returns the model Fit starts from for p: the config's seeded
// initialization (stream 1), then the explicit weights if any.
func initialModel(t *testing.T, p *Problem) *layers.Model {
	t.Helper()
	m, err := layers.New(p.Spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Init(p.Config.Model.Init, rand.New(rand.NewPCG(p.Config.Train.Seed, streamInit))); err != nil {
		t.Fatal(err)
	}
	if p.Weights != nil {
		if err := m.SetWeights(p.Weights); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

func TestFitSeparable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, layers, loss, optimizer string }{
		{"softmax adam", "[{units: 4, activation: tanh}, {activation: softmax}]", "cross_entropy", "adam"},
		{"softmax sgd", "[{activation: softmax}]", "cross_entropy", "sgd"},
		{"logistic momentum", "[{units: 3, activation: relu}, {activation: logistic}]", "binary_cross_entropy", "momentum"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := writeTestFile(t, dir, "train.csv", blobsCSV(11, []int{40, 40}, 0.8))
			_, res := fitTest(t, dir, fmt.Sprintf(`data: {train: %s, target: class, validation: 0.25}
model: {layers: %s, loss: %s}
train: {optimizer: %s, learning_rate: 0.05, batch_size: 16, epochs: 40}
`, q(path), tc.layers, tc.loss, tc.optimizer))
			if res.Stopped != StopCompleted || len(res.History) != 40 || res.BestEpoch != 40 {
				t.Errorf("stopped %q after %d epochs, best %d; want completed, 40, 40", res.Stopped, len(res.History), res.BestEpoch)
			}
			if res.Train.Accuracy == nil || *res.Train.Accuracy != 1 {
				t.Errorf("training accuracy %v, want 1", res.Train.Accuracy)
			}
			if res.Val == nil || res.Val.Accuracy == nil || *res.Val.Accuracy != 1 {
				t.Errorf("validation metrics %+v, want accuracy 1", res.Val)
			}
			if last := res.History[len(res.History)-1]; last.TrainAcc != 1 || last.ValAcc != 1 {
				t.Errorf("last epoch %+v, want accuracies 1", last)
			}
		})
	}
}

func TestFitDeterministic(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := writeTestFile(t, dir, "train.csv", blobsCSV(12, []int{30, 20, 25}, 1.5))
	cfg := func(seed int) string {
		return fmt.Sprintf(`data: {train: %s, target: class, validation: 0.2}
model: {layers: [{units: 8, activation: tanh}, {activation: softmax}]}
train: {optimizer: momentum, learning_rate: 0.02, batch_size: 7, epochs: 15, seed: %d, early_stopping: {patience: 3}}
`, q(path), seed)
	}
	_, a := fitTest(t, dir, cfg(5))
	_, b := fitTest(t, dir, cfg(5))
	_, c := fitTest(t, dir, cfg(6))
	if !sameWeights(a.Model, b.Model) {
		t.Error("the same config and seed gave different weights")
	}
	if WeightsSHA256(a.Model) != WeightsSHA256(b.Model) {
		t.Error("the same config and seed gave different weight hashes")
	}
	if a.Stopped != b.Stopped || a.BestEpoch != b.BestEpoch || len(a.History) != len(b.History) {
		t.Fatalf("runs stopped %q at %d (best %d) and %q at %d (best %d)", a.Stopped, len(a.History), a.BestEpoch, b.Stopped, len(b.History), b.BestEpoch)
	}
	for i := range a.History {
		ha, hb := a.History[i], b.History[i]
		ha.Seconds, hb.Seconds = 0, 0
		if !sameBits([]float64{float64(ha.Epoch), ha.TrainLoss, ha.ValLoss, ha.TrainAcc, ha.ValAcc},
			[]float64{float64(hb.Epoch), hb.TrainLoss, hb.ValLoss, hb.TrainAcc, hb.ValAcc}) {
			t.Errorf("epoch %d: %+v, then %+v", i+1, ha, hb)
		}
	}
	if sameWeights(a.Model, c.Model) || WeightsSHA256(a.Model) == WeightsSHA256(c.Model) {
		t.Error("seeds 5 and 6 gave the same weights")
	}
}

func TestFitOptimizersLowerLoss(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		optimizer string
		lr        float64
	}{
		{"gd", 0.1},
		{"sgd", 0.05},
		{"momentum", 0.01},
		{"adam", 0.01},
	} {
		t.Run(tc.optimizer, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := writeTestFile(t, dir, "train.csv", regressionCSV(13, 64, 2, 0.05))
			p, res := fitTest(t, dir, fmt.Sprintf(`data: {train: %s, target: y, validation: 0}
model: {layers: [{units: 8, activation: tanh}, {activation: identity}], loss: squared_error}
train: {optimizer: %s, learning_rate: %g, batch_size: 16, epochs: 30}
`, q(path), tc.optimizer, tc.lr))
			start, err := Score(initialModel(t, p), p.Train, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("training loss %v, from %v", res.Train.Loss, start.Loss)
			if got, was := float64(res.Train.Loss), float64(start.Loss); !(got < was/4) {
				t.Errorf("training loss %v after 30 epochs, was %v: want it below a quarter", got, was)
			}
			first, last := res.History[0].TrainLoss, res.History[len(res.History)-1].TrainLoss
			if !(last < first) {
				t.Errorf("train_loss went from %v to %v", first, last)
			}
			for _, s := range res.History {
				if !math.IsNaN(s.ValLoss) || !math.IsNaN(s.TrainAcc) || !math.IsNaN(s.ValAcc) {
					t.Errorf("epoch %d: %+v, want NaN validation loss and accuracies for a regression without validation", s.Epoch, s)
				}
			}
		})
	}
}

// TestFitRemainderBatch trains on 10 rows in batches of 4, 4 and 2.
func TestFitRemainderBatch(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// One row far off makes the batches' losses very unequal, so a plain
	// mean of the three batch losses would differ from the row mean.
	path := writeTestFile(t, dir, "train.csv", regressionCSV(14, 9, 1, 0.1)+"0.5,5,40\n")
	cfg := func(lr float64, epochs int) string {
		return fmt.Sprintf(`data: {train: %s, target: y, validation: 0}
model: {layers: [{units: 3, activation: tanh}, {activation: identity}], loss: squared_error}
train: {optimizer: sgd, learning_rate: %g, batch_size: 4, epochs: %d}
`, q(path), lr, epochs)
	}

	t.Run("train_loss is the row-weighted mean", func(t *testing.T) {
		t.Parallel()
		// A step of 1e-300 leaves the weights as they were, so every batch
		// loss is the initial model's and their row-weighted mean is its
		// loss on the whole training set.
		p, res := fitTest(t, dir, cfg(1e-300, 1))
		start, err := Score(initialModel(t, p), p.Train, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := res.History[0].TrainLoss, float64(start.Loss); relErr(got, want) > statTol {
			t.Errorf("train_loss %v, want the row-weighted mean %v", got, want)
		}
	})
	t.Run("trains", func(t *testing.T) {
		t.Parallel()
		_, res := fitTest(t, dir, cfg(0.02, 25))
		if len(res.History) != 25 || res.Stopped != StopCompleted {
			t.Fatalf("%d epochs, stopped %q; want 25, completed", len(res.History), res.Stopped)
		}
		if first, last := res.History[0].TrainLoss, res.History[24].TrainLoss; !(last < first) {
			t.Errorf("train_loss went from %v to %v", first, last)
		}
		if res.Train.N != 10 {
			t.Errorf("training metrics over %d rows, want 10", res.Train.N)
		}
	})
}

// TestFitEarlyStopping overfits pure noise with a wide network, so the
// validation loss soon rises.
func TestFitEarlyStopping(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(15, 1))
	var b strings.Builder
	b.WriteString("x1,x2,y\n")
	for range 16 {
		fmt.Fprintf(&b, "%g,%g,%g\n", rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64())
	}
	path := writeTestFile(t, dir, "noise.csv", b.String())
	cfg := func(epochs, patience int) string {
		return fmt.Sprintf(`data: {train: %s, target: y, validation: 0.5}
model: {layers: [{units: 64, activation: tanh}, {units: 64, activation: tanh}, {activation: identity}], loss: squared_error}
train: {optimizer: adam, learning_rate: 0.01, batch_size: 0, epochs: %d, early_stopping: {patience: %d}}
`, q(path), epochs, patience)
	}
	p, res := fitTest(t, dir, cfg(2000, 5))
	t.Logf("stopped %q after %d epochs, best %d", res.Stopped, len(res.History), res.BestEpoch)
	if res.Stopped != StopEarlyStopping {
		t.Fatalf("stopped %q after %d epochs, want %q", res.Stopped, len(res.History), StopEarlyStopping)
	}
	if !(res.BestEpoch >= 1 && res.BestEpoch < len(res.History)) {
		t.Errorf("best epoch %d of %d run, want one before the last", res.BestEpoch, len(res.History))
	}
	if got, want := len(res.History)-res.BestEpoch, 5; got != want {
		t.Errorf("stopped %d epochs after the best, want the patience %d", got, want)
	}
	best := math.Inf(1)
	for _, s := range res.History {
		best = min(best, s.ValLoss)
	}
	if got := res.History[res.BestEpoch-1].ValLoss; got != best {
		t.Errorf("best epoch %d has validation loss %v, want the minimum %v", res.BestEpoch, got, best)
	}
	// The best weights are restored.
	if res.Val == nil || float64(res.Val.Loss) != best {
		t.Errorf("the returned model's validation loss is %v, want the minimum %v", res.Val, best)
	}
	vm, err := Score(res.Model, p.Val, nil)
	if err != nil {
		t.Fatal(err)
	}
	if float64(vm.Loss) != best {
		t.Errorf("Score of the returned model on validation = %v, want %v", vm.Loss, best)
	}
	// They are the weights a run of exactly BestEpoch epochs ends with.
	_, short := fitTest(t, dir, cfg(res.BestEpoch, 0))
	if !sameWeights(res.Model, short.Model) {
		t.Errorf("the returned weights differ from those of a %d-epoch run", res.BestEpoch)
	}
}

func TestFitDiverged(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, optimizer string
		lr              float64
		batch           int
	}{
		{"gd", "gd", 1e6, 0},
		{"sgd minibatch", "sgd", 1e6, 8},
		{"momentum", "momentum", 3e5, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := writeTestFile(t, dir, "train.csv", regressionCSV(16, 40, 1000, 1))
			_, res := fitTest(t, dir, fmt.Sprintf(`data: {train: %s, target: y, validation: 0.2}
model: {layers: [{units: 4, activation: relu}, {activation: identity}], loss: squared_error}
train: {optimizer: %s, learning_rate: %g, batch_size: %d, epochs: 1000}
`, q(path), tc.optimizer, tc.lr, tc.batch))
			if res.Stopped != StopDiverged {
				t.Fatalf("stopped %q after %d epochs, want %q", res.Stopped, len(res.History), StopDiverged)
			}
			t.Logf("%v", res.Err)
			if !errors.Is(res.Err, ErrDiverged) || !IsDiverged(res.Err) {
				t.Errorf("Result.Err = %v, want one wrapping ErrDiverged", res.Err)
			}
			var de *DivergedError
			if !errors.As(res.Err, &de) {
				t.Fatalf("Result.Err = %T, want a *DivergedError", res.Err)
			}
			if want := "--lr " + strconv.FormatFloat(tc.lr/10, 'g', -1, 64); !strings.Contains(res.Err.Error(), want) {
				t.Errorf("error %q does not suggest %q", res.Err, want)
			}
			if de.Epoch < 1 || de.Step < 1 || de.Epoch > len(res.History)+1 {
				t.Errorf("diverged at epoch %d, step %d after %d epochs", de.Epoch, de.Step, len(res.History))
			}
			if !allFinite(res.Model) {
				t.Error("the returned model holds non-finite weights")
			}
			if res.BestEpoch != len(res.History) {
				t.Errorf("best epoch %d, want the last finished epoch %d", res.BestEpoch, len(res.History))
			}
			for _, s := range res.History {
				if math.IsNaN(s.TrainLoss) || math.IsInf(s.TrainLoss, 0) {
					t.Errorf("epoch %d in the history has loss %v", s.Epoch, s.TrainLoss)
				}
			}
		})
	}
}

func TestFitInterrupted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := writeTestFile(t, dir, "train.csv", blobsCSV(17, []int{20, 20}, 1))
	p := prepareTest(t, dir, fmt.Sprintf(`data: {train: %s, target: class, validation: 0.2}
model: {layers: [{units: 4, activation: tanh}, {activation: softmax}]}
train: {batch_size: 8, epochs: 100}
`, q(path)))

	t.Run("before the first step", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		res, err := Fit(ctx, p, FitOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Stopped != StopInterrupted || len(res.History) != 0 || res.Err != nil {
			t.Errorf("stopped %q after %d epochs, error %v; want interrupted, 0, nil", res.Stopped, len(res.History), res.Err)
		}
		if res.Train.N != p.Train.Len() {
			t.Errorf("training metrics over %d rows, want %d", res.Train.N, p.Train.Len())
		}
	})
	t.Run("after three epochs", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		var calls []int
		res, err := Fit(ctx, p, FitOptions{Progress: func(s EpochStats, epochs int) {
			calls = append(calls, s.Epoch)
			if epochs != 100 {
				t.Errorf("Progress got %d epochs, want 100", epochs)
			}
			if s.Epoch == 3 {
				cancel()
			}
		}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Stopped != StopInterrupted || len(res.History) != 3 || res.BestEpoch != 3 {
			t.Errorf("stopped %q after %d epochs (best %d), want interrupted after 3", res.Stopped, len(res.History), res.BestEpoch)
		}
		if fmt.Sprint(calls) != "[1 2 3]" {
			t.Errorf("Progress called for epochs %v, want [1 2 3]", calls)
		}
	})
}

// TestFitThreads is not parallel: train.threads sets GOMAXPROCS while Fit
// runs.
func TestFitThreads(t *testing.T) {
	dir := t.TempDir()
	path := writeTestFile(t, dir, "train.csv", blobsCSV(18, []int{10, 10}, 1))
	before := runtime.GOMAXPROCS(0)
	_, res := fitTest(t, dir, fmt.Sprintf(`data: {train: %s, target: class, validation: 0}
model: {layers: [{activation: softmax}]}
train: {epochs: 2, threads: 1}
`, q(path)))
	if res.Threads != 1 {
		t.Errorf("Result.Threads = %d, want 1", res.Threads)
	}
	if after := runtime.GOMAXPROCS(0); after != before {
		t.Errorf("GOMAXPROCS is %d after Fit, was %d", after, before)
	}
}

func TestWriteMetricsCSV(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	for _, tc := range []struct {
		name string
		hist []EpochStats
		want []string // the rows after the header, for the exact-text cases
	}{
		{"empty", nil, []string{}},
		{"regression", []EpochStats{
			{1, 0.5, nan, nan, nan, 0.25, 0.05},
			{2, 0.1, 0.2, nan, nan, 1e-7, 0.05},
		}, []string{"1,0.5,,,,0.25", "2,0.1,0.2,,,1e-07"}},
		{"classification", []EpochStats{
			{1, 1.0 / 3, 2.0 / 3, 0.75, 0.5, 0.001, 0.05},
		}, nil},
		{"awkward numbers", []EpochStats{
			{1, math.SmallestNonzeroFloat64, math.MaxFloat64, 1, 0, 123456789.123456789, 0.05},
			{2, 0.1 + 0.2, math.Copysign(0, -1), 1e-300, 1 - 1e-16, math.Inf(1), 0.05},
			{10, math.Nextafter(1, 2), 5e-324, 0.3, 0.7, 0, 0.05},
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "metrics.csv")
			if err := WriteMetricsCSV(path, tc.hist); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			text := string(b)
			if !strings.HasSuffix(text, "\n") {
				t.Errorf("metrics.csv does not end in a newline: %q", text)
			}
			lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
			if lines[0] != "epoch,train_loss,val_loss,train_accuracy,val_accuracy,seconds" {
				t.Errorf("header %q", lines[0])
			}
			rows := lines[1:]
			if len(rows) != len(tc.hist) {
				t.Fatalf("%d rows, want %d", len(rows), len(tc.hist))
			}
			if tc.want != nil && strings.Join(rows, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("rows\n%s\nwant\n%s", strings.Join(rows, "\n"), strings.Join(tc.want, "\n"))
			}
			for i, row := range rows {
				cells := strings.Split(row, ",")
				s := tc.hist[i]
				if len(cells) != 6 || cells[0] != strconv.Itoa(s.Epoch) {
					t.Fatalf("row %q, want 6 cells starting with epoch %d", row, s.Epoch)
				}
				for j, want := range []float64{s.TrainLoss, s.ValLoss, s.TrainAcc, s.ValAcc, s.Seconds} {
					cell := cells[j+1]
					if math.IsNaN(want) {
						if cell != "" {
							t.Errorf("row %d cell %d = %q, want empty for NaN", i+1, j+1, cell)
						}
						continue
					}
					got, err := strconv.ParseFloat(cell, 64)
					if err != nil || math.Float64bits(got) != math.Float64bits(want) {
						t.Errorf("row %d cell %d = %q, which reads as %v (%v), want %v exactly", i+1, j+1, cell, got, err, want)
					}
				}
			}
		})
	}
}

// TestGathererParallel checks that the parallel gather of a large
// minibatch copies the same rows as the serial one, at any thread count.
func TestGathererParallel(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	src := mat.NewDense(300, 784, nil)
	for i := range src.RawMatrix().Data {
		src.RawMatrix().Data[i] = rng.NormFloat64()
	}
	for _, procs := range []int{1, 2, 3} {
		prev := runtime.GOMAXPROCS(procs)
		for _, n := range []int{1, 83, 84, 128, 131} { // 84·784 ≥ parallelEntries
			idx := rng.Perm(300)[:n]
			want, got := mat.NewDense(n+2, 784, nil), mat.NewDense(n+2, 784, nil)
			gather(want, src, idx)
			var g gatherer
			g.gather(got, src, idx)
			if !mat.Equal(want, got) {
				t.Errorf("GOMAXPROCS %d, %d rows: the parallel gather differs", procs, n)
			}
		}
		runtime.GOMAXPROCS(prev)
	}
}
