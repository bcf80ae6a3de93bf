package sysmem

import (
	"runtime"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	t.Parallel()
	for i, test := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"16GiB", 16 << 30, true},
		{"16 gib", 16 << 30, true},
		{"1.5GB", 1_500_000_000, true},
		{"500MB", 500_000_000, true},
		{"512k", 512 << 10, true},
		{"1024", 1024, true},
		{"2T", 2 << 40, true},
		{"lots", 0, false},
		{"-1GB", 0, false},
		{"GB", 0, false},
		{"1e30GB", 0, false},
		{"12XB", 0, false},
	} {
		got, err := Parse(test.in)
		if (err == nil) != test.ok || got != test.want {
			t.Errorf("unexpected result for test %d: Parse(%q) = %d, %v; want %d, ok %v", i, test.in, got, err, test.want, test.ok)
		}
	}
}

// TestDefault checks that the default limit follows the
// machine: on Linux, 3/4 of /proc/meminfo's MemTotal or less.
func TestDefault(t *testing.T) {
	t.Parallel()
	total, _ := Machine()
	l := Default()
	if runtime.GOOS == "linux" && (total <= 0 || l.Bytes <= 0) {
		t.Fatalf("machine memory %d, limit %+v: want both positive on Linux", total, l)
	}
	if l.Bytes != int64(memoryShare*float64(total)) || (l.Bytes > 0 && !strings.Contains(l.Source, Format(total))) {
		t.Errorf("limit %+v for %d bytes of memory", l, total)
	}
}
