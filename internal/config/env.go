package config

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/spf13/viper"
)

// programVars are the MLPTRAIN_ variables that belong to mlptrain but set
// no config key. The programs they are meant for may run mlptrain with
// them set, so Parse lets them pass.
var programVars = []string{
	"MLPTRAIN_BENCH_DATA",                 // bench/run.sh, internal/data's BenchmarkReadFileRef: the cached reference CSV
	"MLPTRAIN_BENCH_PEERS",                // bench/run.sh: the folder of peers.py and gendata.py
	"MLPTRAIN_TEST_ATOMIC_KILL_DIR",       // internal/atomicfile's TestWriteKilled, for its child process
	"MLPTRAIN_TEST_ATOMIC_KILL_DIR_READY", // the same child's ready file
}

// ProgramVars returns the environment variables whose names start with
// MLPTRAIN_ but that set no config key: those of mlptrain's benchmark
// script and tests. Parse ignores them; any other MLPTRAIN_ variable that
// is not EnvVar of a key is an error.
func ProgramVars() []string { return slices.Clone(programVars) }

// envKeys maps the variable of every key, section and model.layers to
// its dotted key: MLPTRAIN_TRAIN_EPOCHS to train.epochs,
// MLPTRAIN_TRAIN_EARLY_STOPPING to train.early_stopping. The schema's init
// fills it.
var envKeys = map[string]string{}

// environment returns the variables that Parse applies, by name: those of
// env whose names start with MLPTRAIN_ in any case, with values that are
// not empty. For a nil env they come from the process environment; a
// lookup function cannot list its variables, so it is asked only for the
// variables of keys and sections, and of model.depth and model.width
// (not of a layer's key by index).
func environment(env func(string) (string, bool)) map[string]string {
	vars := map[string]string{}
	if env != nil {
		for _, name := range append(slices.Collect(maps.Keys(envKeys)), EnvVar(DepthKey), EnvVar(WidthKey)) {
			if v, ok := env(name); ok && v != "" {
				vars[name] = v
			}
		}
		return vars
	}
	return processEnv()
}

// processEnv returns the process's variables that Parse applies. Viper
// reads the keys' own (each key bound to its variable, MLPTRAIN_ and the
// key with dots as underscores); but viper looks variables up by key, so
// it cannot see one that sets no key, which it silently ignored (issue
// 17): those come from os.Environ, to be refused.
func processEnv() map[string]string {
	vars := environFrom(os.Environ())
	v := viper.New()
	v.SetEnvPrefix(EnvPrefix)
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	for _, key := range Keys() {
		if v.BindEnv(key) != nil {
			continue // not reached: BindEnv fails only without a key
		}
		if val := v.GetString(key); val != "" {
			vars[EnvVar(key)] = val
		}
	}
	return vars
}

// environFrom returns the variables of environ, in os.Environ's form
// "NAME=value", that Parse applies: those whose names start with MLPTRAIN_
// in any case, with values that are not empty.
func environFrom(environ []string) map[string]string {
	vars := map[string]string{}
	for _, kv := range environ {
		name, v, ok := strings.Cut(kv, "=")
		if ok && v != "" && hasEnvPrefix(name) {
			vars[name] = v
		}
	}
	return vars
}

// hasEnvPrefix reports whether name starts with MLPTRAIN_ in any case.
func hasEnvPrefix(name string) bool {
	p := EnvPrefix + "_"
	return len(name) >= len(p) && strings.EqualFold(name[:len(p)], p)
}

// applyEnv sets the key of each variable of vars, in the order of their
// names, but model.depth and model.width first (see ShapeKeys). A variable that sets no key, other than one of programVars, is
// an error naming it, and so is a value that does not parse.
func (l *loader) applyEnv(vars map[string]string) error {
	rank := func(name string) string {
		key, _ := envLayerKey(name)
		return key
	}
	for _, name := range sortShape(slices.Sorted(maps.Keys(vars)), rank) {
		if slices.Contains(programVars, name) {
			continue
		}
		key, ok := envLayerKey(name)
		if ok {
			if err := checkKey(key, fromEnv); err != nil {
				err.Key = envName(name)
				return err
			}
		} else {
			f, hint, err := envField(name)
			if err != nil {
				return &inputerr.Error{Key: envName(name), Err: err, Hint: hint}
			}
			key = f.key
		}
		if hint, err := l.c.set(key, vars[name], origin{kind: fromEnv, name: name}); err != nil {
			return &inputerr.Error{Key: name, Err: err, Hint: hint}
		}
	}
	return nil
}

// envField returns the key that the variable name sets, through the same
// check as --set's keys; for a name that sets none, it returns why, with
// a hint naming the nearest key's variable.
func envField(name string) (*field, string, error) {
	if key, ok := envKeys[name]; ok {
		return settableField(key, fromEnv)
	}
	// Not exactly a key's variable: the right name in the wrong case or
	// with dots, or a misspelt one, which is read as the dotted key it
	// would be to suggest the nearest.
	canon := strings.ToUpper(strings.NewReplacer(".", "_", "-", "_").Replace(name))
	if key, ok := envKeys[canon]; ok {
		if _, hint, err := settableField(key, fromEnv); err != nil {
			return nil, hint, err
		}
		return nil, "rename it " + canon, fmt.Errorf("unknown variable: %s is set by %s", key, canon)
	}
	key := envGuess(name)
	if _, hint, err := settableField(key, fromEnv); err != nil {
		return nil, hint, err
	}
	// Unreachable for ASCII names (canon would have matched); a safe default.
	return nil, keyHint(key, fromEnv), fmt.Errorf("unknown key %s", quote(key))
}

// envGuess returns the dotted key that the misspelt variable name would
// set, for messages: the longest section whose variable starts it, a dot,
// and the rest in lower case (MLPTRAIN_TRAIN_LEARNING_RAT gives
// train.learning_rat), or the name without MLPTRAIN_ in lower case.
func envGuess(name string) string {
	rest := strings.ToLower(name)
	if hasEnvPrefix(name) {
		rest = rest[len(EnvPrefix)+1:]
	}
	best, bestLen := "", 0
	for v, key := range envKeys {
		f := byKey[key]
		if f.kind != kindSection && f.kind != kindLayers {
			continue
		}
		p := strings.ToLower(v[len(EnvPrefix)+1:]) + "_"
		if strings.HasPrefix(rest, p) && len(p) > bestLen {
			best, bestLen = key, len(p)
		}
	}
	if best == "" {
		return rest
	}
	return best + "." + rest[bestLen:]
}

// envName returns a variable's name as messages show it: as it is if it
// is printable and of reasonable length, else quoted and shortened, so
// that the message stays on one line.
func envName(name string) string {
	if utf8.RuneCountInString(name) <= 100 && printable(name) {
		return name
	}
	return quote(name)
}
