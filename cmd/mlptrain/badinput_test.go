package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// badConfig is the base config of the bad-input cases: XOR, with every
// section written out so that a case can break one key. Line numbers
// matter: the cases assert positions in it.
const badConfig = `data:
  train: datasets/xor.csv
  validation: 0
  target: y
  normalize: none
model:
  layers:
    - {units: 2, activation: tanh}
    - {units: 1, activation: logistic}
  loss: binary_cross_entropy
train:
  optimizer: momentum
  learning_rate: 0.5
  batch_size: 0
  epochs: 2
`

// badCase is one bad input given to the command line: it must exit with
// status 2 and print one "mlptrain: " line that starts with the file, the
// position and the key exactly as given, and contains every want.
type badCase struct {
	name      string
	args      []string
	file      string   // the file the message names first; "" if none
	line, col int      // the exact position printed; 0 when none is
	key       string   // the key or column printed after the position; "" if none
	want      []string // substrings of the message, such as the hint
	// unreadable marks the chmod 000 cases, and unwritable the read-only
	// folder: they are skipped when the file can be read, or the folder
	// written, anyway, as root can.
	unreadable, unwritable string
}

// prefix is how the message must start: "mlptrain: FILE:LINE:COL: KEY: ".
func (c badCase) prefix() string {
	var b strings.Builder
	b.WriteString("mlptrain: ")
	if c.file != "" {
		b.WriteString(c.file)
		if c.line > 0 {
			b.WriteString(":" + strconv.Itoa(c.line))
			if c.col > 0 {
				b.WriteString(":" + strconv.Itoa(c.col))
			}
		}
		b.WriteString(": ")
	}
	if c.key != "" {
		b.WriteString(c.key + ": ")
	}
	return b.String()
}

// TestBadInput feeds each kind of bad input to the command line: exit
// status 2, nothing on stdout, and one message line naming the file and
// the exact line and column, or the key, with no panic or stack. The
// count of cases goes into the closing note; see
// the README's Troubleshooting section for the same table written for users.
func TestBadInput(t *testing.T) {
	chdirRoot(t)
	tmp := t.TempDir()
	write := func(name, content string) string {
		t.Helper()
		p := filepath.Join(tmp, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// config writes the base config with old replaced by repl.
	config := func(name, old, repl string) string {
		t.Helper()
		if !strings.Contains(badConfig, old) {
			t.Fatalf("%s: %q is not in the base config", name, old)
		}
		return write(name, strings.Replace(badConfig, old, repl, 1))
	}
	out := func(name string) string { return filepath.Join(tmp, "runs", name) }
	// fitCSV trains the base config on a CSV file with these contents.
	fitCSV := func(name, content string) []string {
		return []string{"fit", "configs/xor.yaml", "--quiet", "--epochs", "2", "--set", "data.train=" + write(name, content), "--out", out(name)}
	}
	fit := func(cfg string, extra ...string) []string {
		return append([]string{"fit", cfg, "--quiet", "--out", out(filepath.Base(cfg))}, extra...)
	}
	sweepArgs := func(extra ...string) []string {
		return append([]string{"sweep", "configs/sine.yaml", "--quiet", "--epochs", "1", "--out", out("sweep")}, extra...)
	}

	// A model trained on XOR (features x1, x2; target y; classes 0, 1).
	xorRun := filepath.Join(tmp, "xor")
	mustRun(t, "fit", "configs/xor.yaml", "--quiet", "--epochs", "2", "--out", xorRun)
	model := filepath.Join(xorRun, "model.json")
	// A cv folder, which no fit or sweep may write into.
	cvDir := filepath.Join(tmp, "cv")
	mustRun(t, "cv", "configs/xor.yaml", "--folds", "2", "--quiet", "--epochs", "2", "--out", cvDir)
	cv := func(extra ...string) []string {
		return append([]string{"cv", "configs/xor.yaml", "--quiet", "--epochs", "2", "--out", out("cv")}, extra...)
	}
	// Sweep shards (docs/scale.md): a folder with one shard, and folders
	// holding shards of two sweeps (another config; another grid), their
	// manifests copied together.
	shardArgs := func(dir, epochs, grid, shard string) []string {
		return []string{"sweep", "configs/sine.yaml", "--quiet", "--epochs", epochs, "--grid", grid, "--out", dir, "--shard", shard}
	}
	shardDir := filepath.Join(tmp, "shards")
	mustRun(t, shardArgs(shardDir, "1", "train.learning_rate=0.01,0.1", "0/2")...)
	shardManifest := filepath.Join(shardDir, ".mlptrain", "shard-0-of-2.json")
	mixed := func(name, epochs, grid string) string {
		t.Helper()
		dir := filepath.Join(tmp, name)
		mustRun(t, shardArgs(dir, epochs, grid, "1/2")...)
		if err := os.WriteFile(filepath.Join(dir, ".mlptrain", "shard-0-of-2.json"), []byte(readFile(t, shardManifest)), 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	mixedConfig := mixed("shards-config", "2", "train.learning_rate=0.01,0.1")
	mixedGrid := mixed("shards-grid", "1", "train.learning_rate=0.01,0.2")
	noShardEnv := []string{"env", "SLURM_ARRAY_TASK_ID=", "env", "JOB_COMPLETION_INDEX="}
	modelBytes := readFile(t, model)
	truncated := modelBytes[:len(modelBytes)/2]
	// resigned writes the model with old replaced by repl and a correct
	// checksum, so that only LoadModel's checks of its meaning can refuse it.
	resigned := func(name, old, repl string) string {
		t.Helper()
		if !strings.Contains(modelBytes, old) {
			t.Fatalf("%s: %q is not in model.json", name, old)
		}
		return write(name, resign(t, strings.Replace(modelBytes, old, repl, 1)))
	}
	bigModel := filepath.Join(tmp, "big.json")
	if err := os.WriteFile(bigModel, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(bigModel, 1100<<20); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	truncLine := strings.Count(truncated, "\n") + 1
	truncCol := len(truncated) - strings.LastIndex(truncated, "\n")

	unreadableCSV := write("unreadable.csv", "x1,x2,y\n0,0,0\n1,1,1\n")
	unreadableYAML := write("unreadable.yaml", badConfig)
	for _, p := range []string{unreadableCSV, unreadableYAML} {
		if err := os.Chmod(p, 0); err != nil {
			t.Fatal(err)
		}
	}
	notDir := write("not-a-folder", "")
	readOnly := filepath.Join(tmp, "read-only")
	if err := os.Mkdir(readOnly, 0o555); err != nil {
		t.Fatal(err)
	}
	wrongW := write("weights-3.yaml", "layers:\n  - W: [[1, 1, 1], [1, 1, 1]]\n    b: [0, 0, 0]\n  - W: [[1], [1], [1]]\n    b: [0]\n")
	oneLayerW := write("weights-1.yaml", "layers:\n  - W: [[1, 1], [1, 1]]\n    b: [0, 0]\n")
	bigW := write("big.yaml", "layers:\n"+strings.Repeat("#", 4<<20)+"\n")
	var bomb strings.Builder
	bomb.WriteString("data: {train: datasets/xor.csv, target: y}\nmodel:\n  layers:\n    - &l0 {units: 1, activation: relu}\n")
	for i := 1; i < 12; i++ {
		bomb.WriteString("    - &l" + strconv.Itoa(i) + " {<<: [" + strings.Repeat("*l"+strconv.Itoa(i-1)+", ", 9) + "*l" + strconv.Itoa(i-1) + "]}\n")
	}
	bomb.WriteString("    - {units: 1, activation: logistic}\n  loss: binary_cross_entropy\n")

	// inTmp is the path write gave the file name.
	inTmp := func(name string) string { return filepath.Join(tmp, name) }
	cases := []badCase{
		// CSV files.
		{name: "empty file", args: fitCSV("empty.csv", ""),
			file: inTmp("empty.csv"), want: []string{"empty file", "header row"}},
		{name: "blank lines only", args: fitCSV("blank.csv", "\n\n\r\n"),
			file: inTmp("blank.csv"), want: []string{"empty file"}},
		{name: "header only", args: fitCSV("header.csv", "x1,x2,y\n"),
			file: inTmp("header.csv"), line: 1, want: []string{"no data rows after the header"}},
		{name: "ragged row, short", args: fitCSV("short.csv", "x1,x2,y\n0,0,0\n0,1\n1,0,1\n"),
			file: inTmp("short.csv"), line: 3, col: 3, key: `column "y"`, want: []string{"expected 3 fields, got 2", "missing or extra delimiter"}},
		{name: "ragged row, long", args: fitCSV("long.csv", "x1,x2,y\n0,0,0\n0,1,1,7\n"),
			file: inTmp("long.csv"), line: 3, col: 4, want: []string{"expected 3 fields, got 4"}},
		{name: "text in a validation file's numeric column", args: append(fitCSV("train-num.csv", "x1,x2,y\n0,0,0\n0,1,1\n"), "--set", "data.validation="+write("val-abc.csv", "x1,x2,y\n0,0,0\n0,abc,1\n")),
			file: inTmp("val-abc.csv"), line: 3, col: 2, key: `column "x2"`, want: []string{`not a number: "abc"`, "reads this column as numbers"}},
		{name: "column entirely missing", args: fitCSV("hole.csv", "x1,x2,y\n,0,0\nNA,1,1\n?,0,1\n"),
			file: inTmp("hole.csv"), key: `column "x1"`, want: []string{"every cell is missing in the training rows (3)", "data.ignore"}},
		{name: "test file without a categorical column of the model", args: append(fitCSV("train-cat.csv", "x1,plan,y\n0,a,0\n1,b,1\n"), "--set", "data.test="+write("test-nocat.csv", "x1,y\n0,0\n1,1\n")),
			file: inTmp("test-nocat.csv"), line: 1, key: `column "plan"`, want: []string{`feature column of the model is missing (missing: "plan")`}},
		{name: "every target missing", args: fitCSV("alltargetsmissing.csv", "x1,x2,y\n0,0,NA\n0,1,\n"),
			file: inTmp("alltargetsmissing.csv"), line: 2, key: `column "y"`, want: []string{"every row's target is missing (2 rows)"}},
		{name: "an id column of a thousand levels", args: fitCSV("ids.csv", idColumn(1002)),
			file: inTmp("ids.csv"), line: 1002, col: 1, key: `column "id"`, want: []string{"too many categories: more than 1000 distinct values", "data.ignore", "data.max_categories"}},
		{name: "Inf cell", args: fitCSV("inf.csv", "x1,x2,y\n0,0,0\n0,1,1\n-Inf,0,1\n"),
			file: inTmp("inf.csv"), line: 4, col: 1, key: `column "x1"`, want: []string{`not a finite number: "-Inf"`}},
		{name: "number out of range", args: fitCSV("range.csv", "x1,x2,y\n0,1e999,0\n0,1,1\n"),
			file: inTmp("range.csv"), line: 2, col: 2, key: `column "x2"`, want: []string{`number out of range: "1e999"`}},
		// encoding/csv places it where the input ended, after the newline
		// that ends line 4.
		{name: "unclosed quote", args: fitCSV("quote.csv", "x1,x2,y\n0,0,0\n0,\"1,1\n1,0,1\n"),
			file: inTmp("quote.csv"), line: 4, col: 7, want: []string{"extraneous or missing \" in quoted-field", "the record starts on line 3"}},
		{name: "duplicate column names", args: fitCSV("dup.csv", "x1,x1,y\n0,0,0\n0,1,1\n"),
			file: inTmp("dup.csv"), line: 1, col: 2, key: `column "x1"`, want: []string{"duplicate column name (columns 1 and 2)"}},
		{name: "empty column name", args: fitCSV("noname.csv", ",x2,y\n0,0,0\n0,1,1\n"),
			file: inTmp("noname.csv"), line: 1, col: 1, want: []string{"empty column name", "pandas index"}},
		{name: "missing target column", args: fitCSV("notarget.csv", "x1,x2,z\n0,0,0\n0,1,1\n"),
			file: inTmp("notarget.csv"), line: 1, key: `column "y"`, want: []string{"target column not found in the header", `did you mean "z"?`}},
		{name: "missing feature column", args: append(fitCSV("nofeature.csv", "x1,x2,y\n0,0,0\n0,1,1\n"), "--set", "data.features=x1,x3"),
			file: inTmp("nofeature.csv"), line: 1, key: `column "x3"`, want: []string{"feature column not found in the header", `did you mean "x2"?`}},
		{name: "wrong delimiter", args: fitCSV("semi.csv", "x1;x2;y\n0;0;0\n0;1;1\n1;0;1\n"),
			file: inTmp("semi.csv"), line: 1, want: []string{`looks like ';'-separated (3 columns), not ','`, `(hint: set data.delimiter: ";")`}},
		{name: "wrong delimiter, seen in the rows", args: fitCSV("semirows.csv", "x1;x2,y\n0;0\n0;1\n1;0\n"),
			file: inTmp("semirows.csv"), line: 1, want: []string{`looks like ';'-separated (2 columns), not ','`, `set data.delimiter: ";"`}},
		{name: "single class", args: fitCSV("oneclass.csv", "x1,x2,y\n0,0,1\n0,1,1\n1,0,1\n"),
			file: inTmp("oneclass.csv"), line: 2, col: 3, key: `column "y"`, want: []string{`only one class ("1") in the target`}},
		{name: "three classes for binary_cross_entropy", args: fitCSV("three.csv", "x1,x2,y\n0,0,0\n0,1,1\n1,0,2\n"),
			file: inTmp("three.csv"), key: `column "y"`, want: []string{"binary_cross_entropy needs exactly 2 classes, found 3", "cross_entropy"}},
		{name: "test file missing a feature column", args: append(fitCSV("train-ok2.csv", "x1,x2,y\n0,0,0\n0,1,1\n"), "--set", "data.test="+write("test-other.csv", "x1,x3,y\n0,0,0\n0,1,1\n")),
			file: inTmp("test-other.csv"), line: 1, key: `column "x2"`, want: []string{`feature column of the model is missing (missing: "x2")`, `did you mean "x3"?`}},
		{name: "test file with an unseen class", args: append(fitCSV("train-ok3.csv", "x1,x2,y\n0,0,0\n0,1,1\n"), "--set", "data.test="+write("test-class.csv", "x1,x2,y\n0,0,0\n0,1,2\n")),
			file: inTmp("test-class.csv"), line: 3, col: 3, key: `column "y"`, want: []string{`unknown class "2"`, `the model knows the classes "0", "1"`}},

		// eval and predict: data that does not fit the model.
		{name: "eval: class the model never saw", args: []string{"eval", model, write("newclass.csv", "x1,x2,y\n0,0,0\n0,1,2\n")},
			file: inTmp("newclass.csv"), line: 3, col: 3, key: `column "y"`, want: []string{`unknown class "2"`, `the model knows the classes "0", "1"`}},
		{name: "eval: other feature columns", args: []string{"eval", model, write("otherfeat.csv", "x1,x3,y\n0,0,0\n0,1,1\n")},
			file: inTmp("otherfeat.csv"), line: 1, key: `column "x2"`, want: []string{`feature column of the model is missing (missing: "x2")`, `did you mean "x3"?`}},
		{name: "eval: data of another model", args: []string{"eval", model, "datasets/iris.csv"},
			file: "datasets/iris.csv", line: 1, key: `column "y"`, want: []string{"target column not found in the header", `"sepal_length"`}},
		{name: "predict: data of another model", args: []string{"predict", model, "datasets/iris.csv"},
			file: "datasets/iris.csv", line: 1, key: `column "x1"`, want: []string{`feature column of the model is missing (missing: "x1", "x2")`, `trained on the feature columns "x1", "x2"`}},
		{name: "eval: wrong delimiter", args: []string{"eval", model, write("tabs.csv", "x1\tx2\ty\n0\t0\t0\n0\t1\t1\n")},
			file: inTmp("tabs.csv"), line: 1, want: []string{`looks like '\t'-separated (3 columns), not ','`, `(hint: use --delimiter "\t")`}},
		{name: "predict: --keep of a column not in the file", args: []string{"predict", model, "datasets/xor.csv", "--keep", "x"},
			file: "datasets/xor.csv", line: 1, key: `column "x"`, want: []string{"--keep column not found in the header", `did you mean "x1"?`}},
		{name: "predict: --keep of a column twice", args: []string{"predict", model, "datasets/xor.csv", "--keep", "y", "--keep", "y"},
			file: "datasets/xor.csv", line: 1, col: 3, key: `column "y"`, want: []string{"--keep names the column twice", "keep each column once"}},
		{name: "eval: missing data file", args: []string{"eval", model, filepath.Join(tmp, "nope.csv")},
			file: filepath.Join(tmp, "nope.csv"), want: []string{"cannot open file: no such file or directory"}},
		{name: "eval: truncated model", args: []string{"eval", write("truncated.json", truncated), "datasets/xor.csv"},
			file: inTmp("truncated.json"), line: truncLine, col: truncCol, want: []string{"not a valid model file: it ends in the middle (truncated?)"}},
		{name: "eval: edited model", args: []string{"eval", write("edited.json", strings.Replace(modelBytes, `"y"`, `"z"`, 1)), "datasets/xor.csv"},
			file: inTmp("edited.json"), want: []string{"checksum mismatch"}},
		// eval: a model edited and signed again, refused for what it means.
		{name: "eval: model lists a feature twice", args: []string{"eval", resigned("feature-twice.json", `"x2"`, `"x1"`), "datasets/xor.csv"},
			file: inTmp("feature-twice.json"), key: "features", want: []string{`"x1" is listed twice (items 1 and 2)`, "each feature column is listed once"}},
		{name: "eval: model lists a class twice", args: []string{"eval", resigned("class-twice.json", "\"0\",\n  \"1\"", "\"0\",\n  \"0\""), "datasets/xor.csv"},
			file: inTmp("class-twice.json"), key: "classes", want: []string{`"0" is listed twice (items 1 and 2)`, "each class is listed once"}},
		{name: "eval: model target is a feature", args: []string{"eval", resigned("target-feature.json", "\"targets\": [\n  \"y\"", "\"targets\": [\n  \"x1\""), "datasets/xor.csv"},
			file: inTmp("target-feature.json"), key: "targets", want: []string{`"x1" is also a feature column`, "either a feature or a target"}},
		{name: "eval: model lists a target twice", args: []string{"eval", resigned("target-twice.json", "\"targets\": [\n  \"y\"", "\"targets\": [\n  \"y\",\n  \"y\""), "datasets/xor.csv"},
			file: inTmp("target-twice.json"), key: "targets", want: []string{`"y" is listed twice (items 1 and 2)`}},
		{name: "predict: classifier model with a regression loss", args: []string{"predict", resigned("regression-loss.json", `"binary_cross_entropy"`, `"squared_error"`), "datasets/xor.csv"},
			file: inTmp("regression-loss.json"), key: "classes", want: []string{"loss squared_error makes a regression model, which has no classes, got 2", "was edited"}},
		{name: "eval: model loss that does not fit its output layer", args: []string{"eval", resigned("softmax-loss.json", `"binary_cross_entropy"`, `"cross_entropy"`), "datasets/xor.csv"},
			file: inTmp("softmax-loss.json"), key: "loss", want: []string{"cross_entropy needs a softmax output layer, got 1 logistic unit"}},
		{name: "eval: model file over 1 GiB", args: []string{"eval", bigModel, "datasets/xor.csv"},
			file: bigModel, want: []string{"model file larger than 1 GiB", "about 25 bytes a parameter", "written by mlptrain fit"}},

		// Config files.
		{name: "unknown key", args: fit(config("typo.yaml", "learning_rate:", "learning_rat:")),
			file: inTmp("typo.yaml"), line: 13, col: 3, key: "train.learning_rat", want: []string{"unknown key", `did you mean "learning_rate"?`}},
		{name: "unknown section", args: fit(config("section.yaml", "\ntrain:", "\ntrian:")),
			file: inTmp("section.yaml"), line: 11, col: 1, key: "trian", want: []string{"unknown key", `did you mean "train"?`}},
		{name: "epochs: ten", args: fit(config("ten.yaml", "epochs: 2", "epochs: ten")),
			file: inTmp("ten.yaml"), line: 15, col: 11, key: "train.epochs", want: []string{`expected a whole number, got "ten"`}},
		{name: "epochs: 10.7", args: fit(config("float.yaml", "epochs: 2", "epochs: 10.7")),
			file: inTmp("float.yaml"), line: 15, col: 11, key: "train.epochs", want: []string{"whole number"}},
		{name: "negative units", args: fit(config("units-neg.yaml", "units: 2", "units: -3")),
			file: inTmp("units-neg.yaml"), line: 8, col: 15, key: "model.layers[0].units", want: []string{"must be at least 1, got -3"}},
		{name: "zero units", args: fit(config("units-zero.yaml", "units: 2", "units: 0")),
			file: inTmp("units-zero.yaml"), line: 8, col: 15, key: "model.layers[0].units", want: []string{"required on a hidden layer"}},
		{name: "units: a billion", args: fit(config("units-huge.yaml", "units: 2", "units: 1000000000")),
			file: inTmp("units-huge.yaml"), line: 8, col: 15, key: "model.layers[0].units", want: []string{"must be at most 1000000, got 1000000000"}},
		{name: "too many parameters", args: fit(config("params.yaml", "{units: 2, activation: tanh}", "{units: 1000000, activation: tanh}\n    - {units: 1000000, activation: tanh}")),
			file: inTmp("params.yaml"), line: 7, col: 3, key: "model.layers", want: []string{"about 1e+12 parameters, more than the limit of 1e+08"}},
		{name: "zero learning rate", args: fit(config("lr-zero.yaml", "learning_rate: 0.5", "learning_rate: 0")),
			file: inTmp("lr-zero.yaml"), line: 13, col: 18, key: "train.learning_rate", want: []string{"must be a finite number greater than 0, got 0"}},
		{name: "negative learning rate", args: fit(config("lr-neg.yaml", "learning_rate: 0.5", "learning_rate: -0.1")),
			file: inTmp("lr-neg.yaml"), line: 13, col: 18, key: "train.learning_rate", want: []string{"got -0.1"}},
		{name: "negative batch size", args: fit(config("bs-neg.yaml", "batch_size: 0", "batch_size: -1")),
			file: inTmp("bs-neg.yaml"), line: 14, col: 15, key: "train.batch_size", want: []string{"must be at least 0, got -1", "use 0 for the whole training set"}},
		{name: "negative epochs flag", args: fit("configs/xor.yaml", "--epochs", "-5"),
			key: "--epochs", want: []string{"must be from 0 to"}},
		// A command's own numeric flag reads the same (TestNumericFlags has them all).
		{name: "negative --progress-every", args: fit("configs/xor.yaml", "--progress-every", "-1"),
			key: "--progress-every", want: []string{"must be at least 0, got -1", "about 20 lines"}},
		{name: "unknown activation", args: fit(config("act.yaml", "activation: tanh", "activation: tahn")),
			file: inTmp("act.yaml"), line: 8, col: 30, key: "model.layers[0].activation", want: []string{`unknown activation "tahn"`, `did you mean "tanh"?`}},
		{name: "unknown loss", args: fit(config("loss.yaml", "loss: binary_cross_entropy", "loss: cross_entropie")),
			file: inTmp("loss.yaml"), line: 10, col: 9, key: "model.loss", want: []string{`unknown loss "cross_entropie"`, `did you mean "cross_entropy"?`}},
		{name: "unknown optimizer", args: fit(config("opt.yaml", "optimizer: momentum", "optimizer: adan")),
			file: inTmp("opt.yaml"), line: 12, col: 14, key: "train.optimizer", want: []string{`unknown optimizer "adan"`, `did you mean "adam"?`}},
		{name: "weight_decay with sgd", args: fit(config("wd.yaml", "optimizer: momentum", "optimizer: sgd\n  weight_decay: 0.01")),
			file: inTmp("wd.yaml"), line: 13, col: 17, key: "train.weight_decay", want: []string{"the sgd optimizer does not read weight_decay", "use train.l2", "optimizer: adamw"}},
		{name: "step schedule without step_epochs", args: fit(config("step.yaml", "epochs: 2", "epochs: 2\n  schedule: {kind: step, gamma: 0.5}")),
			file: inTmp("step.yaml"), line: 16, col: 3, key: "train.schedule.step_epochs", want: []string{"required by kind step", "{kind: step, step_epochs: 30, gamma: 0.1}"}},
		{name: "negative schedule gamma", args: fit(config("gamma.yaml", "epochs: 2", "epochs: 2\n  schedule: {kind: exponential, gamma: -0.9}")),
			file: inTmp("gamma.yaml"), line: 16, col: 40, key: "train.schedule.gamma", want: []string{"must be in (0, 1], got -0.9"}},
		{name: "negative warmup_epochs", args: fit(config("warm.yaml", "epochs: 2", "epochs: 2\n  schedule: {kind: cosine, warmup_epochs: -3}")),
			file: inTmp("warm.yaml"), line: 16, col: 43, key: "train.schedule.warmup_epochs", want: []string{"must be at least 0, got -3", "use 0 for no warmup"}},
		{name: "negative clip_norm", args: fit(config("clip.yaml", "epochs: 2", "epochs: 2\n  clip_norm: -1")),
			file: inTmp("clip.yaml"), line: 16, col: 14, key: "train.clip_norm", want: []string{"must be a finite number at least 0, got -1"}},
		{name: "negative clip_norm by --set", args: fit(config("clipset.yaml", "epochs: 2", "epochs: 2"), "--set", "train.clip_norm=-2"),
			key: "--set train.clip_norm", want: []string{"must be a finite number at least 0, got -2"}},
		{name: "loss/output mismatch", args: fit(config("mismatch.yaml", "loss: binary_cross_entropy", "loss: cross_entropy")),
			file: inTmp("mismatch.yaml"), line: 10, col: 9, key: "model.loss", want: []string{"cross_entropy needs a softmax output layer, got logistic"}},
		{name: "validation: 1.5", args: fit(config("val.yaml", "validation: 0", "validation: 1.5")),
			file: inTmp("val.yaml"), line: 3, col: 15, key: "data.validation", want: []string{"must be a fraction in [0, 1) or a CSV path, got 1.5"}},
		// yaml.v3 reports the line before a flow sequence's bracket for
		// its parser errors; the hint says to look there too.
		{name: "invalid YAML", args: fit(config("syntax.yaml", "target: y", "target: [y")),
			file: inTmp("syntax.yaml"), line: 3, want: []string{"invalid YAML"}},
		{name: "YAML alias bomb", args: fit(write("bomb.yaml", bomb.String())),
			file: inTmp("bomb.yaml"), line: 4, col: 7, key: "model.layers[5]", want: []string{"too many nodes or aliases"}},
		{name: "unknown key in --set", args: fit("configs/xor.yaml", "--set", "train.learning_rat=0.1"),
			key: "--set train.learning_rat", want: []string{"unknown key", `did you mean "train.learning_rate"?`}},
		{name: "unclosed list in --set", args: fit("configs/xor.yaml", "--set", "data.features=[x1, x2"),
			key: "--set data.features", want: []string{`invalid list "[x1, x2": did not find expected ',' or ']'`, `quote a name holding a comma`}},
		{name: "list in a list in --set", args: fit("configs/xor.yaml", "--set", "data.features=[x1, [x2]]"),
			key: "--set data.features", want: []string{`item 2 of "[x1, [x2]]": expected a column name, got a list`}},
		{name: "bad list in the environment", args: append([]string{"env", "MLPTRAIN_DATA_FEATURES=[x1, null]"}, fit("configs/xor.yaml")...),
			key: "MLPTRAIN_DATA_FEATURES", want: []string{`item 2 of "[x1, null]": empty column name`}},
		{name: "two-character delimiter in --set", args: fit("configs/xor.yaml", "--set", `data.delimiter=\s`),
			key: "--set data.delimiter", want: []string{`must be exactly one character, got "\\s"`, `"\t"`}},
		{name: "wrong type in the environment", args: append([]string{"env", "MLPTRAIN_TRAIN_EPOCHS=ten"}, fit("configs/xor.yaml")...),
			key: "MLPTRAIN_TRAIN_EPOCHS", want: []string{`"ten"`}},

		// Files that cannot be read or written.
		{name: "missing config file", args: fit(filepath.Join(tmp, "nope.yaml")),
			file: filepath.Join(tmp, "nope.yaml"), want: []string{"cannot read config: no such file or directory"}},
		{name: "missing CSV file", args: fit("configs/xor.yaml", "--set", "data.train="+filepath.Join(tmp, "nope.csv")),
			file: filepath.Join(tmp, "nope.csv"), want: []string{"cannot open file: no such file or directory", "check the path"}},
		{name: "unreadable CSV file", args: fit("configs/xor.yaml", "--set", "data.train="+unreadableCSV), unreadable: unreadableCSV,
			file: unreadableCSV, want: []string{"cannot open file: permission denied", "permissions"}},
		{name: "unreadable config file", args: fit(unreadableYAML), unreadable: unreadableYAML,
			file: unreadableYAML, want: []string{"cannot read config: permission denied", "check the file's permissions"}},
		{name: "directory as CSV", args: fit("configs/xor.yaml", "--set", "data.train=datasets"),
			file: "datasets", want: []string{"is a directory, not a CSV file"}},
		{name: "directory as config", args: fit("configs"),
			file: "configs", want: []string{"cannot read config: is a directory", "give a YAML config file"}},
		{name: "directory as model", args: []string{"eval", "configs", "datasets/xor.csv"},
			file: "configs", want: []string{"is a directory, not a model file", "configs/model.json"}},
		{name: "output folder under a file", args: []string{"fit", "configs/xor.yaml", "--quiet", "--epochs", "2", "--out", filepath.Join(notDir, "run")},
			file: filepath.Join(notDir, "run"), key: "output.dir", want: []string{"cannot write the run folder: not a directory"}},
		{name: "output folder is a file", args: []string{"fit", "configs/xor.yaml", "--quiet", "--epochs", "2", "--out", notDir},
			file: notDir, key: "output.dir", want: []string{"cannot write the run folder: not a directory"}},
		{name: "output folder in a read-only folder", args: []string{"fit", "configs/xor.yaml", "--quiet", "--epochs", "2", "--out", filepath.Join(readOnly, "run")}, unwritable: readOnly,
			file: filepath.Join(readOnly, "run"), key: "output.dir", want: []string{"cannot write the run folder: permission denied"}},
		// cv: the number of folds, and the cv folder, which is not a run
		// folder.
		{name: "dropout of 1", args: fit("configs/xor.yaml", "--set", "model.layers.0.dropout=1"),
			key: "--set model.layers.0.dropout", want: []string{"must be in [0, 1), got 1", "0 turns dropout off"}},
		{name: "dropout on the output layer", args: fit("configs/xor.yaml", "--set", "model.layers.1.dropout=0.5"),
			key: "--set model.layers.1.dropout", want: []string{"dropout is allowed only on hidden layers", "model.input_dropout"}},
		{name: "batch_norm on the output layer", args: fit("configs/xor.yaml", "--set", "model.layers.1.batch_norm=true"),
			key: "--set model.layers.1.batch_norm", want: []string{"batch_norm is allowed only on hidden layers"}},
		{name: "negative input dropout", args: fit("configs/xor.yaml", "--set", "model.input_dropout=-0.1"),
			key: "--set model.input_dropout", want: []string{"must be in [0, 1), got -0.1"}},
		{name: "batch_norm with a last batch of one row", args: fit("configs/xor.yaml", "--set", "model.layers.0.batch_norm=true", "--set", "train.batch_size=3"),
			key: "--set train.batch_size", want: []string{"the last batch of each epoch holds 1 row", "use a batch size such as 4"}},
		{name: "cv --folds 1", args: cv("--folds", "1"),
			key: "--folds", want: []string{"must be at least 2, got 1", "use --folds 5 or 10"}},
		{name: "cv --folds more than the rows", args: cv("--folds", "5"),
			key: "--folds", want: []string{"5 folds of datasets/xor.csv, which has 4 rows with a target", "use at most --folds 4"}},
		{name: "cv --folds more than the smallest class", args: cv("--folds", "3"),
			key: "--folds", want: []string{`class "0" has 2 rows: the folds are stratified`, "use at most --folds 2"}},
		{name: "cv into a fit's run folder", args: []string{"cv", "configs/xor.yaml", "--quiet", "--folds", "2", "--out", xorRun},
			file: xorRun, key: "--out", want: []string{"not a cv folder but a fit's run folder", "choose a new or empty folder"}},
		{name: "fit into a cv folder", args: []string{"fit", "configs/xor.yaml", "--quiet", "--epochs", "2", "--out", cvDir},
			file: cvDir, key: "output.dir", want: []string{"not a run folder", `"cv.json"`}},
		{name: "sweep into a cv folder", args: []string{"sweep", "configs/xor.yaml", "--quiet", "--grid", "train.l2=0,1", "--set", "data.validation=0.5", "--out", cvDir},
			file: cvDir, key: "--out", want: []string{"not a sweep folder", `"cv.json"`}},
		// --shard and collect (docs/scale.md).
		{name: "--shard 3/2", args: sweepArgs("--grid", "train.l2=0,1", "--shard", "3/2"),
			key: "--shard 3/2", want: []string{"shard 3 of 2 does not exist: shards are numbered from 0 to 1", "count from 0, as SLURM_ARRAY_TASK_ID of sbatch --array=0-1"}},
		{name: "--shard 0/0", args: sweepArgs("--grid", "train.l2=0,1", "--shard", "0/0"),
			key: "--shard 0/0", want: []string{"the number of shards must be from 1 to 100000, got 0", "--shard K/N with K from 0 to N-1"}},
		{name: "--shard a/b", args: sweepArgs("--grid", "train.l2=0,1", "--shard", "a/b"),
			key: "--shard a/b", want: []string{"want K/N, two whole numbers, or auto", "--shard auto in a Slurm job array"}},
		{name: "--shard auto outside Slurm and Kubernetes", args: append(noShardEnv, sweepArgs("--grid", "train.l2=0,1", "--shard", "auto")...),
			key: "--shard auto", want: []string{"neither SLURM_ARRAY_TASK_ID", "nor JOB_COMPLETION_INDEX", "sbatch --array=0-2", "docs/scale.md"}},
		{name: "--shard auto in a Kubernetes Job without --shards", args: append([]string{"env", "SLURM_ARRAY_TASK_ID=", "env", "JOB_COMPLETION_INDEX=1"}, sweepArgs("--grid", "train.l2=0,1", "--shard", "auto")...),
			key: "--shard auto", want: []string{"JOB_COMPLETION_INDEX is 1, but the number of shards is unknown", "add --shards N"}},
		{name: "--shards without --shard auto", args: sweepArgs("--grid", "train.l2=0,1", "--shard", "0/2", "--shards", "2"),
			key: "--shards", want: []string{"--shards is read with --shard auto only"}},
		{name: "cv --shard 2/2", args: cv("--folds", "2", "--shard", "2/2"),
			key: "--shard 2/2", want: []string{"shard 2 of 2 does not exist"}},
		{name: "shard of another sweep into a shard folder", args: shardArgs(shardDir, "1", "train.learning_rate=0.01,0.3", "1/2"),
			file: shardManifest, key: "grids", want: []string{"the folder holds a shard of another sweep", "0.01,0.3", "for this shard 1 of 2", "its own --out DIR"}},
		{name: "shard of another N into a shard folder", args: shardArgs(shardDir, "1", "train.learning_rate=0.01,0.1", "1/3"),
			file: shardManifest, key: "--shard", want: []string{"one of 2 shards of a sweep, but this shard 1 of 3 is one of 3", "same N"}},
		{name: "collect shards of two configs", args: []string{"sweep", "collect", mixedConfig},
			file: filepath.Join(mixedConfig, ".mlptrain", "shard-1-of-2.json"), key: "config_sha256",
			want: []string{"a shard of another sweep than " + filepath.Join(mixedConfig, ".mlptrain", "shard-0-of-2.json"), "its own --out DIR"}},
		{name: "collect shards of two grids", args: []string{"sweep", "collect", mixedGrid},
			file: filepath.Join(mixedGrid, ".mlptrain", "shard-1-of-2.json"), key: "grids",
			want: []string{`["train.learning_rate=0.01,0.2"] here, ["train.learning_rate=0.01,0.1"] there`}},
		{name: "sweep collect of a fit's run folder", args: []string{"sweep", "collect", xorRun},
			file: xorRun, want: []string{"not a sharded sweep's folder: it holds no shard manifests", "--shard K/N"}},
		{name: "sweep collect of a cv folder", args: []string{"sweep", "collect", cvDir},
			file: cvDir, want: []string{"not a sharded sweep's folder"}},
		{name: "cv collect of an unsharded cv", args: []string{"cv", "collect", cvDir},
			file: cvDir, want: []string{"an unsharded cv's folder, whose cv.json is whole"}},
		{name: "cv collect of a sweep's shards", args: []string{"cv", "collect", shardDir},
			file: shardDir, want: []string{"a sweep's folder, not a cv's", "mlptrain sweep collect"}},
		{name: "sweep collect of a missing folder", args: []string{"sweep", "collect", filepath.Join(tmp, "nope")},
			file: filepath.Join(tmp, "nope"), want: []string{"not a sweep folder: no such file or directory"}},
		{name: "cv --set output.dir", args: cv("--folds", "2", "--set", "output.dir=x"),
			key: "--set output.dir=x", want: []string{"output.dir is set per fold by cv", "use --out DIR"}},
		{name: "predict -o into a missing folder", args: []string{"predict", model, "datasets/xor.csv", "-o", filepath.Join(tmp, "missing", "p.csv")},
			file: filepath.Join(tmp, "missing", "p.csv"), want: []string{"no such file or directory"}},

		// export: a model it cannot read, a format it does not write, an OUT
		// it cannot write.
		{name: "export: truncated model", args: []string{"export", inTmp("truncated.json"), "-o", filepath.Join(tmp, "t.onnx")},
			file: inTmp("truncated.json"), line: truncLine, col: truncCol, want: []string{"not a valid model file: it ends in the middle (truncated?)"}},
		{name: "export: edited model", args: []string{"export", inTmp("edited.json"), "-o", filepath.Join(tmp, "e.onnx")},
			file: inTmp("edited.json"), want: []string{"checksum mismatch", "restore the file written by it"}},
		{name: "export: model of a future format version", args: []string{"export", resigned("future.json", `"version": 2,`, `"version": 99,`), "-o", filepath.Join(tmp, "f.onnx")},
			file: inTmp("future.json"), want: []string{"model format version 99; this mlptrain reads up to version", "use a newer mlptrain"}},
		{name: "export: unknown --format", args: []string{"export", model, "--format", "pmml"},
			key: "--format", want: []string{`unknown format "pmml"`, "(hint: use --format onnx)"}},
		{name: "export -o into a missing folder", args: []string{"export", model, "-o", filepath.Join(tmp, "missing", "m.onnx")},
			file: filepath.Join(tmp, "missing", "m.onnx"), want: []string{"cannot write the ONNX file: no such file or directory"}},
		{name: "export -o a folder", args: []string{"export", model, "-o", tmp},
			file: tmp, want: []string{"cannot write the ONNX file: is a directory", "not of a folder"}},
		{name: "export -o into a read-only folder", args: []string{"export", model, "-o", filepath.Join(readOnly, "m.onnx")}, unwritable: readOnly,
			file: filepath.Join(readOnly, "m.onnx"), want: []string{"cannot write the ONNX file: permission denied"}},
		{name: "export: no model", args: []string{"export"},
			want: []string{"export: takes 1 argument (MODEL), got none"}},

		// model.weights that do not fit the model.
		{name: "model.weights of another architecture", args: fit("configs/xor.yaml", "--set", "model.weights="+wrongW),
			file: wrongW, line: 2, key: "layers[0]", want: []string{"W has 2 rows and b 3 entries, but layer 1 takes 2 inputs to 2 units"}},
		{name: "model.weights with too few layers", args: fit("configs/xor.yaml", "--set", "model.weights="+oneLayerW),
			file: oneLayerW, want: []string{"1 layers of weights for a model of 2 layers"}},
		{name: "model.weights is a model.json", args: fit("configs/iris.yaml", "--set", "model.weights="+model),
			file: model, line: 2, want: []string{`not a weights file: unknown key "format" (and 15 more problems)`, "this looks like a model.json"}},
		{name: "model.weights over 4 MiB", args: fit("configs/xor.yaml", "--set", "model.weights="+bigW),
			file: bigW, key: "model.weights", want: []string{"weights file larger than 4 MiB"}},
		{name: "missing model.weights file", args: fit("configs/xor.yaml", "--set", "model.weights="+filepath.Join(tmp, "nope-w.yaml")),
			file: filepath.Join(tmp, "nope-w.yaml"), key: "model.weights", want: []string{"cannot open weights file: no such file or directory"}},

		// A layer's key by index, model.depth and model.width (issue 14).
		{name: "layer index out of range", args: fit("configs/xor.yaml", "--set", "model.layers.2.units=4"),
			key: "--set model.layers.2.units", want: []string{"layer 2 is out of range: the config has 2 layers, model.layers.0 to model.layers.1", "set model.depth first"}},
		{name: "misspelt layer key", args: fit("configs/xor.yaml", "--set", "model.layers.0.activaton=relu"),
			key: "--set model.layers.0.activaton", want: []string{`a layer has no key "activaton"`, `did you mean "model.layers.0.activation"?`}},
		{name: "layer index not a number", args: fit("configs/xor.yaml", "--set", "model.layers.x.units=4"),
			key: "--set model.layers.x.units", want: []string{`"x" is not a layer's index`}},
		{name: "negative model.depth", args: fit("configs/xor.yaml", "--set", "model.depth=-1"),
			key: "--set model.depth", want: []string{"must be 0 to 1000, got -1"}},
		{name: "sweep --grid of a layer past the last", args: sweepArgs("--grid", "model.layers[5].units=2,4"),
			key: "--grid model.layers.5.units=2", want: []string{"layer 5 is out of range"}},

		// sweep --random and --range (issue 14).
		{name: "--random without --range", args: sweepArgs("--random", "5"),
			key: "--random", want: []string{"no --range to draw the points from", "--range train.learning_rate=log:"}},
		{name: "--range without --random", args: sweepArgs("--range", "train.l2=lin:0:1"),
			key: "--range train.l2=lin:0:1", want: []string{"--range needs --random N", "add --random 20"}},
		{name: "--range with A >= B", args: sweepArgs("--random", "3", "--range", "train.l2=lin:1:0.5"),
			key: "--range train.l2=lin:1:0.5", want: []string{"the lower bound 1 must be below the upper bound 0.5"}},
		{name: "--range log of 0", args: sweepArgs("--random", "3", "--range", "train.learning_rate=log:0:1"),
			key: "--range train.learning_rate=log:0:1", want: []string{"log needs bounds above 0, got 0", "use lin:A:B"}},
		{name: "--range int of fractions", args: sweepArgs("--random", "3", "--range", "train.epochs=int:1:2.5"),
			key: "--range train.epochs=int:1:2.5", want: []string{`int bounds must be whole numbers, got "2.5"`}},
		{name: "--range empty choice", args: sweepArgs("--random", "3", "--range", "train.optimizer=choice:"),
			key: "--range train.optimizer=choice:", want: []string{"empty choice in the list of train.optimizer"}},
		{name: "--range unknown kind", args: sweepArgs("--random", "3", "--range", "train.l2=uniform:0:1"),
			key: "--range train.l2=uniform:0:1", want: []string{`unknown kind "uniform"`, "log:A:B, lin:A:B, int:A:B or choice:a|b|c"}},
		{name: "--range lin of a whole-number key", args: sweepArgs("--random", "3", "--range", "train.batch_size=lin:1:5"),
			key: "--range train.batch_size=lin:1:5", want: []string{"train.batch_size is a whole number, but lin draws fractions", "use int:1:5"}},
		{name: "--range of an unknown key", args: sweepArgs("--random", "3", "--range", "train.learnin_rate=log:1e-3:1"),
			key: "--range train.learnin_rate=log:1e-3:1", want: []string{`unknown key "train.learnin_rate"`, `did you mean "train.learning_rate"?`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.unreadable != "" {
				if _, err := os.ReadFile(tc.unreadable); err == nil {
					t.Skip("chmod 000 does not stop this user from reading the file (running as root?)")
				}
			}
			if tc.unwritable != "" {
				if f, err := os.CreateTemp(tc.unwritable, "probe"); err == nil {
					f.Close()
					os.Remove(f.Name())
					t.Skip("chmod 555 does not stop this user from writing in the folder (running as root?)")
				}
			}
			args := tc.args
			for args[0] == "env" {
				k, v, _ := strings.Cut(args[1], "=")
				t.Setenv(k, v)
				args = args[2:]
			}
			r := runCLI(t, args...)
			if r.code != exitInput {
				t.Fatalf("mlptrain %s: exit status %d, want %d\nstderr:\n%s", strings.Join(args, " "), r.code, exitInput, r.stderr)
			}
			t.Log(strings.TrimSpace(r.stderr))
			checkStderr(t, r.stderr, false, false)
			if r.stdout != "" {
				t.Errorf("stdout = %q, want empty", r.stdout)
			}
			if p := tc.prefix(); !strings.HasPrefix(r.stderr, p) {
				t.Errorf("stderr = %q\nwant it to start with %q", r.stderr, p)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr = %q, want it to mention %q", r.stderr, w)
				}
			}
		})
	}
	t.Logf("%d bad-input cases", len(cases))
}

// TestAwkwardInputWorks checks the inputs that look odd but are valid:
// a UTF-8 byte-order mark, CRLF line ends, and a constant feature column
// under standardization, which gets scale 1 and a warning naming it, as
// scikit-learn's StandardScaler does.
func TestAwkwardInputWorks(t *testing.T) {
	chdirRoot(t)
	tmp := t.TempDir()
	const xor = "x1,x2,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n"
	for _, tc := range []struct {
		name, csv string
		warning   string // a stderr line that must appear
		scale     []float64
	}{
		{name: "UTF-8 BOM", csv: "\uFEFF" + xor, scale: []float64{0.5, 0.5}},
		{name: "CRLF line ends", csv: strings.ReplaceAll(xor, "\n", "\r\n"), scale: []float64{0.5, 0.5}},
		{name: "BOM and CRLF", csv: "\uFEFF" + strings.ReplaceAll(xor, "\n", "\r\n"), scale: []float64{0.5, 0.5}},
		{name: "constant column", csv: "x1,x2,c,y\n0,0,5,0\n0,1,5,1\n1,0,5,1\n1,1,5,0\n",
			warning: `mlptrain: warning: column "c" is constant (every value is 5); its scale is set to 1`, scale: []float64{0.5, 0.5, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(tmp, strings.ReplaceAll(tc.name, " ", "_")+".csv")
			if err := os.WriteFile(path, []byte(tc.csv), 0o644); err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(tmp, "run-"+filepath.Base(path))
			r := mustRun(t, "fit", "configs/xor.yaml", "--epochs", "3", "--set", "data.normalize=standardize",
				"--set", "data.train="+path, "--out", dir)
			var warnings []string
			for l := range strings.Lines(r.stderr) {
				if !strings.HasPrefix(l, "epoch ") {
					warnings = append(warnings, strings.TrimSuffix(l, "\n"))
				}
			}
			if tc.warning == "" && len(warnings) > 0 || tc.warning != "" && (len(warnings) != 1 || warnings[0] != tc.warning) {
				t.Errorf("stderr lines besides progress: %q, want %q", warnings, tc.warning)
			}
			var m struct {
				Features  []string `json:"features"`
				Normalize struct {
					Scale []float64 `json:"scale"`
				} `json:"normalize"`
			}
			if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "model.json"))), &m); err != nil {
				t.Fatal(err)
			}
			if want := len(tc.scale); len(m.Features) != want || m.Features[0] != "x1" {
				t.Errorf("model features %q, want %d starting with x1 (no BOM in the name)", m.Features, want)
			}
			if !slices.Equal(m.Normalize.Scale, tc.scale) {
				t.Errorf("model.json scale = %v, want %v", m.Normalize.Scale, tc.scale)
			}
			// The model reads the same odd file back.
			mustRun(t, "eval", filepath.Join(dir, "model.json"), path)
		})
	}
	t.Run("eval: extra and reordered columns", func(t *testing.T) {
		dir := filepath.Join(tmp, "run-xor")
		mustRun(t, "fit", "configs/xor.yaml", "--quiet", "--epochs", "3", "--out", dir)
		path := filepath.Join(tmp, "reordered.csv")
		if err := os.WriteFile(path, []byte("id,y,x2,x1\n1,0,0,0\n2,1,1,0\n3,1,0,1\n4,0,1,1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		want := mustRun(t, "eval", filepath.Join(dir, "model.json"), "datasets/xor.csv", "--json").stdout
		got := mustRun(t, "eval", filepath.Join(dir, "model.json"), path, "--json").stdout
		// Only the data path differs.
		if strings.Replace(got, path, "datasets/xor.csv", 1) != want {
			t.Errorf("eval of the reordered file:\n%s\nwant as on datasets/xor.csv:\n%s", got, want)
		}
	})
}

// resign sets the checksum of the model.json text b as mlptrain computes
// it: "sha256:" and the hex SHA-256 of the file with an empty checksum and
// without its final newline. The edit that made b must keep the layout
// mlptrain writes, as replacing one quoted name by another does.
func resign(t *testing.T, b string) string {
	t.Helper()
	re := regexp.MustCompile(`"checksum": "[^"]*"`)
	if !re.MatchString(b) {
		t.Fatal("model.json has no checksum")
	}
	empty := re.ReplaceAllLiteralString(strings.TrimSuffix(b, "\n"), `"checksum": ""`)
	sum := sha256.Sum256([]byte(empty))
	return re.ReplaceAllLiteralString(b, `"checksum": "sha256:`+hex.EncodeToString(sum[:])+`"`)
}

// idColumn returns a CSV of n rows whose first column is an id: a level
// of its own in every row.
func idColumn(n int) string {
	var b strings.Builder
	b.WriteString("id,x1,y\n")
	for i := range n {
		fmt.Fprintf(&b, "c%d,%d,%d\n", i, i%2, i%2)
	}
	return b.String()
}
