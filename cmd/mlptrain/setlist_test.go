package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"
)

// TestSetListOfFeatures runs the brief's reproduction: --set of a
// bracketed list of features on a config with a test file. The brackets
// stayed on the first and last names ("[sepal_length"), and once they
// were read, the test file was refused for its other columns, which the
// training file had been allowed.
func TestSetListOfFeatures(t *testing.T) {
	chdirRoot(t)
	for _, tc := range []struct {
		name, value string
	}{
		{"brackets", "[sepal_length,petal_length]"},
		{"quoted in brackets", `["sepal_length", 'petal_length']`},
		{"commas", "sepal_length, petal_length"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "r")
			mustRun(t, "fit", "configs/iris.yaml", "--quiet", "--epochs", "1", "--set", "data.features="+tc.value, "--out", dir)
			var m struct {
				Features []string `json:"features"`
			}
			if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "model.json"))), &m); err != nil {
				t.Fatal(err)
			}
			if want := []string{"sepal_length", "petal_length"}; !slices.Equal(m.Features, want) {
				t.Errorf("--set data.features=%s: model features %q, want %q", tc.value, m.Features, want)
			}
		})
	}
}
