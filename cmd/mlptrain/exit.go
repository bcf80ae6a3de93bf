package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"

	"github.com/mlptrain/mlptrain/internal/atomicfile"
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
	exitBrokenPipe = 141 // 128 + SIGPIPE, as a shell reports a process the signal ended
	exitTerminated = 143
	exitHangup     = 129
)

// errGradCheckFailed is returned when a gradient check fails; its report
// is already printed.
var errGradCheckFailed = errors.New("gradient check failed")

// interrupted is the cause of a context cancelled by a signal.
type interrupted struct{ sig os.Signal }

func (e interrupted) Error() string { return "interrupted by " + e.name() }

func (e interrupted) name() string {
	switch e.sig {
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	}
	return "SIGINT"
}

// code is 128 + the signal number, as shells report it.
func (e interrupted) code() int {
	switch e.sig {
	case syscall.SIGTERM:
		return exitTerminated
	case syscall.SIGHUP:
		return exitHangup
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

// stdioHints are what to do when writing stdout fails with a failure of
// the file system or device it goes to; for files, atomicfile.ErrnoHint
// says it, and both tables know the same failures.
var stdioHints = map[syscall.Errno]string{
	syscall.ENOSPC:       "stdout goes to a full disk or device; free some space, or redirect it elsewhere",
	syscall.EDQUOT:       "stdout goes to a file over its disk quota; free some space, or redirect it elsewhere",
	syscall.EFBIG:        "stdout goes to a file that reached the file size limit (ulimit -f) or its file system's; redirect it elsewhere",
	syscall.EROFS:        "stdout goes to a read-only file system; redirect it elsewhere",
	syscall.EIO:          "the device that stdout goes to reported an input/output error; check it, or redirect stdout elsewhere",
	syscall.EMFILE:       "too many open files; raise the limit (ulimit -n)",
	syscall.ENFILE:       "the system has too many open files; close some programs, then run again",
	syscall.ESTALE:       "the network file system lost the file; run again",
	syscall.EACCES:       "check where stdout is redirected",
	syscall.EPERM:        "check where stdout is redirected",
	syscall.ENOENT:       "check where stdout is redirected",
	syscall.ENOTDIR:      "check where stdout is redirected",
	syscall.EISDIR:       "check where stdout is redirected",
	syscall.ENAMETOOLONG: "check where stdout is redirected",
}

// ioHint returns the hint for an I/O failure err, for a file or for stdout,
// and whether err is one.
func ioHint(err error, stdout bool) (string, bool) {
	hint, ok := atomicfile.ErrnoHint(err)
	if !ok || !stdout {
		return hint, ok
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		if h, ok := stdioHints[errno]; ok {
			return h, true
		}
	}
	return hint, true
}

// ioMessage is the message of an I/O failure: err's, with the innermost
// *fs.PathError, *os.LinkError or *os.SyscallError reduced to its cause
// when the message names the path already (atomicfile's "write PATH: write
// PATH/.BASE-123: no space left on device" becomes "write PATH: no space
// left on device"), and the hint.
func ioMessage(err error, hint string) string {
	msg := err.Error()
	var cause error
	var pe *fs.PathError
	var le *os.LinkError
	var se *os.SyscallError
	switch {
	case errors.As(err, &pe):
		cause = pe
	case errors.As(err, &le):
		cause = le
	case errors.As(err, &se):
		cause = se
	}
	if cause != nil {
		if inner := cause.Error(); msg != inner && strings.HasSuffix(msg, ": "+inner) {
			msg = strings.TrimSuffix(msg, inner) + errors.Unwrap(cause).Error()
		}
	}
	return oneLine(msg) + " (hint: " + hint + ")"
}

// stdoutWriter is the stdout of a run. It remembers the first write that
// fails, so that run reports it even where a command does not check its
// writes (cobra's help does not), and it writes nothing after it.
type stdoutWriter struct {
	mu  sync.Mutex
	w   io.Writer
	err error
}

func (s *stdoutWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.w.Write(p)
	if err != nil {
		s.err = stdoutError(err)
	}
	return n, s.err
}

// failure returns the error of the first failed write, or nil.
func (s *stdoutWriter) failure() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// stdoutError is the error of a failed write to stdout: an input error
// naming stdout, with a hint when its cause is a known I/O failure. A
// closed pipe (EPIPE) stays in it, for the quiet exit.
func stdoutError(err error) error {
	cause := inputerr.PathCause(err)
	hint, _ := ioHint(cause, true)
	return &inputerr.Error{File: "stdout", Err: fmt.Errorf("cannot write: %w", cause), Hint: hint}
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
	case errors.Is(err, syscall.EPIPE):
		// The reader of stdout has gone, as "| head" does: stop quietly, as
		// a Unix tool that SIGPIPE ends does (this one too, on fd 1).
		return exitBrokenPipe
	case errors.As(err, &ge):
		fmt.Fprintf(stderr, "mlptrain: %v\n", err)
		return exitGate
	case train.IsDiverged(err):
		fmt.Fprintf(stderr, "mlptrain: %v\n", err)
		return exitDiverged
	case errors.Is(err, errGradCheckFailed):
		return exitGradCheck
	case errors.As(err, &in):
		if ie := (*train.InterruptedError)(nil); errors.As(err, &ie) {
			fmt.Fprintf(stderr, "mlptrain: %v\n", err)
		} else {
			fmt.Fprintf(stderr, "mlptrain: %v; the run folder holds what was done so far\n", err)
		}
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
	if hint, ok := ioHint(err, false); ok {
		fmt.Fprintf(stderr, "mlptrain: %s\n", ioMessage(err, hint))
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
