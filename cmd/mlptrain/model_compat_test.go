package main

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/mlptrain/mlptrain/internal/train"
)

// TestModelV1 checks that models written before model.json version 2
// (testdata/model_v1, written by dc453e7's fit of configs/iris.yaml and
// configs/sine.yaml) still load, with the same weights, and predict and
// score as they did then: predict byte for byte, eval with every field it
// had then unchanged.
func TestModelV1(t *testing.T) {
	chdirRoot(t)
	dir := filepath.Join(testdataDir, "model_v1")
	for _, tc := range []struct {
		name, data, sha string
	}{
		{"iris", "datasets/iris_test.csv", "cae26a7363885a20088f9d304f01898ab36304f902b63288f4f4f010ef1a61d0"},
		{"sine", "datasets/sine10_val.csv", "f3c7bf9e18222fb2ac617365bf6fee86906106e4d70d5108d44b79aa7800b7ec"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			model := filepath.Join(dir, tc.name+".json")
			s, err := train.LoadModel(model)
			if err != nil {
				t.Fatal(err)
			}
			if got := train.WeightsSHA256(s.Model); got != tc.sha {
				t.Errorf("weights_sha256 %s, want %s", got, tc.sha)
			}
			if got, want := mustRun(t, "predict", model, tc.data).stdout, readFile(t, filepath.Join(dir, tc.name+"_predict.csv")); got != want && runsGoldenFamily() {
				t.Errorf("predict differs from the version 1 model's:\n%s\nwant:\n%s", got, want)
			}
			var got, want map[string]any
			if err := json.Unmarshal([]byte(mustRun(t, "eval", model, tc.data, "--json").stdout), &got); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, tc.name+"_eval.json"))), &want); err != nil {
				t.Fatal(err)
			}
			for k, w := range want {
				if k == "model" {
					continue
				}
				if !reflect.DeepEqual(got[k], w) && runsGoldenFamily() {
					t.Errorf("eval %s = %v, want %v", k, got[k], w)
				}
			}
		})
	}
}
