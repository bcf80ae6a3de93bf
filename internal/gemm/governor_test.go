package gemm

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/mlptrain/mlptrain/internal/cpuload"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

func TestFreeThreads(t *testing.T) {
	for i, test := range []struct {
		others      float64
		cores, most int
		want        float64
	}{
		{0, 2, 2, 2},
		{1, 2, 2, 1},
		{0.67, 2, 2, 1.33},
		{10, 64, 2, 2},     // the others on cores we would not use anyway
		{63.5, 64, 2, 0.5}, // all but half a core
		{0, 2, 4, 4},       // GOMAXPROCS above the cores is not cut for itself
		{1, 2, 4, 3},
		{0, 1, 1, 1},
	} {
		if got := freeThreads(test.others, test.cores, test.most); math.Abs(got-test.want) > 1e-12 {
			t.Errorf("unexpected result for test %d: got: %v want: %v", i, got, test.want)
		}
	}
}

func TestAllowedThreads(t *testing.T) {
	for i, test := range []struct {
		allowed int
		free    float64
		most    int
		want    int
	}{
		{0, 2, 2, 2},
		{2, 1.61, 2, 2}, // another process's 0.39 core: keep both
		{2, 1.59, 2, 1}, // its 0.41: give one up
		{1, 1.74, 2, 1}, // 0.26: not yet back
		{1, 1.75, 2, 2}, // 0.25: back
		{1, 0.2, 2, 1},  // never below 1
		{0, 0.5, 8, 1},
		{0, 5.2, 8, 5}, // 5.2 < 8 − 0.4, 7 − 0.4, 6 − 0.4; not < 5 − 0.4
		{3, 8, 8, 8},
		{4, 4.5, 2, 2}, // allowed beyond most (GOMAXPROCS lowered)
	} {
		if got := allowedThreads(test.allowed, test.free, test.most); got != test.want {
			t.Errorf("unexpected result for test %d: got: %v want: %v", i, got, test.want)
		}
	}
}

// TestGovern feeds the governor readings of a 2-core machine on which
// another process starts and stops a busy loop, and checks the threads it
// allows, that a stale reading only starts over, and that it leaves the
// threads alone for good once the counters cannot be read.
func TestGovern(t *testing.T) {
	defer saveGovernor()()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	Governed(true)
	var s cpuload.Sample // the machine so far
	s.Cores = 2
	ok := true
	governor.read = func() (cpuload.Sample, bool) { return s, ok }
	// step advances the machine by a period, in which this process used
	// self and the others others cores, and has the governor read it.
	step := func(self, others float64) int {
		dt := governorPeriod
		s.At += dt
		s.Self += time.Duration(self * float64(dt))
		s.Busy += time.Duration((self + others) * float64(dt))
		govern(s.At)
		return int(governor.allowed.Load())
	}
	for i, want := range []struct {
		self, others float64
		allowed      int // 0: no reading to compare with yet
	}{
		{2, 0, 0},
		{2, 0, 2},
		// The readings of 2 processors over 200 ms are uncertain by 0.2
		// core, which is taken off the others' load.
		{1.33, 0.67, 1}, // a busy loop starts: 0.47 counts
		{1, 1, 1},
		{1, 1, 1},
		{1, 0.5, 1}, // it eases: 0.3 counts, not yet
		{1, 0.4, 2}, // 0.2: back
		{2, 0, 2},
	} {
		if got := step(want.self, want.others); got != want.allowed {
			t.Fatalf("step %d (others %.2f): allowed %d, want %d", i, want.others, got, want.allowed)
		}
	}
	if got := threadsNow(2); got != 2 {
		t.Errorf("threadsNow(2) on an idle machine = %d, want 2", got)
	}
	step(1, 1)
	if got, want := int64(governor.next.Load()), int64(s.At+governorPeriod); got != want {
		t.Errorf("next reading at %v, want %v", time.Duration(got), time.Duration(want))
	}
	governor.next.Store(math.MaxInt64) // no reading in threadsNow
	if got := threadsNow(2); got != 1 {
		t.Errorf("threadsNow(2) beside a busy loop = %d, want 1", got)
	}
	if got := threadsNow(1); got != 1 {
		t.Errorf("threadsNow(1) = %d, want 1", got)
	}
	Governed(false)
	if got := threadsNow(2); got != 2 {
		t.Errorf("threadsNow(2) not governed = %d, want 2", got)
	}
	Governed(true)
	// Two seconds without a parallel call: the next reading starts over.
	s.At += 2 * time.Second
	s.Busy += 2 * time.Second
	if got := step(2, 0); got != 1 {
		t.Errorf("after a stale reading: allowed %d, want 1 (unchanged)", got)
	}
	if got := step(2, 0); got != 2 {
		t.Errorf("the reading after: allowed %d, want 2", got)
	}
	step(1, 1)
	ok = false
	govern(s.At + governorPeriod)
	if governor.allowed.Load() != 0 || governor.next.Load() != math.MaxInt64 {
		t.Errorf("counters unreadable: allowed %d, next %d; want 0 and never", governor.allowed.Load(), governor.next.Load())
	}
}

// TestGovernedCalls checks that Gemm and Parallel hand no work to the
// workers while the governor allows one thread, and do with two.
func TestGovernedCalls(t *testing.T) {
	if library != nil {
		t.Skip("built with the openblas tag: OpenBLAS runs the products, and Parallel runs on one thread")
	}
	defer saveGovernor()()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	Governed(true)
	governor.next.Store(math.MaxInt64) // no reading: allowed is what the test sets
	a, b, c := make([]float64, 128*784), make([]float64, 784*256), make([]float64, 128*256)
	product := func() {
		Gemm(blas.NoTrans, blas.NoTrans, 1, blas64.General{Rows: 128, Cols: 784, Stride: 784, Data: a},
			blas64.General{Rows: 784, Cols: 256, Stride: 256, Data: b}, 0, blas64.General{Rows: 128, Cols: 256, Stride: 256, Data: c})
	}
	f := func(int) {}
	for _, allowed := range []int32{1, 2} {
		governor.allowed.Store(allowed)
		for name, call := range map[string]func(){"Gemm": product, "Parallel": func() { Parallel(8, f) }} {
			before := lastCall.Load()
			time.Sleep(time.Millisecond) // so that a parallel call's end is later
			call()
			if handed := lastCall.Load() != before; handed != (allowed == 2) {
				t.Errorf("%s with %d thread(s) allowed: handed to workers %v, want %v", name, allowed, handed, allowed == 2)
			}
		}
	}
}

// saveGovernor starts the governor afresh and returns a function that
// restores its state.
func saveGovernor() func() {
	read, was := governor.read, Governed(true)
	next, allowed := governor.next.Load(), governor.allowed.Load()
	last, have := governor.last, governor.have
	governor.allowed.Store(0)
	governor.last, governor.have = cpuload.Sample{}, false
	return func() {
		governor.read = read
		governor.next.Store(next)
		governor.allowed.Store(allowed)
		governor.last, governor.have = last, have
		Governed(was)
	}
}

// TestGovernConcurrent runs parallel products from several goroutines for
// a few of the governor's periods with the real counters, for the race
// detector, and checks that the products are right whatever it allowed.
func TestGovernConcurrent(t *testing.T) {
	if library != nil {
		t.Skip("built with the openblas tag: OpenBLAS runs the products, and Parallel runs on one thread")
	}
	defer saveGovernor()()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	done := make(chan struct{})
	deadline := time.Now().Add(3 * governorPeriod)
	for g := range 3 {
		go func() {
			defer func() { done <- struct{}{} }()
			rng := rand.New(rand.NewPCG(9, uint64(g)))
			for time.Now().Before(deadline) {
				checkGemm(t, best[0], rng, blas.NoTrans, blas.NoTrans, 128, 256, 300, 1, 1, 0, false)
			}
		}()
	}
	for range 3 {
		<-done
	}
	if _, ok := cpuload.Read(); ok && !governor.have {
		t.Error("the governor took no reading of /proc/stat, which can be read")
	}
}

// TestGovernShortWindow: a reading microseconds after the last (a caller
// that loaded the old next before another stored the new one; threadsNow
// now checks next again under the lock) must not count: /proc/stat moves
// in 10 ms units, so one unit between two such readings would be hundreds
// of other cores, and the governor would drop to 1 thread on an idle
// machine. (From a review; it failed before.)
func TestGovernShortWindow(t *testing.T) {
	defer saveGovernor()()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	s := cpuload.Sample{Cores: 2}
	governor.read = func() (cpuload.Sample, bool) { return s, true }
	govern(s.At)
	// A period in which our two threads kept both cores busy, nobody else.
	s.At += governorPeriod
	s.Self += 2 * governorPeriod
	s.Busy += 2 * governorPeriod
	govern(s.At)
	if got := governor.allowed.Load(); got != 2 {
		t.Fatalf("idle machine: allowed %d, want 2", got)
	}
	// The second caller's reading, 30 µs later, with one more unit.
	s.At += 30 * time.Microsecond
	s.Self += 60 * time.Microsecond
	s.Busy += 10 * time.Millisecond
	govern(s.At)
	if got := governor.allowed.Load(); got != 2 {
		t.Errorf("a second reading 30 µs after the first: allowed %d, want 2 (a window this short says nothing)", got)
	}
}

// TestGovernManyIdleCores: the uncertainty of a reading grows with the
// processors. On an idle 16-processor machine on which our 16 threads
// keep every processor busy, a window of 200.5 ms with one tick of 4 ms
// more on every processor (HZ=250) reads as 0.31 core of others, which
// must not cost a thread. (From a review, with fixed thresholds and 100
// ms readings it cost one.)
func TestGovernManyIdleCores(t *testing.T) {
	defer saveGovernor()()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(16))
	s := cpuload.Sample{Cores: 16}
	governor.read = func() (cpuload.Sample, bool) { return s, true }
	govern(s.At)
	wall := governorPeriod + 500*time.Microsecond
	s.At += wall
	s.Self += 16 * wall
	s.Busy += 3270 * time.Millisecond // 16 × (200.5 + 4) ms, in 10 ms units
	others := cpuload.Others(governor.last, s)
	govern(s.At)
	if got := governor.allowed.Load(); got != 16 {
		t.Errorf("idle 16-processor machine, one tick more per processor (others %.2f): allowed %d, want 16", others, got)
	}
}
