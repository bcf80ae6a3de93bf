package runfolder

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/inputerr"
)

// TestIsEntry checks which names belong to a run folder: its files, its
// hidden folder and the temporary files a killed write leaves.
func TestIsEntry(t *testing.T) {
	t.Parallel()
	for i, test := range []struct {
		name string
		want bool
	}{
		{"model.json", true}, {"loss.png", true}, {".mlptrain", true},
		{".model.json-12345", true}, {".write-test-9", true},
		{"notes.txt", false}, {"sweep.json", false}, {".bashrc", false}, {"model.json.bak", false},
	} {
		if got := IsEntry(test.name); got != test.want {
			t.Errorf("unexpected result for test %d: IsEntry(%q) = %v, want %v", i, test.name, got, test.want)
		}
	}
}

// TestCheck checks that a folder holding anything a fit does not write,
// or a run file that is a folder, is refused naming it; a missing or
// empty folder, or an earlier run's, is a run folder.
func TestCheck(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := Check(filepath.Join(dir, "missing")); err != nil {
		t.Errorf("Check(missing folder) = %v, want nil", err)
	}
	run := filepath.Join(dir, "run")
	for _, name := range []string{"model.json", "metrics.csv"} {
		if err := os.MkdirAll(run, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(run, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := Check(run); err != nil {
		t.Errorf("Check(an earlier run) = %v, want nil", err)
	}
	if err := os.Mkdir(filepath.Join(run, "loss.png"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(run, "notes.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	err := Check(run)
	var e *inputerr.Error
	if !errors.As(err, &e) || e.File != run || e.Key != "output.dir" ||
		!strings.Contains(err.Error(), `"loss.png" (a folder)`) || !strings.Contains(err.Error(), `"notes.txt"`) {
		t.Errorf("Check(a folder with notes.txt and a folder loss.png) = %v, want an input error naming both", err)
	}
}

// TestUnfinished checks where an unfinished run's checkpoint is, and that
// it is recognised as one.
func TestUnfinished(t *testing.T) {
	t.Parallel()
	p := NextCheckpoint("runs/iris")
	if p != filepath.Join("runs/iris", ".mlptrain", "next", "checkpoint.json") || !Unfinished(p) || Unfinished("runs/iris/checkpoint.json") {
		t.Errorf("NextCheckpoint = %q, Unfinished of it %v, of the folder's own %v", p, Unfinished(p), Unfinished("runs/iris/checkpoint.json"))
	}
}
