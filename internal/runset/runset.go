// Package runset owns what the commands that run many fits into one folder
// share (sweep's points, cv's folds): the folder that holds the runs'
// folders beside the command's own files (its lock, its refusal of any
// other folder, an earlier set's files kept aside while the new one
// trains, and its stale run folders), and the pool that trains the runs
// some at once.
package runset

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/mlptrain/mlptrain/internal/atomicfile"
	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/mlptrain/mlptrain/internal/runfolder"
	"github.com/mlptrain/mlptrain/internal/sysmem"
)

// Folder is the folder of one set of runs: the set's own files and one run
// folder per run, named as Member matches, and while a set runs, its lock
// file.
type Folder struct {
	Dir string
	// Kind names the command in messages: "sweep", "cv".
	Kind string
	// Files are the files the set writes in its folder, its index (the
	// JSON that names the run folders) last.
	Files []string
	// LockName is the lock file, in Dir.
	LockName string
	// Member matches the names of the set's run folders.
	Member *regexp.Regexp
}

// previousSuffix names where SetAside keeps an earlier set's file f:
// ".f-previous". Like atomicfile's temporary files (".f-" and digits), it
// is removed by atomicfile.RemoveTemps when a killed set left it.
const previousSuffix = "-previous"

// IsRunFolder reports whether dir is a folder that holds nothing but what a
// fit writes.
func IsRunFolder(dir string) bool {
	fi, err := os.Lstat(dir)
	if err != nil || !fi.IsDir() {
		return false
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if !runfolder.IsEntry(e.Name()) {
			return false
		}
	}
	return true
}

// IsMember reports whether dir is one of the set's run folders: named as
// Member matches, and holding nothing but what a fit writes.
func (f *Folder) IsMember(dir string) bool {
	return f.Member.MatchString(filepath.Base(dir)) && IsRunFolder(dir)
}

// isOwnEntry reports whether name is a file the set writes in its folder:
// one of Files, a temporary or kept-aside copy of one, its lock, its
// shards' state (MetaDir), or CheckWritable's test file.
func (f *Folder) isOwnEntry(name string) bool {
	if name == f.LockName || slices.Contains(f.Files, name) || strings.HasPrefix(name, ".write-test-") {
		return true
	}
	if name == MetaDir {
		return f.isShardState()
	}
	for _, file := range f.Files {
		if strings.HasPrefix(name, "."+file+"-") {
			return true
		}
	}
	return false
}

// isShardState reports whether the folder's MetaDir holds shards' state
// only, and none of a fit's (its lock, staging folder or switch).
func (f *Folder) isShardState() bool {
	entries, err := os.ReadDir(filepath.Join(f.Dir, MetaDir))
	if err != nil {
		return false
	}
	for _, e := range entries {
		if n := e.Name(); n == "lock" || n == runfolder.NextName || n == "switch" {
			return false
		}
	}
	return true
}

// Error is the *inputerr.Error about the folder, for err.
func (f *Folder) Error(err error) error {
	hint := "choose another folder with --out DIR"
	if h, ok := atomicfile.ErrnoHint(err); ok {
		hint = h
	}
	return &inputerr.Error{File: f.Dir, Key: "--out", Err: fmt.Errorf("cannot write the %s folder: %w", f.Kind, inputerr.PathCause(err)), Hint: hint}
}

// Open makes the folder if need be (runfolder.CheckWritable), takes its
// lock and removes the temporary files of a killed write. Another set
// holding the lock is an *inputerr.Error naming the folder and that set's
// process ID. The caller unlocks the lock.
func (f *Folder) Open() (*atomicfile.Lock, error) {
	if err := runfolder.CheckWritable(f.Dir); err != nil {
		return nil, err
	}
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
	// The temporary files of a killed write, and the files of an earlier
	// set that a killed set had set aside.
	atomicfile.RemoveTemps(f.Dir, f.Files...)
	return l, nil
}

// Check refuses a folder that is not one of this kind: one holding an
// entry that is neither the set's file nor a run folder named as Member
// matches (a fit's run folder, another command's folder, a project). It
// returns the run folders of an earlier set whose names are not among
// ours (base names), which RemoveStale removes once the new set has
// trained.
func (f *Folder) Check(ours []string) (stale []string, err error) {
	entries, err := os.ReadDir(f.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, f.Error(err)
	}
	var foreign []string
	runFolder := true // whether every foreign entry is a fit's
	for _, e := range entries {
		name := e.Name()
		switch {
		case f.isOwnEntry(name):
		case f.IsMember(filepath.Join(f.Dir, name)):
			if !slices.Contains(ours, name) {
				stale = append(stale, filepath.Join(f.Dir, name))
			}
		default:
			foreign = append(foreign, strconv.Quote(name))
			runFolder = runFolder && runfolder.IsEntry(name)
		}
	}
	if len(foreign) == 0 {
		return stale, nil
	}
	more := ""
	if len(foreign) > 3 {
		foreign, more = foreign[:3], fmt.Sprintf(" and %d more", len(foreign)-3)
	}
	what := "not a " + f.Kind + " folder"
	if runFolder {
		what += " but a fit's run folder"
	}
	return nil, &inputerr.Error{File: f.Dir, Key: "--out",
		Err:  fmt.Errorf("%s: it holds %s%s, which a %s does not write", what, strings.Join(foreign, ", "), more, f.Kind),
		Hint: "choose a new or empty folder, or an earlier " + f.Kind + "'s, with --out DIR"}
}

// SetAside renames the earlier set's files, if any, out of the way before
// the first run trains, so that the folder never holds an index listing
// another set's runs: each file f becomes .f-previous.
func (f *Folder) SetAside() error {
	for _, file := range f.Files {
		err := os.Rename(filepath.Join(f.Dir, file), filepath.Join(f.Dir, "."+file+previousSuffix))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return f.Error(err)
		}
	}
	return nil
}

// Restore puts back what SetAside kept, for a set that failed before any
// of its runs wrote its folder: the earlier set is then whole again.
func (f *Folder) Restore() {
	for _, file := range f.Files {
		os.Rename(filepath.Join(f.Dir, "."+file+previousSuffix), filepath.Join(f.Dir, file))
	}
}

// DropPrevious removes what SetAside kept.
func (f *Folder) DropPrevious() {
	for _, file := range f.Files {
		os.Remove(filepath.Join(f.Dir, "."+file+previousSuffix))
	}
}

// RemoveStale removes the run folders dirs, those that Check found and
// those of the set's runs that did not run (an earlier set's, by the same
// name), each if it is a member (IsMember).
func (f *Folder) RemoveStale(dirs []string) error {
	for _, d := range dirs {
		if !f.IsMember(d) {
			continue
		}
		if err := os.RemoveAll(d); err != nil {
			return f.Error(err)
		}
	}
	return nil
}

// Jobs returns the number of runs trained at once for the option jobs (0
// means GOMAXPROCS), at most n, the number of runs. When that is more than
// one, a run whose train.threads (threads(i)) is positive is an error, an
// *inputerr.Error naming --jobs: a fit would set GOMAXPROCS, which is
// process-wide, under the other runs' feet. noun names the runs in the
// message ("points", "folds").
func Jobs(jobs, n int, threads func(i int) int, noun string) (int, error) {
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	jobs = max(1, min(jobs, n))
	if jobs == 1 {
		return 1, nil
	}
	for i := range n {
		if th := threads(i); th > 0 {
			return 0, &inputerr.Error{Key: "--jobs",
				Err:  fmt.Errorf("train.threads is %d, which sets GOMAXPROCS for the whole process, so %d %s training at once would change it under each other", th, jobs, noun),
				Hint: "use --jobs 1 to keep train.threads, or --set train.threads=0 and let --jobs bound the parallelism"}
		}
	}
	return jobs, nil
}

// Hooks report a pool's progress. Each is called with the pool's lock
// held, so one at a time.
type Hooks struct {
	// Started, if not nil, is called when run i starts.
	Started func(i int)
	// Done, if not nil, is called when run i has finished without error,
	// with the number finished so far.
	Done func(i, finished int)
}

// Each runs task(ctx, i) for i = 0, …, n−1, starting them in order, jobs
// at a time (jobs ≥ 1). A task's error cancels the context of the running
// tasks (with that error as its cause), and no more start: Each returns the
// first such error once the running tasks have returned. Cancelling ctx
// starts no more tasks either; the running ones see it, and Each returns
// nil. Each task writes its own result (a slot of its own): Each shares
// nothing between them.
func Each(ctx context.Context, jobs, n int, h Hooks, task func(ctx context.Context, i int) error) error {
	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		mu       sync.Mutex
		fatal    error
		finished int
		wg       sync.WaitGroup
	)
	next := make(chan int)
	for range max(1, jobs) {
		wg.Go(func() {
			for i := range next {
				mu.Lock()
				if h.Started != nil {
					h.Started(i)
				}
				mu.Unlock()
				err := task(runCtx, i)
				mu.Lock()
				if err != nil {
					if fatal == nil {
						fatal = err
						cancel(fatal)
					}
				} else {
					finished++
					if h.Done != nil {
						h.Done(i, finished)
					}
				}
				mu.Unlock()
			}
		})
	}
dispatch:
	for i := range n {
		if runCtx.Err() != nil {
			break
		}
		select {
		case next <- i:
		case <-runCtx.Done():
			break dispatch
		}
	}
	close(next)
	wg.Wait()
	return fatal
}

// JobLimit returns each of jobs concurrent runs' share of the memory
// limit l (nil: the default limit, sysmem.Default).
func JobLimit(l *sysmem.Limit, jobs int) sysmem.Limit {
	limit := sysmem.Default()
	if l != nil {
		limit = *l
	}
	if jobs > 1 && limit.Bytes > 0 {
		limit = sysmem.Limit{Bytes: limit.Bytes / int64(jobs), Source: fmt.Sprintf("a %d-job share of %s", jobs, limit.Source)}
	}
	return limit
}
