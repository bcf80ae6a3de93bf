package main

import (
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/train"
	"github.com/spf13/cobra"
)

// configFlags are the flags that override config keys: --set KEY=VALUE
// and the shorthands, each mapped to its dotted key.
type configFlags struct {
	set        []string
	shorthands map[string]string // flag name → config key
	extra      []config.Override // set by the command itself (--resume)
}

// addConfigFlags registers --set and the given shorthands (flag name →
// config key, with its usage) on cmd.
func addConfigFlags(cmd *cobra.Command, shorthands map[string][2]string) *configFlags {
	cf := &configFlags{shorthands: map[string]string{}}
	cmd.Flags().StringArrayVar(&cf.set, "set", nil, "override a config key: `KEY=VALUE`, e.g. train.learning_rate=0.1 (repeatable)")
	for name, ku := range shorthands {
		cf.shorthands[name] = ku[0]
		cmd.Flags().String(name, "", ku[1])
		cmd.Flags().SetAnnotation(name, configKeyAnnotation, []string{ku[0]})
	}
	return cf
}

// configKeyAnnotation marks a shorthand flag with its config key: its
// value is checked by config.Load as the key's (TestNumericFlags reads it).
const configKeyAnnotation = "mlptrain_config_key"

// overrides returns the changed flags as config overrides, shorthands
// first. A malformed --set is a usage error.
func (cf *configFlags) overrides(cmd *cobra.Command) ([]config.Override, error) {
	var out []config.Override
	for _, name := range slices.Sorted(maps.Keys(cf.shorthands)) {
		key := cf.shorthands[name]
		if f := cmd.Flags().Lookup(name); f != nil && f.Changed {
			out = append(out, config.Override{Key: key, Value: f.Value.String(), Source: "--" + name})
		}
	}
	out = append(out, cf.extra...)
	for _, s := range cf.set {
		k, v, ok := strings.Cut(s, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, usagef("--set %q: want KEY=VALUE, e.g. --set train.epochs=50", s)
		}
		out = append(out, config.Override{Key: strings.TrimSpace(k), Value: v, Source: "--set " + s})
	}
	return out, nil
}

// loadConfig loads the config file with the flags' overrides; a signal
// stops it at once (the file may be a pipe that blocks).
func (cf *configFlags) loadConfig(cmd *cobra.Command, path string) (*config.Config, error) {
	ov, err := cf.overrides(cmd)
	if err != nil {
		return nil, err
	}
	return train.Interruptible(cmd.Context(), "reading the config", func() (*config.Config, error) { return config.Load(path, ov) })
}

// addQuietFlag gives a command that prints no progress the --quiet flag
// of fit and sweep, so that a script can pass --quiet to every command.
func addQuietFlag(cmd *cobra.Command) {
	cmd.Flags().BoolP("quiet", "q", false, "no progress on stderr (this command prints none; accepted like fit's)")
}

// addWarningsQuietFlag gives eval and predict the --quiet flag, which
// silences their warnings about the data (rows left out, unknown
// categories), as fit's silences its progress and warnings.
func addWarningsQuietFlag(cmd *cobra.Command) {
	cmd.Flags().BoolP("quiet", "q", false, "no warnings on stderr about DATA (rows left out, categories the model does not know)")
}

// warnings returns where cmd writes its warnings: stderr, or nowhere
// with --quiet.
func warnings(cmd *cobra.Command, stderr io.Writer) io.Writer {
	if q, _ := cmd.Flags().GetBool("quiet"); q {
		return io.Discard
	}
	return stderr
}
