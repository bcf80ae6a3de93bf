// Package runfolder owns a fit's run folder on disk: which entries belong
// to a run, the lock that keeps a second fit out, and the staging folder
// whose files switch in together when the run ends, so that the folder
// holds one run's files, whole, at every moment.
package runfolder

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/mlptrain/mlptrain/internal/atomicfile"
	"github.com/mlptrain/mlptrain/internal/inputerr"
)

// CheckWritable makes dir and checks that a file can be created in it, so
// that a run does not train for an hour and then fail to save, and
// removes the temporary files of a killed run there. Its error is an
// *inputerr.Error naming dir and output.dir.
func CheckWritable(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return writeError(dir, err)
	}
	f, err := os.CreateTemp(dir, ".write-test-*")
	if err != nil {
		return writeError(dir, err)
	}
	f.Close()
	if err := os.Remove(f.Name()); err != nil {
		return writeError(dir, err)
	}
	// Remove the temporary files of a process killed in the middle of a
	// write (a second Ctrl-C); the files themselves are whole.
	atomicfile.RemoveTemps(dir, Files...)
	return nil
}

// writeError is the *inputerr.Error for a run folder that cannot be
// made or written.
func writeError(dir string, err error) error {
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

// Check refuses a folder that is not a run folder: one that
// holds an entry a fit does not write (a sweep's files, a project's
// sources, a home folder), which a fit must neither litter nor clean up.
// A folder that does not exist yet, or is empty, is fine.
func Check(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return writeError(dir, err)
	}
	var foreign []string
	for _, e := range entries {
		switch {
		case !IsEntry(e.Name()):
			foreign = append(foreign, strconv.Quote(e.Name()))
		case e.IsDir() && e.Name() != MetaDir:
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

// IsEntry reports whether name is an entry a fit writes in its run
// folder: a run file, its hidden folder, or a temporary file of either
// that a killed write left.
func IsEntry(name string) bool {
	if name == MetaDir || slices.Contains(Files, name) {
		return true
	}
	for _, f := range Files {
		if strings.HasPrefix(name, "."+f+"-") {
			return true
		}
	}
	return strings.HasPrefix(name, ".write-test-")
}

// Files are the files a fit writes in its run folder.
var Files = []string{"model.json", "metrics.csv", "loss.png", "loss.svg", "lr.png", "boundary.png", "fit.png", "roc.png", "pr.png", "config.yaml", "report.json", "checkpoint.json"}

// The entries of a run folder's hidden folder .mlptrain (MetaDir).
const (
	MetaDir = ".mlptrain"
	// lockName is the lock file, flock(2)ed by the fit writing the folder
	// and holding its process ID; removed when the fit ends, left behind
	// by one killed.
	lockName = "lock"
	// NextName is the staging folder: the files of the run in progress,
	// its checkpoints while it trains, then all the others.
	NextName = "next"
	// switchName is the staging folder of a run whose files are all
	// written, renamed so while they are moved into the run folder.
	switchName = "switch"
	// manifestName, in the staging folder, lists the run's files, one
	// per line, for the switch: what was moved is no longer in it.
	manifestName = ".files"
)

// Folder is a run folder that this process holds, to write a run into.
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
// continues from it (train.LoadCheckpoint), a fit without --resume discards it.
type Folder struct {
	Dir  string
	lock *atomicfile.Lock
	// Resumed is the staging folder's checkpoint.json, if the run
	// continues from it; else "".
	Resumed string

	// Moved, for tests, is called after each file the switch moves.
	Moved func(name string)
}

// Open makes dir if need be, takes its lock, finishes a switch
// that a killed fit left half done, and empties the staging folder but
// for the checkpoint the run resumes from (resume: the path of the checkpoint
// the run continues from, or ""). A folder that another fit
// holds is refused with an *inputerr.Error naming dir and that fit's
// process ID.
func Open(dir, resume string) (*Folder, error) {
	if err := Check(dir); err != nil {
		return nil, err
	}
	f := &Folder{Dir: dir}
	var lock *atomicfile.Lock
	var err error
	// A fit that ends removes .mlptrain if it is empty, which may come
	// between making it and creating the lock file in it.
	for range 10 {
		if err = os.MkdirAll(f.path(""), 0o755); err != nil {
			return nil, writeError(dir, err)
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
		return nil, writeError(dir, err)
	}
	f.lock = lock
	if resume != "" && sameFile(resume, f.Staged("checkpoint.json")) {
		f.Resumed = f.Staged("checkpoint.json")
	}
	// The temporary files of a write killed before runs were staged.
	atomicfile.RemoveTemps(dir, Files...)
	if err := f.finishSwitch(); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.clearNext(f.Resumed != ""); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// path returns the path of name in the folder's .mlptrain.
func (f *Folder) path(name string) string { return filepath.Join(f.Dir, MetaDir, name) }

// Staged returns the path of name in the staging folder.
func (f *Folder) Staged(name string) string { return filepath.Join(f.Dir, MetaDir, NextName, name) }

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
func (f *Folder) clearNext(keepCheckpoint bool) error {
	next := f.Staged("")
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
		return writeError(f.Dir, err)
	}
	return nil
}

// Commit switches the staging folder's files into the run folder.
func (f *Folder) Commit() error {
	entries, err := os.ReadDir(f.Staged(""))
	if err != nil {
		return writeError(f.Dir, err)
	}
	var names []string
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	if err := atomicfile.Write(f.Staged(manifestName), func(w io.Writer) error {
		_, err := io.WriteString(w, strings.Join(names, "\n")+"\n")
		return err
	}); err != nil {
		return err
	}
	if err := atomicfile.SyncDir(f.Staged("")); err != nil {
		return err
	}
	if err := os.Rename(f.Staged(""), f.path(switchName)); err != nil {
		return writeError(f.Dir, err)
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
func (f *Folder) finishSwitch() error {
	sw := f.path(switchName)
	manifest, err := os.ReadFile(filepath.Join(sw, manifestName))
	if errors.Is(err, fs.ErrNotExist) {
		if _, serr := os.Stat(sw); errors.Is(serr, fs.ErrNotExist) {
			return nil
		}
	}
	if err != nil {
		return writeError(f.Dir, err)
	}
	names := strings.Fields(string(manifest))
	for _, name := range Files {
		if slices.Contains(names, name) {
			continue
		}
		if err := os.Remove(filepath.Join(f.Dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return writeError(f.Dir, err)
		}
	}
	for _, name := range names {
		err := os.Rename(filepath.Join(sw, name), filepath.Join(f.Dir, name))
		if errors.Is(err, fs.ErrNotExist) { // moved before
			continue
		}
		if err != nil {
			return writeError(f.Dir, err)
		}
		if f.Moved != nil {
			f.Moved(name)
		}
	}
	if err := os.RemoveAll(sw); err != nil {
		return writeError(f.Dir, err)
	}
	return atomicfile.SyncDir(f.Dir)
}

// Fail cleans up after a run that failed before its switch: the staging
// folder keeps only the run's last checkpoint, and the run folder, the
// previous run. It returns err, a failure of the file system (a full
// disk) made an *inputerr.Error naming the file.
func (f *Folder) Fail(err error) error {
	f.clearNext(true)
	var fe *atomicfile.Error
	if !errors.As(err, &fe) || inputerr.Is(err) {
		return err
	}
	hint := fe.Hint() + "; the run folder is left as it was"
	if _, serr := os.Lstat(f.Staged("checkpoint.json")); serr == nil {
		hint += fmt.Sprintf(", and fit CONFIG --resume %s finishes this run", f.Dir)
	}
	return &inputerr.Error{File: fe.Path, Key: "output.dir", Err: fmt.Errorf("cannot write the run folder: %w", fe.Err), Hint: hint}
}

// Close releases the folder: it removes the staging folder if it is
// empty, the lock, and .mlptrain if it is empty then (after a switch),
// so that a folder holds nothing but the run's files.
func (f *Folder) Close() {
	os.Remove(f.Staged(""))
	f.lock.Unlock()
	os.Remove(f.path(""))
}

// NextCheckpoint returns where the run that began in dir last, and did not
// finish, keeps its checkpoint.
func NextCheckpoint(dir string) string {
	return filepath.Join(dir, MetaDir, NextName, "checkpoint.json")
}

// Unfinished reports whether the checkpoint file is such a run's
// (NextCheckpoint).
func Unfinished(file string) bool {
	return filepath.Base(filepath.Dir(file)) == NextName && filepath.Base(filepath.Dir(filepath.Dir(file))) == MetaDir
}
