package train

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/config"
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
	e := estimateMemory(cfg, 800, 200, 4, 4, 4, 3)
	params := 4*10 + 10 + 10*3 + 3
	wantData := int64(8 * (1000*4 + 1000*3 + 800*3 + 1000*4))
	graph := func(r int) int64 { return int64(8 * (r*4 + r*3 + 6*r*13 + params)) }
	wantGraphs := 2*graph(50) + graph(1000)
	wantModel := int64(params * (8*(4+2) + 48))
	if e.data != wantData || e.graphs != wantGraphs || e.model != wantModel || e.params != params {
		t.Errorf("estimate %+v, want data %d, graphs %d, model %d, params %d", e, wantData, wantGraphs, wantModel, params)
	}
	// Absurd sizes saturate instead of overflowing.
	if huge := estimateMemory(cfg, 1<<40, 1<<40, 1<<30, 1<<30, 1<<30, 1<<20); huge.total() <= 0 {
		t.Errorf("huge estimate %d, want positive", huge.total())
	}
}

// TestPrepareReadsWithinMemory checks that the memory limit bounds the
// reading itself: a training file, or a validation file, of more rows than
// the limit holds is refused at the row that passes it, having allocated
// about the limit, not the table (the estimate used to come only once
// the whole file was read). Not parallel: it measures allocations.
func TestPrepareReadsWithinMemory(t *testing.T) {
	dir := t.TempDir()
	const rows = 400_000 // 32 bytes a row: 12.8 MB
	big := writeTestFile(t, dir, "big.csv", "x1,x2,y\n"+strings.Repeat("0,1,1\n", rows))
	small := writeTestFile(t, dir, "small.csv", "x1,x2,y\n"+strings.Repeat("0,1,1\n", 10))
	const limit = 1 << 20
	for i, test := range []struct {
		train, val string
		file       string
		line       int
		msg        string
	}{
		{big, "0.2", big, limit/32 + 2, "the data needs more than 1 MiB of memory (the limit, --max-memory) at 32 bytes a row"},
		// What the training rows leave.
		{small, q(big), big, (limit-10*32)/32 + 2, "the data needs more than 1023.68 KiB of memory (the limit, --max-memory, less the training rows)"},
	} {
		cfg := parseTestConfig(t, dir, fmt.Sprintf(`data: {train: %s, target: y, validation: %s}
model: {layers: [{units: 2, activation: tanh}, {activation: identity}], loss: squared_error}`, q(test.train), test.val))
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := PrepareWithin(cfg, MemoryLimit{Bytes: limit, Source: "--max-memory"})
		runtime.ReadMemStats(&after)
		var e *inputerr.Error
		if !errors.As(err, &e) || e.File != test.file || e.Line != test.line ||
			!strings.Contains(err.Error(), test.msg) {
			t.Errorf("unexpected error for test %d: got: %v want: %s:%d: %s", i, err, test.file, test.line, test.msg)
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > 8*limit {
			t.Errorf("test %d: refusing allocated %d bytes, more than 8 times the limit", i, got)
		}
	}
}

// TestPointRefusesMemory checks that Point, for graph and gradcheck,
// refuses a batch whose graph needs more than the limit before it makes
// the data or the graph, naming the flag that sets the rows, or
// model.layers when no rows would fit (2,000,000×10 random rows through
// 128 units used to run out of memory at 12 GB). Not parallel: it
// measures allocations.
func TestPointRefusesMemory(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("a,b,y\n")
	for i := range 5000 {
		fmt.Fprintf(&b, "%d,%d,%d\n", i%7, i%11, i%3)
	}
	path := writeTestFile(t, dir, "d.csv", b.String())
	wide := parseTestConfig(t, dir, fmt.Sprintf(`data: {train: %s, target: y}
model: {layers: [{units: 128, activation: tanh}, {activation: identity}], loss: squared_error}`, q(path)))
	huge := parseTestConfig(t, dir, fmt.Sprintf(`data: {train: %s, target: y}
model: {layers: [{units: 5000, activation: tanh}, {units: 5000, activation: tanh}, {activation: identity}], loss: squared_error}`, q(path)))
	const limit = 16 << 20
	lim := MemoryLimit{Bytes: limit, Source: "test"}
	for i, test := range []struct {
		cfg       *config.Config
		o         CheckOptions
		file, key string
		msg, hint string
	}{
		{wide, CheckOptions{RandomRows: 200000, RandomCols: 10}, "", "--random-data",
			"the graph of 200000 rows needs about 1.19 GiB of memory (10 inputs, 129 units, 1537 parameters), more than the limit of 16 MiB (test)",
			"use at most 2611 rows, e.g. --random-data 2611x10"},
		// The rows of the training split (validation 0.2 by default).
		{wide, CheckOptions{Rows: 5000}, "", "--rows",
			"the graph of 4000 rows needs about 23.9 MiB of memory (2 inputs, 129 units, 513 parameters), more than the limit of 16 MiB (test)",
			"use at most 2673 rows, e.g. --rows 2673"},
		{huge, CheckOptions{RandomRows: 2, RandomCols: 2}, huge.File, "model.layers",
			"the graph of 2 rows needs about 1.31 GiB of memory (2 inputs, 10001 units, 25025001 parameters), more than the limit of 16 MiB (test)",
			"use narrower layers"},
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, _, err := point(test.cfg, test.o, lim)
		runtime.ReadMemStats(&after)
		var e *inputerr.Error
		if !errors.As(err, &e) || e.File != test.file || e.Key != test.key || e.Err.Error() != test.msg || e.Hint != test.hint {
			t.Errorf("unexpected error for test %d: got: %#v (%v) want: %s: %s (hint: %s)", i, e, err, test.key, test.msg, test.hint)
		}
		// Reading the 5000 rows takes some; the graph none.
		if got := after.TotalAlloc - before.TotalAlloc; got > 2<<20 {
			t.Errorf("test %d: refusing allocated %d bytes", i, got)
		}
	}
	// The rows the hint offers fit, and the estimate is not below what
	// Point allocates. A first call warms up what the process allocates
	// once, whichever test comes first (with -shuffle, this one could:
	// then 1000 bytes of it passed the estimate).
	if _, _, err := point(wide, CheckOptions{RandomRows: 2611, RandomCols: 10}, lim); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, _, err := point(wide, CheckOptions{RandomRows: 2611, RandomCols: 10}, lim)
	runtime.ReadMemStats(&after)
	// TotalAlloc counts every goroutine's allocations: 64 KiB of slack
	// for the runtime's and any other goroutine's during the call.
	est := 8*pointFloats(shapeOf(10, []int{128, 1}), 2611, false) + 64<<10
	if got := after.TotalAlloc - before.TotalAlloc; err != nil || float64(got) > est {
		t.Errorf("2611 rows: %v, %d bytes allocated, estimate %.0f", err, got, est)
	}
	// The Hessian-vector product check holds more: tangents and vectors.
	mid := MemoryLimit{Bytes: int64(8 * (pointFloats(shapeOf(10, []int{128, 1}), 1000, false) + 1)), Source: "test"}
	if _, _, err := point(wide, CheckOptions{RandomRows: 1000, RandomCols: 10}, mid); err != nil {
		t.Errorf("1000 rows within the limit: %v", err)
	}
	o := CheckOptions{RandomRows: 1000, RandomCols: 10}
	o.HVP = true
	if _, _, err := point(wide, o, mid); err == nil || !strings.Contains(err.Error(), "the graph with its Hessian-vector products of 1000 rows") {
		t.Errorf("1000 rows with HVP: got %v, want refused", err)
	}
}
