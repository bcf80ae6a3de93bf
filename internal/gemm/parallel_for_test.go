package gemm

import (
	"runtime"
	"sync/atomic"
	"testing"
)

// TestParallel checks that Parallel runs every part exactly once, for
// part counts below, at and above the thread count, and that it
// allocates nothing for a function value made once.
func TestParallel(t *testing.T) {
	for _, procs := range []int{1, 2, 3} {
		prev := runtime.GOMAXPROCS(procs)
		for _, parts := range []int{0, 1, 2, 3, 7, 64} {
			counts := make([]atomic.Int32, parts)
			Parallel(parts, func(p int) { counts[p].Add(1) })
			for p := range counts {
				if n := counts[p].Load(); n != 1 {
					t.Errorf("GOMAXPROCS %d, %d parts: part %d ran %d times", procs, parts, p, n)
				}
			}
		}
		var sum atomic.Int64
		f := func(p int) { sum.Add(int64(p)) }
		if n := testing.AllocsPerRun(100, func() { Parallel(8, f) }); n != 0 {
			t.Errorf("GOMAXPROCS %d: %v allocations per call, want 0", procs, n)
		}
		runtime.GOMAXPROCS(prev)
	}
}
