package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// irisParquet writes datasets/iris_train.csv (or another iris file) as
// Parquet, the measurements as doubles and the species as strings, and
// as CSV in the same column order (Parquet's: the names sorted). It
// returns the two paths.
func irisParquet(t *testing.T, src, dir string) (pq, csvPath string) {
	t.Helper()
	f, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	group := parquet.Group{}
	for _, h := range rows[0] {
		if h == "species" {
			group[h] = parquet.String()
		} else {
			group[h] = parquet.Leaf(parquet.DoubleType)
		}
	}
	schema := parquet.NewSchema("iris", group)
	fields := schema.Fields()
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	base := filepath.Join(dir, strings.TrimSuffix(filepath.Base(src), ".csv"))
	pf, err := os.Create(base + ".parquet")
	if err != nil {
		t.Fatal(err)
	}
	w := parquet.NewWriter(pf, schema)
	var text strings.Builder
	for i, fl := range fields {
		if i > 0 {
			text.WriteByte(',')
		}
		text.WriteString(fl.Name())
	}
	text.WriteByte('\n')
	for _, rec := range rows[1:] {
		row := make(parquet.Row, len(fields))
		for i, fl := range fields {
			cell := rec[col[fl.Name()]]
			if i > 0 {
				text.WriteByte(',')
			}
			text.WriteString(cell)
			if fl.Name() == "species" {
				row[i] = parquet.ByteArrayValue([]byte(cell)).Level(0, 0, i)
				continue
			}
			v, err := strconv.ParseFloat(cell, 64)
			if err != nil {
				t.Fatal(err)
			}
			row[i] = parquet.DoubleValue(v).Level(0, 0, i)
		}
		text.WriteByte('\n')
		if _, err := w.WriteRows([]parquet.Row{row}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := pf.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(base+".csv", []byte(text.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return base + ".parquet", base + ".csv"
}

// TestParquetData trains on a Parquet file, evaluates and predicts on
// Parquet files (with --keep), and gets what the same tables as CSV give;
// a damaged Parquet file exits 2 with a message naming it.
func TestParquetData(t *testing.T) {
	chdirRoot(t)
	tmp := t.TempDir()
	trainPQ, trainCSV := irisParquet(t, "datasets/iris_train.csv", tmp)
	testPQ, testCSV := irisParquet(t, "datasets/iris_test.csv", tmp)
	config := func(train, test string) string {
		path := filepath.Join(tmp, filepath.Base(train)+".yaml")
		yaml := "data:\n  train: " + train + "\n  test: " + test + "\n  validation: 0.2\n  target: species\n" +
			"model:\n  layers:\n    - {units: 8, activation: tanh}\n    - {activation: softmax}\n  loss: cross_entropy\n" +
			"train:\n  epochs: 5\n  seed: 1\n"
		if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	runPQ, runCSV := filepath.Join(tmp, "run-pq"), filepath.Join(tmp, "run-csv")
	mustRun(t, "fit", config(trainPQ, testPQ), "--quiet", "--out", runPQ)
	mustRun(t, "fit", config(trainCSV, testCSV), "--quiet", "--out", runCSV)
	if a, b := readFile(t, filepath.Join(runPQ, "model.json")), readFile(t, filepath.Join(runCSV, "model.json")); a != b {
		t.Errorf("the model trained on Parquet differs from the one trained on CSV")
	}
	model := filepath.Join(runPQ, "model.json")
	a := strings.ReplaceAll(mustRun(t, "eval", model, testPQ, "--json").stdout, testPQ, "DATA")
	if b := strings.ReplaceAll(mustRun(t, "eval", model, testCSV, "--json").stdout, testCSV, "DATA"); a != b {
		t.Errorf("eval of Parquet:\n%s\nwant as of CSV:\n%s", a, b)
	}
	a = mustRun(t, "predict", model, testPQ, "--keep", "species").stdout
	b := mustRun(t, "predict", model, testCSV, "--keep", "species").stdout
	if a != b {
		t.Errorf("predict of Parquet:\n%s\nwant as of CSV:\n%s", a, b)
	}

	// A damaged file: exit 2, naming it.
	pq, err := os.ReadFile(testPQ)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(tmp, "bad.parquet")
	if err := os.WriteFile(bad, pq[:len(pq)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"eval", model, bad}, {"predict", model, bad}} {
		r := runCLI(t, args...)
		if r.code != exitInput || !strings.Contains(r.stderr, bad) || !strings.Contains(r.stderr, "Parquet") {
			t.Errorf("mlptrain %s: exit %d, stderr %q; want 2 and a message naming the file", strings.Join(args, " "), r.code, r.stderr)
		}
	}
}
