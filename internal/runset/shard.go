package runset

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mlptrain/mlptrain/internal/atomicfile"
	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/mlptrain/mlptrain/internal/runfolder"
)

// # Shards
//
// A set of runs (a sweep's points, a cv's folds) may be split into N
// shards that run as separate processes, on one machine or many (a Slurm
// job array, a Kubernetes Indexed Job), into one shared folder. Run i
// belongs to shard K (numbered from 0, as SLURM_ARRAY_TASK_ID of
// --array=0-2 and JOB_COMPLETION_INDEX are) when i mod N = K.
//
// Each shard keeps its state in the folder's MetaDir:
//
//	shard-K-of-N.json   its manifest: the set's definition and its runs' results (rewritten atomically after each run)
//	shard-K-of-N.lock   held (flock) while the shard runs: one process per shard
//	run-I.lock          held while run I trains
//
// The folder lock (Folder.LockName) is held by an unsharded set for its
// whole life, by collect while it merges, and by a shard only while it
// sets up (checks the folder, reads the other manifests, writes its own).
// A shard deletes nothing but its own runs' unfinished folders (which the
// fit replaces) and the folder's index, which collect writes again.

// MetaDir is the hidden folder of a sharded set's state.
const MetaDir = runfolder.MetaDir

// MaxShards is the largest number of shards.
const MaxShards = 100_000

// Shard is one of N disjoint parts of a set's runs: run i is shard K's
// when i mod N = K, K from 0 to N−1.
type Shard struct {
	K, N int
	// From says where K and N came from, for messages: "--shard 1/3",
	// "SLURM_ARRAY_TASK_ID=1".
	From string
}

// Owns reports whether run i is the shard's.
func (s Shard) Owns(i int) bool { return i%s.N == s.K }

// String is "shard K of N".
func (s Shard) String() string { return fmt.Sprintf("shard %d of %d", s.K, s.N) }

// shardExample is the hint of a malformed --shard.
const shardExample = "write --shard K/N with K from 0 to N-1 (the first of 3 shards is 0/3, as SLURM_ARRAY_TASK_ID of sbatch --array=0-2 numbers it), or --shard auto in a Slurm job array or a Kubernetes Indexed Job"

// ParseShard parses --shard spec: "K/N", or "auto", which reads the task
// of a Slurm job array (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT, and
// SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_STEP where set: task IDs
// MIN, MIN+STEP, … are shards 0, 1, …) or, failing that, the index of a
// Kubernetes Indexed Job (JOB_COMPLETION_INDEX, with N from --shards,
// shards, since a pod is not told the number of completions). shards is
// 0 when --shards is not given; it is allowed with auto only, and under
// Slurm must equal SLURM_ARRAY_TASK_COUNT. getenv reads the environment.
// Errors are *inputerr.Error values naming the flag or the variable.
func ParseShard(spec string, shards int, getenv func(string) string) (Shard, error) {
	spec = strings.TrimSpace(spec)
	if spec != "auto" {
		if shards != 0 {
			return Shard{}, &inputerr.Error{Key: "--shards", Err: errors.New("--shards is read with --shard auto only"),
				Hint: "give the number of shards in --shard K/N, or use --shard auto --shards N in a Kubernetes Indexed Job"}
		}
		k, n, ok := strings.Cut(spec, "/")
		ki, kerr := strconv.Atoi(strings.TrimSpace(k))
		ni, nerr := strconv.Atoi(strings.TrimSpace(n))
		if !ok || kerr != nil || nerr != nil {
			return Shard{}, &inputerr.Error{Key: "--shard " + spec, Err: errors.New("want K/N, two whole numbers, or auto"), Hint: shardExample}
		}
		return checkShard(ki, ni, "--shard "+spec)
	}
	if id := getenv("SLURM_ARRAY_TASK_ID"); id != "" {
		return slurmShard(id, shards, getenv)
	}
	if idx := getenv("JOB_COMPLETION_INDEX"); idx != "" {
		k, err := strconv.Atoi(strings.TrimSpace(idx))
		if err != nil {
			return Shard{}, &inputerr.Error{Key: "JOB_COMPLETION_INDEX", Err: fmt.Errorf("want a whole number, got %q", idx),
				Hint: "it is set by Kubernetes in an Indexed Job's pods; give --shard K/N otherwise"}
		}
		if shards <= 0 {
			return Shard{}, &inputerr.Error{Key: "--shard auto", Err: fmt.Errorf("JOB_COMPLETION_INDEX is %d, but the number of shards is unknown: Kubernetes does not tell a pod its Job's completions", k),
				Hint: "add --shards N, N the Job's spec.completions (docs/scale.md)"}
		}
		return checkShard(k, shards, fmt.Sprintf("JOB_COMPLETION_INDEX=%d with --shards %d", k, shards))
	}
	return Shard{}, &inputerr.Error{Key: "--shard auto", Err: errors.New("neither SLURM_ARRAY_TASK_ID (a Slurm job array's task) nor JOB_COMPLETION_INDEX (a Kubernetes Indexed Job's pod) is set"),
		Hint: "run it as a task of sbatch --array=0-2 or in an Indexed Job (docs/scale.md), or give --shard K/N"}
}

// slurmShard is the shard of the Slurm array task id.
func slurmShard(id string, shards int, getenv func(string) string) (Shard, error) {
	num := func(name, s string, def int) (int, error) {
		if strings.TrimSpace(s) == "" {
			if def >= 0 {
				return def, nil
			}
			return 0, &inputerr.Error{Key: name, Err: fmt.Errorf("not set, but SLURM_ARRAY_TASK_ID is (%s)", id),
				Hint: "Slurm sets it in a job array's tasks; add --shards N, the array's size, if your Slurm does not"}
		}
		v, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return 0, &inputerr.Error{Key: name, Err: fmt.Errorf("want a whole number, got %q", s), Hint: "it is set by Slurm in a job array's tasks; give --shard K/N otherwise"}
		}
		return v, nil
	}
	task, err := num("SLURM_ARRAY_TASK_ID", id, -1)
	if err != nil {
		return Shard{}, err
	}
	lo, err := num("SLURM_ARRAY_TASK_MIN", getenv("SLURM_ARRAY_TASK_MIN"), 0)
	if err != nil {
		return Shard{}, err
	}
	step, err := num("SLURM_ARRAY_TASK_STEP", getenv("SLURM_ARRAY_TASK_STEP"), 1)
	if err != nil {
		return Shard{}, err
	}
	def := -1
	if shards > 0 {
		def = shards
	}
	n, err := num("SLURM_ARRAY_TASK_COUNT", getenv("SLURM_ARRAY_TASK_COUNT"), def)
	if err != nil {
		return Shard{}, err
	}
	if shards > 0 && n != shards {
		return Shard{}, &inputerr.Error{Key: "--shards", Err: fmt.Errorf("%d, but the Slurm array has %d tasks (SLURM_ARRAY_TASK_COUNT)", shards, n),
			Hint: "leave out --shards under Slurm: the array's size is the number of shards"}
	}
	step = max(step, 1)
	from := fmt.Sprintf("SLURM_ARRAY_TASK_ID=%d", task)
	if (task-lo)%step != 0 || task < lo {
		return Shard{}, &inputerr.Error{Key: "SLURM_ARRAY_TASK_ID", Err: fmt.Errorf("task %d is not one of %d, %d, … (SLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_STEP)", task, lo, lo+step),
			Hint: "submit a contiguous array such as sbatch --array=0-2"}
	}
	s, err := checkShard((task-lo)/step, n, from)
	if err != nil {
		var ie *inputerr.Error
		if errors.As(err, &ie) {
			ie.Hint = "submit a contiguous array such as sbatch --array=0-2, whose tasks are the shards; a list such as --array=1,5,7 cannot be numbered"
		}
	}
	return s, err
}

// checkShard checks K from 0 to N−1, N from 1 to MaxShards.
func checkShard(k, n int, from string) (Shard, error) {
	switch {
	case n < 1 || n > MaxShards:
		return Shard{}, &inputerr.Error{Key: from, Err: fmt.Errorf("the number of shards must be from 1 to %d, got %d", MaxShards, n), Hint: shardExample}
	case k < 0 || k >= n:
		return Shard{}, &inputerr.Error{Key: from, Err: fmt.Errorf("shard %d of %d does not exist: shards are numbered from 0 to %d", k, n, n-1),
			Hint: fmt.Sprintf("shards count from 0, as SLURM_ARRAY_TASK_ID of sbatch --array=0-%d and JOB_COMPLETION_INDEX do", n-1)}
	}
	return Shard{K: k, N: n, From: from}, nil
}

// manifestName matches the manifests' names, shard-K-of-N.json.
var manifestName = regexp.MustCompile(`^shard-([0-9]+)-of-([0-9]+)\.json$`)

// ManifestFile is the name of shard s's manifest, in MetaDir.
func ManifestFile(s Shard) string { return fmt.Sprintf("shard-%d-of-%d.json", s.K, s.N) }

// shardLockFile is the name of shard s's lock, in MetaDir.
func shardLockFile(s Shard) string { return fmt.Sprintf("shard-%d-of-%d.lock", s.K, s.N) }

// Manifest is a shard's record of its part of a set: the set's
// definition (the same in every shard of one set, as collect checks) and
// the results of its runs, in the JSON the set's kind decides.
type Manifest struct {
	Schema int    `json:"schema"`
	Kind   string `json:"kind"`
	Shard  int    `json:"shard"`
	Shards int    `json:"shards"`
	// Runs are the indices of the shard's runs.
	Runs []int `json:"runs"`
	// Done says that the shard ended (each run finished, diverged, was
	// interrupted or failed); false while it runs, or if it was killed.
	Done       bool            `json:"done"`
	Definition json.RawMessage `json:"definition"`
	Results    json.RawMessage `json:"results"`

	// Path is the manifest's file, when read.
	Path string `json:"-"`
}

// metaPath is the path of name in the folder's MetaDir.
func (f *Folder) metaPath(name string) string { return filepath.Join(f.Dir, MetaDir, name) }

// Manifests reads every shard manifest in the folder, in order of N and
// K. A manifest that cannot be read or decoded is an *inputerr.Error
// naming it.
func (f *Folder) Manifests() ([]*Manifest, error) {
	entries, err := os.ReadDir(filepath.Join(f.Dir, MetaDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, f.Error(err)
	}
	var ms []*Manifest
	for _, e := range entries {
		if !manifestName.MatchString(e.Name()) {
			continue
		}
		p := f.metaPath(e.Name())
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, &inputerr.Error{File: p, Err: fmt.Errorf("cannot read a shard's manifest: %w", inputerr.PathCause(err))}
		}
		m := &Manifest{}
		if err := json.Unmarshal(b, m); err != nil || m.Schema != 1 {
			if err == nil {
				err = fmt.Errorf("schema %d, want 1", m.Schema)
			}
			return nil, &inputerr.Error{File: p, Err: fmt.Errorf("not a shard manifest that this mlptrain reads: %w", err),
				Hint: "was it edited, or written by another version? run that shard again"}
		}
		m.Path = p
		ms = append(ms, m)
	}
	slices.SortFunc(ms, func(a, b *Manifest) int {
		if a.Shards != b.Shards {
			return a.Shards - b.Shards
		}
		return a.Shard - b.Shard
	})
	return ms, nil
}

// SameSet returns an *inputerr.Error, naming both manifests, unless b is a
// shard of the same set as a: the same kind, number of shards and
// definition. what names b when it is not yet written ("this shard").
func SameSet(a, b *Manifest, what string) error {
	if what == "" {
		what = b.Path
	}
	if b.Path == "" && a.Kind == b.Kind && a.Shards != b.Shards {
		return &inputerr.Error{File: a.Path, Key: "--shard", Err: fmt.Errorf("the folder holds one of %d shards of a %s, but %s is one of %d: shards of one %s must agree on N", a.Shards, a.Kind, what, b.Shards, a.Kind),
			Hint: "give every shard the same N; or, to start over, remove " + filepath.Dir(a.Path) + " (its shards' state) while no shard runs"}
	}
	hint := "give each set its own --out DIR; or, to start this one over, remove " + filepath.Dir(a.Path) + " (its shards' state) while no shard runs"
	switch {
	case a.Kind != b.Kind:
		return &inputerr.Error{File: what, Err: fmt.Errorf("a %s shard, but %s is a %s shard", b.Kind, a.Path, a.Kind), Hint: hint}
	case a.Shards != b.Shards:
		return &inputerr.Error{File: what, Err: fmt.Errorf("one of %d shards, but %s is one of %d: shards of one %s must agree on N", b.Shards, a.Path, a.Shards, a.Kind), Hint: hint}
	}
	field, va, vb := diffJSON(a.Definition, b.Definition)
	if field == "" {
		return nil
	}
	if b.Path == "" { // a shard about to start: a is in its way
		return &inputerr.Error{File: a.Path, Key: field,
			Err: fmt.Errorf("the folder holds a shard of another %s: %s there, %s for %s", a.Kind, va, vb, what), Hint: hint}
	}
	return &inputerr.Error{File: b.Path, Key: field,
		Err: fmt.Errorf("a shard of another %s than %s: %s here, %s there", a.Kind, a.Path, vb, va), Hint: hint}
}

// diffJSON returns the first top-level member whose value differs
// between the objects a and b, with both values (shortened), or "".
func diffJSON(a, b json.RawMessage) (field, va, vb string) {
	a, b = compact(a), compact(b)
	if bytes.Equal(a, b) {
		return "", "", ""
	}
	var ma, mb map[string]json.RawMessage
	if json.Unmarshal(a, &ma) != nil || json.Unmarshal(b, &mb) != nil {
		return "definition", short(a), short(b)
	}
	keys := make([]string, 0, len(ma)+len(mb))
	for k := range ma {
		keys = append(keys, k)
	}
	for k := range mb {
		if _, ok := ma[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	// The members a user sets first: they say best what differs.
	first := []string{"config", "config_sha256", "keys", "grids", "ranges", "random", "seed", "by", "folds", "dir"}
	slices.SortStableFunc(keys, func(x, y string) int {
		ix, iy := slices.Index(first, x), slices.Index(first, y)
		if ix < 0 {
			ix = len(first)
		}
		if iy < 0 {
			iy = len(first)
		}
		return ix - iy
	})
	for _, k := range keys {
		if ma[k], mb[k] = compact(ma[k]), compact(mb[k]); !bytes.Equal(ma[k], mb[k]) {
			return k, short(ma[k]), short(mb[k])
		}
	}
	return "", "", "" // the same members, in another order
}

// compact is b without insignificant space (b itself if it is not JSON).
func compact(b json.RawMessage) json.RawMessage {
	if b == nil {
		return nil
	}
	var c bytes.Buffer
	if json.Compact(&c, b) != nil {
		return b
	}
	return c.Bytes()
}

// short is b cut to 80 bytes.
func short(b json.RawMessage) string {
	if b == nil {
		return "(none)"
	}
	if len(b) > 80 {
		return string(b[:77]) + "..."
	}
	return string(b)
}

// ShardRun is a shard that this process runs in the folder: it holds the
// shard's lock until Close.
type ShardRun struct {
	f     *Folder
	Shard Shard
	lock  *atomicfile.Lock
	// setup is the folder lock, held from OpenShard to EndSetup.
	setup *atomicfile.Lock
}

// setupWait is how long OpenShard waits for the folder lock, which other
// shards hold for a moment while they set up.
const setupWait = 60 * time.Second

// OpenShard makes the folder if need be, takes the folder lock (waiting
// while other shards set up), then shard s's lock, and reads the
// manifests in the folder. A manifest of another set (SameSet with own,
// this shard's manifest to be) is refused, and so is a folder an unsharded
// set holds, or where shard s already runs: *inputerr.Error values naming
// the folder. The folder lock stays held until EndSetup, so that the
// caller can check the folder and write its manifest first.
func (f *Folder) OpenShard(s Shard, own *Manifest) (*ShardRun, []*Manifest, error) {
	if err := runfolder.CheckWritable(f.Dir); err != nil {
		return nil, nil, err
	}
	deadline := time.Now().Add(setupWait)
	var setup *atomicfile.Lock
	for {
		l, err := f.lockFolder()
		if err == nil {
			setup = l
			break
		}
		if !inputerr.Is(err) || time.Now().After(deadline) {
			return nil, nil, err
		}
		time.Sleep(50 * time.Millisecond)
	}
	fail := func(err error) (*ShardRun, []*Manifest, error) {
		setup.Unlock()
		return nil, nil, err
	}
	if err := os.MkdirAll(filepath.Join(f.Dir, MetaDir), 0o755); err != nil {
		return fail(f.Error(err))
	}
	l, err := atomicfile.TryLock(f.metaPath(shardLockFile(s)))
	var le *atomicfile.LockedError
	switch {
	case errors.As(err, &le):
		who := "another process"
		if le.PID > 0 {
			who = fmt.Sprintf("process %d", le.PID)
		}
		return fail(&inputerr.Error{File: f.Dir, Key: "--shard", Err: fmt.Errorf("%s of this %s already runs here (%s)", s, f.Kind, who),
			Hint: "wait until it ends; each shard runs once at a time"})
	case err != nil:
		return fail(f.Error(err))
	}
	atomicfile.RemoveTemps(filepath.Join(f.Dir, MetaDir), ManifestFile(s))
	ms, err := f.Manifests()
	if err == nil {
		for _, m := range ms {
			if err = SameSet(m, own, "this "+s.String()); err != nil {
				break
			}
		}
	}
	if err != nil {
		l.Unlock()
		return fail(err)
	}
	return &ShardRun{f: f, Shard: s, lock: l, setup: setup}, ms, nil
}

// lockFolder takes the folder lock, as Open does.
func (f *Folder) lockFolder() (*atomicfile.Lock, error) {
	l, err := atomicfile.TryLock(filepath.Join(f.Dir, f.LockName))
	var le *atomicfile.LockedError
	switch {
	case errors.As(err, &le):
		who := "another " + f.Kind
		if le.PID > 0 {
			who = fmt.Sprintf("another %s (process %d)", f.Kind, le.PID)
		}
		return nil, &inputerr.Error{File: f.Dir, Key: "--out", Err: fmt.Errorf("the %s folder is in use by %s", f.Kind, who),
			Hint: "wait until it ends, or choose another folder with --out DIR"}
	case err != nil:
		return nil, f.Error(err)
	}
	return l, nil
}

// EndSetup releases the folder lock, letting other shards set up.
func (r *ShardRun) EndSetup() {
	if r.setup != nil {
		r.setup.Unlock()
		r.setup = nil
	}
}

// Close releases the shard's locks.
func (r *ShardRun) Close() {
	r.EndSetup()
	r.lock.Unlock()
}

// WriteManifest writes the shard's manifest atomically.
func (r *ShardRun) WriteManifest(m *Manifest) error {
	m.Schema, m.Kind, m.Shard, m.Shards = 1, r.f.Kind, r.Shard.K, r.Shard.N
	err := atomicfile.Write(r.f.metaPath(ManifestFile(r.Shard)), func(w io.Writer) error {
		b, err := json.MarshalIndent(m, "", "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	})
	if err != nil {
		return r.f.Error(err)
	}
	return nil
}

// LockRun takes run i's lock, held while it trains. Another process
// holding it is an *inputerr.Error.
func (r *ShardRun) LockRun(i int) (*atomicfile.Lock, error) {
	l, err := atomicfile.TryLock(r.f.metaPath("run-" + strconv.Itoa(i) + ".lock"))
	var le *atomicfile.LockedError
	switch {
	case errors.As(err, &le):
		return nil, &inputerr.Error{File: r.f.Dir, Key: "--shard", Err: fmt.Errorf("run %d of the %s is trained by another process (%d)", i, r.f.Kind, le.PID),
			Hint: "two shards of one set overlap: give every shard the same N"}
	case err != nil:
		return nil, r.f.Error(err)
	}
	return l, nil
}

// RunsShards reports which shards of the manifests ms are running now:
// their locks are held by another process.
func (f *Folder) RunningShards(ms []*Manifest) []int {
	var running []int
	for _, m := range ms {
		p := f.metaPath(shardLockFile(Shard{K: m.Shard, N: m.Shards}))
		if _, err := os.Stat(p); err != nil {
			continue // no lock file: nobody took it since it was last released
		}
		l, err := atomicfile.TryLock(p)
		var le *atomicfile.LockedError
		if errors.As(err, &le) {
			running = append(running, m.Shard)
			continue
		}
		if err == nil {
			l.Unlock()
		}
	}
	return running
}

// LockCollect takes the folder lock for collect, which an unsharded set
// or another collect may hold (an *inputerr.Error naming the folder).
func (f *Folder) LockCollect() (*atomicfile.Lock, error) {
	fi, err := os.Stat(f.Dir)
	if err != nil || !fi.IsDir() {
		if err == nil {
			err = errors.New("not a folder")
		}
		return nil, &inputerr.Error{File: f.Dir, Err: fmt.Errorf("not a %s folder: %w", f.Kind, inputerr.PathCause(err)),
			Hint: "give the --out DIR of the " + f.Kind + "'s shards"}
	}
	return f.lockFolder()
}

// DropShards is for an unsharded set, which holds the folder lock: it
// refuses (an *inputerr.Error) while a shard runs in the folder, and
// otherwise removes the shards' state, whose runs it replaces.
func (f *Folder) DropShards() error {
	meta := filepath.Join(f.Dir, MetaDir)
	entries, err := os.ReadDir(meta)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return f.Error(err)
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".lock") {
			continue
		}
		l, err := atomicfile.TryLock(filepath.Join(meta, e.Name()))
		var le *atomicfile.LockedError
		if errors.As(err, &le) {
			return &inputerr.Error{File: f.Dir, Key: "--out", Err: fmt.Errorf("the %s folder is in use by a shard (process %d)", f.Kind, le.PID),
				Hint: "wait until the shards end and run collect, or choose another folder with --out DIR"}
		}
		if err == nil {
			l.Unlock()
		}
	}
	if err := os.RemoveAll(meta); err != nil {
		return f.Error(err)
	}
	return nil
}

// RunComplete reports whether dir holds a whole run whose report.json
// says it stopped as stopped after epochs epochs: no fit is under way or
// was killed there (no MetaDir).
func RunComplete(dir, stopped string, epochs int) bool {
	if _, err := os.Stat(filepath.Join(dir, MetaDir)); !errors.Is(err, fs.ErrNotExist) {
		return false
	}
	b, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		return false
	}
	var r struct {
		Stopped   string `json:"stopped"`
		EpochsRun int    `json:"epochs_run"`
	}
	return json.Unmarshal(b, &r) == nil && r.Stopped == stopped && r.EpochsRun == epochs
}
