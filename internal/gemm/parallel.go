package gemm

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// tasks hands jobs to the workers, which help with their parts. Workers
// are started on demand, as many as the most helpers any call has asked
// for, and then wait for the next call, so a call starts no goroutine.
var tasks = make(chan *job, 64)

var workers struct {
	mu sync.Mutex
	n  atomic.Int64
}

func startWorkers(n int) {
	if workers.n.Load() >= int64(n) {
		return
	}
	workers.mu.Lock()
	defer workers.mu.Unlock()
	for workers.n.Load() < int64(n) {
		go work()
		workers.n.Add(1)
	}
}

func work() {
	for j := range tasks {
		for j != nil {
			j.work()
			j.release()
			j = poll()
		}
	}
}

// A worker that has finished its parts keeps polling for the next job
// while a parallel call is in progress or ended less than spin ago, but for
// no longer than maxSpin, and then blocks. Waking a blocked thread took
// around 100µs on the 2-core virtual machine this was tuned on, a fifth of
// the 128×784·784×256 product, and the products of a training step follow
// one another more closely than spin.
//
// Polling pays only while the worker has a core of its own (issue 13).
// When another process wants the core too, the polling thread spends the
// worker's share of it, and the kernel then preempts the worker in the
// middle of a part, which the caller waits for: 2 threads were slower than
// 1 beside a busy loop. A round of the poll loop takes well under a
// microsecond; one that took longer than gap means that the thread lost
// its core (or that Gosched ran another goroutine, which wants it as
// much). Workers then stop polling, blocking as soon as a job is done, for
// a back-off that starts at minBackoff and doubles, up to maxBackoff, each
// time polling again finds the core taken within resetAfter of the end of
// the last back-off. A blocked worker still takes its parts of the next
// job, only later: the caller claims parts one by one and starts at once.
const (
	spin       = 200 * time.Microsecond
	maxSpin    = time.Millisecond
	gap        = 100 * time.Microsecond
	minBackoff = 10 * time.Millisecond
	maxBackoff = time.Second
	resetAfter = time.Second
)

var (
	calls    atomic.Int64 // parallel calls in progress
	lastCall atomic.Int64 // when the last one ended, as a time.Duration since epoch
	epoch    = time.Now()

	noPollUntil atomic.Int64 // workers do not poll until then, as a time.Duration since epoch
	backoff     atomic.Int64 // the last back-off, a time.Duration
)

func beginCall() { calls.Add(1) }

func endCall() {
	lastCall.Store(int64(time.Since(epoch)))
	calls.Add(-1)
}

// poll polls for a job as long as spin and maxSpin allow, yielding the
// processor in between, and returns it, or nil. It returns nil at once
// during a back-off, and starts one when a round took longer than gap.
func poll() *job {
	now := time.Since(epoch)
	if now < time.Duration(noPollUntil.Load()) {
		return nil
	}
	start := now
	for now-start < maxSpin && (calls.Load() > 0 || now-time.Duration(lastCall.Load()) < spin) {
		select {
		case j := <-tasks:
			return j
		default:
			runtime.Gosched()
		}
		prev := now
		now = time.Since(epoch)
		if now-prev > gap {
			backOff(now)
			return nil
		}
	}
	return nil
}

// backOff stops the workers' polling for a while from now on.
func backOff(now time.Duration) {
	b := nextBackoff(time.Duration(backoff.Load()), now-time.Duration(noPollUntil.Load()))
	backoff.Store(int64(b))
	noPollUntil.Store(int64(now + b))
}

// nextBackoff returns the back-off that follows b when polling found the
// core taken since after the end of the back-off b.
func nextBackoff(b, since time.Duration) time.Duration {
	if since > resetAfter {
		return minBackoff
	}
	return min(max(2*b, minBackoff), maxBackoff)
}
