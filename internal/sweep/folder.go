package sweep

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/mlptrain/mlptrain/internal/atomicfile"
	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/mlptrain/mlptrain/internal/runfolder"
)

// A sweep folder holds one sweep: its table (sweepFiles) and its points'
// run folders, and while a sweep runs, its lock file. Run refuses any other
// folder, and leaves no point folder of an earlier sweep that the new one
// does not have.

// sweepFiles are the files a sweep writes in its folder. sweep.json is
// written last: it names the point folders the folder holds.
var sweepFiles = []string{"sweep.csv", "sweep.png", "sweep.json"}

// lockName is the sweep folder's lock file, which a running sweep holds.
const lockName = ".mlptrain-sweep.lock"

// previousSuffix names where Run keeps an earlier sweep's table while it
// trains: ".sweep.json-previous" beside sweep.json. Like atomicfile's
// temporary files (".sweep.json-" and digits), it is removed by
// atomicfile.RemoveTemps when a killed sweep left it.
const previousSuffix = "-previous"

// pointName matches the folder names Plan gives points:
// <index>_<key=value,...>, sanitized.
var pointName = regexp.MustCompile(`^[0-9]+_[A-Za-z0-9._=,+-]+$`)

// isRunEntry is runfolder.IsEntry: the one list of what a fit writes.
var isRunEntry = runfolder.IsEntry

// isRunFolder reports whether dir is a folder that holds nothing but what a
// fit writes.
func isRunFolder(dir string) bool {
	fi, err := os.Lstat(dir)
	if err != nil || !fi.IsDir() {
		return false
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if !isRunEntry(e.Name()) {
			return false
		}
	}
	return true
}

// isSweepEntry reports whether name, in a sweep folder, is a file a sweep
// writes there: its table, a temporary or kept-aside copy of it, its lock,
// or CheckWritable's test file.
func isSweepEntry(name string) bool {
	if name == lockName || slices.Contains(sweepFiles, name) || strings.HasPrefix(name, ".write-test-") {
		return true
	}
	for _, f := range sweepFiles {
		if strings.HasPrefix(name, "."+f+"-") {
			return true
		}
	}
	return false
}

// folderError is the *inputerr.Error about the sweep folder dir.
func folderError(dir string, err error) error {
	hint := "choose another folder with --out DIR"
	if h, ok := atomicfile.ErrnoHint(err); ok {
		hint = h
	}
	return &inputerr.Error{File: dir, Key: "--out", Err: fmt.Errorf("cannot write the sweep folder: %w", inputerr.PathCause(err)), Hint: hint}
}

// lock takes the sweep folder's lock, which must exist. Another sweep
// holding it is an *inputerr.Error naming the folder and that sweep's
// process ID.
func (s *Sweep) lock() (*atomicfile.Lock, error) {
	l, err := atomicfile.TryLock(filepath.Join(s.Dir, lockName))
	var le *atomicfile.LockedError
	switch {
	case errors.As(err, &le):
		who := "another sweep"
		if le.PID > 0 {
			who = fmt.Sprintf("another sweep (process %d)", le.PID)
		}
		return nil, &inputerr.Error{File: s.Dir, Key: "--out", Err: fmt.Errorf("the sweep folder is in use by %s", who),
			Hint: "wait until it ends, or choose another folder with --out DIR"}
	case err != nil:
		return nil, folderError(s.Dir, err)
	}
	return l, nil
}

// checkFolder refuses a folder that is not a sweep folder: one holding an
// entry that is neither a sweep's file nor a run folder named as a sweep
// names its points (a fit's run folder, a cv folder, a project). It
// returns the point folders of an earlier sweep that this one does not
// have, which Run removes once it has trained.
func (s *Sweep) checkFolder() (stale []string, err error) {
	entries, err := os.ReadDir(s.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, folderError(s.Dir, err)
	}
	ours := map[string]bool{}
	for _, p := range s.Points {
		ours[filepath.Base(p.Dir)] = true
	}
	var foreign []string
	runFolder := true // whether every foreign entry is a fit's
	for _, e := range entries {
		name := e.Name()
		switch {
		case isSweepEntry(name):
		case pointName.MatchString(name) && isRunFolder(filepath.Join(s.Dir, name)):
			if !ours[name] {
				stale = append(stale, filepath.Join(s.Dir, name))
			}
		default:
			foreign = append(foreign, strconv.Quote(name))
			runFolder = runFolder && isRunEntry(name)
		}
	}
	if len(foreign) == 0 {
		return stale, nil
	}
	more := ""
	if len(foreign) > 3 {
		foreign, more = foreign[:3], fmt.Sprintf(" and %d more", len(foreign)-3)
	}
	what := "not a sweep folder"
	if runFolder {
		what += " but a fit's run folder"
	}
	return nil, &inputerr.Error{File: s.Dir, Key: "--out",
		Err:  fmt.Errorf("%s: it holds %s%s, which a sweep does not write", what, strings.Join(foreign, ", "), more),
		Hint: "choose a new or empty folder, or an earlier sweep's, with --out DIR"}
}

// setAside renames the earlier sweep's table, if any, out of the way
// before the first point trains, so that the folder never holds a
// sweep.json listing another sweep's points: each file f becomes .f-previous.
func (s *Sweep) setAside() error {
	for _, f := range sweepFiles {
		err := os.Rename(filepath.Join(s.Dir, f), filepath.Join(s.Dir, "."+f+previousSuffix))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return folderError(s.Dir, err)
		}
	}
	return nil
}

// restore puts back the earlier sweep's table that setAside kept, for a
// sweep that failed before any of its points wrote its folder: the earlier
// sweep is then whole again.
func (s *Sweep) restore() {
	for _, f := range sweepFiles {
		os.Rename(filepath.Join(s.Dir, "."+f+previousSuffix), filepath.Join(s.Dir, f))
	}
}

// dropPrevious removes what setAside kept.
func (s *Sweep) dropPrevious() {
	for _, f := range sweepFiles {
		os.Remove(filepath.Join(s.Dir, "."+f+previousSuffix))
	}
}

// removeStale removes the point folders of earlier sweeps that this one
// does not hold: those of dirs, which checkFolder found, and the folders
// of this sweep's points that did not run (an earlier sweep's, by the same
// name).
func (s *Sweep) removeStale(stale []string, results []Result) error {
	for _, r := range results {
		if r.Stopped == StopNotRun && pointName.MatchString(filepath.Base(r.Dir)) && isRunFolder(r.Dir) {
			stale = append(stale, r.Dir)
		}
	}
	for _, d := range stale {
		if err := os.RemoveAll(d); err != nil {
			return folderError(s.Dir, err)
		}
	}
	return nil
}
