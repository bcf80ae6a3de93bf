package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/inputerr"
)

// manyRunsOverrides returns the config overrides of sweep or cv (what),
// which set output.dir themselves, per point or fold (per): --out must
// name a folder, and output.dir may not be overridden by a flag or the
// environment (the config file's is ignored). folder names where --out
// goes, for the hint.
func manyRunsOverrides(cmd *cobra.Command, cf *configFlags, out, what, per, folder string) ([]config.Override, error) {
	if f := cmd.Flags().Lookup("out"); f.Changed && strings.TrimSpace(out) == "" {
		return nil, usagef("--out: want a folder")
	}
	ov, err := cf.overrides(cmd)
	if err != nil {
		return nil, err
	}
	set := fmt.Errorf("output.dir is set per %s by %s", per, what)
	for _, x := range ov {
		if x.Key == "output.dir" {
			return nil, usageError{err: &inputerr.Error{Key: x.Source, Err: set, Hint: "use --out DIR for " + folder}}
		}
	}
	// An override in the environment is as explicit as --set, and
	// refused alike.
	if name := config.EnvVar("output.dir"); os.Getenv(name) != "" {
		return nil, &inputerr.Error{Key: name, Err: set, Hint: "unset " + name + ", and use --out DIR for " + folder}
	}
	return ov, nil
}
