package gemm

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mlptrain/mlptrain/internal/cpuload"
)

// The governor keeps parallel calls to the cores that other processes
// leave free. A worker that shares a core with a busy process runs only
// for part of each of the scheduler's time slices (milliseconds), and a
// product's caller that waits for the worker's part waits for the rest of
// the slice: on 2 cores with a busy loop on one, the reference epoch took
// 1.36× its 1-thread time at 2 threads (bench/results/contended.md). So
// every governorPeriod, at a parallel call, the first caller to notice
// reads how busy the processors this process may run on were since the
// last reading, less this process's own time (internal/cpuload), and
// parallel calls use at most as many threads as that leaves cores. No
// worker is then handed parts, so none polls: they block. Results do not
// depend on the thread count, so this changes no bits, only the time.
//
// The kernel counts busy time by ticks, so a reading is uncertain by
// cpuload.Error (0.2 core on 2 processors over 200 ms), which is taken
// off the others' load before it counts; a reading over less than half a
// period is not used. Thresholds keep the count from flapping: a thread is
// given up when the free cores fall below allowed − governorDown, and
// taken back when they reach allowed + governorUp (on 2 cores: one thread
// from another process's 0.6 core on, two again at 0.45 or less, counting
// the uncertainty). Off Linux, or where /proc/stat cannot be read, the
// governor does nothing, and in a build with the openblas tag OpenBLAS
// runs the products on its own threads.
const (
	governorPeriod = 200 * time.Millisecond
	governorStale  = time.Second // a reading older than this is only a new start
	governorDown   = 0.4
	governorUp     = 0.75
)

var governor struct {
	mu      sync.Mutex   // held by the caller that reads the counters
	next    atomic.Int64 // when to read them next, as a time.Duration since epoch
	last    cpuload.Sample
	have    bool         // last holds a reading
	allowed atomic.Int32 // the threads a parallel call may use; 0: as many as it wants
	read    func() (cpuload.Sample, bool)
}

func init() { governor.read = cpuload.Read }

// ungoverned turns the governor off (Governed); its zero value, on.
var ungoverned atomic.Bool

// Governed turns the governor on or off, and returns whether it was on.
// It is on from the start. Tests that must run the parallel splits of the
// threads they set, whatever else the machine runs, turn it off:
//
//	defer gemm.Governed(gemm.Governed(false))
func Governed(on bool) (was bool) { return !ungoverned.Swap(!on) }

// threadsNow returns how many threads a parallel call that would use want
// may use now: want, or fewer while other processes keep cores busy.
func threadsNow(want int) int {
	if want <= 1 || ungoverned.Load() {
		return want
	}
	if now := time.Since(epoch); int64(now) >= governor.next.Load() && governor.mu.TryLock() {
		// Another caller may have read the counters between the load of
		// next and the lock.
		if int64(now) >= governor.next.Load() {
			govern(now)
		}
		governor.mu.Unlock()
	}
	if a := int(governor.allowed.Load()); a > 0 && a < want {
		return a
	}
	return want
}

// govern reads the counters and sets governor.allowed; governor.mu is
// held. Where they cannot be read it gives up for good and leaves the
// threads alone.
func govern(now time.Duration) {
	governor.next.Store(int64(now + governorPeriod))
	s, ok := governor.read()
	if !ok {
		governor.next.Store(math.MaxInt64)
		governor.allowed.Store(0)
		return
	}
	window := s.At - governor.last.At
	if governor.have && window < governorPeriod/2 {
		return // too short to say anything: the next reading counts from last
	}
	if governor.have && window <= governorStale {
		most := runtime.GOMAXPROCS(0)
		others := max(0, cpuload.Others(governor.last, s)-cpuload.Error(governor.last, s))
		free := freeThreads(others, s.Cores, most)
		governor.allowed.Store(int32(allowedThreads(int(governor.allowed.Load()), free, most)))
	}
	governor.last, governor.have = s, true
}

// freeThreads returns how many of most threads the cores this process may
// run on leave room for while other processes keep others of them busy:
// only their load beyond the cores that most threads would leave idle
// counts, so a GOMAXPROCS above the cores, set on purpose, is never cut
// for itself.
func freeThreads(others float64, cores, most int) float64 {
	spare := float64(cores - min(most, cores))
	return float64(most) - max(0, others-spare)
}

// allowedThreads returns the threads to allow, from 1 to most, when
// allowed were (0: most) and free cores are left by other processes.
func allowedThreads(allowed int, free float64, most int) int {
	a := allowed
	if a <= 0 || a > most {
		a = most
	}
	for a > 1 && free < float64(a)-governorDown {
		a--
	}
	for a < most && free >= float64(a)+governorUp {
		a++
	}
	return a
}
