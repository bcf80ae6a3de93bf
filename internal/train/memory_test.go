package train

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/inputerr"
)

// TestPrepareRefusesMemory checks that a feature map too large for the
// memory limit is refused before it is allocated, naming the key, the
// estimate and the limit, and hinting at --max-memory (the issue's
// digits at degree 4: 814,384 features, a 9 GB design matrix, OOM-killed
// at 23 GB). Not parallel: it measures allocations.
func TestPrepareRefusesMemory(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 9))
	var b strings.Builder
	const rows, cols = 200, 30
	for j := range cols {
		fmt.Fprintf(&b, "p%d,", j)
	}
	b.WriteString("label\n")
	for range rows {
		for range cols {
			fmt.Fprintf(&b, "%d,", rng.IntN(17))
		}
		fmt.Fprintf(&b, "%d\n", rng.IntN(3))
	}
	path := writeTestFile(t, dir, "digits.csv", b.String())
	cfg := parseTestConfig(t, dir, fmt.Sprintf(`data: {train: %s, target: label, validation: 0.2, feature_map: {polynomial: 4}}
model: {layers: [{units: 8, activation: relu}, {activation: softmax}]}`, q(path)))
	// C(34, 4) − 1 = 46,375 features: 74 MB of design matrix.
	const limit = 16 << 20
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := PrepareWithin(cfg, MemoryLimit{Bytes: limit, Source: "--max-memory"})
	runtime.ReadMemStats(&after)
	var e *inputerr.Error
	if !errors.As(err, &e) {
		t.Fatalf("PrepareWithin: %v, want an input error", err)
	}
	for _, want := range []string{"training needs about", "200 rows × 46375 inputs", "more than the limit of 16 MiB (--max-memory)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if e.Key != "data.feature_map.polynomial" || !strings.Contains(e.Hint, "--max-memory") {
		t.Errorf("key %q, hint %q; want data.feature_map.polynomial and a hint at --max-memory", e.Key, e.Hint)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > limit/4 {
		t.Errorf("refusing allocated %d MB: the matrix was made before the check", got>>20)
	}
	// Without a limit, or within one, it is prepared.
	if _, err := PrepareWithin(cfg, MemoryLimit{}); err != nil {
		t.Errorf("PrepareWithin without a limit: %v", err)
	}
}

// TestEstimateMemory checks the estimate against the matrices training
// keeps, counted by hand for a small config.
func TestEstimateMemory(t *testing.T) {
	t.Parallel()
	cfg := parseTestConfig(t, t.TempDir(), `data: {train: a.csv, target: y}
model: {layers: [{units: 10, activation: tanh}, {activation: softmax}]}
train: {optimizer: adam, batch_size: 50}`)
	e := estimateMemory(cfg, 800, 200, 4, 4, 3)
	params := 4*10 + 10 + 10*3 + 3
	wantData := int64(8 * (1000*4 + 1000*3 + 800*3 + 1000*4))
	graph := func(r int) int64 { return int64(8 * (r*4 + r*3 + 6*r*13 + params)) }
	wantGraphs := 2*graph(50) + graph(1000)
	wantModel := int64(params * (8*(4+2) + 48))
	if e.data != wantData || e.graphs != wantGraphs || e.model != wantModel || e.params != params {
		t.Errorf("estimate %+v, want data %d, graphs %d, model %d, params %d", e, wantData, wantGraphs, wantModel, params)
	}
	// Absurd sizes saturate instead of overflowing.
	if huge := estimateMemory(cfg, 1<<40, 1<<40, 1<<30, 1<<30, 1<<20); huge.total() <= 0 {
		t.Errorf("huge estimate %d, want positive", huge.total())
	}
}
