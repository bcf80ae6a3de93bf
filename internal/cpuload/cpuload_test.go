package cpuload

import (
	"errors"
	"math"
	"runtime"
	"testing"
	"time"
)

// A /proc/stat of a 2-processor machine, as Linux 6.18 writes it
// (shortened after the cpu lines).
const stat2 = `cpu  3655584 6696 699868 2062177 13887 0 7880 8054 0 0
cpu0 1778534 3383 344523 1088651 5308 0 912 4086 0 0
cpu1 1877050 3312 355345 973525 8578 0 6968 3968 0 0
intr 123 0 9 0
ctxt 9876
`

func TestParse(t *testing.T) {
	both := []bool{true, true}
	for i, test := range []struct {
		text  string
		in    []bool
		nice  bool
		busy  time.Duration // in ticks of 10 ms
		cores int
	}{
		// user+system+irq+softirq of cpu0 and cpu1; not nice, idle, iowait, steal
		{stat2, both, false, 1778534 + 344523 + 0 + 912 + 1877050 + 355345 + 0 + 6968, 2},
		{stat2, both, true, 1778534 + 3383 + 344523 + 0 + 912 + 1877050 + 3312 + 355345 + 0 + 6968, 2},
		{stat2, []bool{false, true}, false, 1877050 + 355345 + 6968, 1}, // affinity: cpu1 only
		{stat2, []bool{true}, false, 1778534 + 344523 + 912, 1},         // cpu1 beyond the mask
		{stat2, []bool{false, false}, false, 0, 0},
		// An older kernel's 8 numbers.
		{"cpu  1 2 3 4 5 6 7 8\ncpu0 1 2 3 4 5 6 7 8\nintr 1\n", both, false, 1 + 3 + 6 + 7, 1},
	} {
		busy, cores, err := parseStat([]byte(test.text), test.in, test.nice)
		if err != nil || busy != test.busy*10*time.Millisecond || cores != test.cores {
			t.Errorf("unexpected result for test %d: got: %v, %d, %v want: %v, %d", i, busy, cores, err, test.busy*10*time.Millisecond, test.cores)
		}
	}
	bads := []string{
		"",
		"cpu",
		"intr 1\n",
		"cpu  1 2 3 4 5 6 7 8\ncpu0 1 2 3 4 5 6 7\nintr 1\n",                                       // too few numbers
		"cpu  1 2 3 4 5 6 7 8\ncpu0 1 2 3 4 5 6 7 x\nintr 1\n",                                     // not a number
		"cpu  1 2 3 4 5 6 7 8\ncpu0 1 2 3 -4 5 6 7 8\nintr 1\n",                                    // a sign
		"cpu  1 2 3 4 5 6 7 8\ncpu0 1 2 3 4 5 6 7 8\ncpu1 1 2 3 4 5",                               // cut among the cpu lines
		"cpu  1 2 3 4 5 6 7 8\ncpu0 99999999999999999999 0 0 0 0 0 0 0\nintr 1\n",                  // a number overflows
		"cpu  1 2 3 4 5 6 7 8\ncpu0 9223372036854775808 0 9223372036854775808 0 0 0 0 0\nintr 1\n", // the sum does
		"cpu  1 2 3 4 5 6 7 8\ncpu0 922337203685477580 0 0 0 0 0 0 0\nintr 1\n",                    // beyond time.Duration
		"cpux 1 2 3 4 5 6 7 8\nintr 1\n",
	}
	for i, bad := range bads {
		if _, _, err := parseStat([]byte(bad), both, true); !errors.Is(err, errFormat) {
			t.Errorf("unexpected result for bad test %d (%q): got: %v want: %v", i, bad, err, errFormat)
		}
	}
}

func TestError(t *testing.T) {
	a := Sample{At: time.Second, Cores: 2}
	b := Sample{At: 1200 * time.Millisecond, Cores: 2}
	if got := Error(a, b); math.Abs(got-0.2) > 1e-12 {
		t.Errorf("Error over 200 ms of 2 processors = %v, want 0.2", got)
	}
	if got := Error(a, a); !math.IsInf(got, 1) {
		t.Errorf("Error over no time = %v, want +Inf", got)
	}
}

func TestOthers(t *testing.T) {
	a := Sample{At: time.Second, Cores: 2, Busy: 10 * time.Second, Self: 3 * time.Second}
	for i, test := range []struct {
		b    Sample
		want float64
	}{
		// 200 ms in which the machine was busy 300 ms, 100 of them ours: one core's worth of others.
		{Sample{At: 1200 * time.Millisecond, Busy: 10300 * time.Millisecond, Self: 3100 * time.Millisecond}, 1},
		// all of it ours
		{Sample{At: 1200 * time.Millisecond, Busy: 10400 * time.Millisecond, Self: 3400 * time.Millisecond}, 0},
		// ticks behind our exact time: not below 0
		{Sample{At: 1200 * time.Millisecond, Busy: 10300 * time.Millisecond, Self: 3400 * time.Millisecond}, 0},
		// no time between
		{Sample{At: time.Second, Busy: 11 * time.Second, Self: 3 * time.Second}, 0},
	} {
		if got := Others(a, test.b); got != test.want {
			t.Errorf("unexpected result for test %d: got: %v want: %v", i, got, test.want)
		}
	}
}

// TestRead reads the real counters on Linux: the processors are those the
// kernel has, time goes forward, and a busy loop of ours is ours, not
// another process's.
func TestRead(t *testing.T) {
	a, ok := Read()
	if runtime.GOOS != "linux" {
		if ok {
			t.Fatal("Read reported a sample off Linux")
		}
		t.Skip("the counters are read on Linux only")
	}
	if !ok {
		t.Fatal("Read: no sample from /proc/stat")
	}
	if a.Cores < runtime.NumCPU() || a.Cores < 1 {
		t.Errorf("Cores = %d, want at least runtime.NumCPU() = %d", a.Cores, runtime.NumCPU())
	}
	deadline := time.Now().Add(300 * time.Millisecond)
	x := 0
	for time.Now().Before(deadline) {
		x++
	}
	b, ok := Read()
	if !ok || b.At <= a.At || b.Busy < a.Busy || b.Self <= a.Self {
		t.Fatalf("second sample %+v after %+v (ok %v): want later times", b, a, ok)
	}
	if got := Others(a, b); got > float64(b.Cores) {
		t.Errorf("Others = %v, more than the %d cores", got, b.Cores)
	}
	if allocs := testing.AllocsPerRun(10, func() { Read() }); allocs != 0 {
		t.Errorf("Read allocates %v times, want 0", allocs)
	}
	_ = x
}
