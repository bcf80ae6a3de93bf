package train

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkPrepareTabular times what fit does before training on
// bench/tabular.sh's file ($MLPTRAIN_TABULAR_DATA or /tmp/tab1m.csv, if it
// exists): read the CSV, encode the categorical columns one-hot, scale
// the numeric ones and encode the labels, as PrepareWithin does.
func BenchmarkPrepareTabular(b *testing.B) {
	path := os.Getenv("MLPTRAIN_TABULAR_DATA")
	if path == "" {
		path = filepath.Join(os.TempDir(), "tab1m.csv")
	}
	if _, err := os.Stat(path); err != nil {
		b.Skipf("no tabular data: %v (make it with bench/gen_tabular.py)", err)
	}
	cfg := parseTestConfig(b, b.TempDir(), fmt.Sprintf(`
data: {train: %s, target: label, validation: 0, normalize: standardize}
model: {layers: [{units: 64, activation: relu}, {units: 3, activation: softmax}], loss: cross_entropy}
train: {optimizer: adam, batch_size: 512, epochs: 1, checkpoint_every: 0}
`, q(path)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PrepareWithin(cfg, MemoryLimit{}); err != nil {
			b.Fatal(err)
		}
	}
}
