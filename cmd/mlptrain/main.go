// Command mlptrain trains multilayer perceptrons from a YAML config on CSV
// data, and checks their gradients. See the README for the whole interface.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// A closed stdout or stderr (| head) is an EPIPE error for the write,
	// not the end of the process: a fit whose progress reader went away
	// still saves its run, and run reports a closed stdout quietly (141).
	signal.Ignore(syscall.SIGPIPE)
	ctx, stop := signalContext()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// signalContext returns a context that the first SIGINT, SIGTERM or
// SIGHUP (the terminal closed) cancels with an interrupted cause, asking the command to stop after its
// current step and save what it has; a second signal exits at once (files
// are written by rename, so nothing is left half-written). stop releases
// the signals.
func signalContext() (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sigs:
			cancel(interrupted{s})
		case <-done:
			return
		}
		select {
		case s := <-sigs:
			os.Exit(interrupted{s}.code())
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel(nil)
	}
}
