package config

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/inputerr"
)

// base is a minimal valid config of three lines; tests append to it, so
// their own lines start at 4.
const base = "data: {train: a.csv, target: y}\n" +
	"model:\n" +
	"  layers: [{units: 4, activation: tanh}, {activation: softmax}]\n"

// noEnv is an empty environment.
func noEnv(string) (string, bool) { return "", false }

// envOf returns an environment holding m.
func envOf(m map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := m[name]
		return v, ok
	}
}

// want describes an expected *inputerr.Error. msg must equal the message;
// hint must be contained in the hint.
type want struct {
	file      string
	line, col int
	key, msg  string
	hint      string
}

// checkErr fails unless err is an *inputerr.Error as w describes.
func checkErr(t *testing.T, err error, w want) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %+v", w)
	}
	var e *inputerr.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *inputerr.Error", err, err)
	}
	if e.File != w.file || e.Line != w.line || e.Column != w.col || e.Key != w.key {
		t.Errorf("error %q at %q:%d:%d key %q, want %q:%d:%d key %q", err, e.File, e.Line, e.Column, e.Key, w.file, w.line, w.col, w.key)
	}
	if got := e.Err.Error(); got != w.msg {
		t.Errorf("error %q: message %q, want %q", err, got, w.msg)
	}
	if !strings.Contains(e.Hint, w.hint) {
		t.Errorf("error %q: hint %q, want it to contain %q", err, e.Hint, w.hint)
	}
	if e.Hint == "" {
		t.Errorf("error %q has no hint", err)
	}
	if msg := e.Err.Error(); msg != strings.ToLower(msg[:1])+msg[1:] || strings.HasSuffix(msg, ".") {
		t.Errorf("error message %q should start in lower case and have no final period", msg)
	}
}

// plain returns c without the bookkeeping that says where values came
// from, for comparisons.
func plain(c *Config) Config {
	p := *c
	p.origin, p.sections = nil, nil
	return p
}

// equal reports whether two configs hold the same values.
func equal(a, b *Config) bool {
	pa, pb := plain(a), plain(b)
	// A nil list and an empty one mean the same.
	for _, p := range []*Config{&pa, &pb} {
		if len(p.Data.Features) == 0 {
			p.Data.Features = nil
		}
		if len(p.Data.Target) == 0 {
			p.Data.Target = nil
		}
		for _, l := range []*[]string{&p.Data.Ignore, &p.Data.Categorical, &p.Data.Missing} {
			if len(*l) == 0 {
				*l = nil
			}
		}
	}
	return reflect.DeepEqual(pa, pb)
}
