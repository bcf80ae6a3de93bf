package train

import (
	"runtime"
	"testing"
)

// TestUseThreads checks that train.threads sets GOMAXPROCS until the
// restore, and that 0 leaves it alone.
func TestUseThreads(t *testing.T) {
	prev := runtime.GOMAXPROCS(0)
	restore := useThreads(1)
	if got := runtime.GOMAXPROCS(0); got != 1 {
		t.Errorf("useThreads(1): GOMAXPROCS %d, want 1", got)
	}
	restore()
	if got := runtime.GOMAXPROCS(0); got != prev {
		t.Errorf("after restore: GOMAXPROCS %d, want %d", got, prev)
	}
	useThreads(0)()
	if got := runtime.GOMAXPROCS(0); got != prev {
		t.Errorf("useThreads(0): GOMAXPROCS %d, want %d", got, prev)
	}
}
