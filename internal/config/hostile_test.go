package config

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"unicode/utf8"

	"github.com/mlptrain/mlptrain/internal/inputerr"
)

// maxRefusalBytes bounds what refusing a hostile config may allocate.
// (Its time is BenchmarkHostileConfig's: a unit test must not bound
// time, which a loaded machine stretches.)
const maxRefusalBytes = 64 << 20

// laughs returns a "billion laughs" document: ten levels of anchors, each
// a list of ten aliases of the level before, so that expanding the last
// one gives 10^levels scalars. at is the key whose value the last level
// is.
func laughs(at string, levels int) string {
	var b strings.Builder
	b.WriteString(base)
	b.WriteString("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i < levels; i++ {
		fmt.Fprintf(&b, "l%d: &l%d [%s*l%d]\n", i, i, strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 9), i-1)
	}
	fmt.Fprintf(&b, "%s *l%d\n", at, levels-1)
	return b.String()
}

// hostileConfig is a config built to make the loader expand aliases
// without end, or to ask for an absurd model, and a substring of the
// error that must refuse it.
type hostileConfig struct {
	name, yaml string
	want       string
}

func hostileConfigs() []hostileConfig {
	return []hostileConfig{
		// The unknown keys l0… are refused before the bomb goes off.
		{"billion laughs under unknown keys", laughs("x:", 10), "unknown key"},
		{"billion laughs inside features", nestedLaughs(10), "expected a column name, got a list"},
		{"self-referencing merge", base + "train: &t\n  <<: *t\n", "merges nested too deeply"},
		{"merges of merges", mergeBomb(12), "too many nodes or aliases"},
		{"a billion units", "data: {train: a.csv, target: y}\nmodel:\n  layers: [{units: 1000000000, activation: tanh}, {activation: softmax}]\n", "must be at most 1000000"},
		{"product of widths over the limit", "data: {train: a.csv, target: y}\nmodel:\n  layers: [{units: 1000000, activation: tanh}, {units: 1000000, activation: tanh}, {activation: softmax}]\n", "more than the limit"},
		{"a billion epochs", base + "train: {epochs: 1000000000000}\n", "must be from 0 to"},
		{"a million threads", base + "train: {threads: 1000000}\n", "must be from 0 to 256"},
		{"huge polynomial", "data: {train: a.csv, target: y, feature_map: {polynomial: 1000000}}\nmodel:\n  layers: [{activation: softmax}]\n", "must be from 1 to 10"},
		{"deep nesting", "data: {train: a.csv, target: y, features: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "}\n", "expected a column name, got a list"},
	}
}

// TestHostileConfig checks that hostile configs are refused with an input
// error in one line, without allocating more than a few tens of MB. Not
// parallel: it measures the heap.
func TestHostileConfig(t *testing.T) {
	for _, tc := range hostileConfigs() {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := Parse([]byte(tc.yaml), "c.yaml", nil, noEnv)
			runtime.ReadMemStats(&after)
			if err == nil || !inputerr.Is(err) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Parse: error %v, want an input error containing %q", err, tc.want)
			}
			t.Logf("%v", err)
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q spans several lines", err)
			}
			if got := after.TotalAlloc - before.TotalAlloc; got > maxRefusalBytes {
				t.Errorf("refusing allocated %d MB", got>>20)
			}
		})
	}
}

// mergeBomb returns merges of merges, n levels deep, each merging nine
// copies of the level before into a layer.
func mergeBomb(n int) string {
	var b strings.Builder
	b.WriteString("data: {train: a.csv, target: y}\nmodel:\n  layers:\n    - &l0 {units: 1, activation: relu}\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "    - &l%d {<<: [%s*l%d]}\n", i, strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 8), i-1)
	}
	b.WriteString("    - {activation: softmax}\n")
	return b.String()
}

// nestedLaughs returns the billion laughs inside a key that the schema
// knows, data.features, so that the walk meets the aliases.
func nestedLaughs(levels int) string {
	var b strings.Builder
	b.WriteString("data:\n  train: a.csv\n  target: y\n  features:\n    - &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i < levels; i++ {
		fmt.Fprintf(&b, "    - &l%d [%s*l%d]\n", i, strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 9), i-1)
	}
	b.WriteString("model:\n  layers: [{units: 4, activation: tanh}, {activation: softmax}]\n")
	return b.String()
}

// TestUnknownKeyOneLine checks that an unknown key is shown on one line
// and briefly, whatever it holds: before the fix, a quoted key with a
// newline split the message in two, and a long one was printed whole.
func TestUnknownKeyOneLine(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("k", 1000) // YAML allows implicit keys up to 1024 characters
	for _, tc := range []struct {
		name, yaml string
		want       want
	}{
		{"newline", base + "\"tra\\nin\": 1\n", want{"c.yaml", 4, 1, `"tra\nin"`, "unknown key", "did you mean"}},
		{"nested newline", base + "train: {\"epo\\nchs\": 1}\n", want{"c.yaml", 4, 9, `train."epo\nchs"`, "unknown key", "did you mean"}},
		{"long", base + "train: {" + long + ": 1}\n", want{"c.yaml", 4, 9, `train."` + long[:40] + `..."`, "unknown key", "valid keys here"}},
		{"empty", base + "train: {\"\": 1}\n", want{"c.yaml", 4, 9, `train.""`, "unknown key", ""}},
		{"plain", base + "train: {epoch: 1}\n", want{"c.yaml", 4, 9, "train.epoch", "unknown key", `did you mean "epochs"?`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml), "c.yaml", nil, noEnv)
			checkErr(t, err, tc.want)
			if err != nil && (strings.Contains(err.Error(), "\n") || len(err.Error()) > 300) {
				t.Errorf("message %q is not one short line", err)
			}
		})
	}
}

// TestLoadFileHints checks that the hint fits the reason a config file
// cannot be read: before the fix, a folder or a file without read
// permission got the hint about relative paths.
func TestLoadFileHints(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct {
		name, path string
		err        error // the open error, for cases a test cannot cause (root reads anything)
		msg, hint  string
	}{
		{name: "missing", path: filepath.Join(dir, "nope.yaml"), msg: "cannot read config: no such file or directory", hint: "relative to the current directory"},
		{name: "folder", path: dir, msg: "cannot read config: is a directory", hint: "YAML config file"},
		{name: "permission", path: "c.yaml", err: &fs.PathError{Op: "open", Path: "c.yaml", Err: syscall.EACCES}, msg: "cannot read config: permission denied", hint: "permissions"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.err != nil {
				err = fileError(tc.path, tc.err)
			} else {
				_, err = Load(tc.path, nil)
			}
			var e *inputerr.Error
			if !errors.As(err, &e) || e.File != tc.path || e.Err.Error() != tc.msg || !strings.Contains(e.Hint, tc.hint) {
				t.Errorf("error %v, want %s: %s (hint: …%s…)", err, tc.path, tc.msg, tc.hint)
			}
		})
	}
}

// TestLongAnchorOneLine checks that an unknown anchor of thousands of
// characters gives a short message: before the fix the fuzzer found one
// whose name was repeated in full in the message and twice in the hint.
func TestLongAnchorOneLine(t *testing.T) {
	t.Parallel()
	name := strings.Repeat("a", 5000)
	_, err := Parse([]byte(base+"train:\n  epochs: *"+name+"\n"), "c.yaml", nil, noEnv)
	checkErr(t, err, want{"c.yaml", 5, 11, "", "invalid YAML: unknown anchor '" + name[:40] + "...' referenced", "&" + name[:40] + "... before using *"})
	if err != nil && len(err.Error()) > 400 {
		t.Errorf("message of %d bytes", len(err.Error()))
	}
}

// TestLongTagOneLine checks that a custom tag of thousands of characters
// gives a short message: the fuzzer found one repeated in full.
func TestLongTagOneLine(t *testing.T) {
	t.Parallel()
	tag := "!" + strings.Repeat("O", 5000)
	_, err := Parse([]byte(base+"train:\n  epochs: "+tag+" 5\n"), "c.yaml", nil, noEnv)
	if err == nil || !inputerr.Is(err) || !strings.Contains(err.Error(), tag[:40]+"...") || len(err.Error()) > 400 {
		t.Errorf("error %q, want a short one with the tag cut at 40 characters", err)
	}
}

// TestTagNewlineOneLine checks that a tag holding a newline, written %0A,
// keeps the message on one line: the fuzzer found it.
func TestTagNewlineOneLine(t *testing.T) {
	t.Parallel()
	for _, doc := range []string{"!%0A 0\n", base + "train:\n  epochs: !a%0Ab 5\n", "!%FF 0\n"} {
		_, err := Parse([]byte(doc), "c.yaml", nil, noEnv)
		if err == nil || !inputerr.Is(err) || strings.ContainsAny(err.Error(), "\r\n") || !utf8.ValidString(err.Error()) {
			t.Errorf("Parse(%q): error %q, want an input error on one line", doc, err)
		}
	}
}

// TestLongValuesShort checks that a value of thousands of characters is
// cut short in the message.
func TestLongValuesShort(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("v", 3000)
	for _, doc := range []string{
		base + "train: {optimizer: " + long + "}\n",
		"data: {train: a.csv, target: y, validation: \"0." + strings.Repeat("5", 3000) + "%\"}\nmodel: {layers: [{activation: softmax}]}\n",
		"data: {train: a.csv, target: y, features: [" + long + ", " + long + "]}\nmodel: {layers: [{activation: softmax}]}\n",
	} {
		_, err := Parse([]byte(doc), "c.yaml", nil, noEnv)
		if err == nil || !inputerr.Is(err) || len(err.Error()) > 600 {
			t.Errorf("error of %d bytes: %.200q…", len(fmt.Sprint(err)), err)
		}
	}
}

// BenchmarkHostileConfig times refusing each hostile config.
func BenchmarkHostileConfig(b *testing.B) {
	for _, tc := range hostileConfigs() {
		b.Run(strings.ReplaceAll(tc.name, " ", "-"), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse([]byte(tc.yaml), "c.yaml", nil, noEnv); err == nil {
					b.Fatal("a hostile config was accepted")
				}
			}
		})
	}
}
