package layers

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/inputerr"
)

// maxRefusalBytes bounds what refusing a hostile spec may allocate.
const maxRefusalBytes = 1 << 20

// TestNewRefusesBeforeAllocating checks that a spec New refuses costs no
// memory, even when its first layers alone are within the limit: before
// the fix, New allocated layer 1 (800 MB here) and only then refused
// layer 2 or the loss. Not parallel: it measures the heap.
func TestNewRefusesBeforeAllocating(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec Spec
		want string
	}{
		{"second layer over the limit", Spec{Inputs: 99, Units: []int{1_000_000, 2000}, Acts: []string{"tanh", "identity"}, Loss: "squared_error"},
			"layer 2: the model would have more than"},
		{"bad loss after a huge layer", Spec{Inputs: 49, Units: []int{1_000_000, 1}, Acts: []string{"tanh", "identity"}, Loss: "hinge"},
			`unknown loss "hinge"`},
		{"bad output after a huge layer", Spec{Inputs: 49, Units: []int{1_000_000, 1}, Acts: []string{"tanh", "identity"}, Loss: "cross_entropy"},
			"needs a softmax output"},
		{"billions of units", Spec{Inputs: 4, Units: []int{1_000_000_000, 3}, Acts: []string{"tanh", "softmax"}, Loss: "cross_entropy"},
			"layer 1: the model would have more than"},
		{"product of widths", Spec{Inputs: 4, Units: []int{100_000, 100_000, 3}, Acts: []string{"tanh", "tanh", "softmax"}, Loss: "cross_entropy"},
			"layer 2: the model would have more than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			m, err := New(tc.spec)
			runtime.ReadMemStats(&after)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New: error %v, want one containing %q", err, tc.want)
			}
			if m != nil {
				t.Errorf("New returned a model with its error")
			}
			if got := after.TotalAlloc - before.TotalAlloc; got > maxRefusalBytes {
				t.Errorf("refusing the spec allocated %d MB", got>>20)
			}
		})
	}
}

// TestLoadWeightsTooLarge checks that a weights file over the limit is
// refused before it is read: yaml.v3 needs about 200 bytes of nodes per
// number, so the old limit of 256 MiB let one file take tens of GB. Not
// parallel: it measures the heap.
func TestLoadWeightsTooLarge(t *testing.T) {
	row := "[" + strings.Repeat("0.5, ", 999) + "0.5]"
	var b strings.Builder
	b.WriteString("layers:\n  - b: [0]\n    W: [")
	for b.Len() <= maxWeightsBytes {
		b.WriteString(row + ", ")
	}
	b.WriteString(row + "]\n")
	path := filepath.Join(t.TempDir(), "w.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := LoadWeights(path)
	runtime.ReadMemStats(&after)
	if err == nil || !inputerr.Is(err) || !strings.Contains(err.Error(), "weights file larger than 4 MiB") {
		t.Fatalf("LoadWeights of %d bytes: error %v, want one about the size", b.Len(), err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > maxRefusalBytes {
		t.Errorf("refusing a %d MB weights file allocated %d MB", b.Len()>>20, got>>20)
	}
}

// TestLoadWeightsUnreadable checks the messages for a weights path that
// cannot be read as a file: before the fix a directory was reported as
// "cannot read weights file (at most 268435456 bytes)".
func TestLoadWeightsUnreadable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct{ name, path, want string }{
		{"directory", dir, dir + ": model.weights: is a directory, not a weights file"},
		{"missing", filepath.Join(dir, "nope.yaml"), "nope.yaml: model.weights: cannot open weights file: no such file or directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadWeights(tc.path)
			if err == nil || !inputerr.Is(err) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("LoadWeights(%s): error %v, want one containing %q", tc.path, err, tc.want)
			}
		})
	}
}

// FuzzParseWeights checks that no weights file makes ParseWeights or
// SetWeights panic, and that every error is an *inputerr.Error naming the
// file in one short line, as the command line prints it (yaml.v3 lists
// type errors on several lines; decodeError joins them).
func FuzzParseWeights(f *testing.F) {
	for _, s := range []string{
		"layers:\n  - W: [[1, 1], [1, 1]]\n    b: [-0.5, -1.5]\n  - W: [[1], [-1]]\n    b: [-0.5]\n",
		`{"layers": [{"W": [[1, 1], [1, 1]], "b": [0, 0]}, {"W": [[1], [1]], "b": [0]}]}`,
		"layers:\n  - W: [[1, a], [1, 1]]\n    b: x\n",
		"{\n \"format\": \"mlptrain-model\",\n \"layers\": [{\"units\": 1, \"W\": [[1]], \"b\": [0]}]\n}\n",
		"layers: [",
		"layers:\n  - W: [[.nan, 1], [1, 1]]\n    b: [0, 0]\n",
		"a: &a [*a]\n",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		check := func(err error) {
			if err == nil {
				return
			}
			var e *inputerr.Error
			if !errors.As(err, &e) || e.File != "w.yaml" {
				t.Fatalf("error %v (%T) is not an *inputerr.Error naming w.yaml", err, err)
			}
			if s := err.Error(); strings.ContainsAny(s, "\r\n") || len(s) > 2000 {
				t.Fatalf("message %q is not one short line", s)
			}
		}
		w, err := ParseWeights(b, "w.yaml")
		check(err)
		if err != nil {
			return
		}
		m, err := New(Spec{Inputs: 2, Units: []int{2, 1}, Acts: []string{"tanh", "identity"}, Loss: "squared_error"})
		if err != nil {
			t.Fatal(err)
		}
		check(m.SetWeights(w))
	})
}
