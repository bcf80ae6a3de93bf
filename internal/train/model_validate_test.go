package train

import (
	"strings"
	"testing"
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
