package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/mlptrain/mlptrain/internal/vocab"
)

// stopAt is a point of a run: after the given step of the given epoch.
type stopAt struct{ epoch, step int }

// fitUntil runs FitConfig into out, resuming from its checkpoint when
// resume is set, and cancels the run after the step at (if not zero).
func fitUntil(t *testing.T, cfgText, out string, resume bool, at stopAt) *Run {
	t.Helper()
	cfg := parseTestConfig(t, filepath.Dir(out), cfgText+fmt.Sprintf("output: {dir: %s}\n", q(out)))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	o := FitOptions{afterStep: func(e, s int) {
		if e == at.epoch && s == at.step {
			cancel()
		}
	}}
	if resume {
		ck, err := LoadCheckpoint(filepath.Join(out, "checkpoint.json"))
		if err != nil {
			t.Fatal(err)
		}
		o.Resume = ck
	}
	run, err := FitConfig(ctx, cfg, o)
	if err != nil && !IsDiverged(err) {
		t.Fatal(err)
	}
	return run
}

// withoutSeconds drops the last column (seconds) of metrics.csv.
func withoutSeconds(t *testing.T, path string) string {
	t.Helper()
	lines := strings.Split(mustRead(t, path), "\n")
	for i, l := range lines {
		if k := strings.LastIndexByte(l, ','); k >= 0 {
			lines[i] = l[:k]
		}
	}
	return strings.Join(lines, "\n")
}

// TestResumeIsExact interrupts runs of every optimizer at several points,
// including twice in one run, in the middle of an epoch and at its end,
// resumes them, and compares the run folder with an uninterrupted run's:
// model.json byte for byte, metrics.csv apart from seconds.
func TestResumeIsExact(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	train := writeTestFile(t, dir, "train.csv", blobsCSV(41, []int{15, 13, 17}, 2.5))
	type resumeCase struct {
		name  string
		train string
		stops []stopAt
	}
	cases := []resumeCase{
		{"sgd", "{optimizer: sgd, learning_rate: 0.1, batch_size: 8, epochs: 6}", []stopAt{{2, 3}}},
		{"gd", "{optimizer: gd, learning_rate: 0.5, epochs: 7}", []stopAt{{3, 1}, {5, 1}}},
		{"momentum", "{optimizer: momentum, learning_rate: 0.05, momentum: 0.9, batch_size: 7, epochs: 6}", []stopAt{{1, 1}, {1, 2}, {4, 5}}},
		{"adam", "{optimizer: adam, learning_rate: 0.02, batch_size: 10, epochs: 6, l2: 0.01}", []stopAt{{2, 4}, {6, 1}}},
		{"adam early stopping", "{optimizer: adam, learning_rate: 0.2, batch_size: 4, epochs: 40, early_stopping: {patience: 3}}", []stopAt{{2, 2}, {3, 9}}},
		{"momentum class weights", "{optimizer: momentum, learning_rate: 0.05, batch_size: 7, epochs: 6, class_weight: balanced}", []stopAt{{1, 2}, {4, 5}}},
		{"adam class weights early stopping on accuracy", "{optimizer: adam, learning_rate: 0.2, batch_size: 4, epochs: 40, class_weight: {c0: 3, c2: 0.5}, early_stopping: {patience: 3, metric: accuracy}}", []stopAt{{2, 2}, {3, 9}}},
		{"sgd early stopping on pr_auc with min_delta", "{optimizer: sgd, learning_rate: 0.1, batch_size: 8, epochs: 40, early_stopping: {patience: 2, metric: pr_auc, min_delta: 0.001}}", []stopAt{{1, 3}, {2, 4}}},
		// After the last step of an epoch: the next epoch's order is
		// drawn but none of its steps is done.
		{"end of an epoch", "{optimizer: sgd, learning_rate: 0.1, batch_size: 9, epochs: 3}", []stopAt{{2, 4}}},
		// The plateau schedule's state (its rate, best loss and count) and
		// the count of clipped steps carry over.
		{"plateau schedule with clipping", "{optimizer: momentum, learning_rate: 0.3, batch_size: 6, epochs: 12, clip_norm: 0.5, schedule: {kind: plateau, gamma: 0.5, patience: 1, warmup_epochs: 1}}", []stopAt{{3, 2}, {7, 5}}},
		{"cosine with warmup", "{optimizer: adamw, weight_decay: 0.1, learning_rate: 0.05, batch_size: 8, epochs: 6, schedule: {kind: cosine, warmup_epochs: 2, min_lr: 0.001}}", []stopAt{{2, 3}, {4, 1}}},
		{"step", "{optimizer: nesterov, learning_rate: 0.05, batch_size: 8, epochs: 6, schedule: {kind: step, step_epochs: 2, gamma: 0.3}}", []stopAt{{3, 2}}},
	}
	// Every optimizer of the catalog, in the middle of an epoch at least.
	for _, name := range vocab.OptimizerNames() {
		if !slices.ContainsFunc(cases, func(c resumeCase) bool { return strings.Contains(c.train, "optimizer: "+name+",") }) {
			cases = append(cases, resumeCase{name, "{optimizer: " + name + ", learning_rate: 0.02, batch_size: 10, epochs: 4}", []stopAt{{2, 3}}})
		}
	}
	// And each case again in float32 (train.precision), whose optimizer
	// state and weights are float32 values.
	for _, c := range slices.Clone(cases) {
		cases = append(cases, resumeCase{c.name + " float32", strings.Replace(c.train, "{", "{precision: float32, ", 1), c.stops})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			text := fmt.Sprintf("data: {train: %s, target: class, validation: 0.2}\nmodel: {layers: [{units: 6, activation: tanh}, {activation: softmax}]}\ntrain: %s\n", q(train), tc.train)
			sub := t.TempDir()
			whole := fitUntil(t, text, filepath.Join(sub, "whole"), false, stopAt{})
			if want := map[bool]string{true: StopEarlyStopping, false: StopCompleted}[strings.Contains(tc.name, "early")]; whole.Report.Stopped != want {
				t.Fatalf("the uninterrupted run stopped %q, want %q", whole.Report.Stopped, want)
			}
			out := filepath.Join(sub, "parts")
			resume := false
			for _, at := range tc.stops {
				run := fitUntil(t, text, out, resume, at)
				if run.Report.Stopped != StopInterrupted {
					t.Fatalf("run stopped %q, want interrupted at %v", run.Report.Stopped, at)
				}
				// An interrupted run's model.json holds the last whole
				// epoch, as metrics.csv does.
				// (at.epoch itself when at.step was its last step).
				if got := run.Report.EpochsRun; got != at.epoch-1 && got != at.epoch {
					t.Errorf("interrupted at %v: epochs_run %d, want %d or %d", at, got, at.epoch-1, at.epoch)
				}
				resume = true
			}
			last := fitUntil(t, text, out, true, stopAt{})
			if last.Report.Stopped != whole.Report.Stopped || last.Report.BestEpoch != whole.Report.BestEpoch {
				t.Errorf("resumed run: stopped %q at best epoch %d, whole run %q at %d",
					last.Report.Stopped, last.Report.BestEpoch, whole.Report.Stopped, whole.Report.BestEpoch)
			}
			for _, f := range []string{"model.json"} {
				if mustRead(t, filepath.Join(out, f)) != mustRead(t, filepath.Join(sub, "whole", f)) {
					t.Errorf("%s of the resumed run differs from the uninterrupted run's", f)
				}
			}
			if a, b := withoutSeconds(t, filepath.Join(out, "metrics.csv")), withoutSeconds(t, filepath.Join(sub, "whole", "metrics.csv")); a != b {
				t.Errorf("metrics.csv differs apart from seconds:\nresumed:\n%s\nwhole:\n%s", a, b)
			}
			if last.Report.WeightsSHA256 != whole.Report.WeightsSHA256 {
				t.Error("weights_sha256 differs")
			}
			lr, wlr := last.Report.LearningRates, whole.Report.LearningRates
			if !slices.Equal(lr, wlr) || last.Report.Steps != whole.Report.Steps || last.Report.ClippedSteps != whole.Report.ClippedSteps {
				t.Errorf("resumed run: rates %v, %d steps, %d clipped; whole run %v, %d, %d", lr, last.Report.Steps, last.Report.ClippedSteps, wlr, whole.Report.Steps, whole.Report.ClippedSteps)
			}
			if strings.Contains(tc.name, "plateau") && (slices.Min(wlr) == slices.Max(wlr) || whole.Report.ClippedSteps == 0 || whole.Report.ClippedSteps == whole.Report.Steps) {
				t.Errorf("the plateau case tests nothing: rates %v, %d of %d steps clipped", wlr, whole.Report.ClippedSteps, whole.Report.Steps)
			}
		})
	}
}

// TestResumeAfterCompletionExtends raises train.epochs on a finished run:
// the result equals a run of the larger number of epochs in one go.
func TestResumeAfterCompletionExtends(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	train := writeTestFile(t, dir, "train.csv", regressionCSV(5, 40, 2, 0.1))
	text := func(epochs int) string {
		return fmt.Sprintf("data: {train: %s, target: y, validation: 0.25}\nmodel: {layers: [{units: 4, activation: softplus}, {activation: identity}]}\nloss: squared_error\ntrain: {optimizer: adam, learning_rate: 0.05, batch_size: 6, epochs: %d}\n", q(train), epochs)
	}
	text3 := strings.Replace(text(3), "loss: squared_error\n", "", 1)
	text3 = strings.Replace(text3, "activation: identity}]}", "activation: identity}], loss: squared_error}", 1)
	text5 := strings.Replace(text3, "epochs: 3", "epochs: 5", 1)
	fitUntil(t, text5, filepath.Join(dir, "whole"), false, stopAt{})
	fitUntil(t, text3, filepath.Join(dir, "ext"), false, stopAt{})
	fitUntil(t, text5, filepath.Join(dir, "ext"), true, stopAt{})
	if mustRead(t, filepath.Join(dir, "ext", "model.json")) != mustRead(t, filepath.Join(dir, "whole", "model.json")) {
		t.Error("3 epochs resumed to 5 differ from 5 epochs in one go")
	}
}

func TestResumeRefusesAnotherRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	train := writeTestFile(t, dir, "train.csv", blobsCSV(42, []int{10, 10}, 1))
	base := "data: {train: %s, target: class, validation: 0}\nmodel: {layers: [{units: 3, activation: tanh}, {activation: softmax}]}\ntrain: {optimizer: sgd, learning_rate: %s, batch_size: 4, epochs: 3}\n"
	out := filepath.Join(dir, "run")
	fitUntil(t, fmt.Sprintf(base, q(train), "0.1"), out, false, stopAt{2, 1})
	ck, err := LoadCheckpoint(filepath.Join(out, "checkpoint.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, text, want string
	}{
		{"another learning rate", fmt.Sprintf(base, q(train), "0.2"), "another config"},
		{"other data", fmt.Sprintf(base, q(train), "0.1"), "other training data"},
	} {
		if tc.name == "other data" {
			writeTestFile(t, dir, "train.csv", blobsCSV(43, []int{10, 10}, 1))
		}
		cfg := parseTestConfig(t, dir, tc.text+fmt.Sprintf("output: {dir: %s}\n", q(out)))
		_, err := FitConfig(t.Context(), cfg, FitOptions{Resume: ck})
		if err == nil || !strings.Contains(err.Error(), tc.want) || !inputerr.Is(err) {
			t.Errorf("%s: error %v, want an input error containing %q", tc.name, err, tc.want)
		}
	}
	// A damaged or foreign file is refused with its name.
	for name, content := range map[string]string{
		"truncated": mustRead(t, filepath.Join(out, "checkpoint.json"))[:100],
		"foreign":   `{"format": "something", "version": 1}`,
		"future":    `{"format": "mlptrain-checkpoint", "version": 9}`,
	} {
		path := writeTestFile(t, dir, name+".json", content)
		if _, err := LoadCheckpoint(path); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%s checkpoint: error %v, want one naming the file", name, err)
		}
	}
	if _, err := LoadCheckpoint(filepath.Join(dir, "none.json")); err == nil || !errors.Is(err, os.ErrNotExist) && !strings.Contains(err.Error(), "cannot open") {
		t.Errorf("missing checkpoint: error %v", err)
	}
}

// TestDivergedUpdateKeepsEpochStart makes an update overflow while the
// loss is still finite: the weights of the last whole epoch are kept.
func TestDivergedUpdateKeepsEpochStart(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ precision, lr string }{{"float64", "1.7e308"}, {"float32", "3e38"}} {
		t.Run(tc.precision, func(t *testing.T) { testDivergedUpdate(t, tc.precision, tc.lr) })
	}
}

func testDivergedUpdate(t *testing.T, precision, lr string) {
	dir := t.TempDir()
	train := writeTestFile(t, dir, "train.csv", regressionCSV(7, 30, 3, 0.1))
	out := filepath.Join(dir, "run")
	run := fitUntil(t, fmt.Sprintf("data: {train: %s, target: y, validation: 0}\nmodel: {layers: [{units: 3, activation: tanh}, {activation: identity}], loss: squared_error}\ntrain: {optimizer: sgd, learning_rate: %s, batch_size: 10, epochs: 5, precision: %s}\n", q(train), lr, precision), out, false, stopAt{})
	var de *DivergedError
	if !errors.As(run.Result.Err, &de) || !de.WholeEpoch {
		t.Fatalf("error %v, want a divergence that kept the last whole epoch", run.Result.Err)
	}
	if !strings.Contains(de.Error(), "kept the weights of epoch 0, the last whole one") {
		t.Errorf("message %q does not say which weights were kept", de)
	}
	if !allFinite(run.Result.Model) {
		t.Error("non-finite weights kept")
	}
}

// flipWeightDigit changes the first digit of the first weight in a
// checkpoint's text: a different number, still valid JSON.
func flipWeightDigit(t *testing.T, text string) string {
	t.Helper()
	i := strings.Index(text, `"weights":[[`)
	if i < 0 {
		t.Fatalf("no weights in %.200s", text)
	}
	for j := i + len(`"weights":[[`); j < len(text); j++ {
		if c := text[j]; c >= '0' && c <= '9' {
			d := byte('0' + (c-'0'+1)%10)
			return text[:j] + string(d) + text[j+1:]
		}
	}
	t.Fatal("no digit in the weights")
	return ""
}

// TestCheckpointChecksum damages a checkpoint.json in the ways a disk or
// an editor can: each is refused, naming the file. Before the checksum, a
// changed digit of a weight was resumed silently, and the run ended with
// another model than an uninterrupted one. A checkpoint without a
// checksum, as mlptrain wrote them before (version 1), still resumes,
// with a warning, to the uninterrupted run's model.
func TestCheckpointChecksum(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	train := writeTestFile(t, dir, "train.csv", blobsCSV(44, []int{12, 12}, 1))
	text := "data: {train: " + q(train) + ", target: class, validation: 0}\nmodel: {layers: [{units: 3, activation: tanh}, {activation: softmax}]}\ntrain: {optimizer: adam, learning_rate: 0.05, batch_size: 5, epochs: 4}\n"
	whole := filepath.Join(dir, "whole")
	fitUntil(t, text, whole, false, stopAt{})
	out := filepath.Join(dir, "run")
	fitUntil(t, text, out, false, stopAt{2, 3})
	good := mustRead(t, filepath.Join(out, "checkpoint.json"))
	flipped := writeTestFile(t, t.TempDir(), "checkpoint.json", flipWeightDigit(t, good))
	if _, err := LoadCheckpoint(flipped); err == nil {
		t.Errorf("a checkpoint with a digit of a weight changed was read without error")
	}
	if !strings.Contains(good, `"version":4,`) || !strings.Contains(good, `,"checksum":"sha256:`) {
		t.Fatalf("the checkpoint has no version 4 or checksum: %.120s…", good)
	}
	sum := good[strings.Index(good, `,"checksum":`):strings.LastIndex(good, "}")]
	unsealed := strings.Replace(good, sum, "", 1)
	for _, tc := range []struct {
		name, text, want string
	}{
		{"a digit of a weight changed", flipWeightDigit(t, good), "checksum mismatch"},
		{"the checksum changed", strings.Replace(good, `"checksum":"sha256:`, `"checksum":"sha256:0`, 1), "checksum mismatch"},
		{"the checksum removed", unsealed, "no checksum"},
		// A version 1 file with a checksum is checked too.
		{"the version changed to 1", strings.Replace(good, `"version":4,`, `"version":1,`, 1), "checksum mismatch"},
		{"the epoch changed", strings.Replace(good, `"epoch":2,`, `"epoch":1,`, 1), "checksum mismatch"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.text == good {
				t.Fatal("the damage changed nothing")
			}
			path := writeTestFile(t, t.TempDir(), "checkpoint.json", tc.text)
			_, err := LoadCheckpoint(path)
			var e *inputerr.Error
			if !errors.As(err, &e) || e.File != path || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("LoadCheckpoint = %v, want an input error naming %s and saying %q", err, path, tc.want)
			}
		})
	}

	// The checkpoint as an mlptrain before checksums wrote it: version 1,
	// no checksum, the data's SHA-256. It resumes, with a warning, to the
	// whole run's model.
	tr, err := newTrainer(fitUntil(t, text, filepath.Join(dir, "again"), false, stopAt{1, 1}).Problem)
	if err != nil {
		t.Fatal(err)
	}
	v1 := strings.Replace(unsealed, `"version":4,`, `"version":1,`, 1)
	v1 = strings.Replace(v1, `"data":"`+tr.fingerprint(4)+`"`, `"data":"`+tr.fingerprint(1)+`"`, 1)
	writeTestFile(t, out, "checkpoint.json", v1)
	ck, err := LoadCheckpoint(filepath.Join(out, "checkpoint.json"))
	if err != nil {
		t.Fatalf("the old checkpoint: %v", err)
	}
	cfg := parseTestConfig(t, dir, text+"output: {dir: "+q(out)+"}\n")
	run, err := FitConfig(t.Context(), cfg, FitOptions{Resume: ck})
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Problem.Warnings) != 1 || !strings.Contains(run.Problem.Warnings[0], "checkpoint.json has no checksum") {
		t.Errorf("warnings %q, want one about the checkpoint without a checksum", run.Problem.Warnings)
	}
	if mustRead(t, filepath.Join(out, "model.json")) != mustRead(t, filepath.Join(whole, "model.json")) {
		t.Error("the old checkpoint resumed to another model.json than the uninterrupted run's")
	}
	// The checkpoint the resumed run wrote has a checksum.
	if _, err := LoadCheckpoint(filepath.Join(out, "checkpoint.json")); err != nil || !strings.Contains(mustRead(t, filepath.Join(out, "checkpoint.json")), `"checksum":"sha256:`) {
		t.Errorf("the resumed run's checkpoint: %v, want one with a checksum", err)
	}
}

// TestConfigDiff checks what --resume with another config names: the key
// that differs and both values (before, only "another config").
func TestConfigDiff(t *testing.T) {
	t.Parallel()
	base := "data:\n  train: a.csv\n  feature_map:\n    polynomial: 1\nmodel:\n  layers:\n    - units: 16\n      activation: tanh\n    - activation: softmax\n  loss: cross_entropy\ntrain:\n  learning_rate: 0.05\n  early_stopping:\n    patience: 0\n  seed: 1\n"
	for i, test := range []struct{ from, to, want string }{
		{"learning_rate: 0.05", "learning_rate: 0.02", ": train.learning_rate is 0.02, the run's was 0.05"},
		{"patience: 0", "patience: 3", ": train.early_stopping.patience is 3, the run's was 0"},
		{"seed: 1", "seed: 9", ": train.seed is 9, the run's was 1"},
		{"polynomial: 1", "polynomial: 2", ": data.feature_map.polynomial is 2, the run's was 1"},
		{"units: 16", "units: 8", ": model.layers differ"},
		{"activation: tanh", "activation: relu", ": model.layers differ"},
		{"loss: cross_entropy", "loss: squared_error", ": model.loss is squared_error, the run's was cross_entropy"},
		{"seed: 1\n", "seed: 1\nextra: 1\n", ""},
	} {
		now := strings.Replace(base, test.from, test.to, 1)
		if got := configDiff(base, now); got != test.want {
			t.Errorf("unexpected result for test %d: configDiff = %q, want %q", i, got, test.want)
		}
	}
	// A key whose value is a word in one and a mapping in the other
	// (train.class_weight): it said "is none, the run's was ".
	weights := func(cw string) string {
		return strings.Replace(base, "  learning_rate: 0.05\n", "  learning_rate: 0.05\n  class_weight:"+cw+"\n", 1)
	}
	for i, test := range []struct{ was, now, want string }{
		{weights("\n    a: 2"), weights(" none"), ": train.class_weight differs"},
		{weights(" balanced"), weights("\n    a: 2"), ": train.class_weight differs"},
		{weights("\n    a: 2"), weights("\n    a: 3"), ": train.class_weight.a is 3, the run's was 2"},
	} {
		if got := configDiff(test.was, test.now); got != test.want {
			t.Errorf("unexpected result for class_weight test %d: configDiff = %q, want %q", i, got, test.want)
		}
	}
}

// TestLoadCheckpointFolder checks that a checkpoint.json that is a folder
// gets its cause and a hint (it said "at most 4294967296 bytes").
func TestLoadCheckpointFolder(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "checkpoint.json")
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := LoadCheckpoint(path)
	var e *inputerr.Error
	if !errors.As(err, &e) || !strings.Contains(err.Error(), "cannot read checkpoint: is a directory") || e.Hint == "" || e.File != path {
		t.Errorf("LoadCheckpoint(folder) = %v, want an input error naming it, the cause and a hint", err)
	}
}

// TestCheckpointFingerprintVersions: a checkpoint (version 4) holds the
// training data's XXH3-128 fingerprint; one of versions 1 to 3, which
// holds its SHA-256, still resumes to the uninterrupted run, and each
// version's fingerprint refuses other data.
func TestCheckpointFingerprintVersions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	train := writeTestFile(t, dir, "train.csv", blobsCSV(42, []int{10, 10}, 1))
	text := fmt.Sprintf("data: {train: %s, target: class, validation: 0}\nmodel: {layers: [{units: 3, activation: tanh}, {activation: softmax}]}\ntrain: {optimizer: sgd, learning_rate: 0.1, batch_size: 4, epochs: 3}\n", q(train))
	fitUntil(t, text, filepath.Join(dir, "whole"), false, stopAt{})
	want := mustRead(t, filepath.Join(dir, "whole", "model.json"))

	out := filepath.Join(dir, "run")
	run := fitUntil(t, text, out, false, stopAt{2, 1})
	path := filepath.Join(out, "checkpoint.json")
	ck, err := LoadCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := newTrainer(run.Problem)
	if err != nil {
		t.Fatal(err)
	}
	x, y := tr.p.Train.X.RawMatrix().Data, tr.tTrain.RawMatrix().Data
	if ck.Version != 4 || ck.Data != xxh3Floats(x, y) || !regexp.MustCompile(`^xxh3-128:[0-9a-f]{32}$`).MatchString(ck.Data) {
		t.Fatalf("checkpoint version %d, data %q: want version 4 and the XXH3-128 of the data", ck.Version, ck.Data)
	}
	// The XXH3-128 of the values' little-endian bytes, as the reference C
	// implementation gives it (Debian's python3-xxhash 3.2.0:
	// xxh3_128_hexdigest(struct.pack('<dd', 1.0, 2.0)), and of 1000 values
	// (i*0.37) % 11 - 5, which take the long-input path).
	long := make([]float64, 1000)
	for i := range long {
		long[i] = math.Mod(float64(i)*0.37, 11) - 5
	}
	for _, c := range []struct {
		ds   [][]float64
		want string
	}{
		{[][]float64{{1}, {2}}, "cd5d4ed9d0bb36b22029723e30b63531"},
		{[][]float64{long[:300], nil, long[300:]}, "5bf2336539bb82585a942afe5faafb68"},
	} {
		if got := xxh3Floats(c.ds...); got != "xxh3-128:"+c.want {
			t.Errorf("xxh3Floats of %d slices = %s, want xxh3-128:%s", len(c.ds), got, c.want)
		}
	}

	// The same checkpoint as version 3 wrote it.
	old := *ck
	old.Version, old.Data, old.Checksum = 3, sha256Floats(x, y), ""
	if err := old.write(path); err != nil {
		t.Fatal(err)
	}
	fitUntil(t, text, out, true, stopAt{})
	if got := mustRead(t, filepath.Join(out, "model.json")); got != want {
		t.Error("a version-3 checkpoint resumed to another model than the uninterrupted run's")
	}

	// Each version refuses a fingerprint of other data.
	for _, c := range []struct {
		version int
		data    string
	}{{3, xxh3Floats(x, y)}, {3, sha256Floats(x[1:], y)}, {4, sha256Floats(x, y)}, {4, xxh3Floats(x[1:], y)}} {
		bad := *ck
		bad.Version, bad.Data, bad.Checksum = c.version, c.data, ""
		if err := bad.write(path); err != nil {
			t.Fatal(err)
		}
		reread, err := LoadCheckpoint(path)
		if err != nil {
			t.Fatal(err)
		}
		cfg := parseTestConfig(t, dir, text+fmt.Sprintf("output: {dir: %s}\n", q(out)))
		if _, err := FitConfig(t.Context(), cfg, FitOptions{Resume: reread}); err == nil || !strings.Contains(err.Error(), "other training data") {
			t.Errorf("version %d with data %.20s…: error %v, want other training data", c.version, c.data, err)
		}
	}
}
