//go:build linux

package train

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/mlptrain/mlptrain/internal/runfolder"
)

// TestFitConfigFullDisk fills a small tmpfs mounted for the test (as
// root; skipped otherwise) while a run writes its pictures: the run
// fails with an input error naming the file and the full disk, and the
// folder still holds the previous run. Before, the failed run (exit 1)
// had replaced the previous run's model.json.
func TestFitConfigFullDisk(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	dir := t.TempDir()
	disk := filepath.Join(dir, "disk")
	if err := os.Mkdir(disk, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", disk, "tmpfs", 0, "size=1m"); err != nil {
		t.Skipf("cannot mount a tmpfs: %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(disk, 0); err != nil {
			t.Errorf("unmount %s: %v", disk, err)
		}
	})
	out := filepath.Join(disk, "run")
	if _, err := fitInto(t, dir, runFolderConfig(t, dir, out, 1), FitOptions{Pictures: pictures("run A\n", nil, "loss.png", "boundary.png")}); err != nil {
		t.Fatal(err)
	}
	a := snapshot(t, out)

	huge := strings.Repeat("a picture larger than the disk\n", 1<<16) // 2 MiB
	run, err := fitInto(t, dir, runFolderConfig(t, dir, out, 2), FitOptions{Pictures: pictures(huge, nil, "loss.png")})
	var e *inputerr.Error
	if !errors.As(err, &e) || run != nil || !errors.Is(err, syscall.ENOSPC) ||
		e.File != filepath.Join(out, runfolder.MetaDir, runfolder.NextName, "loss.png") || !strings.Contains(err.Error(), "no space left on device") || !strings.Contains(e.Hint, "free some space") {
		t.Fatalf("FitConfig = %v, %v; want an input error naming loss.png and the full disk, with a hint", run, err)
	}
	checkSnapshot(t, out, a, "the previous run")

	// The failed run's files but its checkpoint are gone: there is room
	// for the next run.
	if _, err := fitInto(t, dir, runFolderConfig(t, dir, out, 3), FitOptions{Pictures: pictures("run C\n", nil, "loss.png")}); err != nil {
		t.Fatal(err)
	}
	if c := snapshot(t, out); c["loss.png"] != "run C\n" || c["boundary.png"] != "" {
		t.Errorf("after run C the folder holds %q", slices.Sorted(maps.Keys(c)))
	}
	checkNoTemps(t, out)
}
