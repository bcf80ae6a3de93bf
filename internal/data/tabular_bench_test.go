package data

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkReadFileTabular reads bench/tabular.sh's file of 1,000,000
// rows (4 numeric columns, 2 categorical ones of 250 string levels and a
// class label), from $MLPTRAIN_TABULAR_DATA or /tmp/tab1m.csv, if it
// exists, with the options fit reads it with (data.missing's default).
func BenchmarkReadFileTabular(b *testing.B) {
	path := os.Getenv("MLPTRAIN_TABULAR_DATA")
	if path == "" {
		path = filepath.Join(os.TempDir(), "tab1m.csv")
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Skipf("no tabular data: %v (make it with bench/gen_tabular.py)", err)
	}
	opt := Options{Targets: []string{"label"}, Classify: true, Missing: DefaultMissing}
	b.SetBytes(fi.Size())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadFile(path, opt); err != nil {
			b.Fatal(err)
		}
	}
}
