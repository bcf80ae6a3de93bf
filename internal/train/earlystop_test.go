package train

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/inputerr"
)

// earlyStopText is a seeded classification run whose validation loss goes
// on falling long after the validation accuracy has peaked.
func earlyStopText(train, es string) string {
	return fmt.Sprintf(`data: {train: %s, target: class, validation: 0.5}
model: {layers: [{units: 32, activation: tanh}, {activation: softmax}]}
train: {optimizer: adam, learning_rate: 0.01, batch_size: 0, epochs: 500, early_stopping: %s}
`, q(train), es)
}

// refStop runs early stopping by hand over the values of a metric by
// epoch, as INTERFACE.md defines it, and returns the epoch it stops after
// (0: it does not) and the best epoch.
func refStop(values []float64, lower bool, patience int, minDelta float64) (stop, best int) {
	bestV := math.Inf(-1)
	if lower {
		bestV = math.Inf(1)
	}
	for i, v := range values {
		e := i + 1
		if (lower && v < bestV-minDelta) || (!lower && v > bestV+minDelta) {
			bestV, best = v, e
		} else if e-best >= patience {
			return e, best
		}
	}
	return 0, best
}

// TestEarlyStoppingMetric stops the same seeded run on val_loss, on
// accuracy and on roc_auc: each stops where early stopping over that
// metric's values says, accuracy long before val_loss, and best_epoch
// and the weights kept follow the chosen metric.
func TestEarlyStoppingMetric(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	train := writeTestFile(t, dir, "train.csv", blobsCSV(61, []int{40, 40}, 2.5))
	const patience = 5
	p, byLoss := fitTest(t, dir, earlyStopText(train, "{patience: 5}"))
	_, byAcc := fitTest(t, dir, earlyStopText(train, "{patience: 5, metric: accuracy}"))
	for _, r := range []*Result{byLoss, byAcc} {
		if r.Stopped != StopEarlyStopping {
			t.Fatalf("stopped %q after %d epochs, want early stopping", r.Stopped, len(r.History))
		}
	}
	var losses, accs []float64
	for _, s := range byLoss.History {
		losses, accs = append(losses, s.ValLoss), append(accs, s.ValAcc)
	}
	// The accuracy run is the loss run's prefix: same seed, same steps.
	for i, s := range byAcc.History {
		if s.ValAcc != accs[i] || s.ValLoss != losses[i] {
			t.Fatalf("epoch %d differs between the runs", i+1)
		}
	}
	stop, best := refStop(losses, true, patience, 0)
	if len(byLoss.History) != stop || byLoss.BestEpoch != best {
		t.Errorf("on val_loss: stopped after %d epochs, best %d; want %d, %d", len(byLoss.History), byLoss.BestEpoch, stop, best)
	}
	stop, best = refStop(accs, false, patience, 0)
	if len(byAcc.History) != stop || byAcc.BestEpoch != best {
		t.Errorf("on accuracy: stopped after %d epochs, best %d; want %d, %d", len(byAcc.History), byAcc.BestEpoch, stop, best)
	}
	if byAcc.BestEpoch >= byLoss.BestEpoch || len(byAcc.History) >= len(byLoss.History) {
		t.Errorf("on accuracy stopped after %d epochs (best %d), on val_loss after %d (best %d): want accuracy first",
			len(byAcc.History), byAcc.BestEpoch, len(byLoss.History), byLoss.BestEpoch)
	}
	// The weights kept are the best epoch's: its accuracy, and those of a
	// run of that many epochs.
	if got, want := float64(*byAcc.Val.Accuracy), accs[byAcc.BestEpoch-1]; got != want {
		t.Errorf("validation accuracy of the model kept = %v, want the best epoch's %v", got, want)
	}
	_, short := fitTest(t, dir, strings.Replace(earlyStopText(train, "{patience: 0}"), "epochs: 500", fmt.Sprintf("epochs: %d", byAcc.BestEpoch), 1))
	if !sameWeights(byAcc.Model, short.Model) {
		t.Errorf("the weights kept differ from those of a %d-epoch run", byAcc.BestEpoch)
	}

	// roc_auc, computed each epoch: its values come from the models
	// after each epoch, which runs of 1, 2, ... epochs end with.
	_, byAUC := fitTest(t, dir, earlyStopText(train, "{patience: 5, metric: roc_auc}"))
	var aucs []float64
	for e := 1; e <= len(byAUC.History); e++ {
		_, r := fitTest(t, dir, strings.Replace(earlyStopText(train, "{patience: 0}"), "epochs: 500", fmt.Sprintf("epochs: %d", e), 1))
		vm, err := Score(r.Model, p.Val, p.Classes)
		if err != nil {
			t.Fatal(err)
		}
		aucs = append(aucs, float64(*vm.ROCAUC))
	}
	stop, best = refStop(aucs, false, patience, 0)
	if len(byAUC.History) != stop || byAUC.BestEpoch != best {
		t.Errorf("on roc_auc: stopped after %d epochs, best %d; want %d, %d (roc_auc by epoch %v)", len(byAUC.History), byAUC.BestEpoch, stop, best, aucs)
	}
	if got := float64(*byAUC.Val.ROCAUC); got != aucs[byAUC.BestEpoch-1] {
		t.Errorf("roc_auc of the model kept = %v, want the best epoch's %v", got, aucs[byAUC.BestEpoch-1])
	}
}

// TestEarlyStoppingMinDelta checks that an improvement must exceed
// min_delta, measured from the best value so far, not the last.
func TestEarlyStoppingMinDelta(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		metric          string
		minDelta        float64
		best, v         float64
		wantImprovement bool
	}{
		{"val_loss", 0, 0.5, 0.5, false},
		{"val_loss", 0, 0.5, math.Nextafter(0.5, 0), true},
		{"val_loss", 0.25, 0.5, 0.25, false}, // by exactly min_delta: not more
		{"val_loss", 0.25, 0.5, math.Nextafter(0.25, 0), true},
		{"val_loss", 0, math.Inf(1), 1e300, true},
		{"val_loss", 0, math.Inf(1), math.NaN(), false},
		{"accuracy", 0, 0.5, 0.5, false},
		{"accuracy", 0.25, 0.5, 0.75, false},
		{"accuracy", 0.25, 0.5, math.Nextafter(0.75, 1), true},
		{"r2", 0.1, math.Inf(-1), -1e300, true},
		{"pr_auc", 0, math.Inf(-1), math.NaN(), false},
		{"roc_auc", 0.01, 0.9, 0.905, false},
	} {
		es := config.EarlyStopping{Patience: 1, Metric: tc.metric, MinDelta: tc.minDelta}
		if got := improved(es, tc.v, tc.best); got != tc.wantImprovement {
			t.Errorf("improved(%+v, %v, best %v) = %v, want %v", es, tc.v, tc.best, got, tc.wantImprovement)
		}
	}

	dir := t.TempDir()
	train := writeTestFile(t, dir, "train.csv", blobsCSV(61, []int{40, 40}, 2.5))
	_, ref := fitTest(t, dir, earlyStopText(train, "{patience: 0}"))
	var losses []float64
	for _, s := range ref.History[:60] {
		losses = append(losses, s.ValLoss)
	}
	for _, d := range []float64{0, 0.01, 0.05, 1} {
		_, r := fitTest(t, dir, earlyStopText(train, fmt.Sprintf("{patience: 5, min_delta: %v}", d)))
		stop, best := refStop(losses, true, 5, d)
		if len(r.History) != stop || r.BestEpoch != best {
			t.Errorf("min_delta %v: stopped after %d epochs, best %d; want %d, %d", d, len(r.History), r.BestEpoch, stop, best)
		}
	}
	// The cases differ: min_delta 0.01 stops before 0, and 1 right
	// after the patience.
	s0, _ := refStop(losses, true, 5, 0)
	s1, _ := refStop(losses, true, 5, 0.01)
	if s0 <= 6 || s1 >= s0 {
		t.Errorf("min_delta 0 stops after %d epochs, 0.01 after %d: the test needs a run where 0.01 stops earlier", s0, s1)
	}
	if s, b := refStop(losses, true, 5, 1); s != 6 || b != 1 {
		t.Errorf("with min_delta 1 the run stops after %d epochs, best %d; want 6, 1", s, b)
	}
}

// TestEarlyStoppingR2 stops a regression on the validation R².
func TestEarlyStoppingR2(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(16, 1))
	var b strings.Builder
	b.WriteString("x1,x2,y\n")
	for range 24 {
		x1, x2 := rng.NormFloat64(), rng.NormFloat64()
		fmt.Fprintf(&b, "%g,%g,%g\n", x1, x2, x1-x2+rng.NormFloat64())
	}
	path := writeTestFile(t, dir, "noise.csv", b.String())
	text := func(epochs int, es string) string {
		return fmt.Sprintf(`data: {train: %s, target: y, validation: 0.5}
model: {layers: [{units: 32, activation: tanh}, {units: 32, activation: tanh}, {activation: identity}], loss: squared_error}
train: {optimizer: adam, learning_rate: 0.01, batch_size: 0, epochs: %d, early_stopping: %s}
`, q(path), epochs, es)
	}
	p, res := fitTest(t, dir, text(300, "{patience: 4, metric: r2}"))
	if res.Stopped != StopEarlyStopping {
		t.Fatalf("stopped %q after %d epochs, want early stopping", res.Stopped, len(res.History))
	}
	var r2 []float64
	for e := 1; e <= len(res.History); e++ {
		_, r := fitTest(t, dir, text(e, "{patience: 0}"))
		vm, err := Score(r.Model, p.Val, nil)
		if err != nil {
			t.Fatal(err)
		}
		r2 = append(r2, float64(*vm.R2))
	}
	stop, best := refStop(r2, false, 4, 0)
	if len(res.History) != stop || res.BestEpoch != best {
		t.Errorf("on r2: stopped after %d epochs, best %d; want %d, %d (r2 by epoch %v)", len(res.History), res.BestEpoch, stop, best, r2)
	}
}

// TestEarlyStoppingWithoutValidation keeps today's behaviour: without
// validation data early stopping is off, whatever its metric.
func TestEarlyStoppingWithoutValidation(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	train := writeTestFile(t, dir, "train.csv", blobsCSV(61, []int{40, 40}, 2.5))
	text := strings.Replace(strings.Replace(earlyStopText(train, "{patience: 2, metric: accuracy}"), "validation: 0.5", "validation: 0", 1), "epochs: 500", "epochs: 30", 1)
	_, res := fitTest(t, dir, text)
	if res.Stopped != StopCompleted || len(res.History) != 30 || res.BestEpoch != 30 {
		t.Errorf("without validation: stopped %q after %d epochs, best %d; want completed after 30", res.Stopped, len(res.History), res.BestEpoch)
	}
}

// TestEarlyStoppingUndefinedAUC refuses early stopping on roc_auc or
// pr_auc when the validation data holds one class.
func TestEarlyStoppingUndefinedAUC(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	train := writeTestFile(t, dir, "train.csv", blobsCSV(62, []int{10, 10}, 1))
	val := writeTestFile(t, dir, "val.csv", "x1,x2,class\n0,0,c0\n1,1,c0\n")
	for _, metric := range []string{"roc_auc", "pr_auc"} {
		cfg := parseTestConfig(t, dir, fmt.Sprintf("data: {train: %s, target: class, validation: %s}\nmodel: {layers: [{activation: softmax}]}\ntrain:\n  early_stopping: {patience: 2, metric: %s}\n",
			q(train), q(val), metric))
		p, err := Prepare(cfg)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Fit(t.Context(), p, FitOptions{})
		var e *inputerr.Error
		if !errors.As(err, &e) || e.Key != "train.early_stopping.metric" || e.Line != 4 || e.Column != 41 ||
			e.Err.Error() != metric+" is undefined: the validation data holds 1 class" {
			t.Errorf("early stopping on %s with one validation class: error %v, want an *inputerr.Error at 4:41 naming train.early_stopping.metric", metric, err)
		}
	}
}
