package train

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFitConfigInterruptedWhileLoading reads the training data from a
// named pipe nobody writes to, as a fit did that ignored SIGTERM for as
// long as the pipe stayed empty: cancelling the context must end
// FitConfig with a *InterruptedError carrying the cause, and write
// nothing.
func TestFitConfigInterruptedWhileLoading(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "train.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	out := filepath.Join(dir, "run")
	cfg := parseTestConfig(t, dir, fmt.Sprintf(`data: {train: %s, target: y}
model: {layers: [{units: 2, activation: tanh}, {activation: softmax}]}
output: {dir: %s}`, q(fifo), q(out)))
	cause := errors.New("interrupted by a test")
	ctx, cancel := context.WithCancelCause(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := FitConfig(ctx, cfg, FitOptions{})
		done <- err
	}()
	time.Sleep(50 * time.Millisecond) // let it block opening the pipe; the test holds without it too
	cancel(cause)
	var err error
	select {
	case err = <-done:
	case <-time.After(2 * time.Minute): // a hang guard, not a speed bound
		t.Fatal("FitConfig still reading the pipe after the context was cancelled")
	}
	var li *InterruptedError
	if !errors.As(err, &li) || !errors.Is(err, cause) || !strings.Contains(err.Error(), "while reading the data") {
		t.Errorf("FitConfig: %v (%T), want a *InterruptedError with the cause", err, err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("the run folder was made: %v", err)
	}
	// Release the abandoned reader: open the pipe for writing and close it.
	if w, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
		w.Close()
	}
}

// TestWhileLoadingPanics checks that a panic in the loading goroutine is
// raised again in the caller, where the command's recover reports it as
// an internal error (a panic on another goroutine would kill the process
// with exit status 2, the status of bad input).
func TestWhileLoadingPanics(t *testing.T) {
	t.Parallel()
	defer func() {
		r := recover()
		if s, ok := r.(string); !ok || !strings.Contains(s, "boom") || !strings.Contains(s, "in the loading goroutine") {
			t.Errorf("recovered %v, want the load's panic with its stack", r)
		}
	}()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	Interruptible(ctx, "loading", func() (int, error) { panic("boom") })
	t.Error("Interruptible returned after its load panicked")
}

// TestWhileLoadingResult checks that a load that ends is returned as it
// is, with or without a context that can be cancelled.
func TestWhileLoadingResult(t *testing.T) {
	t.Parallel()
	bad := errors.New("bad file")
	for _, ctx := range []context.Context{context.Background(), t.Context()} {
		if v, err := Interruptible(ctx, "loading", func() (int, error) { return 7, nil }); v != 7 || err != nil {
			t.Errorf("Interruptible = %d, %v; want 7, nil", v, err)
		}
		if _, err := Interruptible(ctx, "loading", func() (int, error) { return 0, bad }); err != bad {
			t.Errorf("Interruptible error %v, want %v", err, bad)
		}
	}
}
