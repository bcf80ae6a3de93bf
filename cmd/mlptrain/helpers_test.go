package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "update golden files")

// testdataDir is this package's testdata folder as an absolute path, so
// that goldens resolve after a test's t.Chdir to the repository root.
var testdataDir = func() string {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	return filepath.Join(wd, "testdata")
}()

// result is what one in-process run of the command line produced.
type result struct {
	code           int
	stdout, stderr string
}

// chdirRoot makes the repository root the working directory for the rest
// of t, so that the shipped configs/ and datasets/ resolve. Tests calling
// it cannot be parallel.
func chdirRoot(t *testing.T) {
	t.Helper()
	t.Chdir("../..")
}

// runCLI runs the command line args in process with a background context.
func runCLI(t *testing.T, args ...string) result {
	t.Helper()
	return runCLIContext(t, context.Background(), args...)
}

// runCLIContext runs the command line args in process with ctx.
func runCLIContext(t *testing.T, ctx context.Context, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(ctx, args, &stdout, &stderr)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// mustRun runs args and fails t unless the exit status is 0.
func mustRun(t *testing.T, args ...string) result {
	t.Helper()
	r := runCLI(t, args...)
	if r.code != exitOK {
		t.Fatalf("mlptrain %s: exit status %d, want 0\nstderr:\n%s", strings.Join(args, " "), r.code, r.stderr)
	}
	return r
}

// checkGolden compares got with testdata/name, or writes it there with
// -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join(testdataDir, name)
	if *update {
		if err := os.MkdirAll(testdataDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run go test -update if the change is intended)\n%s", path, lineDiff(string(want), string(got)))
	}
}

// lineDiff describes the first differing line of want and got.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(w), len(g)) {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl || i >= len(w) || i >= len(g) {
			return "first difference at line " + strconv.Itoa(i+1) + ":\n  want: " + quoteLine(wl, i < len(w)) + "\n  got:  " + quoteLine(gl, i < len(g))
		}
	}
	return "(no line differs)"
}

func quoteLine(s string, present bool) string {
	if !present {
		return "(end of output)"
	}
	return "`" + s + "`"
}

// headLines returns the first n lines of s, each with its newline.
func headLines(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "")
}
