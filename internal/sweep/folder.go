package sweep

import (
	"path/filepath"
	"regexp"

	"github.com/mlptrain/mlptrain/internal/runset"
)

// A sweep folder holds one sweep: its table (sweepFiles) and its points'
// run folders, and while a sweep runs, its lock file. Run refuses any other
// folder, and leaves no point folder of an earlier sweep that the new one
// does not have. internal/runset does the work, for cv's folders too.

// sweepFiles are the files a sweep writes in its folder. sweep.json is
// written last: it names the point folders the folder holds.
var sweepFiles = []string{"sweep.csv", "sweep.png", "sweep.json"}

// lockName is the sweep folder's lock file, which a running sweep holds.
const lockName = ".mlptrain-sweep.lock"

// pointName matches the folder names Plan gives points:
// <index>_<key=value,...>, sanitized.
var pointName = regexp.MustCompile(`^[0-9]+_[A-Za-z0-9._=,+-]+$`)

// folder returns the sweep's folder.
func (s *Sweep) folder() *runset.Folder {
	return &runset.Folder{Dir: s.Dir, Kind: "sweep", Files: sweepFiles, LockName: lockName, Member: pointName}
}

// checkFolder refuses a folder that is not a sweep folder (runset's
// Folder.Check). It returns the point folders of an earlier sweep that
// this one does not have, which Run removes once it has trained.
func (s *Sweep) checkFolder(f *runset.Folder) (stale []string, err error) {
	ours := make([]string, len(s.Points))
	for i, p := range s.Points {
		ours[i] = filepath.Base(p.Dir)
	}
	return f.Check(ours)
}

// removeStale removes the point folders of earlier sweeps that this one
// does not hold: those of stale, which checkFolder found, and the folders
// of this sweep's points that did not run (an earlier sweep's, by the same
// name).
func removeStale(f *runset.Folder, stale []string, results []Result) error {
	for _, r := range results {
		if r.Stopped == StopNotRun {
			stale = append(stale, r.Dir)
		}
	}
	return f.RemoveStale(stale)
}
