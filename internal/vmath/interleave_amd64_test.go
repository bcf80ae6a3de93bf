//go:build amd64 && !purego

package vmath

import "testing"

// TestInterleaveAligned checks the choice of the kernel's stores that
// TestInterleave relies on to run both: non-temporal only when every
// row's run starts on a 32-byte boundary.
func TestInterleaveAligned(t *testing.T) {
	x := aligned32(64)
	for i, test := range []struct {
		x    []float64
		offs []int
		want bool
	}{
		{x, []int{0, 4, 8, 60}, true},
		{x, []int{0, 4, 9, 60}, false},
		{x[1:], []int{0, 4, 8, 56}, false},
		{x[4:], []int{0, 4, 8, 56}, true},
	} {
		if got := interleaveAligned(test.x, test.offs); got != test.want {
			t.Errorf("unexpected result for test %d: got: %v want: %v", i, got, test.want)
		}
	}
}
