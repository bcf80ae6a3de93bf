package cv

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"

	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/mlptrain/mlptrain/internal/runset"
	"github.com/mlptrain/mlptrain/internal/train"
)

// definition is what every shard of one cv records in its manifest, and
// what collect needs to write cv.json and cv.png: the same in every shard
// of one cv.
type definition struct {
	Config    string   `json:"config"`
	ConfigSum string   `json:"config_sha256"`
	Name      string   `json:"name"`
	Folds     int      `json:"folds"`
	Seed      uint64   `json:"seed"`
	Rows      int      `json:"rows"`
	Classify  bool     `json:"classify"`
	Test      bool     `json:"test"`
	Dir       string   `json:"dir"`
	Runs      []string `json:"runs"`
	N         []int    `json:"n"`
}

// definition returns the cv's definition.
func (c *CV) definition() definition {
	d := definition{Config: c.File, ConfigSum: c.ConfigSum, Name: c.Name, Folds: c.K, Seed: c.Seed, Rows: c.N,
		Classify: c.Classify, Test: c.hasTest(), Dir: c.Dir, N: c.validationRows()}
	for _, f := range c.Folds {
		d.Runs = append(d.Runs, f.Dir)
	}
	return d
}

// storedFold is a fold's result in a shard's manifest.
type storedFold struct {
	Index      int            `json:"index"`
	Dir        string         `json:"dir"`
	Stopped    string         `json:"stopped"`
	EpochsRun  int            `json:"epochs_run"`
	BestEpoch  int            `json:"best_epoch"`
	Validation *train.Metrics `json:"validation"`
	Test       *train.Metrics `json:"test"`
	Epochs     []int          `json:"epochs"`
	// ValLoss is the validation loss by epoch, null where not finite.
	ValLoss []*float64 `json:"val_loss"`
}

// store returns r as a manifest records it.
func store(r Result) storedFold {
	st := storedFold{Index: r.Index, Dir: r.Dir, Stopped: r.Stopped, EpochsRun: r.EpochsRun, BestEpoch: r.BestEpoch,
		Validation: r.Validation, Test: r.Test, Epochs: r.Epochs, ValLoss: make([]*float64, len(r.ValLoss))}
	for i, v := range r.ValLoss {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			st.ValLoss[i] = &v
		}
	}
	return st
}

// result returns the Result st records.
func (st storedFold) result() Result {
	r := Result{Index: st.Index, Dir: st.Dir, Stopped: st.Stopped, EpochsRun: st.EpochsRun, BestEpoch: st.BestEpoch,
		Validation: st.Validation, Test: st.Test, Epochs: st.Epochs, ValLoss: make([]float64, len(st.ValLoss))}
	for i, v := range st.ValLoss {
		r.ValLoss[i] = math.NaN()
		if v != nil {
			r.ValLoss[i] = *v
		}
	}
	return r
}

// final reports whether r is a fold's last word: finished or diverged.
func (r *Result) final() bool { return r.Finished() || r.Stopped == train.StopDiverged }

// encodeFolds encodes results for a manifest.
func encodeFolds(results []Result) (json.RawMessage, error) {
	st := make([]storedFold, len(results))
	for i, r := range results {
		st[i] = store(r)
	}
	return json.Marshal(st)
}

// decodeFolds decodes a manifest's results.
func decodeFolds(m *runset.Manifest) ([]Result, error) {
	var st []storedFold
	if len(m.Results) > 0 {
		if err := json.Unmarshal(m.Results, &st); err != nil {
			return nil, &inputerr.Error{File: m.Path, Key: "results", Err: fmt.Errorf("not a cv's results: %w", err), Hint: "was it edited? run that shard again"}
		}
	}
	rs := make([]Result, len(st))
	for i, s := range st {
		rs[i] = s.result()
	}
	return rs, nil
}

// RunShard trains the folds of shard sh (fold i when i mod sh.N = sh.K)
// into the cv folder, which the other shards share, as the sweep's
// RunShard does for points: the folder lock only to set up, a manifest
// rewritten after each fold, a lock per fold, cv.json and cv.png removed
// (collect writes them), and a shard run again keeping its finished
// folds. It returns the report of the whole cv with only its own folds'
// results (the others not_run), and errors as Run does.
func (c *CV) RunShard(ctx context.Context, o Options, sh runset.Shard) (*Report, error) {
	var own []int
	for i := range c.Folds {
		if sh.Owns(i) {
			own = append(own, i)
		}
	}
	jobs, err := runset.Jobs(o.Jobs, max(1, len(own)), func(i int) int {
		if i < len(own) {
			return c.Folds[own[i]].Config.Train.Threads
		}
		return 0
	}, "folds")
	if err != nil {
		return nil, err
	}
	defJSON, err := json.Marshal(c.definition())
	if err != nil {
		return nil, err
	}
	m := &runset.Manifest{Schema: 1, Kind: "cv", Shard: sh.K, Shards: sh.N, Runs: own, Definition: defJSON}
	if m.Runs == nil {
		m.Runs = []int{}
	}
	f := c.folder()
	run, others, err := f.OpenShard(sh, m)
	if err != nil {
		return nil, err
	}
	defer run.Close()
	ours := make([]string, len(c.Folds))
	for i, fd := range c.Folds {
		ours[i] = filepath.Base(fd.Dir)
	}
	if _, err := f.Check(ours); err != nil {
		return nil, err
	}
	for _, name := range []string{"cv.json", "cv.png"} {
		if err := os.Remove(filepath.Join(c.Dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, f.Error(err)
		}
	}
	results := make([]Result, len(own))
	slot := map[int]int{}
	for j, i := range own {
		results[j] = Result{Index: i, Dir: c.Folds[i].Dir, Stopped: StopNotRun}
		slot[i] = j
	}
	for _, prev := range others {
		if prev.Shard != sh.K {
			continue
		}
		rs, err := decodeFolds(prev)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if j, ok := slot[r.Index]; ok && r.final() && runset.RunComplete(c.Folds[r.Index].Dir, r.Stopped, r.EpochsRun) {
				r.Dir = c.Folds[r.Index].Dir
				results[j] = r
			}
		}
	}
	var mu sync.Mutex
	write := func(done bool) error {
		mu.Lock()
		defer mu.Unlock()
		b, err := encodeFolds(results)
		if err != nil {
			return err
		}
		m.Results, m.Done = b, done
		return run.WriteManifest(m)
	}
	if err := write(false); err != nil {
		return nil, err
	}
	run.EndSetup()

	var todo []int
	for j := range results {
		if !results[j].final() {
			todo = append(todo, j)
		}
	}
	limit := runset.JobLimit(o.MemoryLimit, jobs)
	hooks := runset.Hooks{}
	if o.Started != nil {
		hooks.Started = func(t int) { o.Started(&c.Folds[own[todo[t]]]) }
	}
	if o.Done != nil {
		hooks.Done = func(t, finished int) { o.Done(&results[todo[t]], len(own)-len(todo)+finished, len(own)) }
	}
	fatal := runset.Each(ctx, jobs, len(todo), hooks, func(ctx context.Context, t int) error {
		j := todo[t]
		i := own[j]
		lock, err := run.LockRun(i)
		if err != nil {
			return err
		}
		r, err := c.runFold(ctx, i, limit)
		lock.Unlock()
		if err != nil {
			return fmt.Errorf("cv fold %d: %w", i, err)
		}
		mu.Lock()
		results[j] = *r
		mu.Unlock()
		return write(false)
	})
	if werr := write(true); fatal == nil {
		fatal = werr
	}
	if fatal != nil {
		return nil, fatal
	}
	all := make([]Result, len(c.Folds))
	for i, fd := range c.Folds {
		all[i] = Result{Index: i, Dir: fd.Dir, Stopped: StopNotRun}
	}
	for j, i := range own {
		all[i] = results[j]
	}
	rep := c.report(all)
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

// Missing is a fold of a collected cv without a result, and why.
type Missing struct {
	Index int
	Why   string
}

// Collected is what Collect found besides the report.
type Collected struct {
	Shards  int
	Running []int
	Missing []Missing
}

// Collect merges the shards of the cv in dir (RunShard) into the cv.json
// and cv.png one process would have written, and returns the report, as
// the sweep's Collect does: folds without a result are recorded as their
// shards left them and listed in Collected.Missing; a folder without
// shards, or with shards of two cvs, is an *inputerr.Error.
func Collect(dir string) (*Report, *Collected, error) {
	f := &runset.Folder{Dir: dir, Kind: "cv", Files: cvFiles, LockName: lockName, Member: foldName}
	lock, err := f.LockCollect()
	if err != nil {
		return nil, nil, err
	}
	defer lock.Unlock()
	ms, err := f.Manifests()
	if err != nil {
		return nil, nil, err
	}
	const hint = "give the --out DIR of a cv run with --shard K/N"
	if len(ms) == 0 {
		what := "not a sharded cv's folder: it holds no shard manifests (.mlptrain/shard-K-of-N.json)"
		if _, err := os.Stat(filepath.Join(dir, "cv.json")); err == nil {
			what = "an unsharded cv's folder, whose cv.json is whole: there are no shards to collect"
		}
		return nil, nil, &inputerr.Error{File: dir, Err: errors.New(what), Hint: hint}
	}
	if ms[0].Kind != "cv" {
		return nil, nil, &inputerr.Error{File: dir, Err: fmt.Errorf("a %s's folder, not a cv's", ms[0].Kind), Hint: "run mlptrain " + ms[0].Kind + " collect " + dir}
	}
	for _, m := range ms[1:] {
		if err := runset.SameSet(ms[0], m, ""); err != nil {
			return nil, nil, err
		}
	}
	var d definition
	if err := json.Unmarshal(ms[0].Definition, &d); err != nil || d.Folds < 1 || len(d.Runs) != d.Folds || len(d.N) != d.Folds {
		if err == nil {
			err = errors.New("the folds do not add up")
		}
		return nil, nil, &inputerr.Error{File: ms[0].Path, Key: "definition", Err: fmt.Errorf("not a cv's definition: %w", err), Hint: "was it edited? run that shard again"}
	}
	c := &CV{File: d.Config, Name: d.Name, Dir: d.Dir, K: d.Folds, Seed: d.Seed, N: d.Rows, Classify: d.Classify, valN: d.N, test: d.Test}
	results := make([]Result, d.Folds)
	ours := make([]string, d.Folds)
	for i, r := range d.Runs {
		c.Folds = append(c.Folds, Fold{Index: i, Dir: r})
		results[i] = Result{Index: i, Dir: r, Stopped: StopNotRun}
		ours[i] = filepath.Base(r)
	}
	stale, err := f.Check(ours)
	if err != nil {
		return nil, nil, err
	}
	n := ms[0].Shards
	info := &Collected{Shards: n, Running: f.RunningShards(ms)}
	seen := map[int]bool{}
	incomplete := map[int]bool{}
	for _, m := range ms {
		seen[m.Shard] = true
		rs, err := decodeFolds(m)
		if err != nil {
			return nil, nil, err
		}
		for _, r := range rs {
			if r.Index < 0 || r.Index >= d.Folds || r.Index%n != m.Shard {
				return nil, nil, &inputerr.Error{File: m.Path, Key: "results", Err: fmt.Errorf("fold %d is not this shard's", r.Index), Hint: "was it edited? run that shard again"}
			}
			r.Dir = d.Runs[r.Index]
			if r.final() && !runset.RunComplete(r.Dir, r.Stopped, r.EpochsRun) {
				incomplete[r.Index] = true
				continue
			}
			results[r.Index] = r
		}
	}
	for i := range results {
		if results[i].final() {
			continue
		}
		k := i % n
		why := results[i].Stopped
		switch {
		case !seen[k]:
			why = fmt.Sprintf("shard %d of %d has not run", k, n)
		case containsInt(info.Running, k):
			why = fmt.Sprintf("shard %d of %d is running", k, n)
		case incomplete[i]:
			why = "its run folder is not whole"
		case why == StopNotRun:
			why = fmt.Sprintf("not run: shard %d of %d ended before it (failed or interrupted)", k, n)
		}
		info.Missing = append(info.Missing, Missing{Index: i, Why: why})
	}
	if err := f.RemoveStale(stale); err != nil {
		return nil, nil, err
	}
	rep := c.report(results)
	c.Dir = dir
	if err := c.write(rep, results); err != nil {
		return nil, nil, err
	}
	return rep, info, nil
}

// containsInt reports whether xs holds x.
func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
