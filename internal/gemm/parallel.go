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
const (
	spin    = 200 * time.Microsecond
	maxSpin = time.Millisecond
)

var (
	calls    atomic.Int64 // parallel calls in progress
	lastCall atomic.Int64 // when the last one ended, as a time.Duration since epoch
	epoch    = time.Now()
)

func beginCall() { calls.Add(1) }

func endCall() {
	lastCall.Store(int64(time.Since(epoch)))
	calls.Add(-1)
}

// poll polls for a job as long as spin and maxSpin allow, yielding the
// processor in between, and returns it, or nil.
func poll() *job {
	start := time.Now()
	for time.Since(start) < maxSpin &&
		(calls.Load() > 0 || time.Since(epoch)-time.Duration(lastCall.Load()) < spin) {
		select {
		case j := <-tasks:
			return j
		default:
			runtime.Gosched()
		}
	}
	return nil
}
