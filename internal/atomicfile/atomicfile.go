package atomicfile

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Write writes a file that appears whole or not at all: write
// fills a temporary file in the same folder, which is synced, closed and
// renamed over path. On any error, or a panic in write, the temporary
// file is removed and an existing file at path is left as it was. Only a
// process killed mid-write leaves its temporary file, ".BASE-" and digits,
// beside path, for RemoveTemps. Errors name path and wrap the cause.
func Write(path string, write func(w io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+"-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	renamed := false
	defer func() {
		if !renamed {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	if err = write(bw); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Chmod(0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	renamed = true
	return nil
}

// RemoveTemps removes from dir the temporary files that a Write of each of
// names (base names, such as "model.json") left when its process was
// killed mid-write. It must not run while such a Write is under way, and
// it ignores errors: a file it cannot remove stays.
func RemoveTemps(dir string, names ...string) {
	for _, name := range names {
		stale, _ := filepath.Glob(filepath.Join(dir, "."+name+"-*"))
		for _, f := range stale {
			os.Remove(f)
		}
	}
}
