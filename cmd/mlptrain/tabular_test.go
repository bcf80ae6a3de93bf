package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDataWarnings checks that eval and predict warn, once, of rows left
// out (their target missing) and of categories the model does not know,
// that --quiet silences the warnings, and that predict keeps every row.
func TestDataWarnings(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	train := filepath.Join(dir, "train.csv")
	var b strings.Builder
	b.WriteString("id,plan,x1,y\n")
	for i := range 40 {
		plan := []string{"basic", "pro"}[i%2]
		b.WriteString("c" + string(rune('a'+i%26)) + "," + plan + "," + []string{"0", "1", "NA"}[i%3] + "," + []string{"0", "1"}[(i/2)%2] + "\n")
	}
	if err := os.WriteFile(train, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	run := filepath.Join(dir, "run")
	fit := mustRun(t, "fit", "configs/xor.yaml", "--epochs", "2", "--set", "data.train="+train, "--set", "data.ignore=[id]",
		"--set", "data.features=[]", "--out", run)
	if !strings.Contains(fit.stderr, "categorical, 2 levels") {
		t.Errorf("fit does not show the columns:\n%s", fit.stderr)
	}
	data := filepath.Join(dir, "new.csv")
	if err := os.WriteFile(data, []byte("id,plan,x1,y\nq,gold,1,1\nr,basic,NA,\ns,pro,0,0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(run, "model.json")
	e := mustRun(t, "eval", model, data)
	for _, want := range []string{"new.csv: 1 row with a missing target left out (the first on line 3)", "categories the model does not know", "plan 1"} {
		if !strings.Contains(e.stderr, want) {
			t.Errorf("eval stderr %q lacks %q", e.stderr, want)
		}
	}
	if strings.Count(e.stderr, "\n") != 2 {
		t.Errorf("eval warns in %d lines, want 2:\n%s", strings.Count(e.stderr, "\n"), e.stderr)
	}
	if q := mustRun(t, "eval", model, data, "--quiet"); q.stderr != "" || q.stdout != e.stdout {
		t.Errorf("eval --quiet: stderr %q", q.stderr)
	}
	p := mustRun(t, "predict", model, data, "--keep", "id")
	if lines := strings.Split(strings.TrimSpace(p.stdout), "\n"); len(lines) != 4 || !strings.HasPrefix(lines[2], "r,") {
		t.Errorf("predict gave %d lines, want a header and 3 rows in order:\n%s", len(lines), p.stdout)
	}
	if !strings.Contains(p.stderr, "plan 1") || strings.Contains(p.stderr, "left out") {
		t.Errorf("predict stderr %q: want the unknown category, and no row left out", p.stderr)
	}
}
