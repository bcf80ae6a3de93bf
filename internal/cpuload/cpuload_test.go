package cpuload

import (
	"errors"
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
	busy, err := parseBusy([]byte(stat2))
	// user+nice+system+irq+softirq+steal ticks, 10 ms each
	want := time.Duration(3655584+6696+699868+0+7880+8054) * 10 * time.Millisecond
	if err != nil || busy != want {
		t.Errorf("parseBusy: got: %v, %v want: %v", busy, err, want)
	}
	cores, err := parseCores([]byte(stat2))
	if err != nil || cores != 2 {
		t.Errorf("parseCores: got: %d, %v want: 2", cores, err)
	}
	// An older kernel's line with 8 numbers, and a buffer cut after it.
	busy, err = parseBusy([]byte("cpu  1 2 3 4 5 6 7 8\ncpu0 1"))
	if want := (1 + 2 + 3 + 6 + 7 + 8) * 10 * time.Millisecond; err != nil || busy != want {
		t.Errorf("8 numbers: got: %v, %v want: %v", busy, err, want)
	}
	bads := []string{
		"",
		"cpu",
		"cpu0 1 2 3 4 5 6 7 8\n",  // no aggregate line
		"cpu  1 2 3 4 5 6 7\n",    // too few numbers
		"cpu  1 2 3 4 5 6 7 x\n",  // not a number
		"cpu  1 2 3 4 5 6 7 8",    // cut inside the line: the last number may be cut
		"cpu  1 2 3 -4 5 6 7 8\n", // a sign
		"cpu  99999999999999999999 0 0 0 0 0 0 0\n", // overflows
		"cpu  1 2 3 4 5 6 7 8\nintr 1\n",            // no cpuN line: only parseCores fails
	}
	for i, bad := range bads {
		_, errB := parseBusy([]byte(bad))
		_, errC := parseCores([]byte(bad))
		if !errors.Is(errC, errFormat) || i < len(bads)-1 && !errors.Is(errB, errFormat) {
			t.Errorf("unexpected result for test %d (%q): parseBusy %v, parseCores %v, want %v", i, bad, errB, errC, errFormat)
		}
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
