package train

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestDecodeBytes checks the estimate LoadModel refuses a model by
// against what decoding allocates, on the worst case the adversarial pass
// found: a W of many one-entry rows (a 300 MB file of them ran out of
// memory under an 8 GB address-space limit). Not parallel: it measures
// allocations.
func TestDecodeBytes(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "run")
	if _, err := fitInto(t, dir, runFolderConfig(t, dir, out, 1), FitOptions{}); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(out, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	const rows = 200_000
	s := string(src)
	i := strings.Index(s, `"W": [`)
	k := strings.Index(s[i+1:], `"b":`) + i + 1
	j := strings.LastIndex(s[:k], "],") + 1 // after W's closing bracket
	if i < 0 || k <= i || j <= i {
		t.Fatalf("no W in model.json:\n%s", s)
	}
	b := []byte(s[:i] + `"W": [` + strings.Repeat("[0],", rows-1) + "[0]]" + s[j:])
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	DecodeModel(b, "big.json") // refused after decoding: W's shape is wrong
	runtime.ReadMemStats(&after)
	alloc, est := int64(after.TotalAlloc-before.TotalAlloc), decodeBytes(b)
	t.Logf("%d bytes of file: decoding allocated %d, estimate %d", len(b), alloc, est)
	// Allocated counts garbage too (a growing slice's earlier arrays),
	// about twice the peak the estimate is for (a 40 MB file of 10^7 rows
	// peaked at 1.43 GiB of RSS, estimated 1.53 GiB).
	if est < alloc/3 || est > alloc {
		t.Errorf("estimate %d for %d bytes allocated: want from a third of it to all of it", est, alloc)
	}
	if bytes.Count(b, []byte{'['}) < rows {
		t.Fatal("the rows were not written")
	}
}
