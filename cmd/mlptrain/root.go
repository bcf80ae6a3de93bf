package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/spf13/cobra"
)

// version returns the module version from the build info, or "devel".
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// run executes the command line args and returns the exit status. It is
// the one place that decides exit statuses.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (code int) {
	defer recoverInternal(stderr, &code)
	started := false // whether a command's RunE was reached
	out := &stdoutWriter{w: stdout}
	root := newRootCmd(out, stderr)
	root.PersistentPreRun = func(*cobra.Command, []string) { started = true }
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	var ue usageError
	if err != nil && !started && !errors.As(err, &ue) && !inputerr.Is(err) {
		ue = usageError{err: err} // unknown command or flag, wrong argument count
		if c, _, ferr := root.Find(args); ferr != nil && c == root {
			ue = unknownCommand(root, args)
		}
		err = ue
	}
	if errors.As(err, &ue) && ue.cmd == "" {
		if c, _, ferr := root.Find(args); ferr == nil && c != root {
			ue.cmd = c.CommandPath()
			err = ue
		}
	}
	// What did not reach stdout outweighs what the command returned (a
	// missed gate, say), but not an interrupt.
	if werr := out.failure(); werr != nil && !isInterrupt(err) {
		err = werr
	}
	return exitCode(err, stderr)
}

// isInterrupt reports whether err is the cancellation of a signal.
func isInterrupt(err error) bool {
	var in interrupted
	return errors.As(err, &in) || errors.Is(err, context.Canceled)
}

// unknownCommand is the usage error of a first argument that names no
// command, with cobra's suggestions in its hint (cobra's own are on lines
// of their own).
func unknownCommand(root *cobra.Command, args []string) usageError {
	name := ""
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			name = a
			break
		}
	}
	ue := usageError{err: fmt.Errorf("unknown command %q", name)}
	if s := root.SuggestionsFor(name); len(s) > 0 {
		q := make([]string, len(s))
		for i, c := range s {
			q[i] = strconv.Quote(c)
		}
		ue.hint = "did you mean " + strings.Join(q, " or ") + "?"
	}
	return ue
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "mlptrain",
		Short: "Train multilayer perceptrons from a YAML config on CSV data",
		Long: `mlptrain trains multilayer perceptrons with explicit forward and backward
passes over a computation graph, and checks their gradients.

Results go to stdout, progress and errors to stderr. Exit status: 0 success,
1 internal error, 2 bad usage or input, 3 training diverged, 4 quality gate
missed, 5 gradient check failed, 130/143/129 interrupted (SIGINT, SIGTERM,
SIGHUP), 141 stdout closed by its reader.`,
		Version:       version(),
		SilenceUsage:  true,
		SilenceErrors: true,
		// run puts the suggestions in the hint, on the message's line.
		DisableSuggestions:         true,
		SuggestionsMinimumDistance: 2,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		var ie *inputerr.Error
		if errors.As(err, &ie) { // a numeric flag's bad value: reported as config.Load reports --epochs
			return ie
		}
		return usageError{err: err, cmd: c.CommandPath()}
	})
	root.AddCommand(newFitCmd(stdout, stderr))
	root.AddCommand(newEvalCmd(stdout, stderr))
	root.AddCommand(newPredictCmd(stdout, stderr))
	root.AddCommand(newGradcheckCmd(stdout, stderr))
	root.AddCommand(newGraphCmd(stdout, stderr))
	root.AddCommand(newSweepCmd(stdout, stderr))
	root.AddCommand(newCVCmd(stdout, stderr))
	root.AddCommand(newExportCmd(stdout, stderr))
	return root
}

// exactArgs is cobra.ExactArgs returning a usage error.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == n {
			return nil
		}
		var names []string // the upper-case words of the usage line
		for _, w := range strings.Fields(cmd.Use)[1:] {
			if w == strings.ToUpper(w) && strings.Trim(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") == "" {
				names = append(names, w)
			}
		}
		want := fmt.Sprintf("%d arguments", n)
		if n == 1 {
			want = "1 argument"
		}
		if len(names) == n {
			want += " (" + strings.Join(names, " ") + ")"
		}
		got := "none"
		if len(args) > 0 {
			q := make([]string, len(args))
			for i, a := range args {
				q[i] = strconv.Quote(a)
			}
			got = fmt.Sprintf("%d: %s", len(args), strings.Join(q, " "))
		}
		return usageError{err: fmt.Errorf("takes %s, got %s", want, got), cmd: cmd.CommandPath()}
	}
}
