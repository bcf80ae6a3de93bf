package config

import (
	"strings"
	"testing"
)

// layersDoc is a config whose data section is valid and whose model and
// train sections tests supply from line 2 on.
const dataLine = "data: {train: a.csv, target: y}\n"

func TestValidateFile(t *testing.T) {
	t.Parallel()
	const out = "model:\n  layers: [{activation: softmax}]\n" // lines 2-3
	for _, tc := range []struct {
		name string
		doc  string
		want want
	}{
		// data
		{"train missing", "data: {target: y}\n" + out,
			want{"c.yaml", 1, 1, "data.train", "required", "train: datasets/iris.csv"}},
		{"data section missing", out,
			want{"c.yaml", 0, 0, "data.train", "required", "train: datasets/iris.csv"}},
		{"train empty", "data: {train: '', target: y}\n" + out,
			want{"c.yaml", 1, 15, "data.train", "required", "train: datasets/iris.csv"}},
		{"target missing", "data: {train: a.csv}\n" + out,
			want{"c.yaml", 1, 1, "data.target", "required", "target: species"}},
		{"target empty list", "data: {train: a.csv, target: []}\n" + out,
			want{"c.yaml", 1, 30, "data.target", "required", "target: species"}},
		{"target twice", "data: {train: a.csv, target: [y, z, y]}\n" + out,
			want{"c.yaml", 1, 37, "data.target[2]", `column "y" is listed twice`, "once"}},
		{"empty target name", "data: {train: a.csv, target: ['']}\n" + out,
			want{"c.yaml", 1, 31, "data.target[0]", "empty column name", "remove"}},
		{"feature is the target", "data: {train: a.csv, target: y, features: [a, y]}\n" + out,
			want{"c.yaml", 1, 47, "data.features[1]", `"y" is a target column`, "leave features empty"}},
		{"validation too large", "data: {train: a.csv, target: y, validation: 1.5}\n" + out,
			want{"c.yaml", 1, 45, "data.validation", "must be a fraction in [0, 1) or a CSV path, got 1.5", "./1.5"}},
		{"validation one", "data: {train: a.csv, target: y, validation: 1}\n" + out,
			want{"c.yaml", 1, 45, "data.validation", "must be a fraction in [0, 1) or a CSV path, got 1", "0.2 holds out 20%"}},
		{"validation negative", "data: {train: a.csv, target: y, validation: -0.1}\n" + out,
			want{"c.yaml", 1, 45, "data.validation", "must be a fraction in [0, 1) or a CSV path, got -0.1", "0.2 holds out 20%"}},
		{"validation nan", "data: {train: a.csv, target: y, validation: nan}\n" + out,
			want{"c.yaml", 1, 45, "data.validation", "must be a fraction in [0, 1) or a CSV path, got nan", "0.2 holds out 20%"}},
		{"validation empty", "data: {train: a.csv, target: y, validation: ''}\n" + out,
			want{"c.yaml", 1, 45, "data.validation", `must be a fraction in [0, 1) or a CSV path, got ""`, "use 0 for no validation split"}},
		{"validation percent", "data: {train: a.csv, target: y, validation: 20%}\n" + out,
			want{"c.yaml", 1, 45, "data.validation", `must be a fraction in [0, 1) or a CSV path, got "20%"`, "write 20% as 0.2"}},
		{"delimiter two characters", "data: {train: a.csv, target: y, delimiter: ';;'}\n" + out,
			want{"c.yaml", 1, 44, "data.delimiter", `must be exactly one character, got ";;"`, `"\t"`}},
		{"delimiter empty", "data: {train: a.csv, target: y, delimiter: ''}\n" + out,
			want{"c.yaml", 1, 44, "data.delimiter", `must be exactly one character, got ""`, `","`}},
		{"delimiter quote", "data: {train: a.csv, target: y, delimiter: '\"'}\n" + out,
			want{"c.yaml", 1, 44, "data.delimiter", `must be exactly one character, got "\""`, "other than a quote"}},
		{"normalize unknown", "data: {train: a.csv, target: y, normalize: zscore}\n" + out,
			want{"c.yaml", 1, 44, "data.normalize", `unknown normalization "zscore"`, "use one of: standardize, minmax, none"}},
		{"normalize typo", "data: {train: a.csv, target: y, normalize: standardise}\n" + out,
			want{"c.yaml", 1, 44, "data.normalize", `unknown normalization "standardise"`, `did you mean "standardize"?`}},
		{"polynomial zero", "data: {train: a.csv, target: y, feature_map: {polynomial: 0}}\n" + out,
			want{"c.yaml", 1, 59, "data.feature_map.polynomial", "must be from 1 to 10, got 0", "use 1"}},
		{"polynomial eleven", "data: {train: a.csv, target: y, feature_map: {polynomial: 11}}\n" + out,
			want{"c.yaml", 1, 59, "data.feature_map.polynomial", "must be from 1 to 10, got 11", "use 1"}},

		// model
		{"layers missing", dataLine + "model: {loss: squared_error}\n",
			want{"c.yaml", 2, 1, "model.layers", "required: at least the output layer", "layers: [{units: 16"}},
		{"model missing", dataLine,
			want{"c.yaml", 0, 0, "model.layers", "required: at least the output layer", "layers: [{units: 16"}},
		{"layers empty", dataLine + "model:\n  layers: []\n",
			want{"c.yaml", 3, 3, "model.layers", "required: at least the output layer", "layers: [{units: 16"}},
		{"units negative", dataLine + "model:\n  layers:\n    - {units: -2, activation: tanh}\n    - {activation: softmax}\n",
			want{"c.yaml", 4, 15, "model.layers[0].units", "must be at least 1, got -2", "such as 16"}},
		{"hidden units zero", dataLine + "model:\n  layers:\n    - {units: 0, activation: tanh}\n    - {activation: softmax}\n",
			want{"c.yaml", 4, 15, "model.layers[0].units", "required on a hidden layer", "only the output layer may omit units"}},
		{"hidden units omitted", dataLine + "model:\n  layers:\n    - {activation: tanh}\n    - {activation: softmax}\n",
			want{"c.yaml", 4, 7, "model.layers[0].units", "required on a hidden layer", "only the output layer may omit units"}},
		{"units too many", dataLine + "model:\n  layers:\n    - {units: 1000001, activation: softmax}\n",
			want{"c.yaml", 4, 15, "model.layers[0].units", "must be at most 1000000, got 1000001", "narrower"}},
		{"activation missing", dataLine + "model:\n  layers:\n    - {units: 3}\n",
			want{"c.yaml", 4, 7, "model.layers[0].activation", "required", "identity, threshold, logistic"}},
		{"activation typo", dataLine + "model:\n  layers:\n    - {units: 3, activation: tahn}\n    - {activation: softmax}\n",
			want{"c.yaml", 4, 30, "model.layers[0].activation", `unknown activation "tahn"`, `did you mean "tanh"?`}},
		{"activation case", dataLine + "model:\n  layers:\n    - {units: 3, activation: ReLU}\n    - {activation: softmax}\n",
			want{"c.yaml", 4, 30, "model.layers[0].activation", `unknown activation "ReLU"`, `did you mean "relu"?`}},
		{"softmax hidden", dataLine + "model:\n  layers:\n    - {units: 3, activation: softmax}\n    - {activation: softmax}\n",
			want{"c.yaml", 4, 30, "model.layers[0].activation", "softmax is allowed only on the output layer", "output layer only"}},
		{"dropout one", dataLine + "model:\n  layers:\n    - {units: 3, activation: relu, dropout: 1}\n    - {activation: softmax}\n",
			want{"c.yaml", 4, 45, "model.layers[0].dropout", "must be in [0, 1), got 1", "such as 0.5"}},
		{"dropout negative", dataLine + "model:\n  layers:\n    - {units: 3, activation: relu, dropout: -0.1}\n    - {activation: softmax}\n",
			want{"c.yaml", 4, 45, "model.layers[0].dropout", "must be in [0, 1), got -0.1", "0 turns dropout off"}},
		{"dropout on the output layer", dataLine + "model:\n  layers:\n    - {units: 3, activation: relu}\n    - {activation: softmax, dropout: 0.5}\n",
			want{"c.yaml", 5, 38, "model.layers[1].dropout", "dropout is allowed only on hidden layers", "model.input_dropout"}},
		{"batch_norm on the output layer", dataLine + "model:\n  layers:\n    - {units: 3, activation: relu, batch_norm: true}\n    - {activation: softmax, batch_norm: true}\n",
			want{"c.yaml", 5, 41, "model.layers[1].batch_norm", "batch_norm is allowed only on hidden layers", "normalize the hidden layers"}},
		{"input_dropout one", dataLine + out + "  input_dropout: 1\n",
			want{"c.yaml", 4, 18, "model.input_dropout", "must be in [0, 1), got 1", "such as 0.2"}},
		{"too many parameters", dataLine + "model:\n  layers:\n    - {units: 1000000, activation: relu}\n    - {units: 1000000, activation: relu}\n    - {activation: softmax}\n",
			want{"c.yaml", 3, 3, "model.layers", "about 1e+12 parameters, more than the limit of 1e+08", "fewer or narrower"}},
		{"loss unknown", dataLine + out + "  loss: mse\n",
			want{"c.yaml", 4, 9, "model.loss", `unknown loss "mse"`, "use one of: squared_error, cross_entropy, binary_cross_entropy"}},
		{"loss typo", dataLine + out + "  loss: cross_entopy\n",
			want{"c.yaml", 4, 9, "model.loss", `unknown loss "cross_entopy"`, `did you mean "cross_entropy"?`}},
		{"init unknown", dataLine + out + "  init: glorot\n",
			want{"c.yaml", 4, 9, "model.init", `unknown init "glorot"`, "xavier, he, normal, uniform, zeros"}},
		{"cross entropy chosen without softmax", dataLine + "model:\n  layers: [{units: 3, activation: tanh}]\n  loss: cross_entropy\n",
			want{"c.yaml", 4, 9, "model.loss", "cross_entropy needs a softmax output layer, got tanh", "use {activation: softmax} or loss: squared_error"}},
		{"default cross entropy without softmax", dataLine + "model:\n  layers: [{units: 3, activation: tanh}]\n",
			want{"c.yaml", 3, 35, "model.layers[0].activation", "the default loss, cross_entropy, needs a softmax output layer, got tanh", "use {activation: softmax} or loss: squared_error"}},
		{"binary cross entropy with softmax", dataLine + "model:\n  layers: [{activation: softmax}]\n  loss: binary_cross_entropy\n",
			want{"c.yaml", 4, 9, "model.loss", "binary_cross_entropy needs a logistic output layer with 1 unit, got {activation: softmax}", "{units: 1, activation: logistic}"}},
		{"binary cross entropy with two units", dataLine + "model:\n  layers: [{units: 2, activation: sigmoid}]\n  loss: binary_cross_entropy\n",
			want{"c.yaml", 4, 9, "model.loss", "binary_cross_entropy needs a logistic output layer with 1 unit, got {units: 2, activation: logistic}", "{units: 1, activation: logistic}"}},

		// train
		{"optimizer typo", dataLine + out + "train: {optimizer: adan}\n",
			want{"c.yaml", 4, 20, "train.optimizer", `unknown optimizer "adan"`, `did you mean "adam"?`}},
		{"weight decay with sgd", dataLine + out + "train: {weight_decay: 0.01}\n",
			want{"c.yaml", 4, 23, "train.weight_decay", "the sgd optimizer does not read weight_decay", "use train.l2 for weight decay with sgd, or optimizer: adamw"}},
		{"negative weight decay", dataLine + out + "train: {optimizer: adamw, weight_decay: -1}\n",
			want{"c.yaml", 4, 41, "train.weight_decay", "must be a finite number at least 0, got -1", "use 0 for no decay"}},
		{"unknown precision", dataLine + out + "train: {precision: float16}\n",
			want{"c.yaml", 4, 20, "train.precision", `unknown precision "float16"`, `did you mean "float64"`}},
		{"negative clip norm", dataLine + out + "train: {clip_norm: -1}\n",
			want{"c.yaml", 4, 20, "train.clip_norm", "must be a finite number at least 0, got -1", "use 0 for no clipping"}},
		{"schedule typo", dataLine + out + "train: {schedule: {kind: cosin}}\n",
			want{"c.yaml", 4, 26, "train.schedule.kind", `unknown schedule "cosin"`, `did you mean "cosine"?`}},
		{"step without step_epochs", dataLine + out + "train: {schedule: {kind: step, gamma: 0.5}}\n",
			want{"c.yaml", 4, 9, "train.schedule.step_epochs", "required by kind step", "{kind: step, step_epochs: 30, gamma: 0.1}"}},
		{"gamma for cosine", dataLine + out + "train: {schedule: {kind: cosine, gamma: 0.5}}\n",
			want{"c.yaml", 4, 41, "train.schedule.gamma", "the cosine schedule does not read gamma", "reads warmup_epochs, min_lr"}},
		{"negative gamma", dataLine + out + "train: {schedule: {kind: exponential, gamma: -0.5}}\n",
			want{"c.yaml", 4, 46, "train.schedule.gamma", "must be in (0, 1], got -0.5", "0.95 (exponential)"}},
		{"plateau gamma 1", dataLine + out + "train: {schedule: {kind: plateau, gamma: 1, patience: 3}}\n",
			want{"c.yaml", 4, 42, "train.schedule.gamma", "must be in (0, 1), got 1", "such as 0.1"}},
		{"negative step epochs", dataLine + out + "train: {schedule: {kind: step, step_epochs: -2, gamma: 0.5}}\n",
			want{"c.yaml", 4, 45, "train.schedule.step_epochs", "must be at least 1, got -2", "such as 30"}},
		{"negative warmup", dataLine + out + "train: {schedule: {warmup_epochs: -1}}\n",
			want{"c.yaml", 4, 35, "train.schedule.warmup_epochs", "must be at least 0, got -1", "use 0 for no warmup"}},
		{"min_lr above lr", dataLine + out + "train: {learning_rate: 0.1, schedule: {kind: cosine, min_lr: 0.2}}\n",
			want{"c.yaml", 4, 62, "train.schedule.min_lr", "must be in [0, 0.1), got 0.2", "below train.learning_rate"}},
		{"plateau without validation", "data: {train: a.csv, target: y, validation: 0}\n" + out + "train: {schedule: {kind: plateau, gamma: 0.5, patience: 2}}\n",
			want{"c.yaml", 4, 26, "train.schedule.kind", "plateau needs validation data, but data.validation is 0", "set data.validation"}},
		{"learning rate zero", dataLine + out + "train: {learning_rate: 0}\n",
			want{"c.yaml", 4, 24, "train.learning_rate", "must be a finite number greater than 0, got 0", "try 0.05"}},
		{"learning rate infinite", dataLine + out + "train: {learning_rate: .inf}\n",
			want{"c.yaml", 4, 24, "train.learning_rate", "must be a finite number greater than 0, got +Inf", "try 0.05"}},
		{"learning rate nan", dataLine + out + "train: {learning_rate: .nan}\n",
			want{"c.yaml", 4, 24, "train.learning_rate", "must be a finite number greater than 0, got NaN", "try 0.05"}},
		{"momentum one", dataLine + out + "train: {momentum: 1}\n",
			want{"c.yaml", 4, 19, "train.momentum", "must be in [0, 1), got 1", "0.9 is usual"}},
		{"momentum negative", dataLine + out + "train: {momentum: -0.5}\n",
			want{"c.yaml", 4, 19, "train.momentum", "must be in [0, 1), got -0.5", "0.9 is usual"}},
		{"batch size negative", dataLine + out + "train: {batch_size: -1}\n",
			want{"c.yaml", 4, 21, "train.batch_size", "must be at least 0, got -1", "whole training set"}},
		{"epochs too many", dataLine + out + "train: {epochs: 10000001}\n",
			want{"c.yaml", 4, 17, "train.epochs", "must be from 0 to 10000000, got 10000001", "such as 200"}},
		{"l2 negative", dataLine + out + "train: {l2: -0.1}\n",
			want{"c.yaml", 4, 13, "train.l2", "must be a finite number at least 0, got -0.1", "0.0001"}},
		{"patience negative", dataLine + out + "train: {early_stopping: {patience: -1}}\n",
			want{"c.yaml", 4, 36, "train.early_stopping.patience", "must be at least 0, got -1", "turn early stopping off"}},
		{"threads negative", dataLine + out + "train: {threads: -1}\n",
			want{"c.yaml", 4, 18, "train.threads", "must be from 0 to 256, got -1", "every core"}},
		// Issue 17: a million took 15 GB and was OOM-killed; ten thousand
		// aborted in pthread_create with a 120,000-line dump.
		{"threads a million", dataLine + out + "train: {threads: 1000000}\n",
			want{"c.yaml", 4, 18, "train.threads", "must be from 0 to 256, got 1000000", "every core"}},
		{"threads ten thousand", dataLine + out + "train: {threads: 10000}\n",
			want{"c.yaml", 4, 18, "train.threads", "must be from 0 to 256, got 10000", "every core"}},
		{"threads one over", dataLine + out + "train: {threads: 257}\n",
			want{"c.yaml", 4, 18, "train.threads", "must be from 0 to 256, got 257", "every core"}},
		{"checkpoint negative", dataLine + out + "train: {checkpoint_every: -1}\n",
			want{"c.yaml", 4, 27, "train.checkpoint_every", "must be at least 0, got -1", "checkpoint only"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(tc.doc), "c.yaml", nil, noEnv)
			checkErr(t, err, tc.want)
		})
	}
}

// TestValidateBuilt checks Validate on a Config built in code, which has
// no record of where its values came from.
func TestValidateBuilt(t *testing.T) {
	t.Parallel()
	valid := func() Config {
		c := Default()
		c.File = "built.yaml"
		c.Data.Train, c.Data.Target = "a.csv", Targets{"y"}
		c.Model.Layers = []Layer{{Units: 8, Activation: "sigmoid"}, {Activation: "softmax"}}
		return c
	}
	for _, tc := range []struct {
		name   string
		modify func(c *Config)
		want   *want
	}{
		{name: "valid", modify: func(*Config) {}},
		{name: "default alone", modify: func(c *Config) { *c = Default() },
			want: &want{"", 0, 0, "data.train", "required", "train: datasets/iris.csv"}},
		{name: "bad epochs", modify: func(c *Config) { c.Train.Epochs = -3 },
			want: &want{"built.yaml", 0, 0, "train.epochs", "must be from 0 to 10000000, got -3", "such as 200"}},
		{name: "bad activation", modify: func(c *Config) { c.Model.Layers[0].Activation = "swish" },
			want: &want{"built.yaml", 0, 0, "model.layers[0].activation", `unknown activation "swish"`, "use one of: identity"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := valid()
			tc.modify(&c)
			err := c.Validate()
			if tc.want != nil {
				checkErr(t, err, *tc.want)
				return
			}
			if err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if c.Model.Layers[0].Activation != "logistic" {
				t.Errorf("Validate left the alias %q", c.Model.Layers[0].Activation)
			}
		})
	}
}

func TestValidationFraction(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		f    float64
		ok   bool
		path string
	}{
		{"0.2", 0.2, true, ""},
		{" .5 ", 0.5, true, ""},
		{"0", 0, true, ""},
		{"val.csv", 0, false, "val.csv"},
		{"./0.5", 0, false, "./0.5"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			d := Data{Validation: tc.in}
			f, ok := d.ValidationFraction()
			if f != tc.f || ok != tc.ok || d.ValidationPath() != tc.path {
				t.Errorf("ValidationFraction(%q) = %v, %v, path %q; want %v, %v, %q", tc.in, f, ok, d.ValidationPath(), tc.f, tc.ok, tc.path)
			}
		})
	}
}

func TestLayerString(t *testing.T) {
	t.Parallel()
	if got := (Layer{Units: 3, Activation: "tanh"}).String(); !strings.Contains(got, "units: 3") {
		t.Errorf("Layer.String() = %q", got)
	}
}
