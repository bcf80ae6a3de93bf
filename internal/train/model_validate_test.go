package train

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/layers"
)

// TestDecodeModelMeaning edits what a model file means, keeping its
// shapes, and signs it again: the checksum passes, so LoadModel must
// refuse the file by its meaning, naming the key, and not leave the CSV
// reader to blame the data file.
func TestDecodeModelMeaning(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		kind string
		edit func(f *modelFile)
		key  string
		want string
	}{
		{"feature twice", "softmax", func(f *modelFile) { f.Features = []string{"a", "a"} },
			"features", `"a" is listed twice (items 1 and 2)`},
		{"feature twice, apart", "regression", func(f *modelFile) { f.Features = []string{"u", "v", "u"} },
			"features", `"u" is listed twice (items 1 and 3)`},
		{"class twice", "binary", func(f *modelFile) { f.Classes = []string{"0", "0"} },
			"classes", `"0" is listed twice (items 1 and 2)`},
		{"target twice", "regression", func(f *modelFile) { f.Targets = []string{"y1", "y1"} },
			"targets", `"y1" is listed twice (items 1 and 2)`},
		{"target twice on a classifier", "binary", func(f *modelFile) { f.Targets = []string{"label", "label"} },
			"targets", `"label" is listed twice`},
		{"target is a feature", "binary", func(f *modelFile) { f.Targets = []string{"x"} },
			"targets", `"x" is also a feature column`},
		{"two targets on a classifier", "softmax", func(f *modelFile) { f.Targets = []string{"species", "genus"} },
			"targets", "a classifier (loss cross_entropy) has one target column, got 2"},
		{"squared error on a classifier", "binary", func(f *modelFile) { f.Loss = "squared_error" },
			"classes", "loss squared_error makes a regression model, which has no classes, got 2"},
		{"classes on a regression model", "regression", func(f *modelFile) { f.Classes = []string{"a", "b"} },
			"classes", "loss squared_error makes a regression model, which has no classes, got 2"},
		{"binary loss on a softmax output", "softmax", func(f *modelFile) { f.Loss = "binary_cross_entropy" },
			"loss", "binary_cross_entropy needs a logistic output layer with 1 unit, got 3 softmax units"},
		{"cross entropy on a logistic output", "binary", func(f *modelFile) { f.Loss = "cross_entropy" },
			"loss", "cross_entropy needs a softmax output layer, got 1 logistic unit"},
		{"unknown loss", "regression", func(f *modelFile) { f.Loss = "hinge" },
			"loss", `unknown loss "hinge"`},
		{"no targets", "softmax", func(f *modelFile) { f.Targets = nil },
			"targets", "no target column"},
		{"classes disagree with outputs", "softmax", func(f *modelFile) { f.Classes = append(f.Classes, "other") },
			"classes", "4 classes for 3 outputs (loss cross_entropy needs a class per output unit)"},
		{"one class on a binary output", "binary", func(f *modelFile) { f.Classes = f.Classes[:1] },
			"classes", "1 classes for a binary output (loss binary_cross_entropy needs 2)"},
		{"targets disagree with outputs", "regression", func(f *modelFile) { f.Targets = append(f.Targets, "y3") },
			"targets", "3 targets for 2 outputs (loss squared_error needs an output unit per target)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := decodedFile(t, testSaved(t, tc.kind))
			tc.edit(f)
			_, err := DecodeModel(encodeFile(t, f), "m.json")
			e := checkInputErr(t, err, "m.json", tc.want)
			if e.Key != tc.key {
				t.Errorf("error %q names key %q, want %q", err, e.Key, tc.key)
			}
			if !strings.Contains(e.Hint, "edited") {
				t.Errorf("error %q: hint %q does not say the file was edited", err, e.Hint)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q is more than one line", err)
			}
		})
	}
}

// TestDecodeModelLongName checks that a name of any length in a refused
// file gives a message of bounded length.
func TestDecodeModelLongName(t *testing.T) {
	t.Parallel()
	f := decodedFile(t, testSaved(t, "softmax"))
	long := strings.Repeat("x", 10_000)
	f.Features = []string{long, long}
	_, err := DecodeModel(encodeFile(t, f), "m.json")
	checkInputErr(t, err, "m.json", "…")
	if n := len([]rune(err.Error())); n > 2*maxMessage {
		t.Errorf("error of %d runes, want at most about %d", n, maxMessage)
	}
}

// TestLoadModelTooLarge is not parallel: it measures the memory LoadModel
// allocates. A sparse file over the limit must be refused by its size,
// before it is read, with the limit in GiB and a hint.
func TestLoadModelTooLarge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.json")
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := fh.Truncate(maxModelBytes + 1); err != nil {
		fh.Close()
		t.Skipf("cannot make a sparse file: %v", err)
	}
	if err := fh.Close(); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = LoadModel(path)
	runtime.ReadMemStats(&after)
	e := checkInputErr(t, err, path, "model file larger than 1 GiB")
	if !strings.Contains(e.Hint, "mlptrain fit") {
		t.Errorf("error %q: hint %q does not say what file to give", err, e.Hint)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 10<<20 {
		t.Errorf("LoadModel of a %d-byte file allocated %d MB before refusing it", maxModelBytes+1, got>>20)
	}
}

// TestModelBytesPerParam checks the figure the too-large hint quotes: a
// model of many parameters takes about modelBytesPerParam bytes each.
func TestModelBytesPerParam(t *testing.T) {
	t.Parallel()
	s := testSaved(t, "regression")
	m, err := layers.New(layers.Spec{Inputs: 3, Units: []int{1000, 2}, Acts: []string{"tanh", "identity"}, Loss: "squared_error"})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Init("he", rand.New(rand.NewPCG(5, 1))); err != nil {
		t.Fatal(err)
	}
	s.Model = m
	b := encodeFile(t, s.file())
	params := 0
	for _, l := range m.Layers {
		r, c := l.W.Dims()
		params += r*c + c
	}
	perParam := float64(len(b)) / float64(params)
	t.Logf("%d bytes for %d parameters: %.1f bytes each", len(b), params, perParam)
	if perParam < 0.8*modelBytesPerParam || perParam > 1.25*modelBytesPerParam {
		t.Errorf("model.json takes %.1f bytes a parameter; modelBytesPerParam is %d", perParam, modelBytesPerParam)
	}
}
