package gemm

import (
	"testing"
	"time"
)

// TestNextBackoff checks the workers' back-off from polling: it starts at
// minBackoff, doubles while polling finds the core taken soon after a
// back-off, stops at maxBackoff, and starts over after resetAfter without
// one.
func TestNextBackoff(t *testing.T) {
	for _, tc := range []struct {
		name     string
		b, since time.Duration
		want     time.Duration
	}{
		{"first", 0, 0, minBackoff},
		{"first, late", 0, 2 * resetAfter, minBackoff},
		{"again", minBackoff, time.Millisecond, 2 * minBackoff},
		{"again, at resetAfter", 4 * minBackoff, resetAfter, 8 * minBackoff},
		{"capped", maxBackoff * 3 / 4, 0, maxBackoff},
		{"at the cap", maxBackoff, 0, maxBackoff},
		{"reset", maxBackoff, resetAfter + time.Millisecond, minBackoff},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := nextBackoff(tc.b, tc.since); got != tc.want {
				t.Errorf("nextBackoff(%v, %v) = %v, want %v", tc.b, tc.since, got, tc.want)
			}
		})
	}
}
