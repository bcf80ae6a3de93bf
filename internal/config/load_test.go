package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseFileErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		doc  string
		want want
	}{
		{"unknown key", base + "train:\n  learning_rat: 0.1\n",
			want{"c.yaml", 5, 3, "train.learning_rat", "unknown key", `did you mean "learning_rate"?`}},
		{"unknown key in kebab case", base + "train:\n  batch-size: 8\n",
			want{"c.yaml", 5, 3, "train.batch-size", "unknown key", `did you mean "batch_size"?`}},
		{"unknown key synonym", base + "train:\n  lr: 0.1\n",
			want{"c.yaml", 5, 3, "train.lr", "unknown key", `did you mean "learning_rate"?`}},
		{"unknown key in the wrong section", base + "train:\n  normalize: none\n",
			want{"c.yaml", 5, 3, "train.normalize", "unknown key", `did you mean "data.normalize"?`}},
		{"unknown key with nothing near", base + "train:\n  zzzzzz: 1\n",
			want{"c.yaml", 5, 3, "train.zzzzzz", "unknown key", "valid keys here: optimizer, learning_rate"}},
		{"unknown section", base + "trian:\n  epochs: 3\n",
			want{"c.yaml", 4, 1, "trian", "unknown key", `did you mean "train"?`}},
		{"top-level key of a section", base + "epochs: 3\n",
			want{"c.yaml", 4, 1, "epochs", "unknown key", `did you mean "train.epochs"?`}},
		{"unknown key in a layer", "data: {train: a.csv, target: y}\nmodel:\n  layers:\n    - {unit: 4, activation: tanh}\n",
			want{"c.yaml", 4, 8, "model.layers[0].unit", "unknown key", `did you mean "units"?`}},
		{"mapping for a number", base + "train:\n  epochs: {a: 1}\n",
			want{"c.yaml", 5, 11, "train.epochs", "expected a whole number, got a mapping", "such as 200"}},
		{"list for a string", base + "output:\n  dir: [a]\n",
			want{"c.yaml", 5, 8, "output.dir", "expected a string, got a list", "write the text"}},
		{"number for a section", base + "train: 5\n",
			want{"c.yaml", 4, 8, "train", "expected a mapping of keys, got 5", "optimizer, learning_rate"}},
		{"list for a section", base + "output: [runs]\n",
			want{"c.yaml", 4, 9, "output", "expected a mapping of keys, got a list", "dir"}},
		{"duplicate key", base + "train:\n  epochs: 1\n  epochs: 2\n",
			want{"c.yaml", 6, 3, "train.epochs", "duplicate key, first given at line 5", "give each key once"}},
		{"duplicate section", base + "data: {train: b.csv}\n",
			want{"c.yaml", 4, 1, "data", "duplicate key, first given at line 1", "give each key once"}},
		{"duplicate key in flow mapping", "data: {train: a.csv, train: b.csv}\n",
			want{"c.yaml", 1, 22, "data.train", "duplicate key, first given at line 1", "give each key once"}},
		{"word for a whole number", base + "train:\n  epochs: ten\n",
			want{"c.yaml", 5, 11, "train.epochs", `expected a whole number, got "ten"`, "such as 200"}},
		{"fraction for a whole number", base + "train:\n  epochs: 10.7\n",
			want{"c.yaml", 5, 11, "train.epochs", "expected a whole number, got 10.7", "such as 200"}},
		{"exponent for a whole number", base + "train:\n  batch_size: 1e3\n",
			want{"c.yaml", 5, 15, "train.batch_size", "expected a whole number, got 1e3", "such as 32"}},
		{"quoted number for a whole number", base + "train:\n  epochs: \"10\"\n",
			want{"c.yaml", 5, 11, "train.epochs", `expected a whole number, got "10"`, "such as 200"}},
		{"negative seed", base + "train:\n  seed: -1\n",
			want{"c.yaml", 5, 9, "train.seed", "expected a non-negative whole number, got -1", "such as 1"}},
		{"huge whole number", base + "train:\n  epochs: 99999999999999999999\n",
			want{"c.yaml", 5, 11, "train.epochs", "99999999999999999999 is out of range", "such as 200"}},
		{"word for a number", base + "train:\n  learning_rate: fast\n",
			want{"c.yaml", 5, 18, "train.learning_rate", `expected a number, got "fast"`, "such as 0.05"}},
		{"boolean for a number", base + "train:\n  momentum: true\n",
			want{"c.yaml", 5, 13, "train.momentum", "expected a number, got true", "such as 0.9"}},
		{"word for a boolean", "data: {train: a.csv, target: y, feature_map: {interactions_only: yes}}\n",
			want{"c.yaml", 1, 66, "data.feature_map.interactions_only", `expected true or false, got "yes"`, "write true or false"}},
		{"number for a boolean", "data: {train: a.csv, target: y, feature_map: {interactions_only: 1}}\n",
			want{"c.yaml", 1, 66, "data.feature_map.interactions_only", "expected true or false, got 1", "write true or false"}},
		{"custom tag", base + "train:\n  epochs: !big 3\n",
			want{"c.yaml", 5, 11, "train.epochs", `expected a whole number, got !big "3"`, "such as 200"}},
		// A tag on text was dropped, and the text used (exit 0).
		{"custom tag on text", "data: {train: a.csv, target: y}\nmodel:\n  loss: !python/object:os.system squared_error\n",
			want{"c.yaml", 3, 9, "model.loss", `expected a string, got !python/object:os.system "squared_error"`, ""}},
		{"custom tag on a column name", "data: {train: a.csv, target: y, features: [x1, !foo x2]}\n",
			want{"c.yaml", 1, 48, "data.features[1]", `expected a column name, got !foo "x2"`, "one column name per entry"}},
		{"number for layers", "data: {train: a.csv, target: y}\nmodel:\n  layers: 3\n",
			want{"c.yaml", 3, 11, "model.layers", "expected a list of layers, got 3", "units: 16"}},
		{"number for a layer", "data: {train: a.csv, target: y}\nmodel:\n  layers: [16]\n",
			want{"c.yaml", 3, 12, "model.layers[0]", "expected a layer, got 16", "units: 16"}},
		{"string for features", "data: {train: a.csv, target: y, features: x1}\n",
			want{"c.yaml", 1, 43, "data.features", `expected a list of column names, got "x1"`, "[x1, x2]"}},
		{"list in features", "data: {train: a.csv, target: y, features: [a, [b]]}\n",
			want{"c.yaml", 1, 47, "data.features[1]", "expected a column name, got a list", "one column name"}},
		{"null in features", "data: {train: a.csv, target: y, features: [a, ~]}\n",
			want{"c.yaml", 1, 47, "data.features[1]", "empty column name", "remove"}},
		{"mapping for target", "data: {train: a.csv, target: {a: 1}}\n",
			want{"c.yaml", 1, 30, "data.target", "expected a column name or a list of column names, got a mapping", "[y1, y2]"}},
		{"complex key", base + "train:\n  ? [a]\n  : 1\n",
			want{"c.yaml", 5, 5, "train", "expected a key, got a list", "plain names"}},
		{"empty file", "",
			want{"c.yaml", 0, 0, "", "config is empty", "data.train, data.target and model.layers"}},
		{"only comments", "# nothing\n\n",
			want{"c.yaml", 0, 0, "", "config is empty", "configs/reference.yaml"}},
		{"null document", "~\n",
			want{"c.yaml", 0, 0, "", "config is empty", "configs/reference.yaml"}},
		{"list document", "- data\n- model\n",
			want{"c.yaml", 1, 1, "", "expected a mapping with the sections data, model, train and output, got a list", "configs/reference.yaml"}},
		{"scalar document", "hello\n",
			want{"c.yaml", 1, 1, "", `expected a mapping with the sections data, model, train and output, got "hello"`, "configs/reference.yaml"}},
		{"two documents", base + "---\ntrain: {epochs: 3}\n",
			want{"c.yaml", 4, 1, "", "more than one YAML document", `remove the "---" line`}},
		{"syntax error", base + "train:\n  epochs: [1\n",
			want{"c.yaml", 4, 0, "", "invalid YAML: did not find expected ',' or ']'", "brackets"}},
		{"tab indentation", base + "train:\n\tepochs: 3\n",
			want{"c.yaml", 5, 1, "", "invalid YAML: found character that cannot start any token", "tabs"}},
		{"tab after spaces", base + "train:\n  epochs: 3\n \t seed: 2\n",
			want{"c.yaml", 6, 2, "", "invalid YAML: found a tab character that violates indentation", "tabs"}},
		{"control character", base + "train:\n  optimizer: s\x01gd\n",
			want{"c.yaml", 5, 15, "", "invalid YAML: control characters are not allowed", "control character"}},
		{"invalid UTF-8", base + "train:\n  optimizer: s\xffgd\n",
			want{"c.yaml", 5, 15, "", "not valid UTF-8 text", "UTF-8"}},
		{"unknown anchor", base + "train:\n  epochs: *n\n",
			want{"c.yaml", 5, 11, "", "invalid YAML: unknown anchor 'n' referenced", "&n"}},
		{"merge of a scalar", base + "train:\n  <<: 3\n",
			want{"c.yaml", 5, 7, "train", "expected a mapping to merge, got 3", "<<: *defaults"}},
		{"merged unknown key", base + "x: &d {epoch: 3}\n",
			want{"c.yaml", 4, 1, "x", "unknown key", ""}},
		{"alias to a wrong value", base + "output: {dir: &d [a]}\ntrain: {optimizer: *d}\n",
			want{"c.yaml", 4, 15, "output.dir", "expected a string, got a list", "write the text"}},
		{"self-merging mapping", base + "train: &t\n  <<: *t\n",
			want{"c.yaml", 4, 8, "train", "merges nested too deeply", "fewer nested merges"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(tc.doc), "c.yaml", nil, noEnv)
			checkErr(t, err, tc.want)
		})
	}
}

func TestParseAccepts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		doc   string
		check func(c *Config) bool
	}{
		{"minimal config keeps defaults", base, func(c *Config) bool {
			d := Default()
			return reflect.DeepEqual(c.Train, d.Train) && c.Model.Loss == "cross_entropy" && c.Data.Validation == "0.2" &&
				c.Output.Dir == filepath.Join("runs", "c") && c.Name == "c" && c.File == "c.yaml"
		}},
		{"empty section keeps defaults", base + "train:\n  # epochs: 5\n", func(c *Config) bool {
			return reflect.DeepEqual(c.Train, Default().Train)
		}},
		{"empty value keeps the default", base + "train:\n  epochs:\n  seed: ~\n", func(c *Config) bool {
			return c.Train.Epochs == 200 && c.Train.Seed == 1
		}},
		{"hex and underscores", base + "train:\n  epochs: 0x10\n  batch_size: 1_000\n", func(c *Config) bool {
			return c.Train.Epochs == 16 && c.Train.BatchSize == 1000
		}},
		{"whole number for a float", base + "train:\n  learning_rate: 1\n", func(c *Config) bool {
			return c.Train.LearningRate == 1
		}},
		{"boolean", "data: {train: a.csv, target: y, feature_map: {polynomial: 2, interactions_only: true}}\nmodel: {layers: [{activation: softmax}]}\n", func(c *Config) bool {
			return c.Data.FeatureMap == FeatureMap{Polynomial: 2, InteractionsOnly: true}
		}},
		{"boolean default", base, func(c *Config) bool { return !c.Data.FeatureMap.InteractionsOnly }},
		{"validation as a path", strings.Replace(base, "target: y", "target: y, validation: val.csv", 1), func(c *Config) bool {
			f, ok := c.Data.ValidationFraction()
			return !ok && f == 0 && c.Data.ValidationPath() == "val.csv"
		}},
		{"validation text kept", strings.Replace(base, "target: y", "target: y, validation: 0.250", 1), func(c *Config) bool {
			f, ok := c.Data.ValidationFraction()
			return ok && f == 0.25 && c.Data.Validation == "0.250" && c.Data.ValidationPath() == ""
		}},
		{"target list", "data: {train: a.csv, target: [y1, y2]}\nmodel: {layers: [{activation: identity}], loss: squared_error}\n", func(c *Config) bool {
			return len(c.Data.Target) == 2 && c.Data.Target[1] == "y2"
		}},
		{"numeric names as strings", "data: {train: 123, target: 7, features: [1, 2.5]}\nmodel: {layers: [{activation: softmax}]}\n", func(c *Config) bool {
			return c.Data.Train == "123" && c.Data.Target[0] == "7" && c.Data.Features[1] == "2.5"
		}},
		{"aliases normalized", "data: {train: a.csv, target: y}\nmodel:\n  layers: [{units: 3, activation: sigmoid}, {units: 3, activation: soft_relu}, {units: 1, activation: sigmoid}]\n  loss: binary_cross_entropy\n", func(c *Config) bool {
			return c.Model.Layers[0].Activation == "logistic" && c.Model.Layers[1].Activation == "softplus" && c.Model.Layers[2].Activation == "logistic"
		}},
		{"anchors and aliases", "data: {train: a.csv, target: y}\nmodel:\n  layers:\n    - &h {units: 8, activation: relu}\n    - *h\n    - {activation: softmax}\n", func(c *Config) bool {
			return len(c.Model.Layers) == 3 && c.Model.Layers[1] == Layer{Units: 8, Activation: "relu"}
		}},
		{"merge keys", "data: {train: a.csv, target: y}\nmodel:\n  layers:\n    - &h {units: 8, activation: relu}\n    - <<: *h\n      units: 4\n    - {activation: softmax}\n", func(c *Config) bool {
			return c.Model.Layers[1] == Layer{Units: 4, Activation: "relu"}
		}},
		{"threads at the limit", base + "train: {threads: 256}\n", func(c *Config) bool { return c.Train.Threads == MaxThreads }},
		{"trailing document marker", base + "---\n", func(c *Config) bool { return true }},
		{"explicit output dir", base + "output: {dir: out/x}\n", func(c *Config) bool { return c.Output.Dir == "out/x" }},
		{"relative paths kept", "data: {train: ../d/a.csv, target: y, test: ./t.csv}\nmodel: {layers: [{activation: softmax}], weights: w.json}\n", func(c *Config) bool {
			return c.Data.Train == "../d/a.csv" && c.Data.Test == "./t.csv" && c.Model.Weights == "w.json"
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := Parse([]byte(tc.doc), "c.yaml", nil, noEnv)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !tc.check(c) {
				t.Errorf("unexpected config: %+v", plain(c))
			}
		})
	}
}

func TestPrecedence(t *testing.T) {
	t.Parallel()
	file := base + "train:\n  epochs: 10\n  seed: 3\n  learning_rate: 0.5\n"
	env := map[string]string{"MLPTRAIN_TRAIN_EPOCHS": "20", "MLPTRAIN_TRAIN_SEED": "4"}
	flags := []Override{{Key: "train.epochs", Value: "30", Source: "--epochs"}}
	for _, tc := range []struct {
		name              string
		env               map[string]string
		flags             []Override
		epochs, batch     int
		seed              uint64
		learningRate      float64
		epochsFrom, errAt string
	}{
		{name: "file over default", epochs: 10, seed: 3, batch: 32, learningRate: 0.5},
		{name: "env over file", env: env, epochs: 20, seed: 4, batch: 32, learningRate: 0.5},
		{name: "flag over env", env: env, flags: flags, epochs: 30, seed: 4, batch: 32, learningRate: 0.5},
		{name: "flag over file", flags: flags, epochs: 30, seed: 3, batch: 32, learningRate: 0.5},
		{name: "env over default", env: map[string]string{"MLPTRAIN_TRAIN_BATCH_SIZE": "7"}, epochs: 10, seed: 3, batch: 7, learningRate: 0.5},
		{name: "empty env ignored", env: map[string]string{"MLPTRAIN_TRAIN_EPOCHS": ""}, epochs: 10, seed: 3, batch: 32, learningRate: 0.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := Parse([]byte(file), "c.yaml", tc.flags, envOf(tc.env))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			tr := c.Train
			if tr.Epochs != tc.epochs || tr.Seed != tc.seed || tr.BatchSize != tc.batch || tr.LearningRate != tc.learningRate {
				t.Errorf("epochs, seed, batch, lr = %d, %d, %d, %v, want %d, %d, %d, %v",
					tr.Epochs, tr.Seed, tr.BatchSize, tr.LearningRate, tc.epochs, tc.seed, tc.batch, tc.learningRate)
			}
		})
	}
}

func TestEnv(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		env   map[string]string
		check func(c *Config) bool
		want  *want
	}{
		{name: "every kind of key", env: map[string]string{
			"MLPTRAIN_DATA_TRAIN":                         "b.csv",
			"MLPTRAIN_DATA_TARGET":                        "y1, y2",
			"MLPTRAIN_DATA_FEATURES":                      "a,b",
			"MLPTRAIN_DATA_FEATURE_MAP_POLYNOMIAL":        "3",
			"MLPTRAIN_DATA_FEATURE_MAP_INTERACTIONS_ONLY": " TRUE ",
			"MLPTRAIN_MODEL_LOSS":                         "squared_error",
			"MLPTRAIN_TRAIN_LEARNING_RATE":                "1e-3",
			"MLPTRAIN_TRAIN_SEED":                         "18446744073709551615",
			"MLPTRAIN_TRAIN_EARLY_STOPPING_PATIENCE":      " 5 ",
			"MLPTRAIN_OUTPUT_DIR":                         "out",
		}, check: func(c *Config) bool {
			return c.Data.Train == "b.csv" && len(c.Data.Target) == 2 && c.Data.Target[1] == "y2" &&
				len(c.Data.Features) == 2 && c.Data.FeatureMap.Polynomial == 3 && c.Data.FeatureMap.InteractionsOnly && c.Model.Loss == "squared_error" &&
				c.Train.LearningRate == 1e-3 && c.Train.Seed == 1<<64-1 && c.Train.EarlyStopping.Patience == 5 &&
				c.Output.Dir == "out"
		}},
		{name: "word for a whole number", env: map[string]string{"MLPTRAIN_TRAIN_EPOCHS": "ten"},
			want: &want{"", 0, 0, "MLPTRAIN_TRAIN_EPOCHS", `expected a whole number, got "ten"`, "such as 200"}},
		{name: "fraction for a whole number", env: map[string]string{"MLPTRAIN_TRAIN_EPOCHS": "10.7"},
			want: &want{"", 0, 0, "MLPTRAIN_TRAIN_EPOCHS", "expected a whole number, got the fraction 10.7", "such as 200"}},
		{name: "negative seed", env: map[string]string{"MLPTRAIN_TRAIN_SEED": "-1"},
			want: &want{"", 0, 0, "MLPTRAIN_TRAIN_SEED", `expected a non-negative whole number, got "-1"`, "such as 1"}},
		{name: "out of range", env: map[string]string{"MLPTRAIN_TRAIN_EPOCHS": "99999999999999999999"},
			want: &want{"", 0, 0, "MLPTRAIN_TRAIN_EPOCHS", `"99999999999999999999" is out of range`, "such as 200"}},
		{name: "word for a number", env: map[string]string{"MLPTRAIN_TRAIN_MOMENTUM": "high"},
			want: &want{"", 0, 0, "MLPTRAIN_TRAIN_MOMENTUM", `expected a number, got "high"`, "such as 0.9"}},
		{name: "digit for a boolean", env: map[string]string{"MLPTRAIN_DATA_FEATURE_MAP_INTERACTIONS_ONLY": "1"},
			want: &want{"", 0, 0, "MLPTRAIN_DATA_FEATURE_MAP_INTERACTIONS_ONLY", `expected true or false, got "1"`, "write true or false"}},
		{name: "empty name in a list", env: map[string]string{"MLPTRAIN_DATA_FEATURES": "a,,b"},
			want: &want{"", 0, 0, "MLPTRAIN_DATA_FEATURES", `empty column name in "a,,b"`, "single commas"}},
		{name: "invalid value names the variable", env: map[string]string{"MLPTRAIN_TRAIN_EPOCHS": "-1"},
			want: &want{"", 0, 0, "MLPTRAIN_TRAIN_EPOCHS", "must be from 0 to 10000000, got -1", "such as 200"}},
		{name: "unknown enum names the variable", env: map[string]string{"MLPTRAIN_TRAIN_OPTIMIZER": "adan"},
			want: &want{"", 0, 0, "MLPTRAIN_TRAIN_OPTIMIZER", `unknown optimizer "adan"`, `did you mean "adam"?`}},
		{name: "env replaces a file list", env: map[string]string{"MLPTRAIN_DATA_TARGET": "y,y"},
			want: &want{"", 0, 0, "MLPTRAIN_DATA_TARGET", `column "y" is listed twice`, "once"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := Parse([]byte(base), "c.yaml", nil, envOf(tc.env))
			if tc.want != nil {
				checkErr(t, err, *tc.want)
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !tc.check(c) {
				t.Errorf("unexpected config: %+v", plain(c))
			}
		})
	}
}

func TestOverrides(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		flags []Override
		check func(c *Config) bool
		want  *want
	}{
		{name: "shorthands and set", flags: []Override{
			{Key: "train.epochs", Value: "5", Source: "--epochs"},
			{Key: "output.dir", Value: "o", Source: "--out"},
			{Key: "data.features", Value: "a, b", Source: "--set data.features=a, b"},
			{Key: "data.validation", Value: "v.csv"},
		}, check: func(c *Config) bool {
			return c.Train.Epochs == 5 && c.Output.Dir == "o" && len(c.Data.Features) == 2 && c.Data.Validation == "v.csv"
		}},
		{name: "boolean from --set", flags: []Override{{Key: "data.feature_map.interactions_only", Value: "true"}}, check: func(c *Config) bool {
			return c.Data.FeatureMap.InteractionsOnly
		}},
		{name: "bad boolean names the flag", flags: []Override{{Key: "data.feature_map.interactions_only", Value: "on"}},
			want: &want{"", 0, 0, "--set data.feature_map.interactions_only", `expected true or false, got "on"`, "write true or false"}},
		{name: "empty list clears features", flags: []Override{{Key: "data.features", Value: ""}}, check: func(c *Config) bool {
			return len(c.Data.Features) == 0
		}},
		{name: "unknown key", flags: []Override{{Key: "train.epoch", Value: "5", Source: "--set train.epoch=5"}},
			want: &want{"", 0, 0, "--set train.epoch", `unknown key "train.epoch"`, `did you mean "train.epochs"?`}},
		{name: "key without its section", flags: []Override{{Key: "epochs", Value: "5", Source: "--set epochs=5"}},
			want: &want{"", 0, 0, "--set epochs", `unknown key "epochs"`, `did you mean "train.epochs"?`}},
		{name: "nothing near", flags: []Override{{Key: "qqqqqqqq", Value: "5"}},
			want: &want{"", 0, 0, "--set qqqqqqqq", `unknown key "qqqqqqqq"`, "the keys are data.train, "}},
		{name: "layers refused", flags: []Override{{Key: "model.layers", Value: "[]", Source: "--set model.layers=[]"}},
			want: &want{"", 0, 0, "--set model.layers", "model.layers is a list of layers and cannot be set from the command line", "edit model.layers in the config file"}},
		{name: "layer key out of range", flags: []Override{{Key: "model.layers[2].units", Value: "3"}},
			want: &want{"", 0, 0, "--set model.layers[2].units", "layer 2 is out of range: the config has 2 layers, model.layers.0 to model.layers.1 (the last is the output layer)", "set model.depth"}},
		{name: "section refused", flags: []Override{{Key: "train", Value: "x"}},
			want: &want{"", 0, 0, "--set train", "train is a section, not a single value", "such as train.optimizer"}},
		{name: "same key twice", flags: []Override{
			{Key: "train.epochs", Value: "5", Source: "--set train.epochs=5"},
			{Key: "train.epochs", Value: "7", Source: "--epochs"},
		}, want: &want{"", 0, 0, "--epochs", "train.epochs is given twice, by --set train.epochs=5 and by --epochs", "give each key once"}},
		{name: "bad value names the flag", flags: []Override{{Key: "train.learning_rate", Value: "fast", Source: "--lr"}},
			want: &want{"", 0, 0, "--lr", `expected a number, got "fast"`, "such as 0.05"}},
		{name: "invalid value names the flag", flags: []Override{{Key: "train.batch_size", Value: "-1", Source: "--batch-size=-1"}},
			want: &want{"", 0, 0, "--batch-size", "must be at least 0, got -1", "whole training set"}},
		{name: "invalid value names the set flag", flags: []Override{{Key: "data.validation", Value: "1.5", Source: "--set data.validation=1.5"}},
			want: &want{"", 0, 0, "--set data.validation", "must be a fraction in [0, 1) or a CSV path, got 1.5", "0.2 holds out 20%"}},
		{name: "infinite learning rate", flags: []Override{{Key: "train.learning_rate", Value: "1e999", Source: "--lr"}},
			want: &want{"", 0, 0, "--lr", "must be a finite number greater than 0, got +Inf", "try 0.05"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := Parse([]byte(base), "c.yaml", tc.flags, noEnv)
			if tc.want != nil {
				checkErr(t, err, *tc.want)
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !tc.check(c) {
				t.Errorf("unexpected config: %+v", plain(c))
			}
		})
	}
}

func TestLoadFileErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, make([]byte, maxFileSize+1), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.yaml")
	for _, tc := range []struct {
		name string
		path string
		want want
	}{
		{"missing file", missing, want{missing, 0, 0, "", "cannot read config: no such file or directory", "relative to the current directory"}},
		{"directory", dir, want{dir, 0, 0, "", "cannot read config: is a directory", "check the path"}},
		{"too large", big, want{big, 0, 0, "", "config file is larger than 1 MiB", "config file"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(tc.path, nil)
			checkErr(t, err, tc.want)
		})
	}
	if _, err := Load(missing, nil); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load(missing) = %v, want it to wrap fs.ErrNotExist", err)
	}
}

func TestName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ path, name string }{
		{"configs/iris.yaml", "iris"},
		{"xor.yml", "xor"},
		{"a.b.yaml", "a.b"},
		{"noext", "noext"},
		{"", "config"},
		{".yaml", "config"},
		{"..", "config"},
		{"/", "config"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			t.Parallel()
			if got := baseName(tc.path); got != tc.name {
				t.Errorf("baseName(%q) = %q, want %q", tc.path, got, tc.name)
			}
		})
	}
}

func TestYAMLRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		doc   string
		flags []Override
	}{
		{"minimal", base, nil},
		{"every key", `data:
  train: "data/a b.csv"
  validation: val.csv
  test: "t: 1.csv"
  target: [y1, "2"]
  features: ["true", x, "#c"]
  delimiter: "\t"
  normalize: minmax
  feature_map: {polynomial: 3}
model:
  layers: [{units: 5, activation: sigmoid}, {units: 2, activation: identity}]
  loss: squared_error
  init: he
  weights: w.json
train:
  optimizer: adam
  learning_rate: 1e-5
  momentum: 0
  batch_size: 0
  epochs: 7
  l2: 0.0001
  seed: 18446744073709551615
  early_stopping: {patience: 4}
  threads: 3
  checkpoint_every: 0
output: {dir: "~"}
`, nil},
		{"overrides", base, []Override{{Key: "data.validation", Value: "0.10"}, {Key: "train.learning_rate", Value: "0.1"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := Parse([]byte(tc.doc), "c.yaml", tc.flags, noEnv)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			y, err := c.YAML()
			if err != nil {
				t.Fatalf("YAML: %v", err)
			}
			c2, err := Parse(y, "c.yaml", nil, noEnv)
			if err != nil {
				t.Fatalf("Parse(YAML()): %v\n%s", err, y)
			}
			if !equal(c, c2) {
				t.Errorf("round trip changed the config:\n%+v\n%+v\n%s", plain(c), plain(c2), y)
			}
		})
	}
}
