package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestPredictKeep copies columns of the input into predict's output:
// in the order given, before the predictions, each cell as it is, quoted
// again where it holds a comma or a quote, row by row with the
// predictions, to stdout and with -o.
func TestPredictKeep(t *testing.T) {
	chdirRoot(t)
	tmp := t.TempDir()
	run := filepath.Join(tmp, "run")
	mustRun(t, "fit", "configs/xor.yaml", "--quiet", "--epochs", "2", "--out", run)
	model := filepath.Join(run, "model.json")
	in := filepath.Join(tmp, "in.csv")
	const data = "id,x1,note,x2\n" +
		"\"a,1\",0,\"say \"\"hi\"\"\",0\n" +
		"\n" +
		"b,0,,1\n" +
		"c,1,\"two\nlines\",0\n" +
		"d,1,plain,1\n"
	if err := os.WriteFile(in, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	plain := parseCSV(t, mustRun(t, "predict", model, in).stdout)
	got := mustRun(t, "predict", model, in, "--keep", "note", "--keep", "id", "--keep", "x2").stdout
	rows := parseCSV(t, got)
	if want := append([]string{"note", "id", "x2"}, plain[0]...); !slices.Equal(rows[0], want) {
		t.Errorf("header %q, want %q", rows[0], want)
	}
	kept := [][]string{{`say "hi"`, "a,1", "0"}, {"", "b", "1"}, {"two\nlines", "c", "0"}, {"plain", "d", "1"}}
	if len(rows) != len(kept)+1 {
		t.Fatalf("%d rows, want %d:\n%s", len(rows), len(kept)+1, got)
	}
	for i, k := range kept {
		if want := append(slices.Clone(k), plain[i+1]...); !slices.Equal(rows[i+1], want) {
			t.Errorf("row %d: %q, want %q", i+1, rows[i+1], want)
		}
	}
	if !strings.Contains(got, "\"say \"\"hi\"\"\",\"a,1\",0,") {
		t.Errorf("output does not quote the kept cells:\n%s", got)
	}
	out := filepath.Join(tmp, "p.csv")
	mustRun(t, "predict", model, in, "--keep", "note", "--keep", "id", "--keep", "x2", "-o", out)
	if f := readFile(t, out); f != got {
		t.Errorf("-o wrote:\n%s\nwant as to stdout:\n%s", f, got)
	}
}

// parseCSV parses CSV text.
func parseCSV(t *testing.T, s string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatalf("%v in:\n%s", err, s)
	}
	return rows
}
