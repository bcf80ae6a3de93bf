package config

import (
	"reflect"
	"testing"
)

// regressionBase is base with a regression loss, its lines also 3.
const regressionBase = "data: {train: a.csv, target: y}\n" +
	"model:\n" +
	"  layers: [{units: 4, activation: tanh}, {activation: identity}]\n  loss: squared_error\n"

// TestClassWeightAccepts reads train.class_weight from the file, the
// environment and --set, and checks that config.yaml's YAML reads back
// the same value.
func TestClassWeightAccepts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		doc  string
		env  map[string]string
		set  []Override
		want ClassWeight
	}{
		{"default", base, nil, nil, ClassWeight{Mode: "none"}},
		{"file word", base + "train: {class_weight: balanced}\n", nil, nil, ClassWeight{Mode: "balanced"}},
		{"file mapping", base + "train:\n  class_weight:\n    setosa: 2\n    versicolor: 0.5\n", nil, nil,
			ClassWeight{Weights: map[string]float64{"setosa": 2, "versicolor": 0.5}}},
		{"file flow mapping, numeric classes kept as written", base + "train: {class_weight: {0: 1, 01: 3, 1.50: 2e-1}}\n", nil, nil,
			ClassWeight{Weights: map[string]float64{"0": 1, "01": 3, "1.50": 0.2}}},
		{"file alias", base + "train: {epochs: &w 4, class_weight: {a: *w}}\n", nil, nil,
			ClassWeight{Weights: map[string]float64{"a": 4}}},
		{"set word", base, nil, []Override{{Key: "train.class_weight", Value: "balanced"}}, ClassWeight{Mode: "balanced"}},
		{"set mapping", base + "train: {class_weight: {x: 9}}\n", nil, []Override{{Key: "train.class_weight", Value: "{a: 2, b: 1}"}},
			ClassWeight{Weights: map[string]float64{"a": 2, "b": 1}}},
		{"set none over the file", base + "train: {class_weight: {x: 9}}\n", nil, []Override{{Key: "train.class_weight", Value: "none"}},
			ClassWeight{Mode: "none"}},
		{"env mapping", base, map[string]string{"MLPTRAIN_TRAIN_CLASS_WEIGHT": `{"a b": 2.5, "c,d": 1}`}, nil,
			ClassWeight{Weights: map[string]float64{"a b": 2.5, "c,d": 1}}},
		{"env word", base, map[string]string{"MLPTRAIN_TRAIN_CLASS_WEIGHT": " balanced "}, nil, ClassWeight{Mode: "balanced"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := Parse([]byte(tc.doc), "c.yaml", tc.set, envOf(tc.env))
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Train.ClassWeight; !reflect.DeepEqual(got, tc.want) {
				t.Errorf("class_weight = %#v, want %#v", got, tc.want)
			}
			y, err := c.YAML()
			if err != nil {
				t.Fatal(err)
			}
			back, err := Parse(y, "config.yaml", nil, noEnv)
			if err != nil {
				t.Fatalf("config.yaml does not read back: %v\n%s", err, y)
			}
			if !reflect.DeepEqual(back.Train.ClassWeight, c.Train.ClassWeight) {
				t.Errorf("config.yaml reads back class_weight %#v, want %#v\n%s", back.Train.ClassWeight, c.Train.ClassWeight, y)
			}
			// The text of --set reads back too.
			again := Default()
			if _, err := again.setText(byKey["train.class_weight"], c.text(byKey["train.class_weight"])); err != nil {
				t.Fatalf("setText(%q): %v", c.text(byKey["train.class_weight"]), err)
			}
			if !reflect.DeepEqual(again.Train.ClassWeight, c.Train.ClassWeight) {
				t.Errorf("text %q reads back %#v, want %#v", c.text(byKey["train.class_weight"]), again.Train.ClassWeight, c.Train.ClassWeight)
			}
		})
	}
}

// TestClassWeightRefuses checks the positioned errors for bad values.
func TestClassWeightRefuses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		doc  string
		env  map[string]string
		set  []Override
		want want
	}{
		{"negative", base + "train:\n  class_weight: {a: 2, b: -1}\n", nil, nil,
			want{"c.yaml", 5, 27, "train.class_weight.b", `class "b": must be a finite number greater than 0, got -1`, "positive number"}},
		{"zero", base + "train:\n  class_weight:\n    a: 0\n", nil, nil,
			want{"c.yaml", 6, 8, "train.class_weight.a", `class "a": must be a finite number greater than 0, got 0`, "positive number"}},
		{"NaN", base + "train: {class_weight: {a: .nan}}\n", nil, nil,
			want{"c.yaml", 4, 27, "train.class_weight.a", `class "a": must be a finite number greater than 0, got NaN`, "positive number"}},
		{"infinite", base + "train: {class_weight: {a: .inf}}\n", nil, nil,
			want{"c.yaml", 4, 27, "train.class_weight.a", `class "a": must be a finite number greater than 0, got +Inf`, "positive number"}},
		{"not a number", base + "train: {class_weight: {a: heavy}}\n", nil, nil,
			want{"c.yaml", 4, 27, "train.class_weight.a", `expected a number, got "heavy"`, "positive number"}},
		{"a list", base + "train: {class_weight: [a, b]}\n", nil, nil,
			want{"c.yaml", 4, 23, "train.class_weight", "expected none, balanced or a mapping of class names to weights, got a list", "{a: 2, b: 1}"}},
		{"a nested mapping", base + "train: {class_weight: {a: {b: 1}}}\n", nil, nil,
			want{"c.yaml", 4, 27, "train.class_weight.a", "expected a number, got a mapping", "positive number"}},
		{"twice", base + "train: {class_weight: {a: 1, a: 2}}\n", nil, nil,
			want{"c.yaml", 4, 30, "train.class_weight.a", `class "a" is given twice`, "once"}},
		{"empty mapping", base + "train: {class_weight: {}}\n", nil, nil,
			want{"c.yaml", 4, 23, "train.class_weight", "empty mapping", "none"}},
		{"unknown word", base + "train: {class_weight: balancd}\n", nil, nil,
			want{"c.yaml", 4, 23, "train.class_weight", `unknown class weight "balancd"`, `did you mean "balanced"?`}},
		{"unknown word, no hint near", base + "train: {class_weight: auto}\n", nil, nil,
			want{"c.yaml", 4, 23, "train.class_weight", `unknown class weight "auto"`, "{a: 2, b: 1}"}},
		{"regression", regressionBase + "train: {class_weight: balanced}\n", nil, nil,
			want{"c.yaml", 5, 23, "train.class_weight", "squared_error is a regression loss, which has no classes to weight", "classification"}},
		{"regression mapping", regressionBase, nil, []Override{{Key: "train.class_weight", Value: "{a: 1}", Source: "--set train.class_weight={a: 1}"}},
			want{"", 0, 0, "--set train.class_weight", "squared_error is a regression loss, which has no classes to weight", "classification"}},
		{"set negative", base, nil, []Override{{Key: "train.class_weight", Value: "{a: -2}"}},
			want{"", 0, 0, "--set train.class_weight", `class "a": must be a finite number greater than 0, got -2`, "positive number"}},
		{"set not a number", base, nil, []Override{{Key: "train.class_weight", Value: "{a: x}"}},
			want{"", 0, 0, "--set train.class_weight", `class "a": expected a number, got "x"`, "positive number"}},
		{"set unclosed", base, nil, []Override{{Key: "train.class_weight", Value: "{a: 2"}},
			want{"", 0, 0, "--set train.class_weight", `invalid mapping "{a: 2": did not find expected ',' or '}'`, "{a: 2, b: 1}"}},
		{"set unknown word", base, nil, []Override{{Key: "train.class_weight", Value: "Balanced"}},
			want{"", 0, 0, "--set train.class_weight", `unknown class weight "Balanced"`, `did you mean "balanced"?`}},
		{"env zero", base, map[string]string{"MLPTRAIN_TRAIN_CLASS_WEIGHT": "{a: 0}"}, nil,
			want{"", 0, 0, "MLPTRAIN_TRAIN_CLASS_WEIGHT", `class "a": must be a finite number greater than 0, got 0`, "positive number"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(tc.doc), "c.yaml", tc.set, envOf(tc.env))
			checkErr(t, err, tc.want)
		})
	}
}

// TestEarlyStoppingKeys checks train.early_stopping's metric and
// min_delta: accepted values and positioned errors.
func TestEarlyStoppingKeys(t *testing.T) {
	t.Parallel()
	c, err := Parse([]byte(base+"train: {early_stopping: {patience: 3, metric: pr_auc, min_delta: 0.01}}\n"), "c.yaml", nil, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Train.EarlyStopping, (EarlyStopping{Patience: 3, Metric: "pr_auc", MinDelta: 0.01}); got != want {
		t.Errorf("early_stopping = %+v, want %+v", got, want)
	}
	c, err = Parse([]byte(regressionBase), "c.yaml", []Override{{Key: "train.early_stopping.metric", Value: "r2"}},
		envOf(map[string]string{"MLPTRAIN_TRAIN_EARLY_STOPPING_MIN_DELTA": "1e-3"}))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Train.EarlyStopping, (EarlyStopping{Metric: "r2", MinDelta: 1e-3}); got != want {
		t.Errorf("early_stopping = %+v, want %+v", got, want)
	}
	if !(EarlyStopping{Metric: "val_loss"}).Lower() || (EarlyStopping{Metric: "accuracy"}).Lower() {
		t.Error("Lower: val_loss should be lower-is-better and accuracy not")
	}
	for _, tc := range []struct {
		name string
		doc  string
		set  []Override
		want want
	}{
		{"unknown metric", base + "train: {early_stopping: {metric: acuracy}}\n", nil,
			want{"c.yaml", 4, 34, "train.early_stopping.metric", `unknown early-stopping metric "acuracy"`, `did you mean "accuracy"?`}},
		{"classification metric for regression", regressionBase + "train: {early_stopping: {metric: roc_auc}}\n", nil,
			want{"c.yaml", 5, 34, "train.early_stopping.metric", "roc_auc is a classification metric, but squared_error is a regression loss", "val_loss or r2"}},
		{"r2 for classification", base, []Override{{Key: "train.early_stopping.metric", Value: "r2"}},
			want{"", 0, 0, "--set train.early_stopping.metric", "r2 is a regression metric, but cross_entropy is a classification loss", "accuracy"}},
		{"negative min_delta", base + "train: {early_stopping: {min_delta: -0.1}}\n", nil,
			want{"c.yaml", 4, 37, "train.early_stopping.min_delta", "must be a finite number at least 0, got -0.1", "use 0"}},
		{"NaN min_delta", base + "train: {early_stopping: {min_delta: .nan}}\n", nil,
			want{"c.yaml", 4, 37, "train.early_stopping.min_delta", "must be a finite number at least 0, got NaN", "use 0"}},
		{"min_delta not a number", base, []Override{{Key: "train.early_stopping.min_delta", Value: "small"}},
			want{"", 0, 0, "--set train.early_stopping.min_delta", `expected a number, got "small"`, "number"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(tc.doc), "c.yaml", tc.set, noEnv)
			checkErr(t, err, tc.want)
		})
	}
}
