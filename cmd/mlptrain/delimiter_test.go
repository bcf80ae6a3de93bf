package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTabDelimiter trains XOR from a tab-separated file, naming the tab
// every way data.delimiter takes it, or by the .tsv name alone, and
// predicts from it. Before, --set data.delimiter=\t was refused with a
// hint that suggested "\t".
func TestTabDelimiter(t *testing.T) {
	chdirRoot(t)
	tmp := t.TempDir()
	xor, err := os.ReadFile("datasets/xor.csv")
	if err != nil {
		t.Fatal(err)
	}
	tsv := strings.ReplaceAll(string(xor), ",", "\t")
	txt := filepath.Join(tmp, "xor.txt")
	named := filepath.Join(tmp, "xor.tsv")
	for _, p := range []string{txt, named} {
		if err := os.WriteFile(p, []byte(tsv), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i, tc := range []struct {
		env  string // NAME=value, or ""
		args []string
	}{
		{args: []string{"--set", `data.delimiter=\t`, "--set", "data.train=" + txt}},
		{args: []string{"--set", "data.delimiter=\t", "--set", "data.train=" + txt}},
		{args: []string{"--set", "data.delimiter=tab", "--set", "data.train=" + txt}},
		{env: `MLPTRAIN_DATA_DELIMITER=\t`, args: []string{"--set", "data.train=" + txt}},
		{args: []string{"--set", "data.train=" + named}},
	} {
		if tc.env != "" {
			k, v, _ := strings.Cut(tc.env, "=")
			t.Setenv(k, v)
		}
		dir := filepath.Join(tmp, "run", string(rune('a'+i)))
		args := append([]string{"fit", "configs/xor.yaml", "--quiet", "--epochs", "2", "--out", dir}, tc.args...)
		mustRun(t, args...)
		if tc.env != "" {
			os.Unsetenv(strings.SplitN(tc.env, "=", 2)[0])
		}
		if cfg := readFile(t, filepath.Join(dir, "config.yaml")); !strings.Contains(cfg, `delimiter: "\t"`) {
			t.Errorf("mlptrain %s: config.yaml has no delimiter: \"\\t\":\n%s", strings.Join(args, " "), cfg)
		}
	}
	model := filepath.Join(tmp, "run", "a", "model.json")
	// The model reads with the tab it was trained with; a file of commas
	// needs --delimiter, and the error says so.
	if r := runCLI(t, "predict", model, "datasets/xor.csv"); r.code != exitInput || !strings.Contains(r.stderr, `looks like ','-separated (3 columns), not '\t' (hint: use --delimiter ",")`) {
		t.Errorf("predict with the model's tab on commas: exit %d, stderr %q", r.code, r.stderr)
	}
	want := mustRun(t, "predict", model, "datasets/xor.csv", "--delimiter", ",").stdout
	for _, args := range [][]string{
		{"predict", model, named},
		{"predict", model, txt},
		{"predict", model, txt, "--delimiter", `\t`},
		{"predict", model, txt, "--delimiter", "\t"},
		{"predict", model, txt, "--delimiter", "tab"},
	} {
		if got := mustRun(t, args...).stdout; got != want {
			t.Errorf("mlptrain %s:\n%s\nwant as from the CSV:\n%s", strings.Join(args, " "), got, want)
		}
	}
	// An explicit "," wins over the .tsv name, and the error says why
	// the file does not read.
	r := runCLI(t, "fit", "configs/xor.yaml", "--quiet", "--set", "data.train="+named, "--set", "data.delimiter=,", "--out", filepath.Join(tmp, "run", "comma"))
	if wantErr := "mlptrain: " + named + `:1: looks like '\t'-separated (3 columns), not ',' (hint: set data.delimiter: "\t")` + "\n"; r.code != exitInput || r.stderr != wantErr {
		t.Errorf("exit %d, stderr %q; want %d, %q", r.code, r.stderr, exitInput, wantErr)
	}
}
