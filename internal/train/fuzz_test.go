package train

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/data"
	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/mlptrain/mlptrain/internal/layers"
)

// FuzzDecodeModelResealed checks that DecodeModel never panics and that every
// error is an *inputerr.Error of one line, on model files that are edited
// and then given a valid checksum again, so that the fuzzer reaches the
// checks behind the checksum: shapes, encodings, levels, losses.
func FuzzDecodeModelResealed(f *testing.F) {
	for _, kind := range []string{"softmax", "binary", "regression", "interactions"} {
		b, err := encode(testSaved(f, kind).file())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	// A model with categorical columns and an indicator.
	m, err := layers.New(layers.Spec{Inputs: 2 + 3 + 2, Units: []int{2, 1}, Acts: []string{"tanh", "identity"}, Loss: "squared_error", Categorical: []int{3, 2}})
	if err != nil {
		f.Fatal(err)
	}
	zero := 0.0
	enc := &data.Encoding{Columns: []data.ColumnEncoding{
		{Name: "a", Type: data.Numeric, Impute: &zero, Indicator: true},
		{Name: "plan", Type: data.Categorical, Levels: []string{"x", "y"}, OtherLevel: true},
		{Name: "c", Type: data.Categorical, Levels: []string{"1"}, MissingLevel: true},
	}}
	s := &Saved{Features: enc.Names(), Encoding: enc, Poly: data.Polynomial{Degree: 1, Inputs: 1},
		Scaler: &data.Scaler{Method: "none", Offset: []float64{0, 0}, Scale: []float64{1, 1}}, Targets: []string{"y"}, Model: m,
		Reading: &Reading{Delimiter: ";", Decimal: ",", Missing: []string{"NA"}}}
	b, err := encode(s.file())
	if err != nil {
		f.Fatal(err)
	}
	if _, err := DecodeModel(b, "m.json"); err != nil {
		f.Fatalf("the seed does not decode: %v", err)
	}
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		check := func(err error) {
			if err == nil {
				return
			}
			var e *inputerr.Error
			if !errors.As(err, &e) || strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("error %q (%T) is not one line of an *inputerr.Error", err, err)
			}
		}
		_, err := DecodeModel(b, "m.json")
		check(err)
		// The same file, edited as the fuzzer did, with its checksum made
		// valid again.
		var mf modelFile
		if json.Unmarshal(b, &mf) != nil {
			return
		}
		sealedBytes, err := encode(&mf)
		if err != nil {
			return
		}
		_, err = DecodeModel(sealedBytes, "m.json")
		check(err)
	})
}
