package train

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"

	"github.com/mlptrain/mlptrain/internal/atomicfile"
	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/data"
	"github.com/mlptrain/mlptrain/internal/gemm"
	"github.com/mlptrain/mlptrain/internal/runfolder"
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
	// internal/gemm this CPU runs, or "openblas" (gemm.Kernel, or
	// gemm.Kernel32 for a float32 run).
	Gemm string `json:"gemm"`
	// Precision is train.precision: float64 or float32.
	Precision string `json:"precision"`
	// Columns is the training file's resolved schema.
	Columns []ColumnInfo `json:"columns"`
	// ClassWeight is each class's weight in the training loss
	// (train.class_weight resolved); omitted for none.
	ClassWeight map[string]float64 `json:"class_weight,omitempty"`
	// LearningRates is the learning rate of each epoch run, in order
	// (train.schedule).
	LearningRates []float64 `json:"learning_rates"`
	// Steps is the number of optimizer steps taken (all epochs, a resumed
	// run's included), and ClippedSteps how many of them train.clip_norm
	// clipped (0 when it is off).
	Steps        int `json:"steps"`
	ClippedSteps int `json:"clipped_steps"`
}

// Run is a finished fit: its report, its training result and the problem
// it solved.
type Run struct {
	Report  *Report
	Result  *Result
	Problem *Problem
	// Test is the test set (data.test), transformed as the training set
	// is, or nil without one: Report.Test scores it.
	Test *data.Dataset
}

// useThreads sets GOMAXPROCS to train.threads n, unless n is 0 (every
// core), and returns the function that restores it.
func useThreads(n int) (restore func()) {
	if n <= 0 {
		return func() {}
	}
	prev := runtime.GOMAXPROCS(n)
	return func() { runtime.GOMAXPROCS(prev) }
}

// FitConfig runs a whole fit from a config: prepare the data, take the
// run folder (refusing one that another fit holds), train (writing
// checkpoints, and continuing from o.Resume if set), score on the train,
// validation and test sets, and write the run folder, its pictures last
// through o.Pictures (train itself draws none).
//
// The run folder always holds one run's files: the new run's, checkpoints
// included, are written into the folder's staging folder
// (.mlptrain/next) and switched in together when they are all written
// (runFolder). So a run that fails leaves the previous one whole, and a
// completed, early-stopped, diverged or interrupted run replaces it whole.
//
// A diverged run is still written, and its *DivergedError returned with
// the Run. Any error writing the folder, o.Pictures' included, is
// returned without the Run; a failure of the file system (a full disk)
// is an *inputerr.Error naming the file.
func FitConfig(ctx context.Context, cfg *config.Config, o FitOptions) (*Run, error) {
	// train.threads bounds the whole run, the data loading (which parses on
	// GOMAXPROCS goroutines) and the scoring as well as the training.
	defer useThreads(cfg.Train.Threads)()
	limit := DefaultMemoryLimit()
	if o.MemoryLimit != nil {
		limit = *o.MemoryLimit
	}
	p, err := Interruptible(ctx, reading, func() (*Problem, error) { return prepare(cfg, limit, o.Rows) })
	if err != nil {
		return nil, err
	}
	if _, err := p.checkTraining(); err != nil {
		return nil, err // before the run folder is touched
	}
	if o.Prepared != nil {
		o.Prepared(p)
	}
	if o.Resume != nil && o.Resume.unchecked {
		p.Warnings = append(p.Warnings, fmt.Sprintf(uncheckedWarning, o.Resume.path))
	}
	var test *data.Dataset
	if cfg.Data.Test != "" {
		test, err = Interruptible(ctx, reading, func() (*data.Dataset, error) { return p.ReadFile(cfg.Data.Test, limit) })
		if err != nil {
			return nil, err
		}
		if cfg.Train.Precision == config.PrecisionFloat32 {
			if err := float32Rows(test, "test", true); err != nil {
				return nil, err
			}
		}
		p.Warnings = append(p.Warnings, DataWarnings(test, p.Encoding)...)
	}
	dir := cfg.Output.Dir
	resume := ""
	if o.Resume != nil {
		resume = o.Resume.path
	}
	f, err := runfolder.Open(dir, resume)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	o.Checkpoint, o.CheckpointEvery = f.Staged("checkpoint.json"), cfg.Train.CheckpointEvery
	res, err := Fit(ctx, p, o)
	if err != nil {
		return nil, f.Fail(err)
	}
	rep := &Report{
		Schema: 1, Model: filepath.Join(dir, "model.json"), Dir: dir,
		EpochsRun: len(res.History), BestEpoch: res.BestEpoch, Stopped: res.Stopped,
		Train: &res.Train, Validation: res.Val,
		WeightsSHA256: WeightsSHA256(res.Model), Seed: cfg.Train.Seed, Seconds: res.Seconds, Threads: res.Threads, Gemm: gemm.Kernel(), Precision: cfg.Train.Precision,
		Columns: p.Columns, ClassWeight: classWeightReport(p.Classes, res.ClassWeights),
		LearningRates: make([]float64, len(res.History)), Steps: res.Steps, ClippedSteps: res.ClippedSteps,
	}
	if res.Model.Float32 {
		rep.Gemm = gemm.Kernel32()
	}
	for i, s := range res.History {
		rep.LearningRates[i] = s.LearningRate
	}
	rep.Train.DroppedRows = p.Dropped
	if test != nil {
		tm, err := Score(res.Model, test, p.Classes)
		if err != nil {
			return nil, f.Fail(err)
		}
		rep.Test = &tm
	}
	run := &Run{Report: rep, Result: res, Problem: p, Test: test}
	if err := run.write(f.Staged(""), o.Pictures); err != nil {
		return nil, f.Fail(err)
	}
	if err := f.Commit(); err != nil {
		return nil, f.Fail(err)
	}
	return run, res.Err
}

// write writes the run's files into dir: model.json, metrics.csv,
// config.yaml, report.json and then, if pictures is not nil, the
// pictures it draws, given a copy of r whose config's output.dir is dir.
func (r *Run) write(dir string, pictures func(*Run) error) error {
	cfg := r.Problem.Config
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
	return pictures(r.in(dir))
}

// in returns a copy of r whose Problem's config has output.dir dir.
func (r *Run) in(dir string) *Run {
	cfg := *r.Problem.Config
	cfg.Output.Dir = dir
	p := *r.Problem
	p.Config = &cfg
	c := *r
	c.Problem = &p
	return &c
}

// IsDiverged reports whether err says that training diverged.
func IsDiverged(err error) bool { return errors.Is(err, ErrDiverged) }
