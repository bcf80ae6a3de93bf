package train

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"github.com/mlptrain/mlptrain/internal/atomicfile"
	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/data"
	"github.com/mlptrain/mlptrain/internal/gemm"
	"github.com/mlptrain/mlptrain/internal/inputerr"
)

// Report is the JSON document of a fit: report.json, and what fit --json
// prints.
type Report struct {
	Schema        int      `json:"schema"`
	Model         string   `json:"model"`
	Dir           string   `json:"dir"`
	EpochsRun     int      `json:"epochs_run"`
	BestEpoch     int      `json:"best_epoch"`
	Stopped       string   `json:"stopped"`
	Train         *Metrics `json:"train"`
	Validation    *Metrics `json:"validation"`
	Test          *Metrics `json:"test"`
	WeightsSHA256 string   `json:"weights_sha256"`
	Seed          uint64   `json:"seed"`
	Seconds       float64  `json:"seconds"`
	Threads       int      `json:"threads"`
	// Gemm names the matrix-product backend: the microkernels of
	// internal/gemm this CPU runs, or "openblas" (gemm.Kernel).
	Gemm string `json:"gemm"`
}

// Run is a finished fit: its report, its training result and the problem
// it solved.
type Run struct {
	Report  *Report
	Result  *Result
	Problem *Problem
}

// CheckWritable makes dir and checks that a file can be created in it, so
// that a run does not train for an hour and then fail to save, and
// removes the temporary files of a killed run there. Its error is an
// *inputerr.Error naming dir and output.dir.
func CheckWritable(dir string) error {
	bad := func(err error) error {
		return &inputerr.Error{File: dir, Key: "output.dir", Err: fmt.Errorf("cannot write the run folder: %w", inputerr.PathCause(err)),
			Hint: "choose another folder with --out DIR"}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return bad(err)
	}
	f, err := os.CreateTemp(dir, ".write-test-*")
	if err != nil {
		return bad(err)
	}
	f.Close()
	if err := os.Remove(f.Name()); err != nil {
		return bad(err)
	}
	// Remove the temporary files of a process killed in the middle of a
	// write (a second Ctrl-C); the files themselves are whole.
	atomicfile.RemoveTemps(dir, runFiles...)
	return nil
}

// runFiles are the files a run folder may hold.
var runFiles = []string{"model.json", "metrics.csv", "loss.png", "loss.svg", "boundary.png", "fit.png", "config.yaml", "report.json", "checkpoint.json"}

// useThreads sets GOMAXPROCS to train.threads n, unless n is 0 (every
// core), and returns the function that restores it.
func useThreads(n int) (restore func()) {
	if n <= 0 {
		return func() {}
	}
	prev := runtime.GOMAXPROCS(n)
	return func() { runtime.GOMAXPROCS(prev) }
}

// FitConfig runs a whole fit from a config: prepare the data, check that
// the run folder can be written, train (writing checkpoint.json there, and
// continuing from o.Resume if set), score on the train, validation and test
// sets, and write the run folder, its pictures last through o.Pictures
// (train itself draws none). A diverged run is still written, and its
// *DivergedError returned with the Run. Any error writing the folder,
// o.Pictures' included, is returned without the Run.
func FitConfig(ctx context.Context, cfg *config.Config, o FitOptions) (*Run, error) {
	// train.threads bounds the whole run, the data loading (which parses on
	// GOMAXPROCS goroutines) and the scoring as well as the training.
	defer useThreads(cfg.Train.Threads)()
	p, err := Prepare(cfg)
	if err != nil {
		return nil, err
	}
	if o.Resume != nil && o.Resume.unchecked {
		p.Warnings = append(p.Warnings, fmt.Sprintf(uncheckedWarning, o.Resume.path))
	}
	var test *data.Dataset
	if cfg.Data.Test != "" {
		test, err = data.ReadFile(cfg.Data.Test, data.Options{
			Delimiter: []rune(cfg.Data.Delimiter)[0], Targets: []string(cfg.Data.Target),
			Classify: Classify(cfg.Model.Loss), Classes: p.Classes, WantFeatures: p.Features,
		})
		if err != nil {
			return nil, err
		}
		transform(p.Poly, p.Scaler, test)
	}
	dir := cfg.Output.Dir
	if err := CheckWritable(dir); err != nil {
		return nil, err
	}
	o.Checkpoint, o.CheckpointEvery = filepath.Join(dir, "checkpoint.json"), cfg.Train.CheckpointEvery
	res, err := Fit(ctx, p, o)
	if err != nil {
		return nil, err
	}
	rep := &Report{
		Schema: 1, Model: filepath.Join(dir, "model.json"), Dir: dir,
		EpochsRun: len(res.History), BestEpoch: res.BestEpoch, Stopped: res.Stopped,
		Train: &res.Train, Validation: res.Val,
		WeightsSHA256: WeightsSHA256(res.Model), Seed: cfg.Train.Seed, Seconds: res.Seconds, Threads: res.Threads, Gemm: gemm.Kernel(),
	}
	if test != nil {
		tm, err := Score(res.Model, test, p.Classes)
		if err != nil {
			return nil, err
		}
		rep.Test = &tm
	}
	run := &Run{Report: rep, Result: res, Problem: p}
	if err := run.write(o.Pictures); err != nil {
		return nil, err
	}
	return run, res.Err
}

// write writes the run folder: model.json, metrics.csv, config.yaml,
// report.json and then, if pictures is not nil, the pictures it draws.
func (r *Run) write(pictures func(*Run) error) error {
	cfg := r.Problem.Config
	dir := cfg.Output.Dir
	if err := WriteModel(filepath.Join(dir, "model.json"), r.Problem.Saved(r.Result.Model)); err != nil {
		return err
	}
	if err := WriteMetricsCSV(filepath.Join(dir, "metrics.csv"), r.Result.History); err != nil {
		return err
	}
	y, err := cfg.YAML()
	if err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(dir, "config.yaml"), func(w io.Writer) error { _, err := w.Write(y); return err }); err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(dir, "report.json"), func(w io.Writer) error { return WriteJSON(w, r.Report) }); err != nil {
		return err
	}
	if pictures == nil {
		return nil
	}
	return pictures(r)
}

// IsDiverged reports whether err says that training diverged.
func IsDiverged(err error) bool { return errors.Is(err, ErrDiverged) }
