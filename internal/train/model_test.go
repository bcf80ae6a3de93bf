package train

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/data"
	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/mlptrain/mlptrain/internal/layers"
	"gonum.org/v1/gonum/mat"
)

// savedKinds names the models testSaved builds.
var savedKinds = []string{"softmax", "binary", "regression", "interactions"}

// testSaved returns a saved model of the given kind with seeded weights,
// random biases and awkward scaler numbers.
func testSaved(t testing.TB, kind string) *Saved {
	t.Helper()
	var s *Saved
	var spec layers.Spec
	switch kind {
	case "softmax":
		s = &Saved{Features: []string{"a", "b"}, Poly: data.Polynomial{Degree: 2, Inputs: 2},
			Scaler:  &data.Scaler{Method: "standardize", Offset: []float64{0.1, 1.0 / 3, -1e-300, 12345.678, math.SmallestNonzeroFloat64}, Scale: []float64{1, 2.5e-8, math.MaxFloat64, 7, 1.0 / 7}},
			Targets: []string{"species"}, Classes: []string{"setosa", "versicolor", "virginica"}}
		spec = layers.Spec{Inputs: 5, Units: []int{4, 3}, Acts: []string{"tanh", "softmax"}, Loss: "cross_entropy"}
	case "binary":
		s = &Saved{Features: []string{"x"}, Poly: data.Polynomial{Degree: 3, Inputs: 1},
			Scaler:  &data.Scaler{Method: "none", Offset: []float64{0, 0, 0}, Scale: []float64{1, 1, 1}},
			Targets: []string{"label"}, Classes: []string{"0", "1"}}
		spec = layers.Spec{Inputs: 3, Units: []int{2, 1}, Acts: []string{"relu", "logistic"}, Loss: "binary_cross_entropy"}
	case "regression":
		s = &Saved{Features: []string{"u", "v", "w"}, Poly: data.Polynomial{Degree: 1, Inputs: 3},
			Scaler:  &data.Scaler{Method: "minmax", Offset: []float64{-1, 0, 1e10}, Scale: []float64{2, 0.3, 1e-10}},
			Targets: []string{"y1", "y2"}}
		spec = layers.Spec{Inputs: 3, Units: []int{2}, Acts: []string{"identity"}, Loss: "squared_error"}
	case "interactions":
		// ψ(a, b, c) = (a, b, c, ab, ac, bc).
		s = &Saved{Features: []string{"a", "b", "c"}, Poly: data.Polynomial{Degree: 2, Inputs: 3, InteractionsOnly: true},
			Scaler:  &data.Scaler{Method: "none", Offset: make([]float64, 6), Scale: []float64{1, 1, 1, 1, 1, 1}},
			Targets: []string{"t"}}
		spec = layers.Spec{Inputs: 6, Units: []int{1}, Acts: []string{"identity"}, Loss: "squared_error"}
	default:
		t.Fatalf("unknown kind %q", kind)
	}
	m, err := layers.New(spec)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(21, 1))
	if err := m.Init("he", rng); err != nil {
		t.Fatal(err)
	}
	for _, l := range m.Layers {
		for i := range l.B.RawMatrix().Data {
			l.B.RawMatrix().Data[i] = rng.NormFloat64() / 3
		}
	}
	s.Model = m
	return s
}

// checkSavedEqual fails unless got holds exactly what want does.
func checkSavedEqual(t *testing.T, got, want *Saved) {
	t.Helper()
	if !slices.Equal(got.Features, want.Features) || !slices.Equal(got.Targets, want.Targets) || !slices.Equal(got.Classes, want.Classes) {
		t.Errorf("features %v, targets %v, classes %v; want %v, %v, %v", got.Features, got.Targets, got.Classes, want.Features, want.Targets, want.Classes)
	}
	if got.Poly != want.Poly {
		t.Errorf("feature map %+v, want %+v", got.Poly, want.Poly)
	}
	if got.Scaler.Method != want.Scaler.Method || !sameBits(got.Scaler.Offset, want.Scaler.Offset) || !sameBits(got.Scaler.Scale, want.Scaler.Scale) {
		t.Errorf("scaler %+v, want %+v", got.Scaler, want.Scaler)
	}
	gm, wm := got.Model, want.Model
	if gm.Inputs != wm.Inputs || gm.Loss != wm.Loss || len(gm.Layers) != len(wm.Layers) {
		t.Fatalf("model of %d inputs, loss %s, %d layers; want %d, %s, %d", gm.Inputs, gm.Loss, len(gm.Layers), wm.Inputs, wm.Loss, len(wm.Layers))
	}
	for i := range gm.Layers {
		if gm.Layers[i].Activation != wm.Layers[i].Activation {
			t.Errorf("layer %d activation %s, want %s", i+1, gm.Layers[i].Activation, wm.Layers[i].Activation)
		}
	}
	if !sameWeights(gm, wm) {
		t.Error("the weights differ")
	}
}

// decodedFile returns a deep copy of s's model file, to edit.
func decodedFile(t *testing.T, s *Saved) *modelFile {
	t.Helper()
	b, err := json.Marshal(s.file())
	if err != nil {
		t.Fatal(err)
	}
	var f modelFile
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return &f
}

// encodeFile encodes f with a correct checksum.
func encodeFile(t *testing.T, f *modelFile) []byte {
	t.Helper()
	b, err := encode(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkInputErr fails unless err is an *inputerr.Error naming file whose
// text contains want, and returns it.
func checkInputErr(t *testing.T, err error, file, want string) *inputerr.Error {
	t.Helper()
	var e *inputerr.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T), want an *inputerr.Error", err, err)
	}
	if e.File != file {
		t.Errorf("error %q names file %q, want %q", err, e.File, file)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
	return e
}

func TestModelRoundTrip(t *testing.T) {
	t.Parallel()
	for _, kind := range savedKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			s := testSaved(t, kind)
			a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
			for _, path := range []string{a, b} {
				if err := WriteModel(path, s); err != nil {
					t.Fatal(err)
				}
			}
			got, err := LoadModel(a)
			if err != nil {
				t.Fatal(err)
			}
			checkSavedEqual(t, got, s)
			ba, _ := os.ReadFile(a)
			bb, _ := os.ReadFile(b)
			if !bytes.Equal(ba, bb) {
				t.Error("the same model written twice gave different bytes")
			}
			// Writing the loaded model gives the same bytes again.
			c := filepath.Join(dir, "c.json")
			if err := WriteModel(c, got); err != nil {
				t.Fatal(err)
			}
			if bc, _ := os.ReadFile(c); !bytes.Equal(ba, bc) {
				t.Error("writing the loaded model changed the bytes")
			}
			if !strings.HasSuffix(string(ba), "}\n") || !json.Valid(ba) {
				t.Error("model.json is not one JSON document ending in a newline")
			}
			if WeightsSHA256(got.Model) != WeightsSHA256(s.Model) {
				t.Error("the weight hash changed in the round trip")
			}
		})
	}
}

// TestModelFeatureMapKey checks that feature_map.interactions_only is
// written only when true, so that files from before it existed keep their
// bytes and checksums and still load, and that it is checked against the
// network's inputs.
func TestModelFeatureMapKey(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		kind string
		want bool
	}{{"softmax", false}, {"interactions", true}} {
		b := encodeFile(t, testSaved(t, tc.kind).file())
		if got := bytes.Contains(b, []byte(`"interactions_only": true`)); got != tc.want {
			t.Errorf("%s: model.json has interactions_only: %v, want %v", tc.kind, got, tc.want)
		}
		if !tc.want && bytes.Contains(b, []byte("interactions_only")) {
			t.Errorf("%s: model.json names interactions_only although it is false", tc.kind)
		}
	}
	// A version-1 file written before the key existed.
	old := []byte(`{
 "format": "mlptrain-model",
 "version": 1,
 "features": ["x"],
 "feature_map": {"polynomial": 2},
 "normalize": {"method": "none", "offset": [0, 0], "scale": [1, 1]},
 "targets": ["t"],
 "classes": null,
 "loss": "squared_error",
 "inputs": 2,
 "layers": [{"units": 1, "activation": "identity", "W": [[0.5], [-1]], "b": [0.25]}],
 "checksum": ""
}`)
	var f modelFile
	if err := json.Unmarshal(old, &f); err != nil {
		t.Fatal(err)
	}
	s, err := DecodeModel(encodeFile(t, &f), "old.json")
	if err != nil {
		t.Fatalf("a file without interactions_only does not load: %v", err)
	}
	if want := (data.Polynomial{Degree: 2, Inputs: 1}); s.Poly != want {
		t.Errorf("old file: feature map %+v, want %+v", s.Poly, want)
	}
	// interactions_only changes the number of inputs the map gives.
	f = *decodedFile(t, testSaved(t, "interactions"))
	f.FeatureMap.InteractionsOnly = false
	_, err = DecodeModel(encodeFile(t, &f), "m.json")
	checkInputErr(t, err, "m.json", "3 columns with a degree-2 feature map give 9 inputs, but the network has 6")
}

func TestWeightsSHA256(t *testing.T) {
	t.Parallel()
	s := testSaved(t, "softmax")
	h := WeightsSHA256(s.Model)
	if len(h) != 64 || strings.Trim(h, "0123456789abcdef") != "" {
		t.Fatalf("WeightsSHA256 = %q, want 64 lower-case hex digits", h)
	}
	// Any bit of any parameter changes it, a bias included.
	b := s.Model.Layers[1].B.RawMatrix().Data
	b[2] = math.Nextafter(b[2], math.Inf(1))
	if WeightsSHA256(s.Model) == h {
		t.Error("changing a bias by one ulp left the hash as it was")
	}
}

func TestLoadModelCorrupt(t *testing.T) {
	t.Parallel()
	s := testSaved(t, "softmax")
	good := encodeFile(t, s.file())
	if _, err := DecodeModel(good, "m.json"); err != nil {
		t.Fatalf("the unedited file does not load: %v", err)
	}
	// flip changes the first digit after `"W"`, keeping the JSON valid.
	flip := func() []byte {
		b := bytes.Clone(good)
		for i := bytes.Index(b, []byte(`"W"`)); i < len(b); i++ {
			if c := b[i]; c >= '0' && c <= '9' {
				if c == '9' {
					b[i] = '8'
				} else {
					b[i] = c + 1
				}
				return b
			}
		}
		t.Fatal("no digit after W")
		return nil
	}
	// semicolon puts a syntax error on line 3, column 11.
	semicolon := func() []byte {
		lines := strings.Split(string(good), "\n")
		lines[2] = strings.Replace(lines[2], ":", ";", 1)
		return []byte(strings.Join(lines, "\n"))
	}
	for _, tc := range []struct {
		name      string
		b         []byte
		want      string
		line, col int // the position the error must give; -1 for any
	}{
		{"flipped digit", flip(), "checksum mismatch", 0, 0},
		{"truncated", good[:len(good)/2], "not a valid model file", -1, -1},
		{"truncated at the end", good[:len(good)-3], "not a valid model file", -1, -1},
		{"syntax error", semicolon(), "not a valid model file", 3, 11},
		{"empty", nil, "not a valid model file", 0, 0},
		{"not json", []byte("layers:\n  - W: 1\n"), "not a valid model file", 1, 1},
		{"trailing data", append(bytes.Clone(good), "\n {}\n"...), "more data after the model", bytes.Count(good, []byte("\n")) + 2, 2},
		{"unknown field", bytes.Replace(good, []byte(`"loss"`), []byte(`"lost"`), 1), "unknown field", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := writeTestFile(t, t.TempDir(), "model.json", string(tc.b))
			_, err := LoadModel(path)
			e := checkInputErr(t, err, path, tc.want)
			if tc.line < 0 && e.Line < 1 || tc.line >= 0 && e.Line != tc.line ||
				tc.col < 0 && e.Column < 1 || tc.col >= 0 && tc.line > 0 && e.Column != tc.col {
				t.Errorf("error %q at line %d, column %d; want line %d, column %d (-1: any)", err, e.Line, e.Column, tc.line, tc.col)
			}
			if e.Hint == "" {
				t.Errorf("error %q has no hint", err)
			}
		})
	}
}

// TestDecodeModelInconsistent edits a model file and recomputes its
// checksum, so that only the consistency checks can catch the edit.
func TestDecodeModelInconsistent(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		kind string
		edit func(f *modelFile)
		want string
	}{
		{"version 4", "softmax", func(f *modelFile) { f.Version = 4 }, "newer"},
		{"version 1 with columns", "softmax", func(f *modelFile) { f.Version = 1 }, "a version 1 model has no columns"},
		{"columns not the features", "softmax", func(f *modelFile) { f.Columns[0].Name = "zz" }, "the columns are not the features"},
		{"levels disagree", "softmax", func(f *modelFile) { f.Categorical = []int{2} }, "but the columns' levels give []"},
		{"no read", "softmax", func(f *modelFile) { f.Read = nil }, "read: needs a delimiter"},
		{"version 0", "softmax", func(f *modelFile) { f.Version = 0 }, "version 0"},
		{"wrong format", "softmax", func(f *modelFile) { f.Format = "keras" }, `not an mlptrain model file (format "keras")`},
		{"missing W row", "softmax", func(f *modelFile) { f.Layers[0].W = f.Layers[0].W[1:] }, "layer 1: W has 4 rows and b 4 entries, want 5 and 4"},
		{"ragged W", "softmax", func(f *modelFile) { f.Layers[1].W[2] = f.Layers[1].W[2][:2] }, "layer 2: W row 3 has 2 entries, want 3"},
		{"short b", "regression", func(f *modelFile) { f.Layers[0].B = f.Layers[0].B[:1] }, "b 1 entries"},
		{"units disagree with W", "softmax", func(f *modelFile) { f.Layers[0].Units = 5 }, "layer 1"},
		{"inputs disagree with W", "regression", func(f *modelFile) { f.Inputs = 4 }, "W has 3 rows"},
		{"no layers", "softmax", func(f *modelFile) { f.Layers = nil }, "at least one layer"},
		{"unknown activation", "softmax", func(f *modelFile) { f.Layers[0].Activation = "swish" }, "unknown activation"},
		{"loss without softmax", "softmax", func(f *modelFile) { f.Layers[1].Activation = "identity" }, "softmax"},
		{"unknown loss", "regression", func(f *modelFile) { f.Loss = "hinge" }, "unknown loss"},
		{"feature map degree 0", "softmax", func(f *modelFile) { f.FeatureMap.Polynomial = 0 }, "feature map"},
		{"features disagree with inputs", "softmax", func(f *modelFile) { f.Features = f.Features[:1]; f.Columns = f.Columns[:1] },
			"1 columns with a degree-2 feature map give 2 inputs, but the network has 5"},
		{"no normalization", "softmax", func(f *modelFile) { f.Normalize = nil }, "no normalization"},
		{"short normalization", "softmax", func(f *modelFile) { f.Normalize.Offset = f.Normalize.Offset[:4] }, "4 offsets"},
		{"zero scale", "regression", func(f *modelFile) { f.Normalize.Scale[1] = 0 }, "scale of feature 2 is zero"},
		{"unknown normalization", "regression", func(f *modelFile) { f.Normalize.Method = "robust" }, "unknown normalization"},
		{"no targets", "regression", func(f *modelFile) { f.Targets = nil }, "no target column"},
		{"targets disagree with outputs", "regression", func(f *modelFile) { f.Targets = f.Targets[:1] }, "1 targets for 2 outputs"},
		{"classes disagree with outputs", "softmax", func(f *modelFile) { f.Classes = f.Classes[:2] }, "2 classes for 3 outputs"},
		{"binary with three classes", "binary", func(f *modelFile) { f.Classes = append(f.Classes, "2") }, "3 classes for a binary output"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := decodedFile(t, testSaved(t, tc.kind))
			tc.edit(f)
			_, err := DecodeModel(encodeFile(t, f), "m.json")
			checkInputErr(t, err, "m.json", tc.want)
		})
	}
}

func TestWriteModelNaN(t *testing.T) {
	t.Parallel()
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		t.Run(fmt.Sprint(v), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			s := testSaved(t, "softmax")
			s.Model.Layers[1].W.Set(2, 1, v)
			path := filepath.Join(dir, "model.json")
			if err := WriteModel(path, s); err == nil {
				t.Fatalf("WriteModel of a %v weight succeeded", v)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("WriteModel left %v behind", entries)
			}
		})
	}
}

func TestLoadModelMissing(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "nope.json")
	_, err := LoadModel(path)
	checkInputErr(t, err, path, "cannot open model")
}

// TestSavedRead reads a CSV through a saved, reloaded model and gets
// exactly the features and predictions of training.
func TestSavedRead(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := writeTestFile(t, dir, "train.csv", regressionCSV(22, 20, 3, 0.1))
	p := prepareTest(t, dir, fmt.Sprintf(`data: {train: %s, target: y, validation: 0, feature_map: {polynomial: 2}}
model: {layers: [{units: 3, activation: tanh}, {activation: identity}], loss: squared_error}
train: {epochs: 3}
`, q(path)))
	res, err := Fit(t.Context(), p, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	modelPath := filepath.Join(dir, "model.json")
	if err := WriteModel(modelPath, p.Saved(res.Model)); err != nil {
		t.Fatal(err)
	}
	s, err := LoadModel(modelPath)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Forward(res.Model, p.Train.X, nil)

	// The same rows with the columns reordered, an extra column, and
	// without the target.
	raw, err := data.ReadFile(path, data.Options{Targets: []string{"y"}})
	if err != nil {
		t.Fatal(err)
	}
	var withTarget, noTarget strings.Builder
	withTarget.WriteString("y,note,x2,x1\n")
	noTarget.WriteString("x2,x1\n")
	for i := range raw.Len() {
		x := raw.X.RawRowView(i)
		fmt.Fprintf(&withTarget, "%v,n%d,%v,%v\n", raw.Y.At(i, 0), i, x[1], x[0])
		fmt.Fprintf(&noTarget, "%v,%v\n", x[1], x[0])
	}
	for _, tc := range []struct {
		name, csv  string
		needTarget bool
	}{
		{"with target", withTarget.String(), true},
		{"target optional", withTarget.String(), false},
		{"without target", noTarget.String(), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ds, err := s.Read(writeTestFile(t, t.TempDir(), "in.csv", tc.csv), ',', tc.needTarget)
			if err != nil {
				t.Fatal(err)
			}
			if !mat.Equal(ds.X, p.Train.X) {
				t.Error("the features read through the saved model differ from training's")
			}
			if got, _ := Forward(s.Model, ds.X, nil); !mat.Equal(got, want) {
				t.Error("the saved model predicts otherwise than the trained one")
			}
			// Only a file read with its target (eval) holds it: predict
			// keeps every row, its target missing or not.
			if ds.HasTarget() != tc.needTarget {
				t.Errorf("HasTarget() = %v", ds.HasTarget())
			}
		})
	}
	t.Run("target required", func(t *testing.T) {
		t.Parallel()
		in := writeTestFile(t, t.TempDir(), "in.csv", noTarget.String())
		_, err := s.Read(in, ',', true)
		checkInputErr(t, err, in, "y")
	})
}

// TestDecodeModelHugeShapes is not parallel: it measures the memory that
// DecodeModel allocates. A few hundred bytes that claim a 5000×5000 layer
// must be refused before the layer is allocated.
func TestDecodeModelHugeShapes(t *testing.T) {
	f := decodedFile(t, testSaved(t, "regression"))
	f.Inputs = 5000
	f.Layers[0].Units = 5000
	b := encodeFile(t, f)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := DecodeModel(b, "m.json")
	runtime.ReadMemStats(&after)
	checkInputErr(t, err, "m.json", "layer 1")
	if got := after.TotalAlloc - before.TotalAlloc; got > 10<<20 {
		t.Errorf("DecodeModel of a %d-byte file allocated %d MB", len(b), got>>20)
	}
}

// FuzzDecodeModel checks that no file makes DecodeModel panic, and that
// every error is an *inputerr.Error naming the file.
func FuzzDecodeModel(f *testing.F) {
	for _, kind := range savedKinds {
		s := testSaved(f, kind)
		b, err := encode(s.file())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/3])
	}
	f.Add([]byte(`{"format": "mlptrain-model", "version": 1, "inputs": -1, "layers": [{"units": -5}]}`))
	f.Add([]byte("null"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := DecodeModel(b, "m.json")
		if err != nil {
			var e *inputerr.Error
			if !errors.As(err, &e) || e.File != "m.json" {
				t.Fatalf("error %v (%T) is not an *inputerr.Error naming m.json", err, err)
			}
			return
		}
		if s.Model == nil || s.Scaler == nil {
			t.Fatal("DecodeModel succeeded without a model or scaler")
		}
	})
}
