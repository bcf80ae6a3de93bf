package config

import (
	"fmt"
	"slices"
	"testing"
)

// threeLayers has two hidden layers; its output layer is on line 6.
const threeLayers = "data: {train: a.csv, target: y}\n" +
	"model:\n" +
	"  layers:\n" +
	"    - {units: 8, activation: relu}\n" +
	"    - {units: 4, activation: tanh}\n" +
	"    - {activation: softmax}\n"

// shape returns the units and activations of c's layers, as "8 relu".
func shape(c *Config) []string {
	var s []string
	for _, l := range c.Model.Layers {
		s = append(s, fmt.Sprintf("%d %s", l.Units, l.Activation))
	}
	return s
}

func TestLayerKeys(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		flags []Override
		env   map[string]string
		want  []string
		err   *want
	}{
		{name: "units by index", flags: []Override{{Key: "model.layers.0.units", Value: "64"}},
			want: []string{"64 relu", "4 tanh", "0 softmax"}},
		{name: "brackets", flags: []Override{{Key: "model.layers[1].activation", Value: "relu"}},
			want: []string{"8 relu", "4 relu", "0 softmax"}},
		{name: "the output layer", flags: []Override{{Key: "model.layers.2.units", Value: "3"}},
			want: []string{"8 relu", "4 tanh", "3 softmax"}},
		{name: "deeper repeats the last hidden layer", flags: []Override{{Key: "model.depth", Value: "4"}},
			want: []string{"8 relu", "4 tanh", "4 tanh", "4 tanh", "0 softmax"}},
		{name: "shallower drops from the end", flags: []Override{{Key: "model.depth", Value: "1"}},
			want: []string{"8 relu", "0 softmax"}},
		{name: "no hidden layers", flags: []Override{{Key: "model.depth", Value: "0"}},
			want: []string{"0 softmax"}},
		{name: "width", flags: []Override{{Key: "model.width", Value: "32"}},
			want: []string{"32 relu", "32 tanh", "0 softmax"}},
		{name: "depth before width and index, in any order", flags: []Override{
			{Key: "model.layers.2.activation", Value: "relu"},
			{Key: "model.width", Value: "16"},
			{Key: "model.depth", Value: "3"},
		}, want: []string{"16 relu", "16 tanh", "16 relu", "0 softmax"}},
		{name: "environment", env: map[string]string{"MLPTRAIN_MODEL_LAYERS_3_UNITS": "5", "MLPTRAIN_MODEL_DEPTH": "3", "MLPTRAIN_MODEL_WIDTH": "2"},
			want: []string{"2 relu", "2 tanh", "2 tanh", "5 softmax"}},
		{name: "flag over environment", env: map[string]string{"MLPTRAIN_MODEL_WIDTH": "2"}, flags: []Override{{Key: "model.layers.0.units", Value: "9"}},
			want: []string{"9 relu", "2 tanh", "0 softmax"}},
		{name: "index out of range", flags: []Override{{Key: "model.layers.3.units", Value: "64", Source: "--set model.layers.3.units=64"}},
			err: &want{"", 0, 0, "--set model.layers.3.units", "layer 3 is out of range: the config has 3 layers, model.layers.0 to model.layers.2 (the last is the output layer)", "set model.depth first"}},
		{name: "misspelt layer key", flags: []Override{{Key: "model.layers.0.unit", Value: "64"}},
			err: &want{"", 0, 0, "--set model.layers.0.unit", `unknown key "model.layers.0.unit": a layer has no key "unit"`, `did you mean "model.layers.0.units"?`}},
		{name: "synonym of a layer key", flags: []Override{{Key: "model.layers.0.width", Value: "64"}},
			err: &want{"", 0, 0, "--set model.layers.0.width", `unknown key "model.layers.0.width": a layer has no key "width"`, `did you mean "model.layers.0.units"?`}},
		{name: "not an index", flags: []Override{{Key: "model.layers.first.units", Value: "64"}},
			err: &want{"", 0, 0, "--set model.layers.first.units", `"model.layers.first.units": "first" is not a layer's index`, "as in model.layers.0.units"}},
		{name: "a whole layer", flags: []Override{{Key: "model.layers.0", Value: "64"}},
			err: &want{"", 0, 0, "--set model.layers.0", "model.layers.0 is a layer, not a single value", "units, activation"}},
		{name: "bad units", flags: []Override{{Key: "model.layers.0.units", Value: "1.5"}},
			err: &want{"", 0, 0, "--set model.layers.0.units", "expected a whole number, got the fraction 1.5", "whole number"}},
		{name: "invalid units are placed at the flag", flags: []Override{{Key: "model.layers.1.units", Value: "-2"}},
			err: &want{"", 0, 0, "--set model.layers.1.units", "must be at least 1, got -2", "width"}},
		{name: "invalid activation on an added layer", flags: []Override{{Key: "model.depth", Value: "3"}, {Key: "model.layers.2.activation", Value: "softmax"}},
			err: &want{"", 0, 0, "--set model.layers.2.activation", "softmax is allowed only on the output layer", "hidden layers"}},
		{name: "negative depth", flags: []Override{{Key: "model.depth", Value: "-1"}},
			err: &want{"", 0, 0, "--set model.depth", "must be 0 to 1000, got -1", "number of hidden layers"}},
		{name: "zero width", flags: []Override{{Key: "model.width", Value: "0"}},
			err: &want{"", 0, 0, "--set model.width", "must be 1 to 1000000, got 0", "units"}},
		{name: "given twice in two spellings", flags: []Override{{Key: "model.layers.0.units", Value: "1"}, {Key: "model.layers[0].units", Value: "2"}},
			err: &want{"", 0, 0, "--set model.layers[0].units", "model.layers.0.units is given twice, by --set model.layers.0.units=1 and by --set model.layers[0].units=2", "give each key once"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var environ []string
			for k, v := range tc.env {
				environ = append(environ, k+"="+v)
			}
			c, err := parse([]byte(threeLayers), "c.yaml", tc.flags, environFrom(environ))
			if tc.err != nil {
				checkErr(t, err, *tc.err)
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := shape(c); !slices.Equal(got, tc.want) {
				t.Errorf("layers %q, want %q", got, tc.want)
			}
		})
	}
}

// TestLayerKeysKeepPositions checks that a file's error about the output
// layer is still placed at its line after model.depth moved it.
func TestLayerKeysKeepPositions(t *testing.T) {
	t.Parallel()
	bad := "data: {train: a.csv, target: y}\n" +
		"model:\n" +
		"  layers:\n" +
		"    - {units: 8, activation: relu}\n" +
		"    - {units: 2, activation: relu}\n" +
		"  loss: cross_entropy\n"
	for _, d := range []string{"0", "1", "3"} {
		_, err := Parse([]byte(bad), "c.yaml", []Override{{Key: "model.depth", Value: d}}, noEnv)
		checkErr(t, err, want{"c.yaml", 6, 9, "model.loss", "cross_entropy needs a softmax output layer, got relu", "softmax"})
	}
	_, err := Parse([]byte(threeLayers), "c.yaml", []Override{{Key: "model.depth", Value: "1"}, {Key: "model.layers.1.activation", Value: "tahn"}}, noEnv)
	checkErr(t, err, want{"", 0, 0, "--set model.layers.1.activation", `unknown activation "tahn"`, `did you mean "tanh"?`})
}

func TestLayerValue(t *testing.T) {
	t.Parallel()
	c, err := Parse([]byte(threeLayers), "c.yaml", []Override{{Key: "model.width", Value: "7"}}, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		key  string
		want any
		ok   bool
	}{
		{"model.depth", 2, true},
		{"model.width", 7, true},
		{"model.layers.1.activation", "tanh", true},
		{"model.layers[0].units", 7, true},
		{"model.layers.3.units", nil, false},
		{"model.layers.0.unit", nil, false},
	} {
		v, ok := c.Value(tc.key)
		if ok != tc.ok || v != tc.want {
			t.Errorf("Value(%q) = %v, %v, want %v, %v", tc.key, v, ok, tc.want, tc.ok)
		}
	}
}
