package train

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"

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
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return folderError(dir, err)
	}
	f, err := os.CreateTemp(dir, ".write-test-*")
	if err != nil {
		return folderError(dir, err)
	}
	f.Close()
	if err := os.Remove(f.Name()); err != nil {
		return folderError(dir, err)
	}
	// Remove the temporary files of a process killed in the middle of a
	// write (a second Ctrl-C); the files themselves are whole.
	atomicfile.RemoveTemps(dir, runFiles...)
	return nil
}

// folderError is the *inputerr.Error for a run folder that cannot be
// made or written.
func folderError(dir string, err error) error {
	hint := "choose another folder with --out DIR"
	if h, ok := atomicfile.ErrnoHint(err); ok && !folderFault(err) {
		hint = h // a full disk, a failing device: not the folder's fault
	}
	return &inputerr.Error{File: dir, Key: "output.dir", Err: fmt.Errorf("cannot write the run folder: %w", inputerr.PathCause(err)),
		Hint: hint}
}

// folderFault reports whether err says that the folder itself cannot be
// written (its permissions, a read-only mount, a file in its path).
func folderFault(err error) bool {
	for _, e := range []error{syscall.EACCES, syscall.EPERM, syscall.EROFS, syscall.ENOTDIR, syscall.EISDIR, syscall.ENOENT} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// checkRunFolder refuses a folder that is not a run folder: one that
// holds an entry a fit does not write (a sweep's files, a project's
// sources, a home folder), which a fit must neither litter nor clean up.
// A folder that does not exist yet, or is empty, is fine.
func checkRunFolder(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return folderError(dir, err)
	}
	var foreign []string
	for _, e := range entries {
		switch {
		case !IsRunEntry(e.Name()):
			foreign = append(foreign, strconv.Quote(e.Name()))
		case e.IsDir() && e.Name() != metaDir:
			foreign = append(foreign, strconv.Quote(e.Name())+" (a folder)")
		}
	}
	if len(foreign) == 0 {
		return nil
	}
	more := ""
	if len(foreign) > 3 {
		foreign, more = foreign[:3], fmt.Sprintf(" and %d more", len(foreign)-3)
	}
	return &inputerr.Error{File: dir, Key: "output.dir",
		Err:  fmt.Errorf("not a run folder: it holds %s%s, which a fit does not write", strings.Join(foreign, ", "), more),
		Hint: "choose a new or empty folder, or an earlier run's, with --out DIR"}
}

// IsRunEntry reports whether name is an entry a fit writes in its run
// folder: a run file, its hidden folder, or a temporary file of either
// that a killed write left.
func IsRunEntry(name string) bool {
	if name == metaDir || slices.Contains(runFiles, name) {
		return true
	}
	for _, f := range runFiles {
		if strings.HasPrefix(name, "."+f+"-") {
			return true
		}
	}
	return strings.HasPrefix(name, ".write-test-")
}

// runFiles are the files a run folder may hold.
var runFiles = []string{"model.json", "metrics.csv", "loss.png", "loss.svg", "boundary.png", "fit.png", "roc.png", "pr.png", "config.yaml", "report.json", "checkpoint.json"}

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
	p, err := Interruptible(ctx, reading, func() (*Problem, error) { return PrepareWithin(cfg, limit) })
	if err != nil {
		return nil, err
	}
	if o.Resume != nil && o.Resume.unchecked {
		p.Warnings = append(p.Warnings, fmt.Sprintf(uncheckedWarning, o.Resume.path))
	}
	var test *data.Dataset
	if cfg.Data.Test != "" {
		test, err = Interruptible(ctx, reading, func() (*data.Dataset, error) {
			return data.ReadFile(cfg.Data.Test, data.Options{
				Delimiter: []rune(cfg.Data.Delimiter)[0], Targets: []string(cfg.Data.Target),
				Classify: Classify(cfg.Model.Loss), Classes: p.Classes, WantFeatures: p.Features,
				MaxBytes: limit.Bytes, MaxBytesSource: limit.Source,
			})
		})
		if err != nil {
			return nil, err
		}
		transform(p.Poly, p.Scaler, test)
	}
	dir := cfg.Output.Dir
	f, err := openRunFolder(dir, o.Resume)
	if err != nil {
		return nil, err
	}
	defer f.close()
	o.Checkpoint, o.CheckpointEvery = f.staged("checkpoint.json"), cfg.Train.CheckpointEvery
	res, err := Fit(ctx, p, o)
	if err != nil {
		return nil, f.fail(err)
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
			return nil, f.fail(err)
		}
		rep.Test = &tm
	}
	run := &Run{Report: rep, Result: res, Problem: p}
	if err := run.write(f.staged(""), o.Pictures); err != nil {
		return nil, f.fail(err)
	}
	if err := f.commit(); err != nil {
		return nil, f.fail(err)
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

// The entries of a run folder's hidden folder .mlptrain (metaDir).
const (
	metaDir = ".mlptrain"
	// lockName is the lock file, flock(2)ed by the fit writing the folder
	// and holding its process ID; removed when the fit ends, left behind
	// by one killed.
	lockName = "lock"
	// nextName is the staging folder: the files of the run in progress,
	// its checkpoints while it trains, then all the others.
	nextName = "next"
	// switchName is the staging folder of a run whose files are all
	// written, renamed so while they are moved into the run folder.
	switchName = "switch"
	// manifestName, in the staging folder, lists the run's files, one
	// per line, for the switch: what was moved is no longer in it.
	manifestName = ".files"
)

// runFolder is a run folder that this process holds, to write a run into.
//
// The new run's files go to the staging folder, .mlptrain/next. Once all
// are written, commit lists them in its manifest and renames it to
// .mlptrain/switch: that one rename is the switch, after which the folder
// is the new run's. Then the previous run's files that the new run lacks
// are removed and the new ones renamed into the folder, replacing the
// old. A process killed in between (a second Ctrl-C, a power cut) leaves
// .mlptrain/switch, which the next fit in the folder moves in first
// (finishSwitch): a folder never stays a mix of two runs.
//
// A run that fails before the switch leaves the previous run as it was;
// of its own files only its last checkpoint stays, in .mlptrain/next,
// and so does the checkpoint of a run killed while training: fit --resume
// continues from it (LoadCheckpoint), a fit without --resume discards it.
type runFolder struct {
	dir  string
	lock *atomicfile.Lock
	// resumed is the staging folder's checkpoint.json, if the run
	// continues from it; else "".
	resumed string

	// moved, for tests, is called after each file the switch moves.
	moved func(name string)
}

// openRunFolder makes dir if need be, takes its lock, finishes a switch
// that a killed fit left half done, and empties the staging folder but
// for the checkpoint the run resumes from. A folder that another fit
// holds is refused with an *inputerr.Error naming dir and that fit's
// process ID.
func openRunFolder(dir string, resume *Checkpoint) (*runFolder, error) {
	if err := checkRunFolder(dir); err != nil {
		return nil, err
	}
	f := &runFolder{dir: dir}
	var lock *atomicfile.Lock
	var err error
	// A fit that ends removes .mlptrain if it is empty, which may come
	// between making it and creating the lock file in it.
	for range 10 {
		if err = os.MkdirAll(f.path(""), 0o755); err != nil {
			return nil, folderError(dir, err)
		}
		if lock, err = atomicfile.TryLock(f.path(lockName)); !errors.Is(err, fs.ErrNotExist) {
			break
		}
	}
	var le *atomicfile.LockedError
	switch {
	case errors.As(err, &le):
		who := "another fit"
		if le.PID > 0 {
			who = fmt.Sprintf("another fit (process %d)", le.PID)
		}
		return nil, &inputerr.Error{File: dir, Key: "output.dir", Err: fmt.Errorf("the run folder is in use by %s", who),
			Hint: "wait until it ends, or choose another folder with --out DIR"}
	case err != nil:
		return nil, folderError(dir, err)
	}
	f.lock = lock
	if resume != nil && sameFile(resume.path, f.staged("checkpoint.json")) {
		f.resumed = f.staged("checkpoint.json")
	}
	// The temporary files of a write killed before runs were staged.
	atomicfile.RemoveTemps(dir, runFiles...)
	if err := f.finishSwitch(); err != nil {
		f.close()
		return nil, err
	}
	if err := f.clearNext(f.resumed != ""); err != nil {
		f.close()
		return nil, err
	}
	return f, nil
}

// path returns the path of name in the folder's .mlptrain.
func (f *runFolder) path(name string) string { return filepath.Join(f.dir, metaDir, name) }

// staged returns the path of name in the staging folder.
func (f *runFolder) staged(name string) string { return filepath.Join(f.dir, metaDir, nextName, name) }

// sameFile reports whether the paths a and b name one existing file.
func sameFile(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}

// clearNext makes the staging folder empty, but for its checkpoint.json
// if keepCheckpoint.
func (f *runFolder) clearNext(keepCheckpoint bool) error {
	next := f.staged("")
	entries, err := os.ReadDir(next)
	if errors.Is(err, fs.ErrNotExist) {
		err = os.Mkdir(next, 0o755)
	}
	for _, e := range entries {
		if keepCheckpoint && e.Name() == "checkpoint.json" {
			continue
		}
		if rerr := os.RemoveAll(filepath.Join(next, e.Name())); err == nil {
			err = rerr
		}
	}
	if err != nil {
		return folderError(f.dir, err)
	}
	return nil
}

// commit switches the staging folder's files into the run folder.
func (f *runFolder) commit() error {
	entries, err := os.ReadDir(f.staged(""))
	if err != nil {
		return folderError(f.dir, err)
	}
	var names []string
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	if err := atomicfile.Write(f.staged(manifestName), func(w io.Writer) error {
		_, err := io.WriteString(w, strings.Join(names, "\n")+"\n")
		return err
	}); err != nil {
		return err
	}
	if err := atomicfile.SyncDir(f.staged("")); err != nil {
		return err
	}
	if err := os.Rename(f.staged(""), f.path(switchName)); err != nil {
		return folderError(f.dir, err)
	}
	if err := atomicfile.SyncDir(f.path("")); err != nil {
		return err
	}
	return f.finishSwitch()
}

// finishSwitch moves the files of .mlptrain/switch, if it exists, into
// the run folder: it removes the run files that the new run lacks (its
// manifest lists its files), renames each of the new run's files still
// in .mlptrain/switch over the old, and removes .mlptrain/switch. A
// process killed in the middle leaves the rest to move there, so that
// running it again finishes the switch.
func (f *runFolder) finishSwitch() error {
	sw := f.path(switchName)
	manifest, err := os.ReadFile(filepath.Join(sw, manifestName))
	if errors.Is(err, fs.ErrNotExist) {
		if _, serr := os.Stat(sw); errors.Is(serr, fs.ErrNotExist) {
			return nil
		}
	}
	if err != nil {
		return folderError(f.dir, err)
	}
	names := strings.Fields(string(manifest))
	for _, name := range runFiles {
		if slices.Contains(names, name) {
			continue
		}
		if err := os.Remove(filepath.Join(f.dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return folderError(f.dir, err)
		}
	}
	for _, name := range names {
		err := os.Rename(filepath.Join(sw, name), filepath.Join(f.dir, name))
		if errors.Is(err, fs.ErrNotExist) { // moved before
			continue
		}
		if err != nil {
			return folderError(f.dir, err)
		}
		if f.moved != nil {
			f.moved(name)
		}
	}
	if err := os.RemoveAll(sw); err != nil {
		return folderError(f.dir, err)
	}
	return atomicfile.SyncDir(f.dir)
}

// fail cleans up after a run that failed before its switch: the staging
// folder keeps only the run's last checkpoint, and the run folder, the
// previous run. It returns err, a failure of the file system (a full
// disk) made an *inputerr.Error naming the file.
func (f *runFolder) fail(err error) error {
	f.clearNext(true)
	var fe *atomicfile.Error
	if !errors.As(err, &fe) || inputerr.Is(err) {
		return err
	}
	hint := fe.Hint() + "; the run folder is left as it was"
	if _, serr := os.Lstat(f.staged("checkpoint.json")); serr == nil {
		hint += fmt.Sprintf(", and fit CONFIG --resume %s finishes this run", f.dir)
	}
	return &inputerr.Error{File: fe.Path, Key: "output.dir", Err: fmt.Errorf("cannot write the run folder: %w", fe.Err), Hint: hint}
}

// close releases the folder: it removes the staging folder if it is
// empty, the lock, and .mlptrain if it is empty then (after a switch),
// so that a folder holds nothing but the run's files.
func (f *runFolder) close() {
	os.Remove(f.staged(""))
	f.lock.Unlock()
	os.Remove(f.path(""))
}
