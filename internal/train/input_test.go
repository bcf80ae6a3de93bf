package train

import (
	"fmt"
	"github.com/mlptrain/mlptrain/internal/data"
	"math"
	"runtime"
	"strings"
	"testing"
)

// maxRefusalBytes bounds what refusing a hostile model file or config may
// allocate, beyond reading it.
const maxRefusalBytes = 4 << 20

// allocated returns the bytes f allocates. Tests calling it are not
// parallel.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestLoadModelDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, err := LoadModel(dir)
	e := checkInputErr(t, err, dir, "is a directory, not a model file")
	if strings.Contains(err.Error(), "read "+dir) {
		t.Errorf("error %q repeats the path", err)
	}
	if !strings.Contains(e.Hint, "model.json") {
		t.Errorf("hint %q does not point at model.json", e.Hint)
	}
}

// TestPrepareRefusesHugeModel checks that a config whose model is within
// the config's estimate (which cannot know the input width) but over the
// parameter limit once the data's 600 columns are known is refused
// without allocating the model (860 MB of weights here).
func TestPrepareRefusesHugeModel(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for j := range 600 {
		fmt.Fprintf(&b, "x%d,", j)
	}
	b.WriteString("y\n")
	for i := range 3 {
		for range 600 {
			fmt.Fprintf(&b, "%d,", i)
		}
		fmt.Fprintf(&b, "%d\n", i)
	}
	path := writeTestFile(t, dir, "wide.csv", b.String())
	cfg := parseTestConfig(t, dir, fmt.Sprintf(`data: {train: %s, target: y, validation: 0, normalize: none}
model:
  layers: [{units: 100000, activation: tanh}, {units: 480, activation: tanh}, {activation: identity}]
  loss: squared_error
`, q(path)))
	var err error
	got := allocated(func() { _, err = Prepare(cfg) })
	e := checkInputErr(t, err, cfg.File, "the model would have more than")
	if e.Key != "model" {
		t.Errorf("error %q: key %q, want model", err, e.Key)
	}
	if got > maxRefusalBytes+uint64(b.Len())*8 {
		t.Errorf("Prepare allocated %d MB before refusing", got>>20)
	}
}

// TestDecodeModelAbsurdClaims checks that small model files, with valid
// checksums, that claim absurd shapes are refused without allocating what
// they claim.
func TestDecodeModelAbsurdClaims(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(f *modelFile)
		want string
	}{
		{"a trillion inputs", func(f *modelFile) { f.Inputs = 1 << 40 }, "layer 1: W has 3 rows"},
		{"a trillion units", func(f *modelFile) { f.Layers[0].Units = 1 << 40 }, "layer 1: W has 3 rows and b 2 entries, want 3 and 1099511627776"},
		{"overflowing units", func(f *modelFile) { f.Inputs, f.Layers[0].Units = math.MaxInt, math.MaxInt }, "layer 1"},
		{"negative units", func(f *modelFile) { f.Layers[0].Units = -2 }, "layer 1"},
		{"no layers", func(f *modelFile) { f.Layers = nil }, "at least one layer"},
		{"polynomial of a thousand features", func(f *modelFile) {
			f.Features = make([]string, 1000)
			for i := range f.Features {
				f.Features[i] = fmt.Sprint("f", i)
			}
			f.Columns = data.NumericEncoding(f.Features).Columns
			f.FeatureMap.Polynomial = 10
		}, "more than the limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := decodedFile(t, testSaved(t, "regression"))
			tc.edit(f)
			b := encodeFile(t, f)
			var err error
			got := allocated(func() { _, err = DecodeModel(b, "m.json") })
			checkInputErr(t, err, "m.json", tc.want)
			if limit := uint64(maxRefusalBytes + 20*len(b)); got > limit {
				t.Errorf("DecodeModel of a %d-byte file allocated %d MB", len(b), got>>20)
			}
		})
	}
}

// TestDecodeModelMessageShort checks that whatever a model file holds, the
// message stays one short line: before the fix, an unknown key of
// thousands of characters was repeated in full.
func TestDecodeModelMessageShort(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("k", 5000)
	for _, tc := range []struct{ name, file, want string }{
		{"long unknown key", `{"format": "mlptrain-model", "` + long + `": 1}`, "not a valid model file: json: unknown field"},
		{"long format", `{"format": "` + long + `"}`, "not an mlptrain model file"},
		{"newline in key", `{"format": "mlptrain-model", "a\nb": 1}`, "not a valid model file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeModel([]byte(tc.file), "m.json")
			checkInputErr(t, err, "m.json", tc.want)
			if err != nil && (strings.ContainsAny(err.Error(), "\r\n") || len(err.Error()) > 400) {
				t.Errorf("message of %d bytes, or not one line: %.300q", len(err.Error()), err)
			}
		})
	}
}
