package sweep

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/mlptrain/mlptrain/internal/jsonnum"
	"github.com/mlptrain/mlptrain/internal/runset"
	"github.com/mlptrain/mlptrain/internal/train"
)

// ShardInfo says which shard a report holds: point i is shard K's when
// i mod N = K.
type ShardInfo struct {
	K int `json:"index"`
	N int `json:"count"`
}

// definition is what every shard of one sweep records in its manifest,
// and what collect needs to write the sweep's files: the same in every
// shard of one sweep.
type definition struct {
	Config    string     `json:"config"`
	ConfigSum string     `json:"config_sha256"`
	Name      string     `json:"name"`
	Keys      []string   `json:"keys"`
	Grids     []string   `json:"grids"`
	Ranges    []string   `json:"ranges,omitempty"`
	Random    int        `json:"random,omitempty"`
	Seed      uint64     `json:"seed"`
	By        string     `json:"by"`
	Dir       string     `json:"dir"`
	Classes   bool       `json:"classes"`
	Points    []defPoint `json:"points"`
}

// defPoint is a point of the definition: its values as written and as
// the config holds them.
type defPoint struct {
	Index  int      `json:"index"`
	Dir    string   `json:"dir"`
	Texts  []string `json:"texts"`
	Values []any    `json:"values"`
}

// definition returns the sweep's definition.
func (s *Sweep) definition() definition {
	d := definition{Config: s.File, ConfigSum: s.ConfigSum, Name: s.Name, Keys: s.Keys, Random: s.Search.Random,
		Seed: s.Seed, By: s.by(), Dir: s.Dir, Grids: []string{}, Points: []defPoint{}}
	for _, g := range s.Search.Grids {
		d.Grids = append(d.Grids, g.Key+"="+joinComma(g.Values))
	}
	for _, r := range s.Search.Ranges {
		d.Ranges = append(d.Ranges, r.Spec)
	}
	if len(s.Points) > 0 {
		d.Classes = train.Classify(s.Points[0].Config.Model.Loss)
	}
	for _, p := range s.Points {
		dp := defPoint{Index: p.Index, Dir: p.Dir}
		for _, pa := range p.Params {
			dp.Texts = append(dp.Texts, pa.Text)
			dp.Values = append(dp.Values, pa.Value)
		}
		d.Points = append(d.Points, dp)
	}
	return d
}

// joinComma joins vs with commas.
func joinComma(vs []string) string {
	var b bytes.Buffer
	for i, v := range vs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(v)
	}
	return b.String()
}

// decodeDefinition decodes a manifest's definition, numbers as the
// config holds them (int64, uint64 or float64), so that sweep.json
// prints them as a whole sweep does.
func decodeDefinition(m *runset.Manifest) (*definition, error) {
	dec := json.NewDecoder(bytes.NewReader(m.Definition))
	dec.UseNumber()
	d := &definition{}
	if err := dec.Decode(d); err != nil {
		return nil, &inputerr.Error{File: m.Path, Key: "definition", Err: fmt.Errorf("not a sweep's definition: %w", err), Hint: "was it edited? run that shard again"}
	}
	for i := range d.Points {
		p := &d.Points[i]
		if p.Index != i || len(p.Texts) != len(d.Keys) || len(p.Values) != len(d.Keys) {
			return nil, &inputerr.Error{File: m.Path, Key: "definition", Err: fmt.Errorf("point %d does not fit the sweep's keys", i), Hint: "was it edited? run that shard again"}
		}
		for j, v := range p.Values {
			if n, ok := v.(json.Number); ok {
				p.Values[j] = number(n)
			}
		}
	}
	return d, nil
}

// number returns n as an int64, a uint64 or a float64.
func number(n json.Number) any {
	if i, err := n.Int64(); err == nil {
		return i
	}
	if u, err := strconv.ParseUint(string(n), 10, 64); err == nil {
		return u
	}
	f, _ := n.Float64()
	return f
}

// storedResult is a point's result in a shard's manifest: sweep.json's
// fields, the params as an object too (for the reader; collect takes them
// from the definition).
type storedResult struct {
	Result
	Params json.RawMessage `json:"params"`
}

// encodeResults encodes results for a manifest.
func encodeResults(results []Result) (json.RawMessage, error) {
	st := make([]storedResult, len(results))
	for i, r := range results {
		p, err := json.Marshal(r.Params)
		if err != nil {
			return nil, err
		}
		st[i] = storedResult{Result: r, Params: p}
	}
	return json.Marshal(st)
}

// decodeResults decodes a manifest's results, a missing number as NaN,
// and each metric of the points' kind (classifier if classes) present,
// as runPoint makes them.
func decodeResults(m *runset.Manifest, classes bool) ([]Result, error) {
	var raw []json.RawMessage
	if err := json.Unmarshal(m.Results, &raw); err != nil && len(m.Results) > 0 && string(m.Results) != "null" {
		return nil, &inputerr.Error{File: m.Path, Key: "results", Err: fmt.Errorf("not a sweep's results: %w", err), Hint: "was it edited? run that shard again"}
	}
	out := make([]Result, 0, len(raw))
	for _, b := range raw {
		st := storedResult{Result: Result{TrainLoss: jsonnum.Float(math.NaN()), ValLoss: jsonnum.Float(math.NaN())}}
		if err := json.Unmarshal(b, &st); err != nil {
			return nil, &inputerr.Error{File: m.Path, Key: "results", Err: fmt.Errorf("not a sweep's results: %w", err), Hint: "was it edited? run that shard again"}
		}
		r := st.Result
		r.fill(classes)
		out = append(out, r)
	}
	return out, nil
}

// fill sets the metrics of the points' kind that r lacks to NaN, and
// those of the other kind to nil.
func (r *Result) fill(classes bool) {
	nan := func(f **jsonnum.Float, want bool) {
		switch {
		case !want:
			*f = nil
		case *f == nil:
			*f = jsonnum.Ptr(math.NaN())
		}
	}
	for _, f := range []**jsonnum.Float{&r.TrainAccuracy, &r.ValAccuracy, &r.TrainROCAUC, &r.ValROCAUC, &r.TrainPRAUC, &r.ValPRAUC} {
		nan(f, classes)
	}
	for _, f := range []**jsonnum.Float{&r.TrainR2, &r.ValR2, &r.TrainMSE, &r.ValMSE, &r.TrainMAE, &r.ValMAE} {
		nan(f, !classes)
	}
}

// final reports whether r is a point's last word: finished or diverged.
// An interrupted point, or one not run, is run again.
func (r *Result) final() bool { return r.Finished() || r.Stopped == train.StopDiverged }

// notRun is the result of a point that has not run.
func notRun(index int, params Params, dir string, classes bool) Result {
	r := Result{Index: index, Params: params, Dir: dir, Stopped: StopNotRun,
		TrainLoss: jsonnum.Float(math.NaN()), ValLoss: jsonnum.Float(math.NaN())}
	r.fill(classes)
	return r
}

// RunShard trains the points of shard sh (point i when i mod sh.N =
// sh.K), o.Jobs at a time, into the sweep's folder, which the other
// shards share; "mlptrain sweep collect" then writes the sweep's files.
//
// It takes the folder lock only to set up: it refuses a folder that holds
// anything but a sweep (as Run does), one that an unsharded sweep or
// collect holds (after waiting a minute), one where the same shard runs,
// and one holding shards of another sweep (another config, search, seed
// or number of shards): *inputerr.Error values. It removes the folder's
// sweep.json, sweep.csv and sweep.png, which name every point and which
// collect writes again, and never another shard's points. Its manifest,
// runset.ManifestFile, records the sweep's definition and its points'
// results, rewritten atomically after each point; each point is locked
// while it trains.
//
// A shard run again after a crash or an interruption keeps the points its
// manifest records as finished or diverged whose run folders are whole,
// and trains the others again (a point killed mid-fit starts over).
// It returns the report of its own points, and errors as Run does.
func (s *Sweep) RunShard(ctx context.Context, o Options, sh runset.Shard) (*Report, error) {
	if err := s.CheckBy(); err != nil {
		return nil, err
	}
	var own []int
	for i := range s.Points {
		if sh.Owns(i) {
			own = append(own, i)
		}
	}
	jobs, err := runset.Jobs(o.Jobs, max(1, len(own)), func(i int) int {
		if i < len(own) {
			return s.Points[own[i]].Config.Train.Threads
		}
		return 0
	}, "points")
	if err != nil {
		return nil, err
	}
	def := s.definition()
	defJSON, err := json.Marshal(def)
	if err != nil {
		return nil, err
	}
	m := &runset.Manifest{Schema: 1, Kind: "sweep", Shard: sh.K, Shards: sh.N, Runs: own, Definition: defJSON}
	if m.Runs == nil {
		m.Runs = []int{}
	}
	f := s.folder()
	run, others, err := f.OpenShard(sh, m)
	if err != nil {
		return nil, err
	}
	defer run.Close()
	if _, err := s.checkFolder(f); err != nil {
		return nil, err
	}
	// The index names every point's folder, some of which this shard
	// replaces: collect writes it again. sweep.json first.
	for _, name := range []string{"sweep.json", "sweep.csv", "sweep.png"} {
		if err := os.Remove(filepath.Join(s.Dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, f.Error(err)
		}
	}

	results := make([]Result, len(own))
	slot := map[int]int{}
	for j, i := range own {
		p := &s.Points[i]
		results[j] = notRun(p.Index, p.Params, p.Dir, def.Classes)
		slot[i] = j
	}
	// Resume: this shard's earlier run, as its manifest records it.
	for _, prev := range others {
		if prev.Shard != sh.K {
			continue
		}
		rs, err := decodeResults(prev, def.Classes)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			j, ok := slot[r.Index]
			if ok && r.final() && runset.RunComplete(s.Points[r.Index].Dir, r.Stopped, r.EpochsRun) {
				r.Params, r.Dir = s.Points[r.Index].Params, s.Points[r.Index].Dir
				results[j] = r
			}
		}
	}
	var mu sync.Mutex
	write := func(done bool) error {
		mu.Lock()
		defer mu.Unlock()
		b, err := encodeResults(results)
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

	var todo []int // slots
	for j := range results {
		if !results[j].final() {
			todo = append(todo, j)
		}
	}
	limit := runset.JobLimit(o.MemoryLimit, jobs)
	hooks := runset.Hooks{}
	if o.Started != nil {
		hooks.Started = func(t int) { o.Started(&s.Points[own[todo[t]]]) }
	}
	if o.Done != nil {
		hooks.Done = func(t, finished int) {
			o.Done(&results[todo[t]], len(own)-len(todo)+finished, len(own))
		}
	}
	fatal := runset.Each(ctx, jobs, len(todo), hooks, func(ctx context.Context, t int) error {
		j := todo[t]
		p := &s.Points[own[j]]
		lock, err := run.LockRun(p.Index)
		if err != nil {
			return err
		}
		r, err := runPoint(ctx, p, limit)
		lock.Unlock()
		if err != nil {
			return fmt.Errorf("sweep point %s: %w", p.Params, err)
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
	rep := s.report(results, def.Classes)
	rep.Shard = &ShardInfo{K: sh.K, N: sh.N}
	if ctx.Err() != nil {
		return rep, context.Cause(ctx)
	}
	if len(results) > 0 && rep.Best == nil {
		return rep, &DivergedError{Points: len(results)}
	}
	return rep, nil
}

// Missing is a point of a collected sweep without a result, and why.
type Missing struct {
	Index  int
	Params Params
	Why    string
}

// Collected is what Collect found besides the report.
type Collected struct {
	Shards int
	// Running are the shards still running.
	Running []int
	// Missing are the points that have no result: not run yet, running,
	// interrupted, or whose shard failed.
	Missing []Missing
}

// collectHint is the hint of a folder that collect cannot merge.
const collectHint = "give the --out DIR of a sweep run with --shard K/N"

// Collect merges the shards of the sweep in dir (RunShard) into the files
// one process would have written, sweep.csv, sweep.png and sweep.json
// (which names the points' folders as the shards' --out did), and
// returns its report. Points without a result are recorded as their
// shards left them (not_run, interrupted) and listed in Collected.Missing.
// It holds the folder lock while it merges; it removes point folders
// that are not the sweep's (an earlier sweep's), and no other.
//
// A folder without shards (not a sweep's, or an unsharded sweep's), with
// shards of two sweeps (another config, search, seed or number of
// shards: the error names both manifests and the first thing that
// differs), or in use by collect or an unsharded sweep is an
// *inputerr.Error.
func Collect(dir string) (*Report, *Collected, error) {
	f := &runset.Folder{Dir: dir, Kind: "sweep", Files: sweepFiles, LockName: lockName, Member: pointName}
	lock, err := f.LockCollect()
	if err != nil {
		return nil, nil, err
	}
	defer lock.Unlock()
	ms, err := f.Manifests()
	if err != nil {
		return nil, nil, err
	}
	if len(ms) == 0 {
		what := "not a sharded sweep's folder: it holds no shard manifests (.mlptrain/shard-K-of-N.json)"
		if _, err := os.Stat(filepath.Join(dir, "sweep.json")); err == nil {
			what = "an unsharded sweep's folder, whose sweep.json is whole: there are no shards to collect"
		}
		return nil, nil, &inputerr.Error{File: dir, Err: errors.New(what), Hint: collectHint}
	}
	if ms[0].Kind != "sweep" {
		return nil, nil, &inputerr.Error{File: dir, Err: fmt.Errorf("a %s's folder, not a sweep's", ms[0].Kind), Hint: "run mlptrain " + ms[0].Kind + " collect " + dir}
	}
	for _, m := range ms[1:] {
		if err := runset.SameSet(ms[0], m, ""); err != nil {
			return nil, nil, err
		}
	}
	def, err := decodeDefinition(ms[0])
	if err != nil {
		return nil, nil, err
	}
	s := &Sweep{File: def.Config, Name: def.Name, Dir: dir, Keys: def.Keys, By: def.By, Search: Search{Random: def.Random}}
	for _, spec := range def.Ranges {
		r, err := ParseRange(spec)
		if err != nil {
			return nil, nil, &inputerr.Error{File: ms[0].Path, Key: "definition", Err: err, Hint: "was it edited? run the shards again"}
		}
		s.Search.Ranges = append(s.Search.Ranges, r)
	}
	results := make([]Result, len(def.Points))
	ours := make([]string, len(def.Points))
	for i, p := range def.Points {
		ps := make(Params, len(def.Keys))
		for j, k := range def.Keys {
			ps[j] = Param{Key: k, Text: p.Texts[j], Value: p.Values[j]}
		}
		results[i] = notRun(i, ps, p.Dir, def.Classes)
		ours[i] = filepath.Base(p.Dir)
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
		rs, err := decodeResults(m, def.Classes)
		if err != nil {
			return nil, nil, err
		}
		for _, r := range rs {
			if r.Index < 0 || r.Index >= len(results) || r.Index%n != m.Shard {
				return nil, nil, &inputerr.Error{File: m.Path, Key: "results", Err: fmt.Errorf("point %d is not this shard's", r.Index), Hint: "was it edited? run that shard again"}
			}
			p := &results[r.Index]
			r.Params, r.Dir = p.Params, p.Dir
			if r.final() && !runset.RunComplete(r.Dir, r.Stopped, r.EpochsRun) {
				incomplete[r.Index] = true
				continue
			}
			*p = r
		}
	}
	for i := range results {
		r := &results[i]
		if r.final() {
			continue
		}
		k := i % n
		why := r.Stopped
		switch {
		case !seen[k]:
			why = fmt.Sprintf("shard %d of %d has not run", k, n)
		case containsInt(info.Running, k):
			why = fmt.Sprintf("shard %d of %d is running", k, n)
		case incomplete[i]:
			why = "its run folder is not whole"
		case r.Stopped == StopNotRun:
			why = fmt.Sprintf("not run: shard %d of %d ended before it (failed or interrupted)", k, n)
		}
		info.Missing = append(info.Missing, Missing{Index: i, Params: r.Params, Why: why})
	}
	if err := f.RemoveStale(stale); err != nil {
		return nil, nil, err
	}
	rep := s.report(results, def.Classes)
	rep.Dir = def.Dir
	if err := s.write(rep); err != nil {
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
