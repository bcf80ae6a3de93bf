//go:build unix

package train

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/mlptrain/mlptrain/internal/atomicfile"
)

// TestEndOfFitBreakdown times the end of a fit (issue 13) on the
// reference workload of bench/README.md: a whole FitConfig of
// MLPTRAIN_ENDFIT_EPOCHS (default 4) epochs on the CSV
// MLPTRAIN_ENDFIT_DATA, with train.threads MLPTRAIN_ENDFIT_THREADS
// (default 1), train.precision MLPTRAIN_ENDFIT_PRECISION (default
// float64) and data.validation MLPTRAIN_ENDFIT_VALIDATION (default 0),
// then each piece of its end again on the trained model, the median of
// MLPTRAIN_ENDFIT_REPEAT (default 3) runs. It is skipped without
// MLPTRAIN_ENDFIT_DATA:
//
//	MLPTRAIN_ENDFIT_DATA=$TMPDIR/mlptrain-bench-ref-60000.csv go test ./internal/train -run EndOfFitBreakdown -v -timeout 30m
func TestEndOfFitBreakdown(t *testing.T) {
	path := os.Getenv("MLPTRAIN_ENDFIT_DATA")
	if path == "" {
		t.Skip("set MLPTRAIN_ENDFIT_DATA to the reference CSV (bench/README.md)")
	}
	env := func(key, def string) string {
		if v := os.Getenv(key); v != "" {
			return v
		}
		return def
	}
	threads, precision, val := env("MLPTRAIN_ENDFIT_THREADS", "1"), env("MLPTRAIN_ENDFIT_PRECISION", "float64"), env("MLPTRAIN_ENDFIT_VALIDATION", "0")
	epochs := env("MLPTRAIN_ENDFIT_EPOCHS", "4")
	repeat, _ := strconv.Atoi(env("MLPTRAIN_ENDFIT_REPEAT", "3"))
	dir := t.TempDir()
	cfg := parseTestConfig(t, dir, fmt.Sprintf(`
data: {train: %s, validation: %s, target: label, normalize: none}
model:
  layers: [{units: 256, activation: relu}, {units: 10, activation: softmax}]
  loss: cross_entropy
  init: xavier
train: {optimizer: sgd, learning_rate: 0.01, momentum: 0, batch_size: 128, epochs: %s, l2: 0, seed: 1, threads: %s, checkpoint_every: 0, precision: %s}
output: {dir: %s}
`, q(path), val, epochs, threads, precision, q(filepath.Join(dir, "run"))))

	// The machine is shared: the process's CPU time says more than the
	// wall time of what runs on one thread.
	var prepared, lastEpoch time.Time
	var cpuPrepared, cpuLastEpoch time.Duration
	start, cpuStart := time.Now(), cpuTime()
	run, err := FitConfig(context.Background(), cfg, FitOptions{
		Prepared: func(*Problem) { prepared, cpuPrepared = time.Now(), cpuTime() },
		Progress: func(EpochStats, int) { lastEpoch, cpuLastEpoch = time.Now(), cpuTime() },
	})
	if err != nil {
		t.Fatal(err)
	}
	end, cpuEnd := time.Now(), cpuTime()
	total, endFit := end.Sub(start), end.Sub(lastEpoch)
	t.Logf("fit: threads %s, precision %s, validation %s, %s epochs", threads, precision, val, epochs)
	t.Logf("FitConfig wall %.3fs: load %.3fs, training loop %.3fs (report seconds), end of fit %.3fs = %.1f%% of FitConfig, %.1f%% of FitConfig after the load",
		total.Seconds(), prepared.Sub(start).Seconds(), run.Result.Seconds, endFit.Seconds(),
		100*endFit.Seconds()/total.Seconds(), 100*endFit.Seconds()/end.Sub(prepared).Seconds())
	cpuTotal, cpuEndFit := cpuEnd-cpuStart, cpuEnd-cpuLastEpoch
	t.Logf("FitConfig CPU %.3fs: load %.3fs, training %.3fs, end of fit %.3fs = %.1f%% of FitConfig, %.1f%% of FitConfig after the load",
		cpuTotal.Seconds(), (cpuPrepared - cpuStart).Seconds(), (cpuLastEpoch - cpuPrepared).Seconds(), cpuEndFit.Seconds(),
		100*cpuEndFit.Seconds()/cpuTotal.Seconds(), 100*cpuEndFit.Seconds()/(cpuEnd-cpuPrepared).Seconds())

	// The pieces again, on the trained model, under the run's threads.
	defer useThreads(cfg.Train.Threads)()
	p, m := run.Problem, run.Result.Model
	tr, err := newTrainer(p)
	if err != nil {
		t.Fatal(err)
	}
	copyAll(tr.state, m.State())
	tr.round()
	tr.history = run.Result.History
	out := t.TempDir()
	median := func(f func()) (time.Duration, time.Duration) {
		var ds, cs []time.Duration
		for range max(repeat, 1) {
			s, c := time.Now(), cpuTime()
			f()
			ds, cs = append(ds, time.Since(s)), append(cs, cpuTime()-c)
		}
		slices.Sort(ds)
		slices.Sort(cs)
		return ds[len(ds)/2], cs[len(cs)/2]
	}
	check := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	var ckpt *Checkpoint
	var modelBytes, ckptBytes []byte
	saved := p.Saved(m)
	pieces := []struct {
		name string
		f    func()
	}{
		{"Score(train), as Fit does", func() { _, err := scoreWith(m, p.Train, p.Classes, tr.x32); check(err) }},
		{"Score(validation)", func() {
			if p.Val != nil {
				_, err := Score(m, p.Val, p.Classes)
				check(err)
			}
		}},
		{"data fingerprint (xxh3-128)", func() { tr.dataSum = ""; tr.fingerprint(checkpointVersion) }},
		{"  as checkpoints 1-3 (sha256)", func() { tr.fingerprint(3) }},
		{"checkpoint(): build", func() { ckpt = tr.checkpoint() }},
		{"checkpoint: seal (marshal)", func() { ckptBytes, err = seal(&ckpt.Checksum, ckpt.marshal, withCheckpointChecksum); check(err) }},
		{"checkpoint: file write", func() {
			check(atomicfile.Write(filepath.Join(out, "checkpoint.json"), func(w io.Writer) error { _, err := w.Write(ckptBytes); return err }))
		}},
		{"model.json: encode (seal)", func() { modelBytes, err = encode(saved.file()); check(err) }},
		{"model.json: file write", func() {
			check(atomicfile.Write(filepath.Join(out, "model.json"), func(w io.Writer) error { _, err := w.Write(modelBytes); return err }))
		}},
		{"WeightsSHA256", func() { WeightsSHA256(m) }},
		{"metrics.csv", func() { check(WriteMetricsCSV(filepath.Join(out, "metrics.csv"), run.Result.History)) }},
		{"report.json", func() {
			check(atomicfile.Write(filepath.Join(out, "report.json"), func(w io.Writer) error { return WriteJSON(w, run.Report) }))
		}},
	}
	var sum, cpuSum time.Duration
	t.Logf("  %-28s %8s %8s  %s", "piece (median)", "wall ms", "CPU ms", "CPU share of FitConfig's CPU")
	for _, pc := range pieces {
		d, c := median(pc.f)
		sum, cpuSum = sum+d, cpuSum+c
		t.Logf("  %-28s %8.1f %8.1f  %5.1f%%", pc.name, float64(d.Microseconds())/1e3, float64(c.Microseconds())/1e3, 100*c.Seconds()/cpuTotal.Seconds())
	}
	t.Logf("  %-28s %8.1f %8.1f  %5.1f%% (model.json %d bytes, checkpoint.json %d bytes)", "sum of the pieces", float64(sum.Microseconds())/1e3,
		float64(cpuSum.Microseconds())/1e3, 100*cpuSum.Seconds()/cpuTotal.Seconds(), len(modelBytes), len(ckptBytes))
}

// cpuTime returns the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkEndOfFitScore times the final scoring of the training set of the
// reference workload as Fit does it (MLPTRAIN_ENDFIT_DATA, as
// TestEndOfFitBreakdown), with untrained weights; skipped without MLPTRAIN_ENDFIT_DATA.
func BenchmarkEndOfFitScore(b *testing.B) {
	path := os.Getenv("MLPTRAIN_ENDFIT_DATA")
	if path == "" {
		b.Skip("set MLPTRAIN_ENDFIT_DATA to the reference CSV (bench/README.md)")
	}
	precision := "float64"
	if v := os.Getenv("MLPTRAIN_ENDFIT_PRECISION"); v != "" {
		precision = v
	}
	p := prepareTest(b, b.TempDir(), fmt.Sprintf(`
data: {train: %s, validation: 0, target: label, normalize: none}
model: {layers: [{units: 256, activation: relu}, {units: 10, activation: softmax}], loss: cross_entropy}
train: {optimizer: sgd, batch_size: 128, epochs: 1, checkpoint_every: 0, precision: %s}
`, q(path), precision))
	tr, err := newTrainer(p)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := scoreWith(tr.m, p.Train, p.Classes, tr.x32); err != nil {
			b.Fatal(err)
		}
	}
}
