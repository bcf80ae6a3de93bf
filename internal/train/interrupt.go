package train

import (
	"context"
	"fmt"
	"runtime/debug"
)

// Interruptible returns load's result, or an *InterruptedError with ctx's
// cause and what load does ("reading the data") as soon as ctx is done: reading a file can block without end (a named pipe nobody writes
// to, a slow stream, a stalled network disk), and an interrupt must not
// wait for it. An abandoned load runs on, its result dropped, until the
// process exits (the command returns at once). A panic in load is
// raised again in the caller, where the command's recover reports it.
func Interruptible[T any](ctx context.Context, what string, load func() (T, error)) (T, error) {
	if ctx.Done() == nil {
		return load()
	}
	if ctx.Err() != nil { // done already: do not start
		var zero T
		return zero, &InterruptedError{Cause: context.Cause(ctx), While: what, Left: "nothing was written"}
	}
	type result struct {
		v     T
		err   error
		panic any
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- result{panic: fmt.Sprintf("%v\n\nin the loading goroutine:\n%s", r, debug.Stack())}
			}
		}()
		v, err := load()
		done <- result{v: v, err: err}
	}()
	select {
	case r := <-done:
		if r.panic != nil {
			panic(r.panic)
		}
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, &InterruptedError{Cause: context.Cause(ctx), While: what, Left: "nothing was written"}
	}
}

// InterruptedError says that ctx was done while something ran (While:
// "reading the data"), and what that left (Left: "nothing was written",
// which Interruptible sets); Cause is ctx's cause.
type InterruptedError struct {
	Cause error
	While string
	Left  string
}

func (e *InterruptedError) Error() string {
	return fmt.Sprintf("%v while %s; %s", e.Cause, e.While, e.Left)
}

// Unwrap returns the cause.
func (e *InterruptedError) Unwrap() error { return e.Cause }

// reading is what Interruptible says a data load does.
const reading = "reading the data"
