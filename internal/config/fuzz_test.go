package config

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/inputerr"
)

// FuzzLoadConfig checks that Parse never panics, that every error it
// returns is an *inputerr.Error, and that a config it accepts survives the
// round trip through YAML unchanged.
func FuzzLoadConfig(f *testing.F) {
	ref, err := os.ReadFile(referencePath)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(ref, "", "")
	f.Add([]byte(base), "train.epochs", "5")
	f.Add([]byte(base), "data.features", "a,,b")
	f.Add([]byte(base), "model.layers", "[]")
	f.Add([]byte(base+"train:\n  learning_rat: 0.1\n"), "", "")
	f.Add([]byte(base+"train:\n  epochs: 10.7\n  seed: -1\n"), "train.seed", "-1")
	f.Add([]byte(base+"train: {epochs: 1, epochs: 2}\n"), "", "")
	f.Add([]byte("data: {train: a.csv, target: [y1, y2], validation: 1.5}\nmodel: {layers: [{activation: identity}], loss: squared_error}\n"), "data.validation", "0.1")
	f.Add([]byte("data: {train: a.csv, target: y}\nmodel:\n  layers:\n    - &h {units: 8, activation: relu}\n    - <<: *h\n      units: 4\n    - {activation: softmax}\n"), "", "")
	f.Add([]byte(base+"train: &t\n  <<: *t\n"), "", "")
	f.Add([]byte("a: &a [*a, *a]\nb: &b [*a, *a]\n"), "", "")
	f.Add([]byte(base+"---\ntrain: {}\n"), "", "")
	f.Add([]byte("train:\n\tepochs: 3\n"), "", "")
	f.Add([]byte("\xff\xfe"), "", "")
	f.Add([]byte(""), "train", "x")
	f.Fuzz(func(t *testing.T, data []byte, key, value string) {
		var overrides []Override
		if key != "" {
			overrides = []Override{{Key: key, Value: value, Source: "--set " + key + "=" + value}}
		}
		c, err := Parse(data, "fuzz.yaml", overrides, noEnv)
		if err != nil {
			var e *inputerr.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T) is not an *inputerr.Error", err, err)
			}
			if e.Err == nil || e.Err.Error() == "" {
				t.Fatalf("error %#v has no message", e)
			}
			if e.File != "" && e.File != "fuzz.yaml" {
				t.Fatalf("error %v names file %q", err, e.File)
			}
			// The command line prints it as one line of stderr.
			if s := err.Error(); strings.ContainsAny(s, "\r\n") || len(s) > 2000 {
				t.Fatalf("message %q is not one short line", s)
			}
			return
		}
		y, err := c.YAML()
		if err != nil {
			t.Fatalf("YAML: %v", err)
		}
		c2, err := Parse(y, "fuzz.yaml", nil, noEnv)
		if err != nil {
			t.Fatalf("the resolved config does not load: %v\n%s", err, y)
		}
		if !equal(c, c2) {
			t.Fatalf("round trip changed the config:\n%+v\n%+v\n%s", plain(c), plain(c2), y)
		}
	})
}
