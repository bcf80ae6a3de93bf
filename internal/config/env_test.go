package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEnvNotAKey checks that an MLPTRAIN_ variable that sets no key is an
// error naming it, with the nearest key's variable as the hint, as --set
// of the same key is. Issue 17: the first three exited 0 with the setting
// silently ignored.
func TestEnvNotAKey(t *testing.T) {
	t.Parallel()
	long := "MLPTRAIN_" + strings.Repeat("X", 10000)
	for _, tc := range []struct {
		name    string
		environ []string
		want    *want
	}{
		{name: "misspelt key", environ: []string{"MLPTRAIN_TRAIN_LEARNING_RAT=0.1"},
			want: &want{"", 0, 0, "MLPTRAIN_TRAIN_LEARNING_RAT", `unknown key "train.learning_rat"`, "did you mean MLPTRAIN_TRAIN_LEARNING_RATE, for train.learning_rate?"}},
		{name: "section", environ: []string{"MLPTRAIN_TRAIN_EARLY_STOPPING=5"},
			want: &want{"", 0, 0, "MLPTRAIN_TRAIN_EARLY_STOPPING", "train.early_stopping is a section, not a single value", "set one of its keys, such as MLPTRAIN_TRAIN_EARLY_STOPPING_PATIENCE"}},
		{name: "list of layers", environ: []string{"MLPTRAIN_MODEL_LAYERS=[{units: x"},
			want: &want{"", 0, 0, "MLPTRAIN_MODEL_LAYERS", "model.layers is a list of layers and cannot be set from the environment", "edit model.layers in the config file"}},
		{name: "top section", environ: []string{"MLPTRAIN_TRAIN=fast"},
			want: &want{"", 0, 0, "MLPTRAIN_TRAIN", "train is a section, not a single value", "MLPTRAIN_TRAIN_OPTIMIZER"}},
		{name: "a layer's misspelt key", environ: []string{"MLPTRAIN_MODEL_LAYERS_0_UNIT=64"},
			want: &want{"", 0, 0, "MLPTRAIN_MODEL_LAYERS_0_UNIT", `unknown key "model.layers.0.unit": a layer has no key "unit"`, "did you mean MLPTRAIN_MODEL_LAYERS_0_UNITS, for model.layers.0.units?"}},
		{name: "a layer past the last", environ: []string{"MLPTRAIN_MODEL_LAYERS_5_UNITS=64"},
			want: &want{"", 0, 0, "MLPTRAIN_MODEL_LAYERS_5_UNITS", "layer 5 is out of range: the config has 2 layers, model.layers.0 to model.layers.1 (the last is the output layer)", "model.depth"}},
		{name: "key without its section", environ: []string{"MLPTRAIN_EPOCHS=5"},
			want: &want{"", 0, 0, "MLPTRAIN_EPOCHS", `unknown key "epochs"`, "did you mean MLPTRAIN_TRAIN_EPOCHS, for train.epochs?"}},
		{name: "misspelt key in a subsection", environ: []string{"MLPTRAIN_DATA_FEATURE_MAP_POLYNOMAL=2"},
			want: &want{"", 0, 0, "MLPTRAIN_DATA_FEATURE_MAP_POLYNOMAL", `unknown key "data.feature_map.polynomal"`, "MLPTRAIN_DATA_FEATURE_MAP_POLYNOMIAL"}},
		{name: "lower case", environ: []string{"mlptrain_train_epochs=5"},
			want: &want{"", 0, 0, "mlptrain_train_epochs", "unknown variable: train.epochs is set by MLPTRAIN_TRAIN_EPOCHS", "rename it MLPTRAIN_TRAIN_EPOCHS"}},
		{name: "dots", environ: []string{"MLPTRAIN_TRAIN.EPOCHS=5"},
			want: &want{"", 0, 0, "MLPTRAIN_TRAIN.EPOCHS", "unknown variable: train.epochs is set by MLPTRAIN_TRAIN_EPOCHS", "rename it MLPTRAIN_TRAIN_EPOCHS"}},
		{name: "section in lower case", environ: []string{"Mlptrain_Train_Early_Stopping=5"},
			want: &want{"", 0, 0, "Mlptrain_Train_Early_Stopping", "train.early_stopping is a section, not a single value", "MLPTRAIN_TRAIN_EARLY_STOPPING_PATIENCE"}},
		{name: "nothing near", environ: []string{"MLPTRAIN_COLOUR=blue"},
			want: &want{"", 0, 0, "MLPTRAIN_COLOUR", `unknown key "colour"`, "configs/reference.yaml lists the keys"}},
		{name: "newline in the name", environ: []string{"MLPTRAIN_TRAIN\nEPOCHS=5"},
			want: &want{"", 0, 0, `"MLPTRAIN_TRAIN\nEPOCHS"`, `unknown key "train\nepochs"`, "MLPTRAIN_TRAIN_EPOCHS"}},
		{name: "long name", environ: []string{long + "=1"},
			want: &want{"", 0, 0, quote(long), `unknown key "` + strings.Repeat("x", 40) + `..."`, "configs/reference.yaml"}},
		{name: "first by name", environ: []string{"MLPTRAIN_TRAIN_SEEDS=2", "MLPTRAIN_TRAIN_EPOCH=5"},
			want: &want{"", 0, 0, "MLPTRAIN_TRAIN_EPOCH", `unknown key "train.epoch"`, "MLPTRAIN_TRAIN_EPOCHS"}},
		{name: "bad value and unknown name", environ: []string{"MLPTRAIN_TRAIN_EPOCHS=ten", "MLPTRAIN_TRAIN_LEARNING_RAT=0.1"},
			want: &want{"", 0, 0, "MLPTRAIN_TRAIN_EPOCHS", `expected a whole number, got "ten"`, "such as 200"}},
		{name: "empty counts as unset", environ: []string{"MLPTRAIN_TRAIN_LEARNING_RAT=", "MLPTRAIN_MODEL_LAYERS="}},
		{name: "the program's own variables", environ: []string{"MLPTRAIN_BENCH_DATA=/tmp/ref.csv", "MLPTRAIN_BENCH_PEERS=../shared/bench",
			"MLPTRAIN_TEST_ATOMIC_KILL_DIR=/tmp/k", "MLPTRAIN_TEST_ATOMIC_KILL_DIR_READY=/tmp/k/ready"}},
		{name: "other programs' variables", environ: []string{"MLPTRAINER=1", "MLPTRAIN=1", "PATH=/bin", "XMLPTRAIN_TRAIN_LEARNING_RAT=1"}},
		{name: "keys", environ: []string{"MLPTRAIN_TRAIN_EPOCHS=7", "MLPTRAIN_DATA_FEATURES=a,b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := parse([]byte(base), "c.yaml", nil, environFrom(tc.environ))
			if tc.want != nil {
				checkErr(t, err, *tc.want)
				if err != nil && strings.Contains(err.Error(), "\n") {
					t.Errorf("error %q spans several lines", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if tc.name == "keys" && (c.Train.Epochs != 7 || len(c.Data.Features) != 2) {
				t.Errorf("epochs %d, features %q, want 7, [a b]", c.Train.Epochs, c.Data.Features)
			}
		})
	}
}

// TestEnvLikeSet checks that a variable and --set of the same key give the
// same config or the same error, apart from what the message names: they
// share one code path.
func TestEnvLikeSet(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ key, value string }{
		{"train.epochs", "12"},
		{"train.epochs", "ten"},
		{"train.epochs", "-1"},
		{"data.features", "a, b"},
		{"data.features", "a,,b"},
		{"data.target", "y1,y2"},
		{"train.early_stopping", "5"},
		{"model.layers", "[{units: x"},
		{"train.learning_rat", "0.1"},
		{"data.feature_map.interactions_only", "TRUE"},
	} {
		t.Run(tc.key+"="+tc.value, func(t *testing.T) {
			t.Parallel()
			fromEnv, envErr := parse([]byte(base), "c.yaml", nil, environFrom([]string{EnvVar(tc.key) + "=" + tc.value}))
			fromSet, setErr := parse([]byte(base), "c.yaml", []Override{{Key: tc.key, Value: tc.value}}, nil)
			if (envErr == nil) != (setErr == nil) {
				t.Fatalf("environment: %v; --set: %v", envErr, setErr)
			}
			if envErr != nil {
				env := strings.TrimPrefix(envErr.Error(), EnvVar(tc.key)+": ")
				set := strings.TrimPrefix(setErr.Error(), "--set "+tc.key+": ")
				env, _, _ = strings.Cut(env, " (hint")
				set, _, _ = strings.Cut(set, " (hint")
				set = strings.Replace(set, "the command line", "the environment", 1)
				if env != set {
					t.Errorf("environment: %q, --set: %q", envErr, setErr)
				}
				return
			}
			if !equal(fromEnv, fromSet) {
				t.Errorf("environment gave %+v, --set %+v", plain(fromEnv), plain(fromSet))
			}
		})
	}
}

// TestEnvKeysUnique checks that each key, section and model.layers has a
// variable of its own, so that a variable names one key.
func TestEnvKeysUnique(t *testing.T) {
	t.Parallel()
	n := 0
	for key := range byKey {
		if !strings.Contains(key, "[]") {
			n++
		}
	}
	if len(envKeys) != n {
		t.Errorf("%d variables for %d keys", len(envKeys), n)
	}
	for _, v := range ProgramVars() {
		if _, ok := envKeys[v]; ok {
			t.Errorf("program variable %s is a key's", v)
		}
	}
}

// TestProcessEnv checks that Load reads the process environment: every
// key under the name EnvVar gives, and every other MLPTRAIN_ variable
// refused unless it is one of ProgramVars. Not parallel: it sets
// variables.
func TestProcessEnv(t *testing.T) {
	clearEnv(t)
	keys := Keys()
	for i, key := range keys {
		t.Setenv(EnvVar(key), "v"+key+string(rune('a'+i%26)))
	}
	vars := environment(nil)
	for i, key := range keys {
		if want := "v" + key + string(rune('a'+i%26)); vars[EnvVar(key)] != want {
			t.Errorf("%s = %q, want %q", EnvVar(key), vars[EnvVar(key)], want)
		}
	}
	if len(vars) != len(keys) {
		t.Errorf("read %d variables, want %d", len(vars), len(keys))
	}
	for _, key := range keys {
		t.Setenv(EnvVar(key), "")
	}
	if vars := environment(nil); len(vars) != 0 {
		t.Errorf("empty variables count as set: %q", vars)
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "iris.yaml")
	if err := os.WriteFile(path, []byte(base+"train: {epochs: 10}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, v := range ProgramVars() {
		t.Setenv(v, "x")
	}
	t.Setenv("MLPTRAIN_TRAIN_EPOCHS", "77")
	c, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Train.Epochs != 77 {
		t.Errorf("MLPTRAIN_TRAIN_EPOCHS=77 gave epochs %d", c.Train.Epochs)
	}
	t.Setenv("MLPTRAIN_TRAIN_EPOCHS", "ten")
	_, err = Load(path, nil)
	checkErr(t, err, want{"", 0, 0, "MLPTRAIN_TRAIN_EPOCHS", `expected a whole number, got "ten"`, "such as 200"})
}

// TestEnvIssue17 runs issue 17's reproducers through Load and the
// process environment: each variable exited 0 with the setting silently
// ignored. Not parallel: it sets variables.
func TestEnvIssue17(t *testing.T) {
	clearEnv(t)
	path := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(path, []byte(base), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, value string
		want        want
	}{
		{"MLPTRAIN_MODEL_LAYERS", "[{units: x", want{"", 0, 0, "MLPTRAIN_MODEL_LAYERS", "model.layers is a list of layers and cannot be set from the environment", "edit model.layers"}},
		{"MLPTRAIN_TRAIN_EARLY_STOPPING", "5", want{"", 0, 0, "MLPTRAIN_TRAIN_EARLY_STOPPING", "train.early_stopping is a section, not a single value", "MLPTRAIN_TRAIN_EARLY_STOPPING_PATIENCE"}},
		{"MLPTRAIN_TRAIN_LEARNING_RAT", "0.1", want{"", 0, 0, "MLPTRAIN_TRAIN_LEARNING_RAT", `unknown key "train.learning_rat"`, "did you mean MLPTRAIN_TRAIN_LEARNING_RATE"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(tc.name, tc.value)
			_, err := Load(path, nil)
			checkErr(t, err, tc.want)
		})
	}
}

// clearEnv sets every MLPTRAIN_ variable of the shell running the tests to
// "", which counts as unset, until the test ends.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); len(name) >= 9 && strings.EqualFold(name[:9], "MLPTRAIN_") {
			t.Setenv(name, "")
		}
	}
}

// TestEnvLookupProbes checks Parse with a lookup function: it cannot list
// its variables, but a section's or model.layers' is still refused.
func TestEnvLookupProbes(t *testing.T) {
	t.Parallel()
	_, err := Parse([]byte(base), "c.yaml", nil, envOf(map[string]string{"MLPTRAIN_TRAIN_EARLY_STOPPING": "5"}))
	checkErr(t, err, want{"", 0, 0, "MLPTRAIN_TRAIN_EARLY_STOPPING", "train.early_stopping is a section, not a single value", "MLPTRAIN_TRAIN_EARLY_STOPPING_PATIENCE"})
	_, err = Parse([]byte(base), "c.yaml", nil, envOf(map[string]string{"MLPTRAIN_MODEL_LAYERS": "[]"}))
	checkErr(t, err, want{"", 0, 0, "MLPTRAIN_MODEL_LAYERS", "model.layers is a list of layers and cannot be set from the environment", "edit model.layers"})
}
