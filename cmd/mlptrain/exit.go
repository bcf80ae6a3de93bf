package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/mlptrain/mlptrain/internal/train"
)

// Exit statuses, as ../shared/INTERFACE.md fixes them.
const (
	exitOK         = 0
	exitInternal   = 1
	exitInput      = 2
	exitDiverged   = 3
	exitGate       = 4
	exitGradCheck  = 5
	exitInterrupt  = 130
	exitTerminated = 143
)

// errGradCheckFailed is returned when a gradient check fails; its report
// is already printed.
var errGradCheckFailed = errors.New("gradient check failed")

// interrupted is the cause of a context cancelled by a signal.
type interrupted struct{ sig os.Signal }

func (e interrupted) Error() string { return "interrupted by " + e.name() }

func (e interrupted) name() string {
	if e.sig == syscall.SIGTERM {
		return "SIGTERM"
	}
	return "SIGINT"
}

// code is 128 + the signal number, as shells report it.
func (e interrupted) code() int {
	if e.sig == syscall.SIGTERM {
		return exitTerminated
	}
	return exitInterrupt
}

// gateError is a missed quality gate (exit 4).
type gateError struct{ err error }

func (e gateError) Error() string { return e.err.Error() }
func (e gateError) Unwrap() error { return e.err }

// usageError is bad usage: a wrong flag or argument count. cmd is the
// command whose help to point at; empty means the root's. hint, if set,
// goes before the pointer to the help.
type usageError struct {
	err  error
	cmd  string
	hint string
}

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{err: fmt.Errorf(format, args...)} }

// line is the one line that reports e: the command, the message and a
// hint that points at the command's help,
//
//	fit: unknown flag: --foo (hint: run 'mlptrain fit --help')
//
// or, when e wraps an input error (which names its flag), that error as it
// prints, with the pointer to the help as its hint if it has none.
func (e usageError) line() string {
	path := e.cmd
	if path == "" {
		path = "mlptrain"
	}
	msg := oneLine(e.err.Error())
	var ie *inputerr.Error
	if errors.As(e.err, &ie) && ie.Hint != "" {
		return msg
	}
	if _, sub, ok := strings.Cut(path, " "); ok && ie == nil {
		msg = sub + ": " + msg
	}
	hint := "run '" + path + " --help'"
	switch {
	case strings.HasSuffix(e.hint, "?"):
		hint = e.hint + " " + hint
	case e.hint != "":
		hint = e.hint + "; " + hint
	}
	return msg + " (hint: " + hint + ")"
}

// oneLine joins the lines of a message with spaces, so that it prints as
// one.
func oneLine(s string) string {
	var parts []string
	for l := range strings.Lines(s) {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, l)
		}
	}
	return strings.Join(parts, " ")
}

// exitCode maps an error returned by a command to its exit status and
// prints it on stderr (except for failures whose report says it all).
func exitCode(err error, stderr io.Writer) int {
	var ue usageError
	var ge gateError
	var in interrupted
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ge):
		fmt.Fprintf(stderr, "mlptrain: %v\n", err)
		return exitGate
	case train.IsDiverged(err):
		fmt.Fprintf(stderr, "mlptrain: %v\n", err)
		return exitDiverged
	case errors.Is(err, errGradCheckFailed):
		return exitGradCheck
	case errors.As(err, &in):
		fmt.Fprintf(stderr, "mlptrain: %v; the run folder holds what was done so far\n", err)
		return in.code()
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "mlptrain: interrupted")
		return exitInterrupt
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "mlptrain: %s\n", ue.line())
		return exitInput
	case inputerr.Is(err):
		fmt.Fprintf(stderr, "mlptrain: %v\n", err)
		return exitInput
	}
	fmt.Fprintf(stderr, "mlptrain: internal error: %v\nThis is a bug: please report it.\n", err)
	return exitInternal
}

// recoverInternal turns a panic into exit status 1 with the stack, since
// an unrecovered panic would exit 2, the status of bad input.
func recoverInternal(stderr io.Writer, code *int) {
	if r := recover(); r != nil {
		stack := strings.TrimSpace(string(debug.Stack()))
		fmt.Fprintf(stderr, "mlptrain: internal error, please report: %v\n%s\n", r, stack)
		*code = exitInternal
	}
}
