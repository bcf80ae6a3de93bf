package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlptrain/mlptrain/internal/runset"
)

// parseShard parses --shard and --shards (runset.ParseShard): nil when
// neither is given.
func parseShard(cmd *cobra.Command, spec string, shards int) (*runset.Shard, error) {
	if !cmd.Flags().Lookup("shard").Changed && !cmd.Flags().Lookup("shards").Changed {
		return nil, nil
	}
	sh, err := runset.ParseShard(spec, shards, os.Getenv)
	if err != nil {
		return nil, usageError{err: err}
	}
	return &sh, nil
}

// collectOptions are the flags of sweep collect and cv collect.
type collectOptions struct {
	json         bool
	quiet        bool
	allowMissing bool
}

// add adds the flags to cmd.
func (o *collectOptions) add(cmd *cobra.Command, noun string) {
	f := cmd.Flags()
	f.BoolVar(&o.json, "json", false, "print the JSON report instead of the table")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no warnings about missing "+noun+" on stderr (the exit status still says)")
	f.BoolVar(&o.allowMissing, "allow-missing", false, "exit 0 even when "+noun+" are missing (still listed on stderr)")
}

// missingError is a collect that found runs without a result: exit 4, as
// a missed quality gate, unless --allow-missing.
func missingError(n int, noun, dir string) error {
	return gateError{err: fmt.Errorf("%d %s without a result; the files record them as their shards left them (hint: run the missing shards again into %s, then collect again, or pass --allow-missing)", n, noun, dir)}
}

// warnMissing prints one line per missing run on stderr, at most 20.
func warnMissing(stderr io.Writer, lines []string, noun string) {
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(stderr, "mlptrain: warning: %d %s missing:\n", len(lines), noun)
	for i, l := range lines {
		if i == 20 {
			fmt.Fprintf(stderr, "  ... and %d more\n", len(lines)-20)
			break
		}
		fmt.Fprintf(stderr, "  %s\n", strings.TrimSpace(l))
	}
}
