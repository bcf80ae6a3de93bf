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
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		// The first signal asks the command to stop after its current
		// step and save what it has; a second one exits at once. Files
		// are written by rename, so nothing is left half-written.
		s := <-sigs
		cancel(interrupted{s})
		s = <-sigs
		os.Exit(interrupted{s}.code())
	}()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}
