package sweep

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/atomicfile"
	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/inputerr"
)

// runSweep plans and runs a sweep of grids into out, with one epoch.
func runSweep(t *testing.T, load Loader, out string, grids ...Grid) (*Report, error) {
	t.Helper()
	s, err := Plan(load, []config.Override{{Key: "train.epochs", Value: "1"}}, grids, out)
	if err != nil {
		t.Fatal(err)
	}
	return s.Run(t.Context(), Options{Jobs: 1})
}

// entries returns the names in dir, sorted.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// sweepDirs returns the point folders that dir's sweep.json lists, as
// base names.
func sweepDirs(t *testing.T, dir string) []string {
	t.Helper()
	var doc struct {
		Points []struct {
			Dir string `json:"dir"`
		} `json:"points"`
	}
	if err := json.Unmarshal([]byte(readSweepJSON(t, dir)), &doc); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range doc.Points {
		names = append(names, filepath.Base(p.Dir))
	}
	return names
}

func TestSweepRunRefusesFolder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	load := sweepTestLoader(t, dir, "")
	for _, tc := range []struct {
		name  string
		files []string // made in the folder; a trailing / makes a folder
		want  string
	}{
		{"run folder", []string{"model.json", "metrics.csv", "report.json", ".mlptrain/", ".mlptrain/next/"}, `not a sweep folder but a fit's run folder: it holds ".mlptrain", "metrics.csv", "model.json" and 1 more, which a sweep does not write (hint: choose a new or empty folder, or an earlier sweep's, with --out DIR)`},
		{"foreign files", []string{"notes.txt", "sweep.json"}, `not a sweep folder: it holds "notes.txt", which a sweep does not write`},
		{"point name, not a run folder", []string{"0_train.seed=1/", "0_train.seed=1/notes.txt"}, `not a sweep folder: it holds "0_train.seed=1", which`},
		{"cv folder", []string{"cv.json", "fold_0/", "fold_0/model.json"}, `it holds "cv.json", "fold_0", which`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_"))
			for _, f := range append([]string{""}, tc.files...) {
				p := filepath.Join(out, f)
				if f == "" || strings.HasSuffix(f, "/") {
					if err := os.MkdirAll(p, 0o755); err != nil {
						t.Fatal(err)
					}
				} else if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			before := entries(t, out)
			_, err := runSweep(t, load, out, Grid{"train.seed", []string{"1", "2"}})
			var ie *inputerr.Error
			if !errors.As(err, &ie) || ie.File != out || ie.Key != "--out" || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Run into %s: error %v, want an *inputerr.Error naming the folder and --out, with %q", tc.files, err, tc.want)
			}
			if after := entries(t, out); !slices.Equal(after, before) {
				t.Errorf("the refused folder changed: %q, was %q", after, before)
			}
		})
	}
}

func TestSweepRunReplacesEarlier(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	load := sweepTestLoader(t, dir, "")
	out := filepath.Join(dir, "sw")
	if _, err := runSweep(t, load, out, Grid{"train.l2", []string{"0", "1"}}, Grid{"train.seed", []string{"1", "2"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := runSweep(t, load, out, Grid{"train.l2", []string{"0", "1"}}); err != nil {
		t.Fatalf("a sweep into an earlier sweep's folder: %v", err)
	}
	want := []string{"0_train.l2=0", "1_train.l2=1", "sweep.csv", "sweep.json", "sweep.png"}
	if got := entries(t, out); !slices.Equal(got, want) {
		t.Errorf("after a 4-point sweep and a 2-point one, the folder holds %q, want %q", got, want)
	}
	if got := sweepDirs(t, out); !slices.Equal(got, want[:2]) {
		t.Errorf("sweep.json lists %q, want %q", got, want[:2])
	}

	// A sweep that fails before any point wrote its folder leaves the
	// earlier one whole.
	before, err := os.ReadFile(filepath.Join(out, "sweep.json"))
	if err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.csv")
	_, err = runSweep(t, load, out, Grid{"data.train", []string{missing}})
	if err == nil || !strings.Contains(err.Error(), "missing.csv") {
		t.Fatalf("a sweep of a missing CSV: error %v", err)
	}
	if got := entries(t, out); !slices.Equal(got, want) {
		t.Errorf("after a failed sweep, the folder holds %q, want the earlier sweep's %q", got, want)
	}
	if after, err := os.ReadFile(filepath.Join(out, "sweep.json")); err != nil || string(after) != string(before) {
		t.Errorf("a failed sweep changed the earlier sweep.json (%v)", err)
	}

	// A sweep interrupted before it starts holds its own points only:
	// not_run, with no folders.
	s, err := Plan(load, nil, []Grid{{"train.l2", []string{"1", "2"}}}, out)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := contextCancelled(t)
	defer cancel()
	if _, err := s.Run(ctx, Options{Jobs: 1}); err == nil {
		t.Fatal("an interrupted sweep returned no error")
	}
	if got, want := entries(t, out), []string{"sweep.csv", "sweep.json", "sweep.png"}; !slices.Equal(got, want) {
		t.Errorf("after an interrupted sweep, the folder holds %q, want %q", got, want)
	}
}

func TestSweepRunLocked(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	load := sweepTestLoader(t, dir, "")
	out := filepath.Join(dir, "sw")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	lock, err := atomicfile.TryLock(filepath.Join(out, lockName))
	if err != nil {
		t.Fatal(err)
	}
	_, err = runSweep(t, load, out, Grid{"train.seed", []string{"1", "2"}})
	want := fmt.Sprintf("%s: --out: the sweep folder is in use by another sweep (process %d) (hint: wait until it ends, or choose another folder with --out DIR)", out, os.Getpid())
	if !inputerr.Is(err) || err.Error() != want {
		t.Fatalf("a sweep into a locked folder: error %v, want %q", err, want)
	}
	if got := entries(t, out); !slices.Equal(got, []string{lockName}) {
		t.Errorf("the locked folder holds %q", got)
	}
	if err := lock.Unlock(); err != nil {
		t.Fatal(err)
	}

	// A killed holder leaves the file, with its process ID, but no lock.
	if err := os.WriteFile(filepath.Join(out, lockName), []byte("999999999\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := runSweep(t, load, out, Grid{"train.seed", []string{"1", "2"}}); err != nil {
		t.Fatalf("a killed holder's lock file blocks: %v", err)
	}
	if got := entries(t, out); slices.Contains(got, lockName) {
		t.Errorf("the sweep left its lock file: %q", got)
	}
}
