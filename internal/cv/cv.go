package cv

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/mlptrain/mlptrain/internal/atomicfile"
	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/jsonnum"
	"github.com/mlptrain/mlptrain/internal/plot"
	"github.com/mlptrain/mlptrain/internal/runset"
	"github.com/mlptrain/mlptrain/internal/train"
)

// StopNotRun is the state of a fold that an interruption kept from
// starting, beside a fit's Stopped values.
const StopNotRun = "not_run"

// cvFiles are the files cv writes in its folder; cv.json, which names the
// fold folders, last.
var cvFiles = []string{"cv.png", "cv.json"}

// lockName is the cv folder's lock file, which a running cv holds.
const lockName = ".mlptrain-cv.lock"

// foldName matches the names of the fold folders.
var foldName = regexp.MustCompile(`^fold_[0-9]+$`)

// Fold is one planned run of a cross-validation: it validates on the rows
// of fold Index and trains on the others.
type Fold struct {
	Index  int
	Dir    string // its run folder, DIR/fold_<Index>
	Config *config.Config
}

// CV is a planned cross-validation.
type CV struct {
	File string // the config file, for the report
	Name string // the config's name, for titles
	Dir  string
	K    int
	Seed uint64
	// N is the number of the training file's rows (with a target).
	N int
	// Classify is whether the folds are stratified classifiers.
	Classify bool
	Folds    []Fold
	// ConfigSum is the SHA-256 of the resolved config (config.YAML), for
	// shards to check that they run one cv.
	ConfigSum string
	// fold holds each row's fold (Deal).
	fold []int
	// valN is each fold's number of validation rows, where fold is not
	// known (a collected cv).
	valN []int
	// test is whether the folds score data.test, where their configs are
	// not known (a collected cv).
	test bool
}

// Loader resolves the config with the given overrides, as config.Load
// does for a config file.
type Loader func(overrides []config.Override) (*config.Config, error)

// DefaultDir returns the cv folder used when none is given:
// runs/<config name>-cv, beside a sweep's runs/<config name>-sweep.
func DefaultDir(cfg *config.Config) string {
	return filepath.Join("runs", cfg.Name+"-cv")
}

// Plan resolves the config with the overrides, reads its training file
// within limit and deals its rows into k folds (Deal, from the config's
// seed), one config per fold whose output.dir is the fold's folder
// dir/fold_<i> (dir "" is DefaultDir). A k that cannot be dealt is an
// *inputerr.Error naming --folds (CheckFolds); every error is about the
// input, and no training happens here.
func Plan(load Loader, overrides []config.Override, k int, dir string, limit train.MemoryLimit) (*CV, error) {
	base, err := load(overrides)
	if err != nil {
		return nil, err
	}
	if dir == "" {
		dir = DefaultDir(base)
	}
	n, labels, classes, err := train.TrainingTargets(base, limit)
	if err != nil {
		return nil, err
	}
	classify := train.Classify(base.Model.Loss)
	if !classify {
		labels, classes = nil, nil
	}
	if err := CheckFolds(k, n, labels, classes, base.Data.Train); err != nil {
		return nil, err
	}
	c := &CV{File: base.File, Name: base.Name, Dir: dir, K: k, Seed: base.Train.Seed, N: n, Classify: classify,
		fold: Deal(n, k, labels, rand.New(rand.NewPCG(base.Train.Seed, Stream)))}
	if y, err := base.YAML(); err == nil {
		sum := sha256.Sum256(y)
		c.ConfigSum = hex.EncodeToString(sum[:])
	}
	for i := range k {
		fdir := filepath.Join(dir, "fold_"+strconv.Itoa(i))
		ov := append(overrides[:len(overrides):len(overrides)], config.Override{Key: "output.dir", Value: fdir, Source: "--out"})
		cfg, err := load(ov)
		if err != nil {
			return nil, err
		}
		c.Folds = append(c.Folds, Fold{Index: i, Dir: fdir, Config: cfg})
	}
	return c, nil
}

// Rows returns the training and validation rows of fold i.
func (c *CV) Rows(i int) *train.Rows {
	tr, va := Rows(c.fold, i)
	return &train.Rows{N: c.N, Train: tr, Val: va}
}

// Result is the outcome of one fold: its run's validation and test
// metrics, nil unless it finished (completed or stopped early).
type Result struct {
	Index      int
	Dir        string
	Stopped    string
	EpochsRun  int
	BestEpoch  int
	Validation *train.Metrics
	Test       *train.Metrics
	// Epochs and ValLoss are the validation loss by epoch, for cv.png.
	Epochs  []int
	ValLoss []float64
	// Seconds is the fold's wall time, for progress only.
	Seconds float64
	// Err is the divergence error of a diverged fold.
	Err error
	// Warnings are the fold's data warnings, for stderr.
	Warnings []string
}

// Finished reports whether the fold trained to the end or stopped early,
// so that its metrics count.
func (r *Result) Finished() bool {
	return r.Stopped == train.StopCompleted || r.Stopped == train.StopEarlyStopping
}

// Stat is one metric over the folds: its value in each (null where a
// fold has none: not finished, or undefined), and the mean and sample
// standard deviation of the values there are (null for none, and the
// std for fewer than two).
type Stat struct {
	Mean   jsonnum.Float   `json:"mean"`
	Std    jsonnum.Float   `json:"std"`
	Values []jsonnum.Float `json:"values"`
}

// NewStat returns the Stat of values, NaN where a fold has none.
func NewStat(values []float64) Stat {
	s := Stat{Values: make([]jsonnum.Float, len(values))}
	var have []float64
	for i, v := range values {
		s.Values[i] = jsonnum.Float(v)
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			have = append(have, v)
		}
	}
	s.Mean, s.Std = jsonnum.Float(math.NaN()), jsonnum.Float(math.NaN())
	if len(have) == 0 {
		return s
	}
	var sum float64
	for _, v := range have {
		sum += v
	}
	mean := sum / float64(len(have))
	s.Mean = jsonnum.Float(mean)
	if len(have) > 1 {
		var ss float64
		for _, v := range have {
			ss += (v - mean) * (v - mean)
		}
		s.Std = jsonnum.Float(math.Sqrt(ss / float64(len(have)-1)))
	}
	return s
}

// Metric is one named Stat.
type Metric struct {
	Name string
	Stat
}

// Metrics are named Stats, encoded as one JSON object in order.
type Metrics []Metric

// MarshalJSON encodes ms as an object in order.
func (ms Metrics) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range ms {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := writeMember(&b, m.Name, m.Stat); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// writeMember writes "name":v.
func writeMember(b *bytes.Buffer, name string, v any) error {
	k, err := json.Marshal(name)
	if err != nil {
		return err
	}
	val, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b.Write(k)
	b.WriteByte(':')
	b.Write(val)
	return nil
}

// MetricNames returns the metrics cv summarizes, in order: a classifier's
// loss, accuracy, macro_f1, roc_auc and pr_auc, or a regression's loss,
// mse, mae and r2.
func MetricNames(classify bool) []string {
	if classify {
		return []string{"loss", "accuracy", "macro_f1", "roc_auc", "pr_auc"}
	}
	return []string{"loss", "mse", "mae", "r2"}
}

// Report is cv.json, and what cv --json prints. It encodes as one object:
// schema, config, dir, folds, seed, rows, then each validation metric of
// MetricNames at the top level ({"mean", "std", "values"}), then runs
// (the fold folders), stopped, epochs_run, best_epoch and n (each fold's
// validation rows), and test: the same metrics of data.test scored by
// each fold's model, or null without data.test.
type Report struct {
	Schema     int
	Config     string
	Dir        string
	Folds      int
	Seed       uint64
	Rows       int
	Validation Metrics
	Runs       []string
	Stopped    []string
	EpochsRun  []int
	BestEpoch  []int
	N          []int
	Test       Metrics // nil without data.test
	Classify   bool
}

// MarshalJSON encodes r in the order its documentation gives.
func (r *Report) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	members := []struct {
		name string
		v    any
	}{{"schema", r.Schema}, {"config", r.Config}, {"dir", r.Dir}, {"folds", r.Folds}, {"seed", r.Seed}, {"rows", r.Rows}}
	for _, m := range r.Validation {
		members = append(members, struct {
			name string
			v    any
		}{m.Name, m.Stat})
	}
	var test any
	if r.Test != nil {
		test = r.Test
	}
	members = append(members, []struct {
		name string
		v    any
	}{{"runs", r.Runs}, {"stopped", r.Stopped}, {"epochs_run", r.EpochsRun}, {"best_epoch", r.BestEpoch}, {"n", r.N}, {"test", test}}...)
	for i, m := range members {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := writeMember(&b, m.name, m.v); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Options control Run.
type Options struct {
	// Jobs is the number of folds trained at once; 0 means GOMAXPROCS.
	Jobs int
	// Started, if not nil, is called when a fold starts training, and
	// Done when it has finished, with the number finished so far. Calls
	// come from one goroutine at a time.
	Started func(f *Fold)
	Done    func(r *Result, finished, total int)
	// MemoryLimit, if not nil, bounds the memory of the folds trained at
	// once, in place of train.DefaultMemoryLimit: each of the jobs gets an
	// equal share.
	MemoryLimit *train.MemoryLimit
}

// DivergedError says that folds of a cross-validation diverged, so that
// the mean and std describe the others only.
type DivergedError struct{ Folds []int }

func (e *DivergedError) Error() string {
	return fmt.Sprintf("training diverged in fold%s %s; cv.json records it, and the means are of the other folds (hint: try a smaller learning rate)",
		map[bool]string{true: "s", false: ""}[len(e.Folds) > 1], joinInts(e.Folds))
}

// Unwrap returns train.ErrDiverged.
func (e *DivergedError) Unwrap() error { return train.ErrDiverged }

// joinInts joins xs with ", ".
func joinInts(xs []int) string {
	var b []byte
	for i, x := range xs {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = strconv.AppendInt(b, int64(x), 10)
	}
	return string(b)
}

// Jobs returns the number of folds that Run trains at once for the option
// jobs (runset.Jobs).
func (c *CV) Jobs(jobs int) (int, error) {
	return runset.Jobs(jobs, len(c.Folds), func(i int) int { return c.Folds[i].Config.Train.Threads }, "folds")
}

// folder returns the cv folder.
func (c *CV) folder() *runset.Folder {
	return &runset.Folder{Dir: c.Dir, Kind: "cv", Files: cvFiles, LockName: lockName, Member: foldName}
}

// Run trains every fold, o.Jobs at a time, each a whole fit
// (train.FitConfig) of its own config with its rows (train.Rows), so that
// its results do not depend on Jobs, and writes cv.png and then cv.json
// into the cv folder.
//
// The cv folder holds one cross-validation, as a sweep's holds one sweep
// (internal/runset): Run refuses, with an *inputerr.Error naming the
// folder, one holding anything but an earlier cv's files and fold folders,
// and one that another cv is writing; it removes the earlier cv's fold
// folders that it does not have once it has trained, and a cv that fails
// before any fold wrote its folder leaves the earlier one whole.
//
// A diverged fold does not stop the others; the report and files are
// written and returned with a *DivergedError. Cancelling ctx stops the
// running folds after their current step (recorded as interrupted) and
// starts no more (not_run); Run then writes the files and returns the
// report with ctx's cause. Any other failure of a fold stops the cv and is
// returned without a report.
func (c *CV) Run(ctx context.Context, o Options) (*Report, error) {
	jobs, err := c.Jobs(o.Jobs)
	if err != nil {
		return nil, err
	}
	f := c.folder()
	lock, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer lock.Unlock()
	ours := make([]string, len(c.Folds))
	for i, fd := range c.Folds {
		ours[i] = filepath.Base(fd.Dir)
	}
	stale, err := f.Check(ours)
	if err != nil {
		return nil, err
	}
	// An earlier sharded cv's state: refused while a shard runs, else
	// replaced with the rest of that cv.
	if err := f.DropShards(); err != nil {
		return nil, err
	}
	if err := f.SetAside(); err != nil {
		return nil, err
	}
	limit := runset.JobLimit(o.MemoryLimit, jobs)
	results := make([]Result, len(c.Folds))
	for i, fd := range c.Folds {
		results[i] = Result{Index: fd.Index, Dir: fd.Dir, Stopped: StopNotRun}
	}
	hooks := runset.Hooks{}
	if o.Started != nil {
		hooks.Started = func(i int) { o.Started(&c.Folds[i]) }
	}
	if o.Done != nil {
		hooks.Done = func(i, finished int) { o.Done(&results[i], finished, len(c.Folds)) }
	}
	fatal := runset.Each(ctx, jobs, len(c.Folds), hooks, func(ctx context.Context, i int) error {
		r, err := c.runFold(ctx, i, limit)
		if err != nil {
			return fmt.Errorf("cv fold %d: %w", i, err)
		}
		results[i] = *r
		return nil
	})
	if fatal != nil {
		if !slices.ContainsFunc(results, func(r Result) bool { return r.Stopped != StopNotRun }) {
			f.Restore() // no fold wrote its folder: the earlier cv is whole
		}
		return nil, fatal
	}
	rep := c.report(results)
	for _, r := range results {
		if r.Stopped == StopNotRun {
			stale = append(stale, r.Dir)
		}
	}
	if err := f.RemoveStale(stale); err != nil {
		return nil, err
	}
	if err := c.write(rep, results); err != nil {
		return nil, err
	}
	f.DropPrevious()
	if ctx.Err() != nil {
		return rep, context.Cause(ctx)
	}
	var diverged []int
	for _, r := range results {
		if r.Stopped == train.StopDiverged {
			diverged = append(diverged, r.Index)
		}
	}
	if diverged != nil {
		return rep, &DivergedError{Folds: diverged}
	}
	return rep, nil
}

// runFold trains fold i. It returns an error only for failures other
// than divergence and interruption.
func (c *CV) runFold(ctx context.Context, i int, limit train.MemoryLimit) (*Result, error) {
	fd := &c.Folds[i]
	r := &Result{Index: fd.Index, Dir: fd.Dir}
	start := time.Now()
	run, err := train.FitConfig(ctx, fd.Config, train.FitOptions{Pictures: plot.Run, MemoryLimit: &limit, Rows: c.Rows(i)})
	r.Seconds = time.Since(start).Seconds()
	if run == nil {
		if err == nil {
			err = errors.New("no result")
		}
		return nil, err
	}
	if err != nil && !train.IsDiverged(err) {
		return nil, err
	}
	rep := run.Report
	r.Stopped, r.EpochsRun, r.BestEpoch, r.Err, r.Warnings = rep.Stopped, rep.EpochsRun, rep.BestEpoch, err, run.Problem.Warnings
	for _, s := range run.Result.History {
		r.Epochs, r.ValLoss = append(r.Epochs, s.Epoch), append(r.ValLoss, s.ValLoss)
	}
	if r.Finished() {
		r.Validation, r.Test = rep.Validation, rep.Test
	}
	return r, nil
}

// report summarizes the folds' results.
func (c *CV) report(results []Result) *Report {
	rep := &Report{Schema: 1, Config: c.File, Dir: c.Dir, Folds: c.K, Seed: c.Seed, Rows: c.N, Classify: c.Classify}
	test := c.hasTest()
	for _, r := range results {
		rep.Runs = append(rep.Runs, r.Dir)
		rep.Stopped = append(rep.Stopped, r.Stopped)
		rep.EpochsRun = append(rep.EpochsRun, r.EpochsRun)
		rep.BestEpoch = append(rep.BestEpoch, r.BestEpoch)
	}
	rep.N = c.validationRows()
	metrics := func(of func(r *Result) *train.Metrics) Metrics {
		var ms Metrics
		for _, name := range MetricNames(c.Classify) {
			vs := make([]float64, len(results))
			for i := range results {
				vs[i] = math.NaN()
				if m := of(&results[i]); m != nil {
					if v, ok := m.Value(name); ok {
						vs[i] = v
					}
				}
			}
			ms = append(ms, Metric{Name: name, Stat: NewStat(vs)})
		}
		return ms
	}
	rep.Validation = metrics(func(r *Result) *train.Metrics { return r.Validation })
	if test {
		rep.Test = metrics(func(r *Result) *train.Metrics { return r.Test })
	}
	return rep
}

// validationRows returns each fold's number of validation rows.
func (c *CV) validationRows() []int {
	if c.fold == nil {
		return c.valN
	}
	ns := make([]int, c.K)
	for i := range ns {
		_, va := Rows(c.fold, i)
		ns[i] = len(va)
	}
	return ns
}

// hasTest reports whether the folds score data.test.
func (c *CV) hasTest() bool {
	if c.Folds[0].Config == nil {
		return c.test
	}
	return c.Folds[0].Config.Data.Test != ""
}

// write writes cv.png and then cv.json, which names the fold folders.
func (c *CV) write(rep *Report, results []Result) error {
	epochs, losses := make([][]int, len(results)), make([][]float64, len(results))
	for i, r := range results {
		epochs[i], losses[i] = r.Epochs, r.ValLoss
	}
	title := fmt.Sprintf("%s — validation loss of %d folds", c.Name, c.K)
	if err := plot.Folds(filepath.Join(c.Dir, "cv.png"), title, epochs, losses); err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(c.Dir, "cv.json"), func(w io.Writer) error { return train.WriteJSON(w, rep) })
}
