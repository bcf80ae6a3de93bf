package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/mlptrain/mlptrain/internal/train"
)

// interruptible wraps the run of a command that has nothing to save
// (eval, predict, gradcheck, graph: their only output is what they print,
// or predict -o's file, written whole or not at all), so that the first
// SIGINT or SIGTERM stops it at once, wherever it is: reading, computing
// or printing. (fit saves its state instead, and stops after the current
// step.) What it had printed stays, cut short, and the message says so.
func interruptible(what string, run func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		_, err := train.Interruptible(cmd.Context(), what, func() (struct{}, error) { return struct{}{}, run(cmd, args) })
		var ie *train.InterruptedError
		if errors.As(err, &ie) && ie.While == what {
			ie.Left = "its output, if any, is cut short"
		}
		return err
	}
}
