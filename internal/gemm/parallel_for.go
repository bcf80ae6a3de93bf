package gemm

import "runtime"

// Parallel calls f(part) for every part in [0, parts) and returns when all
// the calls have returned. The calling goroutine takes parts one by one,
// and so do up to min(parts, GOMAXPROCS) − 1 of the workers that help with
// the products, so elementwise passes over large matrices (a weight update,
// a minibatch gather) share their threads instead of starting goroutines
// of their own. f must be safe to call concurrently for different parts.
//
// In a build with the openblas tag, Parallel runs every part on the
// calling goroutine: OpenBLAS's threads own the other cores there.
//
// Parallel allocates nothing, provided f is a function value made once
// and kept: a closure or method value made at each call escapes to the
// heap.
func Parallel(parts int, f func(part int)) {
	if parts <= 0 {
		return
	}
	helpers := min(parts, threadsNow(runtime.GOMAXPROCS(0))) - 1
	if library != nil {
		// With OpenBLAS doing the products, its threads wait for work on
		// the other cores; workers of ours polling beside them for the next
		// part would take those cores from them.
		helpers = 0
	}
	if helpers == 0 {
		for p := range parts {
			f(p)
		}
		return
	}
	j := jobs.get()
	j.fn, j.parts = f, parts
	j.do(helpers)
}
