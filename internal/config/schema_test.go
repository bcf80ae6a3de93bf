package config

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestKeys(t *testing.T) {
	t.Parallel()
	want := []string{
		"data.train", "data.validation", "data.test", "data.target", "data.features", "data.delimiter",
		"data.normalize", "data.feature_map.polynomial", "data.feature_map.interactions_only", "data.ignore", "data.categorical", "data.missing", "data.impute",
		"data.missing_indicator", "data.max_categories", "data.normalize_target", "data.decimal",
		"data.stream", "data.shuffle_buffer",
		"model.loss", "model.init", "model.weights", "model.input_dropout",
		"train.optimizer", "train.learning_rate", "train.momentum", "train.batch_size", "train.epochs",
		"train.l2", "train.weight_decay", "train.clip_norm", "train.precision", "train.class_weight", "train.seed", "train.early_stopping.patience", "train.early_stopping.metric",
		"train.early_stopping.min_delta", "train.schedule.kind", "train.schedule.warmup_epochs", "train.schedule.step_epochs",
		"train.schedule.gamma", "train.schedule.min_lr", "train.schedule.patience", "train.threads", "train.checkpoint_every",
		"output.dir",
	}
	if got := Keys(); !slices.Equal(got, want) {
		t.Errorf("Keys() = %q, want %q", got, want)
	}
	// keyHint relies on the last names being unique, but for patience,
	// whose hints name the first in file order, early_stopping's.
	seen := map[string]string{}
	for _, k := range Keys() {
		if prev, dup := seen[lastName(k)]; dup && !(lastName(k) == "patience" && prev == "train.early_stopping.patience") {
			t.Errorf("keys %s and %s share the last name %s", prev, k, lastName(k))
		}
		seen[lastName(k)] = k
	}
	for _, k := range []string{"model.layers", "model.layers[].units", "model.layers[].activation"} {
		if byKey[k] == nil || byKey[k].settable() {
			t.Errorf("schema key %s is missing or settable", k)
		}
	}
}

func TestEnvVar(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ key, name string }{
		{"train.epochs", "MLPTRAIN_TRAIN_EPOCHS"},
		{"data.feature_map.polynomial", "MLPTRAIN_DATA_FEATURE_MAP_POLYNOMIAL"},
		{"train.early_stopping.patience", "MLPTRAIN_TRAIN_EARLY_STOPPING_PATIENCE"},
	} {
		if got := EnvVar(tc.key); got != tc.name {
			t.Errorf("EnvVar(%q) = %q, want %q", tc.key, got, tc.name)
		}
	}
}

// TestSetText checks that every settable key reads back what it was set
// to.
func TestSetText(t *testing.T) {
	t.Parallel()
	values := map[kind]string{kindString: "x y", kindInt: "-7", kindUint: "7", kindFloat: "0.125", kindBool: "true", kindList: "a,b", kindTargets: "y", kindClassWeight: `{01: 0.5, a: 2, b c: 1, "x:y": 3, "{z}": 1e-05}`}
	for _, f := range settable {
		t.Run(f.key, func(t *testing.T) {
			t.Parallel()
			c := Default()
			if hint, err := c.setText(f, values[f.kind]); err != nil {
				t.Fatalf("setText(%s, %q): %v (%s)", f.key, values[f.kind], err, hint)
			}
			if got := c.text(f); got != values[f.kind] {
				t.Errorf("text(%s) = %q after setting %q", f.key, got, values[f.kind])
			}
		})
	}
}

// TestValue checks Value against the Config fields themselves, and that
// it knows only the settable keys.
func TestValue(t *testing.T) {
	t.Parallel()
	c := Default()
	c.Data.Target = Targets{"y1", "y2"}
	c.Data.Features = []string{"a"}
	c.Train.Epochs = 7
	for _, tc := range []struct {
		key  string
		want any
	}{
		{"train.epochs", 7},
		{"train.learning_rate", c.Train.LearningRate},
		{"train.seed", c.Train.Seed},
		{"train.optimizer", c.Train.Optimizer},
		{"data.feature_map.interactions_only", false},
		{"data.target", []string{"y1", "y2"}},
		{"data.features", []string{"a"}},
	} {
		got, ok := c.Value(tc.key)
		if !ok || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Value(%q) = %#v, %v; want %#v, true", tc.key, got, ok, tc.want)
		}
	}
	for _, k := range Keys() {
		if _, ok := c.Value(k); !ok {
			t.Errorf("Value(%q) does not know the key", k)
		}
	}
	for _, k := range []string{"", "train", "data.feature_map", "model.layers", "model.layers[].units", "train.learnin_rate", "train.epochs.x"} {
		if v, ok := c.Value(k); ok {
			t.Errorf("Value(%q) = %#v, true; want false", k, v)
		}
	}
}

func TestOverrideFlag(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		o    Override
		want string
	}{
		{Override{Key: "train.epochs", Source: "--epochs"}, "--epochs"},
		{Override{Key: "train.epochs", Source: "--epochs=5"}, "--epochs"},
		{Override{Key: "train.epochs", Source: "--epochs 5"}, "--epochs"},
		{Override{Key: "train.epochs", Source: "--set train.epochs=5"}, "--set train.epochs"},
		{Override{Key: "train.epochs", Source: "--set=train.epochs=5"}, "--set train.epochs"},
		{Override{Key: "train.epochs"}, "--set train.epochs"},
	} {
		if got := tc.o.flag(); got != tc.want {
			t.Errorf("Override%+v.flag() = %q, want %q", tc.o, got, tc.want)
		}
	}
}

func TestDescribe(t *testing.T) {
	t.Parallel()
	for k := kindSection; k <= kindClassWeight; k++ {
		if d := k.describe(); d == "a value" || strings.HasSuffix(d, ".") {
			t.Errorf("kind %d describes itself as %q", k, d)
		}
	}
}
